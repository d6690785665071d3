//! The parts a column of an MSEL can play, and how a format names the columns for each: the
//! words every format file speaks.

/// The part a column plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The inject's id.
    Id,
    /// The event number (`#`, `Event #`, `Control Number`): the inject's `ref`.
    Number,
    Time,
    /// ttx's own trigger words (`after detect`).
    Trigger,
    /// ttx's own `unless`, in trigger words (`when detect.rfa is met`).
    Unless,
    /// How the inject reaches the players: HSEEP's inject mode, OpenBAS's inject type.
    Method,
    From,
    /// The receiving teams.
    To,
    Subject,
    Body,
    Expected,
    Objective,
    Notes,
    /// T3SF's `Date`: the in-game time shown to the player (`Monday 9:30 AM`), which the body
    /// starts with; the time the inject is delivered is T3SF's `Real Time`, the `Time` column.
    GameTime,
    /// The `OpenBAS timing` that ttx's XLSX adds (`J+0 H+1 M+30`): the time of a row without a
    /// scenario time.
    Timing,
    /// T3SF's poll: `Pay the ransom | Don't pay it`.
    Poll,
    /// The kind of row (HSEEP's and Blueprint's `Event Type`): an inject, a contingency inject
    /// (held back, released by hand) or an expected action (of the inject before it).
    EventType,
    /// OpenBAS's expectation score.
    Score,
    /// OpenBAS's inject type (`Send a mail`): the method, and a title where the row has none.
    Kind,
}

/// The header names a format gives each part, lower case, spaces collapsed.
pub type Aliases = &'static [(Role, &'static [&'static str])];

/// Lower case, runs of blanks as one space, trimmed: how headers are compared.
pub fn normalise(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
