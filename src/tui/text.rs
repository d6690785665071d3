//! Times and triggers as people read them.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::engine::{InjectState, SkipCause};
use crate::scenario::{Scenario, Trigger};

pub use crate::text::{clock, short, speed_str};

/// How many terminal columns `text` takes: a CJK character or an emoji two, a combining mark
/// none, an emoji joined with `ZWJ` as the one picture it draws.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to at most `columns` terminal columns, with an ellipsis when cut; cut between
/// whole graphemes, so that no emoji, flag or accented letter is split.
pub fn fit(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    let mut cut = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w + 1 > columns {
            break;
        }
        cut.push_str(grapheme);
        used += w;
    }
    if columns > 0 {
        cut.push('…');
    }
    cut
}

/// `text` fitted to `columns` and padded with spaces to exactly that many columns.
pub fn pad(text: &str, columns: usize) -> String {
    let cut = fit(text, columns);
    let fill = columns.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(fill))
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
        Trigger::Incomplete(r) => format!("incomplete {}", expectation(r)),
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
        InjectState::Skipped {
            by: SkipCause::Chance,
            ..
        } => "skipped".to_string(),
        InjectState::Skipped {
            by: SkipCause::Unless,
            ..
        } => "skipped (unless)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_fitted_by_columns_and_whole_graphemes() {
        // A woman technologist (three code points, one picture), a flag, e + combining acute.
        assert_eq!(width("👩\u{200d}💻"), 2);
        assert_eq!(width("🇫🇷"), 2);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("東京"), 4);
        assert_eq!(fit("東京都庁", 5), "東京…");
        assert_eq!(fit("a👩\u{200d}💻b", 3), "a…");
        assert_eq!(fit("cafe\u{301} noir", 5), "cafe\u{301}…");
        assert_eq!(pad("東京", 6), "東京  ");
        assert_eq!(pad("abc", 2), "a…");
        assert_eq!(fit("short", 10), "short");
    }

    #[test]
    fn a_manual_inject_waits_for_the_facilitator() {
        assert_eq!(state(InjectState::Waiting, &Trigger::Manual), "by hand");
    }
}
