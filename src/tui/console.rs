//! The facilitator console.
//!
//! ```text
//! ┌ Clock ─────────────────────────────────────────────────────────┐
//! ├ Events (MSEL) ──────────────────────┬ Teams ───────────────────┤
//! │ ▶ id   when   status   title        │ team: score, open        │
//! │                                     │ expectations, countdowns │
//! ├ Log ────────────────────────────────┴──────────────────────────┤
//! └────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

use super::seat::Shown;
use super::text::{clock, fit, pad, state, trigger, width};
use super::widgets::{self, countdown, urgency};
use crate::engine::InjectState;
use crate::scenario::{InjectIx, TeamIx};
use crate::text::count;

pub fn render(frame: &mut Frame, area: Rect, app: &Shown) {
    let [status, middle, log] = area.layout(&Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(6),
        Constraint::Length(6),
    ]));
    let [events, teams] = middle.layout(&Layout::horizontal([
        Constraint::Percentage(62),
        Constraint::Percentage(38),
    ]));
    let next = app.exercise().next_release();
    render_status(frame, status, app, next);
    render_events(frame, events, app, next);
    render_teams(frame, teams, app);
    render_log(frame, log, app);
}

fn render_status(frame: &mut Frame, area: Rect, app: &Shown, next: Option<(InjectIx, u64)>) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let now = exercise.now();
    let next_due = match exercise.next_due_at() {
        _ if exercise.ended_at().is_some() => "ended".to_string(),
        Some(at) => format!(
            "next event {} ({})",
            clock(at),
            countdown(at as i64 - now as i64)
        ),
        None if exercise.is_settled() => "nothing automatic remains: E ends".to_string(),
        None => "—".to_string(),
    };
    let next_inject = next
        .map(|(i, at)| format!(" · next inject {} at {}", scenario.inject(i).id, clock(at)))
        .unwrap_or_default();
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("T+{}", clock(now)), Style::new().bold()),
            Span::raw(format!("  {next_due}{next_inject}")),
        ]),
        Line::from(format!(
            "Released {} of {} · {} · {} · {} · journal {}",
            exercise.released_count(),
            count(scenario.injects.len(), "inject"),
            count(exercise.responses().len(), "response"),
            count(exercise.messages().len(), "hotline message"),
            count(exercise.notes().len(), "observation"),
            app.session.journal_location()
        )),
    ];
    let block = Block::default().borders(Borders::TOP).title(" Clock ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_events(frame: &mut Frame, area: Rect, app: &Shown, next: Option<(InjectIx, u64)>) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Events (MSEL) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height.saturating_sub(1).max(1) as usize;
    let count = scenario.injects.len();
    let selected = app.seat.console.selected.min(count.saturating_sub(1));
    // The facilitators' MSEL numbers (`ref`), in a column of their own when there are any.
    let refs = app.seat.console.widest_ref.map_or(0, |w| w.max(3));
    // Pages of `height` rows: the selected row is always visible; only visible rows are built.
    let first = selected / height * height;
    let rows = (first..count.min(first + height)).map(|i| {
        let inject = &scenario.injects[i];
        let s = exercise.inject_state(InjectIx(i));
        let mark = if next.is_some_and(|(n, _)| n.0 == i) {
            "▶"
        } else {
            " "
        };
        let style = match s {
            InjectState::Released { .. } => Style::new().fg(Color::Green),
            InjectState::Skipped { .. } => Style::new().fg(Color::DarkGray),
            InjectState::Scheduled { .. } => Style::new().fg(Color::Yellow),
            InjectState::Waiting => Style::new(),
        };
        let style = if i == selected {
            style.add_modifier(Modifier::REVERSED)
        } else {
            style
        };
        // How the inject reaches the players follows its title (format 3's `method`).
        let title = match &inject.method {
            Some(method) => format!("{} · {method}", inject.title),
            None => inject.title.clone(),
        };
        let mut cells = vec![mark.to_string()];
        if refs > 0 {
            cells.push(inject.reference.clone().unwrap_or_default());
        }
        cells.extend([
            inject.id.as_str().to_owned(),
            trigger(scenario, &inject.when),
            state(s, &inject.when),
            title,
        ]);
        Row::new(cells).style(style)
    });
    // Widths shared out by hand: the inject id whole (up to a third of the table: it is what
    // the facilitator reads out), ten columns of title, and trigger and status give way first.
    let spare = (inner.width as usize).saturating_sub(5 + if refs > 0 { refs + 1 } else { 0 });
    let id_width = app
        .seat
        .console
        .widest_id
        .clamp(6, (inner.width / 3) as usize);
    let rest = spare.saturating_sub(id_width + 10);
    let trigger_width = (rest * 16 / 35).min(16);
    let status_width = (rest - trigger_width).min(19);
    let mut widths = vec![Constraint::Length(1)];
    let mut header = vec![""];
    if refs > 0 {
        widths.push(Constraint::Length(refs as u16));
        header.push("ref");
    }
    widths.extend([
        Constraint::Length(id_width as u16),
        Constraint::Length(trigger_width as u16),
        Constraint::Length(status_width as u16),
        Constraint::Fill(1),
    ]);
    header.extend(["inject", "trigger", "status", "title"]);
    let table = Table::new(rows, widths).header(Row::new(header).bold());
    frame.render_widget(table, inner);
}

fn render_teams(frame: &mut Frame, area: Rect, app: &Shown) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let teams = scenario.teams.len().max(1);
    let constraints = vec![Constraint::Ratio(1, teams as u32); teams];
    let areas = Layout::vertical(constraints).split(area);
    for (t, team_area) in areas.iter().enumerate() {
        let team = TeamIx(t);
        let score = exercise.team_score(team);
        let title = format!(
            " {} · score {} ({:.2}/{:.2}) ",
            scenario.team(team).id,
            // Nothing scored yet (open expectations are not): no percentage to show.
            score
                .value()
                .map_or_else(|| "—".to_string(), |v| format!("{:.0}%", v * 100.0)),
            score.credit,
            score.weight
        );
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(*team_area);
        frame.render_widget(block, *team_area);
        let open = exercise.open_expectations(team);
        let mut lines: Vec<Line> = open
            .iter()
            .take(inner.height as usize)
            .map(|ix| {
                let id = exercise.expectation_id(*ix);
                let id = id
                    .rsplit_once('@')
                    .map_or(id.clone(), |(a, _)| a.to_string());
                // A reply on hold has no deadline: it waits for an amended request.
                let (countdown, style) = match widgets::left(exercise, *ix) {
                    Some(left) => (countdown(left), urgency(left, exercise.time_standard(*ix))),
                    None => ("on hold".to_string(), Style::new().fg(Color::Cyan)),
                };
                // The basis follows the countdown as far as the id leaves room for it.
                let standard = widgets::standard(exercise, *ix)
                    .map(|s| format!(" · {s}"))
                    .unwrap_or_default();
                let columns = inner.width as usize;
                let standard = fit(
                    &standard,
                    columns.saturating_sub(width(&id).min(16) + width(&countdown) + 1),
                );
                let id_width = columns
                    .saturating_sub(width(&countdown) + width(&standard) + 1)
                    .max(8);
                Line::from(vec![
                    Span::raw(format!("{} ", pad(&id, id_width))),
                    Span::styled(countdown, style),
                    Span::styled(standard, Style::new().fg(Color::DarkGray)),
                ])
            })
            .collect();
        if open.len() > inner.height as usize && !lines.is_empty() {
            let more = open.len() - inner.height as usize + 1;
            lines.pop();
            lines.push(Line::from(format!("… {more} more open").italic()));
        }
        if lines.is_empty() {
            let done = exercise.done_count(team);
            lines.push(Line::from(
                format!("nothing open · {done} done").fg(Color::DarkGray),
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn render_log(frame: &mut Frame, area: Rect, app: &Shown) {
    let log = app.session.log();
    let back = app.seat.console.log_back.min(log.len());
    let title = if back == 0 {
        " Log ".to_string()
    } else {
        format!(" Log ({back} lines back) ")
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let end = log.len() - back;
    let start = end.saturating_sub(inner.height as usize);
    let lines: Vec<Line> = log[start..end]
        .iter()
        .map(|(at, text)| {
            Line::from(vec![
                Span::styled(format!("{} ", clock(*at)), Style::new().fg(Color::DarkGray)),
                Span::raw(text.clone()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
