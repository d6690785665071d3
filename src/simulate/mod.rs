//! Dry runs before the day: `ttx simulate` plays a scenario many times with simulated teams on
//! the real engine, and reports the distributions (how long it runs, which injects fire and when,
//! how often each contingency fires, how teams would score) and the mistakes they reveal.
//!
//! The simulated teams drive the engine with the same commands a script gives (`run`); each run
//! is folded into a tally as soon as it ends (`tally`), on every core; the tally becomes the
//! summary (`summary`), printed as text, JSON or HTML. Any run can be written as a script
//! (`emit`) and opened in the app.

pub mod emit;
mod html;
pub mod profile;
pub mod run;
pub mod summary;
pub mod tally;
mod text;

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::scenario::{Diagnostic, Scenario, load_scenario};
pub use profile::{Profile, load_profile, scenario_profile};
pub use run::{SimulatedRun, simulate};
pub use summary::Summary;
use tally::{Layout, Tally};

/// Slices of runs per core.
const TASKS_PER_THREAD: usize = 4;
/// The progress bar appears only once a simulation has taken this long.
const PROGRESS_AFTER: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The scenario file (RON); without it, the built-in scenario.
    pub scenario: Option<PathBuf>,
    /// How many runs to play.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// The simulated teams' profile (RON); without it, the scenario's own `profile`, else a
    /// built-in "typical team".
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// The seed every run's own seed is derived from (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// How to write the summary.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write to this file instead of stdout.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Instead of the summary, write run RUN (0 to runs - 1) as a script for `ttx run --script`.
    #[arg(long, value_name = "RUN")]
    pub emit_script: Option<u64>,
}

/// Why `ttx simulate` failed: a bad input, reported on stderr with exit code 1.
#[derive(Debug)]
pub struct Failure(pub String);

fn diagnostics(diagnostics: &[Diagnostic]) -> Failure {
    Failure(
        diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A scenario or a profile, read with the same bound as every input (`files::read_text`).
fn read(path: &Path) -> Result<String, Failure> {
    crate::files::read_text(path, crate::limits::MAX_INPUT_BYTES)
        .map_err(|e| Failure(e.to_string()))
}

/// `ttx simulate`: `built_in` is the scenario used without a SCENARIO, as (name, source).
pub fn command(args: SimulateArgs, built_in: (&str, &str)) -> Result<(), Failure> {
    let (name, source) = match &args.scenario {
        Some(path) => (path.display().to_string(), read(path)?),
        None => (built_in.0.to_string(), built_in.1.to_string()),
    };
    let scenario = Arc::new(load_scenario(&name, &source).map_err(|d| diagnostics(&d))?);
    let profile = match &args.profile {
        Some(path) => {
            let file = path.display().to_string();
            load_profile(&file, &read(path)?, &scenario).map_err(|d| diagnostics(&d))?
        }
        None => scenario_profile(&name, &source, &scenario)
            .map_err(|d| diagnostics(&d))?
            .unwrap_or_else(|| Profile::built_in(&scenario)),
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let text = match args.emit_script {
        Some(number) => {
            if number >= args.runs {
                return Err(Failure(format!(
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
            match args.format {
                OutputFormat::Text => text::render(&summary, &scenario),
                OutputFormat::Json => summary.to_json(),
                OutputFormat::Html => html::render(&summary, &scenario),
            }
        }
    };
    match &args.output {
        Some(path) => fs::write(path, text)
            .map_err(|e| Failure(format!("{}: cannot write: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure(format!("cannot write to stdout: {e}")))
        }
    }
}

/// Plays `runs` runs on every core and sums them up; `progress` shows a bar on a terminal's
/// stderr once it takes more than a moment.
pub fn summarise(
    scenario: &Arc<Scenario>,
    profile: &Profile,
    seed: u64,
    runs: u64,
    progress: bool,
) -> Summary {
    let layout = Layout::of(scenario);
    let bar = Progress::new(runs, progress);
    // A few contiguous slices of runs per core: each folds its runs into one tally, so only a
    // handful of tallies are ever made and merged, and a slow slice is evened out by the others.
    let tasks = (rayon::current_num_threads() * TASKS_PER_THREAD).clamp(1, 1024) as u64;
    let slice = |task: u64| (u128::from(runs) * u128::from(task) / u128::from(tasks)) as u64;
    let tally = (0..tasks)
        .into_par_iter()
        .map(|task| {
            let mut tally = Tally::new(scenario, &layout);
            for number in slice(task)..slice(task + 1) {
                let run = simulate(scenario, profile, seed, number, false);
                tally.add(&layout, &run);
                bar.tick();
            }
            tally
        })
        .reduce(|| Tally::new(scenario, &layout), Tally::merge);
    bar.finish();
    Summary::of(scenario, profile, &layout, &tally, seed)
}

/// A progress bar on stderr that stays hidden for short simulations and off a terminal.
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Progress {
    fn new(runs: u64, wanted: bool) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::hidden());
            if let Ok(style) =
                ProgressStyle::with_template("simulating {bar:40} {pos}/{len} runs, {eta} left")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if bar.is_hidden() && self.started.elapsed() > PROGRESS_AFTER {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
