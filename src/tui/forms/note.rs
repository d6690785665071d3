//! The observation form: the facilitator (or an evaluator) notes a strength or an area for
//! improvement, about a team or everyone, as evidence for an objective or none.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form, seek_entry, step_entry};
use crate::engine::{Command, Exercise, NoteKind};
use crate::scenario::{ObjectiveIx, Scenario, TeamIx};
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, Seek, TextField};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Kind,
    Team,
    Objective,
    Text,
}

pub struct NoteForm {
    kind: NoteKind,
    team: Option<TeamIx>,
    objective: Option<ObjectiveIx>,
    text: TextField,
    focus: Focus,
    error: Option<String>,
    /// What is typed on the kind, the team or the objective, and what the form says when it
    /// matched nothing.
    seek: Seek,
    notice: Option<String>,
}

impl NoteForm {
    pub fn new(team: Option<TeamIx>, objective: Option<ObjectiveIx>) -> Self {
        NoteForm {
            kind: NoteKind::Strength,
            team,
            objective,
            text: TextField::new("What went well, or what to improve"),
            focus: Focus::Text,
            error: None,
            seek: Seek::default(),
            notice: None,
        }
    }

    fn step(&self, step: isize) -> Focus {
        ORDER[step_entry(self.on(), step, ORDER.len())]
    }

    /// The focused field's place in the form's order.
    fn on(&self) -> usize {
        ORDER.iter().position(|f| *f == self.focus).unwrap_or(0)
    }

    /// The focused selector's entries, as typing seeks them, and the one selected; `None` on
    /// the text.
    fn entries(&self, scenario: &Scenario) -> Option<(Vec<String>, usize)> {
        match self.focus {
            Focus::Kind => Some((
                vec!["strength".into(), "area for improvement".into()],
                usize::from(self.kind == NoteKind::Improvement),
            )),
            Focus::Team => Some((
                std::iter::once("everyone (no team)".to_string())
                    .chain(
                        scenario
                            .teams
                            .iter()
                            .map(|t| format!("{} ({})", t.name, t.id)),
                    )
                    .collect(),
                self.team.map_or(0, |t| t.0 + 1),
            )),
            Focus::Objective => Some((
                std::iter::once("none".to_string())
                    .chain(
                        scenario
                            .objectives
                            .iter()
                            .map(|o| format!("{} ({})", o.name, o.id)),
                    )
                    .collect(),
                self.objective.map_or(0, |o| o.0 + 1),
            )),
            Focus::Text => None,
        }
    }

    fn set_entry(&mut self, entry: usize) {
        match self.focus {
            Focus::Kind if entry == 0 => self.kind = NoteKind::Strength,
            Focus::Kind => self.kind = NoteKind::Improvement,
            Focus::Team => self.team = entry.checked_sub(1).map(TeamIx),
            Focus::Objective => self.objective = entry.checked_sub(1).map(ObjectiveIx),
            Focus::Text => {}
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, scenario: &Scenario) {
        let area = centred(body, 70, 13);
        let inner = popup(frame, area, "Add an observation", Color::Cyan);
        let [kind, team, objective, label, text, error] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(2),
            Constraint::Length(1),
        ]));
        let kind_text = match self.kind {
            NoteKind::Strength => "strength",
            NoteKind::Improvement => "area for improvement",
        };
        frame.render_widget(
            field_line("Kind", kind_text.into(), self.focus == Focus::Kind),
            kind,
        );
        let team_text = self
            .team
            .map(|t| scenario.team(t).name.clone())
            .unwrap_or_else(|| "everyone (no team)".into());
        frame.render_widget(
            field_line("Team", team_text, self.focus == Focus::Team),
            team,
        );
        let objective_text = self
            .objective
            .map(|o| scenario.objective(o).name.clone())
            .unwrap_or_else(|| "none".into());
        frame.render_widget(
            field_line("Objective", objective_text, self.focus == Focus::Objective),
            objective,
        );
        let keys = format!(
            "Observation ({} saves, {} new line)",
            widgets::key(Context::Note, Action::Confirm),
            widgets::key(Context::Note, Action::Newline)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(keys, label_style(self.focus == Focus::Text))),
            label,
        );
        widgets::text_area(frame, text, &self.text, self.focus == Focus::Text);
        if let Some(notice) = &self.notice {
            frame.render_widget(Paragraph::new(notice.clone().fg(Color::Yellow)), error);
        } else if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

const ORDER: [Focus; 4] = [Focus::Kind, Focus::Team, Focus::Objective, Focus::Text];

impl Form for NoteForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let scenario = exercise.scenario();
        self.notice = None;
        let entries = self.entries(scenario);
        let on = self.on();
        match (action, entries) {
            (Action::Back, _) => return Some(Done::Cancel),
            (Action::NextField, _) => self.focus = self.step(1),
            (Action::PrevField, _) => self.focus = self.step(-1),
            (Action::Up | Action::Down, _) => {
                let step = if action == Action::Down { 1 } else { -1 };
                if self.focus != Focus::Text || !self.text.vertical(step) {
                    self.focus = self.step(step);
                }
            }
            (Action::Left | Action::Right, Some((labels, at))) => {
                let step = if action == Action::Right { 1 } else { -1 };
                self.set_entry(step_entry(at, step, labels.len()));
            }
            (Action::Input(Key::Char(' ')), Some((labels, at)))
                if !self.seek.takes_space(on, at, &labels) =>
            {
                self.set_entry(step_entry(at, 1, labels.len()));
            }
            (Action::Input(Key::Backspace), Some((_, at))) => {
                self.seek.backspace(on, at);
            }
            (Action::Input(Key::Char(c)), Some((labels, at))) => {
                match seek_entry(&mut self.seek, on, c, &labels, at) {
                    Ok(entry) => self.set_entry(entry),
                    Err(notice) => self.notice = Some(notice),
                }
            }
            (Action::Left, None) => self.text.type_key(Key::Left),
            (Action::Right, None) => self.text.type_key(Key::Right),
            (Action::Newline, None) => self.text.type_key(Key::Enter),
            (Action::Input(key), None) => self.text.type_key(key),
            (Action::Confirm, Some(_)) => self.focus = self.step(1),
            (Action::Confirm | Action::Submit, _) => {
                let text = self.text.text();
                if text.trim().is_empty() {
                    self.error = Some("Write the observation first.".into());
                    return None;
                }
                return Some(Done::Ask(Ask::Note(Command::Note {
                    team: self.team,
                    objective: self.objective,
                    kind: self.kind,
                    text,
                })));
            }
            _ => {}
        }
        None
    }

    /// Pasted text, into the observation when it has the focus.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        match self.focus {
            Focus::Text => self.text.paste(text),
            _ => Err(NO_FIELD_TO_PASTE_INTO.into()),
        }
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
