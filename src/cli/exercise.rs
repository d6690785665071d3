//! Opening an exercise to play, for the terminal app (`ttx run`, `ttx resume`) and the server
//! (`ttx serve`, `ttx resume --serve`) alike: a new one with its journal, or one read back from
//! its journal where it stopped.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::format_description;

use super::{Failure, scenario_from};
use crate::debrief::Debrief;
use crate::engine::{Command, Event, Exercise, Settings};
use crate::journal::{Header, JournalWriter};

/// What a new exercise is made of, as `ttx run` and `ttx serve` take it.
#[derive(clap::Args)]
pub struct NewExercise {
    /// The scenario file (RON); without it, the built-in scenario.
    pub scenario: Option<PathBuf>,
    /// Scenario seconds per wall-clock second (overrides the scenario's speed).
    #[arg(long)]
    pub speed: Option<f64>,
    /// Seed for jitter and chance (overrides the scenario's seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The journal to write (default: a new file under ./exercises/).
    #[arg(long)]
    pub journal: Option<PathBuf>,
}

/// Where an exercise is played, which says what opening it needs.
#[derive(Clone, Copy)]
pub(super) enum Room {
    /// The terminal app, on this terminal; an ended exercise opens for its debrief.
    App,
    /// The SSH server, with its console on this terminal unless headless; an ended exercise is
    /// served again for what follows the end (a server that stopped during the hot wash or the
    /// feedback form) until its report is final.
    Server { headless: bool },
}

impl Room {
    /// The exercise will be drawn on this terminal, so there must be one.
    fn on_terminal(self) -> bool {
        matches!(self, Room::App | Room::Server { headless: false })
    }
}

/// An exercise ready to play, its events so far and its journal: a new one, an interrupted one
/// paused, or an ended one for its debrief.
pub(super) struct Opened {
    pub exercise: Exercise,
    pub history: Vec<Event>,
    pub debrief: Debrief,
    pub writer: JournalWriter,
    pub journal: PathBuf,
}

/// A new exercise of the scenario at `scenario_path` (its text `source`) and its journal, signed
/// once it ends with `host_key` (default: the one beside the journal).
pub(super) fn begin(
    (scenario_path, source): (&Path, &str),
    speed: Option<f64>,
    seed: Option<u64>,
    journal: Option<PathBuf>,
    host_key: Option<PathBuf>,
    room: Room,
) -> Result<Opened, Failure> {
    let scenario = Arc::new(scenario_from(scenario_path, source)?);
    if let Some(speed) = speed {
        crate::clock::check_speed(speed)
            .map_err(|reason| Failure::Usage(format!("--speed: {reason}")))?;
    }
    if room.on_terminal() {
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
        source,
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
    let key = host_key.unwrap_or_else(|| crate::host_key::beside(&journal));
    let writer = signed_by(writer, &key)?;
    Ok(Opened {
        exercise: Exercise::new(scenario, settings),
        history: Vec::new(),
        debrief: Debrief::default(),
        writer,
        journal,
    })
}

/// Reads a journal back to go on with it, signing it with `host_key` (default: the one beside
/// it) once it has ended. An interrupted exercise reopens paused, a command the crash left half
/// recorded finished first.
pub(super) fn resume(
    journal: &Path,
    host_key: Option<PathBuf>,
    room: Room,
) -> Result<Opened, Failure> {
    // Read under the writer's lock, so no other ttx can write between reading and appending.
    let (writer, loaded) = JournalWriter::resume(journal)?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    if loaded.exercise.is_final() && matches!(room, Room::Server { .. }) {
        // Served again, it would offer a hot wash and a feedback form it can no longer take.
        return Err(Failure::App(format!(
            "{} is a finished exercise whose report is final; see it with: ttx report {}",
            journal.display(),
            journal.display()
        )));
    }
    if room.on_terminal() {
        require_terminal()?;
    }
    let key = host_key.unwrap_or_else(|| crate::host_key::beside(journal));
    let mut writer =
        writer.signing_with(crate::host_key::load_or_create(&key).map_err(Failure::Input)?);
    let (mut exercise, mut history, mut debrief) = (loaded.exercise, loaded.events, loaded.debrief);
    // Whoever was connected when the server stopped without a goodbye was disconnected then:
    // said first, at the journal's last moment, before the resume writes anything. Seat lines
    // carry the live clock, ahead of the last checkpoint: never before the last of them.
    let lost_at_s = loaded.last_at_s.max(exercise.now());
    for event in crate::debrief::lost_with_the_server(&debrief.seats) {
        writer.append_seat_at(&exercise, &event, lost_at_s, loaded.last_wall)?;
        debrief.seats.push(crate::debrief::SeatRecord {
            at_s: lost_at_s,
            at_wall: loaded.last_wall,
            event,
        });
    }
    if loaded.interrupted {
        // A crash between the lines of one command left it half recorded: finish it first.
        let completed = exercise.complete_interrupted();
        writer.append(&exercise, &completed)?;
        history.extend(completed);
        // The room was interrupted: reopen paused, and say so in the journal.
        if exercise.is_running() {
            let events = exercise.execute(Command::Pause)?;
            writer.append(&exercise, &events)?;
            history.extend(events);
        }
    }
    Ok(Opened {
        exercise,
        history,
        debrief,
        writer,
        journal: journal.to_path_buf(),
    })
}

/// Gives a journal just created the key that signs it once the exercise has ended, loaded (or
/// created) now so that a key that cannot be had stops the exercise before it starts. The
/// journal holds nothing of the exercise yet: none is left behind then.
pub(super) fn signed_by(writer: JournalWriter, key: &Path) -> Result<JournalWriter, Failure> {
    match crate::host_key::load_or_create(key) {
        Ok(key) => Ok(writer.signing_with(key)),
        Err(message) => {
            let journal = writer.path().to_path_buf();
            drop(writer);
            let _ = fs::remove_file(&journal);
            Err(Failure::Input(message))
        }
    }
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
    Ok((dir, format!("{stem}-{}", stamp(OffsetDateTime::now_utc()))))
}

/// `YYYYMMDD-HHMMSS` in UTC.
fn stamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day]-[hour][minute][second]");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        let at = |secs| OffsetDateTime::from_unix_timestamp(secs).unwrap();
        assert_eq!(stamp(at(0)), "19700101-000000");
        assert_eq!(stamp(at(1_795_345_924)), "20261122-111204");
        assert_eq!(stamp(at(951_782_400)), "20000229-000000");
    }
}
