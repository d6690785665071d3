//! What one exercise says about each time standard: every expectation that was owed, with the
//! kind it is of, its basis, its standard, when it was kept (or that it was not), and the fields
//! missing or found insufficient in what answered it.

use std::collections::{BTreeSet, HashMap};

use crate::engine::{Exercise, ExpectationIx, Source, Status};
use crate::scenario::{Scenario, Secs, TeamIx};

/// How an owed expectation went against its time standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Done by its deadline (complete or not), this long after its standard started to run.
    OnTime(Secs),
    /// Done after its deadline, this long after.
    Late(Secs),
    /// Not done: missed when the exercise ended, or overdue when its journal stops.
    Never,
}

impl Kept {
    /// The latency against the standard; `None` for one never done.
    pub fn latency(self) -> Option<Secs> {
        match self {
            Kept::OnTime(secs) | Kept::Late(secs) => Some(secs),
            Kept::Never => None,
        }
    }
}

/// One expectation that was owed.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// `INJECT.ACTION` (`INJECT.decision`), `reply:ACTION` for the reply a request of ACTION
    /// obliges, `amendment:ACTION` for the completed request a clarification asks for.
    pub kind: String,
    pub team: String,
    pub basis: Option<String>,
    /// The time the standard allows.
    pub standard: Secs,
    pub kept: Kept,
    /// The fields missing from what answered it or found insufficient in it, by the other side's
    /// clarification or an evaluator's judgement; each once.
    pub fields: Vec<String>,
}

/// The kind an expectation copy is of: the same obligation in every exercise of the scenario,
/// whoever owes it.
pub fn kind_of(exercise: &Exercise, ix: ExpectationIx) -> Option<String> {
    let scenario = exercise.scenario();
    let e = exercise.expectation(ix);
    match e.source {
        Source::Inject(inject, k) => {
            let inject = scenario.inject(inject);
            Some(format!("{}.{}", inject.id, inject.expect[k].name(scenario)))
        }
        Source::Message(n) => {
            let sent = scenario.action(exercise.message(n)?.action?);
            if sent.clarifies.is_some() {
                // The amendment owed is of the request's action, which the copy expects.
                Some(format!("amendment:{}", scenario.action(e.action?).id))
            } else {
                Some(format!("reply:{}", sent.id))
            }
        }
    }
}

/// What exercises of a scenario can be lined up by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Declared {
    /// Every kind the scenario can owe, with its team: `KIND@TEAM`.
    pub ids: BTreeSet<String>,
    /// Every basis it names.
    pub bases: BTreeSet<String>,
}

/// What a scenario can owe and the bases it names.
pub fn declared(scenario: &Scenario) -> Declared {
    let mut ids = BTreeSet::new();
    let mut bases = BTreeSet::new();
    let team = |t: TeamIx| scenario.team(t).id.as_str();
    for inject in &scenario.injects {
        for expectation in &inject.expect {
            let name = expectation.name(scenario);
            for by in &expectation.by {
                ids.insert(format!("{}.{name}@{}", inject.id, team(*by)));
            }
            bases.extend(expectation.basis.clone());
        }
    }
    let clarifications = scenario.actions.iter().any(|a| a.clarifies.is_some());
    for action in &scenario.actions {
        if action.clarifies.is_some() {
            bases.extend(action.basis.clone());
        }
        let Some(message) = &action.message else {
            continue;
        };
        let Some(reply) = &message.reply else {
            continue;
        };
        bases.extend(reply.basis.clone());
        for sender in (0..scenario.teams.len()).map(TeamIx) {
            if !action.allows(sender) {
                continue;
            }
            for to in scenario.recipients(message, sender) {
                ids.insert(format!("reply:{}@{}", action.id, team(to)));
            }
            if clarifications {
                ids.insert(format!("amendment:{}@{}", action.id, team(sender)));
            }
        }
    }
    Declared { ids, bases }
}

/// Every expectation of the exercise that was owed, in report order. Not counted: one not done
/// whose deadline had not come when the exercise ended (not due) or when its journal stops
/// (open), and a reply on hold, whose deadline waits for the completed request.
pub fn observations(exercise: &Exercise) -> Vec<Observation> {
    let scenario = exercise.scenario();
    let clarified = clarified_fields(exercise);
    let message_of: HashMap<usize, u64> = exercise
        .messages()
        .iter()
        .filter_map(|m| Some((m.response?, m.n)))
        .collect();
    let mut out = Vec::new();
    for &ix in exercise.expectations_in_release_order() {
        let e = exercise.expectation(ix);
        let kept = match exercise.status(ix) {
            Status::Met | Status::Incomplete => Kept::OnTime(latency(exercise, ix)),
            Status::Late => Kept::Late(latency(exercise, ix)),
            Status::Missed | Status::Overdue => Kept::Never,
            Status::Open | Status::NotDue => continue,
        };
        let Some(kind) = kind_of(exercise, ix) else {
            continue;
        };
        let mut fields: BTreeSet<String> = BTreeSet::new();
        if let (Some(done), Some(action)) = (&e.done, e.action) {
            let action = scenario.action(action);
            fields.extend(done.missing.iter().map(|f| action.fields[*f].clone()));
            if let Some(found) = message_of
                .get(&done.response)
                .and_then(|m| clarified.get(m))
            {
                fields.extend(found.iter().cloned());
            }
        }
        out.push(Observation {
            kind,
            team: scenario.team(e.team).id.clone(),
            basis: exercise.basis(ix).map(str::to_string),
            standard: exercise.time_standard(ix),
            kept,
            fields: fields.into_iter().collect(),
        });
    }
    out
}

/// When the standard started to run until the expectation was done: from its release, or for a
/// reply to a clarified request from the completed request (Precise rule 35); 0 for one done
/// ahead of time.
pub fn latency(exercise: &Exercise, ix: ExpectationIx) -> Secs {
    let e = exercise.expectation(ix);
    let Some(done) = &e.done else {
        return 0;
    };
    if done.ahead {
        return 0;
    }
    let start = match e.due() {
        Some(due) if due != Secs::MAX => due
            .saturating_sub(exercise.time_standard(ix))
            .max(e.released_at),
        _ => e.released_at,
    };
    done.at.saturating_sub(start)
}

/// The fields each version of a request (by message number) was found insufficient in by a
/// clarification.
pub fn clarified_fields(exercise: &Exercise) -> HashMap<u64, BTreeSet<String>> {
    let scenario = exercise.scenario();
    let mut found: HashMap<u64, BTreeSet<String>> = HashMap::new();
    for n in 0..exercise.responses().len() {
        let Some(clarified) = exercise.clarification(n) else {
            continue;
        };
        let Some(action) = exercise
            .message(clarified.message)
            .and_then(|m| m.action)
            .map(|a| scenario.action(a))
        else {
            continue;
        };
        found.entry(clarified.message).or_default().extend(
            clarified
                .fields
                .iter()
                .filter_map(|f| action.fields.get(*f).cloned()),
        );
    }
    found
}
