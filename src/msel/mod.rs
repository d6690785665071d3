//! MSEL in and out: a scenario as the Master Scenario Events List that exercise planners keep in
//! spreadsheets (HSEEP's columns, CSV or XLSX), and the MSELs of other tools (T3SF, OpenBAS,
//! Crucible Blueprint) read into a RON scenario that the loader validates.
//!
//! Reading goes in three steps: the file becomes a [`book::Book`] of [`table::Table`]s of text
//! cells (bounded, never evaluating a formula); the format's column roles ([`columns`], from the
//! formats listed in [`formats`]) turn each row into a [`draft::RowDraft`]; the drafts are
//! resolved into teams, actions and injects and written as RON text, which is then loaded to
//! check it.
//!
//! From the ground up: `table`, `role` and `text` are the words the other files use; `times`
//! reads each tool's times; the format files (`hseep`, `t3sf`, `openbas`, `blueprint`) use only
//! those; `formats` lists the formats, and no format file uses it; `book`, `columns`, `draft`
//! and `write` read a file with them; this file is the top. `exercise` and `modules` read and
//! write ttx's own `Exercise` and `Modules` sheets; `export` needs them, `text`, and `times` to
//! check T3SF's times it writes.

pub mod blueprint;
pub mod book;
pub mod columns;
pub mod draft;
pub mod exercise;
pub mod export;
pub mod formats;
pub mod hseep;
pub mod modules;
pub mod openbas;
pub mod role;
pub mod t3sf;
pub mod table;
pub mod text;
pub mod times;
pub mod write;

use crate::scenario::Secs;

pub use book::{MAX_FILE_BYTES, MAX_UNPACKED_BYTES};
pub use columns::ColumnMap;
pub use export::{csv_losses, export_csv, export_t3sf, export_xlsx};
pub use formats::Source;
pub use table::{MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, Problem};
pub use text::slug;

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
    /// The MSEL to read from a Blueprint file that holds several.
    pub msel: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            from: None,
            map: None,
            within: 30 * 60,
            sheet: None,
            msel: None,
        }
    }
}

/// An imported MSEL: the scenario's RON text (it loads), the rows that could not be read, and
/// what was read other than as the MSEL meant it.
#[derive(Debug)]
pub struct Imported {
    pub ron: String,
    pub source: Source,
    pub problems: Vec<Problem>,
    /// Rows written with something kept in the notes instead (a number too long for a `ref`).
    pub warnings: Vec<Problem>,
    pub injects: usize,
    pub teams: usize,
}

/// Reads an MSEL. `file` names it in messages and tells CSV, XLSX, ODS and JSON apart by its
/// extension. An `Err` is a file that could not be read at all; rows that could not be read are
/// in [`Imported::problems`], the others are in the scenario.
pub fn import(file: &str, bytes: &[u8], options: &ImportOptions) -> Result<Imported, String> {
    let book = book::read(
        file,
        bytes,
        options.sheet.as_deref(),
        options.msel.as_deref(),
    )?;
    let source = match (options.from, &options.map) {
        (Some(source), _) => source,
        // A map names the columns itself; the times are then read as HSEEP's.
        (None, Some(_)) => Source::Hseep,
        (None, None) => detect(&book)?,
    };
    let layout = columns::layout(&book.main, source, options.map.as_ref())
        .map_err(|e| format!("{file}: {e}"))?;
    let draft::Drafts {
        drafts,
        mut problems,
        notes,
        speed,
    } = draft::rows(&book.main, &layout, source);
    let origin = write::Origin {
        file,
        source,
        notes,
        speed,
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
        warnings: written.warnings,
        injects: written.injects,
        teams: written.teams,
    })
}

/// Which tool wrote this file, from its JSON shape or its header names.
fn detect(book: &book::Book) -> Result<Source, String> {
    if let Some(source) = book.json_source.or_else(|| formats::recognise(&book.main)) {
        return Ok(source);
    }
    Err(format!(
        "{}: the columns ({}) are not those of an HSEEP, T3SF, OpenBAS or Blueprint MSEL; \
         name them with --map MAP.ron (see docs/msel.md) or choose a format with --from",
        book.file,
        book.main
            .headers
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| crate::ron_file::quoted(h))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
