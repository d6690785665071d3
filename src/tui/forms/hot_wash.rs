//! The hot wash on the after-action screen: the points said in the room, listed per objective,
//! and a form to add one (an objective, strength or area for improvement, its text). The form
//! stays open after each point, so that a facilitator can take down the room's points one after
//! another.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Ask, Done, Form, SelectorsAndText, TextFormKey, key_selectors_and_text};
use crate::engine::{Exercise, NoteKind};
use crate::scenario::{ObjectiveIx, Scenario};
use crate::tui::field::{Seek, TextField};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Objective,
    Kind,
    Text,
}

const ORDER: [Focus; 3] = [Focus::Objective, Focus::Kind, Focus::Text];

#[derive(Clone, PartialEq)]
pub struct HotWashForm {
    objective: ObjectiveIx,
    kind: NoteKind,
    text: TextField,
    focus: Focus,
    error: Option<String>,
    /// What the last save said, shown until the next key.
    saved: Option<String>,
    seek: Seek,
    notice: Option<String>,
}

impl HotWashForm {
    pub fn new(objective: ObjectiveIx) -> Self {
        HotWashForm {
            objective,
            kind: NoteKind::Strength,
            text: TextField::new("A point said in the room"),
            focus: Focus::Text,
            error: None,
            saved: None,
            seek: Seek::default(),
            notice: None,
        }
    }

    /// A point was saved: the text empties for the next one, objective and kind stay.
    pub fn saved(&mut self, message: String) {
        self.text = TextField::new("A point said in the room");
        self.error = None;
        self.saved = Some(message);
    }

    fn entries(&self, scenario: &Scenario) -> Option<(Vec<String>, usize)> {
        match self.focus {
            Focus::Objective => Some((
                scenario
                    .objectives
                    .iter()
                    .map(|o| format!("{} ({})", o.name, o.id))
                    .collect(),
                self.objective.0,
            )),
            Focus::Kind => Some((
                vec!["strength".into(), "area for improvement".into()],
                usize::from(self.kind == NoteKind::Improvement),
            )),
            Focus::Text => None,
        }
    }

    fn select(&mut self, entry: usize, _: &Exercise) {
        match self.focus {
            Focus::Objective => self.objective = ObjectiveIx(entry),
            Focus::Kind if entry == 0 => self.kind = NoteKind::Strength,
            Focus::Kind => self.kind = NoteKind::Improvement,
            Focus::Text => {}
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let scenario = exercise.scenario();
        let area = centred(body, 96, body.height);
        let inner = popup(frame, area, "Hot wash", Color::Cyan);
        let [list, objective, kind, label, text, error] = inner.layout(&Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Length(1),
        ]));
        frame.render_widget(
            Paragraph::new(points(exercise))
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::BOTTOM)),
            list,
        );
        let o = scenario.objective(self.objective);
        frame.render_widget(
            field_line(
                "Objective",
                format!("{} ({})", o.name, o.id),
                self.focus == Focus::Objective,
            ),
            objective,
        );
        frame.render_widget(
            field_line(
                "Kind",
                kind_word(self.kind).into(),
                self.focus == Focus::Kind,
            ),
            kind,
        );
        let keys = format!(
            "Point ({} saves, {} new line, {} closes)",
            widgets::key(Context::HotWashForm, Action::Confirm),
            widgets::key(Context::HotWashForm, Action::Newline),
            widgets::key(Context::HotWashForm, Action::Back)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(keys, label_style(self.focus == Focus::Text))),
            label,
        );
        widgets::text_area(frame, text, &self.text, self.focus == Focus::Text);
        let said = match (&self.notice, &self.error, &self.saved) {
            (Some(n), _, _) => Some(n.clone().fg(Color::Yellow)),
            (_, Some(e), _) => Some(e.clone().fg(Color::Red)),
            (_, _, Some(s)) => Some(s.clone().fg(Color::Green)),
            _ => None,
        };
        if let Some(said) = said {
            frame.render_widget(Paragraph::new(said), error);
        }
    }
}

fn kind_word(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Strength => "strength",
        NoteKind::Improvement => "area for improvement",
    }
}

/// The hot wash so far, per objective in the scenario's order: `+` a strength, `−` an area for
/// improvement.
pub fn points(exercise: &Exercise) -> Vec<Line<'static>> {
    let scenario = exercise.scenario();
    let notes: Vec<_> = exercise.notes().iter().filter(|n| n.hot_wash).collect();
    if notes.is_empty() {
        return vec![Line::styled(
            "No point yet. Take down what the room says went well and what to improve, \
             objective by objective.",
            Style::new().fg(Color::DarkGray),
        )];
    }
    let mut lines = Vec::new();
    for (ix, objective) in scenario.objectives.iter().enumerate() {
        let of: Vec<_> = notes
            .iter()
            .filter(|n| n.objective == Some(ObjectiveIx(ix)))
            .collect();
        if of.is_empty() {
            continue;
        }
        lines.push(Line::from(objective.name.clone().bold()));
        for note in of {
            let (mark, color) = match note.kind {
                NoteKind::Strength => ("+ ", Color::Green),
                NoteKind::Improvement => ("− ", Color::Yellow),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {mark}"), Style::new().fg(color).bold()),
                Span::raw(note.text.replace('\n', " ")),
            ]));
        }
    }
    lines
}

selectors_and_text!(HotWashForm);

impl Form for HotWashForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        self.saved = None;
        let entries = self.entries(exercise.scenario());
        match key_selectors_and_text(self, action, entries, exercise) {
            TextFormKey::Handled => None,
            TextFormKey::Cancel => Some(Done::Cancel),
            TextFormKey::Send => {
                let text = self.text.text();
                if text.trim().is_empty() {
                    self.error = Some("Write the point first.".into());
                    return None;
                }
                Some(Done::Ask(Ask::HotWash {
                    objective: self.objective,
                    kind: self.kind,
                    text,
                }))
            }
        }
    }

    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        self.paste_into_text(text)
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
