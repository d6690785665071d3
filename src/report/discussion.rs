//! The discussion in the after-action report (discussion.md): the modules with each addressed
//! team's final answer, the hot wash's points, and the Participant Feedback Forms — their JSON
//! keys, and the parts people read (the "Discussion" section, "Appendix D: Participant
//! Feedback").

use serde::Serialize;

use crate::debrief::{Debrief, Feedback, format_wall};
use crate::engine::{Exercise, NoteKind};
use crate::report::people::{Item, Table, duration};
use crate::report::{NoteReport, Report};
use crate::scenario::{Scenario, Secs};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleReport {
    pub id: String,
    pub title: String,
    pub from_s: Secs,
    pub questions: Vec<QuestionReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionReport {
    pub id: String,
    pub text: String,
    /// The teams it is addressed to.
    pub to: Vec<String>,
    pub objective: Option<String>,
    /// Each addressed team's final answer, in the order of `to`; a team that did not answer
    /// has none.
    pub answers: Vec<AnswerReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerReport {
    pub team: String,
    pub text: String,
    /// When the final version was given.
    pub at_s: Secs,
}

/// A point of the hot wash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotWashReport {
    pub objective: String,
    pub kind: NoteKind,
    pub text: String,
    pub at_wall: Option<String>,
}

/// The feedback form's statements and every form submitted (anonymous).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackReport {
    pub statements: Vec<String>,
    pub forms: Vec<Feedback>,
}

impl FeedbackReport {
    /// How many forms rated statement `n` 1, 2, 3, 4 and 5.
    pub fn counts(&self, n: usize) -> [usize; 5] {
        let mut counts = [0; 5];
        for rating in self
            .forms
            .iter()
            .filter_map(|f| f.ratings.get(n).copied().flatten())
        {
            if let Some(count) = counts.get_mut(usize::from(rating).wrapping_sub(1)) {
                *count += 1;
            }
        }
        counts
    }
}

/// The mean rating of a distribution, to one decimal (`4.3`); "—" without ratings.
pub fn mean(counts: &[usize; 5]) -> String {
    let answers: usize = counts.iter().sum();
    if answers == 0 {
        return "—".into();
    }
    let sum: usize = counts.iter().enumerate().map(|(n, c)| (n + 1) * c).sum();
    format!("{:.1}", sum as f64 / answers as f64)
}

/// A distribution in words: "1: 0 · 2: 1 · 3: 2 · 4: 3 · 5: 1".
pub fn distribution(counts: &[usize; 5]) -> String {
    counts
        .iter()
        .enumerate()
        .map(|(n, c)| format!("{}: {c}", n + 1))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Whether the report carries the discussion's keys: when the scenario has modules or its own
/// feedback form, or the journal holds a hot wash or a feedback form. A report of an exercise
/// without any keeps its keys exactly.
pub(super) fn has_discussion(exercise: &Exercise, debrief: &Debrief) -> bool {
    let scenario = exercise.scenario();
    !scenario.modules.is_empty()
        || scenario.feedback != crate::scenario::HSEEP_FEEDBACK
        || !debrief.forms.is_empty()
        || exercise.notes().iter().any(|n| n.hot_wash)
}

pub(super) fn modules(exercise: &Exercise, debrief: &Debrief) -> Vec<ModuleReport> {
    let scenario = exercise.scenario();
    scenario
        .modules
        .iter()
        .map(|module| ModuleReport {
            id: module.id.clone(),
            title: module.title.clone(),
            from_s: module.from,
            questions: module
                .questions
                .iter()
                .map(|q| {
                    let to: Vec<String> =
                        q.to.iter().map(|t| scenario.team(*t).id.clone()).collect();
                    let answers = to
                        .iter()
                        .filter_map(|team| debrief.answer(team, &q.id))
                        .map(|given| AnswerReport {
                            team: given.answer.team.clone(),
                            text: given.answer.text.clone(),
                            at_s: given.at,
                        })
                        .collect();
                    QuestionReport {
                        id: q.id.clone(),
                        text: q.text.clone(),
                        to,
                        objective: q.objective.map(|o| scenario.objective(o).id.clone()),
                        answers,
                    }
                })
                .collect(),
        })
        .collect()
}

pub(super) fn hot_wash(exercise: &Exercise, debrief: &Debrief) -> Vec<HotWashReport> {
    let scenario = exercise.scenario();
    exercise
        .notes()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.hot_wash)
        .filter_map(|(ix, n)| {
            Some(HotWashReport {
                objective: scenario.objective(n.objective?).id.clone(),
                kind: n.kind,
                text: n.text.clone(),
                at_wall: debrief
                    .note_walls
                    .get(ix)
                    .copied()
                    .flatten()
                    .map(format_wall),
            })
        })
        .collect()
}

pub(super) fn feedback(exercise: &Exercise, debrief: &Debrief) -> FeedbackReport {
    FeedbackReport {
        statements: exercise.scenario().feedback.clone(),
        forms: debrief.forms.clone(),
    }
}

/// One module as people read it: its heading, the first line of its narrative, each question
/// with the teams' answers, and the observations made while it was current.
pub(super) struct ModulePart {
    pub heading: String,
    pub lead: String,
    pub questions: Vec<Item>,
    pub observations: Vec<String>,
}

/// The hot wash's points of one objective.
pub(super) struct HotWashPart {
    pub objective: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
}

/// The "Discussion" section.
pub(super) struct DiscussionPart {
    pub modules: Vec<ModulePart>,
    pub hot_wash: Vec<HotWashPart>,
}

/// "Appendix D: Participant Feedback".
pub(super) struct FeedbackPart {
    /// How many forms were submitted, and how to read the ratings.
    pub summary: String,
    /// Per statement: the statement, the number of ratings, the mean, the distribution in words.
    pub table: Table,
    /// Per statement, how many rated it 1 to 5 (the HTML's bars).
    pub counts: Vec<[usize; 5]>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub comments: Vec<String>,
}

fn team_name(scenario: &Scenario, id: &str) -> String {
    scenario
        .team_ix(id)
        .map_or_else(|| id.to_string(), |t| scenario.team(t).name.clone())
}

fn objective_name(scenario: &Scenario, id: &str) -> String {
    scenario
        .objective_ix(id)
        .map_or_else(|| id.to_string(), |o| scenario.objective(o).name.clone())
}

/// The observations made while a module was current, from its start to the next one's (the
/// last one's to the end); the hot wash's points are not among them.
fn observations(
    report: &Report,
    scenario: &Scenario,
    from: Secs,
    until: Option<Secs>,
) -> Vec<String> {
    report
        .notes
        .iter()
        .filter(|n| !n.hot_wash && n.at_s >= from && until.is_none_or(|u| n.at_s < u))
        .map(|n| observation(scenario, n))
        .collect()
}

fn observation(scenario: &Scenario, note: &NoteReport) -> String {
    let kind = match note.kind {
        NoteKind::Strength => "Strength",
        NoteKind::Improvement => "Area for improvement",
    };
    let who = note
        .team
        .as_deref()
        .map(|t| format!(" ({})", team_name(scenario, t)))
        .unwrap_or_default();
    format!("{} — {kind}{who}: {}", duration(note.at_s), note.text)
}

pub(super) fn discussion_part(report: &Report, scenario: &Scenario) -> Option<DiscussionPart> {
    let modules = report.modules.as_ref()?;
    let parts = modules
        .iter()
        .enumerate()
        .map(|(n, module)| {
            let narrative = scenario.modules.get(n).map_or("", |m| m.narrative.as_str());
            let questions = module
                .questions
                .iter()
                .map(|q| {
                    let objective = q
                        .objective
                        .as_deref()
                        .map(|o| format!(" (objective: {})", objective_name(scenario, o)))
                        .unwrap_or_default();
                    let details =
                        q.to.iter()
                            .map(|team| {
                                let name = team_name(scenario, team);
                                match q.answers.iter().find(|a| a.team == *team) {
                                    Some(a) => format!("{name} ({}): {}", duration(a.at_s), a.text),
                                    None => format!("{name}: no answer"),
                                }
                            })
                            .collect();
                    Item {
                        text: format!("{}{objective}", q.text),
                        details,
                        replies: Vec::new(),
                    }
                })
                .collect();
            let until = modules.get(n + 1).map(|m| m.from_s);
            let begins = match module.from_s {
                0 => "from the start".to_string(),
                from => format!("from {}", duration(from)),
            };
            ModulePart {
                heading: format!("{} ({begins})", module.title),
                lead: narrative.lines().next().unwrap_or_default().to_string(),
                questions,
                observations: observations(report, scenario, module.from_s, until),
            }
        })
        .collect();
    let points = report.hot_wash.as_deref().unwrap_or_default();
    let hot_wash = scenario
        .objectives
        .iter()
        .filter_map(|o| {
            let said = |kind: NoteKind| -> Vec<String> {
                points
                    .iter()
                    .filter(|p| p.objective == o.id && p.kind == kind)
                    .map(|p| p.text.clone())
                    .collect()
            };
            let (strengths, improvements) = (said(NoteKind::Strength), said(NoteKind::Improvement));
            (!strengths.is_empty() || !improvements.is_empty()).then(|| HotWashPart {
                objective: o.name.clone(),
                strengths,
                improvements,
            })
        })
        .collect();
    Some(DiscussionPart {
        modules: parts,
        hot_wash,
    })
}

pub(super) fn feedback_part(report: &Report) -> Option<FeedbackPart> {
    let feedback = report.feedback.as_ref()?;
    let counts: Vec<[usize; 5]> = (0..feedback.statements.len())
        .map(|n| feedback.counts(n))
        .collect();
    let rows = feedback
        .statements
        .iter()
        .zip(&counts)
        .map(|(statement, counts)| {
            vec![
                statement.clone(),
                counts.iter().sum::<usize>().to_string(),
                mean(counts),
                distribution(counts),
            ]
        })
        .collect();
    let all = |pick: fn(&Feedback) -> Vec<String>| -> Vec<String> {
        feedback.forms.iter().flat_map(pick).collect()
    };
    let summary = match feedback.forms.len() {
        0 => "No feedback form was submitted.".to_string(),
        n => format!(
            "{n} form{} submitted, with no names; each statement rated from 1 (strongly disagree) \
             to 5 (strongly agree).",
            if n == 1 { " was" } else { "s were" }
        ),
    };
    Some(FeedbackPart {
        summary,
        table: Table {
            head: [
                "Statement",
                "Answers",
                "Mean",
                "Distribution (1 strongly disagree … 5 strongly agree)",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows,
        },
        counts,
        strengths: all(|f| f.strengths.clone()),
        improvements: all(|f| f.improvements.clone()),
        comments: all(|f| f.comments.clone().into_iter().collect()),
    })
}

/// A statement's distribution as a small stacked bar, 1 (red) to 5 (green), its counts in a
/// title for screen readers and hover.
pub(super) fn distribution_svg(counts: &[usize; 5]) -> String {
    const WIDTH: f64 = 160.0;
    const COLOURS: [&str; 5] = ["#c62828", "#ef8a62", "#bdbdbd", "#91cf60", "#2e8b3a"];
    let total: usize = counts.iter().sum();
    let title = counts
        .iter()
        .enumerate()
        .map(|(n, c)| format!("{}: {c}", n + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let mut svg = format!(
        "<svg class=\"bar\" viewBox=\"0 0 {WIDTH} 14\" width=\"{WIDTH}\" height=\"14\" \
         style=\"display:block;max-width:100%\" role=\"img\"><title>{title}</title>"
    );
    if total == 0 {
        svg.push_str("<rect x=\"0\" y=\"0\" width=\"160\" height=\"14\" fill=\"#eee\"/>");
    }
    let mut x = 0.0;
    for (count, colour) in counts.iter().zip(COLOURS) {
        if *count == 0 {
            continue;
        }
        let width = WIDTH * *count as f64 / total as f64;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"0\" width=\"{width:.1}\" height=\"14\" fill=\"{colour}\"/>"
        ));
        x += width;
    }
    svg.push_str("</svg>");
    svg
}
