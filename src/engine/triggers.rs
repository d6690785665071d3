//! The triggers read backwards: for each inject, expectation and action, the injects that wait
//! on it, so that firing a trigger costs its waiters, not a scan of every inject.
//!
//! The waiters are kept grouped by what they wait on, in one list per kind of key, rather than
//! in hash maps: an exercise fires triggers roughly in file order, so its lookups walk these
//! lists forward, where a hash table's would land anywhere in it (at 50,000 injects, a cache
//! and TLB miss each).

use crate::scenario::{ActionIx, ExpectationRef, InjectIx, Scenario, TeamIx, Trigger};

/// What an inject's trigger waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Released,
    Met,
    Missed,
    Incomplete,
    Taken,
}

/// An inject waiting on something: on what of it, on which of its expectations (for a key that
/// is an inject), and for which team's copy or response (`None`: any team).
#[derive(Debug, Clone, Copy)]
struct Waiter {
    inject: InjectIx,
    on: On,
    expectation: usize,
    team: Option<TeamIx>,
}

/// Waiters grouped by a dense key: those of key `k` are `waiters[starts[k]..starts[k + 1]]`,
/// in file order.
#[derive(Debug, Clone)]
struct Grouped {
    starts: Vec<usize>,
    waiters: Vec<Waiter>,
}

impl Grouped {
    /// Groups `waiters`, (key, waiter) pairs in file order, by their key, below `keys`.
    fn of(keys: usize, mut waiters: Vec<(usize, Waiter)>) -> Self {
        // A stable sort: each key's waiters stay in file order.
        waiters.sort_by_key(|(key, _)| *key);
        let mut starts = vec![0; keys + 1];
        for (key, _) in &waiters {
            starts[key + 1] += 1;
        }
        for k in 0..keys {
            starts[k + 1] += starts[k];
        }
        Grouped {
            starts,
            waiters: waiters.into_iter().map(|(_, waiter)| waiter).collect(),
        }
    }

    /// The waiters on `key` for `on`, its `k`-th expectation, and `team`.
    fn waiting(
        &self,
        key: usize,
        on: On,
        k: usize,
        team: Option<TeamIx>,
    ) -> impl Iterator<Item = InjectIx> + '_ {
        let of_key = match (self.starts.get(key), self.starts.get(key + 1)) {
            (Some(&start), Some(&end)) => &self.waiters[start..end],
            _ => &[],
        };
        of_key
            .iter()
            .filter(move |w| {
                w.on == on && w.expectation == k && w.team.is_none_or(|t| Some(t) == team)
            })
            .map(|w| w.inject)
    }
}

#[derive(Debug, Clone)]
pub struct Waiters {
    /// Keyed by the inject waited on.
    on_inject: Grouped,
    /// `Taken` triggers, keyed by the action.
    on_action: Grouped,
}

impl Waiters {
    pub fn of(scenario: &Scenario) -> Self {
        let mut on_inject = Vec::new();
        let mut on_action = Vec::new();
        for (i, inject) in scenario.injects.iter().enumerate() {
            let waiter = |on, expectation, team| Waiter {
                inject: InjectIx(i),
                on,
                expectation,
                team,
            };
            let on_expectation =
                |on, of: &ExpectationRef| (of.inject.0, waiter(on, of.expectation, of.team));
            match &inject.when {
                Trigger::Released(of) => on_inject.push((of.0, waiter(On::Released, 0, None))),
                Trigger::Met(of) => on_inject.push(on_expectation(On::Met, of)),
                Trigger::Missed(of) => on_inject.push(on_expectation(On::Missed, of)),
                Trigger::Incomplete(of) => on_inject.push(on_expectation(On::Incomplete, of)),
                Trigger::Taken { action, team } => {
                    on_action.push((action.0, waiter(On::Taken, 0, *team)))
                }
                Trigger::At(_) | Trigger::Manual => {}
            }
        }
        Waiters {
            on_inject: Grouped::of(scenario.injects.len(), on_inject),
            on_action: Grouped::of(scenario.actions.len(), on_action),
        }
    }

    /// Injects whose `Released` fires when `inject` is released.
    pub fn released(&self, inject: InjectIx) -> impl Iterator<Item = InjectIx> + '_ {
        self.on_inject.waiting(inject.0, On::Released, 0, None)
    }

    /// Injects whose `Met`, `Missed` or `Incomplete` trigger (`on`) fires for `team`'s copy of
    /// the inject's `k`-th expectation: when it is done, when its deadline passes, when it first
    /// lacks a required field.
    pub fn on_expectation(
        &self,
        on: On,
        inject: InjectIx,
        k: usize,
        team: TeamIx,
    ) -> impl Iterator<Item = InjectIx> + '_ {
        self.on_inject.waiting(inject.0, on, k, Some(team))
    }

    pub fn taken(&self, action: ActionIx, team: TeamIx) -> impl Iterator<Item = InjectIx> + '_ {
        self.on_action.waiting(action.0, On::Taken, 0, Some(team))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::phishing;

    #[test]
    fn each_trigger_finds_its_waiters_and_no_other() {
        let scenario = phishing();
        let waiters = Waiters::of(&scenario);
        let ix = |id: &str| scenario.inject_ix(id).unwrap();
        let (soc, cert) = (TeamIx(0), TeamIx(1));
        let found = |it: &mut dyn Iterator<Item = InjectIx>| it.collect::<Vec<_>>();
        assert_eq!(
            found(&mut waiters.released(ix("mail-wave"))),
            [ix("cert-heads-up")]
        );
        assert_eq!(found(&mut waiters.released(ix("press"))), []);
        // `Met("mail-wave.block")`: the second expectation, any team's copy.
        assert_eq!(
            found(&mut waiters.on_expectation(On::Met, ix("mail-wave"), 1, soc)),
            [ix("takedown-request")]
        );
        assert_eq!(
            found(&mut waiters.on_expectation(On::Met, ix("mail-wave"), 1, cert)),
            [ix("takedown-request")]
        );
        assert_eq!(
            found(&mut waiters.on_expectation(On::Met, ix("mail-wave"), 0, soc)),
            []
        );
        assert_eq!(
            found(&mut waiters.on_expectation(On::Missed, ix("mail-wave"), 1, soc)),
            []
        );
        assert_eq!(
            found(&mut waiters.on_expectation(On::Incomplete, ix("mail-wave"), 2, soc)),
            []
        );
        assert_eq!(found(&mut waiters.taken(ActionIx(0), soc)), []);
    }

    #[test]
    fn waiters_on_one_key_keep_file_order_and_their_team() {
        let waiter = |inject, team| Waiter {
            inject: InjectIx(inject),
            on: On::Taken,
            expectation: 0,
            team,
        };
        let grouped = Grouped::of(
            3,
            vec![
                (2, waiter(0, None)),
                (0, waiter(1, Some(TeamIx(1)))),
                (2, waiter(2, Some(TeamIx(0)))),
                (2, waiter(3, None)),
            ],
        );
        let of = |key, team| {
            grouped
                .waiting(key, On::Taken, 0, Some(team))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(2, TeamIx(0)), [InjectIx(0), InjectIx(2), InjectIx(3)]);
        assert_eq!(of(2, TeamIx(1)), [InjectIx(0), InjectIx(3)]);
        assert_eq!(of(0, TeamIx(1)), [InjectIx(1)]);
        assert_eq!(of(1, TeamIx(0)), []);
        // A key beyond the scenario's has no waiters.
        assert_eq!(of(7, TeamIx(0)), []);
    }
}
