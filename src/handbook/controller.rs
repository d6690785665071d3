//! What only the Controller/Evaluator Handbook holds: the Master Scenario Events List (every
//! inject with its trigger, sender, receivers, method, body, expected actions with their time
//! standards and basis, and what it is a contingency of) and an Exercise Evaluation Guide per
//! objective.

use super::situation::{basis, clock};
use super::{Block, Section, paragraphs};
use crate::debrief::evaluation::Rating;
use crate::scenario::{
    Expectation, ExpectationRef, Expected, Inject, InjectIx, ObjectiveIx, Scenario, Trigger,
};
use crate::words::duration;

pub(super) fn sections(scenario: &Scenario) -> Vec<Section> {
    vec![msel(scenario), evaluation_guides(scenario)]
}

/// An inject as the facilitators name it: its MSEL number (or its place) and title.
fn inject_name(scenario: &Scenario, ix: InjectIx) -> String {
    let inject = scenario.inject(ix);
    match &inject.reference {
        Some(reference) => format!("#{reference} {}", inject.title),
        None => format!("Inject {}: {}", ix.0 + 1, inject.title),
    }
}

/// An expectation named in a trigger: "«Phishing wave»: Block the sender domain (by the SOC)".
fn expectation_name(scenario: &Scenario, reference: &ExpectationRef) -> String {
    let inject = scenario.inject(reference.inject);
    let what = inject
        .expect
        .get(reference.expectation)
        .map_or_else(String::new, |e| expected_name(scenario, e));
    let team = reference
        .team
        .map(|t| format!(" by {}", scenario.team(t).name))
        .unwrap_or_default();
    format!("{}: {what}{team}", inject_name(scenario, reference.inject))
}

/// What satisfies an expectation: its action, or a decision's choices.
fn expected_name(scenario: &Scenario, expectation: &Expectation) -> String {
    match &expectation.what {
        Expected::Action(action) => scenario.action(*action).name.clone(),
        Expected::Decision(choices) => {
            let names: Vec<&str> = choices
                .iter()
                .map(|c| scenario.action(*c).name.as_str())
                .collect();
            format!("decide: {}", names.join(" or "))
        }
    }
}

/// A trigger in words, and whether it makes the inject a contingency (released when something
/// is missed or incomplete).
fn trigger_text(scenario: &Scenario, trigger: &Trigger) -> (String, bool) {
    match trigger {
        Trigger::At(at) => (format!("at {}", clock(*at)), false),
        Trigger::Manual => ("by hand, when the facilitator decides".into(), false),
        Trigger::Released(ix) => (
            format!("after {} is released", inject_name(scenario, *ix)),
            false,
        ),
        Trigger::Met(r) => (
            format!("once {} is done in time", expectation_name(scenario, r)),
            false,
        ),
        Trigger::Missed(r) => (
            format!("if {} is missed", expectation_name(scenario, r)),
            true,
        ),
        Trigger::Incomplete(r) => (
            format!(
                "if {} comes back with a required field missing or insufficient",
                expectation_name(scenario, r)
            ),
            true,
        ),
        Trigger::Taken { action, team } => {
            let by = team
                .map(|t| format!(" by {}", scenario.team(t).name))
                .unwrap_or_default();
            (
                format!("once “{}” is taken{by}", scenario.action(*action).name),
                false,
            )
        }
    }
}

/// When an inject is released, in words: its trigger, delay, jitter and chance, and what
/// skips it.
fn when_text(scenario: &Scenario, inject: &Inject) -> (String, bool) {
    let (mut text, contingency) = match (&inject.when, inject.delay) {
        (Trigger::At(at), delay) => (format!("at {}", clock(at.saturating_add(delay))), false),
        (trigger, 0) => trigger_text(scenario, trigger),
        (trigger, delay) => {
            let (text, contingency) = trigger_text(scenario, trigger);
            (format!("{} {text}", duration(delay)), contingency)
        }
    };
    if inject.jitter > 0 {
        text.push_str(&format!(", up to {} later", duration(inject.jitter)));
    }
    if inject.chance < 1.0 && inject.when != Trigger::Manual {
        text.push_str(&format!(
            ", with a chance of {}%",
            (inject.chance * 100.0).round()
        ));
    }
    if let Some(unless) = &inject.unless {
        let (skip, _) = trigger_text(scenario, unless);
        text.push_str(&format!("; skipped {skip} first"));
    }
    (text, contingency)
}

/// An expected action with its time standard, basis, required fields and objective.
fn expected_text(scenario: &Scenario, expectation: &Expectation) -> String {
    let by: Vec<&str> = expectation
        .by
        .iter()
        .map(|t| scenario.team(*t).name.as_str())
        .collect();
    let mut text = format!(
        "{}: {} within {}{}",
        by.join(", "),
        expected_name(scenario, expectation),
        duration(expectation.within),
        basis(expectation.basis.as_deref())
    );
    if let Expected::Action(action) = expectation.what {
        let action = scenario.action(action);
        if !expectation.fields.is_empty() {
            let fields: Vec<&str> = expectation
                .fields
                .iter()
                .map(|f| action.fields[*f].as_str())
                .collect();
            text.push_str(&format!("; fields required: {}", fields.join(", ")));
        }
    }
    if let Some(objective) = expectation.objective {
        text.push_str(&format!(
            "; objective: {}",
            scenario.objective(objective).name
        ));
    }
    text
}

fn msel(scenario: &Scenario) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Every inject in the scenario's order: when it is released, from whom and to whom, what \
         it says, and what each team is expected to do with the time standard and its basis. A \
         contingency is released only when what it names is missed or incomplete."
            .into(),
    )];
    for (ix, inject) in scenario.injects.iter().enumerate() {
        let ix = InjectIx(ix);
        let (when, contingency) = when_text(scenario, inject);
        let heading = match contingency {
            true => format!("{} (contingency)", inject_name(scenario, ix)),
            false => inject_name(scenario, ix),
        };
        blocks.push(Block::Heading(heading));
        let to: Vec<&str> = inject
            .to
            .iter()
            .map(|t| scenario.team(*t).name.as_str())
            .collect();
        let mut facts = vec![
            ("Released".to_string(), when),
            ("To".to_string(), to.join(", ")),
        ];
        if let Some(from) = &inject.from {
            facts.push(("From".into(), from.clone()));
        }
        if let Some(method) = &inject.method {
            facts.push(("Method".into(), method.clone()));
        }
        facts.push(("Id".into(), inject.id.as_str().to_owned()));
        blocks.push(Block::Facts(facts));
        blocks.extend(paragraphs(&inject.body));
        if !inject.expect.is_empty() {
            blocks.push(Block::Subheading("Expected actions".into()));
            blocks.push(Block::List(
                inject
                    .expect
                    .iter()
                    .map(|e| expected_text(scenario, e))
                    .collect(),
            ));
        }
        let followers = contingencies_of(scenario, ix);
        if !followers.is_empty() {
            blocks.push(Block::Subheading("What follows from it".into()));
            blocks.push(Block::List(followers));
        }
        if let Some(notes) = &inject.notes {
            blocks.push(Block::Subheading("Notes for the facilitator".into()));
            blocks.extend(paragraphs(notes));
        }
    }
    Section {
        heading: "Master Scenario Events List".into(),
        blocks,
        forms: false,
    }
}

/// The injects whose trigger waits on this one's release or expectations, and when.
fn contingencies_of(scenario: &Scenario, ix: InjectIx) -> Vec<String> {
    scenario
        .injects
        .iter()
        .enumerate()
        .filter(|(_, other)| match &other.when {
            Trigger::Released(target) => *target == ix,
            Trigger::Met(r) | Trigger::Missed(r) | Trigger::Incomplete(r) => r.inject == ix,
            _ => false,
        })
        .map(|(other, inject)| {
            let (when, _) = when_text(scenario, inject);
            format!("{}: {when}", inject_name(scenario, InjectIx(other)))
        })
        .collect()
}

/// The critical tasks of an objective: the expectations and replies tied to it, and the
/// discussion questions asked under it.
fn critical_tasks(scenario: &Scenario, objective: ObjectiveIx) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (ix, inject) in scenario.injects.iter().enumerate() {
        for e in inject
            .expect
            .iter()
            .filter(|e| e.objective == Some(objective))
        {
            let by: Vec<&str> =
                e.by.iter()
                    .map(|t| scenario.team(*t).name.as_str())
                    .collect();
            rows.push(vec![
                format!(
                    "{} — after {}",
                    expected_name(scenario, e),
                    inject_name(scenario, InjectIx(ix))
                ),
                by.join(", "),
                duration(e.within),
                e.basis.clone().unwrap_or_default(),
            ]);
        }
    }
    for action in &scenario.actions {
        let Some(reply) = action
            .message
            .as_ref()
            .and_then(|m| m.reply.as_ref())
            .filter(|r| r.objective == Some(objective))
        else {
            continue;
        };
        rows.push(vec![
            format!(
                "{} — in reply to “{}”",
                scenario.action(reply.action).name,
                action.name
            ),
            "each receiver".into(),
            duration(reply.within),
            reply.basis.clone().unwrap_or_default(),
        ]);
    }
    for module in &scenario.modules {
        for question in module
            .questions
            .iter()
            .filter(|q| q.objective == Some(objective))
        {
            let to: Vec<&str> = question
                .to
                .iter()
                .map(|t| scenario.team(*t).name.as_str())
                .collect();
            rows.push(vec![
                format!("Discuss: {} ({})", question.text, module.title),
                to.join(", "),
                "while the module is current".into(),
                String::new(),
            ]);
        }
    }
    rows
}

fn evaluation_guides(scenario: &Scenario) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "One guide per objective, for the evaluators: the core capability and target, the \
         critical tasks with their time standards and basis, and room to write what each team \
         did and the rating it earned (HSEEP's ratings, defined at the end)."
            .into(),
    )];
    if scenario.objectives.is_empty() {
        blocks.push(Block::Paragraph("The scenario names no objectives.".into()));
    }
    for (ix, objective) in scenario.objectives.iter().enumerate() {
        blocks.push(Block::Heading(format!(
            "Exercise Evaluation Guide: {}",
            objective.name
        )));
        let mut facts = vec![(
            "Core capability".to_string(),
            objective
                .capability
                .clone()
                .unwrap_or_else(|| "Not given".into()),
        )];
        facts.push((
            "Target".into(),
            objective
                .target
                .clone()
                .unwrap_or_else(|| "Not given".into()),
        ));
        blocks.push(Block::Facts(facts));
        blocks.push(Block::Subheading("Critical tasks".into()));
        let tasks = critical_tasks(scenario, ObjectiveIx(ix));
        blocks.push(match tasks.is_empty() {
            true => Block::Paragraph("No expectation or question is tied to it.".into()),
            false => Block::Table {
                head: vec![
                    "Task".into(),
                    "By".into(),
                    "Time standard".into(),
                    "Basis".into(),
                ],
                rows: tasks,
            },
        });
        for team in &scenario.teams {
            blocks.push(Block::Subheading(format!("Observations: {}", team.name)));
            blocks.push(Block::Blank {
                label: "What was observed (times, who, what was done or missed)".into(),
                lines: 4,
            });
            blocks.push(Block::Blank {
                label: "Rating (P, S, M or U) and why".into(),
                lines: 1,
            });
        }
    }
    blocks.push(Block::Heading("Rating definitions".into()));
    blocks.push(Block::Table {
        head: vec!["Code".into(), "Rating".into(), "Definition".into()],
        rows: Rating::ALL
            .iter()
            .map(|r| vec![r.code().into(), r.name().into(), r.definition().into()])
            .collect(),
    });
    Section {
        heading: "Exercise Evaluation Guides".into(),
        blocks,
        forms: true,
    }
}
