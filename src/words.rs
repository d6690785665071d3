//! The words shown for what the engine answers with data, shared by the report and the screens
//! so that both name a thing alike.

use crate::engine::{Exercise, ExpectationIx};
use crate::scenario::{ActionIx, Secs};

/// What an expectation asks for, in people's words: the action's name, or for a decision
/// "Decide: A / B" (with the choice once made).
pub fn expectation_title(exercise: &Exercise, ix: ExpectationIx) -> String {
    let e = exercise.expectation(ix);
    let name = |a: ActionIx| exercise.scenario().action(a).name.as_str();
    if !e.is_decision() {
        return e.action.map_or_else(String::new, |a| name(a).to_string());
    }
    let choices: Vec<&str> = e.choices.iter().map(|a| name(*a)).collect();
    match e.action {
        Some(chosen) => format!("Decide: {} — chose {}", choices.join(" / "), name(chosen)),
        None => format!("Decide: {}", choices.join(" / ")),
    }
}

/// A duration, or a time on the scenario clock, as people write it (docs/facilitator-guide.md):
/// seconds only under a minute (`40 s`), then minutes rounded to the nearest (`45 min`, `1 h`,
/// `26 h 15 min`), and from two days on days too (`3 d 4 h 10 min`).
pub fn duration(secs: Secs) -> String {
    match secs {
        0 => return "0 min".into(),
        1..60 => return format!("{secs} s"),
        _ => {}
    }
    let minutes = secs.saturating_add(30) / 60;
    let (days, hours) = if minutes >= 48 * 60 {
        (minutes / (24 * 60), minutes % (24 * 60) / 60)
    } else {
        (0, minutes / 60)
    };
    [(days, "d"), (hours, "h"), (minutes % 60, "min")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect::<Vec<_>>()
        .join(" ")
}
