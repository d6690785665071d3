//! Key bytes from an SSH channel decoded into our own `Key`s: xterm-style escape sequences,
//! UTF-8 text, bracketed paste, and the escape key alone (a lone ESC becomes a key only when no
//! byte follows within a short time, since it also starts every escape sequence).
//!
//! The parsing of keys is terminput's (a copy of crossterm's parser), and its key events become
//! ours by the same mapping as the local terminal's (`tui::key::from_terminput`); this wrapper feeds it one
//! byte at a time and drops sequences it cannot read (so they never swallow later keys).
//! Bracketed paste is read here, not by terminput: the text between `ESC[200~` and `ESC[201~`
//! is kept as it comes, at a constant cost per byte, and arrives whole as one `Typed::Paste`,
//! never as keys.

use std::time::Duration;

use terminput::Event;

use crate::tui::key::{MAX_PASTE, Typed, from_terminput};

/// How long a lone ESC waits for the rest of a sequence before it counts as the escape key.
pub const ESC_TIMEOUT: Duration = Duration::from_millis(30);

/// The longest key sequence kept while waiting for its end. Real ones are under 20 bytes; a
/// longer run is dropped, so that no client makes every byte re-read a growing buffer.
const MAX_SEQUENCE: usize = 256;

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

#[derive(Debug, Default)]
pub struct Decoder {
    /// A key sequence (or a character's UTF-8 bytes) waiting for its end.
    pending: Vec<u8>,
    /// A bracketed paste under way.
    paste: Option<Paste>,
    /// How many lone ESCs have started waiting: the number of the one pending, so that a
    /// timeout started for an earlier ESC never cuts a later sequence in two.
    escapes: u64,
}

#[derive(Debug, Default)]
struct Paste {
    /// The pasted bytes so far; once over `MAX_PASTE`, only the last few, to find the end.
    bytes: Vec<u8>,
    oversize: bool,
}

impl Decoder {
    /// What `bytes` type. A trailing lone ESC stays pending: call `flush_escape` with its number
    /// (`escape_pending`) when no byte followed within `ESC_TIMEOUT`.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Typed> {
        let mut typed = Vec::new();
        for &byte in bytes {
            if self.paste.is_some() {
                typed.extend(self.feed_paste(byte));
                continue;
            }
            if self.pending == [0x1b] && byte == 0x1b {
                // ESC ESC: the first was the escape key.
                typed.push(Typed::Key(crate::tui::Key::Esc));
                self.pending.clear();
            }
            self.pending.push(byte);
            if self.pending == [0x1b] {
                self.escapes += 1;
            }
            if self.pending == PASTE_START {
                self.pending.clear();
                self.paste = Some(Paste::default());
                continue;
            }
            if PASTE_START.starts_with(&self.pending) {
                // Wait: the next byte may start a sequence, or a paste.
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
                    typed.extend(keys_of(event));
                }
                Ok(None) if self.pending.len() < MAX_SEQUENCE => {}
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        typed
    }

    /// One byte of a paste: the paste itself once its end marker arrives.
    fn feed_paste(&mut self, byte: u8) -> Option<Typed> {
        let paste = self.paste.as_mut()?;
        paste.bytes.push(byte);
        if paste.bytes.ends_with(PASTE_END) {
            let mut paste = self.paste.take()?;
            if paste.oversize {
                return Some(Typed::OversizePaste);
            }
            paste.bytes.truncate(paste.bytes.len() - PASTE_END.len());
            return Some(Typed::Paste(
                String::from_utf8_lossy(&paste.bytes).into_owned(),
            ));
        }
        if paste.bytes.len() > MAX_PASTE + PASTE_END.len() {
            // Too long to keep: only what could be the start of the end marker is kept, and the
            // buffer is emptied this way once per `MAX_PASTE` bytes, so each byte costs the same.
            paste.oversize = true;
            let keep_from = paste.bytes.len() - (PASTE_END.len() - 1);
            paste.bytes.drain(..keep_from);
        }
        None
    }

    /// The number of the lone ESC that waits for its timeout, if one does.
    pub fn escape_pending(&self) -> Option<u64> {
        (self.paste.is_none() && self.pending == [0x1b]).then_some(self.escapes)
    }

    /// No byte followed lone ESC number `escape` in time: it is the escape key. Nothing when that
    /// ESC is gone (a sequence or another ESC came after it).
    pub fn flush_escape(&mut self, escape: u64) -> Option<Typed> {
        if self.escape_pending() == Some(escape) {
            self.pending.clear();
            Some(Typed::Key(crate::tui::Key::Esc))
        } else {
            None
        }
    }
}

/// A complete rxvt (`ESC [ b ; x ; y M`) or SGR (`ESC [ < b ; x ; y M`/`m`) mouse report: its
/// parameters are digits and semicolons only.
fn is_mouse_report(pending: &[u8]) -> bool {
    let parameters = |p: &[u8]| {
        p.first().is_some_and(u8::is_ascii_digit)
            && p.iter().all(|b| b.is_ascii_digit() || *b == b';')
    };
    match pending {
        [0x1b, b'[', b'<', p @ .., b'M' | b'm'] => parameters(p),
        [0x1b, b'[', p @ .., b'M'] => parameters(p),
        _ => false,
    }
}

fn keys_of(event: Event) -> Option<Typed> {
    match event {
        Event::Key(key) => from_terminput(&key).map(Typed::Key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::Key;
    use proptest::prelude::*;

    /// The keys `bytes` type; a paste in them fails the test.
    fn decode(bytes: &[u8]) -> Vec<Key> {
        Decoder::default()
            .feed(bytes)
            .into_iter()
            .map(|typed| match typed {
                Typed::Key(key) => key,
                other => panic!("a key, not {other:?}"),
            })
            .collect()
    }

    fn pasted(text: &str) -> Vec<u8> {
        [PASTE_START, text.as_bytes(), PASTE_END].concat()
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
        let chars = [Key::Char('é'), Key::Char('👍'), Key::Char('🏽')];
        assert_eq!(keys, chars.map(Typed::Key));
    }

    #[test]
    fn a_lone_escape_waits_for_its_timeout() {
        let mut decoder = Decoder::default();
        assert_eq!(decoder.feed(b"\x1b"), vec![]);
        let first = decoder.escape_pending().unwrap();
        assert_eq!(decoder.flush_escape(first), Some(Typed::Key(Key::Esc)));
        // A sequence split after its ESC is still one key.
        assert_eq!(decoder.feed(b"\x1b"), vec![]);
        assert_eq!(decoder.feed(b"[D"), vec![Typed::Key(Key::Left)]);
        assert_eq!(
            decoder.feed(b"\x1b\x1b[C"),
            [Key::Esc, Key::Right].map(Typed::Key)
        );
    }

    /// Found in review: each lone ESC starts its own timeout, and an earlier one's fired in the
    /// middle of a later sequence (ESC, ESC 20 ms later, `[A` 15 ms after that: `[` and `A`
    /// typed instead of ↑).
    #[test]
    fn an_earlier_escapes_timeout_leaves_a_later_sequence_whole() {
        let mut decoder = Decoder::default();
        assert_eq!(decoder.feed(b"\x1b"), vec![]);
        let first = decoder.escape_pending().unwrap();
        assert_eq!(decoder.feed(b"\x1b"), vec![Typed::Key(Key::Esc)]);
        assert_eq!(decoder.flush_escape(first), None);
        assert_eq!(decoder.feed(b"[A"), vec![Typed::Key(Key::Up)]);
    }

    #[test]
    fn unknown_sequences_are_dropped() {
        assert_eq!(decode(b"\x1b[999;9zq"), vec![Key::Char('q')]);
        // A sequence that never ends is dropped at its limit, and keys after it still count.
        let mut endless = b"\x1b[".to_vec();
        endless.extend(std::iter::repeat_n(b'1', MAX_SEQUENCE));
        endless.push(b'q');
        assert_eq!(decode(&endless).last(), Some(&Key::Char('q')));
    }

    /// Found by a red team: a paste was read as an rxvt mouse report up to its first capital
    /// `M` and dropped, and the rest typed as keys (a CR in it sent the form).
    #[test]
    fn a_bracketed_paste_arrives_whole_and_never_as_keys() {
        let text = "Ransomware on the file server, Monday backups intact\r\nsecond line\tend";
        let mut bytes = b"a".to_vec();
        bytes.extend(pasted(text));
        bytes.push(b'b');
        assert_eq!(
            Decoder::default().feed(&bytes),
            vec![
                Typed::Key(Key::Char('a')),
                Typed::Paste(text.to_string()),
                Typed::Key(Key::Char('b')),
            ]
        );
        // Escape sequences inside a paste are its text, not keys.
        assert_eq!(
            Decoder::default().feed(&pasted("\x1b[A\x1b")),
            vec![Typed::Paste("\x1b[A\x1b".to_string())]
        );
    }

    #[test]
    fn a_paste_longer_than_a_seat_takes_is_dropped_whole_and_said() {
        let mut decoder = Decoder::default();
        let long = "M".repeat(3 * MAX_PASTE);
        assert_eq!(decoder.feed(&pasted(&long)), vec![Typed::OversizePaste]);
        assert!(decoder.paste.is_none() && decoder.pending.is_empty());
        assert_eq!(decoder.feed(b"q"), vec![Typed::Key(Key::Char('q'))]);
        // At the limit it is whole.
        let most = "x".repeat(MAX_PASTE);
        assert_eq!(decoder.feed(&pasted(&most)), vec![Typed::Paste(most)]);
    }

    proptest! {
        /// Any text pasted arrives as that text, however the bytes are cut into reads.
        #[test]
        fn any_pasted_text_arrives_whole(text in "\\PC*|[\\x00-\\x7f]{0,200}", cuts in proptest::collection::vec(1usize..40, 0..20)) {
            prop_assume!(!text.contains("\x1b[201~"));
            let bytes = pasted(&text);
            let mut decoder = Decoder::default();
            let mut typed = Vec::new();
            let mut rest = bytes.as_slice();
            for cut in cuts {
                let (read, after) = rest.split_at(cut.min(rest.len()));
                typed.extend(decoder.feed(read));
                rest = after;
            }
            typed.extend(decoder.feed(rest));
            prop_assert_eq!(typed, vec![Typed::Paste(text)]);
        }
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
