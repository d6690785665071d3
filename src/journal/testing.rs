//! Helpers for the journal's tests: an exercise played into a journal, and lines edited as a
//! careless hand or a forger would.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;

use super::chain::{chained, split_chain};
use super::{Header, JournalError, JournalWriter, LoadedJournal, read_journal};
use crate::debrief::{SeatChange, SeatEvent, parse_wall};
use crate::engine::{Command, Event, Exercise, Settings};
use crate::testing::{first_half, phishing, second_half};

pub(super) use crate::testing::PHISHING as SOURCE;

pub(super) fn header_for(exercise: &Exercise) -> Header {
    Header::new(
        "phishing.ron",
        SOURCE,
        exercise.scenario(),
        exercise.settings(),
    )
}

pub(super) fn play(
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

pub(super) fn write(path: &Path, commands: Vec<Command>) -> (Exercise, Vec<Event>) {
    let scenario = Arc::new(phishing());
    let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
    // No wall clock: the lines are compared as text.
    let mut writer = JournalWriter::create(path, &header_for(&exercise))
        .unwrap()
        .without_wall_clock();
    let events = play(&mut writer, &mut exercise, commands);
    (exercise, events)
}

pub(super) fn whole_run() -> Vec<Command> {
    let mut commands = first_half();
    commands.extend(second_half());
    commands
}

pub(super) fn read(path: &Path) -> Result<LoadedJournal, JournalError> {
    read_journal(path)
}

/// Edits a line as a forger who recomputes the hash chain would: what is left to catch the
/// edit is the replay.
pub(super) fn edit_line(path: &Path, number: usize, edit: impl Fn(&str) -> String) {
    edit_raw(path, number, edit);
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, rechain(&text)).unwrap();
}

/// Edits a line and leaves the chain as it was.
pub(super) fn edit_raw(path: &Path, number: usize, edit: impl Fn(&str) -> String) {
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
pub(super) fn rechain(text: &str) -> String {
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

pub(super) fn fixed_wall() -> OffsetDateTime {
    parse_wall("2026-11-28T09:00:00Z").unwrap()
}

pub(super) fn seat(change: SeatChange, seat: u64, user: &str) -> SeatEvent {
    SeatEvent {
        change,
        seat,
        user: user.into(),
        role: (change != SeatChange::Refused).then(|| format!("team {user}")),
        address: "192.0.2.7:50022".into(),
        name: None,
        lost: false,
        not_logged: 0,
    }
}

pub(super) fn write_fresh(path: &Path) {
    let _ = std::fs::remove_file(path);
    write(path, whole_run());
}

/// A fresh exercise recorded from its first command, with the writer that holds it.
pub(super) fn fresh(path: &Path) -> (JournalWriter, Exercise) {
    let scenario = Arc::new(phishing());
    let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
    let writer = JournalWriter::create(path, &header_for(&exercise)).unwrap();
    (writer, exercise)
}

/// Each line of a journal without its `chain` key, as `sed 's/,"chain":"[0-9a-f]*"//'`
/// leaves it.
pub(super) fn unchain(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let (open, _) = split_chain(l.as_bytes()).unwrap();
            String::from_utf8([open, b"}"].concat()).unwrap()
        })
        .collect()
}
