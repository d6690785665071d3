//! Limits that several layers check, in a leaf that imports nothing from the crate, so the
//! lowest layer that checks a value need not import the module the value belongs to.

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
