//! The `ttx` command: clap for the commands and flags, wiring the library together, exit codes
//! (0 success, 1 a bad input reported on stderr, 2 a usage error).

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use ttx::engine::{Command as EngineCommand, Exercise, Refusal, Settings};
use ttx::files::{
    MAX_INPUT_BYTES, ReadError, WriteError, check_output, check_output_is_not, write_output,
};
use ttx::journal::{Header, JournalError, JournalWriter, read_journal};
use ttx::play::StepError;
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
        /// Write to this file instead of stdout (never over an existing file without --force).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// With -o: replace an existing file (never the journal, nor the scenario it was played
        /// from).
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Check a journal's signature (JOURNAL.sig) and print the fingerprint of the key that made it.
    Verify {
        /// The exercise's journal.
        journal: PathBuf,
        /// Require a signature by this key: an OpenSSH public key file, e.g. ttx_host_ed25519.pub.
        #[arg(long, value_name = "PUBKEY_FILE")]
        key: Option<PathBuf>,
    },
    /// Check scenario files and print every error with its line.
    Validate {
        /// Scenario files (RON).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Treat warnings as errors: a file with any is not ok (exit 1).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Rehearse a scenario: play it many times with simulated teams and sum up what happens.
    Simulate(ttx::simulate::SimulateArgs),
    /// Write a commented starter scenario, or a copy of a library exercise (to stdout without FILE).
    New {
        /// Where to write it; never overwritten.
        file: Option<PathBuf>,
        /// Copy this exercise of the library instead of the starter (see `ttx scenarios`).
        #[arg(long, value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(ttx::library::names()))]
        from: Option<String>,
    },
    /// List the library of ready-made exercises (title, teams, length, themes).
    Scenarios,
    /// A scenario as a Master Scenario Events List (CSV, XLSX), and MSELs into scenarios.
    Msel {
        #[command(subcommand)]
        command: ttx::msel::cli::MselCommand,
    },
    /// The debrief at the console: rate objectives, write the executive summary, edit the
    /// improvement plan; each entry is added to the journal.
    Debrief {
        /// The key that signs the journal again after the entry (default: ttx_host_ed25519
        /// beside the journal), as `ttx serve --host-key` signed it.
        #[arg(long, global = true, value_name = "FILE")]
        host_key: Option<PathBuf>,
        #[command(subcommand)]
        command: ttx::debrief_cli::DebriefCommand,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// The scenario file (RON); without it, the built-in scenario.
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

/// How `ttx serve` and `ttx resume --serve` serve the seats.
#[derive(clap::Args)]
struct ServerArgs {
    /// The address to listen on; another than loopback is your explicit choice.
    #[arg(long, default_value = "127.0.0.1:2222")]
    listen: String,
    /// Who may join as what (default: a join code per team, shown on the console).
    #[arg(long)]
    roster: Option<PathBuf>,
    /// The server's host key, created the first time (default: ttx_host_ed25519 beside the
    /// journal); it also signs the journal once the exercise has ended.
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

/// Why a command failed; each kind has its exit code (`Failure::code`).
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// A bad input (scenario, script) whose diagnostics are the message.
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Step(#[from] StepError),
    /// The engine refused what a resume had to record (a journal it could not continue).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The terminal app could not run or stopped on an error.
    #[error("{0}")]
    App(String),
    /// Flags that do not fit together.
    #[error("error: {0}")]
    Usage(String),
    /// A bad input whose messages were already printed.
    #[error("")]
    Reported,
}

impl Failure {
    /// 2 for a command line that contradicts itself, 1 for everything else.
    fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) | Failure::Write(WriteError::IsInput { .. }) => 2,
            _ => 1,
        }
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
            server,
        }) => resume(&journal, server.host_key),
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
            force,
        }) => report(&journal, format.into(), output.as_deref(), force),
        Some(Cmd::Verify { journal, key }) => verify(&journal, key.as_deref()),
        Some(Cmd::Validate {
            scenarios,
            deny_warnings,
        }) => validate(&scenarios, deny_warnings),
        Some(Cmd::New { file, from }) => ttx::library::text_for_new(from.as_deref(), STARTER)
            .map_err(Failure::Usage)
            .and_then(|text| new(file.as_deref(), text)),
        Some(Cmd::Scenarios) => ttx::library::listings()
            .map_err(Failure::Input)
            .and_then(|listings| print(&ttx::library::render(&listings))),
        Some(Cmd::Simulate(args)) => ttx::simulate::command(args, (BUILT_IN_NAME, BUILT_IN))
            .map_err(|ttx::simulate::Failure(message)| Failure::Input(message)),
        Some(Cmd::Msel { command }) => ttx::msel::cli::run(command)
            .map_err(|message| message.map_or(Failure::Reported, Failure::Input)),
        Some(Cmd::Debrief { host_key, command }) => {
            ttx::debrief_cli::run(command, host_key.as_deref()).map_err(Failure::Input)
        }
    };
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

fn read(path: &Path) -> Result<String, Failure> {
    // A byte-order mark, as some editors write, is accepted; UTF-16 is named, not misread.
    let bytes = ttx::files::read_bounded(path, MAX_INPUT_BYTES)?;
    ttx::ron_file::text_of(bytes).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

/// Writes to stdout. A reader that has gone (`ttx validate … | head -1`) is not an error: what
/// it did not read was not wanted, and the command goes on quietly.
fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::App(format!(
            "cannot write to the standard output: {e}"
        ))),
        _ => Ok(()),
    }
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
    let (scenario_path, source) = match &args.scenario {
        Some(path) => (path.clone(), read(path)?),
        None => (PathBuf::from(BUILT_IN_NAME), BUILT_IN.to_string()),
    };
    match args.script {
        Some(script) => {
            if args.speed.is_some() || args.seed.is_some() {
                return Err(Failure::Usage(
                    "--speed and --seed are for the terminal app; a script sets its own seed"
                        .into(),
                ));
            }
            let format = args.format.unwrap_or(FormatArg::Json).into();
            let output = args.report.as_deref().map(|path| Output {
                path,
                force: args.force,
            });
            play(
                args.scenario.as_deref().map(|_| scenario_path.as_path()),
                &source,
                &script,
                args.journal.as_deref(),
                output,
                format,
            )
        }
        None => live(&scenario_path, source, args.speed, args.seed, args.journal),
    }
}

/// A file to write a report to, and whether it may replace an existing one.
#[derive(Clone, Copy)]
struct Output<'a> {
    path: &'a Path,
    force: bool,
}

/// `scenario_file` is `None` for the built-in scenario.
fn play(
    scenario_file: Option<&Path>,
    source: &str,
    script_path: &Path,
    journal: Option<&Path>,
    report: Option<Output>,
    format: Format,
) -> Result<(), Failure> {
    let scenario_path = scenario_file.unwrap_or(Path::new(BUILT_IN_NAME));
    if let Some(output) = report {
        // Before any work: a report that would replace an input or the journal is refused.
        let mut inputs = vec![(script_path, "the script")];
        inputs.extend(scenario_file.map(|path| (path, "the scenario")));
        inputs.extend(journal.map(|path| (path, "the journal this run writes")));
        check_output(output.path, &inputs, output.force)?;
    }
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
        let writer = JournalWriter::create(journal, &header)?.without_wall_clock();
        let mut writer = signed_by(writer, &ttx::host_key::beside(journal))?;
        if let Err(error) = writer.append(&exercise, &events) {
            // Half a journal would look like an interrupted live exercise; the script can
            // always be played again.
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
        if let Some(why) = writer.take_signing_failure() {
            // The run and its journal stand: the report is written, and the exit code says
            // what is missing.
            write_report(&Report::of(&exercise), &scenario, format, report)?;
            return Err(Failure::App(format!(
                "the exercise is recorded in {}, but not signed: {why}",
                journal.display()
            )));
        }
    }
    write_report(&Report::of(&exercise), &scenario, format, report)
}

/// Gives a journal just created the key that signs it once the exercise has ended, loaded (or
/// created) now so that a key that cannot be had stops the exercise before it starts. The
/// journal holds nothing of the exercise yet: none is left behind then.
fn signed_by(writer: JournalWriter, key: &Path) -> Result<JournalWriter, Failure> {
    match ttx::host_key::load_or_create(key) {
        Ok(key) => Ok(writer.signing_with(key)),
        Err(message) => {
            let journal = writer.path().to_path_buf();
            drop(writer);
            let _ = fs::remove_file(&journal);
            Err(Failure::Input(message))
        }
    }
}

fn write_report(
    report: &Report,
    scenario: &Scenario,
    format: Format,
    output: Option<Output>,
) -> Result<(), Failure> {
    let text = report.render(scenario, format);
    match output {
        Some(output) => Ok(write_output(output.path, text.as_bytes(), output.force)?),
        None => print(&text),
    }
}

fn report(
    journal: &Path,
    format: Format,
    output: Option<&Path>,
    force: bool,
) -> Result<(), Failure> {
    let output = output.map(|path| Output { path, force });
    if let Some(output) = output {
        check_output(
            output.path,
            &[(journal, "the journal being read")],
            output.force,
        )?;
    }
    let loaded = read_journal(journal)?;
    if let Some(output) = output {
        // Its path as the run was given it (from the directory it started in, most often this
        // one), or its text wherever it now is.
        check_output_is_not(
            output.path,
            (
                Path::new(&loaded.header.scenario_file),
                loaded.header.scenario_source.as_bytes(),
            ),
            "the scenario this journal was played from",
        )?;
    }
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if loaded.interrupted {
        eprintln!(
            "note: {} is an interrupted exercise; open and overdue expectations are shown as such",
            journal.display()
        );
    }
    let signature = ttx::signature::verdict_of(journal)?;
    write_report(
        &Report::evaluated(&loaded.exercise, &loaded.debrief)
            .with_signature(signature.for_report()),
        &loaded.scenario,
        format,
        output,
    )
}

/// `ttx verify`: ok (exit 0) with the signing key's fingerprint, for a person to compare with
/// the one they expect; a journal not signed, a signature that does not match, or one by
/// another key than `--key` is a bad input (exit 1).
fn verify(journal: &Path, key: Option<&Path>) -> Result<(), Failure> {
    use ttx::signature::{Verdict, fingerprint, path_for, verdict_of};
    let required = key
        .map(|path| {
            let text = ttx::files::read_text(path, MAX_INPUT_BYTES)?;
            russh::keys::PublicKey::from_openssh(text.trim())
                .map(|key| (path, key))
                .map_err(|e| {
                    Failure::Input(format!(
                        "{}: not an OpenSSH public key (such as ttx_host_ed25519.pub): {e}",
                        path.display()
                    ))
                })
        })
        .transpose()?;
    match verdict_of(journal)? {
        Verdict::Signed(signer) => {
            let signed_by = fingerprint(&signer);
            match required {
                Some((path, required)) if required.key_data() != signer.key_data() => {
                    Err(Failure::Input(format!(
                        "{}: signed by {signed_by}, not by the key in {} ({})",
                        journal.display(),
                        path.display(),
                        fingerprint(&required)
                    )))
                }
                Some((path, _)) => print(&format!(
                    "ok: {} signed by {signed_by}, the key in {}\n",
                    journal.display(),
                    path.display()
                )),
                None => print(&format!(
                    "ok: {} signed by {signed_by}\n",
                    journal.display()
                )),
            }
        }
        Verdict::NotSigned => Err(Failure::Input(format!(
            "{}: not signed (there is no {})",
            journal.display(),
            path_for(journal).display()
        ))),
        Verdict::DoesNotMatch(why) => Err(Failure::Input(format!(
            "{}: signature does not match: {why}",
            journal.display()
        ))),
    }
}

fn validate(paths: &[PathBuf], deny_warnings: bool) -> Result<(), Failure> {
    let mut failed = false;
    for path in paths {
        let outcome = read(path).and_then(|source| {
            let file = path.display().to_string();
            let validated =
                ttx::scenario::validate_scenario(&file, &source).map_err(|d| diagnostics(&d))?;
            // The scenario's own profile of simulated teams must fit it, as `ttx simulate`
            // would refuse it.
            ttx::simulate::scenario_profile(&file, &source, &validated.scenario)
                .map_err(|d| diagnostics(&d))?;
            Ok(validated)
        });
        match outcome {
            Ok(validated) => {
                for warning in &validated.warnings {
                    eprintln!("{warning}");
                }
                if deny_warnings && !validated.warnings.is_empty() {
                    failed = true;
                    eprintln!(
                        "{}: {} warning(s), refused with --deny-warnings",
                        path.display(),
                        validated.warnings.len()
                    );
                    continue;
                }
                print(&format!(
                    "ok: {} ({} injects, {} teams)\n",
                    path.display(),
                    validated.scenario.injects.len(),
                    validated.scenario.teams.len()
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

fn new(file: Option<&Path>, text: &str) -> Result<(), Failure> {
    match file {
        None => print(text),
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
            out.write_all(text.as_bytes())
                .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))?;
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
    let (exercise, writer, journal) =
        begin(scenario_path, source, speed, seed, journal, None, true)?;
    let started = Reopened {
        exercise,
        history: Vec::new(),
        debrief: Default::default(),
        writer,
    };
    open_app(started, &journal)
}

/// A new exercise and its journal, signed once it ends with `host_key` (default: the one beside
/// the journal); `on_terminal`: it will be drawn on this terminal, so there must be one (a
/// headless server has none).
fn begin(
    scenario_path: &Path,
    source: String,
    speed: Option<f64>,
    seed: Option<u64>,
    journal: Option<PathBuf>,
    host_key: Option<PathBuf>,
    on_terminal: bool,
) -> Result<(Exercise, JournalWriter, PathBuf), Failure> {
    let scenario = Arc::new(scenario_from(scenario_path, &source)?);
    if let Some(speed) = speed {
        ttx::clock::check_speed(speed)
            .map_err(|reason| Failure::Usage(format!("--speed: {reason}")))?;
    }
    if on_terminal {
        require_terminal()?;
    }
    let defaults = Settings::of(&scenario);
    let settings = Settings {
        seed: seed.unwrap_or(defaults.seed),
        speed: speed.unwrap_or(defaults.speed),
        ..defaults
    };
    let header = Header::new(
        &scenario_path.display().to_string(),
        &source,
        &scenario,
        settings,
    );
    let writer = match journal {
        Some(path) => JournalWriter::create(&path, &header)?,
        None => {
            let (dir, stem) = default_journal(scenario_path)?;
            JournalWriter::create_unique(&dir, &stem, &header)?
        }
    };
    let journal = writer.path().to_path_buf();
    let key = host_key.unwrap_or_else(|| ttx::host_key::beside(&journal));
    let writer = signed_by(writer, &key)?;
    let exercise = Exercise::new(scenario, settings);
    Ok((exercise, writer, journal))
}

/// The app needs a terminal to draw on and to read keys from; without one, say so before
/// anything is created.
fn require_terminal() -> Result<(), Failure> {
    let keys = std::io::stdin().is_terminal() || fs::File::open("/dev/tty").is_ok();
    if std::io::stdout().is_terminal() && keys {
        Ok(())
    } else {
        Err(Failure::App(
            "ttx needs an interactive terminal (use --script for headless play)".into(),
        ))
    }
}

fn resume(journal: &Path, host_key: Option<PathBuf>) -> Result<(), Failure> {
    let reopened = reopen(journal, host_key, true, true)?;
    open_app(reopened, journal)
}

/// An exercise read back from its journal: an interrupted one paused, ready to go on; an
/// ended one (when `ended_too`) for its debrief on the after-action screen.
struct Reopened {
    exercise: Exercise,
    history: Vec<ttx::engine::Event>,
    debrief: ttx::report::debrief::Debrief,
    writer: JournalWriter,
}

/// Reads a journal back to go on with it, signing it with `host_key` (default: the one beside
/// it) once it has ended; `on_terminal` as for `begin`.
fn reopen(
    journal: &Path,
    host_key: Option<PathBuf>,
    on_terminal: bool,
    ended_too: bool,
) -> Result<Reopened, Failure> {
    // Read under the writer's lock, so no other ttx can write between reading and appending.
    let (writer, loaded) = JournalWriter::resume(journal)?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if !loaded.interrupted && !ended_too {
        return Err(Failure::App(format!(
            "{} is a finished exercise; see its report with: ttx report {}, or continue its \
             debrief with: ttx resume {}",
            journal.display(),
            journal.display(),
            journal.display()
        )));
    }
    if on_terminal {
        require_terminal()?;
    }
    let key = host_key.unwrap_or_else(|| ttx::host_key::beside(journal));
    let mut writer =
        writer.signing_with(ttx::host_key::load_or_create(&key).map_err(Failure::Input)?);
    let (mut exercise, mut history) = (loaded.exercise, loaded.events);
    if loaded.interrupted {
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
    }
    Ok(Reopened {
        exercise,
        history,
        debrief: loaded.debrief,
        writer,
    })
}

fn open_app(reopened: Reopened, journal: &Path) -> Result<(), Failure> {
    let report_dir = journal.parent().map(Path::to_path_buf).unwrap_or_default();
    let Reopened {
        exercise,
        history,
        debrief,
        writer,
    } = reopened;
    let ended = ttx::tui::run_live(exercise, &history, debrief, Box::new(writer), report_dir)
        .map_err(|e| Failure::App(e.to_string()))?;
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

/// `./exercises/` and `<scenario>-<UTC date and time>`, the name of a new journal there
/// (`-2`, `-3`… are added when it exists), creating `./exercises` if needed.
fn default_journal(scenario_path: &Path) -> Result<(PathBuf, String), Failure> {
    let dir = PathBuf::from("exercises");
    fs::create_dir_all(&dir)
        .map_err(|e| Failure::App(format!("{}: cannot create: {e}", dir.display())))?;
    let stem = scenario_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("exercise");
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok((dir, format!("{stem}-{}", utc_stamp(secs))))
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
        let on_terminal = !server.headless;
        let (exercise, writer, journal) = begin(
            &path,
            source,
            speed,
            seed,
            journal,
            server.host_key.clone(),
            on_terminal,
        )?;
        let started = Reopened {
            exercise,
            history: Vec::new(),
            debrief: Default::default(),
            writer,
        };
        run(started, &journal, server)
    }

    pub fn resume(journal: &Path, server: ServerArgs) -> Result<(), Failure> {
        let reopened = reopen(journal, server.host_key.clone(), !server.headless, false)?;
        run(reopened, journal, server)
    }

    fn run(reopened: Reopened, journal: &Path, server: ServerArgs) -> Result<(), Failure> {
        let Reopened {
            exercise,
            history,
            debrief,
            writer,
        } = reopened;
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
                .unwrap_or_else(|| ttx::host_key::beside(journal)),
            headless: server.headless,
        };
        let ended = ttx::serve::serve(exercise, &history, debrief, Box::new(writer), dir, options)
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
            None => print(&text)?,
            Some(path) => {
                let mut options = fs::OpenOptions::new();
                options.write(true).create_new(true);
                // It holds the join codes: for its owner's eyes only, as the host key.
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut out = options.open(path).map_err(|e| {
                    Failure::Input(format!(
                        "{}: cannot create: {e} (ttx roster never overwrites a file)",
                        path.display()
                    ))
                })?;
                out.write_all(text.as_bytes()).map_err(|e| {
                    Failure::Input(format!("{}: cannot write: {e}", path.display()))
                })?;
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
