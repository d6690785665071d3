//! `ttx run`, `ttx resume` and `ttx` alone: the terminal app on a new or reopened exercise, or
//! headless play of a script.

use std::fs;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exercise::{self, NewExercise, Opened, Room};
use super::report::{FormatArg, Output, spool_report, write_report, write_spooled};
use super::serve::ServerArgs;
use super::{BUILT_IN, Failure, diagnostics, read};
use crate::engine::{Exercise, Settings};
use crate::files::directory_of;
use crate::journal::{Header, JournalWriter, Line};
use crate::ron_file::Arena;
use crate::scenario::{Scenario, load_scenario_in};
use crate::script::load_script_in;

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    exercise: NewExercise,
    /// Play this script headless on a virtual clock and write the report.
    #[arg(long)]
    script: Option<PathBuf>,
    /// With --script: write the report to this file instead of stdout (never over an existing
    /// file without --force).
    #[arg(long, requires = "script")]
    report: Option<PathBuf>,
    /// With --report: replace an existing file (never the scenario, the script or the journal).
    #[arg(long, requires = "report")]
    force: bool,
    /// With --script: the report's format.
    #[arg(long, value_enum, requires = "script")]
    format: Option<FormatArg>,
}

#[derive(clap::Args)]
pub struct ResumeArgs {
    /// The journal of the interrupted exercise.
    journal: PathBuf,
    /// Serve it again over SSH, as `ttx serve` did.
    #[arg(long)]
    serve: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// `ttx` without a command: the terminal app on the built-in scenario.
pub fn built_in() -> Result<(), Failure> {
    live((Path::new(BUILT_IN.0), BUILT_IN.1), None, None, None)
}

/// `ttx run`.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    let (scenario_path, source) = match &args.exercise.scenario {
        Some(path) => (path.clone(), read(path)?),
        None => (PathBuf::from(BUILT_IN.0), BUILT_IN.1.to_string()),
    };
    match args.script {
        Some(script) => {
            if args.exercise.speed.is_some() || args.exercise.seed.is_some() {
                return Err(Failure::Usage(
                    "--speed and --seed are for the terminal app; a script sets its own seed"
                        .into(),
                ));
            }
            let output = args.report.as_deref().map(|path| Output {
                path,
                force: args.force,
            });
            play(
                args.exercise.scenario.as_deref(),
                source,
                &script,
                args.exercise.journal.as_deref(),
                output,
                args.format.unwrap_or(FormatArg::Json),
            )
        }
        None => live(
            (&scenario_path, &source),
            args.exercise.speed,
            args.exercise.seed,
            args.exercise.journal,
        ),
    }
}

/// `ttx resume`: the app, or the server with `--serve`, where the journal ends.
pub fn resume(args: ResumeArgs) -> Result<(), Failure> {
    if args.serve {
        return super::serve::resume(&args.journal, args.server);
    }
    let opened = exercise::resume(&args.journal, args.server.host_key, Room::App)?;
    open_app(opened)
}

/// `scenario_file` is `None` for the built-in scenario; `source` is its text, kept for the
/// journal's header.
fn play(
    scenario_file: Option<&Path>,
    source: String,
    script_path: &Path,
    journal: Option<&Path>,
    report: Option<Output>,
    format: FormatArg,
) -> Result<(), Failure> {
    let scenario_path = scenario_file.unwrap_or(Path::new(BUILT_IN.0));
    if let Some(output) = report {
        // Before any work: a report that would replace an input or the journal is refused.
        let mut inputs = vec![(script_path, "the script")];
        inputs.extend(scenario_file.map(|path| (path, "the scenario")));
        inputs.extend(journal.map(|path| (path, "the journal this run writes")));
        crate::files::check_output(output.path, &inputs, output.force)?;
    }
    // One arena for both trees: the script's is read into the pages the scenario's tree took.
    let mut arena = Arena::for_text(source.len());
    let scenario = load_scenario_in(&scenario_path.display().to_string(), &source, &mut arena)
        .map_err(|d| diagnostics(&d))?;
    let scenario = Arc::new(scenario);
    let script_file = script_path.display().to_string();
    let script = load_script_in(&script_file, &read(script_path)?, &mut arena)
        .map_err(|d| diagnostics(&d))?;
    drop(arena);
    let crate::play::Played {
        exercise,
        lines,
        debrief,
    } = crate::play::play_script(Arc::clone(&scenario), &script, &script_file)?;
    // Left for the process's exit to take back, as in `ttx report`: freeing them one by one is
    // work no one waits for.
    let (exercise, debrief) = (ManuallyDrop::new(exercise), ManuallyDrop::new(debrief));
    let settings = crate::play::settings_for(&scenario, &script);
    // The report is built from the exercise alone: the memory of the script, and of the events
    // once recorded, goes to it.
    drop(script);
    let Some(journal) = journal else {
        drop(lines);
        // The answers the script gave are the debrief's: the report has them too.
        return write_report((&exercise, &debrief), None, format, report);
    };
    // The journal is written on another core while the report is made here (each is a fifth of
    // a big run), and the report is copied out only once the journal stands: a run that could
    // not be recorded leaves no report.
    let (recorded, spooled) = std::thread::scope(|scope| {
        let recorded = scope.spawn(|| {
            record(
                journal,
                (scenario_path, source),
                &scenario,
                settings,
                &exercise,
                lines,
            )
        });
        let spooled = spool_report((&exercise, &debrief), format, directory_of(journal));
        let recorded = recorded
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (recorded, spooled)
    });
    let unsigned = recorded?.map(|why| (journal, why));
    match spooled {
        Ok(spool) => write_spooled(spool, report)?,
        // No room or no right for the spool beside the journal: the report is made again,
        // straight to where it goes, and says so if that fails too.
        Err(_) => write_report((&exercise, &debrief), None, format, report)?,
    }
    match unsigned {
        // The run and its journal stand: the report is written, and the exit code says what is
        // missing.
        Some((journal, why)) => Err(Failure::App(format!(
            "the exercise is recorded in {}, but not signed: {why}",
            journal.display()
        ))),
        None => Ok(()),
    }
}

/// Writes a headless run's journal, signed beside it; why it could not be signed, if so.
fn record(
    journal: &Path,
    (scenario_path, source): (&Path, String),
    scenario: &Scenario,
    settings: Settings,
    exercise: &Exercise,
    lines: Vec<Line>,
) -> Result<Option<String>, Failure> {
    let header = Header::new(
        &scenario_path.display().to_string(),
        source,
        scenario,
        settings,
    );
    // Headless play has no screen to keep in step: one sync at the end.
    let writer = JournalWriter::create(journal, &header)?.without_wall_clock();
    let mut writer = exercise::signed_by(writer, &crate::host_key::beside(journal))?;
    if let Err(error) = writer.append_lines(exercise, &lines) {
        // Half a journal would look like an interrupted live exercise; the script can always be
        // played again.
        drop(writer);
        let removed = match fs::remove_file(journal) {
            Ok(()) => "removed the incomplete journal",
            Err(_) => "the incomplete journal could not be removed: delete it",
        };
        return Err(Failure::App(format!(
            "{error}\nthe headless run is not recorded: {removed}; play the script again once \
             the disk has room"
        )));
    }
    Ok(writer.take_signing_failure())
}

/// The terminal app on a new exercise.
fn live(
    scenario: (&Path, &str),
    speed: Option<f64>,
    seed: Option<u64>,
    journal: Option<PathBuf>,
) -> Result<(), Failure> {
    open_app(exercise::begin(
        scenario,
        speed,
        seed,
        journal,
        None,
        Room::App,
    )?)
}

fn open_app(opened: Opened) -> Result<(), Failure> {
    let Opened {
        exercise,
        history,
        debrief,
        writer,
        journal,
    } = opened;
    let report_dir = journal.parent().map(Path::to_path_buf).unwrap_or_default();
    let ended = crate::tui::run_live(exercise, &history, debrief, Box::new(writer), report_dir)
        .map_err(|e| Failure::App(e.to_string()))?;
    // Where the exercise is kept, and how to go on with it, on the shell after the app closed.
    eprintln!("journal: {}", journal.display());
    if ended {
        eprintln!("report: ttx report {} --format md", journal.display());
    } else {
        eprintln!("continue: ttx resume {}", journal.display());
    }
    Ok(())
}
