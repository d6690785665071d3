//! ttx: a tabletop exercise simulator for the terminal.

pub mod clock;
pub mod engine;
pub mod report;
pub mod scenario;
pub mod tui;
