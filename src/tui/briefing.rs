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
    let width = usize::from(area.width.saturating_sub(2)).max(20);
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
        let mut words: Vec<Span> = team.name.split_whitespace().map(Span::raw).collect();
        if let Some(summary) = &team.summary {
            words.push(Span::raw("—").italic());
            words.extend(summary.split_whitespace().map(|w| Span::raw(w).italic()));
        }
        let lead = Span::styled(format!("  {:<8}", team.id), Style::new().fg(Color::Cyan));
        lines.extend(hanging(lead, words, width));
    }
    if !scenario.objectives.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from("Objectives".bold()));
        for objective in &scenario.objectives {
            let words = objective.name.split_whitespace().map(Span::raw).collect();
            lines.extend(hanging(Span::raw("  • "), words, width));
        }
    }
    let mut start: Vec<Line> = Vec::new();
    let settings = exercise.settings();
    start.push(Line::from(format!(
        "Speed ×{} · {} · seed {} · ends {}",
        speed_str(exercise.speed()),
        crate::text::count(scenario.injects.len(), "inject"),
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
        // The key the footer and the guides name for the next view (enter works here too).
        key_span(Context::Global, Action::NextView),
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

/// `words` after `lead`, wrapped to `width` columns, the lines after the first indented to where
/// the words began: a list item's text stays to the right of its bullet or name.
fn hanging<'a>(lead: Span<'a>, words: Vec<Span<'a>>, width: usize) -> Vec<Line<'a>> {
    let indent = lead.width();
    let mut lines = Vec::new();
    let mut line = vec![lead];
    let mut used = indent;
    for word in words {
        let w = word.width();
        if used > indent && used + 1 + w > width {
            lines.push(Line::from(std::mem::take(&mut line)));
            line.push(Span::raw(" ".repeat(indent)));
            used = indent;
        }
        if used > indent {
            line.push(Span::styled(" ", word.style));
            used += 1;
        }
        used += w;
        line.push(word);
    }
    lines.push(Line::from(line));
    lines
}
