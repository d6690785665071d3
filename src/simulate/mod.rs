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
pub mod workload;

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::scenario::Scenario;
pub use profile::{Profile, load_profile, scenario_profile};
pub use run::{SimulatedRun, simulate};
pub use summary::Summary;
use tally::{Layout, Tally};

/// Slices of runs per core: more than one, so that a core that finishes first takes a slice of
/// a slower one, but few, since each slice makes a tally of its own (its histograms, some 5 MB
/// for the built-in scenario) and merges it: at 1,000 runs, four a core took 98 ms of CPU, two
/// 85 ms, one 75 ms.
const TASKS_PER_THREAD: usize = 2;
/// The progress bar appears only once a simulation has taken this long.
const PROGRESS_AFTER: Duration = Duration::from_millis(500);

/// How a summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Html,
}

/// Writes a summary of `scenario`'s simulation in `format`.
pub fn render(summary: &Summary, scenario: &Scenario, format: OutputFormat) -> String {
    match format {
        OutputFormat::Text => text::render(summary, scenario),
        OutputFormat::Json => summary.to_json(),
        OutputFormat::Html => html::render(summary, scenario),
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
        .reduce_with(Tally::merge)
        .unwrap_or_else(|| Tally::new(scenario, &layout));
    bar.finish();
    Summary::of(scenario, profile, &layout, &tally, seed)
}

/// A progress bar on stderr that stays hidden for short simulations and off a terminal.
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    /// Kept apart from the bar: asking the bar whether it shows takes its lock, which every core
    /// would queue for after every run.
    shown: AtomicBool,
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
            shown: AtomicBool::new(false),
        }
    }

    fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if !self.shown.load(Ordering::Relaxed)
                && self.started.elapsed() > PROGRESS_AFTER
                && !self.shown.swap(true, Ordering::Relaxed)
            {
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
