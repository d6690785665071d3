//! Headless play: a script's steps applied in time order on a virtual clock, exactly as a live
//! run would apply them.

use std::sync::Arc;

use crate::debrief::{Answer, Debrief, DebriefEvent};
use crate::engine::{Answers, Command, Event, Exercise, Response, Settings};
use crate::journal::Line;
use crate::scenario::{Scenario, Secs, format_secs};
use crate::script::{Script, Step, StepKind};

/// A step the exercise would not take, named by its number and place in the script file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{col}: step {number} ({what} at {at}): {reason}")]
pub struct StepError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub number: usize,
    pub what: &'static str,
    pub at: String,
    pub reason: String,
}

/// The settings a script plays with: its seed overrides the scenario's, and its `End` step
/// overrides the scenario's `end`.
pub fn settings_for(scenario: &Scenario, script: &Script) -> Settings {
    let has_end = script.steps.iter().any(|s| matches!(s.kind, StepKind::End));
    Settings {
        seed: script.seed.unwrap_or(scenario.seed),
        planned_end: if has_end { None } else { scenario.end },
        speed: scenario.speed,
    }
}

/// A script played: the exercise, its journal's lines in order (events, and the answers given
/// between them), and the debrief the answers make.
#[derive(Debug, Clone)]
pub struct Played {
    pub exercise: Exercise,
    pub lines: Vec<Line>,
    pub debrief: Debrief,
}

/// Plays a script to the end of the exercise and returns it with every event, in order; the
/// answers a script gives are checked as `play_script` checks them, and left out.
pub fn play(
    scenario: Arc<Scenario>,
    script: &Script,
    script_file: &str,
) -> Result<(Exercise, Vec<Event>), StepError> {
    let played = play_script(scenario, script, script_file)?;
    let events = played
        .lines
        .into_iter()
        .filter_map(|line| match line {
            Line::Event(event) => Some(event),
            Line::Debrief { .. } => None,
        })
        .collect();
    Ok((played.exercise, events))
}

/// Plays a script to the end of the exercise: every event and every answer, in order. An
/// answer is checked against the exercise then (`Debrief::apply_at`): an unknown question, a
/// team it is not addressed to, blank text or a module not current stops the script.
pub fn play_script(
    scenario: Arc<Scenario>,
    script: &Script,
    script_file: &str,
) -> Result<Played, StepError> {
    let settings = settings_for(&scenario, script);
    let mut exercise = Exercise::new(Arc::clone(&scenario), settings);
    let mut lines = Vec::new();
    let mut debrief = Debrief::default();
    let mut steps: Vec<&Step> = script.steps.iter().collect();
    // Stable: steps at the same time keep their file order.
    steps.sort_by_key(|step| step.at);
    let fail = |step: &Step, reason: String| StepError {
        file: script_file.to_string(),
        line: step.line,
        col: step.col,
        number: step.number,
        what: step_name(&step.kind),
        at: format_secs(step.at),
        reason,
    };
    let run = |lines: &mut Vec<Line>, exercise: &mut Exercise, command: Command| {
        exercise
            .execute(command)
            .map(|e| lines.extend(e.into_iter().map(Line::Event)))
    };
    // A fresh exercise always accepts Start; scripted journals then look like live ones.
    let _ = run(&mut lines, &mut exercise, Command::Start);
    for step in steps {
        // Only a judgement follows the end (Precise rule 39): it is recorded at the end's time.
        let judges = matches!(step.kind, StepKind::Judge { .. });
        if exercise.ended_at().is_none() {
            run(&mut lines, &mut exercise, Command::AdvanceTo(step.at))
                .map_err(|r| fail(step, r.to_string()))?;
        }
        if let Some(ended) = exercise.ended_at()
            && !judges
        {
            return Err(fail(step, ended_already(ended)));
        }
        match act_for(&exercise, step).map_err(|reason| fail(step, reason))? {
            Act::Command(command) => {
                run(&mut lines, &mut exercise, command).map_err(|r| fail(step, r.to_string()))?;
            }
            Act::Debrief(event) => {
                let at = exercise.now();
                debrief
                    .apply_at(&exercise, event.clone(), at, None)
                    .map_err(|reason| fail(step, reason))?;
                lines.push(Line::Debrief { at, event });
            }
        }
    }
    if exercise.ended_at().is_none() {
        // Cannot be refused: the exercise has not ended.
        let _ = run(&mut lines, &mut exercise, Command::RunOut);
    }
    exercise.shrink_to_fit();
    Ok(Played {
        exercise,
        lines,
        debrief,
    })
}

fn ended_already(ended: Secs) -> String {
    format!("the exercise has already ended at {}", format_secs(ended))
}

fn step_name(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Respond { .. } => "Respond",
        StepKind::Release { .. } => "Release",
        StepKind::Note { .. } => "Note",
        StepKind::Say { .. } => "Say",
        StepKind::End => "End",
        StepKind::Judge { .. } => "Judge",
        StepKind::Answer { .. } => "Answer",
    }
}

/// What a step does: a command of the exercise, or an entry of the debrief (an answer).
enum Act {
    Command(Command),
    Debrief(DebriefEvent),
}

/// Resolves a step's names against the scenario.
fn act_for(exercise: &Exercise, step: &Step) -> Result<Act, String> {
    let scenario = exercise.scenario();
    let team = |id: &str| {
        scenario.team_ix(id).ok_or_else(|| {
            format!(
                "unknown team `{id}` (teams: {})",
                ids(scenario.teams.iter().map(|t| &t.id))
            )
        })
    };
    let inject = |id: &str| {
        scenario
            .inject_ix(id)
            .ok_or_else(|| format!("unknown inject `{id}`"))
    };
    Ok(Act::Command(match &step.kind {
        StepKind::Respond {
            team: team_id,
            action,
            fields,
            note,
            inject: answered_inject,
            message,
            insufficient,
        } => {
            let action = scenario
                .action_ix(action)
                .ok_or_else(|| format!("unknown action `{action}`"))?;
            let answers = match (answered_inject, message) {
                (Some(_), Some(_)) => {
                    return Err("a response answers an inject or a message, not both".into());
                }
                (Some(id), None) => Some(Answers::Inject(inject(id)?)),
                (None, Some(n)) => Some(Answers::Message(*n)),
                (None, None) => None,
            };
            Command::Respond(Response {
                team: team(team_id)?,
                action,
                fields: fields.clone(),
                note: note.clone(),
                answers,
                insufficient: insufficient.clone(),
            })
        }
        StepKind::Release { inject: id } => Command::Release(inject(id)?),
        StepKind::Note {
            team: team_id,
            objective,
            kind,
            text,
        } => Command::Note {
            team: team_id.as_deref().map(team).transpose()?,
            objective: match objective {
                Some(id) => Some(scenario.objective_ix(id).ok_or_else(|| {
                    format!(
                        "unknown objective `{id}` (objectives: {})",
                        ids(scenario.objectives.iter().map(|o| &o.id))
                    )
                })?),
                None => None,
            },
            kind: *kind,
            text: text.clone(),
        },
        StepKind::Say {
            team: team_id,
            to,
            text,
            in_reply_to,
        } => Command::Say {
            team: team(team_id)?,
            to: match to {
                None => None,
                Some(to) => Some(to.iter().map(|t| team(t)).collect::<Result<_, _>>()?),
            },
            text: text.clone(),
            in_reply_to: *in_reply_to,
        },
        StepKind::End => Command::End,
        StepKind::Answer {
            team,
            question,
            text,
        } => {
            return Ok(Act::Debrief(DebriefEvent::Answer(Answer {
                team: team.clone(),
                question: question.clone(),
                text: text.clone(),
            })));
        }
        StepKind::Judge {
            expectation,
            insufficient,
            reason,
        } => Command::Judge {
            expectation: exercise.expectation_by_id(expectation).ok_or_else(|| {
                format!("there is no expectation `{expectation}` at this point of the exercise")
            })?,
            insufficient: insufficient.clone(),
            reason: reason.clone(),
            by: "script".to_string(),
        },
    }))
}

fn ids<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    ids.map(String::as_str).collect::<Vec<_>>().join(", ")
}
