//! Commands through the clock, the engine and the journal, in that order: the clock's time
//! first, then the command, then the record, all before any seat shows anything. A journal
//! that refuses a record stops the clock until a retry succeeds.

use std::time::Duration;

use time::OffsetDateTime;

use super::{NotRecorded, Refused, Session};
use crate::engine::{Command, Event, Response};
use crate::role::{Request, Role};
use crate::scenario::{InjectIx, Secs};
use crate::text::{clock, speed_str};

/// How often (wall time) a running clock's time is recorded when nothing else happens.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(5);

/// Speeds the facilitator steps through with `+` and `-`.
const SPEEDS: &[f64] = &[
    0.5, 1.0, 2.0, 4.0, 6.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

impl Session {
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
        let version = self.version;
        self.advance();
        // Events the clock brought (a release, a missed deadline) changed the content.
        let happened = self.version != version;
        if self.wall.saturating_sub(self.last_checkpoint) >= CHECKPOINT_EVERY {
            self.checkpoint();
            // A checkpoint is bookkeeping no seat shows, unless the journal refused it.
            if !happened && self.record_error.is_none() {
                self.version = version;
            }
        }
        if self.exercise.now() != before.0 {
            self.clock_moves += 1;
        }
        // A refused checkpoint shows too (the journal-error screen), even when no second passed.
        before != (self.exercise.now(), self.log.len()) || self.version != version
    }

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
            return Err(Refused::SpeedLimit(current));
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
            return Err(Refused::NotStarted);
        }
        let now = self.exercise.now();
        let Some(next) = self.exercise.next_due_at() else {
            return Err(Refused::NothingScheduled);
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
    pub(super) fn advance(&mut self) {
        if self.exercise.ended_at().is_some() || self.record_error.is_some() {
            return;
        }
        let to = self.clock.now(self.wall);
        if to > self.exercise.now()
            && let Ok(events) = self.exercise.execute(Command::AdvanceTo(to))
        {
            // A failure is on screen and stops the clock; nothing more to do here.
            let _ = self.record(events);
            // A module begins when the clock reaches it, whether or not anything happens then.
            if self.exercise.is_started() && self.announce_module(self.exercise.now()) {
                self.version += 1;
            }
        }
    }

    /// Runs a command a seat of `role` asks for, if the role may: see `run`.
    pub fn exec(&mut self, role: Role, command: Command) -> Result<Vec<Event>, Refused> {
        Self::allow(role, request_of(&command))?;
        self.run(command)
    }

    /// Runs a command: the clock's time first, then the command, then the journal, all before
    /// any seat shows anything.
    fn run(&mut self, command: Command) -> Result<Vec<Event>, Refused> {
        if let Some(error) = &self.record_error {
            return Err(error.clone().into());
        }
        if !matches!(command, Command::AdvanceTo(_)) {
            self.advance();
            if self.record_error.is_some() {
                return Err(Refused::ClockNotRecorded);
            }
        }
        match self.exercise.execute(command) {
            Ok(events) => {
                // A command whose events did not reach the journal has not happened for the
                // room: the caller must not move the clock or say it was done.
                self.record(events.clone())?;
                Ok(events)
            }
            Err(refusal) => Err(Refused::Engine(refusal)),
        }
    }

    /// Writes events to the journal. On failure the clock stops, the events wait for a retry,
    /// and every command is refused until the journal takes them.
    fn record(&mut self, events: Vec<Event>) -> Result<(), NotRecorded> {
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

    /// The report's dates are the journal's: the wall-clock stamps of the start and the end.
    fn note_dates(&mut self, events: &[Event], wall: Option<OffsetDateTime>) {
        for event in events {
            match event {
                Event::Started { .. } => self.debrief.started_wall = wall,
                Event::Ended { .. } => self.debrief.ended_wall = wall,
                Event::Noted { .. } => self.debrief.note_walls.push(wall),
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
                Err(error.into())
            }
        }
    }

    pub fn release(&mut self, role: Role, inject: InjectIx) -> Result<String, Refused> {
        Self::allow(role, Request::Release)?;
        self.refuse_if_ended()?;
        let id = self
            .exercise
            .scenario()
            .inject(inject)
            .id
            .as_str()
            .to_owned();
        if let crate::engine::InjectState::Released { at, .. } = self.exercise.inject_state(inject)
        {
            return Err(Refused::AlreadyReleased { inject: id, at });
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

    /// Ends the exercise at the clock's time now: the instant the facilitator confirmed, which
    /// the confirmation showed live.
    pub fn end(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::End)?;
        self.refuse_if_ended()?;
        self.run(Command::End)?;
        Ok("Exercise ended. The debrief: rate each objective, summarise, plan.".into())
    }

    /// A judgement of a done expectation (`Command::Judge`), during the exercise or in the
    /// debrief, by the seat's user.
    pub fn judge(&mut self, role: Role, judge: Command) -> Result<String, Refused> {
        Self::allow(role, request_of(&judge))?;
        let taken_back =
            matches!(&judge, Command::Judge { insufficient, .. } if insufficient.is_empty());
        self.run(judge)?;
        Ok(match taken_back {
            true => "Judgement taken back.".into(),
            false => "Judgement recorded: the fields count as not supplied.".into(),
        })
    }

    /// Makes the report final: nothing more is judged, rated or planned.
    pub fn finalise(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::Finalise)?;
        self.run(Command::Finalise)?;
        Ok("The report is final.".into())
    }

    pub(super) fn refuse_if_ended(&self) -> Result<(), Refused> {
        if self.exercise.ended_at().is_some() {
            Err(Refused::Ended)
        } else {
            Ok(())
        }
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
        Command::HotWash { .. } => Request::HotWash,
        Command::Respond(response) => Request::Respond(response.team),
        Command::Say { team, .. } => Request::Message(*team),
        Command::Judge { .. } => Request::Judge,
        Command::Finalise => Request::Finalise,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::testing::{MemoryRecorder, session};
    use crate::role::Role;

    /// Found in review: at half speed a tick can fall where no scenario second passed; if its
    /// checkpoint was refused, `ttx run` was not told to redraw, and the journal-error screen
    /// waited for the next key.
    #[test]
    fn a_refused_checkpoint_asks_for_a_redraw_even_when_no_second_passed() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        session.start_pause(Role::Local).unwrap();
        session.change_speed(Role::Local, false).unwrap();
        assert!(session.tick(Duration::from_secs(4)));
        *recorder.fail.lock().unwrap() = Some("disk full".into());
        assert!(session.tick(Duration::from_secs(5)));
        assert!(session.record_error().is_some());
    }

    /// A command the engine refuses changes nothing any seat shows: no seat redraws for it (with
    /// hundreds of seats, each refusal redrew them all). Only the seat that asked says why.
    #[test]
    fn a_command_the_engine_refuses_changes_no_version() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        session.start_pause(Role::Local).unwrap();
        let before = session.versions();
        assert!(session.finalise(Role::Local).is_err(), "not ended yet");
        let after = session.versions();
        assert_eq!(after.content, before.content);
        assert_eq!(after.staff, before.staff);
    }

    /// A tick that only moves the clock counts as the clock's, which seats may draw at their own
    /// pace; a checkpoint shows nothing; what the clock brings (a release) is content, drawn at
    /// once.
    #[test]
    fn a_tick_that_only_moves_the_clock_changes_the_clocks_version_alone() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        session.start_pause(Role::Local).unwrap();
        let started = session.versions();

        assert!(session.tick(Duration::from_secs(1)));
        let moved = session.versions();
        assert_eq!(moved.content, started.content);
        assert_eq!(moved.clock, started.clock + 1);

        let lines = recorder.events().len();
        assert!(session.tick(Duration::from_secs(6)));
        assert!(recorder.events().len() > lines, "a checkpoint was written");
        assert_eq!(session.versions().content, started.content);

        assert!(!session.tick(Duration::from_secs(6)));
        assert_eq!(session.versions().clock, moved.clock + 1);

        // cert-heads-up is released 20 minutes after the mail wave.
        assert!(session.tick(Duration::from_secs(20 * 60)));
        assert!(session.versions().content > started.content);
    }
}
