//! OpenBAS's spreadsheet import (Filigran's breach and attack simulation platform). OpenBAS
//! reads a sheet through a mapper that the user sets up column by column; ttx knows the usual
//! header names, and a sheet without a header row in the layout of OpenBAS's own test files
//! (B inject type, C timing, D team, E title, F message, G description, H expectation,
//! I expectation description, J expectation score). Timings are `J+1 H+2 M-5` offsets or dates.

use super::role::{Aliases, Role, normalise};
use super::table::Table;
use super::times::openbas_timing;

pub const ALIASES: Aliases = &[
    (Role::Kind, &["inject type", "type"]),
    (
        Role::Time,
        &[
            "timing",
            "trigger time",
            "inject timing",
            "time",
            "date",
            "delay",
        ],
    ),
    (Role::To, &["team", "teams", "player", "players", "target"]),
    (Role::Subject, &["title", "subject", "inject title"]),
    (Role::Body, &["message", "content", "body"]),
    (Role::Notes, &["description", "inject description"]),
    (
        Role::Expected,
        &[
            "expectation",
            "expectations",
            "expectation name",
            "expected result",
        ],
    ),
    (
        Role::Score,
        &["score", "expectation score", "expected score"],
    ),
];

/// The columns of a sheet without headers, by letter.
pub const HEADERLESS: &[(Role, &str)] = &[
    (Role::Kind, "B"),
    (Role::Time, "C"),
    (Role::To, "D"),
    (Role::Subject, "E"),
    (Role::Body, "F"),
    (Role::Notes, "G"),
    (Role::Expected, "H"),
    (Role::Score, "J"),
];

/// What OpenBAS's columns hold in a sheet without headers, for messages and notes.
pub const HEADERLESS_NAMES: &[(&str, &str)] = &[
    ("B", "inject type"),
    ("C", "timing"),
    ("D", "team"),
    ("E", "title"),
    ("F", "message"),
    ("G", "description"),
    ("H", "expectation"),
    ("I", "expectation description"),
    ("J", "score"),
];

/// The first row is an inject, not headers: its column C is an OpenBAS timing.
pub fn headerless(table: &Table) -> bool {
    table
        .header_row
        .as_ref()
        .and_then(|row| row.cells.get(2))
        .is_some_and(|cell| !cell.is_blank() && openbas_timing(cell).is_ok())
}

pub fn recognises(table: &Table) -> bool {
    let headers: Vec<String> = table.headers.iter().map(|h| normalise(h)).collect();
    let has = |name: &str| headers.iter().any(|h| h == name);
    headerless(table) || (has("inject type") || has("timing")) && (has("team") || has("teams"))
}
