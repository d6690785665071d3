//! T3SF's MSEL (Base4Security's Technical Tabletop Exercises Simulation Framework), JSON or
//! XLSX: `#`, `Real Time`, `Date`, `Subject`, `From`, `Player`, `Script`, `Photo`,
//! `Picture Name`, `Profile`, `Poll`. Its `Date` (`Monday 9:30 AM`) is the scenario's clock;
//! `Real Time` is when T3SF last ran it and, like the pictures, is kept in the notes. `#` is the
//! inject's `ref`; a `Platform` column, where a sheet has one, its `method`.

use super::role::{Aliases, Role};

pub const ALIASES: Aliases = &[
    (Role::Number, &["#"]),
    (Role::Time, &["date"]),
    (Role::Subject, &["subject"]),
    (Role::From, &["from"]),
    (Role::To, &["player"]),
    (Role::Body, &["script"]),
    (Role::Poll, &["poll"]),
    (Role::Method, &["platform"]),
];

/// T3SF's own headers: the message in `Script`, the team in `Player`.
pub fn recognises(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|h| h == name);
    has("script") && has("player")
}
