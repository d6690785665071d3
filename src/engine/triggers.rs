//! The triggers read backwards: for each inject, expectation and action, the injects that wait
//! on it, so that firing a trigger costs its waiters, not a scan of every inject.

use foldhash::HashMap;

use crate::scenario::{ActionIx, InjectIx, Scenario, TeamIx, Trigger};

/// Injects waiting on something, with the team their trigger names (`None`: any team).
type Waiting = Vec<(InjectIx, Option<TeamIx>)>;

#[derive(Debug, Clone, Default)]
pub struct Waiters {
    released: HashMap<InjectIx, Vec<InjectIx>>,
    met: HashMap<(InjectIx, usize), Waiting>,
    missed: HashMap<(InjectIx, usize), Waiting>,
    incomplete: HashMap<(InjectIx, usize), Waiting>,
    taken: HashMap<ActionIx, Waiting>,
}

impl Waiters {
    pub fn of(scenario: &Scenario) -> Self {
        let mut waiters = Waiters::default();
        for (i, inject) in scenario.injects.iter().enumerate() {
            let waiter = InjectIx(i);
            match &inject.when {
                Trigger::Released(on) => waiters.released.entry(*on).or_default().push(waiter),
                Trigger::Met(on) => waiters
                    .met
                    .entry((on.inject, on.expectation))
                    .or_default()
                    .push((waiter, on.team)),
                Trigger::Missed(on) => waiters
                    .missed
                    .entry((on.inject, on.expectation))
                    .or_default()
                    .push((waiter, on.team)),
                Trigger::Incomplete(on) => waiters
                    .incomplete
                    .entry((on.inject, on.expectation))
                    .or_default()
                    .push((waiter, on.team)),
                Trigger::Taken { action, team } => waiters
                    .taken
                    .entry(*action)
                    .or_default()
                    .push((waiter, *team)),
                Trigger::At(_) | Trigger::Manual => {}
            }
        }
        waiters
    }

    pub fn released(&self, inject: InjectIx) -> Vec<InjectIx> {
        self.released.get(&inject).cloned().unwrap_or_default()
    }

    /// Injects whose `Met` fires when `team`'s copy of the inject's `k`-th expectation is done.
    pub fn met(&self, inject: InjectIx, k: usize, team: TeamIx) -> Vec<InjectIx> {
        for_team(self.met.get(&(inject, k)), team)
    }

    pub fn missed(&self, inject: InjectIx, k: usize, team: TeamIx) -> Vec<InjectIx> {
        for_team(self.missed.get(&(inject, k)), team)
    }

    /// Injects whose `Incomplete` fires when `team`'s copy of the inject's `k`-th expectation
    /// first lacks a required field.
    pub fn incomplete(&self, inject: InjectIx, k: usize, team: TeamIx) -> Vec<InjectIx> {
        for_team(self.incomplete.get(&(inject, k)), team)
    }

    pub fn taken(&self, action: ActionIx, team: TeamIx) -> Vec<InjectIx> {
        for_team(self.taken.get(&action), team)
    }
}

fn for_team(waiting: Option<&Waiting>, team: TeamIx) -> Vec<InjectIx> {
    waiting
        .into_iter()
        .flatten()
        .filter(|(_, on)| on.is_none_or(|t| t == team))
        .map(|(inject, _)| *inject)
        .collect()
}
