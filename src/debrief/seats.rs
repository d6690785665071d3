//! Who held which seat of a served exercise. The journal records every join, departure and
//! refusal as a seat line, which changes nothing in the exercise.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::scenario::Secs;

/// The longest user name a seat line keeps: a refused login may name any user at all.
pub const MAX_USER_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatChange {
    Joined,
    Left,
    Refused,
}

/// One seat line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatEvent {
    pub change: SeatChange,
    /// The connection's number within one run of the server, which pairs a departure with its
    /// join; 0 for a refusal, which never became a seat.
    pub seat: u64,
    pub user: String,
    /// `team ID`, `facilitator` or `observer`; `None` for a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub address: String,
    /// On a refusal: how many refusals before it, within a minute, were not logged one by one
    /// (see `Session::seat_refused`). Journals before it have none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_logged: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl SeatEvent {
    /// A refused login: the user name as the client sent it, shortened and without control
    /// characters, since anyone may send anything.
    pub fn refused(user: &str, address: &str) -> SeatEvent {
        let mut shown: String = user
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_USER_CHARS)
            .collect();
        if user.chars().filter(|c| !c.is_control()).count() > MAX_USER_CHARS {
            shown.push('…');
        }
        SeatEvent {
            change: SeatChange::Refused,
            seat: 0,
            user: shown,
            role: None,
            address: address.to_string(),
            not_logged: 0,
        }
    }
}

/// A seat line as read back: when (scenario time, and wall clock where the journal has it).
#[derive(Debug, Clone, PartialEq)]
pub struct SeatRecord {
    pub at_s: Secs,
    pub at_wall: Option<OffsetDateTime>,
    pub event: SeatEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_user_name_is_kept_short_and_inert() {
        let event = SeatEvent::refused(&format!("\x1b]0;owned\x07{}", "x".repeat(500)), "[::1]:1");
        assert!(
            !event.user.chars().any(char::is_control),
            "{:?}",
            event.user
        );
        assert_eq!(event.user.chars().count(), MAX_USER_CHARS + 1);
        assert!(event.user.ends_with('…'));
    }
}
