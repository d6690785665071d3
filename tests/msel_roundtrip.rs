//! Random scenarios survive `msel export` → `msel import`, CSV and XLSX alike, with the same
//! teams, injects, times, triggers, bodies, expectations and notes.

use proptest::prelude::*;
use ttx::msel::{ImportOptions, export, export_csv, export_xlsx, import};
use ttx::scenario::{Scenario, load_scenario};

fn ron(text: &str) -> String {
    ttx::ron_file::quoted(text)
}

#[derive(Debug, Clone)]
struct Plan {
    teams: Vec<(String, String, Option<String>)>,
    actions: Vec<(String, String, Vec<String>)>,
    objectives: Vec<(String, String)>,
    injects: Vec<InjectPlan>,
}

#[derive(Debug, Clone)]
struct InjectPlan {
    when: u8,
    at: u64,
    delay: u64,
    jitter: u64,
    chance: f64,
    to: Vec<bool>,
    title: String,
    body: String,
    from: Option<String>,
    notes: Option<String>,
    expect: Vec<(usize, u64, u8, bool, Option<usize>)>,
    decision: Option<(usize, usize, u64)>,
}

fn name() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,7}( [A-Za-z&/—é]{1,7})?"
}

/// Text as people write it, starting with whatever a spreadsheet program might run.
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z=+@'\\-][a-zA-Z0-9 ,.;:'\"=+@()|é—\\-\n]{0,40}"
}

fn plan() -> impl Strategy<Value = Plan> {
    let teams = prop::collection::vec((name(), any::<bool>(), prop::option::of(text())), 1..=4);
    let actions = prop::collection::vec(
        (
            name(),
            any::<bool>(),
            prop::sample::subsequence(vec!["summary", "contact", "ioc"], 0..=3),
        ),
        2..=4,
    );
    let objectives = prop::collection::vec(name(), 0..=2);
    let inject = (
        (
            0u8..6,
            0u64..100_000,
            0u64..3,
            0u64..3,
            prop::sample::select(vec![1.0, 0.5, 0.25]),
        ),
        prop::collection::vec(any::<bool>(), 4),
        ("[A-Z][a-zA-Z0-9 ,:'=+\\-]{0,30}[a-z]", text()),
        (prop::option::of(name()), prop::option::of(text())),
        prop::collection::vec(
            (
                0usize..4,
                1u64..10_000,
                0u8..4,
                any::<bool>(),
                prop::option::of(0usize..2),
            ),
            0..=3,
        ),
        prop::option::of((0usize..4, 0usize..4, 1u64..10_000)),
    );
    (
        teams,
        actions,
        objectives,
        prop::collection::vec(inject, 1..=6),
    )
        .prop_map(|(teams, actions, objectives, injects)| {
            let mut seen = Vec::new();
            let mut team_ids = Vec::new();
            let teams = teams
                .into_iter()
                .enumerate()
                .filter(|(_, (n, _, _))| {
                    let fresh = !seen.contains(n);
                    seen.push(n.clone());
                    fresh
                })
                .map(|(i, (n, slugged, summary))| {
                    let id = match ttx::msel::slug(&n) {
                        Some(s) if slugged && !team_ids.contains(&s) => s,
                        _ => format!("t{i}"),
                    };
                    team_ids.push(id.clone());
                    (id, n, summary)
                })
                .collect::<Vec<_>>();
            let mut ids = Vec::new();
            let actions = actions
                .into_iter()
                .enumerate()
                .map(|(i, (n, slugged, fields))| {
                    let id = match ttx::msel::slug(&n) {
                        Some(s) if slugged && !ids.contains(&s) => s,
                        _ => format!("a{i}"),
                    };
                    ids.push(id.clone());
                    (id, n, fields.into_iter().map(str::to_string).collect())
                })
                .collect();
            let objectives = objectives
                .into_iter()
                .enumerate()
                .map(|(i, n)| (format!("o{i}"), n))
                .collect();
            let injects = injects
                .into_iter()
                .map(
                    |(
                        (when, at, delay, jitter, chance),
                        to,
                        (title, body),
                        (from, notes),
                        expect,
                        decision,
                    )| {
                        InjectPlan {
                            when,
                            at,
                            delay: delay * 300,
                            jitter: jitter * 60,
                            chance,
                            to,
                            title,
                            body,
                            from,
                            notes,
                            expect,
                            decision,
                        }
                    },
                )
                .collect();
            Plan {
                teams,
                actions,
                objectives,
                injects,
            }
        })
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|i| ron(i)).collect::<Vec<_>>().join(", ")
    )
}

/// The plan as a valid scenario's RON: triggers only wait on earlier injects, the first inject
/// goes to every team, each action is expected at most once an inject.
fn scenario_text(plan: &Plan) -> String {
    let mut out = String::from("Scenario(title: \"Round trip\",\n");
    if !plan.objectives.is_empty() {
        out.push_str("objectives: [");
        for (id, name) in &plan.objectives {
            out.push_str(&format!("(id: {}, name: {}),", ron(id), ron(name)));
        }
        out.push_str("],\n");
    }
    out.push_str("teams: [");
    for (id, name, summary) in &plan.teams {
        let summary = summary
            .as_ref()
            .map(|s| format!(", summary: {}", ron(s)))
            .unwrap_or_default();
        out.push_str(&format!("(id: {}, name: {}{summary}),", ron(id), ron(name)));
    }
    out.push_str("],\nactions: [");
    for (id, name, fields) in &plan.actions {
        out.push_str(&format!(
            "(id: {}, name: {}, fields: {}),",
            ron(id),
            ron(name),
            list(fields)
        ));
    }
    out.push_str("],\ninjects: [\n");
    // (inject id, its expectations' names)
    let mut earlier: Vec<(String, Vec<String>)> = Vec::new();
    for (n, inject) in plan.injects.iter().enumerate() {
        let id = format!("i{n}");
        let to: Vec<String> = plan
            .teams
            .iter()
            .enumerate()
            .filter(|(t, _)| n == 0 || inject.to[*t] || *t == 0)
            .map(|(_, (id, _, _))| id.clone())
            .collect();
        let with_expectations: Vec<&(String, Vec<String>)> =
            earlier.iter().filter(|(_, e)| !e.is_empty()).collect();
        let when = match (inject.when, earlier.last(), with_expectations.first()) {
            (_, None, _) | (0, _, _) => format!("At({})", ron(&format!("{}s", inject.at))),
            (1, Some((prev, _)), _) => format!("Released({})", ron(prev)),
            (2, _, Some((i, e))) => format!("Met({})", ron(&format!("{i}.{}", e[0]))),
            (3, _, Some((i, e))) => format!("Missed({})", ron(&format!("{i}.{}", e[0]))),
            (4, _, _) => format!("Taken({})", ron(&plan.actions[0].0)),
            _ => "Manual".to_string(),
        };
        let mut expect = Vec::new();
        let mut names = Vec::new();
        let mut used = Vec::new();
        for (action, within, by, all_fields, objective) in &inject.expect {
            let action = action % plan.actions.len();
            if used.contains(&action) {
                continue;
            }
            used.push(action);
            let (action_id, _, fields) = &plan.actions[action];
            let mut parts = vec![
                format!("action: {}", ron(action_id)),
                format!("within: \"{within}s\""),
            ];
            if *by == 1 && to.len() > 1 {
                parts.push(format!("by: {}", list(&to[1..])));
            }
            if !all_fields && !fields.is_empty() {
                parts.push(format!("fields: {}", list(&fields[..1])));
            }
            if *by == 2 {
                parts.push("weight: 2.5".to_string());
            }
            if let Some(o) = objective.filter(|o| *o < plan.objectives.len()) {
                parts.push(format!("objective: {}", ron(&plan.objectives[o].0)));
            }
            expect.push(format!("({})", parts.join(", ")));
            names.push(action_id.clone());
        }
        if let Some((a, b, within)) = inject.decision {
            let (a, b) = (a % plan.actions.len(), b % plan.actions.len());
            if a != b && !used.contains(&a) && !used.contains(&b) {
                expect.push(format!(
                    "(decide: {}, within: \"{within}s\")",
                    list(&[plan.actions[a].0.clone(), plan.actions[b].0.clone()])
                ));
                names.push("decision".to_string());
            }
        }
        out.push_str(&format!(
            "(id: {}, when: {when}, to: {}, title: {}, body: {}, delay: \"{}s\", jitter: \"{}s\", chance: {:?}, expect: [{}]",
            ron(&id),
            list(&to),
            ron(&inject.title),
            ron(&inject.body),
            inject.delay,
            inject.jitter,
            inject.chance,
            expect.join(", ")
        ));
        if let Some(from) = &inject.from {
            out.push_str(&format!(", from: {}", ron(from)));
        }
        if let Some(notes) = &inject.notes {
            out.push_str(&format!(", notes: {}", ron(notes)));
        }
        out.push_str("),\n");
        earlier.push((id, names));
    }
    out.push_str("],\n)\n");
    out
}

fn load(name: &str, text: &str) -> Scenario {
    load_scenario(name, text).unwrap_or_else(|d| {
        panic!(
            "{}\n{text}",
            d.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn back(file: &str, bytes: &[u8]) -> Scenario {
    let imported = import(file, bytes, &ImportOptions::default()).expect("imports");
    assert_eq!(imported.problems, [], "{}", imported.ron);
    load("imported.ron", &imported.ron)
}

/// The teams' ids and names; a CSV lists them in the order they first receive an inject.
fn teams(scenario: &Scenario) -> Vec<(String, String)> {
    let mut teams: Vec<(String, String)> = scenario
        .teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    teams.sort();
    teams
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn csv_and_xlsx_give_the_scenario_back(plan in plan()) {
        let original = load("original.ron", &scenario_text(&plan));

        let csv = export_csv(&original).unwrap();
        let from_csv = back("msel.csv", &csv);
        prop_assert_eq!(teams(&from_csv), teams(&original));
        prop_assert_eq!(export::rows(&from_csv), export::rows(&original));

        let xlsx = export_xlsx(&original).unwrap();
        let from_xlsx = back("msel.xlsx", &xlsx);
        prop_assert_eq!(&from_xlsx.teams, &original.teams);
        prop_assert_eq!(&from_xlsx.actions, &original.actions);
        prop_assert_eq!(&from_xlsx.injects, &original.injects);
    }
}

#[test]
fn the_shipped_scenarios_survive_the_round_trip() {
    for file in ["cross-border-breach.ron", "ransomware.ron", "tutorial.ron"] {
        let text = std::fs::read_to_string(format!("scenarios/{file}")).unwrap();
        let original = load(file, &text);
        let from_csv = back("msel.csv", &export_csv(&original).unwrap());
        assert_eq!(teams(&from_csv), teams(&original), "{file}");
        assert_eq!(export::rows(&from_csv), export::rows(&original), "{file}");
        let from_xlsx = back("msel.xlsx", &export_xlsx(&original).unwrap());
        assert_eq!(from_xlsx.teams, original.teams, "{file}");
        assert_eq!(from_xlsx.actions, original.actions, "{file}");
        assert_eq!(from_xlsx.injects, original.injects, "{file}");
    }
}
