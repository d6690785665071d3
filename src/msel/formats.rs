//! The MSEL formats ttx reads, one file each: which tool wrote a sheet, what each format calls
//! its columns and how it writes its times. This is the one list of them; the format files know
//! nothing of it nor of each other.

use super::role::{Aliases, normalise};
use super::table::{Cell, Table};
use super::times::{self, RowTime};
use super::{blueprint, hseep, openbas, t3sf};

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

    /// The header names the format gives each part.
    pub fn aliases(self) -> Aliases {
        match self {
            Source::Hseep => hseep::ALIASES,
            Source::T3sf => t3sf::ALIASES,
            Source::Openbas => openbas::ALIASES,
            Source::Blueprint => blueprint::ALIASES,
        }
    }

    /// A row's time as the format writes it.
    pub fn time(self, cell: &Cell) -> Result<RowTime, String> {
        match self {
            Source::Hseep => times::scenario_time(cell),
            Source::T3sf => times::t3sf_real_time(cell),
            Source::Openbas => times::openbas_timing(cell),
            Source::Blueprint => times::blueprint_time(cell),
        }
    }
}

/// The format a sheet's headers give away, the most particular tried first: HSEEP's names are
/// common words that the other formats' sheets hold too.
pub fn recognise(table: &Table) -> Option<Source> {
    let headers: Vec<String> = table.headers.iter().map(|h| normalise(h)).collect();
    if t3sf::recognises(&headers) {
        Some(Source::T3sf)
    } else if blueprint::recognises(&headers) {
        Some(Source::Blueprint)
    } else if openbas::recognises(table) {
        Some(Source::Openbas)
    } else if hseep::recognises(&headers) {
        Some(Source::Hseep)
    } else {
        None
    }
}
