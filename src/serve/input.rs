//! Key bytes from an SSH channel decoded into our own `Key`s: xterm-style escape sequences,
//! UTF-8 text, bracketed paste, and the escape key alone (a lone ESC becomes a key only when no
//! byte follows within a short time, since it also starts every escape sequence).
//!
//! The parsing itself is terminput's (a copy of crossterm's parser), and its key events become
//! ours by the same mapping as the local terminal's (`tui::key::from_terminput`); this wrapper feeds it one
//! byte at a time, drops sequences it cannot read (so they never swallow later keys) and caps a
//! paste.

use std::time::Duration;

use terminput::Event;

use crate::tui::Key;
use crate::tui::key::from_terminput;

/// How long a lone ESC waits for the rest of a sequence before it counts as the escape key.
pub const ESC_TIMEOUT: Duration = Duration::from_millis(30);

/// The longest sequence kept while waiting for its end: a paste longer than this is dropped.
const MAX_PENDING: usize = 64 * 1024;

#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

impl Decoder {
    /// The keys in `bytes`. A trailing lone ESC stays pending: call `flush_escape` when no byte
    /// followed within `ESC_TIMEOUT`.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Key> {
        let mut keys = Vec::new();
        for byte in bytes {
            if self.pending == [0x1b] && *byte == 0x1b {
                // ESC ESC: the first was the escape key.
                keys.push(Key::Esc);
                self.pending.clear();
            }
            self.pending.push(*byte);
            if self.pending == [0x1b] {
                // Wait: the next byte may start a sequence.
                continue;
            }
            if is_mouse_report(&self.pending) {
                // ttx never asks for the mouse; terminput's parser panics on some of these
                // (a zero coordinate underflows), so they are dropped before it sees them.
                self.pending.clear();
                continue;
            }
            match Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    self.pending.clear();
                    keys.extend(keys_of(event));
                }
                Ok(None) if self.pending.len() < MAX_PENDING => {}
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        keys
    }

    /// Whether a lone ESC waits for its timeout.
    pub fn escape_pending(&self) -> bool {
        self.pending == [0x1b]
    }

    /// No byte followed a lone ESC in time: it is the escape key.
    pub fn flush_escape(&mut self) -> Option<Key> {
        if self.escape_pending() {
            self.pending.clear();
            Some(Key::Esc)
        } else {
            None
        }
    }
}

/// A complete rxvt (`ESC [ b ; x ; y M`) or SGR (`ESC [ < b ; x ; y M`/`m`) mouse report.
fn is_mouse_report(pending: &[u8]) -> bool {
    matches!(
        pending,
        [0x1b, b'[', b'<', .., b'M' | b'm'] | [0x1b, b'[', b'0'..=b'9', .., b'M']
    )
}

fn keys_of(event: Event) -> Vec<Key> {
    match event {
        Event::Key(key) => from_terminput(&key).into_iter().collect(),
        // Pasted text is typed; line breaks become new lines where the field takes them.
        Event::Paste(text) => text
            .chars()
            .filter_map(|c| match c {
                '\r' => None,
                '\n' => Some(Key::Ctrl('j')),
                c if c.is_control() => None,
                c => Some(Key::Char(c)),
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Vec<Key> {
        Decoder::default().feed(bytes)
    }

    #[test]
    fn text_arrows_and_control_keys() {
        assert_eq!(
            decode(b"ab\r\x1b[A\x1b[B\x1bOC\t\x1b[Z\x7f\x13"),
            vec![
                Key::Char('a'),
                Key::Char('b'),
                Key::Enter,
                Key::Up,
                Key::Down,
                Key::Right,
                Key::Tab,
                Key::BackTab,
                Key::Backspace,
                Key::Ctrl('s'),
            ]
        );
        assert_eq!(
            decode(b"\x1b[5~\x1b[6~\x1bOP"),
            vec![Key::PageUp, Key::PageDown, Key::F(1)]
        );
    }

    #[test]
    fn utf8_split_across_reads_is_one_character() {
        let mut decoder = Decoder::default();
        let bytes = "é👍🏽".as_bytes();
        let mut keys = decoder.feed(&bytes[..1]);
        keys.extend(decoder.feed(&bytes[1..5]));
        keys.extend(decoder.feed(&bytes[5..]));
        assert_eq!(keys, vec![Key::Char('é'), Key::Char('👍'), Key::Char('🏽')]);
    }

    #[test]
    fn a_lone_escape_waits_for_its_timeout() {
        let mut decoder = Decoder::default();
        assert_eq!(decoder.feed(b"\x1b"), vec![]);
        assert!(decoder.escape_pending());
        assert_eq!(decoder.flush_escape(), Some(Key::Esc));
        // A sequence split after its ESC is still one key.
        assert_eq!(decoder.feed(b"\x1b"), vec![]);
        assert_eq!(decoder.feed(b"[D"), vec![Key::Left]);
        assert_eq!(decoder.feed(b"\x1b\x1b[C"), vec![Key::Esc, Key::Right]);
    }

    #[test]
    fn bracketed_paste_is_typed_and_unknown_sequences_are_dropped() {
        assert_eq!(
            decode(b"\x1b[200~hi\nyo\x1b[201~"),
            vec![
                Key::Char('h'),
                Key::Char('i'),
                Key::Ctrl('j'),
                Key::Char('y'),
                Key::Char('o'),
            ]
        );
        assert_eq!(decode(b"\x1b[999;9zq"), vec![Key::Char('q')]);
    }

    /// Found by the `terminal_input` fuzz target: a mouse report with a zero coordinate made
    /// terminput's parser panic (subtract with overflow).
    #[test]
    fn mouse_reports_are_dropped_without_a_panic() {
        assert_eq!(
            decode(b"2\x1b[79;0M+"),
            vec![Key::Char('2'), Key::Char('+')]
        );
        assert_eq!(decode(b"\x1b[<0;0;0Mx\x1b[<0;0;0m"), vec![Key::Char('x')]);
    }
}
