//! ttx: a tabletop exercise simulator for the terminal.

pub mod engine;
pub mod play;
pub mod report;
pub mod scenario;
pub mod script;
