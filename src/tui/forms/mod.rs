//! Forms as components: each owns its state and a `Focus`, takes actions in `update` and gives
//! back what it wants done (a request to the session, a cancel) or nothing, and draws itself in
//! `render`. A seat handles every open form alike, through `Form`.

/// Implements `SelectorsAndText` for a form whose fields are `focus` (a `Focus` among `ORDER`,
/// the text being `Focus::Text`), `text`, `seek` and `notice`, and whose `select(entry,
/// exercise)` sets the focused selector: what differs between such forms is only that.
macro_rules! selectors_and_text {
    ($form:ty) => {
        impl $crate::tui::forms::SelectorsAndText for $form {
            fn on(&self) -> usize {
                ORDER.iter().position(|f| *f == self.focus).unwrap_or(0)
            }
            fn on_text(&self) -> bool {
                self.focus == Focus::Text
            }
            fn move_focus(&mut self, step: isize) {
                self.focus = ORDER[$crate::tui::forms::step_entry(self.on(), step, ORDER.len())];
            }
            fn choose(&mut self, entry: usize, exercise: &$crate::engine::Exercise) {
                self.select(entry, exercise);
            }
            fn text(&mut self) -> &mut $crate::tui::field::TextField {
                &mut self.text
            }
            fn seek(&mut self) -> &mut $crate::tui::field::Seek {
                &mut self.seek
            }
            fn notice(&mut self) -> &mut Option<String> {
                &mut self.notice
            }
        }
    };
}

pub mod answer;
pub mod facts;
pub mod feedback;
pub mod hot_wash;
pub mod judge;
pub mod message;
pub mod note;
pub mod picker;
pub mod plan;
pub mod rating;
pub mod release;
pub mod response;
pub mod summary;

use super::field::{NO_FIELD_TO_PASTE_INTO, Seek, TextField, not_typed};
use super::key::Key;
use super::keymap::Action;
use crate::debrief::{ExerciseFact, FeedbackForm, PlanField, Rated};
use crate::engine::{Command, Exercise, NoteKind, Response};
use crate::scenario::{InjectIx, ObjectiveIx, QuestionIx, TeamIx};

/// A form of a seat's dialog: the seat hands it every action and pasted text, and asks the
/// session for what it gives back once it is done.
pub trait Form {
    /// Takes an action; `None` while the form stays open.
    fn update(&mut self, action: Action, exercise: &Exercise) -> Option<Done>;
    /// Pasted text, into the field that has the focus.
    fn paste(&mut self, text: &str, exercise: &Exercise) -> Result<(), String>;
    /// Shows why what it asked for was refused, keeping what was typed; the reason back when
    /// the form has nowhere to show it.
    fn refused(&mut self, reason: String) -> Option<String>;
}

/// What a form is done with.
pub enum Done {
    /// Esc: leave the form.
    Cancel,
    /// Saved, sent or chosen: ask the session for this.
    Ask(Ask),
}

/// What a form asks of the session.
pub enum Ask {
    /// An observation (`Command::Note`).
    Note(Command),
    /// A free hotline message (`Command::Say`).
    Say(Command),
    Respond(Response),
    Release(InjectIx),
    /// A judgement of a done expectation (`Command::Judge`).
    Judge(Command),
    Rate(Rated),
    Summarise(String),
    /// The exercise's facts that changed, each with its new entry (empty: the scenario's).
    Facts(Vec<(ExerciseFact, String)>),
    /// A team's answer to a discussion question (a revision when it had answered).
    Answer {
        team: TeamIx,
        question: QuestionIx,
        text: String,
    },
    /// A point of the hot wash.
    HotWash {
        objective: ObjectiveIx,
        kind: NoteKind,
        text: String,
    },
    /// A Participant Feedback Form.
    Feedback(FeedbackForm),
    /// The changed fields of an existing improvement-plan item.
    EditItem {
        item: String,
        changes: Vec<(PlanField, String)>,
    },
    /// A new improvement-plan item and the fields given beyond its issue.
    AddItem {
        objective: Option<String>,
        team: Option<String>,
        issue: String,
        changes: Vec<(PlanField, String)>,
    },
}

/// The key an action types into a text area: the arrows move in it, Enter breaks the line and
/// other input is typed; `None` for actions that are not typing.
pub fn typed_key(action: Action) -> Option<Key> {
    match action {
        Action::Left => Some(Key::Left),
        Action::Right => Some(Key::Right),
        Action::Newline => Some(Key::Enter),
        Action::Input(key) => Some(key),
        _ => None,
    }
}

/// A character typed on selector `on` of a form (its place in the focus order), whose entries
/// are `labels`, `current` selected: the entry to select, or what the form says, naming the text
/// that went nowhere (`Seek`).
pub fn seek_entry(
    seek: &mut Seek,
    on: usize,
    c: char,
    labels: &[String],
    current: usize,
) -> Result<usize, String> {
    seek.type_char(on, c, labels, current).map_err(|typed| {
        not_typed(
            &typed,
            "nothing to choose here starts with it (← → choose; tab moves on).",
        )
    })
}

/// A form of selectors above one free text (an observation, a hot-wash point, a hotline
/// message): the parts its keys move, so that every such form answers them alike
/// (`key_selectors_and_text`).
pub trait SelectorsAndText {
    /// The focused field's place in the form's order.
    fn on(&self) -> usize;
    fn on_text(&self) -> bool;
    fn move_focus(&mut self, step: isize);
    /// Selects entry `entry` of the focused selector.
    fn choose(&mut self, entry: usize, exercise: &Exercise);
    fn text(&mut self) -> &mut TextField;
    fn seek(&mut self) -> &mut Seek;
    /// What the form says about typing that went nowhere.
    fn notice(&mut self) -> &mut Option<String>;

    /// Pasted text, into the text when it has the focus; a selector takes none.
    fn paste_into_text(&mut self, text: &str) -> Result<(), String> {
        if self.on_text() {
            self.text().paste(text)
        } else {
            Err(NO_FIELD_TO_PASTE_INTO.into())
        }
    }
}

/// What a key did to a `SelectorsAndText` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormKey {
    Handled,
    Cancel,
    /// Send what is written (the form checks it).
    Send,
}

/// One key in a `SelectorsAndText` form, whose focused selector has `entries` (the labels and
/// the one selected; `None` on the text).
pub fn key_selectors_and_text(
    form: &mut impl SelectorsAndText,
    action: Action,
    entries: Option<(Vec<String>, usize)>,
    exercise: &Exercise,
) -> TextFormKey {
    *form.notice() = None;
    let on = form.on();
    match (action, entries) {
        (Action::Back, _) => return TextFormKey::Cancel,
        (Action::NextField, _) => form.move_focus(1),
        (Action::PrevField, _) => form.move_focus(-1),
        (Action::Up | Action::Down, _) => {
            let step = if action == Action::Down { 1 } else { -1 };
            if !form.on_text() || !form.text().vertical(step) {
                form.move_focus(step);
            }
        }
        (Action::Left | Action::Right, Some((labels, at))) => {
            let step = if action == Action::Right { 1 } else { -1 };
            form.choose(step_entry(at, step, labels.len()), exercise);
        }
        (Action::Input(Key::Char(' ')), Some((labels, at)))
            if !form.seek().takes_space(on, at, &labels) =>
        {
            form.choose(step_entry(at, 1, labels.len()), exercise);
        }
        (Action::Input(Key::Backspace), Some((_, at))) => {
            form.seek().backspace(on, at);
        }
        (Action::Input(Key::Char(c)), Some((labels, at))) => {
            match seek_entry(form.seek(), on, c, &labels, at) {
                Ok(entry) => form.choose(entry, exercise),
                Err(notice) => *form.notice() = Some(notice),
            }
        }
        (Action::Left, None) => form.text().type_key(Key::Left),
        (Action::Right, None) => form.text().type_key(Key::Right),
        (Action::Newline, None) => form.text().type_key(Key::Enter),
        (Action::Input(key), None) => form.text().type_key(key),
        (Action::Confirm, Some(_)) => form.move_focus(1),
        (Action::Confirm | Action::Submit, _) => return TextFormKey::Send,
        _ => {}
    }
    TextFormKey::Handled
}

/// The entry one step left (`step` -1) or right (1) of `current` among `count`, round.
pub fn step_entry(current: usize, step: isize, count: usize) -> usize {
    (current as isize + step).rem_euclid(count.max(1) as isize) as usize
}

pub fn move_in(current: usize, step: isize, count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    (current as isize + step).clamp(0, count as isize - 1) as usize
}
