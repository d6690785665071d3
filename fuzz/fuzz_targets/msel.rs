//! Any bytes as an MSEL file: `ttx msel import` must return a scenario that loads (with the rows
//! it could not read) or a reason, never panic. The first byte picks the kind of file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ttx::msel::{ImportOptions, import};

fuzz_target!(|data: &[u8]| {
    let Some((kind, bytes)) = data.split_first() else {
        return;
    };
    let file = match kind % 4 {
        0 => "fuzz.csv",
        1 => "fuzz.xlsx",
        2 => "fuzz.json",
        _ => "fuzz.ods",
    };
    if let Ok(imported) = import(file, bytes, &ImportOptions::default()) {
        // What import writes, the loader accepts: it checked it itself.
        assert!(ttx::scenario::load_scenario("fuzz.ron", &imported.ron).is_ok());
    }
});
