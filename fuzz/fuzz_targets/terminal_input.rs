//! Bytes as a seat's SSH channel delivers them, cut into reads where the fuzzer says, some reads
//! followed by the lone-Esc timeout: the decoder must never panic, and without timeouts how the
//! bytes are cut must not change the keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ttx::serve::input::Decoder;

fuzz_target!(|data: &[u8]| {
    // Each read is a length byte, then that many bytes (low 7 bits); the high bit says the
    // Esc timeout passed after it.
    let mut cut = Decoder::default();
    let mut cut_keys = Vec::new();
    let mut whole = Vec::new();
    let mut timed_out = false;
    let mut rest = data;
    while let Some((&head, tail)) = rest.split_first() {
        let len = usize::from(head & 0x7f).min(tail.len());
        let (read, after) = tail.split_at(len);
        cut_keys.extend(cut.feed(read));
        whole.extend_from_slice(read);
        if head & 0x80 != 0 {
            timed_out |= cut.escape_pending();
            cut_keys.extend(cut.flush_escape());
        }
        rest = after;
    }
    if !timed_out {
        assert_eq!(
            Decoder::default().feed(&whole),
            cut_keys,
            "the same bytes read in other pieces gave other keys"
        );
    }
});
