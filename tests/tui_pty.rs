//! The real binary in a pseudo-terminal: start the app, answer an inject, quit cleanly.

mod common;

use common::pty::App;

#[test]
fn start_answer_an_inject_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("pty.jsonl");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/phishing-example/scenario.ron"
    );
    let mut app = App::start(
        &["run", scenario, "--journal", journal.to_str().unwrap()],
        dir.path(),
    );
    app.wait_for("NOT STARTED");
    app.run_clock_on_first_team("Hundreds of staff");
    app.respond("ack");
    let text = app.wait_for("satisfied mail-wave.ack@soc");
    assert!(text.contains("on time"), "{text}");
    app.send(b"q");
    app.wait_for("Quit while the exercise runs?");
    app.send(b"y");
    app.wait_for_exit();
    let written = std::fs::read_to_string(&journal).unwrap();
    assert!(written.contains("\"ack\""), "{written}");
}

#[test]
fn the_app_refuses_to_start_when_its_journal_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("no-such-dir").join("j.jsonl");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron");
    let mut app = App::start(
        &["run", scenario, "--journal", journal.to_str().unwrap()],
        dir.path(),
    );
    let status = app.wait_for_status();
    assert_eq!(status.exit_code(), 1);
    app.wait_for("no-such-dir");
    assert!(!journal.exists());
}

fn journal_lines(journal: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_signal_restores_the_terminal_and_records_the_clock() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron");
    for signal in ["TERM", "HUP", "INT", "QUIT"] {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("j.jsonl");
        let mut app = App::start(
            &[
                "run",
                scenario,
                "--speed",
                "60",
                "--journal",
                journal.to_str().unwrap(),
            ],
            dir.path(),
        );
        app.wait_for("NOT STARTED");
        app.send(b" ");
        app.wait_for("RUNNING");
        // The clock has run: the time the signal records is past zero.
        app.wait_for_clock_past(0);
        app.signal(signal);
        let status = app.wait_for_status();
        assert_eq!(status.exit_code(), 1, "{signal}");
        app.wait_for_output_end();
        assert!(app.terminal_restored(), "{signal}: {}", app.text());
        assert!(
            app.text().contains("ttx resume"),
            "{signal}: {}",
            app.text()
        );
        let lines = journal_lines(&journal);
        let last = lines.last().unwrap();
        assert!(last.contains("\"event\":\"clock\""), "{signal}: {last}");
        assert!(
            !last.contains("\"at_s\":0,"),
            "{signal}: no time recorded: {last}"
        );
    }
}

#[test]
fn ctrl_c_asks_to_quit_as_q_does() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron");
    let mut app = App::start(&["run", scenario, "--journal", "j.jsonl"], dir.path());
    app.wait_for("NOT STARTED");
    app.send(b" ");
    app.wait_for("RUNNING");
    app.send(b"\x03");
    app.wait_for("Quit while the exercise runs?");
    app.send(b"y");
    app.wait_for_exit();
}

#[test]
fn ctrl_z_pauses_the_clock_until_continued() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron");
    let mut app = App::start(
        &["run", scenario, "--journal", journal.to_str().unwrap()],
        dir.path(),
    );
    app.wait_for("NOT STARTED");
    app.send(b" ");
    app.wait_for("RUNNING");
    app.send(b"\x1a");
    app.wait_for_stopped();
    // The pause is recorded and the terminal given back before the process stops; the last
    // bytes it wrote may still be on their way to the screen.
    let lines = journal_lines(&journal);
    assert!(
        lines.last().unwrap().contains("\"event\":\"paused\""),
        "{lines:?}"
    );
    common::wait_until("the terminal given back (suspended in raw mode?)", || {
        app.terminal_restored()
    });
    app.signal("CONT");
    app.wait_for("Paused while ttx was suspended");
    app.wait_for("PAUSED");
    app.send(b"q");
    app.wait_for("Quit");
    app.send(b"y");
    app.wait_for_exit();
}

/// A terminal's bracketed paste reaches the field whole: a capital `M` and a line break in it
/// are text, not a mouse report or Enter; ttx turns bracketed paste on and off with the screen.
#[test]
fn a_bracketed_paste_reaches_the_form_whole() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("paste.jsonl");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/phishing-example/scenario.ron"
    );
    let mut app = App::start(
        &["run", scenario, "--journal", journal.to_str().unwrap()],
        dir.path(),
    );
    app.wait_for("NOT STARTED");
    assert!(app.bracketed_paste());
    app.run_clock_on_first_team("Hundreds of staff");
    app.send(b"m");
    app.wait_for("What you want the other team to know");
    app.send(b"\x1b[200~Ransomware on the file server,\r\nMonday backups intact\x1b[201~");
    app.wait_for("Monday backups intact");
    app.send(b"\x13"); // ctrl-s
    app.wait_for("→ #1 to");
    app.send(b"q");
    app.wait_for("Quit while the exercise runs?");
    app.send(b"y");
    app.wait_for_exit();
    assert!(!app.bracketed_paste() && app.terminal_restored());
    let written = std::fs::read_to_string(&journal).unwrap();
    assert!(
        written.contains(r#"Ransomware on the file server,\nMonday backups intact"#),
        "{written}"
    );
}

fn phishing_app(dir: &std::path::Path, journal: &std::path::Path) -> App {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/phishing-example/scenario.ron"
    );
    App::start(
        &["run", scenario, "--journal", journal.to_str().unwrap()],
        dir,
    )
}

/// A form left with esc twice is kept as a draft of its action, and never takes over `r`: what
/// is typed after `r` filters the actions, as it always does, and `ack` + enter opens
/// Acknowledge, not the old form.
#[test]
fn a_kept_draft_never_takes_over_r() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("draft.jsonl");
    let mut app = phishing_app(dir.path(), &journal);
    app.wait_for("NOT STARTED");
    app.run_clock_on_first_team("Hundreds of staff");
    app.send(b"r");
    app.wait_for("choose an action");
    app.send(b"report\r");
    app.wait_for("Submit");
    app.send(b"Fake password-expiry mail");
    app.wait_for("Fake password-expiry mail");
    app.send(b"\x1b");
    app.wait_for("choose an action");
    app.send(b"\x1b");
    common::wait_until("the picker closed", || {
        !app.text().contains("choose an action")
    });
    app.send(b"r");
    app.wait_for("[draft]");
    app.send(b"ack\r");
    let form = app.wait_for("soc · Acknowledge");
    assert!(!form.contains("Fake password-expiry mail"), "{form}");
    app.send(b"\x13"); // ctrl-s
    app.wait_for("satisfied mail-wave.ack@soc");
    // The draft comes back when its action is chosen.
    app.send(b"r");
    app.wait_for("choose an action");
    app.send(b"report\r");
    app.wait_for("Fake password-expiry mail");
    app.send(b"\x1b");
    app.wait_for("choose an action");
    app.send(b"\x1b");
    common::wait_until("the picker closed", || {
        !app.text().contains("choose an action")
    });
    app.send(b"q");
    app.wait_for("Quit while the exercise runs?");
    app.send(b"y");
    app.wait_for_exit();
    let written = std::fs::read_to_string(&journal).unwrap();
    assert!(!written.contains("Fake password"), "{written}");
}

/// In a text, ↑ moves a row up (what is typed lands there); from its first row, the field
/// before; a letter typed on a selector that matches nothing is said, not dropped.
#[test]
fn up_moves_in_the_text_then_between_fields_and_selectors_say_what_they_drop() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("focus.jsonl");
    let mut app = phishing_app(dir.path(), &journal);
    app.wait_for("NOT STARTED");
    app.run_clock_on_first_team("Hundreds of staff");
    app.send(b"m");
    app.wait_for("What you want the other team to know");
    app.send(b"line one\nline two"); // \n: ctrl-j, a new line
    app.wait_for("line two");
    app.send(b"\x1b[A (edited)");
    app.wait_for("line one (edited)");
    // Up from the first row: "In reply to"; up again: "To", where `z` matches nothing.
    app.send(b"\x1b[A\x1b[A");
    app.send(b"z");
    app.wait_for("\"z\" was not typed");
    app.send(b"\x1b[B\x1b[B\x13"); // down, down: the text again; ctrl-s sends
    app.wait_for("→ #1 to");
    app.send(b"q");
    app.wait_for("Quit while the exercise runs?");
    app.send(b"y");
    app.wait_for_exit();
    let written = std::fs::read_to_string(&journal).unwrap();
    assert!(
        written.contains(r#"line one (edited)\nline two"#),
        "{written}"
    );
}
