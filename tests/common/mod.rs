//! Helpers shared by the integration tests. Each test crate uses a part of them.
#![allow(dead_code)]

pub mod pty;

use ttx::scenario::{Scenario, load_scenario};

/// Loads a scenario that must be valid, or fails the test with every diagnostic.
pub fn load(file: &str, source: &str) -> Scenario {
    load_scenario(file, source).unwrap_or_else(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        panic!("{}", shown.join("\n"))
    })
}
