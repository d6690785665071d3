//! The discussion's records (discussion.md): the teams' answers to the modules' questions and
//! the Participant Feedback Forms. Neither is scored nor reaches the engine's judgement: like a
//! rating, each is a journal line checked against the exercise and kept in the debrief.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::Exercise;
use crate::ron_file::list_names;
use crate::scenario::{QuestionIx, Scenario, Secs, format_secs};

/// The longest answer, strength, improvement or comment kept, in characters: what a seat's
/// text area holds.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Part 2 of HSEEP's form asks for the three most important strengths, and areas for
/// improvement.
pub const MAX_POINTS: usize = 3;

/// One version of a team's answer to a discussion question; the last version is the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub team: String,
    pub question: String,
    pub text: String,
}

/// An answer as given: its text and the scenario time (and wall-clock time) it was given at.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenAnswer {
    pub answer: Answer,
    pub at: Secs,
    pub at_wall: Option<OffsetDateTime>,
}

/// Who filled a feedback form, by seat: the form is anonymous, as HSEEP's is, so it carries the
/// seat's role and team and never the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackRole {
    Team,
    Facilitator,
    Observer,
    Evaluator,
}

impl FeedbackRole {
    pub fn word(self) -> &'static str {
        match self {
            FeedbackRole::Team => "team",
            FeedbackRole::Facilitator => "facilitator",
            FeedbackRole::Observer => "observer",
            FeedbackRole::Evaluator => "evaluator",
        }
    }
}

/// What a person writes on the Participant Feedback Form: a rating of each statement from 1
/// (strongly disagree) to 5 (strongly agree) or none, up to three strengths and three areas for
/// improvement, and comments. The seat adds who it is (`Feedback`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedbackForm {
    /// One per statement of the scenario's form (`Scenario::feedback`), in its order.
    pub ratings: Vec<Option<u8>>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub comments: Option<String>,
}

/// A submitted feedback form, as the journal records it (`feedback`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// The seat's team, for a team seat.
    pub team: Option<String>,
    pub role: FeedbackRole,
    pub ratings: Vec<Option<u8>>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub comments: Option<String>,
}

impl Feedback {
    /// The form as a seat submits it: blank points and comments dropped, texts trimmed.
    pub fn of(form: FeedbackForm, team: Option<String>, role: FeedbackRole) -> Feedback {
        let points = |list: Vec<String>| -> Vec<String> {
            list.into_iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        };
        Feedback {
            team,
            role,
            ratings: form.ratings,
            strengths: points(form.strengths),
            improvements: points(form.improvements),
            comments: form
                .comments
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
        }
    }

    fn is_empty(&self) -> bool {
        self.ratings.iter().all(Option::is_none)
            && self.strengths.is_empty()
            && self.improvements.is_empty()
            && self.comments.is_none()
    }
}

/// A text a person wrote: not longer than a seat's text area holds.
fn check_length(what: &str, text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(format!(
            "{what} is {chars} characters long, at most {MAX_TEXT_CHARS}"
        ));
    }
    Ok(())
}

/// An answer given at scenario time `at`: to a known question, by a team it is addressed to,
/// with some text, while the question's module is current and the exercise has not ended, and
/// not earlier than the exercise's time. Returns the question.
pub fn check_answer(exercise: &Exercise, answer: &Answer, at: Secs) -> Result<QuestionIx, String> {
    let scenario = exercise.scenario();
    let question = scenario.question_ix(&answer.question).ok_or_else(|| {
        let known = scenario
            .modules
            .iter()
            .flat_map(|m| &m.questions)
            .map(|q| q.id.as_str());
        format!(
            "unknown question `{}` (questions: {})",
            answer.question,
            list_names(known)
        )
    })?;
    let team = scenario.team_ix(&answer.team).ok_or_else(|| {
        format!(
            "unknown team `{}` (teams: {})",
            answer.team,
            list_names(scenario.teams.iter().map(|t| t.id.as_str()))
        )
    })?;
    let asked = scenario.question(question);
    if !asked.is_for(team) {
        return Err(format!(
            "question `{}` is not addressed to team `{}` (it is for: {})",
            asked.id,
            answer.team,
            list_names(asked.to.iter().map(|t| scenario.team(*t).id.as_str()))
        ));
    }
    if answer.text.trim().is_empty() {
        return Err(format!(
            "an answer to question `{}` needs some text",
            asked.id
        ));
    }
    check_length("the answer", &answer.text)?;
    if exercise.ended_at().is_some() {
        return Err(
            "the exercise has ended: questions are answered while their module is current".into(),
        );
    }
    if at < exercise.now() {
        return Err(format!(
            "an answer at {}, earlier than the exercise's time there ({})",
            format_secs(at),
            format_secs(exercise.now())
        ));
    }
    check_current(scenario, question, at)?;
    Ok(question)
}

/// The question's module is the one current at `at`.
fn check_current(scenario: &Scenario, question: QuestionIx, at: Secs) -> Result<(), String> {
    let module = scenario.module(question.module);
    match scenario.module_at(at) {
        Some(current) if current == question.module => Ok(()),
        Some(current) if current > question.module => {
            let now = scenario.module(current);
            Err(format!(
                "module `{}` is over (`{}` began at {}): an answer is given, or revised, only \
                 while its module is current",
                module.id,
                now.id,
                format_secs(now.from)
            ))
        }
        _ => Err(format!(
            "module `{}` is not yet current at {}: it begins at {}",
            module.id,
            format_secs(at),
            format_secs(module.from)
        )),
    }
}

/// A feedback form: after the end, from a known team (and only a team seat names one), a rating
/// from 1 to 5 or none for each of the form's statements, at most three strengths and three
/// areas for improvement, none blank, and not empty altogether (a person may skip the form).
pub fn check_feedback(exercise: &Exercise, form: &Feedback) -> Result<(), String> {
    let scenario = exercise.scenario();
    if exercise.ended_at().is_none() {
        return Err("the feedback form is filled in once the exercise has ended".into());
    }
    match (&form.team, form.role) {
        (Some(team), FeedbackRole::Team) => {
            if scenario.team_ix(team).is_none() {
                return Err(format!("unknown team `{team}`"));
            }
        }
        (None, FeedbackRole::Team) => return Err("a team seat's form names its team".into()),
        (Some(team), role) => {
            return Err(format!(
                "a form from the {} names team `{team}`: only a team seat's form names a team",
                role.word()
            ));
        }
        (None, _) => {}
    }
    let statements = scenario.feedback.len();
    if form.ratings.len() != statements {
        return Err(format!(
            "the form rates {} statements; the scenario's form has {statements}",
            form.ratings.len()
        ));
    }
    if let Some((n, rating)) = form
        .ratings
        .iter()
        .enumerate()
        .find_map(|(n, r)| r.filter(|r| !(1..=5).contains(r)).map(|r| (n, r)))
    {
        return Err(format!(
            "statement {} is rated {rating}: a rating is 1 (strongly disagree) to 5 (strongly \
             agree)",
            n + 1
        ));
    }
    for (what, points) in [
        ("strengths", &form.strengths),
        ("areas for improvement", &form.improvements),
    ] {
        if points.len() > MAX_POINTS {
            return Err(format!(
                "{} {what}: the form asks for the {MAX_POINTS} most important",
                points.len()
            ));
        }
        if points.iter().any(|p| p.trim().is_empty()) {
            return Err(format!("one of the {what} is blank"));
        }
        for point in points {
            check_length(&format!("one of the {what}"), point)?;
        }
    }
    if let Some(comments) = &form.comments {
        check_length("the comments", comments)?;
    }
    if form.is_empty() {
        return Err("the form is empty: rate a statement or write something, or skip it".into());
    }
    Ok(())
}
