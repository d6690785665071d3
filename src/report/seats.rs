//! Who held which seat of a served exercise. The journal records every join, departure and
//! refusal as a seat line, which changes nothing in the exercise; the report lists the seats
//! that joined, from when to when (Appendix B).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::report::debrief::format_wall;
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

/// A seat that joined, in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeatReport {
    pub user: String,
    pub role: String,
    pub address: String,
    pub joined_at_s: Secs,
    pub joined_wall: Option<String>,
    /// `None`: the journal has no departure, because the server stopped without saying goodbye
    /// (a crash) or the exercise is still being served.
    pub left_at_s: Option<Secs>,
    pub left_wall: Option<String>,
}

/// The seats that joined, in the order they joined, each with its departure.
pub fn attendance(records: &[SeatRecord]) -> Vec<SeatReport> {
    let mut seats: Vec<SeatReport> = Vec::new();
    // The open seat of each connection number. Numbers start again when a crashed server is
    // resumed: a new join under a number takes it over, and the old seat stays without end.
    let mut open: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for record in records {
        let event = &record.event;
        match event.change {
            SeatChange::Joined => {
                open.insert(event.seat, seats.len());
                seats.push(SeatReport {
                    user: event.user.clone(),
                    role: event.role.clone().unwrap_or_default(),
                    address: event.address.clone(),
                    joined_at_s: record.at_s,
                    joined_wall: record.at_wall.map(format_wall),
                    left_at_s: None,
                    left_wall: None,
                });
            }
            SeatChange::Left => {
                if let Some(ix) = open.remove(&event.seat) {
                    seats[ix].left_at_s = Some(record.at_s);
                    seats[ix].left_wall = record.at_wall.map(format_wall);
                }
            }
            SeatChange::Refused => {}
        }
    }
    seats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at_s: Secs, change: SeatChange, seat: u64, user: &str) -> SeatRecord {
        SeatRecord {
            at_s,
            at_wall: None,
            event: SeatEvent {
                change,
                seat,
                user: user.into(),
                role: (change != SeatChange::Refused).then(|| format!("team {user}")),
                address: "10.0.0.7:50022".into(),
                not_logged: 0,
            },
        }
    }

    #[test]
    fn each_join_is_paired_with_its_own_departure() {
        let seats = attendance(&[
            line(0, SeatChange::Joined, 1, "soc"),
            line(10, SeatChange::Refused, 0, "cert"),
            line(20, SeatChange::Joined, 2, "cert"),
            line(30, SeatChange::Left, 1, "soc"),
            // A crash, then the resumed server numbers its connections from 1 again.
            line(40, SeatChange::Joined, 1, "soc"),
            line(50, SeatChange::Left, 1, "soc"),
        ]);
        let spans: Vec<(&str, Secs, Option<Secs>)> = seats
            .iter()
            .map(|s| (s.user.as_str(), s.joined_at_s, s.left_at_s))
            .collect();
        assert_eq!(
            spans,
            vec![
                ("soc", 0, Some(30)),
                ("cert", 20, None),
                ("soc", 40, Some(50))
            ]
        );
        assert_eq!(seats[1].role, "team cert");
    }

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
