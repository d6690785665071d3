//! Our own key type: everything below the input layer works with it, so keys may later come from
//! another source (raw bytes over the network) than crossterm.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Alt(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    /// Ctrl or alt with ← or →: a word to the left or right in a text.
    CtrlLeft,
    CtrlRight,
    /// Alt or shift with enter, where the terminal tells it from enter: a line break in a text.
    AltEnter,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// The longest paste a seat takes, in bytes: more than any field holds
/// (`tui::forms::TEXT_LIMIT` characters). A longer paste is dropped whole and the seat says so.
pub const MAX_PASTE: usize = 64 * 1024;

/// What a person's input comes as: a key, or text pasted whole (bracketed paste), which goes into
/// the field that has the focus as text and is never read as keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    Key(Key),
    Paste(String),
    /// A paste longer than a seat takes (`MAX_PASTE`): nothing of it is kept, so that none of it
    /// is typed as keys, and the seat says so.
    OversizePaste,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Char(' ') => write!(f, "space"),
            Key::Char(c) => write!(f, "{c}"),
            Key::Ctrl(c) => write!(f, "ctrl-{c}"),
            Key::Alt(c) => write!(f, "alt-{c}"),
            Key::Enter => write!(f, "enter"),
            Key::Esc => write!(f, "esc"),
            Key::Tab => write!(f, "tab"),
            Key::BackTab => write!(f, "shift-tab"),
            Key::Backspace => write!(f, "backspace"),
            Key::Delete => write!(f, "del"),
            Key::Up => write!(f, "↑"),
            Key::Down => write!(f, "↓"),
            Key::Left => write!(f, "←"),
            Key::Right => write!(f, "→"),
            Key::CtrlLeft => write!(f, "ctrl-←"),
            Key::CtrlRight => write!(f, "ctrl-→"),
            Key::AltEnter => write!(f, "alt-enter"),
            Key::Home => write!(f, "home"),
            Key::End => write!(f, "end"),
            Key::PageUp => write!(f, "pgup"),
            Key::PageDown => write!(f, "pgdn"),
            Key::F(n) => write!(f, "F{n}"),
        }
    }
}

/// A key event as ours; `None` for keys we do not use (and key releases). The one mapping of
/// keys: bytes from an SSH channel are parsed into terminput's events, and the local
/// terminal's crossterm events are converted to them.
pub fn from_terminput(event: &terminput::KeyEvent) -> Option<Key> {
    use terminput::{KeyCode, KeyEventKind, KeyModifiers};
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CTRL);
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    let shift = event.modifiers.contains(KeyModifiers::SHIFT);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) if alt => Key::Alt(c),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter if alt || shift => Key::AltEnter,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab if shift => Key::BackTab,
        KeyCode::Tab => Key::Tab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left if ctrl || alt => Key::CtrlLeft,
        KeyCode::Right if ctrl || alt => Key::CtrlRight,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}

/// Crossterm's key event as ours, through terminput's event (see `from_terminput`).
pub fn from_crossterm(event: &ratatui::crossterm::event::KeyEvent) -> Option<Key> {
    terminput_crossterm::to_terminput_key(*event)
        .ok()
        .and_then(|event| from_terminput(&event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

    /// The local terminal's keys come out as the same keys as the bytes of an SSH seat.
    #[test]
    fn crossterm_keys_map_as_the_serve_decoder_does() {
        let key = |code, modifiers| from_crossterm(&KeyEvent::new(code, modifiers));
        assert_eq!(
            key(KeyCode::Char('S'), KeyModifiers::CONTROL),
            Some(Key::Ctrl('s'))
        );
        assert_eq!(
            key(KeyCode::Char('x'), KeyModifiers::ALT),
            Some(Key::Alt('x'))
        );
        assert_eq!(
            key(KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Key::BackTab)
        );
        assert_eq!(key(KeyCode::Tab, KeyModifiers::SHIFT), Some(Key::BackTab));
        assert_eq!(key(KeyCode::F(5), KeyModifiers::NONE), Some(Key::F(5)));
        assert_eq!(key(KeyCode::Enter, KeyModifiers::ALT), Some(Key::AltEnter));
        assert_eq!(
            key(KeyCode::Enter, KeyModifiers::SHIFT),
            Some(Key::AltEnter)
        );
        assert_eq!(
            key(KeyCode::Left, KeyModifiers::CONTROL),
            Some(Key::CtrlLeft)
        );
        assert_eq!(key(KeyCode::Right, KeyModifiers::ALT), Some(Key::CtrlRight));
        assert_eq!(key(KeyCode::Insert, KeyModifiers::NONE), None);
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(from_crossterm(&release), None);
    }
}
