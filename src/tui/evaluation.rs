//! The evaluation screen; after the end, the after-action screen. On the left, what there is
//! to write: each objective's rating per team and jointly, then (after the end, for the
//! facilitator) the executive summary, the exercise's facts for the report's cover, and the
//! improvement plan's items; on the right, the
//! selected entry with its evidence: the suggestion, the critical tasks, the observations, what
//! was written.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::keymap::{Action, Context};
use super::seat::{Entry, Shown, entries, writes_debrief};
use super::text::{clock, short};
use super::widgets::{hint, status_style};
use crate::debrief::evaluation::{Rating, critical_tasks};
use crate::debrief::{CAPABILITY_ELEMENT_GUIDANCE, CAPABILITY_ELEMENTS, ExerciseFact};
use crate::engine::{Exercise, ExpectationIx, FoundBy, NoteKind};
use crate::report::{PlanItemReport, RatingReport, Report};
use crate::role::{Request, Role};
use crate::session::Session;

pub fn render(frame: &mut Frame, area: Rect, app: &Shown) {
    let session = app.session;
    let report = session.report();
    let debrief = writes_debrief(app.seat.role, session);
    let entries = entries(&report, debrief);
    let selected = app
        .seat
        .evaluation
        .selected
        .min(entries.len().saturating_sub(1));
    let list_width = (area.width * 2 / 5).clamp(30, 48);
    let [list, detail] = area.layout(&Layout::horizontal([
        Constraint::Length(list_width),
        Constraint::Min(20),
    ]));
    render_list(frame, list, &report, &entries, selected, app);
    let lines = match entries.get(selected) {
        Some(Entry::Rating(n)) => rating_detail(session, &report.ratings[*n], app.seat.role),
        Some(Entry::Summary) => summary_detail(&report),
        Some(Entry::Facts) => facts_detail(session, &report),
        Some(Entry::Item(n)) => item_detail(&report.improvement_plan[*n]),
        Some(Entry::AddItem) => vec![Line::from(hint(
            Context::Evaluation,
            Action::AddItem,
            "add an area for improvement ttx did not draft (enter does too)",
        ))],
        None => vec![Line::from(
            "No objective to rate: the scenario names none (see `objectives:` in the scenario \
             format).",
        )],
    };
    let block = Block::default().borders(Borders::ALL).title(" Details ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.seat.evaluation.scroll, 0)),
        detail,
    );
}

fn render_list(
    frame: &mut Frame,
    area: Rect,
    report: &Report,
    entries: &[Entry],
    selected: usize,
    app: &Shown,
) {
    let inner_width = area.width.saturating_sub(2) as usize;
    let heading = |text: &str| Line::from(text.to_string().bold().fg(Color::Cyan));
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    let rated = report.ratings.iter().filter(|r| r.rating.is_some()).count();
    lines.push(heading(&format!(
        "Ratings ({rated} of {} given)",
        report.ratings.len()
    )));
    for (i, entry) in entries.iter().enumerate() {
        let mark = if i == selected { "▶ " } else { "  " };
        let style = if i == selected {
            Style::new().reversed()
        } else {
            Style::new()
        };
        let line = match entry {
            Entry::Rating(n) => {
                let r = &report.ratings[*n];
                let label = format!(
                    "{} · {}",
                    r.objective,
                    r.team.as_deref().unwrap_or("jointly")
                );
                let room = inner_width.saturating_sub(10);
                let given = r.rating.map_or("—", Rating::code);
                let color = if r.rating.is_some() {
                    Color::Green
                } else {
                    Color::Yellow
                };
                Line::from(vec![
                    Span::styled(format!("{mark}{label:<room$.room$}"), style),
                    Span::raw(format!(" {}→", r.suggested.map_or("·", Rating::code))),
                    Span::styled(given.to_string(), Style::new().fg(color).bold()),
                ])
            }
            Entry::Summary => {
                lines.push(Line::from(""));
                lines.push(heading("Executive summary"));
                let state = if report.executive_summary.is_some() {
                    "written"
                } else {
                    "not written yet"
                };
                Line::styled(format!("{mark}{state}"), style)
            }
            Entry::Facts => {
                lines.push(Line::from(""));
                lines.push(heading("Exercise facts (cover)"));
                let given = facts(app.session, report)
                    .iter()
                    .filter(|(_, given)| given.is_some())
                    .count();
                Line::styled(
                    format!("{mark}{given} of {} given", ExerciseFact::ALL.len()),
                    style,
                )
            }
            Entry::Item(n) => {
                if *n == 0 {
                    lines.push(Line::from(""));
                    let count = report.improvement_plan.len();
                    lines.push(heading(&format!(
                        "Improvement plan ({count} item{})",
                        if count == 1 { "" } else { "s" }
                    )));
                }
                let item = &report.improvement_plan[*n];
                let room = inner_width.saturating_sub(2);
                Line::styled(format!("{mark}{:<room$.room$}", item.id), style)
            }
            Entry::AddItem => {
                if report.improvement_plan.is_empty() {
                    lines.push(Line::from(""));
                    lines.push(heading("Improvement plan (no items)"));
                }
                Line::styled(format!("{mark}+ add an item"), style)
            }
        };
        if i == selected {
            selected_line = lines.len();
        }
        lines.push(line);
    }
    let title = if app.exercise().is_final() {
        " After-action · final "
    } else if app.exercise().ended_at().is_some() {
        " After-action "
    } else {
        " Evaluation "
    };
    let height = area.height.saturating_sub(2) as usize;
    // Keep the selected entry in sight.
    let offset = (selected_line + 1).saturating_sub(height) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(title))
            .scroll((offset, 0)),
        area,
    );
}

fn rating_detail(session: &Session, r: &RatingReport, role: Role) -> Vec<Line<'static>> {
    let exercise = session.exercise();
    let scenario = exercise.scenario();
    let mut lines = Vec::new();
    let label = |text: &str| Span::styled(format!("{text}: "), Style::new().bold());
    let Some(objective) = scenario.objective_ix(&r.objective) else {
        return lines;
    };
    let spec = scenario.objective(objective);
    lines.push(Line::from(spec.name.clone().bold()));
    if let Some(capability) = &spec.capability {
        lines.push(Line::from(vec![
            label("Capability"),
            Span::raw(capability.clone()),
        ]));
    }
    if let Some(target) = &spec.target {
        lines.push(Line::from(vec![label("Target"), Span::raw(target.clone())]));
    }
    let team = r.team.as_deref().and_then(|id| scenario.team_ix(id));
    lines.push(Line::from(match team {
        Some(t) => vec![label("Team"), Span::raw(scenario.team(t).name.clone())],
        None => vec![
            label("Jointly"),
            Span::raw("every team's tasks together: did they cooperate in time?"),
        ],
    }));
    lines.push(Line::from(""));
    lines.push(Line::from(match r.suggested {
        Some(s) => vec![
            label("Suggested"),
            Span::styled(
                format!("{} — {}", s.code(), s.name()),
                Style::new().fg(Color::Cyan),
            ),
        ],
        None => vec![
            label("Suggested"),
            Span::raw("none yet: no critical task is scored"),
        ],
    }));
    if let Some(evidence) = &r.evidence {
        lines.push(Line::from(vec![
            label("Evidence"),
            Span::raw(evidence.clone()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from("Critical tasks".bold()));
    let tasks = critical_tasks(exercise, objective, team);
    if tasks.is_empty() {
        lines.push(Line::from("  none released yet".fg(Color::DarkGray)));
    }
    for ix in tasks {
        let e = exercise.expectation(ix);
        let status = exercise.status(ix);
        let done = e
            .done
            .as_ref()
            .map(|d| format!("done in {}", short(d.at.saturating_sub(e.released_at))))
            .unwrap_or_else(|| "not done".into());
        let basis = exercise
            .basis(ix)
            .map(|b| format!(" · {b}"))
            .unwrap_or_default();
        let due = match e.due() {
            Some(due) => format!(", due T+{}", clock(due)),
            None if e.done.is_some() => ", done while on hold".into(),
            None => ", on hold: no deadline until the amended request".into(),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {} ", exercise.expectation_id(ix))),
            Span::styled(status.as_str().replace('_', " "), status_style(status)),
            Span::raw(format!(
                " · {done} ({} allowed{basis}{due})",
                short(exercise.time_standard(ix)),
            )),
        ]));
        lines.extend(findings(exercise, ix));
    }
    // A team's rating shows the observations about that team or everyone, the joint rating
    // all of them; of those, the ones about this objective or about none.
    lines.push(Line::from(""));
    lines.push(Line::from("Observations".bold()));
    let notes: Vec<_> = exercise
        .notes()
        .iter()
        .filter(|n| team.is_none() || n.team == team || n.team.is_none())
        .filter(|n| n.objective.is_none_or(|o| o == objective))
        .collect();
    if notes.is_empty() {
        lines.push(Line::from("  none".fg(Color::DarkGray)));
    }
    for note in notes {
        let kind = match note.kind {
            NoteKind::Strength => "strength",
            NoteKind::Improvement => "to improve",
        };
        lines.push(Line::from(format!(
            "  T+{} [{kind}] {}",
            clock(note.at),
            note.text.replace('\n', " / ")
        )));
    }
    lines.push(Line::from(""));
    match r.rating {
        Some(rating) => {
            let by =
                r.by.as_deref()
                    .map(|by| format!(", by {by}"))
                    .unwrap_or_default();
            let at = r
                .at_wall
                .as_deref()
                .map(|at| format!(" at {at}"))
                .unwrap_or_default();
            lines.push(Line::from(vec![
                label("Rating"),
                Span::styled(
                    format!("{} — {}", rating.code(), rating.name()),
                    Style::new().fg(Color::Green).bold(),
                ),
                Span::raw(format!("{by}{at}")),
            ]));
        }
        None => lines.push(Line::from(vec![
            label("Rating"),
            Span::styled("not given yet", Style::new().fg(Color::Yellow)),
        ])),
    }
    if let Some(reason) = &r.reason {
        lines.push(Line::from(vec![label("Reason"), Span::raw(reason.clone())]));
    }
    if let Some(analysis) = &r.analysis {
        lines.push(Line::from(label("Analysis")));
        lines.extend(analysis.lines().map(|l| Line::from(format!("  {l}"))));
    }
    if role.may(Request::Rate) && !exercise.is_final() {
        lines.push(Line::from(""));
        let mut keys = hint(Context::Evaluation, Action::Edit, "rate");
        if r.suggested.is_some() {
            keys.push_str(" · ");
            keys.push_str(&hint(
                Context::Evaluation,
                Action::Accept,
                "accept the suggestion",
            ));
        }
        if role.may(Request::Judge) {
            keys.push_str(" · ");
            keys.push_str(&hint(
                Context::Evaluation,
                Action::OpenJudge,
                "judge a critical task",
            ));
        }
        lines.push(Line::from(keys.fg(Color::DarkGray)));
    }
    lines
}

/// The fields of a done critical task found insufficient and still so: by the receiving team
/// (a clarification) or by an evaluator (a judgement, with its reason).
fn findings(exercise: &Exercise, ix: ExpectationIx) -> Vec<Line<'static>> {
    let Some(done) = &exercise.expectation(ix).done else {
        return Vec::new();
    };
    let record = &exercise.responses()[done.response];
    let fields = &exercise.scenario().action(record.response.action).fields;
    exercise
        .findings(done.response)
        .iter()
        .map(|f| {
            let by = match f.by {
                FoundBy::Team(t) => format!(
                    "by {}{}",
                    exercise.scenario().team(t).id,
                    f.message.map(|m| format!(" in #{m}")).unwrap_or_default()
                ),
                FoundBy::Evaluator => "by an evaluator".to_string(),
            };
            let reason = f
                .reason
                .as_ref()
                .map(|r| format!(": {}", r.replace('\n', " / ")))
                .unwrap_or_default();
            Line::from(
                format!("      {} found insufficient {by}{reason}", fields[f.field])
                    .fg(Color::Yellow),
            )
        })
        .collect()
}

fn summary_detail(report: &Report) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from("Executive summary".bold())];
    match &report.executive_summary {
        Some(text) => lines.extend(text.lines().map(|l| Line::from(l.to_string()))),
        None => lines.push(Line::from("Not written yet.".fg(Color::Yellow))),
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        hint(Context::Evaluation, Action::Edit, "write it").fg(Color::DarkGray),
    ));
    lines
}

/// Each fact of the report's cover: its value as the report gives it, and where it comes from.
fn facts<'a>(
    session: &Session,
    report: &'a Report,
) -> Vec<(ExerciseFact, Option<(&'a str, &'static str)>)> {
    ExerciseFact::ALL
        .into_iter()
        .map(|fact| {
            (
                fact,
                report.exercise.fact_and_source(fact, session.debrief()),
            )
        })
        .collect()
}

fn facts_detail(session: &Session, report: &Report) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from("The exercise's facts".bold()),
        Line::from(
            "The report's cover and overview give them; what is entered here replaces the \
             scenario's."
                .fg(Color::DarkGray),
        ),
        Line::from(""),
    ];
    for (fact, given) in facts(session, report) {
        let mut spans = vec![Span::styled(
            format!("{}: ", fact.label()),
            Style::new().bold(),
        )];
        match given {
            Some((value, source)) => {
                spans.push(Span::raw(value.to_string()));
                spans.push(Span::styled(
                    format!(" ({source})"),
                    Style::new().fg(Color::DarkGray),
                ));
            }
            None if fact == ExerciseFact::Dates => spans.push(Span::styled(
                "— the journal's dates",
                Style::new().fg(Color::DarkGray),
            )),
            None => spans.push(Span::styled("—", Style::new().fg(Color::Yellow))),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        hint(Context::Evaluation, Action::Edit, "fill them in").fg(Color::DarkGray),
    ));
    lines
}

fn item_detail(item: &PlanItemReport) -> Vec<Line<'static>> {
    use crate::debrief::PlanField;
    let field = |field: PlanField, value: Option<&str>| {
        Line::from(vec![
            Span::styled(format!("{}: ", field.label()), Style::new().bold()),
            match value.filter(|v| !v.trim().is_empty()) {
                Some(v) => Span::raw(v.to_string()),
                None => Span::styled("—", Style::new().fg(Color::Yellow)),
            },
        ])
    };
    let mut lines = vec![Line::from(format!("Item {}", item.id).bold())];
    let about = [
        item.objective.as_deref().map(|o| format!("objective {o}")),
        item.capability.clone(),
        item.team.as_deref().map(|t| format!("team {t}")),
    ];
    let about: Vec<String> = about.into_iter().flatten().collect();
    if !about.is_empty() {
        lines.push(Line::from(about.join(" · ").fg(Color::DarkGray)));
    }
    lines.push(Line::from(""));
    lines.push(field(PlanField::Issue, Some(&item.issue)));
    for (f, value) in [
        (PlanField::RootCause, &item.root_cause),
        (PlanField::CorrectiveAction, &item.corrective_action),
        (PlanField::CapabilityElement, &item.capability_element),
        (PlanField::Responsible, &item.responsible),
        (PlanField::Poc, &item.poc),
        (PlanField::Start, &item.start),
        (PlanField::Completion, &item.completion),
    ] {
        lines.push(field(f, value.as_deref()));
        // What the chosen element covers, as the form said when it was chosen.
        let guidance = value.as_deref().and_then(|chosen| {
            let at = CAPABILITY_ELEMENTS.iter().position(|e| *e == chosen)?;
            Some(CAPABILITY_ELEMENT_GUIDANCE[at])
        });
        if let (PlanField::CapabilityElement, Some(guidance)) = (f, guidance) {
            lines.push(Line::from(format!("  {guidance}").fg(Color::DarkGray)));
        }
    }
    if !item.evidence.is_empty() {
        let evidence: Vec<String> = item
            .evidence
            .iter()
            .map(|e| match e {
                serde_json::Value::String(s) => s.clone(),
                other => format!("observation {other}"),
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Evidence: ", Style::new().bold()),
            Span::raw(evidence.join(", ")),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        format!(
            "{} · {}",
            hint(Context::Evaluation, Action::Edit, "edit"),
            hint(Context::Evaluation, Action::DropItem, "drop")
        )
        .fg(Color::DarkGray),
    ));
    lines
}
