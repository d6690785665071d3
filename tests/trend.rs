//! `ttx trend` end to end: the small case worked by hand in tests/fixtures/trend/README.md,
//! figure by figure; four years of the built-in scenario checked cell by cell against the
//! reports of the same journals; how exercises are lined up (dates recorded, given, or none);
//! a scenario changed between years; what is refused (unrelated scenarios, a broken chain, a
//! signature that no longer matches, a date that contradicts the journal). And `ttx simulate
//! --profile-from`: a profile fitted to journals that a known profile produced recovers it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;
use time::OffsetDateTime;

use ttx::journal::{Header, JournalWriter};
use ttx::play::{play, settings_for};
use ttx::scenario::{ActionIx, Scenario, load_scenario};
use ttx::script::load_script;
use ttx::simulate::profile::Time;
use ttx::trend::fit::fit;
use ttx::trend::{Named, load};

const HAND: &str = "tests/fixtures/trend/hand";
const YEARLY: &str = "tests/fixtures/trend/yearly";

fn ttx() -> Command {
    Command::cargo_bin("ttx").expect("the ttx binary is built")
}

fn hand(file: &str) -> String {
    format!("{HAND}/{file}")
}

/// `ttx trend ARGS --format json`, which must succeed.
fn trend_json(args: &[&str]) -> Value {
    let output = ttx()
        .arg("trend")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `ttx trend ARGS`, which must fail with exit code 1; its stderr.
fn trend_refused(args: &[&str]) -> String {
    let output = ttx().arg("trend").args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).unwrap()
}

/// "40m", "2h30m" in seconds.
fn secs(text: &str) -> u64 {
    ttx::scenario::parse_duration(text).unwrap()
}

/// The row of `section` ("clauses" or "kinds") whose `key` ("basis" or "kind") is `name`, for
/// `team`.
fn row<'t>(trend: &'t Value, section: &str, name: &str, team: &str) -> &'t Value {
    let key = if section == "clauses" {
        "basis"
    } else {
        "kind"
    };
    trend[section]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == name && r["team"] == team)
        .unwrap_or_else(|| panic!("no row {section} {name} {team}"))
}

/// A cell as the README writes it: "1/2 20m 40m" (on time / owed, median, p90; `never` for one
/// never answered), "0/0" for not owed, "-" for not in that exercise's scenario.
fn cell_matches(cell: &Value, expected: &str) {
    if expected == "-" {
        assert!(cell.is_null(), "{cell}");
        return;
    }
    let parts: Vec<&str> = expected.split(' ').collect();
    let (on_time, owed) = parts[0].split_once('/').unwrap();
    assert_eq!(cell["on_time"], on_time.parse::<u64>().unwrap(), "{cell}");
    assert_eq!(cell["owed"], owed.parse::<u64>().unwrap(), "{cell}");
    if owed == "0" {
        assert!(cell["median_s"].is_null() && cell["share_on_time"].is_null());
        return;
    }
    for (part, key) in parts[1..].iter().zip(["median", "p90"]) {
        if *part == "never" {
            assert!(cell[format!("{key}_s")].is_null(), "{cell}");
            assert_eq!(cell[format!("{key}_never")], true, "{cell}");
        } else {
            assert_eq!(cell[format!("{key}_s")], secs(part), "{key} of {cell}");
            assert_eq!(cell[format!("{key}_never")], false, "{cell}");
        }
    }
}

/// A row of the small case as the README works it out: its cells ("1/2 20m 40m"), its
/// direction, and the change of its second and third cells.
struct Expected {
    row: (&'static str, &'static str, &'static str),
    cells: [&'static str; 3],
    direction: Option<&'static str>,
    changes: [Option<&'static str>; 2],
}

/// A suggestion of the small case as the README works it out.
struct Suggested {
    row: (&'static str, &'static str, &'static str),
    kept: Option<&'static str>,
    beyond: bool,
    observations: u64,
    never: u64,
    too_few: bool,
    written: &'static str,
}

fn hand_trend() -> Value {
    // Given out of order: lined up by date.
    trend_json(&[
        &format!("{}@2025-05-13", hand("2025.jsonl")),
        &format!("{}@2023-05-10", hand("2023.jsonl")),
        &format!("{}@2024-05-14", hand("2024.jsonl")),
        "--suggest",
    ])
}

#[test]
fn the_small_case_gives_the_figures_worked_by_hand() {
    let trend = hand_trend();
    assert_eq!(trend["lined_up_by"], "wall-clock start");
    let journals: Vec<&str> = trend["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["journal"].as_str().unwrap())
        .collect();
    assert_eq!(
        journals,
        [hand("2023.jsonl"), hand("2024.jsonl"), hand("2025.jsonl")]
    );
    assert_eq!(trend["exercises"][0]["started"], "2023-05-10T00:00:00Z");
    assert_eq!(trend["exercises"][0]["date_from"], "command line");
    assert_eq!(trend["exercises"][0]["signature"], "not_signed");
    assert_eq!(trend["not_lined_up"], serde_json::json!([]));

    let rows = [
        Expected {
            row: ("clauses", "Art. 1", "north"),
            cells: ["1/2 20m 40m", "2/2 15m 25m", "2/2 5m 10m"],
            direction: Some("better"),
            changes: [Some("better"), Some("same")],
        },
        Expected {
            row: ("clauses", "Art. 1", "south"),
            cells: ["1/2 20m 45m", "2/2 10m 25m", "0/2 35m never"],
            direction: Some("worse"),
            changes: [Some("better"), Some("worse")],
        },
        Expected {
            row: ("clauses", "Art. 2", "south"),
            cells: ["0/1 2h30m 2h30m", "1/1 1h 1h", "1/1 1h 1h"],
            direction: Some("better"),
            changes: [Some("better"), Some("same")],
        },
        Expected {
            row: ("clauses", "Art. 3", "north"),
            cells: ["0/0", "1/1 30m 30m", "0/0"],
            direction: None,
            changes: [None, None],
        },
        Expected {
            row: ("kinds", "alert.ack", "north"),
            cells: ["0/1 40m 40m", "1/1 25m 25m", "1/1 10m 10m"],
            direction: Some("better"),
            changes: [Some("better"), Some("same")],
        },
        Expected {
            row: ("kinds", "alert.ack", "south"),
            cells: ["1/1 20m 20m", "1/1 10m 10m", "0/1 35m 35m"],
            direction: Some("worse"),
            changes: [Some("same"), Some("worse")],
        },
        Expected {
            row: ("kinds", "ask.request", "north"),
            cells: ["1/1 50m 50m", "1/1 30m 30m", "1/1 20m 20m"],
            direction: Some("same"),
            changes: [Some("same"), Some("same")],
        },
        Expected {
            row: ("kinds", "reply:request", "south"),
            cells: ["0/1 2h30m 2h30m", "1/1 1h 1h", "1/1 1h 1h"],
            direction: Some("better"),
            changes: [Some("better"), Some("same")],
        },
        Expected {
            row: ("kinds", "update.ack", "north"),
            cells: ["1/1 20m 20m", "1/1 15m 15m", "1/1 5m 5m"],
            direction: Some("same"),
            changes: [Some("same"), Some("same")],
        },
        Expected {
            row: ("kinds", "update.ack", "south"),
            cells: ["0/1 45m 45m", "1/1 25m 25m", "0/1 never never"],
            direction: Some("same"),
            changes: [Some("better"), Some("worse")],
        },
        Expected {
            row: ("kinds", "amendment:request", "north"),
            cells: ["0/0", "1/1 30m 30m", "0/0"],
            direction: None,
            changes: [None, None],
        },
    ];
    for Expected {
        row: (section, name, team),
        cells,
        direction,
        changes,
    } in rows
    {
        let r = row(&trend, section, name, team);
        for (cell, expected) in r["exercises"].as_array().unwrap().iter().zip(cells) {
            cell_matches(cell, expected);
        }
        assert_eq!(r["direction"].as_str(), direction, "{name} {team}");
        for (i, change) in changes.iter().enumerate() {
            assert_eq!(
                r["exercises"][i + 1]["change"].as_str(),
                *change,
                "{name} {team} #{}",
                i + 2
            );
        }
    }
    assert_eq!(
        trend["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!(
                "{}@{}",
                r["basis"].as_str().unwrap(),
                r["team"].as_str().unwrap()
            ))
            .collect::<Vec<_>>(),
        [
            "Art. 1@north",
            "Art. 1@south",
            "Art. 2@south",
            "Art. 3@north"
        ]
    );
    assert_eq!(trend["kinds"].as_array().unwrap().len(), 7);
    assert_eq!(
        row(&trend, "clauses", "Art. 1", "north")["kinds"],
        serde_json::json!(["alert.ack", "update.ack"])
    );

    // The fields missing or found insufficient.
    let request = row(&trend, "kinds", "ask.request", "north");
    assert_eq!(
        request["exercises"][0]["fields"],
        serde_json::json!([{"field": "legal_basis", "count": 1}])
    );
    assert_eq!(
        request["exercises"][1]["fields"],
        serde_json::json!([{"field": "facts", "count": 1}])
    );
    assert_eq!(request["exercises"][2]["fields"], serde_json::json!([]));

    // The suggestions.
    let suggestions = [
        Suggested {
            row: ("clauses", "Art. 1", "north"),
            kept: Some("40m"),
            beyond: false,
            observations: 6,
            never: 0,
            too_few: false,
            written: "30m",
        },
        Suggested {
            row: ("clauses", "Art. 1", "south"),
            kept: None,
            beyond: true,
            observations: 6,
            never: 1,
            too_few: false,
            written: "30m",
        },
        Suggested {
            row: ("clauses", "Art. 2", "south"),
            kept: Some("2h30m"),
            beyond: false,
            observations: 3,
            never: 0,
            too_few: true,
            written: "2h",
        },
        Suggested {
            row: ("clauses", "Art. 3", "north"),
            kept: Some("30m"),
            beyond: false,
            observations: 1,
            never: 0,
            too_few: true,
            written: "1h",
        },
        Suggested {
            row: ("kinds", "alert.ack", "north"),
            kept: Some("40m"),
            beyond: false,
            observations: 3,
            never: 0,
            too_few: true,
            written: "30m",
        },
        Suggested {
            row: ("kinds", "update.ack", "south"),
            kept: None,
            beyond: true,
            observations: 3,
            never: 1,
            too_few: true,
            written: "30m",
        },
    ];
    for Suggested {
        row: (section, name, team),
        kept,
        beyond,
        observations,
        never,
        too_few,
        written,
    } in suggestions
    {
        let s = &row(&trend, section, name, team)["suggestion"];
        assert_eq!(s["kept_90_s"].as_u64(), kept.map(secs), "{name} {team}");
        assert_eq!(s["beyond"], beyond, "{name} {team}");
        assert_eq!(s["observations"], observations, "{name} {team}");
        assert_eq!(s["never"], never, "{name} {team}");
        assert_eq!(s["too_few"], too_few, "{name} {team}");
        assert_eq!(s["written_s"], secs(written), "{name} {team}");
    }
    let says = |section, name, team| {
        row(&trend, section, name, team)["suggestion"]["says"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        says("clauses", "Art. 1", "north"),
        "answered within 40m in 90 % of cases (6 observations; written: 30m)"
    );
    assert_eq!(
        says("clauses", "Art. 1", "south"),
        "no time was kept in 90 % of cases: 1 of 6 was never answered (6 observations; \
         written: 30m)"
    );
    assert_eq!(
        says("clauses", "Art. 2", "south"),
        "too few to say (3 observations): answered within 2h30m in 90 % of cases; written: 2h"
    );
}

#[test]
fn the_small_case_reads_as_text_and_as_a_page() {
    let output = ttx()
        .arg("trend")
        .args([
            format!("{}@2023-05-10", hand("2023.jsonl")),
            format!("{}@2024-05-14", hand("2024.jsonl")),
            format!("{}@2025-05-13", hand("2025.jsonl")),
        ])
        .arg("--suggest")
        .output()
        .unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());

    let page = ttx()
        .arg("trend")
        .args([hand("2023.jsonl"), hand("2024.jsonl"), hand("2025.jsonl")])
        .args(["--format", "html", "--suggest"])
        .output()
        .unwrap();
    assert!(page.status.success());
    let page = String::from_utf8(page.stdout).unwrap();
    // Self-contained: no script, nothing fetched.
    for outside in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!page.contains(outside), "{outside}");
    }
    assert!(page.contains("name=\"viewport\""));
    // A chart for each of the 4 clauses and 7 kinds.
    assert_eq!(page.matches("<svg").count(), 11);
    assert!(page.contains("Suggested: answered within 40m in 90 % of cases"));
    assert!(page.contains("lined up by order given"));
}

#[test]
fn exercises_line_up_in_the_order_given_without_dates_and_say_so() {
    let trend = trend_json(&[&hand("2024.jsonl"), &hand("2023.jsonl")]);
    assert_eq!(trend["lined_up_by"], "order given");
    assert_eq!(trend["exercises"][0]["journal"], hand("2024.jsonl"));
    assert!(trend["exercises"][0]["started"].is_null());
    assert!(
        trend["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("Lined up in the order given: 2 of 2 journals have no wall-clock start")
    );
    // Some dated and some not: still the order given.
    let trend = trend_json(&[
        &hand("2024.jsonl"),
        &format!("{}@2023-05-10", hand("2023.jsonl")),
    ]);
    assert_eq!(trend["lined_up_by"], "order given");
    assert!(
        trend["notes"][0]
            .as_str()
            .unwrap()
            .contains("1 of 2 journals")
    );
    assert!(trend.get("how_suggested").is_none());
    assert!(trend["kinds"][0].get("suggestion").is_none());
}

/// Plays `script` on the scenario at `scenario_path` into a journal at `journal` stamped by a
/// wall clock that reads `now`, as a live run's journal is.
fn live_journal(scenario_path: &str, script: &str, journal: &Path, now: fn() -> OffsetDateTime) {
    let source = fs::read_to_string(scenario_path).unwrap();
    let scenario = Arc::new(load_scenario(scenario_path, &source).unwrap());
    let script = load_script(script, &fs::read_to_string(script).unwrap()).unwrap();
    let settings = settings_for(&scenario, &script);
    let (exercise, events) = play(Arc::clone(&scenario), &script, "script").unwrap();
    let header = Header::new(scenario_path, &source, &scenario, settings);
    let mut writer = JournalWriter::create(journal, &header)
        .unwrap()
        .with_wall_clock(now);
    writer.append(&exercise, &events).unwrap();
}

fn june_2026() -> OffsetDateTime {
    time::macros::datetime!(2026-06-02 09:30 UTC)
}

#[test]
fn a_recorded_start_lines_up_and_a_date_may_not_contradict_it() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("2026.jsonl");
    live_journal(
        &hand("scenario.ron"),
        &hand("2025.script.ron"),
        &live,
        june_2026,
    );
    let live = live.to_str().unwrap();
    let trend = trend_json(&[live, &format!("{}@2024-05-14", hand("2024.jsonl"))]);
    assert_eq!(trend["lined_up_by"], "wall-clock start");
    assert_eq!(trend["exercises"][1]["journal"], live);
    assert_eq!(trend["exercises"][1]["started"], "2026-06-02T09:30:00Z");
    assert_eq!(trend["exercises"][1]["date_from"], "journal");
    // The same day is no contradiction.
    trend_json(&[&format!("{live}@2026-06-02")]);
    let refused = trend_refused(&[&format!("{live}@2026-06-01")]);
    assert!(
        refused.contains("the journal records its start on 2026-06-02; the date given, 2026-06-01, contradicts it"),
        "{refused}"
    );
}

#[test]
fn a_journal_of_real_served_play_lines_up_by_its_recorded_start() {
    let served = hand("served/served.jsonl");
    let trend = trend_json(&[
        &served,
        &format!("{}@2025-05-13", hand("2025.jsonl")),
        &format!("{}@2023-05-10", hand("2023.jsonl")),
    ]);
    assert_eq!(trend["lined_up_by"], "wall-clock start");
    let last = &trend["exercises"][2];
    assert_eq!(last["journal"], served.as_str());
    assert_eq!(last["started"], "2026-12-04T19:29:09Z");
    assert_eq!(last["date_from"], "journal");
    assert_eq!(last["signature"], "signed");
    // Its figures, as its report has them (README.md).
    cell_matches(
        &row(&trend, "clauses", "Art. 1", "north")["exercises"][2],
        "2/2 8m10s 12m9s",
    );
    cell_matches(
        &row(&trend, "clauses", "Art. 1", "south")["exercises"][2],
        "2/2 15m9s 22m9s",
    );
    cell_matches(
        &row(&trend, "kinds", "reply:request", "south")["exercises"][2],
        "1/1 35m 35m",
    );
    assert_eq!(
        row(&trend, "clauses", "Art. 1", "south")["direction"],
        "better"
    );
}

#[test]
fn a_scenario_changed_between_years_lines_up_where_ids_or_bases_match() {
    let trend = trend_json(&[
        &hand("2023.jsonl"),
        &hand("2024.jsonl"),
        &hand("2025.jsonl"),
        &hand("changed/2026.jsonl"),
    ]);
    let not_lined_up: Vec<(String, Vec<u64>)> = trend["not_lined_up"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["what"], "expectation");
            (
                n["id"].as_str().unwrap().to_string(),
                n["only_in"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_u64().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        not_lined_up,
        [
            ("bulletin.ack@north".to_string(), vec![4]),
            ("bulletin.ack@south".to_string(), vec![4]),
            ("update.ack@north".to_string(), vec![1, 2, 3]),
            ("update.ack@south".to_string(), vec![1, 2, 3]),
        ]
    );
    // The clause lines up across the change; in 2026 its two standards differ.
    let art1 = row(&trend, "clauses", "Art. 1", "north");
    cell_matches(&art1["exercises"][3], "2/2 10m 40m");
    assert!(art1["exercises"][3]["standard_s"].is_null());
    assert_eq!(art1["exercises"][3]["median_of_standard"], 1.0 / 3.0);
    assert_eq!(art1["exercises"][3]["p90_of_standard"], 40.0 / 45.0);
    // The kinds line up where their ids do.
    let update = row(&trend, "kinds", "update.ack", "north");
    assert!(update["exercises"][3].is_null());
    let bulletin = row(&trend, "kinds", "bulletin.ack", "north");
    cell_matches(&bulletin["exercises"][3], "1/1 10m 10m");
    assert!(bulletin["exercises"][0].is_null());
    let alert = row(&trend, "kinds", "alert.ack", "north");
    assert_eq!(alert["exercises"][0]["standard_s"], secs("30m"));
    assert_eq!(alert["exercises"][3]["standard_s"], secs("45m"));
    cell_matches(&alert["exercises"][3], "1/1 40m 40m");

    let text = ttx()
        .arg("trend")
        .args([hand("2023.jsonl"), hand("changed/2026.jsonl")])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("alert.ack · north · standard 30m in #1; 45m in #2 · Art. 1"));
    assert!(text.contains("expectation update.ack@north: only in #1"));
}

#[test]
fn journals_of_unrelated_scenarios_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("phishing.jsonl");
    ttx()
        .args([
            "run",
            "tests/fixtures/phishing-example/scenario.ron",
            "--script",
        ])
        .arg("tests/fixtures/phishing-example/script.ron")
        .arg("--journal")
        .arg(&other)
        .assert()
        .success();
    let refused = trend_refused(&[
        &hand("2023.jsonl"),
        other.to_str().unwrap(),
        &hand("2024.jsonl"),
    ]);
    assert!(
        refused.starts_with(
            "these journals are not exercises of one agreement: no expectation id or basis is \
             shared between \"Tiny hotline\" (tests/fixtures/trend/hand/2023.jsonl, \
             tests/fixtures/trend/hand/2024.jsonl) and \""
        ),
        "{refused}"
    );
}

#[test]
fn a_tampered_journal_is_refused_as_report_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    // A byte changed: the hash chain no longer holds, named at its line, as `ttx report` says.
    let edited = dir.path().join("edited.jsonl");
    let text = fs::read_to_string(hand("2023.jsonl")).unwrap();
    fs::write(&edited, text.replacen("\"at_s\":2400", "\"at_s\":1500", 1)).unwrap();
    let refused = trend_refused(&[&hand("2024.jsonl"), edited.to_str().unwrap()]);
    let report = ttx().arg("report").arg(&edited).output().unwrap();
    assert_eq!(report.status.code(), Some(1));
    assert_eq!(refused, String::from_utf8(report.stderr).unwrap());
    assert!(refused.contains("edited.jsonl:"), "{refused}");

    // Signed, then cut short: the chain still holds up to the cut, the signature does not.
    let signed = dir.path().join("signed.jsonl");
    ttx()
        .args([
            "run",
            &hand("scenario.ron"),
            "--script",
            &hand("2023.script.ron"),
        ])
        .arg("--journal")
        .arg(&signed)
        .assert()
        .success();
    let good = trend_json(&[signed.to_str().unwrap()]);
    assert_eq!(good["exercises"][0]["signature"], "signed");
    let text = fs::read_to_string(&signed).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    fs::write(&signed, lines[..lines.len() - 3].join("\n") + "\n").unwrap();
    let refused = trend_refused(&[signed.to_str().unwrap()]);
    assert!(refused.contains("signature"), "{refused}");
    assert!(refused.contains("does not match"), "{refused}");
}

#[test]
fn bad_arguments_are_named() {
    let refused = trend_refused(&["tests/fixtures/trend/none.jsonl"]);
    assert!(refused.contains("none.jsonl"), "{refused}");
    let output = ttx()
        .args(["trend", &format!("{}@June", hand("2023.jsonl"))])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("`June` is not a date: give it as 2025-06-01"),
        "{stderr}"
    );
    // Never over a journal.
    let output = ttx()
        .args([
            "trend",
            &hand("2023.jsonl"),
            "-o",
            &hand("2023.jsonl"),
            "--force",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

/// The kind of a report's expectation, counted from the report alone.
fn report_kind(report: &Value, e: &Value) -> String {
    if let Some(inject) = e["inject"].as_str() {
        let id = e["id"].as_str().unwrap();
        let name = id.split('@').next().unwrap();
        assert!(name.starts_with(inject));
        return name.to_string();
    }
    let n = e["message"].as_u64().unwrap();
    let message = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["n"] == n)
        .unwrap();
    match message["action"].as_str().unwrap() {
        "clarify" => format!("amendment:{}", e["action"].as_str().unwrap()),
        action => format!("reply:{action}"),
    }
}

#[test]
fn four_years_of_the_built_in_scenario_agree_with_their_reports() {
    let years = ["2022", "2023", "2024", "2025"];
    let args: Vec<String> = years
        .iter()
        .map(|y| format!("{YEARLY}/{y}.jsonl@{y}-06-14"))
        .collect();
    let mut with_suggest: Vec<&str> = args.iter().map(String::as_str).collect();
    with_suggest.push("--suggest");
    let trend = trend_json(&with_suggest);
    assert_eq!(trend["lined_up_by"], "wall-clock start");
    assert_eq!(trend["not_lined_up"], serde_json::json!([]));
    let reports: Vec<Value> = years
        .iter()
        .map(|y| {
            let output = ttx()
                .args(["report", &format!("{YEARLY}/{y}.jsonl")])
                .output()
                .unwrap();
            assert!(output.status.success());
            serde_json::from_slice(&output.stdout).unwrap()
        })
        .collect();
    let mut checked = 0;
    for r in trend["kinds"].as_array().unwrap() {
        let (kind, team) = (r["kind"].as_str().unwrap(), r["team"].as_str().unwrap());
        for (year, report) in reports.iter().enumerate() {
            let owed: Vec<&Value> = report["teams"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|t| t["expectations"].as_array().unwrap())
                .filter(|e| e["team"] == team && report_kind(report, e) == kind)
                .filter(|e| {
                    ["met", "incomplete", "late", "missed"].contains(&e["status"].as_str().unwrap())
                })
                .collect();
            let cell = &r["exercises"][year];
            let count = |statuses: &[&str]| {
                owed.iter()
                    .filter(|e| statuses.contains(&e["status"].as_str().unwrap()))
                    .count()
            };
            assert_eq!(cell["owed"], owed.len(), "{kind}@{team} in {}", years[year]);
            assert_eq!(
                cell["on_time"],
                count(&["met", "incomplete"]),
                "{kind}@{team}"
            );
            assert_eq!(cell["late"], count(&["late"]), "{kind}@{team}");
            assert_eq!(cell["missed"], count(&["missed"]), "{kind}@{team}");
            // An inject's expectation runs from its release: the report's latency.
            if owed.len() == 1 && !kind.contains(':') {
                assert_eq!(cell["median_s"], owed[0]["latency_s"], "{kind}@{team}");
                assert_eq!(cell["median_never"], owed[0]["latency_s"].is_null());
                let fields = owed[0]["missing_fields"].as_array().unwrap();
                let counted: Vec<&Value> = cell["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| &f["field"])
                    .collect();
                for field in fields {
                    assert!(counted.contains(&field), "{kind}@{team}: {field}");
                }
            }
            checked += 1;
        }
        // Every suggestion rests on every exercise's observations.
        let observations: u64 = r["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["owed"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(r["suggestion"]["observations"], observations);
        assert_eq!(r["suggestion"]["too_few"], observations < 5);
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn simulate_takes_its_teams_from_journals() {
    let years: Vec<String> = ["2022", "2023", "2024", "2025"]
        .iter()
        .map(|y| format!("{YEARLY}/{y}.jsonl"))
        .collect();
    let output = ttx()
        .args([
            "simulate",
            "--runs",
            "20",
            "--format",
            "json",
            "--profile-from",
        ])
        .args(&years)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["profile"], "fitted from 4 journals");
    let measured = String::from_utf8(output.stderr).unwrap();
    assert!(
        measured.contains("measured: aldera ack: answered "),
        "{measured}"
    );
    // Fitted to teams the scenario does not have: refused.
    let output = ttx()
        .args(["simulate", &hand("scenario.ron"), "--profile-from"])
        .args(&years)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "the journals' teams (aldera, brevia) are none of the scenario's (north, south)"
        ),
        "{stderr}"
    );
    // Not with --profile.
    let output = ttx()
        .args([
            "simulate",
            "--profile",
            "x.ron",
            "--profile-from",
            &years[0],
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// How many journals the round trip plays.
const ROUND_TRIP_RUNS: u64 = 120;
/// The relative error allowed on a fitted median. Aldera's spread (p90 twice the median) is a
/// log-normal σ of ln 2 / 1.2816 = 0.54; a median fitted to n latencies has a standard error of
/// about σ/√n, 0.054 at 100: 15 % (ln 1.15 = 0.14) is 2.6 of those.
const MEDIAN_TOLERANCE: f64 = 0.15;
/// Every team and action with at least this many latencies is held to `MEDIAN_TOLERANCE`.
const ENOUGH_LATENCIES: usize = 100;

#[test]
fn a_profile_fitted_to_journals_of_a_known_profile_recovers_it() {
    let dir = tempfile::tempdir().unwrap();
    let known = Path::new("tests/fixtures/trend/known.profile.ron")
        .canonicalize()
        .unwrap();
    let runs = ROUND_TRIP_RUNS.to_string();
    let mut journals: Vec<PathBuf> = Vec::new();
    for run in 0..ROUND_TRIP_RUNS {
        let script = dir.path().join(format!("{run}.ron"));
        let journal = dir.path().join(format!("{run}.jsonl"));
        ttx()
            .args(["simulate", "--profile"])
            .arg(&known)
            .args(["--runs", &runs, "--emit-script", &run.to_string(), "-o"])
            .arg(&script)
            .assert()
            .success();
        ttx()
            .current_dir(dir.path())
            .args(["run", "--script"])
            .arg(&script)
            .arg("--journal")
            .arg(&journal)
            .assert()
            .success();
        journals.push(journal);
    }
    let editions: Vec<_> = journals
        .iter()
        .map(|path| {
            load(&Named {
                path: path.clone(),
                date: None,
            })
            .unwrap()
        })
        .collect();
    let (name, source) = ttx::cli::BUILT_IN;
    let scenario: Scenario = load_scenario(name, source).unwrap();
    let fitted = fit(&editions, &scenario, "fitted".into()).unwrap();
    let aldera = scenario.team_ix("aldera").unwrap();
    let brevia = scenario.team_ix("brevia").unwrap();

    // Latencies per action of a team, counted from the "measured" lines.
    let latencies = |team: &str, action: &str| -> usize {
        let prefix = format!("{team} {action}: ");
        fitted
            .measured
            .iter()
            .find(|l| l.starts_with(&prefix))
            .and_then(|l| {
                let before = l.split(" latenc").next()?;
                before.rsplit('(').next()?.parse().ok()
            })
            .unwrap_or(0)
    };
    let mut held = Vec::new();
    for (a, action) in scenario.actions.iter().enumerate() {
        let n = latencies("aldera", &action.id);
        if n < ENOUGH_LATENCIES {
            continue;
        }
        let b = fitted.profile.behaviour(aldera, ActionIx(a));
        let (Time::Duration(median), Time::Duration(p90)) = b.times else {
            panic!("aldera {} fitted as shares: {:?}", action.id, b.times);
        };
        let error = (median as f64 - 1200.0).abs() / 1200.0;
        eprintln!(
            "aldera {}: {n} latencies, median {median} s ({:.1} % off 20m), p90 {p90} s, \
             answered {:.3}",
            action.id,
            error * 100.0,
            b.respond
        );
        assert!(
            error <= MEDIAN_TOLERANCE,
            "aldera {}: median {median} s",
            action.id
        );
        // The spread: p90 twice the median, within the same tolerance.
        let spread = p90 as f64 / median as f64;
        assert!(
            (spread - 2.0).abs() / 2.0 <= MEDIAN_TOLERANCE,
            "spread {spread}"
        );
        // Nine in ten answered; a binomial share of 100+ is within 0.05 at 1.7 standard errors.
        assert!((b.respond - 0.9).abs() <= 0.05, "respond {}", b.respond);
        held.push(action.id.clone());
    }
    assert!(
        held.len() >= 2,
        "only {held:?} had {ENOUGH_LATENCIES} latencies"
    );

    // Brevia played the built-in typical team, which acknowledges in 5 minutes at the median
    // and 15 at the 90th percentile whatever the standard (30m or 1h here): durations, not
    // shares of the standard.
    let ack = scenario.action_ix("ack").unwrap();
    let b = fitted.profile.behaviour(brevia, ack);
    let (Time::Duration(median), Time::Duration(p90)) = b.times else {
        panic!("brevia ack fitted as shares: {:?}", b.times);
    };
    eprintln!("brevia ack: median {median} s, p90 {p90} s");
    assert!(
        (median as f64 - 300.0).abs() / 300.0 <= MEDIAN_TOLERANCE,
        "{median}"
    );
    assert!(
        (p90 as f64 - 900.0).abs() / 900.0 <= MEDIAN_TOLERANCE,
        "{p90}"
    );
    // The facilitator's releases: as the profile's `manual`.
    let press = scenario.inject_ix("press-inquiry").unwrap();
    assert!(fitted.profile.manual.contains(&(press, 20 * 3600)));
}
