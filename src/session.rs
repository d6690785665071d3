//! The session: one exercise, its clock and its journal. It is the only place where a command is
//! executed, whichever seat asked for it (the local terminal, an SSH channel), and the only place
//! where events are recorded. Every entry point that changes anything takes the asking seat's
//! role and first asks the allow-list (`Role::may`). Nothing here knows about terminals: seats
//! draw from it.

#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::debrief::{
    Debrief, DebriefEvent, PlanEdited, PlanField, SeatChange, SeatEvent, SeatRecord, check_entry,
};
use crate::engine::{
    Command, Event, Exercise, ExpectationIx, NoteKind, Outcome, Response, Source, Status,
};
use crate::report::{Format, Report};
use crate::role::{Request, Role};
use crate::scenario::{ActionIx, InjectIx, Secs, TeamIx};
use crate::text::{clock, short, speed_str};

/// How often (wall time) a running clock's time is recorded when nothing else happens.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(5);

/// At most this many refused logins a minute are logged and journaled one by one, so that
/// refusals from many addresses cannot flood the journal; the rest are counted.
const REFUSALS_LOGGED_PER_MINUTE: usize = 30;
const REFUSAL_MINUTE: Duration = Duration::from_secs(60);

/// Speeds the facilitator steps through with `+` and `-`.
pub const SPEEDS: &[f64] = &[
    0.5, 1.0, 2.0, 4.0, 6.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// Where accepted commands' events go before any seat shows them (the journal, in the CLI).
pub trait Recorder: Send + Sync {
    /// Writes `events` (already applied to `exercise`) durably; an error stops the clock. Returns
    /// the wall-clock time the record carries, if it keeps one.
    fn record(
        &mut self,
        exercise: &Exercise,
        events: &[Event],
    ) -> Result<Option<OffsetDateTime>, String>;
    /// Writes a debrief event (a rating, the summary, a plan edit) durably, as `record` does.
    fn record_debrief(
        &mut self,
        exercise: &Exercise,
        event: &DebriefEvent,
    ) -> Result<Option<OffsetDateTime>, String>;
    /// Writes a seat's join, departure or refusal durably; the wall-clock time written, if any.
    fn record_seat(
        &mut self,
        exercise: &Exercise,
        event: &SeatEvent,
    ) -> Result<Option<OffsetDateTime>, String>;
    /// Where the record is, for the screen (e.g. the journal's path).
    fn location(&self) -> String;
    /// The journal file, where the record is one: its signature goes into the report.
    fn journal(&self) -> Option<&Path>;
    /// Why the record, though written, could not be signed the last time it tried (an ended
    /// exercise's journal is signed after every line); once.
    fn take_signing_failure(&mut self) -> Option<String>;
}

/// Why the session did not do what a seat asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The asking seat's role may not ask for it (`Role::may`); nothing was tried.
    #[error("{}", role.refusal())]
    NotAllowed { role: Role, what: Request },
    /// Asked by a role that may, and refused all the same (by the engine, the journal, the state
    /// of the exercise), in a sentence for the seat.
    #[error("{0}")]
    Said(String),
}

impl From<String> for Refused {
    fn from(sentence: String) -> Self {
        Refused::Said(sentence)
    }
}

/// What asking for an engine command is.
fn request_of(command: &Command) -> Request {
    match command {
        Command::Start | Command::Pause | Command::Resume => Request::StartPause,
        Command::SetSpeed(_) => Request::Speed,
        Command::AdvanceTo(_) | Command::Checkpoint => Request::Jump,
        Command::Release(_) => Request::Release,
        Command::End | Command::RunOut => Request::End,
        Command::Note { .. } => Request::Note,
        Command::Respond(response) => Request::Respond(response.team),
        Command::Say { team, .. } => Request::Message(*team),
    }
}

/// What asking for a debrief event is.
fn debrief_request(event: &DebriefEvent) -> Request {
    match event {
        DebriefEvent::Rated(_) => Request::Rate,
        DebriefEvent::Summary(_) => Request::Summarise,
        DebriefEvent::PlanAdded(_) | DebriefEvent::PlanEdited(_) | DebriefEvent::PlanDropped(_) => {
            Request::Plan
        }
    }
}

/// A connected remote seat, as the facilitator's seats panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatInfo {
    pub id: u64,
    pub user: String,
    pub role: String,
    pub address: String,
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
struct Refusals {
    /// When the minute began, on the session's wall clock.
    since: Option<Duration>,
    logged: usize,
    /// The last refusal not logged, and how many before it were not.
    held: Option<(SeatEvent, u64)>,
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
    record_error: Option<String>,
    pending: Vec<Event>,
    log: Vec<(Secs, String)>,
    /// Per team: what its last response did, in plain words (every seat of the team sees it).
    outcomes: Vec<Vec<String>>,
    /// The facilitator let the teams see the after-action report.
    report_released: bool,
    seats: Vec<SeatInfo>,
    refusals: Refusals,
    /// Every seat line of the journal, earlier runs' included, for the report.
    serving: Option<Serving>,
    /// Counts every change a seat may show, so seats know when to redraw.
    version: u64,
    /// The debrief written so far (ratings, summary, plan edits) and the journal's wall-clock
    /// dates: with the exercise, all the after-action report is made of.
    debrief: Debrief,
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
            serving: None,
            version: 0,
            debrief: Debrief::default(),
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
        self.record_error.as_deref()
    }
    pub fn team_outcome(&self, team: TeamIx) -> &[String] {
        &self.outcomes[team.0]
    }
    pub fn report_released(&self) -> bool {
        self.report_released
    }
    pub fn seats(&self) -> &[SeatInfo] {
        &self.seats
    }
    pub fn version(&self) -> u64 {
        self.version
    }
    pub fn wall(&self) -> Duration {
        self.wall
    }
    pub fn report_dir(&self) -> &std::path::Path {
        &self.report_dir
    }

    /// Something seats show changed outside a command (a seat joined, a key was pressed).
    pub fn touch(&mut self) {
        self.version += 1;
    }

    /// The wall clock moved on (a key, a tick); it never goes back.
    pub fn set_wall(&mut self, wall: Duration) {
        self.wall = self.wall.max(wall);
    }

    /// Whether the clock runs, so the event loop should tick.
    pub fn wants_ticks(&self) -> bool {
        self.clock.is_running() && self.exercise.ended_at().is_none() && self.record_error.is_none()
    }

    /// The wall time until the clock reaches the next scenario second (a tick is worth it
    /// then), but never more than four ticks a second: the clock shows seconds.
    pub fn next_tick_in(&self, wall: Duration) -> Duration {
        let next = (self.clock.exact(wall).floor() as Secs).saturating_add(1);
        self.clock
            .wall_until(wall, next)
            .unwrap_or(Duration::from_millis(250))
            .clamp(Duration::from_millis(250), Duration::from_secs(1))
    }

    /// A clock tick at wall time `wall`; true when there is something new to draw.
    pub fn tick(&mut self, wall: Duration) -> bool {
        self.set_wall(wall);
        if !self.wants_ticks() {
            return false;
        }
        let before = (self.exercise.now(), self.log.len());
        self.advance();
        if self.wall.saturating_sub(self.last_checkpoint) >= CHECKPOINT_EVERY {
            self.checkpoint();
        }
        let changed = before != (self.exercise.now(), self.log.len());
        if changed {
            self.version += 1;
        }
        changed
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

    // ---- the clock ----

    /// Starts, pauses or resumes the clock; says what it did.
    pub fn start_pause(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::StartPause)?;
        self.refuse_if_ended()?;
        if !self.exercise.is_started() {
            self.run(Command::Start)?;
            self.clock.run(self.wall);
            Ok("Clock started.".into())
        } else if self.exercise.is_running() {
            self.run(Command::Pause)?;
            self.clock.pause(self.wall);
            Ok("Paused. Press space to resume.".into())
        } else {
            self.run(Command::Resume)?;
            self.clock.run(self.wall);
            Ok("Resumed.".into())
        }
    }

    pub fn change_speed(&mut self, role: Role, faster: bool) -> Result<String, Refused> {
        Self::allow(role, Request::Speed)?;
        self.refuse_if_ended()?;
        let current = self.exercise.speed();
        let next = if faster {
            SPEEDS.iter().copied().find(|s| *s > current + 1e-9)
        } else {
            SPEEDS.iter().rev().copied().find(|s| *s < current - 1e-9)
        };
        let Some(speed) = next else {
            return Err(format!("Speed stays ×{}: the limit.", speed_str(current)).into());
        };
        self.run(Command::SetSpeed(speed))?;
        self.clock.set_speed(self.wall, speed);
        Ok(format!("Speed ×{}.", speed_str(speed)))
    }

    /// Jumps the clock to the next scheduled release or deadline, records the jump (so that a
    /// resume reopens at the new time) and says what happened there.
    pub fn jump_next(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::Jump)?;
        self.refuse_if_ended()?;
        if !self.exercise.is_started() {
            return Err(Refused::Said("Start the clock first (space).".into()));
        }
        let now = self.exercise.now();
        let Some(next) = self.exercise.next_due_at() else {
            return Err(Refused::Said("Nothing is scheduled.".into()));
        };
        // A deadline at `now` passes once time moves on.
        let target = next.max(now.saturating_add(1));
        let events = self.run(Command::AdvanceTo(target))?;
        self.clock.jump_to(self.wall, target);
        if self.exercise.ended_at().is_none() {
            self.run(Command::Checkpoint)?;
            self.last_checkpoint = self.wall;
        }
        let happened = self.happenings(&events);
        Ok(if happened.is_empty() {
            format!("Jumped to {}.", clock(target))
        } else {
            format!("Jumped to {}: {}.", clock(target), happened.join("; "))
        })
    }

    /// Releases, deadlines passed and the end among `events`, as the log says them.
    fn happenings(&self, events: &[Event]) -> Vec<String> {
        let scenario = self.exercise.scenario();
        events
            .iter()
            .filter_map(|e| match e {
                Event::Released { inject, .. } => {
                    Some(format!("released {}", scenario.inject(*inject).id))
                }
                Event::DeadlinePassed { expectation, .. } => Some(format!(
                    "{} now overdue",
                    self.exercise.expectation_id(*expectation)
                )),
                Event::Ended { .. } => Some("the exercise ended".into()),
                _ => None,
            })
            .collect()
    }

    /// Records the clock's time if nothing else did, so a resume reopens where the room was.
    pub fn checkpoint(&mut self) {
        self.last_checkpoint = self.wall;
        if self.exercise.ended_at().is_none() && self.record_error.is_none() {
            // A failure to record is on screen and stops the clock.
            let _ = self.run(Command::Checkpoint);
        }
    }

    /// Brings the engine to the clock's time. Every command goes through here first, so a
    /// command right after a pause happens at the paused time.
    fn advance(&mut self) {
        if self.exercise.ended_at().is_some() || self.record_error.is_some() {
            return;
        }
        let to = self.clock.now(self.wall);
        if to > self.exercise.now()
            && let Ok(events) = self.exercise.execute(Command::AdvanceTo(to))
        {
            // A failure is on screen and stops the clock; nothing more to do here.
            let _ = self.record(events);
        }
    }

    // ---- commands ----

    /// Runs a command a seat of `role` asks for, if the role may: see `run`.
    pub fn exec(&mut self, role: Role, command: Command) -> Result<Vec<Event>, Refused> {
        Self::allow(role, request_of(&command))?;
        Ok(self.run(command)?)
    }

    /// Runs a command: the clock's time first, then the command, then the journal, all before
    /// any seat shows anything. A refusal comes back as a sentence.
    fn run(&mut self, command: Command) -> Result<Vec<Event>, String> {
        if let Some(error) = &self.record_error {
            return Err(error.clone());
        }
        if !matches!(command, Command::AdvanceTo(_)) {
            self.advance();
            if self.record_error.is_some() {
                return Err("The journal could not be written.".into());
            }
        }
        self.version += 1;
        match self.exercise.execute(command) {
            Ok(events) => {
                // A command whose events did not reach the journal has not happened for the
                // room: the caller must not move the clock or say it was done.
                self.record(events.clone())?;
                Ok(events)
            }
            Err(refusal) => Err(capitalise(&refusal.to_string())),
        }
    }

    /// Writes events to the journal. On failure the clock stops, the events wait for a retry,
    /// and every command is refused until the journal takes them.
    fn record(&mut self, events: Vec<Event>) -> Result<(), String> {
        if events.is_empty() {
            return Ok(());
        }
        self.version += 1;
        let wall = match self.recorder.record(&self.exercise, &events) {
            Ok(wall) => wall,
            Err(error) => {
                self.clock.pause(self.wall);
                self.record_error = Some(error.clone());
                self.pending = events;
                return Err(error);
            }
        };
        // The log shows what the journal holds: only now that it holds these.
        self.log_events(&events);
        self.note_dates(&events, wall);
        self.note_signing();
        if self.exercise.ended_at().is_some() {
            self.clock.pause(self.wall);
        }
        Ok(())
    }

    /// Says on the log why the journal could not be signed: the exercise is recorded, but
    /// `ttx verify` and the report will say the journal is not signed.
    fn note_signing(&mut self) {
        if let Some(why) = self.recorder.take_signing_failure() {
            self.log.push((
                self.exercise.now(),
                format!("the journal is recorded but not signed: {why}"),
            ));
        }
    }

    /// The report's dates are the journal's: the wall-clock stamps of the start and the end.
    fn note_dates(&mut self, events: &[Event], wall: Option<OffsetDateTime>) {
        for event in events {
            match event {
                Event::Started { .. } => self.debrief.started_wall = wall,
                Event::Ended { .. } => self.debrief.ended_wall = wall,
                _ => {}
            }
        }
    }

    /// Tries again to write what the journal refused; says what happens next.
    pub fn retry_recording(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::RetryRecording)?;
        let events = std::mem::take(&mut self.pending);
        self.version += 1;
        match self.recorder.record(&self.exercise, &events) {
            Ok(wall) => {
                self.record_error = None;
                self.log_events(&events);
                self.note_dates(&events, wall);
                self.note_signing();
                // The command that failed to record has now happened: the clock takes its
                // speed and time (a speed change, a jump), paused.
                self.clock.set_speed(self.wall, self.exercise.speed());
                self.clock.jump_to(self.wall, self.exercise.now());
                if self.exercise.ended_at().is_some() {
                    return Ok("Journal written. The exercise has ended.".into());
                }
                if self.exercise.is_running() {
                    // The clock stopped when recording failed: say so in the journal too.
                    let _ = self.run(Command::Pause);
                }
                Ok("Journal written. Press space to resume.".into())
            }
            Err(error) => {
                self.record_error = Some(error.clone());
                self.pending = events;
                Err(Refused::Said(error))
            }
        }
    }

    pub fn release(&mut self, role: Role, inject: InjectIx) -> Result<String, Refused> {
        Self::allow(role, Request::Release)?;
        self.refuse_if_ended()?;
        let id = self.exercise.scenario().inject(inject).id.clone();
        if let crate::engine::InjectState::Released { at, .. } = self.exercise.inject_state(inject)
        {
            return Err(format!("{id} was already released at {}.", clock(at)).into());
        }
        self.run(Command::Release(inject))?;
        Ok(format!(
            "Released {id} by hand at {}.",
            clock(self.exercise.now())
        ))
    }

    /// An observation (`Command::Note`).
    pub fn note(&mut self, role: Role, note: Command) -> Result<String, Refused> {
        self.exec(role, note)?;
        Ok("Observation saved.".into())
    }

    /// A team's response; what it did is kept for every seat of the team.
    pub fn respond(&mut self, role: Role, response: Response) -> Result<String, Refused> {
        Self::allow(role, Request::Respond(response.team))?;
        self.refuse_if_ended()?;
        let team = response.team;
        let events = self.run(Command::Respond(response))?;
        self.outcomes[team.0] = self.describe(&events);
        Ok("Response recorded.".into())
    }

    /// A free hotline message (`Command::Say`).
    pub fn say(&mut self, role: Role, command: Command) -> Result<String, Refused> {
        Self::allow(role, request_of(&command))?;
        self.refuse_if_ended()?;
        let events = self.run(command)?;
        Ok(
            match events.iter().find_map(|e| match e {
                Event::Said { n, .. } => Some(*n),
                _ => None,
            }) {
                Some(n) => format!("Hotline message #{n} sent."),
                None => "Message sent.".into(),
            },
        )
    }

    /// Where the server listens and how to join, for the facilitator's seats panel.
    pub fn set_serving(&mut self, serving: Serving) {
        self.serving = Some(serving);
        self.version += 1;
    }

    pub fn serving(&self) -> Option<&Serving> {
        self.serving.as_ref()
    }

    /// Ends the exercise at the time the facilitator was shown (`at`), not at the time the
    /// clock reached while the confirmation was open.
    pub fn end(&mut self, role: Role, at: Secs) -> Result<String, Refused> {
        Self::allow(role, Request::End)?;
        self.refuse_if_ended()?;
        if self.clock.now(self.wall) > at {
            self.clock.jump_to(self.wall, at.max(self.exercise.now()));
        }
        self.run(Command::End)?;
        Ok("Exercise ended. The debrief: rate each objective, summarise, plan.".into())
    }

    /// Lets the teams see the after-action report (their own results) from now on.
    pub fn release_report(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::ReleaseReport)?;
        if self.report_released {
            return Err(Refused::Said("The teams already see the report.".into()));
        }
        self.report_released = true;
        self.version += 1;
        Ok("The teams now see their results.".into())
    }

    fn refuse_if_ended(&self) -> Result<(), String> {
        if self.exercise.ended_at().is_some() {
            Err("The exercise has ended.".into())
        } else {
            Ok(())
        }
    }

    // ---- the debrief ----

    /// Records a debrief event through the one path the CLI uses too (`Debrief::record`): it is
    /// checked, in the journal (fsync) and only then kept and shown. Refused while the journal
    /// is in error, so that nothing is written out of order.
    pub fn write_debrief(&mut self, role: Role, event: DebriefEvent) -> Result<String, Refused> {
        Self::allow(role, debrief_request(&event))?;
        if let Some(error) = &self.record_error {
            return Err(Refused::Said(error.clone()));
        }
        let said = self.say_debrief(&event);
        let recorder = &mut self.recorder;
        let exercise = &self.exercise;
        self.debrief
            .record(exercise, event, |event| {
                recorder.record_debrief(exercise, event)
            })
            .map_err(|m| capitalise(&m))?;
        self.version += 1;
        self.log.push((self.exercise.now(), said.clone()));
        self.note_signing();
        Ok(format!("{}.", capitalise(&said)))
    }

    /// A debrief event as the log says it.
    fn say_debrief(&self, event: &DebriefEvent) -> String {
        match event {
            DebriefEvent::Rated(r) => format!(
                "rated {} {} {}{}",
                r.objective,
                r.team.as_deref().unwrap_or("jointly"),
                r.rating.code(),
                r.by.as_deref()
                    .map(|by| format!(" by {by}"))
                    .unwrap_or_default()
            ),
            DebriefEvent::Summary(_) => "executive summary written".into(),
            DebriefEvent::PlanAdded(a) => format!("improvement item {} added", a.item),
            DebriefEvent::PlanEdited(e) => format!(
                "improvement item {}: {} {}",
                e.item,
                e.field.label().to_lowercase(),
                if e.value.trim().is_empty() {
                    "cleared"
                } else {
                    "set"
                }
            ),
            DebriefEvent::PlanDropped(d) => format!("improvement item {} dropped", d.item),
        }
    }

    /// Sets the changed fields of an improvement-plan item, one event each, after checking
    /// every value first, so a bad date writes nothing.
    pub fn edit_plan_item(
        &mut self,
        role: Role,
        item: &str,
        changes: Vec<(PlanField, String)>,
    ) -> Result<String, Refused> {
        Self::allow(role, Request::Plan)?;
        for (field, value) in &changes {
            check_entry(&DebriefEvent::PlanEdited(PlanEdited {
                item: item.to_string(),
                field: *field,
                value: value.clone(),
            }))
            .map_err(|m| capitalise(&m))?;
        }
        if changes.is_empty() {
            return Ok("Nothing changed.".into());
        }
        let count = changes.len();
        for (field, value) in changes {
            self.write_debrief(
                role,
                DebriefEvent::PlanEdited(PlanEdited {
                    item: item.to_string(),
                    field,
                    value,
                }),
            )?;
        }
        Ok(format!(
            "Improvement item {item}: {count} field{} saved.",
            if count == 1 { "" } else { "s" }
        ))
    }

    // ---- seats ----

    /// The seat lines the journal holds: a resumed journal's, then this run's.
    pub fn seat_records(&self) -> &[SeatRecord] {
        &self.debrief.seats
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
        self.version += 1;
    }

    fn note_seat(&mut self, line: String) {
        self.log
            .push((self.exercise.now(), format!("seat: {line}")));
        self.version += 1;
    }

    // ---- what the screens show ----

    /// The actions a team may take whose id, name or description contain the filter, best
    /// match first (the id itself, then an id that starts with it, contains it, then the name,
    /// then the description), in catalogue order within each, so that typing an id and Enter
    /// picks that action.
    pub fn actions_for(&self, team: TeamIx, filter: &str) -> Vec<ActionIx> {
        let filter = filter.to_lowercase();
        let rank = |a: &crate::scenario::Action| {
            let id = a.id.to_lowercase();
            if filter.is_empty() || id == filter {
                Some(0)
            } else if id.starts_with(&filter) {
                Some(1)
            } else if id.contains(&filter) {
                Some(2)
            } else if a.name.to_lowercase().contains(&filter) {
                Some(3)
            } else if a
                .description
                .as_deref()
                .is_some_and(|d| d.to_lowercase().contains(&filter))
            {
                Some(4)
            } else {
                None
            }
        };
        let mut ranked: Vec<(u8, ActionIx)> = self
            .exercise
            .scenario()
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.allows(team))
            .filter_map(|(i, a)| rank(a).map(|r| (r, ActionIx(i))))
            .collect();
        ranked.sort_by_key(|(r, _)| *r);
        ranked.into_iter().map(|(_, ix)| ix).collect()
    }

    pub fn log_events(&mut self, events: &[Event]) {
        for event in events {
            if let Some(text) = self.narrate(event) {
                self.log.push((event.at(), text));
            }
        }
    }

    /// One event as a line of the console's log; `None` for bookkeeping events.
    fn narrate(&self, event: &Event) -> Option<String> {
        let scenario = self.exercise.scenario();
        let team = |t: TeamIx| scenario.team(t).id.clone();
        Some(match event {
            Event::Started { .. } => "clock started".to_string(),
            Event::Paused { .. } => "paused".to_string(),
            Event::Resumed { .. } => "resumed".to_string(),
            Event::SpeedChanged { speed, .. } => format!("speed ×{}", speed_str(*speed)),
            Event::Scheduled { .. } | Event::Clock { .. } => return None,
            Event::Skipped { inject, .. } => {
                format!("skipped {} (chance)", scenario.inject(*inject).id)
            }
            Event::Released {
                inject, by_hand, ..
            } => {
                let inject = scenario.inject(*inject);
                let to: Vec<String> = inject.to.iter().map(|t| team(*t)).collect();
                format!(
                    "released {}{} → {}",
                    inject.id,
                    if *by_hand { " by hand" } else { "" },
                    to.join(", ")
                )
            }
            Event::DeadlinePassed { expectation, .. } => {
                format!("overdue {}", self.exercise.expectation_id(*expectation))
            }
            Event::Responded {
                response, outcome, ..
            } => {
                let action = &scenario.action(response.action).id;
                match outcome {
                    Outcome::Satisfied(ix) if self.exercise.expectation(*ix).is_decision() => {
                        let e = self.exercise.expectation(*ix);
                        format!(
                            "{} chose {action} after {}: {} {}",
                            team(response.team),
                            short(e.latency().unwrap_or(0)),
                            self.exercise.status(*ix).as_str(),
                            self.exercise.expectation_id(*ix)
                        )
                    }
                    Outcome::Satisfied(ix) => format!(
                        "{} {action}: {} {}",
                        team(response.team),
                        self.exercise.status(*ix).as_str(),
                        self.exercise.expectation_id(*ix)
                    ),
                    Outcome::Ready => {
                        format!("{} {action}: ready (done ahead)", team(response.team))
                    }
                    Outcome::Unexpected => {
                        format!("{} {action}: unexpected", team(response.team))
                    }
                }
            }
            Event::Said { n, from, to, .. } => {
                let to: Vec<String> = to.iter().map(|t| team(*t)).collect();
                format!(
                    "hotline #{n} {} → {} (free message)",
                    team(*from),
                    to.join(", ")
                )
            }
            Event::MessageSent { n, from, to, .. } => {
                let to: Vec<String> = to.iter().map(|t| team(*t)).collect();
                format!("hotline #{n} {} → {}", team(*from), to.join(", "))
            }
            Event::Noted { kind, team: t, .. } => format!(
                "observation ({}){}",
                match kind {
                    NoteKind::Strength => "strength",
                    NoteKind::Improvement => "improvement",
                },
                t.map(|t| format!(" on {}", team(t))).unwrap_or_default()
            ),
            Event::Ended { .. } => "exercise ended".to_string(),
        })
    }

    /// What a response did, in plain words.
    fn describe(&self, events: &[Event]) -> Vec<String> {
        let scenario = self.exercise.scenario();
        let mut lines = Vec::new();
        for event in events {
            match event {
                Event::Responded {
                    at,
                    response,
                    outcome,
                } => {
                    let action = &scenario.action(response.action).name;
                    match outcome {
                        Outcome::Satisfied(ix) => {
                            lines.push(self.describe_done(*ix, *at, action));
                        }
                        Outcome::Ready => lines.push(format!(
                            "\"{action}\" was done ahead of time: it will count when it is \
                             asked for."
                        )),
                        Outcome::Unexpected => lines.push(format!(
                            "\"{action}\" matched no expected action: it is kept as an \
                             unexpected action (in the report, not scored)."
                        )),
                    }
                }
                Event::MessageSent { n, to, action, .. } => {
                    let to: Vec<&str> =
                        to.iter().map(|t| scenario.team(*t).name.as_str()).collect();
                    let reply = scenario
                        .action(*action)
                        .message
                        .as_ref()
                        .and_then(|m| m.reply.as_ref())
                        .map(|r| {
                            format!(
                                "; they owe \"{}\" within {}",
                                scenario.action(r.action).name,
                                short(r.within)
                            )
                        })
                        .unwrap_or_default();
                    lines.push(format!(
                        "Hotline message #{n} delivered to {}{reply}.",
                        to.join(", ")
                    ));
                }
                Event::Released { inject, .. } => lines.push(format!(
                    "It released \"{}\".",
                    scenario.inject(*inject).title
                )),
                _ => {}
            }
        }
        lines
    }

    fn describe_done(&self, ix: ExpectationIx, at: Secs, action: &str) -> String {
        let scenario = self.exercise.scenario();
        let e = self.exercise.expectation(ix);
        let what = match e.source {
            Source::Inject(inject, _) => format!("inject \"{}\"", scenario.inject(inject).title),
            Source::Message(n) => format!("hotline message #{n}"),
        };
        let missing: Vec<&str> = match (&e.done, e.action) {
            (Some(done), Some(action)) => {
                let spec = scenario.action(action);
                done.missing
                    .iter()
                    .map(|f| spec.fields[*f].as_str())
                    .collect()
            }
            _ => Vec::new(),
        };
        let blank = if missing.is_empty() {
            String::new()
        } else {
            format!(" Required fields left blank: {}.", missing.join(", "))
        };
        let timing = match self.exercise.status(ix) {
            Status::Late if at <= e.due_at => "late: its deadline had already passed".into(),
            Status::Late => format!("late by {}", short(at.saturating_sub(e.due_at))),
            _ => format!("on time, {} to spare", short(e.due_at.saturating_sub(at))),
        };
        let status = self.exercise.status(ix).as_str();
        let id = self.exercise.expectation_id(ix);
        if e.is_decision() {
            return format!(
                "You chose \"{action}\": decision {id} (asked by {what}) made {timing}, \
                 status {status}.{blank}"
            );
        }
        format!(
            "\"{action}\" satisfied {id} (expected for {what}): {timing}, status {status}.{blank}"
        )
    }

    // ---- the report ----

    /// Writes the report, with the debrief so far and the journal's signature, as JSON,
    /// Markdown and HTML beside the journal's name: what `ttx report JOURNAL` gives. The paths
    /// written.
    pub fn export(&self, role: Role) -> Result<Vec<PathBuf>, Refused> {
        Self::allow(role, Request::Export)?;
        let mut report = self.report();
        if let Some(journal) = self.recorder.journal() {
            let signature = crate::signature::verdict_of(journal)
                .map_err(|e| format!("Could not check the journal's signature: {e}"))?;
            report = report.with_signature(signature.for_report());
        }
        let scenario = self.exercise.scenario();
        // Named after the journal, so that each exercise keeps its own report.
        let stem = std::path::Path::new(&self.journal_location)
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| slug(&scenario.title));
        let result = (|| -> std::io::Result<Vec<PathBuf>> {
            std::fs::create_dir_all(&self.report_dir)?;
            let mut written = Vec::new();
            for (format, ext) in [
                (Format::Json, "json"),
                (Format::Markdown, "md"),
                (Format::Html, "html"),
            ] {
                let (path, mut file) = new_file(&self.report_dir, &format!("{stem}-report"), ext)?;
                file.write_all(report.render(scenario, format).as_bytes())?;
                written.push(path);
            }
            Ok(written)
        })();
        result.map_err(|error| {
            Refused::Said(format!(
                "Could not write the report under {}: {error}",
                self.report_dir.display()
            ))
        })
    }
}

/// A new file `STEM.EXT` in `dir`, or `STEM-2.EXT`, `STEM-3.EXT`… when that name is taken: an
/// export never replaces an earlier one. Created exclusively, which never follows a symbolic
/// link (a link planted under the name counts as taken), so nothing is written outside `dir`.
fn new_file(dir: &Path, stem: &str, ext: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = 1;
    loop {
        let name = match n {
            1 => format!("{stem}.{ext}"),
            _ => format!("{stem}-{n}.{ext}"),
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn slug(title: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "exercise".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::testing::{MemoryRecorder, phishing};
    use super::*;
    use crate::engine::Settings;

    fn session(recorder: &MemoryRecorder) -> Session {
        let scenario = Arc::new(phishing());
        let exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        Session::new(
            exercise,
            Box::new(recorder.clone()),
            PathBuf::from("reports"),
        )
    }

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
        ]
    }

    /// Who may ask for what, written out: `y` allowed, `-` refused, one column per request of
    /// `every_request`.
    const ALLOWED: &[(Role, &str)] = &[
        //                 start speed jump release end note respond(soc, cert) message(soc, cert)
        //                 rate summarise plan release-report export retry
        (Role::Local, "yyyyy y yy yy yyy yyy"),
        (Role::Facilitator, "yyyyy y yy yy yyy yyy"),
        (Role::Observer, "----- - -- -- --- ---"),
        (Role::Evaluator, "----- y -- -- y-- ---"),
        (Role::Team(TeamIx(0)), "----- - y- y- --- ---"),
        (Role::Team(TeamIx(1)), "----- - -y -y --- ---"),
    ];

    /// Asks the session for `request` as `role` would, through the entry point a seat uses.
    fn ask(session: &mut Session, role: Role, request: Request) -> Result<(), Refused> {
        let now = session.exercise().now();
        match request {
            Request::StartPause => session.start_pause(role).map(drop),
            Request::Speed => session.change_speed(role, true).map(drop),
            Request::Jump => session.jump_next(role).map(drop),
            Request::Release => session.release(role, InjectIx(5)).map(drop),
            Request::End => session.end(role, now).map(drop),
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
            session.version(),
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
                let mut session = session(&recorder);
                session.report_dir = reports.path().to_path_buf();
                session.start_pause(Role::Local).unwrap();
                session.set_wall(Duration::from_secs(60));
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

    fn info(id: u64, user: &str) -> SeatInfo {
        SeatInfo {
            id,
            user: user.into(),
            role: format!("team {user}"),
            address: "192.0.2.7:50022".into(),
            since: Duration::ZERO,
            last_key: Duration::ZERO,
        }
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
        assert_eq!(session.seat_records().len(), 3);
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
        assert!(session.seat_records().is_empty());
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
