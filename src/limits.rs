//! Limits shared across modules. A leaf: it imports nothing from the crate, so any module may
//! take its limits from here, and the lowest layer that checks a value need not import the
//! module the value belongs to.

// Input sizes: what ttx reads of a file before refusing it, so that a damaged or hostile input
// (a device, a sparse file, a journal that is not one) costs bounded time and memory.

/// The largest scenario or script file that is read at all.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;
/// A journal larger than this is refused; a journal's signature covers at most this much.
pub const MAX_JOURNAL_BYTES: u64 = 512 * 1024 * 1024;
/// A journal line longer than this (without its `\n`) is refused, so a scenario whose source
/// would make the journal's header longer is refused before its exercise starts.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

// The clock's speed.

/// The slowest speed the clock runs at: a scenario second per 100 wall seconds. Slower, the
/// wall time to the next second overflows what a timer can wait.
pub const MIN_SPEED: f64 = 0.01;
/// The fastest speed the clock runs at: an hour of scenario per wall second. Faster, nobody can
/// follow the room.
pub const MAX_SPEED: f64 = 3600.0;

/// A speed from a scenario, a flag or a journal, refused outside `MIN_SPEED..=MAX_SPEED` with
/// the reason: the scenario loader checks it before any clock exists.
pub fn check_speed(speed: f64) -> Result<f64, String> {
    if (MIN_SPEED..=MAX_SPEED).contains(&speed) {
        Ok(speed)
    } else {
        Err(format!(
            "speed {speed:?} is out of range: ttx runs from {MIN_SPEED} to {MAX_SPEED} scenario \
             seconds per wall-clock second"
        ))
    }
}
