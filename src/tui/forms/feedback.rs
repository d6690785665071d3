//! HSEEP's Participant Feedback Form, offered on every seat after the end: part 1 rates each
//! statement from 1 (strongly disagree) to 5 (strongly agree) or leaves it unrated; part 2 asks
//! for up to three strengths and three areas for improvement; part 3 for comments. A person may
//! skip it; the form carries no name (the seat adds its team and role, never the user), though
//! a team of one is known from the report's Appendix B.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form, step_entry};
use crate::debrief::{FeedbackForm as Filled, MAX_POINTS};
use crate::engine::Exercise;
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, TextField};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::text::fit;
use crate::tui::widgets::{self, centred, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Rating(usize),
    Strength(usize),
    Improvement(usize),
    Comments,
}

/// What each rating means, as HSEEP's form prints it above the scale.
const SCALE: [&str; 5] = [
    "strongly disagree",
    "disagree",
    "neutral",
    "agree",
    "strongly agree",
];

#[derive(Clone, PartialEq)]
pub struct FeedbackForm {
    ratings: Vec<Option<u8>>,
    strengths: Vec<TextField>,
    improvements: Vec<TextField>,
    comments: TextField,
    focus: Focus,
    error: Option<String>,
}

impl FeedbackForm {
    /// An empty form for `statements` statements.
    pub fn new(statements: usize) -> Self {
        let points = |what: &str| {
            (1..=MAX_POINTS)
                .map(|n| TextField::line(&format!("{what} {n}")))
                .collect()
        };
        FeedbackForm {
            ratings: vec![None; statements],
            strengths: points("Strength"),
            improvements: points("Area for improvement"),
            comments: TextField::new("Anything else about the exercise"),
            focus: if statements > 0 {
                Focus::Rating(0)
            } else {
                Focus::Strength(0)
            },
            error: None,
        }
    }

    /// Every field in order.
    fn order(&self) -> Vec<Focus> {
        (0..self.ratings.len())
            .map(Focus::Rating)
            .chain((0..MAX_POINTS).map(Focus::Strength))
            .chain((0..MAX_POINTS).map(Focus::Improvement))
            .chain(std::iter::once(Focus::Comments))
            .collect()
    }

    fn step(&self, step: isize) -> Focus {
        let order = self.order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        order[step_entry(at, step, order.len())]
    }

    fn text_mut(&mut self) -> Option<&mut TextField> {
        match self.focus {
            Focus::Rating(_) => None,
            Focus::Strength(n) => Some(&mut self.strengths[n]),
            Focus::Improvement(n) => Some(&mut self.improvements[n]),
            Focus::Comments => Some(&mut self.comments),
        }
    }

    fn filled(&self) -> Filled {
        let texts = |fields: &[TextField]| fields.iter().map(TextField::text).collect();
        let comments = self.comments.text();
        Filled {
            ratings: self.ratings.clone(),
            strengths: texts(&self.strengths),
            improvements: texts(&self.improvements),
            comments: (!comments.trim().is_empty()).then_some(comments),
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let statements = &exercise.scenario().feedback;
        let area = centred(body, 100, body.height);
        let inner = popup(frame, area, "Participant Feedback Form", Color::Cyan);
        let n = statements.len() as u16;
        let [
            intro,
            ratings,
            points_label,
            points,
            comments_label,
            comments,
            error,
        ] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(n),
            Constraint::Length(1),
            Constraint::Length(MAX_POINTS as u16),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ]));
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("Part 1", Style::new().bold()),
                Span::raw(format!(
                    ": 1 {} … 5 {}; ← → or 1-5 rate, 0 clears. No names; {} skips.",
                    SCALE[0],
                    SCALE[4],
                    widgets::key(Context::FeedbackForm, Action::Back)
                )),
            ])),
            intro,
        );
        let width = usize::from(ratings.width);
        let lines: Vec<Line> = statements
            .iter()
            .zip(&self.ratings)
            .enumerate()
            .map(|(i, (statement, rating))| {
                let focused = self.focus == Focus::Rating(i);
                let value = match rating {
                    Some(r) => format!("{r} {}", SCALE[usize::from(*r) - 1]),
                    None => "—".to_string(),
                };
                let value = if focused {
                    format!("◀ {value:<19} ▶")
                } else {
                    format!("  {value:<19}  ")
                };
                let room = width.saturating_sub(value.chars().count() + 4);
                Line::from(vec![
                    Span::styled(
                        format!("{}. {:<room$} ", i + 1, fit(statement, room)),
                        label_style(focused),
                    ),
                    Span::raw(value),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), ratings);
        let [strengths_label, improvements_label] = points_label.layout(&Layout::horizontal([
            Constraint::Percentage(50),
            Constraint::Percentage(50),
        ]));
        let in_strengths = matches!(self.focus, Focus::Strength(_));
        let in_improvements = matches!(self.focus, Focus::Improvement(_));
        frame.render_widget(
            Paragraph::new(Line::styled(
                "Part 2: the most important strengths",
                label_style(in_strengths),
            )),
            strengths_label,
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                "…and areas for improvement",
                label_style(in_improvements),
            )),
            improvements_label,
        );
        let [left, right] = points.layout(&Layout::horizontal([
            Constraint::Percentage(50),
            Constraint::Percentage(50),
        ]));
        for n in 0..MAX_POINTS {
            let row = |column: Rect| Rect {
                y: column.y + n as u16,
                height: 1,
                width: column.width.saturating_sub(1),
                ..column
            };
            widgets::text_area(
                frame,
                row(left),
                &self.strengths[n],
                self.focus == Focus::Strength(n),
            );
            widgets::text_area(
                frame,
                row(right),
                &self.improvements[n],
                self.focus == Focus::Improvement(n),
            );
        }
        let keys = format!(
            "Part 3: comments ({} submits, {} new line)",
            widgets::key(Context::FeedbackForm, Action::Submit),
            widgets::key(Context::FeedbackForm, Action::Newline)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                keys,
                label_style(self.focus == Focus::Comments),
            )),
            comments_label,
        );
        widgets::text_area(
            frame,
            comments,
            &self.comments,
            self.focus == Focus::Comments,
        );
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

impl Form for FeedbackForm {
    fn update(&mut self, action: Action, _: &Exercise) -> Option<Done> {
        match (action, self.focus) {
            (Action::Back, _) => return Some(Done::Cancel),
            (Action::Submit, _) | (Action::Confirm, Focus::Comments) => {
                return Some(Done::Ask(Ask::Feedback(self.filled())));
            }
            (Action::Confirm | Action::NextField, _) => self.focus = self.step(1),
            (Action::PrevField, _) => self.focus = self.step(-1),
            (Action::Up | Action::Down, focus) => {
                let step = if action == Action::Down { 1 } else { -1 };
                let moved = focus == Focus::Comments && self.comments.vertical(step);
                if !moved {
                    self.focus = self.step(step);
                }
            }
            (Action::Left | Action::Right, Focus::Rating(i)) => {
                // Round through unrated: — 1 2 3 4 5 —.
                let at = self.ratings[i].map_or(0, usize::from);
                let step = if action == Action::Right { 1 } else { -1 };
                let next = step_entry(at, step, SCALE.len() + 1);
                self.ratings[i] = (next > 0).then_some(next as u8);
            }
            (Action::Input(Key::Char(c @ '0'..='5')), Focus::Rating(i)) => {
                let rating = c as u8 - b'0';
                self.ratings[i] = (rating > 0).then_some(rating);
                self.focus = self.step(1);
            }
            (Action::Input(Key::Backspace | Key::Delete), Focus::Rating(i)) => {
                self.ratings[i] = None;
            }
            (Action::Input(_), Focus::Rating(_)) => {
                self.error = Some("Rate it 1 (strongly disagree) to 5 (strongly agree).".into());
                return None;
            }
            (action, _) => {
                if let (Some(key), Some(field)) = (super::typed_key(action), self.text_mut()) {
                    field.type_key(key);
                }
            }
        }
        self.error = None;
        None
    }

    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        match self.text_mut() {
            Some(field) => field.paste(text),
            None => Err(NO_FIELD_TO_PASTE_INTO.into()),
        }
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
