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
