//! The exercise's state: the types a fold of events builds and the screens and reports read,
//! and the exercise itself with the plain reads of its parts. Only the fold changes it.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::agenda::Agenda;
use super::event::{ExpectationIx, NoteKind, Outcome, Response};
use super::triggers::Waiters;
use crate::scenario::{Action, ActionIx, InjectIx, ObjectiveIx, Scenario, Secs, TeamIx};

/// The settings an exercise starts with; the journal's first line records them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub seed: u64,
    /// The scenario time at which the exercise ends by itself; `None`: only by `End`/`RunOut`.
    pub planned_end: Option<Secs>,
    pub speed: f64,
}

impl Settings {
    pub fn of(scenario: &Scenario) -> Self {
        Settings {
            seed: scenario.seed,
            planned_end: scenario.end,
            speed: scenario.speed,
        }
    }
}

/// Which edition of the judging rules an exercise follows. A journal records the edition of the
/// ttx that wrote it, and a replay must follow the same rules to rebuild the same exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// Format 1: a response that names an item is matched only against that item; the releases
    /// a trigger causes are queued behind those already due; simultaneous releases in the order
    /// they were planned.
    Format1,
    /// Format 2 (the scenario-format spec's Precise rules 16–26).
    Format2,
}

/// Where an inject stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InjectState {
    /// Its trigger has not fired (a `Manual` inject stays here until released by hand).
    Waiting,
    /// Its trigger fired and the chance draw passed; released at `release_at`.
    Scheduled {
        fired_at: Secs,
        release_at: Secs,
    },
    Released {
        at: Secs,
        by_hand: bool,
    },
    /// Its trigger fired and the chance draw failed, or its `unless` had fired by its release.
    Skipped {
        at: Secs,
        by: SkipCause,
    },
}

/// Why an inject was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipCause {
    /// Its chance draw failed when its trigger fired.
    Chance,
    /// Its `unless` trigger had fired by the moment it would have been released (format 3).
    Unless,
}

/// Where an expectation copy comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The inject and the position of the expectation in its `expect` list.
    Inject(InjectIx, usize),
    /// The reply a hotline message obliges, by message number.
    Message(u64),
}

/// One team's copy of an expectation, created when its inject is released or message delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub source: Source,
    pub team: TeamIx,
    /// The action expected; for a decision, the action chosen (`None` until one is).
    pub action: Option<ActionIx>,
    /// A decision's choices in file order; empty for an expectation of one action.
    pub choices: Vec<ActionIx>,
    pub released_at: Secs,
    /// The deadline; `Secs::MAX` while the expectation is held (see `held`).
    pub due_at: Secs,
    pub weight: f64,
    pub objective: Option<ObjectiveIx>,
    /// A reply on hold: the request it answers was clarified, and the reply's deadline runs
    /// from the amendment (Precise rule 35). It has no deadline meanwhile.
    pub held: bool,
    /// Its `Incomplete` triggers have fired (at most once per copy, rule 40).
    pub incomplete_fired: bool,
    /// Positions in the action's fields, ascending; a decision's are those of the action chosen,
    /// set when it is chosen.
    pub required: Vec<usize>,
    pub done: Option<Done>,
    /// The deadline passed with it not done (it may still be done late).
    pub deadline_passed: bool,
}

impl Expectation {
    /// Its deadline; `None` while it is held.
    pub fn due(&self) -> Option<Secs> {
        (!self.held).then_some(self.due_at)
    }

    /// Whether a response of this action satisfies it.
    pub fn accepts(&self, action: ActionIx) -> bool {
        if self.choices.is_empty() {
            self.action == Some(action)
        } else {
            self.choices.contains(&action)
        }
    }

    pub fn is_decision(&self) -> bool {
        !self.choices.is_empty()
    }

    /// The actions that satisfy it.
    pub fn accepted(&self) -> &[ActionIx] {
        if self.choices.is_empty() {
            self.action.as_slice()
        } else {
            &self.choices
        }
    }

    /// The fields (positions in the action's fields) a response of `action` must supply to
    /// satisfy it in full: its own, or for a decision every field of the action chosen.
    pub fn required_for(&self, action: &Action) -> Vec<usize> {
        if self.is_decision() {
            (0..action.fields.len()).collect()
        } else {
            self.required.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// When the response was made: before the release for one done ahead.
    pub at: Secs,
    /// Position in `Exercise::responses`.
    pub response: usize,
    /// Required fields not supplied (blank, too few words, or found insufficient by a
    /// clarification or judgement still in force), as positions in the action's fields,
    /// ascending.
    pub missing: Vec<usize>,
    /// Satisfied by a response that stood ready (done ahead of time).
    pub ahead: bool,
}

impl Expectation {
    /// Done-time minus release time; 0 for a copy done ahead of time.
    pub fn latency(&self) -> Option<Secs> {
        self.done
            .as_ref()
            .map(|d| d.at.saturating_sub(self.released_at))
    }
}

/// A response that was accepted, with how it was judged.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRecord {
    pub at: Secs,
    pub response: Response,
    /// How it was judged when it was made.
    pub outcome: Outcome,
    /// The expectation it satisfied, then or later (a ready response used by a release).
    pub satisfied: Option<ExpectationIx>,
}

/// A field of a response found insufficient (format 3).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Position in the response action's fields.
    pub field: usize,
    pub by: FoundBy,
    /// The clarification's message; `None` for a judgement.
    pub message: Option<u64>,
    pub reason: Option<String>,
    pub at: Secs,
}

/// Who found a field insufficient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    /// The receiving team, by a clarification.
    Team(TeamIx),
    /// A facilitator or evaluator, by a judgement.
    Evaluator,
}

/// What a clarification clarified: a version of a request and the fields it found
/// insufficient (positions in the request action's fields, in the order given).
#[derive(Debug, Clone, PartialEq)]
pub struct Clarified {
    pub message: u64,
    pub fields: Vec<usize>,
}

/// One receiver's thread of a request (Precise rule 33): the message that created the reply
/// obligation, and its round trips of clarification and amendment.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestThread {
    /// The original request's number.
    pub message: u64,
    pub from: TeamIx,
    /// The receiver.
    pub to: TeamIx,
    /// The receiver's reply expectation of the original request.
    pub reply: ExpectationIx,
    /// The clarifications' messages, in order.
    pub clarifications: Vec<u64>,
    /// The amendments' messages, in order.
    pub amendments: Vec<u64>,
    /// The amendment owed for the latest clarification, until it is made.
    pub owed: Option<ExpectationIx>,
}

impl RequestThread {
    /// The latest version: the original request or its latest amendment.
    pub fn latest_version(&self) -> u64 {
        self.amendments.last().copied().unwrap_or(self.message)
    }

    /// Whether the latest version has been clarified (versions are clarified in order, once).
    pub fn latest_is_clarified(&self) -> bool {
        self.clarifications.len() > self.amendments.len()
    }
}

/// A `Judge` as given, take-backs included (the report's `judgements`).
#[derive(Debug, Clone, PartialEq)]
pub struct JudgementRecord {
    pub at: Secs,
    pub expectation: ExpectationIx,
    pub insufficient: Vec<String>,
    pub reason: Option<String>,
    pub by: String,
}

impl ResponseRecord {
    /// It satisfied nothing when it was made and stood ready, used later or not.
    pub fn ahead(&self) -> bool {
        self.outcome == Outcome::Ready
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub n: u64,
    pub from: TeamIx,
    /// `None` for a free message.
    pub action: Option<ActionIx>,
    /// In scenario file order.
    pub to: Vec<TeamIx>,
    pub sent_at: Secs,
    /// The response that sent it (its fields are the message's content); `None` for a free
    /// message.
    pub response: Option<usize>,
    /// The reply expectations it created, one per receiving team.
    pub replies: Vec<ExpectationIx>,
    /// The message it answers.
    pub in_reply_to: Option<u64>,
    /// A free message's text, or a clarification's note.
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub at: Secs,
    pub team: Option<TeamIx>,
    /// The objective the observation is evidence for.
    pub objective: Option<ObjectiveIx>,
    pub kind: NoteKind,
    pub text: String,
    /// A point of the hot wash, said in the room after the end.
    pub hot_wash: bool,
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub(super) scenario: Arc<Scenario>,
    pub(super) settings: Settings,
    pub(super) waiters: Waiters,
    pub(super) now: Secs,
    /// The time of the last event; `now` runs ahead of it while nothing happens.
    pub(super) recorded_until: Secs,
    pub(super) started: bool,
    pub(super) running: bool,
    pub(super) speed: f64,
    pub(super) ended_at: Option<Secs>,
    pub(super) injects: Vec<InjectState>,
    /// The expectation copies of each inject, in creation order.
    pub(super) by_inject: Vec<Vec<ExpectationIx>>,
    pub(super) expectations: Vec<Expectation>,
    /// Every copy in release order, then source, then team: the order of reports and lists,
    /// kept as copies are made (almost always at the end) rather than sorted at each look.
    pub(super) in_release_order: Vec<ExpectationIx>,
    /// Each team's copies in the same order: a report walks them team by team, several times,
    /// and picking a team's out of every copy went through all of them each time.
    pub(super) of_team: Vec<Vec<ExpectationIx>>,
    /// Not-done expectations per team and action, in matching order.
    pub(super) open: HashMap<(TeamIx, ActionIx), BTreeSet<MatchKey>>,
    pub(super) responses: Vec<ResponseRecord>,
    /// Responses standing ready (done ahead of time), in the order made.
    pub(super) ready: Vec<usize>,
    pub(super) messages: Vec<Message>,
    /// The last response that sent its message.
    pub(super) last_sender: Option<usize>,
    pub(super) notes: Vec<Note>,
    /// Request threads, in the order their requests were sent, then receiver.
    pub(super) requests: Vec<RequestThread>,
    /// The thread of each version of a request (original or amendment), per receiver.
    pub(super) versions: HashMap<(u64, TeamIx), usize>,
    /// The thread of each clarification's message.
    pub(super) clarification_threads: HashMap<u64, usize>,
    pub(super) judgements: Vec<JudgementRecord>,
    /// The findings of insufficiency in force on each response that has any, in the order made.
    /// Kept beside the responses, not in them: few responses have findings, and a big
    /// exercise holds many responses.
    pub(super) findings: HashMap<usize, Vec<Finding>>,
    /// What each clarification clarifies, by its response.
    pub(super) clarifications: HashMap<usize, Clarified>,
    /// When the report was made final.
    pub(super) final_at: Option<Secs>,
    /// The actions each team has taken, for `unless: Taken(..)`.
    pub(super) taken: HashSet<(ActionIx, TeamIx)>,
    pub(super) agenda: Agenda,
    /// Injects whose trigger fired and whose draw is still to be decided, the next at the
    /// front. Format 2 puts what an event fires at the front, so each release is carried
    /// through (depth first) before its siblings; format 1 queued it at the back.
    pub(super) fired: VecDeque<InjectIx>,
    /// The injects fired by the event being applied, pushed onto `fired` in file order once
    /// the event is folded in.
    pub(super) batch: Vec<InjectIx>,
    /// An inject scheduled with no delay: released right after its draw.
    pub(super) releasing: Option<InjectIx>,
    pub(super) rules: Rules,
}

impl Exercise {
    pub fn new(scenario: Arc<Scenario>, settings: Settings) -> Self {
        Exercise::with_rules(scenario, settings, Rules::Format2)
    }

    /// An exercise judged by an earlier edition of the rules: to replay an old journal.
    pub fn with_rules(scenario: Arc<Scenario>, settings: Settings, rules: Rules) -> Self {
        let agenda = Agenda::new(
            rules == Rules::Format2,
            scenario
                .injects
                .iter()
                .enumerate()
                .filter_map(|(i, inject)| match inject.when {
                    crate::scenario::Trigger::At(at) => Some((at, InjectIx(i))),
                    _ => None,
                }),
        );
        let count = scenario.injects.len();
        // Each inject released makes a copy of each of its expectations per team expected:
        // room for them all from the start, as a big exercise's copies are its longest list
        // (grown by doubling, it held up to twice their size, copied at each step).
        let mut copies_of_team = vec![0; scenario.teams.len()];
        for team in scenario
            .injects
            .iter()
            .flat_map(|inject| &inject.expect)
            .flat_map(|expectation| &expectation.by)
        {
            copies_of_team[team.0] += 1;
        }
        let copies = copies_of_team.iter().sum();
        Exercise {
            waiters: Waiters::of(&scenario),
            settings,
            now: 0,
            recorded_until: 0,
            started: false,
            running: false,
            speed: settings.speed,
            ended_at: None,
            injects: vec![InjectState::Waiting; count],
            by_inject: vec![Vec::new(); count],
            in_release_order: Vec::with_capacity(copies),
            of_team: copies_of_team.into_iter().map(Vec::with_capacity).collect(),
            expectations: Vec::with_capacity(copies),
            open: HashMap::new(),
            responses: Vec::new(),
            ready: Vec::new(),
            messages: Vec::new(),
            last_sender: None,
            notes: Vec::new(),
            requests: Vec::new(),
            versions: HashMap::new(),
            clarification_threads: HashMap::new(),
            judgements: Vec::new(),
            findings: HashMap::new(),
            clarifications: HashMap::new(),
            final_at: None,
            taken: HashSet::new(),
            agenda,
            fired: VecDeque::new(),
            batch: Vec::new(),
            releasing: None,
            rules,
            scenario,
        }
    }

    // ---- reading the state ----

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }
    pub fn settings(&self) -> Settings {
        self.settings
    }
    pub fn now(&self) -> Secs {
        self.now
    }
    pub fn is_started(&self) -> bool {
        self.started
    }
    pub fn is_running(&self) -> bool {
        self.running
    }
    pub fn speed(&self) -> f64 {
        self.speed
    }
    pub fn ended_at(&self) -> Option<Secs> {
        self.ended_at
    }
    pub fn inject_state(&self, inject: InjectIx) -> InjectState {
        self.injects[inject.0]
    }
    /// Gives back the room the exercise's long lists grew into and do not use: an exercise
    /// played or read whole has its report built next, and growing by doubling left a big
    /// exercise's lists up to half empty (5 MB at 10,000 injects). Anything added later grows
    /// them again.
    pub fn shrink_to_fit(&mut self) {
        self.expectations.shrink_to_fit();
        self.in_release_order.shrink_to_fit();
        self.of_team.iter_mut().for_each(Vec::shrink_to_fit);
        self.responses.shrink_to_fit();
        self.messages.shrink_to_fit();
        self.notes.shrink_to_fit();
    }

    pub fn inject_states(&self) -> &[InjectState] {
        &self.injects
    }
    pub fn expectations(&self) -> &[Expectation] {
        &self.expectations
    }
    pub fn expectation(&self, ix: ExpectationIx) -> &Expectation {
        &self.expectations[ix.0]
    }
    pub fn expectations_of_inject(&self, inject: InjectIx) -> &[ExpectationIx] {
        &self.by_inject[inject.0]
    }
    pub fn responses(&self) -> &[ResponseRecord] {
        &self.responses
    }
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }
    pub fn message(&self, n: u64) -> Option<&Message> {
        n.checked_sub(1).and_then(|i| self.messages.get(i as usize))
    }
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }
    /// Every request thread (one per request and receiver), in the order sent.
    pub fn requests(&self) -> &[RequestThread] {
        &self.requests
    }
    /// Every judgement in the order given, take-backs included.
    pub fn judgements(&self) -> &[JudgementRecord] {
        &self.judgements
    }
    /// The findings of insufficiency in force on the `n`th response, in the order made.
    pub fn findings(&self, n: usize) -> &[Finding] {
        self.findings.get(&n).map_or(&[], Vec::as_slice)
    }
    /// What the `n`th response clarifies, if it is a clarification.
    pub fn clarification(&self, n: usize) -> Option<&Clarified> {
        self.clarifications.get(&n)
    }
    /// Whether the report has been made final (nothing more is judged or rated).
    pub fn is_final(&self) -> bool {
        self.final_at.is_some()
    }

    /// Every expectation copy in release order, then source, then team.
    pub fn expectations_in_release_order(&self) -> &[ExpectationIx] {
        &self.in_release_order
    }
}

/// The order in which a response looks for an expectation to satisfy: earliest deadline, then
/// earlier release, then inject order in the file (injects before messages), then message number.
pub(super) type MatchKey = (Secs, Secs, Source, ExpectationIx);

pub(super) fn match_key(e: &Expectation, ix: ExpectationIx) -> MatchKey {
    // A held expectation has `due_at` at the end of time: it sorts after every one with a
    // deadline (Precise rule 35).
    (e.due_at, e.released_at, e.source, ix)
}
