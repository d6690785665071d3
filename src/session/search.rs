//! The action picker's ranking: which actions a team may take match what it typed, best first.

use super::Session;
use crate::scenario::{Action, ActionIx, TeamIx};

impl Session {
    /// The actions a team may take whose id, name or description contain the filter, best
    /// match first (the id itself, then an id that starts with it, contains it, then the name,
    /// then the description), in catalogue order within each, so that typing an id and Enter
    /// picks that action.
    pub fn actions_for(&self, team: TeamIx, filter: &str) -> Vec<ActionIx> {
        let filter = filter.to_lowercase();
        let rank = |a: &Action| {
            let id = a.id.to_lowercase();
            if filter.is_empty() || id == filter {
                Some(0)
            } else if id.starts_with(&filter) {
                Some(1)
            } else if id.contains(&filter) {
                Some(2)
            } else if a.name.to_lowercase().contains(&filter) {
                Some(3)
            } else if a
                .description
                .as_deref()
                .is_some_and(|d| d.to_lowercase().contains(&filter))
            {
                Some(4)
            } else {
                None
            }
        };
        let mut ranked: Vec<(u8, ActionIx)> = self
            .exercise
            .scenario()
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.allows(team))
            .filter_map(|(i, a)| rank(a).map(|r| (r, ActionIx(i))))
            .collect();
        ranked.sort_by_key(|(r, _)| *r);
        ranked.into_iter().map(|(_, ix)| ix).collect()
    }
}
