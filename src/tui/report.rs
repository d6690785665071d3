//! The after-action screen: scores, the expectations table, latency against allowed time,
//! observations, and the export.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::keymap::{Action, Context};
use super::seat::Shown;
use super::text::{clock, short};
use super::widgets::{decision_text, key_span, status_style};
use crate::engine::NoteKind;
use crate::report::Report;
use crate::role::{Request, Role};

const BAR: usize = 30;

pub fn render(frame: &mut Frame, area: Rect, app: &Shown) {
    let exercise = app.exercise();
    // A team seat is drawn its own report, which holds no other team's data to leak.
    let (report, team_view) = match app.seat.role {
        Role::Team(t) => (Report::for_team(exercise, t), true),
        _ => (app.session.report(), false),
    };
    let mut lines: Vec<Line> = Vec::new();
    let heading = |text: &str| Line::from(text.to_string().bold().fg(Color::Cyan));
    lines.push(Line::from(match report.ended_at_s {
        Some(at) if exercise.is_final() => {
            format!("Ended at T+{}. The report is final.", clock(at))
        }
        Some(at) => format!("Ended at T+{}.", clock(at)),
        None => format!(
            "Still running (T+{}): open and overdue are not final.",
            clock(exercise.now())
        ),
    }));
    match (&app.seat.report.exported[..], &app.seat.report.export_error) {
        (_, Some(error)) => lines.push(Line::from(error.clone().fg(Color::Red))),
        ([], None) if !app.seat.role.may(Request::Export) => {}
        ([], None) => lines.push(Line::from(vec![
            Span::raw("Press "),
            key_span(Context::Report, Action::Export),
            Span::raw(" to export the report (JSON, Markdown, HTML)."),
        ])),
        (paths, None) => {
            for path in paths {
                lines.push(Line::from(
                    format!("Written: {}", path.display()).fg(Color::Green),
                ));
            }
        }
    }
    lines.push(Line::from(""));

    lines.push(heading("Scores"));
    for team in &report.teams {
        let objectives: Vec<String> = team
            .objectives
            .iter()
            .map(|o| format!("{} {:.0}%", o.id, o.score.unwrap_or(0.0) * 100.0))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<8}", team.id), Style::new().bold()),
            Span::raw(format!(
                "{:>6}  ({:.2} of {:.2})  ",
                team.score
                    .map_or_else(|| "—".to_string(), |s| format!("{:.1}%", s * 100.0)),
                team.credit,
                team.weight
            )),
            Span::raw(objectives.join(" · ")),
        ]));
    }
    lines.push(Line::from(""));

    let expectations: Vec<_> = report.teams.iter().flat_map(|t| &t.expectations).collect();
    let id_width = expectations
        .iter()
        .map(|e| e.id.chars().count())
        .max()
        .unwrap_or(2)
        .clamp(2, (area.width as usize).saturating_sub(64).max(16));
    // On a narrow screen, times as hh:mm to leave room for the ids.
    let narrow = area.width < 100;
    let tw = if narrow { 5 } else { 8 };
    let time = |secs: u64| {
        if narrow {
            format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
        } else {
            clock(secs)
        }
    };
    let id_width = if narrow { id_width + 9 } else { id_width };
    lines.push(heading("Expectations"));
    lines.push(Line::from(
        format!(
            "  {:<id_width$} {:>tw$} {:>tw$} {:>tw$} {:>7} {:<10} {:>6} missing",
            "id",
            if narrow { "rel." } else { "released" },
            "due",
            "done",
            "latency",
            "status",
            "credit"
        )
        .bold(),
    ));
    for e in &expectations {
        lines.push(Line::from(vec![
            Span::raw(format!(
                "  {:<id_width$.id_width$} {:>tw$} {:>tw$} {:>tw$} {:>7} ",
                e.id,
                time(e.released_at_s),
                e.due_at_s
                    .map_or_else(|| if narrow { "hold" } else { "on hold" }.into(), time),
                e.done_at_s.map(time).unwrap_or_else(|| "—".into()),
                e.latency_s.map(short).unwrap_or_else(|| "—".into()),
            )),
            Span::styled(format!("{:<10}", e.status.as_str()), status_style(e.status)),
            Span::raw(format!(
                " {:>6} {}",
                e.credit.map_or("—".into(), |c| format!("{c:.2}")),
                e.missing_fields.join(",")
            )),
        ]));
    }
    if expectations.is_empty() {
        lines.push(Line::from("  none yet".fg(Color::DarkGray)));
    }
    lines.push(Line::from(""));

    // Who chose what at each decision point, when, and how long it took: of the teams the
    // report holds.
    let scenario = exercise.scenario();
    let decisions: Vec<_> = exercise
        .decisions()
        .into_iter()
        .filter(|ix| {
            let team = &scenario.team(exercise.expectation(*ix).team).id;
            report.teams.iter().any(|t| &t.id == team)
        })
        .collect();
    if !decisions.is_empty() {
        lines.push(heading("Decisions"));
        for ix in decisions {
            lines.push(Line::from(format!(
                "  {:<id_width$} {}",
                exercise.expectation_id(ix),
                decision_text(exercise, ix)
            )));
        }
        lines.push(Line::from(""));
    }

    lines.push(heading(
        "Latency against allowed time (│ marks the deadline)",
    ));
    let scale = expectations
        .iter()
        .map(|e| {
            let allowed = e
                .due_at_s
                .map_or(0, |due| due.saturating_sub(e.released_at_s));
            let latency = e
                .latency_s
                .unwrap_or_else(|| exercise.now().saturating_sub(e.released_at_s));
            allowed.max(latency)
        })
        .max()
        .unwrap_or(1)
        .max(1);
    for e in &expectations {
        let allowed = e.due_at_s.map(|due| due.saturating_sub(e.released_at_s));
        let (latency, done) = match e.latency_s {
            Some(l) => (l, true),
            None => (exercise.now().saturating_sub(e.released_at_s), false),
        };
        let cells = |secs: u64| ((secs as f64 / scale as f64) * BAR as f64).ceil() as usize;
        let filled = cells(latency).min(BAR);
        let mark = allowed.map(|allowed| cells(allowed).min(BAR));
        let bar: String = (0..=BAR)
            .map(|i| match i {
                i if Some(i) == mark => '│',
                i if i < filled => '█',
                _ => '·',
            })
            .collect();
        let color = if allowed.is_some_and(|allowed| latency > allowed) {
            Color::Red
        } else if done {
            Color::Green
        } else {
            Color::DarkGray
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {:<id_width$.id_width$} ", e.id)),
            Span::styled(bar, Style::new().fg(color)),
            Span::raw(format!(
                " {}{} {}",
                short(latency),
                if done { "" } else { " (not done)" },
                allowed.map_or_else(|| "(on hold)".into(), |a| format!("of {}", short(a)))
            )),
        ]));
    }
    // Observations are the staff's: a team's report has none to show.
    if !team_view {
        lines.push(Line::from(""));
        lines.push(heading("Observations"));
        for (kind, title) in [
            (NoteKind::Strength, "Strengths"),
            (NoteKind::Improvement, "Areas for improvement"),
        ] {
            lines.push(Line::from(format!("  {title}").bold()));
            let notes: Vec<_> = report.notes.iter().filter(|n| n.kind == kind).collect();
            if notes.is_empty() {
                lines.push(Line::from("    none".fg(Color::DarkGray)));
            }
            for note in notes {
                lines.push(Line::from(format!(
                    "    T+{} [{}] {}",
                    clock(note.at_s),
                    note.team.as_deref().unwrap_or("all"),
                    note.text.replace('\n', " / ")
                )));
            }
        }
    }
    if !report.unexpected.is_empty() {
        lines.push(Line::from(""));
        lines.push(heading("Unexpected actions (not scored)"));
        for u in &report.unexpected {
            lines.push(Line::from(format!(
                "  T+{} {} {}",
                clock(u.at_s),
                u.team,
                u.action
            )));
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" After-action report · {} ", report.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((app.seat.report.scroll, 0)),
        area,
    );
}
