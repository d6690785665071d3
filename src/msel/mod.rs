//! MSEL in and out: a scenario as the Master Scenario Events List that exercise planners keep in
//! spreadsheets (HSEEP's columns, CSV or XLSX), and the MSELs of other tools (T3SF, OpenBAS,
//! Crucible Blueprint) read into a RON scenario that the loader validates.
//!
//! Reading goes in three steps: the file becomes a [`table::Table`] of text cells (bounded, never
//! evaluating a formula); the format's column roles turn each row into a [`draft::RowDraft`];
//! the drafts are resolved into teams, actions and injects and written as RON text, which is then
//! loaded to check it.

pub mod blueprint;
pub mod cli;
pub mod columns;
pub mod draft;
pub mod export;
pub mod hseep;
pub mod openbas;
pub mod t3sf;
pub mod table;
pub mod text;
pub mod times;
pub mod write;

use crate::scenario::Secs;

pub use columns::ColumnMap;
pub use export::{export_csv, export_xlsx};

/// The largest file read, in bytes: the same bound as a scenario file.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// The most rows read from one sheet (the loader's bound on injects).
pub const MAX_ROWS: usize = 100_000;
/// The most columns read from one sheet.
pub const MAX_COLUMNS: usize = 256;
/// The longest cell kept, in bytes; a longer one is reported and cut.
pub const MAX_CELL_BYTES: usize = 64 << 10;
/// The most bytes a spreadsheet's ZIP may unpack to, against a small file that inflates to
/// gigabytes.
pub const MAX_UNPACKED_BYTES: u64 = 128 << 20;

/// The tool an MSEL comes from, which decides its columns and its time format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A spreadsheet with HSEEP's columns, ttx's own export among them.
    Hseep,
    T3sf,
    Openbas,
    Blueprint,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Hseep => "HSEEP spreadsheet",
            Source::T3sf => "T3SF MSEL",
            Source::Openbas => "OpenBAS spreadsheet import",
            Source::Blueprint => "Crucible Blueprint MSEL",
        }
    }
}

/// What `ttx msel import` was asked for.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: recognised from the file.
    pub from: Option<Source>,
    /// Which column plays which part, for headers ttx does not know.
    pub map: Option<ColumnMap>,
    /// The time standard of an expected action that the MSEL gives none.
    pub within: Secs,
    /// The sheet to read (default: the first).
    pub sheet: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            from: None,
            map: None,
            within: 30 * 60,
            sheet: None,
        }
    }
}

/// One problem with one cell: `FILE:ROW:COLUMN: message` once the file is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as the spreadsheet program shows it (the header is row 1), or the entry's
    /// position from 1 in a JSON list.
    pub row: usize,
    /// The column's header (its letter where the sheet has no header row).
    pub column: String,
    pub message: String,
}

impl Problem {
    pub fn new(row: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            row,
            column: column.into(),
            message: message.into(),
        }
    }

    pub fn render(&self, file: &str) -> String {
        format!("{file}:{}:{}: {}", self.row, self.column, self.message)
    }
}

/// An imported MSEL: the scenario's RON text (it loads), and the rows that could not be read.
#[derive(Debug)]
pub struct Imported {
    pub ron: String,
    pub source: Source,
    pub problems: Vec<Problem>,
    pub injects: usize,
    pub teams: usize,
}

/// Reads an MSEL. `file` names it in messages and tells CSV, XLSX, ODS and JSON apart by its
/// extension. An `Err` is a file that could not be read at all; rows that could not be read are
/// in [`Imported::problems`], the others are in the scenario.
pub fn import(file: &str, bytes: &[u8], options: &ImportOptions) -> Result<Imported, String> {
    let book = table::read(file, bytes, options.sheet.as_deref())?;
    let source = match (options.from, &options.map) {
        (Some(source), _) => source,
        // A map names the columns itself; the times are then read as HSEEP's.
        (None, Some(_)) => Source::Hseep,
        (None, None) => detect(&book)?,
    };
    let layout = columns::layout(&book.main, source, options.map.as_ref())
        .map_err(|e| format!("{file}: {e}"))?;
    let (drafts, mut problems, notes) = draft::rows(&book.main, &layout, source);
    let origin = write::Origin {
        file,
        source,
        notes,
    };
    let written = write::scenario(
        drafts,
        &book,
        &layout,
        options.within,
        &origin,
        &mut problems,
    )?;
    problems.sort_by_key(|p| p.row);
    Ok(Imported {
        ron: written.ron,
        source,
        problems,
        injects: written.injects,
        teams: written.teams,
    })
}

/// Which tool wrote this file, from its JSON shape or its header names.
fn detect(book: &table::Book) -> Result<Source, String> {
    if let Some(source) = book.json_source {
        return Ok(source);
    }
    let headers: Vec<String> = book
        .main
        .headers
        .iter()
        .map(|h| columns::normalise(h))
        .collect();
    let has = |name: &str| headers.iter().any(|h| h == name);
    if has("script") && has("player") {
        return Ok(Source::T3sf);
    }
    if blueprint::recognises(&headers) {
        return Ok(Source::Blueprint);
    }
    if openbas::recognises(&book.main) {
        return Ok(Source::Openbas);
    }
    if hseep::recognises(&headers) {
        return Ok(Source::Hseep);
    }
    Err(format!(
        "{}: the columns ({}) are not those of an HSEEP, T3SF, OpenBAS or Blueprint MSEL; \
         name them with --map MAP.ron (see docs/msel.md) or choose a format with --from",
        book.file,
        book.main
            .headers
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| format!("\"{}\"", h.escape_debug()))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// An id made from a name: `Information Security` → `information-security`; `None` when the name
/// has no letter or digit to make one from.
pub fn slug(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        // `Don't` → `dont`, not `don-t`.
        if matches!(c, '\'' | '’') {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() > 40 {
            // Cut at the last whole word.
            match out.rfind('-').filter(|at| *at >= 12) {
                Some(at) => out.truncate(at),
                None => out.truncate(40),
            }
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(
            slug("Information Security").as_deref(),
            Some("information-security")
        );
        assert_eq!(slug("PR/Comm").as_deref(), Some("pr-comm"));
        assert_eq!(slug("  SOC — BASE4 ").as_deref(), Some("soc-base4"));
        assert_eq!(slug("Don’t pay it").as_deref(), Some("dont-pay-it"));
        assert_eq!(
            slug("Isolate the historian from the plant network").as_deref(),
            Some("isolate-the-historian-from-the-plant")
        );
        assert_eq!(slug("¿¡!"), None);
    }
}
