//! The response form: what the response answers, the action's fields, a note, submit. Fields
//! grow with what is typed and the form takes the terminal's width.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Ask, Done, Form, typed_key};
use crate::engine::{Answers, Exercise, Response, Source};
use crate::scenario::{ActionIx, TeamIx};
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, TextField};
use crate::tui::keymap::{Action, Context};
use crate::tui::text::short;
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Answers,
    Field(usize),
    Note,
    Submit,
}

pub struct ResponseForm {
    team: TeamIx,
    action: ActionIx,
    fields: Vec<TextField>,
    note: TextField,
    /// The choices of what the response answers; `None`: the earliest due.
    answers: Vec<Option<Answers>>,
    answer: usize,
    focus: Focus,
    error: Option<String>,
    /// The team was told which required fields are blank; a second submit sends anyway.
    blank_confirmed: bool,
}

impl ResponseForm {
    /// `answering`: what the team had selected; it is the default only if it has an open
    /// expectation of this action, else the form answers the earliest due.
    pub fn new(
        exercise: &Exercise,
        team: TeamIx,
        action: ActionIx,
        answering: Option<Answers>,
    ) -> Self {
        let spec = exercise.scenario().action(action);
        let answers: Vec<Option<Answers>> = std::iter::once(None)
            .chain(
                exercise
                    .inbox(team)
                    .into_iter()
                    .filter(|(a, _)| match a {
                        // A team answers what it received, not what it sent.
                        Answers::Message(n) => exercise.message(*n).is_some_and(|m| m.from != team),
                        Answers::Inject(_) => true,
                    })
                    .map(|(a, _)| Some(a)),
            )
            .collect();
        // The selected item is the default only if it has a candidate for this action.
        let fits = answering.is_some()
            && exercise
                .would_satisfy(team, action, answering)
                .is_ok_and(|ix| {
                    ix.is_some_and(|ix| named_by(exercise.expectation(ix).source, answering))
                });
        let answer = if fits {
            answers.iter().position(|c| *c == answering).unwrap_or(0)
        } else {
            0
        };
        ResponseForm {
            team,
            action,
            fields: spec.fields.iter().map(|_| TextField::new("")).collect(),
            note: TextField::new("optional"),
            answers,
            answer,
            focus: if spec.fields.is_empty() {
                Focus::Note
            } else {
                Focus::Field(0)
            },
            error: None,
            blank_confirmed: false,
        }
    }

    pub fn action(&self) -> ActionIx {
        self.action
    }

    fn order(&self) -> Vec<Focus> {
        let mut order = vec![Focus::Answers];
        order.extend((0..self.fields.len()).map(Focus::Field));
        order.extend([Focus::Note, Focus::Submit]);
        order
    }

    fn step(&self, step: isize) -> Focus {
        let order = self.order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        order[(at + step).rem_euclid(order.len() as isize) as usize]
    }

    fn focused_text(&mut self) -> Option<&mut TextField> {
        match self.focus {
            Focus::Field(i) => self.fields.get_mut(i),
            Focus::Note => Some(&mut self.note),
            _ => None,
        }
    }

    fn answers(&self) -> Option<Answers> {
        self.answers.get(self.answer).copied().flatten()
    }

    fn submit(&mut self, exercise: &Exercise) -> Option<Done> {
        let spec = exercise.scenario().action(self.action);
        let blank: Vec<&str> = self
            .required(exercise)
            .iter()
            .filter(|i| {
                self.fields
                    .get(**i)
                    .is_some_and(|f| f.text().trim().is_empty())
            })
            .map(|i| spec.fields[*i].as_str())
            .collect();
        if !blank.is_empty() && !self.blank_confirmed {
            self.blank_confirmed = true;
            let verb = if blank.len() == 1 { "is" } else { "are" };
            self.error = Some(format!(
                "{} {verb} required — send anyway? {} again sends it as it is.",
                blank.join(", "),
                widgets::key(Context::ResponseForm, Action::Submit),
            ));
            return None;
        }
        let fields = spec
            .fields
            .iter()
            .zip(&self.fields)
            .map(|(name, area)| (name.clone(), area.text()))
            .collect();
        let note = self.note.text();
        Some(Done::Ask(Ask::Respond(Response {
            team: self.team,
            action: self.action,
            fields,
            note: (!note.trim().is_empty()).then_some(note),
            answers: self.answers(),
            insufficient: Vec::new(),
        })))
    }

    /// The required fields of the expectation this response would satisfy (the engine says
    /// which), or none when it would satisfy nothing.
    fn required(&self, exercise: &Exercise) -> Vec<usize> {
        exercise
            .would_satisfy(self.team, self.action, self.answers())
            .ok()
            .flatten()
            .map(|ix| exercise.required_fields(ix, self.action))
            .unwrap_or_default()
    }

    fn answers_text(&self, exercise: &Exercise) -> String {
        let scenario = exercise.scenario();
        match self.answers() {
            None => "nothing in particular (the earliest due)".into(),
            Some(Answers::Inject(i)) => format!("inject: {}", scenario.inject(i).title),
            Some(Answers::Message(n)) => format!(
                "hotline #{n} from {}",
                exercise
                    .message(n)
                    .map(|m| scenario.team(m.from).id.as_str())
                    .unwrap_or("?")
            ),
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let scenario = exercise.scenario();
        let action = scenario.action(self.action);
        let satisfies = exercise
            .would_satisfy(self.team, self.action, self.answers())
            .ok()
            .flatten();
        let required = self.required(exercise);
        let n = self.fields.len();
        // A field shows everything typed (up to 6 lines), and two lines when it has the focus,
        // so there is room to see what comes next.
        let height = |area: &TextField, focused: bool| {
            let lines = area.lines().len() as u16;
            if focused {
                (lines + 1).clamp(2, 6)
            } else {
                lines.clamp(1, 6)
            }
        };
        let heights: Vec<u16> = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| height(f, self.focus == Focus::Field(i)))
            .collect();
        let note_height = height(&self.note, self.focus == Focus::Note);
        let wanted = 2 + 2 + heights.iter().sum::<u16>() + note_height + 2 + 5;
        let width = body.width.saturating_sub(4).clamp(76, 120);
        let area = centred(body, width, wanted.min(body.height));
        let inner = popup(
            frame,
            area,
            &format!("{} · {}", scenario.team(self.team).id, action.name),
            Color::Cyan,
        );
        let mut constraints = vec![Constraint::Length(1), Constraint::Length(1)];
        constraints.extend(heights.iter().map(|h| Constraint::Length(*h)));
        constraints.push(Constraint::Length(note_height));
        constraints.push(Constraint::Length(1));
        constraints.push(Constraint::Length(1));
        constraints.push(Constraint::Min(0));
        let rows = Layout::vertical(constraints).split(inner);
        frame.render_widget(
            field_line(
                "In reply to",
                self.answers_text(exercise),
                self.focus == Focus::Answers,
            ),
            rows[0],
        );
        // What the engine's dry run says the answer will do: satisfy which expectation, stand
        // ready (an action done ahead of time), or count as unexpected.
        let hint = match satisfies {
            None if action.ahead => {
                "nothing asks for this yet: done ahead, it will count when asked for".to_string()
            }
            None => "no open expectation of this action: it will count as unexpected".into(),
            Some(ix) => {
                let required = if required.is_empty() {
                    ""
                } else {
                    " · * required"
                };
                let e = exercise.expectation(ix);
                let what = if e.is_decision() {
                    format!("makes the decision {}", exercise.expectation_id(ix))
                } else {
                    format!("will satisfy {}", exercise.expectation_id(ix))
                };
                format!(
                    "{what} (due T+{}){required}",
                    crate::tui::text::clock(e.due_at)
                )
            }
        };
        frame.render_widget(
            Paragraph::new(Line::from(hint.fg(Color::DarkGray))),
            rows[1],
        );
        let label_width = action
            .fields
            .iter()
            .map(|f| f.chars().count() as u16 + 3)
            .max()
            .unwrap_or(0)
            .clamp(8, 24);
        for (i, (name, text)) in action.fields.iter().zip(&self.fields).enumerate() {
            let focused = self.focus == Focus::Field(i);
            let [label, value] = rows[i + 2].layout(&Layout::horizontal([
                Constraint::Length(label_width),
                Constraint::Min(1),
            ]));
            let mark = if required.contains(&i) { " *" } else { "" };
            frame.render_widget(
                Paragraph::new(Line::styled(format!("{name}{mark}"), label_style(focused)))
                    .wrap(Wrap { trim: true }),
                label,
            );
            widgets::text_area(frame, value, text, focused);
        }
        let [label, value] = rows[n + 2].layout(&Layout::horizontal([
            Constraint::Length(label_width),
            Constraint::Min(1),
        ]));
        frame.render_widget(
            Paragraph::new(Line::styled("note", label_style(self.focus == Focus::Note))),
            label,
        );
        widgets::text_area(frame, value, &self.note, self.focus == Focus::Note);
        let submit_style = if self.focus == Focus::Submit {
            Style::new().fg(Color::Black).bg(Color::Green).bold()
        } else {
            Style::new().fg(Color::Green)
        };
        frame.render_widget(
            Paragraph::new(Line::styled("[ Submit ]", submit_style)),
            rows[n + 4],
        );
        let mut info = Vec::new();
        if let Some(error) = &self.error {
            info.push(Line::from(error.clone().fg(Color::Red)));
        }
        if let Some(message) = &action.message {
            let reply = message
                .reply
                .as_ref()
                .map(|r| {
                    format!(
                        ", who must reply \"{}\" within {}",
                        scenario.action(r.action).name,
                        short(r.within)
                    )
                })
                .unwrap_or_default();
            info.push(Line::from(
                format!("✉ Sends a hotline message to the other teams{reply}.").italic(),
            ));
        }
        let c = Context::ResponseForm;
        info.push(Line::from(
            format!(
                "{} · {} · {} · {}",
                widgets::hint(c, Action::Confirm, "next field"),
                widgets::hint(c, Action::Submit, "submit"),
                widgets::hint(c, Action::Newline, "new line"),
                widgets::hint(c, Action::Back, "back (the draft is kept)"),
            )
            .fg(Color::DarkGray),
        ));
        frame.render_widget(Paragraph::new(info).wrap(Wrap { trim: true }), rows[n + 5]);
    }
}

impl Form for ResponseForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField => self.focus = self.step(1),
            Action::PrevField => self.focus = self.step(-1),
            Action::Left | Action::Right if self.focus == Focus::Answers => {
                let count = self.answers.len();
                let step = if action == Action::Right {
                    1
                } else {
                    count - 1
                };
                self.answer = (self.answer + step) % count;
                self.blank_confirmed = false;
            }
            Action::Left | Action::Right | Action::Newline | Action::Input(_) => {
                let key = typed_key(action)?;
                if let Some(area) = self.focused_text() {
                    area.type_key(key);
                    self.blank_confirmed = false;
                }
            }
            Action::Confirm if self.focus != Focus::Submit => self.focus = self.step(1),
            Action::Confirm | Action::Submit => return self.submit(exercise),
            _ => {}
        }
        None
    }

    /// Pasted text, into the field or note that has the focus.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        let area = self
            .focused_text()
            .ok_or_else(|| NO_FIELD_TO_PASTE_INTO.to_string())?;
        area.paste(text)?;
        self.blank_confirmed = false;
        Ok(())
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}

/// Whether an expectation comes from the item a response names.
fn named_by(source: Source, answers: Option<Answers>) -> bool {
    match (answers, source) {
        (Some(Answers::Inject(i)), Source::Inject(j, _)) => i == j,
        (Some(Answers::Message(n)), Source::Message(m)) => n == m,
        _ => false,
    }
}
