//! The observation form: the facilitator (or an evaluator) notes a strength or an area for
//! improvement, about a team or everyone, as evidence for an objective or none.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form, SelectorsAndText, TextFormKey, key_selectors_and_text};
use crate::engine::{Command, Exercise, NoteKind};
use crate::scenario::{ObjectiveIx, Scenario, TeamIx};
use crate::tui::field::{Seek, TextField};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Kind,
    Team,
    Objective,
    Text,
}

#[derive(Clone, PartialEq)]
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

    fn select(&mut self, entry: usize, _: &Exercise) {
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

selectors_and_text!(NoteForm);

impl Form for NoteForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let entries = self.entries(exercise.scenario());
        match key_selectors_and_text(self, action, entries, exercise) {
            TextFormKey::Handled => None,
            TextFormKey::Cancel => Some(Done::Cancel),
            TextFormKey::Send => {
                let text = self.text.text();
                if text.trim().is_empty() {
                    self.error = Some("Write the observation first.".into());
                    return None;
                }
                Some(Done::Ask(Ask::Note(Command::Note {
                    team: self.team,
                    objective: self.objective,
                    kind: self.kind,
                    text,
                })))
            }
        }
    }

    /// Pasted text, into the observation when it has the focus.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        self.paste_into_text(text)
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
