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
        }
    }

    /// Whether keys with no binding are typed into a text field.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Note | Context::ActionPicker | Context::ResponseForm
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the screen's footer (the main keys); every binding is in the help overlay.
    pub footer: bool,
}

const fn b(key: Key, action: Action, help: &'static str, footer: bool) -> Binding {
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
        true,
    ),
    b(
        K::Tab,
        A::NextView,
        "next view: console → teams → report",
        true,
    ),
    b(K::BackTab, A::PrevView, "previous view", false),
    b(K::Char('?'), A::Help, "help: every key", true),
    b(K::Esc, A::Back, "close, back", false),
    b(K::Char('q'), A::Quit, "quit (asks while running)", true),
];

const BRIEFING: &[Binding] = &[
    b(K::Enter, A::NextView, "go to the console", false),
    b(K::Down, A::Down, "scroll down", false),
    b(K::Up, A::Up, "scroll up", false),
];

const CONSOLE: &[Binding] = &[
    b(
        K::Char('r'),
        A::OpenRelease,
        "release an inject by hand",
        true,
    ),
    b(K::Char('o'), A::OpenNote, "add an observation", true),
    b(K::Char('+'), A::Faster, "faster", true),
    b(K::Char('='), A::Faster, "faster", false),
    b(K::Char('-'), A::Slower, "slower", true),
    b(
        K::Char('n'),
        A::JumpNext,
        "jump to the next scheduled event",
        true,
    ),
    b(
        K::Char('E'),
        A::OpenEnd,
        "end the exercise (asks first)",
        true,
    ),
    b(K::Down, A::Down, "next inject", false),
    b(K::Up, A::Up, "previous inject", false),
    b(K::PageDown, A::PageDown, "page down", false),
    b(K::PageUp, A::PageUp, "page up", false),
];

const TEAM: &[Binding] = &[
    b(
        K::Char('r'),
        A::Respond,
        "respond (to the selected item)",
        true,
    ),
    b(K::Enter, A::Respond, "respond", false),
    b(K::Down, A::Down, "next inbox item", false),
    b(K::Up, A::Up, "previous inbox item", false),
    b(K::PageDown, A::PageDown, "scroll the text down", false),
    b(K::PageUp, A::PageUp, "scroll the text up", false),
    b(
        K::Char('x'),
        A::ToggleExpected,
        "facilitator: show/hide expected actions",
        true,
    ),
    b(
        K::Char('o'),
        A::OpenNote,
        "observation about this team",
        false,
    ),
];

const REPORT: &[Binding] = &[
    b(K::Char('e'), A::Export, "export JSON + Markdown", true),
    b(K::Char('o'), A::OpenNote, "add an observation", true),
    b(K::Down, A::Down, "scroll down", false),
    b(K::Up, A::Up, "scroll up", false),
    b(K::PageDown, A::PageDown, "page down", false),
    b(K::PageUp, A::PageUp, "page up", false),
];

const HELP: &[Binding] = &[
    b(K::Esc, A::Back, "close help", true),
    b(K::Char('?'), A::Back, "close help", false),
    b(K::Char('q'), A::Back, "close help", false),
];

const RELEASE_PICKER: &[Binding] = &[
    b(
        K::Enter,
        A::Confirm,
        "release the selected inject now",
        true,
    ),
    b(K::Down, A::Down, "next", false),
    b(K::Up, A::Up, "previous", false),
    b(K::PageDown, A::PageDown, "page down", false),
    b(K::PageUp, A::PageUp, "page up", false),
    b(K::Esc, A::Back, "cancel", true),
];

const NOTE: &[Binding] = &[
    b(K::Enter, A::Confirm, "next field; save on the text", true),
    b(K::Ctrl('s'), A::Submit, "save", true),
    b(K::Tab, A::NextField, "next field", true),
    b(K::BackTab, A::PrevField, "previous field", false),
    b(K::Down, A::NextField, "next field", false),
    b(K::Up, A::PrevField, "previous field", false),
    b(K::Left, A::Left, "change kind or team", false),
    b(K::Right, A::Right, "change kind or team", false),
    b(K::Ctrl('j'), A::Newline, "new line in the text", false),
    b(K::Esc, A::Back, "cancel", true),
];

const CONFIRM: &[Binding] = &[
    b(K::Char('y'), A::Yes, "yes", true),
    b(K::Enter, A::Yes, "yes", false),
    b(K::Char('n'), A::No, "no", true),
    b(K::Esc, A::No, "no", false),
];

const ACTION_PICKER: &[Binding] = &[
    b(K::Enter, A::Confirm, "take the selected action", true),
    b(K::Down, A::Down, "next action", false),
    b(K::Up, A::Up, "previous action", false),
    b(K::Esc, A::Back, "cancel", true),
];

const RESPONSE_FORM: &[Binding] = &[
    b(K::Enter, A::Confirm, "next field; submit on [Submit]", true),
    b(K::Ctrl('s'), A::Submit, "submit", true),
    b(K::Tab, A::NextField, "next field", true),
    b(K::BackTab, A::PrevField, "previous field", false),
    b(K::Down, A::NextField, "next field", false),
    b(K::Up, A::PrevField, "previous field", false),
    b(K::Left, A::Left, "what it answers: previous", false),
    b(K::Right, A::Right, "what it answers: next", false),
    b(K::Ctrl('j'), A::Newline, "new line in a field", false),
    b(K::Esc, A::Back, "back to the action list", true),
];

const RECORD_ERROR: &[Binding] = &[
    b(K::Enter, A::Retry, "try recording again", true),
    b(K::Char('r'), A::Retry, "try recording again", false),
    b(
        K::Char('q'),
        A::Quit,
        "quit (the journal keeps what was written)",
        true,
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
    }
}

/// Whether a context is a modal layer: only its own keys apply.
fn is_modal(context: Context) -> bool {
    !matches!(
        context,
        Context::Global | Context::Briefing | Context::Console | Context::Team | Context::Report
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

/// The contexts whose keys apply in `context`, for the help overlay.
pub fn layers(context: Context) -> Vec<Context> {
    if is_modal(context) {
        vec![context]
    } else {
        vec![context, Context::Global]
    }
}

/// The footer line of a context: its main keys, then the global ones.
pub fn footer(context: Context) -> Vec<(String, &'static str)> {
    let mut seen: Vec<Action> = Vec::new();
    let mut items = Vec::new();
    for layer in layers(context) {
        for binding in bindings(layer) {
            if binding.footer && !seen.contains(&binding.action) {
                seen.push(binding.action);
                items.push((binding.key.to_string(), short_help(binding.help)));
            }
        }
    }
    items
}

/// The first words of a help text, for the footer.
fn short_help(help: &'static str) -> &'static str {
    match help.find([':', '(', ';', ',']) {
        Some(end) => help[..end].trim_end(),
        None => help,
    }
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
        ] {
            let keys: Vec<Key> = bindings(ctx).iter().map(|b| b.key).collect();
            for (i, key) in keys.iter().enumerate() {
                assert!(!keys[..i].contains(key), "{key} twice in {ctx:?}");
            }
        }
    }
}
