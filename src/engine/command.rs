//! What someone wants the exercise to do, and why it may be refused.

use super::event::{ExpectationIx, NoteKind, Response};
use crate::scenario::{InjectIx, ObjectiveIx, Secs, TeamIx};

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Scenario time is now `T`: everything due before `T` happens, and the releases due at `T`.
    /// Deadlines at `T` wait until time moves on, so an answer at `T` still counts as on time.
    AdvanceTo(Secs),
    Start,
    Pause,
    Resume,
    SetSpeed(f64),
    Respond(Response),
    /// A free hotline message from `team`; `to`: `None` for every other team.
    Say {
        team: TeamIx,
        to: Option<Vec<TeamIx>>,
        text: String,
        in_reply_to: Option<u64>,
    },
    /// The facilitator releases an inject by hand, now.
    Release(InjectIx),
    Note {
        team: Option<TeamIx>,
        /// The objective it is evidence for, if any (the evaluation screen shows it there).
        objective: Option<ObjectiveIx>,
        kind: NoteKind,
        text: String,
    },
    /// A point of the hot wash (discussion.md): a strength or area for improvement said in the
    /// room about an objective, after the end and until the report is final.
    HotWash {
        objective: ObjectiveIx,
        kind: NoteKind,
        text: String,
    },
    /// End now: everything due now happens first.
    End,
    /// A facilitator or evaluator finds fields of a done expectation insufficient, with a
    /// reason; `insufficient: []` takes their earlier judgement of it back. Allowed after the
    /// end, until the report is final.
    Judge {
        expectation: ExpectationIx,
        insufficient: Vec<String>,
        reason: Option<String>,
        /// Who judges: the seat's user, or `script`.
        by: String,
    },
    /// Makes the report final: only after the end; nothing is judged or rated afterwards.
    Finalise,
    /// End at the planned end, or once nothing automatic remains when there is none.
    RunOut,
    /// Record the current scenario time if nothing has been recorded at it yet.
    Checkpoint,
}

/// Why a command changed nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("the exercise has ended")]
    Ended,
    #[error("scenario time cannot go back from {now}s to {to}s")]
    TimeGoesBack { now: Secs, to: Secs },
    #[error("team `{team}` may not take action `{action}`")]
    ActionNotAllowed { team: String, action: String },
    #[error(
        "action `{action}` has no field `{field}` (its fields: {})",
        listed(known)
    )]
    UnknownField {
        action: String,
        field: String,
        /// The action's fields, in file order.
        known: Vec<String>,
    },
    #[error("field `{field}` is given twice")]
    FieldTwice { field: String },
    #[error("there is no message {n} (messages sent so far: {sent})")]
    UnknownMessage { n: u64, sent: u64 },
    #[error("team `{team}` has not received inject `{inject}`")]
    InjectNotReceived { team: String, inject: String },
    #[error("team `{team}` has not received message {n}")]
    MessageNotReceived { team: String, n: u64 },
    #[error("a hotline message needs some text")]
    EmptyMessage,
    #[error("a hotline message needs a receiving team other than the sender `{team}`")]
    NoReceivers { team: String },
    #[error("team `{team}` cannot send a hotline message to itself")]
    MessageToSelf { team: String },
    #[error("inject `{inject}` is already released")]
    AlreadyReleased { inject: String },
    #[error("the clock is already started")]
    AlreadyStarted,
    #[error("the clock has not been started")]
    NotStarted,
    #[error("the clock is already paused")]
    AlreadyPaused,
    #[error("the clock is already running")]
    AlreadyRunning,
    #[error("speed must be a positive number, not {0}")]
    BadSpeed(f64),
    #[error("an observation needs some text")]
    EmptyNote,
    #[error("field `{field}` must be one of {}, not \"{text}\"", quoted(choices))]
    NotAChoice {
        field: String,
        text: String,
        choices: Vec<String>,
    },
    #[error(
        "only a clarification finds fields insufficient, and action `{action}` is not one (it \
         has no `clarifies`)"
    )]
    NotAClarification { action: String },
    #[error("a clarification must name the request it clarifies (a message number)")]
    ClarificationNamesNoRequest,
    #[error("message {n} is not a request that team `{team}` received (no reply is owed on it)")]
    NotARequest { n: u64, team: String },
    #[error("message {n} is not the latest version of its request: clarify message {latest}")]
    NotLatestVersion { n: u64, latest: u64 },
    #[error("message {n} has already been clarified; wait for its amendment")]
    AlreadyClarified { n: u64 },
    #[error("the request in message {n} has already been answered")]
    ReplyAlreadyDone { n: u64 },
    #[error("a clarification must name at least one insufficient field")]
    NothingInsufficient,
    #[error("`{expectation}` is not done yet: only a done expectation can be judged")]
    JudgedNotDone { expectation: String },
    #[error("a judgement that finds fields insufficient needs a reason")]
    JudgementWithoutReason,
    #[error("the report is final: nothing more can be judged or rated")]
    Final,
    #[error("the report can be made final only once the exercise has ended")]
    NotEnded,
    #[error("the hot wash follows the exercise: it opens once the exercise has ended")]
    HotWashBeforeEnd,
}

/// Texts as a refusal quotes them: "routine", "urgent".
fn quoted(texts: &[String]) -> String {
    texts
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An action's fields as a refusal lists them.
fn listed(fields: &[String]) -> String {
    if fields.is_empty() {
        "none".to_string()
    } else {
        fields.join(", ")
    }
}
