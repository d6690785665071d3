//! Forms as components: each owns its state and a `Focus`, takes actions in `update` and gives
//! back what it wants done (a command, a cancel) or nothing, and draws itself in `render`.

pub mod message;
pub mod note;
pub mod picker;
pub mod plan;
pub mod rating;
pub mod release;
pub mod response;
pub mod summary;

use super::key::Key;
use super::keymap::Action;

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

pub fn move_in(current: usize, step: isize, count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    (current as isize + step).clamp(0, count as isize - 1) as usize
}
