//! The terminal app driven with synthetic keys and a virtual wall clock: every screen
//! snapshotted in fixed states, and a whole exercise played through, then the recorded events
//! and the report checked.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::engine::{Event, Exercise, NoteKind, Outcome};
use ttx::report::Report;
use ttx::scenario::InjectIx;
use ttx::session::testing::{MemoryRecorder, exercise, phishing};
use ttx::tui::app::View;
use ttx::tui::{App, Key};

struct Harness {
    app: App,
    recorder: MemoryRecorder,
    wall: Duration,
}

impl Harness {
    fn new(report_dir: PathBuf) -> Self {
        Harness::of(phishing(), report_dir)
    }

    fn of(scenario: ttx::scenario::Scenario, report_dir: PathBuf) -> Self {
        let recorder = MemoryRecorder::default();
        let app = App::new(exercise(scenario), Box::new(recorder.clone()), report_dir);
        Harness {
            app,
            recorder,
            wall: Duration::ZERO,
        }
    }

    fn key(&mut self, key: Key) -> &mut Self {
        self.app.handle_key(key, self.wall);
        self.assert_recorded();
        self
    }

    /// Whatever the screen could show now is in the journal: replaying what was recorded gives
    /// the exercise the app holds.
    fn assert_recorded(&self) {
        if self.recorder.fail.lock().unwrap().is_some() {
            return;
        }
        let exercise = self.app.exercise();
        let replayed = ttx::engine::Exercise::replay(
            std::sync::Arc::clone(exercise.scenario()),
            exercise.settings(),
            &self.recorder.events(),
        )
        .unwrap();
        assert_eq!(
            ttx::report::Report::of(&replayed),
            ttx::report::Report::of(exercise)
        );
        assert_eq!(replayed.is_running(), exercise.is_running());
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

    /// Text pasted whole, as a terminal's bracketed paste delivers it.
    fn paste(&mut self, text: &str) -> &mut Self {
        self.app.paste(text);
        self.assert_recorded();
        self
    }

    /// Lets `secs` wall seconds pass, with a tick every quarter second.
    fn wait(&mut self, secs: u64) -> &mut Self {
        for _ in 0..secs * 4 {
            self.wall += Duration::from_millis(250);
            self.app.tick(self.wall);
            self.assert_recorded();
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

    fn now(&self) -> u64 {
        self.app.exercise().now()
    }
}

fn tmp() -> PathBuf {
    std::env::temp_dir().join(format!("ttx-tui-test-{}", std::process::id()))
}

#[test]
fn a_whole_exercise_with_synthetic_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path().to_path_buf());
    assert_eq!(h.app.view(), View::Briefing);
    insta::assert_snapshot!("briefing", h.screen(80, 24));

    // Start; a minute passes; the first inject is out.
    h.press(' ').wait(60);
    assert_eq!(h.app.view(), View::Console);
    assert_eq!(h.now(), 60);
    insta::assert_snapshot!("console_running", h.screen(100, 30));

    // The SOC acknowledges.
    h.key(Key::Tab);
    assert!(matches!(h.app.view(), View::Team(t) if t.0 == 0));
    insta::assert_snapshot!("team_soc_inbox", h.screen(80, 24));
    h.press('r').type_text("ack").key(Key::Enter);
    insta::assert_snapshot!("response_form_ack", h.screen(80, 24));
    h.key(Key::Ctrl('s'));
    let outcome = h.app.team_outcome(ttx::scenario::TeamIx(0)).join(" ");
    assert!(outcome.contains("mail-wave.ack@soc"), "{outcome}");
    assert!(outcome.contains("on time"), "{outcome}");

    // Two minutes later it reports to the CERT, with the impact left blank.
    h.wait(120);
    h.press('r');
    insta::assert_snapshot!("action_picker", h.screen(80, 24));
    h.type_text("report").key(Key::Enter);
    h.type_text("Fake password-expiry mail").key(Key::Enter);
    h.type_text("evil.example").key(Key::Enter);
    insta::assert_snapshot!("response_form_report", h.screen(80, 24));
    h.key(Key::Enter).key(Key::Enter).key(Key::Enter);
    let outcome = h.app.team_outcome(ttx::scenario::TeamIx(0)).join(" ");
    assert!(outcome.contains("mail-wave.report@soc"), "{outcome}");
    assert!(outcome.contains("Hotline message #1"), "{outcome}");
    insta::assert_snapshot!("team_soc_outcome", h.screen(80, 24));

    // The CERT sees the message at once, with the reply it owes, and answers it.
    h.key(Key::Tab);
    insta::assert_snapshot!("team_cert_hotline", h.screen(80, 24));
    h.press('r').type_text("advise").key(Key::Enter);
    h.type_text("Reset the passwords of everyone who clicked");
    h.key(Key::Ctrl('s'));
    let outcome = h.app.team_outcome(ttx::scenario::TeamIx(1)).join(" ");
    assert!(outcome.contains("msg-1.advise@cert"), "{outcome}");
    // The SOC got the advice as a hotline message too.
    h.key(Key::BackTab);
    assert!(h.screen(80, 24).contains("#2 from cert"));

    // Pause; a long wait; a hand release happens at the paused time exactly.
    h.key(Key::Esc);
    assert_eq!(h.app.view(), View::Console);
    h.wait(1);
    h.press(' ');
    let paused_at = h.now();
    h.wait(600);
    assert_eq!(h.now(), paused_at);
    h.press('r');
    for _ in 0..5 {
        h.key(Key::Down);
    }
    insta::assert_snapshot!("release_picker", h.screen(80, 24));
    h.key(Key::Enter);
    assert!(matches!(
        h.app.exercise().inject_state(InjectIx(5)),
        ttx::engine::InjectState::Released { at, by_hand: true } if at == paused_at
    ));
    h.press(' ').wait(10);
    assert_eq!(h.now(), paused_at + 10);

    // Faster, then an observation about the CERT.
    h.press('+');
    assert_eq!(h.app.exercise().speed(), 2.0);
    h.wait(5);
    assert_eq!(h.now(), paused_at + 20);
    h.press('o');
    h.key(Key::Tab)
        .key(Key::Right)
        .key(Key::Tab)
        .key(Key::Right)
        .key(Key::Right);
    // Past the objective (none) to the text.
    h.key(Key::Tab)
        .key(Key::Tab)
        .type_text("Slow to acknowledge the banks");
    insta::assert_snapshot!("observation", h.screen(80, 24));
    h.key(Key::Enter);

    // End, with the confirmation; the after-action screen follows.
    h.press('E');
    insta::assert_snapshot!("confirm_end", h.screen(80, 24));
    h.press('y');
    assert_eq!(h.app.view(), View::Evaluation);
    h.key(Key::Tab);
    assert_eq!(h.app.view(), View::Report);
    let end = h.now();
    insta::assert_snapshot!("report", h.screen(100, 60));

    // Export: the three files, their paths on screen.
    h.press('e');
    let json = dir.path().join("test-report.json");
    assert!(json.exists());
    assert!(dir.path().join("test-report.md").exists());
    assert!(dir.path().join("test-report.html").exists());
    assert!(h.screen(120, 30).contains("test-report.json"));
    // A second export keeps the first; a link planted under the next name is not followed.
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.md");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&target, dir.path().join("test-report-2.md")).unwrap();
    let first = std::fs::read(&json).unwrap();
    h.press('e');
    assert_eq!(std::fs::read(&json).unwrap(), first);
    assert!(dir.path().join("test-report-2.json").exists());
    assert!(
        !target.exists(),
        "the export followed a link out of its folder"
    );
    assert!(h.screen(120, 30).contains("test-report-3.md"));

    // The recorded events tell the whole story, and replay to the same report.
    let events = h.recorder.events();
    assert!(matches!(events.first(), Some(Event::Started { at: 0 })));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Released { inject: InjectIx(5), by_hand: true, at } if *at == paused_at
    )));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Paused { at } if *at == paused_at))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Resumed { at } if *at == paused_at))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::SpeedChanged { .. }))
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(
                e,
                Event::Responded {
                    outcome: Outcome::Satisfied(_),
                    ..
                }
            ))
            .count(),
        3
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::MessageSent { .. }))
            .count(),
        2
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Noted { kind: NoteKind::Improvement, team: Some(t), .. } if t.0 == 1
    )));
    assert!(matches!(events.last(), Some(Event::Ended { at }) if *at == end));

    let report = Report::of(h.app.exercise());
    let replayed = Exercise::replay(
        Arc::clone(h.app.exercise().scenario()),
        h.app.exercise().settings(),
        &events,
    )
    .unwrap();
    assert_eq!(Report::of(&replayed), report);
    let soc = &report.teams[0];
    let status = |id: &str| {
        soc.expectations
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.status.as_str())
            .unwrap()
    };
    assert_eq!(status("mail-wave.ack@soc"), "met");
    // Ended before its deadline: not due, not a failure (format 2).
    assert_eq!(status("mail-wave.block@soc"), "not_due");
    assert_eq!(status("mail-wave.report@soc"), "met");
    let cert = &report.teams[1];
    assert_eq!(cert.expectations[0].id, "msg-1.advise@cert");
    assert_eq!(cert.expectations[0].status.as_str(), "met");
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(exported["ended_at_s"], end);

    // Quitting after the end asks too: the hot wash and the forms may still be under way.
    h.press('q');
    assert!(!h.app.should_quit());
    let screen = h.screen(80, 24);
    assert!(screen.contains("Close the exercise?"), "{screen}");
    h.press('n');
    assert!(!h.app.should_quit());
    h.press('q').press('y');
    assert!(h.app.should_quit());
}

#[test]
fn quitting_while_running_asks_first() {
    let mut h = Harness::new(tmp());
    h.press(' ').wait(3).press('q');
    assert!(!h.app.should_quit());
    insta::assert_snapshot!("confirm_quit", h.screen(80, 24));
    h.press('n');
    assert!(!h.app.should_quit());
    h.press('q').press('y');
    assert!(h.app.should_quit());
}

#[test]
fn help_overlay_is_built_from_the_keymap() {
    let mut h = Harness::new(tmp());
    h.press(' ').press('?');
    let screen = h.screen(80, 40);
    insta::assert_snapshot!("help_console", screen);
    assert!(screen.contains("Everywhere"));
    h.key(Key::Esc);
    assert!(!h.screen(80, 40).contains("Everywhere"));
}

#[test]
fn a_small_terminal_gets_a_clear_message() {
    let h = Harness::new(tmp());
    let screen = h.screen(60, 20);
    insta::assert_snapshot!("too_small", screen);
}

#[test]
fn a_team_view_never_shows_another_teams_injects() {
    let mut h = Harness::new(tmp());
    // mail-wave goes to soc at 0; cert-heads-up to cert at 20m.
    h.press(' ').wait(1300);
    h.key(Key::Tab).key(Key::Tab);
    let cert = h.screen(100, 30);
    assert!(cert.contains("Other sectors see the same lures"));
    assert!(cert.contains("Inbox (1 "), "only its own inject");
    assert!(
        !cert.contains("Acknowledge"),
        "expected actions hidden by default"
    );
    // The facilitator shows the expected actions.
    h.press('x');
    assert!(h.screen(100, 30).contains("Acknowledge"));
}

#[test]
fn recording_failure_stops_the_clock_until_it_succeeds() {
    let mut h = Harness::new(tmp());
    h.press(' ').wait(5);
    *h.recorder.fail.lock().unwrap() = Some("disk full".into());
    // The next release (cert-heads-up at 20m) cannot be recorded.
    h.wait(1200);
    let stopped = h.now();
    assert!(!h.app.wants_ticks());
    let screen = h.screen(80, 24);
    assert!(screen.contains("disk full"));
    insta::assert_snapshot!("record_error", screen);
    // Keys do nothing but retry or quit.
    h.press(' ').press('r');
    assert_eq!(h.now(), stopped);
    *h.recorder.fail.lock().unwrap() = None;
    h.key(Key::Enter);
    assert!(!h.screen(80, 24).contains("disk full"));
    assert!(
        !h.app.exercise().is_running(),
        "paused, and the pause recorded"
    );
    assert!(matches!(
        h.recorder.events().last(),
        Some(Event::Paused { .. })
    ));
}

#[test]
fn any_key_at_any_moment_is_safe() {
    let keys = [
        Key::Char(' '),
        Key::Tab,
        Key::BackTab,
        Key::Char('?'),
        Key::Esc,
        Key::Char('r'),
        Key::Char('o'),
        Key::Char('E'),
        Key::Char('n'),
        Key::Char('+'),
        Key::Char('-'),
        Key::Char('x'),
        Key::Char('e'),
        Key::Char('y'),
        Key::Enter,
        Key::Up,
        Key::Down,
        Key::Left,
        Key::Right,
        Key::PageUp,
        Key::PageDown,
        Key::Backspace,
        Key::Ctrl('s'),
        Key::Ctrl('j'),
        Key::Char('a'),
        Key::Home,
        Key::F(5),
    ];
    // A deterministic pseudo-random walk over the keys, drawing after each, at two sizes.
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path().to_path_buf());
    let mut state: u64 = 7;
    for step in 0..3000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let key = keys[(state >> 33) as usize % keys.len()];
        if key == Key::Char('q') {
            continue;
        }
        h.key(key);
        if step % 7 == 0 {
            h.wait(1);
        }
        let _ = h.screen(80, 24);
        if step % 50 == 0 {
            let _ = h.screen(40, 10);
        }
    }
}

#[test]
fn everything_fits_at_80_by_24() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path().to_path_buf());
    h.press(' ').wait(1300);
    insta::assert_snapshot!("console_80x24", h.screen(80, 24));
    h.press('E').press('y');
    insta::assert_snapshot!("after_action_80x24", h.screen(80, 24));
    h.key(Key::Tab);
    insta::assert_snapshot!("report_80x24", h.screen(80, 24));
}

#[test]
fn the_action_filter_puts_the_best_match_first() {
    let scenario = ttx::scenario::load_scenario(
        "cross-border-breach.ron",
        include_str!("../scenarios/cross-border-breach.ron"),
    )
    .unwrap();
    let brevia = scenario.team_ix("brevia").unwrap();
    let app = App::new(
        exercise(scenario),
        Box::new(MemoryRecorder::default()),
        tmp(),
    );
    let ids = |filter: &str| -> Vec<String> {
        app.actions_for(brevia, filter)
            .into_iter()
            .map(|a| app.exercise().scenario().action(a).id.clone())
            .collect()
    };
    // `rfa` mentions replies in its description; the reply action itself comes first.
    assert_eq!(ids("reply")[0], "rfa-reply");
    assert_eq!(ids("rfa")[..2], ["rfa", "rfa-reply"]);
    assert!(ids("zzz").is_empty());
}

#[test]
fn a_command_that_cannot_be_recorded_does_not_move_the_clock() {
    let mut h = Harness::new(tmp());
    *h.recorder.fail.lock().unwrap() = Some("disk full".into());
    // Starting cannot be recorded: the clock must not run behind the error.
    h.press(' ').wait(600);
    assert_eq!(h.now(), 0);
    assert!(h.screen(80, 24).contains("disk full"));
    *h.recorder.fail.lock().unwrap() = None;
    h.key(Key::Enter);
    assert_eq!(
        h.now(),
        0,
        "no time passed for the room while nothing was recorded"
    );
    let events = h.recorder.events();
    assert!(matches!(events.first(), Some(Event::Started { at: 0 })));
    assert!(
        matches!(events.last(), Some(Event::Paused { at: 0 })),
        "{events:?}"
    );
    assert!(!h.app.wants_ticks());
}

#[test]
fn after_a_retry_the_clock_follows_what_was_recorded() {
    let mut h = Harness::new(tmp());
    h.press(' ').wait(5).press(' ');
    assert_eq!(h.now(), 5);
    // A jump and a speed change that could not be recorded at first.
    *h.recorder.fail.lock().unwrap() = Some("disk full".into());
    h.press('n');
    *h.recorder.fail.lock().unwrap() = None;
    h.key(Key::Enter);
    assert_eq!(h.now(), 600, "the jump happened once recorded");
    *h.recorder.fail.lock().unwrap() = Some("disk full".into());
    h.press('+');
    *h.recorder.fail.lock().unwrap() = None;
    h.key(Key::Enter);
    assert_eq!(h.app.exercise().speed(), 2.0);
    // Resumed, ten wall seconds are twenty scenario seconds, from where the journal is.
    h.press(' ').wait(10);
    assert_eq!(h.now(), 620);
}

#[test]
fn while_the_journal_error_is_up_the_log_shows_only_what_the_journal_holds() {
    let mut h = Harness::new(tmp());
    h.press(' ').wait(2);
    *h.recorder.fail.lock().unwrap() = Some("disk full".into());
    // The pause cannot be recorded: it has not happened for the log either.
    h.press(' ');
    assert!(h.screen(80, 24).contains("disk full"));
    let paused = |h: &Harness| h.app.log().iter().any(|(_, line)| line == "paused");
    assert!(!paused(&h), "{:?}", h.app.log());
    *h.recorder.fail.lock().unwrap() = None;
    h.key(Key::Enter);
    assert!(paused(&h), "{:?}", h.app.log());
}

/// A scenario's or a team's text never reaches a terminal as control sequences, as
/// bidirectional controls that reorder what is read, or as line and paragraph separators (which
/// a terminal may draw in no column at all); what replaces them keeps every border in place.
#[test]
fn no_control_or_bidi_character_reaches_the_terminal() {
    let source = include_str!("fixtures/phishing-example/scenario.ron")
        .replacen(
            "title: \"",
            "title: \"\\u{202E}evil\\u{1b}]0;pwned\\u{7}\\u{9b}\\u{2066} ",
            1,
        )
        .replacen(
            "summary: \"A",
            "summary: \"Line\\u{2028}and paragraph\\u{2029}separators: a",
            1,
        );
    let scenario = ttx::scenario::load_scenario("s.ron", &source).unwrap();
    assert!(scenario.title.contains('\u{202E}'), "{}", scenario.title);
    let h = Harness::of(scenario, tmp());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| ttx::tui::ui::draw(frame, &h.app))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let hidden = |c: char| c.is_control() || ttx::ron_file::diagnostic::is_hidden_control(c);
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| !cell.symbol().contains(hidden)),
        "a control character in a cell"
    );
    let screen = terminal.backend().to_string();
    assert!(screen.contains("evil"));
    assert!(
        screen.contains("Line\u{FFFD}and paragraph\u{FFFD}separators"),
        "{screen}"
    );
    assert_borders_in_place(&h, &[0, 79], 2..=14);
}

/// The terminal library drops a tab; the loader expands it so the words stay apart on screen.
#[test]
fn a_tab_in_a_scenarios_text_shows_as_spaces() {
    let source = include_str!("fixtures/phishing-example/scenario.ron").replacen(
        "title: \"",
        "title: \"Drill\\t",
        1,
    );
    let scenario = ttx::scenario::load_scenario("s.ron", &source).unwrap();
    assert!(scenario.title.starts_with("Drill   "), "{}", scenario.title);
    let recorder = MemoryRecorder::default();
    let app = App::new(exercise(scenario), Box::new(recorder), tmp());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| ttx::tui::ui::draw(frame, &app))
        .unwrap();
    assert!(terminal.backend().to_string().contains("Drill   "));
}

const DECISIONS: &str = include_str!("fixtures/decisions/scenario.ron");

fn decisions() -> ttx::scenario::Scenario {
    ttx::scenario::load_scenario("decisions.ron", DECISIONS).unwrap()
}

/// The text of an expectation's status in the report.
fn status_of(app: &App, id: &str) -> String {
    Report::of(app.exercise())
        .teams
        .iter()
        .flat_map(|t| t.expectations.iter())
        .find(|e| e.id == id)
        .map(|e| e.status.as_str().to_string())
        .unwrap_or_default()
}

#[test]
fn a_decision_is_shown_as_a_decision_and_its_choice_to_the_console() {
    let mut h = Harness::of(decisions(), tmp());
    // The decision is released at 1m; Aldera looks at it half a minute later.
    h.press(' ').wait(90);
    h.key(Key::Tab);
    assert!(matches!(h.app.view(), View::Team(t) if t.0 == 0));
    let screen = h.screen(80, 24);
    insta::assert_snapshot!("team_decision_open", screen);
    assert!(
        screen.contains("Decide within 9m30s: Propose a joint"),
        "{screen}"
    );
    assert!(screen.contains("◆ Propose a joint investigation team"));
    assert!(screen.contains("◆ Decline a joint investigation team"));
    assert!(screen.contains("r: decide"));

    // Choosing is responding to it: the options come first, marked.
    h.press('r');
    let picker = h.screen(80, 24);
    insta::assert_snapshot!("decision_picker", picker);
    assert!(picker.contains("a decides"), "{picker}");
    h.key(Key::Enter);
    let form = h.screen(80, 24);
    insta::assert_snapshot!("decision_form", form);
    assert!(form.contains("makes the decision jit.decision@a"), "{form}");
    h.type_text("Joint team on the staging servers");
    h.key(Key::Ctrl('s'));
    assert_eq!(status_of(&h.app, "jit.decision@a"), "met");
    insta::assert_snapshot!("team_decision_made", h.screen(80, 24));
    let screen = h.screen(150, 40);
    assert!(
        screen.contains("you chose Propose a joint investigation team at T+00:01:30"),
        "{screen}"
    );
    assert!(screen.contains("after 30s"), "{screen}");
    assert!(!screen.contains("Decide within"), "{screen}");

    // The console: who chose what, when, after how long; who has not chosen yet.
    h.key(Key::Esc);
    assert_eq!(h.app.view(), View::Console);
    assert!(
        h.app
            .log()
            .iter()
            .any(|(_, line)| line == "a chose propose-jit after 30s: met jit.decision@a"),
        "{:?}",
        h.app.log()
    );
    h.key(Key::Down).key(Key::Enter);
    let detail = h.screen(100, 30);
    insta::assert_snapshot!("console_decision", detail);
    assert!(
        detail.contains("a chose Propose a joint investigation team at T+00:01:30, after 30s"),
        "{detail}"
    );
    assert!(
        detail.contains("b has not chosen: Propose a joint investigation team / Decline"),
        "{detail}"
    );
    // The after-action screen lists the decisions too.
    h.key(Key::Esc).key(Key::BackTab);
    assert_eq!(h.app.view(), View::Report);
    let report = h.screen(120, 60);
    assert!(report.contains("Decisions"), "{report}");
    assert!(
        report.contains("jit.decision@a a chose Propose a joint investigation team at T+00:01:30"),
        "{report}"
    );
}

#[test]
fn the_response_form_answers_the_selected_item_only_when_it_asks_for_the_action() {
    let mut h = Harness::of(decisions(), tmp());
    h.press(' ').wait(70);
    h.key(Key::Tab);
    // The newest item, the decision, is selected: it does not ask for an acknowledgement, so
    // the answer goes to the earliest due acknowledgement, and the form says which.
    h.press('r').type_text("ack").key(Key::Enter);
    let form = h.screen(80, 24);
    assert!(
        form.contains("nothing in particular (the earliest due)"),
        "{form}"
    );
    assert!(form.contains("will satisfy breach.ack@a"), "{form}");
    h.key(Key::Ctrl('s'));
    assert_eq!(status_of(&h.app, "breach.ack@a"), "met");
    // The breach asks for a request for assistance: selected, it is the default.
    h.key(Key::Down);
    h.press('r').type_text("rfa").key(Key::Enter);
    let form = h.screen(80, 24);
    assert!(form.contains("inject: Personnel records stolen"), "{form}");
    assert!(form.contains("will satisfy breach.rfa@a"), "{form}");
    h.key(Key::Esc).key(Key::Esc);

    // Brevia opens a case before anyone asks for one: it will count when asked for.
    h.key(Key::Tab);
    assert!(matches!(h.app.view(), View::Team(t) if t.0 == 1));
    h.press('r').type_text("open-case").key(Key::Enter);
    let form = h.screen(80, 24);
    insta::assert_snapshot!("response_form_ahead", form);
    assert!(form.contains("it will count when asked for"), "{form}");
    h.key(Key::Ctrl('s'));
    let outcome = h.app.team_outcome(ttx::scenario::TeamIx(1)).join(" ");
    assert!(
        outcome.contains("will count when it is asked for"),
        "{outcome}"
    );
}

#[test]
fn free_hotline_messages_are_sent_received_and_threaded() {
    let mut h = Harness::of(decisions(), tmp());
    h.press(' ').wait(10);
    h.key(Key::Tab).press('m');
    insta::assert_snapshot!("message_form", h.screen(80, 24));
    h.type_text("Servers in Brevia: 203.0.113.7")
        .key(Key::Ctrl('s'));
    let aldera = h.screen(80, 24);
    assert!(aldera.contains("→ #1 to b"), "{aldera}");

    // Brevia sees it, selected as the newest item, and answers it: in reply to #1 by default.
    h.key(Key::Tab);
    let brevia = h.screen(80, 24);
    assert!(brevia.contains("✉ #1 from a"), "{brevia}");
    assert!(
        brevia.contains("Servers in Brevia: 203.0.113.7"),
        "{brevia}"
    );
    h.press('m');
    assert!(h.screen(80, 24).contains("#1 from a"));
    h.type_text("Seen; we preserve them now.")
        .key(Key::Ctrl('s'));
    let brevia = h.screen(80, 24);
    assert!(brevia.contains("↳ #2 to a"), "{brevia}");
    assert!(brevia.contains("Answered by: #2 from b"), "{brevia}");
    assert_eq!(h.app.exercise().message(2).unwrap().in_reply_to, Some(1));

    // Aldera gets the answer, threaded under its own first message: the answer shows what it
    // answers, the first message the answer it got.
    h.key(Key::BackTab);
    assert!(h.screen(80, 24).contains("↳ #2 from b"));
    h.key(Key::Up);
    let answer = h.screen(80, 24);
    assert!(answer.contains("In reply to: #1"), "{answer}");
    assert!(answer.contains("Seen; we preserve them now."), "{answer}");
    h.key(Key::Up);
    let thread = h.screen(80, 24);
    insta::assert_snapshot!("team_message_thread", thread);
    assert!(thread.contains("Answered by: #2 from b"), "{thread}");
}

/// Every row of the screen, drawn cell by cell as a terminal draws it, ends exactly at the right
/// edge, and the given columns hold a box border on the given rows: no emoji, flag, accent or CJK
/// character shifts or breaks a border. The screen lays a wide character out in its cell and the
/// next; a terminal that does not join emoji draws each character of a cell by its own width.
fn assert_borders_in_place(h: &Harness, columns: &[u16], rows: std::ops::RangeInclusive<u16>) {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| ttx::tui::ui::draw(frame, &h.app))
        .unwrap();
    let screen = terminal.backend().to_string();
    let buffer = terminal.backend().buffer();
    for y in 0..24 {
        // The cell laid out at `x` is drawn at the terminal's column `at`.
        let (mut x, mut at) = (0, 0);
        let mut drawn_in_place = Vec::new();
        while x < 80 {
            let symbol = buffer[(x, y)].symbol();
            if x == at {
                drawn_in_place.push(x);
            }
            at += symbol
                .chars()
                .map(|c| c.width().unwrap_or(0) as u16)
                .sum::<u16>()
                .max(1);
            x += symbol.width().max(1) as u16;
        }
        assert_eq!(at, 80, "row {y} runs past the edge\n{screen}");
        if rows.contains(&y) {
            for &column in columns {
                let symbol = buffer[(column, y)].symbol();
                assert!(
                    drawn_in_place.contains(&column)
                        && "│┌└┐┘├┤".contains(symbol)
                        && !symbol.is_empty(),
                    "no border at column {column}, row {y}: {symbol:?}\n{screen}"
                );
            }
        }
    }
}

/// An emoji sequence joined with ZWJ is one picture in a terminal that joins it, and its
/// pictures side by side in one that does not: the pane's right border stays in its column in
/// both.
#[test]
fn emoji_joined_with_zwj_keep_the_right_border_in_its_column() {
    let source = include_str!("fixtures/phishing-example/scenario.ron").replacen(
        "summary: \"A credential-phishing",
        "summary: \"👩\u{200d}💻 and 👨\u{200d}👩\u{200d}👧 at home: a credential-phishing",
        1,
    );
    let scenario = ttx::scenario::load_scenario("s.ron", &source).unwrap();
    assert!(scenario.summary.as_deref().unwrap().contains('\u{200d}'));
    let h = Harness::of(scenario, tmp());
    let screen = h.screen(80, 24);
    assert!(screen.contains("at home"), "{screen}");
    // The briefing's pane, its summary on row 4.
    assert_borders_in_place(&h, &[0, 79], 2..=14);
}

#[test]
fn wide_characters_keep_borders_in_their_columns_at_80_by_24() {
    // A woman technologist (emoji joined with ZWJ), a flag, é as e + combining acute, CJK.
    let wide = "Équipe 👩\u{200d}💻 🇫🇷 Re\u{301}seau 東京の警察庁と協力する";
    let source = DECISIONS
        .replace("A joint investigation team?", wide)
        .replace("Each side must say", &format!("{wide}. Each side must say"))
        .replace(
            "Aldera — National Cyber Agency",
            "Aldera 🇫🇷 国家网络局 👩\u{200d}💻",
        )
        .replace(
            "Propose a joint investigation team",
            "Proposer une e\u{301}quipe 共同捜査 👩\u{200d}💻",
        );
    let scenario = ttx::scenario::load_scenario("wide.ron", &source).unwrap();
    let mut h = Harness::of(scenario, tmp());
    h.press(' ').wait(70);
    h.key(Key::Tab);
    assert!(h.screen(80, 24).contains("東京"));
    insta::assert_snapshot!("team_wide_characters", h.screen(80, 24));
    // The team view: the inbox (columns 0 and 29) and the right-hand panes (30 and 79).
    assert_borders_in_place(&h, &[0, 29, 30, 79], 3..=20);

    // Typed text: a hotline message with the same characters.
    h.press('m').type_text(wide);
    assert!(h.screen(80, 24).contains("協力"));
    // The message form's own borders.
    assert_borders_in_place(&h, &[2, 77], 5..=16);
    h.key(Key::Ctrl('s'));
    assert_borders_in_place(&h, &[0, 29, 30, 79], 3..=20);

    // The console, with the wide inject title in its table.
    h.key(Key::Esc);
    assert_eq!(h.app.view(), View::Console);
    insta::assert_snapshot!("console_wide_characters", h.screen(80, 24));
    assert_borders_in_place(&h, &[0, 79], 4..=21);
}

#[test]
fn what_matters_stays_visible_at_80_by_24() {
    let mut h = Harness::of(decisions(), tmp());
    // 11m40s: the decision (due at 11m) is overdue; Aldera acknowledges the breach.
    h.press(' ').wait(700);
    h.key(Key::Tab);
    h.press('r')
        .type_text("ack")
        .key(Key::Enter)
        .key(Key::Ctrl('s'));
    let team = h.screen(80, 24);
    insta::assert_snapshot!("team_overdue_80x24", team);
    for text in [
        "Decisions and replies owed",
        "Decide now, 40s overdue",
        "Your last response",
        "? help q quit",
    ] {
        assert!(team.contains(text), "{text} missing:\n{team}");
    }
    h.key(Key::Esc);
    let console = h.screen(80, 24);
    for text in ["jit.decision     40s overdue", "? help q quit"] {
        assert!(console.contains(text), "{text} missing:\n{console}");
    }
}

/// A served team seat has one view: its footer and help offer no `tab` until the facilitator
/// releases the report to the teams, which gives it a second view.
#[test]
fn a_served_team_seat_is_not_offered_views_it_does_not_have() {
    use ttx::role::Role;
    use ttx::tui::seat::{Seat, Shown};
    let mut h = Harness::of(decisions(), tmp());
    h.press(' ').wait(5);
    let draw = |h: &Harness, seat: &Seat| {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|frame| {
                ttx::tui::ui::draw_seat(
                    frame,
                    Shown {
                        session: &h.app.session,
                        seat,
                    },
                )
            })
            .unwrap();
        terminal.backend().to_string()
    };
    let mut seat = Seat::new(Role::Team(ttx::scenario::TeamIx(1)), &h.app.session);
    let screen = draw(&h, &seat);
    let footer = screen.lines().last().unwrap();
    assert!(!footer.contains("tab"), "{footer}");
    assert!(footer.contains("? help q quit"), "{footer}");
    seat.update(&mut h.app.session, ttx::tui::Action::Help);
    assert!(!draw(&h, &seat).contains("next view"));
    seat.update(&mut h.app.session, ttx::tui::Action::Back);

    h.app.session.release_report(Role::Local).unwrap();
    let screen = draw(&h, &seat);
    assert!(
        screen.lines().last().unwrap().contains("tab next view"),
        "{screen}"
    );
}

/// Found by a red team: a pasted request lost everything up to its first capital `M`, and a CR
/// in it sent the form half-written. Pasted text goes whole into the field that has the focus,
/// its line breaks as line breaks, and is never read as keys.
#[test]
fn pasted_text_arrives_whole_in_the_focused_field_and_never_as_keys() {
    let mut h = Harness::of(decisions(), tmp());
    h.press(' ').wait(10);
    h.key(Key::Tab);

    // Outside a form a paste does nothing: its letters are not keys (`r`, `m`, `q`…).
    h.paste("rmq");
    assert!(h.app.seat.dialog.is_none());
    assert!(!h.app.should_quit());
    assert!(h.screen(80, 24).contains("Open a form to paste into it."));

    h.press('m').type_text("Update: ");
    h.paste("Ransomware on the file server, Monday backups intact\r\nRestore\tfrom Monday");
    h.key(Key::Ctrl('s'));
    assert_eq!(
        h.app.exercise().message(1).unwrap().text.as_deref(),
        Some("Update: Ransomware on the file server, Monday backups intact\nRestore from Monday")
    );
}

/// A text area holds at most `TEXT_LIMIT` characters, and says so as it nears them: a key past
/// the limit types nothing, a paste that does not fit is refused whole with why.
#[test]
fn a_text_area_holds_at_most_its_limit_and_says_so() {
    use ttx::tui::field::TEXT_LIMIT;
    let mut h = Harness::of(decisions(), tmp());
    h.press(' ').wait(10);
    h.key(Key::Tab).press('m').type_text("0123456789");

    h.paste(&"M".repeat(TEXT_LIMIT));
    let refused = h.screen(100, 30);
    assert!(refused.contains("Nothing was pasted"), "{refused}");
    assert!(
        refused.contains(&format!("room for {}", TEXT_LIMIT - 10)),
        "{refused}"
    );

    h.paste(&"M".repeat(TEXT_LIMIT - 11)).type_text("yz");
    let full = h.screen(100, 30);
    assert!(
        full.contains(&format!("{TEXT_LIMIT}/{TEXT_LIMIT}")),
        "{full}"
    );
    // The end of the text, around the cursor, is what shows.
    assert!(full.contains("MMMy"), "{full}");
    h.key(Key::Ctrl('s'));
    let sent = h.app.exercise().message(1).unwrap().text.clone().unwrap();
    assert_eq!(sent.chars().count(), TEXT_LIMIT);
    assert!(sent.ends_with("My"), "the z past the limit was typed");
}
