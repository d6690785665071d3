//! The exercise journal: every event, one JSON object per line, flushed to disk before anyone
//! sees its effect. Replaying a journal rebuilds the exercise exactly.
//!
//! # Format (version 1)
//!
//! A journal is UTF-8 JSON Lines: every line, the last included, ends with `\n`.
//!
//! Line 1 is the header. It records the scenario as it was when the exercise started, so a
//! journal stays readable after the scenario file changes or disappears:
//!
//! ```json
//! {"ttx_journal":2,"title":"Phishing wave","scenario_file":"phishing.ron","scenario_sha256":"9f86d0…","scenario_source":"Scenario(\n    title: …)\n","seed":7,"speed":6.0,"planned_end_s":14400}
//! ```
//!
//! `scenario_sha256` is the lowercase hex SHA-256 of `scenario_source` (UTF-8 bytes); a journal
//! whose source does not match it is refused. `planned_end_s` is `null` where the exercise ends
//! only by hand or when nothing automatic remains. A reader refuses a `ttx_journal` newer than the
//! one it knows; keys it does not know in the header are ignored.
//!
//! Every later line is one event, with its scenario time in whole seconds (`at_s`) and its kind
//! (`event`). Teams, actions, injects and expectations are named by their ids, never by position,
//! so a person can read a journal:
//!
//! ```json
//! {"at_s":0,"event":"started"}
//! {"at_s":600,"event":"paused"}
//! {"at_s":600,"event":"resumed"}
//! {"at_s":600,"event":"speed","speed":12.0}
//! {"at_s":0,"event":"scheduled","inject":"cert-heads-up","chance_draw":0.4150,"jitter_s":0,"release_at_s":1200}
//! {"at_s":0,"event":"skipped","inject":"wildcard","chance_draw":0.93}
//! {"at_s":1200,"event":"released","inject":"cert-heads-up","by_hand":false}
//! {"at_s":600,"event":"deadline","expectation":"mail-wave.ack@soc"}
//! {"at_s":3600,"event":"response","team":"soc","action":"report","fields":{"summary":"Fake password mail","indicators":" "},"note":null,"answers":{"inject":"mail-wave"},"satisfies":"mail-wave.report@soc"}
//! {"at_s":3600,"event":"message","n":1,"from":"soc","action":"report","to":["cert"]}
//! {"at_s":9900,"event":"note","team":null,"kind":"improvement","text":"The report lacked indicators"}
//! {"at_s":14400,"event":"ended"}
//! {"at_s":7260,"event":"clock"}
//! ```
//!
//! - `scheduled` and `skipped` carry the random draws that decided them (`chance_draw` in
//!   `0..1`, `jitter_s`); a replay takes them from the journal and draws nothing.
//! - `response`: `fields` keeps the order in which they were given; `answers` is
//!   `{"inject": ID}`, `{"message": N}` or `null` (the engine matched it); `satisfies` is the id of
//!   the expectation it satisfied (`INJECT.ACTION@TEAM` or `msg-N.ACTION@TEAM`), or `null` for an
//!   unexpected action. A `message` line follows the response that sent it.
//! - `note`: `team` is `null` for an observation about the whole exercise.
//! - `clock`: scenario time reached `at_s` with nothing else happening; a live run writes one
//!   now and then, so a resume reopens where the room was.
//! - An exercise without an `ended` line was interrupted; `ttx resume` continues it.
//!
//! # Reading
//!
//! Every line is checked against the exercise as replayed so far; a line that does not parse,
//! names an unknown id or could not have happened there is an error naming the journal and the
//! line (`journal.jsonl:14: …`), never skipped. The one exception is a last line without its
//! `\n` that is not valid JSON: a crash cut it off while it was being written, so it was never
//! shown to anyone; it is ignored with a warning. A journal over 512 MiB or a line over 16 MiB is
//! refused.
//!
//! # Writing
//!
//! A journal is created, never overwritten. Each `append` writes its events and then fsyncs the
//! file once; creation also fsyncs the directory. The writer holds an advisory lock on the file
//! for its lifetime, so two ttx processes never write the same journal; the operating system
//! drops the lock when a process dies, so a crash never leaves a stale lock behind.
//!
//! On resume, a cut-off last line is removed (only the bytes after the last `\n`, which were
//! never part of the exercise), and a last line that is complete but lost its `\n` gets one; the
//! journal then reads cleanly again, and nothing before is rewritten.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::engine::{Answers, Event, Exercise, NoteKind, Outcome, Response, Settings};
use crate::scenario::{Scenario, Secs, TeamIx};

/// The journal format this ttx writes; it reads this one and every earlier one. Format 2 added
/// free messages (`said`) and responses that stand ready (`ready`).
pub const FORMAT: u64 = 2;
/// A journal larger than this is refused.
pub const MAX_JOURNAL_BYTES: u64 = 512 * 1024 * 1024;
/// A line longer than this (without its `\n`) is refused.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The journal's first line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub ttx_journal: u64,
    pub title: String,
    /// The scenario's path as given when the exercise started (for people; never reopened).
    pub scenario_file: String,
    /// Lowercase hex SHA-256 of `scenario_source`.
    pub scenario_sha256: String,
    /// The whole scenario file.
    pub scenario_source: String,
    pub seed: u64,
    pub speed: f64,
    pub planned_end_s: Option<Secs>,
}

impl Header {
    pub fn new(scenario_file: &str, source: &str, scenario: &Scenario, settings: Settings) -> Self {
        Header {
            ttx_journal: FORMAT,
            title: scenario.title.clone(),
            scenario_file: scenario_file.to_string(),
            scenario_sha256: sha256_hex(source),
            scenario_source: source.to_string(),
            seed: settings.seed,
            speed: settings.speed,
            planned_end_s: settings.planned_end,
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            seed: self.seed,
            planned_end: self.planned_end_s,
            speed: self.speed,
        }
    }
}

/// Lowercase hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A journal read back and replayed.
#[derive(Debug, Clone)]
pub struct LoadedJournal {
    pub header: Header,
    pub scenario: Arc<Scenario>,
    /// The exercise as the journal leaves it.
    pub exercise: Exercise,
    pub events: Vec<Event>,
    /// Things a person should know, such as a cut-off last line.
    pub warnings: Vec<String>,
    /// The journal has no `ended` event: the exercise stopped without ending.
    pub interrupted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot {doing} journal {path}: {source}")]
    Io {
        path: String,
        doing: &'static str,
        source: io::Error,
    },
    #[error(
        "cannot create journal {path}: the directory {dir} does not exist; create it first or choose another journal path"
    )]
    NoDirectory { path: String, dir: String },
    #[error(
        "journal {path} already exists; ttx never overwrites a journal: choose another file, or continue it with `ttx resume {path}`"
    )]
    Exists { path: String },
    #[error("journal {path} does not exist; check the path")]
    NotFound { path: String },
    #[error(
        "journal {path} is in use by another ttx process; finish or close that exercise first (a journal has one writer at a time)"
    )]
    InUse { path: String },
    #[error(
        "journal {path} is {size} bytes, over the limit of {MAX_JOURNAL_BYTES} bytes (512 MiB); it is not a ttx journal, or it is damaged"
    )]
    TooBig { path: String, size: u64 },
    #[error("{path} is empty, not a ttx journal (its first line would be the journal header)")]
    Empty { path: String },
    #[error(
        "{path}: written by a newer ttx (format {found}); this ttx reads format {FORMAT}: read it with a newer ttx"
    )]
    NewerFormat { path: String, found: u64 },
    #[error(
        "{path}: the scenario recorded in the journal does not match its SHA-256 (recorded {recorded}, computed {computed}); the journal was edited or damaged, and cannot be trusted to replay"
    )]
    ShaMismatch {
        path: String,
        recorded: String,
        computed: String,
    },
    #[error("{path}: the scenario recorded in the journal does not load:\n{diagnostics}")]
    Scenario { path: String, diagnostics: String },
    /// A line that cannot be read or replayed; `line` counts from 1 (the header).
    #[error("{path}:{line}: {message}")]
    Line {
        path: String,
        line: u64,
        message: String,
    },
}

// ---- writing ----

/// Appends events to a journal and holds its lock while it lives.
#[derive(Debug)]
pub struct JournalWriter {
    file: File,
    path: PathBuf,
    /// After a failed write, the length the journal had before it: a part of a line may have
    /// reached the disk, so the next append cuts it off first.
    torn_at: Option<u64>,
}

impl JournalWriter {
    /// Creates a new journal and writes its header; refuses an existing file or a missing
    /// directory.
    pub fn create(path: &Path, header: &Header) -> Result<JournalWriter, JournalError> {
        let shown = show(path);
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(JournalError::NoDirectory {
                path: shown,
                dir: show(&dir),
            });
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|source| match source.kind() {
                io::ErrorKind::AlreadyExists => JournalError::Exists {
                    path: shown.clone(),
                },
                _ => io_error(path, "create", source),
            })?;
        lock(&file, path)?;
        let mut line = serde_json::to_vec(header).map_err(|e| io_error(path, "write", e.into()))?;
        line.push(b'\n');
        let written = (&file)
            .write_all(&line)
            .and_then(|()| file.sync_all())
            .and_then(|()| sync_dir(&dir));
        if let Err(source) = written {
            // Nothing of the exercise is in it yet: leave no half-written header behind.
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(io_error(path, "write", source));
        }
        Ok(JournalWriter {
            file,
            path: path.to_path_buf(),
            torn_at: None,
        })
    }

    /// Reopens an interrupted exercise's journal to continue it: takes its lock, reads and
    /// replays it, removes a cut-off last line (see the module documentation), and returns the
    /// writer with the exercise as the journal leaves it. Nothing already written is rewritten.
    pub fn resume(path: &Path) -> Result<(JournalWriter, LoadedJournal), JournalError> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|source| open_error(path, source))?;
        lock(&file, path)?;
        let (mut loaded, tail) = read_from(&file, path)?;
        let repaired = match tail {
            Tail::Clean => Ok(()),
            Tail::NoNewline => (&file).write_all(b"\n"),
            Tail::CutOff { keep, line } => {
                loaded.warnings = vec![format!(
                    "line {line} was cut off (the exercise was interrupted while writing); removed it to continue"
                )];
                file.set_len(keep)
            }
        };
        repaired
            .and_then(|()| file.sync_all())
            .map_err(|source| io_error(path, "repair the end of", source))?;
        let writer = JournalWriter {
            file,
            path: path.to_path_buf(),
            torn_at: None,
        };
        Ok((writer, loaded))
    }

    /// Records events that `exercise.execute` has just applied, then fsyncs once.
    pub fn append(&mut self, exercise: &Exercise, events: &[Event]) -> Result<(), JournalError> {
        if events.is_empty() {
            return Ok(());
        }
        if let Some(len) = self.torn_at {
            self.file
                .set_len(len)
                .and_then(|()| self.file.sync_data())
                .map_err(|source| io_error(&self.path, "repair", source))?;
            self.torn_at = None;
        }
        let before = self
            .file
            .metadata()
            .map_err(|source| io_error(&self.path, "write to", source))?
            .len();
        let mut buf = Vec::new();
        for event in events {
            let record = Record::of(event, exercise);
            serde_json::to_writer(&mut buf, &record)
                .map_err(|e| io_error(&self.path, "write", e.into()))?;
            buf.push(b'\n');
        }
        let written = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data());
        if let Err(source) = written {
            // The caller keeps the events and may try again once the disk is fixed; whatever
            // part of them reached the disk is cut off first, so no torn line stays behind.
            self.torn_at = Some(before);
            return Err(io_error(&self.path, "write to", source));
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn lock(file: &File, path: &Path) -> Result<(), JournalError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(JournalError::InUse { path: show(path) }),
        Err(TryLockError::Error(source)) => Err(io_error(path, "lock", source)),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn show(path: &Path) -> String {
    path.display().to_string()
}

fn io_error(path: &Path, doing: &'static str, source: io::Error) -> JournalError {
    JournalError::Io {
        path: show(path),
        doing,
        source,
    }
}

fn open_error(path: &Path, source: io::Error) -> JournalError {
    match source.kind() {
        io::ErrorKind::NotFound => JournalError::NotFound { path: show(path) },
        _ => io_error(path, "open", source),
    }
}

// ---- reading ----

/// Reads and replays a journal (see the module documentation for what is checked). It takes no
/// lock: reading the journal of a running exercise is fine, and may end on a cut-off line.
pub fn read_journal(path: &Path) -> Result<LoadedJournal, JournalError> {
    let file = File::open(path).map_err(|source| open_error(path, source))?;
    read_from(&file, path).map(|(loaded, _)| loaded)
}

/// Reads and replays a journal held in memory; `name` stands for its path in error messages.
/// The same checks as `read_journal` (a fuzzing and testing entry point).
pub fn read_journal_from(bytes: &[u8], name: &str) -> Result<LoadedJournal, JournalError> {
    read_lines(bytes, bytes.len() as u64, Path::new(name)).map(|(loaded, _)| loaded)
}

/// How a journal ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// With a `\n` (or empty).
    Clean,
    /// A complete last line without its `\n`.
    NoNewline,
    /// A last line cut off by a crash, ignored; `keep` bytes come before it.
    CutOff { keep: u64, line: u64 },
}

fn read_from(file: &File, path: &Path) -> Result<(LoadedJournal, Tail), JournalError> {
    let size = file
        .metadata()
        .map_err(|source| io_error(path, "read", source))?
        .len();
    read_lines(file, size, path)
}

/// Reads and replays the journal's lines from `input`, which holds `size` bytes.
fn read_lines(
    input: impl Read,
    size: u64,
    path: &Path,
) -> Result<(LoadedJournal, Tail), JournalError> {
    let shown = show(path);
    if size > MAX_JOURNAL_BYTES {
        return Err(JournalError::TooBig { path: shown, size });
    }
    let line_error = |line: u64, message: String| JournalError::Line {
        path: shown.clone(),
        line,
        message,
    };
    let mut reader = BufReader::new(input.take(MAX_JOURNAL_BYTES));
    let mut buf = Vec::new();
    let mut number = 0u64;
    let mut offset = 0u64;
    let mut tail = Tail::Clean;
    let mut state: Option<(Header, Exercise)> = None;
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 2)
            .read_until(b'\n', &mut buf)
            .map_err(|source| io_error(path, "read", source))?;
        if read == 0 {
            break;
        }
        number += 1;
        let terminated = buf.last() == Some(&b'\n');
        let mut content = buf.as_slice();
        if terminated {
            content = &content[..content.len() - 1];
        }
        if let Some(stripped) = content.strip_suffix(b"\r") {
            content = stripped;
        }
        if content.len() > MAX_LINE_BYTES {
            return Err(line_error(
                number,
                format!(
                    "the line is longer than {MAX_LINE_BYTES} bytes (16 MiB); this is not a ttx journal, or it is damaged"
                ),
            ));
        }
        if !terminated {
            if serde_json::from_slice::<serde::de::IgnoredAny>(content).is_err() {
                if number == 1 {
                    return Err(line_error(
                        1,
                        "the journal header was cut off (the exercise was interrupted as it was created); nothing to read".into(),
                    ));
                }
                warnings.push(format!(
                    "line {number} was cut off (the exercise was interrupted while writing); ignored"
                ));
                tail = Tail::CutOff {
                    keep: offset,
                    line: number,
                };
                break;
            }
            tail = Tail::NoNewline;
        }
        offset += read as u64;
        match &mut state {
            None => {
                let header = parse_header(content, &shown)?;
                let scenario = load_checked(&header, &shown)?;
                let exercise = Exercise::new(Arc::new(scenario), header.settings());
                state = Some((header, exercise));
            }
            Some((_, exercise)) => {
                let record: Record = serde_json::from_slice(content)
                    .map_err(|e| line_error(number, json_message(&e)))?;
                let event = record
                    .to_event(exercise)
                    .map_err(|m| line_error(number, m))?;
                exercise
                    .apply_recorded(&event)
                    .map_err(|e| line_error(number, e.0))?;
                events.push(event);
            }
        }
    }
    let Some((header, exercise)) = state else {
        return Err(JournalError::Empty { path: shown });
    };
    let loaded = LoadedJournal {
        scenario: Arc::clone(exercise.scenario()),
        interrupted: exercise.ended_at().is_none(),
        header,
        exercise,
        events,
        warnings,
    };
    Ok((loaded, tail))
}

/// serde_json's message without its position inside the one-line object.
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    format!("{text} (column {})", error.column())
}

fn parse_header(content: &[u8], path: &str) -> Result<Header, JournalError> {
    let line_error = |message: String| JournalError::Line {
        path: path.to_string(),
        line: 1,
        message,
    };
    let value: serde_json::Value = serde_json::from_slice(content).map_err(|e| {
        line_error(format!(
            "not a ttx journal header ({}); is this a ttx journal?",
            json_message(&e)
        ))
    })?;
    let version = value.get("ttx_journal").and_then(serde_json::Value::as_u64);
    match version {
        None => {
            return Err(line_error(
                "not a ttx journal header (no `ttx_journal` format number); is this a ttx journal?"
                    .into(),
            ));
        }
        Some(found) if found > FORMAT => {
            return Err(JournalError::NewerFormat {
                path: path.to_string(),
                found,
            });
        }
        Some(0) => return Err(line_error("unknown journal format 0".into())),
        Some(_) => {}
    }
    let header: Header = serde_json::from_value(value)
        .map_err(|e| line_error(format!("a damaged journal header: {e}")))?;
    if !(header.speed.is_finite() && header.speed > 0.0) {
        return Err(line_error(format!(
            "the header's speed {} is not a positive number",
            header.speed
        )));
    }
    Ok(header)
}

fn load_checked(header: &Header, path: &str) -> Result<Scenario, JournalError> {
    let computed = sha256_hex(&header.scenario_source);
    if !computed.eq_ignore_ascii_case(&header.scenario_sha256) {
        return Err(JournalError::ShaMismatch {
            path: path.to_string(),
            recorded: header.scenario_sha256.clone(),
            computed,
        });
    }
    crate::scenario::load_scenario(&header.scenario_file, &header.scenario_source).map_err(
        |diagnostics| JournalError::Scenario {
            path: path.to_string(),
            diagnostics: diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        },
    )
}

// ---- the lines ----

/// One event line: its time, then its kind and content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    at_s: Secs,
    #[serde(flatten)]
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Kind {
    Started,
    Paused,
    Resumed,
    Speed {
        speed: f64,
    },
    Scheduled {
        inject: String,
        chance_draw: f64,
        jitter_s: Secs,
        release_at_s: Secs,
    },
    Skipped {
        inject: String,
        chance_draw: f64,
    },
    Released {
        inject: String,
        by_hand: bool,
    },
    Deadline {
        expectation: String,
    },
    Response {
        team: String,
        action: String,
        fields: Fields,
        note: Option<String>,
        answers: Option<AnswersLine>,
        satisfies: Option<String>,
        /// Done ahead of time: it satisfied nothing and stands ready (format 2).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        ready: bool,
    },
    Said {
        n: u64,
        from: String,
        to: Vec<String>,
        text: String,
        in_reply_to: Option<u64>,
    },
    Message {
        n: u64,
        from: String,
        action: String,
        to: Vec<String>,
    },
    Note {
        team: Option<String>,
        kind: NoteKind,
        text: String,
    },
    Ended,
    Clock,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AnswersLine {
    Inject(String),
    Message(u64),
}

/// A response's fields as a JSON object, in the order given; a name given twice is kept twice,
/// so the replay refuses it as the engine did.
#[derive(Debug, Clone, PartialEq, Default)]
struct Fields(Vec<(String, String)>);

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, text) in &self.0 {
            map.serialize_entry(name, text)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of field names to texts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, String>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

impl Record {
    fn of(event: &Event, exercise: &Exercise) -> Record {
        let scenario = exercise.scenario();
        let team = |t: TeamIx| scenario.team(t).id.clone();
        let inject = |i| scenario.inject(i).id.clone();
        let action = |a| scenario.action(a).id.clone();
        let kind = match event {
            Event::Started { .. } => Kind::Started,
            Event::Paused { .. } => Kind::Paused,
            Event::Resumed { .. } => Kind::Resumed,
            Event::SpeedChanged { speed, .. } => Kind::Speed { speed: *speed },
            Event::Scheduled {
                inject: i,
                chance_draw,
                jitter_s,
                release_at,
                ..
            } => Kind::Scheduled {
                inject: inject(*i),
                chance_draw: *chance_draw,
                jitter_s: *jitter_s,
                release_at_s: *release_at,
            },
            Event::Skipped {
                inject: i,
                chance_draw,
                ..
            } => Kind::Skipped {
                inject: inject(*i),
                chance_draw: *chance_draw,
            },
            Event::Released {
                inject: i, by_hand, ..
            } => Kind::Released {
                inject: inject(*i),
                by_hand: *by_hand,
            },
            Event::DeadlinePassed { expectation, .. } => Kind::Deadline {
                expectation: exercise.expectation_id(*expectation),
            },
            Event::Responded {
                response, outcome, ..
            } => Kind::Response {
                team: team(response.team),
                action: action(response.action),
                fields: Fields(response.fields.clone()),
                note: response.note.clone(),
                answers: response.answers.map(|a| match a {
                    Answers::Inject(i) => AnswersLine::Inject(inject(i)),
                    Answers::Message(n) => AnswersLine::Message(n),
                }),
                satisfies: match outcome {
                    Outcome::Satisfied(ix) => Some(exercise.expectation_id(*ix)),
                    Outcome::Ready | Outcome::Unexpected => None,
                },
                ready: *outcome == Outcome::Ready,
            },
            Event::Said {
                n,
                from,
                to,
                text,
                in_reply_to,
                ..
            } => Kind::Said {
                n: *n,
                from: team(*from),
                to: to.iter().map(|t| team(*t)).collect(),
                text: text.clone(),
                in_reply_to: *in_reply_to,
            },
            Event::MessageSent {
                n,
                from,
                action: a,
                to,
                ..
            } => Kind::Message {
                n: *n,
                from: team(*from),
                action: action(*a),
                to: to.iter().map(|t| team(*t)).collect(),
            },
            Event::Noted {
                team: t,
                kind,
                text,
                ..
            } => Kind::Note {
                team: t.map(team),
                kind: *kind,
                text: text.clone(),
            },
            Event::Ended { .. } => Kind::Ended,
            Event::Clock { .. } => Kind::Clock,
        };
        Record {
            at_s: event.at(),
            kind,
        }
    }

    /// The event this line records, with its ids resolved against the scenario and the exercise
    /// as replayed so far.
    fn to_event(&self, exercise: &Exercise) -> Result<Event, String> {
        let scenario = exercise.scenario();
        let at = self.at_s;
        let team = |id: &str| {
            scenario
                .team_ix(id)
                .ok_or_else(|| format!("there is no team `{id}` in the scenario"))
        };
        let inject = |id: &str| {
            scenario
                .inject_ix(id)
                .ok_or_else(|| format!("there is no inject `{id}` in the scenario"))
        };
        let action = |id: &str| {
            scenario
                .action_ix(id)
                .ok_or_else(|| format!("there is no action `{id}` in the scenario"))
        };
        let unknown_expectation =
            |id: &str| format!("there is no expectation `{id}` at this point of the exercise");
        Ok(match &self.kind {
            Kind::Started => Event::Started { at },
            Kind::Paused => Event::Paused { at },
            Kind::Resumed => Event::Resumed { at },
            Kind::Speed { speed } => Event::SpeedChanged { at, speed: *speed },
            Kind::Scheduled {
                inject: i,
                chance_draw,
                jitter_s,
                release_at_s,
            } => Event::Scheduled {
                at,
                inject: inject(i)?,
                chance_draw: *chance_draw,
                jitter_s: *jitter_s,
                release_at: *release_at_s,
            },
            Kind::Skipped {
                inject: i,
                chance_draw,
            } => Event::Skipped {
                at,
                inject: inject(i)?,
                chance_draw: *chance_draw,
            },
            Kind::Released { inject: i, by_hand } => Event::Released {
                at,
                inject: inject(i)?,
                by_hand: *by_hand,
            },
            Kind::Deadline { expectation } => Event::DeadlinePassed {
                at,
                expectation: exercise
                    .expectation_by_id(expectation)
                    .ok_or_else(|| unknown_expectation(expectation))?,
            },
            Kind::Response {
                team: t,
                action: a,
                fields,
                note,
                answers,
                satisfies,
                ready,
            } => {
                let outcome = match satisfies {
                    None if *ready => Outcome::Ready,
                    None => Outcome::Unexpected,
                    Some(id) => Outcome::Satisfied(
                        exercise
                            .expectation_by_id(id)
                            .ok_or_else(|| unknown_expectation(id))?,
                    ),
                };
                Event::Responded {
                    at,
                    response: Response {
                        team: team(t)?,
                        action: action(a)?,
                        fields: fields.0.clone(),
                        note: note.clone(),
                        answers: match answers {
                            None => None,
                            Some(AnswersLine::Inject(i)) => Some(Answers::Inject(inject(i)?)),
                            Some(AnswersLine::Message(n)) => Some(Answers::Message(*n)),
                        },
                    },
                    outcome,
                }
            }
            Kind::Message {
                n,
                from,
                action: a,
                to,
            } => Event::MessageSent {
                at,
                n: *n,
                from: team(from)?,
                action: action(a)?,
                to: to.iter().map(|t| team(t)).collect::<Result<_, _>>()?,
            },
            Kind::Said {
                n,
                from,
                to,
                text,
                in_reply_to,
            } => Event::Said {
                at,
                n: *n,
                from: team(from)?,
                to: to.iter().map(|t| team(t)).collect::<Result<_, _>>()?,
                text: text.clone(),
                in_reply_to: *in_reply_to,
            },
            Kind::Note {
                team: t,
                kind,
                text,
            } => Event::Noted {
                at,
                team: t.as_deref().map(team).transpose()?,
                kind: *kind,
                text: text.clone(),
            },
            Kind::Ended => Event::Ended { at },
            Kind::Clock => Event::Clock { at },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Command;
    use crate::report::Report;
    use crate::testing::{first_half, phishing, respond, second_half};

    use crate::testing::PHISHING as SOURCE;

    fn header_for(exercise: &Exercise) -> Header {
        Header::new(
            "phishing.ron",
            SOURCE,
            exercise.scenario(),
            exercise.settings(),
        )
    }

    fn play(
        writer: &mut JournalWriter,
        exercise: &mut Exercise,
        commands: Vec<Command>,
    ) -> Vec<Event> {
        let mut all = Vec::new();
        for command in commands {
            let events = exercise.execute(command).unwrap();
            writer.append(exercise, &events).unwrap();
            all.extend(events);
        }
        all
    }

    fn write(path: &Path, commands: Vec<Command>) -> (Exercise, Vec<Event>) {
        let scenario = Arc::new(phishing());
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let mut writer = JournalWriter::create(path, &header_for(&exercise)).unwrap();
        let events = play(&mut writer, &mut exercise, commands);
        (exercise, events)
    }

    fn whole_run() -> Vec<Command> {
        let mut commands = first_half();
        commands.extend(second_half());
        commands
    }

    fn read(path: &Path) -> Result<LoadedJournal, JournalError> {
        read_journal(path)
    }

    fn edit_line(path: &Path, number: usize, edit: impl Fn(&str) -> String) {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == number { edit(l) } else { l.into() })
            .collect();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn a_journal_replays_to_the_same_exercise() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (exercise, events) = write(&path, whole_run());
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, events);
        assert_eq!(Report::of(&loaded.exercise), Report::of(&exercise));
        assert!(loaded.warnings.is_empty());
        assert!(!loaded.interrupted);
        assert_eq!(loaded.header.seed, 7);
        assert_eq!(loaded.header.scenario_sha256, sha256_hex(SOURCE));
        let text = std::fs::read_to_string(&path).unwrap();
        for kind in [
            "started",
            "paused",
            "resumed",
            "speed",
            "scheduled",
            "skipped",
            "released",
            "deadline",
            "response",
            "message",
            "note",
            "ended",
        ] {
            let tag = format!("\"event\":\"{kind}\"");
            assert!(text.contains(&tag), "no {kind} line in\n{text}");
        }
        // Fields keep the order given; lines start with their time.
        assert!(text.contains(
            r#"{"at_s":3600,"event":"response","team":"soc","action":"report","fields":{"summary":"Fake password mail","indicators":" "},"note":null,"answers":{"inject":"mail-wave"},"satisfies":"mail-wave.report@soc"}"#
        ), "{text}");
        assert!(text.contains(
            r#"{"at_s":2100,"event":"deadline","expectation":"cert-heads-up.ack@cert"}"#
        ));
    }

    #[test]
    fn a_cut_off_last_line_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (exercise, events) = write(&path, first_half());
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"at_s":3700,"event":"not"#).unwrap();
        drop(file);
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, events);
        assert_eq!(Report::of(&loaded.exercise), Report::of(&exercise));
        assert!(loaded.interrupted);
        assert_eq!(
            loaded.warnings,
            vec![format!(
                "line {lines} was cut off (the exercise was interrupted while writing); ignored"
            )]
        );
    }

    #[test]
    fn a_complete_last_line_without_its_newline_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (_, events) = write(&path, first_half());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.trim_end()).unwrap();
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, events);
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn a_damaged_line_names_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, whole_run());
        let shown = path.display().to_string();

        edit_line(&path, 4, |_| "{\"at_s\": 300, \"event\": ".into());
        let error = read(&path).unwrap_err().to_string();
        assert!(error.starts_with(&format!("{shown}:4: ")), "{error}");

        write_fresh(&path);
        edit_line(&path, 3, |l| l.replace("mail-wave", "mail-wav"));
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{shown}:3: there is no inject `mail-wav`")),
            "{error}"
        );

        write_fresh(&path);
        edit_line(&path, 2, |l| l.replace("started", "begun"));
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{shown}:2: unknown variant `begun`")),
            "{error}"
        );

        // Consistent JSON that could not have happened: the clock started twice.
        write_fresh(&path);
        edit_line(&path, 3, |_| r#"{"at_s":0,"event":"started"}"#.into());
        let error = read(&path).unwrap_err().to_string();
        assert_eq!(error, format!("{shown}:3: the clock is started twice"));
    }

    fn write_fresh(path: &Path) {
        let _ = std::fs::remove_file(path);
        write(path, whole_run());
    }

    #[test]
    fn a_newer_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        edit_line(&path, 1, |l| {
            l.replace("\"ttx_journal\":2", "\"ttx_journal\":3")
        });
        let error = read(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: written by a newer ttx (format 3); this ttx reads format 2: read it with a newer ttx",
                path.display()
            )
        );
    }

    #[test]
    fn a_scenario_that_does_not_match_its_hash_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        // The embedded source changes; its recorded hash does not.
        edit_line(&path, 1, |l| l.replace("National CERT", "National CERX"));
        let error = read(&path).unwrap_err();
        assert!(matches!(error, JournalError::ShaMismatch { .. }), "{error}");
    }

    #[test]
    fn a_journal_has_one_writer_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let scenario = Arc::new(phishing());
        let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let writer = JournalWriter::create(&path, &header_for(&exercise)).unwrap();
        let error = JournalWriter::resume(&path).unwrap_err();
        assert!(matches!(error, JournalError::InUse { .. }), "{error}");
        assert!(error.to_string().contains("in use by another ttx process"));
        let error = JournalWriter::create(&path, &header_for(&exercise)).unwrap_err();
        assert!(matches!(error, JournalError::Exists { .. }), "{error}");
        drop(writer);
        // The lock goes with the writer.
        JournalWriter::resume(&path).unwrap();
    }

    #[test]
    fn after_a_failed_write_the_next_append_cuts_the_torn_line_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let scenario = Arc::new(phishing());
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let mut writer = JournalWriter::create(&path, &header_for(&exercise)).unwrap();
        let intact = std::fs::metadata(&path).unwrap().len();
        // What a write that failed half-way (a full disk) leaves behind.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"at_s\":0,\"eve")
            .unwrap();
        writer.torn_at = Some(intact);
        let events = play(&mut writer, &mut exercise, first_half());
        let loaded = read(&path).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(loaded.events, events);
    }

    #[test]
    fn a_journal_needs_an_existing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("run.jsonl");
        let scenario = Arc::new(phishing());
        let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let error = JournalWriter::create(&path, &header_for(&exercise)).unwrap_err();
        assert!(matches!(error, JournalError::NoDirectory { .. }), "{error}");
    }

    #[test]
    fn resuming_appends_after_removing_a_cut_off_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        let before = std::fs::read(&path).unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"at_s":3700,"ev"#).unwrap();
        drop(file);

        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        assert!(loaded.interrupted);
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].contains("removed it to continue"));
        let mut exercise = loaded.exercise;
        play(&mut writer, &mut exercise, second_half());
        drop(writer);

        let after = std::fs::read(&path).unwrap();
        assert!(after.starts_with(&before), "earlier bytes were rewritten");
        let again = read(&path).unwrap();
        assert!(again.warnings.is_empty());
        assert!(!again.interrupted);

        // The same run without the interruption gives the same report.
        let other = dir.path().join("straight.jsonl");
        let (straight, _) = write(&other, whole_run());
        assert_eq!(Report::of(&again.exercise), Report::of(&straight));
    }

    #[test]
    fn resuming_terminates_a_complete_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.trim_end()).unwrap();
        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        let mut exercise = loaded.exercise;
        play(&mut writer, &mut exercise, second_half());
        drop(writer);
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with(&text));
        assert!(!read(&path).unwrap().interrupted);
    }

    #[test]
    fn odd_files_are_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.jsonl");
        let shown = path.display().to_string();
        let cases: Vec<(&[u8], String)> = vec![
            (b"", format!("{shown} is empty")),
            (b"\n", format!("{shown}:1: not a ttx journal header")),
            (
                b"{\"ttx_jour",
                format!("{shown}:1: the journal header was cut off"),
            ),
            (b"[1,2]\n", format!("{shown}:1: not a ttx journal header")),
            (
                b"{\"ttx_journal\":1}\n",
                format!("{shown}:1: a damaged journal header"),
            ),
            (
                b"\xff\xfe\n",
                format!("{shown}:1: not a ttx journal header"),
            ),
        ];
        for (bytes, start) in cases {
            std::fs::write(&path, bytes).unwrap();
            let error = read(&path).unwrap_err().to_string();
            assert!(error.starts_with(&start), "{error:?} for {bytes:?}");
        }
    }

    #[test]
    fn the_real_loader_reads_the_embedded_scenario() {
        let source = include_str!("../tests/fixtures/phishing-example/scenario.ron");
        let scenario = Arc::new(crate::scenario::load_scenario("scenario.ron", source).unwrap());
        let settings = Settings::of(&scenario);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let header = Header::new("scenario.ron", source, &scenario, settings);
        let mut writer = JournalWriter::create(&path, &header).unwrap();
        let mut exercise = Exercise::new(scenario, settings);
        let events = play(
            &mut writer,
            &mut exercise,
            vec![
                Command::Start,
                Command::AdvanceTo(300),
                respond(0, 0, &[], None),
            ],
        );
        drop(writer);
        let loaded = read_journal(&path).unwrap();
        assert_eq!(loaded.events, events);
        assert!(loaded.interrupted);
        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        let mut exercise = loaded.exercise;
        play(&mut writer, &mut exercise, vec![Command::End]);
        drop(writer);
        assert!(!read_journal(&path).unwrap().interrupted);

        // A source that no longer loads (edited along with its hash) names the scenario's line.
        let broken = source.replacen("title:", "titel:", 1);
        edit_line(&path, 1, |l| {
            let mut header: Header = serde_json::from_str(l).unwrap();
            header.scenario_sha256 = sha256_hex(&broken);
            header.scenario_source = broken.clone();
            serde_json::to_string(&header).unwrap()
        });
        let error = read_journal(&path).unwrap_err();
        assert!(matches!(error, JournalError::Scenario { .. }), "{error}");
        assert!(error.to_string().contains("scenario.ron:"), "{error}");
    }

    /// A crash can stop the writer at any byte. Wherever the journal is cut after its header,
    /// it reads back to the events before the cut, and a resume continues from there.
    #[test]
    fn a_journal_cut_at_any_byte_reads_back_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.jsonl");
        let (_, events) = write(&whole, whole_run());
        let bytes = std::fs::read(&whole).unwrap();
        let header_end = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        for end in header_end..=bytes.len() {
            let cut = dir.path().join(format!("cut-{end}.jsonl"));
            std::fs::write(&cut, &bytes[..end]).unwrap();
            let loaded = read(&cut).unwrap_or_else(|e| panic!("cut at {end}: {e}"));
            let complete = bytes[header_end..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            assert!(
                loaded.events.len() >= complete && events.starts_with(&loaded.events),
                "cut at {end}: read {} events",
                loaded.events.len()
            );
            let (mut writer, resumed) =
                JournalWriter::resume(&cut).unwrap_or_else(|e| panic!("cut at {end}: {e}"));
            assert_eq!(resumed.events, loaded.events, "cut at {end}");
            let mut exercise = resumed.exercise;
            let rest = exercise.complete_interrupted();
            writer.append(&exercise, &rest).unwrap();
            if !exercise.is_started() {
                play(&mut writer, &mut exercise, vec![Command::Start]);
            }
            if exercise.ended_at().is_none() {
                play(&mut writer, &mut exercise, vec![Command::End]);
            }
            drop(writer);
            let reread = read(&cut).unwrap_or_else(|e| panic!("cut at {end}, resumed: {e}"));
            assert!(
                reread.warnings.is_empty() && !reread.interrupted,
                "cut at {end}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_tail_reads_without_panicking(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("run.jsonl");
            write(&path, first_half());
            let mut file = OpenOptions::new().append(true).open(&path).unwrap();
            file.write_all(&tail).unwrap();
            drop(file);
            let _ = read(&path);
        }
    }
}
