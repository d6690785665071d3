//! Times and triggers as people read them.

use crate::engine::InjectState;
use crate::scenario::{Scenario, Secs, Trigger};

/// A scenario time as a clock: `01:23:45`.
pub fn clock(secs: Secs) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A duration, short: `45s`, `4m12s`, `1h05m`, `2d03h`.
pub fn short(secs: Secs) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, s / 60 % 60),
        s => format!("{}d{:02}h", s / 86_400, s / 3600 % 24),
    }
}

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
    fn durations_read_briefly() {
        assert_eq!(clock(5025), "01:23:45");
        assert_eq!(short(45), "45s");
        assert_eq!(short(252), "4m12s");
        assert_eq!(short(3900), "1h05m");
        assert_eq!(short(2 * 86_400 + 3 * 3600), "2d03h");
    }
}
