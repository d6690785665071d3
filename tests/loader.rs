//! Loading scenario and script files: the worked example, and one test per kind of mistake.

mod common;

use ttx::scenario::*;

const EXAMPLE: &str = include_str!("fixtures/phishing-example/scenario.ron");

fn example() -> Scenario {
    common::load("scenario.ron", EXAMPLE)
}

#[test]
fn example_loads_into_the_expected_model() {
    let s = example();
    assert_eq!(s.title, "Phishing wave");
    assert_eq!(
        (s.speed, s.end, s.seed, s.late_credit),
        (1.0, Some(4 * 3600), 0, 0.5)
    );
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
    assert_eq!(
        report.what,
        Expected::Action(s.action_ix("report").unwrap())
    );
    assert_eq!(report.fields, vec![0, 1]);
    assert_eq!(report.by, vec![TeamIx(0)]);
    assert_eq!(report.objective, s.objective_ix("report"));
    assert_eq!(report.within, 3600);
    assert_eq!(wave.expect[1].weight, 2.0);
    assert_eq!(wave.expect[0].fields, Vec::<usize>::new());
    let no_report = s.inject(s.inject_ix("no-report").unwrap());
    assert_eq!(
        no_report.when,
        Trigger::Missed(ExpectationRef {
            inject: InjectIx(0),
            expectation: 2,
            team: Some(TeamIx(0))
        })
    );
    assert_eq!(no_report.expect[0].fields, vec![0, 1, 2]);
    let takedown = s.inject(s.inject_ix("takedown-request").unwrap());
    assert_eq!(
        takedown.when,
        Trigger::Met(ExpectationRef {
            inject: InjectIx(0),
            expectation: 1,
            team: None
        })
    );
    let warning = s.inject(s.inject_ix("public-warning").unwrap());
    assert_eq!(
        warning.when,
        Trigger::Taken {
            action: s.action_ix("warn-public").unwrap(),
            team: None
        }
    );
    let press = s.inject(s.inject_ix("press").unwrap());
    assert_eq!(
        (press.when.clone(), press.notes.is_some(), press.chance),
        (Trigger::Manual, true, 1.0)
    );
    let report_action = s.action(s.action_ix("report").unwrap());
    assert_eq!(report_action.teams, Some(vec![TeamIx(0)]));
    let spec = report_action.message.as_ref().unwrap();
    assert_eq!(spec.to, Recipients::Others);
    assert_eq!(
        spec.reply,
        Some(ReplySpec {
            action: s.action_ix("advise").unwrap(),
            within: 7200,
            weight: 1.0,
            objective: None,
            fields: vec![0],
            basis: None,
        })
    );
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
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
    }
}

#[test]
fn base_is_valid() {
    assert_eq!(errors_with("Base", "Base"), Vec::<String>::new());
}

fn check(from: &str, to: &str, expected: &[&str]) {
    assert_eq!(
        errors_with(from, to),
        expected,
        "replacing {from:?} with {to:?}"
    );
}

const RFA_EXPECTATION: &str = r#"(action: "rfa", within: "1h", objective: "obj")"#;
const GRAMMAR: &str = "expected whole numbers with units d, h, m, s, largest first, each at most once, \
                       such as \"90s\", \"15m\", \"1h30m\", \"1h 30m\", \"2d\" or \"0m\"";

#[test]
fn unknown_and_missing_fields() {
    check(
        "title: \"Base\",",
        "title: \"Base\", titel: 1,",
        &[
            "2:20: unknown field `titel` in the scenario (fields: title, summary, speed, end, seed, late_credit, \
           exercise, ratings, objectives, teams, actions, injects, modules, feedback, profile)",
        ],
    );
    check(
        "title: \"Base\",",
        "",
        &["1:1: missing field `title` in the scenario"],
    );
    check(
        r#"(id: "obj", name: "Objective")"#,
        r#"(id: "obj")"#,
        &["3:18: missing field `name` in an objective"],
    );
}

#[test]
fn wrong_types() {
    check(
        r#"(id: "us", name: "Us")"#,
        r#"(id: 5, name: "Us")"#,
        &["5:14: `id`: expected a string, found an integer"],
    );
    check(
        "when: At(\"0m\")",
        "when: At(5)",
        &["15:32: `when`: expected a string, found an integer"],
    );
    check(
        "when: At(\"0m\")",
        "when: Sometime",
        &[
            "15:29: `when`: expected `At(\"1h\")`, `Released(\"inject\")`, `Met(\"inject.action\")`, \
           `Missed(\"inject.action\")`, `Incomplete(\"inject.action\")`, `Taken(\"action\")` or \
           `Manual`, found `Sometime`",
        ],
    );
    check(
        "message: (to: Others,",
        "message: (to: Everyone,",
        &["11:24: `to`: expected `Others` or `Teams([...])`, found `Everyone`"],
    );
}

#[test]
fn bad_and_duplicate_ids() {
    check(
        r#"(id: "ack", name: "Acknowledge")"#,
        r#"(id: "Ack!", name: "Acknowledge")"#,
        &[
            "9:14: action id \"Ack!\" may only contain a-z, 0-9, `-` and `_`",
            // The references to `ack` may mean it: no second error.
        ],
    );
    check(
        r#"(id: "obj", name"#,
        r#"(id: "", name"#,
        &["3:23: empty objective id: an id is made of a-z, 0-9, `-` and `_`"],
    );
    check(
        r#"(id: "next", when"#,
        r#"(id: "start", when"#,
        &["17:14: duplicate inject id `start` (first defined at 15:14)"],
    );
    // Its expectations' ids would be those of a hotline message's replies.
    check(
        r#"(id: "next", when"#,
        r#"(id: "msg-12", when"#,
        &[
            "17:14: inject id `msg-12` is reserved: the replies a hotline message obliges are named `msg-N.ACTION@TEAM`",
        ],
    );
}

#[test]
fn unknown_references() {
    check(
        r#"to: ["us"], title"#,
        r#"to: ["xx"], title"#,
        &["15:44: unknown team `xx` (teams: us, cn)"],
    );
    check(
        r#"(action: "ack", within: "5m"), (action: "rfa""#,
        r#"(action: "ackk", within: "5m"), (action: "rfa""#,
        // The trigger `Met("start.ack")` may mean the misspelt expectation: no second error.
        &["16:28: unknown action `ackk` (actions: ack, rfa, reply)"],
    );
    check(
        r#"objective: "obj""#,
        r#"objective: "nope""#,
        &["16:91: unknown objective `nope` (objectives: obj)"],
    );
    check(
        r#"when: Met("start.ack")"#,
        r#"when: Released("nope")"#,
        &["17:37: unknown inject `nope` (injects: start, next)"],
    );
    check(
        "message: (to: Others,",
        r#"message: (to: Teams(["us", "zz"]),"#,
        &["11:37: unknown team `zz` (teams: us, cn)"],
    );
}

#[test]
fn expectation_fields_must_be_the_actions() {
    check(
        RFA_EXPECTATION,
        r#"(action: "rfa", within: "1h", fields: ["summary", "bogus"])"#,
        &["16:100: action `rfa` has no field `bogus` (fields: summary, contact)"],
    );
}

#[test]
fn one_expectation_per_action_per_inject() {
    check(
        RFA_EXPECTATION,
        r#"(action: "ack", within: "1h")"#,
        &[
            "16:59: inject `start` already expects action `ack`: one expectation per action per inject",
        ],
    );
}

#[test]
fn by_teams_must_be_in_to_and_allowed() {
    let next = "(action: \"ack\", within: \"5m\")]),\n    ],";
    check(
        next,
        "(action: \"rfa\", within: \"5m\", by: [\"cn\"])]),\n    ],",
        &["18:54: team `cn` may not take action `rfa` (its teams: us)"],
    );
    check(
        RFA_EXPECTATION,
        r#"(action: "ack", within: "1h", by: ["cn"]), (action: "block", within: "1m")"#,
        &[
            "16:59: inject `start` already expects action `ack`: one expectation per action per inject",
            "16:85: team `cn` in `by` is not among the inject's `to` (to: us)",
            "16:102: unknown action `block` (actions: ack, rfa, reply)",
        ],
    );
    // With `by` left out it is the inject's `to`: reported at the expectation's action.
    check(
        next,
        "(action: \"rfa\", within: \"5m\")]),\n    ],",
        &[
            "18:28: team(s) cn of the inject's `to` may not take action `rfa` (its teams: us); \
           name the teams that must do it in `by`",
        ],
    );
}

#[test]
fn message_receivers_must_be_able_to_reply() {
    check(
        r#"teams: ["cn"], fields: ["findings"]"#,
        r#"teams: ["us"], fields: ["findings"]"#,
        &[
            "11:48: team(s) cn receive `rfa` messages but may not take the reply action `reply` (its teams: us)",
        ],
    );
}

#[test]
fn team_and_inject_counts() {
    check(
        r#"to: ["us"], title"#,
        r#"to: [], title"#,
        &["15:43: `to` is empty: an inject goes to at least one team"],
    );
    let teams = (0..7)
        .map(|i| format!("(id: \"t{i}\", name: \"T\"),"))
        .collect::<String>();
    let errors = errors_with(
        r#"(id: "us", name: "Us"),"#,
        &format!(r#"(id: "us", name: "Us"),{teams}"#),
    );
    assert_eq!(
        errors[0],
        "6:9: too many teams: 9, a scenario has 1 to 8 teams"
    );
    // No teams: the references to teams are not reported again.
    check(
        "(id: \"us\", name: \"Us\"),\n        (id: \"cn\", name: \"China\"),",
        "",
        &["4:12: no teams: a scenario has 1 to 8 teams"],
    );
    check(
        "injects: [",
        "injects: [], old: [",
        &[
            "14:14: no injects: a scenario needs at least one inject",
            "14:18: unknown field `old` in the scenario (fields: title, summary, speed, end, seed, late_credit, \
             exercise, ratings, objectives, teams, actions, injects, modules, feedback, profile)",
        ],
    );
}

#[test]
fn numbers_out_of_range_and_bad_durations() {
    check(
        "title: \"Base\",",
        "title: \"Base\", speed: 0, late_credit: 1.5, seed: -1, end: \"1x\",",
        &[
            "2:27: `speed` must be greater than 0, found 0",
            "2:43: `late_credit` must be between 0 and 1, found 1.5",
            "2:54: `seed`: expected a whole number from 0 to 18446744073709551615, found -1",
            &format!("2:63: `end`: malformed duration \"1x\": {GRAMMAR}"),
        ],
    );
    check(
        "within: \"5m\")]),\n    ],",
        "within: \"5m\", weight: -1.0)], chance: 2.0, delay: \"1ms\"),\n    ],",
        &[
            "18:57: `weight` must be greater than 0, found -1",
            "18:73: `chance` must be between 0 and 1, found 2",
            &format!("18:85: `delay`: malformed duration \"1ms\": {GRAMMAR}"),
        ],
    );
}

#[test]
fn trigger_references() {
    let met = r#"Met("start.ack")"#;
    check(
        met,
        r#"Met("start.block")"#,
        &["17:32: inject `start` has no expectation of action `block` (it expects: ack, rfa)"],
    );
    check(
        met,
        r#"Met("start.ack@cn")"#,
        &["17:32: team `cn` does not owe `start.ack` (by: us)"],
    );
    check(
        met,
        r#"Missed("startack")"#,
        &[
            "17:35: `when`: expected \"INJECT.ACTION\" or \"INJECT.ACTION@TEAM\", found \"startack\"",
        ],
    );
    check(
        met,
        r#"Taken("reply@us")"#,
        &["17:34: team `us` may not take action `reply` (its teams: cn)"],
    );
    check(
        met,
        r#"Taken("zap@xx")"#,
        &[
            "17:34: unknown action `zap` (actions: ack, rfa, reply)",
            "17:34: unknown team `xx` (teams: us, cn)",
        ],
    );
    assert_eq!(errors_with(met, r#"Taken("rfa@us")"#), Vec::<String>::new());
    assert_eq!(
        errors_with(met, r#"Missed("start.rfa@us")"#),
        Vec::<String>::new()
    );
}

/// Each cycle is reported once, at the `when` of its first inject.
#[test]
fn trigger_cycles_are_reported_once_at_the_first_when() {
    check(
        r#"Met("start.ack")"#,
        r#"Released("next")"#,
        &["17:28: inject `next` waits on itself"],
    );
    check(
        r#"when: At("0m")"#,
        r#"when: Met("next.ack")"#,
        &["15:29: injects wait on each other in a cycle: start → next → start"],
    );
}

#[test]
fn several_errors_in_one_run_sorted_by_position() {
    let source = BASE
        .replacen(r#"to: ["us"], title"#, r#"to: ["xx"], title"#, 1)
        .replacen("title: \"Base\",", "title: \"Base\", speed: -2.0,", 1)
        .replacen(r#"objective: "obj""#, r#"objective: "nope", weight: 0"#, 1);
    let diagnostics = load_scenario("s.ron", &source).unwrap_err();
    let positions: Vec<(usize, usize)> = diagnostics.iter().map(|d| (d.line, d.col)).collect();
    assert_eq!(positions, vec![(2, 27), (15, 44), (16, 91), (16, 107)]);
    assert!(diagnostics.iter().all(|d| d.file == "s.ron"));
}

#[test]
fn syntax_error_is_one_positioned_error() {
    let diagnostics = load_scenario(
        "s.ron",
        &BASE.replacen("title: \"Base\",", "title: \"Base\" summary: \"x\",", 1),
    )
    .unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].to_string(),
        "s.ron:2:19: expected `,` or `)`, found `summary`\n    \
         2 |     title: \"Base\" summary: \"x\",\n      \
         |                   ^"
    );
}

#[test]
fn optional_fields_accept_some_none_and_a_header() {
    let source = format!(
        "#![enable(implicit_some)]\n{}",
        BASE.replacen(
            "title: \"Base\",",
            "title: \"Base\", summary: Some(\"s\"), end: None, seed: Some(3),",
            1
        )
    );
    let s = load_scenario("s.ron", &source).unwrap();
    assert_eq!((s.summary.as_deref(), s.end, s.seed), (Some("s"), None, 3));
}

/// `ron` reads `#![type = "…"]` at the top of a file (a name for other tools); so does ttx, and
/// ignores it.
#[test]
fn a_type_attribute_at_the_top_is_accepted_and_ignored() {
    let base = load_scenario("s.ron", BASE).unwrap();
    for header in [
        "#![type = \"Scenario\"]\n",
        "#![type = \"ttx::Scenario\"]\n#![enable(implicit_some)]\n",
        "// A scenario\n#![schema = \"scenario.schema.json\"]\n",
    ] {
        let source = format!("{header}{BASE}");
        let scenario = load_scenario("s.ron", &source).unwrap_or_else(|d| {
            panic!("{header:?}: {}", d[0]);
        });
        assert_eq!(scenario, base, "{header:?}");
    }
    let diagnostics = load_scenario("s.ron", &format!("#![type = 7]\n{BASE}")).unwrap_err();
    assert_eq!(
        diagnostics[0].message,
        "expected a string after `type =`, found a number"
    );
}

#[test]
fn limits() {
    let huge = " ".repeat(16 * 1024 * 1024 + 1);
    let diagnostics = load_scenario("big.ron", &huge).unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0].message.starts_with("file too large"),
        "{}",
        diagnostics[0].message
    );

    let inject = r#"(id: "i", when: Manual, to: ["us"], title: "T", body: "B"),"#;
    let many = inject.repeat(100_001);
    let source = BASE.replacen("injects: [", &format!("injects: [{many}"), 1);
    let diagnostics = load_scenario("many.ron", &source).unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].message,
        "too many injects: 100003, the limit is 100000"
    );
}

/// Every cut and every one-character deletion of the example: an error or a model, never a panic.
#[test]
fn damaged_files_never_panic() {
    let script = include_str!("fixtures/phishing-example/script.ron");
    for source in [EXAMPLE, script] {
        for (cut, _) in source.char_indices() {
            let _ = load_scenario("s.ron", &source[..cut]);
            let _ = ttx::script::load_script("s.ron", &source[..cut]);
            let mut deleted = source.to_string();
            deleted.remove(cut);
            let _ = load_scenario("s.ron", &deleted);
            let _ = ttx::script::load_script("s.ron", &deleted);
        }
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_never_panics(source in "\\PC{0,200}") {
        let _ = load_scenario("s.ron", &source);
        let _ = ttx::script::load_script("s.ron", &source);
    }

    #[test]
    fn ron_like_text_never_panics(source in "[()\\[\\]{}:,\"a-z0-9 .@#!r/*\\\\-]{0,120}") {
        let _ = load_scenario("s.ron", &source);
    }
}

// ---- Format 2: decisions, `ahead`, weighted replies ----

const FORMAT_2: &str = r#"Scenario(
    title: "Format 2",
    objectives: [(id: "obj", name: "Objective")],
    teams: [(id: "a", name: "A"), (id: "b", name: "B")],
    actions: [
        (id: "ack", name: "Acknowledge"),
        (id: "open-case", name: "Open a case", ahead: true),
        (id: "go", name: "Go"),
        (id: "stop", name: "Stop", teams: ["a"]),
        (id: "rfa", name: "Request", teams: ["a"], fields: ["summary", "contact"],
         message: (to: Others, reply: (action: "reply", within: "6h", weight: 2.0, objective: "obj",
                                       fields: ["contact"]))),
        (id: "reply", name: "Reply", teams: ["b"], fields: ["findings", "contact"]),
    ],
    injects: [
        (id: "start", when: At("0m"), to: ["a"], title: "T", body: "B",
         expect: [(action: "ack", within: "5m"), (decide: ["go", "stop"], within: "1h", objective: "obj")]),
        (id: "chosen", when: Met("start.decision"), to: ["a"], title: "T", body: "B"),
    ],
)"#;

fn format_2_errors_with(from: &str, to: &str) -> Vec<String> {
    assert!(FORMAT_2.contains(from), "{from}");
    match load_scenario("s.ron", &FORMAT_2.replacen(from, to, 1)) {
        Ok(_) => vec![],
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
    }
}

#[test]
fn format_2_fields_load_into_the_model() {
    let s = common::load("s.ron", FORMAT_2);
    let action = |id| s.action_ix(id).unwrap();
    assert!(s.action(action("open-case")).ahead);
    assert!(!s.action(action("ack")).ahead);
    let start = s.inject(InjectIx(0));
    assert_eq!(
        start.expect[1].what,
        Expected::Decision(vec![action("go"), action("stop")])
    );
    assert_eq!(start.expect[1].fields, Vec::<usize>::new());
    assert_eq!(start.expect[1].name(&s), "decision");
    assert!(start.expect[1].accepts(action("stop")));
    assert!(!start.expect[1].accepts(action("ack")));
    assert_eq!(
        s.inject(InjectIx(1)).when,
        Trigger::Met(ExpectationRef {
            inject: InjectIx(0),
            expectation: 1,
            team: None
        })
    );
    let reply = s
        .action(action("rfa"))
        .message
        .clone()
        .unwrap()
        .reply
        .unwrap();
    assert_eq!(
        reply,
        ReplySpec {
            action: action("reply"),
            within: 6 * 3600,
            weight: 2.0,
            objective: s.objective_ix("obj"),
            fields: vec![1],
            basis: None,
        }
    );
}

#[test]
fn format_2_mistakes() {
    let check = |from: &str, to: &str, expected: &[&str]| {
        assert_eq!(
            format_2_errors_with(from, to),
            expected,
            "replacing {from:?} with {to:?}"
        );
    };
    check(
        r#"(decide: ["go", "stop"]"#,
        r#"(decide: ["go"]"#,
        &["17:59: `decide` lists the choices of a decision: at least two actions"],
    );
    check(
        r#"(decide: ["go", "stop"]"#,
        r#"(decide: ["go", "went"]"#,
        &["17:66: unknown action `went` (actions: ack, open-case, go, stop, rfa, reply)"],
    );
    check(
        r#"(decide: ["go", "stop"]"#,
        r#"(decide: ["go", "stop", "go"]"#,
        &["17:74: action `go` is listed twice in `decide`"],
    );
    check(
        r#"to: ["a"], title: "T", body: "B",
         expect: [(action: "ack""#,
        r#"to: ["a", "b"], title: "T", body: "B",
         expect: [(action: "ack""#,
        &[
            "17:66: team(s) b of the inject's `to` may not take action `stop` (its teams: a); name the teams that must do it in `by`",
        ],
    );
    check(
        r#"(action: "ack", within: "5m")"#,
        r#"(decide: ["ack", "go"], within: "5m")"#,
        &["17:67: inject `start` already has a decision: at most one `decide` per inject"],
    );
    check(
        r#"(action: "ack", within: "5m")"#,
        r#"(action: "go", within: "5m")"#,
        &[
            "17:59: inject `start` expects action `go` both on its own and as a choice of its decision: one response would have to satisfy both",
        ],
    );
    check(
        r#"(id: "go", name: "Go")"#,
        r#"(id: "decision", name: "Go")"#,
        &[
            "8:14: action id `decision` is reserved: a decision's expectation is named `INJECT.decision`",
            "17:60: unknown action `go` (actions: ack, open-case, decision, stop, rfa, reply)",
        ],
    );
    check(
        r#"fields: ["contact"]))),"#,
        r#"fields: ["contact", "phone"]))),"#,
        &["12:60: action `reply` has no field `phone` (fields: findings, contact)"],
    );
    check(
        r#"when: Met("start.decision")"#,
        r#"when: Met("msg-1.reply@b")"#,
        &[
            "18:34: a trigger cannot wait on a message's reply (`msg-1.reply@b`): messages are numbered as the exercise runs; wait on the inject or action that leads to it",
        ],
    );
    check(
        r#"(decide: ["go", "stop"], within: "1h""#,
        r#"(decide: ["go", "stop"], within: "1h", fields: ["x"]"#,
        &[
            "17:97: a decision takes no `fields`: the required fields are all fields of the action chosen",
        ],
    );
    check(
        r#"(action: "ack", within: "5m")"#,
        r#"(action: "ack", decide: ["go", "stop"], within: "5m")"#,
        &["17:28: an expectation has either `action` or `decide`, not both"],
    );
    check(
        r#"(action: "ack", within: "5m")"#,
        r#"(within: "5m")"#,
        &["17:19: missing field `action` in an expectation (or `decide` for a decision)"],
    );
    check(
        r#"ahead: true"#,
        r#"ahead: "yes""#,
        &["7:55: `ahead`: expected `true` or `false`, found a string"],
    );
}

// ---- Warnings ----

/// The warnings of a valid scenario, as `LINE:COL: message`.
fn warnings(source: &str) -> Vec<String> {
    let validated = validate_scenario("w.ron", source).unwrap_or_else(|diagnostics| {
        panic!(
            "{}",
            diagnostics
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    validated
        .warnings
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
        .collect()
}

const WARNED: &str = r#"Scenario(
    title: "Warned",
    end: "2h",
    teams: [(id: "a", name: "A")],
    actions: [(id: "ack", name: "Ack"), (id: "go", name: "Go")],
    injects: [
        (id: "start", when: At("0m"), to: ["a"], title: "T", body: "B",
         expect: [(action: "ack", within: "1h")]),
        (id: "tight", when: At("1h30m"), to: ["a"], title: "T", body: "B",
         expect: [(action: "ack", within: "1h"), (action: "go", within: "30m")]),
        (id: "late", when: At("2h"), to: ["a"], title: "T", body: "B"),
        (id: "after-late", when: Released("late"), delay: "1m", to: ["a"], title: "T", body: "B"),
        (id: "coin", when: At("10m"), chance: 0.0, to: ["a"], title: "T", body: "B",
         expect: [(action: "ack", within: "10m")]),
        (id: "after-coin", when: Met("coin.ack"), to: ["a"], title: "T", body: "B"),
        (id: "never-missed", when: Missed("tight.ack"), to: ["a"], title: "T", body: "B"),
        (id: "by-hand", when: Manual, chance: 0.0, to: ["a"], title: "T", body: "B"),
        (id: "after-hand", when: Released("by-hand"), to: ["a"], title: "T", body: "B"),
    ],
)"#;

#[test]
fn validate_warns_of_what_can_never_happen_before_the_end() {
    assert_eq!(
        warnings(WARNED),
        vec![
            "10:43: the deadline of `tight.ack` is 2h30m (released at 1h30m, within 1h), after \
             the scenario's `end` (2h): it can only ever be `not_due`",
            "11:28: inject `late` is released at 2h, at or after the scenario's `end` (2h): no \
             team can act on it",
            "12:34: inject `after-late` can never be released before the scenario's `end` (2h)",
            "15:34: inject `after-coin` can never be released: `coin` has `chance: 0` and is \
             never released",
            "16:36: inject `never-missed` can never be released: the deadline of `tight.ack` is \
             never before the scenario's `end` (2h), so it is never missed",
        ]
    );
    // Without an end, only what no time can change remains.
    assert_eq!(
        warnings(&WARNED.replacen("end: \"2h\",", "", 1)),
        vec![
            "15:34: inject `after-coin` can never be released: `coin` has `chance: 0` and is \
             never released"
        ]
    );
}

/// Text that is not what it seems.
#[test]
fn validate_warns_of_bidirectional_controls_once_per_line() {
    let source = BASE.replacen(
        "title: \"Base\",",
        "title: \"Base \u{202E}txt.exe\u{202C}\", // \u{2066}\n    summary: \"tabs\tare\tfine\",",
        1,
    );
    assert_eq!(
        warnings(&source),
        vec![
            "2:18: invisible bidirectional control U+202E: it reorders how the text around it \
             reads; ttx shows it as `\\u{202e}`"
        ]
    );
}

#[test]
fn a_byte_order_mark_is_skipped_and_positions_still_count_from_the_file_start() {
    let source = format!("\u{FEFF}{BASE}");
    assert!(load_scenario("s.ron", &source).is_ok());
    let bad = source.replacen("to: [\"us\"], title", "to: [\"xx\"], title", 1);
    assert_eq!(
        load_scenario("s.ron", &bad).unwrap_err()[0]
            .to_string()
            .lines()
            .next(),
        Some("s.ron:15:44: unknown team `xx` (teams: us, cn)")
    );
}

/// RON allows a string to continue on the next line after a backslash.
#[test]
fn a_backslash_at_the_end_of_a_line_continues_a_string() {
    let source = BASE.replacen("title: \"Base\",", "title: \"Base \\\n        line\",", 1);
    assert_eq!(load_scenario("s.ron", &source).unwrap().title, "Base line");
}

/// What RON users write, in a scenario.
#[test]
fn ron_as_ron_users_write_it() {
    let source = BASE
        .replacen(
            "title: \"Base\",",
            "title: \"B\\x41se\", seed: 0x10, late_credit: 5e-1,",
            1,
        )
        .replacen(
            "(id: \"us\", name: \"Us\")",
            "(r#id: \"us\", name: \"Us\")",
            1,
        );
    let s = load_scenario("s.ron", &source).unwrap();
    assert_eq!((s.title.as_str(), s.seed, s.late_credit), ("BAse", 16, 0.5));
    assert_eq!(
        errors_with("title: \"Base\",", "title: \"Base\", speed: inf,"),
        vec!["2:27: `speed`: expected a finite number, found inf"]
    );
    assert_eq!(
        errors_with(
            "title: \"Base\",",
            "title: \"Base\", seed: 1u8, r#type: 'c',"
        ),
        vec![
            "2:31: unknown field `type` in the scenario (fields: title, summary, speed, end, seed, \
             late_credit, exercise, ratings, objectives, teams, actions, injects, modules, feedback, profile)"
        ]
    );
}

/// The after-action report's metadata (evaluation.md): all optional, all read.
#[test]
fn exercise_metadata_capabilities_and_organisations_are_read() {
    let source = BASE
        .replacen(
            "    actions: [",
            r#"    exercise: (sponsor: "Ministry of Justice", location: "Aldera City",
               mission_areas: ["Prevention", "Response"], handling: "TLP:AMBER",
               contact: "exdir@example.org"),
    ratings: (performed: 0.95, major: 0.5),
    actions: ["#,
            1,
        )
        .replacen(
            r#"(id: "us", name: "Us""#,
            r#"(id: "us", name: "Us", organisations: ["DHS", "DOJ"]"#,
            1,
        );
    let scenario = match load_scenario("s.ron", &source) {
        Ok(scenario) => scenario,
        Err(diagnostics) => panic!("{}", diagnostics[0]),
    };
    assert_eq!(
        scenario.exercise.sponsor.as_deref(),
        Some("Ministry of Justice")
    );
    assert_eq!(scenario.exercise.mission_areas, ["Prevention", "Response"]);
    assert_eq!(scenario.exercise.handling.as_deref(), Some("TLP:AMBER"));
    assert_eq!(scenario.exercise.scope, None);
    assert_eq!(scenario.ratings.performed, 0.95);
    assert_eq!(
        scenario.ratings.some, 0.7,
        "a threshold not given keeps its default"
    );
    assert_eq!(scenario.ratings.major, 0.5);
    assert_eq!(scenario.teams[0].organisations, ["DHS", "DOJ"]);
    assert!(scenario.teams[1].organisations.is_empty());

    let with_capability = BASE.replacen(
        r#"name: "Objective""#,
        r#"name: "Objective", capability: "Operational Coordination", target: "Within 1h""#,
        1,
    );
    let scenario = load_scenario("s.ron", &with_capability).expect("loads");
    assert_eq!(
        scenario.objectives[0].capability.as_deref(),
        Some("Operational Coordination")
    );
    assert_eq!(scenario.objectives[0].target.as_deref(), Some("Within 1h"));

    let typo = BASE.replacen(
        "    actions: [",
        "    exercise: (sponsr: \"x\"),\n    actions: [",
        1,
    );
    let errors = load_scenario("s.ron", &typo).unwrap_err();
    assert!(
        errors[0].message.contains("unknown field `sponsr`"),
        "{}",
        errors[0]
    );
}

// ---- Format 3: shaped fields, clarifications, basis, Incomplete, unless, method, ref ----

const FORMAT_3: &str = r#"Scenario(
    title: "Format 3",
    teams: [(id: "a", name: "A"), (id: "b", name: "B")],
    actions: [
        (id: "go", name: "Go", fields: ["why"]),
        (id: "stop", name: "Stop"),
        (id: "rfa", name: "Request", teams: ["a"],
         fields: [
             "summary",
             (name: "indicators", hint: "addresses, hashes and times in UTC", min_words: 3),
             (name: "urgency", choices: ["routine", "urgent", "immediate"]),
             (name: "contact", hint: "24/7 phone"),
         ],
         message: (to: Others, reply: (action: "reply", within: "24h", basis: "ABCCA Art. 12"))),
        (id: "reply", name: "Reply", teams: ["b"], fields: ["findings"]),
        (id: "clarify", name: "Ask for clarification", teams: ["b"], fields: ["missing"],
         clarifies: "2h", basis: "ABCCA Art. 9"),
    ],
    injects: [
        (id: "start", when: At("0m"), to: ["a"], title: "T", body: "B", method: "phone call", ref: "101",
         expect: [(action: "rfa", within: "2h", basis: "SOP 4.2"),
                  (decide: ["go", "stop"], within: "1h", basis: "SOP 5")]),
        (id: "refused", when: Incomplete("start.rfa@a"), to: ["a"], title: "T", body: "B"),
        (id: "undecided", when: Incomplete("start.decision"), to: ["a"], title: "T", body: "B"),
        (id: "later", when: At("3h"), unless: Met("start.rfa"), to: ["a", "b"], title: "T", body: "B"),
    ],
)"#;

fn format_3_errors_with(from: &str, to: &str) -> Vec<String> {
    assert!(FORMAT_3.contains(from), "{from}");
    match load_scenario("s.ron", &FORMAT_3.replacen(from, to, 1)) {
        Ok(_) => vec![],
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
    }
}

#[test]
fn format_3_loads_into_the_exact_model() {
    let s = common::load("s.ron", FORMAT_3);
    let action = |id| s.action_ix(id).unwrap();
    let rfa = s.action(action("rfa"));
    assert_eq!(rfa.fields, ["summary", "indicators", "urgency", "contact"]);
    assert_eq!(
        rfa.shapes,
        vec![
            FieldShape::default(),
            FieldShape {
                hint: Some("addresses, hashes and times in UTC".into()),
                choices: vec![],
                min_words: Some(3),
            },
            FieldShape {
                hint: None,
                choices: vec!["routine".into(), "urgent".into(), "immediate".into()],
                min_words: None,
            },
            FieldShape {
                hint: Some("24/7 phone".into()),
                choices: vec![],
                min_words: None,
            },
        ]
    );
    assert_eq!((rfa.clarifies, rfa.basis.as_deref()), (None, None));
    assert_eq!(
        rfa.message.as_ref().unwrap().reply,
        Some(ReplySpec {
            action: action("reply"),
            within: 24 * 3600,
            weight: 1.0,
            objective: None,
            fields: vec![0],
            basis: Some("ABCCA Art. 12".into()),
        })
    );
    assert_eq!(
        *s.action(action("clarify")),
        Action {
            id: "clarify".into(),
            name: "Ask for clarification".into(),
            description: None,
            teams: Some(vec![TeamIx(1)]),
            fields: vec!["missing".into()],
            shapes: vec![FieldShape::default()],
            message: None,
            ahead: false,
            clarifies: Some(2 * 3600),
            basis: Some("ABCCA Art. 9".into()),
        }
    );
    // A format 2 action: one default shape per field, no clarification.
    let go = s.action(action("go"));
    assert_eq!(
        (go.shapes.clone(), go.clarifies, go.basis.clone()),
        (vec![FieldShape::default()], None, None)
    );

    let start = s.inject(InjectIx(0));
    assert_eq!(
        (
            start.method.as_deref(),
            start.reference.as_deref(),
            &start.unless
        ),
        (Some("phone call"), Some("101"), &None)
    );
    assert_eq!(start.expect[0].basis.as_deref(), Some("SOP 4.2"));
    assert_eq!(start.expect[0].fields, vec![0, 1, 2, 3]);
    assert_eq!(start.expect[1].basis.as_deref(), Some("SOP 5"));
    assert_eq!(
        s.inject(InjectIx(1)).when,
        Trigger::Incomplete(ExpectationRef {
            inject: InjectIx(0),
            expectation: 0,
            team: Some(TeamIx(0)),
        })
    );
    assert_eq!(
        s.inject(InjectIx(2)).when,
        Trigger::Incomplete(ExpectationRef {
            inject: InjectIx(0),
            expectation: 1,
            team: None,
        })
    );
    let later = s.inject(InjectIx(3));
    assert_eq!(
        (later.when.clone(), later.unless.clone()),
        (
            Trigger::At(3 * 3600),
            Some(Trigger::Met(ExpectationRef {
                inject: InjectIx(0),
                expectation: 0,
                team: None,
            }))
        )
    );
    assert_eq!(
        (later.method.as_deref(), later.reference.as_deref()),
        (None, None)
    );
    assert!(s.uses_format_3());
}

/// Each addition of format 3 alone makes a file use it; a format 2 file does not.
#[test]
fn uses_format_3_when_any_addition_is_written() {
    assert!(!common::load("s.ron", FORMAT_2).uses_format_3());
    assert!(!common::load("s.ron", BASE).uses_format_3());
    assert!(!example().uses_format_3());
    // A field written as a record with only its name is the plain field.
    let named = BASE.replacen(
        r#"fields: ["findings"]"#,
        r#"fields: [(name: "findings")]"#,
        1,
    );
    assert_eq!(common::load("s.ron", &named), common::load("s.ron", BASE));
    let start = r#"(id: "start", when: At("0m"), to: ["us"], title: "T", body: "B","#;
    for (from, to) in [
        (
            r#"fields: ["findings"]"#,
            r#"fields: [(name: "findings", hint: "h")]"#,
        ),
        (
            r#"(id: "ack", name: "Acknowledge")"#,
            r#"(id: "ack", name: "Acknowledge", clarifies: "1h")"#,
        ),
        (
            r#"within: "1h"))),"#,
            r#"within: "1h", basis: "Art. 1"))),"#,
        ),
        (
            r#"(action: "ack", within: "5m")"#,
            r#"(action: "ack", within: "5m", basis: "b")"#,
        ),
        (start, &format!("{start} method: \"fax\",")),
        (start, &format!("{start} ref: \"7\",")),
        (start, &format!("{start} unless: Taken(\"ack\"),")),
        (
            r#"when: Met("start.ack")"#,
            r#"when: Incomplete("start.rfa")"#,
        ),
    ] {
        assert!(BASE.contains(from), "{from}");
        let source = BASE.replacen(from, to, 1);
        let scenario = load_scenario("s.ron", &source).unwrap_or_else(|d| panic!("{to}: {}", d[0]));
        assert!(scenario.uses_format_3(), "{to}");
    }
}

/// One replacement in FORMAT_3 and the errors it must give, in file order.
type Mistake = (&'static str, &'static str, &'static [&'static str]);

/// Format 3's load errors, in file order; their replacements do not overlap, so that they can
/// also be made all at once.
const FORMAT_3_MISTAKES: &[Mistake] = &[
    (
        r#"(id: "stop", name: "Stop"),"#,
        r#"(id: "stop", name: "Stop", basis: "SOP 5"), (id: "ask", name: "Ask", clarifies: "two hours", basis: "x"),"#,
        &[
            "6:43: `basis` on an action is the time standard of the amendment that `clarifies` \
             asks for, and this action has no `clarifies` (a reply's basis goes in its `reply`, \
             an inject's in its expectation)",
            // The `basis` of an action whose `clarifies` is unreadable is not reported again.
            "6:89: `clarifies`: malformed duration \"two hours\": expected whole numbers with \
             units d, h, m, s, largest first, each at most once, such as \"90s\", \"15m\", \
             \"1h30m\", \"1h 30m\", \"2d\" or \"0m\"",
        ],
    ),
    (
        r#"(name: "indicators", hint: "addresses, hashes and times in UTC", min_words: 3)"#,
        r#"(name: "summary", min_words: 3)"#,
        &["10:21: field `summary` is listed twice"],
    ),
    (
        r#"choices: ["routine", "urgent", "immediate"]"#,
        r#"choices: ["routine"], min_words: 0"#,
        &[
            "11:41: `choices` lists the texts a field allows: at least two",
            "11:65: `min_words` must be at least 1, found 0 (leave it out for any text)",
            "11:65: a field has either `choices` or `min_words`, not both",
        ],
    ),
    (
        r#"(name: "contact", hint: "24/7 phone")"#,
        r#"(name: "contact", hnt: "24/7 phone")"#,
        &[
            "12:32: unknown field `hnt` in a field of an action (fields: name, hint, choices, \
             min_words)",
        ],
    ),
    (
        r#"clarifies: "2h", basis: "ABCCA Art. 9"),"#,
        r#"clarifies: "2h", basis: "ABCCA Art. 9", ahead: true, message: (to: Others)),"#,
        &[
            "17:57: an action with `clarifies` cannot be done `ahead`: it answers a request the \
             team has received",
            "17:72: an action with `clarifies` takes no `message`: its message goes back to the \
             sender of the request it clarifies",
        ],
    ),
    (
        r#"method: "phone call", ref: "101""#,
        // Unicode characters are counted: 40 and 16 are allowed.
        r#"method: "a phone call to the duty officer's mobile", ref: "ééééééééééééééééé""#,
        &[
            "20:81: `method` is 41 characters long, at most 40",
            "20:131: `ref` is 17 characters long, at most 16",
        ],
    ),
    (
        r#"(action: "rfa", within: "2h", basis: "SOP 4.2")"#,
        r#"(action: "rfa", within: "2h", basis: "SOP 4.2", fields: [])"#,
        &["23:42: `start.rfa` has no required fields, so it is never incomplete"],
    ),
    (
        r#"(id: "go", name: "Go", fields: ["why"])"#,
        r#"(id: "go", name: "Go")"#,
        &[
            "24:44: `start.decision` is a decision none of whose choices has fields, so it is \
             never incomplete",
        ],
    ),
    (
        r#"when: Incomplete("start.decision"), to: ["a"], title: "T", body: "B"),"#,
        r#"when: Incomplete("start.decision"), to: ["a"], title: "T", body: "B"), (id: "chase", when: Incomplete("msg-2.reply@b"), to: ["b"], title: "T", body: "B"),"#,
        &[
            "24:129: a trigger cannot wait on a message's reply (`msg-2.reply@b`): messages are \
             numbered as the exercise runs; wait on the inject or action that leads to it",
        ],
    ),
    (
        r#"unless: Met("start.rfa")"#,
        r#"unless: At("1h")"#,
        &[
            "25:47: `unless` cannot be `At`: it takes a trigger that fires in play, `Released`, \
             `Met`, `Missed`, `Incomplete` or `Taken`",
        ],
    ),
];

#[test]
fn format_3_mistakes_each_at_its_line_and_all_at_once() {
    let mut all = FORMAT_3.to_string();
    let mut expected_all = Vec::new();
    for (from, to, expected) in FORMAT_3_MISTAKES {
        assert_eq!(
            format_3_errors_with(from, to),
            *expected,
            "replacing {from:?} with {to:?}"
        );
        all = all.replacen(from, to, 1);
        expected_all.extend_from_slice(expected);
    }
    let found: Vec<String> = load_scenario("s.ron", &all)
        .unwrap_err()
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
        .collect();
    assert_eq!(found, expected_all);
}

#[test]
fn format_3_more_mistakes() {
    let check = |from: &str, to: &str, expected: &[&str]| {
        assert_eq!(
            format_3_errors_with(from, to),
            expected,
            "replacing {from:?} with {to:?}"
        );
    };
    let choices = r#"choices: ["routine", "urgent", "immediate"]"#;
    check(
        choices,
        r#"choices: ["routine", "urgent", "routine", " immediate", " "]"#,
        &[
            "11:63: choice \"routine\" is listed twice in `choices`",
            "11:74: choice \" immediate\" has blank space around it: a field's text is compared \
             after trimming, so it could never match",
            "11:88: a choice may not be blank: a blank text counts as not supplied",
        ],
    );
    let contact = r#"(name: "contact", hint: "24/7 phone")"#;
    check(
        contact,
        r#"(hint: "24/7 phone")"#,
        &["12:14: missing field `name` in a field of an action"],
    );
    check(
        contact,
        "5",
        &[
            "12:14: `fields`: expected a field's name (\"summary\") or a field with a shape \
             (`(name: \"urgency\", choices: [...])`), found an integer",
        ],
    );
    // A field that could not be read may be the one an expectation names: no second error.
    let source = FORMAT_3
        .replacen(contact, r#"(hint: "24/7 phone")"#, 1)
        .replacen(
            r#"basis: "SOP 4.2")"#,
            r#"basis: "SOP 4.2", fields: ["contact"])"#,
            1,
        );
    let errors = load_scenario("s.ron", &source).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", errors[1]);
    assert_eq!(
        (errors[0].line, errors[0].message.as_str()),
        (12, "missing field `name` in a field of an action")
    );
    let unless = r#"unless: Met("start.rfa")"#;
    check(
        unless,
        "unless: Manual",
        &[
            "25:47: `unless` cannot be `Manual`: it takes a trigger that fires in play, \
             `Released`, `Met`, `Missed`, `Incomplete` or `Taken`",
        ],
    );
    check(
        unless,
        r#"unless: Met("startrfa")"#,
        &[
            "25:51: `unless`: expected \"INJECT.ACTION\" or \"INJECT.ACTION@TEAM\", found \
             \"startrfa\"",
        ],
    );
    check(
        unless,
        r#"unless: Incomplete("msg-1.reply@b")"#,
        &[
            "25:58: a trigger cannot wait on a message's reply (`msg-1.reply@b`): messages are \
             numbered as the exercise runs; wait on the inject or action that leads to it",
        ],
    );
    check(
        unless,
        r#"unless: Taken("reply@a")"#,
        &["25:53: team `a` may not take action `reply` (its teams: b)"],
    );
    check(
        unless,
        "unless: Soon",
        &[
            "25:47: `unless`: expected `At(\"1h\")`, `Released(\"inject\")`, \
             `Met(\"inject.action\")`, `Missed(\"inject.action\")`, \
             `Incomplete(\"inject.action\")`, `Taken(\"action\")` or `Manual`, found `Soon`",
        ],
    );
    check(
        r#"Incomplete("start.rfa@a")"#,
        r#"Incomplete("start.rfa@b")"#,
        &["23:42: team `b` does not owe `start.rfa` (by: a)"],
    );
    // A decision with one choice that has fields can be incomplete.
    check(
        r#"(id: "stop", name: "Stop"),"#,
        r#"(id: "stop", name: "Stop", fields: ["why"]),"#,
        &[],
    );
}

/// `Incomplete` waits like `Met`; `unless` is not a wait and forms no cycle.
#[test]
fn format_3_triggers_and_cycles() {
    let start = r#"when: At("0m"), to: ["a"]"#;
    assert_eq!(
        format_3_errors_with(start, r#"when: Released("refused"), to: ["a"]"#),
        ["20:29: injects wait on each other in a cycle: start → refused → start"]
    );
    assert_eq!(
        format_3_errors_with(
            start,
            r#"when: At("0m"), unless: Released("refused"), to: ["a"]"#
        ),
        Vec::<String>::new()
    );
}

const WARNED_3: &str = r#"Scenario(
    title: "Warned",
    end: "4h",
    teams: [(id: "a", name: "A")],
    actions: [(id: "ack", name: "Ack", fields: ["text"])],
    injects: [
        (id: "coin", when: At("10m"), chance: 0.0, to: ["a"], title: "T", body: "B",
         expect: [(action: "ack", within: "10m")]),
        (id: "late", when: At("2h"), to: ["a"], title: "T", body: "B",
         expect: [(action: "ack", within: "3h")]),
        (id: "after-coin", when: Incomplete("coin.ack"), to: ["a"], title: "T", body: "B"),
        (id: "a1", when: At("1h"), unless: Met("coin.ack"), to: ["a"], title: "T", body: "B"),
        (id: "a2", when: At("1h"), unless: Missed("late.ack"), to: ["a"], title: "T", body: "B"),
        (id: "a3", when: At("1h"), unless: Released("a3"), to: ["a"], title: "T", body: "B"),
        (id: "a4", when: At("1h"), jitter: "30m", unless: Released("late"), to: ["a"], title: "T", body: "B"),
        (id: "a5", when: At("1h"), jitter: "1h", unless: Released("late"), to: ["a"], title: "T", body: "B"),
        (id: "a6", when: Released("late"), unless: Taken("ack"), to: ["a"], title: "T", body: "B"),
    ],
)"#;

/// `validate` warns of an `unless` that can never skip its inject, and of an `Incomplete`
/// that waits on an inject never released.
#[test]
fn validate_warns_of_an_unless_that_never_fires() {
    assert_eq!(
        warnings(WARNED_3),
        vec![
            "10:43: the deadline of `late.ack` is 5h (released at 2h, within 3h), after the \
             scenario's `end` (4h): it can only ever be `not_due`",
            "11:34: inject `after-coin` can never be released: `coin` has `chance: 0` and is \
             never released",
            "12:44: the `unless` of inject `a1` can never fire: `coin` has `chance: 0` and is \
             never released",
            "13:44: the `unless` of inject `a2` can never fire: the deadline of `late.ack` is \
             never before the scenario's `end` (4h), so it is never missed",
            "14:44: the `unless` of inject `a3` waits on the inject itself: it cannot fire before \
             the inject is released, so it never skips it",
            "15:59: the `unless` of inject `a4` never skips it: its trigger fires at 2h at the \
             earliest, after the inject's release (at 1h30m at the latest)",
        ]
    );
    // Without an end, only what no time can change remains.
    assert_eq!(
        warnings(&WARNED_3.replacen("end: \"4h\",", "", 1)),
        vec![
            "11:34: inject `after-coin` can never be released: `coin` has `chance: 0` and is \
             never released",
            "12:44: the `unless` of inject `a1` can never fire: `coin` has `chance: 0` and is \
             never released",
            "13:44: the `unless` of inject `a2` never skips it: its trigger fires at 5h at the \
             earliest, after the inject's release (at 1h at the latest)",
            "14:44: the `unless` of inject `a3` waits on the inject itself: it cannot fire before \
             the inject is released, so it never skips it",
            "15:59: the `unless` of inject `a4` never skips it: its trigger fires at 2h at the \
             earliest, after the inject's release (at 1h30m at the latest)",
        ]
    );
}

/// Every cut and every one-character deletion of a format 3 file: an error or a model, never a
/// panic.
#[test]
fn damaged_format_3_files_never_panic() {
    for source in [FORMAT_3, WARNED_3] {
        for (cut, _) in source.char_indices() {
            let _ = validate_scenario("s.ron", &source[..cut]);
            let mut deleted = source.to_string();
            deleted.remove(cut);
            let _ = validate_scenario("s.ron", &deleted);
        }
    }
}

/// A scenario with modules and the exercise's handbook facts, for the discussion's tests.
const DISCUSSION: &str = r#"Scenario(
    title: "Discussion",
    end: "6h",
    exercise: (
        threat: "A ransomware crew",
        assumptions: ["The scenario is plausible", "Time runs faster than in reality"],
        schedule: [(at: "09:00", item: "Briefing"), (at: "09:30", item: "Module 1")],
    ),
    objectives: [(id: "coord", name: "Coordinate")],
    teams: [(id: "us", name: "Us"), (id: "cn", name: "China")],
    injects: [(id: "start", when: At("0m"), to: ["us"], title: "T", body: "B")],
    modules: [
        (id: "first", title: "Module 1", from: "0m", narrative: "It begins.",
         questions: [
            (id: "who-calls", text: "Who calls?", to: ["us"], objective: "coord"),
            (id: "what-first", text: "What first?"),
         ]),
        (id: "second", title: "Module 2", from: "2h", narrative: "It grows.",
         questions: [(id: "later", text: "And now?", to: ["cn", "us"])]),
    ],
    feedback: ["The pace was right.", "I would come again."],
)"#;

/// Modules, questions, the feedback form and the exercise's threat, assumptions and schedule
/// are read into the model; a question without `to` is for every team.
#[test]
fn modules_questions_and_the_feedback_form_are_read() {
    let s = common::load("d.ron", DISCUSSION);
    assert_eq!(s.modules.len(), 2);
    let first = &s.modules[0];
    assert_eq!(
        (first.id.as_str(), first.title.as_str(), first.from),
        ("first", "Module 1", 0)
    );
    assert_eq!(first.narrative, "It begins.");
    assert_eq!(first.questions[0].to, vec![TeamIx(0)]);
    assert_eq!(first.questions[0].objective, s.objective_ix("coord"));
    assert_eq!(first.questions[1].to, vec![TeamIx(0), TeamIx(1)]);
    assert_eq!(s.modules[1].questions[0].to, vec![TeamIx(1), TeamIx(0)]);
    assert_eq!(s.modules[1].from, 7200);
    let later = s.question_ix("later").unwrap();
    assert_eq!(
        later,
        QuestionIx {
            module: ModuleIx(1),
            question: 0
        }
    );
    assert_eq!(s.question(later).text, "And now?");
    assert_eq!(s.module_at(0), Some(ModuleIx(0)));
    assert_eq!(s.module_at(7199), Some(ModuleIx(0)));
    assert_eq!(s.module_at(7200), Some(ModuleIx(1)));
    assert_eq!(
        s.questions_for(ModuleIx(0), TeamIx(1)).collect::<Vec<_>>(),
        vec![QuestionIx {
            module: ModuleIx(0),
            question: 1
        }]
    );
    assert_eq!(
        s.feedback,
        vec!["The pace was right.", "I would come again."]
    );
    assert_eq!(s.exercise.threat.as_deref(), Some("A ransomware crew"));
    assert_eq!(s.exercise.assumptions.len(), 2);
    assert_eq!(
        s.exercise.schedule[1],
        ScheduleLine {
            at: "09:30".into(),
            item: "Module 1".into()
        }
    );
    // Without modules and feedback: no module is ever current, and HSEEP's six statements.
    let plain = example();
    assert!(plain.modules.is_empty());
    assert_eq!(plain.module_at(3600), None);
    assert_eq!(plain.feedback, HSEEP_FEEDBACK.to_vec());
}

/// A module that begins later than its first module is current from then; before the first
/// begins, none is.
#[test]
fn no_module_is_current_before_the_first_begins() {
    let s = common::load(
        "d.ron",
        &DISCUSSION.replacen("from: \"0m\"", "from: \"30m\"", 1),
    );
    assert_eq!(s.module_at(0), None);
    assert_eq!(s.module_at(1800), Some(ModuleIx(0)));
}

/// Every mistake of the discussion's keys at its line, all at once: unknown teams and
/// objectives, duplicate module and question ids, modules out of order or after `end`, bad
/// durations, blank text, an empty `to` or `feedback`.
#[test]
fn every_mistake_of_the_modules_is_reported_at_its_line_at_once() {
    let source = r#"Scenario(
    title: "Discussion",
    end: "6h",
    objectives: [(id: "coord", name: "Coordinate")],
    teams: [(id: "us", name: "Us"), (id: "cn", name: "China")],
    injects: [(id: "start", when: At("0m"), to: ["us"], title: "T", body: "B")],
    modules: [
        (id: "first", title: "M1", from: "1h", narrative: "N",
         questions: [(id: "q1", text: "Q?", to: ["ru"], objective: "speed"), (id: "q2", text: " ", to: [])]),
        (id: "first", title: "M2", from: "1h", narrative: "N", questions: [(id: "q1", text: "Q?")]),
        (id: "third", title: "M3", from: "7h", narrative: "N", questions: [(id: "q3", text: "Q?", to: ["us", "us"])]),
        (id: "Fourth", title: "M4", from: "soon", narrative: "N"),
        (id: "fifth", title: "M5", from: "30m", narrative: "N", questins: []),
    ],
    feedback: ["Good", " ", "Good"],
)"#;
    let errors: Vec<String> = match load_scenario("d.ron", source) {
        Ok(_) => panic!("the mistakes are found"),
        Err(ds) => ds
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
    };
    assert_eq!(
        errors,
        vec![
            "9:50: unknown team `ru` (teams: us, cn)",
            "9:68: unknown objective `speed` (objectives: coord)",
            "9:95: a discussion question needs its text, not blank text",
            "9:104: `to` is empty: name the teams the question is for, or leave it out for every \
             team",
            "10:14: duplicate module id `first` (first defined at 8:14)",
            "10:42: module `first` begins at 1h, not after module `first` (1h): modules are listed \
             in the order they begin, each later than the one before",
            "10:81: duplicate question id `q1` (first defined at 9:27)",
            "11:42: module `third` begins at 7h, after the scenario's `end` (6h): it would never \
             be current",
            "11:110: team `us` is listed twice",
            "12:14: module id \"Fourth\" may only contain a-z, 0-9, `-` and `_`",
            "12:43: `from`: malformed duration \"soon\": expected whole numbers with units d, h, \
             m, s, largest first, each at most once, such as \"90s\", \"15m\", \"1h30m\", \"1h \
             30m\", \"2d\" or \"0m\"",
            "13:42: module `fifth` begins at 30m, not after module `third` (7h): modules are \
             listed in the order they begin, each later than the one before",
            "13:65: unknown field `questins` in a module (fields: id, title, from, narrative, \
             questions)",
            "15:24: a feedback statement may not be blank",
            "15:29: this feedback statement is listed twice",
        ]
    );
}

/// An empty `feedback` list, a blank schedule item and a question that is not a record.
#[test]
fn an_empty_feedback_form_and_a_blank_schedule_line_are_refused() {
    let source = DISCUSSION
        .replacen(
            "feedback: [\"The pace was right.\", \"I would come again.\"]",
            "feedback: []",
            1,
        )
        .replacen("item: \"Briefing\"", "item: \"  \"", 1)
        .replacen(
            "(id: \"later\", text: \"And now?\", to: [\"cn\", \"us\"])",
            "\"later\"",
            1,
        );
    let errors: Vec<String> = match load_scenario("d.ron", &source) {
        Ok(_) => panic!("the mistakes are found"),
        Err(ds) => ds
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
    };
    assert_eq!(
        errors,
        vec![
            "7:20: a schedule line needs its `item`, not blank text",
            "19:22: expected a discussion question `Question(...)`, found a string",
            "21:15: `feedback` is empty: list the form's statements, or leave it out for HSEEP's \
             six",
        ]
    );
}
