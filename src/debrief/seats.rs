//! Who held which seat of a served exercise. The journal records every join, departure and
//! refusal as a seat line, which changes nothing in the exercise.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::scenario::Secs;

/// The longest user name a seat line keeps: a refused login may name any user at all (its
/// name is shortened to this and an ellipsis), and a roster user is at most this long.
pub const MAX_USER_CHARS: usize = 64;

/// The longest `name` a roster seat may give: a person's name and function, on one line.
pub const MAX_NAME_CHARS: usize = 120;

/// The longest address a seat line holds: an IPv6 address with a zone and a port is under it.
const MAX_ADDRESS_CHARS: usize = 100;

/// A roster seat's `name` as written: trimmed, none when blank (as `ttx roster` writes it, for
/// the facilitator to fill in); refused with control characters, which would reach every screen
/// and report that shows it, or over `MAX_NAME_CHARS`. The same rule holds for a name read
/// back from a journal's join.
pub fn person_name(written: &str) -> Result<Option<String>, String> {
    let name = written.trim();
    if name.chars().any(char::is_control) {
        return Err("`name` must not hold control characters (a tab, a line break)".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "`name` has at most {MAX_NAME_CHARS} characters: it names the person in the report"
        ));
    }
    Ok((!name.is_empty()).then(|| name.to_string()))
}

/// A roster's `user`: no control characters, at most `MAX_USER_CHARS`.
pub fn seat_user(user: &str) -> Result<(), String> {
    if user.chars().any(char::is_control) {
        return Err("`user` must not hold control characters (a tab, a line break)".into());
    }
    if user.chars().count() > MAX_USER_CHARS {
        return Err(format!("`user` has at most {MAX_USER_CHARS} characters"));
    }
    Ok(())
}

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
    /// On a join: who holds the seat, as the roster names them; absent where it gives no name
    /// (and in journals before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// On a departure: the connection died with a server that stopped without saying goodbye
    /// (a crash); written when the journal is resumed, at the journal's last moment before it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost: bool,
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
            name: None,
            lost: false,
            not_logged: 0,
        }
    }
}

impl SeatEvent {
    /// A seat line read from a journal holds what ttx writes: names, users, roles and addresses
    /// on one line of bounded length, for every screen and report that shows them. A line edited
    /// to hold a terminal escape or a megabyte is refused, as a bad fact line is.
    pub fn check(&self) -> Result<(), String> {
        let shortened = self.user.strip_suffix('…').unwrap_or(&self.user);
        seat_user(shortened).map_err(|m| format!("a seat line's {m}"))?;
        if let Some(name) = &self.name {
            person_name(name).map_err(|m| format!("a seat line's {m}"))?;
        }
        for (key, text, max) in [
            (
                "role",
                self.role.as_deref().unwrap_or_default(),
                MAX_NAME_CHARS,
            ),
            ("address", self.address.as_str(), MAX_ADDRESS_CHARS),
        ] {
            if text.chars().any(char::is_control) {
                return Err(format!(
                    "a seat line's `{key}` must not hold control characters"
                ));
            }
            if text.chars().count() > max {
                return Err(format!(
                    "a seat line's `{key}` has at most {max} characters"
                ));
            }
        }
        Ok(())
    }
}

/// A seat line as read back: when (scenario time, and wall clock where the journal has it).
#[derive(Debug, Clone, PartialEq)]
pub struct SeatRecord {
    pub at_s: Secs,
    pub at_wall: Option<OffsetDateTime>,
    pub event: SeatEvent,
}

/// One connection that became a seat: its join and, where the journal has it, its departure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Connection<'a> {
    pub joined: &'a SeatRecord,
    pub left: Option<&'a SeatRecord>,
    /// No departure, and a later join took over its number: it was open when a server stopped
    /// without a goodbye, in a journal from before `lost` departures, so it ended then, at a
    /// time the journal does not know. It is not still connected.
    pub displaced: bool,
}

/// The connections that joined, in the order they joined, each with its departure. A departure
/// finds its join by the connection's number; numbers start again when a crashed server is
/// resumed, so a new join under a number takes it over, and the old one is `displaced` (in
/// journals from before `lost` departures).
pub fn connections(records: &[SeatRecord]) -> Vec<Connection<'_>> {
    let mut connections: Vec<Connection> = Vec::new();
    let mut open: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for record in records {
        match record.event.change {
            SeatChange::Joined => {
                if let Some(ix) = open.insert(record.event.seat, connections.len()) {
                    connections[ix].displaced = true;
                }
                connections.push(Connection {
                    joined: record,
                    left: None,
                    displaced: false,
                });
            }
            SeatChange::Left => {
                if let Some(ix) = open.remove(&record.event.seat) {
                    connections[ix].left = Some(record);
                }
            }
            SeatChange::Refused => {}
        }
    }
    connections
}

/// The departures of the connections a journal leaves open, for a server that stopped without
/// saying goodbye: whoever was connected then was disconnected then. Written when the journal
/// is resumed, since only then is it sure that the server is gone (the resume holds the
/// journal's lock). A displaced connection gets none: its number now belongs to a later join,
/// which such a departure would close.
pub fn lost_with_the_server(records: &[SeatRecord]) -> Vec<SeatEvent> {
    connections(records)
        .iter()
        .filter(|c| c.left.is_none() && !c.displaced)
        .map(|c| SeatEvent {
            change: SeatChange::Left,
            name: None,
            lost: true,
            ..c.joined.event.clone()
        })
        .collect()
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

    fn record(at_s: Secs, change: SeatChange, seat: u64, user: &str) -> SeatRecord {
        SeatRecord {
            at_s,
            at_wall: None,
            event: SeatEvent {
                change,
                seat,
                user: user.into(),
                role: Some(format!("team {user}")),
                address: "192.0.2.7:50022".into(),
                name: (change == SeatChange::Joined).then(|| format!("{user} lead")),
                lost: false,
                not_logged: 0,
            },
        }
    }

    /// The connections a journal leaves open are the ones lost with the server: each gets a
    /// departure of its own number, user, role and address, marked lost.
    #[test]
    fn the_connections_left_open_are_lost_with_the_server() {
        let lost = lost_with_the_server(&[
            record(0, SeatChange::Joined, 1, "soc"),
            record(5, SeatChange::Joined, 2, "cert"),
            record(9, SeatChange::Left, 1, "soc"),
            record(12, SeatChange::Joined, 3, "soc"),
        ]);
        let lost: Vec<(u64, &str, bool, SeatChange, Option<&str>)> = lost
            .iter()
            .map(|e| (e.seat, e.user.as_str(), e.lost, e.change, e.name.as_deref()))
            .collect();
        assert_eq!(
            lost,
            vec![
                (2, "cert", true, SeatChange::Left, None),
                (3, "soc", true, SeatChange::Left, None)
            ]
        );
    }

    /// An older journal (before `lost` departures): soc's connection 1 was open at a crash, and
    /// after the resume cert joined as 1 again. Only cert is open; soc's connection ended at the
    /// crash, and a lost departure for it would close cert's connection instead.
    #[test]
    fn a_connection_displaced_by_a_reused_number_is_not_lost_again() {
        let records = [
            record(0, SeatChange::Joined, 1, "soc"),
            // Crash; resumed by a ttx that wrote no lost departures.
            record(50, SeatChange::Joined, 1, "cert"),
        ];
        let open: Vec<(&str, bool, bool)> = connections(&records)
            .iter()
            .map(|c| (c.joined.event.user.as_str(), c.left.is_some(), c.displaced))
            .collect();
        assert_eq!(open, vec![("soc", false, true), ("cert", false, false)]);
        let lost = lost_with_the_server(&records);
        let lost: Vec<(u64, &str)> = lost.iter().map(|e| (e.seat, e.user.as_str())).collect();
        assert_eq!(lost, vec![(1, "cert")]);
    }

    /// Found in review: seat lines read from disk were not checked, so a journal edited to put
    /// a terminal escape or a megabyte in a name reached every report that showed it.
    #[test]
    fn a_seat_line_holding_what_ttx_never_writes_is_refused() {
        let good = record(0, SeatChange::Joined, 1, "soc").event;
        assert_eq!(good.check(), Ok(()));
        assert_eq!(
            SeatEvent::refused(&"x".repeat(500), "[::1]:1").check(),
            Ok(())
        );
        let bad = [
            SeatEvent {
                name: Some("Ana\u{1b}[2J".into()),
                ..good.clone()
            },
            SeatEvent {
                name: Some("x".repeat(MAX_NAME_CHARS + 1)),
                ..good.clone()
            },
            SeatEvent {
                user: "soc\n".into(),
                ..good.clone()
            },
            SeatEvent {
                user: "x".repeat(MAX_USER_CHARS + 1),
                ..good.clone()
            },
            SeatEvent {
                address: "\u{7}10.0.0.1:2".into(),
                ..good.clone()
            },
            SeatEvent {
                address: "1".repeat(MAX_ADDRESS_CHARS + 1),
                ..good.clone()
            },
        ];
        for event in bad {
            assert!(event.check().is_err(), "{event:?}");
        }
    }
}
