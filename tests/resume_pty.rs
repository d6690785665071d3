//! Nothing lost: a live run is killed with SIGKILL after answers were recorded, resumed with
//! `ttx resume`, and finished; its report must equal the report of an uninterrupted run of the
//! same answers at the same scenario times.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use common::pty::App;
use serde_json::Value;

const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/phishing-example/scenario.ron"
);

fn ttx(args: &[&str], journal: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(args)
        .arg(journal)
        .output()
        .unwrap()
}

/// The journal's answers, hand releases and notes as a script, ending when the journal ends.
fn script_of(journal: &str) -> String {
    let mut steps = String::new();
    for line in journal.lines().skip(1) {
        let event: Value = serde_json::from_str(line).unwrap();
        let at = event["at_s"].as_u64().unwrap();
        match event["event"].as_str().unwrap() {
            "response" => {
                let mut step = format!(
                    r#"Respond(at: "{at}s", team: "{}", action: "{}""#,
                    event["team"].as_str().unwrap(),
                    event["action"].as_str().unwrap()
                );
                if let Some(fields) = event["fields"].as_object().filter(|f| !f.is_empty()) {
                    let fields: Vec<String> = fields
                        .iter()
                        .map(|(k, v)| format!("{k:?}: {:?}", v.as_str().unwrap()))
                        .collect();
                    let _ = write!(step, ", fields: {{{}}}", fields.join(", "));
                }
                if let Some(inject) = event["answers"]["inject"].as_str() {
                    let _ = write!(step, r#", inject: "{inject}""#);
                }
                if let Some(n) = event["answers"]["message"].as_u64() {
                    let _ = write!(step, ", message: {n}");
                }
                let _ = writeln!(steps, "{step}),");
            }
            "released" if event["by_hand"] == true => {
                let _ = writeln!(
                    steps,
                    r#"Release(at: "{at}s", inject: "{}"),"#,
                    event["inject"].as_str().unwrap()
                );
            }
            "ended" => {
                let _ = writeln!(steps, r#"End(at: "{at}s"),"#);
            }
            _ => {}
        }
    }
    format!("Script(steps: [\n{steps}])\n")
}

#[test]
fn a_killed_run_resumes_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("live.jsonl");
    let journal_arg = journal.to_str().unwrap();

    // A live run at 60× answers an inject, then the process is killed without warning.
    let mut app = App::start(
        &["run", SCENARIO, "--speed", "60", "--journal", journal_arg],
        dir.path(),
    );
    app.wait_for("NOT STARTED");
    app.run_clock_on_first_team("Hundreds of staff");
    app.respond("ack");
    app.wait_for("satisfied mail-wave.ack@soc");
    // The clock runs on past the answer before the crash.
    app.wait_for_clock_past(app.clock_s());
    app.kill();

    let before = fs::read_to_string(&journal).unwrap();
    assert!(
        before.contains(r#""satisfies":"mail-wave.ack@soc""#),
        "{before}"
    );
    let interrupted = ttx(&["report"], &journal);
    assert!(interrupted.status.success());
    assert!(String::from_utf8_lossy(&interrupted.stderr).contains("interrupted"));
    let report: Value = serde_json::from_slice(&interrupted.stdout).unwrap();
    assert_eq!(report["ended_at_s"], Value::Null);
    assert_eq!(report["teams"][0]["expectations"][0]["status"], "met");

    // Resume: paused where the journal ends, the answer intact; block the sender, then end.
    let mut app = App::start(&["resume", journal_arg], dir.path());
    app.wait_for("PAUSED");
    app.wait_for("soc ack: met mail-wave.ack@soc");
    app.run_clock_on_first_team("Hundreds of staff");
    app.respond("block");
    app.wait_for("mail-wave.block@soc");
    // Back from the team's view to the console.
    app.send(b"\x1b");
    app.wait_for("Events (MSEL)");
    app.send(b"E");
    app.wait_for("End the exercise");
    app.send(b"y");
    app.wait_for("After-action");
    app.send(b"q");
    app.wait_for("Close the exercise?");
    app.send(b"y");
    app.wait_for_exit();

    let after = fs::read_to_string(&journal).unwrap();
    assert!(
        after.starts_with(&before),
        "resuming never rewrites what was written"
    );
    assert!(after.contains(r#""event":"ended""#));
    let resumed = ttx(&["report"], &journal);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );

    // The same answers at the same times, played without interruption.
    let script = dir.path().join("same.ron");
    fs::write(&script, script_of(&after)).unwrap();
    let uninterrupted = std::process::Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(["run", SCENARIO, "--script"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        uninterrupted.status.success(),
        "{}",
        String::from_utf8_lossy(&uninterrupted.stderr)
    );
    let mut resumed: Value = serde_json::from_slice(&resumed.stdout).unwrap();
    let uninterrupted: Value = serde_json::from_slice(&uninterrupted.stdout).unwrap();
    // The live run recorded the wall clock (journal format 3); the scripted replay has none.
    for key in ["started_wall", "ended_wall"] {
        assert!(resumed[key].is_string(), "the live run records {key}");
        resumed[key] = Value::Null;
    }
    // The live run signed its journal when it ended, with the key beside it; the scripted
    // replay's own report has no journal to be signed.
    let signature = resumed.as_object_mut().unwrap().remove("signature");
    assert_eq!(signature.unwrap()["status"], "signed");
    assert!(dir.path().join("ttx_host_ed25519.pub").exists());
    assert_eq!(resumed, uninterrupted);
    assert_eq!(resumed["teams"][0]["expectations"][0]["status"], "met");
}

/// `ttx resume` of an ended exercise opens the after-action screen for the debrief; a rating
/// given there is in the journal, and `ttx report` shows it.
#[test]
fn an_ended_exercise_resumes_on_the_after_action_screen() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("ended.jsonl");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/phishing-example/script.ron"
    );
    let played = std::process::Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(["run", SCENARIO, "--script", script, "--journal"])
        .arg(&journal)
        .output()
        .unwrap();
    assert!(
        played.status.success(),
        "{}",
        String::from_utf8_lossy(&played.stderr)
    );
    let before: Value = serde_json::from_slice(&ttx(&["report"], &journal).stdout).unwrap();
    assert_eq!(before["ratings"][0]["rating"], Value::Null);
    let suggested = before["ratings"][0]["suggested"].clone();
    assert!(suggested.is_string(), "{before}");
    let signed_before = fs::read(dir.path().join("ended.jsonl.sig")).unwrap();

    let mut app = App::start(&["resume", journal.to_str().unwrap()], dir.path());
    app.wait_for("After-action");
    app.wait_for("Ratings (0 of");
    app.send(b"a");
    app.wait_for("Ratings (1 of");
    app.send(b"q");
    app.wait_for("Close the exercise?");
    app.send(b"y");
    app.wait_for_exit();

    let after: Value = serde_json::from_slice(&ttx(&["report"], &journal).stdout).unwrap();
    assert_eq!(after["ratings"][0]["rating"], suggested);
    assert_eq!(after["ratings"][0]["by"], "facilitator");
    // The rating signed the journal again, with the same key.
    assert_eq!(after["signature"], before["signature"]);
    assert_eq!(after["signature"]["status"], "signed");
    assert_ne!(
        fs::read(dir.path().join("ended.jsonl.sig")).unwrap(),
        signed_before
    );
}
