//! The response form: what the response answers, the action's fields, a note, submit. Fields
//! grow with what is typed and the form takes the terminal's width. A field with `choices` is a
//! picker; one with a `hint` or `min_words` says so on the row under it, with a live word count.
//! A clarification (an action with `clarifies`) names the request it finds insufficient instead,
//! ticks that request's fields, and its note is what is missing.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Ask, Done, Form, typed_key};
use crate::engine::{Answers, Exercise, ExpectationIx, Response, Source};
use crate::scenario::{ActionIx, FieldShape, TeamIx};
use crate::tui::field::{Choice, NO_FIELD_TO_PASTE_INTO, Seek, TextField, Ticks, not_typed, words};
use crate::tui::key::Key;
use crate::tui::keymap::{Action, Context};
use crate::tui::text::{clock, fit, short};
use crate::tui::widgets::{self, centred, field_line, label_style, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Answers,
    /// A field of the request a clarification finds insufficient.
    Tick(usize),
    Field(usize),
    Note,
    Submit,
}

/// A field as the person fills it in: typed, or chosen among the field's `choices`.
#[derive(Clone, PartialEq)]
enum Input {
    Text(TextField),
    Choice(Choice),
}

impl Input {
    fn of(shape: &FieldShape) -> Self {
        if shape.choices.is_empty() {
            Input::Text(TextField::new(""))
        } else {
            Input::Choice(Choice::new(&shape.choices))
        }
    }

    fn text(&self) -> String {
        match self {
            Input::Text(field) => field.text(),
            Input::Choice(choice) => choice.text().to_string(),
        }
    }
}

/// What a clarification names: one of the requests the team may clarify now, and the fields of
/// that request found insufficient.
#[derive(Clone, PartialEq)]
struct Clarifying {
    /// The versions of requests the team may clarify, by number (`Exercise::clarifiable`).
    requests: Vec<u64>,
    chosen: usize,
    ticks: Ticks,
}

impl Clarifying {
    fn new(exercise: &Exercise, team: TeamIx, answering: Option<Answers>) -> Self {
        let requests = exercise.clarifiable(team);
        // The message the team had selected, if it may be clarified; else the newest request.
        let chosen = match answering {
            Some(Answers::Message(n)) => requests.iter().position(|r| *r == n),
            _ => None,
        }
        .unwrap_or(requests.len().saturating_sub(1));
        let mut clarifying = Clarifying {
            requests,
            chosen,
            ticks: Ticks::new(&[], &[]),
        };
        clarifying.ticks = Ticks::new(clarifying.fields(exercise), &[]);
        clarifying
    }

    fn request(&self) -> Option<u64> {
        self.requests.get(self.chosen).copied()
    }

    /// The fields of the chosen request's action.
    fn fields<'e>(&self, exercise: &'e Exercise) -> &'e [String] {
        self.request()
            .and_then(|n| exercise.message(n))
            .and_then(|m| m.action)
            .map_or(&[], |a| exercise.scenario().action(a).fields.as_slice())
    }

    /// Another request: its own fields, none ticked.
    fn step(&mut self, exercise: &Exercise, step: isize) {
        let count = self.requests.len() as isize;
        if count == 0 {
            return;
        }
        self.choose(
            exercise,
            (self.chosen as isize + step).rem_euclid(count) as usize,
        );
    }

    fn choose(&mut self, exercise: &Exercise, chosen: usize) {
        if chosen != self.chosen {
            self.chosen = chosen;
            self.ticks = Ticks::new(self.fields(exercise), &[]);
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct ResponseForm {
    team: TeamIx,
    action: ActionIx,
    fields: Vec<Input>,
    note: TextField,
    /// The choices of what the response answers; `None`: the earliest due.
    answers: Vec<Option<Answers>>,
    answer: usize,
    /// A clarification's request and ticks; `None` for any other action.
    clarifying: Option<Clarifying>,
    focus: Focus,
    error: Option<String>,
    /// Asked before sending, while fields are blank or short: `y` sends, any other key goes
    /// back to the form.
    question: Option<String>,
    /// What is typed while a selector has the focus, and what the form says when it matched
    /// nothing.
    seek: Seek,
    notice: Option<String>,
    /// Something was typed, pasted, chosen or ticked: leaving the form keeps it as a draft.
    edited: bool,
}

impl ResponseForm {
    /// `answering`: what the team had selected; it is the default only if it has an open
    /// expectation of this action (for a clarification: if it is a request it may clarify),
    /// else the form answers the earliest due.
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
        // The selected item is the default only if it has a candidate for this action, or if
        // the action sends a message, which then goes in reply to the selected message
        // (threaded under it) while it satisfies what it would anyway: a confirmation of a
        // request names the request.
        let replies = spec.message.is_some()
            && matches!(answering, Some(Answers::Message(_)))
            && answers.contains(&answering);
        let fits = replies
            || answering.is_some()
                && exercise
                    .would_satisfy(team, action, answering)
                    .is_ok_and(|ix| ix.is_some_and(|ix| named_by(exercise, team, ix, answering)));
        let answer = if fits {
            answers.iter().position(|c| *c == answering).unwrap_or(0)
        } else {
            0
        };
        let clarifying = spec
            .clarifies
            .map(|_| Clarifying::new(exercise, team, answering));
        let focus = match &clarifying {
            Some(c) if !c.ticks.is_empty() => Focus::Tick(0),
            Some(_) => Focus::Note,
            None if spec.fields.is_empty() => Focus::Note,
            None => Focus::Field(0),
        };
        let note = if clarifying.is_some() {
            TextField::new("which fields lack what, in plain words")
        } else {
            TextField::new("optional")
        };
        let mut fields: Vec<Input> = spec.shapes.iter().map(Input::of).collect();
        if fits && let Some(sent) = amending(exercise, action, answering) {
            // An amendment starts from the version found insufficient, to be put right.
            for (input, name) in fields.iter_mut().zip(&spec.fields) {
                let Some((_, text)) = sent.iter().find(|(field, _)| field == name) else {
                    continue;
                };
                match input {
                    Input::Text(field) => *field = TextField::new("").with_text(text),
                    // A text that is no choice was refused when it was sent: never here.
                    Input::Choice(choice) => {
                        let _ = choice.paste(text);
                    }
                }
            }
        }
        ResponseForm {
            team,
            action,
            fields,
            note,
            answers,
            answer,
            clarifying,
            focus,
            error: None,
            question: None,
            seek: Seek::default(),
            notice: None,
            edited: false,
        }
    }

    pub fn action(&self) -> ActionIx {
        self.action
    }

    /// Whether the person has put anything in the form: only then is it worth keeping as a
    /// draft when they leave it.
    pub fn edited(&self) -> bool {
        self.edited
    }

    fn order(&self) -> Vec<Focus> {
        let mut order = vec![Focus::Answers];
        if let Some(c) = &self.clarifying {
            order.extend((0..c.ticks.len()).map(Focus::Tick));
        }
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
            Focus::Field(i) => match self.fields.get_mut(i) {
                Some(Input::Text(field)) => Some(field),
                _ => None,
            },
            Focus::Note => Some(&mut self.note),
            _ => None,
        }
    }

    fn focused_choice(&mut self) -> Option<&mut Choice> {
        match self.focus {
            Focus::Field(i) => match self.fields.get_mut(i) {
                Some(Input::Choice(choice)) => Some(choice),
                _ => None,
            },
            _ => None,
        }
    }

    /// What the response names: for a clarification, the request it clarifies.
    fn answers(&self) -> Option<Answers> {
        match &self.clarifying {
            Some(c) => c.request().map(Answers::Message),
            None => self.answers.get(self.answer).copied().flatten(),
        }
    }

    /// Left or right: the focused picker, tick or choice of what it answers moves; `false` when
    /// the focus is on none of them (the arrow then moves in a text).
    fn choose(&mut self, step: isize, exercise: &Exercise) -> bool {
        let chose = self.choose_by_step(step, exercise);
        self.edited |= chose;
        chose
    }

    fn choose_by_step(&mut self, step: isize, exercise: &Exercise) -> bool {
        match self.focus {
            Focus::Answers => {
                match &mut self.clarifying {
                    Some(c) => c.step(exercise, step),
                    None => {
                        let count = self.answers.len() as isize;
                        self.answer = (self.answer as isize + step).rem_euclid(count) as usize;
                    }
                }
                true
            }
            Focus::Tick(i) => {
                if let Some(c) = &mut self.clarifying {
                    c.ticks.toggle(i);
                }
                true
            }
            _ => match self.focused_choice() {
                Some(choice) => {
                    choice.step(step);
                    true
                }
                None => false,
            },
        }
    }

    /// A typed key where the focus is not a text, never dropped unsaid: a letter seeks the
    /// selector's entry (a choice, what the response answers, the field to tick) and says so
    /// when it matches nothing; space ticks or steps a choice, backspace clears one. `false`
    /// when the focus is a text.
    fn pick(&mut self, key: Key, exercise: &Exercise) -> bool {
        // The ticks are one list, typed on as one selector.
        let focus = match self.focus {
            Focus::Tick(_) => Focus::Tick(0),
            focus => focus,
        };
        let on = self.order().iter().position(|f| *f == focus).unwrap_or(0);
        let (labels, current) = match self.focus {
            Focus::Field(i) => match self.fields.get(i) {
                Some(Input::Choice(choice)) => (choice.entries(), choice.entry()),
                _ => return false,
            },
            Focus::Note => return false,
            Focus::Answers => self.answer_labels(exercise),
            Focus::Tick(i) => (
                self.clarifying.as_ref().map_or(Vec::new(), |c| {
                    c.ticks.items().map(|(name, _)| name.to_string()).collect()
                }),
                i,
            ),
            Focus::Submit => (Vec::new(), 0),
        };
        let c = match key {
            Key::Char(' ') if !self.seek.takes_space(on, current, &labels) => {
                match self.focus {
                    Focus::Tick(i) => {
                        if let Some(c) = &mut self.clarifying {
                            c.ticks.toggle(i);
                            self.edited = true;
                        }
                    }
                    _ => {
                        self.choose(1, exercise);
                    }
                }
                return true;
            }
            Key::Backspace | Key::Delete => {
                // What was typed to seek goes first; then the choice itself.
                if !self.seek.backspace(on, current)
                    && let Some(choice) = self.focused_choice()
                {
                    choice.clear();
                }
                return true;
            }
            Key::Char(c) => c,
            _ => return true,
        };
        match self.seek.type_char(on, c, &labels, current) {
            Ok(entry) => {
                self.edited = true;
                match self.focus {
                    Focus::Field(_) => {
                        if let Some(choice) = self.focused_choice() {
                            choice.set_entry(entry);
                        }
                    }
                    Focus::Answers => match &mut self.clarifying {
                        Some(c) => c.choose(exercise, entry),
                        None => self.answer = entry,
                    },
                    Focus::Tick(_) => self.focus = Focus::Tick(entry),
                    Focus::Note | Focus::Submit => {}
                }
            }
            Err(typed) => {
                let why = match self.focus {
                    Focus::Submit => {
                        "[ Submit ] takes enter; tab or ↑ moves to a field to type in."
                    }
                    Focus::Tick(_) => "no field here starts with it (space ticks; tab moves on).",
                    _ => "nothing to choose here starts with it (← → choose; tab moves on).",
                };
                self.notice = Some(not_typed(&typed, why));
            }
        }
        true
    }

    /// What each entry of the "In reply to" (or "Clarifies") selector says, and the one
    /// selected.
    fn answer_labels(&self, exercise: &Exercise) -> (Vec<String>, usize) {
        match &self.clarifying {
            Some(c) => (
                c.requests
                    .iter()
                    .map(|n| request_label(exercise, *n))
                    .collect(),
                c.chosen,
            ),
            None => (
                self.answers
                    .iter()
                    .map(|a| answer_label(exercise, *a))
                    .collect(),
                self.answer,
            ),
        }
    }

    fn submit(&mut self, exercise: &Exercise) -> Option<Done> {
        if let Some(c) = &self.clarifying {
            let Some(n) = c.request() else {
                self.error = Some(format!("{NOTHING_TO_CLARIFY}."));
                return None;
            };
            if c.ticks.ticked().is_empty() {
                self.error = Some(format!(
                    "Tick at least one field of #{n} that is insufficient (space ticks)."
                ));
                return None;
            }
        }
        let warnings = self.warnings(exercise);
        if !warnings.is_empty() {
            self.question = Some(format!(
                "{} — send anyway? y sends it as it is; any other key goes back to the form.",
                warnings.join("; ")
            ));
            return None;
        }
        Some(self.send(exercise))
    }

    /// What to ask about before sending: required fields left blank, and fields with fewer
    /// words than they expect ("indicators: 1 word, at least 3 expected").
    fn warnings(&self, exercise: &Exercise) -> Vec<String> {
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
        let mut warnings = Vec::new();
        if !blank.is_empty() {
            let verb = if blank.len() == 1 { "is" } else { "are" };
            warnings.push(format!("{} {verb} required", blank.join(", ")));
        }
        for (i, input) in self.fields.iter().enumerate() {
            let text = input.text();
            if let Some(min) = spec.shape(i).min_words
                && !text.trim().is_empty()
                && words(&text) < min
            {
                warnings.push(format!(
                    "{}: {} expected",
                    spec.fields[i],
                    word_count(&text, min)
                ));
            }
        }
        warnings
    }

    fn send(&self, exercise: &Exercise) -> Done {
        let spec = exercise.scenario().action(self.action);
        let fields = spec
            .fields
            .iter()
            .zip(&self.fields)
            .map(|(name, input)| (name.clone(), input.text()))
            .collect();
        let note = self.note.text();
        Done::Ask(Ask::Respond(Response {
            team: self.team,
            action: self.action,
            fields,
            note: (!note.trim().is_empty()).then_some(note),
            answers: self.answers(),
            insufficient: self
                .clarifying
                .as_ref()
                .map(|c| c.ticks.ticked())
                .unwrap_or_default(),
        }))
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
        match &self.clarifying {
            Some(c) => match c.request() {
                None => "no request to clarify".into(),
                Some(n) if c.requests.len() > 1 => format!(
                    "{} ({} of {})",
                    request_label(exercise, n),
                    c.chosen + 1,
                    c.requests.len()
                ),
                Some(n) => request_label(exercise, n),
            },
            None => answer_label(exercise, self.answers()),
        }
    }

    /// What the response will do, as the engine's dry run says: satisfy which expectation,
    /// stand ready (an action done ahead of time), count as unexpected; for a clarification,
    /// what it asks of the request's sender.
    fn outcome_text(&self, exercise: &Exercise) -> String {
        let scenario = exercise.scenario();
        let action = scenario.action(self.action);
        if let (Some(c), Some(within)) = (&self.clarifying, action.clarifies) {
            let Some(n) = c.request() else {
                return NOTHING_TO_CLARIFY.into();
            };
            let thread = exercise.request_thread(n, self.team);
            let from = thread.map_or("?", |t| scenario.team(t.from).id.as_str());
            let basis = action
                .basis
                .as_ref()
                .map(|b| format!(" · {b}"))
                .unwrap_or_default();
            let reply = match thread.map(|t| exercise.expectation(t.reply)) {
                Some(e) if e.deadline_passed => "your reply keeps its deadline, already passed",
                _ => "your reply waits for the amendment",
            };
            return format!(
                "{from} must amend #{n} (within {}{basis}); {reply}",
                short(within)
            );
        }
        let satisfies = exercise
            .would_satisfy(self.team, self.action, self.answers())
            .ok()
            .flatten();
        match satisfies {
            None if action.ahead => {
                "nothing asks for this yet: done ahead, it will count when asked for".to_string()
            }
            None => "no open expectation of this action: it will count as unexpected".into(),
            Some(ix) => {
                let required = if self.required(exercise).is_empty() {
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
                let due = match (e.due(), widgets::standard(exercise, ix)) {
                    (Some(due), None) => format!("due T+{}", clock(due)),
                    (Some(due), Some(standard)) => format!("due T+{} · {standard}", clock(due)),
                    (None, _) => "on hold: no deadline yet".into(),
                };
                format!("{what} ({due}){required}")
            }
        }
    }

    pub fn render(&self, frame: &mut Frame, body: Rect, exercise: &Exercise) {
        let scenario = exercise.scenario();
        let action = scenario.action(self.action);
        let required = self.required(exercise);
        let width = body.width.saturating_sub(4).clamp(76, 120).min(body.width);
        let note_label = if self.clarifying.is_some() {
            "what is missing"
        } else {
            "note"
        };
        let label_width = action
            .fields
            .iter()
            .map(|f| f.chars().count() as u16 + 3)
            .chain(std::iter::once(note_label.chars().count() as u16 + 1))
            .max()
            .unwrap_or(0)
            .clamp(8, 24);
        // The popup's borders and the labels take the rest.
        let value_width = usize::from(width.saturating_sub(2 + label_width));
        // A field shows everything typed as wrapped (up to 6 rows, then it scrolls), and a row
        // more when it has the focus, so there is room to see what comes next; a choice is one
        // row.
        let height = |area: &TextField, focused: bool| {
            let rows = area.height(value_width).min(6) as u16;
            if focused {
                (rows + 1).clamp(2, 6)
            } else {
                rows.clamp(1, 6)
            }
        };
        let heights: Vec<u16> = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, input)| match input {
                Input::Text(f) => height(f, self.focus == Focus::Field(i)),
                Input::Choice(_) => 1,
            })
            .collect();
        // The row under a field, for its hint, its choices or its word count.
        let has_hint: Vec<bool> = (0..self.fields.len())
            .map(|i| hint_of(action.shape(i)).is_some())
            .collect();
        let ticks = self.clarifying.as_ref().map_or(0, |c| c.ticks.len()) as u16;
        let note_height = height(&self.note, self.focus == Focus::Note);
        let hints = has_hint.iter().filter(|h| **h).count() as u16;
        let wanted = 2 + 2 + ticks + heights.iter().sum::<u16>() + hints + note_height + 2 + 5;
        let area = centred(body, width, wanted.min(body.height));
        let inner = popup(
            frame,
            area,
            &format!("{} · {}", scenario.team(self.team).id, action.name),
            Color::Cyan,
        );
        let mut constraints = vec![Constraint::Length(1), Constraint::Length(1)];
        constraints.extend((0..ticks).map(|_| Constraint::Length(1)));
        for (h, hint) in heights.iter().zip(&has_hint) {
            constraints.push(Constraint::Length(*h + u16::from(*hint)));
        }
        constraints.push(Constraint::Length(note_height));
        constraints.push(Constraint::Length(1));
        constraints.push(Constraint::Length(1));
        constraints.push(Constraint::Min(0));
        let rows = Layout::vertical(constraints).split(inner);
        let label = if self.clarifying.is_some() {
            "Clarifies"
        } else {
            "In reply to"
        };
        frame.render_widget(
            field_line(
                label,
                self.answers_text(exercise),
                self.focus == Focus::Answers,
            ),
            rows[0],
        );
        frame.render_widget(
            Paragraph::new(Line::from(self.outcome_text(exercise).fg(Color::DarkGray))),
            rows[1],
        );
        let columns = |row: Rect| {
            row.layout(&Layout::horizontal([
                Constraint::Length(label_width),
                Constraint::Min(1),
            ]))
        };
        if let Some(c) = &self.clarifying {
            self.render_ticks(frame, &rows[2..2 + ticks as usize], c, exercise);
        }
        let first_field = 2 + ticks as usize;
        // The fields' places in the focus order, as the form's typing numbers its selectors.
        let first_on = 1 + ticks as usize;
        for (i, (name, input)) in action.fields.iter().zip(&self.fields).enumerate() {
            let focused = self.focus == Focus::Field(i);
            let [label, value] = columns(rows[first_field + i]);
            let mark = if required.contains(&i) { " *" } else { "" };
            frame.render_widget(
                Paragraph::new(Line::styled(format!("{name}{mark}"), label_style(focused)))
                    .wrap(Wrap { trim: true }),
                label,
            );
            let [value, under] = value.layout(&Layout::vertical([
                Constraint::Length(heights[i]),
                Constraint::Length(u16::from(has_hint[i])),
            ]));
            match input {
                Input::Text(text) => widgets::text_area(frame, value, text, focused),
                Input::Choice(choice) => {
                    let on = first_on + i;
                    let typed = self.seek.typed(on, choice.entry()).filter(|_| focused);
                    frame.render_widget(Paragraph::new(choice_line(choice, focused, typed)), value)
                }
            }
            if let Some(hint) = hint_of(action.shape(i)) {
                frame.render_widget(Paragraph::new(hint.line(&input.text())), under);
            }
        }
        let note_row = first_field + self.fields.len();
        let [label, value] = columns(rows[note_row]);
        frame.render_widget(
            Paragraph::new(Line::styled(
                note_label,
                label_style(self.focus == Focus::Note),
            )),
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
            rows[note_row + 2],
        );
        frame.render_widget(
            Paragraph::new(self.info(exercise)).wrap(Wrap { trim: true }),
            rows[note_row + 3],
        );
    }

    /// One row per field of the request being clarified: its tick, its name, what was sent.
    fn render_ticks(&self, frame: &mut Frame, rows: &[Rect], c: &Clarifying, exercise: &Exercise) {
        let sent: &[(String, String)] = c
            .request()
            .and_then(|n| exercise.message(n))
            .and_then(|m| m.response)
            .map_or(&[], |r| exercise.responses()[r].response.fields.as_slice());
        let name_width = c
            .ticks
            .items()
            .map(|(name, _)| name.chars().count())
            .max()
            .unwrap_or(0);
        for (i, ((name, ticked), row)) in c.ticks.items().zip(rows).enumerate() {
            let focused = self.focus == Focus::Tick(i);
            let tick = if ticked { "[x]" } else { "[ ]" };
            let text = sent
                .iter()
                .find(|(field, _)| field == name)
                .map_or("", |(_, text)| text.as_str())
                .replace('\n', " / ");
            let text = if text.trim().is_empty() {
                "(blank)".to_string()
            } else {
                text
            };
            let lead = format!("{tick} {name:<name_width$}  ");
            let room = (row.width as usize).saturating_sub(lead.chars().count());
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(lead, label_style(focused)),
                    Span::styled(fit(&text, room), Style::new().fg(Color::DarkGray)),
                ])),
                *row,
            );
        }
    }

    /// Under the form: the refusal or the question, where a message goes, and the keys.
    fn info(&self, exercise: &Exercise) -> Vec<Line<'static>> {
        let scenario = exercise.scenario();
        let action = scenario.action(self.action);
        let mut info = Vec::new();
        if let Some(question) = &self.question {
            info.push(Line::from(question.clone().fg(Color::Yellow).bold()));
        } else if let Some(notice) = &self.notice {
            info.push(Line::from(notice.clone().fg(Color::Yellow)));
        } else if let Some(error) = &self.error {
            info.push(Line::from(error.clone().fg(Color::Red)));
        }
        // An amendment goes only to the receiver that asked for it, and obliges no new reply.
        let amends = exercise
            .would_satisfy(self.team, self.action, self.answers())
            .ok()
            .flatten()
            .and_then(|ix| match exercise.expectation(ix).source {
                Source::Message(m) => exercise.clarified_thread(m),
                Source::Inject(..) => None,
            });
        if let Some(thread) = amends {
            info.push(Line::from(
                format!(
                    "✉ The amended request goes to {} only; their reply to #{} is then due \
                     within {} of it.",
                    scenario.team(thread.to).id,
                    thread.message,
                    short(exercise.time_standard(thread.reply))
                )
                .italic(),
            ));
        } else if let Some(message) = &action.message {
            let reply = message
                .reply
                .as_ref()
                .map(|r| {
                    let basis = r
                        .basis
                        .as_ref()
                        .map(|b| format!(" · {b}"))
                        .unwrap_or_default();
                    format!(
                        ", who must reply \"{}\" within {}{basis}",
                        scenario.action(r.action).name,
                        short(r.within)
                    )
                })
                .unwrap_or_default();
            info.push(Line::from(
                format!("✉ Sends a hotline message to the other teams{reply}.").italic(),
            ));
        }
        if self.clarifying.is_some() {
            info.push(Line::from(
                "✉ Goes back to the request's sender, with what is missing.".italic(),
            ));
        }
        let c = Context::ResponseForm;
        let mut keys = vec![
            widgets::hint(c, Action::Confirm, "next field"),
            widgets::hint(c, Action::Submit, "submit"),
        ];
        if self.clarifying.is_some() {
            keys.push("space: tick".into());
        }
        if self.fields.iter().any(|f| matches!(f, Input::Choice(_))) {
            keys.push("← →: choose".into());
        }
        keys.push(widgets::hint(c, Action::Newline, "new line"));
        keys.push(widgets::hint(c, Action::Back, "back (the draft is kept)"));
        info.push(Line::from(keys.join(" · ").fg(Color::DarkGray)));
        info
    }
}

/// What the team sent as message `n`, as a selector names it: `#1 from us: Send a request`.
fn request_label(exercise: &Exercise, n: u64) -> String {
    let scenario = exercise.scenario();
    let Some(message) = exercise.message(n) else {
        return format!("#{n}");
    };
    let name = message
        .action
        .map_or("", |a| scenario.action(a).name.as_str());
    format!("#{n} from {}: {name}", scenario.team(message.from).id)
}

/// What a response answers, as the "In reply to" selector names it.
fn answer_label(exercise: &Exercise, answers: Option<Answers>) -> String {
    let scenario = exercise.scenario();
    match answers {
        None => "nothing in particular (the earliest due)".into(),
        Some(Answers::Inject(i)) => format!("inject: {}", scenario.inject(i).title),
        Some(Answers::Message(n)) => {
            let from = exercise
                .message(n)
                .map_or("?", |m| scenario.team(m.from).id.as_str());
            format!("hotline #{n} from {from}")
        }
    }
}

/// What the form says when the team has no request it may clarify.
const NOTHING_TO_CLARIFY: &str = "no request to clarify: only the latest version of a request \
     you received, not answered and not clarified yet";

/// What the row under a field says: its hint, its choices, the words it expects.
struct Hint<'a> {
    hint: Option<&'a str>,
    choices: &'a [String],
    min_words: Option<usize>,
}

fn hint_of(shape: &FieldShape) -> Option<Hint<'_>> {
    let hint = Hint {
        hint: shape.hint.as_deref(),
        choices: &shape.choices,
        min_words: shape.min_words,
    };
    (hint.hint.is_some() || !hint.choices.is_empty() || hint.min_words.is_some()).then_some(hint)
}

impl Hint<'_> {
    /// The row for a field holding `text`: the word count live, yellow while short.
    fn line(&self, text: &str) -> Line<'static> {
        let grey = Style::new().fg(Color::DarkGray);
        let mut spans = Vec::new();
        if let Some(hint) = self.hint {
            spans.push(Span::styled(hint.to_string(), grey));
        }
        if !self.choices.is_empty() {
            if !spans.is_empty() {
                spans.push(Span::styled(" · ", grey));
            }
            spans.push(Span::styled(
                format!("one of: {}", self.choices.join(" / ")),
                grey,
            ));
        }
        if let Some(min) = self.min_words {
            if !spans.is_empty() {
                spans.push(Span::styled(" · ", grey));
            }
            let colour = if words(text) < min {
                Color::Yellow
            } else {
                Color::Green
            };
            spans.push(Span::styled(word_count(text, min), Style::new().fg(colour)));
        }
        Line::from(spans)
    }
}

/// `1 word, at least 3`.
fn word_count(text: &str, min: usize) -> String {
    let n = words(text);
    format!("{n} word{}, at least {min}", if n == 1 { "" } else { "s" })
}

/// A choice as its row shows it: `◀ urgent ▶` while focused, with what was typed to find it.
fn choice_line(choice: &Choice, focused: bool, typed: Option<&str>) -> Line<'static> {
    let text = match choice.text() {
        "" => Span::styled("— none chosen", Style::new().fg(Color::DarkGray)),
        text => Span::styled(text.to_string(), Style::new().bold()),
    };
    let mut line = if focused {
        Line::from(vec![Span::raw("◀ "), text, Span::raw(" ▶")])
    } else {
        Line::from(vec![Span::raw("  "), text])
    };
    if let Some(typed) = typed {
        line.push_span(Span::styled(
            format!("  typed: {typed}"),
            Style::new().fg(Color::DarkGray),
        ));
    }
    line
}

impl Form for ResponseForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        if self.question.take().is_some() {
            // The question is answered: `y` sends, anything else goes back to the form.
            return matches!(action, Action::Input(Key::Char('y' | 'Y')))
                .then(|| self.send(exercise));
        }
        self.notice = None;
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField => self.focus = self.step(1),
            Action::PrevField => self.focus = self.step(-1),
            Action::Up | Action::Down => {
                let step = if action == Action::Down { 1 } else { -1 };
                if !self.focused_text().is_some_and(|area| area.vertical(step)) {
                    self.focus = self.step(step);
                }
            }
            Action::Left | Action::Right => {
                let step = if action == Action::Right { 1 } else { -1 };
                if !self.choose(step, exercise) {
                    let key = typed_key(action)?;
                    if let Some(area) = self.focused_text() {
                        area.type_key(key);
                    }
                }
            }
            Action::Input(key) if self.pick(key, exercise) => {}
            Action::Newline | Action::Input(_) => {
                let key = typed_key(action)?;
                if let Some(area) = self.focused_text() {
                    area.type_key(key);
                    self.edited = true;
                }
            }
            Action::Confirm if self.focus != Focus::Submit => self.focus = self.step(1),
            Action::Confirm | Action::Submit => return self.submit(exercise),
            _ => {}
        }
        None
    }

    /// Pasted text, into the field or note that has the focus; into a choice, if it is one.
    fn paste(&mut self, text: &str, _: &Exercise) -> Result<(), String> {
        self.question = None;
        if let Some(choice) = self.focused_choice() {
            choice.paste(text)?;
            self.edited = true;
            return Ok(());
        }
        let area = self
            .focused_text()
            .ok_or_else(|| NO_FIELD_TO_PASTE_INTO.to_string())?;
        area.paste(text)?;
        self.edited = true;
        Ok(())
    }

    fn refused(&mut self, reason: String) -> Option<String> {
        self.error = Some(reason);
        None
    }
}

/// The fields of the request version a clarification found insufficient, when a response of
/// `action` naming that clarification is its amendment.
fn amending(
    exercise: &Exercise,
    action: ActionIx,
    answering: Option<Answers>,
) -> Option<&[(String, String)]> {
    let Some(Answers::Message(m)) = answering else {
        return None;
    };
    exercise.clarified_thread(m)?;
    let version = exercise.message(exercise.message(m)?.in_reply_to?)?;
    if version.action != Some(action) {
        return None;
    }
    let record = &exercise.responses()[version.response?];
    Some(record.response.fields.as_slice())
}

/// Whether an expectation comes from the item a response names: the inject, the message, or
/// a version of the request (its amendment) whose reply it is.
fn named_by(
    exercise: &Exercise,
    team: TeamIx,
    ix: ExpectationIx,
    answers: Option<Answers>,
) -> bool {
    match (answers, exercise.expectation(ix).source) {
        (Some(Answers::Inject(i)), Source::Inject(j, _)) => i == j,
        (Some(Answers::Message(n)), Source::Message(m)) => {
            n == m
                || exercise
                    .request_thread(n, team)
                    .is_some_and(|t| t.message == m)
        }
        _ => false,
    }
}
