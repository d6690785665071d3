//! `ttx msel export --to t3sf` as T3SF's own code plays it: scripts/t3sf_loader_check.py runs
//! T3SF's `IncidentsFetcher` and `ProcessIncidents` on the file, with the Discord bot and the
//! clock stubbed, and reports what T3SF sent and how long it waited.
//!
//! It needs a Python with T3SF installed (`pip install "t3sf[discord]==2.5.1"`), named by
//! `TTX_T3SF_PYTHON`; .ci/run installs one when PyPI can be reached. Without it, these tests
//! say so and check nothing more than the export itself.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn ttx() -> Command {
    Command::cargo_bin("ttx").expect("the ttx binary is built")
}

/// The Python that has T3SF, or `None` (with why) when the check cannot run here.
fn t3sf_python() -> Option<String> {
    match std::env::var("TTX_T3SF_PYTHON") {
        Ok(python) if !python.is_empty() => Some(python),
        _ => {
            eprintln!(
                "skipped: T3SF's own loader is not installed here; set TTX_T3SF_PYTHON to a \
                 Python with `pip install \"t3sf[discord]==2.5.1\"` to check the T3SF export \
                 with it (.ci/run does when PyPI can be reached)"
            );
            None
        }
    }
}

/// What T3SF did with an MSEL: (players, messages sent, seconds waited).
fn played_by_t3sf(python: &str, msel: &Path) -> Value {
    let output = Process::new(python)
        .arg("scripts/t3sf_loader_check.py")
        .arg(msel)
        .output()
        .expect("the Python runs");
    assert!(
        output.status.success(),
        "T3SF could not play {}:\n{}",
        msel.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the check prints JSON")
}

fn export_t3sf(scenario: &Path, to: &Path) {
    ttx()
        .args(["msel", "export"])
        .arg(scenario)
        .args(["--to", "t3sf", "-o"])
        .arg(to)
        .assert()
        .success();
}

/// T3SF's own example, imported by ttx and exported again, plays in T3SF exactly as the
/// original does: the same players, messages, dates and polls, and the same 6 minutes of waits
/// (1 and 2 minutes to answer its polls).
#[test]
fn t3sfs_example_plays_the_same_after_import_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new("tests/fixtures/msel/t3sf_MSEL_EXAMPLE.json");
    let ron = dir.path().join("example.ron");
    ttx()
        .args(["msel", "import"])
        .arg(example)
        .arg("-o")
        .arg(&ron)
        .assert()
        .success();
    let exported = dir.path().join("exported.json");
    export_t3sf(&ron, &exported);
    let rows: Vec<Value> = serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    assert_eq!(rows.len(), 12);
    let numbers: Vec<u64> = rows.iter().map(|r| r["#"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
    let Some(python) = t3sf_python() else {
        return;
    };
    let original = played_by_t3sf(&python, example);
    let again = played_by_t3sf(&python, &exported);
    assert_eq!(again, original);
    assert_eq!(again["waits"], serde_json::json!([60, 60, 60, 60, 120]));
}

/// A shipped scenario loads and plays in T3SF: one message per timed inject and recipient, the
/// decision as a poll with the decision's choices.
#[test]
fn a_shipped_scenario_plays_in_t3sf() {
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("ransomware.json");
    export_t3sf(Path::new("scenarios/ransomware.ron"), &exported);
    let rows: Vec<Value> = serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    let Some(python) = t3sf_python() else {
        return;
    };
    let played = played_by_t3sf(&python, &exported);
    let sent = played["sent"].as_array().unwrap();
    assert_eq!(sent.len(), rows.len());
    for (row, message) in rows.iter().zip(sent) {
        assert_eq!(message["player"], row["Player"]);
        assert_eq!(message["subject"], row["Subject"]);
        let poll: Vec<&str> = message["poll"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap().trim())
            .collect();
        let expected: Vec<&str> = row["Poll"]
            .as_str()
            .unwrap()
            .split('|')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .collect();
        assert_eq!(poll, expected);
    }
    assert!(
        sent.iter()
            .any(|m| m["poll"].as_array().unwrap().len() == 2),
        "the ransom decision is a poll"
    );
}

/// What T3SF cannot carry is said on stderr; a poll in the last row gets a closing row after it,
/// since T3SF times a poll by the row after it.
#[test]
fn the_t3sf_export_says_what_it_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.ron");
    std::fs::write(
        &scenario,
        r#"Scenario(title: "T", teams: [(id: "a", name: "Alpha")],
        actions: [(id: "ack", name: "Ack"), (id: "pay", name: "Pay"), (id: "no", name: "Refuse")],
        injects: [
            (id: "start", when: At("0m"), to: ["a"], title: "Start", body: "b",
             expect: [(action: "ack", within: "5m")]),
            (id: "later", when: Manual, to: ["a"], title: "Later", body: "b"),
            (id: "vote", when: At("2h"), to: ["a"], title: "Vote", body: "b",
             expect: [(decide: ["pay", "no"], within: "30m")]),
        ])"#,
    )
    .unwrap();
    let out = dir.path().join("t3sf.json");
    let output = ttx()
        .args(["msel", "export"])
        .arg(&scenario)
        .args(["--to", "t3sf", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    for line in [
        "  - left out, as T3SF plays each row at a time and has no triggers: later\n",
        "  - expected actions other than decisions, which T3SF has no place for: those of start\n",
        "  - a last row \"End of the exercise\" at 2h30m, since T3SF closes a poll at the next \
         row's time\n",
        "  - T3SF reads only the minutes of `Real Time`, so it waits less than an hour where the \
         wait is longer: before #2 (120 minutes)\n",
        "rows for T3SF, of 2 injects of the 3\n",
    ] {
        assert!(stderr.contains(line), "missing {line}in\n{stderr}");
    }
    let rows: Vec<Value> = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let cells: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["Real Time"].as_str().unwrap(),
                r["Date"].as_str().unwrap(),
                r["Subject"].as_str().unwrap(),
                r["Poll"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            ("09:00 AM", "Monday 9:00 AM", "Start", ""),
            ("11:00 AM", "Monday 11:00 AM", "Vote", "Pay | Refuse"),
            ("11:30 AM", "Monday 11:30 AM", "End of the exercise", ""),
        ]
    );
}
