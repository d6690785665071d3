//! The seats connected to a served exercise: who joined, left or was refused, each recorded in
//! the journal beside the exercise without changing it; and how to join, for the facilitator.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use super::Session;
use crate::debrief::{SeatChange, SeatEvent, SeatRecord};
use crate::engine::Answers;
use crate::scenario::TeamIx;

/// At most this many refused logins a minute are logged and journaled one by one, so that
/// refusals from many addresses cannot flood the journal; the rest are counted.
const REFUSALS_LOGGED_PER_MINUTE: usize = 30;
const REFUSAL_MINUTE: Duration = Duration::from_secs(60);

/// A connected remote seat, as the facilitator's seats panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatInfo {
    pub id: u64,
    pub user: String,
    pub role: String,
    pub address: String,
    /// Who holds the seat, as the roster names them.
    pub name: Option<String>,
    /// Wall time of joining and of the last key, on the session's wall clock.
    pub since: Duration,
    pub last_key: Duration,
}

/// How to join a served exercise: shown only to the facilitator.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Serving {
    pub address: String,
    pub fingerprint: String,
    /// (user, join code) of every seat that has one.
    pub codes: Vec<(String, String)>,
}

/// The refused logins of the current minute.
#[derive(Default)]
pub(super) struct Refusals {
    /// When the minute began, on the session's wall clock.
    since: Option<Duration>,
    logged: usize,
    /// The last refusal not logged, and how many before it were not.
    held: Option<(SeatEvent, u64)>,
}

/// The inbox items each user has opened, per team. Opening is marked while a seat draws, under
/// the session's read lock, and changes nothing in the exercise: hence a lock of its own. Kept
/// for the session's life, so a seat that reconnects (or a second seat of the same user) finds
/// the inbox as it was left; not journaled, so a resumed exercise starts with every item new.
#[derive(Default)]
pub(super) struct ReadMarks {
    marks: Mutex<HashMap<String, HashSet<(TeamIx, Answers)>>>,
}

impl Session {
    /// Whether `user` has opened `item` of `team`'s inbox.
    pub fn has_read(&self, user: &str, team: TeamIx, item: Answers) -> bool {
        let marks = self.read.marks.lock().unwrap_or_else(|p| p.into_inner());
        marks
            .get(user)
            .is_some_and(|items| items.contains(&(team, item)))
    }

    /// `user` opened `item` of `team`'s inbox.
    pub fn mark_read(&self, user: &str, team: TeamIx, item: Answers) {
        let mut marks = self.read.marks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(items) = marks.get_mut(user) {
            items.insert((team, item));
        } else {
            marks.insert(user.to_string(), HashSet::from([(team, item)]));
        }
    }

    /// How many inbox items `user` has opened: a mark is never taken back, so what `user`'s
    /// seats show as new changes exactly when this count does, though no version moves.
    pub fn read_marks(&self, user: &str) -> usize {
        let marks = self.read.marks.lock().unwrap_or_else(|p| p.into_inner());
        marks.get(user).map_or(0, HashSet::len)
    }

    pub fn seats(&self) -> &[SeatInfo] {
        &self.seats
    }

    pub fn seat_joined(&mut self, info: SeatInfo) {
        let line = format!(
            "{} joined from {} as {}",
            info.user, info.address, info.role
        );
        self.note_seat(line);
        self.record_seat(SeatEvent {
            change: SeatChange::Joined,
            seat: info.id,
            user: info.user.clone(),
            role: Some(info.role.clone()),
            address: info.address.clone(),
            name: info.name.clone(),
            lost: false,
            not_logged: 0,
        });
        self.seats.push(info);
    }

    pub fn seat_left(&mut self, id: u64) {
        if let Some(pos) = self.seats.iter().position(|s| s.id == id) {
            let info = self.seats.remove(pos);
            self.note_seat(format!("{} ({}) left", info.user, info.address));
            self.record_seat(SeatEvent {
                change: SeatChange::Left,
                seat: info.id,
                user: info.user,
                role: Some(info.role),
                address: info.address,
                name: None,
                lost: false,
                not_logged: 0,
            });
        }
    }

    /// A login refused, logged and journaled unless this minute's refusals were logged
    /// already: then it is counted, and the minute's last one is logged when the minute is
    /// over (at the next refusal, or when the server stops), saying how many were not.
    pub fn seat_refused(&mut self, user: &str, address: &str) {
        let event = SeatEvent::refused(user, address);
        let wall = self.wall;
        if self
            .refusals
            .since
            .is_none_or(|since| wall.saturating_sub(since) >= REFUSAL_MINUTE)
        {
            self.log_held_refusal();
            self.refusals = Refusals {
                since: Some(wall),
                ..Refusals::default()
            };
        }
        if self.refusals.logged < REFUSALS_LOGGED_PER_MINUTE {
            self.refusals.logged += 1;
            self.note_seat(format!("refused {} from {address}", event.user));
            self.record_seat(event);
        } else {
            let before = self.refusals.held.take().map_or(0, |(_, n)| n + 1);
            self.refusals.held = Some((event, before));
        }
    }

    /// Logs the last refusal held back, with how many before it were not logged.
    pub fn log_held_refusal(&mut self) {
        if let Some((mut event, before)) = self.refusals.held.take() {
            let mut line = format!("refused {} from {}", event.user, event.address);
            if before > 0 {
                line.push_str(&format!(
                    "; {before} more refusals not logged in the last minute"
                ));
            }
            event.not_logged = before;
            self.note_seat(line);
            self.record_seat(event);
        }
    }

    /// Writes a seat line to the journal. It changes nothing in the exercise, so a journal that
    /// refuses it stops nothing: the log says so. While the journal refuses the exercise's own
    /// events, no seat line goes before them.
    fn record_seat(&mut self, event: SeatEvent) {
        if self.record_error.is_some() {
            self.note_seat("not recorded: the journal is not being written".into());
            return;
        }
        match self.recorder.record_seat(&self.exercise, &event) {
            Ok(at_wall) => {
                self.debrief.seats.push(SeatRecord {
                    at_s: self.exercise.now(),
                    at_wall,
                    event,
                });
                self.note_signing();
            }
            Err(error) => self.note_seat(format!("not recorded in the journal: {error}")),
        }
    }

    pub fn seat_key(&mut self, id: u64) {
        let wall = self.wall;
        if let Some(seat) = self.seats.iter_mut().find(|s| s.id == id) {
            seat.last_key = wall;
        }
    }

    /// A line about the server (where it listens, the host key) for the console's log.
    pub fn note_server(&mut self, line: String) {
        self.log.push((self.exercise.now(), line));
        self.staff_version += 1;
    }

    /// A line about a seat for the console's log: only the facilitator's views change.
    fn note_seat(&mut self, line: String) {
        self.log
            .push((self.exercise.now(), format!("seat: {line}")));
        self.staff_version += 1;
    }

    /// Where the server listens and how to join, for the facilitator's seats panel.
    pub fn set_serving(&mut self, serving: Serving) {
        self.serving = Some(serving);
        self.staff_version += 1;
    }

    pub fn serving(&self) -> Option<&Serving> {
        self.serving.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MemoryRecorder, session};
    use super::*;

    fn info(id: u64, user: &str) -> SeatInfo {
        SeatInfo {
            id,
            user: user.into(),
            role: format!("team {user}"),
            address: "192.0.2.7:50022".into(),
            name: None,
            since: Duration::ZERO,
            last_key: Duration::ZERO,
        }
    }

    /// Seats joining, refused and leaving change only what the staff's views show (the log, the
    /// seats panel): no team's seat redraws for them.
    #[test]
    fn seats_coming_and_going_change_the_staffs_version_alone() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        let before = session.versions();
        session.seat_joined(info(1, "soc"));
        session.seat_refused("cert", "192.0.2.9:4000");
        session.seat_left(1);
        let after = session.versions();
        assert_eq!(after.content, before.content);
        assert_eq!(after.staff, before.staff + 3);
        assert_eq!(session.log().len(), 3);
    }

    /// A join, a refusal and a departure go to the recorder, and to the report's seats, without
    /// a single event of the exercise.
    #[test]
    fn seats_are_recorded_beside_the_exercise() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        session.seat_joined(info(1, "soc"));
        session.seat_refused("cert\u{1b}[2J", "192.0.2.9:4000");
        session.seat_left(1);
        let changes: Vec<(SeatChange, String)> = recorder
            .seats
            .lock()
            .unwrap()
            .iter()
            .map(|e| (e.change, e.user.clone()))
            .collect();
        assert_eq!(
            changes,
            vec![
                (SeatChange::Joined, "soc".to_string()),
                (SeatChange::Refused, "cert[2J".to_string()),
                (SeatChange::Left, "soc".to_string()),
            ]
        );
        assert!(recorder.events().is_empty());
        assert_eq!(session.debrief().seats.len(), 3);
        assert!(
            session
                .log()
                .iter()
                .any(|(_, l)| l == "seat: refused cert[2J from 192.0.2.9:4000")
        );
    }

    /// Refusals from many addresses: 30 a minute are logged and journaled one by one, the rest
    /// counted; the minute's last is logged when the minute is over (at a later refusal, or
    /// when the server stops), saying how many before it were not.
    #[test]
    fn refusals_are_logged_at_most_thirty_a_minute_then_summed_up() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        let refusals_logged = |session: &Session| {
            session
                .log()
                .iter()
                .filter(|(_, l)| l.starts_with("seat: refused"))
                .count()
        };
        for n in 0..1000u64 {
            session.set_wall(Duration::from_millis(n * 10));
            session.seat_refused("soc", &format!("192.0.2.{}:4000", n % 250));
        }
        assert_eq!(recorder.seats.lock().unwrap().len(), 30);
        assert_eq!(refusals_logged(&session), 30);

        session.set_wall(Duration::from_secs(75));
        session.seat_refused("cert", "198.51.100.1:5000");
        let lines = |recorder: &MemoryRecorder| -> Vec<(String, String, u64)> {
            recorder
                .seats
                .lock()
                .unwrap()
                .iter()
                .map(|e| (e.user.clone(), e.address.clone(), e.not_logged))
                .collect()
        };
        assert_eq!(
            lines(&recorder)[30..],
            [
                ("soc".into(), "192.0.2.249:4000".into(), 969),
                ("cert".into(), "198.51.100.1:5000".into(), 0),
            ]
        );
        assert!(session.log().iter().any(|(_, l)| l
            == "seat: refused soc from 192.0.2.249:4000; 969 more refusals not logged in the last minute"));

        // The new minute began with cert's: 29 more are logged, 11 held until the server stops.
        for n in 0..40u64 {
            session.seat_refused("observer", &format!("203.0.113.{n}:6000"));
        }
        assert_eq!(recorder.seats.lock().unwrap().len(), 32 + 29);
        session.log_held_refusal();
        assert_eq!(
            lines(&recorder).last(),
            Some(&("observer".into(), "203.0.113.39:6000".into(), 10))
        );
        assert_eq!(refusals_logged(&session), 62);
    }

    /// A journal that refuses a seat line stops nothing: the seat joins and the log says what
    /// was not recorded.
    #[test]
    fn a_seat_line_the_journal_refuses_is_said_in_the_log() {
        let recorder = MemoryRecorder::default();
        *recorder.fail.lock().unwrap() = Some("disk full".into());
        let mut session = session(&recorder);
        session.seat_joined(info(1, "soc"));
        assert_eq!(session.seats().len(), 1);
        assert!(session.debrief().seats.is_empty());
        assert!(
            session
                .log()
                .iter()
                .any(|(_, l)| l == "seat: not recorded in the journal: disk full"),
            "{:?}",
            session.log()
        );
    }
}
