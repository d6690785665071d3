//! The debrief at the console: `ttx debrief` writes ratings, the summary and plan edits into
//! the journal, and `ttx report` of that journal shows them.

use assert_cmd::Command;
use serde_json::Value;

fn ttx() -> Command {
    Command::cargo_bin("ttx").unwrap()
}

#[test]
fn debrief_entries_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let journal = journal.to_str().unwrap();
    ttx()
        .args([
            "run",
            "tests/fixtures/phishing-example/scenario.ron",
            "--script",
            "tests/fixtures/phishing-example/script.ron",
            "--journal",
            journal,
        ])
        .assert()
        .success();
    // The suggestion for `contain` is M (blocked 10 minutes late): P needs a reason.
    let refused = ttx()
        .args(["debrief", "rate", journal, "contain", "P"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("give a reason"));
    for args in [
        vec![
            "rate",
            journal,
            "contain",
            "M",
            "--analysis",
            "Blocked late",
        ],
        vec![
            "rate",
            journal,
            "contain",
            "S",
            "--team",
            "soc",
            "--reason",
            "No harm done",
        ],
        vec!["summary", journal, "Two teams, one wave."],
        vec!["edit", journal, "note-1", "capability-element", "training"],
        vec![
            "add",
            journal,
            "No shared glossary",
            "--objective",
            "report",
        ],
        vec!["drop", journal, "general/ack@soc"],
    ] {
        ttx().arg("debrief").args(&args).assert().success();
    }
    let output = ttx()
        .args(["report", journal, "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["executive_summary"], "Two teams, one wave.");
    let ratings = report["ratings"].as_array().unwrap();
    let joint = ratings
        .iter()
        .find(|r| r["objective"] == "contain" && r["team"].is_null())
        .unwrap();
    assert_eq!(joint["rating"], "M");
    assert_eq!(joint["suggested"], "M");
    assert_eq!(joint["analysis"], "Blocked late");
    assert!(joint["at_wall"].is_string());
    let plan = report["improvement_plan"].as_array().unwrap();
    let note = plan.iter().find(|i| i["id"] == "note-1").unwrap();
    assert_eq!(note["capability_element"], "Training");
    assert!(plan.iter().any(|i| i["id"] == "added-1"));
    assert!(!plan.iter().any(|i| i["id"] == "general/ack@soc"));
    // A scripted run has no wall clock: the dates are unknown, and the report says so.
    assert!(report["started_wall"].is_null());
    let markdown = ttx()
        .args(["report", journal, "--format", "md"])
        .output()
        .unwrap();
    let markdown = String::from_utf8_lossy(&markdown.stdout);
    assert!(markdown.contains("Dates unknown"));
    assert!(markdown.contains("## Appendix A: Improvement Plan"));
}
