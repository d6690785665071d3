//! The after-action report: its own serde types, built from an exercise and never mutating it.
//! JSON keys are a contract (`cli.md`); Markdown and HTML render the same content for people.

mod discussion;
mod html;
mod markdown;
mod people;
pub mod seats;
mod svg;

use std::fmt::Write as _;
use std::io::{self, Write as _};

use serde::Serialize;

use crate::debrief::evaluation::{Evidence, Rating, draft_issue, draft_plan, suggest};
use crate::debrief::{Debrief, ExerciseFact, PlanField, format_wall};
use crate::engine::{
    Answers, Exercise, ExpectationIx, ExpectationName, FoundBy, InjectState, NoteKind, Outcome,
    RequestThread, ResponseRecord, SkipCause, Source, Status,
};
use crate::ron_file::diagnostic::is_hidden_control;
use crate::scenario::{ObjectiveIx, Scenario, Secs, TeamIx};

pub use discussion::{
    AnswerReport, FeedbackReport, HotWashReport, ModuleReport, QuestionReport, distribution, mean,
};
pub use html::{STYLE as PAGE_STYLE, to_html};
pub use markdown::{text as markdown_text, to_markdown};

/// `E` and `R` hold the two longest lists, each team's expectations and the responses: built
/// (`Vec`) in every report but the JSON that `write_json` streams, where they are rows made one
/// at a time as they are written (`ExpectationRows`, `ResponseRows`): a big exercise's report
/// is then never held whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<E = Vec<ExpectationReport>, R = Vec<ResponseReport>> {
    pub title: String,
    pub seed: u64,
    /// `None` for an interrupted exercise.
    pub ended_at_s: Option<Secs>,
    pub teams: Vec<TeamReport<E>>,
    pub injects: Vec<InjectReport>,
    pub messages: Vec<MessageReport>,
    pub unexpected: Vec<UnexpectedReport>,
    pub notes: Vec<NoteReport>,
    /// Every accepted response in the order made; a JSON key since format 2 (see
    /// `Keys`), always shown to people.
    #[serde(skip_serializing_if = "Responses::not_in_json")]
    pub responses: Responses<R>,
    /// Each request and receiver with its round trips of clarification (format 3; see
    /// `Keys`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Vec<RequestReport>>,
    /// Every judgement in the journal's order, take-backs included (format 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgements: Option<Vec<JudgementReport>>,
    /// The report was made final (`ttx debrief final`): not a JSON key of the exercise's
    /// facts; people's reports stop saying "draft".
    #[serde(skip)]
    pub final_report: bool,
    /// The exercise's metadata from the scenario (evaluation.md), with the facts entered in
    /// the debrief in place of the scenario's.
    pub exercise: ExerciseReport,
    /// Per objective, each team with scored critical tasks and then the joint row.
    pub ratings: Vec<RatingReport>,
    pub improvement_plan: Vec<PlanItemReport>,
    pub executive_summary: Option<String>,
    /// When the exercise really started and ended (RFC 3339, UTC); `None` when the journal did
    /// not record it.
    pub started_wall: Option<String>,
    pub ended_wall: Option<String>,
    /// The seats of a served exercise that joined (format 4); absent when nobody joined over
    /// SSH, so a report of `ttx run` keeps its keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<seats::SeatReport>,
    /// The people behind those seats, once each (Appendix B): a roster user from one host,
    /// with their roster name, from their first join to their last departure; absent with
    /// `seats`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<seats::PersonReport>,
    /// The journal's signature as the command that read the journal found it; absent from a
    /// report made without a journal file (a headless run's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureReport>,
    /// The discussion's modules with each addressed team's final answer (discussion.md); the
    /// three discussion keys are absent for an exercise without any discussion, so its report
    /// keeps its keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modules: Option<Vec<ModuleReport>>,
    /// The hot wash's points, in the order said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hot_wash: Option<Vec<HotWashReport>>,
    /// The Participant Feedback Form's statements and every form submitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackReport>,
}

/// Whether the journal is signed (`JOURNAL.sig`), and by which key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignatureReport {
    /// `signed`, `not_signed` or `does_not_match`.
    pub status: &'static str,
    /// The signing key's SHA-256 fingerprint as `ssh` prints it (`SHA256:…`); only when signed.
    pub fingerprint: Option<String>,
}

impl SignatureReport {
    pub fn signed(fingerprint: String) -> Self {
        SignatureReport {
            status: "signed",
            fingerprint: Some(fingerprint),
        }
    }

    pub fn not_signed() -> Self {
        SignatureReport {
            status: "not_signed",
            fingerprint: None,
        }
    }

    pub fn does_not_match() -> Self {
        SignatureReport {
            status: "does_not_match",
            fingerprint: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseReport {
    pub sponsor: Option<String>,
    pub location: Option<String>,
    pub mission_areas: Vec<String>,
    pub handling: Option<String>,
    pub contact: Option<String>,
    pub scope: Option<String>,
    /// The exercise's dates as entered in the debrief ("11–12 March 2027"); the scenario has
    /// none, and `started_wall`/`ended_wall` are what the journal recorded.
    pub dates: Option<String>,
}

impl ExerciseReport {
    /// The exercise's facts as the scenario gives them, before the debrief enters any.
    pub fn of_scenario(scenario: &Scenario) -> ExerciseReport {
        let info = &scenario.exercise;
        ExerciseReport {
            sponsor: info.sponsor.clone(),
            location: info.location.clone(),
            mission_areas: info.mission_areas.clone(),
            handling: info.handling.clone(),
            contact: info.contact.clone(),
            scope: info.scope.clone(),
            dates: None,
        }
    }

    /// A fact as the report gives it, with where it comes from: "entered" in the debrief, or
    /// "from the scenario"; `None` where neither gives it.
    pub fn fact_and_source(
        &self,
        fact: ExerciseFact,
        debrief: &Debrief,
    ) -> Option<(&str, &'static str)> {
        let source = match debrief.fact(fact) {
            Some(_) => "entered",
            None => "from the scenario",
        };
        self.fact(fact).map(|value| (value, source))
    }

    /// The scenario's facts with those entered in the debrief in their place.
    fn entered(mut self, debrief: &Debrief) -> Self {
        for fact in ExerciseFact::ALL {
            if let Some(value) = debrief.fact(fact) {
                *self.fact_mut(fact) = Some(value.to_string());
            }
        }
        self
    }

    /// A fact of the cover as the report gives it.
    pub fn fact(&self, fact: ExerciseFact) -> Option<&str> {
        match fact {
            ExerciseFact::Sponsor => self.sponsor.as_deref(),
            ExerciseFact::Location => self.location.as_deref(),
            ExerciseFact::Dates => self.dates.as_deref(),
            ExerciseFact::Handling => self.handling.as_deref(),
            ExerciseFact::Contact => self.contact.as_deref(),
        }
    }

    fn fact_mut(&mut self, fact: ExerciseFact) -> &mut Option<String> {
        match fact {
            ExerciseFact::Sponsor => &mut self.sponsor,
            ExerciseFact::Location => &mut self.location,
            ExerciseFact::Dates => &mut self.dates,
            ExerciseFact::Handling => &mut self.handling,
            ExerciseFact::Contact => &mut self.contact,
        }
    }
}

/// An objective's rating for a team (`team: None`: jointly): ttx's suggestion and the
/// evaluator's final word.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingReport {
    pub objective: String,
    pub team: Option<String>,
    pub suggested: Option<Rating>,
    /// `None` while no evaluator has rated it.
    pub rating: Option<Rating>,
    pub reason: Option<String>,
    pub analysis: Option<String>,
    pub at_wall: Option<String>,
    /// The evaluator who gave the final rating.
    pub by: Option<String>,
    /// What the suggestion rests on: "2 of 3 tasks met; … late by 3h10m".
    pub evidence: Option<String>,
    /// The objective's score over the scored critical tasks.
    pub score: Option<f64>,
    /// The ratings given before the final one, oldest first (several evaluators may rate).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierRating>,
}

/// A rating given and then replaced by a later one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EarlierRating {
    pub rating: Rating,
    pub by: Option<String>,
    pub at_wall: Option<String>,
}

/// An area for improvement and its corrective action (HSEEP's improvement plan matrix).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItemReport {
    /// Stable id for edits: `OBJECTIVE/ACTION@TEAM`, `note-N` or `added-N`.
    pub id: String,
    pub objective: Option<String>,
    pub team: Option<String>,
    /// The objective's core capability.
    pub capability: Option<String>,
    pub issue: String,
    /// Expectation ids (strings) and indices in `notes` (numbers).
    pub evidence: Vec<serde_json::Value>,
    /// Why it happened, as the debrief found it.
    pub root_cause: Option<String>,
    pub corrective_action: Option<String>,
    pub capability_element: Option<String>,
    pub responsible: Option<String>,
    pub poc: Option<String>,
    pub start: Option<String>,
    pub completion: Option<String>,
    /// The issue is ttx's draft (not a JSON key): the AAR words it again from its evidence,
    /// with people's names and no ids. An issue people wrote or edited is shown as written.
    #[serde(skip)]
    pub drafted: bool,
}

/// The responses, and whether the JSON has them (format 1's report keeps its keys exactly).
#[derive(Debug, Clone, PartialEq)]
pub struct Responses<L = Vec<ResponseReport>> {
    pub in_json: bool,
    pub list: L,
}

impl<L> Responses<L> {
    fn not_in_json(&self) -> bool {
        !self.in_json
    }
}

impl Responses {
    /// The response numbered `n` in the exercise (a team's report holds only its own).
    pub fn numbered(&self, n: usize) -> Option<&ResponseReport> {
        self.list
            .binary_search_by_key(&n, |r| r.n)
            .ok()
            .map(|at| &self.list[at])
    }
}

impl<L: Serialize> Serialize for Responses<L> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.list.serialize(serializer)
    }
}

/// A status in JSON is its word (`"met"`, `"not_due"`): the key's values are the contract.
fn status_word<S: serde::Serializer>(status: &Status, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(status.as_str())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport<E = Vec<ExpectationReport>> {
    pub id: String,
    pub name: String,
    /// `None` with no scored expectation.
    pub score: Option<f64>,
    pub credit: f64,
    pub weight: f64,
    pub objectives: Vec<ObjectiveScore>,
    pub expectations: E,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveScore {
    pub id: String,
    pub score: Option<f64>,
}

/// `T` is how it holds the ids of the scenario's things and `I` its own id: owned in the reports
/// people read and in the app; borrowed from the exercise in a streamed report, whose id is
/// written where it goes (`ExpectationName`), so that tens of thousands of rows allocate nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationReport<T = String, I = String> {
    pub id: I,
    pub inject: Option<T>,
    pub message: Option<u64>,
    /// The action expected; for a decision, the action chosen (`None` until chosen).
    pub action: Option<T>,
    /// A decision's choices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<T>>,
    pub team: T,
    pub released_at_s: Secs,
    /// `None` while held (Precise rule 35; see `held`).
    pub due_at_s: Option<Secs>,
    pub done_at_s: Option<Secs>,
    pub latency_s: Option<Secs>,
    #[serde(serialize_with = "status_word")]
    pub status: Status,
    pub missing_fields: Vec<T>,
    pub weight: f64,
    /// `None` while not scored (open, overdue, not due).
    pub credit: Option<f64>,
    /// Done by a response made before it was asked for (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahead: Option<bool>,
    /// The index in `responses` of the response that satisfied it (format 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Option<usize>>,
    /// Where its time standard comes from (format 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Option<T>>,
    /// A reply on hold until the amended request arrives (format 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<bool>,
    /// People's name for what it asks (not a JSON key).
    #[serde(skip)]
    pub title: String,
    /// The objective it is a critical task of (not a JSON key).
    #[serde(skip)]
    pub objective: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectReport {
    pub id: String,
    pub released_at_s: Option<Secs>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// Why it was skipped, `chance` or `unless` (format 3, only when skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_by: Option<&'static str>,
    /// How it reaches the players (format 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Option<String>>,
    /// Its number in the facilitators' MSEL (format 3).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<Option<String>>,
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
    /// The findings of insufficiency in force on it (format 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insufficient: Option<Vec<FindingReport>>,
    /// What a clarification clarifies (format 3, only on a clarification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clarifies: Option<ClarifiesReport>,
}

/// A field of a response found insufficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    pub field: String,
    /// The clarifying team's id, or `evaluator`.
    pub by: String,
    /// The clarification's message; `None` for a judgement.
    pub message: Option<u64>,
    pub reason: Option<String>,
    pub at_s: Secs,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClarifiesReport {
    pub message: u64,
    pub fields: Vec<String>,
}

/// One receiver's thread of a request: its round trips until it was complete and answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestReport {
    pub message: u64,
    pub from: String,
    pub to: String,
    pub clarifications: Vec<u64>,
    pub amendments: Vec<u64>,
    /// When the first version the receiver did not clarify was sent; `None` if none.
    pub complete_at_s: Option<Secs>,
    pub replied_at_s: Option<Secs>,
    /// The request's action (not a JSON key: the AAR names it).
    #[serde(skip)]
    pub action: String,
    /// When the request was first sent (not a JSON key).
    #[serde(skip)]
    pub sent_at_s: Secs,
    /// When each clarification and amendment was sent, in the order of the round trips (not
    /// a JSON key).
    #[serde(skip)]
    pub round_trips: Vec<(Secs, Option<Secs>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgementReport {
    pub at_s: Secs,
    pub expectation: String,
    pub insufficient: Vec<String>,
    pub reason: Option<String>,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteReport {
    pub at_s: Secs,
    pub team: Option<String>,
    /// The objective the observation is evidence for (only when it names one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    pub kind: NoteKind,
    pub text: String,
    /// A point of the hot wash (only when it is one).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hot_wash: bool,
}

/// Whose data a report is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Every team's: the report of the facilitator, the evaluators and `ttx report`.
    Everyone,
    /// One team's own, for that team's seats.
    Team(TeamIx),
}

impl Audience {
    fn sees(self, team: TeamIx) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Team(own) => team == own,
        }
    }

    fn sees_any(self, teams: &[TeamIx]) -> bool {
        self == Audience::Everyone || teams.iter().any(|t| self.sees(*t))
    }
}

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
    Html,
}

impl Report {
    /// The report of an exercise with nothing written in the debrief.
    pub fn of(exercise: &Exercise) -> Report {
        Report::evaluated(exercise, &Debrief::default())
    }

    /// The report with the debrief's ratings, summary, plan edits and wall-clock dates.
    pub fn evaluated(exercise: &Exercise, debrief: &Debrief) -> Report {
        evaluated_with(exercise, debrief, &Built)
    }

    /// One team's report, for its seats once the facilitator lets the teams see their results:
    /// built from that team's data alone (its scores and expectations, the injects sent to it,
    /// the messages it sent or received, its responses and unexpected actions), so a section
    /// added later holds no other team's data unless it is built from it. Observations,
    /// ratings, the plan, the summary and the seats are the staff's: it has none. Responses
    /// keep the exercise's numbers.
    pub fn for_team(exercise: &Exercise, team: TeamIx) -> Report {
        played(exercise, Audience::Team(team), &Built)
    }
}

impl<'e> Report<ExpectationRows<'e>, ResponseRows<'e>> {
    /// `Report::evaluated` for `write_json` alone: the expectations and responses are made one
    /// at a time as they are written, and freed once written.
    pub fn streamed(exercise: &'e Exercise, debrief: &Debrief) -> Self {
        evaluated_with(exercise, debrief, &Streamed)
    }
}

/// `Report::evaluated`, its longest lists held as `rows` holds them.
fn evaluated_with<'e, M: Rows<'e>>(
    exercise: &'e Exercise,
    debrief: &Debrief,
    rows: &M,
) -> Report<M::Expectations, M::Responses> {
    let scenario = exercise.scenario();
    let notes = exercise
        .notes()
        .iter()
        .map(|n| NoteReport {
            at_s: n.at,
            team: n.team.map(|t| scenario.team(t).id.clone()),
            objective: n.objective.map(|o| scenario.objective(o).id.clone()),
            kind: n.kind,
            text: n.text.clone(),
            hot_wash: n.hot_wash,
        })
        .collect();
    let discussion = discussion::has_discussion(exercise, debrief);
    let seats = seats::attendance(&debrief.seats);
    Report {
        modules: discussion.then(|| discussion::modules(exercise, debrief)),
        hot_wash: discussion.then(|| discussion::hot_wash(exercise, debrief)),
        feedback: discussion.then(|| discussion::feedback(exercise, debrief)),
        notes,
        ratings: ratings(exercise, debrief),
        improvement_plan: improvement_plan(exercise, debrief),
        executive_summary: debrief.executive_summary.clone(),
        started_wall: debrief.started_wall.map(format_wall),
        ended_wall: debrief.ended_wall.map(format_wall),
        people: seats::people(&seats),
        seats,
        exercise: ExerciseReport::of_scenario(scenario).entered(debrief),
        ..played(exercise, Audience::Everyone, rows)
    }
}

/// What the exercise itself says, for `audience`; nothing of the debrief.
fn played<'e, M: Rows<'e>>(
    exercise: &'e Exercise,
    audience: Audience,
    rows: &M,
) -> Report<M::Expectations, M::Responses> {
    let scenario = exercise.scenario();
    let team_id = |team: TeamIx| scenario.team(team).id.clone();
    let action_id = |action| scenario.action(action).id.clone();
    let keys = Keys::of(exercise);
    let Keys { format_2, format_3 } = keys;
    let teams = (0..scenario.teams.len())
        .map(TeamIx)
        .filter(|team| audience.sees(*team))
        .map(|team| team_report(exercise, team, keys, rows))
        .collect();
    let injects = listed(
        scenario
            .injects
            .iter()
            .zip(exercise.inject_states())
            .filter(|(inject, _)| audience.sees_any(&inject.to))
            .map(|(inject, state)| InjectReport {
                id: inject.id.as_str().to_owned(),
                released_at_s: match state {
                    InjectState::Released { at, .. } => Some(*at),
                    _ => None,
                },
                skipped: matches!(state, InjectState::Skipped { .. }),
                skipped_by: match state {
                    InjectState::Skipped { by, .. } if format_3 => Some(match by {
                        SkipCause::Chance => "chance",
                        SkipCause::Unless => "unless",
                    }),
                    _ => None,
                },
                method: format_3.then(|| inject.method.clone()),
                reference: format_3.then(|| inject.reference.clone()),
                skipped_at_s: match state {
                    InjectState::Skipped { at, .. } => Some(*at),
                    _ => None,
                },
                by_hand: matches!(state, InjectState::Released { by_hand: true, .. }),
            }),
    );
    let messages = exercise
        .messages()
        .iter()
        .filter(|m| audience.sees(m.from) || audience.sees_any(&m.to))
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
    let unexpected = responses_seen(exercise, audience)
        .filter(|(n, r)| match r.outcome {
            // A clarification answers a request, even when no inject expected it.
            Outcome::Unexpected => exercise.clarification(*n).is_none(),
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
        list: rows.responses(exercise, audience, format_3),
    };
    let requests = format_3.then(|| {
        exercise
            .requests()
            .iter()
            .filter(|t| audience.sees(t.from) || audience.sees(t.to))
            .map(|t| request_report(exercise, t))
            .collect()
    });
    let judgements = format_3.then(|| {
        exercise
            .judgements()
            .iter()
            .filter(|j| audience.sees(exercise.expectation(j.expectation).team))
            .map(|j| JudgementReport {
                at_s: j.at,
                expectation: exercise.expectation_id(j.expectation),
                insufficient: j.insufficient.clone(),
                reason: j.reason.clone(),
                by: j.by.clone(),
            })
            .collect()
    });
    Report {
        title: scenario.title.clone(),
        seed: exercise.settings().seed,
        ended_at_s: exercise.ended_at(),
        teams,
        injects,
        messages,
        unexpected,
        notes: Vec::new(),
        responses,
        requests,
        judgements,
        final_report: exercise.is_final(),
        exercise: ExerciseReport::of_scenario(scenario),
        ratings: Vec::new(),
        improvement_plan: Vec::new(),
        executive_summary: None,
        started_wall: None,
        ended_wall: None,
        seats: Vec::new(),
        people: Vec::new(),
        signature: None,
        modules: None,
        hot_wash: None,
        feedback: None,
    }
}

impl<E, R> Report<E, R> {
    /// The report with the journal's signature, as the caller found it beside the journal.
    pub fn with_signature(mut self, signature: SignatureReport) -> Self {
        self.signature = Some(signature);
        self
    }
}

impl Report {
    /// A draft: not made final, and some objective is not rated yet.
    pub fn is_draft(&self) -> bool {
        !self.final_report && self.ratings.iter().any(|r| r.rating.is_none())
    }

    pub fn render(&self, scenario: &Scenario, format: Format) -> String {
        match format {
            Format::Json => self.to_json(),
            Format::Markdown => to_markdown(self, scenario),
            Format::Html => to_html(self, scenario),
        }
    }

    pub fn to_json(&self) -> String {
        let mut json = Vec::new();
        // Into memory, writing cannot fail; nor can serialising: every field is a plain number,
        // string or list.
        let _ = self.write_json(&mut json);
        String::from_utf8(json).unwrap_or_default()
    }
}

impl<E: Serialize, R: Serialize> Report<E, R> {
    /// Writes the report as `to_json` gives it, as it serialises: a report of a big exercise
    /// is never held whole in memory (wholly so for a `Report::streamed`).
    pub fn write_json(&self, out: impl io::Write) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(64 * 1024, HiddenEscaped::new(out));
        self.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            Indented::default(),
        ))?;
        out.write_all(b"\n")?;
        out.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .finish()
    }
}

/// serde_json's `PrettyFormatter` with its two spaces, writing each line break and the
/// indentation after it in one write instead of one write per level: the same bytes, and a
/// tenth fewer instructions to write a big exercise's report.
#[derive(Default)]
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    /// A comma (after the first value), a line break, and the indentation of `self.depth`.
    fn next_line<W: ?Sized + io::Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        /// `,\n` and the spaces of 32 levels.
        const LINE: &[u8; 66] =
            b",\n                                                                ";
        let from = usize::from(!comma);
        match LINE.get(from..2 + 2 * self.depth) {
            Some(line) => writer.write_all(line),
            None => {
                writer.write_all(&LINE[from..2])?;
                (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
            }
        }
    }

    /// An array's or object's opening bracket: one level deeper, nothing in it yet.
    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// Its closing bracket, on a line of its own when it holds anything (`[]`, `{}` when not).
    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.next_line(writer, false)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, !first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, !first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A writer of JSON that writes every control and bidirectional character as its `\uXXXX`
/// escape: the same strings to a JSON reader, nothing a terminal acts on or that reorders what is
/// read. serde_json escapes the C0 controls but writes DEL, the C1 controls (a CSI) and the
/// bidirectional controls as they are. Each of those is outside ASCII's printable range and
/// JSON's whitespace, so in serde_json's output it can only stand inside a string, where its
/// escape means the same.
struct HiddenEscaped<W> {
    out: W,
    /// The first bytes of a character that the last write cut.
    cut: Vec<u8>,
}

impl<W: io::Write> HiddenEscaped<W> {
    fn new(out: W) -> Self {
        HiddenEscaped {
            out,
            cut: Vec::new(),
        }
    }

    /// The end of the JSON: no character may be left cut.
    fn finish(mut self) -> io::Result<()> {
        if !self.cut.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the JSON ends inside a character",
            ));
        }
        self.out.flush()
    }

    fn escaped(&mut self, text: &str) -> io::Result<()> {
        let mut shown = 0;
        for (at, c) in text.char_indices() {
            if c >= ' ' && is_hidden_control(c) {
                self.out.write_all(&text.as_bytes()[shown..at])?;
                // Each is in the Basic Multilingual Plane: four hex digits.
                write!(self.out, "\\u{:04x}", c as u32)?;
                shown = at + c.len_utf8();
            }
        }
        self.out.write_all(&text.as_bytes()[shown..])
    }
}

impl<W: io::Write> io::Write for HiddenEscaped<W> {
    fn write(&mut self, given: &[u8]) -> io::Result<usize> {
        // Printable ASCII and JSON's whitespace, nearly all of a report, go through in one look:
        // no character to escape, none cut, nothing to check as UTF-8.
        if self.cut.is_empty() && given.is_ascii() && !given.contains(&0x7F) {
            self.out.write_all(given)?;
            return Ok(given.len());
        }
        let mut joined = std::mem::take(&mut self.cut);
        let bytes = if joined.is_empty() {
            given
        } else {
            joined.extend_from_slice(given);
            &joined
        };
        let whole = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            // A character cut at the end of the buffer: its start waits for the rest.
            Err(e) if e.error_len().is_none() => {
                let (whole, cut) = bytes.split_at(e.valid_up_to());
                self.cut = cut.to_vec();
                std::str::from_utf8(whole).map_err(io::Error::other)?
            }
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        self.escaped(whole)?;
        Ok(given.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One response as the report lists it; `format_3`: whether the report carries format 3's keys
/// (asked once per report: it looks at the whole scenario).
fn response_report(
    exercise: &Exercise,
    n: usize,
    r: &ResponseRecord,
    format_3: bool,
) -> ResponseReport {
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
            Some(Answers::Inject(inject)) => Some(scenario.inject(inject).id.as_str().to_owned()),
            _ => None,
        },
        message: match r.response.answers {
            Some(Answers::Message(n)) => Some(n),
            _ => None,
        },
        satisfied: r.satisfied.map(|ix| exercise.expectation_id(ix)),
        ahead: r.ahead(),
        insufficient: format_3.then(|| {
            exercise
                .findings(n)
                .iter()
                .map(|f| FindingReport {
                    field: action.fields[f.field].clone(),
                    by: match f.by {
                        FoundBy::Team(team) => scenario.team(team).id.clone(),
                        FoundBy::Evaluator => "evaluator".to_string(),
                    },
                    message: f.message,
                    reason: f.reason.clone(),
                    at_s: f.at,
                })
                .collect()
        }),
        clarifies: exercise.clarification(n).map(|c| {
            let request = exercise
                .message(c.message)
                .and_then(|m| m.action)
                .map(|a| scenario.action(a));
            ClarifiesReport {
                message: c.message,
                fields: c
                    .fields
                    .iter()
                    .filter_map(|f| request.map(|a| a.fields[*f].clone()))
                    .collect(),
            }
        }),
    }
}

fn request_report(exercise: &Exercise, thread: &RequestThread) -> RequestReport {
    let scenario = exercise.scenario();
    let sent_at = |n: u64| exercise.message(n).map_or(0, |m| m.sent_at);
    let latest = thread.latest_version();
    RequestReport {
        message: thread.message,
        from: scenario.team(thread.from).id.clone(),
        to: scenario.team(thread.to).id.clone(),
        clarifications: thread.clarifications.clone(),
        amendments: thread.amendments.clone(),
        complete_at_s: (!thread.latest_is_clarified()).then(|| sent_at(latest)),
        replied_at_s: exercise
            .expectation(thread.reply)
            .done
            .as_ref()
            .map(|d| d.at),
        action: exercise
            .message(thread.message)
            .and_then(|m| m.action)
            .map_or_else(String::new, |a| scenario.action(a).id.clone()),
        sent_at_s: sent_at(thread.message),
        round_trips: thread
            .clarifications
            .iter()
            .enumerate()
            .map(|(i, m)| (sent_at(*m), thread.amendments.get(i).map(|k| sent_at(*k))))
            .collect(),
    }
}

/// Which formats' keys a report carries, decided once per report: each question looks at the
/// whole scenario.
#[derive(Debug, Clone, Copy)]
struct Keys {
    /// When the scenario uses a rule of format 2 or a team sent a free message (or format 3's
    /// keys are carried): a format-1 exercise's report keeps format 1's keys exactly.
    format_2: bool,
    /// When the scenario uses a rule of format 3 or the journal holds a judgement: a format 2
    /// exercise's report keeps its keys exactly.
    format_3: bool,
}

impl Keys {
    fn of(exercise: &Exercise) -> Keys {
        let format_3 = exercise.scenario().uses_format_3() || !exercise.judgements().is_empty();
        Keys {
            format_2: format_3
                || exercise.scenario().uses_format_2()
                || exercise.messages().iter().any(|m| m.text.is_some()),
            format_3,
        }
    }
}

/// A long list of the report, filtered by audience: allocated once for all it may hold, and
/// trimmed when it holds fewer (a team's report). Collected by doubling, a big exercise's
/// responses took half again their size.
fn listed<T>(items: impl Iterator<Item = T>) -> Vec<T> {
    let (least, most) = items.size_hint();
    let mut list = Vec::with_capacity(most.unwrap_or(least));
    list.extend(items);
    list.shrink_to_fit();
    list
}

fn team_report<'e, M: Rows<'e>>(
    exercise: &'e Exercise,
    team: TeamIx,
    keys: Keys,
    rows: &M,
) -> TeamReport<M::Expectations> {
    let scenario = exercise.scenario();
    // One sorted list serves the team's rows, its score and its objective scores.
    let list = exercise.expectations_of_team(team);
    let (score, objectives) = exercise.team_scores(list);
    TeamReport {
        id: scenario.team(team).id.clone(),
        name: scenario.team(team).name.clone(),
        score: score.value(),
        credit: score.credit,
        weight: score.weight,
        objectives: objectives
            .into_iter()
            .map(|(objective, score)| ObjectiveScore {
                id: scenario.objective(objective).id.clone(),
                score: score.value(),
            })
            .collect(),
        expectations: rows.expectations(exercise, team, keys, list),
    }
}

/// What of an expectation's row is made: all of it, or only its JSON keys.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    All,
    Json,
}

/// An expectation's row, with `id` as its id.
fn expectation_report<'e, T: From<&'e str>, I>(
    exercise: &'e Exercise,
    team: TeamIx,
    ix: ExpectationIx,
    keys: Keys,
    detail: Detail,
    id: I,
) -> ExpectationReport<T, I> {
    let scenario = exercise.scenario();
    let text = |id: &'e str| T::from(id);
    let Keys { format_2, format_3 } = keys;
    let e = exercise.expectation(ix);
    let action = e.action.map(|a| scenario.action(a));
    let done_at = e.done.as_ref().map(|d| d.at);
    let all = detail == Detail::All;
    let status = exercise.status(ix);
    ExpectationReport {
        id,
        inject: match e.source {
            Source::Inject(inject, _) => Some(text(&scenario.inject(inject).id)),
            Source::Message(_) => None,
        },
        message: match e.source {
            Source::Inject(..) => None,
            Source::Message(n) => Some(n),
        },
        action: action.map(|a| text(&a.id)),
        choices: e.is_decision().then(|| {
            e.choices
                .iter()
                .map(|a| text(&scenario.action(*a).id))
                .collect()
        }),
        team: text(&scenario.team(team).id),
        released_at_s: e.released_at,
        due_at_s: e.due(),
        done_at_s: done_at,
        latency_s: e.latency(),
        status,
        missing_fields: match (&e.done, action) {
            (Some(done), Some(action)) => done
                .missing
                .iter()
                .map(|f| text(&action.fields[*f]))
                .collect(),
            _ => Vec::new(),
        },
        weight: e.weight,
        credit: exercise.credit_at(ix, status),
        ahead: format_2.then(|| e.done.as_ref().is_some_and(|d| d.ahead)),
        response: format_2.then(|| e.done.as_ref().map(|d| d.response)),
        basis: format_3.then(|| exercise.basis(ix).map(T::from)),
        held: format_3.then_some(e.held),
        title: if all {
            crate::words::expectation_title(exercise, ix)
        } else {
            String::new()
        },
        objective: e
            .objective
            .filter(|_| all)
            .map(|o| scenario.objective(o).id.clone()),
    }
}

/// The responses `audience` sees, with their numbers in the exercise.
fn responses_seen(
    exercise: &Exercise,
    audience: Audience,
) -> impl Iterator<Item = (usize, &ResponseRecord)> {
    exercise
        .responses()
        .iter()
        .enumerate()
        .filter(move |(_, r)| audience.sees(r.response.team))
}

/// How a report holds its two longest lists (see `Report`).
trait Rows<'e> {
    type Expectations;
    type Responses;
    /// A team's expectations, `list` in the report's order.
    fn expectations(
        &self,
        exercise: &'e Exercise,
        team: TeamIx,
        keys: Keys,
        list: &'e [ExpectationIx],
    ) -> Self::Expectations;
    fn responses(
        &self,
        exercise: &'e Exercise,
        audience: Audience,
        format_3: bool,
    ) -> Self::Responses;
}

/// Every row built, for the reports people read and for the app.
struct Built;

impl<'e> Rows<'e> for Built {
    type Expectations = Vec<ExpectationReport>;
    type Responses = Vec<ResponseReport>;

    fn expectations(
        &self,
        exercise: &'e Exercise,
        team: TeamIx,
        keys: Keys,
        list: &'e [ExpectationIx],
    ) -> Vec<ExpectationReport> {
        list.iter()
            .map(|&ix| {
                let id = exercise.expectation_id(ix);
                expectation_report(exercise, team, ix, keys, Detail::All, id)
            })
            .collect()
    }

    fn responses(
        &self,
        exercise: &'e Exercise,
        audience: Audience,
        format_3: bool,
    ) -> Vec<ResponseReport> {
        listed(
            responses_seen(exercise, audience)
                .map(|(n, r)| response_report(exercise, n, r, format_3)),
        )
    }
}

/// Rows made one at a time as the JSON is written (`Report::streamed`).
struct Streamed;

impl<'e> Rows<'e> for Streamed {
    type Expectations = ExpectationRows<'e>;
    type Responses = ResponseRows<'e>;

    fn expectations(
        &self,
        exercise: &'e Exercise,
        team: TeamIx,
        keys: Keys,
        list: &'e [ExpectationIx],
    ) -> ExpectationRows<'e> {
        ExpectationRows {
            exercise,
            team,
            keys,
            list,
        }
    }

    fn responses(
        &self,
        exercise: &'e Exercise,
        audience: Audience,
        format_3: bool,
    ) -> ResponseRows<'e> {
        ResponseRows {
            exercise,
            audience,
            format_3,
        }
    }
}

/// A team's expectations in a streamed report: each row is made as it is written.
pub struct ExpectationRows<'e> {
    exercise: &'e Exercise,
    team: TeamIx,
    keys: Keys,
    list: &'e [ExpectationIx],
}

impl Serialize for ExpectationRows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let exercise = self.exercise;
        serializer.collect_seq(self.list.iter().map(|&ix| {
            let id = exercise.expectation_name(ix);
            expectation_report::<&str, _>(exercise, self.team, ix, self.keys, Detail::Json, id)
        }))
    }
}

/// An expectation's id as a JSON string, put together inline (`CompactString`, as the loader
/// keeps ids): serde_json's `collect_str` escapes and writes each of its pieces on its own, at
/// twice the cost.
impl Serialize for ExpectationName<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut id = compact_str::CompactString::default();
        write!(id, "{self}").map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&id)
    }
}

/// The responses in a streamed report: each row is made as it is written.
pub struct ResponseRows<'e> {
    exercise: &'e Exercise,
    audience: Audience,
    format_3: bool,
}

impl Serialize for ResponseRows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            responses_seen(self.exercise, self.audience)
                .map(|(n, r)| response_report(self.exercise, n, r, self.format_3)),
        )
    }
}

/// The rows to rate: per objective, each team with a scored critical task or a rating, then
/// the joint row (always, so an objective judged by observation alone is rated too).
fn ratings(exercise: &Exercise, debrief: &Debrief) -> Vec<RatingReport> {
    let scenario = exercise.scenario();
    let mut rows = Vec::new();
    for objective in (0..scenario.objectives.len()).map(ObjectiveIx) {
        let objective_id = &scenario.objective(objective).id;
        let teams = (0..scenario.teams.len()).map(|t| Some(TeamIx(t)));
        for team in teams.chain(std::iter::once(None)) {
            let team_id = team.map(|t| scenario.team(t).id.as_str());
            let suggestion = suggest(exercise, objective, team);
            let given = debrief.rating_of(objective_id, team_id);
            if team.is_some() && suggestion.is_none() && given.is_none() {
                continue;
            }
            rows.push(RatingReport {
                objective: objective_id.clone(),
                team: team_id.map(str::to_string),
                suggested: suggestion.as_ref().map(|s| s.rating),
                rating: given.map(|g| g.rated.rating),
                reason: given.and_then(|g| g.rated.reason.clone()),
                analysis: given.and_then(|g| g.rated.analysis.clone()),
                at_wall: given.and_then(|g| g.at_wall).map(format_wall),
                by: given.and_then(|g| g.rated.by.clone()),
                score: suggestion.as_ref().map(|s| s.score),
                evidence: suggestion.map(|s| s.evidence),
                earlier: earlier_ratings(debrief, objective_id, team_id),
            });
        }
    }
    rows
}

/// Every rating of an objective and team but the last (the final one), in the order given.
fn earlier_ratings(debrief: &Debrief, objective: &str, team: Option<&str>) -> Vec<EarlierRating> {
    let mut given: Vec<EarlierRating> = debrief
        .ratings
        .iter()
        .filter(|g| g.rated.objective == objective && g.rated.team.as_deref() == team)
        .map(|g| EarlierRating {
            rating: g.rated.rating,
            by: g.rated.by.clone(),
            at_wall: g.at_wall.map(format_wall),
        })
        .collect();
    given.pop();
    given
}

/// ttx's draft plan with the debrief's additions, edits and drops applied. An organisation
/// responsible is drafted from the team's organisations (or its name); the rest is for people.
fn improvement_plan(exercise: &Exercise, debrief: &Debrief) -> Vec<PlanItemReport> {
    let scenario = exercise.scenario();
    let objective_id = |o: Option<ObjectiveIx>| o.map(|o| scenario.objective(o).id.clone());
    let capability = |id: Option<&str>| {
        id.and_then(|id| scenario.objective_ix(id))
            .and_then(|o| scenario.objective(o).capability.clone())
    };
    let responsible = |team: Option<&str>| {
        team.and_then(|id| scenario.team_ix(id)).map(|t| {
            let team = scenario.team(t);
            if team.organisations.is_empty() {
                team.name.clone()
            } else {
                team.organisations.join(", ")
            }
        })
    };
    let drafted = draft_plan(exercise).into_iter().map(|item| {
        let objective = objective_id(item.objective);
        let team = item.team.map(|t| scenario.team(t).id.clone());
        PlanItemReport {
            issue: draft_issue(exercise, &item),
            capability: capability(objective.as_deref()),
            responsible: responsible(team.as_deref()),
            evidence: item
                .evidence
                .iter()
                .map(|e| match *e {
                    Evidence::Task(ix) => exercise.expectation_id(ix).into(),
                    Evidence::Note(n) => n.into(),
                })
                .collect(),
            id: item.id,
            objective,
            team,
            root_cause: None,
            corrective_action: None,
            capability_element: None,
            poc: None,
            start: None,
            completion: None,
            drafted: true,
        }
    });
    let added = debrief.added.iter().map(|a| PlanItemReport {
        id: a.item.clone(),
        capability: capability(a.objective.as_deref()),
        responsible: responsible(a.team.as_deref()),
        objective: a.objective.clone(),
        team: a.team.clone(),
        issue: a.issue.clone(),
        evidence: Vec::new(),
        root_cause: None,
        corrective_action: None,
        capability_element: None,
        poc: None,
        start: None,
        completion: None,
        drafted: false,
    });
    drafted
        .chain(added)
        .filter(|item| !debrief.dropped.contains(&item.id))
        .map(|mut item| {
            for field in PlanField::ALL {
                let Some(value) = debrief.edited(&item.id, field) else {
                    continue;
                };
                let value = Some(value.to_string()).filter(|v| !v.trim().is_empty());
                match field {
                    PlanField::Issue => {
                        item.issue = value.unwrap_or_default();
                        item.drafted = false;
                    }
                    PlanField::RootCause => item.root_cause = value,
                    PlanField::CorrectiveAction => item.corrective_action = value,
                    PlanField::CapabilityElement => item.capability_element = value,
                    PlanField::Responsible => item.responsible = value,
                    PlanField::Poc => item.poc = value,
                    PlanField::Start => item.start = value,
                    PlanField::Completion => item.completion = value,
                }
            }
            item
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Indented` writes what serde_json's pretty printer writes, deeper than its 32 levels of
    /// spaces too.
    #[test]
    fn indented_json_is_serde_json_pretty() {
        let mut deep = serde_json::json!({"a": [1, {"b": []}, {}], "c": "d", "e": {}});
        for level in 0..40 {
            deep = serde_json::json!({"x": [deep, level, []], "y": {"z": null}});
        }
        let mut ours = Vec::new();
        deep.serialize(&mut serde_json::Serializer::with_formatter(
            &mut ours,
            Indented::default(),
        ))
        .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }

    /// A character cut between two writes is escaped, or kept, as a whole one.
    #[test]
    fn hidden_characters_are_escaped_across_cut_writes() {
        let text = "a\u{202e}é\u{9b}\u{7f}\u{1f600}z";
        for cut in 0..=text.len() {
            let mut out = Vec::new();
            let mut writer = HiddenEscaped::new(&mut out);
            writer.write_all(&text.as_bytes()[..cut]).unwrap();
            writer.write_all(&text.as_bytes()[cut..]).unwrap();
            writer.finish().unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "a\\u202eé\\u009b\\u007f\u{1f600}z",
                "cut at {cut}"
            );
        }
    }

    /// Dates entered in the debrief are the cover's; what the journal recorded stays in the
    /// overview, under its own name.
    #[test]
    fn entered_dates_take_the_cover_and_the_journal_keeps_its_row() {
        use crate::debrief::{DebriefEvent, FactEntered, parse_wall};
        let exercise = crate::testing::played();
        let mut debrief = Debrief {
            started_wall: parse_wall("2026-11-28T09:00:00Z").ok(),
            ended_wall: parse_wall("2026-11-28T13:00:00Z").ok(),
            ..Debrief::default()
        };
        let recorded = "28 November 2026, 09:00 UTC to 28 November 2026, 13:00 UTC";
        let markdown = |debrief: &Debrief| {
            Report::evaluated(&exercise, debrief).render(exercise.scenario(), Format::Markdown)
        };
        let before = markdown(&debrief);
        assert!(!before.contains("Recorded by the journal"), "{before}");
        debrief
            .apply(
                &exercise,
                DebriefEvent::Fact(FactEntered {
                    fact: ExerciseFact::Dates,
                    value: "28–29 November 2026".into(),
                }),
                None,
            )
            .unwrap();
        let after = markdown(&debrief);
        let cover: Vec<&str> = after.lines().take(4).collect();
        assert!(cover.contains(&"28–29 November 2026"), "{cover:?}");
        assert!(
            after.contains("| Exercise dates | 28–29 November 2026 |"),
            "{after}"
        );
        assert!(
            after.contains(&format!("| Recorded by the journal | {recorded}")),
            "{after}"
        );
    }

    #[test]
    fn json_ending_inside_a_character_is_refused() {
        let mut writer = HiddenEscaped::new(Vec::new());
        writer.write_all(&"é".as_bytes()[..1]).unwrap();
        assert!(writer.finish().is_err());
    }
}
