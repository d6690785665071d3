//! The `ttx` command: clap for the commands and flags, wiring the library together, exit codes
//! (0 success, 1 a bad input reported on stderr, 2 a usage error).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use ttx::engine::{Command as EngineCommand, Exercise, Settings};
use ttx::journal::{Header, JournalWriter, read_journal};
use ttx::report::{Format, Report};
use ttx::scenario::{Diagnostic, Scenario, load_scenario};
use ttx::script::load_script;

/// The built-in scenario that `ttx` with no arguments opens.
const BUILT_IN_NAME: &str = "cross-border-breach.ron";
const BUILT_IN: &str = include_str!("../scenarios/cross-border-breach.ron");
const STARTER: &str = include_str!("../templates/starter.ron");

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
    Run(RunArgs),
    /// Reopen an interrupted exercise where its journal ends, paused.
    Resume {
        /// The journal of the interrupted exercise.
        journal: PathBuf,
        /// Serve it again over SSH, as `ttx serve` did.
        #[arg(long)]
        serve: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Run an exercise with the facilitator console here and an SSH server for the teams' seats.
    Serve {
        /// The scenario file (RON); the built-in scenario without it.
        scenario: Option<PathBuf>,
        /// Scenario seconds per wall-clock second (overrides the scenario's speed).
        #[arg(long)]
        speed: Option<f64>,
        /// Seed for jitter and chance (overrides the scenario's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// The journal to write (default: a new file under ./exercises/).
        #[arg(long)]
        journal: Option<PathBuf>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Write a starter roster for a scenario: a seat per team, a facilitator, an observer.
    Roster {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// Where to write it (default: stdout); never overwritten.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Write the after-action report of a finished or interrupted exercise.
    Report {
        /// The exercise's journal (JSON Lines).
        journal: PathBuf,
        #[arg(long, value_enum, default_value_t = FormatArg::Json)]
        format: FormatArg,
        /// Write to this file instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Check scenario files and print every error with its line.
    Validate {
        /// Scenario files (RON).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Rehearse a scenario: play it many times with simulated teams and sum up what happens.
    Simulate(ttx::simulate::SimulateArgs),
    /// Write a commented starter scenario (to stdout without FILE).
    New {
        /// Where to write it; never overwritten.
        file: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// The scenario file (RON).
    scenario: PathBuf,
    /// Scenario seconds per wall-clock second (overrides the scenario's speed).
    #[arg(long)]
    speed: Option<f64>,
    /// Seed for jitter and chance (overrides the scenario's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// The journal to write (default: a new file under ./exercises/).
    #[arg(long)]
    journal: Option<PathBuf>,
    /// Play this script headless on a virtual clock and write the report.
    #[arg(long)]
    script: Option<PathBuf>,
    /// With --script: write the report to this file instead of stdout.
    #[arg(long, requires = "script")]
    report: Option<PathBuf>,
    /// With --script: the report's format.
    #[arg(long, value_enum, requires = "script")]
    format: Option<FormatArg>,
}

/// How `ttx serve` and `ttx resume --serve` serve the seats.
#[derive(clap::Args)]
struct ServerArgs {
    /// The address to listen on; another than loopback is your explicit choice.
    #[arg(long, default_value = "127.0.0.1:2222")]
    listen: String,
    /// Who may join as what (default: a join code per team, shown on the console).
    #[arg(long)]
    roster: Option<PathBuf>,
    /// The server's host key, created the first time (default: beside the journal).
    #[arg(long)]
    host_key: Option<PathBuf>,
    /// No console here: print the address, fingerprint and codes, run until the exercise ends
    /// or SIGINT/SIGTERM.
    #[arg(long)]
    headless: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Md,
    Html,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Json => Format::Json,
            FormatArg::Md => Format::Markdown,
            FormatArg::Html => Format::Html,
        }
    }
}

/// Why a command failed; each kind has its exit code.
enum Failure {
    /// A bad input (scenario, script, journal) or a file that cannot be read or written: 1.
    Input(String),
    /// Flags that do not fit together: 2.
    Usage(String),
    /// A bad input whose messages were already printed: 1.
    Reported,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure::Input(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => live(
            Path::new(BUILT_IN_NAME),
            BUILT_IN.to_string(),
            None,
            None,
            None,
        ),
        Some(Cmd::Run(args)) => run(args),
        Some(Cmd::Resume {
            journal,
            serve: false,
            ..
        }) => resume(&journal),
        Some(Cmd::Resume {
            journal,
            serve: true,
            server,
        }) => serve::resume(&journal, server),
        Some(Cmd::Serve {
            scenario,
            speed,
            seed,
            journal,
            server,
        }) => serve::start(scenario, speed, seed, journal, server),
        Some(Cmd::Roster { scenario, output }) => serve::roster(&scenario, output.as_deref()),
        Some(Cmd::Report {
            journal,
            format,
            output,
        }) => report(&journal, format.into(), output.as_deref()),
        Some(Cmd::Validate { scenarios }) => validate(&scenarios),
        Some(Cmd::New { file }) => new(file.as_deref()),
        Some(Cmd::Simulate(args)) => ttx::simulate::command(args, (BUILT_IN_NAME, BUILT_IN))
            .map_err(|ttx::simulate::Failure(message)| Failure::Input(message)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("{}", message.trim_end());
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {}", message.trim_end());
            ExitCode::from(2)
        }
        Err(Failure::Reported) => ExitCode::from(1),
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{}: cannot read: {e}", path.display())))
}

/// Every diagnostic of a file, one after the other.
fn diagnostics(diagnostics: &[Diagnostic]) -> Failure {
    Failure::Input(
        diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn scenario_from(path: &Path, source: &str) -> Result<Scenario, Failure> {
    load_scenario(&path.display().to_string(), source).map_err(|d| diagnostics(&d))
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let source = read(&args.scenario)?;
    match args.script {
        Some(script) => {
            if args.speed.is_some() || args.seed.is_some() {
                return Err(Failure::Usage(
                    "--speed and --seed are for the terminal app; a script sets its own seed"
                        .into(),
                ));
            }
            let format = args.format.unwrap_or(FormatArg::Json).into();
            play(
                &args.scenario,
                &source,
                &script,
                args.journal.as_deref(),
                args.report.as_deref(),
                format,
            )
        }
        None => live(&args.scenario, source, args.speed, args.seed, args.journal),
    }
}

fn play(
    scenario_path: &Path,
    source: &str,
    script_path: &Path,
    journal: Option<&Path>,
    report: Option<&Path>,
    format: Format,
) -> Result<(), Failure> {
    let scenario = Arc::new(scenario_from(scenario_path, source)?);
    let script_file = script_path.display().to_string();
    let script = load_script(&script_file, &read(script_path)?).map_err(|d| diagnostics(&d))?;
    let (exercise, events) = ttx::play::play(Arc::clone(&scenario), &script, &script_file)?;
    if let Some(journal) = journal {
        let settings = ttx::play::settings_for(&scenario, &script);
        let header = Header::new(
            &scenario_path.display().to_string(),
            source,
            &scenario,
            settings,
        );
        // Headless play has no screen to keep in step: one write and one sync at the end.
        let mut writer = JournalWriter::create(journal, &header)?;
        writer.append(&exercise, &events)?;
    }
    write_report(&Report::of(&exercise), &scenario, format, report)
}

fn write_report(
    report: &Report,
    scenario: &Scenario,
    format: Format,
    output: Option<&Path>,
) -> Result<(), Failure> {
    let text = report.render(scenario, format);
    match output {
        Some(path) => fs::write(path, text)
            .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            Ok(stdout.flush()?)
        }
    }
}

fn report(journal: &Path, format: Format, output: Option<&Path>) -> Result<(), Failure> {
    let loaded = read_journal(journal)?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if loaded.interrupted {
        eprintln!(
            "note: {} is an interrupted exercise; open and overdue expectations are shown as such",
            journal.display()
        );
    }
    write_report(
        &Report::of(&loaded.exercise),
        &loaded.scenario,
        format,
        output,
    )
}

fn validate(paths: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = false;
    for path in paths {
        let outcome = read(path).and_then(|source| scenario_from(path, &source));
        match outcome {
            Ok(scenario) => println!(
                "ok: {} ({} injects, {} teams)",
                path.display(),
                scenario.injects.len(),
                scenario.teams.len()
            ),
            Err(Failure::Input(message) | Failure::Usage(message)) => {
                failed = true;
                eprintln!("{}", message.trim_end());
            }
            Err(Failure::Reported) => failed = true,
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

fn new(file: Option<&Path>) -> Result<(), Failure> {
    match file {
        None => {
            print!("{STARTER}");
            Ok(())
        }
        Some(path) => {
            let mut out = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| {
                    Failure::Input(format!(
                        "{}: cannot create: {e} (ttx new never overwrites a file)",
                        path.display()
                    ))
                })?;
            out.write_all(STARTER.as_bytes())?;
            eprintln!(
                "wrote {}; check it with: ttx validate {}",
                path.display(),
                path.display()
            );
            Ok(())
        }
    }
}

fn live(
    scenario_path: &Path,
    source: String,
    speed: Option<f64>,
    seed: Option<u64>,
    journal: Option<PathBuf>,
) -> Result<(), Failure> {
    let (exercise, writer, journal) = begin(scenario_path, source, speed, seed, journal)?;
    open_app(exercise, &[], writer, &journal)
}

/// A new exercise and its journal.
fn begin(
    scenario_path: &Path,
    source: String,
    speed: Option<f64>,
    seed: Option<u64>,
    journal: Option<PathBuf>,
) -> Result<(Exercise, JournalWriter, PathBuf), Failure> {
    let scenario = Arc::new(scenario_from(scenario_path, &source)?);
    if let Some(speed) = speed.filter(|s| !(s.is_finite() && *s > 0.0)) {
        return Err(Failure::Usage(format!(
            "--speed must be a positive number, not {speed}"
        )));
    }
    let defaults = Settings::of(&scenario);
    let settings = Settings {
        seed: seed.unwrap_or(defaults.seed),
        speed: speed.unwrap_or(defaults.speed),
        ..defaults
    };
    let journal = match journal {
        Some(path) => path,
        None => default_journal_path(scenario_path)?,
    };
    let header = Header::new(
        &scenario_path.display().to_string(),
        &source,
        &scenario,
        settings,
    );
    let writer = JournalWriter::create(&journal, &header)?;
    let exercise = Exercise::new(scenario, settings);
    Ok((exercise, writer, journal))
}

fn resume(journal: &Path) -> Result<(), Failure> {
    let (exercise, history, writer) = reopen(journal)?;
    open_app(exercise, &history, writer, journal)
}

/// An interrupted exercise read back from its journal, paused, ready to go on.
fn reopen(journal: &Path) -> Result<(Exercise, Vec<ttx::engine::Event>, JournalWriter), Failure> {
    // Read under the writer's lock, so no other ttx can write between reading and appending.
    let (mut writer, loaded) = JournalWriter::resume(journal)?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if !loaded.interrupted {
        return Err(Failure::Input(format!(
            "{} is a finished exercise; see its report with: ttx report {}",
            journal.display(),
            journal.display()
        )));
    }
    let (mut exercise, mut history) = (loaded.exercise, loaded.events);
    // A crash between the lines of one command left it half recorded: finish it first.
    let completed = exercise.complete_interrupted();
    writer.append(&exercise, &completed)?;
    history.extend(completed);
    // The room was interrupted: reopen paused, and say so in the journal.
    if exercise.is_running() {
        let events = exercise.execute(EngineCommand::Pause)?;
        writer.append(&exercise, &events)?;
        history.extend(events);
    }
    Ok((exercise, history, writer))
}

fn open_app(
    exercise: Exercise,
    history: &[ttx::engine::Event],
    writer: JournalWriter,
    journal: &Path,
) -> Result<(), Failure> {
    let report_dir = journal.parent().map(Path::to_path_buf).unwrap_or_default();
    let ended = ttx::tui::run_live(exercise, history, Box::new(writer), report_dir)
        .map_err(|e| Failure::Input(e.to_string()))?;
    after_quit(journal, ended);
    Ok(())
}

/// Where the exercise is kept, and how to go on with it, on the shell after the app closed.
fn after_quit(journal: &Path, ended: bool) {
    eprintln!("journal: {}", journal.display());
    if ended {
        eprintln!("report: ttx report {} --format md", journal.display());
    } else {
        eprintln!("continue: ttx resume {}", journal.display());
    }
}

/// `./exercises/<scenario>-<UTC date and time>.jsonl`, creating `./exercises` if needed.
fn default_journal_path(scenario_path: &Path) -> Result<PathBuf, Failure> {
    let dir = PathBuf::from("exercises");
    fs::create_dir_all(&dir)
        .map_err(|e| Failure::Input(format!("{}: cannot create: {e}", dir.display())))?;
    let stem = scenario_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("exercise");
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(dir.join(format!("{stem}-{}.jsonl", utc_stamp(secs))))
}

/// `YYYYMMDD-HHMMSS` in UTC, from days-since-epoch by the civil calendar algorithm.
fn utc_stamp(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// `ttx serve`, `ttx resume --serve` and `ttx roster`: reading the flags, then the server.
mod serve {
    use super::*;
    use ttx::serve::Options;
    use ttx::serve::roster::Roster;

    pub fn start(
        scenario: Option<PathBuf>,
        speed: Option<f64>,
        seed: Option<u64>,
        journal: Option<PathBuf>,
        server: ServerArgs,
    ) -> Result<(), Failure> {
        let (path, source) = match scenario {
            Some(path) => {
                let source = read(&path)?;
                (path, source)
            }
            None => (PathBuf::from(BUILT_IN_NAME), BUILT_IN.to_string()),
        };
        let (exercise, writer, journal) = begin(&path, source, speed, seed, journal)?;
        run(exercise, &[], writer, &journal, server)
    }

    pub fn resume(journal: &Path, server: ServerArgs) -> Result<(), Failure> {
        let (exercise, history, writer) = reopen(journal)?;
        run(exercise, &history, writer, journal, server)
    }

    fn run(
        exercise: Exercise,
        history: &[ttx::engine::Event],
        writer: JournalWriter,
        journal: &Path,
        server: ServerArgs,
    ) -> Result<(), Failure> {
        let listen = server.listen.parse().map_err(|_| {
            Failure::Usage(format!(
                "--listen takes an address and port such as 127.0.0.1:2222, not {}",
                server.listen
            ))
        })?;
        let dir = journal.parent().map(Path::to_path_buf).unwrap_or_default();
        let options = Options {
            listen,
            roster: server.roster,
            host_key: server
                .host_key
                .unwrap_or_else(|| dir.join("ttx_host_ed25519")),
            headless: server.headless,
        };
        let ended = ttx::serve::serve(exercise, history, Box::new(writer), dir, options)
            .map_err(Failure::Input)?;
        if !ended {
            eprintln!("continue: ttx resume {} --serve", journal.display());
        }
        Ok(())
    }

    pub fn roster(scenario_path: &Path, output: Option<&Path>) -> Result<(), Failure> {
        let source = read(scenario_path)?;
        let scenario = scenario_from(scenario_path, &source)?;
        let text = Roster::generated(&scenario, true)
            .map_err(Failure::Input)?
            .to_ron(&scenario);
        match output {
            None => print!("{text}"),
            Some(path) => {
                let mut out = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
                    .map_err(|e| {
                        Failure::Input(format!(
                            "{}: cannot create: {e} (ttx roster never overwrites a file)",
                            path.display()
                        ))
                    })?;
                out.write_all(text.as_bytes())?;
                eprintln!(
                    "wrote {}: add each seat's public keys, or hand out its code",
                    path.display()
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::utc_stamp;

    #[test]
    fn stamps_are_utc_calendar_times() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        assert_eq!(utc_stamp(1_795_345_924), "20261122-111204");
        assert_eq!(utc_stamp(951_782_400), "20000229-000000");
    }
}
