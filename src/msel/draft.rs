//! One MSEL row as the parts of an inject, still in the MSEL's words (team names, action names,
//! trigger words); [`super::write`] resolves them into a scenario.

use super::columns::Layout;
use super::formats::Source;
use super::role::Role;
use super::table::{Problem, Row, Table};
use super::text::{ExpectText, TriggerText, TriggerWords};
use super::times::{self, RowTime};
use crate::ron_file::quoted;
use crate::scenario::{MAX_METHOD_CHARS, MAX_REF_CHARS};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowDraft {
    pub row: usize,
    pub id: Option<String>,
    /// Seconds from the start, from the time column (after moving every time so none is
    /// negative).
    pub time: Option<u64>,
    pub trigger: Option<TriggerText>,
    pub unless: Option<TriggerWords>,
    /// The event number, as `ref`.
    pub reference: Option<String>,
    pub method: Option<String>,
    /// Each receiving team as written: `Name` or `Name (id)`.
    pub to: Vec<String>,
    pub from: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub expected: Vec<ExpectText>,
    /// `Name` or `Name (id)`.
    pub objectives: Vec<String>,
    /// A T3SF poll's options.
    pub poll: Vec<String>,
    /// How long the poll stays open: until the next row's later time, as in T3SF.
    pub poll_within: Option<u64>,
    /// T3SF's `Date`, the in-game time shown to the player, as written.
    pub game_time: Option<String>,
    /// HSEEP's and Blueprint's `Event Type`, as written.
    pub event_type: Option<String>,
    /// The weight of every expectation that names none (OpenBAS's score / 100).
    pub weight: Option<f64>,
    pub notes: Vec<String>,
    /// What was read but not as the MSEL meant it (a number too long for a `ref`, kept in the
    /// notes instead): reported, while the row is still written.
    pub warnings: Vec<Problem>,
}

/// What a row is, by its event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Inject,
    /// Held back, released by the controller when needed.
    Contingency,
    /// What the players are expected to do about the inject before it.
    ExpectedAction,
}

impl RowDraft {
    pub fn kind(&self) -> EventKind {
        let kind = self.event_type.as_deref().map(str::to_lowercase);
        match kind.as_deref() {
            Some(k) if k.contains("contingency") => EventKind::Contingency,
            Some(k) if k.contains("expected") => EventKind::ExpectedAction,
            _ => EventKind::Inject,
        }
    }
}

/// Everything the rows say, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct Drafts {
    pub drafts: Vec<RowDraft>,
    pub problems: Vec<Problem>,
    /// What the written file should say at its top (times moved, columns kept in the notes).
    pub notes: Vec<String>,
    /// The scenario's speed, where the MSEL plays at another pace than its clock (T3SF).
    pub speed: Option<f64>,
}

/// `09:15`, or `09:15:30` when the seconds are not zero.
fn time_of_day(secs: i64) -> String {
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

fn span(times: &[Option<i64>]) -> i64 {
    let known = times.iter().flatten();
    known.clone().max().unwrap_or(&0) - known.min().unwrap_or(&0)
}

pub fn rows(table: &Table, layout: &Layout, source: Source) -> Drafts {
    let rows_read: Vec<&Row> = if layout.headerless {
        table.header_row.iter().chain(table.rows.iter()).collect()
    } else {
        table.rows.iter().collect()
    };
    let mut problems = Vec::new();
    let mut drafts = Vec::new();
    let mut row_times = Vec::new();
    let mut game_times = Vec::new();
    for row in &rows_read {
        let before = problems.len();
        let (draft, time, game_time) = row_draft(row, layout, source, &mut problems);
        if problems.len() == before {
            drafts.push(draft);
            row_times.push(time);
            game_times.push(game_time);
        }
    }
    let mut notes = Vec::new();
    let resolved = times::resolve(&row_times);
    let mut times = resolved.times;
    if let Some(earliest) = resolved.earliest_clock {
        let days = match resolved.next_days {
            0 => String::new(),
            1 => "; one time of day earlier than the one before it was taken as the next day"
                .to_string(),
            n => format!(
                "; {n} times of day earlier than the one before them were taken as the next day"
            ),
        };
        notes.push(format!(
            "The column {} gives times of day: the earliest, {}, is the start (0s), and each \
             time counts from it{days}.",
            layout.name(Role::Time),
            time_of_day(earliest)
        ));
    }
    let game = times::resolve(&game_times).times;
    let mut speed = None;
    if layout.column(Role::Time).is_none() {
        // A T3SF sheet without `Real Time` is played at the in-game times it shows.
        times = game;
    } else if layout.column(Role::GameTime).is_some() {
        // T3SF delivers each inject at its `Real Time` and shows its `Date`: the scenario's
        // clock runs over the in-game span while the exercise plays in the real one.
        let both: Vec<(i64, i64)> = times
            .iter()
            .zip(&game)
            .filter_map(|(real, game)| Some(((*real)?, (*game)?)))
            .collect();
        let real_span = span(&both.iter().map(|(r, _)| Some(*r)).collect::<Vec<_>>());
        let game_span = span(&both.iter().map(|(_, g)| Some(*g)).collect::<Vec<_>>());
        if real_span > 0 && game_span > 0 {
            // Three decimals keep the written speed readable; the times follow it exactly.
            let ratio = ((game_span as f64 / real_span as f64) * 1000.0).round() / 1000.0;
            let ratio = ratio.clamp(crate::limits::MIN_SPEED, crate::limits::MAX_SPEED);
            for time in times.iter_mut().flatten() {
                *time = (*time as f64 * ratio).round() as i64;
            }
            if ratio != 1.0 {
                speed = Some(ratio);
                notes.push(format!(
                    "T3SF delivers these injects over {} of real time (`Real Time`) while the \
                     time shown to the players (`Date`) runs over {}: each inject is at its \
                     `Real Time` from the first row times {ratio}, and `speed: {ratio}` plays the \
                     exercise in T3SF's {} while its clock runs over the in-game {}.",
                    crate::scenario::format_secs(real_span.unsigned_abs()),
                    crate::scenario::format_secs(game_span.unsigned_abs()),
                    crate::scenario::format_secs(real_span.unsigned_abs()),
                    crate::scenario::format_secs(game_span.unsigned_abs()),
                ));
            }
        }
    }
    for (draft, time) in drafts.iter_mut().zip(&times) {
        draft.time = time.and_then(|t| u64::try_from(t).ok());
    }
    // A T3SF poll stays open until the next row's time (T3SF's `PollHandler`).
    for ix in 0..drafts.len() {
        if let (false, Some(time)) = (drafts[ix].poll.is_empty(), drafts[ix].time) {
            drafts[ix].poll_within = drafts[ix + 1..]
                .iter()
                .filter_map(|d| d.time)
                .find(|t| *t > time)
                .map(|next| next - time);
        }
    }
    if resolved.shift > 0 {
        notes.push(format!(
            "The MSEL's times start {} before its zero; every time was moved {} later so that \
             the earliest is at the start.",
            crate::scenario::format_secs(resolved.shift.unsigned_abs()),
            crate::scenario::format_secs(resolved.shift.unsigned_abs())
        ));
    }
    let used = |column: usize| {
        rows_read
            .iter()
            .any(|r| r.cells.get(column).is_some_and(|c| !c.is_blank()))
    };
    let kept: Vec<&str> = (0..layout.names.len())
        .filter(|c| layout.roles[*c].is_none() && used(*c))
        .map(|c| layout.names[c].as_str())
        .collect();
    if !kept.is_empty() {
        notes.push(format!(
            "Columns with no place in a scenario are kept in each inject's notes: {}.",
            kept.join(", ")
        ));
    }
    Drafts {
        drafts,
        problems,
        notes,
        speed,
    }
}

/// Recipients in one cell: one a line, or separated by `;` (and by `,` in Blueprint, whose
/// `To Org` lists team short names).
fn recipients(text: &str, source: Source) -> Vec<String> {
    let separators: &[char] = if source == Source::Blueprint {
        &['\n', ';', ',']
    } else {
        &['\n', ';']
    };
    text.split(separators)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn row_draft(
    row: &Row,
    layout: &Layout,
    source: Source,
    problems: &mut Vec<Problem>,
) -> (RowDraft, Option<RowTime>, Option<RowTime>) {
    let mut draft = RowDraft {
        row: row.number,
        ..RowDraft::default()
    };
    let mut time = None;
    let mut game_time = None;
    let mut kept_notes = Vec::new();
    for (column, cell) in row.cells.iter().enumerate() {
        if cell.is_blank() {
            continue;
        }
        let name = &layout.names[column];
        let mut problem = |message: String| problems.push(Problem::new(row.number, name, message));
        let text = cell.text.as_str();
        let trimmed = text.trim();
        // A text longer than the scenario allows is kept in the notes, with a warning.
        let mut bounded = |max: usize, what: &str| {
            let length = trimmed.chars().count();
            if length <= max {
                return Some(trimmed.to_string());
            }
            draft.warnings.push(Problem::new(
                row.number,
                name,
                format!(
                    "{} has {length} characters, more than the {max} of an inject's `{what}`: \
                     kept in its notes instead",
                    quoted(trimmed)
                ),
            ));
            kept_notes.push(format!("{name}: {trimmed}"));
            None
        };
        match layout.roles.get(column).copied().flatten() {
            Some(Role::Id) => draft.id = Some(trimmed.to_string()),
            Some(Role::Number) => draft.reference = bounded(MAX_REF_CHARS, "ref"),
            Some(Role::Method) => {
                if let Some(method) = bounded(MAX_METHOD_CHARS, "method") {
                    draft.method = Some(method);
                }
            }
            Some(Role::Unless) => match TriggerWords::parse_unless(trimmed) {
                Ok(t) => draft.unless = Some(t),
                Err(e) => problem(e),
            },
            Some(Role::Time) => match source.time(cell) {
                Ok(t) => time = Some(t),
                Err(e) => problem(e),
            },
            // Read after the loop: a scenario time, where the row has one, comes first.
            Some(Role::Timing) => {}
            Some(Role::EventType) => {
                draft.event_type = Some(trimmed.to_string());
                // Only a kind other than a plain inject is worth a note.
                if !trimmed.eq_ignore_ascii_case("inject") {
                    kept_notes.push(format!("{name}: {trimmed}"));
                }
            }
            Some(Role::GameTime) => match times::t3sf_date(cell) {
                Ok(t) => {
                    game_time = Some(t);
                    draft.game_time = Some(trimmed.to_string());
                }
                Err(e) => problem(e),
            },
            Some(Role::Trigger) => match TriggerText::parse(trimmed) {
                Ok(t) => draft.trigger = Some(t),
                Err(e) => problem(e),
            },
            Some(Role::From) => draft.from = Some(trimmed.to_string()),
            Some(Role::To) => draft.to = recipients(text, source),
            Some(Role::Subject) => draft.title = Some(trimmed.to_string()),
            Some(Role::Body) => draft.body = Some(text.to_string()),
            Some(Role::Expected) => {
                for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    match ExpectText::parse(line) {
                        Ok(e) => draft.expected.push(e),
                        Err(e) => problem(e),
                    }
                }
            }
            Some(Role::Objective) => {
                draft.objectives = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            Some(Role::Notes) => kept_notes.insert(0, text.to_string()),
            Some(Role::Poll) => {
                let options: Vec<String> = trimmed
                    .split('|')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect();
                if options.len() < 2 {
                    problem(format!(
                        "a poll needs two or more options separated by `|`, not {}",
                        quoted(trimmed)
                    ));
                }
                draft.poll = options;
            }
            Some(Role::Score) => match trimmed.parse::<f64>() {
                Ok(score) if score.is_finite() && score > 0.0 => draft.weight = Some(score / 100.0),
                _ => problem(format!("score {} is not a number above 0", quoted(trimmed))),
            },
            Some(Role::Kind) => {
                if let Some(method) = bounded(MAX_METHOD_CHARS, "method") {
                    draft.method.get_or_insert(method);
                }
                draft.title.get_or_insert_with(|| trimmed.to_string());
            }
            None => kept_notes.push(format!("{name}: {text}")),
        }
    }
    // A subject column that comes after the inject type still names the inject.
    if let Some(subject) = layout
        .column(Role::Subject)
        .and_then(|c| row.cell(c))
        .map(|c| c.text.trim().to_string())
    {
        draft.title = Some(subject);
    }
    if draft.to.is_empty() && draft.kind() != EventKind::ExpectedAction {
        problems.push(Problem::new(
            row.number,
            layout.name(Role::To),
            "no receiving team: every inject goes to at least one team",
        ));
    }
    // ttx's XLSX writes each time twice, the second time for OpenBAS: that one is read only
    // where the scenario time is blank, and one that says otherwise is a slip worth a word.
    if let Some(cell) = layout.column(Role::Timing).and_then(|c| row.cell(c)) {
        let name = &layout.names[layout.column(Role::Timing).unwrap_or_default()];
        match (times::openbas_timing(cell), time) {
            (Err(e), _) => problems.push(Problem::new(row.number, name, e)),
            (Ok(timing), None) => time = Some(timing),
            (Ok(RowTime::Offset(timing)), Some(RowTime::Offset(given)))
                if timing != given.saturating_sub(given.rem_euclid(60)) =>
            {
                draft.warnings.push(Problem::new(
                    row.number,
                    name,
                    format!(
                        "{} is not the row's {}, which is used",
                        quoted(cell.text.trim()),
                        layout.name(Role::Time)
                    ),
                ));
            }
            _ => {}
        }
    }
    // The in-game time stays what the players are shown first.
    if let Some(shown) = &draft.game_time {
        draft.body = Some(format!(
            "{shown} — {}",
            draft.body.as_deref().unwrap_or_default()
        ));
    }
    draft.notes = kept_notes;
    (draft, time, game_time)
}
