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
