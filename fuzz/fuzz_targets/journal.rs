//! Any bytes as a journal: read and replay, or a clear error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ttx::journal::read_journal_from(data, "fuzz.jsonl");
});
