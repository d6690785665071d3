//! Who held which seat of a served exercise, from the journal's seat lines
//! (`debrief::SeatRecord`): every connection that joined, from when to when (JSON `seats`), and
//! the people they were, once each (JSON `people`, the report's Appendix B).

use serde::Serialize;

use crate::debrief::{SeatRecord, connections, format_wall};
use crate::scenario::Secs;

/// A connection that joined, in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeatReport {
    pub user: String,
    /// Who held it, as the roster named them; `null` where it gave no name.
    pub name: Option<String>,
    pub role: String,
    pub address: String,
    pub joined_at_s: Secs,
    pub joined_wall: Option<String>,
    /// `None`: the journal has no departure, because the exercise is still being served (or
    /// the server stopped without a goodbye and the journal was not resumed since).
    pub left_at_s: Option<Secs>,
    pub left_wall: Option<String>,
    /// The connection died with a server that stopped without a goodbye: it ends at the last
    /// moment the journal knew of before the resume.
    pub lost: bool,
    /// No departure, and a later join took over its number: it ended when a server stopped
    /// without a goodbye, in a journal from before `lost` departures, at a time unknown.
    pub end_unknown: bool,
}

/// One person, in the report: the connections of one roster user, in one role, from one host,
/// however often they reconnected or the server was resumed. One person who joins again from
/// another network is two rows; two people behind one address (a NAT) sharing a join code are
/// one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonReport {
    /// The latest name the roster gave the user, where it gave one (a name filled in between a
    /// crash and the resume names the whole row).
    pub name: Option<String>,
    /// The user joined from more than one host: the name is the seat's, and this row may be
    /// someone else holding it.
    pub shared_seat: bool,
    pub user: String,
    pub role: String,
    /// The host the connections came from, without the port each connection had.
    pub host: String,
    /// The first join.
    pub joined_at_s: Secs,
    pub joined_wall: Option<String>,
    /// The latest departure; `None` while one of the connections has none, or where the last
    /// one ended at a time the journal does not know (`end_unknown`).
    pub left_at_s: Option<Secs>,
    pub left_wall: Option<String>,
    /// The last connection ended when a server stopped without a goodbye, in a journal from
    /// before `lost` departures: at a time the journal does not know.
    pub end_unknown: bool,
    pub connections: usize,
}

/// The connections that joined, in the order they joined, each with its departure.
pub fn attendance(records: &[SeatRecord]) -> Vec<SeatReport> {
    connections(records)
        .iter()
        .map(|c| {
            let join = c.joined;
            SeatReport {
                user: join.event.user.clone(),
                name: join.event.name.clone(),
                role: join.event.role.clone().unwrap_or_default(),
                address: join.event.address.clone(),
                joined_at_s: join.at_s,
                joined_wall: join.at_wall.map(format_wall),
                left_at_s: c.left.map(|l| l.at_s),
                left_wall: c.left.and_then(|l| l.at_wall).map(format_wall),
                lost: c.left.is_some_and(|l| l.event.lost),
                end_unknown: c.displaced,
            }
        })
        .collect()
}

/// The people behind `seats`, in the order they first joined.
pub fn people(seats: &[SeatReport]) -> Vec<PersonReport> {
    let mut people: Vec<(PersonReport, Vec<&SeatReport>)> = Vec::new();
    for seat in seats {
        let host = host(&seat.address);
        let same = |p: &PersonReport| p.user == seat.user && p.role == seat.role && p.host == host;
        match people.iter_mut().find(|(p, _)| same(p)) {
            Some((_, held)) => held.push(seat),
            None => people.push((
                PersonReport {
                    name: None,
                    shared_seat: false,
                    user: seat.user.clone(),
                    role: seat.role.clone(),
                    host: host.to_string(),
                    joined_at_s: seat.joined_at_s,
                    joined_wall: seat.joined_wall.clone(),
                    left_at_s: None,
                    left_wall: None,
                    end_unknown: false,
                    connections: 0,
                },
                vec![seat],
            )),
        }
    }
    let hosts_of = |user: &str| {
        let mut hosts: Vec<&str> = seats
            .iter()
            .filter(|s| s.user == user)
            .map(|s| host(&s.address))
            .collect();
        hosts.sort_unstable();
        hosts.dedup();
        hosts.len()
    };
    people
        .into_iter()
        .map(|(mut person, held)| {
            person.connections = held.len();
            // Seats come in join order: the last name given is the latest.
            person.name = held.iter().rev().find_map(|s| s.name.clone());
            person.shared_seat = person.name.is_some() && hosts_of(&person.user) > 1;
            let open = held.iter().any(|s| s.left_at_s.is_none() && !s.end_unknown);
            // Overlapping connections (a reconnect before the old one dropped) end out of join
            // order: the person left with the latest departure.
            let last = held
                .iter()
                .filter_map(|s| s.left_at_s.map(|at_s| (at_s, &s.left_wall)))
                .max();
            // A displaced connection joined after the latest known departure ended later, when
            // is unknown: so does the person.
            let unknown_after = |end: Option<Secs>| {
                held.iter()
                    .any(|s| s.end_unknown && end.is_none_or(|end| s.joined_at_s > end))
            };
            if !open {
                if unknown_after(last.map(|(at_s, _)| at_s)) {
                    person.end_unknown = true;
                } else if let Some((at_s, wall)) = last {
                    person.left_at_s = Some(at_s);
                    person.left_wall = wall.clone();
                }
            }
            person
        })
        .collect()
}

/// `10.0.0.7` of `10.0.0.7:50022`, `::1` of `[::1]:50022`.
fn host(address: &str) -> &str {
    let host = address.rsplit_once(':').map_or(address, |(host, _)| host);
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::debrief::{SeatChange, SeatEvent};

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
                name: None,
                lost: false,
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

    /// A crash and a resume: the connections that died with the server end at the crash (the
    /// `lost` departures the resume wrote), and each person is one row, from their first join
    /// to their last departure, named as the roster names them.
    #[test]
    fn people_are_listed_once_across_a_crash_and_resume() {
        let named = |mut record: SeatRecord, name: &str| {
            record.event.name = Some(name.into());
            record
        };
        let lost = |mut record: SeatRecord| {
            record.event.lost = true;
            record
        };
        let mut cert_elsewhere = line(20, SeatChange::Joined, 2, "cert");
        cert_elsewhere.event.address = "[2001:db8::5]:41000".into();
        let mut cert_lost = line(90, SeatChange::Left, 2, "cert");
        cert_lost.event.address = "[2001:db8::5]:41000".into();
        let seats = attendance(&[
            named(line(0, SeatChange::Joined, 1, "soc"), "Dana Reyes"),
            cert_elsewhere,
            line(30, SeatChange::Joined, 3, "observer"),
            line(40, SeatChange::Left, 3, "observer"),
            // The server crashed at 90 s; the resume wrote the departures it lost.
            lost(line(90, SeatChange::Left, 1, "soc")),
            lost(cert_lost),
            named(line(95, SeatChange::Joined, 1, "soc"), "Dana Reyes"),
            line(200, SeatChange::Left, 1, "soc"),
        ]);
        assert_eq!(
            seats
                .iter()
                .map(|s| (s.left_at_s, s.lost))
                .collect::<Vec<_>>(),
            vec![
                (Some(90), true),
                (Some(90), true),
                (Some(40), false),
                (Some(200), false)
            ]
        );
        let people = people(&seats);
        // Name, user, host, from, to, connections.
        type Row<'a> = (Option<&'a str>, &'a str, &'a str, Secs, Option<Secs>, usize);
        let rows: Vec<Row> = people
            .iter()
            .map(|p| {
                (
                    p.name.as_deref(),
                    p.user.as_str(),
                    p.host.as_str(),
                    p.joined_at_s,
                    p.left_at_s,
                    p.connections,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some("Dana Reyes"), "soc", "10.0.0.7", 0, Some(200), 2),
                (None, "cert", "2001:db8::5", 20, Some(90), 1),
                (None, "observer", "10.0.0.7", 30, Some(40), 1),
            ]
        );
    }

    /// A person with a connection still open has no end yet, even if an earlier one ended.
    #[test]
    fn a_person_still_connected_has_no_end() {
        let seats = attendance(&[
            line(0, SeatChange::Joined, 1, "soc"),
            line(10, SeatChange::Left, 1, "soc"),
            line(20, SeatChange::Joined, 2, "soc"),
        ]);
        let people = people(&seats);
        assert_eq!(people.len(), 1);
        assert_eq!((people[0].left_at_s, people[0].connections), (None, 2));
    }

    /// The same user reconnects before the old TCP connection drops: the row ends with the
    /// later departure, not the last one written.
    #[test]
    fn overlapping_connections_end_with_the_latest_departure() {
        let seats = attendance(&[
            line(0, SeatChange::Joined, 1, "soc"),
            line(10, SeatChange::Joined, 2, "soc"),
            line(20, SeatChange::Left, 2, "soc"),
            line(100, SeatChange::Left, 1, "soc"),
        ]);
        let people = people(&seats);
        assert_eq!(people.len(), 1);
        assert_eq!((people[0].left_at_s, people[0].connections), (Some(100), 2));
    }

    /// The facilitator fills in the name between the crash and the resume: one row, named.
    #[test]
    fn a_name_given_between_crash_and_resume_names_one_row() {
        let mut named = line(50, SeatChange::Joined, 1, "soc");
        named.event.name = Some("Dana Reyes".into());
        let seats = attendance(&[
            line(0, SeatChange::Joined, 1, "soc"),
            line(40, SeatChange::Left, 1, "soc"),
            named,
        ]);
        let people = people(&seats);
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].name.as_deref(), Some("Dana Reyes"));
        assert!(!people[0].shared_seat);
    }

    /// One roster user from two hosts: two rows, neither claimed to be the named person.
    #[test]
    fn a_user_joining_from_two_hosts_is_a_shared_seat() {
        let mut home = line(0, SeatChange::Joined, 1, "soc");
        home.event.name = Some("Dana Reyes".into());
        let mut office = home.clone();
        office.event.seat = 2;
        office.event.address = "10.0.0.9:41000".into();
        let people = people(&attendance(&[home, office]));
        let rows: Vec<(&str, Option<&str>, bool)> = people
            .iter()
            .map(|p| (p.host.as_str(), p.name.as_deref(), p.shared_seat))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("10.0.0.7", Some("Dana Reyes"), true),
                ("10.0.0.9", Some("Dana Reyes"), true)
            ]
        );
    }

    /// An older journal: a connection open at a crash whose number a later join reused ended at
    /// an unknown time; it is not still connected.
    #[test]
    fn a_displaced_connection_ends_at_an_unknown_time() {
        let seats = attendance(&[
            line(0, SeatChange::Joined, 1, "soc"),
            line(50, SeatChange::Joined, 1, "cert"),
            line(60, SeatChange::Left, 1, "cert"),
        ]);
        assert_eq!(
            seats
                .iter()
                .map(|s| (s.left_at_s, s.end_unknown))
                .collect::<Vec<_>>(),
            vec![(None, true), (Some(60), false)]
        );
        let people = people(&seats);
        assert_eq!((people[0].left_at_s, people[0].end_unknown), (None, true));
        assert_eq!(
            (people[1].left_at_s, people[1].end_unknown),
            (Some(60), false)
        );
    }
}
