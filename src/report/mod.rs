//! The after-action report: its own serde types, built from an exercise and never mutating it.
//! JSON keys are a contract (`cli.md`); Markdown and HTML render the same content for people.

mod html;
mod markdown;
mod people;

use serde::Serialize;

use crate::engine::{Exercise, InjectState, NoteKind, Outcome, Source};
use crate::scenario::{Scenario, Secs, TeamIx};

pub use html::to_html;
pub use markdown::to_markdown;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    pub seed: u64,
    /// `None` for an interrupted exercise.
    pub ended_at_s: Option<Secs>,
    pub teams: Vec<TeamReport>,
    pub injects: Vec<InjectReport>,
    pub messages: Vec<MessageReport>,
    pub unexpected: Vec<UnexpectedReport>,
    pub notes: Vec<NoteReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport {
    pub id: String,
    pub name: String,
    pub score: f64,
    pub credit: f64,
    pub weight: f64,
    pub objectives: Vec<ObjectiveScore>,
    pub expectations: Vec<ExpectationReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveScore {
    pub id: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationReport {
    pub id: String,
    pub inject: Option<String>,
    pub message: Option<u64>,
    pub action: String,
    pub team: String,
    pub released_at_s: Secs,
    pub due_at_s: Secs,
    pub done_at_s: Option<Secs>,
    pub latency_s: Option<Secs>,
    pub status: &'static str,
    pub missing_fields: Vec<String>,
    pub weight: f64,
    pub credit: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectReport {
    pub id: String,
    pub released_at_s: Option<Secs>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// When its chance draw failed (for the timeline of the Markdown and HTML reports; not a JSON
    /// key).
    #[serde(skip)]
    pub skipped_at_s: Option<Secs>,
    /// Released by the facilitator rather than by its trigger (not a JSON key).
    #[serde(skip)]
    pub by_hand: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageReport {
    pub n: u64,
    pub action: String,
    pub from: String,
    pub to: Vec<String>,
    pub sent_at_s: Secs,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnexpectedReport {
    pub team: String,
    pub action: String,
    pub at_s: Secs,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteReport {
    pub at_s: Secs,
    pub team: Option<String>,
    pub kind: NoteKind,
    pub text: String,
}

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
    Html,
}

impl Report {
    pub fn of(exercise: &Exercise) -> Report {
        let scenario = exercise.scenario();
        let team_id = |team: TeamIx| scenario.team(team).id.clone();
        let action_id = |action| scenario.action(action).id.clone();
        let teams = (0..scenario.teams.len())
            .map(TeamIx)
            .map(|team| team_report(exercise, team))
            .collect();
        let injects = scenario
            .injects
            .iter()
            .zip(exercise.inject_states())
            .map(|(inject, state)| InjectReport {
                id: inject.id.clone(),
                released_at_s: match state {
                    InjectState::Released { at, .. } => Some(*at),
                    _ => None,
                },
                skipped: matches!(state, InjectState::Skipped { .. }),
                skipped_at_s: match state {
                    InjectState::Skipped { at } => Some(*at),
                    _ => None,
                },
                by_hand: matches!(state, InjectState::Released { by_hand: true, .. }),
            })
            .collect();
        let messages = exercise
            .messages()
            .iter()
            .map(|m| MessageReport {
                n: m.n,
                action: action_id(m.action),
                from: team_id(m.from),
                to: m.to.iter().map(|t| team_id(*t)).collect(),
                sent_at_s: m.sent_at,
            })
            .collect();
        let unexpected = exercise
            .responses()
            .iter()
            .filter(|r| r.outcome == Outcome::Unexpected)
            .map(|r| UnexpectedReport {
                team: team_id(r.response.team),
                action: action_id(r.response.action),
                at_s: r.at,
            })
            .collect();
        let notes = exercise
            .notes()
            .iter()
            .map(|n| NoteReport {
                at_s: n.at,
                team: n.team.map(team_id),
                kind: n.kind,
                text: n.text.clone(),
            })
            .collect();
        Report {
            title: scenario.title.clone(),
            seed: exercise.settings().seed,
            ended_at_s: exercise.ended_at(),
            teams,
            injects,
            messages,
            unexpected,
            notes,
        }
    }

    pub fn render(&self, scenario: &Scenario, format: Format) -> String {
        match format {
            Format::Json => self.to_json(),
            Format::Markdown => to_markdown(self, scenario),
            Format::Html => to_html(self, scenario),
        }
    }

    pub fn to_json(&self) -> String {
        // Every field is a plain number, string or list: serialising cannot fail.
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }
}

fn team_report(exercise: &Exercise, team: TeamIx) -> TeamReport {
    let scenario = exercise.scenario();
    // One sorted list serves the team's rows, its score and its objective scores.
    let list = exercise.expectations_of_team(team);
    let score = exercise.score_of(&list, |_| true);
    let expectations = list
        .iter()
        .map(|&ix| {
            let e = exercise.expectation(ix);
            let action = scenario.action(e.action);
            let done_at = e.done.as_ref().map(|d| d.at);
            ExpectationReport {
                id: exercise.expectation_id(ix),
                inject: match e.source {
                    Source::Inject(inject, _) => Some(scenario.inject(inject).id.clone()),
                    Source::Message(_) => None,
                },
                message: match e.source {
                    Source::Inject(..) => None,
                    Source::Message(n) => Some(n),
                },
                action: action.id.clone(),
                team: scenario.team(team).id.clone(),
                released_at_s: e.released_at,
                due_at_s: e.due_at,
                done_at_s: done_at,
                latency_s: done_at.map(|at| at - e.released_at),
                status: exercise.status(ix).as_str(),
                missing_fields: e
                    .done
                    .iter()
                    .flat_map(|d| d.missing.iter().map(|f| action.fields[*f].clone()))
                    .collect(),
                weight: e.weight,
                credit: exercise.credit(ix),
            }
        })
        .collect();
    TeamReport {
        id: scenario.team(team).id.clone(),
        name: scenario.team(team).name.clone(),
        score: score.value(),
        credit: score.credit,
        weight: score.weight,
        objectives: exercise
            .objectives_of_team(team)
            .into_iter()
            .map(|objective| ObjectiveScore {
                id: scenario.objective(objective).id.clone(),
                score: exercise
                    .score_of(&list, |e| e.objective == Some(objective))
                    .value(),
            })
            .collect(),
        expectations,
    }
}
