//! What each team had to do over one run: the longest stretch with nothing to do, and the most
//! expectations it had open at once. A facilitator sizes the room by these: a team that waits
//! two hours of play disengages, one with nine things open at once drops some.
//!
//! A team has something to do while one of its expectations is open: from its release until it
//! is done, or until its deadline passes (or the exercise ends) if it is not. A reply on hold
//! waits for the other side's amendment, so it occupies the team only at its release. Besides,
//! every inject released to the team, every message it receives and every response it makes is
//! a moment of activity that ends a quiet stretch.

use crate::engine::{Exercise, Expectation, InjectState};
use crate::scenario::{Secs, TeamIx};

/// One team's workload in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// The longest stretch of scenario time with nothing to do, between the start and the end.
    pub longest_idle: Secs,
    /// When that stretch began (the first, if several are as long).
    pub idle_from: Secs,
    /// The most expectations open at the same moment.
    pub peak_open: u64,
}

/// Every team's workload in an ended run, in team order.
pub fn of_teams(exercise: &Exercise) -> Vec<Workload> {
    let scenario = exercise.scenario();
    let end = exercise.ended_at().unwrap_or(exercise.now());
    // Per team: the stretches it is occupied (a moment is a stretch of no length).
    let mut busy: Vec<Vec<(Secs, Secs)>> = vec![Vec::new(); scenario.teams.len()];
    for e in exercise.expectations() {
        busy[e.team.0].push((e.released_at, open_until(e, end)));
    }
    for (i, state) in exercise.inject_states().iter().enumerate() {
        if let InjectState::Released { at, .. } = state {
            for team in &scenario.injects[i].to {
                busy[team.0].push((*at, *at));
            }
        }
    }
    for message in exercise.messages() {
        for team in &message.to {
            busy[team.0].push((message.sent_at, message.sent_at));
        }
    }
    for record in exercise.responses() {
        busy[record.response.team.0].push((record.at, record.at));
    }
    busy.into_iter()
        .enumerate()
        .map(|(t, stretches)| workload(TeamIx(t), stretches, exercise, end))
        .collect()
}

fn workload(
    team: TeamIx,
    mut stretches: Vec<(Secs, Secs)>,
    exercise: &Exercise,
    end: Secs,
) -> Workload {
    stretches.sort_unstable();
    let (mut longest_idle, mut idle_from, mut cursor) = (0, 0, 0);
    for &(from, until) in &stretches {
        let from = from.min(end);
        if from > cursor && from - cursor > longest_idle {
            longest_idle = from - cursor;
            idle_from = cursor;
        }
        cursor = cursor.max(until.min(end));
    }
    if end > cursor && end - cursor > longest_idle {
        longest_idle = end - cursor;
        idle_from = cursor;
    }
    Workload {
        longest_idle,
        idle_from,
        peak_open: peak_open(team, exercise, end),
    }
}

/// Until when an expectation keeps its team occupied: until it was done, until its deadline
/// (or the end) if never done, not at all while a clarification holds it; never before its
/// release.
fn open_until(e: &Expectation, end: Secs) -> Secs {
    let until = match &e.done {
        Some(done) => done.at,
        None if e.held => e.released_at,
        None => e.due_at.min(end),
    };
    until.max(e.released_at)
}

/// The most of the team's expectations open at one moment. At one instant, those that close
/// go before those that open: a reply made as the next request arrives was not open with it.
fn peak_open(team: TeamIx, exercise: &Exercise, end: Secs) -> u64 {
    let mut changes: Vec<(Secs, i64)> = Vec::new();
    for e in exercise.expectations().iter().filter(|e| e.team == team) {
        let (from, until) = (e.released_at, open_until(e, end));
        if until > from {
            changes.push((from, 1));
            changes.push((until, -1));
        }
    }
    changes.sort_unstable();
    let (mut open, mut peak) = (0i64, 0i64);
    for (_, change) in changes {
        open += change;
        peak = peak.max(open);
    }
    peak as u64
}
