//! Any bytes as a scenario file: the loader must return a scenario or diagnostics, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses non-UTF-8 files before the loader sees them.
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = ttx::scenario::load_scenario("fuzz.ron", source);
    }
});
