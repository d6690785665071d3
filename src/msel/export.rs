//! A scenario as an MSEL with HSEEP's columns: CSV (RFC 4180, UTF-8) or XLSX with `Teams`,
//! `Objectives` and `Actions` sheets. What import reads back is exactly what these write.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::exercise;
use super::modules;
use super::text::{
    ExpectText, FieldText, TriggerText, TriggerWords, escape_csv_cell, escape_xlsx_cell, named,
    one_line,
};
use crate::ron_file::quoted;
use crate::scenario::{
    Action, ExpectationRef, HSEEP_FEEDBACK, Inject, Recipients, Scenario, Trigger, format_secs,
};
use crate::text::count;

/// The MSEL's columns, in order: HSEEP's, with ttx's own `Trigger`, `Unless` and `Id`. `#` is
/// the inject's `ref`, and `Method` its `method` (HSEEP's inject mode).
pub const COLUMNS: [&str; 13] = [
    "#",
    "Scenario time",
    "Trigger",
    "Unless",
    "From",
    "To",
    "Method",
    "Subject",
    "Inject",
    "Expected action",
    "Objective",
    "Notes",
    "Id",
];

/// The XLSX's last column: each time as OpenBAS's spreadsheet import reads it.
pub const OPENBAS_TIMING: &str = "OpenBAS timing";

/// `J+0 H+1 M+30`: a scenario time as OpenBAS writes a timing, to the minute.
pub fn openbas_timing(t: u64) -> String {
    format!(
        "J+{} H+{} M+{}",
        t / 86_400,
        t % 86_400 / 3600,
        t % 3600 / 60
    )
}

/// Column widths in the XLSX, in characters.
const WIDTHS: [f64; 13] = [
    6.0, 12.0, 24.0, 24.0, 20.0, 24.0, 14.0, 32.0, 60.0, 48.0, 28.0, 36.0, 16.0,
];

fn expectation_name(scenario: &Scenario, r: &ExpectationRef) -> String {
    let inject = scenario.inject(r.inject);
    let what = inject
        .expect
        .get(r.expectation)
        .map(|e| e.name(scenario))
        .unwrap_or_default();
    let team = r
        .team
        .map(|t| format!("@{}", scenario.team(t).id))
        .unwrap_or_default();
    format!("{}.{what}{team}", inject.id)
}

fn trigger_words(scenario: &Scenario, trigger: &Trigger) -> TriggerWords {
    match trigger {
        Trigger::At(t) => TriggerWords::At(*t),
        Trigger::Released(ix) => TriggerWords::After(scenario.inject(*ix).id.as_str().to_owned()),
        Trigger::Met(r) => TriggerWords::Met(expectation_name(scenario, r)),
        Trigger::Missed(r) => TriggerWords::Missed(expectation_name(scenario, r)),
        Trigger::Incomplete(r) => TriggerWords::Incomplete(expectation_name(scenario, r)),
        Trigger::Taken { action, team } => TriggerWords::Taken(format!(
            "{}{}",
            scenario.action(*action).id,
            team.map(|t| format!("@{}", scenario.team(t).id))
                .unwrap_or_default()
        )),
        Trigger::Manual => TriggerWords::ByHand,
    }
}

fn trigger_text(scenario: &Scenario, inject: &Inject) -> TriggerText {
    TriggerText {
        trigger: trigger_words(scenario, &inject.when),
        delay: inject.delay,
        jitter: inject.jitter,
        chance: inject.chance,
    }
}

fn expected_lines(scenario: &Scenario, inject: &Inject) -> Vec<String> {
    inject
        .expect
        .iter()
        .map(|e| {
            let names = e
                .choices()
                .iter()
                .map(|a| {
                    let action = scenario.action(*a);
                    (action.name.clone(), Some(action.id.clone()))
                })
                .collect();
            // A decision requires the fields of the action chosen; an action, those listed
            // (written even when they are all, since a CSV has no catalogue to find them in).
            let fields = e
                .action()
                .map(|a| scenario.action(a))
                .filter(|action| !action.fields.is_empty())
                .map(|action| e.fields.iter().map(|f| action.fields[*f].clone()).collect());
            ExpectText {
                names,
                decision: e.is_decision(),
                by: if e.by == inject.to {
                    Vec::new()
                } else {
                    e.by.iter().map(|t| scenario.team(*t).id.clone()).collect()
                },
                within: Some(e.within),
                fields,
                weight: (e.weight != 1.0).then_some(e.weight),
                objective: e.objective.map(|o| scenario.objective(o).id.clone()),
                basis: e.basis.clone(),
            }
            .render()
        })
        .collect()
}

fn objective_lines(scenario: &Scenario, inject: &Inject) -> Vec<String> {
    let mut seen = Vec::new();
    for o in inject.expect.iter().filter_map(|e| e.objective) {
        if !seen.contains(&o) {
            seen.push(o);
        }
    }
    seen.iter()
        .map(|o| {
            let objective = scenario.objective(*o);
            named(&objective.name, &objective.id)
        })
        .collect()
}

/// One row per inject, in file order, as text cells under [`COLUMNS`].
pub fn rows(scenario: &Scenario) -> Vec<[String; 13]> {
    scenario
        .injects
        .iter()
        .map(|inject| {
            let time = match inject.when {
                // `1h30m`, not `+1h30m`: a cell that needs no guard against formulas.
                Trigger::At(t) => format_secs(t),
                _ => String::new(),
            };
            let to: Vec<String> = inject
                .to
                .iter()
                .map(|t| {
                    let team = scenario.team(*t);
                    named(&team.name, &team.id)
                })
                .collect();
            [
                inject.reference.clone().unwrap_or_default(),
                time,
                trigger_text(scenario, inject).render(),
                inject
                    .unless
                    .as_ref()
                    .map(|u| trigger_words(scenario, u).render())
                    .unwrap_or_default(),
                inject.from.clone().unwrap_or_default(),
                to.join("\n"),
                inject.method.clone().unwrap_or_default(),
                inject.title.clone(),
                inject.body.clone(),
                expected_lines(scenario, inject).join("\n"),
                objective_lines(scenario, inject).join("\n"),
                inject.notes.clone().unwrap_or_default(),
                inject.id.as_str().to_owned(),
            ]
        })
        .collect()
}

/// The MSEL as CSV: RFC 4180, UTF-8, a header row; a cell that a spreadsheet program would run
/// as a formula is written with a leading `'`.
pub fn export_csv(scenario: &Scenario) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| format!("cannot write the CSV: {e}");
    writer.write_record(COLUMNS).map_err(failed)?;
    for row in rows(scenario) {
        writer
            .write_record(row.iter().map(|cell| escape_csv_cell(cell)))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| format!("cannot write the CSV: {e}"))
}

fn message_text(scenario: &Scenario, spec: &crate::scenario::MessageSpec) -> String {
    let to = match &spec.to {
        Recipients::Others => "others".to_string(),
        Recipients::Teams(teams) => teams
            .iter()
            .map(|t| scenario.team(*t).id.clone())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let Some(reply) = &spec.reply else {
        return format!("to: {to}");
    };
    let action = scenario.action(reply.action);
    let mut text = format!(
        "to: {to}; reply: {} within {}",
        action.id,
        format_secs(reply.within)
    );
    if reply.fields.len() != action.fields.len() {
        let fields: Vec<&str> = reply
            .fields
            .iter()
            .map(|f| action.fields[*f].as_str())
            .collect();
        text.push_str(&format!("; fields: {}", fields.join(", ")));
    }
    if reply.weight != 1.0 {
        text.push_str(&format!("; weight: {}", reply.weight));
    }
    if let Some(o) = reply.objective {
        text.push_str(&format!("; objective: {}", scenario.objective(o).id));
    }
    if let Some(basis) = &reply.basis {
        text.push_str(&format!("; basis: {}", one_line(basis)));
    }
    text
}

/// The action's fields, a line each, shaped ones as their record.
fn fields_text(action: &Action) -> String {
    action
        .fields
        .iter()
        .zip(&action.shapes)
        .map(|(name, shape)| {
            FieldText {
                name: name.clone(),
                hint: shape.hint.clone(),
                choices: shape.choices.clone(),
                min_words: shape.min_words.map(|m| m as u64),
            }
            .render()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_sheet(
    sheet: &mut Worksheet,
    headers: &[&str],
    widths: &[f64],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, (header, width)) in headers.iter().zip(widths).enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *header, &bold)?;
        sheet.set_column_width(c, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                let cell = escape_xlsx_cell(cell);
                sheet.write_string_with_format(r as u32 + 1, c as u16, &cell, &wrap)?;
            }
        }
    }
    Ok(())
}

/// The MSEL as an XLSX workbook: the `MSEL` sheet, then `Exercise`, `Teams`, `Objectives`,
/// `Actions` and, for a scenario with a discussion, `Modules`, which together carry the whole
/// scenario. Every cell is written as text, never as a formula.
pub fn export_xlsx(scenario: &Scenario) -> Result<Vec<u8>, String> {
    let failed = |e: XlsxError| format!("cannot write the XLSX: {e}");
    let mut workbook = Workbook::new();
    // The XLSX adds the time as OpenBAS's spreadsheet import reads it, after ttx's columns.
    let msel: Vec<Vec<String>> = rows(scenario)
        .into_iter()
        .zip(&scenario.injects)
        .map(|(row, inject)| {
            let mut row = Vec::from(row);
            row.push(match inject.when {
                Trigger::At(t) => openbas_timing(t),
                _ => String::new(),
            });
            row
        })
        .collect();
    let mut headers = COLUMNS.to_vec();
    headers.push(OPENBAS_TIMING);
    let mut widths = WIDTHS.to_vec();
    widths.push(16.0);
    let sheet = workbook.add_worksheet().set_name("MSEL").map_err(failed)?;
    write_sheet(sheet, &headers, &widths, &msel).map_err(failed)?;
    let sheet = workbook
        .add_worksheet()
        .set_name(exercise::SHEET)
        .map_err(failed)?;
    write_sheet(
        sheet,
        &exercise::HEADERS,
        &[16.0, 80.0],
        &exercise::rows(scenario),
    )
    .map_err(failed)?;
    let teams: Vec<Vec<String>> = scenario
        .teams
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                t.name.clone(),
                t.summary.clone().unwrap_or_default(),
                t.organisations.join("\n"),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name("Teams").map_err(failed)?;
    write_sheet(
        sheet,
        &["Id", "Name", "Summary", "Organisations"],
        &[16.0, 40.0, 60.0, 40.0],
        &teams,
    )
    .map_err(failed)?;
    let objectives: Vec<Vec<String>> = scenario
        .objectives
        .iter()
        .map(|o| {
            vec![
                o.id.clone(),
                o.name.clone(),
                o.capability.clone().unwrap_or_default(),
                o.target.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let sheet = workbook
        .add_worksheet()
        .set_name("Objectives")
        .map_err(failed)?;
    write_sheet(
        sheet,
        &["Id", "Name", "Capability", "Target"],
        &[16.0, 60.0, 32.0, 60.0],
        &objectives,
    )
    .map_err(failed)?;
    let actions: Vec<Vec<String>> = scenario
        .actions
        .iter()
        .map(|a| {
            vec![
                a.id.clone(),
                a.name.clone(),
                a.description.clone().unwrap_or_default(),
                a.teams
                    .as_ref()
                    .map(|teams| {
                        teams
                            .iter()
                            .map(|t| scenario.team(*t).id.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                fields_text(a),
                a.message
                    .as_ref()
                    .map(|m| message_text(scenario, m))
                    .unwrap_or_default(),
                if a.ahead { "yes" } else { "" }.to_string(),
                a.clarifies.map(format_secs).unwrap_or_default(),
                a.basis.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let sheet = workbook
        .add_worksheet()
        .set_name("Actions")
        .map_err(failed)?;
    write_sheet(
        sheet,
        &[
            "Id",
            "Name",
            "Description",
            "Teams",
            "Fields",
            "Message",
            "Ahead",
            "Clarifies",
            "Basis",
        ],
        &[16.0, 36.0, 48.0, 16.0, 24.0, 40.0, 8.0, 10.0, 24.0],
        &actions,
    )
    .map_err(failed)?;
    if !scenario.modules.is_empty() {
        let sheet = workbook
            .add_worksheet()
            .set_name(modules::SHEET)
            .map_err(failed)?;
        write_sheet(
            sheet,
            &modules::HEADERS,
            &modules::WIDTHS,
            &modules::rows(scenario),
        )
        .map_err(failed)?;
    }
    workbook.save_to_buffer().map_err(failed)
}

/// What a CSV, one table, cannot carry of this scenario, one item each: said on stderr, so that
/// no one takes the CSV for the whole scenario. Import makes the title from the file's name,
/// the teams from the recipients, the actions from the expected actions.
pub fn csv_losses(scenario: &Scenario) -> Vec<String> {
    let mut lost = vec![format!("the title {}", quoted(&scenario.title))];
    let mut say = |given: bool, what: String| {
        if given {
            lost.push(what);
        }
    };
    say(scenario.summary.is_some(), "the summary".into());
    say(
        scenario.speed != 1.0,
        format!("the speed ({})", scenario.speed),
    );
    if let Some(end) = scenario.end {
        say(true, format!("the end ({})", format_secs(end)));
    }
    say(scenario.seed != 0, format!("the seed ({})", scenario.seed));
    say(
        scenario.late_credit != 0.5,
        format!("the late credit ({})", scenario.late_credit),
    );
    let info = &scenario.exercise;
    let metadata: Vec<String> = [
        ("sponsor", info.sponsor.is_some()),
        ("location", info.location.is_some()),
        ("mission areas", !info.mission_areas.is_empty()),
        ("contact", info.contact.is_some()),
        ("scope", info.scope.is_some()),
        ("threat", info.threat.is_some()),
        ("assumptions", !info.assumptions.is_empty()),
        ("schedule", !info.schedule.is_empty()),
    ]
    .iter()
    .filter(|(_, given)| *given)
    .map(|(what, _)| what.to_string())
    .chain(
        info.handling
            .as_ref()
            .map(|h| format!("handling marking ({h}) printed on the report")),
    )
    .collect();
    say(
        !metadata.is_empty(),
        format!("the exercise's {}", metadata.join(", ")),
    );
    say(
        scenario.ratings != Default::default(),
        "the rating thresholds".into(),
    );
    say(scenario.profile.is_some(), "the rehearsal profile".into());
    say(
        scenario.feedback != HSEEP_FEEDBACK,
        "the feedback form's own statements (the CSV's scenario asks HSEEP's six)".into(),
    );
    let questions: usize = scenario.modules.iter().map(|m| m.questions.len()).sum();
    say(
        !scenario.modules.is_empty(),
        format!(
            "the discussion: {} and {}; a script that answers one fails on the CSV's scenario",
            count(scenario.modules.len(), "module"),
            count(questions, "question")
        ),
    );
    let named = |ids: Vec<&str>| ids.join(", ");
    say(
        scenario
            .objectives
            .iter()
            .any(|o| o.capability.is_some() || o.target.is_some()),
        "the objectives' capabilities and targets".into(),
    );
    let unnamed: Vec<&str> = scenario
        .objectives
        .iter()
        .enumerate()
        .filter(|(ix, _)| {
            !scenario.injects.iter().any(|i| {
                i.expect
                    .iter()
                    .any(|e| e.objective.is_some_and(|o| o.0 == *ix))
            })
        })
        .map(|(_, o)| o.id.as_str())
        .collect();
    say(
        !unnamed.is_empty(),
        format!("the objectives no expectation names ({})", named(unnamed)),
    );
    say(
        scenario
            .teams
            .iter()
            .any(|t| t.summary.is_some() || !t.organisations.is_empty()),
        "the teams' summaries and organisations".into(),
    );
    let silent: Vec<&str> = scenario
        .teams
        .iter()
        .enumerate()
        .filter(|(ix, _)| {
            !scenario
                .injects
                .iter()
                .any(|i| i.to.iter().any(|t| t.0 == *ix))
        })
        .map(|(_, t)| t.id.as_str())
        .collect();
    say(
        !silent.is_empty(),
        format!("the teams no inject goes to ({})", named(silent)),
    );
    let expected = |ix: usize| {
        scenario.injects.iter().any(|i| {
            i.expect
                .iter()
                .any(|e| e.choices().iter().any(|a| a.0 == ix))
        })
    };
    let catalogue_only: Vec<&str> = scenario
        .actions
        .iter()
        .enumerate()
        .filter(|(ix, _)| !expected(*ix))
        .map(|(_, a)| a.id.as_str())
        .collect();
    say(
        !catalogue_only.is_empty(),
        format!(
            "the actions no inject expects ({}): a team taking one in the CSV's scenario takes \
             an unknown action",
            named(catalogue_only)
        ),
    );
    let actions = &scenario.actions;
    let unrequired = actions.iter().enumerate().any(|(ix, action)| {
        (0..action.fields.len()).any(|field| {
            !scenario.injects.iter().any(|i| {
                i.expect
                    .iter()
                    .any(|e| e.action().is_some_and(|a| a.0 == ix) && e.fields.contains(&field))
            })
        })
    });
    let parts: Vec<&str> = [
        ("fields no expectation requires", unrequired),
        (
            "descriptions",
            actions.iter().any(|a| a.description.is_some()),
        ),
        ("team limits", actions.iter().any(|a| a.teams.is_some())),
        (
            "field shapes",
            actions
                .iter()
                .any(|a| a.shapes.iter().any(|s| *s != Default::default())),
        ),
        (
            "hotline messages and replies",
            actions.iter().any(|a| a.message.is_some()),
        ),
        ("`ahead`", actions.iter().any(|a| a.ahead)),
        (
            "clarifications",
            actions.iter().any(|a| a.clarifies.is_some()),
        ),
    ]
    .iter()
    .filter(|(_, given)| *given)
    .map(|(what, _)| *what)
    .collect();
    say(
        !parts.is_empty(),
        format!("the actions' {}", parts.join(", ")),
    );
    lost
}

/// A scenario as T3SF's MSEL.
#[derive(Debug, Clone, PartialEq)]
pub struct T3sfExport {
    pub json: Vec<u8>,
    /// One a recipient of each inject carried.
    pub rows: usize,
    /// The injects carried: those at a time.
    pub injects: usize,
    /// What T3SF cannot carry of this scenario, one item each, for stderr.
    pub lost: Vec<String>,
}

/// When T3SF's `Real Time` of the first row is: any time of day serves, as T3SF counts only the
/// minutes between rows.
const T3SF_START: i64 = 9 * 3600;

/// `07:31 PM`: a time of day as T3SF writes `Real Time`.
fn t3sf_clock(secs: i64) -> String {
    let minutes = secs.div_euclid(60).rem_euclid(24 * 60);
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let meridiem = if hours < 12 { "AM" } else { "PM" };
    let hours = match hours % 12 {
        0 => 12,
        h => h,
    };
    format!("{hours:02}:{minutes:02} {meridiem}")
}

/// `Monday 9:30 AM`: the in-game time as T3SF's `Date` shows it, Monday 9:00 AM being the start.
fn t3sf_date(secs: u64) -> String {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let at = secs / 60 + (T3SF_START / 60) as u64;
    let day = DAYS[(at / (24 * 60) % 7) as usize];
    let clock = t3sf_clock((at % (24 * 60) * 60) as i64);
    format!("{day} {}", clock.trim_start_matches('0'))
}

/// The `Date` an import from T3SF left at the start of the body (`Monday 9:30 AM — `), and the
/// body after it.
fn shown_date(body: &str) -> Option<(&str, &str)> {
    let (date, rest) = body.split_once(" — ")?;
    super::times::t3sf_date(&super::table::Cell::text(date))
        .ok()
        .map(|_| (date, rest))
}

/// A note line `Column: value` that an import from T3SF kept (`Photo: https://...`).
fn kept_note<'n>(notes: Option<&'n str>, column: &str) -> &'n str {
    notes
        .into_iter()
        .flat_map(str::lines)
        .find_map(|line| line.strip_prefix(column)?.strip_prefix(": "))
        .unwrap_or_default()
}

/// The scenario as T3SF's MSEL (JSON), which T3SF's own loader reads unchanged: one row per
/// inject at a time and recipient, in time order, numbered from 1 (T3SF finds a poll's next row
/// by its `#`). `Real Time` is the scenario time at the scenario's speed, from 09:00 AM; `Date`
/// the in-game time shown (the one an import from T3SF kept at the body's start, else Monday
/// 9:00 AM plus the scenario time); a decision is the `Poll`.
pub fn export_t3sf(scenario: &Scenario) -> Result<T3sfExport, String> {
    use serde_json::{Map, Value};
    let mut said = Vec::new();
    let mut timed: Vec<(u64, &Inject)> = Vec::new();
    let mut untimed = Vec::new();
    for inject in &scenario.injects {
        match inject.when {
            Trigger::At(t) => timed.push((t.saturating_add(inject.delay), inject)),
            _ => untimed.push(inject.id.as_str()),
        }
    }
    timed.sort_by_key(|(t, _)| *t);
    if timed.is_empty() {
        return Err(
            "no inject is at a time: T3SF plays each row at its time, so it has nothing to play"
                .into(),
        );
    }
    if !untimed.is_empty() {
        said.push(format!(
            "left out, as T3SF plays each row at a time and has no triggers: {}",
            untimed.join(", ")
        ));
    }
    // T3SF waits whole minutes between rows.
    let real_minutes = |t: u64| (t as f64 / scenario.speed / 60.0).round() as i64;
    let real_clock = |t: u64| T3SF_START.saturating_add(real_minutes(t).saturating_mul(60));
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    let mut polls = Vec::new();
    let mut unexpected = Vec::new();
    for (t, inject) in &timed {
        let (date, script) = match shown_date(&inject.body) {
            Some((date, script)) => (date.to_string(), script.to_string()),
            None => (t3sf_date(*t), inject.body.clone()),
        };
        let decision = inject.expect.iter().find(|e| e.is_decision());
        let poll = decision
            .map(|e| {
                e.choices()
                    .iter()
                    .map(|a| scenario.action(*a).name.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .unwrap_or_default();
        if inject.expect.iter().any(|e| !e.is_decision()) {
            unexpected.push(inject.id.as_str());
        }
        let notes = inject.notes.as_deref();
        for team in &inject.to {
            let mut row = Map::new();
            row.insert("#".into(), Value::from(rows.len() + 1));
            row.insert("Real Time".into(), Value::from(t3sf_clock(real_clock(*t))));
            row.insert("Date".into(), Value::from(date.clone()));
            row.insert("Subject".into(), Value::from(inject.title.clone()));
            row.insert(
                "From".into(),
                Value::from(inject.from.clone().unwrap_or_default()),
            );
            row.insert(
                "Player".into(),
                Value::from(scenario.team(*team).name.clone()),
            );
            row.insert("Script".into(), Value::from(script.clone()));
            for column in ["Photo", "Picture Name", "Profile"] {
                row.insert(column.into(), Value::from(kept_note(notes, column)));
            }
            row.insert("Poll".into(), Value::from(poll.clone()));
            if let Some(e) = decision {
                polls.push((rows.len(), *t, e.within));
            }
            rows.push(row);
        }
    }
    if !unexpected.is_empty() {
        said.push(format!(
            "expected actions other than decisions, which T3SF has no place for: those of {}",
            unexpected.join(", ")
        ));
    }
    // T3SF times a poll by the row after it: the last row cannot be one.
    if let Some(&(ix, t, within)) = polls.last().filter(|(ix, _, _)| *ix + 1 == rows.len()) {
        let end = t.saturating_add(within);
        let mut row = rows[ix].clone();
        row.insert("#".into(), Value::from(rows.len() + 1));
        row.insert(
            "Real Time".into(),
            Value::from(t3sf_clock(
                real_clock(end).max(real_clock(t).saturating_add(60)),
            )),
        );
        row.insert("Date".into(), Value::from(t3sf_date(end)));
        row.insert("Subject".into(), Value::from("End of the exercise"));
        row.insert("From".into(), Value::from(""));
        row.insert("Script".into(), Value::from("The exercise is over."));
        for column in ["Photo", "Picture Name", "Profile", "Poll"] {
            row.insert(column.into(), Value::from(""));
        }
        rows.push(row);
        said.push(format!(
            "a last row \"End of the exercise\" at {}, since T3SF closes a poll at the next row's \
             time",
            format_secs(end)
        ));
    }
    // T3SF reads only the minutes of `Real Time`: a wait of an hour or more it reads short.
    let long: Vec<String> = rows
        .windows(2)
        .filter_map(|pair| {
            let minutes = |row: &Map<String, Value>| {
                let text = row["Real Time"].as_str().unwrap_or_default();
                super::times::t3sf_real_time(&super::table::Cell::text(text))
                    .ok()
                    .and_then(|t| match t {
                        super::times::RowTime::Clock(secs) => Some(secs / 60),
                        _ => None,
                    })
            };
            let gap = (minutes(&pair[1])? - minutes(&pair[0])?).rem_euclid(24 * 60);
            (gap >= 60).then(|| format!("#{} ({} minutes)", pair[1]["#"], gap))
        })
        .collect();
    if !long.is_empty() {
        said.push(format!(
            "T3SF reads only the minutes of `Real Time`, so it waits less than an hour where the \
             wait is longer: before {}",
            long.join(", ")
        ));
    }
    let rows: Vec<Value> = rows.into_iter().map(Value::Object).collect();
    let mut json =
        serde_json::to_vec_pretty(&rows).map_err(|e| format!("cannot write the T3SF MSEL: {e}"))?;
    json.push(b'\n');
    Ok(T3sfExport {
        json,
        rows: rows.len(),
        injects: timed.len(),
        lost: said,
    })
}
