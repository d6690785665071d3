//! Scenario time, in a leaf that the scenario, the clock, the engine and the text helpers all
//! import.

/// Scenario time: whole seconds since the exercise started.
pub type Secs = u64;
