//! `ttx serve`, `ttx resume --serve` and `ttx roster`: the facilitator's console here and an
//! SSH server for the teams' seats, and the roster that says who may join.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::exercise::{self, NewExercise, Opened, Room};
use super::{BUILT_IN, Failure, out, read, scenario_from};
use crate::serve::Options;
use crate::serve::roster::Roster;

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    exercise: NewExercise,
    #[command(flatten)]
    server: ServerArgs,
}

/// How `ttx serve` and `ttx resume --serve` serve the seats.
#[derive(clap::Args)]
pub struct ServerArgs {
    /// The address to listen on; another than loopback is your explicit choice.
    #[arg(long, default_value = "127.0.0.1:2222")]
    listen: String,
    /// Who may join as what (default: a join code per team, shown on the console).
    #[arg(long)]
    roster: Option<PathBuf>,
    /// The server's host key, created the first time (default: ttx_host_ed25519 beside the
    /// journal); it also signs the journal once the exercise has ended.
    #[arg(long)]
    pub(super) host_key: Option<PathBuf>,
    /// No console here: print the address, fingerprint and codes, and run, after the end too
    /// (for the feedback forms), until a facilitator seat quits after the end or SIGINT/SIGTERM.
    #[arg(long)]
    headless: bool,
}

#[derive(clap::Args)]
pub struct RosterArgs {
    /// The scenario file (RON).
    scenario: PathBuf,
    /// Where to write it (default: stdout); never overwritten.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

/// `ttx serve`: a new exercise, served.
pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    let (path, source) = match args.exercise.scenario {
        Some(path) => {
            let source = read(&path)?;
            (path, source)
        }
        None => (PathBuf::from(BUILT_IN.0), BUILT_IN.1.to_string()),
    };
    let opened = exercise::begin(
        (&path, &source),
        args.exercise.speed,
        args.exercise.seed,
        args.exercise.journal,
        args.server.host_key.clone(),
        Room::Server {
            headless: args.server.headless,
        },
    )?;
    serve_opened(opened, args.server)
}

/// `ttx resume --serve`: an interrupted exercise served again where its journal ends.
pub(super) fn resume(journal: &Path, server: ServerArgs) -> Result<(), Failure> {
    let room = Room::Server {
        headless: server.headless,
    };
    let opened = exercise::resume(journal, server.host_key.clone(), room)?;
    serve_opened(opened, server)
}

fn serve_opened(opened: Opened, server: ServerArgs) -> Result<(), Failure> {
    let Opened {
        exercise,
        history,
        debrief,
        writer,
        journal,
    } = opened;
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
            .unwrap_or_else(|| crate::host_key::beside(&journal)),
        headless: server.headless,
        print: |text| out::print(text).map_err(|failure| failure.to_string()),
    };
    let ended = crate::serve::serve(exercise, &history, debrief, Box::new(writer), dir, options)
        .map_err(Failure::Input)?;
    // Where the exercise is kept, and what to do with it next, as `ttx run` says it.
    eprintln!("journal: {}", journal.display());
    if ended {
        eprintln!("report: ttx report {} --format md", journal.display());
    } else {
        eprintln!("continue: ttx resume {} --serve", journal.display());
    }
    Ok(())
}

/// `ttx roster`: to the file, which must not exist and is for its owner's eyes only, or to
/// stdout without one.
pub fn roster(args: RosterArgs) -> Result<(), Failure> {
    let source = read(&args.scenario)?;
    let scenario = scenario_from(&args.scenario, &source)?;
    let text = Roster::generated(&scenario, true)
        .map_err(Failure::Input)?
        .to_ron(&scenario);
    let Some(path) = args.output else {
        return out::print(&text);
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    // It holds the join codes: for its owner's eyes only, as the host key.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(|e| {
        Failure::Input(format!(
            "{}: cannot create: {e} (ttx roster never overwrites a file)",
            path.display()
        ))
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))?;
    eprintln!(
        "wrote {}: add each seat's public keys, or hand out its code",
        path.display()
    );
    Ok(())
}
