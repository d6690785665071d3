//! Questions the screens ask the engine, so that no screen re-derives its rules: a team's inbox,
//! what it has done, the next release. (The engine itself answers which expectations are open
//! and which one a response would satisfy.)

use super::{Answers, Exercise, ExpectationIx, InjectState};
use crate::scenario::{InjectIx, Secs, TeamIx, Trigger};

impl Exercise {
    /// What a team has received and sent, newest first: the injects released to it and the
    /// hotline messages sent to it or by it, each with its time. Nothing of another team's.
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
                    .filter(|m| m.to.contains(&team) || m.from == team)
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
}
