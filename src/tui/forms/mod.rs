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

use ratatui::style::Style;
use ratatui_textarea::TextArea;

use super::key::Key;
use super::keymap::Action;

/// An empty text area without the underlined cursor line.
pub fn text_area(placeholder: &str) -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_cursor_line_style(Style::default());
    if !placeholder.is_empty() {
        area.set_placeholder_text(placeholder);
    }
    area
}

/// The text of a text area, lines joined.
pub fn text_of(area: &TextArea<'static>) -> String {
    area.lines().join("\n")
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

/// Types a key into a text area; keys a text area has no use for are ignored.
pub fn type_into(area: &mut TextArea<'static>, key: Key) {
    use ratatui_textarea::{Input as TInput, Key as TKey};
    let (key, ctrl, alt) = match key {
        Key::Char(c) => (TKey::Char(c), false, false),
        Key::Ctrl(c) => (TKey::Char(c), true, false),
        Key::Alt(c) => (TKey::Char(c), false, true),
        Key::Enter => (TKey::Enter, false, false),
        Key::Backspace => (TKey::Backspace, false, false),
        Key::Delete => (TKey::Delete, false, false),
        Key::Left => (TKey::Left, false, false),
        Key::Right => (TKey::Right, false, false),
        Key::Up => (TKey::Up, false, false),
        Key::Down => (TKey::Down, false, false),
        Key::Home => (TKey::Home, false, false),
        Key::End => (TKey::End, false, false),
        _ => return,
    };
    area.input(TInput {
        key,
        ctrl,
        alt,
        shift: false,
    });
}

/// Types a key into a one-line filter: keys that would start a new line are ignored.
pub fn type_into_line(area: &mut TextArea<'static>, key: Key) {
    if matches!(key, Key::Enter | Key::Ctrl('j' | 'm')) {
        return;
    }
    type_into(area, key);
}

pub fn move_in(current: usize, step: isize, count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    (current as isize + step).clamp(0, count as isize - 1) as usize
}
