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
//!   A join carries `"name"` where the roster names the seat's holder. A departure with
//!   `"lost":true` is a connection that died with a server that stopped without a goodbye: a
//!   resume writes it before anything else, at the journal's last `at_s` and `wall` (when the
//!   server was last known alive). Readers before these keys ignore them.
//!   A seat line earlier than the exercise's time at that point is refused.
//! - Format 5 (scenario format 3, the substance of a request): a clarification's `response`
//!   carries `"insufficient": ["field", ...]`; `judged` records a judgement
//!   (`{"at_s":7200,"event":"judged","expectation":"detect.rfa@us","insufficient":["indicators"],"reason":"no timestamps","by":"eva"}`,
//!   an empty list taking the evaluator's earlier one back); `final` makes the report final,
//!   after which no judgement, rating or plan edit is taken; `skipped_unless` records a
//!   scheduled inject not released because its `unless` had fired. Judgements and `final`
//!   may follow `ended`, at its time.
//! - Format 6 (the discussion, discussion.md): `answer` records a version of a team's answer to
//!   a discussion question, while its module is current (the last version is the answer):
//!   `{"at_s":7200,"event":"answer","team":"aldera","question":"who-calls","text":"…"}`;
//!   `feedback` records a Participant Feedback Form after `ended`, with no name (the seat's team
//!   and role, never its user):
//!   `{"at_s":14400,"event":"feedback","team":"aldera","role":"team","ratings":[5,4,null,3,5,4],"strengths":["…"],"improvements":[],"comments":null}`;
//!   a `note` with `"hot_wash":true` is a point of the hot wash about its objective, after
//!   `ended`. Answers and forms are the debrief's: they never reach the engine.
//! - Added to format 6 later, without a new format number (debrief lines change nothing in the
//!   replay of the exercise, and are appended to journals of any format; a ttx without them
//!   refuses such a line at its number, naming the unknown `fact` or `root_cause`): `fact`
//!   records a fact about the exercise for the report's cover, entered in the debrief in place
//!   of the scenario's (an empty `value` takes the entry back):
//!   `{"at_s":14400,"event":"fact","fact":"handling","value":"TLP:AMBER"}`, `fact` one of
//!   `sponsor`, `location`, `dates`, `handling`, `contact`, the value one line of at most 300
//!   characters; a `plan_edited` line's `field` may be `root_cause`.
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
//!
//! # The code
//!
//! `record` is the line format of events (the wire codec: an event to its line and back),
//! `chain` the hash chain, `reader` the checked replay, `writer` the locked, synced, append-only
//! writer that repairs, chains and signs; `error` what goes wrong with a journal.

mod chain;
mod error;
mod reader;
mod record;
#[cfg(test)]
mod testing;
mod writer;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::debrief::{Debrief, DebriefEvent};
use crate::engine::{Event, Exercise, Settings};
use crate::scenario::{Scenario, Secs};

pub use chain::sha256_hex;
pub use error::JournalError;
pub use reader::{read_journal, read_journal_from, read_outcome};
pub use writer::JournalWriter;

/// A line of a journal as a headless run writes it: an event of the exercise, or a debrief
/// entry made at scenario time `at` (a team's answer).
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Event(Event),
    Debrief { at: Secs, event: DebriefEvent },
}

/// The journal format this ttx writes; it reads this one and every earlier one. Format 2 added
/// free messages (`said`) and responses that stand ready (`ready`); format 3 the wall clock
/// (`wall`) and the debrief's lines (`rated`, `summary`, `plan_added`, `plan_edited`,
/// `plan_dropped`); format 4 the seat lines of `ttx serve` (`seat`); format 5 the substance of
/// a request (scenario format 3: `insufficient` on a clarification's `response`, `judged`,
/// `final`, `skipped_unless`); format 6 the discussion (`answer`, `feedback`, `hot_wash` on a
/// `note`), lines an older ttx cannot read.
pub const FORMAT: u64 = 6;
/// The first format whose every journal has the hash chain: the chain came while ttx wrote
/// formats 1 and 2, so a journal of those may lack it; every ttx that wrote format 3 or later
/// wrote it.
pub const CHAINED_FROM: u64 = 3;

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
    /// `source` is taken as given where it is a `String` (a headless run's, no longer needed),
    /// copied where it is borrowed.
    pub fn new(
        scenario_file: &str,
        source: impl Into<String>,
        scenario: &Scenario,
        settings: Settings,
    ) -> Self {
        let source = source.into();
        Header {
            ttx_journal: FORMAT,
            title: scenario.title.clone(),
            scenario_file: scenario_file.to_string(),
            scenario_sha256: sha256_hex(&source),
            scenario_source: source,
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

/// A journal read back and replayed.
#[derive(Debug, Clone)]
pub struct LoadedJournal {
    pub header: Header,
    pub scenario: Arc<Scenario>,
    /// The exercise as the journal leaves it.
    pub exercise: Exercise,
    /// Every event in order; empty when read by `read_outcome`, which replays them without
    /// keeping them.
    pub events: Vec<Event>,
    /// Things a person should know, such as a cut-off last line.
    pub warnings: Vec<String>,
    /// The journal has no `ended` event: the exercise stopped without ending.
    pub interrupted: bool,
    /// The debrief written so far and the wall-clock dates (empty for a format-1 or -2
    /// journal).
    pub debrief: Debrief,
    /// The scenario time of the last exercise-event or seat line: the last moment a server was
    /// serving it, which for a crashed server is when its connections were lost. It may be later
    /// than the exercise's time, checkpointed only every few seconds, since seat lines carry the
    /// live clock. Debrief lines do not count (`ttx debrief` may write them days later).
    pub last_at_s: Secs,
    /// The wall-clock time of the last exercise-event or seat line that has one, for the same
    /// moment.
    pub last_wall: Option<OffsetDateTime>,
}
