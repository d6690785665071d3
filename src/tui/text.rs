//! Times and triggers as people read them.

use crate::engine::InjectState;
use crate::scenario::{Scenario, Trigger};

pub use crate::text::{clock, short, speed_str};

/// An inject's trigger, briefly.
pub fn trigger(scenario: &Scenario, when: &Trigger) -> String {
    let expectation = |r: &crate::scenario::ExpectationRef| {
        let inject = scenario.inject(r.inject);
        let action = inject
            .expect
            .get(r.expectation)
            .map(|e| e.name(scenario))
            .unwrap_or("?");
        let team = r
            .team
            .map(|t| format!("@{}", scenario.team(t).id))
            .unwrap_or_default();
        format!("{}.{action}{team}", inject.id)
    };
    match when {
        Trigger::At(t) => format!("at {}", clock(*t)),
        Trigger::Released(i) => format!("after {}", scenario.inject(*i).id),
        Trigger::Met(r) => format!("met {}", expectation(r)),
        Trigger::Missed(r) => format!("missed {}", expectation(r)),
        Trigger::Taken { action, team } => format!(
            "taken {}{}",
            scenario.action(*action).id,
            team.map(|t| format!("@{}", scenario.team(t).id))
                .unwrap_or_default()
        ),
        Trigger::Manual => "manual".to_string(),
    }
}

/// An inject's state, briefly: one waiting for its time is pending, one waiting for something
/// to happen is waiting, and a manual one waits for the facilitator.
pub fn state(state: InjectState, when: &Trigger) -> String {
    match state {
        InjectState::Waiting => match when {
            Trigger::At(_) => "pending",
            Trigger::Manual => "by hand",
            _ => "waiting",
        }
        .to_string(),
        InjectState::Scheduled { release_at, .. } => format!("due {}", clock(release_at)),
        InjectState::Released { at, by_hand: false } => format!("released {}", clock(at)),
        InjectState::Released { at, by_hand: true } => format!("released {} ✋", clock(at)),
        InjectState::Skipped { .. } => "skipped".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_inject_waits_for_the_facilitator() {
        assert_eq!(state(InjectState::Waiting, &Trigger::Manual), "by hand");
    }
}
