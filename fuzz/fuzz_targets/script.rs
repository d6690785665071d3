//! Any bytes as a script file: the loader must return a script or diagnostics, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = ttx::script::load_script("fuzz.ron", source);
    }
});
