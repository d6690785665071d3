//! The local app: the session and the one seat of the local terminal (`ttx run`), which may
//! switch to every view. Keys go to the seat, which asks the session to run commands; drawing
//! reads both and changes neither.

use std::path::PathBuf;
use std::time::Duration;

use super::key::Key;
use super::keymap::{Action, Context};
use crate::debrief::Debrief;
use crate::engine::Exercise;
use crate::role::Role;
use crate::scenario::{ActionIx, Secs, TeamIx};
use crate::session::{Recorder, Session};

pub use super::seat::{Seat, View};

pub struct App {
    pub session: Session,
    pub seat: Seat,
}

impl App {
    pub fn new(exercise: Exercise, recorder: Box<dyn Recorder>, report_dir: PathBuf) -> Self {
        App::resumed(exercise, Debrief::default(), recorder, report_dir)
    }

    /// An exercise read back from its journal, with the debrief the journal holds; an ended
    /// one opens on the after-action screen.
    pub fn resumed(
        exercise: Exercise,
        debrief: Debrief,
        recorder: Box<dyn Recorder>,
        report_dir: PathBuf,
    ) -> Self {
        let session = Session::new(exercise, recorder, report_dir).with_debrief(debrief);
        let seat = Seat::new(Role::Local, &session);
        App { session, seat }
    }

    pub fn exercise(&self) -> &Exercise {
        self.session.exercise()
    }
    pub fn view(&self) -> View {
        self.seat.view
    }
    pub fn should_quit(&self) -> bool {
        self.seat.should_quit()
    }
    pub fn flash(&self) -> Option<&str> {
        self.seat.flash.as_deref()
    }
    pub fn log(&self) -> &[(Secs, String)] {
        self.session.log()
    }
    pub fn exported(&self) -> &[PathBuf] {
        &self.seat.report.exported
    }
    pub fn team_outcome(&self, team: TeamIx) -> &[String] {
        self.session.team_outcome(team)
    }
    pub fn wants_ticks(&self) -> bool {
        self.session.wants_ticks()
    }
    pub fn next_tick_in(&self, wall: Duration) -> Duration {
        self.session.next_tick_in(wall)
    }
    /// How long the event loop may wait for a key at wall time `wall` before something is due:
    /// the clock's next second while it runs, the selected inbox item's counting as opened.
    pub fn wake_in(&self, wall: Duration) -> Option<Duration> {
        let tick = self.wants_ticks().then(|| self.next_tick_in(wall));
        match (tick, self.seat.reading_due(wall)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
    /// Whether the whole screen must be drawn again (Ctrl-L); asking clears it.
    pub fn take_redraw(&mut self) -> bool {
        self.seat.take_redraw()
    }
    pub fn context(&self) -> Context {
        self.seat.context(&self.session)
    }
    pub fn actions_for(&self, team: TeamIx, filter: &str) -> Vec<ActionIx> {
        self.session.actions_for(team, filter)
    }

    /// A clock tick at wall time `wall`; true when there is something new to draw.
    pub fn tick(&mut self, wall: Duration) -> bool {
        let changed = self.session.tick(wall);
        self.seat.sync(&self.session);
        let reading = self.seat.reading_due(wall).is_some();
        self.seat.settle_reading(&self.session, wall);
        changed || reading != self.seat.reading_due(wall).is_some()
    }

    /// The process was told to stop (a signal): the time the clock reached goes to the journal,
    /// so a resume reopens there.
    pub fn checkpoint_for_exit(&mut self, wall: Duration) {
        self.session.set_wall(wall);
        self.session.checkpoint();
    }

    /// The process is about to be suspended (Ctrl-Z): the room's time must not run while nobody
    /// sees the clock, so a running clock is paused, and recorded as paused.
    pub fn pause_for_suspend(&mut self, wall: Duration) {
        self.session.set_wall(wall);
        if self.session.exercise().is_running() && self.session.start_pause(self.seat.role).is_ok()
        {
            self.seat.flash =
                Some("Paused while ttx was suspended (Ctrl-Z). Press space to resume.".into());
        }
    }

    /// A key pressed at wall time `wall`.
    pub fn handle_key(&mut self, key: Key, wall: Duration) {
        self.seat.handle_key(&mut self.session, key, wall);
    }

    /// Text pasted whole into the field that has the focus.
    pub fn paste(&mut self, text: &str) {
        self.seat.paste(&self.session, text);
    }

    pub fn update(&mut self, action: Action) {
        self.seat.update(&mut self.session, action);
    }
}
