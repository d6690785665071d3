//! The observation form: the facilitator (or an evaluator) notes a strength or an area for
//! improvement, about a team or everyone, as evidence for an objective or none.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form};
use crate::engine::{Command, Exercise, NoteKind};
use crate::scenario::{ObjectiveIx, Scenario, TeamIx};
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, TextField};
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
        }
    }

    fn toggle_kind(&mut self) {
        self.kind = match self.kind {
            NoteKind::Strength => NoteKind::Improvement,
            NoteKind::Improvement => NoteKind::Strength,
        };
    }

    fn step(&self, step: isize) -> Focus {
        const ORDER: [Focus; 4] = [Focus::Kind, Focus::Team, Focus::Objective, Focus::Text];
        let at = ORDER.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        ORDER[(at + step).rem_euclid(ORDER.len() as isize) as usize]
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
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

impl Form for NoteForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let scenario = exercise.scenario();
        let teams = scenario.teams.len();
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField => self.focus = self.step(1),
            Action::PrevField => self.focus = self.step(-1),
            Action::Left | Action::Right if self.focus == Focus::Kind => self.toggle_kind(),
            Action::Left | Action::Right if self.focus == Focus::Team => {
                // None, team 0, team 1, ...
                let position = self.team.map_or(0, |t| t.0 + 1);
                let step = if action == Action::Right { 1 } else { teams };
                let next = (position + step) % (teams + 1);
                self.team = next.checked_sub(1).map(TeamIx);
            }
            Action::Left | Action::Right if self.focus == Focus::Objective => {
                // None, objective 0, objective 1, ...
                let count = scenario.objectives.len();
                let position = self.objective.map_or(0, |o| o.0 + 1);
                let step = if action == Action::Right { 1 } else { count };
                let next = (position + step) % (count + 1);
                self.objective = next.checked_sub(1).map(ObjectiveIx);
            }
            Action::Left => self.text.type_key(Key::Left),
            Action::Right => self.text.type_key(Key::Right),
            Action::Newline => self.text.type_key(Key::Enter),
            Action::Input(key) if self.focus == Focus::Text => self.text.type_key(key),
            Action::Input(Key::Char(' ')) if self.focus == Focus::Kind => self.toggle_kind(),
            Action::Confirm if self.focus != Focus::Text => self.focus = self.step(1),
            Action::Confirm | Action::Submit => {
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
