//! The briefing: what the exercise is about, before the clock starts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::keymap::{Action, Context};
use super::seat::Shown;
use super::text::{clock, speed_str};
use super::widgets::key_span;

pub fn render(frame: &mut Frame, area: Rect, app: &Shown) {
    let exercise = app.exercise();
    let scenario = exercise.scenario();
    let mut lines = vec![
        Line::from(scenario.title.clone().bold().fg(Color::Cyan)),
        Line::from(""),
    ];
    if let Some(summary) = &scenario.summary {
        lines.push(Line::from(summary.clone()));
        lines.push(Line::from(""));
    }
    lines.push(Line::from("Teams".bold()));
    for team in &scenario.teams {
        let mut spans = vec![
            Span::styled(format!("  {:<8}", team.id), Style::new().fg(Color::Cyan)),
            Span::raw(team.name.clone()),
        ];
        if let Some(summary) = &team.summary {
            spans.push(Span::raw(format!(" — {summary}")).italic());
        }
        lines.push(Line::from(spans));
    }
    if !scenario.objectives.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from("Objectives".bold()));
        for objective in &scenario.objectives {
            lines.push(Line::from(format!("  • {}", objective.name)));
        }
    }
    let mut start: Vec<Line> = Vec::new();
    let settings = exercise.settings();
    start.push(Line::from(format!(
        "Speed ×{} · {} injects · seed {} · ends {}",
        speed_str(exercise.speed()),
        scenario.injects.len(),
        settings.seed,
        match settings.planned_end {
            Some(end) => format!("at T+{}", clock(end)),
            None => "when nothing more is due, or by hand".to_string(),
        }
    )));
    start.push(Line::from(format!(
        "Journal: {}",
        app.session.journal_location()
    )));
    start.push(Line::from(vec![
        Span::raw("Press "),
        key_span(Context::Briefing, Action::StartPause),
        Span::raw(" to start the clock, "),
        key_span(Context::Briefing, Action::NextView),
        Span::raw(" to look at the console first."),
    ]));
    let [top, bottom] = area.layout(&Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(6),
    ]));
    frame.render_widget(
        Paragraph::new(start)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Start ")),
        bottom,
    );
    let area = top;
    let block = Block::default().borders(Borders::ALL).title(" Briefing ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.seat.report.scroll, 0)),
        area,
    );
}
