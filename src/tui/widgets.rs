//! Small drawing pieces every screen and dialog shares: popups, countdowns, labelled fields,
//! text areas, key hints. A leaf: it imports no screen, and no screen imports `ui`.

use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::field::{TEXT_LIMIT, TextField};
use super::keymap::{self, Action, Context};
use super::text::clock;
use super::text::short;
use crate::engine::{Exercise, Expectation, ExpectationIx, Status};

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

/// A filtered list's lines, or `empty` in grey when nothing matches the filter.
pub fn filtered_list(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, empty: &str) {
    let list = if lines.is_empty() {
        Paragraph::new(Line::styled(
            empty.to_string(),
            Style::new().fg(Color::DarkGray),
        ))
    } else {
        Paragraph::new(lines)
    };
    frame.render_widget(list, area);
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

/// The colour of an expectation's status, the same on every screen: done in full green, done
/// short or late yellow, missed or overdue red.
pub fn status_style(status: Status) -> Style {
    let color = match status {
        Status::Met => Color::Green,
        Status::Incomplete | Status::Late => Color::Yellow,
        Status::Missed | Status::Overdue => Color::Red,
        Status::Open | Status::NotDue => Color::Reset,
    };
    Style::new().fg(color)
}

/// What a reply on hold shows instead of a deadline: the request it answers was clarified.
pub const ON_HOLD: &str = "reply on hold until the amended request arrives";

/// The time left until an expectation's deadline (negative once passed); `None` for a reply on
/// hold, which has no deadline.
pub fn left(exercise: &Exercise, ix: ExpectationIx) -> Option<i64> {
    let due = exercise.expectation(ix).due()?;
    Some(due as i64 - exercise.now() as i64)
}

/// An expectation's time standard and where it comes from, shown beside its deadline wherever
/// one is shown: `within 1h00m · ABCCA Art. 12`. `None` without a basis: the deadline says
/// enough then.
pub fn standard(exercise: &Exercise, ix: ExpectationIx) -> Option<String> {
    let basis = exercise.basis(ix)?;
    Some(format!(
        "within {} · {basis}",
        short(exercise.time_standard(ix))
    ))
}

/// A deadline as a seat shows it: `T+02:00:00`, then ` (within 2h00m · Playbook 4.1)` when it
/// has a basis; for a reply on hold, that it waits (and the standard it will run for).
pub fn deadline(exercise: &Exercise, ix: ExpectationIx) -> String {
    let standard = standard(exercise, ix);
    match exercise.expectation(ix).due() {
        Some(due) => match standard {
            Some(standard) => format!("T+{} ({standard})", clock(due)),
            None => format!("T+{}", clock(due)),
        },
        None if exercise.expectation(ix).done.is_some() => {
            "none: done while its request waited for an amendment".into()
        }
        None => match standard {
            Some(standard) => format!("none: {ON_HOLD} (then {standard})"),
            None => format!("none: {ON_HOLD}"),
        },
    }
}

/// `in 4m12s`, or `4m12s overdue`.
pub fn countdown(left: i64) -> String {
    if left < 0 {
        format!("{} overdue", short(left.unsigned_abs()))
    } else {
        format!("in {}", short(left as u64))
    }
}

/// How long a done expectation took from its release: `after 4m12s`, or `ahead of time` for
/// one satisfied by a response made before it was asked for.
pub fn took(expectation: &Expectation) -> String {
    match (&expectation.done, expectation.latency()) {
        (Some(done), Some(took)) if !done.ahead => format!("after {}", short(took)),
        (Some(_), _) => "ahead of time".to_string(),
        (None, _) => "not done".to_string(),
    }
}

/// A one-line choice: `Kind        ◀ strength ▶` when focused.
pub fn field_line(label: &str, value: String, focused: bool) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<12}"), label_style(focused)),
        Span::raw(if focused {
            format!("◀ {value} ▶")
        } else {
            format!("  {value}")
        }),
    ])
}

pub fn label_style(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).bold()
    } else {
        Style::new().bold()
    }
}

/// A text field, its cursor shown only when it has the focus: its lines wrapped at word
/// boundaries to the area's width, as many rows as the area has, scrolled to the cursor; `▲`/`▼` in the last column say that
/// more is above or below. Near its limit, its bottom right corner counts the characters
/// against `TEXT_LIMIT`.
pub fn text_area(frame: &mut Frame, area: Rect, field: &TextField, focused: bool) {
    if area.is_empty() {
        return;
    }
    let background = if focused {
        Style::new().bg(Color::Rgb(40, 40, 60))
    } else {
        Style::new().bg(Color::Rgb(30, 30, 30))
    };
    let (width, height) = (usize::from(area.width), usize::from(area.height));
    let (lines, (row, column), more) = if field.chars() == 0 {
        // After the cursor's cell: the placeholder is not text the cursor is in.
        let hint = Line::styled(
            format!(" {}", field.placeholder()),
            Style::new().fg(Color::DarkGray),
        );
        (vec![hint], (0, 0), (false, false))
    } else {
        wrapped_part(field, width, height)
    };
    frame.render_widget(Paragraph::new(lines).style(background), area);
    let buffer = frame.buffer_mut();
    let marks = [(more.0, 0, "▲"), (more.1, area.height - 1, "▼")];
    for (shown, y, mark) in marks {
        if shown {
            buffer[(area.right() - 1, area.y + y)]
                .set_symbol(mark)
                .set_style(Style::new().fg(Color::DarkGray));
        }
    }
    if focused {
        // A hanging space past the last column puts the cursor in it.
        let x = area.x + (column as u16).min(area.width - 1);
        let y = area.y + (row as u16).min(area.height - 1);
        buffer[(x, y)].set_style(Style::new().add_modifier(Modifier::REVERSED));
    }
    let count = field.chars();
    if count * 10 >= TEXT_LIMIT * 9 {
        let counter = format!(" {count}/{TEXT_LIMIT} ");
        let style = if count >= TEXT_LIMIT {
            Style::new().fg(Color::Black).bg(Color::Red)
        } else {
            Style::new().fg(Color::Black).bg(Color::Yellow)
        };
        let width = (counter.len() as u16).min(area.width);
        let corner = Rect::new(
            area.right() - width,
            area.bottom().saturating_sub(1),
            width,
            1.min(area.height),
        );
        frame.render_widget(Span::styled(counter, style), corner);
    }
}

/// The rows of `field` that `height` rows show, wrapped to `width`; the cursor's place among
/// them; whether rows are hidden above and below.
type Part = (Vec<Line<'static>>, (usize, usize), (bool, bool));

fn wrapped_part(field: &TextField, width: usize, height: usize) -> Part {
    let rows = field.rows(width);
    let (row, column) = field.cursor_cell(&rows);
    let top = field.shown(width, height, row, rows.len());
    let lines = rows[top..(top + height).min(rows.len())]
        .iter()
        .map(|r| Line::raw(field.lines()[r.line][r.start..r.end].to_string()))
        .collect();
    (
        lines,
        (row - top, column),
        (top > 0, top + height < rows.len()),
    )
}

/// The key bound to `action` in `context`, as shown on screen (`r`, `ctrl-s`): taken from the
/// keymap, so that no hint can drift from the bindings.
pub fn key(context: Context, action: Action) -> String {
    keymap::key_for(context, action)
        .map(|k| k.to_string())
        .unwrap_or_else(|| "?".into())
}

/// `r: respond to this inject`, the key from the keymap.
pub fn hint(context: Context, action: Action, what: &str) -> String {
    format!("{}: {what}", key(context, action))
}

/// A key in reverse video, as the footer shows keys.
pub fn key_span(context: Context, action: Action) -> Span<'static> {
    Span::styled(
        format!(" {} ", key(context, action)),
        Style::new().reversed(),
    )
}

/// Who chose what, when, and how long the choice took; or the options still open.
pub fn decision_text(exercise: &Exercise, ix: ExpectationIx) -> String {
    let scenario = exercise.scenario();
    let e = exercise.expectation(ix);
    let team = &scenario.team(e.team).id;
    match (&e.done, e.action) {
        (Some(done), Some(chosen)) => format!(
            "{team} chose {} at T+{}, {}",
            scenario.action(chosen).name,
            clock(done.at),
            took(e)
        ),
        _ => {
            let options: Vec<&str> = e
                .choices
                .iter()
                .map(|a| scenario.action(*a).name.as_str())
                .collect();
            format!("{team} has not chosen: {}", options.join(" / "))
        }
    }
}

/// Word-wrapped text in a bordered pane, scrolled down `scroll` rows: what `Paragraph` with
/// `Wrap { trim: false }` draws, from rows wrapped once per text and width. Wrapping is the
/// dearest part of a frame, and when a message arrives every seat of a team draws the same item
/// at the same width. The pane is drawn on a blank area, as every screen draws its panes.
pub fn wrapped(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    scroll: u16,
    block: Block,
) {
    // Clipped to the frame, as `Paragraph` clips its area, so the rows copied stay inside it.
    let area = area.intersection(frame.area());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let Some(text) = wrapped_text(&lines, inner.width) else {
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            inner,
        );
        return;
    };
    let buffer = frame.buffer_mut();
    let width = usize::from(inner.width);
    let rows = usize::from(scroll)..usize::from(text.rows.area.height);
    for (row, y) in rows.zip(inner.top()..inner.bottom()) {
        let from = row * width;
        let to = buffer.index_of(inner.x, y);
        buffer.content[to..to + width].clone_from_slice(&text.rows.content[from..from + width]);
    }
}

/// Wrapped texts kept: the 16 (text, width) pairs drawn last, each of at most `WRAPPED_CELLS`
/// cells (a longer text is wrapped on every frame), so that they stay under 12 MB.
const WRAPPED_KEPT: usize = 16;
const WRAPPED_CELLS: usize = 16_384;

/// A text as `Paragraph` wraps it at a width: every row, drawn.
struct WrappedText {
    hash: u64,
    width: u16,
    lines: Vec<Line<'static>>,
    rows: Buffer,
}

/// The texts wrapped lately, shared by every seat; the one drawn longest ago first.
static WRAPPED: Mutex<Vec<Arc<WrappedText>>> = Mutex::new(Vec::new());

/// `lines` wrapped at `width`, from the texts kept or wrapped now; none if too large to keep.
fn wrapped_text(lines: &[Line<'static>], width: u16) -> Option<Arc<WrappedText>> {
    let hash = foldhash::quality::FixedState::default().hash_one((width, lines));
    {
        let mut kept = WRAPPED.lock().unwrap_or_else(|p| p.into_inner());
        let same = |w: &Arc<WrappedText>| w.hash == hash && w.width == width && w.lines == lines;
        if let Some(at) = kept.iter().position(same) {
            // Drawn again: the last to be dropped, so the items seats are reading stay kept.
            let text = kept.remove(at);
            kept.push(Arc::clone(&text));
            return Some(text);
        }
    }
    let paragraph = Paragraph::new(lines.to_vec()).wrap(Wrap { trim: false });
    let height = paragraph.line_count(width);
    if height * usize::from(width) > WRAPPED_CELLS {
        return None;
    }
    let mut rows = Buffer::empty(Rect::new(0, 0, width, height as u16));
    paragraph.render(rows.area, &mut rows);
    let text = Arc::new(WrappedText {
        hash,
        width,
        lines: lines.to_vec(),
        rows,
    });
    let mut kept = WRAPPED.lock().unwrap_or_else(|p| p.into_inner());
    if kept.len() >= WRAPPED_KEPT {
        kept.remove(0);
    }
    kept.push(Arc::clone(&text));
    Some(text)
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Stylize;

    use super::*;

    /// What `Paragraph` draws in a bordered pane, wrapped and scrolled.
    fn paragraph(lines: &[Line<'static>], scroll: u16, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| {
                f.render_widget(
                    Paragraph::new(lines.to_vec())
                        .wrap(Wrap { trim: false })
                        .scroll((scroll, 0))
                        .block(Block::default().borders(Borders::ALL).title(" Item ")),
                    f.area(),
                );
            })
            .unwrap();
        terminal.backend().buffer().clone()
    }

    fn drawn_wrapped(lines: &[Line<'static>], scroll: u16, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| {
                let block = Block::default().borders(Borders::ALL).title(" Item ");
                wrapped(f, f.area(), lines.to_vec(), scroll, block);
            })
            .unwrap();
        terminal.backend().buffer().clone()
    }

    /// The pane drawn from the kept rows is the one `Paragraph` draws, cell for cell, at every
    /// width and scroll, the first time and from the cache; a text too long to keep too.
    #[test]
    fn wrapped_text_is_drawn_as_paragraph_draws_it() {
        let lines = vec![
            Line::from(vec!["From: ".bold(), Span::raw("Aldera NCSA")]),
            Line::from(""),
            Line::from(
                "A long paragraph of words that wraps over several rows of the pane, with a verylongwordthatmustbebrokenacrosstherows and 漢字の幅 in it.",
            ),
            Line::from("  indented, then 👩‍💻 and tabs\tin text").fg(Color::DarkGray),
        ];
        let long: Vec<Line<'static>> = (0..2_000).map(|n| Line::from(format!("row {n}"))).collect();
        for (width, height) in [(20, 8), (41, 12), (100, 30)] {
            for scroll in [0, 1, 3, 40] {
                for _ in 0..2 {
                    assert_eq!(
                        drawn_wrapped(&lines, scroll, width, height),
                        paragraph(&lines, scroll, width, height),
                        "{width}×{height}, scrolled {scroll}"
                    );
                }
                assert_eq!(
                    drawn_wrapped(&long, scroll, width, height),
                    paragraph(&long, scroll, width, height)
                );
            }
        }
    }

    /// A pane that reaches past the frame (a layout larger than the terminal) is clipped to
    /// it, as `Paragraph` clips, instead of writing past the frame's rows.
    #[test]
    fn a_wrapped_pane_larger_than_the_frame_is_clipped() {
        let lines = vec![Line::from(
            "words that wrap over the rows of a pane ".repeat(8),
        )];
        let mut terminal = Terminal::new(TestBackend::new(30, 10)).unwrap();
        terminal
            .draw(|f| {
                let past = Rect::new(5, 2, 60, 30);
                wrapped(
                    f,
                    past,
                    lines.clone(),
                    0,
                    Block::default().borders(Borders::ALL),
                );
            })
            .unwrap();
        let mut expected = Terminal::new(TestBackend::new(30, 10)).unwrap();
        expected
            .draw(|f| {
                f.render_widget(
                    Paragraph::new(lines.clone())
                        .wrap(Wrap { trim: false })
                        .block(Block::default().borders(Borders::ALL)),
                    Rect::new(5, 2, 60, 30),
                );
            })
            .unwrap();
        assert_eq!(terminal.backend().buffer(), expected.backend().buffer());
    }
}
