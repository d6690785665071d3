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

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

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
    pub action: ActionIx,
    pub released_at: Secs,
    pub due_at: Secs,
    pub weight: f64,
    pub objective: Option<ObjectiveIx>,
    /// Positions in the action's fields, ascending.
    pub required: Vec<usize>,
    pub done: Option<Done>,
    /// The deadline passed with it not done (it may still be done late).
    pub deadline_passed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub at: Secs,
    /// Position in `Exercise::responses`.
    pub response: usize,
    /// Required fields left blank, as positions in the action's fields, ascending.
    pub missing: Vec<usize>,
}

/// A response that was accepted, with how it was judged.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRecord {
    pub at: Secs,
    pub response: Response,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub n: u64,
    pub from: TeamIx,
    pub action: ActionIx,
    pub to: Vec<TeamIx>,
    pub sent_at: Secs,
    /// The response that sent it (its fields are the message's content).
    pub response: usize,
    /// The reply expectations it created, one per receiving team.
    pub replies: Vec<ExpectationIx>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub at: Secs,
    pub team: Option<TeamIx>,
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
    /// Each copy by its report id (`detect.ack@us`). An id names one copy: the loader refuses
    /// an inject that expects one action twice, and a team listed twice in `by`.
    by_id: HashMap<String, ExpectationIx>,
    /// Not-done expectations per team and action, in matching order.
    open: HashMap<(TeamIx, ActionIx), BTreeSet<MatchKey>>,
    responses: Vec<ResponseRecord>,
    messages: Vec<Message>,
    notes: Vec<Note>,
    agenda: Agenda,
    /// Injects whose trigger fired and whose draw is still to be decided, in firing order.
    fired: VecDeque<InjectIx>,
}

impl Exercise {
    pub fn new(scenario: Arc<Scenario>, settings: Settings) -> Self {
        let mut agenda = Agenda::default();
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
            expectations: Vec::new(),
            by_id: HashMap::new(),
            open: HashMap::new(),
            responses: Vec::new(),
            messages: Vec::new(),
            notes: Vec::new(),
            agenda,
            fired: VecDeque::new(),
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
        self.fired.is_empty() && self.agenda.is_empty()
    }

    /// How many injects have been released.
    pub fn released_count(&self) -> usize {
        self.injects
            .iter()
            .filter(|s| matches!(s, InjectState::Released { .. }))
            .count()
    }

    /// The report's id of an expectation copy: `detect.ack@us`, `msg-1.rfa-reply@cn`.
    pub fn expectation_id(&self, ix: ExpectationIx) -> String {
        let e = &self.expectations[ix.0];
        let action = &self.scenario.action(e.action).id;
        let team = &self.scenario.team(e.team).id;
        match e.source {
            Source::Inject(inject, _) => {
                format!("{}.{action}@{team}", self.scenario.inject(inject).id)
            }
            Source::Message(n) => format!("msg-{n}.{action}@{team}"),
        }
    }

    /// The copy that `expectation_id` names `id`.
    pub fn expectation_by_id(&self, id: &str) -> Option<ExpectationIx> {
        self.by_id.get(id).copied()
    }

    /// A team's expectations in report order: by release time, then inject order (and the order
    /// of `expect` within an inject), then message number.
    pub fn expectations_of_team(&self, team: TeamIx) -> Vec<ExpectationIx> {
        let mut list: Vec<ExpectationIx> = (0..self.expectations.len())
            .map(ExpectationIx)
            .filter(|ix| self.expectations[ix.0].team == team)
            .collect();
        list.sort_by_key(|ix| {
            let e = &self.expectations[ix.0];
            (e.released_at, e.source)
        });
        list
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
            Command::Note { team, kind, text } => {
                // Observations stay welcome after the end: the hot wash follows the exercise.
                if text.trim().is_empty() {
                    return Err(Refusal::EmptyNote);
                }
                let at = self.now;
                self.record(
                    Event::Noted {
                        at,
                        team,
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
        let not_done = |ix: &ExpectationIx| {
            let e = &self.expectations[ix.0];
            e.done.is_none() && e.team == response.team && e.action == response.action
        };
        let named = match response.answers {
            None => {
                let open = self.open.get(&(response.team, response.action));
                return Ok(match open.and_then(|set| set.first()) {
                    Some(&(.., ix)) => Outcome::Satisfied(ix),
                    None => Outcome::Unexpected,
                });
            }
            Some(Answers::Inject(inject)) => {
                self.by_inject[inject.0].iter().copied().find(not_done)
            }
            Some(Answers::Message(n)) => match self.message(n) {
                Some(message) => message.replies.iter().copied().find(not_done),
                None => {
                    return Err(Refusal::UnknownMessage {
                        n,
                        sent: self.messages.len() as u64,
                    });
                }
            },
        };
        Ok(named.map_or(Outcome::Unexpected, Outcome::Satisfied))
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
        if self.messages.last().is_some_and(|m| m.response == index) {
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
                self.agenda.push(*release_at, Due::Release(*inject));
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
                if let Outcome::Satisfied(ix) = outcome {
                    self.satisfy(*ix, *at, index, response);
                }
                self.fire_all(self.waiters.taken(response.action, response.team));
                self.responses.push(ResponseRecord {
                    at: *at,
                    response: response.clone(),
                    outcome: *outcome,
                });
            }
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
                let replies = match reply {
                    Some(reply) => to
                        .iter()
                        .map(|team| {
                            self.create_expectation(Expectation {
                                source: Source::Message(*n),
                                team: *team,
                                action: reply.action,
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
                self.messages.push(Message {
                    n: *n,
                    from: *from,
                    action: *action,
                    to: to.clone(),
                    sent_at: *at,
                    response: self.responses.len().saturating_sub(1),
                    replies,
                });
            }
            Event::Noted {
                at,
                team,
                kind,
                text,
            } => self.notes.push(Note {
                at: *at,
                team: *team,
                kind: *kind,
                text: text.clone(),
            }),
            Event::Ended { at } => {
                self.ended_at = Some(*at);
                self.running = false;
            }
            Event::Clock { .. } => {}
        }
        let (injects, expectations) = (&self.injects, &self.expectations);
        self.agenda.prune(|due| is_live(injects, expectations, due));
    }

    fn release(&mut self, inject: InjectIx, at: Secs, by_hand: bool) {
        self.injects[inject.0] = InjectState::Released { at, by_hand };
        self.fired.retain(|i| *i != inject);
        let scenario = Arc::clone(&self.scenario);
        for (k, expectation) in scenario.inject(inject).expect.iter().enumerate() {
            // Decisions are judged from the next commit on; until then they create no copy.
            let Some(action) = expectation.action() else {
                continue;
            };
            for team in &expectation.by {
                let ix = self.create_expectation(Expectation {
                    source: Source::Inject(inject, k),
                    team: *team,
                    action,
                    released_at: at,
                    due_at: at.saturating_add(expectation.within),
                    weight: expectation.weight,
                    objective: expectation.objective,
                    required: expectation.fields.clone(),
                    done: None,
                    deadline_passed: false,
                });
                self.by_inject[inject.0].push(ix);
            }
        }
        self.fire_all(self.waiters.released(inject));
    }

    fn create_expectation(&mut self, expectation: Expectation) -> ExpectationIx {
        let ix = ExpectationIx(self.expectations.len());
        self.agenda.push(expectation.due_at, Due::Deadline(ix));
        self.open
            .entry((expectation.team, expectation.action))
            .or_default()
            .insert(match_key(&expectation, ix));
        self.expectations.push(expectation);
        let id = self.expectation_id(ix);
        let earlier = self.by_id.insert(id, ix);
        debug_assert!(earlier.is_none(), "two expectation copies share an id");
        ix
    }

    fn satisfy(&mut self, ix: ExpectationIx, at: Secs, response_index: usize, response: &Response) {
        let scenario = Arc::clone(&self.scenario);
        let action = scenario.action(response.action);
        let e = &mut self.expectations[ix.0];
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
        });
        let key = match_key(e, ix);
        let (source, team) = (e.source, e.team);
        if let Some(set) = self.open.get_mut(&(team, response.action)) {
            set.remove(&key);
        }
        if let Source::Inject(inject, k) = source {
            self.fire_all(self.waiters.met(inject, k, team));
        }
    }

    /// Queues the draws of triggers that just fired, for injects still waiting on them.
    fn fire_all(&mut self, injects: Vec<InjectIx>) {
        for inject in injects {
            if self.injects[inject.0] == InjectState::Waiting && !self.fired.contains(&inject) {
                self.fired.push_back(inject);
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
