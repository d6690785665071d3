//! Across exercises: the same agreement exercised again and again, judged over time (`ttx
//! trend`), and a profile of simulated teams fitted to how the real ones behaved (`ttx simulate
//! --profile-from`).
//!
//! Each journal is read as `ttx report` reads it (the hash chain checked line by line) and its
//! signature, where it has one, must match. The exercises are lined up by their wall-clock start
//! (a date given as `JOURNAL@2025-06-01` for a journal that recorded none), or in the order given
//! when some have no date. `measure` turns each into the expectations it owed; `table` lines
//! those up per clause (`basis`) and per kind of expectation, per team, one column per exercise;
//! `text` and `html` show the table; `fit` measures a profile.

pub mod fit;
mod html;
pub mod measure;
pub mod table;
mod text;

use std::path::PathBuf;

use time::OffsetDateTime;

use crate::debrief::parse_wall;
use crate::engine::Exercise;
use crate::files::ReadError;
use crate::journal::{JournalError, read_outcome};
use crate::signature::{Verdict, path_for, verdict_of};

pub use table::Trend;

/// How a trend is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Html,
}

/// Writes a trend in `format`.
pub fn render(trend: &Trend, format: Format) -> String {
    match format {
        Format::Text => text::render(trend),
        Format::Json => trend.to_json(),
        Format::Html => html::render(trend),
    }
}

/// Where an exercise's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFrom {
    /// The journal's `started` line, stamped by the wall clock.
    Journal,
    /// `JOURNAL@DATE` on the command line: a scripted run records no wall-clock time.
    CommandLine,
}

/// One exercise of the series, read from its journal.
#[derive(Debug, Clone)]
pub struct Edition {
    /// The journal as given.
    pub journal: PathBuf,
    pub started: Option<(OffsetDateTime, DateFrom)>,
    pub exercise: Exercise,
    pub scenario_sha256: String,
    /// `signed` or `not_signed` (a signature that does not match is refused).
    pub signature: &'static str,
    /// The journal has no `ended` line.
    pub interrupted: bool,
    /// What reading the journal warned of (a cut-off last line).
    pub warnings: Vec<String>,
}

/// Why a journal cannot be part of a trend.
#[derive(Debug, thiserror::Error)]
pub enum TrendError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Anything else, with the message to show.
    #[error("{0}")]
    Refused(String),
}

/// A journal named on the command line, with the date given for it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub path: PathBuf,
    pub date: Option<OffsetDateTime>,
}

impl Named {
    /// `JOURNAL` or `JOURNAL@DATE` (DATE as `2025-06-01` or an RFC 3339 time). A file that
    /// exists under the whole name is that file, `@` and all.
    pub fn parse(arg: &str) -> Result<Named, String> {
        let whole = PathBuf::from(arg);
        if whole.exists() {
            return Ok(Named {
                path: whole,
                date: None,
            });
        }
        match arg.rsplit_once('@') {
            Some((path, date)) if !path.is_empty() => Ok(Named {
                path: PathBuf::from(path),
                date: Some(parse_date(date).map_err(|e| format!("{arg}: {e}"))?),
            }),
            _ => Ok(Named {
                path: whole,
                date: None,
            }),
        }
    }
}

/// A date as `2025-06-01` (midnight UTC) or an RFC 3339 time.
pub fn parse_date(text: &str) -> Result<OffsetDateTime, String> {
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(text, &day) {
        return Ok(date.midnight().assume_utc());
    }
    parse_wall(text)
        .map_err(|_| format!("`{text}` is not a date: give it as 2025-06-01 (or an RFC 3339 time)"))
}

/// Reads one journal as `ttx report` does, and refuses it where `report` would, or where its
/// signature no longer matches: a trend built on a journal edited after it was signed would
/// carry the edit into every column after it.
pub fn load(named: &Named) -> Result<Edition, TrendError> {
    let journal = named.path.as_path();
    let loaded = read_outcome(journal)?;
    let signature = match verdict_of(journal)? {
        Verdict::Signed(_) => "signed",
        Verdict::NotSigned => "not_signed",
        Verdict::DoesNotMatch(why) => {
            return Err(TrendError::Refused(format!(
                "{}: its signature ({}) does not match: {why}; the journal was changed after \
                 it was signed, so it is left out of any trend",
                journal.display(),
                path_for(journal).display()
            )));
        }
    };
    let recorded = loaded.debrief.started_wall;
    let started = match (recorded, named.date) {
        (Some(recorded), Some(given)) if recorded.date() != given.date() => {
            return Err(TrendError::Refused(format!(
                "{}: the journal records its start on {}; the date given, {}, contradicts it \
                 (give a date only for a journal that recorded none, such as a scripted run's)",
                journal.display(),
                recorded.date(),
                given.date()
            )));
        }
        (Some(recorded), _) => Some((recorded, DateFrom::Journal)),
        (None, Some(given)) => Some((given, DateFrom::CommandLine)),
        (None, None) => None,
    };
    Ok(Edition {
        journal: journal.to_path_buf(),
        started,
        exercise: loaded.exercise,
        scenario_sha256: loaded.header.scenario_sha256,
        signature,
        interrupted: loaded.interrupted,
        warnings: loaded.warnings,
    })
}

/// The editions in the order a trend shows them: by their start where every one has a date,
/// else in the order given. True when lined up by date.
pub fn line_up(mut editions: Vec<Edition>) -> (Vec<Edition>, bool) {
    let dated = editions.iter().all(|e| e.started.is_some());
    if dated {
        // Stable: two exercises started at the same second keep the order given.
        editions.sort_by_key(|e| e.started.map(|(at, _)| at));
    }
    (editions, dated)
}

/// Refuses journals of unrelated scenarios: every journal must be joined to every other, through
/// a chain of journals that share an expectation id (`INJECT.ACTION@TEAM`, `reply:ACTION@TEAM`)
/// or a `basis` with the next.
pub fn check_related(editions: &[Edition]) -> Result<(), String> {
    let declared: Vec<measure::Declared> = editions
        .iter()
        .map(|e| measure::declared(e.exercise.scenario()))
        .collect();
    let shares = |a: usize, b: usize| {
        !declared[a].ids.is_disjoint(&declared[b].ids)
            || !declared[a].bases.is_disjoint(&declared[b].bases)
    };
    let mut group: Vec<usize> = (0..editions.len()).collect();
    // Joins each journal to the first one it shares anything with, until nothing changes: a few
    // journals, so the quadratic pass is nothing.
    loop {
        let mut changed = false;
        for a in 0..editions.len() {
            for b in 0..editions.len() {
                if group[a] != group[b] && shares(a, b) {
                    let (keep, drop) = (group[a].min(group[b]), group[a].max(group[b]));
                    for g in &mut group {
                        if *g == drop {
                            *g = keep;
                        }
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, g) in group.iter().enumerate() {
        match groups.iter_mut().find(|members| group[members[0]] == *g) {
            Some(members) => members.push(i),
            None => groups.push(vec![i]),
        }
    }
    if groups.len() == 1 {
        return Ok(());
    }
    let described: Vec<String> = groups
        .iter()
        .map(|members| {
            let first = &editions[members[0]];
            let journals: Vec<String> = members
                .iter()
                .map(|&i| editions[i].journal.display().to_string())
                .collect();
            format!(
                "\"{}\" ({})",
                first.exercise.scenario().title,
                journals.join(", ")
            )
        })
        .collect();
    Err(format!(
        "these journals are not exercises of one agreement: no expectation id or basis is \
         shared between {}; a trend lines up exercises of one scenario, or of its versions \
         that keep some expectation ids or `basis` texts",
        described.join(" and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_follows_the_last_at_unless_the_whole_name_is_a_file() {
        let named = Named::parse("aar/2024.jsonl@2024-06-11").unwrap();
        assert_eq!(named.path, PathBuf::from("aar/2024.jsonl"));
        assert_eq!(
            named.date,
            Some(time::macros::datetime!(2024-06-11 00:00 UTC))
        );
        let named = Named::parse("a@b.jsonl@2024-06-11T09:30:00+02:00").unwrap();
        assert_eq!(named.path, PathBuf::from("a@b.jsonl"));
        assert_eq!(
            named.date,
            Some(time::macros::datetime!(2024-06-11 07:30 UTC))
        );
        assert_eq!(Named::parse("plain.jsonl").unwrap().date, None);
        assert!(
            Named::parse("x.jsonl@11/06/2024")
                .unwrap_err()
                .contains("`11/06/2024` is not a date")
        );
        let dir = std::env::temp_dir().join(format!("ttx-trend-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let odd = dir.join("exercise@2024-06-11");
        std::fs::write(&odd, "").unwrap();
        let named = Named::parse(odd.to_str().unwrap()).unwrap();
        assert_eq!((named.path, named.date), (odd.clone(), None));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
