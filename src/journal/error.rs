//! What goes wrong with a journal, each with the message a person reads.

use std::io;
use std::path::Path;

use super::FORMAT;
use crate::limits::MAX_JOURNAL_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot {doing} journal {path}: {source}")]
    Io {
        path: String,
        doing: &'static str,
        source: io::Error,
    },
    #[error(
        "cannot create journal {path}: the directory {dir} does not exist; create it first or choose another journal path"
    )]
    NoDirectory { path: String, dir: String },
    #[error(
        "journal {path} already exists; ttx never overwrites a journal: choose another file, or continue it with `ttx resume {path}`"
    )]
    Exists { path: String },
    #[error(
        "{path} is a directory; a journal is a file: give a file name, such as {path}/exercise.jsonl"
    )]
    IsDirectory { path: String },
    #[error(
        "journal {path} {what} while the exercise ran, so it no longer holds this exercise; ttx stopped the clock and records nothing more: quit, and keep a copy of the file as it is"
    )]
    Changed { path: String, what: String },
    #[error("journal {path} does not exist; check the path")]
    NotFound { path: String },
    #[error(
        "journal {path} is in use by another ttx process; finish or close that exercise first (a journal has one writer at a time)"
    )]
    InUse { path: String },
    #[error(
        "journal {path} is {size} bytes, over the limit of {MAX_JOURNAL_BYTES} bytes (512 MiB); it is not a ttx journal, or it is damaged"
    )]
    TooBig { path: String, size: u64 },
    #[error("{path} is empty, not a ttx journal (its first line would be the journal header)")]
    Empty { path: String },
    #[error(
        "{path}: written by a newer ttx (format {found}); this ttx reads format {FORMAT}: read it with a newer ttx"
    )]
    NewerFormat { path: String, found: u64 },
    #[error(
        "{path}: the scenario recorded in the journal does not match its SHA-256 (recorded {recorded}, computed {computed}); the journal was edited or damaged, and cannot be trusted to replay"
    )]
    ShaMismatch {
        path: String,
        recorded: String,
        computed: String,
    },
    #[error("{path}: the scenario recorded in the journal does not load:\n{diagnostics}")]
    Scenario { path: String, diagnostics: String },
    /// A line that cannot be read or replayed; `line` counts from 1 (the header).
    #[error("{path}:{line}: {message}")]
    Line {
        path: String,
        line: u64,
        message: String,
    },
}

pub(super) fn show(path: &Path) -> String {
    path.display().to_string()
}

pub(super) fn io_error(path: &Path, doing: &'static str, source: io::Error) -> JournalError {
    JournalError::Io {
        path: show(path),
        doing,
        source,
    }
}

pub(super) fn open_error(path: &Path, source: io::Error) -> JournalError {
    match source.kind() {
        io::ErrorKind::NotFound => JournalError::NotFound { path: show(path) },
        _ => io_error(path, "open", source),
    }
}

/// serde_json's message without its position inside the one-line object.
pub(super) fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    format!("{text} (column {})", error.column())
}
