//! The exercise's facts for the report's cover and overview that the scenario may lack or have
//! wrong: sponsor, location, dates, handling marking, point of contact. Each field holds what
//! the debrief entered; an empty one leaves the scenario's (shown as its placeholder).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form, typed_key};
use crate::debrief::{Debrief, ExerciseFact};
use crate::engine::Exercise;
use crate::report::ExerciseReport;
use crate::scenario::Scenario;
use crate::tui::field::TextField;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, label_style, popup};

#[derive(Clone, PartialEq)]
pub struct FactsForm {
    /// One per `ExerciseFact::ALL`.
    texts: Vec<TextField>,
    /// The entries as the form opened, to write only what changed.
    before: Vec<String>,
    focus: usize,
    error: Option<String>,
}

impl FactsForm {
    pub fn new(scenario: &Scenario, debrief: &Debrief) -> Self {
        let before: Vec<String> = ExerciseFact::ALL
            .iter()
            .map(|f| debrief.fact(*f).unwrap_or_default().to_string())
            .collect();
        let from_scenario = ExerciseReport::of_scenario(scenario);
        let texts = ExerciseFact::ALL
            .iter()
            .zip(&before)
            .map(|(fact, entered)| {
                TextField::line(&placeholder(&from_scenario, *fact)).with_text(entered)
            })
            .collect();
        FactsForm {
            texts,
            before,
            focus: 0,
            error: None,
        }
    }

    fn save(&self) -> Done {
        let changes = ExerciseFact::ALL
            .iter()
            .enumerate()
            .filter_map(|(n, fact)| {
                let value = self.texts[n].text().trim().to_string();
                (value != self.before[n]).then_some((*fact, value))
            })
            .collect();
        Done::Ask(Ask::Facts(changes))
    }

    pub fn render(&self, frame: &mut Frame, body: Rect) {
        let count = ExerciseFact::ALL.len() as u16;
        let area = centred(body, 90, count + 6);
        let inner = popup(frame, area, "The exercise's facts", Color::Cyan);
        let mut rows = vec![Constraint::Length(2)];
        rows.extend((0..count).map(|_| Constraint::Length(1)));
        rows.extend([Constraint::Length(1), Constraint::Length(1)]);
        let areas = Layout::vertical(rows).split(inner);
        frame.render_widget(
            Paragraph::new(
                "For the report's cover and overview. Empty: the scenario's, shown grey."
                    .fg(Color::DarkGray),
            ),
            areas[0],
        );
        for (n, fact) in ExerciseFact::ALL.iter().enumerate() {
            let [label, text] = areas[n + 1].layout(&Layout::horizontal([
                Constraint::Length(20),
                Constraint::Min(10),
            ]));
            frame.render_widget(
                Paragraph::new(Line::styled(fact.label(), label_style(self.focus == n))),
                label,
            );
            widgets::text_area(frame, text, &self.texts[n], self.focus == n);
        }
        let error = areas[areas.len() - 2];
        let keys = areas[areas.len() - 1];
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error);
        }
        frame.render_widget(
            Paragraph::new(
                format!(
                    "{} saves · {} next field · {} cancels",
                    widgets::key(Context::FactsForm, Action::Submit),
                    widgets::key(Context::FactsForm, Action::NextField),
                    widgets::key(Context::FactsForm, Action::Back)
                )
                .fg(Color::DarkGray),
            ),
            keys,
        );
    }
}

impl Form for FactsForm {
    fn update(&mut self, action: Action, _: &Exercise) -> Option<Done> {
        let count = self.texts.len();
        let step = |at: usize, by: isize| super::step_entry(at, by, count);
        self.error = None;
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField | Action::Down => self.focus = step(self.focus, 1),
            Action::PrevField | Action::Up => self.focus = step(self.focus, -1),
            Action::Confirm if self.focus + 1 < count => self.focus += 1,
            Action::Confirm | Action::Submit => return Some(self.save()),
            other => {
                if let Some(key) = typed_key(other) {
                    self.texts[self.focus].type_key(key);
                }
            }
        }
        None
    }

    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        self.texts[self.focus].paste(text)
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}

/// What an empty field stands for: the scenario's value, or that there is none.
fn placeholder(from_scenario: &ExerciseReport, fact: ExerciseFact) -> String {
    match (from_scenario.fact(fact), fact) {
        (Some(value), _) => value.to_string(),
        (None, ExerciseFact::Dates) => "e.g. 11–12 March 2027 (else the journal's dates)".into(),
        (None, ExerciseFact::Handling) => "e.g. TLP:AMBER (none in the scenario)".into(),
        (None, _) => "not in the scenario".into(),
    }
}
