//! Reading a journal: every line checked and replayed (see the journal's module
//! documentation for what is accepted and what is refused).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Take};
use std::path::Path;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use serde::Deserialize;

use super::chain::{chain_holds, split_chain};
use super::error::{JournalError, io_error, json_message, open_error, show};
use super::record::{Kind, Record};
use super::{CHAINED_FROM, FORMAT, Header, LoadedJournal, sha256_hex};
use crate::debrief::{Debrief, SeatRecord, parse_wall};
use crate::engine::{Event, Exercise, Rules};
use crate::limits::{MAX_JOURNAL_BYTES, MAX_LINE_BYTES};
use crate::scenario::Scenario;
use crate::scenario::Secs;

/// Reads and replays a journal (see `journal` for what is checked). It takes no lock: reading
/// the journal of a running exercise is fine, and may end on a cut-off line.
pub fn read_journal(path: &Path) -> Result<LoadedJournal, JournalError> {
    read_path(path, Keep::Events)
}

/// Reads and replays a journal as `read_journal` does, with the same checks, but keeps only
/// what it leaves (the exercise, the debrief): `events` is empty. What a report needs, in the
/// memory of the exercise alone.
pub fn read_outcome(path: &Path) -> Result<LoadedJournal, JournalError> {
    read_path(path, Keep::Outcome)
}

/// What a read keeps of the events it replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    Events,
    Outcome,
}

fn read_path(path: &Path, keep: Keep) -> Result<LoadedJournal, JournalError> {
    if path.is_dir() {
        return Err(JournalError::IsDirectory { path: show(path) });
    }
    let file = File::open(path).map_err(|source| open_error(path, source))?;
    read_from(&file, path, keep).map(|(loaded, _, _)| loaded)
}

/// Reads and replays a journal held in memory; `name` stands for its path in error messages.
/// The same checks as `read_journal` (a fuzzing and testing entry point).
pub fn read_journal_from(bytes: &[u8], name: &str) -> Result<LoadedJournal, JournalError> {
    read_lines(bytes, bytes.len() as u64, Path::new(name), Keep::Events)
        .map(|(loaded, _, _)| loaded)
}

/// How a journal ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tail {
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

pub(super) fn read_from(file: &File, path: &Path, keep: Keep) -> Result<ReadBack, JournalError> {
    let size = crate::files::check_size(file, path, MAX_JOURNAL_BYTES).map_err(|e| match e {
        crate::files::ReadError::Io { source, .. } => io_error(path, "read", source),
        _ => JournalError::TooBig {
            path: show(path),
            size: file.metadata().map_or(0, |m| m.len()),
        },
    })?;
    read_lines(file, size, path, keep)
}

/// Reads and replays the journal's lines from `input`, which holds `size` bytes.
fn read_lines(
    input: impl Read + Send,
    size: u64,
    path: &Path,
    keep: Keep,
) -> Result<ReadBack, JournalError> {
    let shown = show(path);
    if size > MAX_JOURNAL_BYTES {
        return Err(JournalError::TooBig { path: shown, size });
    }
    let mut lines = Lines::new(input, &shown);
    let Some((_, content)) = lines.next()? else {
        return Err(JournalError::Empty { path: shown });
    };
    let header = parse_header(content, &shown)?;
    // The header's own digest starts the chain; a header without one is from a ttx before the
    // chain, whose lines are read without it.
    let chain = match split_chain(content) {
        Some((open, digest)) => {
            if !chain_holds("", open, digest) {
                return Err(line_error(&shown, 1, edited("the header")));
            }
            Some(digest.to_string())
        }
        None if header.ttx_journal >= CHAINED_FROM => {
            return Err(line_error(
                &shown,
                1,
                format!(
                    "the header has no hash-chain digest (`chain`) though every journal of \
                     format {} has one on every line: the chain was taken off after the exercise",
                    header.ttx_journal
                ),
            ));
        }
        None => None,
    };
    // The header's line, the whole scenario escaped, is not held while the scenario loads (the
    // peak of reading a big journal): the header has it.
    lines.buf = Vec::new();
    let framer = Mutex::new(Framer {
        lines,
        chain,
        done: false,
    });
    // The event lines are framed and their chain checked on the other core, while this one
    // loads the scenario and replays the lines framed before: checking the chain is a tenth of
    // reading a journal. At most `BATCHES_AHEAD` batches of lines wait, so a big journal is never
    // held whole.
    let replayed = std::thread::scope(|scope| {
        let (batches, framed) = std::sync::mpsc::sync_channel::<LineBatch>(BATCHES_AHEAD);
        // Batches replayed go back to be filled again.
        let (spares, spare) = std::sync::mpsc::channel::<LineBatch>();
        let framer_thread = {
            let framer = &framer;
            move || {
                let mut framer = framer.lock().expect("held by this thread only");
                loop {
                    let mut batch = spare.try_recv().unwrap_or_default();
                    let more = framer.fill(&mut batch);
                    // A send fails when the replay stopped at an error.
                    if batches.send(batch).is_err() || !more {
                        return;
                    }
                }
            }
        };
        let framing = if frames_here() {
            None
        } else {
            std::thread::Builder::new()
                .spawn_scoped(scope, framer_thread)
                .ok()
        };
        let scenario = load_checked(&header, &shown)?;
        // A journal is replayed by the rules of the ttx that wrote it.
        let rules = if header.ttx_journal < 2 {
            Rules::Format1
        } else {
            Rules::Format2
        };
        let mut replay = Replay {
            exercise: Exercise::with_rules(Arc::new(scenario), header.settings(), rules),
            events: Vec::new(),
            debrief: Debrief::default(),
            last_at_s: 0,
            last_wall: None,
            keep,
            shown: &shown,
        };
        match framing {
            Some(_) => {
                for mut batch in framed {
                    replay.batch(&mut batch)?;
                    // A batch that held a line far longer than most is not kept for another.
                    if batch.bytes.capacity() <= 2 * BATCH_BYTES {
                        let _ = spares.send(batch);
                    }
                }
            }
            // No thread to be had (a process limit): framed here, a batch at a time.
            None => {
                let mut framer = framer.lock().expect("not poisoned");
                let mut batch = LineBatch::default();
                loop {
                    let more = framer.fill(&mut batch);
                    replay.batch(&mut batch)?;
                    if !more {
                        break;
                    }
                }
            }
        }
        Ok(replay)
    });
    let Framer { lines, chain, .. } = framer.into_inner().expect("not poisoned");
    let Replay {
        mut exercise,
        events,
        debrief,
        last_at_s,
        last_wall,
        ..
    } = replayed?;
    exercise.shrink_to_fit();
    let mut tail = lines.tail;
    if let (Some((_, keep)), Tail::Clean) = (lines.blank, tail) {
        tail = Tail::Blank { keep };
    }
    let loaded = LoadedJournal {
        scenario: Arc::clone(exercise.scenario()),
        interrupted: exercise.ended_at().is_none(),
        header,
        exercise,
        events,
        warnings: lines.warnings,
        debrief,
        last_at_s,
        last_wall,
    };
    Ok((loaded, tail, chain))
}

#[cfg(test)]
thread_local! {
    /// Set by a test to frame on the calling thread, as when no thread can be had.
    static FRAMES_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the event lines are framed on the calling thread: only when a test asks.
fn frames_here() -> bool {
    #[cfg(test)]
    return FRAMES_HERE.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// How many bytes of lines a batch holds (a line more), and how many batches may wait: more
/// waiting gained no time at 10,000 injects, and a hostile journal's lines may be 16 MiB each.
const BATCH_BYTES: usize = 64 << 10;
const BATCHES_AHEAD: usize = 2;

/// How many bytes of the journal one read asks for.
const READ_BYTES: usize = 64 << 10;

/// Event lines framed and their chain checked, one after the other, and, when the framing
/// stopped at a line it refused, why.
#[derive(Default)]
struct LineBatch {
    /// The number of the first line.
    first: u64,
    bytes: Vec<u8>,
    /// Where each line ends in `bytes`.
    ends: Vec<usize>,
    refused: Option<JournalError>,
}

impl LineBatch {
    /// Each line's number and text, in order.
    fn lines(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        (self.first..)
            .zip(starts.zip(&self.ends))
            .map(|(number, (start, &end))| (number, &self.bytes[start..end]))
    }
}

/// The event lines after the header, framed and their chain checked.
struct Framer<'p, R> {
    lines: Lines<'p, R>,
    /// The digest of the last line framed, the header's at first; none in a journal without the
    /// chain.
    chain: Option<String>,
    /// A line was refused, or the lines ended.
    done: bool,
}

impl<R: Read> Framer<'_, R> {
    /// Fills `batch` afresh with the next lines; false when no more will come.
    fn fill(&mut self, batch: &mut LineBatch) -> bool {
        batch.bytes.clear();
        batch.ends.clear();
        batch.refused = None;
        while !self.done && batch.bytes.len() < BATCH_BYTES {
            match self.frame() {
                Ok(Some((number, content))) => {
                    if batch.ends.is_empty() {
                        batch.first = number;
                    }
                    batch.bytes.extend_from_slice(content);
                    batch.ends.push(batch.bytes.len());
                }
                Ok(None) => self.done = true,
                Err(refused) => {
                    batch.refused = Some(refused);
                    self.done = true;
                }
            }
        }
        !self.done
    }

    /// The next line, its chain checked.
    fn frame(&mut self) -> Result<Option<(u64, &[u8])>, JournalError> {
        let Framer { lines, chain, .. } = self;
        let shown = lines.path;
        let Some((number, content)) = lines.next()? else {
            return Ok(None);
        };
        // The line is read whole: its `chain` key is not part of a record and is ignored.
        match (chain, split_chain(content)) {
            (Some(prev), Some((open, digest))) => {
                if !chain_holds(prev, open, digest) {
                    return Err(line_error(shown, number, edited("the line")));
                }
                // The previous digest's text is written over, not made anew.
                prev.clear();
                prev.push_str(digest);
            }
            (Some(_), None) => {
                return Err(line_error(
                    shown,
                    number,
                    "the line has no hash-chain digest (`chain`) though every line of this \
                     journal has one: it was edited or added after the exercise"
                        .into(),
                ));
            }
            (None, Some(_)) => {
                return Err(line_error(
                    shown,
                    number,
                    "the line has a hash-chain digest (`chain`) but the header has none: the \
                     header was edited after the exercise"
                        .into(),
                ));
            }
            (None, None) => {}
        }
        Ok(Some((number, content)))
    }
}

/// A journal's event lines replayed so far.
struct Replay<'p> {
    exercise: Exercise,
    events: Vec<Event>,
    debrief: Debrief,
    /// The last exercise-event or seat line: the last moment a server was serving, which for
    /// one that crashed is when its connections were lost. Debrief lines do not count: `ttx
    /// debrief` may write them to an interrupted journal long after.
    last_at_s: Secs,
    last_wall: Option<OffsetDateTime>,
    keep: Keep,
    shown: &'p str,
}

impl Replay<'_> {
    /// Replays a batch's lines, then refuses the line it was refused at, if any.
    fn batch(&mut self, batch: &mut LineBatch) -> Result<(), JournalError> {
        for (number, content) in batch.lines() {
            self.line(number, content)?;
        }
        batch.refused.take().map_or(Ok(()), Err)
    }

    fn line(&mut self, number: u64, content: &[u8]) -> Result<(), JournalError> {
        let record = Record::read(content).map_err(|m| line_error(self.shown, number, m))?;
        let wall = match &record.wall {
            Some(text) => Some(parse_wall(text).map_err(|m| line_error(self.shown, number, m))?),
            None => None,
        };
        if let Kind::Seat(event) = record.kind {
            if record.at_s < self.exercise.now() {
                return Err(line_error(
                    self.shown,
                    number,
                    format!(
                        "a seat line at {}s, earlier than the exercise's time there ({}s)",
                        record.at_s,
                        self.exercise.now()
                    ),
                ));
            }
            event
                .check()
                .map_err(|m| line_error(self.shown, number, m))?;
            self.last_at_s = self.last_at_s.max(record.at_s);
            if wall.is_some() {
                self.last_wall = wall;
            }
            self.debrief.seats.push(SeatRecord {
                at_s: record.at_s,
                at_wall: wall,
                event,
            });
            return Ok(());
        }
        if let Some(event) = record.kind.debrief() {
            self.debrief
                .apply_at(&self.exercise, event, record.at_s, wall)
                .map_err(|m| line_error(self.shown, number, m))?;
            return Ok(());
        }
        let at_s = record.at_s;
        let event = record
            .into_event(&self.exercise)
            .map_err(|m| line_error(self.shown, number, m))?;
        self.exercise
            .apply_recorded(&event)
            .map_err(|e| line_error(self.shown, number, e.to_string()))?;
        self.last_at_s = self.last_at_s.max(at_s);
        if wall.is_some() {
            self.last_wall = wall;
        }
        match event {
            Event::Started { .. } => self.debrief.started_wall = wall,
            Event::Ended { .. } => self.debrief.ended_wall = wall,
            Event::Noted { .. } => self.debrief.note_walls.push(wall),
            _ => {}
        }
        if self.keep == Keep::Events {
            self.events.push(event);
        }
        Ok(())
    }
}

/// A journal's lines, read one at a time: numbered, without their `\n` or trailing whitespace,
/// blank lines after the header set aside (an error if another line follows them), a last line
/// cut off by a crash ignored with a warning.
struct Lines<'p, R> {
    reader: BufReader<Take<R>>,
    buf: Vec<u8>,
    path: &'p str,
    /// The number of the last line read.
    number: u64,
    /// Where the line after the last one read starts.
    offset: u64,
    tail: Tail,
    /// The first of the blank lines read since the last line with content, and where it starts.
    blank: Option<(u64, u64)>,
    warnings: Vec<String>,
}

impl<'p, R: Read> Lines<'p, R> {
    fn new(input: R, path: &'p str) -> Self {
        Lines {
            // Read 64 KiB at a time, as the batches are made: with the default 8 KiB, a
            // 10,000-inject journal took 1,400 reads.
            reader: BufReader::with_capacity(READ_BYTES, input.take(MAX_JOURNAL_BYTES)),
            buf: Vec::new(),
            path,
            number: 0,
            offset: 0,
            tail: Tail::Clean,
            blank: None,
            warnings: Vec::new(),
        }
    }

    /// The next line with content and its number, or `None` at the end.
    fn next(&mut self) -> Result<Option<(u64, &[u8])>, JournalError> {
        loop {
            self.buf.clear();
            let read = (&mut self.reader)
                .take(MAX_LINE_BYTES as u64 + 2)
                .read_until(b'\n', &mut self.buf)
                .map_err(|source| io_error(Path::new(self.path), "read", source))?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            let number = self.number;
            let terminated = self.buf.last() == Some(&b'\n');
            let mut content = self.buf.as_slice();
            if terminated {
                content = &content[..content.len() - 1];
            }
            if number == 1 {
                // A byte-order mark, as some editors write: not part of the header.
                content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
            }
            if content.len() > MAX_LINE_BYTES {
                return Err(line_error(
                    self.path,
                    number,
                    format!(
                        "the line is longer than {MAX_LINE_BYTES} bytes (16 MiB); this is not a ttx journal, or it is damaged"
                    ),
                ));
            }
            // Trailing whitespace (a `\r`, spaces an editor left) is not part of the line.
            content = content.trim_ascii_end();
            if number > 1 && content.is_empty() {
                self.blank.get_or_insert((number, self.offset));
                self.offset += read as u64;
                continue;
            }
            if let Some((line, _)) = self.blank {
                return Err(line_error(
 self.path,
                    line,
                    "a blank line between events; a journal has one event on every line (was it edited?)"
                        .into(),
                ));
            }
            if !terminated {
                if serde_json::from_slice::<serde::de::IgnoredAny>(content).is_err() {
                    if number == 1 {
                        return Err(line_error(
 self.path,
                            1,
                            "the journal header was cut off (the exercise was interrupted as it was created); nothing to read".into(),
                        ));
                    }
                    self.warnings.push(format!(
                        "line {number} was cut off (the exercise was interrupted while writing); ignored"
                    ));
                    self.tail = Tail::CutOff {
                        keep: self.offset,
                        line: number,
                    };
                    return Ok(None);
                }
                self.tail = Tail::NoNewline;
            }
            self.offset += read as u64;
            // Borrowed again, whole, for the borrow checker: `content` is a part of it.
            let start = content.as_ptr() as usize - self.buf.as_ptr() as usize;
            let len = content.len();
            return Ok(Some((number, &self.buf[start..start + len])));
        }
    }
}

fn line_error(path: &str, line: u64, message: String) -> JournalError {
    JournalError::Line {
        path: path.to_string(),
        line,
        message,
    }
}

fn edited(what: &str) -> String {
    format!(
        "{what} was changed after it was written: it does not match the journal's hash chain \
         (each line carries a digest of the line before it and of itself)"
    )
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
    // A header of a format this ttx reads is read whole at once; any other is read again for
    // its format number alone, to say why it is refused. The header holds the whole scenario:
    // reading it twice was a tenth of reading a 10,000-inject journal's header.
    if is_object
        && let Ok(header) = serde_json::from_slice::<Header>(content)
        && (1..=FORMAT).contains(&header.ttx_journal)
    {
        crate::clock::check_speed(header.speed)
            .map_err(|reason| line_error(format!("the header's {reason}")))?;
        return Ok(header);
    }
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

#[cfg(test)]
mod tests {
    use std::fs::OpenOptions;
    use std::io::Write;

    use super::*;
    use crate::debrief::{
        DebriefEvent, ExerciseFact, FactEntered, PlanAdded, PlanDropped, PlanEdited, Rated,
        SeatChange, SeatEvent, Summary,
    };
    use crate::engine::{Command, NoteKind, Settings};
    use crate::journal::JournalWriter;
    use crate::journal::chain::CHAIN_SUFFIX_LEN;
    use crate::journal::testing::*;
    use crate::report::Report;
    use crate::testing::{first_half, phishing, respond, second_half};

    /// The discussion's lines (format 6) come back from the journal: every version of an
    /// answer at its time, the feedback forms, the hot wash's points with their wall-clock
    /// time; an answer line edited to a question whose module is not current, or a hot-wash
    /// point moved before the end, is refused at its line even with the chain recomputed.
    #[test]
    fn the_discussion_replays_from_the_journal_and_is_checked() {
        use crate::debrief::{Answer, Feedback, FeedbackForm, FeedbackRole};
        use crate::engine::NoteKind;
        let modules = r#"    modules: [
        (id: "detect", title: "Module 1", from: "0m", narrative: "Mails arrive.",
         questions: [(id: "who-tells", text: "Who tells the CERT?", to: ["soc"])]),
        (id: "recover", title: "Module 2", from: "1h", narrative: "The wave ebbs.",
         questions: [(id: "lessons", text: "What would you change?", objective: "contain")]),
    ],
)"#;
        let end = SOURCE.rfind(')').unwrap();
        let source = format!("{}{modules}", &SOURCE[..end]);
        let scenario = Arc::new(crate::scenario::load_scenario("d.ron", &source).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("discussion.jsonl");
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let header = Header::new("d.ron", &source, &scenario, exercise.settings());
        let mut writer = JournalWriter::create(&path, &header)
            .unwrap()
            .with_wall_clock(fixed_wall);
        let answer = |text: &str| {
            DebriefEvent::Answer(Answer {
                team: "soc".into(),
                question: "who-tells".into(),
                text: text.into(),
            })
        };
        play(
            &mut writer,
            &mut exercise,
            vec![Command::Start, Command::AdvanceTo(600)],
        );
        writer
            .append_debrief(&exercise, &answer("The SOC lead"))
            .unwrap();
        writer
            .append_debrief(&exercise, &answer("The SOC lead, by phone"))
            .unwrap();
        play(
            &mut writer,
            &mut exercise,
            vec![Command::AdvanceTo(3 * 3600), Command::End],
        );
        let form = Feedback::of(
            FeedbackForm {
                ratings: vec![Some(4), None, Some(5), Some(3), Some(5), Some(4)],
                strengths: vec!["Real injects".into()],
                improvements: vec!["Shorter breaks".into()],
                comments: Some("More please".into()),
            },
            Some("cert".into()),
            FeedbackRole::Team,
        );
        writer
            .append_debrief(&exercise, &DebriefEvent::Feedback(form.clone()))
            .unwrap();
        play(
            &mut writer,
            &mut exercise,
            vec![Command::HotWash {
                objective: scenario.objective_ix("contain").unwrap(),
                kind: NoteKind::Improvement,
                text: "Nobody owned the blocklist".into(),
            }],
        );
        drop(writer);

        let loaded = read(&path).unwrap();
        let answers: Vec<(crate::scenario::Secs, &str)> = loaded
            .debrief
            .answers
            .iter()
            .map(|g| (g.at, g.answer.text.as_str()))
            .collect();
        assert_eq!(
            answers,
            vec![(600, "The SOC lead"), (600, "The SOC lead, by phone")]
        );
        assert_eq!(loaded.debrief.forms, vec![form]);
        let note = loaded.exercise.notes().last().unwrap();
        assert!(note.hot_wash);
        assert_eq!(loaded.debrief.note_walls, vec![Some(fixed_wall())]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\"event\":\"answer\",\"team\":\"soc\""),
            "{text}"
        );
        assert!(text.contains("\"hot_wash\":true"), "{text}");
        assert!(!text.contains("\"user\""), "a form is anonymous: {text}");

        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map(|n| n + 1)
                .unwrap()
        };
        let shown = path.display().to_string();
        let original = text.clone();
        let answered = line_of("The SOC lead\"");
        edit_line(&path, answered, |l| l.replace("who-tells", "lessons"));
        assert_eq!(
            read(&path).unwrap_err().to_string(),
            format!(
                "{shown}:{answered}: module `recover` is not yet current at 10m: it begins at 1h"
            )
        );
        std::fs::write(&path, &original).unwrap();
        let hot = line_of("hot_wash");
        edit_line(&path, hot, |l| l.replace("\"objective\":\"contain\",", ""));
        assert_eq!(
            read(&path).unwrap_err().to_string(),
            format!("{shown}:{hot}: a point of the hot wash that names no objective")
        );
    }

    /// Found in review: a seat line's name, user and address were not checked when read, while
    /// a fact line's were. A name edited to hold a terminal escape is refused with its line.
    #[test]
    fn a_seat_line_with_a_control_character_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let scenario = Arc::new(phishing());
        let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        let mut writer = JournalWriter::create(&path, &header_for(&exercise))
            .unwrap()
            .without_wall_clock();
        let joined = SeatEvent {
            name: Some("Ana\u{1b}]0;owned\u{7}".into()),
            ..seat(SeatChange::Joined, 1, "soc")
        };
        writer.append_seat(&exercise, &joined).unwrap();
        drop(writer);
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.ends_with(
                ":2: a seat line's `name` must not hold control characters (a tab, a line break)"
            ),
            "{error}"
        );
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
        use crate::debrief::PlanField;
        use crate::debrief::evaluation::Rating;
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
            edit("note-1", PlanField::RootCause, "No one owns the form"),
            DebriefEvent::Fact(FactEntered {
                fact: ExerciseFact::Sponsor,
                value: "Ministry of Justice".into(),
            }),
            DebriefEvent::Fact(FactEntered {
                fact: ExerciseFact::Handling,
                value: "TLP:AMBER".into(),
            }),
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
        // The observations' dates are the journal's too.
        live.note_walls = vec![Some(fixed_wall()); loaded.exercise.notes().len()];
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
        assert_eq!(note.root_cause.as_deref(), Some("No one owns the form"));
        assert_eq!(
            report.exercise.sponsor.as_deref(),
            Some("Ministry of Justice")
        );
        assert_eq!(report.exercise.handling.as_deref(), Some("TLP:AMBER"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(r#""event":"fact","fact":"handling","value":"TLP:AMBER","chain""#),
            "{text}"
        );
        assert!(text.contains(r#""field":"root_cause""#), "{text}");
        assert!(report.improvement_plan.iter().any(|i| i.id == "added-1"));
        assert!(
            !report
                .improvement_plan
                .iter()
                .any(|i| i.id == "report/report@soc")
        );
        assert_eq!(report.started_wall.as_deref(), Some("2026-11-28T09:00:00Z"));
    }

    /// A fact line is checked on replay as when it was entered: one edited to hold a line
    /// break, or to name a fact there is not, is refused at its line.
    #[test]
    fn a_fact_line_is_checked_on_replay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts.jsonl");
        let (_, _) = write(&path, whole_run());
        let mut all = std::fs::read_to_string(&path).unwrap();
        let good = r#"{"at_s":14400,"event":"fact","fact":"dates","value":"11 March 2027"}"#;
        all.push_str(good);
        all.push('\n');
        let lines = all.lines().count();
        std::fs::write(&path, rechain(&all)).unwrap();
        let loaded = read(&path).unwrap();
        assert_eq!(
            loaded.debrief.fact(ExerciseFact::Dates),
            Some("11 March 2027")
        );
        let shown = path.display().to_string();
        for (edit, said) in [
            (
                ("11 March 2027", "11 March\\n2027"),
                "the exercise dates is one line: no line break or other control character",
            ),
            (
                ("\"dates\"", "\"weather\""),
                "unknown variant `weather`, expected one of `sponsor`, `location`, `dates`, \
                 `handling`, `contact`",
            ),
        ] {
            std::fs::write(&path, rechain(&all.replace(edit.0, edit.1))).unwrap();
            let error = read(&path).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("{shown}:{lines}: {said}")),
                "{error}"
            );
        }
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
            error.starts_with(&format!("{shown}:2: unknown event `begun`")),
            "{error}"
        );

        // Consistent JSON that could not have happened: the clock started twice.
        write_fresh(&path);
        edit_line(&path, 3, |_| r#"{"at_s":0,"event":"started"}"#.into());
        let error = read(&path).unwrap_err().to_string();
        assert_eq!(error, format!("{shown}:3: the clock is started twice"));
    }

    #[test]
    fn a_newer_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        write(&path, first_half());
        edit_line(&path, 1, |l| {
            l.replace("\"ttx_journal\":6", "\"ttx_journal\":7")
        });
        let error = read(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: written by a newer ttx (format 7); this ttx reads format 6: read it with a newer ttx",
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

    /// A journal of many batches of lines (framed on another core while the replay runs) reads
    /// as one: an edit in a late batch is named by its line, and an error in an early line comes
    /// before a broken chain in a later one, as when each line was checked in turn.
    #[test]
    fn a_long_journal_reads_across_its_batches_in_line_order() {
        a_long_journal_reads_in_line_order();
    }

    /// The same when no thread can be had and the lines are framed on the calling thread.
    #[test]
    fn framed_on_the_calling_thread_a_long_journal_reads_the_same() {
        FRAMES_HERE.with(|here| here.set(true));
        a_long_journal_reads_in_line_order();
    }

    fn a_long_journal_reads_in_line_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let mut commands = first_half();
        let notes = 4 * BATCH_BYTES / 1000;
        commands.extend((0..notes).map(|n| Command::Note {
            team: None,
            objective: None,
            kind: NoteKind::Strength,
            text: format!("{n:04} {}", "x".repeat(1000)),
        }));
        commands.extend(second_half());
        let (_, events) = write(&path, commands);
        let loaded = read(&path).unwrap();
        assert_eq!(loaded.events, events);
        let original = std::fs::read_to_string(&path).unwrap();
        assert!(original.len() > 4 * BATCH_BYTES);
        let count = original.lines().count();
        let shown = path.display().to_string();
        let late = count - 2;
        let break_chain = |l: &str| l.replacen("\"at_s\":", "\"at_s\": ", 1);
        edit_raw(&path, late, break_chain);
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{shown}:{late}: "))
                && error.contains("changed after it was written"),
            "{error}"
        );
        // An early line the replay refuses (its chain recomputed) is named before the broken
        // late line, whether it is in an earlier batch or in the one the broken line ends.
        for early in [3, late - 2] {
            std::fs::write(&path, &original).unwrap();
            edit_line(&path, early, |l| {
                l.replacen("\"event\":\"", "\"event\":\"un", 1)
            });
            edit_raw(&path, late, break_chain);
            let error = read(&path).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("{shown}:{early}: unknown event")),
                "{error}"
            );
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
                     journal of format 6 has one"
                )),
                "{error}"
            );
        }
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
        let source = include_str!("../../tests/fixtures/phishing-example/scenario.ron");
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
        /// Any facts entered, in any order, come back from the journal as written, and the
        /// report gives the last entry of each (trimmed), or the scenario's where it was taken
        /// back.
        #[test]
        fn entered_facts_round_trip_through_the_journal(
            entries in proptest::collection::vec(
                (0..ExerciseFact::ALL.len(), "[^\\p{Cc}]{0,40}"),
                0..8,
            )
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("facts.jsonl");
            let scenario = Arc::new(phishing());
            let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
            let mut writer = JournalWriter::create(&path, &header_for(&exercise))
                .unwrap()
                .without_wall_clock();
            play(&mut writer, &mut exercise, whole_run());
            let entered: Vec<FactEntered> = entries
                .into_iter()
                .map(|(n, value)| FactEntered { fact: ExerciseFact::ALL[n], value })
                .collect();
            for fact in &entered {
                writer
                    .append_debrief(&exercise, &DebriefEvent::Fact(fact.clone()))
                    .unwrap();
            }
            drop(writer);
            let loaded = read(&path).unwrap();
            proptest::prop_assert_eq!(&loaded.debrief.facts, &entered);
            let report = Report::evaluated(&loaded.exercise, &loaded.debrief);
            for fact in ExerciseFact::ALL {
                let last = entered
                    .iter()
                    .rev()
                    .find(|f| f.fact == fact)
                    .map(|f| f.value.trim())
                    .filter(|v| !v.is_empty());
                // The phishing scenario gives no `exercise` block: nothing falls back.
                proptest::prop_assert_eq!(report.exercise.fact(fact), last);
            }
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
