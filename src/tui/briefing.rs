//! The briefing: what the exercise is about, before the clock starts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::app::{App, speed_str};
use super::text::{clock, short};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
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
    lines.push(Line::from(""));
    let settings = exercise.settings();
    lines.push(Line::from(format!(
        "Speed ×{} (scenario seconds per real second) · {} injects · seed {} · ends {}",
        speed_str(exercise.speed()),
        scenario.injects.len(),
        settings.seed,
        match settings.planned_end {
            Some(end) => format!("at {} ({})", clock(end), short(end)),
            None => "when nothing more is due, or by hand".to_string(),
        }
    )));
    lines.push(Line::from(format!("Journal: {}", app.journal_location)));
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::raw("Press "),
        Span::styled(" space ", Style::new().reversed()),
        Span::raw(" to start the clock, "),
        Span::styled(" tab ", Style::new().reversed()),
        Span::raw(" to look at the console first."),
    ]));
    let block = Block::default().borders(Borders::ALL).title(" Briefing ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.report.scroll, 0)),
        area,
    );
}
