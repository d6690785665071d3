//! A team's answer to a discussion question: one multi-line text, the answer so far in it when
//! the team revises. Saving it again makes a new version (each is journaled; the last is the
//! answer).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Ask, Done, Form};
use crate::engine::Exercise;
use crate::scenario::{QuestionIx, TeamIx};
use crate::tui::field::TextField;
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, label_style, popup};

#[derive(Clone, PartialEq)]
pub struct AnswerForm {
    team: TeamIx,
    question: QuestionIx,
    text: TextField,
    /// Whether the team had answered before: saving revises.
    revising: bool,
    error: Option<String>,
}

impl AnswerForm {
    pub fn new(team: TeamIx, question: QuestionIx, given: Option<&str>) -> Self {
        AnswerForm {
            team,
            question,
            text: TextField::new("Your team's answer, in as many lines as it takes")
                .with_text(given.unwrap_or_default()),
            revising: given.is_some(),
            error: None,
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let scenario = exercise.scenario();
        let question = scenario.question(self.question);
        let area = centred(body, 90, body.height.saturating_sub(2).max(12));
        let title = format!("{} answers {}", scenario.team(self.team).id, question.id);
        let inner = popup(frame, area, &title, Color::Cyan);
        let asked =
            Paragraph::new(Line::from(question.text.clone()).bold()).wrap(Wrap { trim: true });
        let asked_height = (asked.line_count(inner.width) as u16).clamp(1, 4);
        let [asked_area, label, text, error] = inner.layout(&Layout::vertical([
            Constraint::Length(asked_height),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ]));
        frame.render_widget(asked, asked_area);
        let verb = if self.revising { "revises" } else { "saves" };
        let keys = format!(
            "Answer ({} {verb}, {} new line, {} cancels)",
            widgets::key(Context::AnswerForm, Action::Submit),
            widgets::key(Context::AnswerForm, Action::Newline),
            widgets::key(Context::AnswerForm, Action::Back)
        );
        frame.render_widget(Paragraph::new(Line::styled(keys, label_style(true))), label);
        widgets::text_area(frame, text, &self.text, true);
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

impl Form for AnswerForm {
    fn update(&mut self, action: Action, _: &Exercise) -> Option<Done> {
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::Newline => self.text.type_key(Key::Enter),
            Action::Input(key) => self.text.type_key(key),
            Action::Submit => {
                let text = self.text.text();
                if text.trim().is_empty() {
                    self.error = Some("Write the answer first.".into());
                    return None;
                }
                return Some(Done::Ask(Ask::Answer {
                    team: self.team,
                    question: self.question,
                    text,
                }));
            }
            _ => {}
        }
        None
    }

    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        self.text.paste(text)
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
