//! What people type and read in forms: kept drafts that never take over `r`, free text that
//! wraps so it can be proofread, ↑/↓ within a text before between fields, and selectors that
//! take typing as a search and never drop it unsaid. Rendered with TestBackend.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ttx::engine::Event;
use ttx::session::testing::{MemoryRecorder, exercise, phishing};
use ttx::tui::app::View;
use ttx::tui::field::TextField;
use ttx::tui::seat::{Entry, entries};
use ttx::tui::{App, Key};

struct Harness {
    app: App,
    recorder: MemoryRecorder,
    wall: Duration,
}

impl Harness {
    /// The phishing exercise, started, a minute in, on the SOC's view.
    fn soc() -> Self {
        let recorder = MemoryRecorder::default();
        let app = App::new(
            exercise(phishing()),
            Box::new(recorder.clone()),
            std::env::temp_dir(),
        );
        let mut h = Harness {
            app,
            recorder,
            wall: Duration::ZERO,
        };
        h.press(' ').wait(60).key(Key::Tab);
        assert!(matches!(h.app.view(), View::Team(t) if t.0 == 0));
        h
    }

    fn key(&mut self, key: Key) -> &mut Self {
        self.app.handle_key(key, self.wall);
        self
    }

    fn press(&mut self, c: char) -> &mut Self {
        self.key(Key::Char(c))
    }

    fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
        self
    }

    fn paste(&mut self, text: &str) -> &mut Self {
        self.app.paste(text);
        self
    }

    fn wait(&mut self, secs: u64) -> &mut Self {
        for _ in 0..secs * 4 {
            self.wall += Duration::from_millis(250);
            self.app.tick(self.wall);
        }
        self
    }

    fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| ttx::tui::ui::draw(frame, &self.app))
            .unwrap();
        terminal.backend().to_string()
    }

    fn responses(&self) -> Vec<ttx::engine::Response> {
        self.recorder
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Responded { response, .. } => Some(response),
                _ => None,
            })
            .collect()
    }

    fn field(&self, name: &str) -> String {
        let response = self.responses().pop().expect("a response");
        response
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }
}

/// A text long enough to wrap in any form, every word of it distinct, so that each can be
/// looked for on screen.
const LONG: &str = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima \
                    mike november oscar papa quebec romeo sierra tango uniform victor whiskey \
                    xray yankee zulu";

/// Every word of `LONG` on the screen: nothing typed scrolled out of sight sideways.
fn shows_every_word(screen: &str) {
    for word in LONG.split(' ') {
        assert!(
            screen.contains(word),
            "`{word}` is not on screen:\n{screen}"
        );
    }
}

#[test]
fn a_kept_draft_never_takes_over_r() {
    let mut h = Harness::soc();
    h.press('r').type_text("report").key(Key::Enter);
    h.type_text("Fake password-expiry mail");
    // Esc: back to the actions; esc again: closed, the draft kept.
    h.key(Key::Esc);
    assert!(h.screen(80, 24).contains("choose an action"));
    h.key(Key::Esc);
    assert!(h.app.seat.dialog.is_none());

    // `r` opens the picker, never the old form; the action with a draft is marked.
    h.press('r');
    let picker = h.screen(100, 30);
    assert!(picker.contains("choose an action"), "{picker}");
    assert!(
        picker.contains("Report the incident to the CERT ✉  [draft]"),
        "{picker}"
    );
    insta::assert_snapshot!("picker_with_a_draft", picker);
    // What is typed now filters the actions: `ack` and enter take Acknowledge.
    h.type_text("ack").key(Key::Enter);
    let form = h.screen(80, 24);
    assert!(form.contains("soc · Acknowledge"), "{form}");
    assert!(!form.contains("Fake password-expiry mail"), "{form}");
    h.key(Key::Ctrl('s'));
    assert_eq!(h.responses().len(), 1);
    assert!(h.responses()[0].fields.is_empty());

    // Choosing the action with the draft brings it back as it was.
    h.press('r').type_text("report").key(Key::Enter);
    let form = h.screen(80, 24);
    assert!(form.contains("Fake password-expiry mail"), "{form}");
    h.key(Key::Esc).key(Key::Esc);

    // From another inbox item, the draft is named as another item's; choosing the action
    // starts a new form there.
    h.key(Key::BackTab)
        .press('r')
        .type_text("press")
        .key(Key::Enter);
    h.key(Key::Tab).key(Key::Up);
    assert!(h.screen(100, 30).contains("Journalists call"));
    h.press('r');
    let picker = h.screen(100, 30);
    assert!(picker.contains("[draft for \"Phishing wave\"]"), "{picker}");
    h.type_text("report").key(Key::Enter);
    assert!(!h.screen(80, 24).contains("Fake password-expiry mail"));
}

#[test]
fn an_untouched_form_left_with_esc_keeps_no_draft() {
    let mut h = Harness::soc();
    h.press('r')
        .type_text("report")
        .key(Key::Enter)
        .key(Key::Esc);
    let picker = h.screen(100, 30);
    assert!(!picker.contains("[draft"), "{picker}");
}

#[test]
fn free_text_wraps_in_the_response_form_and_up_moves_within_it() {
    let mut h = Harness::soc();
    h.press('r').type_text("report").key(Key::Enter);
    h.type_text(LONG);
    let form = h.screen(80, 24);
    shows_every_word(&form);
    insta::assert_snapshot!("response_form_wrapped", form);
    // ↑ moves a row up in the text, not to another field: what is typed lands there.
    h.key(Key::Up).type_text("XX ");
    // ↓ from the last row goes to the next field.
    h.key(Key::Down).key(Key::Down).type_text("evil.example");
    h.key(Key::Ctrl('s')).press('y');
    let summary = h.field("summary");
    assert!(
        summary.contains("XX ") && !summary.ends_with("XX "),
        "{summary}"
    );
    assert_eq!(summary.replace("XX ", ""), LONG);
    assert_eq!(h.field("indicators"), "evil.example");
}

#[test]
fn up_at_the_first_row_of_a_text_moves_to_the_field_before() {
    let mut h = Harness::soc();
    h.press('r').type_text("report").key(Key::Enter);
    h.type_text("first").key(Key::Tab).type_text("second");
    h.key(Key::Up).type_text(" more");
    h.key(Key::Ctrl('s')).press('y');
    assert_eq!(h.field("summary"), "first more");
    assert_eq!(h.field("indicators"), "second");
}

#[test]
fn free_text_wraps_in_messages_observations_summaries_and_plans() {
    // A hotline message.
    let mut h = Harness::soc();
    h.press('m').paste(LONG);
    shows_every_word(&h.screen(80, 24));
    // An observation.
    h.key(Key::Esc).key(Key::BackTab).press('o').paste(LONG);
    shows_every_word(&h.screen(80, 24));
    h.key(Key::Enter);
    // The executive summary and a new plan item, after the end.
    h.press('E').press('y');
    while h.app.view() != View::Evaluation {
        h.key(Key::Tab);
    }
    let entries = entries(&h.app.session.report(), true);
    h.app.seat.evaluation.selected = entries.iter().position(|e| *e == Entry::Summary).unwrap();
    h.key(Key::Enter).paste(LONG);
    shows_every_word(&h.screen(100, 30));
    h.key(Key::Esc).press('n').paste(LONG);
    shows_every_word(&h.screen(100, 30));
}

/// The cells of `area` drawn reversed: where a focused text area's cursor is.
fn reversed(terminal: &Terminal<TestBackend>, area: Rect) -> Vec<(u16, u16)> {
    let buffer = terminal.backend().buffer();
    let mut cells = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if buffer[(x, y)].modifier.contains(Modifier::REVERSED) {
                cells.push((x, y));
            }
        }
    }
    cells
}

/// A text area by itself, 12 columns by 4 rows, its cursor where `keys` leave it.
fn text_area(text: &str, keys: &[Key]) -> (String, Vec<(u16, u16)>) {
    let mut field = TextField::new("").with_text(text);
    let mut terminal = Terminal::new(TestBackend::new(12, 4)).unwrap();
    let area = Rect::new(0, 0, 12, 4);
    // Drawn once before the keys: ↑ and ↓ move by the rows it drew.
    terminal
        .draw(|frame| ttx::tui::widgets::text_area(frame, area, &field, true))
        .unwrap();
    for key in keys {
        field.type_key(*key);
    }
    terminal
        .draw(|frame| ttx::tui::widgets::text_area(frame, area, &field, true))
        .unwrap();
    (terminal.backend().to_string(), reversed(&terminal, area))
}

#[test]
fn the_cursor_sits_where_the_text_wraps_wide_characters_included() {
    let text = "日本語の報告 ends here";
    let (screen, cursor) = text_area(text, &[]);
    // Each row as TestBackend quotes it (it notes the cells hidden by wide characters after).
    let rows: Vec<&str> = screen
        .lines()
        .map(|l| l[1..].split('"').next().unwrap_or("").trim_end())
        .collect();
    // Eleven columns of text a row, the twelfth kept for the cursor.
    assert_eq!(rows, ["日本語の報", "告 ends", "here", ""], "{screen}");
    assert_eq!(cursor, [(4, 2)], "after `here`");
    let (_, cursor) = text_area(text, &[Key::Home, Key::Right, Key::Right]);
    assert_eq!(cursor, [(4, 0)], "after two wide characters");
    let (_, cursor) = text_area(text, &[Key::Up]);
    assert_eq!(cursor, [(4, 1)], "the row above, same column");
    let (_, cursor) = text_area(text, &[Key::Up, Key::Up]);
    assert_eq!(cursor, [(4, 0)], "between 本 and 語");
}

#[test]
fn typing_on_a_selector_seeks_it_and_says_what_matched_nothing() {
    let mut h = Harness::soc();
    // An observation: the text has the focus; before it, the objective, the team, the kind.
    h.key(Key::BackTab)
        .press('o')
        .type_text("Quick, complete report");
    h.key(Key::BackTab).type_text("rep");
    let form = h.screen(80, 24);
    assert!(
        form.contains("◀ Report incidents to the national CERT"),
        "{form}"
    );
    assert!(!form.contains("was not typed"), "{form}");
    h.key(Key::BackTab).type_text("cert");
    assert!(h.screen(80, 24).contains("◀ National CERT ▶"));
    // Text that matches nothing is said, whole, never dropped unsaid.
    h.type_text("zebra");
    let form = h.screen(80, 24);
    assert!(
        form.contains("\"zebra\" was not typed: nothing to choose here starts with it"),
        "{form}"
    );
    assert!(form.contains("◀ National CERT ▶"), "{form}");
    // The kind: `a` for an area for improvement.
    h.key(Key::BackTab).press('a');
    assert!(h.screen(80, 24).contains("◀ area for improvement ▶"));
    // Tab follows the screen: kind, team, objective, the text; enter there saves.
    h.key(Key::Tab)
        .key(Key::Tab)
        .key(Key::Tab)
        .type_text(" and quick");
    h.key(Key::Enter);
    let notes: Vec<(Option<ttx::scenario::TeamIx>, String)> = h
        .recorder
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Noted { team, text, .. } => Some((team, text)),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        [(
            Some(ttx::scenario::TeamIx(1)),
            "Quick, complete report and quick".to_string()
        )]
    );
}

#[test]
fn typing_on_a_message_recipient_or_a_plan_choice_seeks_it() {
    let mut h = Harness::soc();
    h.press('m').key(Key::BackTab).key(Key::BackTab).press('c');
    assert!(h.screen(80, 24).contains("◀ National CERT ▶"));
    h.press('q');
    assert!(h.screen(80, 24).contains("\"q\" was not typed"));
    h.key(Key::Esc).key(Key::BackTab).press('E').press('y');
    while h.app.view() != View::Evaluation {
        h.key(Key::Tab);
    }
    // A new plan item: issue, root cause, corrective action, then the capability element.
    h.press('n')
        .type_text("Slow report")
        .key(Key::Tab)
        .type_text("Nobody drilled it")
        .key(Key::Tab)
        .type_text("Drill it");
    h.key(Key::Tab).type_text("tra");
    let form = h.screen(100, 30);
    assert!(form.contains("◀ Training ▶"), "{form}");
    // What the chosen element covers, under it.
    assert!(
        form.contains("Training: teaching people the plans, procedures and tools they use"),
        "{form}"
    );
    h.type_text("x");
    assert!(h.screen(100, 30).contains("\"x\" was not typed"));
}
