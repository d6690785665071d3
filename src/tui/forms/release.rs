//! Release by hand: the facilitator filters the injects by typing, sees what the selected one
//! would send (recipients, body, notes) and releases it with enter.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Ask, Done, Form, move_in};
use crate::engine::{Exercise, InjectState};
use crate::scenario::InjectIx;
use crate::tui::field::TextField;
use crate::tui::keymap::Action;
use crate::tui::text::{clock, state};
use crate::tui::widgets::{self, centred, filtered_list, popup};

#[derive(Clone, PartialEq)]
pub struct ReleasePicker {
    filter: TextField,
    /// The highlighted inject.
    selected: InjectIx,
}

impl ReleasePicker {
    /// `refs`: the scenario numbers its injects as the MSEL does, and the filter finds them so.
    pub fn new(selected: InjectIx, refs: bool) -> Self {
        let placeholder = if refs {
            "type to filter by id, title or ref"
        } else {
            "type to filter by id or title"
        };
        ReleasePicker {
            filter: TextField::line(placeholder),
            selected,
        }
    }

    fn filter(&self) -> String {
        self.filter.lines().first().cloned().unwrap_or_default()
    }

    /// The injects whose id, title or MSEL number (`ref`) contain the filter, in scenario order.
    fn matching(&self, exercise: &Exercise) -> Vec<InjectIx> {
        let filter = self.filter().to_lowercase();
        exercise
            .scenario()
            .injects
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                filter.is_empty()
                    || i.id.to_lowercase().contains(&filter)
                    || i.title.to_lowercase().contains(&filter)
                    || i.reference
                        .as_ref()
                        .is_some_and(|r| r.to_lowercase().contains(&filter))
            })
            .map(|(i, _)| InjectIx(i))
            .collect()
    }

    /// The filter changed: the selection stays if it still matches, else moves to the first match.
    fn keep_a_match_selected(&mut self, exercise: &Exercise) {
        let matching = self.matching(exercise);
        if !matching.contains(&self.selected)
            && let Some(first) = matching.first()
        {
            self.selected = *first;
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let scenario = exercise.scenario();
        let area = centred(
            body,
            body.width.saturating_sub(4).clamp(76, 110),
            body.height,
        );
        let inner = popup(frame, area, "Release an inject by hand, now", Color::Yellow);
        let matching = self.matching(exercise);
        // The list takes the rows it needs, up to 45%; the preview the rest, so that the
        // facilitator's notes are read in full before releasing.
        let list_height = (matching.len().max(1) as u16).min(inner.height * 45 / 100);
        let [filter_area, list, preview] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(list_height),
            Constraint::Min(4),
        ]));
        let [label, input] = filter_area.layout(&Layout::horizontal([
            Constraint::Length(8),
            Constraint::Min(1),
        ]));
        frame.render_widget(Paragraph::new("Filter: ".bold()), label);
        widgets::text_area(frame, input, &self.filter, true);
        let height = list.height.max(1) as usize;
        let at = matching
            .iter()
            .position(|i| *i == self.selected)
            .unwrap_or(0);
        let first = at / height * height;
        // The facilitators' MSEL numbers first, when the scenario has them.
        let refs = scenario
            .injects
            .iter()
            .filter_map(|i| i.reference.as_deref())
            .map(|r| r.chars().count() + 1)
            .max()
            .unwrap_or(0);
        let lines: Vec<Line> = matching
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(n, ix)| {
                let inject = scenario.inject(*ix);
                let s = exercise.inject_state(*ix);
                let mut style = if matches!(s, InjectState::Released { .. }) {
                    Style::new().fg(Color::DarkGray)
                } else {
                    Style::new()
                };
                if n == at {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                let reference = inject.reference.as_deref().unwrap_or("");
                Line::styled(
                    format!(
                        "{reference:<refs$}{:<18} {:<20} {}",
                        inject.id,
                        state(s, &inject.when),
                        inject.title
                    ),
                    style,
                )
            })
            .collect();
        filtered_list(frame, list, lines, "No inject matches the filter.");
        let mut text: Vec<Line> = Vec::new();
        if matching.contains(&self.selected) {
            let inject = scenario.inject(self.selected);
            let to: Vec<&str> = inject
                .to
                .iter()
                .map(|t| scenario.team(*t).name.as_str())
                .collect();
            text.push(Line::from(vec![
                "To: ".bold(),
                Span::raw(to.join(", ")),
                Span::raw(format!(
                    " · released now, at T+{}; ignores delay, jitter and chance",
                    clock(exercise.now())
                ))
                .italic(),
            ]));
            if let Some(notes) = &inject.notes {
                text.push(Line::from(vec![
                    "Notes: ".bold().fg(Color::Yellow),
                    Span::raw(notes.clone()),
                ]));
            }
            for line in inject.body.lines() {
                text.push(Line::from(line.to_string()));
            }
        }
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::TOP).title(" Preview ")),
            preview,
        );
    }
}

impl Form for ReleasePicker {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let matching = self.matching(exercise);
        let at = matching.iter().position(|i| *i == self.selected);
        let step = match action {
            Action::Back => return Some(Done::Cancel),
            Action::Confirm => {
                return at.map(|_| Done::Ask(Ask::Release(self.selected)));
            }
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -10,
            Action::PageDown => 10,
            Action::Input(key) => {
                self.filter.type_key(key);
                self.keep_a_match_selected(exercise);
                return None;
            }
            _ => return None,
        };
        let next = move_in(
            at.unwrap_or(0),
            if at.is_some() { step } else { 0 },
            matching.len(),
        );
        if let Some(inject) = matching.get(next) {
            self.selected = *inject;
        }
        None
    }

    /// Pasted text, into the filter.
    fn paste(&mut self, text: &str, exercise: &Exercise) -> Result<(), String> {
        self.filter.paste(text)?;
        self.keep_a_match_selected(exercise);
        Ok(())
    }

    /// A picker has no place for a reason: the seat's line shows it.
    fn refused(&mut self, reason: String) -> Option<String> {
        Some(reason)
    }
}
