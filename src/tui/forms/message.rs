//! A free hotline message: a team writes to the other teams (or one of them), optionally in
//! reply to a message it received.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form};
use crate::engine::{Command, Exercise};
use crate::scenario::TeamIx;
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, TextField};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    To,
    InReplyTo,
    Text,
}

pub struct MessageForm {
    team: TeamIx,
    /// `None`: every other team.
    to: Option<TeamIx>,
    /// The received messages it may answer, and the one chosen.
    received: Vec<u64>,
    in_reply_to: Option<u64>,
    text: TextField,
    focus: Focus,
    error: Option<String>,
}

impl MessageForm {
    /// `replying`: the message the team had selected, answered by default.
    pub fn new(exercise: &Exercise, team: TeamIx, replying: Option<u64>) -> Self {
        let received: Vec<u64> = exercise.messages_to(team).map(|m| m.n).collect();
        let in_reply_to = replying.filter(|n| received.contains(n));
        let to = in_reply_to
            .and_then(|n| exercise.message(n))
            .map(|m| m.from);
        MessageForm {
            team,
            to,
            received,
            in_reply_to,
            text: TextField::new("What you want the other team to know"),
            focus: Focus::Text,
            error: None,
        }
    }

    fn step(&self, step: isize) -> Focus {
        const ORDER: [Focus; 3] = [Focus::To, Focus::InReplyTo, Focus::Text];
        let at = ORDER.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        ORDER[(at + step).rem_euclid(3) as usize]
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let scenario = exercise.scenario();
        let area = centred(body, body.width.saturating_sub(4).clamp(70, 100), 14);
        let inner = popup(
            frame,
            area,
            &format!("{} · hotline message", scenario.team(self.team).id),
            Color::Cyan,
        );
        let [to, reply, label, text, error] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(2),
            Constraint::Length(1),
        ]));
        let to_text = self
            .to
            .map(|t| scenario.team(t).name.clone())
            .unwrap_or_else(|| "every other team".into());
        frame.render_widget(field_line("To", to_text, self.focus == Focus::To), to);
        let reply_text = match self.in_reply_to.and_then(|n| exercise.message(n)) {
            Some(m) => format!("#{} from {}", m.n, scenario.team(m.from).id),
            None => "nothing (a new thread)".into(),
        };
        frame.render_widget(
            field_line("In reply to", reply_text, self.focus == Focus::InReplyTo),
            reply,
        );
        let keys = format!(
            "Message ({} sends, {} new line, {} cancels)",
            widgets::key(Context::MessageForm, Action::Submit),
            widgets::key(Context::MessageForm, Action::Newline),
            widgets::key(Context::MessageForm, Action::Back),
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

impl Form for MessageForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let teams = exercise.scenario().teams.len();
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField => self.focus = self.step(1),
            Action::PrevField => self.focus = self.step(-1),
            Action::Left | Action::Right if self.focus == Focus::To => {
                // Everyone else, then each other team.
                let others: Vec<Option<TeamIx>> = std::iter::once(None)
                    .chain((0..teams).map(TeamIx).filter(|t| *t != self.team).map(Some))
                    .collect();
                let at = others.iter().position(|t| *t == self.to).unwrap_or(0);
                let step = if action == Action::Right {
                    1
                } else {
                    others.len() - 1
                };
                self.to = others[(at + step) % others.len()];
            }
            Action::Left | Action::Right if self.focus == Focus::InReplyTo => {
                let choices: Vec<Option<u64>> = std::iter::once(None)
                    .chain(self.received.iter().copied().map(Some))
                    .collect();
                let at = choices
                    .iter()
                    .position(|c| *c == self.in_reply_to)
                    .unwrap_or(0);
                let step = if action == Action::Right {
                    1
                } else {
                    choices.len() - 1
                };
                self.in_reply_to = choices[(at + step) % choices.len()];
            }
            Action::Left => self.text.type_key(Key::Left),
            Action::Right => self.text.type_key(Key::Right),
            Action::Newline => self.text.type_key(Key::Enter),
            Action::Input(key) if self.focus == Focus::Text => self.text.type_key(key),
            Action::Confirm if self.focus != Focus::Text => self.focus = self.step(1),
            Action::Confirm | Action::Submit => {
                let text = self.text.text();
                if text.trim().is_empty() {
                    self.error = Some("Write the message first.".into());
                    return None;
                }
                return Some(Done::Ask(Ask::Say(Command::Say {
                    team: self.team,
                    to: self.to.map(|t| vec![t]),
                    text,
                    in_reply_to: self.in_reply_to,
                })));
            }
            _ => {}
        }
        None
    }

    /// Pasted text, into the message when it has the focus.
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
