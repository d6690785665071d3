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

    /// Every decision (each team's copy of a `decide`), in release order, then inject order,
    /// then team: what the console lists as who chose what, when.
    pub fn decisions(&self) -> Vec<ExpectationIx> {
        self.expectations_in_release_order()
            .iter()
            .copied()
            .filter(|ix| self.expectation(*ix).is_decision())
            .collect()
    }

    /// The team's decision on an inject it received, chosen or not (an inject has at most
    /// one `decide`).
    pub fn decision_of(&self, team: TeamIx, inject: InjectIx) -> Option<ExpectationIx> {
        self.expectations_of_inject(inject)
            .iter()
            .copied()
            .find(|ix| {
                let e = self.expectation(*ix);
                e.team == team && e.is_decision()
            })
    }

    /// The team's decision still to be made that a response naming `answers` would make:
    /// the choices a team is offered first when it responds to that item.
    pub fn open_decision(&self, team: TeamIx, answers: Option<Answers>) -> Option<ExpectationIx> {
        match answers {
            Some(Answers::Inject(inject)) => self
                .decision_of(team, inject)
                .filter(|ix| self.expectation(*ix).done.is_none()),
            _ => None,
        }
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
