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
//! - `seat` (format 4): a seat of `ttx serve` joined, left, or was refused, at the exercise's
//!   time then. It changes nothing in the exercise; the report lists the seats that joined.
//!   `seat` numbers the connections of one run of the server (0 for a refusal), so that a
//!   departure finds its join; `role` is absent for a refusal:
//!   `{"at_s":600,"event":"seat","change":"joined","seat":3,"user":"soc","role":"team soc","address":"10.0.0.7:50022"}`.
//!   A seat line earlier than the exercise's time at that point is refused.
//!
//! # The hash chain
//!
//! Every line, the header included, ends with a `chain` key, written last:
//!
//! ```json
//! {"at_s":0,"event":"started","chain":"3f1a…(64 hex digits)"}
//! ```
//!
//! Its value is the lowercase hex SHA-256 of the previous line's `chain` value (the empty string
//! for the header) followed by the line's bytes as they were before the key was added (the line
//! without `,"chain":"…"` before its closing brace). So each line carries a digest of all the
//! lines before it and of itself: changing any byte of a line's content, the header's seed
//! included, or removing or inserting a line, is detected at the first line that no longer
//! matches, and named by its number. The chain detects edits, not forgery: it has no secret, so
//! someone who edits a journal and recomputes every digest after the edit is not detected by
//! it (replay still refuses what the rules and the seed could not have produced). Lines taken off
//! the end look like an exercise interrupted there.
//!
//! Every journal of format 3 or later has the chain: a header of such a format without its
//! `chain` is refused (the chain was taken off, which would otherwise let any edit through). A
//! journal of format 1 or 2 whose header has no `chain` was written by a ttx before the chain; it
//! is read without it, and a resume continues it without it. A line with a `chain` under a header
//! without one is refused (the header was edited).
//!
//! # Reading
//!
//! Every line is checked against the exercise as replayed so far; a line that does not parse,
//! names an unknown id or could not have happened there is an error naming the journal and the
//! line (`journal.jsonl:14: …`), never skipped. The one exception is a last line without its
//! `\n` that is not valid JSON: a crash cut it off while it was being written, so it was never
//! shown to anyone; it is ignored with a warning. A journal over 512 MiB or a line over 16 MiB is
//! refused, before it is read. What editors add is accepted: a UTF-8 byte-order mark, whitespace
//! at the end of a line, blank lines at the end of the file; a blank line between events is an
//! error naming it. A speed outside what the clock runs at (`clock::check_speed`) is refused.
//!
//! # Writing
//!
//! A journal is created, never overwritten, and opened for append, so every write lands at its
//! end. Each `append` writes its events and then fsyncs the file once; creation also fsyncs the
//! directory. The writer holds an advisory lock on the file for its lifetime, so two ttx
//! processes never write the same journal; the operating system drops the lock when a process
//! dies, so a crash never leaves a stale lock behind.
//!
//! A write that fails (a full disk) is cut off at once, so the journal holds exactly what the
//! screen was told was recorded; if even that fails, it is cut off before the next append and
//! when the writer is dropped. Before each append the writer checks that the file is still the
//! one it wrote, with the length it left: a journal deleted, replaced, cut short or written by
//! another program is an error, which stops the clock as a failed write does.
//!
//! Once the exercise has ended, a writer given a key (`signing_with`) signs the journal after
//! every append: `JOURNAL.sig`, an OpenSSH signature of its bytes (see `signature`). A failure to
//! sign is not a failure to write: the lines are recorded, the signature is removed rather than
//! left to contradict them, and the caller is told (`take_signing_failure`).
//!
//! On resume, a cut-off last line is removed (only the bytes after the last `\n`, which were
//! never part of the exercise), blank lines at the end are removed, and a last line that is
//! complete but lost its `\n` gets one; the journal then reads cleanly again, and nothing
//! before is rewritten.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use russh::keys::PrivateKey;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::engine::{Answers, Event, Exercise, NoteKind, Outcome, Response, Rules, Settings};
use crate::report::debrief::{
    Debrief, DebriefEvent, PlanAdded, PlanDropped, PlanEdited, Rated, Summary, format_wall,
    parse_wall,
};
use crate::report::seats::{SeatEvent, SeatRecord};
use crate::scenario::{Scenario, Secs, TeamIx};

/// The journal format this ttx writes; it reads this one and every earlier one. Format 2 added
/// free messages (`said`) and responses that stand ready (`ready`); format 3 the wall clock
/// (`wall`) and the debrief's lines (`rated`, `summary`, `plan_added`, `plan_edited`,
/// `plan_dropped`); format 4 the seat lines of `ttx serve` (`seat`).
pub const FORMAT: u64 = 4;
/// The first format whose every journal has the hash chain: the chain came while ttx wrote
/// formats 1 and 2, so a journal of those may lack it; every ttx that wrote format 3 or later
/// wrote it.
pub const CHAINED_FROM: u64 = 3;
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
    hex(&Sha256::digest(text.as_bytes()))
}

/// A digest in lower-case hex, by the `hex` crate into a buffer of bytes: formatting byte by byte
/// took an eighth of reading a journal, whose every line carries a digest, and `hex::encode`
/// (one `char` at a time) still a twentieth.
fn hex(digest: &[u8]) -> String {
    let mut text = vec![0; digest.len() * 2];
    hex::encode_to_slice(digest, &mut text).expect("the buffer holds two digits per byte");
    String::from_utf8(text).expect("hex digits are ASCII")
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
    /// The debrief written so far and the wall-clock dates (empty for a format-1 or -2
    /// journal).
    pub debrief: Debrief,
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
    #[error(
        "{path} is a directory; a journal is a file: give a file name, such as {path}/exercise.jsonl"
    )]
    IsDirectory { path: String },
    #[error(
        "journal {path} {what} while the exercise ran, so it no longer holds this exercise; ttx stopped the clock and records nothing more: quit, and keep a copy of the file as it is"
    )]
    Changed { path: String, what: String },
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
    /// Opened for append: every write lands at the end of the file whatever happened before, so
    /// a write that failed half-way and was cut off never leaves a hole.
    file: File,
    path: PathBuf,
    /// The journal's length as this writer left it: every byte before is a complete line. A
    /// different length on disk means someone else cut or wrote the file.
    len: u64,
    /// The file as opened, to notice it deleted or replaced while the exercise runs.
    identity: Identity,
    /// The hash-chain digest of the last line written; `None` for a journal begun by a ttx
    /// without the chain, which is continued without it.
    chain: Option<String>,
    /// A failed write could not be cut off at once: the next append, or dropping the writer,
    /// cuts the journal back to `len` first.
    torn: bool,
    /// Stamps each line with the wall-clock time (`None`: a scripted run on a virtual clock).
    wall_clock: Option<fn() -> OffsetDateTime>,
    /// Signs the journal after every append once the exercise has ended.
    signer: Option<PrivateKey>,
    /// Why the last signing failed, until the caller takes it.
    signing_failure: Option<String>,
    /// Test seam: the next write stops after this many bytes and fails, as on a full disk.
    #[cfg(test)]
    fail_after: Option<usize>,
}

impl JournalWriter {
    /// Creates a new journal and writes its header; refuses an existing file, a directory or a
    /// missing directory.
    pub fn create(path: &Path, header: &Header) -> Result<JournalWriter, JournalError> {
        let shown = show(path);
        if path.is_dir() {
            return Err(JournalError::IsDirectory { path: shown });
        }
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
        // Read too: what is signed is read back through this handle (`seal`).
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|source| match source.kind() {
                io::ErrorKind::AlreadyExists => JournalError::Exists {
                    path: shown.clone(),
                },
                _ => io_error(path, "create", source),
            })?;
        lock(&file, path)?;
        let json = serde_json::to_vec(header).map_err(|e| io_error(path, "write", e.into()))?;
        let (mut line, chain) = chained("", json);
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
        let identity = Identity::of(&file).map_err(|source| io_error(path, "create", source))?;
        Ok(JournalWriter {
            file,
            path: path.to_path_buf(),
            len: line.len() as u64,
            identity,
            chain: Some(chain),
            torn: false,
            wall_clock: Some(OffsetDateTime::now_utc),
            signer: None,
            signing_failure: None,
            #[cfg(test)]
            fail_after: None,
        })
    }

    /// Creates a new journal named `STEM.jsonl` in `dir`, or `STEM-2.jsonl`, `STEM-3.jsonl`…
    /// when that exists: two exercises started in the same second each get their own.
    pub fn create_unique(
        dir: &Path,
        stem: &str,
        header: &Header,
    ) -> Result<JournalWriter, JournalError> {
        let mut last = None;
        for n in 1..=1000 {
            let name = match n {
                1 => format!("{stem}.jsonl"),
                _ => format!("{stem}-{n}.jsonl"),
            };
            match JournalWriter::create(&dir.join(name), header) {
                Err(error @ JournalError::Exists { .. }) => last = Some(error),
                other => return other,
            }
        }
        Err(last.unwrap_or(JournalError::Exists { path: show(dir) }))
    }

    /// Reopens an interrupted exercise's journal to continue it: takes its lock, reads and
    /// replays it, removes a cut-off last line (see the module documentation), and returns the
    /// writer with the exercise as the journal leaves it. Nothing already written is rewritten.
    pub fn resume(path: &Path) -> Result<(JournalWriter, LoadedJournal), JournalError> {
        if path.is_dir() {
            return Err(JournalError::IsDirectory { path: show(path) });
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|source| open_error(path, source))?;
        lock(&file, path)?;
        let (mut loaded, tail, chain) = read_from(&file, path)?;
        let repaired = match tail {
            Tail::Clean => Ok(()),
            Tail::NoNewline => (&file).write_all(b"\n"),
            Tail::CutOff { keep, line } => {
                loaded.warnings = vec![format!(
                    "line {line} was cut off (the exercise was interrupted while writing); removed it to continue"
                )];
                file.set_len(keep)
            }
            // Blank lines at the end would sit between lines once more are appended.
            Tail::Blank { keep } => file.set_len(keep),
        };
        let repaired = repaired
            .and_then(|()| file.sync_all())
            .and_then(|()| Ok((file.metadata()?.len(), Identity::of(&file)?)));
        let (len, identity) =
            repaired.map_err(|source| io_error(path, "repair the end of", source))?;
        let writer = JournalWriter {
            file,
            path: path.to_path_buf(),
            len,
            identity,
            chain,
            torn: false,
            wall_clock: Some(OffsetDateTime::now_utc),
            signer: None,
            signing_failure: None,
            #[cfg(test)]
            fail_after: None,
        };
        Ok((writer, loaded))
    }

    /// Records events that `exercise.execute` has just applied, then fsyncs once. On failure
    /// nothing of them stays in the journal: what reached the disk is cut off at once (or, if
    /// even that fails, before the next append and when the writer is dropped), so the journal
    /// holds exactly what the screen was told was recorded.
    /// Returns the wall-clock time the lines were stamped with (`None` without a wall clock).
    pub fn append(
        &mut self,
        exercise: &Exercise,
        events: &[Event],
    ) -> Result<Option<OffsetDateTime>, JournalError> {
        let at = self.wall_now();
        let wall = at.map(format_wall);
        let records: Vec<Record> = events
            .iter()
            .map(|event| Record {
                wall: wall.clone(),
                ..Record::of(event, exercise)
            })
            .collect();
        self.write_records(&records)?;
        self.seal(exercise);
        Ok(at)
    }

    /// The wall-clock time a line written now is stamped with, to the second as written.
    fn wall_now(&self) -> Option<OffsetDateTime> {
        self.wall_clock.map(|now| {
            let at = now();
            at.replace_nanosecond(0).unwrap_or(at)
        })
    }

    /// Records a debrief event (a rating, the summary, an improvement-plan edit) that
    /// `Debrief::apply` has just accepted, then fsyncs; returns its wall-clock stamp.
    pub fn append_debrief(
        &mut self,
        exercise: &Exercise,
        event: &DebriefEvent,
    ) -> Result<Option<OffsetDateTime>, JournalError> {
        let at = self.wall_now();
        let record = Record {
            at_s: exercise.now(),
            wall: at.map(format_wall),
            kind: Kind::of_debrief(event.clone()),
        };
        self.write_records(&[record])?;
        self.seal(exercise);
        Ok(at)
    }

    /// Records a seat's join, departure or refusal (`ttx serve`), then fsyncs; the wall-clock
    /// time written, if any.
    pub fn append_seat(
        &mut self,
        exercise: &Exercise,
        event: &SeatEvent,
    ) -> Result<Option<OffsetDateTime>, JournalError> {
        let now = self.wall_clock.map(|now| now());
        let record = Record {
            at_s: exercise.now(),
            wall: now.map(format_wall),
            kind: Kind::Seat(event.clone()),
        };
        self.write_records(&[record])?;
        self.seal(exercise);
        // The time as read back: whole seconds, as the line holds it.
        Ok(now.and_then(|now| parse_wall(&format_wall(now)).ok()))
    }

    /// Writes no wall-clock time from now on: a scripted run on a virtual clock has none, so
    /// its journal's report is the run's report exactly.
    pub fn without_wall_clock(mut self) -> Self {
        self.wall_clock = None;
        self
    }

    /// Takes the wall clock from `now` instead of the system's (for tests).
    pub fn with_wall_clock(mut self, now: fn() -> OffsetDateTime) -> Self {
        self.wall_clock = Some(now);
        self
    }

    /// Signs the journal with `key` after every append once the exercise has ended.
    pub fn signing_with(mut self, key: PrivateKey) -> Self {
        self.signer = Some(key);
        self
    }

    /// Why the journal could not be signed after the last append that tried; once.
    pub fn take_signing_failure(&mut self) -> Option<String> {
        self.signing_failure.take()
    }

    /// Once the exercise has ended, signs the journal as it now stands. A failure leaves no
    /// signature behind, since an earlier one would say the journal does not match, and is kept
    /// for the caller: the lines themselves are recorded.
    fn seal(&mut self, exercise: &Exercise) {
        let Some(key) = &self.signer else {
            return;
        };
        if exercise.ended_at().is_none() {
            return;
        }
        let signed = self
            .written()
            .map_err(|e| format!("{}: cannot read it back to sign it: {e}", show(&self.path)))
            .and_then(|bytes| crate::signature::write(&self.path, &bytes, key));
        if let Err(mut why) = signed {
            if let Err(e) = crate::signature::remove(&self.path) {
                why.push_str(&format!(
                    "; the earlier signature could not be removed: {e}"
                ));
            }
            self.signing_failure = Some(why);
        }
    }

    /// The journal's bytes as this writer left them, read through its own handle, so that what
    /// is signed is what it wrote even if the name now points elsewhere.
    fn written(&self) -> io::Result<Vec<u8>> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))?;
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        file.take(self.len).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("it has {} bytes; ttx had written {}", bytes.len(), self.len),
            ));
        }
        Ok(bytes)
    }

    fn write_records(&mut self, records: &[Record]) -> Result<(), JournalError> {
        if records.is_empty() {
            return Ok(());
        }
        if self.torn {
            self.cut_back()
                .map_err(|source| io_error(&self.path, "repair", source))?;
        }
        self.check_intact()?;
        let mut buf = Vec::new();
        let mut chain = self.chain.clone();
        for record in records {
            let json =
                serde_json::to_vec(record).map_err(|e| io_error(&self.path, "write", e.into()))?;
            match &chain {
                Some(prev) => {
                    let (line, next) = chained(prev, json);
                    buf.extend_from_slice(&line);
                    chain = Some(next);
                }
                None => buf.extend_from_slice(&json),
            }
            buf.push(b'\n');
        }
        if let Err(source) = self.write_through(&buf) {
            // The caller keeps the events and may try again once the disk is fixed.
            self.torn = self.cut_back().is_err();
            return Err(io_error(&self.path, "write to", source));
        }
        self.len += buf.len() as u64;
        self.chain = chain;
        Ok(())
    }

    fn write_through(&mut self, buf: &[u8]) -> io::Result<()> {
        #[cfg(test)]
        if let Some(n) = self.fail_after.take() {
            self.file.write_all(&buf[..n.min(buf.len())])?;
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device (a test's full disk)",
            ));
        }
        self.file.write_all(buf)?;
        self.file.sync_data()
    }

    /// Cuts the journal back to its last recorded line.
    fn cut_back(&mut self) -> io::Result<()> {
        self.file.set_len(self.len)?;
        self.file.sync_data()?;
        self.torn = false;
        Ok(())
    }

    /// Refuses to write to a journal that is no longer the one this writer wrote: deleted,
    /// replaced by another file, cut short or written by someone else.
    fn check_intact(&self) -> Result<(), JournalError> {
        let changed = |what: String| JournalError::Changed {
            path: show(&self.path),
            what,
        };
        let meta = self
            .file
            .metadata()
            .map_err(|source| io_error(&self.path, "check", source))?;
        match std::fs::metadata(&self.path) {
            Ok(other) if Identity::from_metadata(&other) != self.identity => {
                return Err(changed("was replaced by another file".into()));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(changed("was deleted or moved away".into()));
            }
            _ if Identity::links(&meta) == Some(0) => {
                return Err(changed("was deleted".into()));
            }
            _ => {}
        }
        match meta.len() {
            len if len < self.len => Err(changed(format!(
                "was cut short (it has {len} bytes; ttx had written {})",
                self.len
            ))),
            len if len > self.len => Err(changed(format!(
                "was written to by another program (it has {len} bytes; ttx had written {})",
                self.len
            ))),
            _ => Ok(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        if self.torn {
            // Last chance to leave only recorded lines behind; nobody is left to tell.
            let _ = self.cut_back();
        }
    }
}

/// Which file a journal is: device and inode where the system has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity(Option<(u64, u64)>);

impl Identity {
    fn of(file: &File) -> io::Result<Identity> {
        Ok(Identity::from_metadata(&file.metadata()?))
    }

    #[cfg(unix)]
    fn from_metadata(meta: &std::fs::Metadata) -> Identity {
        use std::os::unix::fs::MetadataExt;
        Identity(Some((meta.dev(), meta.ino())))
    }

    #[cfg(not(unix))]
    fn from_metadata(_meta: &std::fs::Metadata) -> Identity {
        Identity(None)
    }

    /// How many names the file has (0: deleted while open).
    #[cfg(unix)]
    fn links(meta: &std::fs::Metadata) -> Option<u64> {
        use std::os::unix::fs::MetadataExt;
        Some(meta.nlink())
    }

    #[cfg(not(unix))]
    fn links(_meta: &std::fs::Metadata) -> Option<u64> {
        None
    }
}

/// The key that ends every line of a chained journal: `,"chain":"<64 hex digits>"}`.
const CHAIN_KEY: &[u8] = b",\"chain\":\"";
const CHAIN_SUFFIX_LEN: usize = CHAIN_KEY.len() + 64 + 2;

/// A line's JSON object with its hash-chain digest added as its last key: the SHA-256 of the
/// previous line's digest (empty for the header) followed by the object as it was before the
/// key was added. Returns the line and its digest.
fn chained(prev: &str, mut json: Vec<u8>) -> (Vec<u8>, String) {
    let digest = chain_digest(prev, &[&json]);
    json.pop(); // the closing brace, put back after the digest
    json.extend_from_slice(CHAIN_KEY);
    json.extend_from_slice(digest.as_bytes());
    json.extend_from_slice(b"\"}");
    (json, digest)
}

/// The SHA-256, in hex, of the previous line's digest followed by the object, given in pieces.
fn chain_digest(prev: &str, object: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    object.iter().for_each(|piece| hasher.update(piece));
    hex(&hasher.finalize())
}

/// A line split, when it ends with a digest, into its object before the digest's key (without
/// the closing brace: the object is that and `}`) and the digest.
fn split_chain(content: &[u8]) -> Option<(&[u8], &str)> {
    let at = content.len().checked_sub(CHAIN_SUFFIX_LEN)?;
    let (open, suffix) = content.split_at(at);
    let digest = suffix.strip_prefix(CHAIN_KEY)?.strip_suffix(b"\"}")?;
    let digest = std::str::from_utf8(digest).ok()?;
    digest
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then_some((open, digest))
}

/// Whether a line's digest is the one of its object after `prev`.
fn chain_holds(prev: &str, open: &[u8], digest: &str) -> bool {
    chain_digest(prev, &[open, b"}"]) == digest
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
    if path.is_dir() {
        return Err(JournalError::IsDirectory { path: show(path) });
    }
    let file = File::open(path).map_err(|source| open_error(path, source))?;
    read_from(&file, path).map(|(loaded, _, _)| loaded)
}

/// Reads and replays a journal held in memory; `name` stands for its path in error messages.
/// The same checks as `read_journal` (a fuzzing and testing entry point).
pub fn read_journal_from(bytes: &[u8], name: &str) -> Result<LoadedJournal, JournalError> {
    read_lines(bytes, bytes.len() as u64, Path::new(name)).map(|(loaded, _, _)| loaded)
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
    /// Blank lines (whitespace only) after the last line, ignored; `keep` bytes come before.
    Blank { keep: u64 },
}

/// A journal read back: the exercise, how the file ends, and the hash-chain digest of its last
/// line (`None` for a journal without the chain).
type ReadBack = (LoadedJournal, Tail, Option<String>);

fn read_from(file: &File, path: &Path) -> Result<ReadBack, JournalError> {
    let size = crate::files::check_size(file, path, MAX_JOURNAL_BYTES).map_err(|e| match e {
        crate::files::ReadError::Io { source, .. } => io_error(path, "read", source),
        _ => JournalError::TooBig {
            path: show(path),
            size: file.metadata().map_or(0, |m| m.len()),
        },
    })?;
    read_lines(file, size, path)
}

/// Reads and replays the journal's lines from `input`, which holds `size` bytes.
fn read_lines(input: impl Read, size: u64, path: &Path) -> Result<ReadBack, JournalError> {
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
    // The digest of the last line read, in a journal that has the chain.
    let mut chain: Option<String> = None;
    // The first of the blank lines read since the last line with content, and where it starts.
    let mut blank: Option<(u64, u64)> = None;
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    let mut debrief = Debrief::default();
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
        if number == 1 {
            // A byte-order mark, as some editors write: not part of the header.
            content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
        }
        if content.len() > MAX_LINE_BYTES {
            return Err(line_error(
                number,
                format!(
                    "the line is longer than {MAX_LINE_BYTES} bytes (16 MiB); this is not a ttx journal, or it is damaged"
                ),
            ));
        }
        // Trailing whitespace (a `\r`, spaces an editor left) is not part of the line.
        content = content.trim_ascii_end();
        if state.is_some() && content.is_empty() {
            blank.get_or_insert((number, offset));
            offset += read as u64;
            continue;
        }
        if let Some((line, _)) = blank {
            return Err(line_error(
                line,
                "a blank line between events; a journal has one event on every line (was it edited?)"
                    .into(),
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
                // The header's own digest starts the chain; a header without one is from a ttx
                // before the chain, whose lines are read without it.
                chain = match split_chain(content) {
                    Some((open, digest)) => {
                        if !chain_holds("", open, digest) {
                            return Err(line_error(1, edited("the header")));
                        }
                        Some(digest.to_string())
                    }
                    None if header.ttx_journal >= CHAINED_FROM => {
                        return Err(line_error(
                            1,
                            format!(
                                "the header has no hash-chain digest (`chain`) though every \
                                 journal of format {} has one on every line: the chain was \
                                 taken off after the exercise",
                                header.ttx_journal
                            ),
                        ));
                    }
                    None => None,
                };
                let scenario = load_checked(&header, &shown)?;
                // A journal is replayed by the rules of the ttx that wrote it.
                let rules = if header.ttx_journal < 2 {
                    Rules::Format1
                } else {
                    Rules::Format2
                };
                let exercise = Exercise::with_rules(Arc::new(scenario), header.settings(), rules);
                state = Some((header, exercise));
            }
            Some((_, exercise)) => {
                // The line is read whole: its `chain` key is not part of a record and is ignored.
                match (&chain, split_chain(content)) {
                    (Some(prev), Some((open, digest))) => {
                        if !chain_holds(prev, open, digest) {
                            return Err(line_error(number, edited("the line")));
                        }
                        chain = Some(digest.to_string());
                    }
                    (Some(_), None) => {
                        return Err(line_error(
                            number,
                            "the line has no hash-chain digest (`chain`) though every line of \
                             this journal has one: it was edited or added after the exercise"
                                .into(),
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(line_error(
                            number,
                            "the line has a hash-chain digest (`chain`) but the header has \
                             none: the header was edited after the exercise"
                                .into(),
                        ));
                    }
                    (None, None) => {}
                }
                let record: Record = serde_json::from_slice(content)
                    .map_err(|e| line_error(number, json_message(&e)))?;
                let wall = match &record.wall {
                    Some(text) => Some(parse_wall(text).map_err(|m| line_error(number, m))?),
                    None => None,
                };
                if let Kind::Seat(event) = record.kind {
                    if record.at_s < exercise.now() {
                        return Err(line_error(
                            number,
                            format!(
                                "a seat line at {}s, earlier than the exercise's time there ({}s)",
                                record.at_s,
                                exercise.now()
                            ),
                        ));
                    }
                    debrief.seats.push(SeatRecord {
                        at_s: record.at_s,
                        at_wall: wall,
                        event,
                    });
                    continue;
                }
                if let Some(event) = record.kind.debrief() {
                    debrief
                        .apply(exercise, event, wall)
                        .map_err(|m| line_error(number, m))?;
                    continue;
                }
                let event = record
                    .to_event(exercise)
                    .map_err(|m| line_error(number, m))?;
                exercise
                    .apply_recorded(&event)
                    .map_err(|e| line_error(number, e.to_string()))?;
                match event {
                    Event::Started { .. } => debrief.started_wall = wall,
                    Event::Ended { .. } => debrief.ended_wall = wall,
                    _ => {}
                }
                events.push(event);
            }
        }
    }
    let Some((header, exercise)) = state else {
        return Err(JournalError::Empty { path: shown });
    };
    if let (Some((_, keep)), Tail::Clean) = (blank, tail) {
        tail = Tail::Blank { keep };
    }
    let loaded = LoadedJournal {
        scenario: Arc::clone(exercise.scenario()),
        interrupted: exercise.ended_at().is_none(),
        header,
        exercise,
        events,
        warnings,
        debrief,
    };
    Ok((loaded, tail, chain))
}

fn edited(what: &str) -> String {
    format!(
        "{what} was changed after it was written: it does not match the journal's hash chain \
         (each line carries a digest of the line before it and of itself)"
    )
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
    /// The format number alone, read first: a newer journal's header may not parse as ours.
    #[derive(Deserialize)]
    struct Format {
        ttx_journal: Option<u64>,
    }
    let is_object = content.trim_ascii_start().starts_with(b"{");
    let format = match serde_json::from_slice::<Format>(content) {
        Ok(format) if is_object => format,
        // JSON, but not an object (serde reads a struct from a list too): no format number.
        Ok(_) => Format { ttx_journal: None },
        // A format number that is not a whole number is none either.
        Err(e) if e.is_data() => Format { ttx_journal: None },
        Err(e) => {
            return Err(line_error(format!(
                "not a ttx journal header ({}); is this a ttx journal?",
                json_message(&e)
            )));
        }
    };
    match format.ttx_journal {
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
    let header: Header = serde_json::from_slice(content)
        .map_err(|e| line_error(format!("a damaged journal header: {}", json_message(&e))))?;
    crate::clock::check_speed(header.speed)
        .map_err(|reason| line_error(format!("the header's {reason}")))?;
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
    /// When it was written, by the wall clock (RFC 3339, UTC; format 3, absent in a scripted
    /// run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wall: Option<String>,
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
        /// Only when the observation names an objective: earlier journals have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objective: Option<String>,
        kind: NoteKind,
        text: String,
    },
    Ended,
    Clock,
    Rated(Rated),
    Summary(Summary),
    PlanAdded(PlanAdded),
    PlanEdited(PlanEdited),
    PlanDropped(PlanDropped),
    Seat(SeatEvent),
}

impl Kind {
    fn of_debrief(event: DebriefEvent) -> Kind {
        match event {
            DebriefEvent::Rated(e) => Kind::Rated(e),
            DebriefEvent::Summary(e) => Kind::Summary(e),
            DebriefEvent::PlanAdded(e) => Kind::PlanAdded(e),
            DebriefEvent::PlanEdited(e) => Kind::PlanEdited(e),
            DebriefEvent::PlanDropped(e) => Kind::PlanDropped(e),
        }
    }

    /// The debrief event this line records, if it is one.
    fn debrief(&self) -> Option<DebriefEvent> {
        Some(match self {
            Kind::Rated(e) => DebriefEvent::Rated(e.clone()),
            Kind::Summary(e) => DebriefEvent::Summary(e.clone()),
            Kind::PlanAdded(e) => DebriefEvent::PlanAdded(e.clone()),
            Kind::PlanEdited(e) => DebriefEvent::PlanEdited(e.clone()),
            Kind::PlanDropped(e) => DebriefEvent::PlanDropped(e.clone()),
            _ => return None,
        })
    }
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
                objective,
                kind,
                text,
                ..
            } => Kind::Note {
                team: t.map(team),
                objective: objective.map(|o| exercise.scenario().objective(o).id.clone()),
                kind: *kind,
                text: text.clone(),
            },
            Event::Ended { .. } => Kind::Ended,
            Event::Clock { .. } => Kind::Clock,
        };
        Record {
            at_s: event.at(),
            wall: None,
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
            Kind::Speed { speed } => Event::SpeedChanged {
                at,
                speed: crate::clock::check_speed(*speed)?,
            },
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
                objective,
                kind,
                text,
            } => Event::Noted {
                at,
                team: t.as_deref().map(team).transpose()?,
                objective: match objective {
                    Some(id) => Some(
                        exercise
                            .scenario()
                            .objective_ix(id)
                            .ok_or_else(|| format!("unknown objective `{id}`"))?,
                    ),
                    None => None,
                },
                kind: *kind,
                text: text.clone(),
            },
            Kind::Ended => Event::Ended { at },
            Kind::Clock => Event::Clock { at },
            Kind::Rated(_)
            | Kind::Summary(_)
            | Kind::PlanAdded(_)
            | Kind::PlanEdited(_)
            | Kind::PlanDropped(_) => {
                return Err("a debrief line is not an event of the exercise".into());
            }
            Kind::Seat(_) => return Err("a seat line is not an event of the exercise".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Command;
    use crate::report::Report;
    use crate::report::seats::SeatChange;
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
        // No wall clock: the lines are compared as text.
        let mut writer = JournalWriter::create(path, &header_for(&exercise))
            .unwrap()
            .without_wall_clock();
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

    /// Edits a line as a forger who recomputes the hash chain would: what is left to catch the
    /// edit is the replay.
    fn edit_line(path: &Path, number: usize, edit: impl Fn(&str) -> String) {
        edit_raw(path, number, edit);
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, rechain(&text)).unwrap();
    }

    /// Edits a line and leaves the chain as it was.
    fn edit_raw(path: &Path, number: usize, edit: impl Fn(&str) -> String) {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == number { edit(l) } else { l.into() })
            .collect();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    /// The journal's lines with the chain recomputed; a line that is not a JSON object is kept
    /// as it is.
    fn rechain(text: &str) -> String {
        let mut prev = String::new();
        let mut out = String::new();
        for line in text.lines() {
            let object = split_chain(line.as_bytes()).map_or_else(
                || line.as_bytes().to_vec(),
                |(open, _)| [open, b"}"].concat(),
            );
            if object.starts_with(b"{") && object.ends_with(b"}") {
                let (line, digest) = chained(&prev, object);
                out.push_str(std::str::from_utf8(&line).unwrap());
                prev = digest;
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        out
    }

    fn fixed_wall() -> OffsetDateTime {
        parse_wall("2026-11-28T09:00:00Z").unwrap()
    }

    fn seat(change: SeatChange, seat: u64, user: &str) -> SeatEvent {
        SeatEvent {
            change,
            seat,
            user: user.into(),
            role: (change != SeatChange::Refused).then(|| format!("team {user}")),
            address: "192.0.2.7:50022".into(),
            not_logged: 0,
        }
    }

    /// The journal is signed once the exercise has ended, and again after every line after the
    /// end, so that the signature always covers the journal as it stands.
    #[test]
    fn an_ended_exercise_is_signed_after_every_line_and_not_before() {
        use crate::signature::{Verdict, verdict_of};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signed.jsonl");
        let key = crate::host_key::load_or_create(&dir.path().join("key")).unwrap();
        let signed = Verdict::Signed(key.public_key().clone());
        let (writer, mut exercise) = fresh(&path);
        let mut writer = writer.signing_with(key);
        play(&mut writer, &mut exercise, first_half());
        assert_eq!(verdict_of(&path).unwrap(), Verdict::NotSigned);
        play(&mut writer, &mut exercise, second_half());
        assert!(exercise.ended_at().is_some());
        assert_eq!(verdict_of(&path).unwrap(), signed);
        let summary = DebriefEvent::Summary(Summary {
            text: "Two teams, one wave.".into(),
        });
        writer.append_debrief(&exercise, &summary).unwrap();
        assert_eq!(verdict_of(&path).unwrap(), signed);
        writer
            .append_seat(&exercise, &seat(SeatChange::Left, 1, "soc"))
            .unwrap();
        assert_eq!(verdict_of(&path).unwrap(), signed);
        assert_eq!(writer.take_signing_failure(), None);
    }

    /// Signing that fails is not a failed write: the line is recorded, the caller is told once,
    /// and no signature of the journal's earlier state is left to say it does not match.
    #[test]
    fn a_journal_that_cannot_be_signed_is_recorded_and_keeps_no_stale_signature() {
        use crate::signature::{Verdict, path_for, verdict_of};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signed.jsonl");
        let key = crate::host_key::load_or_create(&dir.path().join("key")).unwrap();
        let (writer, mut exercise) = fresh(&path);
        let mut writer = writer.signing_with(key);
        play(&mut writer, &mut exercise, whole_run());
        assert!(matches!(verdict_of(&path).unwrap(), Verdict::Signed(_)));
        // The signature's temporary name is taken by a directory: it cannot be written.
        let mut temporary = path_for(&path).into_os_string();
        temporary.push(".tmp");
        std::fs::create_dir(&temporary).unwrap();
        let summary = DebriefEvent::Summary(Summary {
            text: "Two teams, one wave.".into(),
        });
        writer.append_debrief(&exercise, &summary).unwrap();
        let why = writer.take_signing_failure().unwrap();
        assert!(why.contains("signed.jsonl.sig: cannot write"), "{why}");
        assert_eq!(writer.take_signing_failure(), None);
        assert_eq!(verdict_of(&path).unwrap(), Verdict::NotSigned);
        let loaded = read(&path).unwrap();
        assert_eq!(
            loaded.debrief.executive_summary.as_deref(),
            Some("Two teams, one wave.")
        );
        // Once it can be written again, the next line signs the journal again.
        std::fs::remove_dir(&temporary).unwrap();
        writer.append_debrief(&exercise, &summary).unwrap();
        assert!(matches!(verdict_of(&path).unwrap(), Verdict::Signed(_)));
    }

    /// Seat lines between the exercise's events come back in order with their times, change
    /// nothing in the replay (the same events, the same report but for its seats), and survive
    /// a resume that goes on writing.
    #[test]
    fn seat_lines_round_trip_and_change_nothing_in_the_exercise() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.jsonl");
        let seated = dir.path().join("seated.jsonl");
        write(&plain, whole_run());
        let scenario = Arc::new(phishing());
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let mut writer = JournalWriter::create(&seated, &header_for(&exercise))
            .unwrap()
            .with_wall_clock(fixed_wall);
        let wall = writer
            .append_seat(&exercise, &seat(SeatChange::Joined, 1, "soc"))
            .unwrap();
        assert_eq!(wall, Some(fixed_wall()));
        play(&mut writer, &mut exercise, first_half());
        let middle = exercise.now();
        let refused = SeatEvent {
            not_logged: 7,
            ..SeatEvent::refused("cert", "192.0.2.9:4000")
        };
        writer.append_seat(&exercise, &refused).unwrap();
        writer
            .append_seat(&exercise, &seat(SeatChange::Left, 1, "soc"))
            .unwrap();
        drop(writer);
        let (mut writer, _) = JournalWriter::resume(&seated).unwrap();
        writer
            .append_seat(&exercise, &seat(SeatChange::Joined, 1, "cert"))
            .unwrap();
        play(&mut writer, &mut exercise, second_half());
        drop(writer);

        let loaded = read(&seated).unwrap();
        let without = read(&plain).unwrap();
        assert_eq!(loaded.events, without.events);
        let changes: Vec<(Secs, SeatChange, &str)> = loaded
            .debrief
            .seats
            .iter()
            .map(|r| (r.at_s, r.event.change, r.event.user.as_str()))
            .collect();
        assert_eq!(
            changes,
            vec![
                (0, SeatChange::Joined, "soc"),
                (middle, SeatChange::Refused, "cert"),
                (middle, SeatChange::Left, "soc"),
                (middle, SeatChange::Joined, "cert"),
            ]
        );
        let not_logged: Vec<u64> = loaded
            .debrief
            .seats
            .iter()
            .map(|r| r.event.not_logged)
            .collect();
        assert_eq!(not_logged, vec![0, 7, 0, 0]);
        let report = Report::evaluated(&loaded.exercise, &loaded.debrief);
        let plain_report = Report::evaluated(&without.exercise, &without.debrief);
        assert_eq!(report.teams, plain_report.teams);
        assert_eq!(report.ratings, plain_report.ratings);
        assert_eq!(report.seats.len(), 2);
        assert_eq!(report.seats[0].left_at_s, Some(middle));
        assert_eq!(
            report.seats[0].joined_wall.as_deref(),
            Some("2026-11-28T09:00:00Z")
        );
        assert_eq!(report.seats[1].left_at_s, None);
    }

    /// A seat line dated before the exercise's time at its place was moved or forged.
    #[test]
    fn a_seat_line_earlier_than_the_exercise_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let scenario = Arc::new(phishing());
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let mut writer = JournalWriter::create(&path, &header_for(&exercise))
            .unwrap()
            .without_wall_clock();
        play(&mut writer, &mut exercise, first_half());
        writer
            .append_seat(&exercise, &seat(SeatChange::Joined, 1, "soc"))
            .unwrap();
        drop(writer);
        let last = std::fs::read_to_string(&path).unwrap().lines().count();
        edit_line(&path, last, |line| {
            let at = format!("\"at_s\":{},", exercise.now());
            line.replace(&at, "\"at_s\":0,")
        });
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.contains(&format!(":{last}: a seat line at 0s, earlier than")),
            "{error}"
        );
    }

    /// Debrief events written after the end come back from the journal, in order, with the
    /// wall-clock dates; the report of the replay is the report of the live record.
    #[test]
    fn the_debrief_replays_from_the_journal() {
        use crate::report::debrief::PlanField;
        use crate::report::evaluation::Rating;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debrief.jsonl");
        let scenario = Arc::new(phishing());
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let mut writer = JournalWriter::create(&path, &header_for(&exercise))
            .unwrap()
            .with_wall_clock(fixed_wall);
        play(
            &mut writer,
            &mut exercise,
            first_half().into_iter().chain(second_half()).collect(),
        );
        let rated = |objective: &str, team: Option<&str>, rating, reason: Option<&str>| {
            DebriefEvent::Rated(Rated {
                objective: objective.into(),
                team: team.map(Into::into),
                rating,
                reason: reason.map(Into::into),
                analysis: Some("Blocked late".into()),
                by: Some("facilitator".into()),
            })
        };
        let edit = |item: &str, field, value: &str| {
            DebriefEvent::PlanEdited(PlanEdited {
                item: item.into(),
                field,
                value: value.into(),
            })
        };
        let events = [
            rated("contain", Some("soc"), Rating::P, None),
            rated("contain", None, Rating::S, Some("The block held")),
            DebriefEvent::Summary(Summary {
                text: "Two teams, one wave.".into(),
            }),
            edit(
                "note-1",
                PlanField::CorrectiveAction,
                "Add indicators to the form",
            ),
            edit("note-1", PlanField::CapabilityElement, "planning"),
            DebriefEvent::PlanAdded(PlanAdded {
                item: "added-1".into(),
                objective: Some("report".into()),
                team: None,
                issue: "No shared glossary".into(),
            }),
            DebriefEvent::PlanDropped(PlanDropped {
                item: "report/report@soc".into(),
            }),
        ];
        let mut live = Debrief::default();
        for event in events {
            live.apply(&exercise, event.clone(), Some(fixed_wall()))
                .unwrap();
            writer.append_debrief(&exercise, &event).unwrap();
        }
        drop(writer);
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.debrief.started_wall, Some(fixed_wall()));
        assert_eq!(loaded.debrief.ended_wall, Some(fixed_wall()));
        live.started_wall = Some(fixed_wall());
        live.ended_wall = Some(fixed_wall());
        assert_eq!(loaded.debrief, live);
        let report = Report::evaluated(&loaded.exercise, &loaded.debrief);
        let joint = report
            .ratings
            .iter()
            .find(|r| r.objective == "contain" && r.team.is_none())
            .unwrap();
        assert_eq!(joint.rating, Some(Rating::S));
        assert_eq!(joint.reason.as_deref(), Some("The block held"));
        assert_eq!(joint.at_wall.as_deref(), Some("2026-11-28T09:00:00Z"));
        assert_eq!(
            report.executive_summary.as_deref(),
            Some("Two teams, one wave.")
        );
        let note = report
            .improvement_plan
            .iter()
            .find(|i| i.id == "note-1")
            .unwrap();
        assert_eq!(note.capability_element.as_deref(), Some("Planning"));
        assert!(report.improvement_plan.iter().any(|i| i.id == "added-1"));
        assert!(
            !report
                .improvement_plan
                .iter()
                .any(|i| i.id == "report/report@soc")
        );
        assert_eq!(report.started_wall.as_deref(), Some("2026-11-28T09:00:00Z"));
    }

    /// A debrief line the exercise refuses (a rating against the evidence without a reason) is
    /// an error naming its line, never skipped.
    #[test]
    fn a_refused_debrief_line_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.jsonl");
        let (_, _) = write(&path, whole_run());
        let mut all = std::fs::read_to_string(&path).unwrap();
        all.push_str(
            r#"{"at_s":14400,"event":"rated","objective":"contain","team":null,"rating":"U"}"#,
        );
        all.push('\n');
        let lines = all.lines().count();
        // The chain recomputed: what refuses the line is the debrief's rule.
        std::fs::write(&path, rechain(&all)).unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.contains(&format!(":{lines}: rating U differs")),
            "{error}"
        );
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
        // Fields keep the order given; lines start with their time and end with their digest.
        assert!(text.contains(
            r#"{"at_s":3600,"event":"response","team":"soc","action":"report","fields":{"summary":"Fake password mail","indicators":" "},"note":null,"answers":{"inject":"mail-wave"},"satisfies":"mail-wave.report@soc","chain":""#
        ), "{text}");
        assert!(text.contains(
            r#"{"at_s":2100,"event":"deadline","expectation":"cert-heads-up.ack@cert","chain":""#
        ));
        assert!(text.lines().all(|l| split_chain(l.as_bytes()).is_some()));
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
            l.replace("\"ttx_journal\":4", "\"ttx_journal\":5")
        });
        let error = read(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: written by a newer ttx (format 5); this ttx reads format 4: read it with a newer ttx",
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

    /// A fresh exercise recorded from its first command, with the writer that holds it.
    fn fresh(path: &Path) -> (JournalWriter, Exercise) {
        let scenario = Arc::new(phishing());
        let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let writer = JournalWriter::create(path, &header_for(&exercise)).unwrap();
        (writer, exercise)
    }

    /// The first half up to the response that sends a message (two lines in one write).
    fn up_to_the_report(writer: &mut JournalWriter, exercise: &mut Exercise) -> Command {
        let mut commands = first_half();
        let report = commands.remove(9);
        assert!(matches!(report, Command::Respond(_)));
        play(writer, exercise, commands[..9].to_vec());
        report
    }

    #[test]
    fn a_full_disk_during_a_fresh_run_leaves_no_hole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (mut writer, mut exercise) = fresh(&path);
        let report = up_to_the_report(&mut writer, &mut exercise);
        let events = exercise.execute(report).unwrap();
        // The disk fills up 30 bytes into the write: those bytes reach the file.
        writer.fail_after = Some(30);
        let error = writer.append(&exercise, &events).unwrap_err();
        assert!(error.to_string().contains("No space left"), "{error}");
        let after_failure = read(&path).unwrap();
        assert!(
            after_failure.warnings.is_empty(),
            "{:?}",
            after_failure.warnings
        );
        // Room again: the retry lands right after the last recorded line.
        writer.append(&exercise, &events).unwrap();
        play(&mut writer, &mut exercise, vec![Command::End]);
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.contains(&0), "a hole of NUL bytes in the journal");
        let loaded = read(&path).unwrap();
        assert!(!loaded.interrupted);
        assert_eq!(Report::of(&loaded.exercise), Report::of(&exercise));
    }

    #[test]
    fn a_write_that_failed_is_not_in_the_journal_even_after_quitting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (mut writer, mut exercise) = fresh(&path);
        let report = up_to_the_report(&mut writer, &mut exercise);
        let recorded = read(&path).unwrap().events;
        let events = exercise.execute(report).unwrap();
        assert!(events.len() >= 2, "{events:?}");
        let first_line = serde_json::to_vec(&Record::of(&events[0], &exercise))
            .unwrap()
            .len()
            + CHAIN_SUFFIX_LEN
            + 1;
        // The response's whole line reaches the disk, then the disk is full.
        writer.fail_after = Some(first_line + 5);
        assert!(writer.append(&exercise, &events).is_err());
        // The screen said the response failed; the facilitator quits.
        drop(writer);
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, recorded, "the failed response was kept");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }

    #[test]
    fn a_journal_deleted_cut_or_replaced_while_running_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        type Damage = fn(&Path);
        let damages: [(Damage, &str); 4] = [
            (|p| std::fs::remove_file(p).unwrap(), "was deleted"),
            (
                |p| {
                    let file = OpenOptions::new().write(true).open(p).unwrap();
                    file.set_len(10).unwrap();
                },
                "was cut short",
            ),
            (
                |p| {
                    let mut file = OpenOptions::new().append(true).open(p).unwrap();
                    file.write_all(b"{}\n").unwrap();
                },
                "was written to by another program",
            ),
            (
                |p| {
                    let other = p.with_extension("new");
                    std::fs::write(&other, std::fs::read(p).unwrap()).unwrap();
                    std::fs::rename(&other, p).unwrap();
                },
                "was replaced by another file",
            ),
        ];
        for (damage, said) in damages {
            let _ = std::fs::remove_file(&path);
            let (mut writer, mut exercise) = fresh(&path);
            play(&mut writer, &mut exercise, vec![Command::Start]);
            damage(&path);
            let events = exercise.execute(Command::Pause).unwrap();
            let error = writer.append(&exercise, &events).unwrap_err();
            assert!(matches!(error, JournalError::Changed { .. }), "{error}");
            assert!(error.to_string().contains(said), "{error}");
            assert!(error.to_string().contains("stopped the clock"), "{error}");
        }
    }

    #[test]
    fn any_edit_of_a_finished_journal_is_named_by_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, whole_run());
        let original = std::fs::read_to_string(&path).unwrap();
        let count = original.lines().count();
        let shown = path.display().to_string();
        for number in 1..=count {
            std::fs::write(&path, &original).unwrap();
            // One digit of the line's own content changes (the header's seed, a line's time).
            edit_raw(&path, number, |l| {
                let end = l.len() - CHAIN_SUFFIX_LEN;
                let at = match number {
                    1 => l.find("\"seed\":").unwrap() + 7,
                    _ => l[..end].find(|c: char| c.is_ascii_digit()).unwrap(),
                };
                let digit = l.as_bytes()[at];
                let other = if digit == b'9' {
                    '8'
                } else {
                    (digit + 1) as char
                };
                format!("{}{other}{}", &l[..at], &l[at + 1..])
            });
            let error = read(&path).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("{shown}:{number}: "))
                    && error.contains("changed after it was written"),
                "line {number}: {error}"
            );
        }
        // A line taken out is named by the line that now stands in its place.
        std::fs::write(&path, &original).unwrap();
        let mut lines: Vec<&str> = original.lines().collect();
        lines.remove(4);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(error.starts_with(&format!("{shown}:5: ")), "{error}");
    }

    /// Each line of a journal without its `chain` key, as `sed 's/,"chain":"[0-9a-f]*"//'`
    /// leaves it.
    fn unchain(text: &str) -> Vec<String> {
        text.lines()
            .map(|l| {
                let (open, _) = split_chain(l.as_bytes()).unwrap();
                String::from_utf8([open, b"}"].concat()).unwrap()
            })
            .collect()
    }

    /// Taking the chain off a journal of a format that always has it, then editing it, would
    /// otherwise read as a journal of a ttx before the chain, the edit accepted.
    #[test]
    fn a_chained_format_without_its_chain_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, whole_run());
        let shown = path.display().to_string();
        let unchained = unchain(&std::fs::read_to_string(&path).unwrap());
        let edited: Vec<String> = unchained
            .iter()
            .map(|l| l.replace("Fake password mail", "Nothing to see"))
            .collect();
        assert_ne!(edited, unchained);
        for lines in [&unchained, &edited] {
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            let error = read(&path).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!(
                    "{shown}:1: the header has no hash-chain digest (`chain`) though every \
                     journal of format 4 has one"
                )),
                "{error}"
            );
        }
    }

    #[test]
    fn a_journal_without_the_chain_still_reads_but_not_half_of_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (_, events) = write(&path, first_half());
        let chained = std::fs::read_to_string(&path).unwrap();
        let mut unchained = unchain(&chained);
        // As a ttx before the chain wrote it: format 2 at the latest.
        unchained[0] = unchained[0].replacen("\"ttx_journal\":4", "\"ttx_journal\":2", 1);
        std::fs::write(&path, unchained.join("\n") + "\n").unwrap();
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, events);
        // Resuming it continues without the chain, and it still reads.
        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        assert!(writer.chain.is_none());
        let mut exercise = loaded.exercise;
        play(&mut writer, &mut exercise, vec![Command::End]);
        drop(writer);
        assert!(!read(&path).unwrap().interrupted);
        assert!(!std::fs::read_to_string(&path).unwrap().contains("chain"));
        // The chain taken off the header alone is an edit.
        let mut lines: Vec<&str> = chained.lines().collect();
        lines[0] = &unchained[0];
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.contains(":2: the line has a hash-chain digest"),
            "{error}"
        );
    }

    #[test]
    fn a_byte_order_mark_and_trailing_whitespace_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (_, events) = write(&path, first_half());
        let text = std::fs::read_to_string(&path).unwrap();
        // What an editor may leave: a BOM, spaces and `\r` at line ends, blank lines at the end.
        let edited = format!(
            "\u{feff}{}\n  \n\n",
            text.lines()
                .map(|l| format!("{l} \r"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::fs::write(&path, &edited).unwrap();
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, events);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        // A resume removes the blank lines at the end before it appends.
        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        let mut exercise = loaded.exercise;
        play(&mut writer, &mut exercise, vec![Command::End]);
        drop(writer);
        assert!(!read(&path).unwrap().interrupted);
    }

    #[test]
    fn a_blank_line_between_events_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(3, "");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}:4: a blank line between events; a journal has one event on every line (was it edited?)",
                path.display()
            )
        );
    }

    #[test]
    fn a_speed_out_of_bounds_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        edit_line(&path, 1, |l| l.replace("\"speed\":1.0", "\"speed\":1e-20"));
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.contains(":1: the header's speed 1e-20 is out of range"),
            "{error}"
        );
        write_fresh(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text
            .lines()
            .position(|l| l.contains("\"speed\":2.5"))
            .unwrap()
            + 1;
        edit_line(&path, line, |l| {
            l.replace("\"speed\":2.5", "\"speed\":1e308")
        });
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.contains(&format!(":{line}: speed 1e308 is out of range")),
            "{error}"
        );
    }

    #[test]
    fn journal_names_are_files_and_default_names_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let scenario = Arc::new(phishing());
        let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let header = header_for(&exercise);
        let error = JournalWriter::create(dir.path(), &header).unwrap_err();
        assert!(matches!(error, JournalError::IsDirectory { .. }), "{error}");
        assert!(!error.to_string().contains("ttx resume"), "{error}");
        let error = read_journal(dir.path()).unwrap_err();
        assert!(matches!(error, JournalError::IsDirectory { .. }), "{error}");
        let first = JournalWriter::create_unique(dir.path(), "run", &header).unwrap();
        let second = JournalWriter::create_unique(dir.path(), "run", &header).unwrap();
        assert_eq!(first.path(), dir.path().join("run.jsonl"));
        assert_eq!(second.path(), dir.path().join("run-2.jsonl"));
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
