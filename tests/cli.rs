//! The `ttx` binary end to end: exit codes, `validate` output, scripted play against the fixture
//! reports, journals and `report`, `new`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn ttx() -> Command {
    Command::cargo_bin("ttx").expect("the ttx binary is built")
}

fn json(text: &[u8]) -> Value {
    serde_json::from_slice(text).expect("the report is JSON")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Plays `script` (the file's text) against the spec's worked example, the script written as
/// `s.ron` in `dir`.
fn play_example(dir: &Path, script: &str) -> std::process::Output {
    let path = dir.join("s.ron");
    fs::write(&path, script).unwrap();
    ttx()
        .args([
            "run",
            "tests/fixtures/phishing-example/scenario.ron",
            "--script",
        ])
        .arg(&path)
        .output()
        .unwrap()
}

/// Plays the tutorial's script with a journal in `dir`, and returns the journal's path.
fn tutorial_journal(dir: &Path) -> std::path::PathBuf {
    let journal = dir.join("j.jsonl");
    ttx()
        .args([
            "run",
            "scenarios/tutorial.ron",
            "--script",
            "tests/fixtures/tutorial/script.ron",
            "--journal",
        ])
        .arg(&journal)
        .assert()
        .success();
    journal
}

/// Every scenario with a fixture script: its report must be exactly the fixture's, which was
/// worked out by hand from the spec's rules (`expected.md` beside it).
const FIXTURES: [(&str, &str); 4] = [
    (
        "tests/fixtures/phishing-example/scenario.ron",
        "tests/fixtures/phishing-example",
    ),
    ("scenarios/tutorial.ron", "tests/fixtures/tutorial"),
    ("scenarios/ransomware.ron", "tests/fixtures/ransomware"),
    (
        "scenarios/cross-border-breach.ron",
        "tests/fixtures/cross-border-breach",
    ),
];

#[test]
fn scripted_play_gives_the_fixture_reports_exactly() {
    for (scenario, dir) in FIXTURES {
        let output = ttx()
            .args([
                "run",
                scenario,
                "--script",
                &format!("{dir}/script.ron"),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(output.status.success(), "{scenario}: {}", stderr(&output));
        let expected = fs::read(format!("{dir}/report.json")).unwrap();
        assert_eq!(json(&output.stdout), json(&expected), "{scenario}");
    }
}

#[test]
fn the_worked_example_report_is_byte_for_byte_the_spec() {
    let output = ttx()
        .args([
            "run",
            "tests/fixtures/phishing-example/scenario.ron",
            "--script",
            "tests/fixtures/phishing-example/script.ron",
        ])
        .output()
        .unwrap();
    let expected = fs::read_to_string("tests/fixtures/phishing-example/report.json").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim_end(),
        expected.trim_end()
    );
}

#[test]
fn report_of_the_journal_is_the_report_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    for (scenario, fixture) in FIXTURES {
        let journal = dir
            .path()
            .join(format!("{}.jsonl", fixture.replace('/', "-")));
        let run = ttx()
            .args([
                "run",
                scenario,
                "--script",
                &format!("{fixture}/script.ron"),
            ])
            .arg("--journal")
            .arg(&journal)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
        for format in ["json", "md", "html"] {
            let from_run = ttx()
                .args([
                    "run",
                    scenario,
                    "--script",
                    &format!("{fixture}/script.ron"),
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            let from_journal = ttx()
                .arg("report")
                .arg(&journal)
                .args(["--format", format])
                .output()
                .unwrap();
            assert!(from_journal.status.success(), "{}", stderr(&from_journal));
            assert_eq!(
                from_run.stdout, from_journal.stdout,
                "{scenario} as {format}"
            );
        }
    }
}

#[test]
fn report_writes_to_a_file_with_o() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let out = dir.path().join("report.md");
    ttx()
        .arg("report")
        .arg(&journal)
        .args(["--format", "md", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let markdown = fs::read_to_string(&out).unwrap();
    assert!(
        markdown.contains("Strengths") && markdown.contains("lost.wipe@it"),
        "{markdown}"
    );
}

#[test]
fn run_writes_the_report_file_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("aar.md");
    ttx()
        .args([
            "run",
            "scenarios/ransomware.ron",
            "--script",
            "tests/fixtures/ransomware/script.ron",
        ])
        .args(["--format", "md", "--report"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert!(
        fs::read_to_string(&out)
            .unwrap()
            .contains("Areas for improvement")
    );
}

#[test]
fn validate_prints_ok_with_counts() {
    let output = ttx()
        .args([
            "validate",
            "scenarios/tutorial.ron",
            "scenarios/cross-border-breach.ron",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("ok: scenarios/tutorial.ron (5 injects, 2 teams)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok: scenarios/cross-border-breach.ron (20 injects, 2 teams)"),
        "{stdout}"
    );
}

#[test]
fn validate_reports_every_error_with_its_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    fs::write(
        &bad,
        r#"Scenario(
    title: "Bad",
    teams: [(id: "us", name: "US")],
    actions: [(id: "ack", name: "Ack")],
    injects: [
        (id: "a", when: At("5x"), to: ["us"], title: "A", body: "b"),
        (id: "b", when: At("0m"), to: ["xx"], title: "B", body: "b", colour: "red"),
    ],
)
"#,
    )
    .unwrap();
    let output = ttx().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let file = bad.display().to_string();
    assert!(
        err.contains(&format!("{file}:6:28:")),
        "malformed duration at its value: {err}"
    );
    assert!(
        err.contains(&format!("{file}:7:40:")),
        "unknown team at its value: {err}"
    );
    assert!(
        err.contains(&format!("{file}:7:70:")),
        "unknown field at its name: {err}"
    );
    assert!(
        err.contains(r#"(id: "b", when: At("0m"), to: ["xx"]"#),
        "the offending line is shown: {err}"
    );
    assert!(!err.contains("panicked"));
    assert!(
        err.ends_with("^\n"),
        "no stray blank line after the last error: {err:?}"
    );
}

#[test]
fn validate_of_a_missing_file_exits_1() {
    let output = ttx()
        .args(["validate", "no/such/file.ron"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no/such/file.ron"));
}

#[test]
fn a_rejected_step_exits_1_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = play_example(
        dir.path(),
        r#"Script(steps: [
    Respond(at: "5m", team: "soc", action: "ack"),
    Respond(at: "10m", team: "cert", action: "block"),
])"#,
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains(":3:5: step 2 (Respond at 10m): team `cert` may not take action `block`"),
        "{err}"
    );
    assert!(output.stdout.is_empty(), "no report for a failed play");
}

#[test]
fn a_step_after_the_end_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for (steps, message) in [
        (
            r#"End(at: "1h"), Note(at: "2h", kind: Strength, text: "late")"#,
            ":1:40: step at 2h comes after the script's `End` at 1h",
        ),
        // Without an `End`, the scenario's own end (4h) closes the exercise.
        (
            r#"Respond(at: "5h", team: "soc", action: "ack")"#,
            ":1:16: step 1 (Respond at 5h): the exercise has already ended at 4h",
        ),
    ] {
        let output = play_example(dir.path(), &format!("Script(steps: [{steps}])"));
        assert_eq!(output.status.code(), Some(1));
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
}

#[test]
fn unknown_names_in_a_script_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    for (step, message) in [
        (
            r#"Respond(at: "1m", team: "nobody", action: "ack")"#,
            "unknown team `nobody` (teams: soc, cert)",
        ),
        (
            r#"Respond(at: "1m", team: "soc", action: "dance")"#,
            "unknown action `dance`",
        ),
        (
            r#"Respond(at: "1m", team: "soc", action: "ack", inject: "ghost")"#,
            "unknown inject `ghost`",
        ),
        (
            r#"Respond(at: "1m", team: "soc", action: "ack", message: 4)"#,
            "there is no message 4",
        ),
        (
            r#"Respond(at: "1m", team: "soc", action: "report", fields: {"motive": "x"})"#,
            "action `report` has no field `motive`",
        ),
        (
            r#"Release(at: "1m", inject: "mail-wave")"#,
            "inject `mail-wave` is already released",
        ),
    ] {
        let output = play_example(dir.path(), &format!("Script(steps: [{step}])"));
        assert_eq!(output.status.code(), Some(1), "{step}");
        assert!(
            stderr(&output).contains(message),
            "{step}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_malformed_script_exits_1_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let output = play_example(
        dir.path(),
        "Script(steps: [Respond(at: \"1m\", team: \"soc\" action: \"ack\")])",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("{}:1:", dir.path().join("s.ron").display())),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["frobnicate"],
        vec!["validate"],
        vec!["run"],
        vec!["run", "scenarios/tutorial.ron", "--format", "json"],
        vec![
            "run",
            "scenarios/tutorial.ron",
            "--script",
            "x.ron",
            "--format",
            "pdf",
        ],
        vec!["report"],
    ] {
        let output = ttx().args(&args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn help_and_version_work_for_every_command() {
    ttx().arg("--version").assert().success();
    for command in ["run", "resume", "report", "validate", "new"] {
        ttx().args([command, "--help"]).assert().success();
    }
}

#[test]
fn a_damaged_journal_exits_1_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let text = fs::read_to_string(&journal).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[3] = "{not json";
    fs::write(&journal, lines.join("\n") + "\n").unwrap();
    let output = ttx().arg("report").arg(&journal).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains(":4:"), "{}", stderr(&output));
}

#[test]
fn an_existing_journal_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    fs::write(&journal, "precious\n").unwrap();
    let output = ttx()
        .args([
            "run",
            "scenarios/tutorial.ron",
            "--script",
            "tests/fixtures/tutorial/script.ron",
            "--journal",
        ])
        .arg(&journal)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(fs::read_to_string(&journal).unwrap(), "precious\n");
}

#[test]
fn new_writes_a_starter_that_validates_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my.ron");
    ttx().arg("new").arg(&file).assert().success();
    ttx().arg("validate").arg(&file).assert().success();
    let before = fs::read(&file).unwrap();
    let again = ttx().arg("new").arg(&file).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(fs::read(&file).unwrap(), before);
    let printed = ttx().arg("new").output().unwrap();
    assert_eq!(printed.stdout, before, "without FILE it prints the starter");
}

#[test]
fn every_shipped_scenario_validates() {
    let mut files: Vec<String> = fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.push("templates/starter.ron".into());
    assert!(files.len() >= 4);
    ttx().arg("validate").args(&files).assert().success();
    assert!(Path::new("scenarios/cross-border-breach.ron").exists());
}

#[test]
fn the_app_refuses_to_start_when_its_journal_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("no-such-dir").join("j.jsonl");
    let output = ttx()
        .args(["run", "scenarios/tutorial.ron", "--journal"])
        .arg(&journal)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("no-such-dir"), "{err}");
    assert!(!journal.exists());
}

#[test]
fn a_journal_from_a_newer_ttx_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let text =
        fs::read_to_string(&journal)
            .unwrap()
            .replacen("\"ttx_journal\":2", "\"ttx_journal\":7", 1);
    fs::write(&journal, text).unwrap();
    for command in ["report", "resume"] {
        let output = ttx().arg(command).arg(&journal).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        assert!(
            stderr(&output).contains("newer ttx"),
            "{command}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_finished_exercise_is_not_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let before = fs::read(&journal).unwrap();
    let output = ttx().arg("resume").arg(&journal).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("finished exercise"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(&journal).unwrap(), before);
}
