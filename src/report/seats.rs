//! Who held which seat of a served exercise: the report lists the seats that joined, from when to
//! when (Appendix B), from the journal's seat lines (`debrief::SeatRecord`).

use serde::Serialize;

use crate::debrief::{SeatChange, SeatRecord, format_wall};
use crate::scenario::Secs;

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
    use crate::debrief::SeatEvent;

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
}
