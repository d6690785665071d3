//! HSEEP evaluation from the measured evidence: the rating ttx suggests for an objective (per
//! team and jointly) and the improvement plan's draft items. Pure: computed from the exercise as
//! it stands, never stored; the evaluator's own ratings and edits are the debrief's.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::engine::{Exercise, ExpectationIx, NoteKind, Status};
use crate::scenario::{ActionIx, ObjectiveIx, TeamIx, format_secs};
use crate::words::expectation_title;

/// HSEEP's four ratings of a core capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    P,
    S,
    M,
    U,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::P, Rating::S, Rating::M, Rating::U];

    pub fn code(self) -> &'static str {
        match self {
            Rating::P => "P",
            Rating::S => "S",
            Rating::M => "M",
            Rating::U => "U",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rating::P => "Performed without Challenges",
            Rating::S => "Performed with Some Challenges",
            Rating::M => "Performed with Major Challenges",
            Rating::U => "Unable to be Performed",
        }
    }

    /// HSEEP's definition (Exercise Evaluation Guide), shown on screen and in the appendix.
    pub fn definition(self) -> &'static str {
        match self {
            Rating::P => {
                "The targets and critical tasks associated with the core capability were \
                 completed in a manner that achieved the objective(s) and did not negatively \
                 impact the performance of other activities. Performance of this activity did not \
                 contribute to additional health and/or safety risks for the public or for \
                 emergency workers, and it was conducted in accordance with applicable plans, \
                 policies, procedures, regulations, and laws."
            }
            Rating::S => {
                "The same as P; however, opportunities to enhance effectiveness and/or \
                 efficiency were identified."
            }
            Rating::M => {
                "The targets and critical tasks were completed in a manner that achieved the \
                 objective(s), but some or all of the following were observed: demonstrated \
                 performance had a negative impact on the performance of other activities; \
                 contributed to additional health and/or safety risks for the public or for \
                 emergency workers; and/or was not conducted in accordance with applicable \
                 plans, policies, procedures, regulations, and laws."
            }
            Rating::U => {
                "The targets and critical tasks associated with the core capability were not \
                 performed in a manner that achieved the objective(s)."
            }
        }
    }

    /// A rating from its code, `P`, `S`, `M` or `U` (either case).
    pub fn parse(code: &str) -> Option<Rating> {
        Rating::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// ttx's suggested rating and the evidence it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub rating: Rating,
    pub score: f64,
    /// "2 of 3 tasks met; msg-1.rfa-reply@cn late by 3h10m, missing contact".
    pub evidence: String,
}

/// The critical tasks of an objective: the expectations linked to it, of one team or (`None`)
/// of every team, in the report's order (team, then release).
pub fn critical_tasks(
    exercise: &Exercise,
    objective: ObjectiveIx,
    team: Option<TeamIx>,
) -> Vec<ExpectationIx> {
    let teams: Vec<TeamIx> = match team {
        Some(team) => vec![team],
        None => (0..exercise.scenario().teams.len()).map(TeamIx).collect(),
    };
    teams
        .into_iter()
        .flat_map(|t| exercise.expectations_of_team(t).iter().copied())
        .filter(|ix| exercise.expectation(*ix).objective == Some(objective))
        .collect()
}

/// The suggestion rule of evaluation.md: the objective's score over its scored critical tasks
/// against the scenario's thresholds, and never P when a task was missed, late or incomplete.
/// `None` when no critical task is scored (none linked, or none due yet).
pub fn suggest(
    exercise: &Exercise,
    objective: ObjectiveIx,
    team: Option<TeamIx>,
) -> Option<Suggestion> {
    let tasks: Vec<ExpectationIx> = critical_tasks(exercise, objective, team)
        .into_iter()
        .filter(|ix| exercise.status(*ix).is_scored())
        .collect();
    let score = exercise.score_of(&tasks, |_| true).value()?;
    let thresholds = exercise.scenario().ratings;
    let mut shortfalls = String::new();
    let mut short = 0;
    for &ix in &tasks {
        let mark = shortfalls.len();
        shortfalls.push_str("; ");
        if push_shortfall(exercise, ix, &mut shortfalls) {
            short += 1;
        } else {
            shortfalls.truncate(mark);
        }
    }
    let rating = if score >= thresholds.performed {
        // A shortfall costs the P however high the score.
        if short == 0 { Rating::P } else { Rating::S }
    } else if score >= thresholds.some {
        Rating::S
    } else if score >= thresholds.major {
        Rating::M
    } else {
        Rating::U
    };
    let met = tasks.len() - short;
    let evidence = format!("{met} of {} tasks met{shortfalls}", tasks.len());
    Some(Suggestion {
        rating,
        score,
        evidence,
    })
}

/// What went wrong with a task, in the evidence's short form; `None` when it was met (or is not
/// scored).
/// Whether a task fell short: missed, late or incomplete.
fn falls_short(status: Status) -> bool {
    matches!(status, Status::Missed | Status::Late | Status::Incomplete)
}

/// Appends how a task fell short ("i3.rfa@red late by 10m, missing contact") to `out`; false,
/// with nothing appended, when it did not. Every failing task's text goes into a rating's
/// evidence and a plan item's issue: tens of thousands in a big exercise, so they are appended
/// in place rather than formatted one by one.
fn push_shortfall(exercise: &Exercise, ix: ExpectationIx, out: &mut String) -> bool {
    let status = exercise.status(ix);
    let e = exercise.expectation(ix);
    let what = match status {
        Status::Missed => " missed",
        Status::Late => " late by ",
        Status::Incomplete => " incomplete",
        _ => return false,
    };
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", exercise.expectation_name(ix));
    out.push_str(what);
    if status == Status::Late {
        let late_by = e.done.as_ref().map_or(0, |d| d.at.saturating_sub(e.due_at));
        out.push_str(&format_secs(late_by));
    }
    let missing = match (&e.done, e.action) {
        (Some(done), Some(_)) => done.missing.as_slice(),
        _ => &[],
    };
    if status == Status::Incomplete || !missing.is_empty() {
        out.push_str(", missing ");
        let fields = e.action.map(|a| &exercise.scenario().action(a).fields);
        for (n, field) in missing.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            if let Some(name) = fields.and_then(|f| f.get(*field)) {
                out.push_str(name);
            }
        }
    }
    true
}

/// A piece of evidence behind an improvement-plan item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Task(ExpectationIx),
    /// An "improvement" observation, by its index in the exercise's notes.
    Note(usize),
}

/// An area for improvement as ttx drafts it, before the facilitator's edits.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftItem {
    /// Stable across replays: `OBJECTIVE/ACTION@TEAM` for shortfalls (`general` for no objective),
    /// `note-N` for an observation.
    pub id: String,
    pub objective: Option<ObjectiveIx>,
    pub team: Option<TeamIx>,
    pub evidence: Vec<Evidence>,
}

/// The draft plan: each missed, late or incomplete task and each "improvement" observation,
/// with the same action missed by the same team under the same objective merged into one item.
/// Items are grouped by objective in the scenario's order; observations come last.
pub fn draft_plan(exercise: &Exercise) -> Vec<DraftItem> {
    let scenario = exercise.scenario();
    let mut items: Vec<DraftItem> = Vec::new();
    let objectives = (0..scenario.objectives.len())
        .map(|o| Some(ObjectiveIx(o)))
        .chain(std::iter::once(None));
    let teams: Vec<(TeamIx, &[ExpectationIx])> = (0..scenario.teams.len())
        .map(TeamIx)
        .map(|team| (team, exercise.expectations_of_team(team)))
        .collect();
    for objective in objectives {
        for (team, tasks) in &teams {
            let team = *team;
            // One item per action (decisions together) of this objective and team.
            let mut item_of_action: HashMap<Option<ActionIx>, usize> = HashMap::new();
            for &ix in *tasks {
                let e = exercise.expectation(ix);
                if e.objective != objective || !falls_short(exercise.status(ix)) {
                    continue;
                }
                let action = e.action.filter(|_| !e.is_decision());
                let n = *item_of_action.entry(action).or_insert_with(|| {
                    let action_id = action.map_or("decision", |a| scenario.action(a).id.as_str());
                    let objective_id =
                        objective.map_or("general", |o| scenario.objective(o).id.as_str());
                    items.push(DraftItem {
                        id: format!("{objective_id}/{action_id}@{}", scenario.team(team).id),
                        objective,
                        team: Some(team),
                        evidence: Vec::new(),
                    });
                    items.len() - 1
                });
                items[n].evidence.push(Evidence::Task(ix));
            }
        }
    }
    for (n, note) in exercise.notes().iter().enumerate() {
        if note.kind == NoteKind::Improvement {
            items.push(DraftItem {
                id: format!("note-{n}"),
                objective: note.objective,
                team: note.team,
                evidence: vec![Evidence::Note(n)],
            });
        }
    }
    items
}

/// The draft item's issue in plain words: what was expected and what went wrong, each time.
pub fn draft_issue(exercise: &Exercise, item: &DraftItem) -> String {
    let scenario = exercise.scenario();
    let mut issue = String::new();
    for (n, evidence) in item.evidence.iter().enumerate() {
        if n > 0 {
            issue.push_str("; ");
        }
        match *evidence {
            Evidence::Note(n) => {
                if let Some(note) = exercise.notes().get(n) {
                    issue.push_str(&note.text);
                }
            }
            Evidence::Task(ix) => {
                let e = exercise.expectation(ix);
                match (e.is_decision(), e.action) {
                    (false, Some(action)) => issue.push_str(&scenario.action(action).name),
                    _ => issue.push_str(&expectation_title(exercise, ix)),
                }
                issue.push_str(" (");
                issue.push_str(&scenario.team(e.team).name);
                issue.push_str("): ");
                push_shortfall(exercise, ix, &mut issue);
            }
        }
    }
    issue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Command, Settings};
    use crate::testing::{phishing, played, respond};
    use std::sync::Arc;

    fn objective(exercise: &Exercise, id: &str) -> ObjectiveIx {
        exercise.scenario().objective_ix(id).unwrap()
    }

    #[test]
    fn the_rule_maps_scores_to_ratings_by_the_thresholds() {
        // One critical task of weight 1 for `contain`, met, late or missed, gives every band.
        let scenario = Arc::new(phishing());
        let cases = [
            (Some(300), Rating::P),  // met: score 1
            (Some(2400), Rating::M), // late: late credit 0.5 by default, ≥ 0.4
            (None, Rating::U),       // missed: 0
        ];
        for (block_at, expected) in cases {
            let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
            exercise.execute(Command::Start).unwrap();
            if let Some(at) = block_at {
                exercise.execute(Command::AdvanceTo(at)).unwrap();
                exercise.execute(respond(0, 1, &[], None)).unwrap();
            }
            exercise.execute(Command::AdvanceTo(3600)).unwrap();
            exercise.execute(Command::End).unwrap();
            let contain = objective(&exercise, "contain");
            let suggestion = suggest(&exercise, contain, None).unwrap();
            assert_eq!(suggestion.rating, expected, "{block_at:?}: {suggestion:?}");
        }
    }

    #[test]
    fn never_p_when_a_task_fell_short() {
        // A score of 0.95 would be P; one late task among many caps it at S.
        let mut scenario = phishing();
        scenario.ratings.performed = 0.5;
        let scenario = Arc::new(scenario);
        let mut exercise = Exercise::new(Arc::clone(&scenario), Settings::of(&scenario));
        exercise.execute(Command::Start).unwrap();
        exercise.execute(Command::AdvanceTo(2400)).unwrap();
        exercise.execute(respond(0, 1, &[], None)).unwrap();
        exercise.execute(Command::AdvanceTo(3600)).unwrap();
        exercise.execute(Command::End).unwrap();
        let suggestion = suggest(&exercise, objective(&exercise, "contain"), None).unwrap();
        assert_eq!(suggestion.rating, Rating::S, "{suggestion:?}");
        assert_eq!(
            suggestion.evidence,
            "0 of 1 tasks met; mail-wave.block@soc late by 10m"
        );
    }

    #[test]
    fn no_suggestion_without_a_scored_task() {
        let exercise = played();
        let report = objective(&exercise, "report");
        // The CERT has no task under `report`; the SOC has one.
        assert!(suggest(&exercise, report, Some(TeamIx(1))).is_none());
        assert!(suggest(&exercise, report, Some(TeamIx(0))).is_some());
    }

    #[test]
    fn ratings_parse_from_their_codes() {
        assert_eq!(Rating::parse(" s "), Some(Rating::S));
        assert_eq!(Rating::parse("X"), None);
    }
}
