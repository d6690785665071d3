//! A seat: one person's screen on the shared session. It has a role (what it may see and do)
//! and its own UI state (view, selection, scroll, dialog, half-typed forms); the exercise
//! itself lives in the session. The local terminal is one seat that may switch to every view;
//! a served seat has one fixed role.

use std::time::Duration;

use super::forms::answer::AnswerForm;
use super::forms::facts::FactsForm;
use super::forms::feedback::FeedbackForm;
use super::forms::hot_wash::HotWashForm;
use super::forms::judge::JudgeForm;
use super::forms::message::MessageForm;
use super::forms::note::NoteForm;
use super::forms::picker::{ActionPicker, Picked};
use super::forms::plan::PlanForm;
use super::forms::rating::RatingForm;
use super::forms::release::ReleasePicker;
use super::forms::response::ResponseForm;
use super::forms::summary::SummaryForm;
use super::forms::{Ask, Done, Form, move_in};
use super::key::{Key, MAX_PASTE, Typed};
use super::keymap::{self, Action, Context};
use super::text::width;
use crate::debrief::evaluation::critical_tasks;
use crate::debrief::{DebriefEvent, PlanAdded, PlanDropped, Rated, Summary};
use crate::engine::{Answers, ExpectationIx, Source};
use crate::report::Report;
use crate::role::{Request, Role};
use crate::scenario::{ActionIx, InjectIx, ModuleIx, ObjectiveIx, QuestionIx, TeamIx};
use crate::session::{Refused, Session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Briefing,
    Console,
    Team(TeamIx),
    /// The evaluation screen; after the end, the after-action screen.
    Evaluation,
    Report,
    /// A team's discussion: the module's narrative, its questions for the team and the team's
    /// answers.
    Discussion(TeamIx),
    /// The console's module view: the module's questions and which teams answered.
    Modules,
}

/// An item of a team's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboxKey {
    Inject(InjectIx),
    Message(u64),
}

impl From<Answers> for InboxKey {
    fn from(answers: Answers) -> Self {
        match answers {
            Answers::Inject(i) => InboxKey::Inject(i),
            Answers::Message(n) => InboxKey::Message(n),
        }
    }
}

impl From<InboxKey> for Answers {
    fn from(key: InboxKey) -> Self {
        match key {
            InboxKey::Inject(i) => Answers::Inject(i),
            InboxKey::Message(n) => Answers::Message(n),
        }
    }
}

/// How long an inbox item must stay shown to count as opened: passing over it with `↑`/`↓`
/// leaves it new.
pub const OPENED_AFTER: Duration = Duration::from_millis(1500);

#[derive(Debug, Default, Clone, PartialEq)]
pub struct TeamUi {
    pub selected: Option<InboxKey>,
    /// Since when (the session's wall clock) the selected item is shown and not yet marked read.
    shown_since: Option<Duration>,
    pub scroll: u16,
    /// The facilitator chose to show this team its expected actions.
    pub show_expected: bool,
    pub discussion: DiscussionUi,
}

/// Where a discussion screen is: the module shown, the selected question, the scroll.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DiscussionUi {
    /// The module chosen with `[`/`]`; `None` follows the current one.
    pub module: Option<ModuleIx>,
    /// An index into the module's questions as the screen lists them.
    pub selected: usize,
    pub scroll: u16,
}

impl DiscussionUi {
    /// The module shown: the one chosen, or the current one.
    pub fn module(&self, session: &Session) -> Option<ModuleIx> {
        self.module.or_else(|| session.current_module())
    }
}

/// The questions a discussion screen lists for `module`: those addressed to `team`, or every
/// question of it (the console's view).
pub fn listed_questions(
    session: &Session,
    module: ModuleIx,
    team: Option<TeamIx>,
) -> Vec<QuestionIx> {
    let scenario = session.exercise().scenario();
    match team {
        Some(team) => scenario.questions_for(module, team).collect(),
        None => (0..scenario.module(module).questions.len())
            .map(|question| QuestionIx { module, question })
            .collect(),
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ConsoleUi {
    /// The inject highlighted in the events list.
    pub selected: usize,
    /// How many lines the log is scrolled back from its end.
    pub log_back: usize,
    /// The module view.
    pub modules: DiscussionUi,
    /// The widest inject id and MSEL number (none without any) of the scenario, in columns:
    /// measured once, since a seat's scenario never changes, not over every inject each frame.
    pub widest_id: usize,
    pub widest_ref: Option<usize>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct EvaluationUi {
    /// An index into the screen's entries.
    pub selected: usize,
    /// How far the details are scrolled.
    pub scroll: u16,
}

/// One line of the evaluation screen's list, which a seat selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// An index into the report's ratings.
    Rating(usize),
    Summary,
    /// The exercise's facts for the report's cover.
    Facts,
    /// An index into the report's improvement plan.
    Item(usize),
    AddItem,
}

/// Whether a seat of this role writes the debrief proper (summary, plan): the facilitator,
/// once the exercise has ended. Ratings are for every evaluator, at any time.
pub fn writes_debrief(role: Role, session: &Session) -> bool {
    role.may(Request::Plan) && session.exercise().ended_at().is_some()
}

/// What the seat may select, in the list's order.
pub fn entries(report: &Report, debrief: bool) -> Vec<Entry> {
    let mut entries: Vec<Entry> = (0..report.ratings.len()).map(Entry::Rating).collect();
    if debrief {
        entries.extend([Entry::Summary, Entry::Facts]);
        entries.extend((0..report.improvement_plan.len()).map(Entry::Item));
        entries.push(Entry::AddItem);
    }
    entries
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReportUi {
    pub scroll: u16,
    pub exported: Vec<std::path::PathBuf>,
    pub export_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmKind {
    /// End the exercise now (the time shown live).
    End,
    /// Quit the local console while the exercise runs.
    Quit,
    /// Close the exercise after its end: every seat goes with it (`Seat::quit_closes`).
    Close,
    /// Drop this improvement-plan item.
    DropItem(String),
    /// Make the report final.
    Finalise,
}

impl ConfirmKind {
    /// The question asked: the dialog's title, and the line a screen too small for the dialog
    /// shows instead.
    pub fn question(&self) -> &'static str {
        match self {
            ConfirmKind::End => "End the exercise?",
            ConfirmKind::Quit => "Quit while the exercise runs?",
            ConfirmKind::Close => "Close the exercise?",
            ConfirmKind::DropItem(_) => "Drop the improvement item?",
            ConfirmKind::Finalise => "Make the report final?",
        }
    }
}

#[derive(Clone, PartialEq)]
pub enum Stage {
    Pick(Box<ActionPicker>),
    Form(Box<ResponseForm>),
}

#[derive(Clone, PartialEq)]
pub struct ResponseDialog {
    pub team: TeamIx,
    /// What the inbox had selected when the dialog opened.
    pub answering: Option<Answers>,
    /// The options of the decision that item asks of the team, offered first.
    pub choices: Vec<ActionIx>,
    pub stage: Stage,
}

/// A response form left with esc after something was put in it: it belongs to its team, its
/// action and the inbox item selected when it was begun. `r` never reopens it by itself: the
/// action picker marks its action, and choosing that action for that item brings it back.
#[derive(Clone, PartialEq)]
pub struct Draft {
    pub team: TeamIx,
    pub answering: Option<Answers>,
    pub form: Box<ResponseForm>,
}

impl Draft {
    fn is_for(&self, team: TeamIx, action: ActionIx, answering: Option<Answers>) -> bool {
        self.team == team && self.form.action() == action && self.answering == answering
    }
}

impl ResponseDialog {
    /// The actions the picker offers for `filter`, best match first, with the options of the
    /// decision being answered before the rest.
    pub fn offered(&self, session: &Session, filter: &str) -> Vec<ActionIx> {
        let mut actions = session.actions_for(self.team, filter);
        actions.sort_by_key(|a| !self.choices.contains(a));
        actions
    }
}

#[derive(Clone, PartialEq)]
pub enum Dialog {
    Release(Box<ReleasePicker>),
    Note(Box<NoteForm>),
    Confirm(ConfirmKind),
    Respond(Box<ResponseDialog>),
    /// An inject opened from the console: everything about it.
    Inject(InjectIx),
    Message(Box<MessageForm>),
    /// Who is connected, the join codes, the host key.
    Seats,
    Rating(Box<RatingForm>),
    Summary(Box<SummaryForm>),
    Plan(Box<PlanForm>),
    Facts(Box<FactsForm>),
    Judge(Box<JudgeForm>),
    Answer(Box<AnswerForm>),
    /// Every addressed team's answer to a question, read-only (the module view's).
    Answers(QuestionIx),
    HotWash(Box<HotWashForm>),
    Feedback(Box<FeedbackForm>),
}

impl Dialog {
    /// The form the dialog shows now, if it is one.
    fn form(&mut self) -> Option<&mut dyn Form> {
        match self {
            Dialog::Release(picker) => Some(picker.as_mut()),
            Dialog::Note(form) => Some(form.as_mut()),
            Dialog::Message(form) => Some(form.as_mut()),
            Dialog::Rating(form) => Some(form.as_mut()),
            Dialog::Summary(form) => Some(form.as_mut()),
            Dialog::Plan(form) => Some(form.as_mut()),
            Dialog::Facts(form) => Some(form.as_mut()),
            Dialog::Judge(form) => Some(form.as_mut()),
            Dialog::Answer(form) => Some(form.as_mut()),
            Dialog::HotWash(form) => Some(form.as_mut()),
            Dialog::Feedback(form) => Some(form.as_mut()),
            Dialog::Respond(dialog) => match &mut dialog.stage {
                Stage::Form(form) => Some(form.as_mut()),
                Stage::Pick(_) => None,
            },
            Dialog::Confirm(_) | Dialog::Inject(_) | Dialog::Seats | Dialog::Answers(_) => None,
        }
    }

    /// Shows why a save was refused in the dialog's form; the reason back when it has none.
    fn refused(&mut self, reason: String) -> Option<String> {
        match self.form() {
            Some(form) => form.refused(reason),
            None => Some(reason),
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct Seat {
    pub role: Role,
    pub view: View,
    pub dialog: Option<Dialog>,
    pub help: bool,
    /// A one-line message for this seat (what a key did, or why it did nothing).
    pub flash: Option<String>,
    pub console: ConsoleUi,
    pub teams: Vec<TeamUi>,
    pub evaluation: EvaluationUi,
    pub report: ReportUi,
    /// Who rates and judges from this seat, as the report names them: the seat's user, or
    /// `facilitator` at the local console.
    pub evaluator: String,
    /// The seat is on a headless server, where the facilitator's seat stands in for the console.
    pub headless: bool,
    /// Response forms left with esc (`Draft`).
    drafts: Vec<Draft>,
    /// The last hotline message this seat has told its team about (`notice`).
    heard: u64,
    /// Ctrl-L asked for the whole screen to be drawn again, not just what changed.
    redraw: bool,
    /// The seat has shown the end of the exercise (and moved to the report, if it may).
    saw_end: bool,
    quit: bool,
}

impl Seat {
    pub fn new(role: Role, session: &Session) -> Self {
        let exercise = session.exercise();
        let scenario = exercise.scenario();
        let teams = scenario.teams.len();
        let view = match role {
            Role::Team(team) => View::Team(team),
            Role::Local | Role::Facilitator if exercise.ended_at().is_some() => View::Evaluation,
            Role::Observer | Role::Evaluator => View::Console,
            _ if exercise.is_started() => View::Console,
            _ => View::Briefing,
        };
        let mut seat = Seat {
            role,
            view,
            dialog: None,
            help: false,
            flash: None,
            console: ConsoleUi {
                widest_id: scenario
                    .injects
                    .iter()
                    .map(|i| width(&i.id))
                    .max()
                    .unwrap_or(0),
                widest_ref: (scenario.injects.iter())
                    .filter_map(|i| i.reference.as_deref())
                    .map(width)
                    .max(),
                ..ConsoleUi::default()
            },
            teams: (0..teams).map(|_| TeamUi::default()).collect(),
            evaluation: EvaluationUi::default(),
            report: ReportUi::default(),
            evaluator: "facilitator".into(),
            headless: false,
            drafts: Vec::new(),
            heard: exercise.messages().len() as u64,
            redraw: false,
            // A seat that joins an ended exercise (a reconnection, a server resumed during the
            // feedback form) is shown the end as if it had seen it happen: discussion.md offers
            // every served seat the form after the end.
            saw_end: false,
            quit: false,
        };
        seat.sync(session);
        seat
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether this seat quitting now closes the exercise for every seat: the local console's
    /// always does; a facilitator seat's does after the end on a headless server, which has no
    /// console; any other seat only leaves. The server acts on this, and `q` asks first when it
    /// holds once the exercise has started.
    pub fn quit_closes(&self, exercise: &crate::engine::Exercise) -> bool {
        match self.role {
            Role::Local => true,
            Role::Facilitator => self.headless && exercise.ended_at().is_some(),
            _ => false,
        }
    }

    /// A key pressed at wall time `wall`. Ctrl-L redraws in every context, forms included.
    pub fn handle_key(&mut self, session: &mut Session, key: Key, wall: Duration) {
        session.set_wall(wall);
        self.settle_reading(session, wall);
        let action = if key == Key::Ctrl('l') {
            Some(Action::Redraw)
        } else {
            keymap::lookup(self.context(session), key)
        };
        if let Some(action) = action {
            self.update(session, action);
        }
    }

    /// Whether what the seat shows depends on the session's wall clock: the seats dialog's "for"
    /// and "idle" are the only text drawn from it.
    pub fn shows_wall(&self) -> bool {
        matches!(self.dialog, Some(Dialog::Seats))
    }

    /// Whether the whole screen must be drawn again (Ctrl-L); asking clears it.
    pub fn take_redraw(&mut self) -> bool {
        std::mem::take(&mut self.redraw)
    }

    /// The user whose reading this seat marks: its user, or `facilitator` at the local console
    /// (as it rates and judges).
    pub fn reader(&self) -> &str {
        &self.evaluator
    }

    /// Whether an item of `team`'s inbox is new to this seat's user: not opened yet, and not a
    /// message the team sent itself.
    pub fn is_new(&self, session: &Session, team: TeamIx, key: InboxKey) -> bool {
        if let InboxKey::Message(n) = key
            && session
                .exercise()
                .message(n)
                .is_some_and(|m| m.from == team)
        {
            return false;
        }
        !session.has_read(self.reader(), team, key.into())
    }

    /// The selected item counts as opened once it has been shown for `OPENED_AFTER` at wall time
    /// `wall`.
    pub fn settle_reading(&mut self, session: &Session, wall: Duration) {
        let View::Team(team) = self.view else {
            return;
        };
        let ui = &self.teams[team.0];
        if let (Some(_), Some(since)) = (ui.selected, ui.shown_since)
            && wall.saturating_sub(since) >= OPENED_AFTER
        {
            self.open(session, team);
        }
    }

    /// Marks the selected item of `team`'s inbox opened now.
    fn open(&mut self, session: &Session, team: TeamIx) {
        let ui = &mut self.teams[team.0];
        ui.shown_since = None;
        if let Some(key) = ui.selected {
            session.mark_read(&self.evaluator, team, key.into());
        }
    }

    /// How long from wall time `wall` until the selected item counts as opened, if it waits.
    pub fn reading_due(&self, wall: Duration) -> Option<Duration> {
        let View::Team(team) = self.view else {
            return None;
        };
        let since = self.teams[team.0].shown_since?;
        Some((since + OPENED_AFTER).saturating_sub(wall))
    }

    /// A person's input at wall time `wall`: a key, or pasted text.
    pub fn handle_typed(&mut self, session: &mut Session, typed: Typed, wall: Duration) {
        match typed {
            Typed::Key(key) => self.handle_key(session, key, wall),
            Typed::Paste(text) => self.paste(session, &text),
            Typed::OversizePaste => {
                self.flash = Some(format!(
                    "Nothing was pasted: a paste may be at most {} KiB.",
                    MAX_PASTE / 1024
                ));
            }
        }
    }

    /// Pasted text goes whole into the text field that has the focus, never read as keys: where
    /// no field takes it, the seat says so and nothing happens.
    pub fn paste(&mut self, session: &Session, text: &str) {
        let result = if self.help || session.record_error().is_some() {
            Err(super::field::NO_FIELD_TO_PASTE_INTO.to_string())
        } else if let Some(Dialog::Respond(dialog)) = &mut self.dialog
            && let Stage::Pick(picker) = &mut dialog.stage
        {
            picker.paste(text)
        } else if let Some(form) = self.dialog.as_mut().and_then(Dialog::form) {
            form.paste(text, session.exercise())
        } else {
            Err("Open a form to paste into it.".to_string())
        };
        self.flash = result.err();
    }

    /// Where keys are read now.
    pub fn context(&self, session: &Session) -> Context {
        if session.record_error().is_some() {
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
            Some(Dialog::Release(_)) => Context::ReleasePicker,
            Some(Dialog::Note(_)) => Context::Note,
            Some(Dialog::Confirm(_)) => Context::Confirm,
            Some(Dialog::Inject(_)) => Context::InjectDetail,
            Some(Dialog::Message(_)) => Context::MessageForm,
            Some(Dialog::Seats) => Context::Seats,
            Some(Dialog::Rating(_)) => Context::RatingForm,
            Some(Dialog::Summary(_)) => Context::SummaryForm,
            Some(Dialog::Plan(_)) => Context::PlanForm,
            Some(Dialog::Facts(_)) => Context::FactsForm,
            Some(Dialog::Judge(form)) if form.picking() => Context::JudgePicker,
            Some(Dialog::Judge(_)) => Context::JudgeForm,
            Some(Dialog::Answer(_)) => Context::AnswerForm,
            Some(Dialog::Answers(_)) => Context::Answers,
            Some(Dialog::HotWash(_)) => Context::HotWashForm,
            Some(Dialog::Feedback(_)) => Context::FeedbackForm,
            Some(Dialog::Respond(d)) => match d.stage {
                Stage::Pick(_) => Context::ActionPicker,
                Stage::Form(_) => Context::ResponseForm,
            },
            None => match self.view {
                View::Briefing => Context::Briefing,
                View::Console => Context::Console,
                View::Team(_) => Context::Team,
                View::Evaluation => Context::Evaluation,
                View::Report => Context::Report,
                View::Discussion(_) => Context::Discussion,
                View::Modules => Context::Modules,
            },
        }
    }

    pub fn update(&mut self, session: &mut Session, action: Action) {
        if action == Action::Redraw {
            self.redraw = true;
            return;
        }
        let context = self.context(session);
        if !matches!(action, Action::Input(_)) {
            self.flash = None;
        }
        if !self.permits(action) {
            self.flash = Some(self.role.refusal().into());
            return;
        }
        match context {
            Context::RecordError => match action {
                Action::Retry => self.report(session.retry_recording(self.role)),
                Action::Quit => self.quit = true,
                _ => {}
            },
            Context::Help => self.help = false,
            Context::ReleasePicker
            | Context::Note
            | Context::MessageForm
            | Context::RatingForm
            | Context::SummaryForm
            | Context::PlanForm
            | Context::FactsForm
            | Context::JudgePicker
            | Context::JudgeForm
            | Context::AnswerForm
            | Context::HotWashForm
            | Context::FeedbackForm
            | Context::ResponseForm => self.update_form(session, action),
            Context::ActionPicker => self.update_pick(session, action),
            Context::Confirm => self.update_confirm(session, action),
            Context::InjectDetail | Context::Seats | Context::Answers => self.dialog = None,
            Context::Discussion | Context::Modules => self.update_discussion(session, action),
            Context::Briefing | Context::Console | Context::Team | Context::Report => {
                self.update_screen(session, action)
            }
            Context::Evaluation => self.update_evaluation(session, action),
            Context::Global => {}
        }
        self.sync(session);
    }

    /// Whether this seat may use `action`: a key that asks the session for something is
    /// offered as the session would answer (`Role::may`); the keys that only show something are
    /// listed here, the facilitator's views among them. Every action is named, so a new one is
    /// placed on purpose.
    fn permits(&self, action: Action) -> bool {
        let may = |request| self.role.may(request);
        let for_some_team =
            |request: fn(TeamIx) -> Request| (0..self.teams.len()).any(|t| may(request(TeamIx(t))));
        match action {
            Action::StartPause => may(Request::StartPause),
            Action::Faster | Action::Slower => may(Request::Speed),
            Action::JumpNext => may(Request::Jump),
            Action::OpenRelease => may(Request::Release),
            Action::OpenEnd => may(Request::End),
            Action::OpenNote => may(Request::Note),
            Action::Respond => for_some_team(Request::Respond),
            Action::OpenMessage => for_some_team(Request::Message),
            Action::Edit | Action::Accept => may(Request::Rate),
            Action::AddItem | Action::DropItem => may(Request::Plan),
            Action::OpenJudge => may(Request::Judge),
            Action::OpenFinalise => may(Request::Finalise),
            Action::ReleaseReport => may(Request::ReleaseReport),
            Action::Export => may(Request::Export),
            Action::Retry => may(Request::RetryRecording),
            Action::Answer => for_some_team(Request::Answer),
            Action::OpenHotWash => may(Request::HotWash),
            Action::OpenFeedback => may(Request::Feedback),
            // An inject's whole text, the join codes, what a team is shown: the facilitator's.
            Action::OpenInject | Action::ShowSeats | Action::ToggleExpected => {
                self.role.runs_exercise()
            }
            Action::ShowEvaluation => {
                matches!(self.role, Role::Local | Role::Facilitator | Role::Evaluator)
            }
            Action::NextView
            | Action::PrevView
            | Action::Help
            | Action::Back
            | Action::Quit
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::LogBack
            | Action::LogForward
            | Action::Confirm
            | Action::Submit
            | Action::NextField
            | Action::PrevField
            | Action::Left
            | Action::Right
            | Action::Newline
            | Action::Yes
            | Action::No
            | Action::Redraw
            | Action::ShowDiscussion
            | Action::ModulePrev
            | Action::ModuleNext
            | Action::OpenAnswers
            | Action::Input(_) => true,
        }
    }

    /// Shows what a session call said: its message, or why it refused.
    fn report(&mut self, result: Result<String, Refused>) {
        self.flash = Some(match result {
            Ok(message) => message,
            Err(refused) => refused.to_string(),
        });
    }

    // ---- screens ----

    fn update_screen(&mut self, session: &mut Session, action: Action) {
        match action {
            Action::StartPause => {
                let result = session.start_pause(self.role);
                if result.is_ok() && self.view == View::Briefing {
                    self.view = View::Console;
                }
                self.report(result);
            }
            Action::NextView => self.view = self.cycle(session, 1),
            Action::PrevView => self.view = self.cycle(session, -1),
            Action::Help => self.help = true,
            Action::ShowEvaluation if self.views(session).contains(&View::Evaluation) => {
                self.view = View::Evaluation;
            }
            Action::Back
                if !matches!(self.role, Role::Team(_))
                    && matches!(self.view, View::Team(_) | View::Evaluation | View::Report) =>
            {
                self.view = View::Console;
            }
            Action::Quit => {
                let exercise = session.exercise();
                self.dialog = match (self.quit_closes(exercise), exercise.ended_at()) {
                    (true, Some(_)) => Some(Dialog::Confirm(ConfirmKind::Close)),
                    (true, None) if exercise.is_started() => {
                        Some(Dialog::Confirm(ConfirmKind::Quit))
                    }
                    _ => {
                        self.quit = true;
                        None
                    }
                };
            }
            Action::Faster => self.report(session.change_speed(self.role, true)),
            Action::Slower => self.report(session.change_speed(self.role, false)),
            Action::JumpNext => self.report(session.jump_next(self.role)),
            Action::OpenRelease => {
                if session.exercise().ended_at().is_some() {
                    self.flash = Some("The exercise has ended.".into());
                    return;
                }
                let count = session.exercise().scenario().injects.len();
                let selected = InjectIx(self.console.selected.min(count.saturating_sub(1)));
                let refs = session
                    .exercise()
                    .scenario()
                    .injects
                    .iter()
                    .any(|i| i.reference.is_some());
                self.dialog = Some(Dialog::Release(Box::new(ReleasePicker::new(
                    selected, refs,
                ))));
            }
            Action::OpenNote => {
                let team = match self.view {
                    View::Team(team) => Some(team),
                    _ => None,
                };
                self.dialog = Some(Dialog::Note(Box::new(NoteForm::new(team, None))));
            }
            Action::OpenEnd => {
                if session.exercise().ended_at().is_some() {
                    self.flash = Some("The exercise has ended.".into());
                } else {
                    self.dialog = Some(Dialog::Confirm(ConfirmKind::End));
                }
            }
            Action::OpenInject if self.view == View::Console => {
                let count = session.exercise().scenario().injects.len();
                if count > 0 {
                    self.dialog = Some(Dialog::Inject(InjectIx(
                        self.console.selected.min(count - 1),
                    )));
                }
            }
            Action::LogBack | Action::LogForward => {
                let step: isize = if action == Action::LogBack { 5 } else { -5 };
                let most = session.log().len().saturating_sub(1);
                self.console.log_back =
                    (self.console.log_back as isize + step).clamp(0, most as isize) as usize;
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                self.navigate(session, action)
            }
            // Answering an item is reading it.
            Action::Respond => {
                if let View::Team(team) = self.view {
                    self.open(session, team);
                }
                self.open_respond(session)
            }
            Action::OpenMessage => {
                if let View::Team(team) = self.view {
                    self.open(session, team);
                }
                self.open_message(session)
            }
            Action::ShowSeats => self.dialog = Some(Dialog::Seats),
            Action::ShowDiscussion => match self.view {
                View::Team(team) => self.view = View::Discussion(team),
                View::Console => self.view = View::Modules,
                _ => {}
            },
            Action::OpenFeedback => self.open_feedback(session),
            Action::OpenHotWash => self.open_hot_wash(session),
            Action::ToggleExpected => {
                if let View::Team(team) = self.view {
                    let ui = &mut self.teams[team.0];
                    ui.show_expected = !ui.show_expected;
                }
            }
            Action::Export => self.export(session),
            Action::ReleaseReport => self.report(session.release_report(self.role)),
            Action::OpenJudge => {
                // The selected inject's first done expectation comes first.
                let exercise = session.exercise();
                let inject = InjectIx(
                    self.console
                        .selected
                        .min(exercise.scenario().injects.len().saturating_sub(1)),
                );
                let prefer = exercise
                    .expectations_of_inject(inject)
                    .iter()
                    .copied()
                    .find(|ix| exercise.expectation(*ix).done.is_some());
                self.open_judge(session, prefer);
            }
            _ => {}
        }
    }

    /// The judge dialog, `prefer` highlighted; refused at once once the report is final.
    fn open_judge(&mut self, session: &Session, prefer: Option<ExpectationIx>) {
        if session.exercise().is_final() {
            self.flash = Some("The report is final: nothing more can be judged.".into());
            return;
        }
        self.dialog = Some(Dialog::Judge(Box::new(JudgeForm::new(
            &self.evaluator,
            prefer,
        ))));
    }

    /// Whether the seat has a use for `action` now: its role allows it, and switching views
    /// needs more than one view (a served team seat has one until the report is released).
    pub fn offers(&self, session: &Session, action: Action) -> bool {
        self.permits(action)
            && (!matches!(action, Action::NextView | Action::PrevView)
                || self.views(session).len() > 1)
            && !(action.plays_the_exercise() && session.exercise().ended_at().is_some())
            && self.offers_debrief(session, action)
    }

    /// Judging, rating and planning end when the report is final, which it can be made only
    /// after the end, once.
    fn offers_debrief(&self, session: &Session, action: Action) -> bool {
        let exercise = session.exercise();
        match action {
            Action::OpenJudge
            | Action::Edit
            | Action::Accept
            | Action::AddItem
            | Action::DropItem => !exercise.is_final(),
            Action::OpenFinalise => exercise.ended_at().is_some() && !exercise.is_final(),
            Action::OpenHotWash => {
                exercise.ended_at().is_some()
                    && !exercise.is_final()
                    && !exercise.scenario().objectives.is_empty()
            }
            Action::OpenFeedback => exercise.ended_at().is_some() && !exercise.is_final(),
            Action::ShowDiscussion => !exercise.scenario().modules.is_empty(),
            _ => true,
        }
    }

    fn export(&mut self, session: &Session) {
        match session.export(self.role) {
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
            Err(refused) => {
                let message = refused.to_string();
                self.flash = Some(message.clone());
                self.report.export_error = Some(message);
            }
        }
    }

    /// The views this seat may switch between, in Tab order.
    fn views(&self, session: &Session) -> Vec<View> {
        let teams = session.exercise().scenario().teams.len();
        match self.role {
            Role::Team(team) => {
                let mut views = vec![View::Team(team)];
                if !session.exercise().scenario().modules.is_empty() {
                    views.push(View::Discussion(team));
                }
                if session.report_released() {
                    views.push(View::Report);
                }
                views
            }
            Role::Observer => std::iter::once(View::Console)
                .chain((0..teams).map(|t| View::Team(TeamIx(t))))
                .collect(),
            Role::Evaluator => std::iter::once(View::Console)
                .chain((0..teams).map(|t| View::Team(TeamIx(t))))
                .chain(std::iter::once(View::Evaluation))
                .collect(),
            Role::Local | Role::Facilitator => std::iter::once(View::Console)
                .chain((0..teams).map(|t| View::Team(TeamIx(t))))
                .chain([View::Evaluation, View::Report])
                .collect(),
        }
    }

    fn cycle(&self, session: &Session, step: isize) -> View {
        let views = self.views(session);
        if self.view == View::Briefing {
            return View::Console;
        }
        // A discussion screen reached with its key stands in the cycle where its own view does.
        let here = match self.view {
            View::Discussion(team) if !views.contains(&self.view) => View::Team(team),
            View::Modules => View::Console,
            view => view,
        };
        let at = views.iter().position(|v| *v == here).unwrap_or(0) as isize;
        views[(at + step).rem_euclid(views.len() as isize) as usize]
    }

    fn navigate(&mut self, session: &Session, action: Action) {
        let step: isize = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -10,
            _ => 10,
        };
        match self.view {
            View::Console => {
                let count = session.exercise().scenario().injects.len();
                self.console.selected = move_in(self.console.selected, step, count);
            }
            View::Team(team) => {
                if matches!(action, Action::PageUp | Action::PageDown) {
                    // Scrolling the text is reading it.
                    self.open(session, team);
                    let ui = &mut self.teams[team.0];
                    ui.scroll = if step < 0 {
                        ui.scroll.saturating_sub(5)
                    } else {
                        ui.scroll.saturating_add(5).min(500)
                    };
                    return;
                }
                let inbox = session.exercise().inbox_threads(team);
                let ui = &mut self.teams[team.0];
                let current = ui
                    .selected
                    .and_then(|key| inbox.iter().position(|i| InboxKey::from(i.item) == key))
                    .unwrap_or(0);
                if let Some(item) = inbox.get(move_in(current, step, inbox.len())) {
                    let key = InboxKey::from(item.item);
                    if ui.selected != Some(key) {
                        ui.scroll = 0;
                        ui.shown_since = Some(session.wall());
                    }
                    ui.selected = Some(key);
                }
            }
            View::Evaluation | View::Discussion(_) | View::Modules => {}
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

    /// Keeps the seat consistent with the session after anything happened: a team view selects
    /// and marks read the newest item when nothing is selected; the end of the exercise closes
    /// dialogs and shows the report to those who may see it.
    pub fn sync(&mut self, session: &Session) {
        let exercise = session.exercise();
        if exercise.ended_at().is_some() && !self.saw_end {
            self.saw_end = true;
            self.dialog = None;
            // The debrief begins: the after-action screen, where the ratings are given.
            if self.role.runs_exercise() {
                self.view = View::Evaluation;
            }
            // A participant is offered the feedback form at once; an evaluator, who may have
            // the hot wash to write first, is told where it is; the facilitator's footer shows
            // it beside the debrief's keys.
            // Not once the report is final (a seat joining then): it takes no more feedback.
            let feedback = !exercise.is_final();
            if feedback && matches!(self.role, Role::Team(_) | Role::Observer) {
                self.flash = None;
                self.dialog = Some(Dialog::Feedback(Box::new(FeedbackForm::new(
                    exercise.scenario().feedback.len(),
                ))));
            } else if feedback && !self.role.runs_exercise() && self.role.may(Request::Feedback) {
                self.flash = Some(format!(
                    "The exercise has ended. {}: the Participant Feedback Form, when you are ready.",
                    super::widgets::key(Context::Global, Action::OpenFeedback)
                ));
            }
        }
        if matches!(self.view, View::Report | View::Evaluation)
            && !self.views(session).contains(&self.view)
        {
            self.view = self.views(session)[0];
        }
        if let View::Team(team) = self.view {
            // The newest item, shown when nothing is selected: it is opened once it has been
            // shown for a moment, as if selected.
            let ui = &mut self.teams[team.0];
            if ui.selected.is_none()
                && let Some(newest) = exercise.inbox(team).first()
            {
                ui.selected = Some(InboxKey::from(newest.0));
                ui.shown_since = Some(session.wall());
            }
            self.notice(session, team);
        }
    }

    /// Tells the team when another team answers one of its messages (a reply, a confirmation,
    /// a clarification, an amendment): `brevia replied to your request #1: #5 in the inbox.`
    fn notice(&mut self, session: &Session, team: TeamIx) {
        let exercise = session.exercise();
        let scenario = exercise.scenario();
        let messages = exercise.messages();
        let unheard = messages.get(self.heard as usize..).unwrap_or_default();
        let said = unheard.iter().rev().find_map(|m| {
            let answered = exercise.message(m.in_reply_to?)?;
            if !m.to.contains(&team) || answered.from != team {
                return None;
            }
            let k = answered.n;
            // The request a reply satisfied, which it may answer through an amendment.
            let replied = m
                .response
                .and_then(|r| exercise.responses()[r].satisfied)
                .and_then(|e| match exercise.expectation(e).source {
                    Source::Message(request) if exercise.clarified_thread(request).is_none() => {
                        Some(request)
                    }
                    _ => None,
                })
                .filter(|request| exercise.message(*request).is_some_and(|r| r.from == team));
            let amended = exercise
                .request_thread(m.n, team)
                .filter(|t| t.message != m.n)
                .map(|t| t.message);
            let verb = if exercise.clarified_thread(m.n).is_some() {
                format!("asks to clarify your request #{k}")
            } else if let Some(request) = replied {
                format!("replied to your request #{request}")
            } else if let Some(request) = amended {
                format!("amended its request #{request}, as you asked in #{k}")
            } else if answered.replies.is_empty() {
                format!("answered your message #{k}")
            } else {
                format!("answered your request #{k}")
            };
            Some(format!(
                "{} {verb}: #{} in the inbox.",
                scenario.team(m.from).id,
                m.n
            ))
        });
        self.heard = messages.len() as u64;
        if let Some(said) = said {
            self.flash = Some(said);
        }
    }

    // ---- the evaluation and after-action screen ----

    fn update_evaluation(&mut self, session: &mut Session, action: Action) {
        let report = session.report();
        let list = entries(&report, writes_debrief(self.role, session));
        let ui = &mut self.evaluation;
        ui.selected = ui.selected.min(list.len().saturating_sub(1));
        let selected = list.get(ui.selected).copied();
        match action {
            Action::Up | Action::Down => {
                let step = if action == Action::Up { -1 } else { 1 };
                let next = move_in(ui.selected, step, list.len());
                if next != ui.selected {
                    ui.scroll = 0;
                }
                ui.selected = next;
            }
            Action::PageUp => ui.scroll = ui.scroll.saturating_sub(5),
            Action::PageDown => ui.scroll = ui.scroll.saturating_add(5).min(500),
            Action::Edit => match selected {
                Some(Entry::Rating(n)) => {
                    self.dialog = Some(Dialog::Rating(Box::new(RatingForm::new(
                        &report.ratings[n],
                        &self.evaluator,
                    ))));
                }
                Some(Entry::Summary) => {
                    self.dialog = Some(Dialog::Summary(Box::new(SummaryForm::new(
                        report.executive_summary.as_deref(),
                    ))));
                }
                Some(Entry::Facts) => {
                    self.dialog = Some(Dialog::Facts(Box::new(FactsForm::new(
                        session.exercise().scenario(),
                        session.debrief(),
                    ))));
                }
                Some(Entry::Item(n)) => {
                    self.dialog = Some(Dialog::Plan(Box::new(PlanForm::edit(
                        &report.improvement_plan[n],
                    ))));
                }
                Some(Entry::AddItem) => self.update_evaluation(session, Action::AddItem),
                _ => {}
            },
            Action::Accept => match selected {
                Some(Entry::Rating(n)) => {
                    let row = &report.ratings[n];
                    match row.suggested {
                        Some(rating) => {
                            let event = DebriefEvent::Rated(Rated {
                                objective: row.objective.clone(),
                                team: row.team.clone(),
                                rating,
                                reason: None,
                                // Accepting keeps the analysis already written.
                                analysis: row.analysis.clone(),
                                by: Some(self.evaluator.clone()),
                            });
                            self.report(session.write_debrief(self.role, event));
                        }
                        None => {
                            self.flash = Some(format!(
                                "No suggestion yet: nothing is scored. {} rates it.",
                                super::widgets::key(Context::Evaluation, Action::Edit)
                            ));
                        }
                    }
                }
                _ => self.flash = Some("Select a rating to accept its suggestion.".into()),
            },
            Action::AddItem => {
                if writes_debrief(self.role, session) {
                    self.dialog = Some(Dialog::Plan(Box::new(PlanForm::add())));
                } else {
                    self.flash = Some("The improvement plan is written after the end.".into());
                }
            }
            Action::DropItem => match selected {
                Some(Entry::Item(n)) => {
                    let item = report.improvement_plan[n].id.clone();
                    self.dialog = Some(Dialog::Confirm(ConfirmKind::DropItem(item)));
                }
                _ => self.flash = Some("Select an improvement-plan item to drop.".into()),
            },
            Action::OpenNote => {
                // About the selected rating's team and objective, as evidence for it.
                let scenario = session.exercise().scenario();
                let (team, objective) = match selected {
                    Some(Entry::Rating(n)) => {
                        let row = &report.ratings[n];
                        (
                            row.team.as_deref().and_then(|t| scenario.team_ix(t)),
                            scenario.objective_ix(&row.objective),
                        )
                    }
                    _ => (None, None),
                };
                self.dialog = Some(Dialog::Note(Box::new(NoteForm::new(team, objective))));
            }
            Action::Export => self.export(session),
            Action::OpenJudge => {
                // The selected rating's first done critical task comes first.
                let exercise = session.exercise();
                let scenario = exercise.scenario();
                let prefer = match selected {
                    Some(Entry::Rating(n)) => {
                        let row = &report.ratings[n];
                        scenario.objective_ix(&row.objective).and_then(|objective| {
                            let team = row.team.as_deref().and_then(|t| scenario.team_ix(t));
                            critical_tasks(exercise, objective, team)
                                .into_iter()
                                .find(|ix| exercise.expectation(*ix).done.is_some())
                        })
                    }
                    _ => None,
                };
                self.open_judge(session, prefer);
            }
            Action::OpenFinalise => {
                let exercise = session.exercise();
                if exercise.is_final() {
                    self.flash = Some("The report is already final.".into());
                } else if exercise.ended_at().is_none() {
                    self.flash =
                        Some("The report can be made final once the exercise has ended.".into());
                } else {
                    self.dialog = Some(Dialog::Confirm(ConfirmKind::Finalise));
                }
            }
            other => self.update_screen(session, other),
        }
    }

    // ---- dialogs ----

    /// An open form takes the action: esc leaves it; what it asks for goes to the session, after
    /// which it closes, or stays open with why it was refused, its text as typed.
    fn update_form(&mut self, session: &mut Session, action: Action) {
        let Some(form) = self.dialog.as_mut().and_then(Dialog::form) else {
            return;
        };
        match form.update(action, session.exercise()) {
            None => {}
            Some(Done::Cancel) => {
                if matches!(self.dialog, Some(Dialog::Feedback(_))) {
                    self.flash = Some(format!(
                        "Feedback form skipped: {} opens it again.",
                        super::widgets::key(Context::Global, Action::OpenFeedback)
                    ));
                }
                self.leave_form(session)
            }
            Some(Done::Ask(ask)) => {
                let result = self.ask(session, ask);
                // The hot wash stays open for the room's next point.
                if let (Some(Dialog::HotWash(form)), Ok(message)) = (&mut self.dialog, &result) {
                    form.saved(message.clone());
                    return;
                }
                self.close_or_refuse(result);
            }
        }
    }

    /// Esc in a form: the response form goes back to the action picker, and what was put in
    /// it is kept as a draft of its action for the item it answers; any other form closes.
    fn leave_form(&mut self, session: &Session) {
        match &mut self.dialog {
            Some(Dialog::Respond(dialog)) => {
                let Stage::Form(form) =
                    std::mem::replace(&mut dialog.stage, Stage::Pick(Box::default()))
                else {
                    return;
                };
                if !form.edited() {
                    return;
                }
                let (team, answering) = (dialog.team, dialog.answering);
                let name = &session.exercise().scenario().action(form.action()).name;
                self.flash = Some(format!(
                    "Draft kept: choose \"{name}\" again, with this item selected, to go on with it."
                ));
                self.drafts
                    .retain(|d| !d.is_for(team, form.action(), answering));
                self.drafts.push(Draft {
                    team,
                    answering,
                    form,
                });
            }
            _ => self.dialog = None,
        }
    }

    /// What the action picker marks for `team`, answering `answering`: each action with a kept
    /// draft, and whether that draft is for this item (chosen, it comes back) or for another
    /// (named; it comes back from there).
    pub fn draft_marks(
        &self,
        team: TeamIx,
        answering: Option<Answers>,
    ) -> Vec<(ActionIx, Option<Answers>)> {
        let mut marks: Vec<(ActionIx, Option<Answers>)> = self
            .drafts
            .iter()
            .filter(|d| d.team == team)
            .map(|d| (d.form.action(), d.answering))
            .collect();
        // This item's draft first, so that it is the one an action's mark shows.
        marks.sort_by_key(|(_, a)| *a != answering);
        marks
    }

    /// Asks the session, as this seat's role, for what a form asked.
    fn ask(&mut self, session: &mut Session, ask: Ask) -> Result<String, Refused> {
        let role = self.role;
        match ask {
            Ask::Note(note) => session.note(role, note),
            Ask::Say(message) => session.say(role, message),
            Ask::Respond(response) => session.respond(role, response),
            Ask::Release(inject) => {
                let result = session.release(role, inject);
                if result.is_ok() {
                    self.console.selected = inject.0;
                }
                result
            }
            Ask::Judge(judge) => session.judge(role, judge),
            Ask::Answer {
                team,
                question,
                text,
            } => session.answer(role, team, question, text),
            Ask::HotWash {
                objective,
                kind,
                text,
            } => session.hot_wash(role, objective, kind, text),
            Ask::Feedback(form) => session.submit_feedback(role, form),
            Ask::Rate(rated) => session.write_debrief(role, DebriefEvent::Rated(rated)),
            Ask::Summarise(text) => {
                session.write_debrief(role, DebriefEvent::Summary(Summary { text }))
            }
            Ask::Facts(changes) => session.enter_facts(role, changes),
            Ask::EditItem { item, changes } => session.edit_plan_item(role, &item, changes),
            Ask::AddItem {
                objective,
                team,
                issue,
                changes,
            } => {
                let item = session.debrief().next_added_id();
                session
                    .write_debrief(
                        role,
                        DebriefEvent::PlanAdded(PlanAdded {
                            item: item.clone(),
                            objective,
                            team,
                            issue,
                        }),
                    )
                    .and_then(|_| session.edit_plan_item(role, &item, changes))
                    .map(|_| format!("Improvement item {item} added."))
            }
        }
    }

    /// What a form's save gave: done, the form closes and the seat shows what was done;
    /// refused, the form stays open with the reason, its text as typed.
    fn close_or_refuse(&mut self, result: Result<String, Refused>) {
        match result {
            Ok(message) => {
                self.dialog = None;
                self.flash = Some(message);
            }
            Err(refused) => {
                let reason = refused.to_string();
                // A dialog without a form has nowhere to show it: the seat's line does.
                if let Some(reason) = self.dialog.as_mut().and_then(|d| d.refused(reason)) {
                    self.flash = Some(reason);
                }
            }
        }
    }

    fn update_confirm(&mut self, session: &mut Session, action: Action) {
        let Some(Dialog::Confirm(kind)) = &self.dialog else {
            return;
        };
        let kind = kind.clone();
        match action {
            Action::Yes => {
                self.dialog = None;
                match kind {
                    ConfirmKind::Quit | ConfirmKind::Close => {
                        session.checkpoint();
                        self.quit = true;
                    }
                    ConfirmKind::End => self.report(session.end(self.role)),
                    ConfirmKind::Finalise => self.report(session.finalise(self.role)),
                    ConfirmKind::DropItem(item) => {
                        self.report(session.write_debrief(
                            self.role,
                            DebriefEvent::PlanDropped(PlanDropped { item }),
                        ))
                    }
                }
            }
            Action::No | Action::Back => self.dialog = None,
            _ => {}
        }
    }

    fn open_respond(&mut self, session: &Session) {
        let View::Team(team) = self.view else {
            return;
        };
        if session.exercise().ended_at().is_some() {
            self.flash = Some("The exercise has ended.".into());
            return;
        }
        if !session.exercise().is_started() {
            self.flash = Some("The exercise has not started yet.".into());
            return;
        }
        let exercise = session.exercise();
        let answering = self.teams[team.0].selected.map(Answers::from);
        let choices = exercise
            .open_decision(team, answering)
            .map(|ix| exercise.expectation(ix).choices.clone())
            .unwrap_or_default();
        self.dialog = Some(Dialog::Respond(Box::new(ResponseDialog {
            team,
            answering,
            choices,
            stage: Stage::Pick(Box::default()),
        })));
    }

    fn open_message(&mut self, session: &Session) {
        let View::Team(team) = self.view else {
            return;
        };
        let exercise = session.exercise();
        if exercise.ended_at().is_some() || !exercise.is_started() {
            self.flash = Some("The hotline is open while the exercise runs.".into());
            return;
        }
        let replying = match self.teams[team.0].selected {
            Some(InboxKey::Message(n)) => Some(n),
            _ => None,
        };
        self.dialog = Some(Dialog::Message(Box::new(MessageForm::new(
            exercise, team, replying,
        ))));
    }

    /// The feedback form, after the end and until the report is final.
    fn open_feedback(&mut self, session: &Session) {
        let exercise = session.exercise();
        if exercise.ended_at().is_none() {
            self.flash = Some("The feedback form is offered once the exercise has ended.".into());
        } else if exercise.is_final() {
            self.flash = Some("The report is final: it takes no more feedback.".into());
        } else {
            self.dialog = Some(Dialog::Feedback(Box::new(FeedbackForm::new(
                exercise.scenario().feedback.len(),
            ))));
        }
    }

    /// The hot wash, after the end and until the report is final; about the selected rating's
    /// objective, or the first.
    fn open_hot_wash(&mut self, session: &Session) {
        let exercise = session.exercise();
        let scenario = exercise.scenario();
        if exercise.ended_at().is_none() {
            self.flash = Some("The hot wash comes after the end.".into());
            return;
        }
        if exercise.is_final() {
            self.flash = Some("The report is final: the hot wash is closed.".into());
            return;
        }
        if scenario.objectives.is_empty() {
            self.flash = Some("The scenario has no objectives to hold a hot wash on.".into());
            return;
        }
        let report = session.report();
        let list = entries(&report, writes_debrief(self.role, session));
        let objective = match list.get(self.evaluation.selected) {
            Some(Entry::Rating(n)) => scenario.objective_ix(&report.ratings[*n].objective),
            _ => None,
        };
        self.dialog = Some(Dialog::HotWash(Box::new(HotWashForm::new(
            objective.unwrap_or(ObjectiveIx(0)),
        ))));
    }

    /// A discussion screen: a team's (`View::Discussion`) or the console's module view.
    fn update_discussion(&mut self, session: &mut Session, action: Action) {
        let team = match self.view {
            View::Discussion(team) => Some(team),
            _ => None,
        };
        let modules = session.exercise().scenario().modules.len();
        let current = session.current_module();
        // A team sees the modules begun; the console, every one.
        let last = match team {
            Some(_) => current.map(|m| m.0),
            None => modules.checked_sub(1),
        };
        let ui = match team {
            Some(team) => &mut self.teams[team.0].discussion,
            None => &mut self.console.modules,
        };
        let shown = ui.module.or(current);
        match action {
            Action::ModulePrev | Action::ModuleNext => {
                let Some(last) = last else {
                    self.flash = Some("No module has begun yet.".into());
                    return;
                };
                let at = shown.map_or(0, |m| m.0 as isize);
                let step = if action == Action::ModuleNext { 1 } else { -1 };
                let next = (at + step).clamp(0, last as isize) as usize;
                // Back at the current module, the screen follows the discussion again.
                ui.module = (Some(ModuleIx(next)) != current).then_some(ModuleIx(next));
                if Some(ModuleIx(next)) != shown {
                    ui.selected = 0;
                    ui.scroll = 0;
                }
            }
            Action::Up | Action::Down => {
                let count = shown.map_or(0, |m| listed_questions(session, m, team).len());
                let step = if action == Action::Up { -1 } else { 1 };
                ui.selected = move_in(ui.selected, step, count);
            }
            Action::PageUp => ui.scroll = ui.scroll.saturating_sub(5),
            Action::PageDown => ui.scroll = ui.scroll.saturating_add(5).min(500),
            Action::ShowDiscussion | Action::Back => {
                self.view = match team {
                    Some(team) => View::Team(team),
                    None => View::Console,
                };
            }
            Action::OpenAnswers => {
                let question = shown
                    .and_then(|m| listed_questions(session, m, None).get(ui.selected).copied());
                if let Some(question) = question {
                    self.dialog = Some(Dialog::Answers(question));
                }
            }
            Action::Answer => {
                let Some(team) = team else { return };
                let question = shown.and_then(|m| {
                    listed_questions(session, m, Some(team))
                        .get(ui.selected)
                        .copied()
                });
                self.open_answer(session, team, question);
            }
            other => self.update_screen(session, other),
        }
    }

    /// The answer form for `question`, with the team's answer so far; refused at once where
    /// the session would refuse it (after the end, a module not current).
    fn open_answer(&mut self, session: &Session, team: TeamIx, question: Option<QuestionIx>) {
        let exercise = session.exercise();
        let scenario = exercise.scenario();
        let Some(question) = question else {
            self.flash = Some("No question here is for this team.".into());
            return;
        };
        if exercise.ended_at().is_some() {
            self.flash = Some("The exercise has ended: the answers stand.".into());
            return;
        }
        if session.current_module() != Some(question.module) {
            self.flash = Some(format!(
                "{} is over: its answers stand. {} shows the current module.",
                scenario.module(question.module).title,
                super::widgets::key(Context::Discussion, Action::ModuleNext)
            ));
            return;
        }
        let given = session
            .debrief()
            .answer(&scenario.team(team).id, &scenario.question(question).id)
            .map(|g| g.answer.text.as_str());
        self.dialog = Some(Dialog::Answer(Box::new(AnswerForm::new(
            team, question, given,
        ))));
    }

    /// The response dialog's action picker: choosing an action opens its form, or the draft
    /// kept of it for the item being answered; esc closes, keeping every draft for when its
    /// action is chosen again.
    fn update_pick(&mut self, session: &mut Session, action: Action) {
        let Some(Dialog::Respond(dialog)) = &mut self.dialog else {
            return;
        };
        let Stage::Pick(picker) = &dialog.stage else {
            return;
        };
        let team = dialog.team;
        let actions = dialog.offered(session, &picker.filter());
        let Stage::Pick(picker) = &mut dialog.stage else {
            return;
        };
        match picker.update(action, &actions) {
            None => {}
            Some(Picked::Cancel) => {
                self.dialog = None;
                let kept = self.drafts.iter().filter(|d| d.team == team).count();
                if kept > 0 {
                    let drafts = if kept == 1 {
                        "A draft is kept".to_string()
                    } else {
                        format!("{kept} drafts are kept")
                    };
                    self.flash = Some(format!(
                        "{drafts}: {} lists the actions, [draft] marks what brings one back.",
                        super::widgets::key(Context::Team, Action::Respond)
                    ));
                }
            }
            Some(Picked::Action(chosen)) => {
                let answering = dialog.answering;
                let kept = self
                    .drafts
                    .iter()
                    .position(|d| d.is_for(team, chosen, answering));
                let form = match kept {
                    Some(at) => self.drafts.remove(at).form,
                    None => Box::new(ResponseForm::new(
                        session.exercise(),
                        team,
                        chosen,
                        answering,
                    )),
                };
                dialog.stage = Stage::Form(form);
            }
        }
    }
}

/// What a screen draws from: the shared session and one seat's own state.
#[derive(Clone, Copy)]
pub struct Shown<'a> {
    pub session: &'a Session,
    pub seat: &'a Seat,
}

impl<'a> Shown<'a> {
    pub fn exercise(&self) -> &'a crate::engine::Exercise {
        self.session.exercise()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::testing::{MemoryRecorder, session};
    use ratatui::{Terminal, backend::TestBackend};

    fn press(seat: &mut Seat, session: &mut Session, c: char) {
        seat.handle_key(session, Key::Char(c), Duration::ZERO);
    }

    fn screen(seat: &Seat, session: &Session) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
        terminal
            .draw(|frame| super::super::ui::draw_seat(frame, Shown { session, seat }))
            .expect("drawn");
        terminal.backend().to_string()
    }

    /// A served session: the dialog says what closing does to the other seats.
    fn served(recorder: &MemoryRecorder) -> Session {
        let mut session = session(recorder);
        session.set_serving(crate::session::Serving::default());
        session
    }

    /// A served session whose exercise has started and ended.
    fn served_and_ended(recorder: &MemoryRecorder) -> Session {
        let mut session = served(recorder);
        session.start_pause(Role::Facilitator).expect("started");
        session.end(Role::Facilitator).expect("ended");
        session
    }

    fn headless_facilitator(session: &Session) -> Seat {
        let mut seat = Seat::new(Role::Facilitator, session);
        seat.headless = true;
        seat
    }

    /// Headless, the facilitator's seat after the end stands in for the console: `q` would close
    /// the exercise for every seat, so it asks; `n` keeps the seat, `y` closes.
    #[test]
    fn a_headless_facilitator_seat_asks_before_closing_after_the_end() {
        let recorder = MemoryRecorder::default();
        let mut session = served_and_ended(&recorder);
        let mut seat = headless_facilitator(&session);
        assert!(seat.quit_closes(session.exercise()));
        press(&mut seat, &mut session, 'q');
        assert!(!seat.should_quit());
        let shown = screen(&seat, &session);
        assert!(shown.contains("Close the exercise?"), "{shown}");
        assert!(
            shown.contains("Every seat is disconnected and the server stops"),
            "{shown}"
        );
        press(&mut seat, &mut session, 'n');
        assert!(!seat.should_quit());
        assert!(seat.dialog.is_none());
        press(&mut seat, &mut session, 'q');
        press(&mut seat, &mut session, 'y');
        assert!(seat.should_quit());
    }

    /// Before the end a facilitator seat only leaves, headless or not: `q` quits at once.
    #[test]
    fn a_facilitator_seat_leaves_at_once_before_the_end() {
        let recorder = MemoryRecorder::default();
        let mut session = served(&recorder);
        session.start_pause(Role::Facilitator).expect("started");
        let mut seat = headless_facilitator(&session);
        assert!(!seat.quit_closes(session.exercise()));
        press(&mut seat, &mut session, 'q');
        assert!(seat.should_quit());
        assert!(seat.dialog.is_none());
    }

    /// With a console, a facilitator seat, a team seat or an observer only ever leaves (a
    /// participant once the feedback form it is offered is skipped).
    #[test]
    fn other_seats_leave_at_once_after_the_end() {
        let recorder = MemoryRecorder::default();
        let mut session = served_and_ended(&recorder);
        for role in [
            Role::Facilitator,
            Role::Team(crate::scenario::TeamIx(0)),
            Role::Observer,
        ] {
            let mut seat = Seat::new(role, &session);
            assert!(!seat.quit_closes(session.exercise()), "{role:?}");
            seat.handle_key(&mut session, Key::Esc, Duration::ZERO);
            press(&mut seat, &mut session, 'q');
            assert!(seat.should_quit(), "{role:?}");
        }
    }

    /// A participant's seat that joins after the end (a reconnection, a server resumed during
    /// the feedback form) is offered the form as one that saw the end is; once the report is
    /// final, it is not.
    #[test]
    fn a_seat_joining_after_the_end_is_offered_the_feedback_form() {
        let recorder = MemoryRecorder::default();
        let mut session = served_and_ended(&recorder);
        for role in [Role::Team(crate::scenario::TeamIx(0)), Role::Observer] {
            let seat = Seat::new(role, &session);
            assert!(matches!(seat.dialog, Some(Dialog::Feedback(_))), "{role:?}");
        }
        let facilitator = Seat::new(Role::Facilitator, &session);
        assert!(facilitator.dialog.is_none());
        assert!(matches!(facilitator.view, View::Evaluation));
        session.finalise(Role::Facilitator).expect("made final");
        let seat = Seat::new(Role::Team(crate::scenario::TeamIx(0)), &session);
        assert!(seat.dialog.is_none());
    }

    /// The local console's `q` closes the exercise: before the start at once, after it (and
    /// after the end) once asked.
    #[test]
    fn the_console_asks_before_closing_once_started() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        let mut seat = Seat::new(Role::Local, &session);
        press(&mut seat, &mut session, 'q');
        assert!(seat.should_quit());

        let mut seat = Seat::new(Role::Local, &session);
        session.start_pause(Role::Local).expect("started");
        press(&mut seat, &mut session, 'q');
        assert!(matches!(
            seat.dialog,
            Some(Dialog::Confirm(ConfirmKind::Quit))
        ));
        press(&mut seat, &mut session, 'n');
        session.end(Role::Local).expect("ended");
        // As a seat does before it draws, which is before the next key.
        seat.sync(&session);
        press(&mut seat, &mut session, 'q');
        assert!(matches!(
            seat.dialog,
            Some(Dialog::Confirm(ConfirmKind::Close))
        ));
        assert!(!seat.should_quit());
        // Not served: nothing is said of other seats.
        let shown = screen(&seat, &session);
        assert!(shown.contains("Close the exercise?"), "{shown}");
        assert!(!shown.contains("Every seat"), "{shown}");
        press(&mut seat, &mut session, 'y');
        assert!(seat.should_quit());
    }
}
