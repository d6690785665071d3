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
use crate::tui::field::{Choice, NO_FIELD_TO_PASTE_INTO, TextField, Ticks, words};
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
        self.chosen = (self.chosen as isize + step).rem_euclid(count) as usize;
        self.ticks = Ticks::new(self.fields(exercise), &[]);
    }
}

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
        }
    }

    pub fn action(&self) -> ActionIx {
        self.action
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

    /// A typed key where the focus is not a text: space ticks, a letter picks a choice,
    /// backspace clears one; `false` when the focus is a text.
    fn pick(&mut self, key: Key) -> bool {
        if let Focus::Tick(i) = self.focus {
            if key == Key::Char(' ')
                && let Some(c) = &mut self.clarifying
            {
                c.ticks.toggle(i);
            }
            return true;
        }
        let Some(choice) = self.focused_choice() else {
            return self.focus == Focus::Answers || self.focus == Focus::Submit;
        };
        match key {
            Key::Char(' ') => choice.step(1),
            Key::Char(c) => {
                choice.choose_by_initial(c);
            }
            Key::Backspace | Key::Delete => choice.clear(),
            _ => {}
        }
        true
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
        let scenario = exercise.scenario();
        let from = |n: u64| {
            exercise
                .message(n)
                .map(|m| scenario.team(m.from).id.as_str())
                .unwrap_or("?")
        };
        if let Some(c) = &self.clarifying {
            return match c.request() {
                None => "no request to clarify".into(),
                Some(n) => {
                    let name = exercise
                        .message(n)
                        .and_then(|m| m.action)
                        .map_or("", |a| scenario.action(a).name.as_str());
                    let of = if c.requests.len() > 1 {
                        format!(" ({} of {})", c.chosen + 1, c.requests.len())
                    } else {
                        String::new()
                    };
                    format!("#{n} from {}: {name}{of}", from(n))
                }
            };
        }
        match self.answers() {
            None => "nothing in particular (the earliest due)".into(),
            Some(Answers::Inject(i)) => format!("inject: {}", scenario.inject(i).title),
            Some(Answers::Message(n)) => format!("hotline #{n} from {}", from(n)),
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
        // A field shows everything typed (up to 6 lines), and two lines when it has the focus,
        // so there is room to see what comes next; a choice is one line.
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
        let width = body.width.saturating_sub(4).clamp(76, 120);
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
                    frame.render_widget(Paragraph::new(choice_line(choice, focused)), value)
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

/// A choice as its row shows it: `◀ urgent ▶` while focused.
fn choice_line(choice: &Choice, focused: bool) -> Line<'static> {
    let text = match choice.text() {
        "" => Span::styled("— none chosen", Style::new().fg(Color::DarkGray)),
        text => Span::styled(text.to_string(), Style::new().bold()),
    };
    if focused {
        Line::from(vec![Span::raw("◀ "), text, Span::raw(" ▶")])
    } else {
        Line::from(vec![Span::raw("  "), text])
    }
}

impl Form for ResponseForm {
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done> {
        if self.question.take().is_some() {
            // The question is answered: `y` sends, anything else goes back to the form.
            return matches!(action, Action::Input(Key::Char('y' | 'Y')))
                .then(|| self.send(exercise));
        }
        match action {
            Action::Back => return Some(Done::Cancel),
            Action::NextField => self.focus = self.step(1),
            Action::PrevField => self.focus = self.step(-1),
            Action::Left | Action::Right => {
                let step = if action == Action::Right { 1 } else { -1 };
                if !self.choose(step, exercise) {
                    let key = typed_key(action)?;
                    if let Some(area) = self.focused_text() {
                        area.type_key(key);
                    }
                }
            }
            Action::Input(key) if self.pick(key) => {}
            Action::Newline | Action::Input(_) => {
                let key = typed_key(action)?;
                if let Some(area) = self.focused_text() {
                    area.type_key(key);
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
            return choice.paste(text);
        }
        let area = self
            .focused_text()
            .ok_or_else(|| NO_FIELD_TO_PASTE_INTO.to_string())?;
        area.paste(text)
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
