//! The exercise engine: pure (no terminal, no file, no wall clock), command in, events out, state
//! as a fold of events.
//!
//! `execute` checks a command against the state and, if it is accepted, produces the events it
//! causes, applying each as it is decided (a release can trigger another, a missed deadline can
//! release a contingency inject, so later events depend on earlier ones). `apply` is the only
//! code that changes the state; a replay applies a journal's events and gets the same state.

mod agenda;
mod command;
mod draw;
mod event;
mod queries;
mod replay;
mod score;
mod triggers;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};

pub use command::{Command, Refusal};
pub use draw::{Draw, draw};
pub use event::{Answers, Event, ExpectationIx, Outcome, Response};
pub use replay::Inconsistency;
pub use score::{Score, Status};

use crate::scenario::{ActionIx, InjectIx, ObjectiveIx, Scenario, Secs, TeamIx};
use agenda::{Agenda, Due, Horizon};
use triggers::Waiters;

/// What a facilitator's observation is, in HSEEP's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    Strength,
    Improvement,
}

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
    /// Its trigger fired and the chance draw failed.
    Skipped {
        at: Secs,
    },
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
    pub due_at: Secs,
    pub weight: f64,
    pub objective: Option<ObjectiveIx>,
    /// Positions in the action's fields, ascending; a decision's are those of the action chosen,
    /// set when it is chosen.
    pub required: Vec<usize>,
    pub done: Option<Done>,
    /// The deadline passed with it not done (it may still be done late).
    pub deadline_passed: bool,
}

impl Expectation {
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// When the response was made: before the release for one done ahead.
    pub at: Secs,
    /// Position in `Exercise::responses`.
    pub response: usize,
    /// Required fields left blank, as positions in the action's fields, ascending.
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
    /// A free message's text.
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
}

/// The order in which a response looks for an expectation to satisfy: earliest deadline, then
/// earlier release, then inject order in the file (injects before messages), then message number.
type MatchKey = (Secs, Secs, Source, ExpectationIx);

#[derive(Debug, Clone)]
pub struct Exercise {
    scenario: Arc<Scenario>,
    settings: Settings,
    waiters: Waiters,
    now: Secs,
    /// The time of the last event; `now` runs ahead of it while nothing happens.
    recorded_until: Secs,
    started: bool,
    running: bool,
    speed: f64,
    ended_at: Option<Secs>,
    injects: Vec<InjectState>,
    /// The expectation copies of each inject, in creation order.
    by_inject: Vec<Vec<ExpectationIx>>,
    expectations: Vec<Expectation>,
    /// Every copy in release order, then source, then team: the order of reports and lists,
    /// kept as copies are made (almost always at the end) rather than sorted at each look.
    in_release_order: Vec<ExpectationIx>,
    /// Not-done expectations per team and action, in matching order.
    open: HashMap<(TeamIx, ActionIx), BTreeSet<MatchKey>>,
    responses: Vec<ResponseRecord>,
    /// Responses standing ready (done ahead of time), in the order made.
    ready: Vec<usize>,
    messages: Vec<Message>,
    /// The last response that sent its message.
    last_sender: Option<usize>,
    notes: Vec<Note>,
    agenda: Agenda,
    /// Injects whose trigger fired and whose draw is still to be decided, the next at the
    /// front. Format 2 puts what an event fires at the front, so each release is carried
    /// through (depth first) before its siblings; format 1 queued it at the back.
    fired: VecDeque<InjectIx>,
    /// The injects fired by the event being applied, pushed onto `fired` in file order once
    /// the event is folded in.
    batch: Vec<InjectIx>,
    /// An inject scheduled with no delay: released right after its draw.
    releasing: Option<InjectIx>,
    rules: Rules,
}

impl Exercise {
    pub fn new(scenario: Arc<Scenario>, settings: Settings) -> Self {
        Exercise::with_rules(scenario, settings, Rules::Format2)
    }

    /// An exercise judged by an earlier edition of the rules: to replay an old journal.
    pub fn with_rules(scenario: Arc<Scenario>, settings: Settings, rules: Rules) -> Self {
        let mut agenda = Agenda::new(rules == Rules::Format2);
        for (i, inject) in scenario.injects.iter().enumerate() {
            if let crate::scenario::Trigger::At(at) = inject.when {
                agenda.push(at, Due::Fire(InjectIx(i)));
            }
        }
        let count = scenario.injects.len();
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
            in_release_order: Vec::new(),
            expectations: Vec::new(),
            open: HashMap::new(),
            responses: Vec::new(),
            ready: Vec::new(),
            messages: Vec::new(),
            last_sender: None,
            notes: Vec::new(),
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

    /// The scenario time of the next release or deadline that will happen by itself.
    pub fn next_due_at(&self) -> Option<Secs> {
        self.agenda.peek().map(|(at, _)| at)
    }

    /// Nothing automatic remains: no trigger to draw, no release or live deadline to come.
    pub fn is_settled(&self) -> bool {
        self.fired.is_empty() && self.releasing.is_none() && self.agenda.is_empty()
    }

    /// Responses standing ready (done ahead of time, not yet used), in the order made.
    pub fn ready_responses(&self) -> &[usize] {
        &self.ready
    }

    /// How many injects have been released.
    pub fn released_count(&self) -> usize {
        self.injects
            .iter()
            .filter(|s| matches!(s, InjectState::Released { .. }))
            .count()
    }

    /// The report's id of an expectation copy: `detect.ack@us`, `msg-1.rfa-reply@cn`,
    /// `jit.decision@us`. An id names one copy: the loader refuses an inject that expects one
    /// action twice, and a team listed twice in `by`.
    pub fn expectation_id(&self, ix: ExpectationIx) -> String {
        let e = &self.expectations[ix.0];
        let team = &self.scenario.team(e.team).id;
        match e.source {
            Source::Inject(inject, k) => {
                let inject = self.scenario.inject(inject);
                let name = inject.expect[k].name(&self.scenario);
                // Joined without the formatting machinery: ids are made for every line of a
                // journal and every row of a report.
                [inject.id.as_str(), ".", name, "@", team].concat()
            }
            Source::Message(n) => {
                let action = e
                    .action
                    .map_or("?", |a| self.scenario.action(a).id.as_str());
                format!("msg-{n}.{action}@{team}")
            }
        }
    }

    /// The copy that `expectation_id` names `id`. An id starts with its source and a `.`
    /// (`detect.` for an inject, `msg-3.` for a message); ids may hold `.` themselves, so each
    /// `.` is tried as the end of the source, and the copies of a source that exists are
    /// compared whole. Looked up only when a journal is read, so no map of every id is kept.
    pub fn expectation_by_id(&self, id: &str) -> Option<ExpectationIx> {
        id.match_indices('.').find_map(|(dot, _)| {
            let source = &id[..dot];
            let from_inject = self
                .scenario
                .inject_ix(source)
                .map(|inject| self.by_inject[inject.0].as_slice());
            let from_message = source
                .strip_prefix("msg-")
                .and_then(|n| n.parse().ok())
                .and_then(|n| self.message(n))
                .map(|m| m.replies.as_slice());
            from_inject
                .into_iter()
                .chain(from_message)
                .flatten()
                .copied()
                .find(|&ix| self.is_named(ix, id))
        })
    }

    /// Whether `expectation_id(ix)` is `id`, compared piece by piece: a journal is read line by
    /// line, and an inject's id is not built for each of its copies on each line.
    fn is_named(&self, ix: ExpectationIx, id: &str) -> bool {
        let e = &self.expectations[ix.0];
        let Source::Inject(inject, k) = e.source else {
            return self.expectation_id(ix) == id;
        };
        let inject = self.scenario.inject(inject);
        let team = self.scenario.team(e.team).id.as_str();
        id.strip_prefix(inject.id.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_prefix(inject.expect[k].name(&self.scenario)))
            .and_then(|rest| rest.strip_prefix('@'))
            == Some(team)
    }

    /// A team's expectations in report order: by release time, then inject order (and the order
    /// of `expect` within an inject), then message number.
    pub fn expectations_of_team(&self, team: TeamIx) -> Vec<ExpectationIx> {
        self.in_release_order
            .iter()
            .copied()
            .filter(|ix| self.expectations[ix.0].team == team)
            .collect()
    }

    /// Every expectation copy in release order, then source, then team.
    pub fn expectations_in_release_order(&self) -> &[ExpectationIx] {
        &self.in_release_order
    }

    fn release_order(&self, ix: ExpectationIx) -> (Secs, Source, TeamIx) {
        let e = &self.expectations[ix.0];
        (e.released_at, e.source, e.team)
    }

    // ---- commands ----

    /// Checks a command and, if accepted, applies the events it causes and returns them.
    /// A refused command changes nothing.
    pub fn execute(&mut self, command: Command) -> Result<Vec<Event>, Refusal> {
        // Nothing happens in an exercise before its clock starts; what is due at the start
        // happens as it starts, so no command can come before it.
        if !self.started && command != Command::Start {
            return Err(Refusal::NotStarted);
        }
        let mut events = Vec::new();
        match command {
            Command::AdvanceTo(to) => {
                self.refuse_if_ended()?;
                if to < self.now {
                    return Err(Refusal::TimeGoesBack { now: self.now, to });
                }
                match self.settings.planned_end {
                    Some(end) if to > end => {
                        self.settle(Horizon::Through(end), &mut events);
                        self.record(
                            Event::Ended {
                                at: end.max(self.now),
                            },
                            &mut events,
                        );
                    }
                    _ => {
                        self.settle(Horizon::ReleasesAt(to), &mut events);
                        self.now = to;
                    }
                }
            }
            Command::Start => {
                self.refuse_if_ended()?;
                if self.started {
                    return Err(Refusal::AlreadyStarted);
                }
                self.record(Event::Started { at: self.now }, &mut events);
                // What is due at the start happens as the clock starts.
                self.settle(Horizon::ReleasesAt(self.now), &mut events);
            }
            Command::Pause => {
                self.refuse_if_ended()?;
                if !self.started {
                    return Err(Refusal::NotStarted);
                }
                if !self.running {
                    return Err(Refusal::AlreadyPaused);
                }
                self.record(Event::Paused { at: self.now }, &mut events);
            }
            Command::Resume => {
                self.refuse_if_ended()?;
                if !self.started {
                    return Err(Refusal::NotStarted);
                }
                if self.running {
                    return Err(Refusal::AlreadyRunning);
                }
                self.record(Event::Resumed { at: self.now }, &mut events);
            }
            Command::SetSpeed(speed) => {
                self.refuse_if_ended()?;
                if !(speed.is_finite() && speed > 0.0) {
                    return Err(Refusal::BadSpeed(speed));
                }
                self.record(
                    Event::SpeedChanged {
                        at: self.now,
                        speed,
                    },
                    &mut events,
                );
            }
            Command::Respond(response) => {
                self.refuse_if_ended()?;
                let outcome = self.judge(&response)?;
                let at = self.now;
                self.record(
                    Event::Responded {
                        at,
                        response,
                        outcome,
                    },
                    &mut events,
                );
                self.settle(Horizon::ReleasesAt(self.now), &mut events);
            }
            Command::Say {
                team,
                to,
                text,
                in_reply_to,
            } => {
                self.refuse_if_ended()?;
                let event = self.say(team, to, text, in_reply_to)?;
                self.record(event, &mut events);
            }
            Command::Release(inject) => {
                self.refuse_if_ended()?;
                if let InjectState::Released { .. } = self.injects[inject.0] {
                    return Err(Refusal::AlreadyReleased {
                        inject: self.scenario.inject(inject).id.clone(),
                    });
                }
                let at = self.now;
                self.record(
                    Event::Released {
                        at,
                        inject,
                        by_hand: true,
                    },
                    &mut events,
                );
                self.settle(Horizon::ReleasesAt(self.now), &mut events);
            }
            Command::Note {
                team,
                objective,
                kind,
                text,
            } => {
                // Observations stay welcome after the end: the hot wash follows the exercise.
                if text.trim().is_empty() {
                    return Err(Refusal::EmptyNote);
                }
                let at = self.now;
                self.record(
                    Event::Noted {
                        at,
                        team,
                        objective,
                        kind,
                        text,
                    },
                    &mut events,
                );
            }
            Command::End => {
                self.refuse_if_ended()?;
                self.settle(Horizon::Through(self.now), &mut events);
                let at = self.now;
                self.record(Event::Ended { at }, &mut events);
            }
            Command::Checkpoint => {
                self.refuse_if_ended()?;
                if self.now > self.recorded_until {
                    let at = self.now;
                    self.record(Event::Clock { at }, &mut events);
                }
            }
            Command::RunOut => {
                self.refuse_if_ended()?;
                let (horizon, end) = match self.settings.planned_end {
                    Some(end) => (Horizon::Through(end), Some(end.max(self.now))),
                    None => (Horizon::Everything, None),
                };
                self.settle(horizon, &mut events);
                let at = end.unwrap_or(self.now);
                self.record(Event::Ended { at }, &mut events);
            }
        }
        Ok(events)
    }

    fn refuse_if_ended(&self) -> Result<(), Refusal> {
        match self.ended_at {
            Some(_) => Err(Refusal::Ended),
            None => Ok(()),
        }
    }

    fn record(&mut self, event: Event, events: &mut Vec<Event>) {
        self.apply(&event);
        events.push(event);
    }

    /// Which expectation a response satisfies, or why it is refused.
    fn judge(&self, response: &Response) -> Result<Outcome, Refusal> {
        let scenario = &self.scenario;
        let action = scenario.action(response.action);
        if !action.allows(response.team) {
            return Err(Refusal::ActionNotAllowed {
                team: scenario.team(response.team).id.clone(),
                action: action.id.clone(),
            });
        }
        for (i, (field, _)) in response.fields.iter().enumerate() {
            if action.field_index(field).is_none() {
                return Err(Refusal::UnknownField {
                    action: action.id.clone(),
                    field: field.clone(),
                    known: if action.fields.is_empty() {
                        "none".to_string()
                    } else {
                        action.fields.join(", ")
                    },
                });
            }
            if response.fields[..i]
                .iter()
                .any(|(earlier, _)| earlier == field)
            {
                return Err(Refusal::FieldTwice {
                    field: field.clone(),
                });
            }
        }
        if self.rules == Rules::Format1 && response.answers.is_some() {
            return self.judge_named_format_1(response);
        }
        let named = self.named_candidate(response.team, response.action, response.answers)?;
        Ok(
            match named.or_else(|| self.earliest_candidate(response.team, response.action)) {
                Some(ix) => Outcome::Satisfied(ix),
                None if action.ahead => Outcome::Ready,
                None => Outcome::Unexpected,
            },
        )
    }

    /// Format 1: a response naming an item satisfies that item's expectation or nothing.
    fn judge_named_format_1(&self, response: &Response) -> Result<Outcome, Refusal> {
        let candidate = |ix: &ExpectationIx| {
            let e = &self.expectations[ix.0];
            e.done.is_none() && e.team == response.team && e.accepts(response.action)
        };
        let named = match response.answers {
            Some(Answers::Inject(inject)) => {
                self.by_inject[inject.0].iter().copied().find(candidate)
            }
            Some(Answers::Message(n)) => {
                let message = self.message(n).ok_or(Refusal::UnknownMessage {
                    n,
                    sent: self.messages.len() as u64,
                })?;
                message.replies.iter().copied().find(candidate)
            }
            None => None,
        };
        Ok(named.map_or(Outcome::Unexpected, Outcome::Satisfied))
    }

    /// The named item's candidate for this team and action (Precise rule 22), or `None` when it
    /// has none; refused when the item is not one the team received (rule 7).
    fn named_candidate(
        &self,
        team: TeamIx,
        action: ActionIx,
        answers: Option<Answers>,
    ) -> Result<Option<ExpectationIx>, Refusal> {
        let candidate = |ix: &ExpectationIx| {
            let e = &self.expectations[ix.0];
            e.done.is_none() && e.team == team && e.accepts(action)
        };
        Ok(match answers {
            None => None,
            Some(Answers::Inject(inject)) => {
                let received = matches!(self.injects[inject.0], InjectState::Released { .. })
                    && self.scenario.inject(inject).to.contains(&team);
                if !received {
                    return Err(Refusal::InjectNotReceived {
                        team: self.scenario.team(team).id.clone(),
                        inject: self.scenario.inject(inject).id.clone(),
                    });
                }
                self.by_inject[inject.0].iter().copied().find(candidate)
            }
            Some(Answers::Message(n)) => {
                let message = self.message(n).ok_or(Refusal::UnknownMessage {
                    n,
                    sent: self.messages.len() as u64,
                })?;
                if !message.to.contains(&team) {
                    return Err(Refusal::MessageNotReceived {
                        team: self.scenario.team(team).id.clone(),
                        n,
                    });
                }
                message.replies.iter().copied().find(candidate)
            }
        })
    }

    /// The team's not-done expectation for this action (or a decision listing it) with the
    /// earliest deadline (ties: Precise rules 8 and 24).
    fn earliest_candidate(&self, team: TeamIx, action: ActionIx) -> Option<ExpectationIx> {
        let open = self.open.get(&(team, action))?;
        open.first().map(|&(.., ix)| ix)
    }

    /// A dry run of matching: the expectation a response of `action` by `team`, naming
    /// `answers`, would satisfy now; `Ok(None)` when it would stand ready or be unexpected, and
    /// the refusal when the team may not take the action or may not name that item (fields are
    /// not looked at). The screens ask this instead of copying the rule.
    pub fn would_satisfy(
        &self,
        team: TeamIx,
        action: ActionIx,
        answers: Option<Answers>,
    ) -> Result<Option<ExpectationIx>, Refusal> {
        let spec = self.scenario.action(action);
        if !spec.allows(team) {
            return Err(Refusal::ActionNotAllowed {
                team: self.scenario.team(team).id.clone(),
                action: spec.id.clone(),
            });
        }
        let named = self.named_candidate(team, action, answers)?;
        Ok(named.or_else(|| self.earliest_candidate(team, action)))
    }

    /// The fields (positions in the action's fields) a response of `action` must supply to
    /// satisfy `ix` in full: the expectation's own, or for a decision every field of the action
    /// chosen.
    pub fn required_fields(&self, ix: ExpectationIx, action: ActionIx) -> Vec<usize> {
        let e = &self.expectations[ix.0];
        if e.is_decision() {
            (0..self.scenario.action(action).fields.len()).collect()
        } else {
            e.required.clone()
        }
    }

    /// A team's expectations not yet done (open or overdue), in matching order: earliest
    /// deadline first.
    pub fn open_expectations(&self, team: TeamIx) -> Vec<ExpectationIx> {
        let mut keys: Vec<MatchKey> = self
            .open
            .iter()
            .filter(|((t, _), _)| *t == team)
            .flat_map(|(_, set)| set.iter().copied())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter().map(|(.., ix)| ix).collect()
    }

    /// The messages a team has received, by number.
    pub fn messages_to(&self, team: TeamIx) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(move |m| m.to.contains(&team))
    }

    /// Checks a free hotline message (Precise rule 21) and gives its event.
    fn say(
        &self,
        team: TeamIx,
        to: Option<Vec<TeamIx>>,
        text: String,
        in_reply_to: Option<u64>,
    ) -> Result<Event, Refusal> {
        let team_id = || self.scenario.team(team).id.clone();
        let mut to = match to {
            None => (0..self.scenario.teams.len())
                .map(TeamIx)
                .filter(|t| *t != team)
                .collect(),
            Some(to) => {
                if to.contains(&team) {
                    return Err(Refusal::MessageToSelf { team: team_id() });
                }
                to
            }
        };
        to.sort_unstable();
        to.dedup();
        if to.is_empty() {
            return Err(Refusal::NoReceivers { team: team_id() });
        }
        if text.trim().is_empty() {
            return Err(Refusal::EmptyMessage);
        }
        if let Some(n) = in_reply_to {
            let message = self.message(n).ok_or(Refusal::UnknownMessage {
                n,
                sent: self.messages.len() as u64,
            })?;
            if !message.to.contains(&team) {
                return Err(Refusal::MessageNotReceived { team: team_id(), n });
            }
        }
        Ok(Event::Said {
            at: self.now,
            n: self.messages.len() as u64 + 1,
            from: team,
            to,
            text,
            in_reply_to,
        })
    }

    /// Makes happen, in order, everything the agenda holds within the horizon, with the
    /// draws of the triggers they fire.
    fn settle(&mut self, horizon: Horizon, events: &mut Vec<Event>) {
        loop {
            // A response's message goes first, then the triggers it fired, then the agenda.
            if let Some(message) = self.unsent_message() {
                self.record(message, events);
                continue;
            }
            if let Some(inject) = self.releasing {
                let at = self.now;
                self.record(
                    Event::Released {
                        at,
                        inject,
                        by_hand: false,
                    },
                    events,
                );
                continue;
            }
            if let Some(&inject) = self.fired.front() {
                let event = self.decide_fire(inject, self.now);
                self.record(event, events);
                continue;
            }
            let Some((at, due)) = self.agenda.pop_within(horizon) else {
                break;
            };
            let event = match due {
                Due::Fire(inject) if self.injects[inject.0] == InjectState::Waiting => {
                    self.decide_fire(inject, at)
                }
                Due::Release(inject) => match self.injects[inject.0] {
                    InjectState::Scheduled { release_at, .. } if release_at == at => {
                        Event::Released {
                            at,
                            inject,
                            by_hand: false,
                        }
                    }
                    _ => continue,
                },
                Due::Deadline(ix) if self.is_live_deadline(ix) => Event::DeadlinePassed {
                    at,
                    expectation: ix,
                },
                _ => continue,
            };
            self.record(event, events);
        }
    }

    /// The message the last response must send and has not sent yet.
    fn unsent_message(&self) -> Option<Event> {
        let index = self.responses.len().checked_sub(1)?;
        let last = &self.responses[index];
        let spec = self
            .scenario
            .action(last.response.action)
            .message
            .as_ref()?;
        if self.last_sender == Some(index) {
            return None;
        }
        Some(Event::MessageSent {
            at: last.at,
            n: self.messages.len() as u64 + 1,
            from: last.response.team,
            action: last.response.action,
            to: self.scenario.recipients(spec, last.response.team),
        })
    }

    /// Decides what a command cut short by a crash (its journal lines only partly written)
    /// still owed: the message of its response, the draws of the triggers it fired, the
    /// releases due at once. A resume records these before anything else.
    pub fn complete_interrupted(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        if self.started && self.ended_at.is_none() {
            self.settle(Horizon::ReleasesAt(self.now), &mut events);
        }
        events
    }

    /// A trigger fired at `at`: draw its chance, then its jitter.
    fn decide_fire(&self, inject: InjectIx, at: Secs) -> Event {
        let spec = self.scenario.inject(inject);
        let draw = draw::draw(self.settings.seed, inject, spec.jitter);
        if draw.chance < spec.chance {
            Event::Scheduled {
                at,
                inject,
                chance_draw: draw.chance,
                jitter_s: draw.jitter_s,
                release_at: at.saturating_add(spec.delay).saturating_add(draw.jitter_s),
            }
        } else {
            Event::Skipped {
                at,
                inject,
                chance_draw: draw.chance,
            }
        }
    }

    fn is_live_deadline(&self, ix: ExpectationIx) -> bool {
        let e = &self.expectations[ix.0];
        e.done.is_none() && !e.deadline_passed
    }

    // ---- the fold ----

    /// Folds one event into the state. Events from `execute` always fit; a journal's events are
    /// checked first by `replay`.
    fn apply(&mut self, event: &Event) {
        self.now = self.now.max(event.at());
        self.recorded_until = event.at();
        match event {
            Event::Started { .. } => {
                self.started = true;
                self.running = true;
            }
            Event::Paused { .. } => self.running = false,
            Event::Resumed { .. } => self.running = true,
            Event::SpeedChanged { speed, .. } => self.speed = *speed,
            Event::Scheduled {
                at,
                inject,
                release_at,
                ..
            } => {
                self.fired.retain(|i| i != inject);
                self.injects[inject.0] = InjectState::Scheduled {
                    fired_at: *at,
                    release_at: *release_at,
                };
                if release_at == at && self.rules == Rules::Format2 {
                    // No delay: carried through right after its draw (Precise rule 16).
                    self.releasing = Some(*inject);
                } else {
                    self.agenda.push(*release_at, Due::Release(*inject));
                }
            }
            Event::Skipped { at, inject, .. } => {
                self.fired.retain(|i| i != inject);
                self.injects[inject.0] = InjectState::Skipped { at: *at };
            }
            Event::Released {
                at,
                inject,
                by_hand,
            } => self.release(*inject, *at, *by_hand),
            Event::DeadlinePassed { expectation, .. } => {
                let e = &mut self.expectations[expectation.0];
                e.deadline_passed = true;
                let (source, team) = (e.source, e.team);
                if let Source::Inject(inject, k) = source {
                    self.fire_all(self.waiters.missed(inject, k, team));
                }
            }
            Event::Responded {
                at,
                response,
                outcome,
            } => {
                let index = self.responses.len();
                let mut satisfied = None;
                match outcome {
                    Outcome::Satisfied(ix) => {
                        satisfied = Some(*ix);
                        self.satisfy(*ix, *at, index, response, false);
                    }
                    Outcome::Ready => self.ready.push(index),
                    Outcome::Unexpected => {}
                }
                self.fire_all(self.waiters.taken(response.action, response.team));
                self.responses.push(ResponseRecord {
                    at: *at,
                    response: response.clone(),
                    outcome: *outcome,
                    satisfied,
                });
            }
            Event::Said {
                at,
                n,
                from,
                to,
                text,
                in_reply_to,
            } => self.messages.push(Message {
                n: *n,
                from: *from,
                action: None,
                to: to.clone(),
                sent_at: *at,
                response: None,
                replies: Vec::new(),
                in_reply_to: *in_reply_to,
                text: Some(text.clone()),
            }),
            Event::MessageSent {
                at,
                n,
                from,
                action,
                to,
            } => {
                let reply = self
                    .scenario
                    .action(*action)
                    .message
                    .as_ref()
                    .and_then(|m| m.reply.clone());
                let response = self.responses.len().saturating_sub(1);
                self.last_sender = Some(response);
                // Precise rule 20: the message named, else the message whose reply it satisfied.
                let in_reply_to = self.responses.get(response).and_then(|r| {
                    match (r.response.answers, r.satisfied) {
                        (Some(Answers::Message(n)), _) => Some(n),
                        (Some(Answers::Inject(_)), _) | (None, None) => None,
                        (None, Some(ix)) => match self.expectations[ix.0].source {
                            Source::Message(n) => Some(n),
                            Source::Inject(..) => None,
                        },
                    }
                });
                // The message is listed before its replies are created: a ready response used
                // by one of them looks the message up.
                self.messages.push(Message {
                    n: *n,
                    from: *from,
                    action: Some(*action),
                    to: to.clone(),
                    sent_at: *at,
                    response: Some(response),
                    replies: Vec::new(),
                    in_reply_to,
                    text: None,
                });
                let replies = match reply {
                    Some(reply) => to
                        .iter()
                        .map(|team| {
                            self.create_expectation(Expectation {
                                source: Source::Message(*n),
                                team: *team,
                                action: Some(reply.action),
                                choices: Vec::new(),
                                released_at: *at,
                                due_at: at.saturating_add(reply.within),
                                weight: reply.weight,
                                objective: reply.objective,
                                required: reply.fields.clone(),
                                done: None,
                                deadline_passed: false,
                            })
                        })
                        .collect(),
                    None => Vec::new(),
                };
                if let Some(message) = self.messages.last_mut() {
                    message.replies = replies;
                }
            }
            Event::Noted {
                at,
                team,
                objective,
                kind,
                text,
            } => self.notes.push(Note {
                at: *at,
                team: *team,
                objective: *objective,
                kind: *kind,
                text: text.clone(),
            }),
            Event::Ended { at } => {
                self.ended_at = Some(*at);
                self.running = false;
            }
            Event::Clock { .. } => {}
        }
        self.push_fired();
        let (injects, expectations) = (&self.injects, &self.expectations);
        self.agenda.prune(|due| is_live(injects, expectations, due));
    }

    fn release(&mut self, inject: InjectIx, at: Secs, by_hand: bool) {
        self.injects[inject.0] = InjectState::Released { at, by_hand };
        self.fired.retain(|i| *i != inject);
        if self.releasing == Some(inject) {
            self.releasing = None;
        }
        let scenario = Arc::clone(&self.scenario);
        for (k, expectation) in scenario.inject(inject).expect.iter().enumerate() {
            let choices = match &expectation.what {
                crate::scenario::Expected::Action(_) => Vec::new(),
                crate::scenario::Expected::Decision(choices) => choices.clone(),
            };
            for team in &expectation.by {
                let ix = self.create_expectation(Expectation {
                    source: Source::Inject(inject, k),
                    team: *team,
                    action: expectation.action(),
                    choices: choices.clone(),
                    released_at: at,
                    due_at: at.saturating_add(expectation.within),
                    weight: expectation.weight,
                    objective: expectation.objective,
                    required: expectation.fields.clone(),
                    done: None,
                    deadline_passed: false,
                });
                self.by_inject[inject.0].push(ix);
                self.use_ready_response(ix);
            }
        }
        self.fire_all(self.waiters.released(inject));
    }

    fn create_expectation(&mut self, expectation: Expectation) -> ExpectationIx {
        let ix = ExpectationIx(self.expectations.len());
        self.agenda.push(expectation.due_at, Due::Deadline(ix));
        let key = match_key(&expectation, ix);
        for action in expectation.accepted() {
            self.open
                .entry((expectation.team, *action))
                .or_default()
                .insert(key);
        }
        self.expectations.push(expectation);
        // A copy is made when released, so it almost always goes at the end.
        let order = self.release_order(ix);
        match self.in_release_order.last() {
            Some(&last) if self.release_order(last) > order => {
                let at = self
                    .in_release_order
                    .partition_point(|&other| self.release_order(other) < order);
                self.in_release_order.insert(at, ix);
            }
            _ => self.in_release_order.push(ix),
        }
        ix
    }

    /// Done ahead of time: the team's earliest ready response for a copy just created
    /// satisfies it now, and is used up (Precise rule 18).
    fn use_ready_response(&mut self, ix: ExpectationIx) {
        let e = &self.expectations[ix.0];
        let Some(position) = self.ready.iter().position(|&r| {
            let response = &self.responses[r].response;
            response.team == e.team && e.accepts(response.action)
        }) else {
            return;
        };
        let r = self.ready.remove(position);
        self.responses[r].satisfied = Some(ix);
        let (at, response) = (self.responses[r].at, self.responses[r].response.clone());
        self.satisfy(ix, at, r, &response, true);
    }

    fn satisfy(
        &mut self,
        ix: ExpectationIx,
        at: Secs,
        response_index: usize,
        response: &Response,
        ahead: bool,
    ) {
        let scenario = Arc::clone(&self.scenario);
        let action = scenario.action(response.action);
        let required = self.required_fields(ix, response.action);
        let e = &mut self.expectations[ix.0];
        if e.is_decision() {
            e.action = Some(response.action);
            e.required = required;
        }
        let supplied = |field: usize| {
            response
                .fields
                .iter()
                .any(|(name, text)| *name == action.fields[field] && !text.trim().is_empty())
        };
        let missing = e
            .required
            .iter()
            .copied()
            .filter(|f| !supplied(*f))
            .collect();
        e.done = Some(Done {
            at,
            response: response_index,
            missing,
            ahead,
        });
        let key = match_key(e, ix);
        let (source, team) = (e.source, e.team);
        for accepted in self.expectations[ix.0].accepted() {
            if let Some(set) = self.open.get_mut(&(team, *accepted)) {
                set.remove(&key);
            }
        }
        if let Source::Inject(inject, k) = source {
            self.fire_all(self.waiters.met(inject, k, team));
        }
    }

    /// Notes the triggers that just fired; `push_fired` queues their draws.
    fn fire_all(&mut self, injects: Vec<InjectIx>) {
        self.batch.extend(injects);
    }

    /// Queues the draws of the triggers one event fired, for injects still waiting on them:
    /// on top of the stack, first in file order on top (Precise rule 16).
    fn push_fired(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let mut batch = std::mem::take(&mut self.batch);
        let waiting = |exercise: &Self, inject: &InjectIx| {
            exercise.injects[inject.0] == InjectState::Waiting && !exercise.fired.contains(inject)
        };
        match self.rules {
            Rules::Format2 => {
                batch.sort_unstable();
                batch.dedup();
                for inject in batch.into_iter().rev() {
                    if waiting(self, &inject) {
                        self.fired.push_front(inject);
                    }
                }
            }
            Rules::Format1 => {
                for inject in batch {
                    if waiting(self, &inject) {
                        self.fired.push_back(inject);
                    }
                }
            }
        }
    }
}

fn match_key(e: &Expectation, ix: ExpectationIx) -> MatchKey {
    (e.due_at, e.released_at, e.source, ix)
}

/// Whether an agenda item still matters; stale ones are dropped as they come up.
fn is_live(injects: &[InjectState], expectations: &[Expectation], due: Due) -> bool {
    match due {
        Due::Fire(inject) => injects[inject.0] == InjectState::Waiting,
        Due::Release(inject) => matches!(injects[inject.0], InjectState::Scheduled { .. }),
        Due::Deadline(ix) => {
            let e = &expectations[ix.0];
            e.done.is_none() && !e.deadline_passed
        }
    }
}
