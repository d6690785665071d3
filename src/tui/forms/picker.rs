//! The action picker: a team chooses what to do, filtering the catalogue by typing. An action
//! with a kept draft is marked: choosing it for the item the draft answers brings it back.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::move_in;
use crate::scenario::{ActionIx, Scenario};
use crate::tui::field::TextField;
use crate::tui::keymap::Action;
use crate::tui::widgets::{self, centred, filtered_list, popup};

#[derive(Clone, PartialEq)]
pub struct ActionPicker {
    filter: TextField,
    selected: usize,
}

/// What the picker offers: the actions the filter matches, best first; the options of the
/// decision being answered (marked `◆`); the actions with a kept draft, and their marks.
pub struct Offer<'a> {
    pub actions: &'a [ActionIx],
    pub choices: &'a [ActionIx],
    pub drafts: &'a [(ActionIx, String)],
}

pub enum Picked {
    Cancel,
    Action(ActionIx),
}

impl Default for ActionPicker {
    fn default() -> Self {
        ActionPicker {
            filter: TextField::line("type to filter"),
            selected: 0,
        }
    }
}

impl ActionPicker {
    pub fn filter(&self) -> String {
        self.filter.lines().first().cloned().unwrap_or_default()
    }

    /// Pasted text, into the filter.
    pub fn paste(&mut self, text: &str) -> Result<(), String> {
        self.filter.paste(text)?;
        self.selected = 0;
        Ok(())
    }

    /// `actions`: what the filter matches now, best first.
    pub fn update(&mut self, action: Action, actions: &[ActionIx]) -> Option<Picked> {
        match action {
            Action::Back => return Some(Picked::Cancel),
            Action::Up => self.selected = move_in(self.selected, -1, actions.len()),
            Action::Down => self.selected = move_in(self.selected, 1, actions.len()),
            Action::Input(key) => {
                let before = self.filter();
                self.filter.type_key(key);
                if self.filter() != before {
                    self.selected = 0;
                }
            }
            Action::Confirm => return actions.get(self.selected).copied().map(Picked::Action),
            _ => {}
        }
        None
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        body: Rect,
        title: &str,
        scenario: &Scenario,
        offer: Offer,
    ) {
        let Offer {
            actions,
            choices,
            drafts,
        } = offer;
        let area = centred(
            body,
            body.width.saturating_sub(4).clamp(72, 100),
            body.height,
        );
        let inner = popup(frame, area, title, Color::Cyan);
        let [filter_area, list, description] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(3),
        ]));
        let [label, input] = filter_area.layout(&Layout::horizontal([
            Constraint::Length(8),
            Constraint::Min(1),
        ]));
        frame.render_widget(Paragraph::new("Filter: ".bold()), label);
        widgets::text_area(frame, input, &self.filter, true);
        let height = list.height.max(1) as usize;
        let first = self.selected / height * height;
        let lines: Vec<Line> = actions
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, a)| {
                let action = scenario.action(*a);
                let hotline = if action.message.is_some() { " ✉" } else { "" };
                let style = if i == self.selected {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                // The options of the decision being answered are marked, when there is one.
                let mark = match (choices.is_empty(), choices.contains(a)) {
                    (true, _) => "",
                    (false, true) => "◆ ",
                    (false, false) => "  ",
                };
                let mut line = Line::styled(
                    format!("{mark}{:<14} {}{hotline}", action.id, action.name),
                    style,
                );
                if let Some((_, draft)) = drafts.iter().find(|(d, _)| d == a) {
                    line.push_span(Span::raw("  "));
                    line.push_span(Span::styled(
                        format!("[{draft}]"),
                        Style::new().fg(Color::Black).bg(Color::Yellow),
                    ));
                }
                line
            })
            .collect();
        filtered_list(frame, list, lines, "No action matches the filter.");
        let text = actions
            .get(self.selected)
            .map(|a| {
                let action = scenario.action(*a);
                let mut text = action.description.clone().unwrap_or_default();
                if !action.fields.is_empty() {
                    text.push_str(&format!(" Fields: {}.", action.fields.join(", ")));
                }
                if action.message.is_some() {
                    text.push_str(" ✉ sends a hotline message.");
                }
                if let Some((_, draft)) = drafts.iter().find(|(d, _)| d == a) {
                    text.push_str(&if draft == "draft" {
                        " A draft of it is kept: enter goes on with it.".to_string()
                    } else {
                        format!(
                            " A {draft} is kept: select that item in the inbox and choose this \
                             action to go on with it; enter here starts a new one."
                        )
                    });
                }
                if action.clarifies.is_some() {
                    text.push_str(
                        " Asks the sender of a request you received for what it lacks; your \
                         reply waits for the amended request.",
                    );
                }
                text
            })
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(text.trim().to_string())
                .wrap(Wrap { trim: true })
                .italic(),
            description,
        );
    }
}
