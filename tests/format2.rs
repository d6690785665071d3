//! Format 2 end to end: the second worked example's facts, its journal, a journal of format 1,
//! and the rules of format 2 one at a time.

mod common;

use std::sync::Arc;

use serde_json::Value;
use ttx::engine::{Answers, Command, Exercise, Outcome, Refusal, Response, Settings, Status};
use ttx::journal::{Header, JournalWriter, read_journal};
use ttx::play::play;
use ttx::report::Report;
use ttx::script::load_script;
use ttx::words::expectation_title;

const SCENARIO: &str = include_str!("fixtures/example-2/scenario.ron");
const SCRIPT: &str = include_str!("fixtures/example-2/script.ron");
const FACTS: &str = include_str!("fixtures/example-2/facts.json");

fn played() -> (Exercise, Vec<ttx::engine::Event>) {
    let scenario = Arc::new(common::load("scenario.ron", SCENARIO));
    let script = load_script("script.ron", SCRIPT).expect("the script loads");
    play(scenario, &script, "script.ron").expect("the script plays")
}

fn report_json(exercise: &Exercise) -> Value {
    serde_json::from_str(&Report::of(exercise).to_json()).expect("the report is JSON")
}

/// A value of the report equals the fact: floats to 1e-6, everything else exactly.
fn same(got: &Value, want: &Value) -> bool {
    match (got.as_f64(), want.as_f64()) {
        (Some(a), Some(b)) if got.is_f64() || want.is_f64() => (a - b).abs() < 1e-6,
        _ => got == want,
    }
}

/// Every fact of facts.json that the report does not have, described.
fn unmet_facts(report: &Value) -> Vec<String> {
    let facts: Value = serde_json::from_str(FACTS).expect("facts.json is JSON");
    let mut unmet = Vec::new();
    let mut check = |what: String, got: &Value, want: &Value| {
        if !same(got, want) {
            unmet.push(format!("{what}: got {got}, want {want}"));
        }
    };
    check(
        "ended_at_s".into(),
        &report["ended_at_s"],
        &facts["ended_at_s"],
    );
    let teams = report["teams"].as_array().expect("teams");
    let team = |id: &str| {
        teams
            .iter()
            .find(|t| t["id"] == id)
            .unwrap_or_else(|| panic!("no team {id}"))
    };
    for (id, score) in facts["scores"].as_object().expect("scores") {
        check(format!("score of {id}"), &team(id)["score"], score);
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
    let expectations: Vec<&Value> = teams
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
        for (key, want) in keys.as_object().expect("keys") {
            let got = e
                .get(key)
                .cloned()
                .unwrap_or(Value::String("(absent)".into()));
            check(format!("{id}.{key}"), &got, want);
        }
    }
    for (id, at) in facts["released"].as_object().expect("released") {
        let inject = report["injects"]
            .as_array()
            .expect("injects")
            .iter()
            .find(|i| i["id"] == *id)
            .unwrap_or_else(|| panic!("no inject {id}"));
        check(format!("release of {id}"), &inject["released_at_s"], at);
    }
    let rows = |key: &str, fields: &[&str]| -> Value {
        report[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|item| {
                fields
                    .iter()
                    .map(|f| {
                        item.get(*f)
                            .cloned()
                            .unwrap_or(Value::String("(absent)".into()))
                    })
                    .collect::<Vec<_>>()
            })
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
    check(
        "unexpected".into(),
        &rows("unexpected", &["team", "action", "at_s", "ahead"]),
        &facts["unexpected"],
    );
    check(
        "responses".into(),
        &rows("responses", &["n", "at_s", "team", "action", "satisfied"]),
        &facts["responses"],
    );
    check(
        "notes".into(),
        &Value::from(report["notes"].as_array().expect("notes").len()),
        &facts["notes"],
    );
    unmet
}

#[test]
fn the_second_worked_example_has_every_fact() {
    let (exercise, _) = played();
    let unmet = unmet_facts(&report_json(&exercise));
    assert!(unmet.is_empty(), "{}", unmet.join("\n"));
}

#[test]
fn the_second_worked_example_replays_from_its_journal() {
    let (exercise, events) = played();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example-2.jsonl");
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
    assert!(unmet_facts(&replayed).is_empty());
}

/// A journal written by the ttx of format 1 (before this version) still reads, and its report is
/// the first worked example's, byte for byte.
#[test]
fn a_format_1_journal_still_reads() {
    let loaded = read_journal(std::path::Path::new(
        "tests/fixtures/format-1-journal/phishing.jsonl",
    ))
    .expect("a format-1 journal reads");
    assert_eq!(loaded.header.ttx_journal, 1);
    assert_eq!(
        Report::of(&loaded.exercise).to_json(),
        include_str!("fixtures/phishing-example/report.json")
    );
}

// ---- one rule at a time, on the second example's scenario ----

fn started() -> Exercise {
    let scenario = Arc::new(common::load("scenario.ron", SCENARIO));
    let mut x = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
    x.execute(Command::Start).unwrap();
    x
}

fn response(x: &Exercise, team: &str, action: &str, answers: Option<Answers>) -> Response {
    let s = x.scenario();
    Response {
        team: s.team_ix(team).unwrap(),
        action: s.action_ix(action).unwrap(),
        fields: Vec::new(),
        note: None,
        answers,
        insufficient: Vec::new(),
    }
}

fn status_of(x: &Exercise, id: &str) -> Status {
    x.status(x.expectation_by_id(id).unwrap_or_else(|| panic!("no {id}")))
}

#[test]
fn a_response_naming_an_item_with_no_candidate_counts_for_the_earliest() {
    let mut x = started();
    let breach = Some(Answers::Inject(x.scenario().inject_ix("breach").unwrap()));
    x.execute(Command::Respond(response(&x, "a", "ack", breach)))
        .unwrap();
    // Brevia opens its case ahead, so case-opened is released with servers at 1h.
    x.execute(Command::Respond(response(&x, "b", "open-case", None)))
        .unwrap();
    x.execute(Command::AdvanceTo(3600)).unwrap();
    // breach.ack is done: naming `breach` again falls back to case-opened.ack (rule 7).
    let again = response(&x, "a", "ack", breach);
    let expected = x.expectation_by_id("case-opened.ack@a");
    assert_eq!(
        x.would_satisfy(again.team, again.action, again.answers),
        Ok(expected)
    );
    x.execute(Command::Respond(again)).unwrap();
    assert_eq!(status_of(&x, "case-opened.ack@a"), Status::Met);
}

#[test]
fn naming_an_inject_not_received_is_refused() {
    let mut x = started();
    let servers = Some(Answers::Inject(x.scenario().inject_ix("servers").unwrap()));
    let refused = x.execute(Command::Respond(response(&x, "a", "ack", servers)));
    assert!(
        matches!(refused, Err(Refusal::InjectNotReceived { .. })),
        "{refused:?}"
    );
}

#[test]
fn a_ready_response_is_not_unexpected_while_the_exercise_runs() {
    let mut x = started();
    x.execute(Command::AdvanceTo(60)).unwrap();
    let events = x
        .execute(Command::Respond(response(&x, "b", "open-case", None)))
        .unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        ttx::engine::Event::Responded {
            outcome: Outcome::Ready,
            ..
        }
    )));
    assert!(report_json(&x)["unexpected"].as_array().unwrap().is_empty());
    x.execute(Command::AdvanceTo(3600)).unwrap();
    let e = x.expectation_by_id("servers.open-case@b").unwrap();
    let done = x.expectation(e).done.clone().unwrap();
    assert_eq!((done.at, done.ahead), (60, true));
    assert_eq!(x.expectation(e).latency(), Some(0));
    // Met fired at the release: case-opened is released at the same instant.
    let case_opened = x.scenario().inject_ix("case-opened").unwrap();
    assert!(matches!(
        x.inject_state(case_opened),
        ttx::engine::InjectState::Released { at: 3600, .. }
    ));
}

#[test]
fn ending_early_leaves_later_deadlines_not_due_and_unscored() {
    let mut x = started();
    x.execute(Command::AdvanceTo(600)).unwrap();
    x.execute(Command::End).unwrap();
    // breach.ack was due at 15m: not yet when the exercise ended at 10m.
    assert_eq!(status_of(&x, "breach.ack@a"), Status::NotDue);
    let report = report_json(&x);
    let a = &report["teams"][0];
    assert_eq!(a["score"], Value::Null);
    assert_eq!(a["weight"], 0.0);
    assert_eq!(a["expectations"][0]["credit"], Value::Null);
}

#[test]
fn a_free_message_is_checked() {
    let mut x = started();
    let (a, b) = (
        x.scenario().team_ix("a").unwrap(),
        x.scenario().team_ix("b").unwrap(),
    );
    let say = |to: Option<Vec<_>>, text: &str, in_reply_to| Command::Say {
        team: a,
        to,
        text: text.into(),
        in_reply_to,
    };
    assert_eq!(
        x.execute(say(Some(vec![a]), "hi", None)),
        Err(Refusal::MessageToSelf { team: "a".into() })
    );
    assert_eq!(x.execute(say(None, "  ", None)), Err(Refusal::EmptyMessage));
    assert!(matches!(
        x.execute(say(None, "hi", Some(1))),
        Err(Refusal::UnknownMessage { n: 1, .. })
    ));
    x.execute(say(None, "Hello Brevia", None)).unwrap();
    let m = &x.messages()[0];
    assert_eq!((m.n, m.to.clone(), m.action), (1, vec![b], None));
    // A team cannot answer a message it sent.
    assert!(matches!(
        x.execute(say(None, "again", Some(1))),
        Err(Refusal::MessageNotReceived { n: 1, .. })
    ));
}

#[test]
fn a_decision_is_met_by_any_of_its_choices_and_records_the_choice() {
    let mut x = started();
    x.execute(Command::AdvanceTo(4 * 3600 + 60)).unwrap();
    x.execute(Command::Respond(response(&x, "a", "decline-jit", None)))
        .unwrap();
    let ix = x.expectation_by_id("jit.decision@a").unwrap();
    assert_eq!(x.status(ix), Status::Met);
    assert_eq!(
        x.expectation(ix).action,
        x.scenario().action_ix("decline-jit")
    );
    assert!(
        expectation_title(&x, ix).contains("chose Decline a joint investigation team"),
        "{}",
        expectation_title(&x, ix)
    );
}

/// A format-1 journal is replayed by format 1's rules: a response that named an item with no
/// candidate stayed unexpected then, and must stay so when the journal is read back.
#[test]
fn a_format_1_journal_is_replayed_by_format_1_rules() {
    let source = include_str!("fixtures/phishing-example/scenario.ron");
    let scenario = Arc::new(common::load("scenario.ron", source));
    let settings = Settings::of(&scenario);
    let mut x = Exercise::with_rules(Arc::clone(&scenario), settings, ttx::engine::Rules::Format1);
    let mut events = x.execute(Command::Start).unwrap();
    let wave = Some(Answers::Inject(scenario.inject_ix("mail-wave").unwrap()));
    for _ in 0..2 {
        let mut ack = response(&x, "soc", "ack", wave);
        ack.answers = wave;
        events.extend(x.execute(Command::Respond(ack)).unwrap());
    }
    let last = x.responses().last().unwrap();
    assert_eq!(
        last.outcome,
        Outcome::Unexpected,
        "format 1 does not fall back"
    );
    events.extend(x.execute(Command::End).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.jsonl");
    let mut header = Header::new("scenario.ron", source, &scenario, settings);
    header.ttx_journal = 1;
    let mut writer = JournalWriter::create(&path, &header).unwrap();
    writer.append(&x, &events).unwrap();
    let loaded = read_journal(&path).expect("the format-1 journal reads");
    assert_eq!(loaded.events, events);
    assert_eq!(Report::of(&loaded.exercise), Report::of(&x));
}

/// The first complaint, on the built-in scenario: a complete request for assistance sent
/// before the inject that asks for it counts, and the "why has Brevia not been asked?"
/// contingency does not fire.
#[test]
fn an_early_request_for_assistance_counts_in_the_built_in_scenario() {
    let source = include_str!("../scenarios/cross-border-breach.ron");
    let scenario = Arc::new(common::load("cross-border-breach.ron", source));
    let mut x = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
    x.execute(Command::Start).unwrap();
    x.execute(Command::AdvanceTo(3600)).unwrap();
    // Complete as format 3 judges it: indicators of at least three words, one of the urgencies.
    let fields = [
        ("summary", "Personnel records sent to Kestrel Hosting"),
        ("indicators", "198.51.100.23 from 20:03 UTC"),
        ("legal_basis", "ABCCA Art. 9"),
        ("contact", "NCSA 24/7 desk, +99 20 555 0100"),
        ("urgency", "urgent"),
    ]
    .map(|(f, text)| (f.to_string(), text.to_string()));
    let mut rfa = response(&x, "aldera", "rfa", None);
    rfa.fields = fields.to_vec();
    x.execute(Command::Respond(rfa)).unwrap();
    x.execute(Command::AdvanceTo(8 * 3600)).unwrap();
    let ix = x.expectation_by_id("breach-confirmed.rfa@aldera").unwrap();
    assert_eq!(x.status(ix), Status::Met);
    assert!(x.expectation(ix).done.as_ref().unwrap().ahead);
    let not_sent = scenario.inject_ix("rfa-not-sent").unwrap();
    assert_eq!(
        x.inject_state(not_sent),
        ttx::engine::InjectState::Waiting,
        "the contingency does not fire for a request already sent"
    );
}
