//! ttx: a tabletop exercise simulator for the terminal.

pub mod cli;
pub mod clock;
pub mod debrief;
pub mod engine;
pub mod files;
pub mod handbook;
pub mod host_key;
pub mod html;
pub mod journal;
pub mod library;
pub mod limits;
pub mod msel;
pub mod play;
pub mod report;
pub mod role;
pub mod ron_file;
pub mod scenario;
pub mod script;
pub mod secs;
pub mod serve;
pub mod session;
pub mod signature;
pub mod simulate;
#[cfg(test)]
mod testing;
pub mod text;
pub mod trend;
pub mod tui;
pub mod words;
