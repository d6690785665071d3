//! Bytes as a seat's SSH channel delivers them, cut into reads where the fuzzer says, some reads
//! followed by the lone-Esc timeout: the decoder must never panic, and without timeouts how the
//! bytes are cut must not change what they type. And any text, bracketed as a paste and cut the
//! same way, must arrive as that one paste, whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ttx::serve::input::Decoder;
use ttx::tui::key::{MAX_PASTE, Typed};

fuzz_target!(|data: &[u8]| {
    // Each read is a length byte, then that many bytes (low 7 bits); the high bit says the
    // Esc timeout passed after it.
    let mut cut = Decoder::default();
    let mut cut_typed = Vec::new();
    let mut whole = Vec::new();
    let mut reads = Vec::new();
    let mut timed_out = false;
    let mut rest = data;
    while let Some((&head, tail)) = rest.split_first() {
        let len = usize::from(head & 0x7f).min(tail.len());
        let (read, after) = tail.split_at(len);
        reads.push(len);
        cut_typed.extend(cut.feed(read));
        whole.extend_from_slice(read);
        if head & 0x80 != 0
            && let Some(escape) = cut.escape_pending()
        {
            timed_out = true;
            cut_typed.extend(cut.flush_escape(escape));
        }
        rest = after;
    }
    if !timed_out {
        assert_eq!(
            Decoder::default().feed(&whole),
            cut_typed,
            "the same bytes read in other pieces gave other input"
        );
    }

    // The same bytes as pasted text: a terminal never sends the end marker inside a paste.
    let mut text = String::from_utf8_lossy(&whole).into_owned();
    while text.contains("\x1b[201~") {
        text = text.replace("\x1b[201~", "");
    }
    let pasted = [b"\x1b[200~", text.as_bytes(), b"\x1b[201~"].concat();
    let mut decoder = Decoder::default();
    let mut typed = Vec::new();
    let mut rest = pasted.as_slice();
    for len in reads {
        let (read, after) = rest.split_at(len.min(rest.len()));
        typed.extend(decoder.feed(read));
        rest = after;
    }
    typed.extend(decoder.feed(rest));
    let expected = if text.len() <= MAX_PASTE {
        Typed::Paste(text)
    } else {
        Typed::OversizePaste
    };
    assert_eq!(typed, vec![expected], "a paste did not arrive whole");
});
