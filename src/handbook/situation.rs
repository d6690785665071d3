//! The Situation Manual's sections, which the Controller/Evaluator Handbook repeats: the
//! exercise overview, general information, the modules with their questions, what each team may
//! do, how to join and the feedback form. Nothing here comes from an inject's body or
//! expectations: a team receives those in play.

use super::{Audience, Block, Section, paragraphs};
use crate::ron_file::list_names;
use crate::scenario::{Action, Scenario, TeamIx, format_secs};
use crate::text::speed_str;
use crate::words::duration;

pub(super) fn sections(scenario: &Scenario, audience: Audience) -> Vec<Section> {
    vec![
        overview(scenario),
        general(scenario, audience),
        modules(scenario, audience),
        actions(scenario),
        joining(scenario),
        feedback_form(scenario),
    ]
}

/// The capabilities the objectives exercise, each once, in the objectives' order.
fn capabilities(scenario: &Scenario) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    for capability in scenario
        .objectives
        .iter()
        .filter_map(|o| o.capability.as_deref())
    {
        if !found.contains(&capability) {
            found.push(capability);
        }
    }
    found
}

fn overview(scenario: &Scenario) -> Section {
    let info = &scenario.exercise;
    let mut facts = vec![("Exercise name".to_string(), scenario.title.clone())];
    let mut fact = |name: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            facts.push((name.to_string(), value));
        }
    };
    fact("Scope", info.scope.clone());
    fact(
        "Mission areas",
        Some(info.mission_areas.join(", ")).filter(|m| !m.is_empty()),
    );
    fact(
        "Core capabilities",
        Some(capabilities(scenario).join(", ")).filter(|c| !c.is_empty()),
    );
    fact(
        "Objectives",
        Some(
            scenario
                .objectives
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
        .filter(|o| !o.is_empty()),
    );
    fact("Threat or hazard", info.threat.clone());
    fact("Scenario", scenario.summary.clone());
    fact("Sponsor", info.sponsor.clone());
    fact("Location", info.location.clone());
    fact(
        "Participating organisations",
        Some(
            scenario
                .teams
                .iter()
                .map(|t| match t.organisations.is_empty() {
                    true => t.name.clone(),
                    false => format!("{} ({})", t.name, t.organisations.join(", ")),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    );
    fact("Point of contact", info.contact.clone());
    Section {
        heading: "Exercise Overview".into(),
        blocks: vec![Block::Facts(facts)],
        forms: false,
    }
}

/// HSEEP's guidelines for a discussion-based exercise, with what ttx records.
const RULES: [&str; 6] = [
    "This is an open, low-stress, no-fault environment: varying viewpoints, even \
     disagreements, are expected.",
    "Respond from your organisation's current plans, procedures and capabilities, and from \
     what training has taught you.",
    "Decisions are not precedent-setting and may not reflect your organisation's final \
     position on an issue.",
    "Questions that cannot be settled in the room are noted and set aside; the facilitator \
     keeps the time.",
    "Each team acts and answers from its own seat; what it does, sends and answers is recorded \
     in the exercise's journal and feeds the after-action report.",
    "The feedback form at the end records the seat's team and role, not the person's name; but \
     the report lists who held each team's seats, so a team of one person can be traced.",
];

fn general(scenario: &Scenario, audience: Audience) -> Section {
    let mut blocks = vec![Block::Heading(
        "Exercise objectives and core capabilities".into(),
    )];
    if scenario.objectives.is_empty() {
        blocks.push(Block::Paragraph("The scenario names no objectives.".into()));
    } else {
        let facilitators = audience == Audience::Facilitators;
        let mut head = vec!["Objective".to_string(), "Core capability".to_string()];
        if facilitators {
            head.push("Target".into());
        }
        let rows = scenario
            .objectives
            .iter()
            .map(|o| {
                let mut row = vec![o.name.clone(), o.capability.clone().unwrap_or_default()];
                if facilitators {
                    row.push(o.target.clone().unwrap_or_default());
                }
                row
            })
            .collect();
        blocks.push(Block::Table { head, rows });
    }
    blocks.push(Block::Heading(
        "Participant roles and responsibilities".into(),
    ));
    blocks.push(Block::List(vec![
        "Players: the teams below. They respond to the situation as their organisations would, \
         each from its own seat, and discuss the questions of each module."
            .into(),
        "Observers: watch the exercise at the console; they do not play.".into(),
        "Facilitators: run the clock, release the injects and lead the discussion; they keep \
         the exercise on time and on target."
            .into(),
        "Evaluators: observe and record how the objectives are met, and rate each objective \
         after the exercise."
            .into(),
    ]));
    blocks.push(Block::Table {
        head: vec!["Team".into(), "Plays".into(), "Organisations".into()],
        rows: scenario
            .teams
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.summary.clone().unwrap_or_default(),
                    t.organisations.join(", "),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Heading("Exercise structure".into()));
    blocks.extend(structure(scenario));
    blocks.push(Block::Heading("Exercise rules".into()));
    blocks.push(Block::List(RULES.iter().map(|r| r.to_string()).collect()));
    blocks.push(Block::Heading("Assumptions and artificialities".into()));
    let mut assumptions = scenario.exercise.assumptions.clone();
    if scenario.speed != 1.0 {
        assumptions.push(format!(
            "Time is compressed: scenario time runs {} times as fast as the clock on the wall.",
            speed_str(scenario.speed)
        ));
    }
    blocks.push(match assumptions.is_empty() {
        true => Block::Paragraph("The scenario lists none.".into()),
        false => Block::List(assumptions),
    });
    Section {
        heading: "General Information".into(),
        blocks,
        forms: false,
    }
}

/// The modules as a timetable, the scenario's length and the day's agenda.
fn structure(scenario: &Scenario) -> Vec<Block> {
    let mut blocks = Vec::new();
    let end = scenario
        .end
        .map(|end| format!(" It ends at {} of scenario time.", duration(end)))
        .unwrap_or_default();
    match scenario.modules.len() {
        0 => blocks.push(Block::Paragraph(format!(
            "The exercise follows the situation as it unfolds, in scenario time from 0m.{end}"
        ))),
        n => {
            blocks.push(Block::Paragraph(format!(
                "The exercise runs in {n} module{}, each a part of the story with its own \
                 questions, in scenario time from 0m.{end}",
                if n == 1 { "" } else { "s" }
            )));
            blocks.push(Block::Table {
                head: vec!["Module".into(), "Begins at (scenario time)".into()],
                rows: scenario
                    .modules
                    .iter()
                    .map(|m| vec![m.title.clone(), clock(m.from)])
                    .collect(),
            });
        }
    }
    if !scenario.exercise.schedule.is_empty() {
        blocks.push(Block::Subheading("Agenda".into()));
        blocks.push(Block::Table {
            head: vec!["Time".into(), "Item".into()],
            rows: scenario
                .exercise
                .schedule
                .iter()
                .map(|line| vec![line.at.clone(), line.item.clone()])
                .collect(),
        });
    }
    blocks
}

fn modules(scenario: &Scenario, audience: Audience) -> Section {
    let mut blocks = Vec::new();
    if scenario.modules.is_empty() {
        blocks.push(Block::Paragraph(
            "The scenario has no modules: the discussion follows the situation as it unfolds."
                .into(),
        ));
    }
    for module in &scenario.modules {
        blocks.push(Block::Heading(module.title.clone()));
        blocks.push(Block::Paragraph(format!(
            "Begins at {} of scenario time.",
            clock(module.from)
        )));
        blocks.extend(paragraphs(&module.narrative));
        for (t, team) in scenario.teams.iter().enumerate() {
            let questions: Vec<String> = module
                .questions
                .iter()
                .filter(|q| q.is_for(TeamIx(t)))
                .map(|q| match (audience, q.objective) {
                    (Audience::Facilitators, Some(o)) => {
                        format!("{} (objective: {})", q.text, scenario.objective(o).name)
                    }
                    _ => q.text.clone(),
                })
                .collect();
            if !questions.is_empty() {
                blocks.push(Block::Subheading(format!("Questions for {}", team.name)));
                blocks.push(Block::List(questions));
            }
        }
    }
    Section {
        heading: "Modules".into(),
        blocks,
        forms: false,
    }
}

/// A field of an action as a player reads it: its name, hint and shape.
fn field_text(action: &Action, position: usize) -> String {
    let shape = action.shape(position);
    let mut parts = Vec::new();
    if let Some(hint) = &shape.hint {
        parts.push(hint.clone());
    }
    if !shape.choices.is_empty() {
        parts.push(format!("one of: {}", shape.choices.join(", ")));
    }
    if let Some(min) = shape.min_words.filter(|m| *m > 1) {
        parts.push(format!("at least {min} words"));
    }
    match parts.is_empty() {
        true => action.fields[position].clone(),
        false => format!("{} ({})", action.fields[position], parts.join("; ")),
    }
}

/// An action as its team reads it: what it is, its fields, what it sends and what it asks of
/// the receivers, with the time standard's basis.
fn action_text(scenario: &Scenario, action: &Action, team: TeamIx) -> String {
    let mut text = action.name.clone();
    if let Some(description) = &action.description {
        text.push_str(" — ");
        text.push_str(description);
    }
    if !action.fields.is_empty() {
        let fields: Vec<String> = (0..action.fields.len())
            .map(|n| field_text(action, n))
            .collect();
        text.push_str(&format!(". Fields: {}", fields.join("; ")));
    }
    if let Some(spec) = &action.message {
        let to: Vec<&str> = scenario
            .recipients(spec, team)
            .iter()
            .map(|t| scenario.team(*t).name.as_str())
            .collect();
        text.push_str(&format!(". Sends a hotline message to {}", to.join(", ")));
        if let Some(reply) = &spec.reply {
            text.push_str(&format!(
                "; each receiver replies with “{}” within {}{}",
                scenario.action(reply.action).name,
                duration(reply.within),
                basis(reply.basis.as_deref())
            ));
        }
    }
    if let Some(within) = action.clarifies {
        text.push_str(&format!(
            ". Answers a request found insufficient, naming the fields; the sender amends it \
             within {}{}",
            duration(within),
            basis(action.basis.as_deref())
        ));
    }
    if action.ahead {
        text.push_str(". May be taken before anyone asks for it");
    }
    text.push('.');
    text
}

/// A scenario time as a scenario file writes it: `0m`, `2h30m`.
pub(super) fn clock(at: crate::scenario::Secs) -> String {
    match at {
        0 => "0m".into(),
        at => format_secs(at),
    }
}

/// " (basis: ABCCA Art. 12)", or nothing.
pub(super) fn basis(basis: Option<&str>) -> String {
    basis.map(|b| format!(" (basis: {b})")).unwrap_or_default()
}

/// What the agreement asks of a team when others send it a request: the reply and its time.
fn replies_owed(scenario: &Scenario, team: TeamIx) -> Vec<String> {
    let mut owed = Vec::new();
    for action in &scenario.actions {
        let Some(spec) = &action.message else {
            continue;
        };
        let Some(reply) = &spec.reply else { continue };
        let senders: Vec<&str> = (0..scenario.teams.len())
            .map(TeamIx)
            .filter(|s| action.allows(*s) && scenario.recipients(spec, *s).contains(&team))
            .map(|s| scenario.team(s).name.as_str())
            .collect();
        if senders.is_empty() {
            continue;
        }
        owed.push(format!(
            "When {} sends “{}”, reply with “{}” within {}{}.",
            list_names(senders),
            action.name,
            scenario.action(reply.action).name,
            duration(reply.within),
            basis(reply.basis.as_deref())
        ));
    }
    owed
}

fn actions(scenario: &Scenario) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Each team acts from its seat by choosing one of its actions and filling in its fields; \
         a hotline message reaches the teams named. The times below are what the agreement \
         between the organisations asks."
            .into(),
    )];
    for (t, team) in scenario.teams.iter().enumerate() {
        let team_ix = TeamIx(t);
        blocks.push(Block::Heading(team.name.clone()));
        let actions: Vec<String> = scenario
            .actions
            .iter()
            .filter(|a| a.allows(team_ix))
            .map(|a| action_text(scenario, a, team_ix))
            .collect();
        blocks.push(match actions.is_empty() {
            true => {
                Block::Paragraph("No actions: this team discusses and sends free messages.".into())
            }
            false => Block::List(actions),
        });
        let owed = replies_owed(scenario, team_ix);
        if !owed.is_empty() {
            blocks.push(Block::Subheading(
                "Replies the agreement asks of this team".into(),
            ));
            blocks.push(Block::List(owed));
        }
    }
    Section {
        heading: "What Each Team May Do".into(),
        blocks,
        forms: false,
    }
}

fn joining(scenario: &Scenario) -> Section {
    let mut seats: Vec<String> = scenario
        .teams
        .iter()
        .map(|t| format!("{}: ssh {}@HOST -p PORT", t.name, t.id))
        .collect();
    seats.push(
        "Observers and evaluators: the user names the facilitator's roster gives them.".into(),
    );
    Section {
        heading: "How to Join".into(),
        blocks: vec![
            Block::Paragraph(
                "The facilitator runs the exercise with ttx serve and tells you the host \
                 (HOST) and port (PORT), and your key or join code. Join from any terminal with \
                 OpenSSH:"
                    .into(),
            ),
            Block::List(seats),
            Block::Paragraph(
                "Each seat shows the current module's narrative and your team's questions, the \
                 injects your team receives, and the hotline. Answers can be revised while their \
                 module is current."
                    .into(),
            ),
        ],
        forms: false,
    }
}

fn feedback_form(scenario: &Scenario) -> Section {
    Section {
        heading: "Participant Feedback Form".into(),
        blocks: vec![
            Block::Paragraph(
                "After the exercise ends, every seat is offered this form on screen; a person \
                 may skip it. It carries the seat's team and role, no name. Part 1: rate each statement from 1 (strongly \
                 disagree) to 5 (strongly agree)."
                    .into(),
            ),
            Block::Table {
                head: ["Statement", "1", "2", "3", "4", "5"]
                    .iter()
                    .map(|h| h.to_string())
                    .collect(),
                rows: scenario
                    .feedback
                    .iter()
                    .map(|s| {
                        let mut row = vec![s.clone()];
                        row.extend(std::iter::repeat_n("☐".to_string(), 5));
                        row
                    })
                    .collect(),
            },
            Block::Blank {
                label: "Part 2: the three most important strengths you saw".into(),
                lines: 3,
            },
            Block::Blank {
                label: "Part 2: the three most important areas for improvement you saw".into(),
                lines: 3,
            },
            Block::Blank {
                label: "Part 3: comments".into(),
                lines: 4,
            },
        ],
        forms: false,
    }
}
