//! The after-action report: its own serde types, built from an exercise and never mutating it.
//! JSON keys are a contract (`cli.md`); Markdown and HTML render the same content for people.

mod html;
mod markdown;
mod people;

use serde::Serialize;

use crate::engine::{Answers, Exercise, InjectState, NoteKind, Outcome, ResponseRecord, Source};
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
    /// Every accepted response in the order made; a JSON key since format 2 (see
    /// `Report::format_2`), always shown to people.
    #[serde(skip_serializing_if = "Responses::not_in_json")]
    pub responses: Responses,
}

/// The responses, and whether the JSON has them (format 1's report keeps its keys exactly).
#[derive(Debug, Clone, PartialEq)]
pub struct Responses {
    pub in_json: bool,
    pub list: Vec<ResponseReport>,
}

impl Responses {
    fn not_in_json(&self) -> bool {
        !self.in_json
    }
}

impl Serialize for Responses {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.list.serialize(serializer)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport {
    pub id: String,
    pub name: String,
    /// `None` with no scored expectation.
    pub score: Option<f64>,
    pub credit: f64,
    pub weight: f64,
    pub objectives: Vec<ObjectiveScore>,
    pub expectations: Vec<ExpectationReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveScore {
    pub id: String,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationReport {
    pub id: String,
    pub inject: Option<String>,
    pub message: Option<u64>,
    /// The action expected; for a decision, the action chosen (`None` until chosen).
    pub action: Option<String>,
    /// A decision's choices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
    pub team: String,
    pub released_at_s: Secs,
    pub due_at_s: Secs,
    pub done_at_s: Option<Secs>,
    pub latency_s: Option<Secs>,
    pub status: &'static str,
    pub missing_fields: Vec<String>,
    pub weight: f64,
    /// `None` while not scored (open, overdue, not due).
    pub credit: Option<f64>,
    /// Done by a response made before it was asked for (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahead: Option<bool>,
    /// The index in `responses` of the response that satisfied it (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Option<usize>>,
    /// People's name for what it asks (not a JSON key).
    #[serde(skip)]
    pub title: String,
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
    /// `None` for a free message.
    pub action: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    pub sent_at_s: Secs,
    /// The message it answers (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<Option<u64>>,
    /// A free message's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The response that sent it, by index (not a JSON key: its fields are the content).
    #[serde(skip)]
    pub response: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnexpectedReport {
    pub team: String,
    pub action: String,
    pub at_s: Secs,
    /// It stood ready to the end (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahead: Option<bool>,
    /// Its index in `responses` (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<usize>,
}

/// One accepted response, with what it supplied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseReport {
    pub n: usize,
    pub at_s: Secs,
    pub team: String,
    pub action: String,
    /// What was supplied, in the action's field order, blanks included.
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub note: Option<String>,
    pub inject: Option<String>,
    pub message: Option<u64>,
    pub satisfied: Option<String>,
    pub ahead: bool,
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
        let format_2 = Report::format_2(exercise);
        let messages = exercise
            .messages()
            .iter()
            .map(|m| MessageReport {
                n: m.n,
                action: m.action.map(action_id),
                from: team_id(m.from),
                to: m.to.iter().map(|t| team_id(*t)).collect(),
                sent_at_s: m.sent_at,
                in_reply_to: format_2.then_some(m.in_reply_to),
                text: m.text.clone(),
                response: m.response,
            })
            .collect();
        let ended = exercise.ended_at().is_some();
        let unexpected = exercise
            .responses()
            .iter()
            .enumerate()
            .filter(|(_, r)| match r.outcome {
                Outcome::Unexpected => true,
                // A ready response is unexpected only once the exercise has ended unused.
                Outcome::Ready => ended && r.satisfied.is_none(),
                Outcome::Satisfied(_) => false,
            })
            .map(|(n, r)| UnexpectedReport {
                team: team_id(r.response.team),
                action: action_id(r.response.action),
                at_s: r.at,
                ahead: format_2.then_some(r.ahead()),
                response: format_2.then_some(n),
            })
            .collect();
        let responses = Responses {
            in_json: format_2,
            list: exercise
                .responses()
                .iter()
                .enumerate()
                .map(|(n, r)| response_report(exercise, n, r))
                .collect(),
        };
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
            responses,
        }
    }

    /// Whether the report carries format 2's keys: when the scenario uses a rule of format 2 or
    /// a team sent a free message. A format-1 exercise's report keeps format 1's keys exactly.
    pub fn format_2(exercise: &Exercise) -> bool {
        exercise.scenario().uses_format_2() || exercise.messages().iter().any(|m| m.text.is_some())
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

fn response_report(exercise: &Exercise, n: usize, r: &ResponseRecord) -> ResponseReport {
    let scenario = exercise.scenario();
    let action = scenario.action(r.response.action);
    let mut fields = serde_json::Map::new();
    for name in &action.fields {
        if let Some((_, text)) = r.response.fields.iter().find(|(given, _)| given == name) {
            fields.insert(name.clone(), serde_json::Value::String(text.clone()));
        }
    }
    ResponseReport {
        n,
        at_s: r.at,
        team: scenario.team(r.response.team).id.clone(),
        action: action.id.clone(),
        fields,
        note: r.response.note.clone(),
        inject: match r.response.answers {
            Some(Answers::Inject(inject)) => Some(scenario.inject(inject).id.clone()),
            _ => None,
        },
        message: match r.response.answers {
            Some(Answers::Message(n)) => Some(n),
            _ => None,
        },
        satisfied: r.satisfied.map(|ix| exercise.expectation_id(ix)),
        ahead: r.ahead(),
    }
}

fn team_report(exercise: &Exercise, team: TeamIx) -> TeamReport {
    let scenario = exercise.scenario();
    let format_2 = Report::format_2(exercise);
    // One sorted list serves the team's rows, its score and its objective scores.
    let list = exercise.expectations_of_team(team);
    let score = exercise.score_of(&list, |_| true);
    let expectations = list
        .iter()
        .map(|&ix| {
            let e = exercise.expectation(ix);
            let action = e.action.map(|a| scenario.action(a));
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
                action: action.map(|a| a.id.clone()),
                choices: e.is_decision().then(|| {
                    e.choices
                        .iter()
                        .map(|a| scenario.action(*a).id.clone())
                        .collect()
                }),
                team: scenario.team(team).id.clone(),
                released_at_s: e.released_at,
                due_at_s: e.due_at,
                done_at_s: done_at,
                latency_s: e.latency(),
                status: exercise.status(ix).as_str(),
                missing_fields: match (&e.done, action) {
                    (Some(done), Some(action)) => done
                        .missing
                        .iter()
                        .map(|f| action.fields[*f].clone())
                        .collect(),
                    _ => Vec::new(),
                },
                weight: e.weight,
                credit: exercise.credit(ix),
                ahead: format_2.then(|| e.done.as_ref().is_some_and(|d| d.ahead)),
                response: format_2.then(|| e.done.as_ref().map(|d| d.response)),
                title: exercise.expectation_title(ix),
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
