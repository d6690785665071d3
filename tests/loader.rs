//! Loading scenario and script files: the worked example, and one test per kind of mistake.

use ttx::scenario::*;

const EXAMPLE: &str = include_str!("fixtures/phishing-example/scenario.ron");

fn example() -> Scenario {
    match load_scenario("scenario.ron", EXAMPLE) {
        Ok(s) => s,
        Err(diagnostics) => panic!("{}", diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

#[test]
fn example_loads_into_the_expected_model() {
    let s = example();
    assert_eq!(s.title, "Phishing wave");
    assert_eq!((s.speed, s.end, s.seed, s.late_credit), (1.0, Some(4 * 3600), 0, 0.5));
    assert_eq!(s.teams.len(), 2);
    assert_eq!(s.actions.len(), 6);
    assert_eq!(s.injects.len(), 6);
    let heads_up = s.inject(s.inject_ix("cert-heads-up").unwrap());
    assert_eq!(heads_up.when, Trigger::Released(InjectIx(0)));
    assert_eq!(heads_up.delay, 1200);
    assert_eq!(heads_up.to, vec![TeamIx(1)]);
    let wave = s.inject(InjectIx(0));
    assert_eq!(wave.when, Trigger::At(0));
    assert_eq!(wave.from.as_deref(), Some("Mail gateway"));
    let report = &wave.expect[2];
    assert_eq!(report.action, s.action_ix("report").unwrap());
    assert_eq!(report.fields, vec![0, 1]);
    assert_eq!(report.by, vec![TeamIx(0)]);
    assert_eq!(report.objective, s.objective_ix("report"));
    assert_eq!(report.within, 3600);
    assert_eq!(wave.expect[1].weight, 2.0);
    assert_eq!(wave.expect[0].fields, Vec::<usize>::new());
    let no_report = s.inject(s.inject_ix("no-report").unwrap());
    assert_eq!(
        no_report.when,
        Trigger::Missed(ExpectationRef { inject: InjectIx(0), expectation: 2, team: Some(TeamIx(0)) })
    );
    assert_eq!(no_report.expect[0].fields, vec![0, 1, 2]);
    let takedown = s.inject(s.inject_ix("takedown-request").unwrap());
    assert_eq!(takedown.when, Trigger::Met(ExpectationRef { inject: InjectIx(0), expectation: 1, team: None }));
    let warning = s.inject(s.inject_ix("public-warning").unwrap());
    assert_eq!(warning.when, Trigger::Taken { action: s.action_ix("warn-public").unwrap(), team: None });
    let press = s.inject(s.inject_ix("press").unwrap());
    assert_eq!((press.when.clone(), press.notes.is_some(), press.chance), (Trigger::Manual, true, 1.0));
    let report_action = s.action(s.action_ix("report").unwrap());
    assert_eq!(report_action.teams, Some(vec![TeamIx(0)]));
    let spec = report_action.message.as_ref().unwrap();
    assert_eq!(spec.to, Recipients::Others);
    assert_eq!(spec.reply, Some(ReplySpec { action: s.action_ix("advise").unwrap(), within: 7200 }));
    assert_eq!(s.action(s.action_ix("ack").unwrap()).teams, None);
    assert_eq!(s.team_ix("cert"), Some(TeamIx(1)));
}

/// A small valid scenario; tests replace one piece of it to make one mistake.
const BASE: &str = r#"Scenario(
    title: "Base",
    objectives: [(id: "obj", name: "Objective")],
    teams: [
        (id: "us", name: "Us"),
        (id: "cn", name: "China"),
    ],
    actions: [
        (id: "ack", name: "Acknowledge"),
        (id: "rfa", name: "Request", teams: ["us"], fields: ["summary", "contact"],
         message: (to: Others, reply: (action: "reply", within: "1h"))),
        (id: "reply", name: "Reply", teams: ["cn"], fields: ["findings"]),
    ],
    injects: [
        (id: "start", when: At("0m"), to: ["us"], title: "T", body: "B",
         expect: [(action: "ack", within: "5m"), (action: "rfa", within: "1h", objective: "obj")]),
        (id: "next", when: Met("start.ack"), to: ["us", "cn"], title: "T", body: "B",
         expect: [(action: "ack", within: "5m")]),
    ],
)"#;

/// The errors of BASE with `from` replaced by `to`, as `LINE:COL: message`.
fn errors_with(from: &str, to: &str) -> Vec<String> {
    assert!(BASE.contains(from), "{from}");
    let source = BASE.replacen(from, to, 1);
    match load_scenario("s.ron", &source) {
        Ok(_) => vec![],
        Err(diagnostics) => diagnostics.iter().map(|d| format!("{}:{}: {}", d.line, d.col, d.message)).collect(),
    }
}

#[test]
fn base_is_valid() {
    assert_eq!(errors_with("Base", "Base"), Vec::<String>::new());
}
