//! The executive summary of the after-action report: free text over several lines, replacing
//! what was written before.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form};
use crate::engine::Exercise;
use crate::tui::field::TextField;
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, label_style, popup};

#[derive(Clone, PartialEq)]
pub struct SummaryForm {
    text: TextField,
    error: Option<String>,
}

impl SummaryForm {
    pub fn new(written: Option<&str>) -> Self {
        let text = TextField::new("What happened, how the teams did, what matters most")
            .with_text(written.unwrap_or_default());
        SummaryForm { text, error: None }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect) {
        let area = centred(body, 90, body.height.saturating_sub(2).max(12));
        let inner = popup(frame, area, "Executive summary", Color::Cyan);
        let [label, text, error] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ]));
        let keys = format!(
            "The report's executive summary ({} saves, {} new line, {} cancels)",
            widgets::key(Context::SummaryForm, Action::Submit),
            widgets::key(Context::SummaryForm, Action::Newline),
            widgets::key(Context::SummaryForm, Action::Back)
        );
        frame.render_widget(Paragraph::new(Line::styled(keys, label_style(true))), label);
        widgets::text_area(frame, text, &self.text, true);
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
    }
}

impl Form for SummaryForm {
    fn update(&mut self, action: Action, _: &Exercise) -> Option<Done> {
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::Newline => self.text.type_key(Key::Enter),
            Action::Input(key) => self.text.type_key(key),
            Action::Submit => return Some(Done::Ask(Ask::Summarise(self.text.text()))),
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
