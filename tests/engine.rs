//! The engine's rules, one by one, on small scenarios: every trigger, status and credit rule,
//! with the edge cases the spec calls out.

mod common;

use std::sync::Arc;

use ttx::engine::{
    Answers, Command, Event, Exercise, InjectState, NoteKind, Outcome, Refusal, Response, Settings,
    Status,
};
use ttx::report::Report;
use ttx::scenario::{Scenario, Secs};

const ACTIONS: &str = r#"
    actions: [
        (id: "ack", name: "Acknowledge"),
        (id: "preserve", name: "Preserve evidence", teams: ["us"]),
        (id: "rfa", name: "Request assistance", fields: ["summary", "indicators", "contact"],
         message: (to: Others, reply: (action: "rfa-reply", within: "1h"))),
        (id: "rfa-reply", name: "Reply", fields: ["findings"], message: (to: Others)),
        (id: "decide", name: "Decide"),
    ],
"#;

/// A two-team scenario (`us`, `cn`) with the actions above and these injects.
fn scenario(extra: &str, injects: &str) -> Arc<Scenario> {
    let source = format!(
        r#"Scenario(title: "Test", {extra}
            objectives: [(id: "coord", name: "Coordinate")],
            teams: [(id: "us", name: "US"), (id: "cn", name: "CN")],
            {ACTIONS}
            injects: [{injects}],
        )"#
    );
    Arc::new(common::load("test.ron", &source))
}

fn start(scenario: &Arc<Scenario>) -> Exercise {
    let mut exercise = Exercise::new(Arc::clone(scenario), Settings::of(scenario));
    exercise.execute(Command::Start).unwrap();
    exercise
}

fn at(exercise: &mut Exercise, t: Secs) -> Vec<Event> {
    exercise.execute(Command::AdvanceTo(t)).unwrap()
}

fn respond(
    exercise: &mut Exercise,
    team: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Result<Vec<Event>, Refusal> {
    respond_to(exercise, team, action, fields, None)
}

fn respond_to(
    exercise: &mut Exercise,
    team: &str,
    action: &str,
    fields: &[(&str, &str)],
    answers: Option<Answers>,
) -> Result<Vec<Event>, Refusal> {
    let scenario = Arc::clone(exercise.scenario());
    exercise.execute(Command::Respond(Response {
        team: scenario.team_ix(team).unwrap(),
        action: scenario.action_ix(action).unwrap(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        note: None,
        answers,
        insufficient: Vec::new(),
    }))
}

fn release(exercise: &mut Exercise, inject: &str) -> Result<Vec<Event>, Refusal> {
    let ix = exercise.scenario().inject_ix(inject).unwrap();
    exercise.execute(Command::Release(ix))
}

fn released_at(exercise: &Exercise, inject: &str) -> Option<Secs> {
    match exercise.inject_state(exercise.scenario().inject_ix(inject).unwrap()) {
        InjectState::Released { at, .. } => Some(at),
        _ => None,
    }
}

/// (status, credit, done_at) of the expectation with this report id.
fn expectation(exercise: &Exercise, id: &str) -> (Status, Option<f64>, Option<Secs>) {
    let ix = (0..exercise.expectations().len())
        .map(ttx::engine::ExpectationIx)
        .find(|ix| exercise.expectation_id(*ix) == id)
        .unwrap_or_else(|| panic!("no expectation {id}"));
    let done = exercise.expectation(ix).done.as_ref().map(|d| d.at);
    (exercise.status(ix), exercise.credit(ix), done)
}

#[test]
fn at_trigger_releases_at_its_time_plus_delay() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("10m"), delay: "5m", to: ["us"], title: "A", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 899);
    assert_eq!(released_at(&x, "a"), None);
    assert!(matches!(
        x.inject_state(s.inject_ix("a").unwrap()),
        InjectState::Scheduled {
            fired_at: 600,
            release_at: 900
        }
    ));
    at(&mut x, 900);
    assert_eq!(released_at(&x, "a"), Some(900));
}

#[test]
fn released_trigger_chains_at_the_same_instant_with_zero_delay() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("1m"), to: ["us"], title: "A", body: "b"),
           (id: "b", when: Released("a"), to: ["cn"], title: "B", body: "b"),
           (id: "c", when: Released("b"), delay: "2m", to: ["cn"], title: "C", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 60);
    assert_eq!(released_at(&x, "b"), Some(60));
    assert_eq!(released_at(&x, "c"), None);
    at(&mut x, 180);
    assert_eq!(released_at(&x, "c"), Some(180));
}

#[test]
fn manual_inject_waits_for_the_facilitator() {
    let s = scenario(
        "",
        r#"(id: "m", when: Manual, to: ["us"], title: "M", body: "b", expect: [(action: "ack", within: "5m")])"#,
    );
    let mut x = start(&s);
    x.execute(Command::RunOut).unwrap();
    assert_eq!(released_at(&x, "m"), None);
    assert!(
        x.expectations().is_empty(),
        "an unreleased inject adds no expectations"
    );

    let mut x = start(&s);
    at(&mut x, 100);
    release(&mut x, "m").unwrap();
    assert_eq!(released_at(&x, "m"), Some(100));
    assert_eq!(
        release(&mut x, "m"),
        Err(Refusal::AlreadyReleased { inject: "m".into() })
    );
    at(&mut x, 401);
    assert_eq!(
        expectation(&x, "m.ack@us").0,
        Status::Overdue,
        "deadline runs from the actual release"
    );
}

#[test]
fn hand_release_ignores_delay_and_cancels_the_scheduled_release() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), delay: "1h", jitter: "10m", chance: 1.0, to: ["us"], title: "A", body: "b",
            expect: [(action: "ack", within: "10m")]),
           (id: "b", when: Released("a"), to: ["cn"], title: "B", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 300);
    release(&mut x, "a").unwrap();
    assert_eq!(released_at(&x, "a"), Some(300));
    assert_eq!(
        released_at(&x, "b"),
        Some(300),
        "triggers that wait on a hand release fire"
    );
    let events = at(&mut x, 7200);
    assert!(
        !events.iter().any(|e| matches!(e, Event::Released { .. })),
        "the cancelled scheduled release never happens: {events:?}"
    );
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Overdue);
}

#[test]
fn chance_zero_skips_and_its_waiters_never_fire() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), chance: 0.0, to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "1m")]),
           (id: "b", when: Released("a"), to: ["us"], title: "B", body: "b"),
           (id: "c", when: Missed("a.ack"), to: ["us"], title: "C", body: "b")"#,
    );
    let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
    let events = x.execute(Command::Start).unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Skipped { at: 0, .. }))
    );
    x.execute(Command::RunOut).unwrap();
    let report = Report::of(&x);
    assert!(report.injects[0].skipped);
    assert_eq!(report.injects[0].released_at_s, None);
    assert!(!report.injects[1].skipped && report.injects[1].released_at_s.is_none());
    assert!(
        report.teams.iter().all(|t| t.expectations.is_empty()),
        "a skipped inject adds nothing to any score"
    );
    assert_eq!(
        report.teams[0].score, None,
        "no scored expectation: no score"
    );
}

#[test]
fn jitter_is_drawn_from_the_seed_and_recorded() {
    let s = scenario(
        "seed: 42,",
        r#"(id: "a", when: At("1m"), jitter: "10m", to: ["us"], title: "A", body: "b")"#,
    );
    let run = || {
        let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
        let mut events = x.execute(Command::Start).unwrap();
        events.extend(x.execute(Command::RunOut).unwrap());
        events
    };
    let events = run();
    let (jitter, release_at) = events
        .iter()
        .find_map(|e| match e {
            Event::Scheduled {
                jitter_s,
                release_at,
                ..
            } => Some((*jitter_s, *release_at)),
            _ => None,
        })
        .unwrap();
    assert!(jitter <= 600);
    assert_eq!(release_at, 60 + jitter);
    assert_eq!(events, run(), "the same seed gives the same events");
}

#[test]
fn answer_exactly_at_the_deadline_is_on_time_and_missed_does_not_fire() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "nag", when: Missed("a.ack"), to: ["us"], title: "N", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 600);
    respond(&mut x, "us", "ack", &[]).unwrap();
    x.execute(Command::RunOut).unwrap();
    assert_eq!(
        expectation(&x, "a.ack@us"),
        (Status::Met, Some(1.0), Some(600))
    );
    assert_eq!(released_at(&x, "nag"), None);
}

#[test]
fn missed_fires_at_the_deadline_itself_and_the_contingency_has_its_own_expectations() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "nag", when: Missed("a.ack"), to: ["us"], title: "N", body: "b", expect: [(action: "ack", within: "5m")])"#,
    );
    let mut x = start(&s);
    at(&mut x, 600);
    assert_eq!(
        released_at(&x, "nag"),
        None,
        "deadlines at T wait for the answers at T"
    );
    at(&mut x, 601);
    assert_eq!(released_at(&x, "nag"), Some(600));
    // The late ack goes to the earliest deadline: the original, now overdue.
    respond(&mut x, "us", "ack", &[]).unwrap();
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Late);
    assert_eq!(expectation(&x, "nag.ack@us").0, Status::Open);
    respond(&mut x, "us", "ack", &[]).unwrap();
    x.execute(Command::End).unwrap();
    assert_eq!(
        expectation(&x, "a.ack@us"),
        (Status::Late, Some(0.5), Some(601))
    );
    assert_eq!(
        expectation(&x, "nag.ack@us"),
        (Status::Met, Some(1.0), Some(601))
    );
}

#[test]
fn contingency_of_a_missed_contingency_is_missed_at_the_end() {
    let s = scenario(
        r#"end: "1h","#,
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "nag", when: Missed("a.ack"), to: ["us"], title: "N", body: "b", expect: [(action: "ack", within: "50m")])"#,
    );
    let mut x = start(&s);
    x.execute(Command::RunOut).unwrap();
    assert_eq!(x.ended_at(), Some(3600));
    assert_eq!(released_at(&x, "nag"), Some(600));
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Missed);
    assert_eq!(
        expectation(&x, "nag.ack@us").0,
        Status::Missed,
        "due at the end time itself, then missed"
    );
}

#[test]
fn statuses_and_credit_follow_the_table() {
    let s = scenario(
        "late_credit: 0.25,",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [
            (action: "rfa", within: "10m", weight: 2.0, fields: ["summary", "indicators"]),
            (action: "preserve", within: "10m", weight: 3.0),
            (action: "ack", within: "10m", weight: 4.0),
           ]),
           (id: "b", when: At("0m"), to: ["us"], title: "B", body: "b", expect: [(action: "rfa", within: "5m", weight: 2.0)])"#,
    );
    let mut x = start(&s);
    at(&mut x, 60);
    // Earliest deadline first: b.rfa (5m) takes this one, with one of three fields.
    respond(
        &mut x,
        "us",
        "rfa",
        &[("summary", "s"), ("indicators", " \t"), ("contact", "")],
    )
    .unwrap();
    assert_eq!(
        expectation(&x, "b.rfa@us"),
        (Status::Incomplete, Some(2.0 / 3.0), Some(60))
    );
    respond(
        &mut x,
        "us",
        "rfa",
        &[("summary", "s"), ("indicators", "ip")],
    )
    .unwrap();
    assert_eq!(
        expectation(&x, "a.rfa@us"),
        (Status::Met, Some(2.0), Some(60))
    );
    at(&mut x, 700);
    respond(&mut x, "us", "preserve", &[]).unwrap();
    assert_eq!(
        expectation(&x, "a.preserve@us"),
        (Status::Late, Some(3.0 * 0.25), Some(700))
    );
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Overdue);
    x.execute(Command::End).unwrap();
    assert_eq!(
        expectation(&x, "a.ack@us"),
        (Status::Missed, Some(0.0), None)
    );
    let us = &Report::of(&x).teams[0];
    assert_eq!(us.weight, 11.0);
    assert_eq!(
        us.credit,
        2.0 + 0.75 + 0.0 + 2.0 / 3.0,
        "summed in report order"
    );
    assert_eq!(us.score, Some(us.credit / 11.0));
}

#[test]
fn late_with_missing_fields_lists_them_and_scales_credit() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "rfa", within: "10m")])"#,
    );
    let mut x = start(&s);
    at(&mut x, 900);
    respond(
        &mut x,
        "us",
        "rfa",
        &[("contact", "desk"), ("summary", "x")],
    )
    .unwrap();
    x.execute(Command::End).unwrap();
    let e = &Report::of(&x).teams[0].expectations[0];
    assert_eq!(e.status, Status::Late);
    assert_eq!(e.missing_fields, vec!["indicators"]);
    assert_eq!(e.credit, Some(1.0 * 0.5 * 2.0 / 3.0));
    assert_eq!(e.latency_s, Some(900));
}

#[test]
fn inject_to_several_teams_gives_each_a_copy_and_met_fires_on_the_first() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us", "cn"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "first", when: Met("a.ack"), to: ["us"], title: "F", body: "b"),
           (id: "cn-done", when: Met("a.ack@cn"), to: ["us"], title: "C", body: "b"),
           (id: "us-missed", when: Missed("a.ack@us"), to: ["us"], title: "U", body: "b"),
           (id: "any-missed", when: Missed("a.ack"), to: ["cn"], title: "Y", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 60);
    respond(&mut x, "us", "ack", &[]).unwrap();
    assert_eq!(released_at(&x, "first"), Some(60));
    assert_eq!(released_at(&x, "cn-done"), None);
    at(&mut x, 120);
    respond(&mut x, "cn", "ack", &[]).unwrap();
    assert_eq!(released_at(&x, "cn-done"), Some(120));
    x.execute(Command::RunOut).unwrap();
    assert_eq!(released_at(&x, "us-missed"), None);
    assert_eq!(released_at(&x, "any-missed"), None);
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Met);
    assert_eq!(expectation(&x, "a.ack@cn").0, Status::Met);
}

#[test]
fn missed_without_team_fires_when_any_copy_is_not_done() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us", "cn"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "any-missed", when: Missed("a.ack"), to: ["cn"], title: "Y", body: "b")"#,
    );
    let mut x = start(&s);
    respond(&mut x, "us", "ack", &[]).unwrap();
    x.execute(Command::RunOut).unwrap();
    assert_eq!(released_at(&x, "any-missed"), Some(600));
}

#[test]
fn hotline_message_obliges_a_reply_that_can_be_named() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "rfa", within: "30m", objective: "coord")])"#,
    );
    let mut x = start(&s);
    at(&mut x, 600);
    let events = respond(
        &mut x,
        "us",
        "rfa",
        &[("summary", "s"), ("indicators", "i"), ("contact", "c")],
    )
    .unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::MessageSent { n: 1, .. }))
    );
    assert_eq!(
        x.messages()[0].to,
        vec![s.team_ix("cn").unwrap()],
        "the sender never receives its own message"
    );
    at(&mut x, 1200);
    // The sender names a message it did not receive: refused (Precise rule 7).
    assert_eq!(
        respond_to(
            &mut x,
            "us",
            "rfa-reply",
            &[("findings", "f")],
            Some(Answers::Message(1)),
        ),
        Err(Refusal::MessageNotReceived {
            team: "us".into(),
            n: 1
        })
    );
    respond_to(
        &mut x,
        "cn",
        "rfa-reply",
        &[("findings", "f")],
        Some(Answers::Message(1)),
    )
    .unwrap();
    assert_eq!(
        expectation(&x, "msg-1.rfa-reply@cn"),
        (Status::Met, Some(1.0), Some(1200))
    );
    assert_eq!(
        x.messages().len(),
        2,
        "every accepted message-action sends a message"
    );
    assert_eq!(
        respond_to(&mut x, "cn", "rfa-reply", &[], Some(Answers::Message(9))),
        Err(Refusal::UnknownMessage { n: 9, sent: 2 })
    );
    x.execute(Command::End).unwrap();
    let report = Report::of(&x);
    assert_eq!(report.teams[1].expectations[0].message, Some(1));
    assert_eq!(report.teams[1].expectations[0].inject, None);
    assert_eq!(report.teams[0].objectives[0].id, "coord");
    assert!(report.teams[1].objectives.is_empty());
}

#[test]
fn a_response_naming_an_inject_without_a_candidate_counts_for_the_earliest() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "b", when: At("0m"), to: ["us"], title: "B", body: "b", expect: [(action: "ack", within: "1h")]),
           (id: "c", when: Manual, to: ["us"], title: "C", body: "b", expect: [(action: "ack", within: "1h")])"#,
    );
    let mut x = start(&s);
    let b = s.inject_ix("b").unwrap();
    respond_to(&mut x, "us", "ack", &[], Some(Answers::Inject(b))).unwrap();
    assert_eq!(expectation(&x, "b.ack@us").0, Status::Met);
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Open);
    // An inject not yet released cannot be named: refused (Precise rule 7).
    let c = s.inject_ix("c").unwrap();
    assert_eq!(
        respond_to(&mut x, "us", "ack", &[], Some(Answers::Inject(c))),
        Err(Refusal::InjectNotReceived {
            team: "us".into(),
            inject: "c".into()
        })
    );
    // Named again: b is done, so the answer counts for the earliest due, a (rule 7).
    respond_to(&mut x, "us", "ack", &[], Some(Answers::Inject(b))).unwrap();
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Met);
    // Nothing left to count for: unexpected.
    let events = respond_to(&mut x, "us", "ack", &[], Some(Answers::Inject(b))).unwrap();
    assert!(matches!(
        events[0],
        Event::Responded {
            outcome: Outcome::Unexpected,
            ..
        }
    ));
}

#[test]
fn ties_go_to_the_earlier_release_then_file_order() {
    let s = scenario(
        "",
        r#"(id: "late-file", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "20m")]),
           (id: "x", when: At("10m"), to: ["us"], title: "X", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "y", when: At("0m"), to: ["us"], title: "Y", body: "b", expect: [(action: "ack", within: "20m")])"#,
    );
    let mut x = start(&s);
    at(&mut x, 600);
    respond(&mut x, "us", "ack", &[]).unwrap();
    respond(&mut x, "us", "ack", &[]).unwrap();
    assert_eq!(
        expectation(&x, "late-file.ack@us").0,
        Status::Met,
        "released at 0, first in file"
    );
    assert_eq!(
        expectation(&x, "y.ack@us").0,
        Status::Met,
        "released at 0 beats x released at 10m"
    );
    assert_eq!(expectation(&x, "x.ack@us").0, Status::Open);
}

#[test]
fn refusals_change_nothing() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us", "cn"], title: "A", body: "b", expect: [(action: "ack", within: "10m")])"#,
    );
    let mut x = start(&s);
    at(&mut x, 0);
    let before = Report::of(&x);
    assert_eq!(
        respond(&mut x, "cn", "preserve", &[]),
        Err(Refusal::ActionNotAllowed {
            team: "cn".into(),
            action: "preserve".into()
        })
    );
    let unknown_field = |x: &mut Exercise, action: &str| {
        respond(x, "us", action, &[("motive", "x")]).map_err(|refusal| refusal.to_string())
    };
    assert_eq!(
        unknown_field(&mut x, "rfa"),
        Err("action `rfa` has no field `motive` (its fields: summary, indicators, contact)".into())
    );
    assert_eq!(
        unknown_field(&mut x, "ack"),
        Err("action `ack` has no field `motive` (its fields: none)".into())
    );
    assert!(matches!(
        respond(&mut x, "us", "rfa", &[("summary", "x"), ("summary", "y")]),
        Err(Refusal::FieldTwice { .. })
    ));
    assert_eq!(
        x.execute(Command::AdvanceTo(0)).map(|e| e.len()),
        Ok(0),
        "advancing to now is a no-op"
    );
    assert_eq!(Report::of(&x), before);
    x.execute(Command::End).unwrap();
    assert_eq!(respond(&mut x, "us", "ack", &[]), Err(Refusal::Ended));
    assert!(
        x.execute(Command::Note {
            team: None,
            objective: None,
            kind: NoteKind::Strength,
            text: "hot wash".into()
        })
        .is_ok()
    );
}

#[test]
fn taken_fires_on_every_accepted_response_expected_or_not_and_per_team() {
    let s = scenario(
        "",
        r#"(id: "any", when: Taken("decide"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "5m")]),
           (id: "by-cn", when: Taken("decide@cn"), delay: "1m", to: ["cn"], title: "B", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 100);
    respond(&mut x, "us", "decide", &[]).unwrap();
    assert_eq!(
        released_at(&x, "any"),
        Some(100),
        "released at the same instant"
    );
    assert_eq!(
        x.inject_state(s.inject_ix("by-cn").unwrap()),
        InjectState::Waiting
    );
    respond(&mut x, "cn", "decide", &[]).unwrap();
    at(&mut x, 160);
    assert_eq!(released_at(&x, "by-cn"), Some(160));
    assert_eq!(
        Report::of(&x).unexpected.len(),
        2,
        "a decision is an unexpected action"
    );
}

#[test]
fn without_an_end_the_exercise_ends_once_nothing_automatic_remains() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("1h"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "30m")])"#,
    );
    let mut x = start(&s);
    at(&mut x, 60);
    x.execute(Command::RunOut).unwrap();
    assert_eq!(x.ended_at(), Some(5400), "after the last deadline");
    assert_eq!(expectation(&x, "a.ack@us").0, Status::Missed);
}

#[test]
fn the_planned_end_stops_the_clock_and_refuses_later_commands() {
    let s = scenario(
        r#"end: "1h","#,
        r#"(id: "a", when: At("2h"), to: ["us"], title: "A", body: "b")"#,
    );
    let mut x = start(&s);
    at(&mut x, 3600);
    assert_eq!(x.ended_at(), None, "answers at the end time still count");
    at(&mut x, 4000);
    assert_eq!(x.ended_at(), Some(3600));
    assert_eq!(released_at(&x, "a"), None);
    assert_eq!(x.execute(Command::AdvanceTo(5000)), Err(Refusal::Ended));
}

#[test]
fn pause_resume_and_speed_are_recorded_but_change_no_judgement() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b")"#,
    );
    let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
    assert_eq!(x.execute(Command::Pause), Err(Refusal::NotStarted));
    x.execute(Command::Start).unwrap();
    assert_eq!(x.execute(Command::Resume), Err(Refusal::AlreadyRunning));
    x.execute(Command::Pause).unwrap();
    assert!(!x.is_running());
    x.execute(Command::SetSpeed(60.0)).unwrap();
    assert_eq!(x.speed(), 60.0);
    assert_eq!(
        x.execute(Command::SetSpeed(0.0)),
        Err(Refusal::BadSpeed(0.0))
    );
    x.execute(Command::Resume).unwrap();
    assert!(x.is_running());
}

#[test]
fn replaying_the_events_rebuilds_the_same_exercise() {
    let s = scenario(
        "seed: 3,",
        r#"(id: "a", when: At("0m"), jitter: "5m", to: ["us", "cn"], title: "A", body: "b", expect: [(action: "ack", within: "10m"), (action: "rfa", within: "1h")]),
           (id: "nag", when: Missed("a.ack@cn"), to: ["cn"], title: "N", body: "b", expect: [(action: "ack", within: "5m")])"#,
    );
    let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
    let mut events = x.execute(Command::Start).unwrap();
    events.extend(at(&mut x, 400));
    events.extend(respond(&mut x, "us", "ack", &[]).unwrap());
    events.extend(respond(&mut x, "us", "rfa", &[("summary", "s")]).unwrap());
    events.extend(at(&mut x, 2000));
    events.extend(respond(&mut x, "cn", "rfa-reply", &[("findings", "f")]).unwrap());
    let replayed = Exercise::replay(Arc::clone(&s), x.settings(), &events).unwrap();
    assert_eq!(Report::of(&replayed), Report::of(&x));
    assert_eq!(replayed.next_due_at(), x.next_due_at());

    // A doctored journal is refused, not folded in.
    let mut doctored = events.clone();
    doctored.push(Event::Released {
        at: 2000,
        inject: s.inject_ix("a").unwrap(),
        by_hand: true,
    });
    assert!(Exercise::replay(Arc::clone(&s), x.settings(), &doctored).is_err());
}

#[test]
fn a_checkpoint_records_quiet_time_so_a_replay_reopens_there() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("2h"), to: ["us"], title: "A", body: "b")"#,
    );
    let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
    let mut events = x.execute(Command::Start).unwrap();
    assert!(
        x.execute(Command::Checkpoint).unwrap().is_empty(),
        "nothing to record at 0"
    );
    events.extend(at(&mut x, 1800));
    events.extend(x.execute(Command::Checkpoint).unwrap());
    assert_eq!(events.last(), Some(&Event::Clock { at: 1800 }));
    assert!(
        x.execute(Command::Checkpoint).unwrap().is_empty(),
        "recorded once"
    );
    let replayed = Exercise::replay(Arc::clone(&s), x.settings(), &events).unwrap();
    assert_eq!(replayed.now(), 1800);
}

/// Doctored journals: each edit below makes a sequence of events the rules could not have
/// produced, and each is refused when replayed.
#[test]
fn a_replay_refuses_what_the_rules_could_not_have_produced() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "rfa", within: "10m")]),
           (id: "never", when: At("1m"), chance: 0.0, to: ["us"], title: "N", body: "b"),
           (id: "later", when: At("1h"), to: ["cn"], title: "L", body: "b"),
           (id: "nag", when: Missed("a.rfa"), to: ["us"], title: "G", body: "b")"#,
    );
    let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
    let mut events = x.execute(Command::Start).unwrap();
    events.extend(at(&mut x, 120));
    events.extend(respond(&mut x, "cn", "rfa", &[("summary", "s")]).unwrap());
    events.extend(at(&mut x, 4000));
    events.extend(x.execute(Command::End).unwrap());
    let settings = x.settings();
    let replays = |events: &[Event]| Exercise::replay(Arc::clone(&s), settings, events);
    assert!(replays(&events).is_ok());
    let position = |wanted: &dyn Fn(&Event) -> bool| events.iter().position(wanted).unwrap();
    let never = s.inject_ix("never").unwrap();

    // The chance-0 inject "fires" with a draw its chance forbids.
    let mut forged = events.clone();
    let skip = position(&|e| matches!(e, Event::Skipped { inject, .. } if *inject == never));
    forged[skip] = Event::Scheduled {
        at: 60,
        inject: never,
        chance_draw: 0.99,
        jitter_s: 0,
        release_at: 60,
    };
    assert!(replays(&forged).is_err());

    // A message sent twice by one response.
    let mut doubled = events.clone();
    let message = position(&|e| matches!(e, Event::MessageSent { .. }));
    let mut copy = doubled[message].clone();
    if let Event::MessageSent { n, .. } = &mut copy {
        *n = 2;
    }
    doubled.insert(message + 1, copy);
    assert!(replays(&doubled).is_err());

    // The missed deadline and the contingency it released, deleted.
    let trimmed: Vec<Event> = events
        .iter()
        .filter(|e| !matches!(e, Event::DeadlinePassed { .. }))
        .filter(|e| !matches!(e, Event::Scheduled { inject, .. } | Event::Released { inject, .. } if *inject == s.inject_ix("nag").unwrap()))
        .cloned()
        .collect();
    assert!(replays(&trimmed).is_err());

    // An `At("1h")` inject scheduled at the start.
    let mut early = events.clone();
    let later = s.inject_ix("later").unwrap();
    let fire = position(&|e| matches!(e, Event::Scheduled { inject, .. } if *inject == later));
    let moved = early.remove(fire);
    let Event::Scheduled { chance_draw, .. } = moved else {
        unreachable!()
    };
    early.insert(
        1,
        Event::Scheduled {
            at: 0,
            inject: later,
            chance_draw,
            jitter_s: 0,
            release_at: 0,
        },
    );
    assert!(replays(&early).is_err());
}

#[test]
fn a_replay_refuses_events_moved_in_time() {
    let s = scenario(
        r#"end: "1h","#,
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "rfa", within: "10m")]),
           (id: "b", when: Taken("rfa"), delay: "5m", to: ["cn"], title: "B", body: "b")"#,
    );
    let mut x = Exercise::new(Arc::clone(&s), Settings::of(&s));
    let mut events = x.execute(Command::Start).unwrap();
    events.extend(at(&mut x, 60));
    events.extend(respond(&mut x, "us", "rfa", &[("summary", "s")]).unwrap());
    events.extend(x.execute(Command::RunOut).unwrap());
    let settings = x.settings();
    let replays = |events: &[Event]| Exercise::replay(Arc::clone(&s), settings, events);
    assert!(replays(&events).is_ok());
    let retimed = |pick: &dyn Fn(&Event) -> bool, shift: u64| {
        let mut moved = events.clone();
        let i = moved.iter().position(pick).unwrap();
        match &mut moved[i] {
            Event::MessageSent { at, .. } | Event::Scheduled { at, .. } | Event::Ended { at } => {
                *at += shift
            }
            _ => unreachable!(),
        }
        moved
    };
    // The message leaves later than the response that sent it.
    assert!(replays(&retimed(&|e| matches!(e, Event::MessageSent { .. }), 500)).is_err());
    // The trigger's draw is recorded later than the trigger fired.
    let b = s.inject_ix("b").unwrap();
    assert!(
        replays(&retimed(
            &|e| matches!(e, Event::Scheduled { inject, .. } if *inject == b),
            100
        ))
        .is_err()
    );
    // The exercise ends after its planned end.
    assert!(replays(&retimed(&|e| matches!(e, Event::Ended { .. }), 60)).is_err());
    // An observation after the end, at a later time.
    let mut late_note = events.clone();
    late_note.push(Event::Noted {
        at: 4000,
        team: None,
        objective: None,
        kind: NoteKind::Strength,
        text: "x".into(),
        hot_wash: false,
    });
    assert!(replays(&late_note).is_err());
}

/// The draw a seed gives an inject decides it: a journal cannot make a skipped inject fire, nor
/// keep its draws under another seed.
#[test]
fn a_replay_refuses_draws_the_seed_does_not_give() {
    let s = scenario(
        "",
        r#"(id: "coin", when: At("1m"), chance: 0.5, jitter: "5m", to: ["us"], title: "C", body: "b")"#,
    );
    // A seed under which the coin inject is skipped.
    let seed = (0..100)
        .find(|seed| {
            let settings = Settings {
                seed: *seed,
                ..Settings::of(&s)
            };
            let mut x = Exercise::new(Arc::clone(&s), settings);
            x.execute(Command::Start).unwrap();
            at(&mut x, 120)
                .iter()
                .any(|e| matches!(e, Event::Skipped { .. }))
        })
        .unwrap();
    let settings = Settings {
        seed,
        ..Settings::of(&s)
    };
    let mut x = Exercise::new(Arc::clone(&s), settings);
    let mut events = x.execute(Command::Start).unwrap();
    events.extend(at(&mut x, 1200));
    events.extend(x.execute(Command::End).unwrap());
    let replays = |settings: Settings, events: &[Event]| {
        Exercise::replay(Arc::clone(&s), settings, events).map_err(|e| e.to_string())
    };
    assert!(replays(settings, &events).is_ok());

    // Rewritten as scheduled and released, with a draw its chance allows.
    let skip = events
        .iter()
        .position(|e| matches!(e, Event::Skipped { .. }))
        .unwrap();
    let coin = s.inject_ix("coin").unwrap();
    let mut forged = events.clone();
    forged[skip] = Event::Scheduled {
        at: 60,
        inject: coin,
        chance_draw: 0.25,
        jitter_s: 0,
        release_at: 60,
    };
    forged.insert(
        skip + 1,
        Event::Released {
            at: 60,
            inject: coin,
            by_hand: false,
        },
    );
    let error = replays(settings, &forged).unwrap_err();
    assert!(
        error.contains(&format!("seed {seed} does not give")),
        "{error}"
    );

    // The same journal under another seed (the header's seed changed).
    let other = Settings {
        seed: seed + 1,
        ..settings
    };
    let error = replays(other, &events).unwrap_err();
    assert!(error.contains("the header's seed was edited"), "{error}");
}

/// A journal that ends with a deadline and its contingency reopens at the deadline's second: an
/// answer given then is late, as the released contingency says, not "met with 0 s to spare".
/// The same holds for a forged journal that moves a late answer back to that second.
#[test]
fn an_answer_after_its_deadline_passed_stays_late_even_at_the_deadline_second() {
    let s = scenario(
        "",
        r#"(id: "a", when: At("0m"), to: ["us"], title: "A", body: "b", expect: [(action: "ack", within: "10m")]),
           (id: "nag", when: Missed("a.ack"), to: ["us"], title: "G", body: "b")"#,
    );
    let mut live = Exercise::new(Arc::clone(&s), Settings::of(&s));
    let mut events = live.execute(Command::Start).unwrap();
    events.extend(at(&mut live, 601));
    assert!(
        matches!(events.last(), Some(Event::Released { at: 600, .. })),
        "{events:?}"
    );
    // The room was interrupted here; the journal reopens at 600.
    let mut resumed = Exercise::replay(Arc::clone(&s), live.settings(), &events).unwrap();
    assert_eq!(resumed.now(), 600);
    let mut answer = respond(&mut resumed, "us", "ack", &[]).unwrap();
    let (status, _, done) = expectation(&resumed, "a.ack@us");
    assert_eq!((status, done), (Status::Late, Some(600)));
    assert_eq!(released_at(&resumed, "nag"), Some(600));

    // Replayed from its journal, the verdict is the same.
    events.append(&mut answer);
    let replayed = Exercise::replay(Arc::clone(&s), live.settings(), &events).unwrap();
    assert_eq!(expectation(&replayed, "a.ack@us").0, Status::Late);
    assert_eq!(Report::of(&replayed), Report::of(&resumed));
}
