//! The key bindings as data: looked up to turn a key into an action, and rendered as the help
//! overlay and every screen's footer, so the help can never drift from the bindings.

use super::key::Key;

/// What the user wants, whatever the key that asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    StartPause,
    NextView,
    PrevView,
    Help,
    Back,
    Quit,
    Faster,
    Slower,
    JumpNext,
    OpenRelease,
    OpenNote,
    OpenEnd,
    Up,
    Down,
    PageUp,
    PageDown,
    Respond,
    ToggleExpected,
    Export,
    /// Let the teams see their results in the report.
    ReleaseReport,
    /// Open the selected inject from the console.
    OpenInject,
    LogBack,
    LogForward,
    /// A team writes a free hotline message.
    OpenMessage,
    /// The facilitator's list of seats, join codes and the host key.
    ShowSeats,
    /// Go to the evaluation screen (after the end, the after-action screen).
    ShowEvaluation,
    /// On the evaluation screen: rate, or edit the selected entry.
    Edit,
    /// Give the selected objective the rating ttx suggests.
    Accept,
    /// Add an area for improvement to the plan.
    AddItem,
    /// Drop the selected improvement-plan item (asks first).
    DropItem,
    /// Judge a done expectation: find fields insufficient, or take that back.
    OpenJudge,
    /// Make the report final (asks first).
    OpenFinalise,
    /// The discussion: a team's questions of the module, or the console's module view; again,
    /// back.
    ShowDiscussion,
    /// Answer the selected discussion question, or revise the answer.
    Answer,
    /// An earlier module's questions (read-only), or a later one already begun.
    ModulePrev,
    ModuleNext,
    /// The console's module view: every addressed team's answer to the selected question.
    OpenAnswers,
    /// The hot wash's points per objective, and a new one.
    OpenHotWash,
    /// The Participant Feedback Form, after the end.
    OpenFeedback,
    /// Dialogs.
    Confirm,
    Submit,
    NextField,
    PrevField,
    Left,
    Right,
    Newline,
    Yes,
    No,
    Retry,
    /// Draw the whole screen again (a terminal that kept stale characters).
    Redraw,
    /// A key typed into the focused text field.
    Input(Key),
}

/// Where a key is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    Briefing,
    Console,
    Team,
    Report,
    Help,
    ReleasePicker,
    Note,
    Confirm,
    ActionPicker,
    ResponseForm,
    RecordError,
    InjectDetail,
    MessageForm,
    Seats,
    Evaluation,
    RatingForm,
    SummaryForm,
    PlanForm,
    /// The exercise's facts for the report's cover.
    FactsForm,
    /// Choosing the expectation to judge.
    JudgePicker,
    JudgeForm,
    /// A team's discussion: the module's questions and its answers.
    Discussion,
    /// The console's module view.
    Modules,
    AnswerForm,
    /// Every team's answer to a question, read-only.
    Answers,
    HotWashForm,
    FeedbackForm,
}

impl Action {
    /// Whether the action plays the exercise (the clock, injects, answers, the hotline): an
    /// ended exercise does not offer it.
    pub fn plays_the_exercise(self) -> bool {
        matches!(
            self,
            Action::StartPause
                | Action::Faster
                | Action::Slower
                | Action::JumpNext
                | Action::OpenRelease
                | Action::OpenEnd
                | Action::Respond
                | Action::OpenMessage
                | Action::Answer
        )
    }
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Briefing => "Briefing",
            Context::Console => "Facilitator console",
            Context::Team => "Team view",
            Context::Report => "After-action report",
            Context::Help => "Help",
            Context::ReleasePicker => "Release by hand",
            Context::Note => "Observation",
            Context::Confirm => "Confirmation",
            Context::ActionPicker => "Choose an action",
            Context::ResponseForm => "Response form",
            Context::RecordError => "Journal error",
            Context::InjectDetail => "Inject",
            Context::MessageForm => "Hotline message",
            Context::Seats => "Seats",
            Context::Evaluation => "Evaluation and after-action",
            Context::RatingForm => "Rating",
            Context::SummaryForm => "Executive summary",
            Context::PlanForm => "Improvement plan item",
            Context::FactsForm => "The exercise's facts",
            Context::JudgePicker => "Choose what to judge",
            Context::JudgeForm => "Judgement",
            Context::Discussion => "Discussion",
            Context::Modules => "Module view",
            Context::AnswerForm => "Answer",
            Context::Answers => "Answers",
            Context::HotWashForm => "Hot wash",
            Context::FeedbackForm => "Participant Feedback Form",
        }
    }

    /// Whether keys with no binding are typed into a text field.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Note
                | Context::ActionPicker
                | Context::ResponseForm
                | Context::ReleasePicker
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
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
    pub help: &'static str,
    /// The label in the screen's footer (the main keys); empty: only in the help overlay.
    pub footer: &'static str,
}

const fn b(key: Key, action: Action, help: &'static str, footer: &'static str) -> Binding {
    Binding {
        key,
        action,
        help,
        footer,
    }
}

use Action as A;
use Key as K;

const GLOBAL: &[Binding] = &[
    b(
        K::Char(' '),
        A::StartPause,
        "start, pause, resume the clock",
        "start/pause",
    ),
    b(
        K::Tab,
        A::NextView,
        "next view: console → teams → evaluation → report",
        "next view",
    ),
    b(K::BackTab, A::PrevView, "previous view", ""),
    b(K::Char('?'), A::Help, "help: every key", "help"),
    b(K::Esc, A::Back, "close, back", ""),
    b(K::Char('q'), A::Quit, "quit (asks while running)", "quit"),
    b(K::Ctrl('c'), A::Quit, "quit, as q does", ""),
    b(K::Ctrl('l'), A::Redraw, "redraw the whole screen", ""),
    b(
        K::Char('f'),
        A::OpenFeedback,
        "the Participant Feedback Form (after the end)",
        "feedback",
    ),
];

const BRIEFING: &[Binding] = &[
    b(K::Enter, A::NextView, "go to the console", ""),
    b(
        K::Char('s'),
        A::ShowSeats,
        "seats, join codes, host key",
        "",
    ),
    b(K::Down, A::Down, "scroll down", ""),
    b(K::Up, A::Up, "scroll up", ""),
];

const CONSOLE: &[Binding] = &[
    b(
        K::Char('r'),
        A::OpenRelease,
        "release an inject by hand",
        "release",
    ),
    b(
        K::Char('o'),
        A::OpenNote,
        "add an observation",
        "observation",
    ),
    b(K::Char('+'), A::Faster, "faster", "faster"),
    b(K::Char('='), A::Faster, "faster", ""),
    b(K::Char('-'), A::Slower, "slower", "slower"),
    b(
        K::Char('n'),
        A::JumpNext,
        "jump to the next scheduled event",
        "jump",
    ),
    b(
        K::Char('E'),
        A::OpenEnd,
        "end the exercise (asks first)",
        "end",
    ),
    b(K::Enter, A::OpenInject, "open the selected inject", "open"),
    b(K::Down, A::Down, "next inject", ""),
    b(K::Up, A::Up, "previous inject", ""),
    b(
        K::Char('v'),
        A::ShowEvaluation,
        "evaluation: rate the objectives",
        "evaluate",
    ),
    b(
        K::Char('s'),
        A::ShowSeats,
        "seats, join codes, host key",
        "",
    ),
    b(
        K::Char('j'),
        A::OpenJudge,
        "judge a done expectation (fields insufficient)",
        "judge",
    ),
    b(
        K::Char('d'),
        A::ShowDiscussion,
        "module view: questions, who answered",
        "modules",
    ),
    b(K::Char('['), A::LogBack, "scroll the log back", ""),
    b(K::Char(']'), A::LogForward, "scroll the log forward", ""),
    b(K::PageDown, A::PageDown, "page down", ""),
    b(K::PageUp, A::PageUp, "page up", ""),
];

const TEAM: &[Binding] = &[
    b(
        K::Char('r'),
        A::Respond,
        "respond (to the selected item)",
        "respond",
    ),
    b(K::Enter, A::Respond, "respond", ""),
    b(
        K::Char('m'),
        A::OpenMessage,
        "send a hotline message",
        "message",
    ),
    b(K::Down, A::Down, "next inbox item", ""),
    b(K::Up, A::Up, "previous inbox item", ""),
    b(K::PageDown, A::PageDown, "scroll the text down", ""),
    b(K::PageUp, A::PageUp, "scroll the text up", ""),
    b(
        K::Char('x'),
        A::ToggleExpected,
        "show/hide expected actions (facilitator)",
        "show expected",
    ),
    b(K::Char('o'), A::OpenNote, "observation about this team", ""),
    b(
        K::Char('d'),
        A::ShowDiscussion,
        "discussion: the module's questions and answers",
        "discussion",
    ),
];

const DISCUSSION: &[Binding] = &[
    b(
        K::Char('a'),
        A::Answer,
        "answer the selected question, or revise the answer",
        "answer",
    ),
    b(K::Enter, A::Answer, "answer or revise", ""),
    b(K::Down, A::Down, "next question", ""),
    b(K::Up, A::Up, "previous question", ""),
    b(
        K::Char('['),
        A::ModulePrev,
        "earlier module (read-only)",
        "earlier",
    ),
    b(K::Char(']'), A::ModuleNext, "later module", "later"),
    b(K::PageDown, A::PageDown, "scroll down", ""),
    b(K::PageUp, A::PageUp, "scroll up", ""),
    b(
        K::Char('d'),
        A::ShowDiscussion,
        "back to the inbox",
        "inbox",
    ),
];

const MODULES: &[Binding] = &[
    b(
        K::Enter,
        A::OpenAnswers,
        "the selected question's answers",
        "answers",
    ),
    b(K::Down, A::Down, "next question", ""),
    b(K::Up, A::Up, "previous question", ""),
    b(K::Char('['), A::ModulePrev, "earlier module", "earlier"),
    b(K::Char(']'), A::ModuleNext, "later module", "later"),
    b(K::PageDown, A::PageDown, "scroll down", ""),
    b(K::PageUp, A::PageUp, "scroll up", ""),
    b(
        K::Char('d'),
        A::ShowDiscussion,
        "back to the console",
        "console",
    ),
];

const ANSWER_FORM: &[Binding] = &[
    b(K::Ctrl('s'), A::Submit, "save the answer", "save"),
    b(K::Enter, A::Newline, "new line", ""),
    b(K::AltEnter, A::Newline, "new line", ""),
    b(K::Esc, A::Back, "cancel", "cancel"),
];

const ANSWERS: &[Binding] = &[
    b(K::Esc, A::Back, "close", "close"),
    b(K::Enter, A::Back, "close", ""),
];

const HOT_WASH_FORM: &[Binding] = &form(
    [
        b(
            K::Enter,
            A::Confirm,
            "next field; save on the text",
            "next/save",
        ),
        b(K::Ctrl('s'), A::Submit, "save the point", "save"),
    ],
    ["change objective or kind"; 2],
    "new line in the text",
    ["close", "close"],
);

const FEEDBACK_FORM: &[Binding] = &form(
    [
        b(K::Ctrl('s'), A::Submit, "submit the form", "submit"),
        b(
            K::Enter,
            A::Confirm,
            "next field; submit on the comments",
            "",
        ),
    ],
    ["rating: lower (or type 1-5, 0 to clear)", "rating: higher"],
    "new line in the comments",
    ["skip the form (f opens it again)", "skip"],
);

const REPORT: &[Binding] = &[
    b(
        K::Char('e'),
        A::Export,
        "export JSON, Markdown and HTML",
        "export",
    ),
    b(
        K::Char('t'),
        A::ReleaseReport,
        "let the teams see their results",
        "show teams",
    ),
    b(
        K::Char('o'),
        A::OpenNote,
        "add an observation",
        "observation",
    ),
    b(K::Down, A::Down, "scroll down", ""),
    b(K::Up, A::Up, "scroll up", ""),
    b(K::PageDown, A::PageDown, "page down", ""),
    b(K::PageUp, A::PageUp, "page up", ""),
];

const EVALUATION: &[Binding] = &[
    b(
        K::Enter,
        A::Edit,
        "rate, or edit the selected entry",
        "rate/edit",
    ),
    b(
        K::Char('a'),
        A::Accept,
        "accept the suggested rating",
        "accept",
    ),
    b(
        K::Char('h'),
        A::OpenHotWash,
        "hot wash: strengths and improvements per objective",
        "hot wash",
    ),
    b(
        K::Char('n'),
        A::AddItem,
        "add an area for improvement",
        "add item",
    ),
    b(
        K::Char('d'),
        A::DropItem,
        "drop the selected plan item (asks)",
        "drop",
    ),
    b(
        K::Char('e'),
        A::Export,
        "export JSON, Markdown and HTML",
        "export",
    ),
    b(
        K::Char('j'),
        A::OpenJudge,
        "judge a done expectation (fields insufficient)",
        "judge",
    ),
    b(
        K::Char('F'),
        A::OpenFinalise,
        "make the report final (asks first)",
        "final",
    ),
    b(K::Char('o'), A::OpenNote, "add an observation", ""),
    b(K::Down, A::Down, "next entry", ""),
    b(K::Up, A::Up, "previous entry", ""),
    b(K::PageDown, A::PageDown, "scroll the details down", ""),
    b(K::PageUp, A::PageUp, "scroll the details up", ""),
];

/// The keys every form has, in the same order: its own two first (submit, and what enter does),
/// then moving between fields (↑/↓ move by rows in a text first), a choice's left and right, a
/// new line in a text, and leaving; the last three in the form's own words.
const fn form(
    own: [Binding; 2],
    choice: [&'static str; 2],
    newline: &'static str,
    leave: [&'static str; 2],
) -> [Binding; 11] {
    [
        own[0],
        own[1],
        b(K::Tab, A::NextField, "next field", "next field"),
        b(K::BackTab, A::PrevField, "previous field", ""),
        b(
            K::Down,
            A::Down,
            "next row of a text; from its last row, the next field",
            "",
        ),
        b(
            K::Up,
            A::Up,
            "previous row of a text; from its first row, the previous field",
            "",
        ),
        b(K::Left, A::Left, choice[0], ""),
        b(K::Right, A::Right, choice[1], ""),
        b(K::Ctrl('j'), A::Newline, newline, ""),
        b(K::AltEnter, A::Newline, newline, ""),
        b(K::Esc, A::Back, leave[0], leave[1]),
    ]
}

/// Leaving a form drops what was typed.
const CANCEL: [&str; 2] = ["cancel", "cancel"];

const RATING_FORM: &[Binding] = &form(
    [
        b(K::Ctrl('s'), A::Submit, "save the rating", "save"),
        b(K::Enter, A::Confirm, "next field; save on the analysis", ""),
    ],
    ["rating: P S M U"; 2],
    "new line in a text",
    CANCEL,
);

const SUMMARY_FORM: &[Binding] = &[
    b(K::Ctrl('s'), A::Submit, "save the summary", "save"),
    b(K::Enter, A::Newline, "new line", ""),
    b(K::AltEnter, A::Newline, "new line", ""),
    b(K::Esc, A::Back, "cancel", "cancel"),
];

const PLAN_FORM: &[Binding] = &form(
    [
        b(K::Ctrl('s'), A::Submit, "save the item", "save"),
        b(K::Enter, A::Confirm, "next field; save on the last", ""),
    ],
    ["change a choice"; 2],
    "new line in a text",
    CANCEL,
);

const FACTS_FORM: &[Binding] = &[
    b(K::Ctrl('s'), A::Submit, "save the facts", "save"),
    b(K::Enter, A::Confirm, "next field; save on the last", ""),
    b(K::Tab, A::NextField, "next field", "next field"),
    b(K::BackTab, A::PrevField, "previous field", ""),
    b(K::Down, A::Down, "next field", ""),
    b(K::Up, A::Up, "previous field", ""),
    b(K::Esc, A::Back, "cancel", "cancel"),
];

const HELP: &[Binding] = &[
    b(K::Esc, A::Back, "close help", "close"),
    b(K::Char('?'), A::Back, "close help", ""),
    b(K::Char('q'), A::Back, "close help", ""),
];

const RELEASE_PICKER: &[Binding] = &[
    b(
        K::Enter,
        A::Confirm,
        "release the selected inject now",
        "release",
    ),
    b(K::Down, A::Down, "next", ""),
    b(K::Up, A::Up, "previous", ""),
    b(K::PageDown, A::PageDown, "page down", ""),
    b(K::PageUp, A::PageUp, "page up", ""),
    b(K::Esc, A::Back, "cancel", "cancel"),
];

const NOTE: &[Binding] = &form(
    [
        b(
            K::Enter,
            A::Confirm,
            "next field; save on the text",
            "next/save",
        ),
        b(K::Ctrl('s'), A::Submit, "save", "save"),
    ],
    ["change kind or team"; 2],
    "new line in the text",
    CANCEL,
);

const CONFIRM: &[Binding] = &[
    b(K::Char('y'), A::Yes, "yes", "yes"),
    b(K::Enter, A::Yes, "yes", ""),
    b(K::Char('n'), A::No, "no", "no"),
    b(K::Esc, A::No, "no", ""),
];

const ACTION_PICKER: &[Binding] = &[
    b(K::Enter, A::Confirm, "take the selected action", "choose"),
    b(K::Down, A::Down, "next action", ""),
    b(K::Up, A::Up, "previous action", ""),
    b(K::Esc, A::Back, "cancel", "cancel"),
];

const RESPONSE_FORM: &[Binding] = &form(
    [
        b(
            K::Enter,
            A::Confirm,
            "next field; submit on [Submit]",
            "next",
        ),
        b(K::Ctrl('s'), A::Submit, "submit", "submit"),
    ],
    [
        "previous: what it answers, a choice; tick or untick",
        "next: what it answers, a choice; tick or untick",
    ],
    "new line in a field",
    ["back to the action list", "back"],
);

const MESSAGE_FORM: &[Binding] = &form(
    [
        b(K::Ctrl('s'), A::Submit, "send", "send"),
        b(K::Enter, A::Confirm, "next field; send on the text", ""),
    ],
    ["change recipient or thread"; 2],
    "new line",
    CANCEL,
);

const JUDGE_PICKER: &[Binding] = &[
    b(
        K::Enter,
        A::Confirm,
        "judge the selected expectation",
        "choose",
    ),
    b(K::Down, A::Down, "next", ""),
    b(K::Up, A::Up, "previous", ""),
    b(K::PageDown, A::PageDown, "page down", ""),
    b(K::PageUp, A::PageUp, "page up", ""),
    b(K::Esc, A::Back, "cancel", "cancel"),
];

const JUDGE_FORM: &[Binding] = &form(
    [
        b(K::Ctrl('s'), A::Submit, "save the judgement", "save"),
        b(K::Enter, A::Confirm, "next field; save on [Save]", ""),
    ],
    ["tick or untick the field (space too)"; 2],
    "new line in the reason",
    ["back to the list", "back"],
);

const SEATS: &[Binding] = &[
    b(K::Esc, A::Back, "close", "close"),
    b(K::Enter, A::Back, "close", ""),
];

const INJECT_DETAIL: &[Binding] = &[
    b(K::Esc, A::Back, "close", "close"),
    b(K::Enter, A::Back, "close", ""),
];

const RECORD_ERROR: &[Binding] = &[
    b(K::Enter, A::Retry, "try recording again", "retry"),
    b(K::Char('r'), A::Retry, "try recording again", ""),
    b(
        K::Char('q'),
        A::Quit,
        "quit (the journal keeps what was written)",
        "quit",
    ),
    b(
        K::Ctrl('c'),
        A::Quit,
        "quit (the journal keeps what was written)",
        "",
    ),
];

pub fn bindings(context: Context) -> &'static [Binding] {
    match context {
        Context::Global => GLOBAL,
        Context::Briefing => BRIEFING,
        Context::Console => CONSOLE,
        Context::Team => TEAM,
        Context::Report => REPORT,
        Context::Help => HELP,
        Context::ReleasePicker => RELEASE_PICKER,
        Context::Note => NOTE,
        Context::Confirm => CONFIRM,
        Context::ActionPicker => ACTION_PICKER,
        Context::ResponseForm => RESPONSE_FORM,
        Context::RecordError => RECORD_ERROR,
        Context::InjectDetail => INJECT_DETAIL,
        Context::MessageForm => MESSAGE_FORM,
        Context::Seats => SEATS,
        Context::Evaluation => EVALUATION,
        Context::RatingForm => RATING_FORM,
        Context::SummaryForm => SUMMARY_FORM,
        Context::PlanForm => PLAN_FORM,
        Context::FactsForm => FACTS_FORM,
        Context::JudgePicker => JUDGE_PICKER,
        Context::JudgeForm => JUDGE_FORM,
        Context::Discussion => DISCUSSION,
        Context::Modules => MODULES,
        Context::AnswerForm => ANSWER_FORM,
        Context::Answers => ANSWERS,
        Context::HotWashForm => HOT_WASH_FORM,
        Context::FeedbackForm => FEEDBACK_FORM,
    }
}

/// Whether a context is a modal layer: only its own keys apply.
fn is_modal(context: Context) -> bool {
    !matches!(
        context,
        Context::Global
            | Context::Briefing
            | Context::Console
            | Context::Team
            | Context::Report
            | Context::Evaluation
            | Context::Discussion
            | Context::Modules
    )
}

/// The action a key asks for in `context`: the context's own bindings first, then (for screens)
/// the global ones; in a text field an unbound key is typed.
pub fn lookup(context: Context, key: Key) -> Option<Action> {
    let find = |ctx: Context| {
        bindings(ctx)
            .iter()
            .find(|binding| binding.key == key)
            .map(|binding| binding.action)
    };
    if let Some(action) = find(context) {
        return Some(action);
    }
    if is_modal(context) {
        return context.takes_text().then_some(Action::Input(key));
    }
    find(Context::Global)
}

/// The first key bound to `action` in `context` (or, on a screen, globally): what a hint on
/// screen names.
pub fn key_for(context: Context, action: Action) -> Option<Key> {
    layers(context).into_iter().find_map(|layer| {
        bindings(layer)
            .iter()
            .find(|binding| binding.action == action)
            .map(|binding| binding.key)
    })
}

/// The contexts whose keys apply in `context`, for the help overlay.
pub fn layers(context: Context) -> Vec<Context> {
    if is_modal(context) {
        vec![context]
    } else {
        vec![context, Context::Global]
    }
}

/// The footer line of a context: its main keys, then the global ones.
pub fn footer(context: Context) -> Vec<(String, Action, &'static str)> {
    let mut seen: Vec<Action> = Vec::new();
    let mut items = Vec::new();
    for layer in layers(context) {
        for binding in bindings(layer) {
            if !binding.footer.is_empty() && !seen.contains(&binding.action) {
                seen.push(binding.action);
                items.push((binding.key.to_string(), binding.action, binding.footer));
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_keys_are_bound_on_every_screen() {
        for ctx in [
            Context::Briefing,
            Context::Console,
            Context::Team,
            Context::Report,
            Context::Evaluation,
            Context::Discussion,
            Context::Modules,
        ] {
            assert_eq!(lookup(ctx, Key::Char(' ')), Some(Action::StartPause));
            assert_eq!(lookup(ctx, Key::Tab), Some(Action::NextView));
            assert_eq!(lookup(ctx, Key::BackTab), Some(Action::PrevView));
            assert_eq!(lookup(ctx, Key::Char('?')), Some(Action::Help));
            assert_eq!(lookup(ctx, Key::Esc), Some(Action::Back));
            assert_eq!(lookup(ctx, Key::Char('q')), Some(Action::Quit));
        }
    }

    #[test]
    fn text_fields_take_unbound_keys() {
        assert_eq!(
            lookup(Context::Note, Key::Char('q')),
            Some(Action::Input(Key::Char('q')))
        );
        assert_eq!(lookup(Context::Confirm, Key::Char('z')), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_layer() {
        for ctx in [
            Context::Global,
            Context::Briefing,
            Context::Console,
            Context::Team,
            Context::Report,
            Context::Help,
            Context::ReleasePicker,
            Context::Note,
            Context::Confirm,
            Context::ActionPicker,
            Context::ResponseForm,
            Context::RecordError,
            Context::InjectDetail,
            Context::MessageForm,
            Context::Seats,
            Context::Evaluation,
            Context::RatingForm,
            Context::SummaryForm,
            Context::PlanForm,
            Context::FactsForm,
            Context::JudgePicker,
            Context::JudgeForm,
            Context::Discussion,
            Context::Modules,
            Context::AnswerForm,
            Context::Answers,
            Context::HotWashForm,
            Context::FeedbackForm,
        ] {
            let keys: Vec<Key> = bindings(ctx).iter().map(|b| b.key).collect();
            for (i, key) in keys.iter().enumerate() {
                assert!(!keys[..i].contains(key), "{key} twice in {ctx:?}");
            }
        }
    }
}
