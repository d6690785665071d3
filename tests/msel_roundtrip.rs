//! Random scenarios survive `msel export` → `msel import`, CSV and XLSX alike, with the same
//! teams, injects, times, triggers, bodies, expectations and notes; and format 3's attributes
//! (`ref`, `method`, `unless`, `Incomplete`, `basis`, shaped fields, `clarifies`) with them.
//! XLSX gives the whole scenario back (its `Exercise` sheet carries the rest, its `Modules`
//! sheet the discussion): a random script plays the same on both sides, to the same report.

use std::sync::Arc;

use proptest::prelude::*;
use ttx::msel::{ImportOptions, export, export_csv, export_xlsx, import};
use ttx::play::play;
use ttx::report::{Format, Report};
use ttx::scenario::{Scenario, load_scenario};
use ttx::script::{Script, Step, StepKind, load_script};

fn ron(text: &str) -> String {
    ttx::ron_file::quoted(text)
}

/// What the `Exercise` sheet carries, and the details of teams, objectives and actions that only
/// XLSX keeps.
#[derive(Debug, Clone)]
struct Extras {
    summary: Option<String>,
    speed: f64,
    end: Option<u64>,
    seed: u64,
    late_credit: f64,
    sponsor: Option<String>,
    handling: Option<String>,
    mission_areas: Vec<String>,
    ratings: bool,
    organisations: Vec<String>,
    capability: Option<String>,
    target: Option<String>,
    description: Option<String>,
    limited: bool,
    ahead: bool,
    threat: Option<String>,
    assumptions: Vec<String>,
    /// The agenda's lines: a time of day and an item.
    schedule: Vec<(String, String)>,
    /// The feedback form's own statements; `None`: HSEEP's six.
    feedback: Option<Vec<String>>,
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        (
            prop::option::of(text()),
            prop::sample::select(vec![1.0, 12.0, 0.5]),
            prop::option::of(1u64..200),
            0u64..1000,
            prop::sample::select(vec![0.5, 0.25, 1.0]),
        ),
        (
            prop::option::of(name()),
            prop::option::of(prop::sample::select(vec!["TLP:AMBER", "TLP:CLEAR"])),
            prop::collection::vec(name(), 0..=2),
            any::<bool>(),
        ),
        (
            prop::collection::vec(name(), 0..=2),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            prop::option::of(text()),
            prop::collection::vec(name(), 0..=2),
            prop::collection::vec(("[0-2][0-9]:[0-5][0-9]( AM)?", name()), 0..=3),
            prop::option::of(prop::collection::hash_set(name(), 1..=3)),
        ),
    )
        .prop_map(
            |(
                (summary, speed, end, seed, late_credit),
                (sponsor, handling, mission_areas, ratings),
                (organisations, capability, target, description, limited, ahead),
                (threat, assumptions, schedule, feedback),
            )| Extras {
                summary,
                speed,
                end: end.map(|h| h * 3600),
                seed,
                late_credit,
                sponsor,
                handling: handling.map(str::to_string),
                mission_areas,
                ratings,
                organisations,
                capability,
                target,
                description,
                limited,
                ahead,
                threat,
                assumptions,
                schedule,
                feedback: feedback.map(|f| {
                    let mut f: Vec<String> = f.into_iter().collect();
                    f.sort();
                    f
                }),
            },
        )
}

#[derive(Debug, Clone)]
struct Plan {
    extras: Extras,
    teams: Vec<(String, String, Option<String>)>,
    actions: Vec<ActionPlan>,
    objectives: Vec<(String, String)>,
    injects: Vec<InjectPlan>,
    /// The first action sends a message to every other team, whose reply (the second action)
    /// has this basis.
    reply: Option<Option<String>>,
    modules: Vec<ModulePlan>,
}

/// A module: it begins 10 minutes after the one before (the first at the start, so that none
/// is after the end).
#[derive(Debug, Clone)]
struct ModulePlan {
    title: String,
    narrative: String,
    questions: Vec<QuestionPlan>,
}

#[derive(Debug, Clone)]
struct QuestionPlan {
    text: String,
    /// The teams it is for (of the first four); `None`: every team, by leaving `to` out.
    to: Option<Vec<bool>>,
    /// An objective, where the plan has one.
    objective: Option<usize>,
}

#[derive(Debug, Clone)]
struct ActionPlan {
    id: String,
    name: String,
    fields: Vec<FieldPlan>,
    /// `clarifies` (seconds) and its basis; only from the third action on, which no message
    /// names.
    clarifies: Option<(u64, Option<String>)>,
}

#[derive(Debug, Clone)]
struct FieldPlan {
    name: String,
    hint: Option<String>,
    /// 0: any text, 1: choices, 2: `min_words`.
    shape: u8,
    choices: Vec<String>,
    min_words: u64,
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
    reference: Option<String>,
    method: Option<String>,
    /// 0: none; 1 after, 2 met, 3 missed, 4 incomplete, 5 taken: of what came before.
    unless: u8,
    /// The basis of each expectation, in turn (the decision's last).
    bases: Vec<Option<String>>,
}

fn name() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,7}( [A-Za-z&/—é]{1,7})?"
}

/// Text as people write it, starting with whatever a spreadsheet program might run.
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z=+@'\\-][a-zA-Z0-9 ,.;:'\"=+@()|é—\\-\n]{0,40}"
}

/// A field's hint, shape and choices.
fn shape() -> impl Strategy<Value = (Option<String>, u8, Vec<String>, u64)> {
    (
        prop::option::of(text()),
        0u8..3,
        prop::collection::hash_set("[a-z]{1,6}( [a-z]{1,4})?", 2..=3),
        1u64..5,
    )
        .prop_map(|(hint, shape, choices, min)| {
            let mut choices: Vec<String> = choices.into_iter().collect();
            choices.sort();
            (hint, shape, choices, min)
        })
}

fn plan() -> impl Strategy<Value = Plan> {
    let teams = prop::collection::vec((name(), any::<bool>(), prop::option::of(text())), 1..=4);
    let actions = prop::collection::vec(
        (
            name(),
            any::<bool>(),
            prop::sample::subsequence(vec!["summary", "contact", "ioc"], 0..=3),
            prop::collection::vec(shape(), 3),
            prop::option::of((1u64..100, prop::option::of(text()))),
        ),
        2..=4,
    );
    let reply = prop::option::of(prop::option::of(text()));
    let objectives = prop::collection::vec(name(), 0..=2);
    let inject = (
        (
            0u8..7,
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
        (
            prop::option::of("[=+0-9A-Z\\-][0-9A-Za-z./\\-]{0,15}"),
            prop::option::of("[=@A-Za-z][a-zA-Z0-9 ,.'\\-]{0,38}[a-z]"),
            0u8..6,
            prop::collection::vec(prop::option::of(text()), 4),
        ),
    );
    (
        teams,
        actions,
        objectives,
        prop::collection::vec(inject, 1..=6),
        reply,
        extras(),
        prop::collection::vec(
            (
                name(),
                text(),
                prop::collection::vec(
                    (
                        text(),
                        prop::option::of(prop::collection::vec(any::<bool>(), 4)),
                        prop::option::of(0usize..2),
                    ),
                    0..=3,
                ),
            ),
            0..=3,
        ),
    )
        .prop_map(
            |(teams, actions, objectives, injects, reply, extras, modules)| {
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
                    .map(|(i, (n, slugged, fields, shapes, clarifies))| {
                        let id = match ttx::msel::slug(&n) {
                            Some(s) if slugged && !ids.contains(&s) => s,
                            _ => format!("a{i}"),
                        };
                        ids.push(id.clone());
                        let fields = fields
                            .into_iter()
                            .zip(shapes)
                            .map(|(name, (hint, shape, choices, min_words))| FieldPlan {
                                name: name.to_string(),
                                hint,
                                shape,
                                choices,
                                min_words,
                            })
                            .collect();
                        ActionPlan {
                            id,
                            name: n,
                            fields,
                            clarifies: clarifies
                                .filter(|_| i >= 2)
                                .map(|(minutes, basis)| (minutes * 60, basis)),
                        }
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
                            (reference, method, unless, bases),
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
                                reference,
                                method,
                                unless,
                                bases,
                            }
                        },
                    )
                    .collect();
                Plan {
                    extras,
                    teams,
                    actions,
                    objectives,
                    injects,
                    reply,
                    modules: modules
                        .into_iter()
                        .map(|(title, narrative, questions)| ModulePlan {
                            title,
                            narrative,
                            questions: questions
                                .into_iter()
                                .map(|(text, to, objective)| QuestionPlan {
                                    text,
                                    to,
                                    objective,
                                })
                                .collect(),
                        })
                        .collect(),
                }
            },
        )
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|i| ron(i)).collect::<Vec<_>>().join(", ")
    )
}

/// A field as RON: its name, or its record with a hint and choices or `min_words`.
fn field_text(field: &FieldPlan) -> String {
    let mut parts = vec![format!("name: {}", ron(&field.name))];
    if let Some(hint) = &field.hint {
        parts.push(format!("hint: {}", ron(hint)));
    }
    match field.shape {
        1 => parts.push(format!("choices: {}", list(&field.choices))),
        2 => parts.push(format!("min_words: {}", field.min_words)),
        _ => {}
    }
    if parts.len() == 1 {
        ron(&field.name)
    } else {
        format!("({})", parts.join(", "))
    }
}

fn basis(basis: &Option<String>) -> String {
    basis
        .as_ref()
        .map(|b| format!(", basis: {}", ron(b)))
        .unwrap_or_default()
}

/// The plan as a valid scenario's RON: triggers and `unless` only wait on earlier injects, the
/// first inject goes to every team, each action is expected at most once an inject, and
/// `Incomplete` names an action's expectation that requires fields.
fn scenario_text(plan: &Plan) -> String {
    let x = &plan.extras;
    let mut out = String::from("Scenario(title: \"Round trip\",\n");
    if let Some(summary) = &x.summary {
        out.push_str(&format!("summary: {},\n", ron(summary)));
    }
    out.push_str(&format!(
        "speed: {:?}, seed: {}, late_credit: {:?},\n",
        x.speed, x.seed, x.late_credit
    ));
    if let Some(end) = x.end {
        out.push_str(&format!("end: \"{end}s\",\n"));
    }
    let schedule: Vec<String> = x
        .schedule
        .iter()
        .map(|(at, item)| format!("(at: {}, item: {})", ron(at), ron(item)))
        .collect();
    out.push_str(&format!(
        "exercise: (mission_areas: {}, assumptions: {}, schedule: [{}]{}{}{}),\n",
        list(&x.mission_areas),
        list(&x.assumptions),
        schedule.join(", "),
        x.threat
            .as_ref()
            .map(|t| format!(", threat: {}", ron(t)))
            .unwrap_or_default(),
        x.sponsor
            .as_ref()
            .map(|s| format!(", sponsor: {}", ron(s)))
            .unwrap_or_default(),
        x.handling
            .as_ref()
            .map(|h| format!(", handling: {}", ron(h)))
            .unwrap_or_default(),
    ));
    if x.ratings {
        out.push_str("ratings: (performed: 0.8, some: 0.6, major: 0.3),\n");
    }
    if let Some(feedback) = &x.feedback {
        out.push_str(&format!("feedback: {},\n", list(feedback)));
    }
    if !plan.modules.is_empty() {
        out.push_str("modules: [\n");
        for (m, module) in plan.modules.iter().enumerate() {
            let questions: Vec<String> = module
                .questions
                .iter()
                .enumerate()
                .map(|(q, question)| {
                    let mut more = String::new();
                    if let Some(to) = &question.to {
                        let ids: Vec<String> = plan
                            .teams
                            .iter()
                            .enumerate()
                            .filter(|(t, _)| to[*t] || *t == 0)
                            .map(|(_, (id, _, _))| id.clone())
                            .collect();
                        more.push_str(&format!(", to: {}", list(&ids)));
                    }
                    if let Some(o) = question.objective.filter(|o| *o < plan.objectives.len()) {
                        more.push_str(&format!(", objective: {}", ron(&plan.objectives[o].0)));
                    }
                    format!("(id: \"q{m}-{q}\", text: {}{more})", ron(&question.text))
                })
                .collect();
            out.push_str(&format!(
                "(id: \"m{m}\", title: {}, from: \"{}m\", narrative: {}, questions: [{}]),\n",
                ron(&module.title),
                m * 10,
                ron(&module.narrative),
                questions.join(", ")
            ));
        }
        out.push_str("],\n");
    }
    if !plan.objectives.is_empty() {
        out.push_str("objectives: [");
        for (id, name) in &plan.objectives {
            let mut more = String::new();
            if let Some(c) = &x.capability {
                more.push_str(&format!(", capability: {}", ron(c)));
            }
            if let Some(t) = &x.target {
                more.push_str(&format!(", target: {}", ron(t)));
            }
            out.push_str(&format!("(id: {}, name: {}{more}),", ron(id), ron(name)));
        }
        out.push_str("],\n");
    }
    out.push_str("teams: [");
    for (id, name, summary) in &plan.teams {
        let summary = summary
            .as_ref()
            .map(|s| format!(", summary: {}", ron(s)))
            .unwrap_or_default();
        out.push_str(&format!(
            "(id: {}, name: {}{summary}, organisations: {}),",
            ron(id),
            ron(name),
            list(&x.organisations)
        ));
    }
    out.push_str("],\nactions: [");
    for (n, action) in plan.actions.iter().enumerate() {
        let fields: Vec<String> = action.fields.iter().map(field_text).collect();
        let mut more = String::new();
        if let (0, Some(reply)) = (n, &plan.reply) {
            more.push_str(&format!(
                ", message: (to: Others, reply: (action: {}, within: \"1h\"{}))",
                ron(&plan.actions[1].id),
                basis(reply)
            ));
        }
        if let Some((clarifies, b)) = &action.clarifies {
            more.push_str(&format!(", clarifies: \"{clarifies}s\"{}", basis(b)));
        } else if x.ahead && n == 1 {
            more.push_str(", ahead: true");
        }
        if let Some(d) = &x.description {
            more.push_str(&format!(", description: {}", ron(d)));
        }
        if x.limited {
            let ids: Vec<String> = plan.teams.iter().map(|(id, _, _)| id.clone()).collect();
            more.push_str(&format!(", teams: {}", list(&ids)));
        }
        out.push_str(&format!(
            "(id: {}, name: {}, fields: [{}]{more}),\n",
            ron(&action.id),
            ron(&action.name),
            fields.join(", ")
        ));
    }
    out.push_str("],\ninjects: [\n");
    // (inject id, its expectations' names, the first action it expects with required fields)
    let mut earlier: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
    for (n, inject) in plan.injects.iter().enumerate() {
        let id = format!("i{n}");
        let to: Vec<String> = plan
            .teams
            .iter()
            .enumerate()
            .filter(|(t, _)| n == 0 || inject.to[*t] || *t == 0)
            .map(|(_, (id, _, _))| id.clone())
            .collect();
        let prev = earlier.last().map(|(i, _, _)| i);
        let expected = earlier
            .iter()
            .find(|(_, e, _)| !e.is_empty())
            .map(|(i, e, _)| format!("{i}.{}", e[0]));
        let incomplete = earlier
            .iter()
            .find_map(|(i, _, f)| f.as_ref().map(|a| format!("{i}.{a}")));
        // What `when` and `unless` may wait on; `None` where there is nothing to wait on yet.
        let wait = |kind: u8| match kind {
            1 => prev.map(|p| format!("Released({})", ron(p))),
            2 => expected.as_ref().map(|e| format!("Met({})", ron(e))),
            3 => expected.as_ref().map(|e| format!("Missed({})", ron(e))),
            4 => Some(format!("Taken({})", ron(&plan.actions[0].id))),
            6 => incomplete
                .as_ref()
                .map(|e| format!("Incomplete({})", ron(e))),
            _ => None,
        };
        let when = match (inject.when, prev) {
            (_, None) | (0, _) => format!("At({})", ron(&format!("{}s", inject.at))),
            (kind, _) => wait(kind).unwrap_or_else(|| "Manual".to_string()),
        };
        let unless = match inject.unless {
            5 => wait(6),
            kind => wait(kind),
        };
        let mut expect = Vec::new();
        let mut names = Vec::new();
        let mut used = Vec::new();
        let mut first_with_fields = None;
        for (action, within, by, all_fields, objective) in &inject.expect {
            let action = action % plan.actions.len();
            if used.contains(&action) {
                continue;
            }
            used.push(action);
            let ActionPlan {
                id: action_id,
                fields,
                ..
            } = &plan.actions[action];
            let fields: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
            if first_with_fields.is_none() && !fields.is_empty() {
                first_with_fields = Some(action_id.clone());
            }
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
            expect.push(format!(
                "({}{})",
                parts.join(", "),
                basis(&inject.bases[expect.len()])
            ));
            names.push(action_id.clone());
        }
        if let Some((a, b, within)) = inject.decision {
            let (a, b) = (a % plan.actions.len(), b % plan.actions.len());
            if a != b && !used.contains(&a) && !used.contains(&b) {
                expect.push(format!(
                    "(decide: {}, within: \"{within}s\"{})",
                    list(&[plan.actions[a].id.clone(), plan.actions[b].id.clone()]),
                    basis(&inject.bases[expect.len()])
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
        if let Some(reference) = &inject.reference {
            out.push_str(&format!(", ref: {}", ron(reference)));
        }
        if let Some(method) = &inject.method {
            out.push_str(&format!(", method: {}", ron(method)));
        }
        if let Some(unless) = unless {
            out.push_str(&format!(", unless: {unless}"));
        }
        out.push_str("),\n");
        earlier.push((id, names, first_with_fields));
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

/// A script of `steps` (time, team, action, every field filled): responses as people give them,
/// with hand releases of the `Manual` injects among them.
fn script(scenario: &Scenario, steps: &[(u64, usize, usize, bool)]) -> Script {
    let mut out = Vec::new();
    for (at, team, action, release) in steps {
        let number = out.len() + 1;
        let manual = scenario
            .injects
            .iter()
            .filter(|i| matches!(i.when, ttx::scenario::Trigger::Manual))
            .nth(*action);
        let kind = match (release, manual) {
            (true, Some(inject)) => StepKind::Release {
                inject: inject.id.as_str().to_owned(),
            },
            _ => {
                // A clarification names the request it answers: left to the tests of format 3.
                let answers: Vec<_> = scenario
                    .actions
                    .iter()
                    .filter(|a| a.clarifies.is_none())
                    .collect();
                let action = answers[action % answers.len()];
                StepKind::Respond {
                    team: scenario.teams[team % scenario.teams.len()].id.clone(),
                    action: action.id.clone(),
                    fields: action
                        .fields
                        .iter()
                        .zip(&action.shapes)
                        .map(|(f, shape)| {
                            let text = shape
                                .choices
                                .first()
                                .cloned()
                                .unwrap_or_else(|| "one two three four five".to_string());
                            (f.clone(), text)
                        })
                        .collect(),
                    note: None,
                    inject: None,
                    message: None,
                    insufficient: Vec::new(),
                }
            }
        };
        out.push(Step {
            number,
            line: number,
            col: 1,
            at: *at,
            kind,
        });
    }
    Script {
        seed: None,
        steps: out,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn csv_and_xlsx_give_the_scenario_back(
        plan in plan(),
        steps in prop::collection::vec((0u64..20_000, 0usize..8, 0usize..8, any::<bool>()), 0..12),
    ) {
        let original = load("original.ron", &scenario_text(&plan));

        let csv = export_csv(&original).unwrap();
        let from_csv = back("msel.csv", &csv);
        prop_assert_eq!(teams(&from_csv), teams(&original));
        prop_assert_eq!(export::rows(&from_csv), export::rows(&original));

        let xlsx = export_xlsx(&original).unwrap();
        let from_xlsx = back("msel.xlsx", &xlsx);
        prop_assert_eq!(whole(&from_xlsx), whole(&original));
        let script = script(&original, &steps);
        prop_assert_eq!(
            played(&from_xlsx, &script, "script.ron"),
            played(&original, &script, "script.ron")
        );
    }
}

/// The scenario as a comparable whole: its rehearsal profile as the RON it reads as (the
/// value kept keeps its place in the file it came from).
fn whole(scenario: &Scenario) -> (Scenario, Option<String>) {
    let arena = ttx::ron_file::Arena::new();
    let profile = scenario.profile.as_ref().map(|written| {
        ttx::msel::text::value_ron(&written.read(&arena).expect("read once, reads again"))
    });
    let mut scenario = scenario.clone();
    scenario.profile = None;
    (scenario, profile)
}

/// The JSON report of a script played on a scenario, or the step the exercise refused.
fn played(scenario: &Scenario, script: &Script, file: &str) -> Result<String, String> {
    let (exercise, _) =
        play(Arc::new(scenario.clone()), script, file).map_err(|e| e.to_string())?;
    Ok(Report::of(&exercise).render(scenario, Format::Json))
}

/// Every shipped scenario, and the worked case of format 3: CSV keeps the MSEL's table; XLSX
/// keeps the whole scenario, so that the scenario's own script gives the same report on the
/// import as on the original (issue 23, item 3).
#[test]
fn the_shipped_scenarios_survive_the_round_trip() {
    let mut files: Vec<(String, String)> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|path| {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            (
                path.display().to_string(),
                format!("tests/fixtures/{stem}/script.ron"),
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 10);
    files.push((
        "tests/fixtures/format-3/scenario.ron".into(),
        "tests/fixtures/format-3/script.ron".into(),
    ));
    for (file, script_file) in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let original = load(&file, &text);
        let from_csv = back("msel.csv", &export_csv(&original).unwrap());
        assert_eq!(teams(&from_csv), teams(&original), "{file}");
        assert_eq!(export::rows(&from_csv), export::rows(&original), "{file}");
        let from_xlsx = back("msel.xlsx", &export_xlsx(&original).unwrap());
        assert_eq!(whole(&from_xlsx), whole(&original), "{file}");
        let script_text = std::fs::read_to_string(&script_file).unwrap();
        let script = load_script(&script_file, &script_text).unwrap();
        let report = played(&original, &script, &script_file);
        assert!(report.is_ok(), "{file}: {report:?}");
        assert_eq!(played(&from_xlsx, &script, &script_file), report, "{file}");
    }
}
