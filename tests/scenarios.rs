//! Every scenario shipped in `scenarios/` loads without a single diagnostic.

mod common;

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
fn the_tutorial_has_five_injects() {
    assert_eq!(check("scenarios/tutorial.ron").0, 5);
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
