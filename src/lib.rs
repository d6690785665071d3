//! ttx: a tabletop exercise simulator for the terminal.

pub mod clock;
pub mod engine;
pub mod files;
pub mod journal;
pub mod play;
pub mod report;
pub mod scenario;
pub mod script;
pub mod session;
pub mod simulate;
#[cfg(test)]
mod testing;
pub mod text;
pub mod tui;
