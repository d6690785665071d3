//! Every scenario shipped in `scenarios/` loads without a single diagnostic; the library's
//! exercises have what a realistic exercise needs, and their scripts give their fixture reports.

mod common;

use std::sync::Arc;

use ttx::report::{Format, Report};
use ttx::scenario::Trigger;
use ttx::script::load_script;

fn check(path: &str) -> (usize, usize) {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = common::load(path, &source);
    (scenario.injects.len(), scenario.teams.len())
}

#[test]
fn the_built_in_scenario_is_the_model_case() {
    let (injects, teams) = check("scenarios/cross-border-breach.ron");
    assert!(
        injects >= 15,
        "the model case has at least 15 injects, not {injects}"
    );
    assert_eq!(teams, 2);
}

#[test]
fn the_ransomware_scenario_has_four_teams() {
    let (_, teams) = check("scenarios/ransomware.ron");
    assert!(teams >= 4);
}

#[test]
fn the_tutorial_has_six_injects() {
    // Five triggers, and the second branch of its decision (both raise the GDPR question).
    assert_eq!(check("scenarios/tutorial.ron").0, 6);
}

/// The library's exercises about cooperation between organisations, each with a script in
/// `tests/fixtures/NAME/` and the report that script must give (worked out by hand in
/// `expected.md` beside it).
const LIBRARY: [&str; 7] = [
    "insider-contractor",
    "vendor-update",
    "water-utility",
    "election-night",
    "data-breach-two-dpas",
    "bank-ddos",
    "cloud-keys",
];

#[test]
fn every_library_exercise_is_shipped_as_its_file_and_loads() {
    for entry in &ttx::library::LIBRARY {
        let path = format!("scenarios/{}.ron", entry.name);
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(entry.source, source, "{path} is what the binary ships");
        common::load(&path, &source);
    }
}

#[test]
fn each_library_exercise_has_what_a_realistic_exercise_needs() {
    for name in LIBRARY {
        let path = format!("scenarios/{name}.ron");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let scenario = common::load(&path, &source);
        let injects = &scenario.injects;
        assert!(
            (15..=30).contains(&injects.len()),
            "{name}: {} injects",
            injects.len()
        );
        assert!(
            scenario.teams.len() >= 3,
            "{name}: organisations must cooperate"
        );
        assert!(scenario.end.is_some(), "{name}: a planned end");
        assert!(scenario.summary.is_some(), "{name}: a briefing");
        assert!(
            scenario.teams.iter().all(|t| t.summary.is_some()),
            "{name}: team summaries"
        );
        assert!(!scenario.objectives.is_empty(), "{name}: objectives");
        assert!(
            injects.iter().all(|i| i.from.is_some()),
            "{name}: every inject has a sender"
        );
        assert!(
            injects.iter().any(|i| matches!(i.when, Trigger::Missed(_))),
            "{name}: a contingency on a missed deadline"
        );
        assert!(
            injects
                .iter()
                .flat_map(|i| &i.expect)
                .any(|e| e.is_decision()),
            "{name}: a decision"
        );
        assert!(
            scenario.actions.iter().any(|a| a.ahead),
            "{name}: an action that counts ahead"
        );
        assert!(
            scenario
                .actions
                .iter()
                .any(|a| a.message.as_ref().is_some_and(|m| m.reply.is_some())
                    && !a.fields.is_empty()),
            "{name}: a hotline request with required fields and a reply time"
        );
        assert!(
            injects.iter().filter(|i| i.notes.is_some()).count() >= 5,
            "{name}: facilitator notes"
        );
        // The evaluation fields (exercise block, capabilities, targets, organisations) and the
        // discussion's modules are checked for every exercise of the library, the built-in ones
        // included, in tests/library.rs.
    }
}

#[test]
fn each_library_script_gives_its_fixture_report_exactly() {
    for name in LIBRARY {
        let path = format!("scenarios/{name}.ron");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let scenario = Arc::new(common::load(&path, &source));
        let script_path = format!("tests/fixtures/{name}/script.ron");
        let script_source = std::fs::read_to_string(&script_path).unwrap();
        let script = load_script(&script_path, &script_source).unwrap_or_else(|d| {
            panic!(
                "{}",
                d.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        let (exercise, _) = ttx::play::play(Arc::clone(&scenario), &script, &script_path)
            .unwrap_or_else(|e| panic!("{script_path}: {e}"));
        let report = Report::of(&exercise).render(&scenario, Format::Json);
        let expected =
            std::fs::read_to_string(format!("tests/fixtures/{name}/report.json")).unwrap();
        let parse = |text: &str| -> serde_json::Value {
            serde_json::from_str(text).expect("the report is JSON")
        };
        assert_eq!(parse(&report), parse(&expected), "{name}");
    }
}

#[test]
fn every_shipped_scenario_validates_without_warnings() {
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.push("templates/starter.ron".into());
    for path in paths {
        let source = std::fs::read_to_string(&path).unwrap();
        let validated =
            ttx::scenario::validate_scenario(&path.display().to_string(), &source).unwrap();
        let shown: Vec<String> = validated.warnings.iter().map(|w| w.to_string()).collect();
        assert!(shown.is_empty(), "{}", shown.join("\n"));
    }
}
