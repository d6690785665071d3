//! A genuine, chained journal of the tutorial with its `chain` keys taken off where the fuzzer
//! says (none, every line's as `sed` would, or one line's) and bytes changed where it says: the
//! result is refused, or reads to the same header and a prefix of the same events (a change the
//! chain does not cover, such as whitespace at a line's end, or a last line cut off). An edit
//! that reads as a different exercise is a hole in the hash chain.
//!
//! One edit is out of the chain's reach: with the chain taken off every line, a header whose
//! format number is lowered to one before the chain reads as a journal of a ttx before it
//! (docs/reliability.md), so such a journal is not checked.
#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use ttx::journal::{Header, JournalWriter, LoadedJournal, read_journal_from};

const SOURCE: &str = include_str!("../../scenarios/tutorial.ron");
const SCRIPT: &str = include_str!("../../tests/fixtures/tutorial/script.ron");

static GENUINE: LazyLock<(Vec<u8>, LoadedJournal)> = LazyLock::new(|| {
    let scenario = Arc::new(
        ttx::scenario::load_scenario("tutorial.ron", SOURCE).expect("the tutorial loads"),
    );
    let script = ttx::script::load_script("script.ron", SCRIPT).expect("its script loads");
    let (exercise, events) =
        ttx::play::play(Arc::clone(&scenario), &script, "script.ron").expect("it plays");
    let settings = ttx::play::settings_for(&scenario, &script);
    let header = Header::new("tutorial.ron", SOURCE, &scenario, settings);
    let dir = std::env::temp_dir().join(format!("ttx-fuzz-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("genuine.jsonl");
    let _ = std::fs::remove_file(&path);
    let mut writer = JournalWriter::create(&path, &header).expect("the journal is created");
    writer.append(&exercise, &events).expect("the journal is written");
    drop(writer);
    let bytes = std::fs::read(&path).expect("the journal reads");
    let _ = std::fs::remove_dir_all(&dir);
    let loaded = read_journal_from(&bytes, "genuine.jsonl").expect("the genuine journal reads");
    (bytes, loaded)
});

/// The journal with the `chain` key taken off the lines `off` chooses.
fn unchained(journal: &[u8], off: impl Fn(usize) -> bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(journal.len());
    for (n, line) in journal.split_inclusive(|b| *b == b'\n').enumerate() {
        match line.windows(9).rposition(|w| w == b",\"chain\":") {
            Some(at) if off(n) => {
                out.extend_from_slice(&line[..at]);
                out.extend_from_slice(b"}\n");
            }
            _ => out.extend_from_slice(line),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (genuine, original) = &*GENUINE;
    let Some((&choice, data)) = data.split_first() else {
        return;
    };
    // The first byte: 0 keeps the chain, 1 takes it off every line, n takes it off line n - 1.
    let mut journal = match choice {
        0 => genuine.clone(),
        1 => unchained(genuine, |_| true),
        n => unchained(genuine, |line| line == usize::from(n) - 2),
    };
    // Each 5 bytes: where (4 bytes, wrapped to the journal's length) and the new byte.
    for edit in data.chunks_exact(5) {
        let at = u32::from_le_bytes([edit[0], edit[1], edit[2], edit[3]]) as usize % journal.len();
        journal[at] = edit[4];
    }
    if let Ok(loaded) = read_journal_from(&journal, "edited.jsonl") {
        if choice == 1 && loaded.header.ttx_journal < ttx::journal::CHAINED_FROM {
            return;
        }
        assert_eq!(loaded.header, original.header, "an edited header was accepted");
        assert!(
            original.events.starts_with(&loaded.events),
            "an edited journal reads as another exercise"
        );
    }
});
