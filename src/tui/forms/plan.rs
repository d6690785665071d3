//! An improvement-plan item: the facilitator edits each field of a drafted item (or writes a
//! new one): the issue, its root cause, the corrective action, the capability element (one of
//! HSEEP's five, each with its line of guidance), who is responsible, the point of contact, and
//! the start and completion dates.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ask, Done, Form, seek_entry, step_entry, typed_key};
use crate::debrief::{CAPABILITY_ELEMENT_GUIDANCE, CAPABILITY_ELEMENTS, PlanField, check_date};
use crate::engine::Exercise;
use crate::report::PlanItemReport;
use crate::scenario::Scenario;
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, Seek, TextField};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

/// The text fields, in the form's order (the capability element is a choice between them).
/// The first `GROWN` take several lines; the last two are the dates.
const TEXTS: [PlanField; 7] = [
    PlanField::Issue,
    PlanField::RootCause,
    PlanField::CorrectiveAction,
    PlanField::Responsible,
    PlanField::Poc,
    PlanField::Start,
    PlanField::Completion,
];
const GROWN: usize = 3;
const DATES: [usize; 2] = [TEXTS.len() - 2, TEXTS.len() - 1];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Only when adding: what the new item is about.
    Objective,
    Team,
    Text(usize),
    Element,
}

#[derive(Clone, PartialEq)]
pub struct PlanForm {
    /// The item edited; `None`: a new one.
    item: Option<String>,
    /// When adding: the objective and team chosen, as indices into the scenario (`None`: none).
    objective: Option<usize>,
    team: Option<usize>,
    texts: Vec<TextField>,
    /// The values as the form opened, to write only what changed.
    before: Vec<String>,
    /// An index into `CAPABILITY_ELEMENTS`; `None`: not chosen.
    element: Option<usize>,
    element_before: Option<usize>,
    focus: Focus,
    error: Option<String>,
    /// What is typed on the objective, the team or the capability element, and what the form
    /// says when it matched nothing.
    seek: Seek,
    notice: Option<String>,
}

impl PlanForm {
    pub fn edit(item: &PlanItemReport) -> Self {
        let value = |field: PlanField| -> String {
            match field {
                PlanField::Issue => item.issue.clone(),
                PlanField::RootCause => item.root_cause.clone().unwrap_or_default(),
                PlanField::CorrectiveAction => item.corrective_action.clone().unwrap_or_default(),
                PlanField::Responsible => item.responsible.clone().unwrap_or_default(),
                PlanField::Poc => item.poc.clone().unwrap_or_default(),
                PlanField::Start => item.start.clone().unwrap_or_default(),
                PlanField::Completion => item.completion.clone().unwrap_or_default(),
                PlanField::CapabilityElement => String::new(),
            }
        };
        let element = item
            .capability_element
            .as_deref()
            .and_then(|e| CAPABILITY_ELEMENTS.iter().position(|c| *c == e));
        let before: Vec<String> = TEXTS.iter().map(|f| value(*f)).collect();
        PlanForm {
            item: Some(item.id.clone()),
            objective: None,
            team: None,
            texts: TEXTS
                .iter()
                .zip(&before)
                .map(|(f, v)| filled(*f, v))
                .collect(),
            before,
            element,
            element_before: element,
            focus: Focus::Text(1),
            error: None,
            seek: Seek::default(),
            notice: None,
        }
    }

    pub fn add() -> Self {
        let before = vec![String::new(); TEXTS.len()];
        PlanForm {
            item: None,
            objective: None,
            team: None,
            texts: TEXTS.iter().map(|f| filled(*f, "")).collect(),
            before,
            element: None,
            element_before: None,
            focus: Focus::Text(0),
            error: None,
            seek: Seek::default(),
            notice: None,
        }
    }

    fn order(&self) -> Vec<Focus> {
        let mut order = Vec::new();
        if self.item.is_none() {
            order.extend([Focus::Objective, Focus::Team]);
        }
        order.extend((0..GROWN).map(Focus::Text));
        order.push(Focus::Element);
        order.extend((GROWN..TEXTS.len()).map(Focus::Text));
        order
    }

    /// The focused selector's entries, as typing seeks them, and the one selected; `None` on
    /// a text.
    fn entries(&self, scenario: &Scenario) -> Option<(Vec<String>, usize)> {
        let entries = |none: &str, names: Vec<String>, at: Option<usize>| {
            let labels = std::iter::once(none.to_string()).chain(names).collect();
            Some((labels, at.map_or(0, |i| i + 1)))
        };
        match self.focus {
            Focus::Objective => entries(
                "none",
                scenario
                    .objectives
                    .iter()
                    .map(|o| format!("{} {}", o.id, o.name))
                    .collect(),
                self.objective,
            ),
            Focus::Team => entries(
                "none",
                scenario
                    .teams
                    .iter()
                    .map(|t| format!("{} {}", t.id, t.name))
                    .collect(),
                self.team,
            ),
            Focus::Element => entries(
                "not chosen",
                CAPABILITY_ELEMENTS.iter().map(|e| e.to_string()).collect(),
                self.element,
            ),
            Focus::Text(_) => None,
        }
    }

    fn set_entry(&mut self, entry: usize) {
        let chosen = entry.checked_sub(1);
        match self.focus {
            Focus::Objective => self.objective = chosen,
            Focus::Team => self.team = chosen,
            Focus::Element => self.element = chosen,
            Focus::Text(_) => {}
        }
    }

    fn save(&mut self, scenario: &Scenario) -> Option<Done> {
        for n in DATES {
            if let Err(message) = check_date(TEXTS[n], &self.texts[n].text()) {
                self.error = Some(crate::session::capitalise(&message));
                self.focus = Focus::Text(n);
                return None;
            }
        }
        let start = self.texts[DATES[0]].text();
        let completion = self.texts[DATES[1]].text();
        // ISO dates compare as text.
        if !start.trim().is_empty()
            && !completion.trim().is_empty()
            && completion.trim() < start.trim()
        {
            self.error = Some(format!(
                "The completion date {} is before the start date {}.",
                completion.trim(),
                start.trim()
            ));
            self.focus = Focus::Text(DATES[1]);
            return None;
        }
        let issue = self.texts[0].text();
        if issue.trim().is_empty() {
            self.error = Some("Write the issue: what needs to improve.".into());
            self.focus = Focus::Text(0);
            return None;
        }
        let mut changes: Vec<(PlanField, String)> = TEXTS
            .iter()
            .enumerate()
            .filter(|(n, _)| self.item.is_some() || *n > 0)
            .filter_map(|(n, field)| {
                let value = self.texts[n].text().trim().to_string();
                (value != self.before[n].trim()).then_some((*field, value))
            })
            .collect();
        if self.element != self.element_before {
            changes.push((
                PlanField::CapabilityElement,
                self.element
                    .map_or(String::new(), |e| CAPABILITY_ELEMENTS[e].to_string()),
            ));
        }
        Some(Done::Ask(match &self.item {
            Some(item) => Ask::EditItem {
                item: item.clone(),
                changes,
            },
            None => Ask::AddItem {
                objective: self.objective.map(|o| scenario.objectives[o].id.clone()),
                team: self.team.map(|t| scenario.teams[t].id.clone()),
                issue: issue.trim().to_string(),
                changes,
            },
        }))
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, scenario: &Scenario) {
        let adding = self.item.is_none();
        // The issue, the root cause and the corrective action grow with what is typed, up to
        // 5 rows (then they scroll; the root cause 3), a row more while typed into; the form
        // grows with them.
        let width = usize::from(body.width.min(90).saturating_sub(2));
        let grown: Vec<u16> = (0..GROWN)
            .map(|n| {
                let most = if TEXTS[n] == PlanField::RootCause {
                    3
                } else {
                    5
                };
                let rows = self.texts[n].height(width).min(most) as u16;
                let focused = u16::from(self.focus == Focus::Text(n));
                (rows + focused).clamp(2, most as u16)
            })
            .collect();
        let height = if adding { 15 } else { 13 } + grown.iter().sum::<u16>();
        let area = centred(body, 90, height);
        let title = match &self.item {
            Some(item) => format!("Improvement item {item}"),
            None => "A new area for improvement".into(),
        };
        let inner = popup(frame, area, &title, Color::Cyan);
        let mut rows = Vec::new();
        if adding {
            rows.extend([Constraint::Length(1), Constraint::Length(1)]);
        }
        for rows_of_text in &grown {
            rows.extend([Constraint::Length(1), Constraint::Length(*rows_of_text)]);
        }
        rows.extend([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ]);
        let areas = Layout::vertical(rows).split(inner);
        let mut areas = areas.iter().copied();
        let mut next = || areas.next().unwrap_or_default();
        if adding {
            let objective = self
                .objective
                .map_or("none".to_string(), |o| scenario.objectives[o].id.clone());
            frame.render_widget(
                field_line("Objective", objective, self.focus == Focus::Objective),
                next(),
            );
            let team = self
                .team
                .map_or("none".to_string(), |t| scenario.teams[t].id.clone());
            frame.render_widget(field_line("Team", team, self.focus == Focus::Team), next());
        }
        for (n, field) in TEXTS.iter().enumerate().take(GROWN) {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    field.label(),
                    label_style(self.focus == Focus::Text(n)),
                )),
                next(),
            );
            widgets::text_area(frame, next(), &self.texts[n], self.focus == Focus::Text(n));
        }
        let element = self.element.map_or("not chosen".to_string(), |e| {
            CAPABILITY_ELEMENTS[e].to_string()
        });
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!("{:<34}", PlanField::CapabilityElement.label()),
                    label_style(self.focus == Focus::Element),
                ),
                Span::raw(if self.focus == Focus::Element {
                    format!("◀ {element} ▶")
                } else {
                    element
                }),
            ])),
            next(),
        );
        frame.render_widget(
            Paragraph::new(element_guidance(self.element).fg(Color::DarkGray)),
            next(),
        );
        for (n, field) in TEXTS.iter().enumerate().skip(GROWN) {
            let [label, text] = next().layout(&Layout::horizontal([
                Constraint::Length(34),
                Constraint::Min(10),
            ]));
            let hint = match field {
                PlanField::Start | PlanField::Completion => " (YYYY-MM-DD)",
                _ => "",
            };
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("{}{hint}", field.label()),
                    label_style(self.focus == Focus::Text(n)),
                )),
                label,
            );
            widgets::text_area(frame, text, &self.texts[n], self.focus == Focus::Text(n));
        }
        let error_area = next();
        let keys = next();
        if let Some(notice) = &self.notice {
            frame.render_widget(Paragraph::new(notice.clone().fg(Color::Yellow)), error_area);
        } else if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(e.clone().fg(Color::Red)), error_area);
        }
        frame.render_widget(
            Paragraph::new(
                format!(
                    "{} saves · {} next field · {}/{} change a choice · {} cancels",
                    widgets::key(Context::PlanForm, Action::Submit),
                    widgets::key(Context::PlanForm, Action::NextField),
                    widgets::key(Context::PlanForm, Action::Left),
                    widgets::key(Context::PlanForm, Action::Right),
                    widgets::key(Context::PlanForm, Action::Back)
                )
                .fg(Color::DarkGray),
            ),
            keys,
        );
    }
}

impl Form for PlanForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let scenario = exercise.scenario();
        let order = self.order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let step = |n: isize| order[(at as isize + n).rem_euclid(order.len() as isize) as usize];
        self.notice = None;
        match (action, self.focus, self.entries(scenario)) {
            (Action::Back, _, _) => return Some(Done::Cancel),
            (Action::NextField, _, _) => self.focus = step(1),
            (Action::PrevField, _, _) => self.focus = step(-1),
            (Action::Up | Action::Down, focus, _) => {
                let by = if action == Action::Down { 1 } else { -1 };
                let moved = match focus {
                    Focus::Text(n) => self.texts[n].vertical(by),
                    _ => false,
                };
                if !moved {
                    self.focus = step(by);
                }
            }
            (Action::Left | Action::Right, _, Some((labels, entry))) => {
                let by = if action == Action::Right { 1 } else { -1 };
                self.set_entry(step_entry(entry, by, labels.len()));
            }
            (Action::Input(Key::Char(' ')), _, Some((labels, entry)))
                if !self.seek.takes_space(at, entry, &labels) =>
            {
                self.set_entry(step_entry(entry, 1, labels.len()));
            }
            (Action::Input(Key::Backspace), _, Some((_, entry))) => {
                self.seek.backspace(at, entry);
            }
            (Action::Input(Key::Char(c)), _, Some((labels, entry))) => {
                match seek_entry(&mut self.seek, at, c, &labels, entry) {
                    Ok(entry) => self.set_entry(entry),
                    Err(notice) => self.notice = Some(notice),
                }
            }
            (
                Action::Left | Action::Right | Action::Newline | Action::Input(_),
                Focus::Text(n),
                _,
            ) => {
                let key = typed_key(action)?;
                self.texts[n].type_key(key);
            }
            (Action::Confirm, _, _) if at + 1 < order.len() => self.focus = step(1),
            (Action::Confirm | Action::Submit, _, _) => return self.save(scenario),
            _ => {}
        }
        None
    }

    /// Pasted text, into the text field that has the focus.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        match self.focus {
            Focus::Text(n) => self.texts[n].paste(text),
            _ => Err(NO_FIELD_TO_PASTE_INTO.into()),
        }
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}

fn filled(field: PlanField, value: &str) -> TextField {
    let placeholder = match field {
        PlanField::Issue => "What needs to improve, in plain words",
        PlanField::RootCause => "Why it happened: the cause behind the shortfall",
        PlanField::CorrectiveAction => "What will be done about it",
        PlanField::Responsible => "Organisation",
        PlanField::Poc => "Name, e-mail",
        PlanField::Start | PlanField::Completion => "YYYY-MM-DD",
        PlanField::CapabilityElement => "",
    };
    // The issue and the corrective action take several lines; who and the dates, one.
    let empty = match field {
        PlanField::Issue | PlanField::RootCause | PlanField::CorrectiveAction => {
            TextField::new(placeholder)
        }
        _ => TextField::line(placeholder),
    };
    empty.with_text(value)
}

/// The line under the capability element: what the chosen one covers, or, before a choice, the
/// five to choose from.
fn element_guidance(element: Option<usize>) -> String {
    match element {
        Some(e) => format!(
            "  {}: {}",
            CAPABILITY_ELEMENTS[e], CAPABILITY_ELEMENT_GUIDANCE[e]
        ),
        None => format!("  HSEEP's five: {}", CAPABILITY_ELEMENTS.join(", ")),
    }
}
