//! The debrief (HSEEP's hot wash): what evaluators write after, or during, the exercise —
//! ratings with their analyses, the executive summary, and edits of the improvement plan —, the
//! discussion's answers and feedback forms (`discussion`), and the wall-clock dates and seat
//! lines the journal recorded. Each is a journal event; replaying
//! them in order rebuilds this record, which never changes what happened in the exercise.
//!
//! The journal writes and reads these records and the report presents them; this module knows
//! neither. What it checks an entry against is the exercise and ttx's own evaluation of it
//! (`evaluation`).

mod discussion;
pub mod evaluation;
mod event;
mod seats;
mod wall;

use time::OffsetDateTime;

use crate::engine::Exercise;
use crate::scenario::Secs;
use evaluation::{draft_plan, suggest};

pub use discussion::{
    Answer, Feedback, FeedbackForm, FeedbackRole, GivenAnswer, MAX_POINTS, MAX_TEXT_CHARS,
    check_answer, check_feedback,
};

pub use event::{
    CAPABILITY_ELEMENT_GUIDANCE, CAPABILITY_ELEMENTS, DebriefEvent, ExerciseFact, FactEntered,
    MAX_FACT_CHARS, PlanAdded, PlanDropped, PlanEdited, PlanField, Rated, Summary,
    capability_elements_explained,
};
pub use seats::{
    Connection, MAX_USER_CHARS, SeatChange, SeatEvent, SeatRecord, connections,
    lost_with_the_server, person_name, seat_user,
};
pub use wall::{format_wall, parse_wall};

/// A rating as given, with when (wall clock) it was given.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenRating {
    pub rated: Rated,
    pub at_wall: Option<OffsetDateTime>,
}

/// Everything written in the debrief so far, the journal's wall-clock dates, and its seat
/// lines (who joined a served exercise).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Debrief {
    /// When the exercise really started and ended; `None` for a journal that did not record
    /// it (format 1 and 2, a scripted run).
    pub started_wall: Option<OffsetDateTime>,
    pub ended_wall: Option<OffsetDateTime>,
    /// Every rating in the order given; the last one for an objective and team is final.
    pub ratings: Vec<GivenRating>,
    pub executive_summary: Option<String>,
    pub added: Vec<PlanAdded>,
    /// Every edit in order; the last one of an item's field wins.
    pub edits: Vec<PlanEdited>,
    pub dropped: Vec<String>,
    /// Every join, departure and refusal of `ttx serve`, in order (format 4).
    pub seats: Vec<SeatRecord>,
    /// The wall-clock time of each observation, in the order of `Exercise::notes` (`None`
    /// where the journal has none): the hot wash's points are dated by it.
    pub note_walls: Vec<Option<OffsetDateTime>>,
    /// Every version of every answer, in the order given (format 6); the last of a team and
    /// question is its answer.
    pub answers: Vec<GivenAnswer>,
    /// Every Participant Feedback Form submitted, in order (format 6).
    pub forms: Vec<Feedback>,
    /// Every fact about the exercise entered, in order; the last of a fact wins.
    pub facts: Vec<FactEntered>,
}

impl Debrief {
    /// Applies one event written at the exercise's time (`apply_at`).
    pub fn apply(
        &mut self,
        exercise: &Exercise,
        event: DebriefEvent,
        at_wall: Option<OffsetDateTime>,
    ) -> Result<(), String> {
        self.apply_at(exercise, event, exercise.now(), at_wall)
    }

    /// Applies one event, written at scenario time `at`, after checking it against the
    /// exercise: known objective, team and item ids, a reason for a rating that differs from the
    /// suggestion, a capability element of HSEEP's five; an answer to a question of the module
    /// current at `at`, a feedback form after the end (`discussion`). A refused event changes
    /// nothing.
    pub fn apply_at(
        &mut self,
        exercise: &Exercise,
        event: DebriefEvent,
        at: Secs,
        at_wall: Option<OffsetDateTime>,
    ) -> Result<(), String> {
        if exercise.is_final() {
            return Err("the report is final: nothing more is rated, summarised or planned".into());
        }
        let scenario = exercise.scenario();
        let known_team = |team: &Option<String>| match team {
            Some(id) if scenario.team_ix(id).is_none() => Err(format!("unknown team `{id}`")),
            _ => Ok(()),
        };
        match event {
            DebriefEvent::Rated(rated) => {
                let objective = scenario
                    .objective_ix(&rated.objective)
                    .ok_or_else(|| format!("unknown objective `{}`", rated.objective))?;
                known_team(&rated.team)?;
                let team = rated.team.as_deref().and_then(|id| scenario.team_ix(id));
                let suggested = suggest(exercise, objective, team).map(|s| s.rating);
                let has_reason = rated
                    .reason
                    .as_deref()
                    .is_some_and(|r| !r.trim().is_empty());
                if let Some(suggested) = suggested
                    && suggested != rated.rating
                    && !has_reason
                {
                    return Err(format!(
                        "rating {} differs from the suggested {}: give a reason",
                        rated.rating.code(),
                        suggested.code()
                    ));
                }
                self.ratings.push(GivenRating { rated, at_wall });
            }
            DebriefEvent::Summary(summary) => {
                self.executive_summary = Some(summary.text).filter(|text| !text.trim().is_empty());
            }
            DebriefEvent::PlanAdded(added) => {
                if let Some(id) = &added.objective
                    && scenario.objective_ix(id).is_none()
                {
                    return Err(format!("unknown objective `{id}`"));
                }
                known_team(&added.team)?;
                if added.issue.trim().is_empty() {
                    return Err("an added improvement item needs its issue".into());
                }
                if self.item_exists(exercise, &added.item) {
                    return Err(format!("improvement item `{}` already exists", added.item));
                }
                self.added.push(added);
            }
            DebriefEvent::PlanEdited(edit) => {
                if !self.item_exists(exercise, &edit.item) {
                    return Err(format!("no improvement item `{}`", edit.item));
                }
                let mut edit = edit;
                if edit.field == PlanField::CapabilityElement && !edit.value.trim().is_empty() {
                    let element = CAPABILITY_ELEMENTS
                        .iter()
                        .find(|e| e.eq_ignore_ascii_case(edit.value.trim()))
                        .ok_or_else(|| {
                            format!(
                                "capability element `{}` is not one of HSEEP's five:\n{}",
                                edit.value,
                                capability_elements_explained()
                            )
                        })?;
                    edit.value = (*element).to_string();
                }
                self.edits.push(edit);
            }
            DebriefEvent::PlanDropped(drop) => {
                if !self.item_exists(exercise, &drop.item) {
                    return Err(format!("no improvement item `{}`", drop.item));
                }
                self.dropped.push(drop.item);
            }
            DebriefEvent::Answer(answer) => {
                check_answer(exercise, &answer, at)?;
                self.answers.push(GivenAnswer {
                    answer,
                    at,
                    at_wall,
                });
            }
            DebriefEvent::Feedback(form) => {
                check_feedback(exercise, &form)?;
                self.forms.push(form);
            }
            DebriefEvent::Fact(entered) => {
                check_fact(&entered)?;
                self.facts.push(entered);
            }
        }
        Ok(())
    }

    /// A fact about the exercise as entered in the debrief, if it was and not taken back.
    pub fn fact(&self, fact: ExerciseFact) -> Option<&str> {
        self.facts
            .iter()
            .rev()
            .find(|f| f.fact == fact)
            .map(|f| f.value.trim())
            .filter(|v| !v.is_empty())
    }

    /// Records an event: checks it against the exercise and what was written so far (and its
    /// dates, see `check_entry`), has `write` put it durably in the journal (it returns the
    /// wall-clock time it stamped), and only then keeps it. The one way a debrief event is
    /// written, from the CLI or the after-action screen; a refusal or a failed write changes
    /// nothing.
    /// Whether `events`, recorded in turn, would all be kept: the check made before writing
    /// an entry of several events, so that a refused one writes none of them.
    pub fn check_all(&self, exercise: &Exercise, events: &[DebriefEvent]) -> Result<(), String> {
        let mut next = self.clone();
        for event in events {
            check_entry(event)?;
            next.apply(exercise, event.clone(), None)?;
        }
        Ok(())
    }

    pub fn record(
        &mut self,
        exercise: &Exercise,
        event: DebriefEvent,
        write: impl FnOnce(&DebriefEvent) -> Result<Option<OffsetDateTime>, String>,
    ) -> Result<(), String> {
        check_entry(&event)?;
        let mut next = self.clone();
        next.apply(exercise, event.clone(), None)?;
        let wall = write(&event)?;
        match event {
            DebriefEvent::Rated(_) => {
                if let Some(given) = next.ratings.last_mut() {
                    given.at_wall = wall;
                }
            }
            DebriefEvent::Answer(_) => {
                if let Some(given) = next.answers.last_mut() {
                    given.at_wall = wall;
                }
            }
            _ => {}
        }
        *self = next;
        Ok(())
    }

    /// Whether an item (drafted or added, and not dropped) has this id.
    pub fn item_exists(&self, exercise: &Exercise, id: &str) -> bool {
        !self.dropped.iter().any(|d| d == id)
            && (self.added.iter().any(|a| a.item == id)
                || draft_plan(exercise).iter().any(|d| d.id == id))
    }

    /// The id for the next item added by hand.
    pub fn next_added_id(&self) -> String {
        format!("added-{}", self.added.len() + 1)
    }

    /// The final rating of an objective for a team (or jointly).
    pub fn rating_of(&self, objective: &str, team: Option<&str>) -> Option<&GivenRating> {
        self.ratings
            .iter()
            .rev()
            .find(|g| g.rated.objective == objective && g.rated.team.as_deref() == team)
    }

    /// A team's answer to a question: the last version it gave, if any.
    pub fn answer(&self, team: &str, question: &str) -> Option<&GivenAnswer> {
        self.answers
            .iter()
            .rev()
            .find(|g| g.answer.team == team && g.answer.question == question)
    }

    /// The value a field of an item was last given, if edited; `Some("")` when cleared.
    pub fn edited(&self, item: &str, field: PlanField) -> Option<&str> {
        self.edits
            .iter()
            .rev()
            .find(|e| e.item == item && e.field == field)
            .map(|e| e.value.as_str())
    }
}

/// What a person may write but the replay does not re-check (a journal written before the check
/// still reads): a start or completion date is a calendar date, `YYYY-MM-DD`, or empty.
pub fn check_entry(event: &DebriefEvent) -> Result<(), String> {
    if let DebriefEvent::PlanEdited(edit) = event
        && matches!(edit.field, PlanField::Start | PlanField::Completion)
    {
        check_date(edit.field, &edit.value)?;
    }
    Ok(())
}

/// A fact is a line of the report's cover: no line break or other control character, at most
/// `MAX_FACT_CHARS` characters.
fn check_fact(entered: &FactEntered) -> Result<(), String> {
    let what = entered.fact.label().to_lowercase();
    if entered.value.chars().any(char::is_control) {
        return Err(format!(
            "the {what} is one line: no line break or other control character"
        ));
    }
    let chars = entered.value.chars().count();
    if chars > MAX_FACT_CHARS {
        return Err(format!(
            "the {what} is {chars} characters long, at most {MAX_FACT_CHARS}"
        ));
    }
    Ok(())
}

/// A plan date: empty (cleared) or a real calendar date written `YYYY-MM-DD`.
pub fn check_date(field: PlanField, value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format).map(|_| ()).map_err(|_| {
        format!(
            "{} `{value}` is not a date: write YYYY-MM-DD, e.g. 2027-03-31",
            field.label().to_lowercase()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::played;
    use evaluation::Rating;

    fn rated(
        objective: &str,
        team: Option<&str>,
        rating: Rating,
        reason: Option<&str>,
    ) -> DebriefEvent {
        DebriefEvent::Rated(Rated {
            objective: objective.into(),
            team: team.map(Into::into),
            rating,
            reason: reason.map(Into::into),
            analysis: None,
            by: Some("facilitator".into()),
        })
    }

    #[test]
    fn a_rating_other_than_the_suggestion_needs_a_reason() {
        let exercise = played();
        let mut debrief = Debrief::default();
        let suggested = suggest(
            &exercise,
            exercise.scenario().objective_ix("contain").unwrap(),
            None,
        )
        .unwrap()
        .rating;
        let other = if suggested == Rating::U {
            Rating::M
        } else {
            Rating::U
        };
        let error = debrief
            .apply(&exercise, rated("contain", None, other, Some("  ")), None)
            .unwrap_err();
        assert!(error.contains("give a reason"), "{error}");
        assert!(debrief.ratings.is_empty());
        debrief
            .apply(&exercise, rated("contain", None, suggested, None), None)
            .unwrap();
        debrief
            .apply(
                &exercise,
                rated("contain", None, other, Some("Slow in practice")),
                None,
            )
            .unwrap();
        assert_eq!(
            debrief.rating_of("contain", None).unwrap().rated.rating,
            other
        );
    }

    #[test]
    fn unknown_ids_and_elements_are_refused() {
        let exercise = played();
        let mut debrief = Debrief::default();
        let cases = [
            rated("nope", None, Rating::P, None),
            rated("contain", Some("nobody"), Rating::P, Some("x")),
            DebriefEvent::PlanEdited(PlanEdited {
                item: "nothing".into(),
                field: PlanField::Poc,
                value: "x".into(),
            }),
            DebriefEvent::PlanEdited(PlanEdited {
                item: "note-1".into(),
                field: PlanField::CapabilityElement,
                value: "Luck".into(),
            }),
            DebriefEvent::PlanDropped(PlanDropped {
                item: "added-1".into(),
            }),
        ];
        for event in cases {
            assert!(
                debrief.apply(&exercise, event.clone(), None).is_err(),
                "{event:?}"
            );
        }
        assert_eq!(debrief, Debrief::default());
    }

    fn fact(fact: ExerciseFact, value: &str) -> DebriefEvent {
        DebriefEvent::Fact(FactEntered {
            fact,
            value: value.into(),
        })
    }

    #[test]
    fn the_last_fact_entered_wins_and_an_empty_one_takes_it_back() {
        let exercise = played();
        let mut debrief = Debrief::default();
        for (kind, value) in [
            (ExerciseFact::Sponsor, "Ministry of Justice"),
            (ExerciseFact::Dates, "11 March 2027"),
            (ExerciseFact::Sponsor, "  Ministry of the Interior "),
            (ExerciseFact::Dates, " "),
        ] {
            debrief.apply(&exercise, fact(kind, value), None).unwrap();
        }
        assert_eq!(
            debrief.fact(ExerciseFact::Sponsor),
            Some("Ministry of the Interior")
        );
        assert_eq!(debrief.fact(ExerciseFact::Dates), None);
        assert_eq!(debrief.fact(ExerciseFact::Handling), None);
    }

    #[test]
    fn a_fact_is_one_line_of_bounded_length() {
        let exercise = played();
        let mut debrief = Debrief::default();
        let long = "x".repeat(MAX_FACT_CHARS + 1);
        let cases = [
            ("TLP:AMBER\nTLP:RED", "the handling marking is one line"),
            (
                long.as_str(),
                "the handling marking is 301 characters long, at most 300",
            ),
        ];
        for (value, said) in cases {
            let error = debrief
                .apply(&exercise, fact(ExerciseFact::Handling, value), None)
                .unwrap_err();
            assert!(error.starts_with(said), "{error}");
        }
        assert_eq!(debrief, Debrief::default());
    }

    #[test]
    fn a_capability_element_not_of_the_five_is_refused_with_the_five_explained() {
        let exercise = played();
        let error = Debrief::default()
            .apply(
                &exercise,
                DebriefEvent::PlanEdited(PlanEdited {
                    item: "note-1".into(),
                    field: PlanField::CapabilityElement,
                    value: "Luck".into(),
                }),
                None,
            )
            .unwrap_err();
        assert!(
            error.starts_with("capability element `Luck` is not one of HSEEP's five:\n"),
            "{error}"
        );
        for (element, guidance) in CAPABILITY_ELEMENTS.iter().zip(CAPABILITY_ELEMENT_GUIDANCE) {
            assert!(
                error.contains(&format!("{element:<12} {guidance}")),
                "{error}"
            );
        }
    }

    #[test]
    fn a_plan_date_is_a_real_calendar_date() {
        assert_eq!(check_date(PlanField::Start, "2024-02-29"), Ok(()));
        assert_eq!(check_date(PlanField::Completion, "  "), Ok(()));
        for impossible in [
            "2024-02-30",
            "2023-02-29",
            "2027-04-31",
            "2027-13-01",
            "2027-3-31",
            "31/03/2027",
        ] {
            assert_eq!(
                check_date(PlanField::Start, impossible),
                Err(format!(
                    "start date `{impossible}` is not a date: write YYYY-MM-DD, e.g. 2027-03-31"
                ))
            );
        }
    }
}
