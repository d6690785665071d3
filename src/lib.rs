//! ttx: a tabletop exercise simulator for the terminal.

pub mod engine;
pub mod scenario;
pub mod script;
