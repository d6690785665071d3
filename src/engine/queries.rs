//! Questions the screens ask the engine, so that no screen re-derives its rules: a team's inbox,
//! its open expectations, the next release, the expectation a response would satisfy.

use super::{Answers, Exercise, ExpectationIx, InjectState, Source};
use crate::scenario::{ActionIx, InjectIx, Secs, TeamIx, Trigger};

impl Exercise {
    /// What a team has received, newest first: the injects released to it and the hotline
    /// messages sent to it, each with the time it arrived. Nothing of another team's.
    pub fn inbox(&self, team: TeamIx) -> Vec<(Answers, Secs)> {
        let scenario = self.scenario();
        let mut items: Vec<(Answers, Secs)> = scenario
            .injects
            .iter()
            .enumerate()
            .filter(|(_, inject)| inject.to.contains(&team))
            .filter_map(|(i, _)| match self.inject_state(InjectIx(i)) {
                InjectState::Released { at, .. } => Some((Answers::Inject(InjectIx(i)), at)),
                _ => None,
            })
            .chain(
                self.messages()
                    .iter()
                    .filter(|m| m.to.contains(&team))
                    .map(|m| (Answers::Message(m.n), m.sent_at)),
            )
            .collect();
        items.sort_by_key(|(key, at)| {
            let order = match key {
                Answers::Inject(i) => i.0 as u64,
                Answers::Message(n) => 1 << 40 | n,
            };
            std::cmp::Reverse((*at, order))
        });
        items
    }

    /// A team's expectations not yet done, the earliest due first.
    pub fn open_expectations(&self, team: TeamIx) -> Vec<ExpectationIx> {
        let mut open: Vec<ExpectationIx> = (0..self.expectations().len())
            .map(ExpectationIx)
            .filter(|ix| {
                let e = self.expectation(*ix);
                e.team == team && e.done.is_none()
            })
            .collect();
        open.sort_by_key(|ix| self.expectation(*ix).due_at);
        open
    }

    /// How many of a team's expectations are done.
    pub fn done_count(&self, team: TeamIx) -> usize {
        (0..self.expectations().len())
            .map(ExpectationIx)
            .filter(|ix| self.expectation(*ix).team == team && self.status(*ix).is_done())
            .count()
    }

    /// The inject that will be released next by itself, and when, if any.
    pub fn next_release(&self) -> Option<(InjectIx, Secs)> {
        let scenario = self.scenario();
        let mut best: Option<(InjectIx, Secs)> = None;
        for (i, s) in self.inject_states().iter().enumerate() {
            let at = match (s, &scenario.injects[i].when) {
                (InjectState::Scheduled { release_at, .. }, _) => *release_at,
                (InjectState::Waiting, Trigger::At(at)) => *at,
                _ => continue,
            };
            if best.is_none_or(|(_, b)| at < b) {
                best = Some((InjectIx(i), at));
            }
        }
        best
    }

    /// The open expectation a response of `team` taking `action` would satisfy, if it says it
    /// answers `answers` (or nothing in particular: the earliest due).
    pub fn expectation_for(
        &self,
        team: TeamIx,
        action: ActionIx,
        answers: Option<Answers>,
    ) -> Option<ExpectationIx> {
        (0..self.expectations().len())
            .map(ExpectationIx)
            .filter(|ix| {
                let e = self.expectation(*ix);
                e.team == team && e.action == action && e.done.is_none()
            })
            .filter(|ix| match (answers, self.expectation(*ix).source) {
                (None, _) => true,
                (Some(Answers::Inject(i)), Source::Inject(j, _)) => i == j,
                (Some(Answers::Message(n)), Source::Message(m)) => n == m,
                _ => false,
            })
            .min_by_key(|ix| {
                let e = self.expectation(*ix);
                (e.due_at, e.released_at, e.source)
            })
    }
}
