//! The words shown for what the engine answers with data, shared by the report and the screens
//! so that both name a thing alike.

use crate::engine::{Exercise, ExpectationIx};
use crate::scenario::ActionIx;

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
