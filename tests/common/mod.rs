//! Helpers shared by the integration tests. Each test crate uses a part of them.
#![allow(dead_code)]

pub mod pty;

use std::time::{Duration, Instant};

use ttx::scenario::{Scenario, load_scenario};

/// Waits up to 20 s for `done`, asking every 20 ms; fails the test with `what` if it never is.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never happened: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Loads a scenario that must be valid, or fails the test with every diagnostic.
pub fn load(file: &str, source: &str) -> Scenario {
    load_scenario(file, source).unwrap_or_else(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        panic!("{}", shown.join("\n"))
    })
}
