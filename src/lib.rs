//! ttx: a tabletop exercise simulator for the terminal.

pub mod engine;
pub mod report;
pub mod scenario;
