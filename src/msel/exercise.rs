//! ttx's own `Exercise` sheet: what a scenario says besides its teams, objectives, actions,
//! injects and modules (title, summary, speed, end, seed, late credit, the after-action report's
//! metadata, the handbooks' threat, assumptions and schedule, the rating thresholds, the feedback
//! form's statements and the rehearsal profile), one field a row, both ways. With it, an XLSX
//! export imports back as the same scenario.

use super::table::{Problem, Table};
use super::text::value_ron;
use crate::ron_file::{Arena, SourceMap, parse_file, quoted};
use crate::scenario::{HSEEP_FEEDBACK, Scenario, format_secs, parse_duration};

/// The sheet's name and its two columns.
pub const SHEET: &str = "Exercise";
pub const HEADERS: [&str; 2] = ["Field", "Value"];

/// How a value is written in a cell and in RON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Text,
    /// A number, such as `12` or `0.5`.
    Number,
    /// A whole number.
    Whole,
    /// A duration, such as `2d`.
    Duration,
    /// One text a line.
    Lines,
    /// One agenda line a line: `09:00 | Briefing`.
    Schedule,
    /// RON, as a scenario file writes it.
    Ron,
}

/// One field of the sheet: its label, its key in the scenario, whether it is in `exercise: (...)`
/// and its form.
struct Field {
    label: &'static str,
    key: &'static str,
    in_exercise: bool,
    form: Form,
}

const fn field(label: &'static str, key: &'static str, in_exercise: bool, form: Form) -> Field {
    Field {
        label,
        key,
        in_exercise,
        form,
    }
}

const FIELDS: [Field; 18] = [
    field("Title", "title", false, Form::Text),
    field("Summary", "summary", false, Form::Text),
    field("Speed", "speed", false, Form::Number),
    field("End", "end", false, Form::Duration),
    field("Seed", "seed", false, Form::Whole),
    field("Late credit", "late_credit", false, Form::Number),
    field("Sponsor", "sponsor", true, Form::Text),
    field("Location", "location", true, Form::Text),
    field("Mission areas", "mission_areas", true, Form::Lines),
    field("Handling", "handling", true, Form::Text),
    field("Contact", "contact", true, Form::Text),
    field("Scope", "scope", true, Form::Text),
    field("Threat", "threat", true, Form::Text),
    field("Assumptions", "assumptions", true, Form::Lines),
    field("Schedule", "schedule", true, Form::Schedule),
    field("Ratings", "ratings", false, Form::Ron),
    field("Feedback", "feedback", false, Form::Lines),
    field("Profile", "profile", false, Form::Ron),
];

/// The sheet's rows for a scenario: every field, blank where the scenario has nothing, so that
/// whoever edits the sheet sees what can be filled in. `Feedback` is blank where the scenario
/// uses HSEEP's six statements, so that the sheet shows only a form of the scenario's own.
pub fn rows(scenario: &Scenario) -> Vec<Vec<String>> {
    let info = &scenario.exercise;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let ratings = &scenario.ratings;
    FIELDS
        .iter()
        .map(|f| {
            let value = match f.key {
                "title" => scenario.title.clone(),
                "summary" => text(&scenario.summary),
                "speed" => scenario.speed.to_string(),
                "end" => scenario.end.map(format_secs).unwrap_or_default(),
                "seed" => scenario.seed.to_string(),
                "late_credit" => scenario.late_credit.to_string(),
                "sponsor" => text(&info.sponsor),
                "location" => text(&info.location),
                "mission_areas" => info.mission_areas.join("\n"),
                "handling" => text(&info.handling),
                "contact" => text(&info.contact),
                "scope" => text(&info.scope),
                "threat" => text(&info.threat),
                "assumptions" => info.assumptions.join("\n"),
                "schedule" => info
                    .schedule
                    .iter()
                    .map(|l| format!("{} | {}", l.at, l.item))
                    .collect::<Vec<_>>()
                    .join("\n"),
                "feedback" if scenario.feedback == HSEEP_FEEDBACK => String::new(),
                "feedback" => scenario.feedback.join("\n"),
                "ratings" => format!(
                    "(performed: {:?}, some: {:?}, major: {:?})",
                    ratings.performed, ratings.some, ratings.major
                ),
                _ => scenario
                    .profile
                    .as_ref()
                    .and_then(|written| written.read(&Arena::new()).ok().map(|v| value_ron(&v)))
                    .unwrap_or_default(),
            };
            vec![f.label.to_string(), value]
        })
        .collect()
}

/// One field read from the sheet, as the RON it becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The sheet's row, for messages.
    pub row: usize,
    pub key: &'static str,
    /// Inside `exercise: (...)`.
    pub in_exercise: bool,
    pub ron: String,
}

/// The column messages name a value by.
pub const VALUE_COLUMN: &str = "Value (sheet Exercise)";

/// The sheet's fields, each checked as far as its form goes (the loader checks the rest); a
/// row that cannot be read is reported and left out, and the scenario takes that field's
/// default.
pub fn read(table: &Table, problems: &mut Vec<Problem>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for row in &table.rows {
        let label = row.cell(0).map(|c| c.text.trim()).unwrap_or_default();
        let Some(field) = FIELDS.iter().find(|f| f.label.eq_ignore_ascii_case(label)) else {
            let labels: Vec<&str> = FIELDS.iter().map(|f| f.label).collect();
            problems.push(Problem::new(
                row.number,
                "Field (sheet Exercise)",
                format!(
                    "{} is not a field of the exercise; its fields: {}",
                    quoted(label),
                    labels.join(", ")
                ),
            ));
            continue;
        };
        if entries.iter().any(|e| e.key == field.key) {
            problems.push(Problem::new(
                row.number,
                "Field (sheet Exercise)",
                format!("{} is given twice", field.label),
            ));
            continue;
        }
        let Some(cell) = row.cell(1) else {
            continue;
        };
        let text = cell.text.as_str();
        let trimmed = text.trim();
        let ron = match field.form {
            Form::Text => Ok(quoted(text)),
            Form::Number => trimmed
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| format!("{n:?}"))
                .ok_or_else(|| format!("{}: {} is not a number", field.label, quoted(trimmed))),
            Form::Whole => trimmed.parse::<u64>().map(|n| n.to_string()).map_err(|_| {
                format!(
                    "{}: {} is not a whole number from 0",
                    field.label,
                    quoted(trimmed)
                )
            }),
            Form::Duration => parse_duration(trimmed)
                .map(|d| quoted(&format_secs(d)))
                .map_err(|e| format!("{}: {e}", field.label)),
            Form::Lines => {
                let items: Vec<String> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(quoted)
                    .collect();
                Ok(format!("[{}]", items.join(", ")))
            }
            Form::Schedule => schedule_ron(text),
            // One value alone, so that no slip in it breaks the scenario around it.
            Form::Ron => {
                let map = SourceMap::new("cell", trimmed);
                parse_file(&map, trimmed, &Arena::new())
                    .map(|_| trimmed.to_string())
                    .map_err(|d| {
                        let messages: Vec<String> = d.into_iter().map(|d| d.message).collect();
                        format!("{}: {}", field.label, messages.join("; "))
                    })
            }
        };
        match ron {
            Ok(ron) => entries.push(Entry {
                row: row.number,
                key: field.key,
                in_exercise: field.in_exercise,
                ron,
            }),
            Err(message) => problems.push(Problem::new(row.number, VALUE_COLUMN, message)),
        }
    }
    entries
}

/// The agenda, one `TIME | ITEM` a line (the time is everything before the first `|`), as RON.
fn schedule_ron(text: &str) -> Result<String, String> {
    let mut lines = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((at, item)) = line.split_once('|') else {
            return Err(format!(
                "Schedule: {} is not an agenda line: write its time, a `|` and what happens then \
                 (`09:00 | Briefing`), one a line",
                quoted(line)
            ));
        };
        lines.push(format!(
            "(at: {}, item: {})",
            quoted(at.trim()),
            quoted(item.trim())
        ));
    }
    Ok(format!("[{}]", lines.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[[&str; 2]]) -> Table {
        Table::of_texts(&HEADERS, rows)
    }

    #[test]
    fn fields_become_ron_and_mistakes_name_their_row() {
        let mut problems = Vec::new();
        let entries = read(
            &sheet(&[
                ["Title", "Drill \"one\""],
                ["speed", " 12 "],
                ["End", "2d"],
                ["Seed", "-1"],
                ["Mission areas", "Response\n\nRecovery"],
                [
                    "Schedule",
                    "09:00 | Briefing\n\n10:30 AM | Module 1 | the first",
                ],
                ["Assumptions", "Lunch is late"],
                ["Colour", "red"],
                ["Title", "Again"],
                ["Summary", ""],
            ]),
            &mut problems,
        );
        let ron: Vec<(&str, &str)> = entries.iter().map(|e| (e.key, e.ron.as_str())).collect();
        assert_eq!(
            ron,
            [
                ("title", "\"Drill \\\"one\\\"\""),
                ("speed", "12.0"),
                ("end", "\"2d\""),
                ("mission_areas", "[\"Response\", \"Recovery\"]"),
                (
                    "schedule",
                    "[(at: \"09:00\", item: \"Briefing\"), (at: \"10:30 AM\", item: \
                     \"Module 1 | the first\")]"
                ),
                ("assumptions", "[\"Lunch is late\"]"),
            ]
        );
        let messages: Vec<String> = problems.iter().map(|p| p.render("x.xlsx")).collect();
        assert_eq!(
            messages,
            [
                "x.xlsx:5:Value (sheet Exercise): Seed: \"-1\" is not a whole number from 0",
                "x.xlsx:9:Field (sheet Exercise): \"Colour\" is not a field of the exercise; its \
                 fields: Title, Summary, Speed, End, Seed, Late credit, Sponsor, Location, \
                 Mission areas, Handling, Contact, Scope, Threat, Assumptions, Schedule, \
                 Ratings, Feedback, Profile",
                "x.xlsx:10:Field (sheet Exercise): Title is given twice",
            ]
        );
        assert_eq!(
            schedule_ron("09:00 Briefing"),
            Err(
                "Schedule: \"09:00 Briefing\" is not an agenda line: write its time, a `|` and \
                 what happens then (`09:00 | Briefing`), one a line"
                    .to_string()
            )
        );
    }
}
