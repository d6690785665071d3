//! `ttx simulate` end to end: profiles at the extremes give the figures the rules require, a
//! coin-toss inject comes out about half the time, any run opens as a script that plays to that
//! run's report, the same seed gives the same summary, and bad input gets positioned errors.
//! Format 3: shaped fields are filled as their shapes ask, insufficient requests are clarified
//! and amended as the profile says, and the summary shows what that cost.

use std::fs;
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;

use ttx::engine::Command as Step;
use ttx::play::play;
use ttx::report::Report;
use ttx::scenario::{Scenario, load_scenario};
use ttx::script::load_script;
use ttx::simulate::run::MAX_CLARIFICATIONS;
use ttx::simulate::{Profile, emit, load_profile, simulate, summarise};

const DRILL: &str = "tests/fixtures/simulate/drill.ron";
const OPEN_ENDED: &str = "tests/fixtures/simulate/open-ended.ron";
const BUILT_IN: &str = "scenarios/cross-border-breach.ron";
/// Format 2: decisions, actions done ahead of time, expectations not due at the end.
const EXAMPLE_2: &str = "tests/fixtures/example-2/scenario.ron";
const EARLY: &str = "tests/fixtures/simulate/early.ron";
const SILENT: &str = "tests/fixtures/simulate/silent.ron";
/// Format 3: a request with shaped fields to two teams, one of which may clarify; a planned end.
const REQUESTS: &str = "tests/fixtures/simulate/requests.ron";
/// Both teams busy for the first minutes, then nothing until 5h, at speed 2; one objective with a
/// single critical task; an action of each kind.
const WORKLOAD: &str = "tests/fixtures/simulate/workload.ron";
/// Format 3's worked case: requests both ways, a clarify action either team may take, no end.
const FORMAT_3: &str = "tests/fixtures/format-3/scenario.ron";
/// Every request insufficient, every insufficient request clarified, soon enough never to fall
/// after the end.
const ALL_CLARIFIED: &str = r#"Profile(
    default: (respond: 1.0, insufficient: 1.0, clarify: 1.0),
    actions: {"clarify": (median: "10m", p90: "20m")},
)"#;

fn ttx() -> Command {
    Command::cargo_bin("ttx").expect("the ttx binary is built")
}

fn scenario(path: &str) -> Arc<Scenario> {
    Arc::new(load_scenario(path, &fs::read_to_string(path).unwrap()).unwrap())
}

fn profile(path: &str, scenario: &Scenario) -> Profile {
    load_profile(path, &fs::read_to_string(path).unwrap(), scenario).unwrap()
}

fn simulate_json(args: &[&str]) -> Value {
    let output = ttx()
        .arg("simulate")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the summary is JSON")
}

fn share(v: &Value) -> f64 {
    v.as_f64().expect("a share is a number")
}

fn find<'v>(list: &'v Value, id: &str) -> &'v Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{id} is listed"))
}

#[test]
fn teams_that_always_answer_early_meet_everything_in_every_run() {
    let json = simulate_json(&[DRILL, "--profile", EARLY, "--runs", "300"]);
    assert_eq!(json["runs"], 300);
    assert_eq!(json["profile"], EARLY);
    for e in json["expectations"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        let existed = share(&e["met"])
            + share(&e["incomplete"])
            + share(&e["late"])
            + share(&e["missed"])
            + share(&e["not_due"]);
        assert_eq!(
            share(&e["incomplete"]) + share(&e["late"]) + share(&e["missed"]),
            0.0,
            "{id}"
        );
        if id.starts_with("detect.") || id.starts_with("reply:") || id.starts_with("press.") {
            assert_eq!(share(&e["met"]), 1.0, "{id}: {e}");
        }
        assert!(existed <= 1.0, "{id}");
    }
    for c in json["contingencies"].as_array().unwrap() {
        assert_eq!(share(&c["fired"]), 0.0, "{c}");
    }
    let press = find(&json["injects"], "press");
    assert_eq!(share(&press["released"]), 1.0);
    assert_eq!(press["release_s"]["p50"], 4 * 3600);
    for team in json["teams"].as_array().unwrap() {
        let score = &team["score"];
        assert_eq!(
            (share(&score["mean"]), share(&score["p10"])),
            (1.0, 1.0),
            "{team}"
        );
        for objective in team["objectives"].as_array().unwrap() {
            assert_eq!(share(&objective["ratings"]["P"]), 1.0, "{objective}");
        }
    }
}

#[test]
fn teams_that_never_answer_fire_every_contingency_in_every_run() {
    let json = simulate_json(&[DRILL, "--profile", SILENT, "--runs", "300"]);
    let contingencies = json["contingencies"].as_array().unwrap();
    assert_eq!(contingencies.len(), 2);
    for c in contingencies {
        assert_eq!(share(&c["fired"]), 1.0, "{c}");
    }
    assert_eq!(
        share(&find(&json["expectations"], "detect.ack@us")["missed"]),
        1.0
    );
    // Nobody answers, so nothing that waits on an answer ever comes out, and the summary says so
    // first.
    let follow_up = find(&json["injects"], "follow-up");
    assert_eq!(
        (share(&follow_up["released"]), &follow_up["flag"]),
        (0.0, &Value::from("never released"))
    );
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("inject `follow-up` was never released in 300 runs")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("contingency `nudge-us` fires in 100% of runs")),
        "{warnings:?}"
    );
    for team in json["teams"].as_array().unwrap() {
        assert_eq!(share(&team["score"]["p90"]), 0.0, "{team}");
    }
    // `late` comes an hour before the end and allows two: never answered, it is still running.
    let late = find(&json["expectations"], "late.ack@cn");
    assert_eq!(late["flag"], "not due in most runs");
    assert!(
        warnings.iter().any(|w| w
            .starts_with("`late.ack@cn` is still running when the exercise ends in 100% of runs")),
        "{warnings:?}"
    );
}

#[test]
fn a_deadline_shorter_than_the_teams_response_time_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let slow = dir.path().join("slow.ron");
    fs::write(
        &slow,
        r#"Profile(default: (respond: 1.0, median: "3h", p90: "4h"))"#,
    )
    .unwrap();
    let json = simulate_json(&[DRILL, "--profile", slow.to_str().unwrap(), "--runs", "100"]);
    let ack = find(&json["expectations"], "detect.ack@us");
    assert_eq!(
        (share(&ack["late"]), &ack["flag"]),
        (1.0, &Value::from("rarely on time"))
    );
    let warnings = json["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("`detect.ack@us` is done on time in only 0%")),
        "{warnings:?}"
    );
}

fn with_profile(dir: &tempfile::TempDir, profile: &str, scenario: &str, runs: &str) -> Value {
    let path = dir.path().join("profile.ron");
    fs::write(&path, profile).unwrap();
    simulate_json(&[
        scenario,
        "--profile",
        path.to_str().unwrap(),
        "--runs",
        runs,
    ])
}

#[test]
fn decisions_follow_the_profiles_weights() {
    let dir = tempfile::tempdir().unwrap();
    let always = r#"Profile(default: (respond: 1.0), decisions: {"jit.decision": {"propose-jit": 1.0, "decline-jit": 0.0}})"#;
    let json = with_profile(&dir, always, EXAMPLE_2, "200");
    assert_eq!(share(&find(&json["injects"], "jit-go")["released"]), 1.0);
    let never =
        r#"Profile(default: (respond: 1.0), decisions: {"jit.decision": {"decline-jit": 2}})"#;
    let json = with_profile(&dir, never, EXAMPLE_2, "200");
    assert_eq!(find(&json["injects"], "jit-go")["flag"], "never released");
    // Without weights each choice is as likely: the joint team meets unless both decline.
    let json = simulate_json(&[EXAMPLE_2, "--runs", "2000", "--seed", "1"]);
    let decided = share(&find(&json["expectations"], "jit.decision@a")["met"]);
    let released = share(&find(&json["injects"], "jit-go")["released"]);
    assert!(decided > 0.5, "{decided}");
    assert!((0.55..0.85).contains(&released), "{released}");
}

#[test]
fn teams_that_act_ahead_meet_an_expectation_the_moment_it_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let ahead = r#"Profile(default: (respond: 1.0, ahead: 1.0, median: "5%", p90: "10%", blank_field: 0.0))"#;
    let json = with_profile(&dir, ahead, EXAMPLE_2, "100");
    // `servers` comes at 1h; Brevia preserves and opens its case within minutes of the start.
    for id in ["servers.preserve@b", "servers.open-case@b"] {
        let e = find(&json["expectations"], id);
        assert_eq!(
            (share(&e["met"]), &e["latency_p50_s"]),
            (1.0, &Value::from(0)),
            "{e}"
        );
    }
    // Aldera is asked at the start, before it could act: it answers as asked.
    let e = find(&json["expectations"], "breach.preserve@a");
    assert!(e["latency_p50_s"].as_u64().unwrap() > 0, "{e}");
    let never = r#"Profile(default: (respond: 1.0, ahead: 0.0, median: "5%", p90: "10%"))"#;
    let json = with_profile(&dir, never, EXAMPLE_2, "100");
    let e = find(&json["expectations"], "servers.preserve@b");
    assert!(e["latency_p50_s"].as_u64().unwrap() > 0, "{e}");
}

#[test]
fn expectations_still_running_at_the_end_are_not_due() {
    let dir = tempfile::tempdir().unwrap();
    let silent = r#"Profile(default: (respond: 0.0))"#;
    let json = with_profile(&dir, silent, EXAMPLE_2, "50");
    // `late-news` comes at 8h with 4h to answer; the exercise ends at 12h, exactly then.
    let e = find(&json["expectations"], "late-news.ack@a");
    assert_eq!(
        share(&e["missed"]),
        1.0,
        "a deadline at the end passes: {e}"
    );
    let json = with_profile(&dir, silent, DRILL, "50");
    let e = find(&json["expectations"], "late.ack@cn");
    assert_eq!(
        (share(&e["not_due"]), share(&e["missed"])),
        (1.0, 0.0),
        "{e}"
    );
}

#[test]
fn a_coin_toss_inject_is_released_in_about_half_of_the_runs() {
    let json = simulate_json(&[DRILL, "--runs", "2000", "--seed", "5"]);
    let coin = find(&json["injects"], "coin");
    let released = share(&coin["released"]);
    // 2,000 fair coin tosses land within 0.45..0.55 with a probability above 0.99999.
    assert!(
        (0.45..=0.55).contains(&released),
        "released in {released} of runs"
    );
    let times = &coin["release_s"];
    assert!(
        times["p10"].as_u64().unwrap() >= 7200 && times["p90"].as_u64().unwrap() <= 7200 + 1800,
        "{times}"
    );
    assert_eq!(json["profile"], "built-in");
    assert!(
        json["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("manual inject `press`"))
    );
}

/// Every run of a simulation, written as a script and played by the scripted player, gives the
/// report of the run itself.
fn emitted_scripts_replay_exactly(path: &str, profile: &Profile, runs: u64) {
    let scenario = scenario(path);
    for number in 0..runs {
        let run = simulate(&scenario, profile, 99, number, true);
        let text = emit::script(&scenario, &run, number, "a test");
        let script = load_script("emitted.ron", &text).unwrap_or_else(|d| panic!("{text}\n{d:?}"));
        let (played, _) = play(Arc::clone(&scenario), &script, "emitted.ron")
            .unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert_eq!(
            Report::of(&played).to_json(),
            Report::of(&run.exercise).to_json(),
            "{path}, run {number}:\n{text}"
        );
    }
}

#[test]
fn every_run_replays_as_its_emitted_script() {
    for path in [DRILL, OPEN_ENDED, BUILT_IN, EXAMPLE_2] {
        let scenario = scenario(path);
        emitted_scripts_replay_exactly(path, &Profile::built_in(&scenario), 60);
        emitted_scripts_replay_exactly(path, &profile(SILENT, &scenario), 10);
    }
    let drill = scenario(DRILL);
    emitted_scripts_replay_exactly(DRILL, &profile(EARLY, &drill), 20);
    // Format 3: clarifications (with their insufficient fields) and amendments replay too.
    for path in [REQUESTS, FORMAT_3] {
        let scenario = scenario(path);
        emitted_scripts_replay_exactly(path, &Profile::built_in(&scenario), 60);
        let all = load_profile("all.ron", ALL_CLARIFIED, &scenario).unwrap();
        emitted_scripts_replay_exactly(path, &all, 20);
    }
}

#[test]
fn every_library_scenario_replays_as_its_emitted_scripts() {
    let mut library: Vec<_> = fs::read_dir("scenarios")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "ron"))
        .collect();
    library.sort();
    assert!(library.len() >= 3, "{library:?}");
    for path in library {
        let path = path.to_str().unwrap();
        let scenario = scenario(path);
        emitted_scripts_replay_exactly(path, &Profile::built_in(&scenario), 15);
    }
}

#[test]
fn emit_script_plays_with_ttx_run_to_that_runs_report() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("run-17.ron");
    ttx()
        .args([
            "simulate",
            DRILL,
            "--seed",
            "4",
            "--emit-script",
            "17",
            "-o",
        ])
        .arg(&script)
        .assert()
        .success();
    let played = ttx()
        .args(["run", DRILL, "--script"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        played.status.success(),
        "{}",
        String::from_utf8_lossy(&played.stderr)
    );
    let scenario = scenario(DRILL);
    let run = simulate(&scenario, &Profile::built_in(&scenario), 4, 17, false);
    assert_eq!(
        String::from_utf8(played.stdout).unwrap(),
        Report::of(&run.exercise).to_json()
    );
}

#[test]
fn the_same_seed_gives_the_same_summary() {
    for path in [DRILL, REQUESTS] {
        let args = [path, "--runs", "700", "--seed", "42"];
        let first = simulate_json(&args);
        assert_eq!(first, simulate_json(&args));
        assert_eq!(first["seed"], 42);
        assert_ne!(
            first,
            simulate_json(&[path, "--runs", "700", "--seed", "43"])
        );
        // Only a scenario with clarifications has their figures.
        assert_eq!(first.get("requests").is_some(), path == REQUESTS, "{path}");
    }
}

#[test]
fn parallel_and_sequential_tallies_agree() {
    for path in [DRILL, REQUESTS] {
        let scenario = scenario(path);
        let profile = Profile::built_in(&scenario);
        let parallel = summarise(&scenario, &profile, 8, 500, false);
        let single = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| summarise(&scenario, &profile, 8, 500, false));
        assert_eq!(parallel.to_json(), single.to_json(), "{path}");
    }
}

#[test]
fn bad_profiles_get_positioned_errors_and_exit_1() {
    let output = ttx()
        .args([
            "simulate",
            DRILL,
            "--profile",
            "tests/fixtures/simulate/bad.ron",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "tests/fixtures/simulate/bad.ron:2:24: `respond`: a probability from 0 to 1, not 2"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "tests/fixtures/simulate/bad.ron:3:13: unknown team `nobody` (known: us, cn)"
        ),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_scenarios_and_run_numbers_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    fs::write(&bad, "Scenario(title: 1)").unwrap();
    let output = ttx().arg("simulate").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("bad.ron:1:17: `title`: expected a string")
    );
    let output = ttx()
        .args(["simulate", DRILL, "--runs", "10", "--emit-script", "10"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("runs are numbered from 0 to 9"));
}

#[test]
fn the_built_in_scenario_is_simulated_by_default_as_text_and_html() {
    let output = ttx().args(["simulate", "--runs", "50"]).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(
            "Cross-border breach: requests for assistance: 50 simulated runs (seed 2025, \
             profile the scenario's own)"
        ),
        "{text}"
    );
    assert!(
        text.contains("simulated with the scenario's own profile"),
        "the built-in scenario carries its rehearsal profile: {text}"
    );
    let output = ttx()
        .args(["simulate", DRILL, "--runs", "50", "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: the charts are inline SVG, nothing is fetched. The drill always ends at
    // its planned end: its duration is one figure, not a histogram of one full bar.
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "two teams' scores and the releases"
    );
    assert!(
        html.contains("<h2>Duration</h2><p>12h of scenario time in every run;"),
        "{html}"
    );
    assert!(!html.contains("src=") && !html.contains("href="));
}

/// The drill with a `profile` of its own, written to a file in `dir`.
fn drill_with_own_profile(dir: &tempfile::TempDir, profile: &str) -> std::path::PathBuf {
    let drill = fs::read_to_string(DRILL).unwrap();
    let body = drill
        .trim_end()
        .strip_suffix(')')
        .expect("the drill ends its Scenario");
    let path = dir.path().join("drill.ron");
    fs::write(&path, format!("{body}    profile: {profile},\n)\n")).unwrap();
    path
}

#[test]
fn a_scenarios_own_profile_is_used_unless_one_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let own = drill_with_own_profile(&dir, r#"Profile(manual: {"press": "1h"})"#);
    let own = own.to_str().unwrap();
    let json = simulate_json(&[own, "--runs", "50"]);
    assert_eq!(json["profile"], "scenario");
    let press = find(&json["injects"], "press");
    assert_eq!(share(&press["released"]), 1.0);
    assert_eq!(press["release_s"]["p50"], 3600);
    assert!(
        json["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("the scenario's own profile")),
        "{}",
        json["notes"]
    );
    // --profile replaces it entirely: EARLY releases the press at 4h.
    let json = simulate_json(&[own, "--runs", "50", "--profile", EARLY]);
    assert_eq!(json["profile"], EARLY);
    assert_eq!(
        find(&json["injects"], "press")["release_s"]["p50"],
        4 * 3600
    );
}

#[test]
fn a_bad_own_profile_is_refused_at_its_line_in_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = drill_with_own_profile(&dir, r#"(teams: {"nobody": (respond: 1.0)})"#);
    let line = fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l.contains("nobody"))
        .unwrap()
        + 1;
    let expected = format!(
        "{}:{line}:23: unknown team `nobody` (known: us, cn)",
        path.display()
    );
    for command in [vec!["simulate", "--runs", "5"], vec!["validate"]] {
        let output = ttx().args(&command).arg(&path).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&expected), "{command:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{command:?}");
    }
}

/// Found in review: `-o` wrote over any file, the scenario being rehearsed included. It may
/// rewrite an earlier output, as a rehearsal is run again, but never an input (exit 2).
#[test]
fn an_output_never_replaces_the_scenario_or_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.ron");
    fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron"),
        &scenario,
    )
    .unwrap();
    let before = fs::read(&scenario).unwrap();
    let s = scenario.to_str().unwrap();
    ttx()
        .args(["simulate", s, "--runs", "10", "-o", s])
        .assert()
        .code(2);
    assert_eq!(fs::read(&scenario).unwrap(), before);
    let output = dir.path().join("out.txt");
    let o = output.to_str().unwrap();
    for _ in 0..2 {
        ttx()
            .args(["simulate", s, "--runs", "10", "-o", o])
            .assert()
            .success();
    }
}

/// The summary's figures for the requests of `action` from `from` to `to`.
fn request<'v>(json: &'v Value, action: &str, from: &str, to: &str) -> &'v Value {
    json["requests"]
        .as_array()
        .expect("a scenario with clarifications lists its requests")
        .iter()
        .find(|r| r["action"] == action && r["from"] == from && r["to"] == to)
        .unwrap_or_else(|| panic!("requests of {action} from {from} to {to} are listed"))
}

fn ids(json: &Value) -> Vec<&str> {
    json["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

#[test]
fn sufficient_requests_are_never_clarified() {
    let dir = tempfile::tempdir().unwrap();
    // Without insufficient requests nothing is clarified, however keen the receivers or careless
    // the teams elsewhere (`blank_field` leaves other actions' fields blank, not requests').
    let profiles = [
        r#"Profile(default: (respond: 1.0, insufficient: 0.0, clarify: 0.0))"#,
        r#"Profile(default: (respond: 1.0, insufficient: 0.0, clarify: 1.0, blank_field: 0.5))"#,
    ];
    for profile in profiles {
        for path in [REQUESTS, FORMAT_3] {
            let json = with_profile(&dir, profile, path, "200");
            let requests = json["requests"].as_array().unwrap();
            assert!(!requests.is_empty(), "{path}");
            for r in requests {
                assert_eq!(share(&r["clarified"]), 0.0, "{path}: {r}");
                assert_eq!(r["time_lost_s"], Value::Null, "{path}: {r}");
                assert_eq!(r["completed"], Value::Null, "{path}: {r}");
            }
            let amendments = ids(&json);
            assert!(
                !amendments.iter().any(|id| id.starts_with("amendment:")),
                "{path}: {amendments:?}"
            );
        }
        let json = with_profile(&dir, profile, REQUESTS, "50");
        let check = find(&json["expectations"], "check.clarify@cn");
        assert_eq!(share(&check["missed"]), 1.0, "{check}");
    }
}

#[test]
fn every_insufficient_request_is_clarified_and_the_summary_shows_the_time_lost() {
    let dir = tempfile::tempdir().unwrap();
    let json = with_profile(&dir, ALL_CLARIFIED, REQUESTS, "300");
    let to_cn = request(&json, "rfa", "us", "cn");
    assert_eq!(share(&to_cn["per_run"]), 2.0, "{to_cn}");
    assert_eq!(share(&to_cn["clarified"]), 1.0, "{to_cn}");
    let lost = &to_cn["time_lost_s"];
    assert!(lost["p50"].as_u64().unwrap() > 0, "{to_cn}");
    assert!(lost["p90"].as_u64() >= lost["p50"].as_u64(), "{to_cn}");
    // Replies come only once the receivers have stopped asking: later than without a question.
    let replied = to_cn["replied_s"]["clarified"]["p50"].as_u64().unwrap();
    assert!(replied > lost["p50"].as_u64().unwrap(), "{to_cn}");
    assert_eq!(to_cn["replied_s"]["not_clarified"], Value::Null, "{to_cn}");
    // `eu` may not take `clarify`: it replies to whatever it gets.
    let to_eu = request(&json, "rfa", "us", "eu");
    assert_eq!(share(&to_eu["clarified"]), 0.0, "{to_eu}");
    assert!(to_eu["replied_s"]["not_clarified"]["p50"].as_u64().unwrap() > 0);
    // The clarifications meet the inject that expects one; the amendments have their row.
    let check = find(&json["expectations"], "check.clarify@cn");
    assert!(
        share(&check["met"]) + share(&check["late"]) > 0.9,
        "{check}"
    );
    assert!(ids(&json).contains(&"amendment:rfa@us"));
    // Both ways in the worked case: every request is clarified.
    let json = with_profile(&dir, ALL_CLARIFIED, FORMAT_3, "200");
    for (from, to) in [("us", "cn"), ("cn", "us")] {
        let r = request(&json, "rfa", from, to);
        assert_eq!(share(&r["clarified"]), 1.0, "{r}");
        assert!(r["time_lost_s"]["p50"].as_u64().unwrap() > 0, "{r}");
    }
    // The text summary says it too.
    let path = dir.path().join("all.ron");
    fs::write(&path, ALL_CLARIFIED).unwrap();
    let output = ttx()
        .args(["simulate", REQUESTS, "--runs", "100", "--profile"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rfa us → cn"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("100%"), "{line}");
    assert!(text.contains("time lost p50 / p90"), "{text}");
    // And the HTML page, as a table.
    let output = ttx()
        .args(["simulate", REQUESTS, "--runs", "50", "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(
        html.contains("<h2>Requests and clarifications</h2>")
            && html.contains("<td>rfa us → cn</td>"),
        "{html}"
    );
}

#[test]
fn a_team_asks_about_a_request_a_few_times_then_replies() {
    let scenario = scenario(FORMAT_3);
    let profile = load_profile("all.ron", ALL_CLARIFIED, &scenario).unwrap();
    let mut replied = 0;
    for number in 0..50 {
        let run = simulate(&scenario, &profile, 1, number, false);
        for thread in run.exercise.requests() {
            let asked = thread.clarifications.len();
            assert!(asked <= MAX_CLARIFICATIONS, "run {number}: {thread:?}");
            if run.exercise.expectation(thread.reply).done.is_some() {
                assert_eq!(asked, MAX_CLARIFICATIONS, "run {number}: {thread:?}");
                replied += 1;
            }
        }
    }
    assert!(replied > 0);
}

#[test]
fn shaped_fields_are_filled_as_their_shapes_ask_and_no_response_is_refused() {
    let (mut short, mut enough) = (0, 0);
    for path in [REQUESTS, FORMAT_3] {
        let scenario = scenario(path);
        let profiles = [
            Profile::built_in(&scenario),
            load_profile("all.ron", ALL_CLARIFIED, &scenario).unwrap(),
        ];
        for profile in &profiles {
            for number in 0..100 {
                let run = simulate(&scenario, profile, 2, number, true);
                let responses: Vec<_> = run
                    .steps
                    .iter()
                    .filter_map(|(_, step)| match step {
                        Step::Respond(response) => Some(response),
                        _ => None,
                    })
                    .collect();
                // Every response the room gave was taken: none was refused.
                assert_eq!(
                    responses.len(),
                    run.exercise.responses().len(),
                    "{path}, run {number}"
                );
                for response in responses {
                    let action = scenario.action(response.action);
                    for (name, text) in &response.fields {
                        let shape = action.shape(action.field_index(name).unwrap());
                        if !shape.choices.is_empty() {
                            assert!(
                                text.is_empty() || shape.choices.contains(text),
                                "{path}, run {number}: {name} = {text:?}"
                            );
                        }
                        if let (Some(min), false) = (shape.min_words, text.is_empty()) {
                            let words = text.split_whitespace().count();
                            // Supplied with enough words, or meant to be insufficient: one short.
                            assert!(
                                words == min || words + 1 == min,
                                "{path}, run {number}: {name} = {text:?}"
                            );
                            short += usize::from(words < min);
                            enough += usize::from(words == min);
                        }
                    }
                }
            }
        }
    }
    assert!(short > 0 && enough > 0, "{short} short, {enough} enough");
}

#[test]
fn format_3_profile_keys_are_checked_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    fs::write(
        &path,
        "Profile(\n    default: (insufficient: 1.5),\n    actions: {\"rfa\": (clarify: \"often\")},\n)\n",
    )
    .unwrap();
    let output = ttx()
        .args(["simulate", REQUESTS, "--profile"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let file = path.display();
    assert!(
        stderr.contains(&format!(
            "{file}:2:29: `insufficient`: a probability from 0 to 1, not 1.5"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{file}:3:32: `clarify`: expected a number")),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn the_typical_team_takes_minutes_to_acknowledge_and_hours_over_an_order() {
    // The built-in profile times an answer by its kind of action, not by the deadline: an
    // acknowledgement 5 minutes at the median, a step 20, a written message 30, a formal act
    // (here an order to preserve data) 1h30m, whatever each allows.
    let json = simulate_json(&[WORKLOAD, "--runs", "2000", "--seed", "3"]);
    for (id, median) in [
        ("start.ack@a", 300),
        ("start.isolate@a", 1200),
        ("start.report@a", 1800),
        ("start.order@b", 5400),
    ] {
        let latency = find(&json["expectations"], id)["latency_p50_s"]
            .as_f64()
            .unwrap();
        assert!(
            (latency - f64::from(median)).abs() < 0.1 * f64::from(median),
            "{id}: {latency} s at the median, not about {median}"
        );
    }
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n.starts_with(
            "response times at the median where the profile gives none, by kind of action: \
             acknowledgements 5m (p90 15m): ack; steps 20m (p90 1h): isolate; messages 30m \
             (p90 1h30m): 1 action; formal acts 1h30m (p90 4h): order"
        )),
        "{notes:?}"
    );
    // A profile that gives its own times replaces the kinds, and says nothing of them.
    let dir = tempfile::tempdir().unwrap();
    let json = with_profile(
        &dir,
        r#"Profile(default: (median: "50%", p90: "120%"))"#,
        WORKLOAD,
        "200",
    );
    let notes = json["notes"].to_string();
    assert!(!notes.contains("by kind of action"), "{notes}");
}

#[test]
fn the_summary_says_how_long_each_team_waits_and_how_much_it_has_open_at_once() {
    // Every answer one minute after its release: A has three things open from 0 to 1m, then
    // nothing until `later` at 5h, 4h59m of scenario time, 149.5 minutes of play at speed 2.
    let dir = tempfile::tempdir().unwrap();
    let exact = r#"Profile(default: (respond: 1.0, median: "1m", p90: "1m", blank_field: 0.0))"#;
    let json = with_profile(&dir, exact, WORKLOAD, "50");
    let a = find(&json["teams"], "a");
    assert_eq!(a["idle_s"]["p50"], 4 * 3600 + 59 * 60, "{a}");
    assert_eq!(a["idle_from_s"]["p50"], 60, "{a}");
    assert_eq!(share(&a["idle_play_min"]["p50"]), 149.5, "{a}");
    assert_eq!(
        (&a["open_peak"]["p50"], &a["open_peak"]["max"]),
        (&Value::from(3), &Value::from(3)),
        "{a}"
    );
    assert_eq!(find(&json["teams"], "b")["open_peak"]["max"], 2);
    // A wait of more than an hour of play is a note, not a warning: a team may be meant to wait.
    let notes = json["notes"].to_string();
    assert!(
        notes.contains("team `a` has nothing to do for 150 minutes of play (4h59m of scenario time, usually from about 1m)"),
        "{notes}"
    );
    let warnings = json["warnings"].to_string();
    assert!(!warnings.contains("team `a`"), "{warnings}");
    // The text says it per team, under its score.
    let path = dir.path().join("exact.ron");
    fs::write(&path, exact).unwrap();
    let output = ttx()
        .args(["simulate", WORKLOAD, "--runs", "20", "--profile"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "    longest with nothing to do: 150 minutes of play at the median, 150 in one run \
             of ten (4h59m of scenario time, from about 1m); most expectations open at once: 3 \
             at the median, 3 in one run of ten, 3 at most\n"
        ),
        "{text}"
    );
}

#[test]
fn an_objective_that_rests_on_a_single_critical_task_is_a_warning() {
    let json = simulate_json(&[WORKLOAD, "--runs", "100"]);
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "objective `lone` rests on a single critical task in 100% of the runs where it is \
             scored (start.order@b): its rating is all or nothing"
        )),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("`pair`")),
        "two tasks are enough: {warnings:?}"
    );
    let lone = find(&json["objectives"], "lone");
    assert_eq!(
        (share(&lone["single"]), &lone["tasks"]["p50"]),
        (1.0, &Value::from(1))
    );
}

#[test]
fn notes_are_apart_from_warnings_and_a_duration_that_never_varies_is_one_figure() {
    let output = ttx()
        .args(["simulate", WORKLOAD, "--runs", "50"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let warnings = text.find("\nWarnings:\n").expect("a warnings section");
    let notes = text
        .find("\n\nNotes:\n")
        .expect("a notes section of its own");
    assert!(warnings < notes, "{text}");
    let between = &text[warnings..notes];
    assert!(
        between.lines().skip(2).all(|l| l.starts_with("  ! ")),
        "only warnings under Warnings:\n{between}"
    );
    assert!(text.contains("\nDuration: 6h in every run\n"), "{text}");
    assert!(!text.contains("Duration (p10 / p50 / p90)"), "{text}");
}
