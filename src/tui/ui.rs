//! Drawing: a pure function of the app's state. Each screen is a module with its own `render`.
//!
//! ```text
//! ┌ header: title · clock · speed · state ────────────────────────┐
//! │ the screen's body                                              │
//! ├────────────────────────────────────────────────────────────────┤
//! │ message line                                                   │
//! │ footer: the main keys, from the keymap                         │
//! └────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, View, speed_str};
use super::keymap::{self, Context};
use super::text::clock;
use super::{briefing, console, dialogs, report, team};

/// The smallest terminal on which everything is usable.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [header, body, message, footer_area] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(header_line(app), header);
    match app.view {
        View::Briefing => briefing::render(frame, body, app),
        View::Console => console::render(frame, body, app),
        View::Team(t) => team::render(frame, body, app, t),
        View::Report => report::render(frame, body, app),
    }
    if let Some(flash) = app.flash() {
        frame.render_widget(
            Paragraph::new(Line::from(flash.to_string()).fg(Color::Yellow)),
            message,
        );
    }
    frame.render_widget(footer(app.context()), footer_area);
    dialogs::render(frame, body, app);
    if app.help {
        help(frame, body, app);
    }
    if let Some(error) = &app.record_error {
        record_error(frame, body, error, &app.journal_location);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Terminal too small".bold()),
        Line::from(format!(
            "{}×{} here; ttx needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window (the exercise goes on), or press q to quit."),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn header_line(app: &App) -> Line<'static> {
    let exercise = app.exercise();
    let (state, color) = if app.record_error.is_some() {
        ("STOPPED: JOURNAL", Color::Red)
    } else if exercise.ended_at().is_some() {
        ("ENDED", Color::Magenta)
    } else if exercise.is_running() {
        ("RUNNING", Color::Green)
    } else if exercise.is_started() {
        ("PAUSED", Color::Yellow)
    } else {
        ("NOT STARTED", Color::Cyan)
    };
    let view = match app.view {
        View::Briefing => "Briefing".to_string(),
        View::Console => "Console".to_string(),
        View::Team(t) => format!("Team {}", exercise.scenario().team(t).id),
        View::Report => "Report".to_string(),
    };
    Line::from(vec![
        Span::styled(format!(" {view} "), Style::new().reversed()),
        Span::raw(" "),
        Span::styled(format!("T+{}", clock(exercise.now())), Style::new().bold()),
        Span::raw(format!(" ×{} ", speed_str(exercise.speed()))),
        Span::styled(state, Style::new().fg(color).bold()),
        Span::raw("  "),
        Span::raw(exercise.scenario().title.clone()),
    ])
}

fn footer(context: Context) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (key, help)) in keymap::footer(context).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(key, Style::new().reversed()));
        spans.push(Span::raw(format!(" {help}")));
    }
    Line::from(spans)
}

/// A centred rectangle of at most `width`×`height` inside `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// A bordered popup: clears what is under it and returns the inner area.
pub fn popup(frame: &mut Frame, area: Rect, title: &str, color: Color) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(color))
        .title(Span::styled(format!(" {title} "), Style::new().bold()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn help(frame: &mut Frame, body: Rect, app: &App) {
    // The help of the screen under the overlay.
    let under = app.screen_context();
    let mut lines = Vec::new();
    for layer in keymap::layers(under) {
        lines.push(Line::from(layer.title().bold().underlined()));
        // Keys with the same help share a line: `+ =  faster`.
        let mut rows: Vec<(String, &str)> = Vec::new();
        for binding in keymap::bindings(layer) {
            let key = binding.key.to_string();
            match rows.iter_mut().find(|(_, help)| *help == binding.help) {
                Some((keys, _)) => {
                    keys.push(' ');
                    keys.push_str(&key);
                }
                None => rows.push((key, binding.help)),
            }
        }
        for (keys, help) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>12}"), Style::new().fg(Color::Cyan).bold()),
                Span::raw(format!("  {help}")),
            ]));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from("esc closes this help.".italic()));
    let height = (lines.len() as u16 + 2).min(body.height);
    let area = centred(body, 64, height);
    let inner = popup(frame, area, "Help", Color::Cyan);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn record_error(frame: &mut Frame, body: Rect, error: &str, location: &str) {
    let area = centred(body, 70, 9);
    let inner = popup(frame, area, "The journal could not be written", Color::Red);
    let text = vec![
        Line::from(format!("Journal: {location}")),
        Line::from(error.to_string()).fg(Color::Red),
        Line::from(""),
        Line::from("The clock is stopped: nothing goes on until the journal is written."),
        Line::from("Fix the cause (disk space, permissions), then press enter to try again;"),
        Line::from("q quits (the journal keeps everything written before)."),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

/// The style of a countdown: calm, then warmer as the deadline nears, red once passed.
pub fn urgency(left: i64, allowed: u64) -> Style {
    if left < 0 {
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    } else if (left as u64) * 5 <= allowed {
        Style::new().fg(Color::LightRed)
    } else if (left as u64) * 2 <= allowed {
        Style::new().fg(Color::Yellow)
    } else {
        Style::new().fg(Color::Green)
    }
}

/// `in 4m12s`, or `4m12s overdue`.
pub fn countdown(left: i64) -> String {
    if left < 0 {
        format!("{} overdue", super::text::short(left.unsigned_abs()))
    } else {
        format!("in {}", super::text::short(left as u64))
    }
}
