//! The tutorial's valid journal header, then any bytes as the event lines: explores the replay
//! of events against the engine (`Exercise::apply_recorded`) rather than the header's SHA check.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ttx::engine::Settings;
use ttx::journal::Header;

const SOURCE: &str = include_str!("../../scenarios/tutorial.ron");

/// The header as a ttx before the hash chain wrote it, so that event lines need no digest.
static HEADER: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let scenario = ttx::scenario::load_scenario("scenarios/tutorial.ron", SOURCE)
        .expect("the tutorial loads");
    let mut header =
        Header::new("scenarios/tutorial.ron", SOURCE, &scenario, Settings::of(&scenario));
    header.ttx_journal = ttx::journal::CHAINED_FROM - 1;
    let mut line = serde_json::to_vec(&header).expect("a header serializes");
    line.push(b'\n');
    line
});

fuzz_target!(|data: &[u8]| {
    let mut journal = HEADER.clone();
    journal.extend_from_slice(data);
    let _ = ttx::journal::read_journal_from(&journal, "fuzz.jsonl");
});
