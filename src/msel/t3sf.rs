//! T3SF's MSEL (Base4Security's Technical Tabletop Exercises Simulation Framework), JSON or
//! XLSX: `#`, `Real Time`, `Date`, `Subject`, `From`, `Player`, `Script`, `Photo`,
//! `Picture Name`, `Profile`, `Poll`. `Real Time` (`07:31 PM`) is when T3SF delivers the inject
//! to the player, and `Date` (`Monday 9:30 AM`) the in-game time shown to them (T3SF's docs and
//! its loader, `T3SF.ProcessIncidents`). `#` is the inject's `ref`; a `Platform` column, where a
//! sheet has one, its `method`.

use super::role::{Aliases, Role};

pub const ALIASES: Aliases = &[
    (Role::Number, &["#"]),
    (Role::Time, &["real time"]),
    (Role::GameTime, &["date"]),
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
