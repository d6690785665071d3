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
                String::from_utf8_lossy(&from_run.stdout),
                without_signature(format, &String::from_utf8_lossy(&from_journal.stdout)),
                "{scenario} as {format}"
            );
            if format == "json" {
                // Made beside the journal while it was written, then copied out: the same.
                assert_eq!(run.stdout, from_run.stdout, "{scenario} with its journal");
            }
        }
    }
}

/// A report of a journal without what only a journal has: its signature (the finished run
/// signed it), on the cover, in the technical appendix and in the JSON.
fn without_signature(format: &str, report: &str) -> String {
    let cover = |line: &str| {
        line == "Journal signed (see the technical appendix for the signing key)."
            || line
                == "<p class=\"signature\">Journal signed (see the technical appendix for the \
                    signing key).</p>"
    };
    let fact = |line: &str| {
        line.starts_with("| Journal signature | signed by the key SHA256:")
            || line.starts_with("<tr><td>Journal signature</td><td>signed by the key SHA256:")
    };
    match format {
        "json" => {
            let mut json = json(report.as_bytes());
            // Shifted out, not swapped: the keys after it keep their order.
            let signature = json
                .as_object_mut()
                .unwrap()
                .shift_remove("signature")
                .unwrap();
            assert_eq!(signature["status"], "signed", "{signature}");
            let mut text = serde_json::to_string_pretty(&json).unwrap();
            text.push('\n');
            text
        }
        _ => {
            assert_eq!(report.lines().filter(|l| cover(l)).count(), 1, "{report}");
            assert_eq!(report.lines().filter(|l| fact(l)).count(), 1, "{report}");
            let mut kept = String::new();
            let mut lines = report.lines().peekable();
            while let Some(line) = lines.next() {
                if cover(line) {
                    // The Markdown cover's line is a paragraph: its blank line goes too.
                    if format == "md" {
                        lines.next_if(|next| next.is_empty());
                    }
                } else if !fact(line) {
                    kept.push_str(line);
                    kept.push('\n');
                }
            }
            kept
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
        stdout.contains("ok: scenarios/tutorial.ron (6 injects, 2 teams)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok: scenarios/cross-border-breach.ron (23 injects, 2 teams)"),
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

/// A script's observation may name the objective it is evidence for; the report says which.
#[test]
fn a_scripted_observation_keeps_its_objective() {
    let dir = tempfile::tempdir().unwrap();
    let output = play_example(
        dir.path(),
        r#"Script(steps: [Note(at: "1m", kind: Strength, text: "Fast", objective: "contain")])"#,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["notes"][0]["objective"], "contain");
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
        (
            r#"Note(at: "1m", kind: Strength, text: "x", objective: "speed")"#,
            "unknown objective `speed` (objectives: contain, report)",
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
        vec!["run", "scenarios/tutorial.ron", "--format", "json"],
        vec!["run", "--report", "r.json"],
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
    for command in ["run", "resume", "report", "verify", "validate", "new"] {
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
fn without_a_terminal_the_app_says_so_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron");
    let runs: [&[&str]; 3] = [
        &["run", scenario, "--journal", "j.jsonl"],
        &["run", "--journal", "j.jsonl"],
        &[],
    ];
    for args in runs {
        let output = ttx().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(
            stderr(&output),
            "ttx needs an interactive terminal (use --script for headless play)\n"
        );
        assert!(!journal.exists(), "{args:?} left a journal");
        assert!(!dir.path().join("exercises").exists(), "{args:?}");
    }
    // Resume reads, but writes nothing, before it knows it can open the app.
    let finished = tutorial_journal(dir.path());
    let text = fs::read_to_string(&finished).unwrap();
    let cut: Vec<&str> = text.lines().collect();
    fs::write(&finished, cut[..cut.len() - 1].join("\n") + "\n").unwrap();
    let before = fs::read(&finished).unwrap();
    let output = ttx().arg("resume").arg(&finished).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("interactive terminal"));
    assert_eq!(fs::read(&finished).unwrap(), before);
}

#[test]
fn run_without_a_scenario_plays_the_built_in_one_with_every_flag() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let report = dir.path().join("r.json");
    ttx()
        .args([
            "run",
            "--script",
            "tests/fixtures/cross-border-breach/script.ron",
            "--format",
            "json",
            "--journal",
        ])
        .arg(&journal)
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    let expected: Value =
        json(&fs::read("tests/fixtures/cross-border-breach/report.json").unwrap());
    assert_eq!(json(&fs::read(&report).unwrap()), expected);
    ttx().arg("report").arg(&journal).assert().success();
}

/// A pipe whose reader has already gone, as `| head -0` leaves it.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

#[test]
fn a_closed_pipe_ends_quietly_with_0() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let journal = journal.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &[
            "validate",
            "scenarios/tutorial.ron",
            "scenarios/ransomware.ron",
        ],
        &["report", journal],
        &["report", journal, "--format", "md"],
        &["new"],
        &[
            "run",
            "scenarios/tutorial.ron",
            "--script",
            "tests/fixtures/tutorial/script.ron",
        ],
    ];
    for args in commands {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_ttx"))
            .args(args)
            .stdout(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stderr(&output), "", "{args:?}");
    }
    // A closed pipe does not hide a bad input.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(["validate", "scenarios/tutorial.ron", "Cargo.toml"])
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn an_output_never_replaces_an_input_a_journal_or_without_force_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let kept = fs::read(&journal).unwrap();
    // The journal being read, even with --force.
    for force in [&[][..], &["--force"][..]] {
        let output = ttx()
            .arg("report")
            .arg(&journal)
            .arg("-o")
            .arg(&journal)
            .args(force)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("is the journal being read"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(fs::read(&journal).unwrap(), kept);
    // An existing file: only with --force.
    let existing = dir.path().join("report.md");
    fs::write(&existing, "notes of the day").unwrap();
    let output = ttx()
        .arg("report")
        .arg(&journal)
        .arg("-o")
        .arg(&existing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&existing).unwrap(), "notes of the day");
    ttx()
        .arg("report")
        .arg(&journal)
        .arg("-o")
        .arg(&existing)
        .arg("--force")
        .assert()
        .success();
    assert!(fs::read_to_string(&existing).unwrap().starts_with('{'));

    // Headless play: the report is never the journal, the scenario or the script.
    let scenario = dir.path().join("tutorial.ron");
    fs::copy("scenarios/tutorial.ron", &scenario).unwrap();
    let script = dir.path().join("script.ron");
    fs::copy("tests/fixtures/tutorial/script.ron", &script).unwrap();
    let new_journal = dir.path().join("new.jsonl");
    for (report, what) in [
        (&new_journal, "the journal this run writes"),
        (&scenario, "the scenario"),
        (&script, "the script"),
    ] {
        let output = ttx()
            .arg("run")
            .arg(&scenario)
            .arg("--script")
            .arg(&script)
            .arg("--journal")
            .arg(&new_journal)
            .arg("--report")
            .arg(report)
            .arg("--force")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{what}: {}", stderr(&output));
        assert!(stderr(&output).contains(what), "{}", stderr(&output));
        assert!(!new_journal.exists(), "{what}: a journal was written");
    }
    assert_eq!(
        fs::read(&scenario).unwrap(),
        fs::read("scenarios/tutorial.ron").unwrap()
    );
}

/// The scenario a journal was played from is an input of its report: never replaced, even with
/// --force, by its path, through a link, or as a copy elsewhere.
#[test]
fn a_report_never_replaces_the_scenario_its_journal_was_played_from() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("tutorial.ron");
    fs::copy("scenarios/tutorial.ron", &scenario).unwrap();
    let kept = fs::read(&scenario).unwrap();
    let journal = dir.path().join("j.jsonl");
    ttx()
        .arg("run")
        .arg(&scenario)
        .args([
            "--script",
            "tests/fixtures/tutorial/script.ron",
            "--journal",
        ])
        .arg(&journal)
        .assert()
        .success();
    let link = dir.path().join("link.ron");
    std::os::unix::fs::symlink(&scenario, &link).unwrap();
    let moved = dir.path().join("moved");
    fs::create_dir(&moved).unwrap();
    let copy = moved.join("tutorial.ron");
    fs::copy(&scenario, &copy).unwrap();
    for output in [&scenario, &link, &copy] {
        let result = ttx()
            .arg("report")
            .arg(&journal)
            .arg("-o")
            .arg(output)
            .arg("--force")
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
        assert!(
            stderr(&result).contains("is the scenario this journal was played from"),
            "{}",
            stderr(&result)
        );
        assert_eq!(fs::read(output).unwrap(), kept, "{}", output.display());
    }
    // Headless play: not through a link either.
    let output = ttx()
        .arg("run")
        .arg(&scenario)
        .args(["--script", "tests/fixtures/tutorial/script.ron", "--report"])
        .arg(&link)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(fs::read(&scenario).unwrap(), kept);
}

/// A team's text reaches a report's reader, often a terminal, without a control character (a
/// CSI, an escape sequence, a bell) or a bidirectional control (which reorders what is read):
/// JSON writes each as its `\uXXXX` escape, Markdown and HTML show `\u{…}`.
#[test]
fn reports_show_control_and_bidi_characters_escaped() {
    let hidden = [
        '\u{1b}', '\u{7}', '\u{7f}', '\u{85}', '\u{9b}', '\u{61c}', '\u{200e}', '\u{200f}',
        '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ];
    let written: String = hidden
        .iter()
        .map(|c| format!("\\u{{{:x}}}", *c as u32))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script.ron");
    let text = fs::read_to_string("tests/fixtures/tutorial/script.ron").unwrap();
    let laptop = "Company laptop, left on the 08:12 train";
    assert!(text.contains(laptop));
    fs::write(
        &script,
        text.replace(laptop, &format!("Company laptop{written}]0;title")),
    )
    .unwrap();
    let journal = dir.path().join("j.jsonl");
    ttx()
        .args(["run", "scenarios/tutorial.ron", "--script"])
        .arg(&script)
        .arg("--journal")
        .arg(&journal)
        .assert()
        .success();
    let raw: String = hidden.iter().collect();
    assert!(
        fs::read_to_string(&journal)
            .unwrap()
            .contains("Company laptop")
    );
    for (format, mark) in [
        ("json", "\\u009b"),
        ("md", "\\\\u{9b}"),
        ("html", "\\u{9b}"),
    ] {
        let output = ttx()
            .arg("report")
            .arg(&journal)
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let report = String::from_utf8(output.stdout).unwrap();
        let shown: Vec<char> = report
            .chars()
            .filter(|c| hidden.contains(c) || (c.is_control() && *c != '\n'))
            .collect();
        assert!(shown.is_empty(), "{format}: {shown:?}");
        assert!(report.contains(mark), "{format}: no {mark}\n{report}");
        if format == "json" {
            // The escapes read back as the text the team wrote.
            fn holds(value: &Value, text: &str) -> bool {
                match value {
                    Value::String(s) => s.contains(text),
                    Value::Array(items) => items.iter().any(|v| holds(v, text)),
                    Value::Object(map) => map.values().any(|v| holds(v, text)),
                    _ => false,
                }
            }
            assert!(holds(&json(report.as_bytes()), &raw));
        }
    }
}

#[test]
fn a_journal_directory_is_not_taken_for_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let output = ttx()
        .args([
            "run",
            "scenarios/tutorial.ron",
            "--script",
            "tests/fixtures/tutorial/script.ron",
            "--journal",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("is a directory"), "{err}");
    assert!(!err.contains("ttx resume"), "{err}");
}

#[test]
fn inputs_are_read_with_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse.ron");
    fs::File::create(&sparse).unwrap().set_len(3 << 30).unwrap();
    for file in [Path::new("/dev/zero"), sparse.as_path()] {
        let started = std::time::Instant::now();
        let output = ttx().arg("validate").arg(file).output().unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{file:?}"
        );
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains("file too large"),
            "{}",
            stderr(&output)
        );
        let output = ttx()
            .args(["run", "scenarios/tutorial.ron", "--script"])
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains("file too large"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_speed_the_clock_cannot_run_at_is_refused_at_once() {
    for speed in ["1e-20", "1e308", "0", "-1", "NaN", "inf"] {
        let output = ttx()
            .args(["run", "scenarios/tutorial.ron", &format!("--speed={speed}")])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{speed}");
        assert!(
            stderr(&output).contains("out of range"),
            "{speed}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).len() < 200, "{}", stderr(&output));
    }
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("fast.ron");
    let source = fs::read_to_string("scenarios/tutorial.ron").unwrap();
    fs::write(
        &scenario,
        source.replacen("Scenario(", "Scenario(\n    speed: 1e308,", 1),
    )
    .unwrap();
    let output = ttx().arg("validate").arg(&scenario).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`speed`: speed 1e308 is out of range"),
        "{}",
        stderr(&output)
    );
}

/// A disk that fills up under a headless run: `ulimit -f` makes writes past a size fail half-way,
/// as a full disk does.
#[cfg(unix)]
#[test]
fn headless_play_on_a_full_disk_says_so_and_leaves_no_half_journal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("full.jsonl");
    let whole = tutorial_journal(dir.path());
    let header = fs::read_to_string(&whole)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .len();
    // Room for the header and a few lines, in the shell's 512-byte blocks.
    let blocks = header / 512 + 2;
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" run scenarios/tutorial.ron \
             --script tests/fixtures/tutorial/script.ron --journal \"$1\""
        ))
        .arg(env!("CARGO_BIN_EXE_ttx"))
        .arg(&journal)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("cannot write to journal"), "{err}");
    assert!(err.contains("removed the incomplete journal"), "{err}");
    assert!(!journal.exists());
    assert!(output.stdout.is_empty(), "a report of an unrecorded run");
}

/// A headless run makes its report beside the journal while the journal is written; a report
/// that does not fit there (`ulimit -f` below the HTML report's size, above the journal's) is
/// made again straight to stdout, the same bytes.
#[cfg(unix)]
#[test]
fn headless_report_without_room_beside_the_journal_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let play = |journal: &Path, limit: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; {limit} exec \"$0\" run scenarios/tutorial.ron \
                 --script tests/fixtures/tutorial/script.ron --journal \"$1\" --format html"
            ))
            .arg(env!("CARGO_BIN_EXE_ttx"))
            .arg(journal)
            .output()
            .unwrap()
    };
    let whole = play(&dir.path().join("whole.jsonl"), "");
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
    let journal_len = fs::metadata(dir.path().join("whole.jsonl")).unwrap().len() as usize;
    assert!(
        whole.stdout.len() > journal_len + 1024,
        "the HTML report ({} bytes) must outgrow the journal ({journal_len} bytes)",
        whole.stdout.len()
    );
    // Room for the journal, not for the report, in the shell's 512-byte blocks.
    let blocks = journal_len / 512 + 2;
    let journal = dir.path().join("limited.jsonl");
    let limited = play(&journal, &format!("ulimit -f {blocks};"));
    assert_eq!(limited.status.code(), Some(0), "{}", stderr(&limited));
    assert!(journal.exists());
    assert_eq!(limited.stdout, whole.stdout);
}

#[test]
fn a_journal_from_a_newer_ttx_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let text =
        fs::read_to_string(&journal)
            .unwrap()
            .replacen("\"ttx_journal\":6", "\"ttx_journal\":7", 1);
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

/// An ended exercise reopens for its debrief, on the after-action screen: without a terminal
/// it says so and writes nothing. Once its report is final, it is not served again.
#[test]
fn a_finished_exercise_resumes_only_for_its_debrief() {
    let dir = tempfile::tempdir().unwrap();
    let journal = tutorial_journal(dir.path());
    let output = ttx().arg("resume").arg(&journal).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("interactive terminal"),
        "{}",
        stderr(&output)
    );
    ttx()
        .args(["debrief", "final"])
        .arg(&journal)
        .assert()
        .success();
    let before = fs::read(&journal).unwrap();
    let output = ttx()
        .args(["resume", "--serve", "--headless"])
        .arg(&journal)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("finished exercise whose report is final"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(&journal).unwrap(), before);
}

#[test]
fn simulate_reads_its_inputs_with_a_bound() {
    let output = ttx().args(["simulate", "/dev/zero"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("file too large"),
        "{}",
        stderr(&output)
    );
}

/// A scenario with one warning: an inject at the scenario's end.
const WARNED: &str = r#"Scenario(
    title: "Warned",
    end: "1h",
    teams: [(id: "us", name: "US")],
    injects: [(id: "a", when: At("1h"), to: ["us"], title: "A", body: "b")],
)
"#;

#[test]
fn validate_prints_warnings_with_their_line_and_still_says_ok() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("warned.ron");
    fs::write(&file, WARNED).unwrap();
    let output = ttx().arg("validate").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let err = stderr(&output);
    let name = file.display().to_string();
    assert!(
        err.starts_with(&format!(
            "{name}:5:31: warning: inject `a` is released at 1h, at or after the scenario's `end` \
             (1h): no team can act on it\n    5 |     injects: [(id: \"a\", when: At(\"1h\"),"
        )),
        "{err}"
    );
    assert!(
        err.trim_end().ends_with("^^^^^^^^"),
        "the trigger is underlined: {err}"
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("ok: {name} (1 inject, 1 team)"))
    );

    let denied = ttx()
        .args(["validate", "--deny-warnings"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(1));
    assert!(denied.stdout.is_empty());
    assert!(stderr(&denied).contains("1 warning(s), refused with --deny-warnings"));
}

/// A byte-order mark is accepted; UTF-16 is named.
#[test]
fn validate_accepts_a_byte_order_mark_and_names_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let source = fs::read_to_string("scenarios/tutorial.ron").unwrap();
    let bom = dir.path().join("bom.ron");
    fs::write(&bom, format!("\u{FEFF}{source}")).unwrap();
    ttx().arg("validate").arg(&bom).assert().success();
    let utf16 = dir.path().join("utf16.ron");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(source.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(&utf16, bytes).unwrap();
    let output = ttx().arg("validate").arg(&utf16).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("is UTF-16 (little-endian, with a byte-order mark) text; ttx reads UTF-8"),
        "{}",
        stderr(&output)
    );
    let latin1 = dir.path().join("latin1.ron");
    fs::write(&latin1, b"Scenario(\n  title: \"caf\xe9\")").unwrap();
    let output = ttx().arg("validate").arg(&latin1).output().unwrap();
    assert!(
        stderr(&output).contains("line 2, column 14 is not UTF-8"),
        "{}",
        stderr(&output)
    );
}

/// A scenario's escape sequences never reach the terminal from `validate`.
#[test]
fn validate_shows_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.ron");
    fs::write(
        &file,
        "Scenario(title: 1, // \u{1b}[2K\rok: evil.ron\u{1b}]0;pwned\u{7}\n)\n",
    )
    .unwrap();
    let output = ttx().arg("validate").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\r') && !err.contains('\u{7}'),
        "{err:?}"
    );
    assert!(
        err.contains("\\u{1b}[2K\\u{d}ok: evil.ron\\u{1b}]0;pwned\\u{7}"),
        "{err}"
    );
}
