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
    let journal = &phishing_journal(dir.path());
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

/// The phishing example played by its script into a journal under `dir`.
fn phishing_journal(dir: &std::path::Path) -> String {
    let journal = dir.join("j.jsonl");
    let journal = journal.to_str().unwrap().to_string();
    ttx()
        .args([
            "run",
            "tests/fixtures/phishing-example/scenario.ron",
            "--script",
            "tests/fixtures/phishing-example/script.ron",
            "--journal",
            &journal,
        ])
        .assert()
        .success();
    journal
}

fn report_of(journal: &str, format: &str) -> String {
    let output = ttx()
        .args(["report", journal, "--format", format])
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

/// The exercise's facts the scenario lacks are entered with `ttx debrief exercise`, journaled,
/// and reach the report's JSON, cover and overview; a root cause reaches the area for
/// improvement and the plan.
#[test]
fn exercise_facts_and_root_causes_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let journal = phishing_journal(dir.path());
    let journal = journal.as_str();
    let printed = ttx()
        .args(["debrief", "exercise", journal])
        .output()
        .unwrap();
    assert!(printed.status.success());
    let printed = String::from_utf8_lossy(&printed.stdout);
    assert!(
        printed.contains("Exercise dates     — (the journal's dates)"),
        "{printed}"
    );
    ttx()
        .args([
            "debrief",
            "exercise",
            journal,
            "--sponsor",
            "Ministry of Justice",
            "--location",
            "Aldera City",
            "--dates",
            "11–12 March 2027",
            "--handling",
            "TLP:AMBER",
            "--contact",
            "Jo Smith, jo@example.org",
        ])
        .assert()
        .success();
    // A later entry replaces the earlier one; an empty one gives the scenario's back.
    ttx()
        .args(["debrief", "exercise", journal, "--location", "Brevia Port"])
        .assert()
        .success();
    ttx()
        .args(["debrief", "exercise", journal, "--contact", ""])
        .assert()
        .success();
    // One fact refused writes none of those given with it.
    let said = refused(&[
        "exercise",
        journal,
        "--sponsor",
        "Port Authority",
        "--handling",
        "TLP:AMBER\nTLP:RED",
    ]);
    assert_eq!(
        said,
        format!(
            "{journal}: the handling marking is one line: no line break or other control \
             character\n"
        )
    );
    let shown = ttx().args(["debrief", "show", journal]).output().unwrap();
    assert!(!String::from_utf8_lossy(&shown.stdout).contains("Port Authority"));
    ttx()
        .args([
            "debrief",
            "edit",
            journal,
            "contain/block@soc",
            "root-cause",
            "Nobody owns the mail gateway's blocklist",
        ])
        .assert()
        .success();
    let lines = std::fs::read_to_string(journal).unwrap();
    assert_eq!(lines.matches(r#""event":"fact""#).count(), 7, "{lines}");

    let report: Value = serde_json::from_str(&report_of(journal, "json")).unwrap();
    let exercise = &report["exercise"];
    assert_eq!(exercise["sponsor"], "Ministry of Justice");
    assert_eq!(exercise["location"], "Brevia Port");
    assert_eq!(exercise["dates"], "11–12 March 2027");
    assert_eq!(exercise["handling"], "TLP:AMBER");
    assert!(exercise["contact"].is_null());
    let plan = report["improvement_plan"].as_array().unwrap();
    let item = plan
        .iter()
        .find(|i| i["id"] == "contain/block@soc")
        .unwrap();
    assert_eq!(
        item["root_cause"],
        "Nobody owns the mail gateway's blocklist"
    );
    assert!(
        plan.iter()
            .filter(|i| i["id"] != item["id"])
            .all(|i| i["root_cause"].is_null())
    );

    let markdown = report_of(journal, "md");
    let cover: Vec<&str> = markdown.lines().take(6).collect();
    assert!(cover.contains(&"**TLP:AMBER**"), "{cover:?}");
    assert!(cover.contains(&"11–12 March 2027"), "{cover:?}");
    assert!(
        markdown.contains("| Sponsor | Ministry of Justice |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| Location | Brevia Port |"),
        "{markdown}"
    );
    assert!(
        !markdown.contains("Point of contact | Jo Smith"),
        "{markdown}"
    );
    let cause = "Root cause: Nobody owns the mail gateway's blocklist";
    // In the objective's areas for improvement and in the plan's matrix.
    assert_eq!(markdown.matches(cause).count(), 2, "{markdown}");
    let html = report_of(journal, "html");
    assert!(html.contains("11–12 March 2027"));
    assert!(html.contains("Ministry of Justice"));
    assert_eq!(html.matches(&ttx::html::escape(cause)).count(), 2, "{html}");

    let shown = ttx().args(["debrief", "show", journal]).output().unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("Sponsor            Ministry of Justice (entered)"),
        "{shown}"
    );
}

/// A capability element not of HSEEP's five is refused on the command line, with the five
/// and what each covers.
#[test]
fn a_capability_element_not_of_the_five_is_refused_listing_them() {
    let dir = tempfile::tempdir().unwrap();
    let journal = phishing_journal(dir.path());
    let said = refused(&["edit", &journal, "note-1", "capability-element", "Luck"]);
    assert!(
        said.starts_with(&format!(
            "{journal}: capability element `Luck` is not one of HSEEP's five:\n  Planning     plans, policies"
        )),
        "{said}"
    );
    for element in ["Organization", "Equipment", "Training", "Exercises"] {
        assert!(said.contains(&format!("\n  {element:<12} ")), "{said}");
    }
    let report: Value = serde_json::from_str(&report_of(&journal, "json")).unwrap();
    assert!(
        report["improvement_plan"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["capability_element"].is_null())
    );
}

const FORMAT_3: &str = "tests/fixtures/format-3/scenario.ron";

/// The worked case of format 3 played by its script into a journal under `dir`.
fn format_3_journal(dir: &std::path::Path) -> String {
    let journal = dir.join("f3.jsonl");
    let journal = journal.to_str().unwrap().to_string();
    ttx()
        .args([
            "run",
            FORMAT_3,
            "--script",
            "tests/fixtures/format-3/script.ron",
            "--journal",
            &journal,
        ])
        .assert()
        .success();
    journal
}

/// The judgements the journal holds, as (expectation, fields, by, reason).
fn judgements(journal: &str) -> Vec<(String, Vec<String>, String, Option<String>)> {
    let loaded = ttx::journal::read_journal(std::path::Path::new(journal)).unwrap();
    let exercise = &loaded.exercise;
    exercise
        .judgements()
        .iter()
        .map(|j| {
            (
                exercise.expectation_id(j.expectation),
                j.insufficient.clone(),
                j.by.clone(),
                j.reason.clone(),
            )
        })
        .collect()
}

/// What a refused debrief command says on stderr; it exits 1.
fn refused(args: &[&str]) -> String {
    let output = ttx().arg("debrief").args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn judge_and_final_replay_the_journal_and_append_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let journal = format_3_journal(dir.path());
    let journal = journal.as_str();
    // The script judged three times already.
    assert_eq!(judgements(journal).len(), 3);
    ttx()
        .args([
            "debrief",
            "judge",
            journal,
            "breach.rfa@us",
            "--insufficient",
            "urgency,summary",
            "--reason",
            "No times given",
            "--by",
            "anna",
        ])
        .assert()
        .success();
    let after = judgements(journal);
    assert_eq!(
        after[3],
        (
            "breach.rfa@us".into(),
            vec!["urgency".into(), "summary".into()],
            "anna".into(),
            Some("No times given".into())
        )
    );
    let loaded = ttx::journal::read_journal(std::path::Path::new(journal)).unwrap();
    let ix = loaded.exercise.expectation_by_id("breach.rfa@us").unwrap();
    let missing = &loaded
        .exercise
        .expectation(ix)
        .done
        .as_ref()
        .unwrap()
        .missing;
    assert_eq!(
        missing.len(),
        3,
        "legal_basis (clarified), summary, urgency"
    );

    // Mistakes are named, exit 1, and change nothing.
    for (args, says) in [
        (
            vec!["judge", journal, "praise.ack@us", "--insufficient", "x"],
            "no expectation `praise.ack@us`",
        ),
        (
            vec![
                "judge",
                journal,
                "breach.rfa@us",
                "--insufficient",
                "urgency",
            ],
            "needs a reason",
        ),
        (
            vec![
                "judge",
                journal,
                "breach.rfa@us",
                "--insufficient",
                "contact",
                "--reason",
                "r",
            ],
            "action `rfa` has no field `contact`",
        ),
        (
            vec![
                "judge",
                journal,
                "msg-8.rfa@us",
                "--insufficient",
                "summary",
                "--reason",
                "r",
            ],
            "`msg-8.rfa@us` is not done yet",
        ),
    ] {
        let stderr = refused(&args);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(stderr.starts_with(journal), "{stderr}");
    }
    assert_eq!(judgements(journal).len(), 4);

    // No --insufficient: anna's judgement is taken back.
    ttx()
        .args(["debrief", "judge", journal, "breach.rfa@us", "--by", "anna"])
        .assert()
        .success();
    assert!(judgements(journal)[4].1.is_empty());

    let show = ttx().args(["debrief", "show", journal]).output().unwrap();
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.contains("T+08:00:00  breach.rfa@us  urgency,summary  by anna  No times given"),
        "{show}"
    );
    assert!(
        show.contains("breach.rfa@us  taken back  by anna"),
        "{show}"
    );
    assert!(
        show.contains("Draft: some objectives are not rated yet."),
        "{show}"
    );

    ttx().args(["debrief", "final", journal]).assert().success();
    let loaded = ttx::journal::read_journal(std::path::Path::new(journal)).unwrap();
    assert!(loaded.exercise.is_final());
    let show = ttx().args(["debrief", "show", journal]).output().unwrap();
    assert!(String::from_utf8_lossy(&show.stdout).contains("Final: the report is final"));
    // Signed again after each entry, as the other debrief commands sign.
    ttx().args(["verify", journal]).assert().success();

    // Final: nothing more is judged, rated or made final.
    for args in [
        vec!["final", journal],
        vec![
            "judge",
            journal,
            "breach.rfa@us",
            "--insufficient",
            "urgency",
            "--reason",
            "late",
        ],
    ] {
        let stderr = refused(&args);
        assert!(stderr.contains("the report is final"), "{stderr}");
    }
    let stderr = refused(&["rate", journal, "coord", "M"]);
    assert!(stderr.contains("the report is final"), "{stderr}");
}

#[test]
fn a_report_is_made_final_only_once_the_exercise_has_ended() {
    use ttx::engine::{Command, Response, Settings};
    use ttx::journal::{Header, JournalWriter};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("running.jsonl");
    let source = std::fs::read_to_string(FORMAT_3).unwrap();
    let scenario = ttx::scenario::load_scenario(FORMAT_3, &source).unwrap();
    let settings = Settings::of(&scenario);
    let header = Header::new(FORMAT_3, &source, &scenario, settings);
    let mut writer = JournalWriter::create(&path, &header).unwrap();
    let mut exercise = ttx::engine::Exercise::new(std::sync::Arc::new(scenario), settings);
    let ack = Response {
        team: ttx::scenario::TeamIx(0),
        action: exercise.scenario().action_ix("ack").unwrap(),
        fields: Vec::new(),
        note: None,
        answers: None,
        insufficient: Vec::new(),
    };
    for command in [
        Command::Start,
        Command::AdvanceTo(60),
        Command::Respond(ack),
    ] {
        let events = exercise.execute(command).unwrap();
        writer.append(&exercise, &events).unwrap();
    }
    drop(writer);
    let journal = path.to_str().unwrap();
    let stderr = refused(&["final", journal]);
    assert!(
        stderr.contains("the report can be made final only once the exercise has ended"),
        "{stderr}"
    );
    // A judgement is allowed while the exercise runs, if the action has fields to judge: an
    // acknowledgement has none.
    let stderr = refused(&[
        "judge",
        journal,
        "breach.ack@us",
        "--insufficient",
        "summary",
        "--reason",
        "r",
    ]);
    assert!(
        stderr.contains("action `ack` has no field `summary`"),
        "{stderr}"
    );
}
