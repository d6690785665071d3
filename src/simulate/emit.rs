//! One simulated run written as a script (the format of `ttx run --script`): its engine seed and
//! every step the simulated room took, in the order taken. Played, it gives that run's report.

use std::fmt::Write;

use crate::engine::{Answers, Command};
use crate::ron_file::quoted;
use crate::scenario::{Scenario, format_secs};
use crate::simulate::run::SimulatedRun;

/// The script of `run`, the `number`-th run of a simulation described by `origin`.
pub fn script(scenario: &Scenario, run: &SimulatedRun, number: u64, origin: &str) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "// Run {number} of {origin}, as a script:");
    let _ = writeln!(
        out,
        "// ttx run SCENARIO --script THIS_FILE plays it to the run's report."
    );
    let _ = writeln!(out, "Script(\n    seed: {},\n    steps: [", run.seed);
    for (at, command) in &run.steps {
        let at = format_secs(*at);
        match command {
            Command::Respond(response) => {
                let _ = write!(
                    out,
                    "        Respond(at: \"{at}\", team: {}, action: {}",
                    quoted(&scenario.team(response.team).id),
                    quoted(&scenario.action(response.action).id)
                );
                match response.answers {
                    Some(Answers::Inject(inject)) => {
                        let _ = write!(out, ", inject: {}", quoted(&scenario.inject(inject).id));
                    }
                    Some(Answers::Message(n)) => {
                        let _ = write!(out, ", message: {n}");
                    }
                    None => {}
                }
                if !response.fields.is_empty() {
                    let fields: Vec<String> = response
                        .fields
                        .iter()
                        .map(|(name, text)| format!("{}: {}", quoted(name), quoted(text)))
                        .collect();
                    let _ = write!(out, ", fields: {{{}}}", fields.join(", "));
                }
                if !response.insufficient.is_empty() {
                    let fields: Vec<String> =
                        response.insufficient.iter().map(|f| quoted(f)).collect();
                    let _ = write!(out, ", insufficient: [{}]", fields.join(", "));
                }
                if let Some(note) = &response.note {
                    let _ = write!(out, ", note: {}", quoted(note));
                }
                let _ = writeln!(out, "),");
            }
            Command::Release(inject) => {
                let _ = writeln!(
                    out,
                    "        Release(at: \"{at}\", inject: {}),",
                    quoted(&scenario.inject(*inject).id)
                );
            }
            // The room gives no other command that a script step stands for: the clock's moves
            // are the script's times, and the run ends by itself.
            _ => {}
        }
    }
    out.push_str("    ],\n)\n");
    out
}
