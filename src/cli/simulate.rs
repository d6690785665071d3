//! `ttx simulate`: a scenario rehearsed with simulated teams, summed up, or one run written as a
//! script.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;

use super::{BUILT_IN, Failure, diagnostics, out};
use crate::files::{check_output, read_text};
use crate::limits::MAX_INPUT_BYTES;
use crate::scenario::load_scenario;
use crate::simulate::{
    OutputFormat, Profile, emit, load_profile, render, scenario_profile, simulate, summarise,
};
use crate::trend::Named;
use crate::trend::fit::fit;

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The scenario file (RON); without it, the built-in scenario.
    scenario: Option<PathBuf>,
    /// How many runs to play.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// The simulated teams' profile (RON); without it, the scenario's own `profile`, else a
    /// built-in "typical team".
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Simulated teams that behave as the teams of these journals did (matched by team and
    /// action id): a profile measured instead of written. A date (JOURNAL@2025-06-01) is
    /// accepted as by `ttx trend`, and not needed.
    #[arg(long, value_name = "JOURNAL", num_args = 1.., conflicts_with = "profile",
          value_parser = parse_named)]
    profile_from: Vec<Named>,
    /// The seed every run's own seed is derived from (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// How to write the summary.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Write to this file instead of stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Instead of the summary, write run RUN (0 to runs - 1) as a script for `ttx run --script`.
    #[arg(long, value_name = "RUN")]
    emit_script: Option<u64>,
}

fn parse_named(arg: &str) -> Result<Named, String> {
    Named::parse(arg)
}

/// `ttx simulate`.
pub fn run(args: SimulateArgs) -> Result<(), Failure> {
    let (name, source) = match &args.scenario {
        Some(path) => (
            path.display().to_string(),
            read_text(path, MAX_INPUT_BYTES)?,
        ),
        None => (BUILT_IN.0.to_string(), BUILT_IN.1.to_string()),
    };
    let scenario = Arc::new(load_scenario(&name, &source).map_err(|d| diagnostics(&d))?);
    let profile = match &args.profile {
        None if !args.profile_from.is_empty() => {
            let editions = super::trend::editions(&args.profile_from)?;
            let name = format!(
                "fitted from {} journal{}",
                editions.len(),
                if editions.len() == 1 { "" } else { "s" }
            );
            let fitted = fit(&editions, &scenario, name).map_err(Failure::Input)?;
            for line in &fitted.measured {
                eprintln!("measured: {line}");
            }
            fitted.profile
        }
        Some(path) => {
            let file = path.display().to_string();
            load_profile(&file, &read_text(path, MAX_INPUT_BYTES)?, &scenario)
                .map_err(|d| diagnostics(&d))?
        }
        None => scenario_profile(&name, &source, &scenario)
            .map_err(|d| diagnostics(&d))?
            .unwrap_or_else(|| Profile::built_in(&scenario)),
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let text = match args.emit_script {
        Some(number) => {
            if number >= args.runs {
                return Err(Failure::Input(format!(
                    "--emit-script {number}: runs are numbered from 0 to {} (--runs {})",
                    args.runs.saturating_sub(1),
                    args.runs
                )));
            }
            let run = simulate(&scenario, &profile, seed, number, true);
            let origin = format!(
                "`ttx simulate {name} --seed {seed}` with profile {}",
                profile.name
            );
            emit::script(&scenario, &run, number, &origin)
        }
        None => {
            let summary = summarise(&scenario, &profile, seed, args.runs, true);
            render(&summary, &scenario, args.format)
        }
    };
    match &args.output {
        Some(path) => {
            // Rewritten freely, as a rehearsal's output is; but never one of its inputs.
            let inputs: Vec<(&std::path::Path, &'static str)> = [
                args.scenario.as_deref().map(|p| (p, "the scenario")),
                args.profile.as_deref().map(|p| (p, "the profile")),
            ]
            .into_iter()
            .flatten()
            .chain(
                args.profile_from
                    .iter()
                    .map(|n| (n.path.as_path(), "a journal being measured")),
            )
            .collect();
            check_output(path, &inputs, true)?;
            fs::write(path, text)
                .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))
        }
        None => out::print(&text),
    }
}
