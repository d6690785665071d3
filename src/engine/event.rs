//! What happened: the engine's output, the journal's content, and the only way state changes.

use serde::{Deserialize, Serialize};

use crate::scenario::{ActionIx, InjectIx, ObjectiveIx, Secs, TeamIx};

/// A copy of an expectation for one team: its position in `Exercise::expectations`, in the order
/// the copies were created (deterministic, so a replay gives the same numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExpectationIx(pub usize);

/// What a response says it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answers {
    Inject(InjectIx),
    /// A hotline message, by its number (from 1).
    Message(u64),
}

/// A team's answer, as submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub team: TeamIx,
    pub action: ActionIx,
    /// Field name → text, in the order given.
    pub fields: Vec<(String, String)>,
    pub note: Option<String>,
    pub answers: Option<Answers>,
    /// A clarification's findings (format 3): the fields of the request it names that it finds
    /// insufficient. Empty for every response of an action without `clarifies`.
    pub insufficient: Vec<String>,
}

/// How a response was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Satisfied(ExpectationIx),
    /// Matched no expectation, and its action has `ahead: true`: it stands ready to satisfy the
    /// team's next expectation of it when that is created.
    Ready,
    /// Matched no expectation: reported, not scored.
    Unexpected,
}

/// What a facilitator's observation is, in HSEEP's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    Strength,
    Improvement,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The clock was started for the first time.
    Started {
        at: Secs,
    },
    Paused {
        at: Secs,
    },
    Resumed {
        at: Secs,
    },
    SpeedChanged {
        at: Secs,
        speed: f64,
    },
    /// An inject's trigger fired and its chance draw passed: it is released at `release_at`.
    Scheduled {
        at: Secs,
        inject: InjectIx,
        chance_draw: f64,
        jitter_s: Secs,
        release_at: Secs,
    },
    /// An inject's trigger fired and its chance draw failed.
    Skipped {
        at: Secs,
        inject: InjectIx,
        chance_draw: f64,
    },
    /// A scheduled inject was not released: its `unless` trigger had fired (format 3).
    SkippedUnless {
        at: Secs,
        inject: InjectIx,
    },
    Released {
        at: Secs,
        inject: InjectIx,
        by_hand: bool,
    },
    /// A deadline passed with its expectation not done.
    DeadlinePassed {
        at: Secs,
        expectation: ExpectationIx,
    },
    Responded {
        at: Secs,
        response: Response,
        outcome: Outcome,
    },
    /// A free hotline message: numbered with the others, it obliges and satisfies nothing.
    Said {
        at: Secs,
        n: u64,
        from: TeamIx,
        to: Vec<TeamIx>,
        text: String,
        in_reply_to: Option<u64>,
    },
    /// A hotline message, sent by the response just before it.
    MessageSent {
        at: Secs,
        n: u64,
        from: TeamIx,
        action: ActionIx,
        to: Vec<TeamIx>,
    },
    Noted {
        at: Secs,
        team: Option<TeamIx>,
        objective: Option<ObjectiveIx>,
        kind: NoteKind,
        text: String,
        /// Said in the hot wash after the end, about its objective (discussion.md).
        hot_wash: bool,
    },
    Ended {
        at: Secs,
    },
    /// A facilitator or evaluator found fields of a done expectation insufficient (format 3);
    /// an empty list takes their earlier judgement of it back.
    Judged {
        at: Secs,
        expectation: ExpectationIx,
        /// Field names of the action that satisfied it.
        insufficient: Vec<String>,
        reason: Option<String>,
        /// The seat's user, or `script`.
        by: String,
    },
    /// The report was made final: no rating, judgement or plan edit follows.
    Finalised {
        at: Secs,
    },
    /// Scenario time reached `at` with nothing else happening: a live run records it now and
    /// then, so that a resume reopens where the room was, not at the last eventful moment.
    Clock {
        at: Secs,
    },
}

impl Event {
    pub fn at(&self) -> Secs {
        match self {
            Event::Started { at }
            | Event::Paused { at }
            | Event::Resumed { at }
            | Event::SpeedChanged { at, .. }
            | Event::Scheduled { at, .. }
            | Event::Skipped { at, .. }
            | Event::SkippedUnless { at, .. }
            | Event::Released { at, .. }
            | Event::DeadlinePassed { at, .. }
            | Event::Responded { at, .. }
            | Event::MessageSent { at, .. }
            | Event::Said { at, .. }
            | Event::Noted { at, .. }
            | Event::Ended { at }
            | Event::Judged { at, .. }
            | Event::Finalised { at }
            | Event::Clock { at } => *at,
        }
    }
}
