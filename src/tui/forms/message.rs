//! A free hotline message: a team writes to the other teams (or one of them), optionally in
//! reply to a message it received.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form, SelectorsAndText, TextFormKey, key_selectors_and_text};
use crate::engine::{Command, Exercise};
use crate::scenario::TeamIx;
use crate::tui::field::{Seek, TextField};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    To,
    InReplyTo,
    Text,
}

#[derive(Clone, PartialEq)]
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
    /// What is typed on the recipient or the thread, and what the form says when it matched
    /// nothing.
    seek: Seek,
    notice: Option<String>,
}

const ORDER: [Focus; 3] = [Focus::To, Focus::InReplyTo, Focus::Text];

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
            seek: Seek::default(),
            notice: None,
        }
    }

    /// Who the message may go to: every other team, or one of them.
    fn recipients(&self, teams: usize) -> Vec<Option<TeamIx>> {
        std::iter::once(None)
            .chain((0..teams).map(TeamIx).filter(|t| *t != self.team).map(Some))
            .collect()
    }

    /// The focused selector's entries, as typing seeks them, and the one selected; `None` on
    /// the text.
    fn entries(&self, exercise: &Exercise) -> Option<(Vec<String>, usize)> {
        let scenario = exercise.scenario();
        match self.focus {
            Focus::To => {
                let to = self.recipients(scenario.teams.len());
                let labels = to
                    .iter()
                    .map(|t| match t {
                        None => "every other team".to_string(),
                        Some(t) => {
                            let team = scenario.team(*t);
                            format!("{} ({})", team.name, team.id)
                        }
                    })
                    .collect();
                Some((labels, to.iter().position(|t| *t == self.to).unwrap_or(0)))
            }
            Focus::InReplyTo => {
                let labels = std::iter::once("nothing (a new thread)".to_string())
                    .chain(self.received.iter().map(|n| {
                        let from = exercise
                            .message(*n)
                            .map_or("?", |m| scenario.team(m.from).id.as_str());
                        format!("#{n} from {from}")
                    }))
                    .collect();
                let at = self
                    .in_reply_to
                    .and_then(|n| self.received.iter().position(|r| *r == n))
                    .map_or(0, |i| i + 1);
                Some((labels, at))
            }
            Focus::Text => None,
        }
    }

    fn select(&mut self, entry: usize, exercise: &Exercise) {
        let teams = exercise.scenario().teams.len();
        match self.focus {
            Focus::To => self.to = self.recipients(teams).get(entry).copied().flatten(),
            Focus::InReplyTo => {
                self.in_reply_to = entry
                    .checked_sub(1)
                    .and_then(|i| self.received.get(i).copied());
            }
            Focus::Text => {}
        }
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
        if let Some(notice) = &self.notice {
            frame.render_widget(Paragraph::new(notice.clone().fg(Color::Yellow)), error);
        } else if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

selectors_and_text!(MessageForm);

impl Form for MessageForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let entries = self.entries(exercise);
        match key_selectors_and_text(self, action, entries, exercise) {
            TextFormKey::Handled => None,
            TextFormKey::Cancel => Some(Done::Cancel),
            TextFormKey::Send => {
                let text = self.text.text();
                if text.trim().is_empty() {
                    self.error = Some("Write the message first.".into());
                    return None;
                }
                Some(Done::Ask(Ask::Say(Command::Say {
                    team: self.team,
                    to: self.to.map(|t| vec![t]),
                    text,
                    in_reply_to: self.in_reply_to,
                })))
            }
        }
    }

    /// Pasted text, into the message when it has the focus.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        self.paste_into_text(text)
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
