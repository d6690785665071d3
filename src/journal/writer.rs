//! Writing a journal: created, never overwritten, locked for its writer's lifetime, appended
//! to and synced line by line, repaired on resume, chained and, once the exercise has ended,
//! signed (see the journal's module documentation).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::iter::Peekable;
use std::path::{Path, PathBuf};

use russh::keys::PrivateKey;
use sha2::Digest;
use time::OffsetDateTime;

use super::chain::{chain_at, chained};
use super::error::{JournalError, io_error, open_error, show};
use super::reader::{Keep, Tail, read_from};
use super::record::{Kind, Record};
use super::{Header, Line, LoadedJournal};
use crate::debrief::{DebriefEvent, SeatEvent, format_wall, parse_wall};
use crate::engine::{Event, Exercise};
use crate::scenario::Secs;
use crate::signature::JournalDigest;

/// A headless run appends its whole journal at once: it goes to the file in pieces of about this
/// many bytes, synced once at the end, so that it is never held whole in memory.
const PIECE_BYTES: usize = 1 << 20;

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
    /// The digest of every byte this writer left in the journal (and of what it found there on
    /// resuming): what is signed, so a byte changed on disk behind the writer's back, even
    /// keeping the length, is never signed.
    written: JournalDigest,
    /// Why the last signing failed, until the caller takes it.
    signing_failure: Option<String>,
    /// Test seam: the writes stop after this many more bytes and fail, as on a full disk.
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
        let dir = crate::files::directory_of(path);
        if !dir.is_dir() {
            return Err(JournalError::NoDirectory {
                path: shown,
                dir: show(dir),
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
            .and_then(|()| sync_dir(dir));
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
            written: JournalDigest::new_with_prefix(&line),
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
    /// replays it, removes a cut-off last line (see `journal`), and returns the writer with the
    /// exercise as the journal leaves it. Nothing already written is rewritten.
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
        let (mut loaded, tail, chain) = read_from(&file, path, Keep::Events)?;
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
        let written = digest_of(&file, len).map_err(|source| io_error(path, "read", source))?;
        let writer = JournalWriter {
            file,
            path: path.to_path_buf(),
            len,
            written,
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
        self.write_records(events.iter().map(|event| Record {
            wall: wall.clone(),
            ..Record::of(event, exercise)
        }))?;
        self.seal(exercise);
        Ok(at)
    }

    /// Records a headless run's lines in their order (its events, and the answers given between
    /// them at their own times), with one fsync, as `append` does.
    pub fn append_lines(
        &mut self,
        exercise: &Exercise,
        lines: &[Line],
    ) -> Result<(), JournalError> {
        let wall = self.wall_now().map(format_wall);
        // Each line is made as it is written: a headless run's journal is never held whole.
        let records = lines.iter().map(|line| match line {
            Line::Event(event) => Record {
                wall: wall.clone(),
                ..Record::of(event, exercise)
            },
            Line::Debrief { at, event } => Record {
                at_s: *at,
                wall: wall.clone(),
                kind: Kind::of_debrief(event.clone()),
            },
        });
        self.write_records(records)?;
        self.seal(exercise);
        Ok(())
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
        self.write_records([record])?;
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
        self.append_seat_at(exercise, event, exercise.now(), now)?;
        // The time as read back: whole seconds, as the line holds it.
        Ok(now.and_then(|now| parse_wall(&format_wall(now)).ok()))
    }

    /// Records a seat line dated `at_s` and `wall` rather than now: the departures of
    /// connections lost with a crashed server, written on resume, at the last moment the journal
    /// knew of. Never before the exercise's time, which a reader would refuse.
    pub fn append_seat_at(
        &mut self,
        exercise: &Exercise,
        event: &SeatEvent,
        at_s: Secs,
        wall: Option<OffsetDateTime>,
    ) -> Result<(), JournalError> {
        let record = Record {
            at_s: at_s.max(exercise.now()),
            wall: wall.map(format_wall),
            kind: Kind::Seat(event.clone()),
        };
        self.write_records([record])?;
        self.seal(exercise);
        Ok(())
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
        let signed = crate::signature::write(&self.path, self.written.clone(), key);
        if let Err(mut why) = signed {
            if let Err(e) = crate::signature::remove(&self.path) {
                why.push_str(&format!(
                    "; the earlier signature could not be removed: {e}"
                ));
            }
            self.signing_failure = Some(why);
        }
    }

    /// Writes the records' lines and syncs once. On failure, what reached the file is cut off
    /// and the writer stays as it was.
    fn write_records<'r>(
        &mut self,
        records: impl IntoIterator<Item = Record<'r>>,
    ) -> Result<(), JournalError> {
        let mut records = records.into_iter().peekable();
        if records.peek().is_none() {
            return Ok(());
        }
        if self.torn {
            self.cut_back()
                .map_err(|source| io_error(&self.path, "repair", source))?;
        }
        self.check_intact()?;
        let mut chain = self.chain.clone();
        let mut written = self.written.clone();
        match self.write_pieces(records, &mut chain, &mut written) {
            Ok(len) => {
                self.len += len;
                self.written = written;
                self.chain = chain;
                Ok(())
            }
            Err(error) => {
                // The caller keeps the events and may try again once the disk is fixed.
                self.torn = self.cut_back().is_err();
                Err(error)
            }
        }
    }

    /// Writes the records' lines, chained after `chain` and hashed into `written`, in pieces
    /// of about `PIECE_BYTES`, then syncs; the number of bytes written.
    fn write_pieces<'r>(
        &mut self,
        mut records: Peekable<impl Iterator<Item = Record<'r>>>,
        chain: &mut Option<String>,
        written: &mut JournalDigest,
    ) -> Result<u64, JournalError> {
        std::thread::scope(|scope| {
            // Once a second piece follows, the pieces are hashed for the signature on another
            // core while the next ones are made: a headless run's whole journal, a tenth of
            // its time on one core. One piece at most waits for the hasher.
            let mut hasher = None;
            let mut hash_here = false;
            let mut piece = Vec::new();
            let mut len = 0;
            while let Some(record) = records.next() {
                let start = piece.len();
                serde_json::to_writer(&mut piece, &record)
                    .map_err(|e| io_error(&self.path, "write", e.into()))?;
                if let Some(prev) = chain {
                    *prev = chain_at(prev, &mut piece, start);
                }
                piece.push(b'\n');
                let last = records.peek().is_none();
                if piece.len() >= PIECE_BYTES || last {
                    self.write_piece(&piece)
                        .map_err(|source| io_error(&self.path, "write to", source))?;
                    len += piece.len() as u64;
                    if hasher.is_none() && !(last || hash_here) {
                        let (pieces, to_hash) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
                        let mut digest = written.clone();
                        let hashing = std::thread::Builder::new().spawn_scoped(scope, move || {
                            for piece in to_hash {
                                digest.update(&piece);
                            }
                            digest
                        });
                        match hashing {
                            Ok(hashing) => hasher = Some((pieces, hashing)),
                            // No thread to be had (a process limit): hashed here, as one
                            // piece is.
                            Err(_) => hash_here = true,
                        }
                    }
                    match &hasher {
                        Some((pieces, _)) => {
                            // A hasher that stopped receiving is found when it is joined.
                            let room = piece.capacity();
                            let _ = pieces
                                .send(std::mem::replace(&mut piece, Vec::with_capacity(room)));
                        }
                        None => written.update(&piece),
                    }
                    piece.clear();
                }
            }
            if let Some((pieces, hashing)) = hasher {
                drop(pieces);
                // Without the digest the journal cannot be signed: the lines are taken back
                // like any that failed to be written.
                *written = hashing.join().map_err(|_| {
                    let stopped = io::Error::other("the signature's hashing stopped");
                    io_error(&self.path, "write to", stopped)
                })?;
            }
            self.file
                .sync_data()
                .map_err(|source| io_error(&self.path, "write to", source))?;
            Ok(len)
        })
    }

    fn write_piece(&mut self, piece: &[u8]) -> io::Result<()> {
        #[cfg(test)]
        if let Some(n) = self.fail_after.take() {
            if piece.len() < n {
                self.fail_after = Some(n - piece.len());
                return self.file.write_all(piece);
            }
            self.file.write_all(&piece[..n])?;
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device (a test's full disk)",
            ));
        }
        self.file.write_all(piece)
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

/// The digest of a journal's first `len` bytes, read through the writer's own handle.
fn digest_of(mut file: &File, len: u64) -> io::Result<JournalDigest> {
    file.seek(SeekFrom::Start(0))?;
    let mut digest = JournalDigest::new();
    crate::files::read_in_pieces(file.take(len), |piece| digest.update(piece))?;
    Ok(digest)
}
#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::debrief::{SeatChange, Summary};
    use crate::engine::{Command, Settings};
    use crate::journal::chain::CHAIN_SUFFIX_LEN;
    use crate::journal::read_journal;
    use crate::journal::testing::*;
    use crate::report::Report;
    use crate::scenario::Secs;
    use crate::testing::{first_half, phishing, second_half};

    /// The journal is signed once the exercise has ended, and again after every line after the
    /// end, so that the signature always covers the journal as it stands.
    #[test]
    fn an_ended_exercise_is_signed_after_every_line_and_not_before() {
        use crate::signature::{Verdict, verdict_of};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signed.jsonl");
        let (mut writer, mut exercise, signed) = signing(dir.path(), &path);
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

    /// A fresh journal at `path` whose writer signs with a new key kept in `dir`, and the
    /// verdict of a journal that key signed.
    fn signing(dir: &Path, path: &Path) -> (JournalWriter, Exercise, crate::signature::Verdict) {
        let key = crate::host_key::load_or_create(&dir.join("key")).unwrap();
        let signed = crate::signature::Verdict::Signed(key.public_key().clone());
        let (writer, exercise) = fresh(path);
        (writer.signing_with(key), exercise, signed)
    }

    /// A signing writer (as `signing`) that has written the whole run, so its journal is signed.
    fn signed_whole_run(
        dir: &Path,
        path: &Path,
    ) -> (JournalWriter, Exercise, crate::signature::Verdict) {
        let (mut writer, mut exercise, signed) = signing(dir, path);
        play(&mut writer, &mut exercise, whole_run());
        (writer, exercise, signed)
    }

    /// Forty executive summaries of about 120 KB each: debrief lines that take several pieces.
    fn summaries_over_several_pieces(at: Secs) -> Vec<Line> {
        (0..40)
            .map(|n| Line::Debrief {
                at,
                event: DebriefEvent::Summary(Summary {
                    text: format!("{n} ").repeat(40_000),
                }),
            })
            .collect()
    }

    /// Lines taking several pieces are hashed for the signature on another thread as they are
    /// written: the signature covers every byte, in order, as when hashed on one.
    #[test]
    fn a_journal_written_in_several_pieces_is_signed_whole() {
        use crate::signature::verdict_of;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.jsonl");
        let (mut writer, exercise, signed) = signed_whole_run(dir.path(), &path);
        let lines = summaries_over_several_pieces(exercise.now());
        writer.append_lines(&exercise, &lines).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 3 * PIECE_BYTES as u64);
        assert_eq!(verdict_of(&path).unwrap(), signed);
        assert_eq!(writer.take_signing_failure(), None);
        assert!(read_journal(&path).is_ok());
    }

    /// The disk fills up in the second piece, while the first is being hashed on another thread:
    /// the append fails whole, the journal is cut back to its last recorded line, and once there
    /// is room again the same lines are written, signed as if nothing had failed.
    #[test]
    fn a_full_disk_in_a_later_piece_takes_the_whole_append_back() {
        use crate::signature::verdict_of;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.jsonl");
        let (mut writer, exercise, signed) = signed_whole_run(dir.path(), &path);
        let before = std::fs::read(&path).unwrap();
        let lines = summaries_over_several_pieces(exercise.now());
        writer.fail_after = Some(PIECE_BYTES + PIECE_BYTES / 2);
        let error = writer.append_lines(&exercise, &lines).unwrap_err();
        assert!(error.to_string().contains("No space left"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        writer.append_lines(&exercise, &lines).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 3 * PIECE_BYTES as u64);
        assert_eq!(verdict_of(&path).unwrap(), signed);
        assert!(read_journal(&path).is_ok());
    }

    /// Found in review: the writer signed what it read back from disk, so a line rewritten behind
    /// its back at the same length (its chain recomputed) was signed as if ttx had written it.
    /// What is signed is what the writer wrote: such a journal no longer matches its signature.
    #[test]
    fn bytes_changed_on_disk_behind_the_writer_are_never_signed() {
        use crate::signature::{Verdict, verdict_of};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signed.jsonl");
        let (mut writer, exercise, _) = signed_whole_run(dir.path(), &path);
        let original = std::fs::read(&path).unwrap();
        let at = original.iter().position(|b| *b == b'0').unwrap();
        let mut edited = original.clone();
        edited[at] = b'1';
        std::fs::write(&path, &edited).unwrap();
        let summary = DebriefEvent::Summary(Summary {
            text: "Two teams, one wave.".into(),
        });
        writer.append_debrief(&exercise, &summary).unwrap();
        assert!(matches!(
            verdict_of(&path).unwrap(),
            Verdict::DoesNotMatch(_)
        ));
    }

    /// Signing that fails is not a failed write: the line is recorded, the caller is told once,
    /// and no signature of the journal's earlier state is left to say it does not match.
    #[test]
    fn a_journal_that_cannot_be_signed_is_recorded_and_keeps_no_stale_signature() {
        use crate::signature::{Verdict, path_for, verdict_of};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signed.jsonl");
        let (mut writer, exercise, _) = signed_whole_run(dir.path(), &path);
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

    /// A join's roster name and a departure lost with a crashed server, dated the journal's
    /// last moment rather than when it was written, read back as written.
    #[test]
    fn a_named_join_and_a_lost_departure_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seated.jsonl");
        let (writer, exercise) = fresh(&path);
        let mut writer = writer.with_wall_clock(fixed_wall);
        let joined = SeatEvent {
            name: Some("Dana Reyes".into()),
            ..seat(SeatChange::Joined, 1, "soc")
        };
        writer.append_seat(&exercise, &joined).unwrap();
        drop(writer);
        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        assert_eq!(loaded.last_wall, Some(fixed_wall()));
        let lost = crate::debrief::lost_with_the_server(&loaded.debrief.seats);
        assert_eq!(lost.len(), 1);
        writer
            .append_seat_at(&exercise, &lost[0], loaded.last_at_s, loaded.last_wall)
            .unwrap();
        drop(writer);
        let seats = read(&path).unwrap().debrief.seats;
        assert_eq!(seats[0].event, joined);
        assert_eq!(seats[1].event, lost[0]);
        assert!(seats[1].event.lost);
        assert_eq!(seats[1].at_wall, Some(fixed_wall()));
    }

    /// Found in review: a lost departure was dated the exercise's last checkpoint, before a join
    /// on the live clock it closes, and took the wall time of a debrief line written the next
    /// morning. It is dated the last exercise-event or seat line, and read back.
    #[test]
    fn a_lost_departure_is_dated_the_last_seat_or_event_line() {
        fn next_morning() -> OffsetDateTime {
            parse_wall("2026-11-29T08:30:00Z").unwrap()
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crashed.jsonl");
        let (writer, mut exercise) = fresh(&path);
        let mut writer = writer.with_wall_clock(fixed_wall);
        play(&mut writer, &mut exercise, vec![Command::Start]);
        // The live clock runs ahead of the last checkpoint written.
        exercise.execute(Command::AdvanceTo(240)).unwrap();
        writer
            .append_seat(&exercise, &seat(SeatChange::Joined, 1, "soc"))
            .unwrap();
        drop(writer);
        // The server crashed; the next morning someone writes the debrief first.
        let (writer, loaded) = JournalWriter::resume(&path).unwrap();
        let mut writer = writer.with_wall_clock(next_morning);
        let summary = DebriefEvent::Summary(Summary {
            text: "Cut short.".into(),
        });
        writer.append_debrief(&loaded.exercise, &summary).unwrap();
        drop(writer);
        let (mut writer, loaded) = JournalWriter::resume(&path).unwrap();
        assert_eq!(
            (loaded.last_at_s, loaded.last_wall),
            (240, Some(fixed_wall()))
        );
        let lost = crate::debrief::lost_with_the_server(&loaded.debrief.seats);
        writer
            .append_seat_at(
                &loaded.exercise,
                &lost[0],
                loaded.last_at_s,
                loaded.last_wall,
            )
            .unwrap();
        drop(writer);
        let seats = read(&path).unwrap().debrief.seats;
        let dated: Vec<(Secs, Option<OffsetDateTime>, bool)> = seats
            .iter()
            .map(|s| (s.at_s, s.at_wall, s.event.lost))
            .collect();
        assert_eq!(
            dated,
            vec![
                (240, Some(fixed_wall()), false),
                (240, Some(fixed_wall()), true)
            ]
        );
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
    fn a_journal_without_the_chain_still_reads_but_not_half_of_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let (_, events) = write(&path, first_half());
        let chained = std::fs::read_to_string(&path).unwrap();
        let mut unchained = unchain(&chained);
        // As a ttx before the chain wrote it: format 2 at the latest.
        unchained[0] = unchained[0].replacen("\"ttx_journal\":6", "\"ttx_journal\":2", 1);
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
}
