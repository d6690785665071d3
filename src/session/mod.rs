//! The session: one exercise, its clock and its journal. It is the only place where a command is
//! executed, whichever seat asked for it (the local terminal, an SSH channel), and the only place
//! where events are recorded. Every entry point that changes anything takes the asking seat's
//! role and first asks the allow-list (`Role::may`). Nothing here knows about terminals: seats
//! draw from it.
//!
//! This file holds the session's state and what every part of it shares; each part is a file of
//! its own, adding its methods to `Session`: commands through the clock, engine and journal
//! (`transaction`), the debrief (`debrief`), connected seats (`seats`), the console's log
//! (`narration`), the action picker's ranking (`search`) and the report's files (`export`).

mod debrief;
mod export;
mod narration;
mod search;
mod seats;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;
mod transaction;

use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::debrief::{Debrief, DebriefEvent, SeatEvent};
use crate::engine::{Event, Exercise, Refusal};
use crate::report::Report;
use crate::role::{Request, Role};
use crate::scenario::{ModuleIx, Secs};
use crate::text::{clock, speed_str};

pub use crate::text::capitalise;
use seats::{ReadMarks, Refusals};
pub use seats::{SeatInfo, Serving};

/// Where accepted commands' events go before any seat shows them (the journal, in the CLI).
pub trait Recorder: Send + Sync {
    /// Writes `events` (already applied to `exercise`) durably; an error stops the clock. Returns
    /// the wall-clock time the record carries, if it keeps one.
    fn record(
        &mut self,
        exercise: &Exercise,
        events: &[Event],
    ) -> Result<Option<OffsetDateTime>, NotRecorded>;
    /// Writes a debrief event (a rating, the summary, a plan edit) durably, as `record` does.
    fn record_debrief(
        &mut self,
        exercise: &Exercise,
        event: &DebriefEvent,
    ) -> Result<Option<OffsetDateTime>, NotRecorded>;
    /// Writes a seat's join, departure or refusal durably; the wall-clock time written, if any.
    fn record_seat(
        &mut self,
        exercise: &Exercise,
        event: &SeatEvent,
    ) -> Result<Option<OffsetDateTime>, NotRecorded>;
    /// Where the record is, for the screen (e.g. the journal's path).
    fn location(&self) -> String;
    /// The journal file, where the record is one: its signature goes into the report.
    fn journal(&self) -> Option<&Path>;
    /// Why the record, though written, could not be signed the last time it tried (an ended
    /// exercise's journal is signed after every line); once.
    fn take_signing_failure(&mut self) -> Option<String>;
}

/// Why a recorder did not write, as the seat and the log say it (the journal's own message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotRecorded(pub String);

/// Why the session did not do what a seat asked; each says it in the sentence the seat shows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refused {
    /// The asking seat's role may not ask for it (`Role::may`); nothing was tried.
    #[error("{}", role.refusal())]
    NotAllowed { role: Role, what: Request },
    /// The exercise has ended: its clock and commands are over, its debrief is not.
    #[error("The exercise has ended.")]
    Ended,
    /// The engine refused the command.
    #[error("{}", capitalise(&.0.to_string()))]
    Engine(Refusal),
    /// The journal did not take the command's record, or still refuses an earlier one: the
    /// clock is stopped until a retry succeeds.
    #[error(transparent)]
    NotRecorded(#[from] NotRecorded),
    /// The clock's time up to the command could not be recorded, so the command was not tried.
    #[error("The journal could not be written.")]
    ClockNotRecorded,
    /// No faster (or slower) speed than this one.
    #[error("Speed stays ×{}: the limit.", speed_str(*.0))]
    SpeedLimit(f64),
    /// A jump before the clock was started.
    #[error("Start the clock first (space).")]
    NotStarted,
    /// A jump with no release or deadline ahead.
    #[error("Nothing is scheduled.")]
    NothingScheduled,
    /// The inject (its id) was released already, at that time.
    #[error("{inject} was already released at {}.", clock(*at))]
    AlreadyReleased { inject: String, at: Secs },
    #[error("The teams already see the report.")]
    ReportAlreadyReleased,
    /// The debrief refused the entry (a bad date, an unknown item), or the journal did not take
    /// it: the debrief's message.
    #[error("{}", capitalise(.0))]
    Debrief(String),
    /// The journal's signature could not be read for the report.
    #[error("Could not check the journal's signature: {0}")]
    Signature(String),
    /// The report's files could not be written under `dir`.
    #[error("Could not write the report under {dir}: {reason}")]
    Export { dir: String, reason: String },
}

/// How far the session has changed since it was made: a seat that drew at one `Versions` needs
/// no new frame until they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Versions {
    /// Every change a team's seat may show but the clock's time.
    pub content: u64,
    /// Changes only the facilitator's views show: the log's lines about the server and the
    /// seats, the connected seats. A team's seat never redraws for them, so that a room of
    /// hundreds joining redraws the console at each join, not every seat.
    pub staff: u64,
    /// The clock's time moving on.
    pub clock: u64,
}

pub struct Session {
    exercise: Exercise,
    recorder: Box<dyn Recorder>,
    journal_location: String,
    clock: Clock,
    wall: Duration,
    report_dir: PathBuf,
    /// Wall time of the last clock checkpoint written to the journal.
    last_checkpoint: Duration,
    /// Recording failed: the clock is stopped and nothing goes on until it succeeds.
    record_error: Option<NotRecorded>,
    pending: Vec<Event>,
    log: Vec<(Secs, String)>,
    /// Per team: what its last response did, in plain words (every seat of the team sees it).
    outcomes: Vec<Vec<String>>,
    /// The facilitator let the teams see the after-action report.
    report_released: bool,
    seats: Vec<SeatInfo>,
    refusals: Refusals,
    /// What each seat's user has opened in each team's inbox, for as long as the session runs.
    read: ReadMarks,
    /// How to join, once the server listens.
    serving: Option<Serving>,
    /// Counts every change a seat may show but the clock's time moving on, so seats know when
    /// to redraw at once.
    version: u64,
    /// Counts the changes only the facilitator's views show (see `Versions::staff`).
    staff_version: u64,
    /// Counts the ticks that moved the clock's time: a seat may redraw for these at its own
    /// pace, since a clock a moment late misleads nobody.
    clock_moves: u64,
    /// The debrief written so far (ratings, summary, plan edits) and the journal's wall-clock
    /// dates: with the exercise, all the after-action report is made of.
    debrief: Debrief,
    /// The module of the discussion the log last said began.
    announced_module: Option<ModuleIx>,
}

impl Session {
    pub fn new(exercise: Exercise, recorder: Box<dyn Recorder>, report_dir: PathBuf) -> Self {
        let clock = Clock::new(exercise.now(), exercise.speed());
        let journal_location = recorder.location();
        let outcomes = vec![Vec::new(); exercise.scenario().teams.len()];
        let mut session = Session {
            exercise,
            recorder,
            journal_location,
            clock,
            wall: Duration::ZERO,
            report_dir,
            last_checkpoint: Duration::ZERO,
            record_error: None,
            pending: Vec::new(),
            log: Vec::new(),
            outcomes,
            report_released: false,
            seats: Vec::new(),
            refusals: Refusals::default(),
            read: ReadMarks::default(),
            serving: None,
            version: 0,
            staff_version: 0,
            clock_moves: 0,
            debrief: Debrief::default(),
            announced_module: None,
        };
        if session.exercise.is_running() {
            session.clock.run(Duration::ZERO);
        }
        session
    }

    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    pub fn debrief(&self) -> &Debrief {
        &self.debrief
    }

    /// Goes on with the debrief a journal already holds (a resumed exercise).
    pub fn with_debrief(mut self, debrief: Debrief) -> Self {
        self.debrief = debrief;
        self
    }

    /// The after-action report as it stands: the exercise with the debrief written so far, the
    /// same as `ttx report` gives from the journal.
    pub fn report(&self) -> Report {
        Report::evaluated(&self.exercise, &self.debrief)
    }

    pub fn log(&self) -> &[(Secs, String)] {
        &self.log
    }

    pub fn journal_location(&self) -> &str {
        &self.journal_location
    }

    pub fn record_error(&self) -> Option<&str> {
        self.record_error.as_ref().map(|error| error.0.as_str())
    }

    pub fn report_released(&self) -> bool {
        self.report_released
    }

    /// What a seat draws from, in two counts: the content, and the clock's time.
    pub fn versions(&self) -> Versions {
        Versions {
            content: self.version,
            staff: self.staff_version,
            clock: self.clock_moves,
        }
    }

    pub fn wall(&self) -> Duration {
        self.wall
    }

    pub fn report_dir(&self) -> &Path {
        &self.report_dir
    }

    /// The wall clock moved on (a key, a tick); it never goes back.
    pub fn set_wall(&mut self, wall: Duration) {
        self.wall = self.wall.max(wall);
    }

    /// Whether `role` may ask for `request`: the one check every entry point makes first.
    fn allow(role: Role, request: Request) -> Result<(), Refused> {
        if role.may(request) {
            Ok(())
        } else {
            Err(Refused::NotAllowed {
                role,
                what: request,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{MemoryRecorder, discussion, session, session_of};
    use super::*;
    use crate::debrief::{FeedbackForm, PlanField};
    use crate::engine::{Command, NoteKind, Response};
    use crate::scenario::{ActionIx, InjectIx, ObjectiveIx, TeamIx};

    /// Every request a seat may make of the phishing exercise, in the columns of `ALLOWED`.
    fn every_request() -> Vec<Request> {
        let (soc, cert) = (TeamIx(0), TeamIx(1));
        vec![
            Request::StartPause,
            Request::Speed,
            Request::Jump,
            Request::Release,
            Request::End,
            Request::Note,
            Request::Respond(soc),
            Request::Respond(cert),
            Request::Message(soc),
            Request::Message(cert),
            Request::Rate,
            Request::Summarise,
            Request::Plan,
            Request::ReleaseReport,
            Request::Export,
            Request::RetryRecording,
            Request::Judge,
            Request::Finalise,
            Request::HotWash,
            Request::Answer(soc),
            Request::Answer(cert),
            Request::Feedback,
        ]
    }

    /// What a request needs to have happened first: a done expectation to judge, an ended
    /// exercise to make final.
    fn prepare(session: &mut Session, request: Request) {
        match request {
            Request::Judge => {
                let exercise = session.exercise();
                let open = exercise
                    .expectations_in_release_order()
                    .iter()
                    .map(|ix| exercise.expectation(*ix))
                    .find(|e| e.done.is_none() && e.action.is_some())
                    .expect("the test exercise has an open expectation");
                let response = Response {
                    team: open.team,
                    action: open.action.expect("found with an action"),
                    fields: Vec::new(),
                    note: None,
                    answers: None,
                    insufficient: Vec::new(),
                };
                session.respond(Role::Local, response).unwrap();
            }
            Request::Finalise | Request::HotWash | Request::Feedback => {
                session.end(Role::Local).unwrap();
            }
            _ => {}
        }
    }

    /// Who may ask for what, written out: `y` allowed, `-` refused, one column per request of
    /// `every_request`.
    const ALLOWED: &[(Role, &str)] = &[
        //                 start speed jump release end note respond(soc, cert) message(soc, cert)
        //                 rate summarise plan release-report export retry judge finalise
        //                 hot-wash answer(soc, cert) feedback
        (Role::Local, "yyyyy y yy yy yyy yyy yy y yy y"),
        (Role::Facilitator, "yyyyy y yy yy yyy yyy yy y yy y"),
        (Role::Observer, "----- - -- -- --- --- -- - -- y"),
        (Role::Evaluator, "----- y -- -- y-- --- y- y -- y"),
        (Role::Team(TeamIx(0)), "----- - y- y- --- --- -- - y- y"),
        (Role::Team(TeamIx(1)), "----- - -y -y --- --- -- - -y y"),
    ];

    /// Asks the session for `request` as `role` would, through the entry point a seat uses.
    fn ask(session: &mut Session, role: Role, request: Request) -> Result<(), Refused> {
        match request {
            Request::StartPause => session.start_pause(role).map(drop),
            Request::Speed => session.change_speed(role, true).map(drop),
            Request::Jump => session.jump_next(role).map(drop),
            Request::Release => session.release(role, InjectIx(5)).map(drop),
            Request::End => session.end(role).map(drop),
            Request::Note => session
                .note(
                    role,
                    Command::Note {
                        team: None,
                        objective: None,
                        kind: NoteKind::Strength,
                        text: "calm under pressure".into(),
                    },
                )
                .map(drop),
            Request::Respond(team) => session
                .respond(
                    role,
                    Response {
                        team,
                        action: ActionIx(0),
                        fields: Vec::new(),
                        note: None,
                        answers: None,
                        insufficient: Vec::new(),
                    },
                )
                .map(drop),
            Request::Message(team) => session
                .say(
                    role,
                    Command::Say {
                        team,
                        to: None,
                        text: "we see it too".into(),
                        in_reply_to: None,
                    },
                )
                .map(drop),
            Request::Rate => session
                .write_debrief(
                    role,
                    DebriefEvent::Rated(crate::debrief::Rated {
                        objective: "contain".into(),
                        team: None,
                        rating: crate::debrief::evaluation::Rating::S,
                        reason: Some("seen in the room".into()),
                        analysis: None,
                        by: None,
                    }),
                )
                .map(drop),
            Request::Summarise => session
                .write_debrief(
                    role,
                    DebriefEvent::Summary(crate::debrief::Summary {
                        text: "A calm room.".into(),
                    }),
                )
                .map(drop),
            Request::Plan => {
                let item = session.debrief().next_added_id();
                session
                    .write_debrief(
                        role,
                        DebriefEvent::PlanAdded(crate::debrief::PlanAdded {
                            item: item.clone(),
                            objective: None,
                            team: None,
                            issue: "Escalation was slow".into(),
                        }),
                    )
                    .and_then(|_| {
                        session.edit_plan_item(
                            role,
                            &item,
                            vec![(PlanField::Responsible, "The SOC lead".into())],
                        )
                    })
                    .map(drop)
            }
            Request::Judge => session
                .judge(
                    role,
                    Command::Judge {
                        expectation: session
                            .exercise()
                            .expectations_in_release_order()
                            .iter()
                            .copied()
                            .find(|ix| session.exercise().expectation(*ix).done.is_some())
                            .expect("the test exercise has a done expectation"),
                        insufficient: Vec::new(),
                        reason: None,
                        by: "eva".into(),
                    },
                )
                .map(drop),
            Request::Finalise => session.finalise(role).map(drop),
            Request::HotWash => session
                .hot_wash(
                    role,
                    ObjectiveIx(0),
                    NoteKind::Strength,
                    "The room kept calm".into(),
                )
                .map(drop),
            Request::Answer(team) => {
                let question = session.exercise().scenario().question_ix("first-need");
                session
                    .answer(
                        role,
                        team,
                        question.expect("the test scenario asks it"),
                        "Their logs".into(),
                    )
                    .map(drop)
            }
            Request::Feedback => session
                .submit_feedback(
                    role,
                    FeedbackForm {
                        ratings: vec![Some(4); 6],
                        ..FeedbackForm::default()
                    },
                )
                .map(drop),
            Request::ReleaseReport => session.release_report(role).map(drop),
            Request::Export => session.export(role).map(drop),
            Request::RetryRecording => session.retry_recording(role).map(drop),
        }
    }

    /// What a refused request must leave as it was: the exercise, the debrief, the journal, the
    /// log, what the seats are told changed.
    fn state(
        session: &Session,
        recorder: &MemoryRecorder,
    ) -> impl PartialEq + std::fmt::Debug + use<> {
        (
            session.report(),
            session.versions(),
            session.log().to_vec(),
            session.report_released(),
            recorder.events(),
            recorder.debrief.lock().unwrap().clone(),
        )
    }

    /// Every role against every request, each on a running exercise of its own: the session does
    /// what the allow-list allows and refuses the rest, with the sentence the seat shows, and a
    /// refused request changes and records nothing.
    #[test]
    fn every_role_may_ask_for_what_the_allow_list_says_and_nothing_else() {
        for (role, row) in ALLOWED {
            let row: Vec<bool> = row
                .chars()
                .filter(|c| *c != ' ')
                .map(|c| c == 'y')
                .collect();
            assert_eq!(row.len(), every_request().len(), "{role:?}'s row");
            for (request, allowed) in every_request().into_iter().zip(row) {
                assert_eq!(
                    role.may(request),
                    allowed,
                    "{role:?} asking for {request:?}"
                );
                let recorder = MemoryRecorder::default();
                let reports = tempfile::tempdir().unwrap();
                let mut session = session_of(discussion(), &recorder);
                session.report_dir = reports.path().to_path_buf();
                session.start_pause(Role::Local).unwrap();
                session.set_wall(Duration::from_secs(60));
                prepare(&mut session, request);
                let before = state(&session, &recorder);
                let result = ask(&mut session, *role, request);
                if allowed {
                    assert_eq!(result, Ok(()), "{role:?} asking for {request:?}");
                } else {
                    let refused = result.unwrap_err();
                    assert_eq!(
                        refused,
                        Refused::NotAllowed {
                            role: *role,
                            what: request
                        }
                    );
                    assert_eq!(refused.to_string(), role.refusal());
                    assert_eq!(state(&session, &recorder), before, "{role:?} {request:?}");
                    assert_eq!(std::fs::read_dir(reports.path()).unwrap().count(), 0);
                }
            }
        }
    }

    /// What each refusal is, as a seat meets it through the session, and the sentence the seat
    /// shows for it.
    #[test]
    fn refusals_say_what_went_wrong_in_the_seats_words() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        let seat = Role::Local;
        let refused = |result: Result<String, Refused>| {
            let refused = result.unwrap_err();
            let said = refused.to_string();
            (refused, said)
        };
        let say = |text: &str| Command::Say {
            team: TeamIx(0),
            to: None,
            text: text.into(),
            in_reply_to: None,
        };

        assert_eq!(
            refused(session.jump_next(seat)),
            (Refused::NotStarted, "Start the clock first (space).".into())
        );
        session.start_pause(seat).unwrap();
        session.change_speed(seat, false).unwrap();
        assert_eq!(
            refused(session.change_speed(seat, false)),
            (
                Refused::SpeedLimit(0.5),
                "Speed stays ×0.5: the limit.".into()
            )
        );
        session.release(seat, InjectIx(5)).unwrap();
        let inject = session
            .exercise()
            .scenario()
            .inject(InjectIx(5))
            .id
            .as_str()
            .to_owned();
        assert_eq!(
            refused(session.release(seat, InjectIx(5))),
            (
                Refused::AlreadyReleased {
                    inject: inject.clone(),
                    at: 0
                },
                format!("{inject} was already released at 00:00:00.")
            )
        );
        assert_eq!(
            refused(session.say(seat, say(" "))),
            (
                Refused::Engine(Refusal::EmptyMessage),
                "A hotline message needs some text".into()
            )
        );
        session.release_report(seat).unwrap();
        assert_eq!(
            refused(session.release_report(seat)),
            (
                Refused::ReportAlreadyReleased,
                "The teams already see the report.".into()
            )
        );

        // An hour on, injects are due: the clock's catching up is what the journal refuses.
        *recorder.fail.lock().unwrap() = Some("disk full".into());
        session.set_wall(Duration::from_secs(3600));
        assert_eq!(
            refused(session.say(seat, say("we see it too"))),
            (
                Refused::ClockNotRecorded,
                "The journal could not be written.".into()
            )
        );
        let not_recorded = (
            Refused::NotRecorded(NotRecorded("disk full".into())),
            "disk full".to_string(),
        );
        assert_eq!(
            refused(session.say(seat, say("we see it too"))),
            not_recorded
        );
        assert_eq!(refused(session.retry_recording(seat)), not_recorded);
        *recorder.fail.lock().unwrap() = None;
        session.retry_recording(seat).unwrap();

        session.end(seat).unwrap();
        assert_eq!(
            refused(session.start_pause(seat)),
            (Refused::Ended, "The exercise has ended.".into())
        );
        let Err(Refused::Debrief(why)) = session.edit_plan_item(
            seat,
            "I-1",
            vec![(PlanField::Completion, "next spring".into())],
        ) else {
            panic!("a plan date the debrief cannot read is refused");
        };
        assert!(why.starts_with(char::is_lowercase), "{why}");

        let not_a_folder = tempfile::NamedTempFile::new().unwrap();
        session.report_dir = not_a_folder.path().to_path_buf();
        let refused = session.export(seat).unwrap_err();
        assert!(matches!(refused, Refused::Export { .. }), "{refused:?}");
        assert!(
            refused.to_string().starts_with(&format!(
                "Could not write the report under {}: ",
                not_a_folder.path().display()
            )),
            "{refused}"
        );
    }
}
