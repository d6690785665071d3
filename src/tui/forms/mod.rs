//! Forms as components: each owns its state and a `Focus`, takes actions in `update` and gives
//! back what it wants done (a request to the session, a cancel) or nothing, and draws itself in
//! `render`. A seat handles every open form alike, through `Form`.

pub mod answer;
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

use super::field::{Seek, not_typed};
use super::key::Key;
use super::keymap::Action;
use crate::debrief::{FeedbackForm, PlanField, Rated};
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
