//! `ttx validate`: scenario files checked, every error with its line.

use std::path::PathBuf;

use super::{Failure, diagnostics, out, read};

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Scenario files (RON).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Treat warnings as errors: a file with any is not ok (exit 1).
    #[arg(long)]
    deny_warnings: bool,
}

/// `ttx validate`: "ok" on stdout for each good file, the problems of the others on stderr.
pub fn run(args: ValidateArgs) -> Result<(), Failure> {
    let mut failed = false;
    for path in &args.scenarios {
        let outcome = read(path).and_then(|source| {
            let file = path.display().to_string();
            let validated =
                crate::scenario::validate_scenario(&file, &source).map_err(|d| diagnostics(&d))?;
            // The scenario's own profile of simulated teams must fit it, as `ttx simulate`
            // would refuse it.
            crate::simulate::scenario_profile(&file, &source, &validated.scenario)
                .map_err(|d| diagnostics(&d))?;
            Ok(validated)
        });
        match outcome {
            Ok(validated) => {
                for warning in &validated.warnings {
                    eprintln!("{warning}");
                }
                if args.deny_warnings && !validated.warnings.is_empty() {
                    failed = true;
                    eprintln!(
                        "{}: {} warning(s), refused with --deny-warnings",
                        path.display(),
                        validated.warnings.len()
                    );
                    continue;
                }
                out::print(&format!(
                    "ok: {} ({}, {})\n",
                    path.display(),
                    crate::text::count(validated.scenario.injects.len(), "inject"),
                    crate::text::count(validated.scenario.teams.len(), "team")
                ))?
            }
            Err(failure) => {
                failed = true;
                eprintln!("{}", failure.to_string().trim_end());
            }
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}
