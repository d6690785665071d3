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
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthChar;

use super::app::App;
use super::keymap::{self, Action};

use super::seat::{Dialog, Shown, View};
use super::text::{clock, speed_str};
use super::widgets::{self, centred, popup};
use super::{briefing, console, dialogs, discussion, evaluation, report, team};
use crate::ron_file::diagnostic::is_hidden_control;

/// The smallest terminal on which everything is usable.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the local app: its one seat.
pub fn draw(frame: &mut Frame, app: &App) {
    draw_seat(
        frame,
        Shown {
            session: &app.session,
            seat: &app.seat,
        },
    );
}

/// Draws what one seat shows, whether on the local terminal or an SSH channel.
pub fn draw_seat(frame: &mut Frame, app: Shown) {
    draw_screen(frame, app);
    make_visible(frame.buffer_mut());
}

/// The screen boundary: what every cell sends to a terminal.
///
/// Whatever a scenario's author or a team wrote, no cell sends a control character (an escape
/// sequence that could retitle or repaint another seat's terminal), a bidirectional control
/// (which reorders what the facilitator reads) or a line or paragraph separator; each is shown
/// as a visible `�` instead. The terminal library places every cell at the column after the one
/// before, so the replacement fills exactly the columns its cell was laid out in, a `�` to a
/// column, and the cells after it stay in place. (The library leaves zero-width text, such as a
/// bidirectional control on its own, out of the cells altogether.)
///
/// Nor does a cell draw wider than it was laid out. An emoji sequence joined with ZWJ (👩‍💻) is
/// one picture two columns wide in a terminal that joins it, but its pictures side by side in
/// one that does not, covering the cells after it up to the right border and past it. Such a
/// cell keeps what fits when each character is drawn on its own: its first picture (an emoji
/// with a skin tone too, which such a terminal draws as two pictures).
fn make_visible(buffer: &mut Buffer) {
    // A tab too, which moves a terminal's cursor to its next stop.
    let hidden = |c: char| c.is_control() || is_hidden_control(c);
    for cell in &mut buffer.content {
        let symbol = cell.symbol();
        // Most cells hold one printable ASCII character, already safe and one column wide.
        if let [b' '..=b'~'] = symbol.as_bytes() {
            continue;
        }
        let columns = usize::from(cell.cell_width());
        if symbol.contains(hidden) {
            cell.set_symbol(&"\u{FFFD}".repeat(columns.max(1)));
        } else if drawn_alone(symbol) > columns {
            let fitted = fitted_alone(symbol, columns);
            cell.set_symbol(&fitted);
        }
    }
}

/// How many columns a terminal that joins nothing draws a text in: each character by its own
/// width.
fn drawn_alone(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The start of a text that such a terminal draws within `columns`, without a joiner left at its
/// end to join it to what follows.
fn fitted_alone(text: &str, columns: usize) -> String {
    let mut fitted = String::new();
    let mut drawn = 0;
    for c in text.chars() {
        drawn += c.width().unwrap_or(0);
        if drawn > columns {
            break;
        }
        fitted.push(c);
    }
    fitted.trim_end_matches('\u{200D}').to_string()
}

fn draw_screen(frame: &mut Frame, app: Shown) {
    let app = &app;
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app);
        return;
    }
    let [header, body, message, footer_area] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(header_line(app), header);
    match app.seat.view {
        View::Briefing => briefing::render(frame, body, app),
        View::Console => console::render(frame, body, app),
        View::Team(t) => team::render(frame, body, app, t),
        View::Evaluation => evaluation::render(frame, body, app),
        View::Report => report::render(frame, body, app),
        View::Discussion(t) => discussion::render_team(frame, body, app, t),
        View::Modules => discussion::render_modules(frame, body, app),
    }
    if let Some(flash) = &app.seat.flash {
        frame.render_widget(
            Paragraph::new(Line::from(flash.clone()).fg(Color::Yellow)),
            message,
        );
    }
    frame.render_widget(footer(app, footer_area.width), footer_area);
    dialogs::render(frame, body, app);
    if app.seat.help {
        help(frame, body, app);
    }
    if let Some(error) = app.session.record_error() {
        record_error(frame, body, error, app.session.journal_location());
    }
}

/// Below the minimum size: what to do, and the one question that may be open (a quit or an end
/// to confirm), so that no key leads to a dialog that cannot be seen.
fn too_small(frame: &mut Frame, area: Rect, app: &Shown) {
    let mut text = vec![
        Line::from("Terminal too small".bold()),
        Line::from(format!(
            "{}×{} here; ttx needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from(format!(
            "Enlarge the window (the exercise goes on), or press {} to quit.",
            widgets::key(keymap::Context::Console, Action::Quit)
        )),
    ];
    if let Some(Dialog::Confirm(kind)) = &app.seat.dialog {
        let question = kind.question();
        text.push(Line::from(""));
        text.push(Line::from(format!(
            "{question} {}: yes · {}: no",
            widgets::key(keymap::Context::Confirm, Action::Yes),
            widgets::key(keymap::Context::Confirm, Action::No)
        )));
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn header_line(app: &Shown) -> Line<'static> {
    let exercise = app.exercise();
    let (state, color) = if app.session.record_error().is_some() {
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
    let view = match app.seat.view {
        View::Briefing => "Briefing".to_string(),
        View::Console => "Console".to_string(),
        View::Team(t) => format!("Team {}", exercise.scenario().team(t).id),
        View::Evaluation if exercise.ended_at().is_some() => "After-action".to_string(),
        View::Evaluation => "Evaluation".to_string(),
        View::Report => "Report".to_string(),
        View::Discussion(t) => format!("Discussion {}", exercise.scenario().team(t).id),
        View::Modules => "Modules".to_string(),
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

/// The main keys of what the seat shows now, from the keymap, less what its role may not do.
/// When the line is too narrow, the screen's own last keys give way; the keys that work
/// everywhere (the clock, views, help, quit) stay.
fn footer(app: &Shown, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    let context = app.seat.context(app.session);
    let mut items: Vec<(String, Action, &str)> = keymap::footer(context)
        .into_iter()
        .filter(|(_, action, _)| app.seat.offers(app.session, *action))
        .collect();
    let wide = |items: &[(String, Action, &str)]| {
        items
            .iter()
            .map(|(key, _, help)| key.chars().count() + help.chars().count() + 2)
            .sum::<usize>()
    };
    while wide(&items) > width as usize {
        let global = keymap::bindings(keymap::Context::Global);
        let Some(last) = items
            .iter()
            .rposition(|(_, action, _)| !global.iter().any(|b| b.action == *action))
        else {
            break;
        };
        items.remove(last);
    }
    for (i, (key, _, help)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(key, Style::new().reversed()));
        spans.push(Span::raw(format!(" {help}")));
    }
    Line::from(spans)
}

fn help(frame: &mut Frame, body: Rect, app: &Shown) {
    // The help of the screen under the overlay.
    let under = app.seat.screen_context();
    let mut lines = Vec::new();
    for layer in keymap::layers(under) {
        lines.push(Line::from(layer.title().bold().underlined()));
        // Keys with the same help share a line: `+ =  faster`.
        let mut rows: Vec<(String, &str)> = Vec::new();
        for binding in keymap::bindings(layer)
            .iter()
            .filter(|b| app.seat.offers(app.session, b.action))
        {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_draws_in_the_columns_it_was_laid_out_in() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 14, 1));
        let cells = [
            // A line separator (one column as laid out), a control in a wide cell, a zero-width
            // bidirectional control, which the library would place at the next column.
            (0, "\u{2028}"),
            (1, "東\u{202e}"),
            (3, "\u{202e}"),
            // A woman technologist and a family, joined with ZWJ, and a thumb with a skin
            // tone: their first picture.
            (4, "👩\u{200d}💻"),
            (6, "👨\u{200d}👩\u{200d}👧"),
            (12, "👍🏽"),
            // What every terminal draws as laid out is kept.
            (8, "🇫🇷"),
            (10, "e\u{301}"),
        ];
        for (x, symbol) in cells {
            buffer[(x, 0)].set_symbol(symbol);
        }
        make_visible(&mut buffer);
        let shown: Vec<&str> = cells
            .iter()
            .map(|(x, _)| buffer[(*x, 0)].symbol())
            .collect();
        assert_eq!(
            shown,
            [
                "\u{FFFD}",
                "\u{FFFD}\u{FFFD}",
                "\u{FFFD}",
                "👩",
                "👨",
                "👍",
                "🇫🇷",
                "e\u{301}"
            ]
        );
    }
}
