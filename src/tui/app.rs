//! The app: UI state around one exercise, changed only by `update(Action)` and clock ticks.
//! Drawing (in the screen modules) reads this state and never changes it.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use ratatui::style::Style;
use ratatui_textarea::TextArea;
use tui_input::{Input, InputRequest};

use super::Recorder;
use super::key::Key;
use super::keymap::{self, Action, Context};
use super::text::short;
use crate::clock::Clock;
use crate::engine::{
    Answers, Command, Event, Exercise, ExpectationIx, InjectState, NoteKind, Outcome, Response,
    Source, Status,
};
use crate::report::{Format, Report};
use crate::scenario::{ActionIx, InjectIx, Secs, TeamIx};

/// How often (wall time) a running clock's time is recorded when nothing else happens.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(5);

/// Speeds the facilitator steps through with `+` and `-`.
pub const SPEEDS: &[f64] = &[
    0.5, 1.0, 2.0, 4.0, 6.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Briefing,
    Console,
    Team(TeamIx),
    Report,
}

/// An item of a team's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboxKey {
    Inject(InjectIx),
    Message(u64),
}

#[derive(Debug, Default)]
pub struct TeamUi {
    pub selected: Option<InboxKey>,
    pub read: HashSet<InboxKey>,
    pub scroll: u16,
    /// The facilitator chose to show this team its expected actions.
    pub show_expected: bool,
    /// What the last response did, in plain words.
    pub outcome: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ConsoleUi {
    /// The inject highlighted in the events list.
    pub selected: usize,
}

#[derive(Debug, Default)]
pub struct ReportUi {
    pub scroll: u16,
    pub exported: Vec<PathBuf>,
    pub export_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    End,
    Quit,
}

pub struct NoteForm {
    pub kind: NoteKind,
    pub team: Option<TeamIx>,
    pub text: TextArea<'static>,
    /// 0 kind, 1 team, 2 text.
    pub focus: usize,
    pub error: Option<String>,
}

pub struct ResponseForm {
    pub action: ActionIx,
    pub fields: Vec<TextArea<'static>>,
    pub note: TextArea<'static>,
    /// The choices of what the response answers; `None`: the earliest due.
    pub answers: Vec<Option<Answers>>,
    pub answer: usize,
    /// 0 answers, 1..=n fields, n+1 note, n+2 submit.
    pub focus: usize,
    pub error: Option<String>,
}

impl ResponseForm {
    pub fn submit_row(&self) -> usize {
        self.fields.len() + 2
    }
}

pub enum Stage {
    Pick { filter: Input, selected: usize },
    Form(Box<ResponseForm>),
}

pub struct ResponseDialog {
    pub team: TeamIx,
    /// What the inbox had selected when the dialog opened.
    pub answering: Option<Answers>,
    pub stage: Stage,
}

pub enum Dialog {
    Release { selected: usize },
    Note(Box<NoteForm>),
    Confirm(ConfirmKind),
    Respond(Box<ResponseDialog>),
}

pub struct App {
    pub(crate) exercise: Exercise,
    recorder: Box<dyn Recorder>,
    pub(crate) journal_location: String,
    clock: Clock,
    wall: Duration,
    report_dir: PathBuf,
    /// Wall time of the last clock checkpoint written to the journal.
    last_checkpoint: Duration,
    pub(crate) view: View,
    pub(crate) dialog: Option<Dialog>,
    pub(crate) help: bool,
    /// A one-line message for the facilitator (what a key did, or why it did nothing).
    pub(crate) flash: Option<String>,
    /// Recording failed: the clock is stopped and nothing goes on until it succeeds.
    pub(crate) record_error: Option<String>,
    pending: Vec<Event>,
    pub(crate) log: Vec<(Secs, String)>,
    pub(crate) console: ConsoleUi,
    pub(crate) teams: Vec<TeamUi>,
    pub(crate) report: ReportUi,
    quit: bool,
}

impl App {
    pub fn new(exercise: Exercise, recorder: Box<dyn Recorder>, report_dir: PathBuf) -> Self {
        let teams = (0..exercise.scenario().teams.len())
            .map(|_| TeamUi::default())
            .collect();
        let clock = Clock::new(exercise.now(), exercise.speed());
        let view = if exercise.ended_at().is_some() {
            View::Report
        } else if exercise.is_started() {
            View::Console
        } else {
            View::Briefing
        };
        let journal_location = recorder.location();
        let mut app = App {
            exercise,
            recorder,
            journal_location,
            clock,
            wall: Duration::ZERO,
            report_dir,
            last_checkpoint: Duration::ZERO,
            view,
            dialog: None,
            help: false,
            flash: None,
            record_error: None,
            pending: Vec::new(),
            log: Vec::new(),
            console: ConsoleUi::default(),
            teams,
            report: ReportUi::default(),
            quit: false,
        };
        if app.exercise.is_running() {
            app.clock.run(Duration::ZERO);
        }
        app
    }

    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }
    pub fn view(&self) -> View {
        self.view
    }
    pub fn should_quit(&self) -> bool {
        self.quit
    }
    pub fn flash(&self) -> Option<&str> {
        self.flash.as_deref()
    }
    pub fn log(&self) -> &[(Secs, String)] {
        &self.log
    }
    pub fn exported(&self) -> &[PathBuf] {
        &self.report.exported
    }
    pub fn team_outcome(&self, team: TeamIx) -> &[String] {
        &self.teams[team.0].outcome
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
        self.wall = self.wall.max(wall);
        if !self.wants_ticks() {
            return false;
        }
        let before = (self.exercise.now(), self.log.len());
        self.advance();
        if self.wall.saturating_sub(self.last_checkpoint) >= CHECKPOINT_EVERY {
            self.checkpoint();
        }
        self.sync_views();
        before != (self.exercise.now(), self.log.len())
    }

    /// A key pressed at wall time `wall`.
    pub fn handle_key(&mut self, key: Key, wall: Duration) {
        self.wall = self.wall.max(wall);
        if let Some(action) = keymap::lookup(self.context(), key) {
            self.update(action);
        }
    }

    /// Where keys are read now.
    pub fn context(&self) -> Context {
        if self.record_error.is_some() {
            return Context::RecordError;
        }
        if self.help {
            return Context::Help;
        }
        self.screen_context()
    }

    /// The context of the screen itself: its open dialog, or its view (what the help overlay
    /// explains).
    pub fn screen_context(&self) -> Context {
        match &self.dialog {
            Some(Dialog::Release { .. }) => Context::ReleasePicker,
            Some(Dialog::Note(_)) => Context::Note,
            Some(Dialog::Confirm(_)) => Context::Confirm,
            Some(Dialog::Respond(d)) => match d.stage {
                Stage::Pick { .. } => Context::ActionPicker,
                Stage::Form(_) => Context::ResponseForm,
            },
            None => match self.view {
                View::Briefing => Context::Briefing,
                View::Console => Context::Console,
                View::Team(_) => Context::Team,
                View::Report => Context::Report,
            },
        }
    }

    pub fn update(&mut self, action: Action) {
        let context = self.context();
        if !matches!(action, Action::Input(_)) {
            self.flash = None;
        }
        match context {
            Context::RecordError => match action {
                Action::Retry => self.retry_recording(),
                Action::Quit => self.quit = true,
                _ => {}
            },
            Context::Help => self.help = false,
            Context::ReleasePicker => self.update_release(action),
            Context::Note => self.update_note(action),
            Context::Confirm => self.update_confirm(action),
            Context::ActionPicker | Context::ResponseForm => self.update_respond(action),
            Context::Briefing | Context::Console | Context::Team | Context::Report => {
                self.update_screen(action)
            }
            Context::Global => {}
        }
        self.sync_views();
    }

    // ---- screens ----

    fn update_screen(&mut self, action: Action) {
        match action {
            Action::StartPause => self.start_pause(),
            Action::NextView => self.view = self.cycle(1),
            Action::PrevView => self.view = self.cycle(-1),
            Action::Help => self.help = true,
            Action::Back => {
                if matches!(self.view, View::Team(_) | View::Report) {
                    self.view = View::Console;
                }
            }
            Action::Quit => {
                if self.exercise.is_started() && self.exercise.ended_at().is_none() {
                    self.dialog = Some(Dialog::Confirm(ConfirmKind::Quit));
                } else {
                    self.quit = true;
                }
            }
            Action::Faster => self.change_speed(true),
            Action::Slower => self.change_speed(false),
            Action::JumpNext => self.jump_next(),
            Action::OpenRelease => {
                if self.refuse_if_ended() {
                    return;
                }
                self.dialog = Some(Dialog::Release {
                    selected: self.console.selected,
                });
            }
            Action::OpenNote => {
                let team = match self.view {
                    View::Team(team) => Some(team),
                    _ => None,
                };
                let mut text = TextArea::default();
                text.set_placeholder_text("What went well, or what to improve");
                self.dialog = Some(Dialog::Note(Box::new(NoteForm {
                    kind: NoteKind::Strength,
                    team,
                    text,
                    focus: 2,
                    error: None,
                })));
            }
            Action::OpenEnd if !self.refuse_if_ended() => {
                self.dialog = Some(Dialog::Confirm(ConfirmKind::End));
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => self.navigate(action),
            Action::Respond => self.open_respond(),
            Action::ToggleExpected => {
                if let View::Team(team) = self.view {
                    let ui = &mut self.teams[team.0];
                    ui.show_expected = !ui.show_expected;
                }
            }
            Action::Export => self.export(),
            _ => {}
        }
    }

    fn cycle(&self, step: isize) -> View {
        let teams = self.exercise.scenario().teams.len();
        // Console, the teams, the report.
        let position = match self.view {
            View::Briefing => return View::Console,
            View::Console => 0,
            View::Team(team) => team.0 + 1,
            View::Report => teams + 1,
        };
        let count = teams as isize + 2;
        let next = (position as isize + step).rem_euclid(count) as usize;
        match next {
            0 => View::Console,
            n if n <= teams => View::Team(TeamIx(n - 1)),
            _ => View::Report,
        }
    }

    fn navigate(&mut self, action: Action) {
        let step: isize = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -10,
            _ => 10,
        };
        match self.view {
            View::Console => {
                let count = self.exercise.scenario().injects.len();
                self.console.selected = move_in(self.console.selected, step, count);
            }
            View::Team(team) => {
                if matches!(action, Action::PageUp | Action::PageDown) {
                    let ui = &mut self.teams[team.0];
                    ui.scroll = if step < 0 {
                        ui.scroll.saturating_sub(5)
                    } else {
                        ui.scroll.saturating_add(5).min(500)
                    };
                    return;
                }
                let inbox = self.inbox(team);
                let ui = &mut self.teams[team.0];
                let current = ui
                    .selected
                    .and_then(|key| inbox.iter().position(|(k, _)| *k == key))
                    .unwrap_or(0);
                if let Some((key, _)) = inbox.get(move_in(current, step, inbox.len())) {
                    if ui.selected != Some(*key) {
                        ui.scroll = 0;
                    }
                    ui.selected = Some(*key);
                }
            }
            View::Report | View::Briefing => {
                let scroll = &mut self.report.scroll;
                *scroll = if step < 0 {
                    scroll.saturating_sub(step.unsigned_abs() as u16)
                } else {
                    scroll.saturating_add(step as u16).min(2000)
                };
            }
        }
    }

    /// Keeps views consistent after anything happened: a team view selects and marks read the
    /// newest item when nothing is selected.
    fn sync_views(&mut self) {
        if let View::Team(team) = self.view {
            let newest = self.inbox(team).first().map(|(key, _)| *key);
            let ui = &mut self.teams[team.0];
            if ui.selected.is_none() {
                ui.selected = newest;
            }
            if let Some(key) = ui.selected {
                ui.read.insert(key);
            }
        }
    }

    /// A team's inbox, newest first: the injects released to it and the hotline messages it
    /// received.
    pub fn inbox(&self, team: TeamIx) -> Vec<(InboxKey, Secs)> {
        let scenario = self.exercise.scenario();
        let mut items: Vec<(InboxKey, Secs)> = scenario
            .injects
            .iter()
            .enumerate()
            .filter(|(_, inject)| inject.to.contains(&team))
            .filter_map(|(i, _)| match self.exercise.inject_state(InjectIx(i)) {
                InjectState::Released { at, .. } => Some((InboxKey::Inject(InjectIx(i)), at)),
                _ => None,
            })
            .chain(
                self.exercise
                    .messages()
                    .iter()
                    .filter(|m| m.to.contains(&team))
                    .map(|m| (InboxKey::Message(m.n), m.sent_at)),
            )
            .collect();
        items.sort_by_key(|(key, at)| {
            let order = match key {
                InboxKey::Inject(i) => i.0 as u64,
                InboxKey::Message(n) => 1 << 40 | n,
            };
            std::cmp::Reverse((*at, order))
        });
        items
    }

    // ---- clock ----

    fn start_pause(&mut self) {
        if self.refuse_if_ended() {
            return;
        }
        if !self.exercise.is_started() {
            if self.exec(Command::Start).is_ok() {
                self.clock.run(self.wall);
                self.view = View::Console;
                self.flash = Some("Clock started.".into());
            }
        } else if self.exercise.is_running() {
            if self.exec(Command::Pause).is_ok() {
                self.clock.pause(self.wall);
                self.flash = Some("Paused. Press space to resume.".into());
            }
        } else if self.exec(Command::Resume).is_ok() {
            self.clock.run(self.wall);
            self.flash = Some("Resumed.".into());
        }
    }

    fn change_speed(&mut self, faster: bool) {
        if self.refuse_if_ended() {
            return;
        }
        let current = self.exercise.speed();
        let next = if faster {
            SPEEDS.iter().copied().find(|s| *s > current + 1e-9)
        } else {
            SPEEDS.iter().rev().copied().find(|s| *s < current - 1e-9)
        };
        let Some(speed) = next else {
            self.flash = Some(format!("Speed stays ×{}: the limit.", speed_str(current)));
            return;
        };
        if self.exec(Command::SetSpeed(speed)).is_ok() {
            self.clock.set_speed(self.wall, speed);
            self.flash = Some(format!("Speed ×{}.", speed_str(speed)));
        }
    }

    fn jump_next(&mut self) {
        if self.refuse_if_ended() {
            return;
        }
        if !self.exercise.is_started() {
            self.flash = Some("Start the clock first (space).".into());
            return;
        }
        let now = self.exercise.now();
        let Some(next) = self.exercise.next_due_at() else {
            self.flash = Some("Nothing is scheduled.".into());
            return;
        };
        // A deadline at `now` passes once time moves on.
        let target = next.max(now.saturating_add(1));
        if self.exec(Command::AdvanceTo(target)).is_ok() {
            self.clock.jump_to(self.wall, target);
            self.flash = Some(format!("Jumped to {}.", super::text::clock(target)));
        }
    }

    /// Records the clock's time if nothing else did, so a resume reopens where the room was.
    fn checkpoint(&mut self) {
        self.last_checkpoint = self.wall;
        if self.exercise.ended_at().is_none() && self.record_error.is_none() {
            // A failure to record is on screen and stops the clock.
            let _ = self.exec(Command::Checkpoint);
        }
    }

    /// Brings the engine to the clock's time. Every command goes through here first, so a
    /// command right after a pause happens at the paused time.
    fn advance(&mut self) {
        if self.exercise.ended_at().is_some() || self.record_error.is_some() {
            return;
        }
        let to = self.clock.now(self.wall);
        if to > self.exercise.now() {
            match self.exercise.execute(Command::AdvanceTo(to)) {
                // A failure is on screen and stops the clock; nothing more to do here.
                Ok(events) => {
                    let _ = self.record(events);
                }
                Err(refusal) => self.flash = Some(refusal.to_string()),
            }
        }
    }

    /// Runs a command: the clock's time first, then the command, then the journal, all before
    /// the screen shows anything.
    fn exec(&mut self, command: Command) -> Result<Vec<Event>, String> {
        if let Some(error) = &self.record_error {
            return Err(error.clone());
        }
        if !matches!(command, Command::AdvanceTo(_)) {
            self.advance();
            if self.record_error.is_some() {
                return Err("the journal could not be written".into());
            }
        }
        match self.exercise.execute(command) {
            Ok(events) => {
                // A command whose events did not reach the journal has not happened for the
                // room: the caller must not move the clock or say it was done.
                self.record(events.clone())?;
                Ok(events)
            }
            Err(refusal) => {
                let reason = refusal.to_string();
                self.flash = Some(capitalise(&reason));
                Err(reason)
            }
        }
    }

    /// Writes events to the journal. On failure the clock stops, the events wait for a retry,
    /// and every command is refused until the journal takes them.
    fn record(&mut self, events: Vec<Event>) -> Result<(), String> {
        if events.is_empty() {
            return Ok(());
        }
        self.log_events(&events);
        if let Err(error) = self.recorder.record(&self.exercise, &events) {
            self.clock.pause(self.wall);
            self.record_error = Some(error.clone());
            self.pending = events;
            self.dialog = None;
            self.help = false;
            return Err(error);
        }
        if self.exercise.ended_at().is_some() {
            self.clock.pause(self.wall);
            self.view = View::Report;
            self.dialog = None;
        }
        Ok(())
    }

    fn retry_recording(&mut self) {
        let events = std::mem::take(&mut self.pending);
        match self.recorder.record(&self.exercise, &events) {
            Ok(()) => {
                self.record_error = None;
                // The command that failed to record has now happened: the clock takes its
                // speed and time (a speed change, a jump), paused.
                self.clock.set_speed(self.wall, self.exercise.speed());
                self.clock.jump_to(self.wall, self.exercise.now());
                if self.exercise.ended_at().is_some() {
                    self.view = View::Report;
                    self.flash = Some("Journal written. The exercise has ended.".into());
                    return;
                }
                if self.exercise.is_running() {
                    // The clock stopped when recording failed: say so in the journal too.
                    let _ = self.exec(Command::Pause);
                }
                if self.exercise.is_started() && self.view == View::Briefing {
                    self.view = View::Console;
                }
                self.flash = Some("Journal written. Press space to resume.".into());
            }
            Err(error) => {
                self.record_error = Some(error);
                self.pending = events;
            }
        }
    }

    fn refuse_if_ended(&mut self) -> bool {
        if self.exercise.ended_at().is_some() {
            self.flash = Some("The exercise has ended.".into());
            true
        } else {
            false
        }
    }

    pub(crate) fn log_events(&mut self, events: &[Event]) {
        let scenario = std::sync::Arc::clone(self.exercise.scenario());
        let team = |t: TeamIx| scenario.team(t).id.clone();
        for event in events {
            let text = match event {
                Event::Started { .. } => "clock started".to_string(),
                Event::Paused { .. } => "paused".to_string(),
                Event::Resumed { .. } => "resumed".to_string(),
                Event::SpeedChanged { speed, .. } => format!("speed ×{}", speed_str(*speed)),
                Event::Scheduled { .. } | Event::Clock { .. } => continue,
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
            };
            self.log.push((event.at(), text));
        }
    }

    // ---- dialogs ----

    fn update_release(&mut self, action: Action) {
        let Some(Dialog::Release { selected }) = &mut self.dialog else {
            return;
        };
        let count = self.exercise.scenario().injects.len();
        match action {
            Action::Up => *selected = move_in(*selected, -1, count),
            Action::Down => *selected = move_in(*selected, 1, count),
            Action::PageUp => *selected = move_in(*selected, -10, count),
            Action::PageDown => *selected = move_in(*selected, 10, count),
            Action::Back => self.dialog = None,
            Action::Confirm => {
                let inject = InjectIx(*selected);
                if let InjectState::Released { at, .. } = self.exercise.inject_state(inject) {
                    self.flash = Some(format!(
                        "{} was already released at {}.",
                        self.exercise.scenario().inject(inject).id,
                        super::text::clock(at)
                    ));
                    return;
                }
                if self.exec(Command::Release(inject)).is_ok() {
                    self.console.selected = inject.0;
                    self.dialog = None;
                    self.flash = Some(format!(
                        "Released {} by hand at {}.",
                        self.exercise.scenario().inject(inject).id,
                        super::text::clock(self.exercise.now())
                    ));
                }
            }
            _ => {}
        }
    }

    fn update_note(&mut self, action: Action) {
        let teams = self.exercise.scenario().teams.len();
        let Some(Dialog::Note(form)) = &mut self.dialog else {
            return;
        };
        let mut submit = false;
        match action {
            Action::Back => {
                self.dialog = None;
                return;
            }
            Action::NextField => form.focus = (form.focus + 1) % 3,
            Action::PrevField => form.focus = (form.focus + 2) % 3,
            Action::Left | Action::Right if form.focus < 2 => {
                if form.focus == 0 {
                    form.kind = match form.kind {
                        NoteKind::Strength => NoteKind::Improvement,
                        NoteKind::Improvement => NoteKind::Strength,
                    };
                } else {
                    // None, team 0, team 1, ...
                    let position = form.team.map_or(0, |t| t.0 + 1);
                    let step = if action == Action::Right { 1 } else { teams };
                    let next = (position + step) % (teams + 1);
                    form.team = next.checked_sub(1).map(TeamIx);
                }
            }
            Action::Left => type_into(&mut form.text, Key::Left),
            Action::Right => type_into(&mut form.text, Key::Right),
            Action::Newline => type_into(&mut form.text, Key::Enter),
            Action::Input(key) if form.focus == 2 => type_into(&mut form.text, key),
            Action::Input(Key::Char(' ')) if form.focus == 0 => {
                form.kind = match form.kind {
                    NoteKind::Strength => NoteKind::Improvement,
                    NoteKind::Improvement => NoteKind::Strength,
                };
            }
            Action::Confirm if form.focus < 2 => form.focus += 1,
            Action::Confirm | Action::Submit => submit = true,
            _ => {}
        }
        if !submit {
            return;
        }
        let text = form.text.lines().join("\n");
        if text.trim().is_empty() {
            form.error = Some("Write the observation first.".into());
            return;
        }
        let (kind, team) = (form.kind, form.team);
        if self.exec(Command::Note { team, kind, text }).is_ok() {
            self.dialog = None;
            self.flash = Some("Observation saved.".into());
        }
    }

    fn update_confirm(&mut self, action: Action) {
        let Some(Dialog::Confirm(kind)) = self.dialog else {
            return;
        };
        match action {
            Action::Yes => {
                self.dialog = None;
                match kind {
                    ConfirmKind::Quit => {
                        self.checkpoint();
                        self.quit = true;
                    }
                    ConfirmKind::End => {
                        if self.exec(Command::End).is_ok() {
                            self.flash = Some("Exercise ended. The after-action report:".into());
                        }
                    }
                }
            }
            Action::No | Action::Back => self.dialog = None,
            _ => {}
        }
    }

    fn open_respond(&mut self) {
        let View::Team(team) = self.view else {
            return;
        };
        if self.refuse_if_ended() {
            return;
        }
        if !self.exercise.is_started() {
            self.flash = Some("Start the clock first (space).".into());
            return;
        }
        let answering = self.teams[team.0].selected.map(|key| match key {
            InboxKey::Inject(i) => Answers::Inject(i),
            InboxKey::Message(n) => Answers::Message(n),
        });
        self.dialog = Some(Dialog::Respond(Box::new(ResponseDialog {
            team,
            answering,
            stage: Stage::Pick {
                filter: Input::default(),
                selected: 0,
            },
        })));
    }

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

    fn update_respond(&mut self, action: Action) {
        let Some(Dialog::Respond(dialog)) = &self.dialog else {
            return;
        };
        let team = dialog.team;
        let answering = dialog.answering;
        let choices = self.answer_choices(team);
        let filter_text = match &dialog.stage {
            Stage::Pick { filter, .. } => filter.value().to_string(),
            Stage::Form(_) => String::new(),
        };
        let actions = self.actions_for(team, &filter_text);
        let scenario = std::sync::Arc::clone(self.exercise.scenario());
        let Some(Dialog::Respond(dialog)) = &mut self.dialog else {
            return;
        };
        match &mut dialog.stage {
            Stage::Pick { filter, selected } => match action {
                Action::Back => self.dialog = None,
                Action::Up => *selected = move_in(*selected, -1, actions.len()),
                Action::Down => *selected = move_in(*selected, 1, actions.len()),
                Action::Input(key) => {
                    if let Some(request) = input_request(key) {
                        filter.handle(request);
                        *selected = 0;
                    }
                }
                Action::Confirm => {
                    let Some(&chosen) = actions.get(*selected) else {
                        return;
                    };
                    let spec = scenario.action(chosen);
                    let fields = spec
                        .fields
                        .iter()
                        .map(|_| {
                            let mut area = TextArea::default();
                            area.set_cursor_line_style(Style::default());
                            area
                        })
                        .collect();
                    let mut note = TextArea::default();
                    note.set_cursor_line_style(Style::default());
                    note.set_placeholder_text("optional");
                    let answer = choices.iter().position(|c| *c == answering).unwrap_or(0);
                    dialog.stage = Stage::Form(Box::new(ResponseForm {
                        action: chosen,
                        fields,
                        note,
                        answers: choices,
                        answer,
                        focus: 1,
                        error: None,
                    }));
                }
                _ => {}
            },
            Stage::Form(form) => {
                let submit_row = form.submit_row();
                let mut submit = false;
                match action {
                    Action::Back => {
                        dialog.stage = Stage::Pick {
                            filter: Input::default(),
                            selected: 0,
                        };
                        return;
                    }
                    Action::NextField => form.focus = (form.focus + 1) % (submit_row + 1),
                    Action::PrevField => form.focus = (form.focus + submit_row) % (submit_row + 1),
                    Action::Left | Action::Right if form.focus == 0 => {
                        let count = form.answers.len();
                        let step = if action == Action::Right {
                            1
                        } else {
                            count - 1
                        };
                        form.answer = (form.answer + step) % count;
                    }
                    Action::Left => {
                        if let Some(area) = focused_text(form) {
                            type_into(area, Key::Left);
                        }
                    }
                    Action::Right => {
                        if let Some(area) = focused_text(form) {
                            type_into(area, Key::Right);
                        }
                    }
                    Action::Newline => {
                        if let Some(area) = focused_text(form) {
                            type_into(area, Key::Enter);
                        }
                    }
                    Action::Input(key) => {
                        if let Some(area) = focused_text(form) {
                            type_into(area, key);
                        }
                    }
                    Action::Confirm if form.focus < submit_row => form.focus += 1,
                    Action::Confirm | Action::Submit => submit = true,
                    _ => {}
                }
                if submit {
                    let spec = scenario.action(form.action);
                    let fields = spec
                        .fields
                        .iter()
                        .zip(&form.fields)
                        .map(|(name, area)| (name.clone(), area.lines().join("\n")))
                        .collect();
                    let note = form.note.lines().join("\n");
                    let response = Response {
                        team,
                        action: form.action,
                        fields,
                        note: (!note.trim().is_empty()).then_some(note),
                        answers: form.answers.get(form.answer).copied().flatten(),
                    };
                    self.submit_response(response);
                }
            }
        }
    }

    /// What a response of `team` may say it answers: nothing in particular (the earliest due),
    /// then its inbox, newest first.
    pub fn answer_choices(&self, team: TeamIx) -> Vec<Option<Answers>> {
        std::iter::once(None)
            .chain(self.inbox(team).into_iter().map(|(key, _)| {
                Some(match key {
                    InboxKey::Inject(i) => Answers::Inject(i),
                    InboxKey::Message(n) => Answers::Message(n),
                })
            }))
            .collect()
    }

    fn submit_response(&mut self, response: Response) {
        let team = response.team;
        match self.exec(Command::Respond(response)) {
            Ok(events) => {
                let outcome = self.describe(&events);
                self.teams[team.0].outcome = outcome;
                self.dialog = None;
                self.flash = Some("Response recorded.".into());
            }
            Err(reason) => {
                if let Some(Dialog::Respond(dialog)) = &mut self.dialog
                    && let Stage::Form(form) = &mut dialog.stage
                {
                    form.error = Some(capitalise(&reason));
                }
            }
        }
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
        format!(
            "\"{action}\" satisfied {} (expected for {what}): {timing}, status {status}.{blank}",
            self.exercise.expectation_id(ix)
        )
    }

    // ---- report ----

    fn export(&mut self) {
        let report = Report::of(&self.exercise);
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
            for (format, ext) in [(Format::Json, "json"), (Format::Markdown, "md")] {
                let path = self.report_dir.join(format!("{stem}-report.{ext}"));
                std::fs::write(&path, report.render(scenario, format))?;
                written.push(path);
            }
            Ok(written)
        })();
        match result {
            Ok(paths) => {
                self.flash = Some(format!(
                    "Report written: {}",
                    paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                self.report.exported = paths;
                self.report.export_error = None;
            }
            Err(error) => {
                let message = format!(
                    "Could not write the report under {}: {error}",
                    self.report_dir.display()
                );
                self.flash = Some(message.clone());
                self.report.export_error = Some(message);
            }
        }
    }
}

fn move_in(current: usize, step: isize, count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    (current as isize + step).clamp(0, count as isize - 1) as usize
}

pub fn speed_str(speed: f64) -> String {
    if speed.fract() == 0.0 {
        format!("{speed:.0}")
    } else {
        format!("{speed}")
    }
}

fn capitalise(text: &str) -> String {
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

fn input_request(key: Key) -> Option<InputRequest> {
    Some(match key {
        Key::Char(c) => InputRequest::InsertChar(c),
        Key::Backspace => InputRequest::DeletePrevChar,
        Key::Delete => InputRequest::DeleteNextChar,
        Key::Left => InputRequest::GoToPrevChar,
        Key::Right => InputRequest::GoToNextChar,
        Key::Home => InputRequest::GoToStart,
        Key::End => InputRequest::GoToEnd,
        Key::Ctrl('u') => InputRequest::DeleteLine,
        Key::Ctrl('w') => InputRequest::DeletePrevWord,
        _ => return None,
    })
}

/// Types a key into a text area; keys a text area has no use for are ignored.
fn type_into(area: &mut TextArea<'static>, key: Key) {
    use ratatui_textarea::{Input as TInput, Key as TKey};
    let (key, ctrl, alt) = match key {
        Key::Char(c) => (TKey::Char(c), false, false),
        Key::Ctrl(c) => (TKey::Char(c), true, false),
        Key::Alt(c) => (TKey::Char(c), false, true),
        Key::Enter => (TKey::Enter, false, false),
        Key::Backspace => (TKey::Backspace, false, false),
        Key::Delete => (TKey::Delete, false, false),
        Key::Left => (TKey::Left, false, false),
        Key::Right => (TKey::Right, false, false),
        Key::Up => (TKey::Up, false, false),
        Key::Down => (TKey::Down, false, false),
        Key::Home => (TKey::Home, false, false),
        Key::End => (TKey::End, false, false),
        _ => return,
    };
    area.input(TInput {
        key,
        ctrl,
        alt,
        shift: false,
    });
}

/// The text area that has the focus in a response form, if any.
fn focused_text(form: &mut ResponseForm) -> Option<&mut TextArea<'static>> {
    let n = form.fields.len();
    match form.focus {
        f if f >= 1 && f <= n => form.fields.get_mut(f - 1),
        f if f == n + 1 => Some(&mut form.note),
        _ => None,
    }
}
