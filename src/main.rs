//! The `ttx` command: the commands and their flags, each run by its module of `ttx::cli`; a
//! failure is printed on stderr and gives the exit code (0 success, 1 a bad input, 2 a usage
//! error).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use ttx::cli::{self, Failure};

#[derive(Parser)]
#[command(
    name = "ttx",
    version,
    about = "A tabletop exercise simulator for the terminal",
    after_help = "Without a command, ttx opens the terminal app on its built-in scenario \
                  (a cross-border breach between two countries' agencies)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run an exercise: the terminal app, or headless play of a script with --script.
    Run(cli::run::RunArgs),
    /// Reopen an interrupted exercise where its journal ends, paused.
    Resume(cli::run::ResumeArgs),
    /// Run an exercise with the facilitator console here and an SSH server for the teams' seats.
    Serve(cli::serve::ServeArgs),
    /// Write a starter roster for a scenario: a seat per team, a facilitator, an observer.
    Roster(cli::serve::RosterArgs),
    /// Write the after-action report of a finished or interrupted exercise.
    Report(cli::report::ReportArgs),
    /// Check a journal's signature (JOURNAL.sig) and print the fingerprint of the key that made it.
    Verify(cli::report::VerifyArgs),
    /// Check scenario files and print every error with its line.
    Validate(cli::validate::ValidateArgs),
    /// Rehearse a scenario: play it many times with simulated teams and sum up what happens.
    Simulate(cli::simulate::SimulateArgs),
    /// Line up the journals of one agreement's exercises, year after year: per clause and kind
    /// of expectation and team, the share met on time and the latencies against the standard.
    Trend(cli::trend::TrendArgs),
    /// Write a commented starter scenario, or a copy of a library exercise (to stdout without FILE).
    New(cli::new::NewArgs),
    /// List the library of ready-made exercises (title, teams, length, themes).
    Scenarios,
    /// A scenario as a Master Scenario Events List (CSV, XLSX), and MSELs into scenarios.
    Msel(cli::msel::MselArgs),
    /// The debrief at the console: rate objectives, write the executive summary, edit the
    /// improvement plan, judge what was sent, make the report final; each entry is added to the
    /// journal.
    Debrief(cli::debrief::DebriefArgs),
    /// Write a scenario's Situation Manual (--for participants) or Controller/Evaluator
    /// Handbook (--for facilitators), as HTML or Markdown.
    Handbook(cli::handbook::HandbookArgs),
}

fn main() -> ExitCode {
    let result = parse().and_then(|command| match command {
        None => cli::run::built_in(),
        Some(Cmd::Run(args)) => cli::run::run(args),
        Some(Cmd::Resume(args)) => cli::run::resume(args),
        Some(Cmd::Serve(args)) => cli::serve::serve(args),
        Some(Cmd::Roster(args)) => cli::serve::roster(args),
        Some(Cmd::Report(args)) => cli::report::report(args),
        Some(Cmd::Verify(args)) => cli::report::verify(args),
        Some(Cmd::Validate(args)) => cli::validate::run(args),
        Some(Cmd::Simulate(args)) => cli::simulate::run(args),
        Some(Cmd::Trend(args)) => cli::trend::run(args),
        Some(Cmd::New(args)) => cli::new::new(args),
        Some(Cmd::Scenarios) => cli::new::scenarios(),
        Some(Cmd::Msel(args)) => cli::msel::run(args),
        Some(Cmd::Debrief(args)) => cli::debrief::run(args),
        Some(Cmd::Handbook(args)) => cli::handbook::run(args),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !matches!(failure, Failure::Reported) {
                eprintln!("{}", failure.to_string().trim_end());
            }
            ExitCode::from(failure.code())
        }
    }
}

/// The command asked for. `--help` and `--version` are output as any command's (a reader that
/// has gone is quiet, a full disk an error); a usage error is clap's to print on stderr, with
/// exit code 2.
fn parse() -> Result<Option<Cmd>, Failure> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli.command),
        Err(error) if error.use_stderr() => error.exit(),
        Err(shown) => {
            cli::out::written(shown.print())?;
            std::process::exit(shown.exit_code())
        }
    }
}
