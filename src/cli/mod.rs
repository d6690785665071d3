//! The `ttx` command line: each command's flags (clap) and the wiring from them to the library,
//! one file per command or family; their one error type, [`Failure`], with its exit code (0
//! success, 1 a bad input reported on stderr, 2 a usage error); and their one way to the
//! standard output, [`out`].

pub mod debrief;
mod exercise;
pub mod handbook;
pub mod msel;
pub mod new;
pub mod out;
pub mod report;
pub mod run;
pub mod serve;
pub mod simulate;
pub mod trend;
pub mod validate;

use std::path::Path;

use crate::engine::Refusal;
use crate::files::{ReadError, WriteError};
use crate::journal::JournalError;
use crate::limits::MAX_INPUT_BYTES;
use crate::play::StepError;
use crate::scenario::{Diagnostic, Scenario, load_scenario};

/// The built-in scenario that `ttx` with no arguments opens, as (file name, source).
pub const BUILT_IN: (&str, &str) = (
    "cross-border-breach.ron",
    include_str!("../../scenarios/cross-border-breach.ron"),
);

/// Why a command failed; each kind has its exit code (`Failure::code`).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A bad input (scenario, script) whose diagnostics are the message.
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Step(#[from] StepError),
    /// The engine refused what a resume had to record (a journal it could not continue).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The terminal app could not run or stopped on an error.
    #[error("{0}")]
    App(String),
    /// The standard output would not take what the command wrote (a full disk, not a reader
    /// that has gone: that one is quiet).
    #[error("cannot write to the standard output: {0}")]
    Stdout(std::io::Error),
    /// Flags that do not fit together.
    #[error("error: {0}")]
    Usage(String),
    /// A bad input whose messages were already printed.
    #[error("")]
    Reported,
}

impl Failure {
    /// 2 for a command line that contradicts itself, 1 for everything else.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) | Failure::Write(WriteError::IsInput { .. }) => 2,
            _ => 1,
        }
    }
}

/// Every diagnostic of a file, one after the other.
fn diagnostics(diagnostics: &[Diagnostic]) -> Failure {
    Failure::Input(
        diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A scenario file's text; a byte-order mark is accepted, and UTF-16 named.
fn read(path: &Path) -> Result<String, Failure> {
    let bytes = crate::files::read_bounded(path, MAX_INPUT_BYTES)?;
    crate::ron_file::text_of(bytes).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

fn scenario_from(path: &Path, source: &str) -> Result<Scenario, Failure> {
    load_scenario(&path.display().to_string(), source).map_err(|d| diagnostics(&d))
}
