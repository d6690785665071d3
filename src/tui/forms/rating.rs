//! The rating form: an evaluator confirms or overrides ttx's suggested rating of an objective
//! (for one team, or jointly), with a reason when it differs, and writes the analysis.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Ask, Done, Form, typed_key};
use crate::debrief::Rated;
use crate::debrief::evaluation::Rating;
use crate::engine::Exercise;
use crate::report::RatingReport;
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, TextField, not_typed};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Rating,
    Reason,
    Analysis,
}

const ORDER: [Focus; 3] = [Focus::Rating, Focus::Reason, Focus::Analysis];

#[derive(Clone, PartialEq)]
pub struct RatingForm {
    objective: String,
    team: Option<String>,
    suggested: Option<Rating>,
    rating: Rating,
    reason: TextField,
    analysis: TextField,
    focus: Focus,
    error: Option<String>,
    /// What the form says when a letter typed on the rating is none.
    notice: Option<String>,
    by: String,
}

impl RatingForm {
    /// Opens on the rating given last, else on the suggestion, with what was written before;
    /// `by`: the evaluator, as the rating will name them.
    pub fn new(row: &RatingReport, by: &str) -> Self {
        let reason = TextField::new("Why the rating differs from the suggestion")
            .with_text(row.reason.as_deref().unwrap_or_default());
        let analysis =
            TextField::new("How the objective was performed: strengths, what to improve")
                .with_text(row.analysis.as_deref().unwrap_or_default());
        RatingForm {
            objective: row.objective.clone(),
            team: row.team.clone(),
            suggested: row.suggested,
            rating: row.rating.or(row.suggested).unwrap_or(Rating::P),
            reason,
            analysis,
            focus: Focus::Rating,
            error: None,
            notice: None,
            by: by.to_string(),
        }
    }

    fn save(&mut self) -> Option<Done> {
        let reason = self.reason.text();
        if self.differs() && reason.trim().is_empty() {
            self.error = Some(format!(
                "{} differs from the suggested {}: write the reason.",
                self.rating.code(),
                self.suggested.map_or("", Rating::code)
            ));
            self.focus = Focus::Reason;
            return None;
        }
        let analysis = self.analysis.text();
        let some = |text: String| Some(text).filter(|t| !t.trim().is_empty());
        Some(Done::Ask(Ask::Rate(Rated {
            objective: self.objective.clone(),
            team: self.team.clone(),
            rating: self.rating,
            reason: some(reason),
            analysis: some(analysis),
            by: Some(self.by.clone()),
        })))
    }

    fn differs(&self) -> bool {
        self.suggested.is_some_and(|s| s != self.rating)
    }

    fn step(&self, step: isize) -> Focus {
        let at = ORDER.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        ORDER[(at + step).rem_euclid(ORDER.len() as isize) as usize]
    }

    pub fn render(&self, frame: &mut Frame, body: Rect) {
        let area = centred(body, 76, 20);
        let title = format!(
            "Rate {} · {}",
            self.objective,
            self.team.as_deref().unwrap_or("jointly")
        );
        let inner = popup(frame, area, &title, Color::Cyan);
        let [
            suggested,
            rating,
            definition,
            reason_label,
            reason,
            label,
            analysis,
            error,
        ] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            // HSEEP's longest definition (M) takes six lines at this width.
            Constraint::Length(6),
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ]));
        let suggestion = match self.suggested {
            Some(s) => format!("Suggested by ttx: {} — {}", s.code(), s.name()),
            None => "No suggestion: no critical task is scored yet.".into(),
        };
        frame.render_widget(Paragraph::new(suggestion.fg(Color::DarkGray)), suggested);
        frame.render_widget(
            field_line(
                "Rating",
                format!("{} — {}", self.rating.code(), self.rating.name()),
                self.focus == Focus::Rating,
            ),
            rating,
        );
        frame.render_widget(
            Paragraph::new(self.rating.definition().italic()).wrap(Wrap { trim: true }),
            definition,
        );
        let needed = if self.differs() {
            "Reason (required: the rating differs from the suggestion)"
        } else {
            "Reason (only when the rating differs)"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                needed,
                label_style(self.focus == Focus::Reason),
            )),
            reason_label,
        );
        widgets::text_area(frame, reason, &self.reason, self.focus == Focus::Reason);
        let keys = format!(
            "Analysis ({} saves, {} new line)",
            widgets::key(Context::RatingForm, Action::Submit),
            widgets::key(Context::RatingForm, Action::Newline)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                keys,
                label_style(self.focus == Focus::Analysis),
            )),
            label,
        );
        widgets::text_area(
            frame,
            analysis,
            &self.analysis,
            self.focus == Focus::Analysis,
        );
        if let Some(notice) = &self.notice {
            frame.render_widget(Paragraph::new(notice.clone().fg(Color::Yellow)), error);
        } else if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

impl Form for RatingForm {
    fn update(&mut self, action: Action, _: &Exercise) -> Option<Done> {
        self.notice = None;
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField => self.focus = self.step(1),
            Action::PrevField => self.focus = self.step(-1),
            Action::Up | Action::Down => {
                let step = if action == Action::Down { 1 } else { -1 };
                let moved = match self.focus {
                    Focus::Reason => self.reason.vertical(step),
                    Focus::Analysis => self.analysis.vertical(step),
                    Focus::Rating => false,
                };
                if !moved {
                    self.focus = self.step(step);
                }
            }
            Action::Left | Action::Right if self.focus == Focus::Rating => {
                let at = Rating::ALL
                    .iter()
                    .position(|r| *r == self.rating)
                    .unwrap_or(0);
                let step = if action == Action::Right { 1 } else { 3 };
                self.rating = Rating::ALL[(at + step) % 4];
            }
            Action::Input(Key::Char(c)) if self.focus == Focus::Rating => {
                match Rating::parse(&c.to_string()) {
                    Some(rating) => self.rating = rating,
                    None => {
                        self.notice = Some(not_typed(
                            &c.to_string(),
                            "a rating is P, S, M or U (← → choose; tab moves to the reason).",
                        ))
                    }
                }
            }
            Action::Left | Action::Right | Action::Newline | Action::Input(_) => {
                let key = typed_key(action)?;
                match self.focus {
                    Focus::Reason => self.reason.type_key(key),
                    Focus::Analysis => self.analysis.type_key(key),
                    Focus::Rating => {}
                }
            }
            Action::Confirm if self.focus != Focus::Analysis => self.focus = self.step(1),
            Action::Confirm | Action::Submit => return self.save(),
            _ => {}
        }
        None
    }

    /// Pasted text, into the reason or the analysis, whichever has the focus.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        match self.focus {
            Focus::Reason => self.reason.paste(text),
            Focus::Analysis => self.analysis.paste(text),
            Focus::Rating => Err(NO_FIELD_TO_PASTE_INTO.into()),
        }
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}
