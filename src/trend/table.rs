//! The trend as a table: one row per clause (`basis`) and team and one per kind of expectation
//! and team, one column per exercise, with the direction of change and, asked for, the time
//! each team kept in 90 % of cases. Its JSON is `ttx trend --format json`.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::measure::{Declared, Kept, Observation, declared, observations};
use super::{DateFrom, Edition};
use crate::debrief::format_wall;
use crate::scenario::{Secs, format_secs};

/// Fewer observations than this, and a suggestion says it is too few to say.
pub const TOO_FEW: usize = 5;

/// How the figures are measured, for every output to say.
pub const HOW: &str = "Latency runs from the release (for a reply to a clarified request, from \
the completed request) to the response that met the expectation. On time: done by the deadline, \
complete or not. Median and p90 are nearest-rank over the expectations owed, a missed one counting \
as never answered; an expectation not yet due when the exercise ended is not counted.";

/// What `--suggest` computes, for every output to say.
pub const HOW_SUGGEST: &str = "Suggested: across all the exercises, the time within which the \
team answered 90 % of the expectations owed (the nearest-rank 90th percentile of their \
latencies), a missed expectation counting as not kept at any time; where more than 1 in 10 were \
never answered, no time is suggested.";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub title: String,
    /// `wall-clock start` or `order given`.
    pub lined_up_by: &'static str,
    pub exercises: Vec<Column>,
    /// Things a reader should know: journals without a date, interrupted ones.
    pub notes: Vec<String>,
    pub how: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how_suggested: Option<&'static str>,
    /// Per basis and team.
    pub clauses: Vec<Row>,
    /// Per kind of expectation and team.
    pub kinds: Vec<Row>,
    /// Expectation ids and bases that some exercises' scenarios have and others do not.
    pub not_lined_up: Vec<NotLinedUp>,
}

/// One exercise: a column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// 1 for the first column.
    pub n: usize,
    pub journal: String,
    pub title: String,
    /// RFC 3339, UTC.
    pub started: Option<String>,
    /// `journal` or `command line`.
    pub date_from: Option<&'static str>,
    pub scenario_sha256: String,
    /// `signed` or `not_signed`.
    pub signature: &'static str,
    pub interrupted: bool,
    /// The column's heading for people: its date, else its journal's file name.
    #[serde(skip)]
    pub label: String,
}

/// What a row lines up.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Group {
    Clause {
        basis: String,
        /// The kinds of expectation measured against it.
        kinds: Vec<String>,
    },
    Kind {
        kind: String,
        /// The bases it had, in the order of the exercises (usually one; none without).
        bases: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub group: Group,
    pub team: String,
    /// One per exercise; `null` where that exercise's scenario has no such expectation or basis.
    pub exercises: Vec<Option<Cell>>,
    /// From the first exercise that owed any to the last; `null` with fewer than two.
    pub direction: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
}

/// Better or worse: a higher share on time is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Better,
    Worse,
    Same,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Better => "↑",
            Direction::Worse => "↓",
            Direction::Same => "=",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Direction::Better => "better",
            Direction::Worse => "worse",
            Direction::Same => "the same",
        }
    }

    /// From `before` to `after`, both owing something.
    fn between(before: &Cell, after: &Cell) -> Direction {
        let (b, a) = (before.on_time * after.owed, after.on_time * before.owed);
        match a.cmp(&b) {
            std::cmp::Ordering::Greater => Direction::Better,
            std::cmp::Ordering::Less => Direction::Worse,
            std::cmp::Ordering::Equal => Direction::Same,
        }
    }
}

/// One row's figures in one exercise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// Expectations owed (met, incomplete, late or missed).
    pub owed: usize,
    pub on_time: usize,
    pub late: usize,
    pub missed: usize,
    /// `null` when nothing was owed.
    pub share_on_time: Option<f64>,
    /// The standard, when every expectation counted had the same one.
    pub standard_s: Option<Secs>,
    #[serde(flatten)]
    pub latency: Latency,
    /// The fields missing or found insufficient, most often first, with how many expectations.
    pub fields: Vec<FieldCount>,
    /// Against the previous exercise that owed any.
    pub change: Option<Direction>,
}

/// The median and p90 of the latencies, in seconds and as a share of each one's standard;
/// `null` with nothing owed or where the percentile falls on an expectation never answered
/// (then `*_never` is true).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latency {
    pub median_s: Option<Secs>,
    pub median_of_standard: Option<f64>,
    pub median_never: bool,
    pub p90_s: Option<Secs>,
    pub p90_of_standard: Option<f64>,
    pub p90_never: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldCount {
    pub field: String,
    pub count: usize,
}

/// The time within which a team answered 90 % of what it owed, across the exercises.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub observations: usize,
    /// Of those, never answered.
    pub never: usize,
    /// The 90th percentile, in seconds: for a kind, and for a clause whose expectations all had
    /// one standard.
    pub kept_90_s: Option<Secs>,
    /// The 90th percentile as a share of each expectation's standard.
    pub kept_90_of_standard: Option<f64>,
    /// More than 1 in 10 were never answered: no time would have been kept in 90 % of cases.
    pub beyond: bool,
    /// The standard written in the last exercise that owed any, when it had one.
    pub written_s: Option<Secs>,
    /// Fewer than `TOO_FEW` observations.
    pub too_few: bool,
    /// The suggestion in words.
    pub says: String,
}

/// An id or basis that not every exercise's scenario has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotLinedUp {
    /// `expectation` or `basis`.
    pub what: &'static str,
    pub id: String,
    /// The exercises (numbered from 1) whose scenario has it.
    pub only_in: Vec<usize>,
}

impl Trend {
    /// Lines up `editions`, in the order given (see `line_up`); `by_date` says how they were
    /// ordered; `suggest` adds the suggestions.
    pub fn of(editions: &[Edition], by_date: bool, suggest: bool) -> Trend {
        let exercises: Vec<Column> = editions
            .iter()
            .enumerate()
            .map(|(i, e)| column(i, e))
            .collect();
        let observed: Vec<Vec<Observation>> =
            editions.iter().map(|e| observations(&e.exercise)).collect();
        let declared: Vec<Declared> = editions
            .iter()
            .map(|e| declared(e.exercise.scenario()))
            .collect();

        let mut clauses = group(&observed, |o| {
            o.basis.as_ref().map(|b| (b.clone(), o.team.clone()))
        });
        // A clause's teams together, in the order the clauses first came (a stable sort).
        let first_seen: HashMap<String, usize> = clauses
            .iter()
            .enumerate()
            .rev()
            .map(|(i, ((b, _), _))| (b.clone(), i))
            .collect();
        clauses.sort_by_key(|((b, _), _)| first_seen[b]);
        let kinds = group(&observed, |o| Some((o.kind.clone(), o.team.clone())));

        let clause_rows = clauses
            .into_iter()
            .map(|((basis, team), members)| {
                let mut kinds_of: Vec<String> = Vec::new();
                for o in members.iter().flatten() {
                    if !kinds_of.contains(&o.kind) {
                        kinds_of.push(o.kind.clone());
                    }
                }
                let has = |i: usize| declared[i].bases.contains(&basis);
                let group = Group::Clause {
                    basis: basis.clone(),
                    kinds: kinds_of,
                };
                row(group, team, &members, has, suggest, false)
            })
            .collect();
        let kind_rows = kinds
            .into_iter()
            .map(|((kind, team), members)| {
                let mut bases: Vec<String> = Vec::new();
                for o in members.iter().flatten() {
                    if let Some(basis) = &o.basis
                        && !bases.contains(basis)
                    {
                        bases.push(basis.clone());
                    }
                }
                let id = format!("{kind}@{team}");
                let has = |i: usize| declared[i].ids.contains(&id);
                let group = Group::Kind {
                    kind: kind.clone(),
                    bases,
                };
                row(group, team, &members, has, suggest, true)
            })
            .collect();

        let mut notes = Vec::new();
        let undated = editions.iter().filter(|e| e.started.is_none()).count();
        if !by_date && editions.len() > 1 {
            notes.push(format!(
                "Lined up in the order given: {undated} of {} journals have no wall-clock start \
                 (a scripted run records none); give one as JOURNAL@2025-06-01.",
                editions.len()
            ));
        }
        for (i, e) in editions.iter().enumerate() {
            if e.interrupted {
                notes.push(format!(
                    "#{}: {} is an interrupted exercise: what was overdue when it stopped counts \
                     as missed, what was open is not counted.",
                    i + 1,
                    e.journal.display()
                ));
            }
            for warning in &e.warnings {
                notes.push(format!("#{}: {warning}", i + 1));
            }
        }

        Trend {
            title: editions
                .last()
                .map(|e| e.exercise.scenario().title.clone())
                .unwrap_or_default(),
            lined_up_by: if by_date {
                "wall-clock start"
            } else {
                "order given"
            },
            exercises,
            notes,
            how: HOW,
            how_suggested: suggest.then_some(HOW_SUGGEST),
            clauses: clause_rows,
            kinds: kind_rows,
            not_lined_up: not_lined_up(&declared),
        }
    }

    pub fn to_json(&self) -> String {
        // Into memory, from plain numbers and strings: serialising cannot fail.
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }
}

fn column(i: usize, edition: &Edition) -> Column {
    let file = edition.journal.file_name().map_or_else(
        || edition.journal.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    Column {
        n: i + 1,
        journal: edition.journal.display().to_string(),
        title: edition.exercise.scenario().title.clone(),
        started: edition.started.map(|(at, _)| format_wall(at)),
        date_from: edition.started.map(|(_, from)| match from {
            DateFrom::Journal => "journal",
            DateFrom::CommandLine => "command line",
        }),
        scenario_sha256: edition.scenario_sha256.clone(),
        signature: edition.signature,
        interrupted: edition.interrupted,
        label: edition
            .started
            .map_or(file, |(at, _)| at.date().to_string()),
    }
}

/// The observations of each row, keyed by `key` (`None`: in no row), per exercise in that
/// exercise's order; rows in the order the latest exercise has them, then those only earlier
/// ones have.
type Rows<'o> = Vec<((String, String), Vec<Vec<&'o Observation>>)>;

fn group<'o>(
    observed: &'o [Vec<Observation>],
    key: impl Fn(&Observation) -> Option<(String, String)>,
) -> Rows<'o> {
    let mut rows: Rows<'o> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    // The latest exercise's order first: its scenario is the one the partners use now.
    for (i, list) in observed.iter().enumerate().rev() {
        for o in list {
            let Some(key) = key(o) else {
                continue;
            };
            let at = *index.entry(key.clone()).or_insert_with(|| {
                rows.push((key, vec![Vec::new(); observed.len()]));
                rows.len() - 1
            });
            rows[at].1[i].push(o);
        }
    }
    rows
}

/// One row: its cells, their changes, its direction and suggestion. `members`: its
/// observations per exercise; `has(i)`: exercise i's scenario has what the row lines up.
/// `one_obligation`: a kind, whose suggestion is a time even when its standard changed between
/// exercises.
fn row(
    group: Group,
    team: String,
    members: &[Vec<&Observation>],
    has: impl Fn(usize) -> bool,
    suggest: bool,
    one_obligation: bool,
) -> Row {
    let mut cells: Vec<Option<Cell>> = members
        .iter()
        .enumerate()
        .map(|(i, of_row)| (has(i) || !of_row.is_empty()).then(|| cell(of_row)))
        .collect();
    let mut previous: Option<usize> = None;
    for i in 0..cells.len() {
        let owes = cells[i].as_ref().is_some_and(|c| c.owed > 0);
        if !owes {
            continue;
        }
        if let Some(p) = previous {
            let change = cells[p]
                .as_ref()
                .zip(cells[i].as_ref())
                .map(|(before, after)| Direction::between(before, after));
            if let Some(cell) = cells[i].as_mut() {
                cell.change = change;
            }
        }
        previous = Some(i);
    }
    let owing: Vec<&Cell> = cells.iter().flatten().filter(|c| c.owed > 0).collect();
    let direction = match owing.as_slice() {
        [first, .., last] => Some(Direction::between(first, last)),
        _ => None,
    };
    let suggestion = suggest.then(|| {
        let all: Vec<&Observation> = members.iter().flatten().copied().collect();
        let written = owing.last().and_then(|c| c.standard_s);
        suggestion(&all, written, one_obligation)
    });
    Row {
        group,
        team,
        exercises: cells,
        direction,
        suggestion,
    }
}

fn cell(observations: &[&Observation]) -> Cell {
    let owed = observations.len();
    let count = |f: fn(Kept) -> bool| observations.iter().filter(|o| f(o.kept)).count();
    let on_time = count(|k| matches!(k, Kept::OnTime(_)));
    let late = count(|k| matches!(k, Kept::Late(_)));
    let missed = count(|k| k == Kept::Never);
    let mut fields: Vec<FieldCount> = Vec::new();
    for o in observations {
        for field in &o.fields {
            match fields.iter_mut().find(|f| &f.field == field) {
                Some(f) => f.count += 1,
                None => fields.push(FieldCount {
                    field: field.clone(),
                    count: 1,
                }),
            }
        }
    }
    fields.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.field.cmp(&b.field)));
    Cell {
        owed,
        on_time,
        late,
        missed,
        share_on_time: (owed > 0).then(|| on_time as f64 / owed as f64),
        standard_s: one_standard(observations),
        latency: latency(observations),
        fields,
        change: None,
    }
}

/// The standard every observation had, if they had one.
fn one_standard(observations: &[&Observation]) -> Option<Secs> {
    let first = observations.first()?.standard;
    observations
        .iter()
        .all(|o| o.standard == first)
        .then_some(first)
}

fn latency(observations: &[&Observation]) -> Latency {
    let (median_s, median_never) = split(nearest_rank(absolute(observations), 0.5));
    let (p90_s, p90_never) = split(nearest_rank(absolute(observations), 0.9));
    let (median_of_standard, _) = split(nearest_rank_f(relative(observations), 0.5));
    let (p90_of_standard, _) = split(nearest_rank_f(relative(observations), 0.9));
    Latency {
        median_s,
        median_of_standard,
        median_never,
        p90_s,
        p90_of_standard,
        p90_never,
    }
}

/// A percentile: `None` with nothing to rank, `Some(None)` when it falls on one never answered.
fn split<T>(ranked: Option<Option<T>>) -> (Option<T>, bool) {
    match ranked {
        Some(Some(value)) => (Some(value), false),
        Some(None) => (None, true),
        None => (None, false),
    }
}

fn absolute(observations: &[&Observation]) -> Vec<Option<Secs>> {
    observations.iter().map(|o| o.kept.latency()).collect()
}

fn relative(observations: &[&Observation]) -> Vec<Option<f64>> {
    observations
        .iter()
        .map(|o| {
            o.kept
                .latency()
                .map(|l| l as f64 / o.standard.max(1) as f64)
        })
        .collect()
}

/// The nearest-rank percentile `p` (0 to 1): the ⌈p·n⌉-th smallest, a `None` (never answered)
/// larger than any time. `None` for an empty list.
pub fn nearest_rank(mut values: Vec<Option<Secs>>, p: f64) -> Option<Option<Secs>> {
    values.sort_by_key(|v| (v.is_none(), v.unwrap_or(0)));
    pick(&values, p)
}

fn nearest_rank_f(mut values: Vec<Option<f64>>, p: f64) -> Option<Option<f64>> {
    values.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    pick(&values, p)
}

fn pick<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
    Some(sorted[rank - 1])
}

fn suggestion(all: &[&Observation], written: Option<Secs>, one_obligation: bool) -> Suggestion {
    let observations = all.len();
    let never = all.iter().filter(|o| o.kept == Kept::Never).count();
    let standard = one_standard(all);
    let (kept_s, beyond) = split(nearest_rank(absolute(all), 0.9));
    let (kept_of_standard, _) = split(nearest_rank_f(relative(all), 0.9));
    let kept_90_s = if one_obligation || standard.is_some() {
        kept_s
    } else {
        None
    };
    let too_few = observations < TOO_FEW;
    let figure = match (kept_90_s, kept_of_standard) {
        _ if beyond => format!(
            "no time was kept in 90 % of cases: {never} of {observations} {} never answered",
            if never == 1 { "was" } else { "were" }
        ),
        (Some(secs), _) => format!("answered within {} in 90 % of cases", shown(secs)),
        (None, Some(share)) => format!(
            "answered within {} of the standard in 90 % of cases",
            percent(share)
        ),
        (None, None) => "nothing to measure".to_string(),
    };
    let written_text = written.map_or_else(String::new, |w| format!("; written: {}", shown(w)));
    let says = if too_few {
        format!(
            "too few to say ({observations} observation{}): {figure}{written_text}",
            if observations == 1 { "" } else { "s" }
        )
    } else {
        format!("{figure} ({observations} observations{written_text})")
    };
    Suggestion {
        observations,
        never,
        kept_90_s,
        kept_90_of_standard: kept_of_standard,
        beyond,
        written_s: written,
        too_few,
        says,
    }
}

/// Ids and bases not every exercise's scenario has, in id order.
fn not_lined_up(declared: &[Declared]) -> Vec<NotLinedUp> {
    let mut out = Vec::new();
    type Of = fn(&Declared) -> &BTreeSet<String>;
    let kinds: [(&'static str, Of); 2] = [("expectation", |d| &d.ids), ("basis", |d| &d.bases)];
    for (what, of) in kinds {
        let all: BTreeSet<&String> = declared.iter().flat_map(|d| of(d).iter()).collect();
        for id in all {
            let only_in: Vec<usize> = declared
                .iter()
                .enumerate()
                .filter(|(_, d)| of(d).contains(id))
                .map(|(i, _)| i + 1)
                .collect();
            if only_in.len() < declared.len() {
                out.push(NotLinedUp {
                    what,
                    id: id.clone(),
                    only_in,
                });
            }
        }
    }
    out
}

/// A time as people read it in a trend: to the second under ten minutes, else to the minute.
pub fn shown(secs: Secs) -> String {
    if secs < 600 {
        format_secs(secs)
    } else {
        format_secs((secs + 30) / 60 * 60)
    }
}

/// A share as a whole percentage.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_takes_the_ceiling_rank_and_puts_never_last() {
        let values = vec![Some(40), None, Some(10), Some(20)];
        assert_eq!(nearest_rank(values.clone(), 0.5), Some(Some(20)));
        assert_eq!(nearest_rank(values.clone(), 0.75), Some(Some(40)));
        assert_eq!(nearest_rank(values, 0.9), Some(None));
        assert_eq!(nearest_rank(vec![Some(7)], 0.9), Some(Some(7)));
        assert_eq!(nearest_rank(Vec::new(), 0.5), None);
    }

    #[test]
    fn times_are_shown_to_the_minute_from_ten_minutes() {
        assert_eq!(shown(490), "8m10s");
        assert_eq!(shown(729), "12m");
        assert_eq!(shown(2 * 3600 + 29 * 60 + 31), "2h30m");
    }
}
