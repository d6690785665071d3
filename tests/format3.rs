//! Format 3 end to end: the worked case's facts (worked out by hand from the spec, see
//! tests/fixtures/format-3/README.md), its journal, and the steps the rules of format 3 reject.

mod common;

use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;
use ttx::engine::Exercise;
use ttx::journal::{Header, JournalWriter, read_journal};
use ttx::play::play;
use ttx::report::Report;
use ttx::script::{Script, Step, StepKind, load_script};

const SCENARIO: &str = include_str!("fixtures/format-3/scenario.ron");
const SCENARIO_FILE: &str = "tests/fixtures/format-3/scenario.ron";
const SCRIPT: &str = include_str!("fixtures/format-3/script.ron");
const FACTS: &str = include_str!("fixtures/format-3/facts.json");

fn script() -> Script {
    load_script("script.ron", SCRIPT).unwrap_or_else(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        panic!("the script loads:\n{}", shown.join("\n"))
    })
}

fn played_with(script: &Script) -> (Exercise, Vec<ttx::engine::Event>) {
    let scenario = Arc::new(common::load("scenario.ron", SCENARIO));
    play(scenario, script, "script.ron").unwrap_or_else(|e| panic!("the script plays: {e}"))
}

fn report_json(exercise: &Exercise) -> Value {
    serde_json::from_str(&Report::of(exercise).to_json()).expect("the report is JSON")
}

/// Whether `got` has everything `want` has: floats to 1e-6, objects key by key (the report may
/// have more keys than the fact names), lists element by element and of the same length.
fn holds(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(got), Value::Object(want)) => want
            .iter()
            .all(|(key, w)| got.get(key).is_some_and(|g| holds(g, w))),
        (Value::Array(got), Value::Array(want)) => {
            got.len() == want.len() && got.iter().zip(want).all(|(g, w)| holds(g, w))
        }
        (Value::Number(_), Value::Number(_)) if got.is_f64() || want.is_f64() => {
            (got.as_f64().unwrap() - want.as_f64().unwrap()).abs() < 1e-6
        }
        _ => got == want,
    }
}

/// The value at `key`, or a marker that the key is absent (which no fact holds).
fn key(item: &Value, key: &str) -> Value {
    item.get(key)
        .cloned()
        .unwrap_or(Value::String("(absent)".into()))
}

fn find<'a>(list: &'a Value, what: &str, id: &str) -> Option<&'a Value> {
    list.as_array()
        .unwrap_or_else(|| panic!("{what} is a list"))
        .iter()
        .find(|item| item["id"] == id)
}

/// The item of `list` whose `n` is `n`, a key of facts.json.
fn numbered<'a>(list: &'a Value, n: &str) -> Option<&'a Value> {
    let n: u64 = n.parse().expect("facts number items from 0");
    list.as_array()?.iter().find(|item| item["n"] == n)
}

/// Every fact of facts.json that `report` does not have, described.
fn unmet_facts(report: &Value) -> Vec<String> {
    let facts: Value = serde_json::from_str(FACTS).expect("facts.json is JSON");
    let mut unmet = Vec::new();
    let mut check = |what: String, got: &Value, want: &Value| {
        if !holds(got, want) {
            unmet.push(format!("{what}: got {got}, want {want}"));
        }
    };
    check(
        "ended_at_s".into(),
        &key(report, "ended_at_s"),
        &facts["ended_at_s"],
    );
    let team =
        |id: &str| find(&report["teams"], "teams", id).unwrap_or_else(|| panic!("team {id}"));
    for (id, score) in facts["scores"].as_object().expect("scores") {
        check(format!("score of {id}"), &key(team(id), "score"), score);
    }
    for (id, totals) in facts["totals"].as_object().expect("totals") {
        for (total, want) in totals.as_object().expect("credit and weight") {
            check(format!("{total} of {id}"), &key(team(id), total), want);
        }
    }
    for (id, objectives) in facts["objectives"].as_object().expect("objectives") {
        let listed = team(id)["objectives"].as_array().expect("objectives");
        let want = objectives.as_object().expect("objective scores");
        check(
            format!("objectives listed for {id}"),
            &Value::from(listed.len()),
            &Value::from(want.len()),
        );
        for (objective, score) in want {
            let got = listed
                .iter()
                .find(|o| o["id"] == *objective)
                .map_or(Value::Null, |o| o["score"].clone());
            check(format!("objective {objective} of {id}"), &got, score);
        }
    }
    for (id, count) in facts["expectation_count"].as_object().expect("counts") {
        let listed = team(id)["expectations"].as_array().expect("expectations");
        check(
            format!("expectations of {id}"),
            &Value::from(listed.len()),
            count,
        );
    }
    let expectations: Vec<&Value> = report["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .flat_map(|t| t["expectations"].as_array().expect("expectations"))
        .collect();
    for (id, keys) in facts["expectations"].as_object().expect("expectations") {
        let Some(e) = expectations.iter().find(|e| e["id"] == *id) else {
            check(
                format!("expectation {id}"),
                &Value::Null,
                &Value::from(id.as_str()),
            );
            continue;
        };
        for (name, want) in keys.as_object().expect("keys") {
            check(format!("{id}.{name}"), &key(e, name), want);
        }
    }
    let inject = |id: &str| {
        find(&report["injects"], "injects", id).unwrap_or_else(|| panic!("no inject {id}"))
    };
    for (id, at) in facts["released"].as_object().expect("released") {
        check(
            format!("release of {id}"),
            &key(inject(id), "released_at_s"),
            at,
        );
    }
    for (id, by) in facts["skipped"].as_object().expect("skipped") {
        let i = inject(id);
        if by.is_null() {
            // Not skipped: the report says so or leaves both keys out.
            let skipped = i.get("skipped").cloned().unwrap_or(Value::Bool(false));
            check(format!("{id} skipped"), &skipped, &Value::Bool(false));
            let cause = i.get("skipped_by").cloned().unwrap_or(Value::Null);
            check(format!("{id} skipped_by"), &cause, &Value::Null);
        } else {
            check(
                format!("{id} skipped"),
                &key(i, "skipped"),
                &Value::Bool(true),
            );
            check(format!("{id} skipped_by"), &key(i, "skipped_by"), by);
        }
    }
    for (id, keys) in facts["injects"].as_object().expect("injects") {
        for (name, want) in keys.as_object().expect("keys") {
            check(format!("inject {id}.{name}"), &key(inject(id), name), want);
        }
    }
    let rows = |list: &str, fields: &[&str]| -> Value {
        report[list]
            .as_array()
            .unwrap_or_else(|| panic!("{list} is a list"))
            .iter()
            .map(|item| fields.iter().map(|f| key(item, f)).collect::<Vec<_>>())
            .collect::<Vec<_>>()
            .into()
    };
    check(
        "messages".into(),
        &rows(
            "messages",
            &["n", "action", "from", "to", "sent_at_s", "in_reply_to"],
        ),
        &facts["messages"],
    );
    for (n, text) in facts["message_texts"].as_object().expect("message texts") {
        let got = numbered(&report["messages"], n).map_or(Value::Null, |m| key(m, "text"));
        check(format!("text of message {n}"), &got, text);
    }
    check(
        "responses".into(),
        &rows("responses", &["n", "at_s", "team", "action", "satisfied"]),
        &facts["responses"],
    );
    let response =
        |n: &str| numbered(&report["responses"], n).unwrap_or_else(|| panic!("no response {n}"));
    for (n, keys) in facts["response_keys"].as_object().expect("response keys") {
        for (name, want) in keys.as_object().expect("keys") {
            check(
                format!("response {n}.{name}"),
                &key(response(n), name),
                want,
            );
        }
    }
    for (n, findings) in facts["insufficient"].as_object().expect("insufficient") {
        check(
            format!("response {n}.insufficient"),
            &key(response(n), "insufficient"),
            findings,
        );
    }
    for list in ["requests", "judgements"] {
        check(list.into(), &key(report, list), &facts[list]);
    }
    check(
        "unexpected".into(),
        &rows("unexpected", &["team", "action", "at_s", "ahead"]),
        &facts["unexpected"],
    );
    check(
        "notes".into(),
        &Value::from(report["notes"].as_array().expect("notes").len()),
        &facts["notes"],
    );
    unmet
}

#[test]
fn the_format_3_worked_case_has_every_fact() {
    let (exercise, _) = played_with(&script());
    let unmet = unmet_facts(&report_json(&exercise));
    assert!(unmet.is_empty(), "{}", unmet.join("\n"));
}

#[test]
fn the_format_3_worked_case_replays_from_its_journal() {
    let (exercise, events) = played_with(&script());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("format-3.jsonl");
    let header = Header::new(
        "scenario.ron",
        SCENARIO,
        exercise.scenario(),
        exercise.settings(),
    );
    let mut writer = JournalWriter::create(&path, &header).unwrap();
    writer.append(&exercise, &events).unwrap();
    let loaded = read_journal(&path).expect("the journal reads back");
    assert_eq!(loaded.events, events);
    let replayed = report_json(&loaded.exercise);
    assert_eq!(replayed, report_json(&exercise));
    let unmet = unmet_facts(&replayed);
    assert!(unmet.is_empty(), "{}", unmet.join("\n"));
}

/// Rule 39: the judgement after `End` is what makes mirror.rfa@cn incomplete; without it China
/// scores 2 of 3, and in neither case is the `Incomplete("mirror.rfa")` contingency released.
#[test]
fn the_judgement_after_the_end_changes_the_credit_and_releases_nothing() {
    let mut script = script();
    let last = script.steps.pop().expect("the last step");
    assert!(
        last.at == 8 * 3600 && format!("{:?}", last.kind).starts_with("Judge"),
        "the last step is the judgement at the end: {last:?}"
    );
    let report = report_json(&played_with(&script).0);
    let cn = find(&report["teams"], "teams", "cn").expect("cn");
    assert!(
        holds(&cn["score"], &Value::from(2.0 / 3.0)),
        "{}",
        cn["score"]
    );
    let mirror = find(&cn["expectations"], "expectations", "mirror.rfa@cn").expect("mirror.rfa");
    assert_eq!(
        (&mirror["status"], &mirror["credit"]),
        (&"met".into(), &1.0.into())
    );
    let audit = find(&report["injects"], "injects", "audit").expect("audit");
    assert_eq!(audit["released_at_s"], Value::Null);
}

/// Rule 2 of clarifications: K1's delivery gives the held reply its deadline back (K1 + 4h);
/// ended there, before the second round holds it again, the reply is not yet due.
#[test]
fn an_amendment_gives_the_held_reply_its_deadline() {
    let mut script = script();
    script.steps.retain(|step| step.at <= 5400);
    let last = script.steps.last().expect("steps up to K1");
    script.steps.push(Step {
        number: last.number + 1,
        line: last.line + 1,
        col: 1,
        at: 6000,
        kind: StepKind::End,
    });
    let report = report_json(&played_with(&script).0);
    let cn = find(&report["teams"], "teams", "cn").expect("cn");
    let reply = find(&cn["expectations"], "expectations", "msg-1.rfa-reply@cn").expect("reply");
    for (name, want) in [
        ("released_at_s", Value::from(1800)),
        ("due_at_s", Value::from(5400 + 4 * 3600)),
        ("held", Value::Bool(false)),
        ("status", Value::from("not_due")),
    ] {
        assert_eq!(key(reply, name), want, "{name}");
    }
    let request = &report["requests"][0];
    assert_eq!(request["amendments"], serde_json::json!([4]));
    // K1 was not clarified by the end: it is the first complete version.
    assert_eq!(request["complete_at_s"], 5400);
}

/// Steps that the rules of format 3 reject stop a script with exit 1 (cli.md), each played by
/// `ttx run --script` after the worked case's first request for assistance (message 1, 30m).
#[test]
fn steps_the_rules_of_format_3_reject_stop_the_script() {
    const REQUEST: &str = r#"Respond(at: "30m", team: "us", action: "rfa", inject: "breach",
        fields: {"summary": "Files copied", "indicators": "203.0.113.7 at 02:14 UTC",
                 "legal_basis": "MLAA Art. 3", "urgency": "urgent"})"#;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // A text outside `choices` (rule 32).
        (
            r#"Respond(at: "30m", team: "us", action: "rfa", inject: "breach",
        fields: {"summary": "Files copied", "urgency": "very urgent"})"#
                .to_string(),
            vec!["step 1 (Respond at 30m)", "urgency"],
        ),
        // A version already clarified (rule 33).
        (
            format!(
                r#"{REQUEST},
    Respond(at: "1h", team: "cn", action: "clarify", message: 1, insufficient: ["summary"]),
    Respond(at: "1h5m", team: "cn", action: "clarify", message: 1, insufficient: ["indicators"])"#
            ),
            vec!["step 3 (Respond at 1h5m)"],
        ),
        // A clarification that finds nothing insufficient (rule 27).
        (
            format!(
                r#"{REQUEST},
    Respond(at: "1h", team: "cn", action: "clarify", message: 1, insufficient: [])"#
            ),
            vec!["s.ron:"],
        ),
        // A field the request's action does not have (rule 27).
        (
            format!(
                r#"{REQUEST},
    Respond(at: "1h", team: "cn", action: "clarify", message: 1, insufficient: ["findings"])"#
            ),
            vec!["step 2 (Respond at 1h)", "findings"],
        ),
        // A clarification of a request whose reply is done (rule 27).
        (
            format!(
                r#"{REQUEST},
    Respond(at: "1h", team: "cn", action: "rfa-reply", message: 1,
            fields: {{"findings": "Seized", "contact": "Duty desk"}}),
    Respond(at: "1h5m", team: "cn", action: "clarify", message: 1, insufficient: ["summary"])"#
            ),
            vec!["step 3 (Respond at 1h5m)"],
        ),
        // A clarification of a message that is not a request: the sender's own (rule 27).
        (
            format!(
                r#"{REQUEST},
    Respond(at: "1h", team: "us", action: "clarify", message: 1, insufficient: ["summary"])"#
            ),
            vec!["step 2 (Respond at 1h)"],
        ),
        // A judgement without a reason (rule 38).
        (
            format!(
                r#"{REQUEST},
    Judge(at: "1h", expectation: "breach.rfa@us", insufficient: ["summary"])"#
            ),
            vec!["reason"],
        ),
        // A judgement of an expectation not done (rule 38).
        (
            r#"Judge(at: "1h", expectation: "breach.rfa@us", insufficient: ["summary"], reason: "r")"#
                .to_string(),
            vec!["step 1 (Judge at 1h)"],
        ),
        // A judgement of a field the satisfying action does not have (rule 38).
        (
            format!(
                r#"{REQUEST},
    Judge(at: "1h", expectation: "breach.rfa@us", insufficient: ["findings"], reason: "r")"#
            ),
            vec!["step 2 (Judge at 1h)", "findings"],
        ),
        // Only a judgement may follow `End` (rule 39).
        (
            r#"End(at: "1h"), Note(at: "2h", kind: Strength, text: "late")"#.to_string(),
            vec!["comes after the script's `End`"],
        ),
    ];
    for (steps, wanted) in cases {
        let path = dir.path().join("s.ron");
        std::fs::write(&path, format!("Script(steps: [\n    {steps},\n])")).unwrap();
        let output = Command::cargo_bin("ttx")
            .expect("the ttx binary is built")
            .args(["run", SCENARIO_FILE, "--script"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{steps}\n{err}");
        assert!(output.stdout.is_empty(), "no report for a failed play");
        for text in wanted {
            assert!(err.contains(text), "{steps}: `{text}` not in\n{err}");
        }
    }
}

/// The scenario checks as a file of format 3 (every key of it is read, none is an error).
#[test]
fn the_worked_case_validates() {
    let output = Command::cargo_bin("ttx")
        .expect("the ttx binary is built")
        .args(["validate", "--deny-warnings", SCENARIO_FILE])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.contains("(7 injects, 2 teams)"), "{out}");
}

/// Rule 33: a reply naming an amendment satisfies the original request's reply, even when
/// another request's reply, owed by the same team, has an earlier deadline (matching by the
/// earliest deadline would pick that one).
#[test]
fn a_reply_naming_an_amendment_answers_the_original_request() {
    const FIELDS: &str = r#"fields: {"summary": "Files copied", "indicators": "203.0.113.7 at 02:14 UTC",
                 "legal_basis": "MLAA Art. 3", "urgency": "urgent"}"#;
    let source = format!(
        r#"Script(steps: [
    Respond(at: "10m", team: "us", action: "rfa", inject: "breach", {FIELDS}),
    Respond(at: "15m", team: "us", action: "rfa", {FIELDS}),
    Respond(at: "20m", team: "cn", action: "clarify", message: 1, insufficient: ["summary"], note: "say which files"),
    Respond(at: "40m", team: "us", action: "rfa", message: 3, {FIELDS}),
    Respond(at: "50m", team: "cn", action: "rfa-reply", message: 4,
        fields: {{"findings": "Seen on our side too", "contact": "+86 10 0000 0000"}}),
    End(at: "1h"),
])"#
    );
    let script = load_script("s.ron", &source).expect("the script loads");
    let (exercise, _) = played_with(&script);
    let report = report_json(&exercise);
    let messages: Vec<(u64, String)> = report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["n"].as_u64().unwrap(),
                m["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (1, "rfa"),
            (2, "rfa"),
            (3, "clarify"),
            (4, "rfa"),
            (5, "rfa-reply")
        ]
        .map(|(n, a)| (n, a.to_string()))
    );
    let reply = numbered(&report["responses"], "4").expect("the reply");
    assert_eq!(reply["satisfied"], "msg-1.rfa-reply@cn");
    let cn = find(&report["teams"], "teams", "cn").expect("cn");
    let other = find(&cn["expectations"], "expectations", "msg-2.rfa-reply@cn").expect("msg 2");
    assert_eq!(other["done_at_s"], Value::Null);
}

/// `ttx report` writes its JSON streamed, the expectations and responses made as they are
/// written: byte for byte the report built whole, with format 3's keys (the worked case) and
/// with format 1's (the phishing exercise, whose responses are no JSON key).
#[test]
fn the_streamed_json_report_is_the_built_one() {
    let (worked_case, _) = played_with(&script());
    let phishing = read_journal(std::path::Path::new(
        "tests/fixtures/format-1-journal/phishing.jsonl",
    ))
    .expect("the format-1 journal reads");
    let no_debrief = ttx::debrief::Debrief::default();
    for (exercise, debrief) in [
        (&worked_case, &no_debrief),
        (&phishing.exercise, &phishing.debrief),
    ] {
        let mut streamed = Vec::new();
        Report::streamed(exercise, debrief)
            .write_json(&mut streamed)
            .expect("written to memory");
        assert_eq!(
            String::from_utf8(streamed).expect("UTF-8"),
            Report::evaluated(exercise, debrief).to_json()
        );
    }
}
