//! One simulated exercise: the engine, driven by simulated teams exactly as a script drives it.
//!
//! The teams see each expectation as it is created and decide, by the profile, whether and when
//! to answer it; the clock then moves from one thing to the next (a planned answer, or whatever
//! the engine has due). Every command given is kept, so that the run can be written out as a
//! script that `ttx run --script` plays to the same report.
//!
//! In a scenario with format 3's substance (fields with `choices` or `min_words`, an action that
//! `clarifies`), the teams also fill each field as its shape asks, send some requests
//! insufficient, ask for clarification of some insufficient requests they receive instead of
//! replying, and amend what they are asked to. A format 2 scenario does none of that work.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use chacha20::ChaCha8Rng;
use chacha20::rand_core::{Rng, SeedableRng};
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Bernoulli, Distribution, LogNormal, Uniform};

use crate::engine::{
    Answers, Command, Event, Exercise, Expectation, ExpectationIx, Response, Settings, Source,
};
use crate::scenario::{ActionIx, FieldShape, Scenario, Secs, TeamIx};
use crate::simulate::profile::{Behaviour, Profile};

/// What every simulated answer writes in a field it does not leave blank.
const FIELD_TEXT: &str = "simulated";

/// How many times a simulated team asks about one request before it replies with what it has:
/// with every amendment insufficient, asking could otherwise go on for as long as the exercise.
pub const MAX_CLARIFICATIONS: usize = 3;

/// The seeds of run `run`: the engine's seed (jitter and chance, as `ttx run --seed` takes it)
/// and the stream that the simulated teams draw from. Both come from one ChaCha8 stream per run,
/// so every run is reproducible alone and independent of the others.
pub fn seeds(base: u64, run: u64) -> (u64, ChaCha8Rng) {
    let mut rng = ChaCha8Rng::seed_from_u64(base);
    rng.set_stream(run);
    let engine_seed = rng.next_u64();
    (engine_seed, rng)
}

/// A simulated exercise, ended.
pub struct SimulatedRun {
    pub exercise: Exercise,
    /// The engine's seed this run played with.
    pub seed: u64,
    /// Every command the teams and the facilitator gave, with its scenario time, in order.
    pub steps: Vec<(Secs, Command)>,
    /// The scenario's `end` came while something was still to happen; otherwise the exercise had
    /// run out of things to do before it (or, without an `end`, when it stopped).
    pub cut_by_end: bool,
    /// When the last release, deadline or answer happened.
    pub last_activity: Secs,
}

/// An answer or a release the simulated room will make, in time order (then planning order).
struct Plans {
    queue: BinaryHeap<Reverse<(Secs, u64)>>,
    commands: Vec<Option<(Command, Option<ExpectationIx>)>>,
}

impl Plans {
    fn push(&mut self, at: Secs, command: Command, answers: Option<ExpectationIx>) -> u64 {
        let seq = self.commands.len() as u64;
        self.commands.push(Some((command, answers)));
        self.queue.push(Reverse((at, seq)));
        seq
    }

    /// A plan given up; it leaves the queue when it comes up.
    fn cancel(&mut self, seq: u64) {
        self.commands[seq as usize] = None;
    }

    /// Drops given-up plans from the front, so that the front is a step that will be taken.
    fn prune(&mut self) {
        while let Some(Reverse((_, seq))) = self.queue.peek() {
            if self.commands[*seq as usize].is_some() {
                break;
            }
            self.queue.pop();
        }
    }

    fn next_at(&mut self) -> Option<Secs> {
        self.prune();
        self.queue.peek().map(|Reverse((at, _))| *at)
    }

    fn pop(&mut self) -> Option<(Secs, Command, Option<ExpectationIx>)> {
        self.prune();
        let Reverse((at, seq)) = self.queue.pop()?;
        let (command, answers) = self.commands[seq as usize].take()?;
        Some((at, command, answers))
    }

    fn is_empty(&mut self) -> bool {
        self.prune();
        self.queue.is_empty()
    }
}

struct Room<'p> {
    scenario: &'p Scenario,
    profile: &'p Profile,
    rng: ChaCha8Rng,
    plans: Plans,
    /// Expectations seen so far (they are numbered in creation order).
    seen: usize,
    last_activity: Secs,
    /// Planned `ahead` responses not yet taken, by team and action (`ahead_slot`).
    ahead: Vec<Option<u64>>,
    /// Format 3's work, when the scenario calls for it.
    substance: Option<Substance>,
}

/// What a scenario with format 3's substance asks of the simulated teams beyond format 2: shaped
/// fields, insufficient requests, clarifications and amendments. Absent for a format 2
/// scenario, whose runs then draw exactly what they drew before format 3.
#[derive(Clone)]
struct Substance {
    /// Per team: the `clarifies` action it asks with (the first in file order it may take);
    /// empty when no team may ask.
    clarify_with: Vec<Option<ActionIx>>,
    /// Messages looked at for amendments so far (they are numbered in sending order).
    seen_messages: usize,
}

impl Substance {
    fn of(scenario: &Scenario) -> Option<Substance> {
        let shaped = scenario.actions.iter().any(|a| {
            a.shapes
                .iter()
                .any(|s| !s.choices.is_empty() || s.min_words.is_some())
        });
        let clarify_with: Vec<Option<ActionIx>> = (0..scenario.teams.len())
            .map(|t| {
                scenario
                    .actions
                    .iter()
                    .position(|a| a.clarifies.is_some() && a.allows(TeamIx(t)))
                    .map(ActionIx)
            })
            .collect();
        let may_clarify = clarify_with.iter().any(Option::is_some);
        (shaped || may_clarify).then(|| Substance {
            clarify_with: if may_clarify {
                clarify_with
            } else {
                Vec::new()
            },
            seen_messages: 0,
        })
    }
}

/// Plays run `run` of a simulation seeded by `base`; `record` keeps the commands for a script.
pub fn simulate(
    scenario: &Arc<Scenario>,
    profile: &Profile,
    base: u64,
    run: u64,
    record: bool,
) -> SimulatedRun {
    let (seed, rng) = seeds(base, run);
    let settings = Settings {
        seed,
        ..Settings::of(scenario)
    };
    let mut exercise = Exercise::new(Arc::clone(scenario), settings);
    let mut room = Room {
        scenario,
        profile,
        rng,
        plans: Plans {
            queue: BinaryHeap::new(),
            commands: Vec::new(),
        },
        seen: 0,
        last_activity: 0,
        ahead: vec![None; scenario.teams.len() * scenario.actions.len()],
        substance: Substance::of(scenario),
    };
    room.plan_ahead();
    for (inject, at) in &profile.manual {
        room.plans.push(*at, Command::Release(*inject), None);
    }
    let mut steps = Vec::new();
    room.execute(&mut exercise, Command::Start);
    let cut_by_end = loop {
        let now = exercise.now();
        let next_step = room.plans.next_at();
        let next_due = exercise.next_due_at();
        let Some(next) = next_step.into_iter().chain(next_due).min() else {
            break false;
        };
        if next_step == Some(now) {
            if let Some((at, command, answers)) = room.plans.pop() {
                // An answer whose expectation is already done would only be unexpected.
                if answers.is_none_or(|ix| exercise.expectation(ix).done.is_none()) {
                    if record {
                        steps.push((at, command.clone()));
                    }
                    room.execute(&mut exercise, command);
                }
            }
            continue;
        }
        let target = if next > now {
            next
        } else if settings.planned_end.is_none() && room.plans.is_empty() {
            // Only a deadline waits at `now` (deadlines at T pass once time moves on), and it may
            // be the last thing to happen: then the run-out below passes it at `now` itself, as
            // scripted play would, rather than a second later. Try the second on a copy.
            let mut probe = exercise.clone();
            let mut probe_room = room.fork();
            probe_room.execute(&mut probe, Command::AdvanceTo(now + 1));
            if probe_room.plans.is_empty() && probe.next_due_at().is_none() {
                break false;
            }
            exercise = probe;
            room = probe_room;
            continue;
        } else {
            // Only a deadline waits at `now`: step a second on to let it pass.
            now + 1
        };
        if let Some(end) = settings.planned_end.filter(|end| target > *end) {
            // Something still to happen after the end means the end cut the exercise short.
            break next > end;
        }
        room.execute(&mut exercise, Command::AdvanceTo(target));
        if exercise.ended_at().is_some() {
            break true;
        }
    };
    if exercise.ended_at().is_none() {
        room.execute(&mut exercise, Command::RunOut);
    }
    SimulatedRun {
        exercise,
        seed,
        steps,
        cut_by_end,
        last_activity: room.last_activity,
    }
}

impl Room<'_> {
    /// A copy to try a step on: the same draws to come, the same plans.
    fn fork(&self) -> Self {
        Room {
            scenario: self.scenario,
            profile: self.profile,
            // `chacha20`'s generator is not `Clone` (a cipher's state is not copied by accident):
            // its state is copied through the crate's own serialised form.
            rng: ChaCha8Rng::deserialize_state(&self.rng.serialize_state()),
            plans: Plans {
                queue: self.plans.queue.clone(),
                commands: self.plans.commands.clone(),
            },
            seen: self.seen,
            last_activity: self.last_activity,
            ahead: self.ahead.clone(),
            substance: self.substance.clone(),
        }
    }

    /// Gives the exercise a command, then lets the teams see what it created.
    fn execute(&mut self, exercise: &mut Exercise, command: Command) {
        // Every command the room gives is valid by construction (teams answer with actions they
        // were asked for, manual injects are released once, the clock only moves forward), so a
        // refusal would change nothing and there is nothing to undo.
        if let Ok(events) = exercise.execute(command) {
            self.note_activity(&events);
        }
        self.observe(exercise);
        self.observe_amendments(exercise);
    }

    fn note_activity(&mut self, events: &[Event]) {
        for event in events {
            if let Event::Released { at, .. }
            | Event::DeadlinePassed { at, .. }
            | Event::Responded { at, .. } = event
            {
                self.last_activity = self.last_activity.max(*at);
            }
        }
    }

    /// Each new expectation: will the team answer it, when, and how completely?
    fn observe(&mut self, exercise: &Exercise) {
        while self.seen < exercise.expectations().len() {
            let ix = ExpectationIx(self.seen);
            self.seen += 1;
            let e = exercise.expectation(ix);
            if e.done.is_some() || exercise.ended_at().is_some() {
                continue;
            }
            // Asked now, a team that meant to act ahead answers as it answers anything asked.
            for action in e.accepted() {
                let slot = self.ahead_slot(e.team, *action);
                if let Some(seq) = self.ahead[slot].take() {
                    self.plans.cancel(seq);
                }
            }
            let Some(chosen) = self.choose(e) else {
                continue;
            };
            // A clarification names a request: a team asks for one when a request it received
            // is insufficient (`ask_for_clarification`), never merely because it is expected to.
            if self.scenario.action(chosen).clarifies.is_some() {
                continue;
            }
            let behaviour = *self.profile.behaviour(e.team, chosen);
            if !draw(&mut self.rng, behaviour.respond) {
                continue;
            }
            let answers = match e.source {
                Source::Inject(inject, _) => Answers::Inject(inject),
                Source::Message(n) => {
                    if self.ask_for_clarification(exercise, n, ix, e.released_at, 0) {
                        continue;
                    }
                    Answers::Message(n)
                }
            };
            let within = e.due_at - e.released_at;
            self.plan_answer(exercise, ix, chosen, answers, e.released_at, within);
        }
    }

    /// Plans a team's answer to expectation `ix` with `chosen`, its response time counted from
    /// `from` against `within`.
    fn plan_answer(
        &mut self,
        exercise: &Exercise,
        ix: ExpectationIx,
        chosen: ActionIx,
        answers: Answers,
        from: Secs,
        within: Secs,
    ) {
        let e = exercise.expectation(ix);
        let behaviour = *self.profile.behaviour(e.team, chosen);
        let latency = self.latency(&behaviour, within);
        // A decision requires every field of the action chosen.
        let required = (!e.is_decision()).then_some(e.required.as_slice());
        let fields = self.fields(chosen, required, &behaviour);
        let response = Response {
            team: e.team,
            action: chosen,
            fields,
            note: None,
            answers: Some(answers),
            insufficient: Vec::new(),
        };
        let at = from.saturating_add(latency).max(exercise.now());
        self.plans.push(at, Command::Respond(response), Some(ix));
    }

    /// Format 3: the receiver of request version `version`, which owes `reply`, finds it
    /// insufficient (a field of the request's action not supplied) and, by the profile's
    /// `clarify`, asks what is missing instead of replying: the clarification is planned after
    /// its response time for the `clarifies` action, counted from `delivered` against the
    /// reply's `within`. False when it replies instead: the request is sufficient, the draw
    /// says so, it has already asked `asked` times, or the scenario has no clarifications.
    fn ask_for_clarification(
        &mut self,
        exercise: &Exercise,
        version: u64,
        reply: ExpectationIx,
        delivered: Secs,
        asked: usize,
    ) -> bool {
        let Some(substance) = &self.substance else {
            return false;
        };
        if asked >= MAX_CLARIFICATIONS {
            return false;
        }
        let receiver = exercise.expectation(reply).team;
        let Some(Some(clarify)) = substance.clarify_with.get(receiver.0).copied() else {
            return false;
        };
        let Some(message) = exercise.message(version) else {
            return false;
        };
        let (Some(request), Some(sent_by)) = (message.action, message.response) else {
            return false;
        };
        let spec = self.scenario.action(request);
        let Some(within) = reply_within(self.scenario, request) else {
            return false;
        };
        let Some(sent) = exercise.responses().get(sent_by) else {
            return false;
        };
        let missing: Vec<String> = spec
            .fields
            .iter()
            .enumerate()
            .filter(|(f, _)| !spec.supplies(&sent.response.fields, *f))
            .map(|(_, name)| name.clone())
            .collect();
        if missing.is_empty() {
            return false;
        }
        if !draw(
            &mut self.rng,
            self.profile.behaviour(receiver, request).clarify,
        ) {
            return false;
        }
        let behaviour = *self.profile.behaviour(receiver, clarify);
        let latency = self.latency(&behaviour, within);
        let fields = self.fields(clarify, Some(&[]), &behaviour);
        let response = Response {
            team: receiver,
            action: clarify,
            fields,
            note: None,
            answers: Some(Answers::Message(version)),
            insufficient: missing,
        };
        let at = delivered.saturating_add(latency).max(exercise.now());
        self.plans.push(at, Command::Respond(response), Some(reply));
        true
    }

    /// Format 3: each amendment sent since the last look is a new version of a request, which
    /// its receiver clarifies again or replies to, its response time counted from the
    /// amendment's delivery (when the held reply's deadline starts again).
    fn observe_amendments(&mut self, exercise: &Exercise) {
        let Some(substance) = &mut self.substance else {
            return;
        };
        if substance.clarify_with.is_empty() {
            return;
        }
        let messages = exercise.messages();
        let new = &messages[substance.seen_messages.min(messages.len())..];
        substance.seen_messages = messages.len();
        if exercise.ended_at().is_some() {
            return;
        }
        // Only an amendment answers a clarification with its request's action.
        let amendments: Vec<(u64, Secs)> = new
            .iter()
            .filter(|m| {
                m.in_reply_to.is_some() && m.action.is_some_and(|a| is_request(self.scenario, a))
            })
            .map(|m| (m.n, m.sent_at))
            .collect();
        for (k, sent_at) in amendments {
            let Some(thread) = exercise
                .requests()
                .iter()
                .find(|t| t.amendments.last() == Some(&k))
            else {
                continue;
            };
            let (reply, original, asked) =
                (thread.reply, thread.message, thread.clarifications.len());
            let e = exercise.expectation(reply);
            if e.done.is_some() || self.ask_for_clarification(exercise, k, reply, sent_at, asked) {
                continue;
            }
            let (Some(chosen), Some(within)) = (
                e.action,
                exercise
                    .message(original)
                    .and_then(|m| m.action)
                    .and_then(|request| reply_within(self.scenario, request)),
            ) else {
                continue;
            };
            // The reply names the original request: every version's reply is its reply.
            let answers = Answers::Message(original);
            self.plan_answer(exercise, reply, chosen, answers, sent_at, within);
        }
    }

    /// The action a team takes for an expectation: the one expected, or a decision's choice
    /// drawn by the profile's weights (equal by default).
    fn choose(&mut self, e: &Expectation) -> Option<ActionIx> {
        if !e.is_decision() {
            return e.action;
        }
        let weights = match e.source {
            Source::Inject(inject, _) => self.profile.decisions[inject.0].as_slice(),
            Source::Message(_) => &[],
        };
        let weight_of = |choice: &ActionIx| {
            if weights.is_empty() {
                1.0
            } else {
                weights
                    .iter()
                    .find(|(a, _)| a == choice)
                    .map_or(0.0, |(_, w)| *w)
            }
        };
        let index = WeightedIndex::new(e.choices.iter().map(weight_of))
            .ok()?
            .sample(&mut self.rng);
        e.choices.get(index).copied()
    }

    /// A response time in whole seconds, for an expectation that allows `within`.
    fn latency(&mut self, behaviour: &Behaviour, within: Secs) -> Secs {
        match behaviour.log_normal(within) {
            // The parameters are finite by construction; a σ of 0 gives the median itself.
            Some((mu, sigma)) => LogNormal::new(mu, sigma)
                .map_or(0.0, |d| d.sample(&mut self.rng))
                .round() as Secs,
            None => 0,
        }
    }

    /// Every field of the action, each of `required` (all of them when `None`) left blank with
    /// the behaviour's `blank_field`. With format 3's substance, each field is filled as its
    /// shape asks, and a request is sent insufficient by the behaviour's `insufficient`.
    fn fields(
        &mut self,
        action: ActionIx,
        required: Option<&[usize]>,
        behaviour: &Behaviour,
    ) -> Vec<(String, String)> {
        if self.substance.is_some() {
            return self.shaped_fields(action, required, behaviour);
        }
        self.scenario
            .action(action)
            .fields
            .iter()
            .enumerate()
            .map(|(f, name)| {
                let left_blank = required.is_none_or(|r| r.contains(&f))
                    && draw(&mut self.rng, behaviour.blank_field);
                let text = if left_blank { "" } else { FIELD_TEXT };
                (name.clone(), text.to_string())
            })
            .collect()
    }

    /// Format 3's fields: a supplied field with `choices` holds one of them (never a text the
    /// engine would refuse), one with `min_words` that many words. A request (or an amendment)
    /// is sent insufficient by the behaviour's `insufficient` rather than by `blank_field`, so
    /// that the share of insufficient requests is the profile's: then one of its required
    /// fields, drawn at random, and each other one by `blank_field`, is not supplied (blank, or
    /// one word short of its `min_words`). Other actions leave required fields blank by
    /// `blank_field`, as in format 2.
    fn shaped_fields(
        &mut self,
        action: ActionIx,
        required: Option<&[usize]>,
        behaviour: &Behaviour,
    ) -> Vec<(String, String)> {
        let spec = self.scenario.action(action);
        let is_required = |f: usize| required.is_none_or(|r| r.contains(&f));
        let mut fields: Vec<(String, String)> = Vec::with_capacity(spec.fields.len());
        if is_request(self.scenario, action) {
            for (f, name) in spec.fields.iter().enumerate() {
                fields.push((name.clone(), supplied(spec.shape(f), &mut self.rng)));
            }
            let required: Vec<usize> = (0..fields.len()).filter(|&f| is_required(f)).collect();
            if required.is_empty() || !draw(&mut self.rng, behaviour.insufficient) {
                return fields;
            }
            let first = pick(&mut self.rng, &required).copied();
            for f in required {
                if Some(f) == first || draw(&mut self.rng, behaviour.blank_field) {
                    fields[f].1 = short_of(spec.shape(f));
                }
            }
            return fields;
        }
        for (f, name) in spec.fields.iter().enumerate() {
            let left_blank = is_required(f) && draw(&mut self.rng, behaviour.blank_field);
            let text = if left_blank {
                String::new()
            } else {
                supplied(spec.shape(f), &mut self.rng)
            };
            fields.push((name.clone(), text));
        }
        fields
    }

    /// At the start: each team, for each `ahead` action it is expected to take somewhere, may
    /// decide to take it before it is asked, after its usual response time counted against the
    /// first deadline for that action (a ready response then meets the expectation as soon as
    /// it is created).
    fn plan_ahead(&mut self) {
        let scenario = self.scenario;
        for (t, _) in scenario.teams.iter().enumerate() {
            let team = TeamIx(t);
            for (a, action) in scenario.actions.iter().enumerate() {
                let action_ix = ActionIx(a);
                if !action.ahead || !action.allows(team) {
                    continue;
                }
                let first = scenario.injects.iter().find_map(|inject| {
                    inject
                        .expect
                        .iter()
                        .find(|x| x.action() == Some(action_ix) && x.by.contains(&team))
                        .map(|x| (x.within, x.fields.clone()))
                });
                let Some((within, required)) = first else {
                    continue;
                };
                let behaviour = *self.profile.behaviour(team, action_ix);
                if !draw(&mut self.rng, behaviour.ahead) {
                    continue;
                }
                let at = self.latency(&behaviour, within);
                let fields = self.fields(action_ix, Some(&required), &behaviour);
                let response = Response {
                    team,
                    action: action_ix,
                    fields,
                    note: None,
                    answers: None,
                    insufficient: Vec::new(),
                };
                let seq = self.plans.push(at, Command::Respond(response), None);
                let slot = self.ahead_slot(team, action_ix);
                self.ahead[slot] = Some(seq);
            }
        }
    }

    fn ahead_slot(&self, team: TeamIx, action: ActionIx) -> usize {
        team.0 * self.scenario.actions.len() + action.0
    }
}

/// True with probability `p` (0 and 1 draw nothing, so a certain profile wastes no randomness).
fn draw(rng: &mut ChaCha8Rng, p: f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        Bernoulli::new(p).is_ok_and(|b| b.sample(rng))
    }
}

/// One of `items`, each as likely; `None` when there are none.
fn pick<'i, T>(rng: &mut ChaCha8Rng, items: &'i [T]) -> Option<&'i T> {
    let index = Uniform::new(0, items.len()).ok()?.sample(rng);
    items.get(index)
}

/// What a simulated team writes in a field it supplies: one of its choices, at least its
/// `min_words` words, or the plain text.
fn supplied(shape: &FieldShape, rng: &mut ChaCha8Rng) -> String {
    if let Some(choice) = pick(rng, &shape.choices) {
        return choice.clone();
    }
    words(shape.min_words.unwrap_or(1))
}

/// A text that does not supply a field of this shape, without being refused: one word short
/// of its `min_words`, else blank (a blank field is never refused, whatever its choices).
fn short_of(shape: &FieldShape) -> String {
    match shape.min_words {
        Some(min) if min > 1 => words(min - 1),
        _ => String::new(),
    }
}

fn words(count: usize) -> String {
    vec![FIELD_TEXT; count].join(" ")
}

/// Whether a response of `action` sends a request: a message that obliges a reply.
fn is_request(scenario: &Scenario, action: ActionIx) -> bool {
    reply_within(scenario, action).is_some()
}

/// The time a request of `action` allows for its reply; `None` when it is not a request.
fn reply_within(scenario: &Scenario, action: ActionIx) -> Option<Secs> {
    let spec = scenario.action(action).message.as_ref()?;
    spec.reply.as_ref().map(|reply| reply.within)
}
