//! Judging a done expectation (format 3): the facilitator or an evaluator picks it, filtering by
//! typing, sees what the response that satisfied it sent, ticks the fields found insufficient
//! and gives the reason. Unticking every field takes their judgement back; a clarification's
//! findings are the team's and stay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Ask, Done, Form, move_in, typed_key};
use crate::engine::{Command, Exercise, ExpectationIx, FoundBy};
use crate::tui::field::{NO_FIELD_TO_PASTE_INTO, Seek, TextField, Ticks, not_typed};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::text::{clock, fit};
use crate::tui::widgets::{self, centred, filtered_list, label_style, popup, status_style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Tick(usize),
    Reason,
    Save,
}

#[derive(Clone, PartialEq)]
pub struct JudgeForm {
    /// Who judges, as the report names them: the seat's user, or `facilitator`.
    by: String,
    filter: TextField,
    /// The highlighted expectation while picking.
    selected: Option<ExpectationIx>,
    /// The expectation being judged, once chosen.
    judging: Option<Judging>,
    error: Option<String>,
}

#[derive(Clone, PartialEq)]
struct Judging {
    expectation: ExpectationIx,
    /// The fields of the action that satisfied it.
    ticks: Ticks,
    /// An evaluator's judgement of it stands: unticking every field takes it back.
    judged: bool,
    reason: TextField,
    focus: Focus,
    /// What is typed on a tick (seeking the field to tick) or on [Save].
    seek: Seek,
}

impl Judging {
    /// The fields ticked as the judgement in force has them, and its reason.
    fn new(exercise: &Exercise, expectation: ExpectationIx) -> Option<Self> {
        let (names, findings) = satisfied_by(exercise, expectation)?;
        let standing: Vec<_> = findings
            .iter()
            .filter(|f| f.by == FoundBy::Evaluator)
            .collect();
        let ticked: Vec<String> = standing.iter().map(|f| names[f.field].clone()).collect();
        let reason = standing
            .last()
            .and_then(|f| f.reason.as_deref())
            .unwrap_or("");
        Some(Judging {
            expectation,
            ticks: Ticks::new(names, &ticked),
            judged: !standing.is_empty(),
            reason: TextField::new("why: required to find a field insufficient").with_text(reason),
            focus: Focus::Tick(0),
            seek: Seek::default(),
        })
    }

    fn order(&self) -> Vec<Focus> {
        let mut order: Vec<Focus> = (0..self.ticks.len()).map(Focus::Tick).collect();
        order.extend([Focus::Reason, Focus::Save]);
        order
    }

    fn step(&self, step: isize) -> Focus {
        let order = self.order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        order[(at + step).rem_euclid(order.len() as isize) as usize]
    }

    /// The names of the fields that may be ticked.
    fn names(&self) -> Vec<String> {
        self.ticks.items().map(|(n, _)| n.to_string()).collect()
    }

    /// A character typed on a tick or on [Save]: on a tick, it seeks the field to tick by its
    /// name; what matches nothing is said, never dropped unsaid.
    /// The focused field as typing numbers its selectors: the ticks are one list.
    fn selector(&self) -> usize {
        match self.focus {
            Focus::Tick(_) => 0,
            focus => self.order().iter().position(|f| *f == focus).unwrap_or(0),
        }
    }

    fn seek(&mut self, c: char) -> Result<(), String> {
        let on = self.selector();
        let (names, at): (Vec<String>, usize) = match self.focus {
            Focus::Tick(i) => (self.names(), i),
            _ => (Vec::new(), 0),
        };
        match self.seek.type_char(on, c, &names, at) {
            Ok(i) => {
                self.focus = Focus::Tick(i);
                Ok(())
            }
            Err(typed) if self.focus == Focus::Save => Err(not_typed(
                &typed,
                "[ Save ] takes enter; tab or ↑ moves to the reason to type in.",
            )),
            Err(typed) => Err(not_typed(
                &typed,
                "no field here starts with it (space ticks; tab moves to the reason).",
            )),
        }
    }
}

/// The fields of the action whose response satisfied a done expectation, and the findings in
/// force on that response; `None` when it is not done.
fn satisfied_by(
    exercise: &Exercise,
    ix: ExpectationIx,
) -> Option<(&[String], &[crate::engine::Finding])> {
    let done = exercise.expectation(ix).done.as_ref()?;
    let record = &exercise.responses()[done.response];
    let action = exercise.scenario().action(record.response.action);
    Some((action.fields.as_slice(), exercise.findings(done.response)))
}

/// What may be judged: every done expectation whose response had fields, in release order.
fn judgeable(exercise: &Exercise) -> impl Iterator<Item = ExpectationIx> + '_ {
    exercise
        .expectations_in_release_order()
        .iter()
        .copied()
        .filter(|ix| satisfied_by(exercise, *ix).is_some_and(|(fields, _)| !fields.is_empty()))
}

impl JudgeForm {
    /// `prefer`: the expectation to highlight first, if it may be judged (what the screen had
    /// selected).
    pub fn new(by: &str, prefer: Option<ExpectationIx>) -> Self {
        JudgeForm {
            by: by.to_string(),
            filter: TextField::line("type to filter by id"),
            selected: prefer,
            judging: None,
            error: None,
        }
    }

    /// Whether the person is still choosing the expectation.
    pub fn picking(&self) -> bool {
        self.judging.is_none()
    }

    fn filter(&self) -> String {
        self.filter.lines().first().cloned().unwrap_or_default()
    }

    /// The expectations that may be judged whose id contains the filter.
    fn matching(&self, exercise: &Exercise) -> Vec<ExpectationIx> {
        let filter = self.filter().to_lowercase();
        judgeable(exercise)
            .filter(|ix| filter.is_empty() || exercise.expectation_id(*ix).contains(&filter))
            .collect()
    }

    /// The highlighted expectation's place among `matching`: the first when it is not there.
    fn at(&self, matching: &[ExpectationIx]) -> usize {
        self.selected
            .and_then(|s| matching.iter().position(|m| *m == s))
            .unwrap_or(0)
    }

    fn update_pick(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        let matching = self.matching(exercise);
        let at = self.at(&matching);
        let step = match action {
            Action::Back => return Some(Done::Cancel),
            Action::Confirm => {
                let chosen = matching.get(at)?;
                self.judging = Judging::new(exercise, *chosen);
                self.error = None;
                return None;
            }
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -10,
            Action::PageDown => 10,
            Action::Input(key) => {
                self.filter.type_key(key);
                let matching = self.matching(exercise);
                self.selected = matching.get(self.at(&matching)).copied();
                return None;
            }
            _ => return None,
        };
        self.selected = matching.get(move_in(at, step, matching.len())).copied();
        None
    }

    fn update_judging(&mut self, action: Action) -> Option<Done> {
        let judging = self.judging.as_mut()?;
        let on = judging.selector();
        let at = match judging.focus {
            Focus::Tick(i) => i,
            _ => 0,
        };
        match (action, judging.focus) {
            (Action::Back, _) => {
                self.judging = None;
                self.error = None;
            }
            (Action::NextField, _) => judging.focus = judging.step(1),
            (Action::PrevField, _) => judging.focus = judging.step(-1),
            (Action::Up | Action::Down, focus) => {
                let step = if action == Action::Down { 1 } else { -1 };
                if focus != Focus::Reason || !judging.reason.vertical(step) {
                    judging.focus = judging.step(step);
                }
            }
            (Action::Left | Action::Right, Focus::Tick(i)) => judging.ticks.toggle(i),
            (Action::Input(Key::Char(' ')), Focus::Tick(i))
                if !judging.seek.takes_space(on, at, &judging.names()) =>
            {
                judging.ticks.toggle(i);
            }
            (Action::Input(Key::Char(c)), Focus::Tick(_) | Focus::Save) => {
                if let Err(notice) = judging.seek(c) {
                    self.error = Some(notice);
                }
            }
            (Action::Left | Action::Right | Action::Newline | Action::Input(_), Focus::Reason) => {
                judging.reason.type_key(typed_key(action)?);
            }
            (Action::Confirm, Focus::Tick(_) | Focus::Reason) => judging.focus = judging.step(1),
            (Action::Confirm | Action::Submit, _) => return self.save(),
            _ => {}
        }
        None
    }

    fn save(&mut self) -> Option<Done> {
        let judging = self.judging.as_ref()?;
        let insufficient = judging.ticks.ticked();
        if insufficient.is_empty() && !judging.judged {
            self.error = Some(
                "Nothing to take back: tick the fields found insufficient (space ticks).".into(),
            );
            return None;
        }
        let reason = judging.reason.text();
        Some(Done::Ask(Ask::Judge(Command::Judge {
            expectation: judging.expectation,
            insufficient,
            reason: (!reason.trim().is_empty()).then_some(reason),
            by: self.by.clone(),
        })))
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let area = centred(
            body,
            body.width.saturating_sub(4).clamp(76, 110),
            body.height,
        );
        match &self.judging {
            None => self.render_pick(frame, area, exercise),
            Some(judging) => self.render_judging(frame, area, exercise, judging),
        }
    }

    fn render_pick(&self, frame: &mut Frame, area: Rect, exercise: &Exercise) {
        let inner = popup(
            frame,
            area,
            "Judge: choose a done expectation",
            Color::Yellow,
        );
        let matching = self.matching(exercise);
        let list_height = (matching.len().max(1) as u16).min(inner.height * 45 / 100);
        let [filter_area, list, preview] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(list_height),
            Constraint::Min(3),
        ]));
        let [label, input] = filter_area.layout(&Layout::horizontal([
            Constraint::Length(8),
            Constraint::Min(1),
        ]));
        frame.render_widget(Paragraph::new("Filter: ".bold()), label);
        widgets::text_area(frame, input, &self.filter, true);
        let height = list.height.max(1) as usize;
        let at = self.at(&matching);
        let first = at / height * height;
        let id_width = matching
            .iter()
            .skip(first)
            .take(height)
            .map(|ix| exercise.expectation_id(*ix).chars().count())
            .max()
            .unwrap_or(0);
        let lines: Vec<Line> = matching
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(n, ix)| {
                let status = exercise.status(*ix);
                let done = exercise.expectation(*ix).done.as_ref().map_or(0, |d| d.at);
                let judged = satisfied_by(exercise, *ix)
                    .is_some_and(|(_, f)| f.iter().any(|f| f.by == FoundBy::Evaluator));
                let style = if n == at {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                Line::from(vec![
                    Span::styled(
                        format!("{:<id_width$}  ", exercise.expectation_id(*ix)),
                        style,
                    ),
                    Span::styled(format!("{:<10}", status.as_str()), status_style(status)),
                    Span::raw(format!(
                        " done T+{}{}",
                        clock(done),
                        if judged { " · judged" } else { "" }
                    )),
                ])
            })
            .collect();
        filtered_list(
            frame,
            list,
            lines,
            "Nothing to judge: no done expectation with fields matches.",
        );
        let mut text = match matching.get(at) {
            Some(ix) => sent_lines(exercise, *ix, None, area.width.saturating_sub(4) as usize),
            None => Vec::new(),
        };
        text.push(Line::from(
            format!(
                "{} · {} · {}",
                widgets::hint(Context::JudgePicker, Action::Confirm, "judge it"),
                "type to filter",
                widgets::hint(Context::JudgePicker, Action::Back, "cancel")
            )
            .fg(Color::DarkGray),
        ));
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::TOP).title(" Sent ")),
            preview,
        );
    }

    fn render_judging(&self, frame: &mut Frame, area: Rect, exercise: &Exercise, j: &Judging) {
        let id = exercise.expectation_id(j.expectation);
        let inner = popup(frame, area, &format!("Judge {id}"), Color::Yellow);
        let width = inner.width as usize;
        let mut top = about(exercise, j.expectation);
        top.push(Line::from(
            "Tick the fields found insufficient; they count as not supplied.".fg(Color::DarkGray),
        ));
        // The reason grows with what is typed, wrapped beside its label, up to 5 rows.
        let reason_rows = j.reason.height(width.saturating_sub(8)).min(5) as u16;
        let reason_height = (reason_rows + 1).clamp(2, 5);
        let [head, ticks, reason_row, _, save, info] = inner.layout(&Layout::vertical([
            Constraint::Length(top.len() as u16),
            Constraint::Length(j.ticks.len() as u16),
            Constraint::Length(reason_height),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ]));
        frame.render_widget(Paragraph::new(top), head);
        frame.render_widget(
            Paragraph::new(sent_lines(exercise, j.expectation, Some(j), width)),
            ticks,
        );
        let [label, value] = reason_row.layout(&Layout::horizontal([
            Constraint::Length(8),
            Constraint::Min(1),
        ]));
        let on_reason = j.focus == Focus::Reason;
        frame.render_widget(
            Paragraph::new(Line::styled("reason", label_style(on_reason))),
            label,
        );
        widgets::text_area(frame, value, &j.reason, on_reason);
        let save_style = if j.focus == Focus::Save {
            Style::new().fg(Color::Black).bg(Color::Green).bold()
        } else {
            Style::new().fg(Color::Green)
        };
        frame.render_widget(Paragraph::new(Line::styled("[ Save ]", save_style)), save);
        let mut lines = Vec::new();
        if let Some(error) = &self.error {
            lines.push(Line::from(error.clone().fg(Color::Red)));
        }
        if j.judged {
            lines.push(Line::from(
                "Untick every field and save to take your judgement back.".italic(),
            ));
        }
        let c = Context::JudgeForm;
        lines.push(Line::from(
            format!(
                "space: tick · {} · {} · {}",
                widgets::hint(c, Action::NextField, "next field"),
                widgets::hint(c, Action::Submit, "save"),
                widgets::hint(c, Action::Back, "back to the list"),
            )
            .fg(Color::DarkGray),
        ));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), info);
    }
}

/// Who satisfied the expectation, with what, when, and how it stands.
fn about(exercise: &Exercise, ix: ExpectationIx) -> Vec<Line<'static>> {
    let scenario = exercise.scenario();
    let e = exercise.expectation(ix);
    let Some(done) = &e.done else {
        return Vec::new();
    };
    let record = &exercise.responses()[done.response];
    let action = scenario.action(record.response.action);
    let status = exercise.status(ix);
    vec![Line::from(vec![
        Span::raw(format!(
            "{} sent \"{}\" at T+{} · ",
            scenario.team(e.team).id,
            action.name,
            clock(done.at)
        )),
        Span::styled(status.as_str().to_string(), status_style(status)),
    ])]
}

/// The response's fields as sent, each with who found it insufficient; with ticks while judging.
fn sent_lines(
    exercise: &Exercise,
    ix: ExpectationIx,
    judging: Option<&Judging>,
    width: usize,
) -> Vec<Line<'static>> {
    let scenario = exercise.scenario();
    let Some((names, findings)) = satisfied_by(exercise, ix) else {
        return Vec::new();
    };
    let Some(done) = &exercise.expectation(ix).done else {
        return Vec::new();
    };
    let sent = &exercise.responses()[done.response].response.fields;
    let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (lead, style) = match judging {
                Some(j) => {
                    let ticked = j.ticks.items().nth(i).is_some_and(|(_, t)| t);
                    let tick = if ticked { "[x]" } else { "[ ]" };
                    (
                        format!("{tick} {name:<name_width$}  "),
                        label_style(j.focus == Focus::Tick(i)),
                    )
                }
                None => (format!("{name:<name_width$}  "), Style::new().bold()),
            };
            let text = sent
                .iter()
                .find(|(field, _)| field == name)
                .map_or(String::new(), |(_, text)| text.replace('\n', " / "));
            let text = if text.trim().is_empty() {
                "(blank)".to_string()
            } else {
                text
            };
            // The team's findings stand whatever the judge does: said beside the field.
            let by_team: Vec<String> = findings
                .iter()
                .filter(|f| f.field == i)
                .filter_map(|f| match f.by {
                    FoundBy::Team(t) => Some(format!(
                        "insufficient for {}{}",
                        scenario.team(t).id,
                        f.message.map(|m| format!(" (#{m})")).unwrap_or_default()
                    )),
                    FoundBy::Evaluator => None,
                })
                .collect();
            let note = if by_team.is_empty() {
                String::new()
            } else {
                format!("  [{}]", by_team.join(", "))
            };
            let room = width.saturating_sub(lead.chars().count() + note.chars().count());
            Line::from(vec![
                Span::styled(lead, style),
                Span::styled(fit(&text, room), Style::new().fg(Color::DarkGray)),
                Span::styled(note, Style::new().fg(Color::Yellow)),
            ])
        })
        .collect()
}

impl Form for JudgeForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        if self.picking() {
            self.update_pick(action, exercise)
        } else {
            self.update_judging(action)
        }
    }

    /// Pasted text, into the filter or the reason.
    fn paste(&mut self, text: &str, exercise: &Exercise) -> Result<(), String> {
        match &mut self.judging {
            None => {
                self.filter.paste(text)?;
                let matching = self.matching(exercise);
                self.selected = matching.get(self.at(&matching)).copied();
                Ok(())
            }
            Some(j) if j.focus == Focus::Reason => j.reason.paste(text),
            Some(_) => Err(NO_FIELD_TO_PASTE_INTO.to_string()),
        }
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        if self.judging.is_none() {
            return Some(reason);
        }
        self.error = Some(reason);
        None
    }
}
