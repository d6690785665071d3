//! The debrief as seats write it: ratings, the summary, the improvement plan, and the
//! discussion (answers, the hot wash, the feedback form), each checked and in the journal before
//! it is kept; and the teams' view of the report.

use super::{Refused, Session};
use crate::debrief::{
    Answer, DebriefEvent, ExerciseFact, FactEntered, Feedback, FeedbackForm, FeedbackRole,
    PlanEdited, PlanField,
};
use crate::engine::{Command, NoteKind};
use crate::role::{Request, Role};
use crate::scenario::{ModuleIx, ObjectiveIx, QuestionIx, Scenario, TeamIx};
use crate::text::capitalise;

impl Session {
    /// Lets the teams see the after-action report (their own results) from now on.
    pub fn release_report(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::ReleaseReport)?;
        if self.report_released {
            return Err(Refused::ReportAlreadyReleased);
        }
        self.report_released = true;
        self.version += 1;
        Ok("The teams now see their results.".into())
    }

    /// Records a debrief event through the one path the CLI uses too (`Debrief::record`): it is
    /// checked, in the journal (fsync) and only then kept and shown. Refused while the journal
    /// is in error, so that nothing is written out of order.
    pub fn write_debrief(&mut self, role: Role, event: DebriefEvent) -> Result<String, Refused> {
        Self::allow(role, debrief_request(self.exercise.scenario(), &event)?)?;
        if let DebriefEvent::Feedback(form) = &event
            && (form.team.as_deref(), form.role) != self.feedback_identity(role)
        {
            return Err(Refused::Debrief(
                "a feedback form is submitted as the seat that fills it in".into(),
            ));
        }
        if let Some(error) = &self.record_error {
            return Err(error.clone().into());
        }
        let said = self.say_debrief(&event);
        let recorder = &mut self.recorder;
        let exercise = &self.exercise;
        self.debrief
            .record(exercise, event, |event| {
                recorder
                    .record_debrief(exercise, event)
                    .map_err(|error| error.to_string())
            })
            .map_err(Refused::Debrief)?;
        self.version += 1;
        self.log.push((self.exercise.now(), said.clone()));
        self.note_signing();
        Ok(format!("{}.", capitalise(&said)))
    }

    /// A team's answer to a discussion question of the current module, at the clock's time; a
    /// later answer to the same question revises it (every version is journaled). Refused for
    /// a team the question is not addressed to, blank text, a module not current, or after the
    /// end.
    pub fn answer(
        &mut self,
        role: Role,
        team: TeamIx,
        question: QuestionIx,
        text: String,
    ) -> Result<String, Refused> {
        Self::allow(role, Request::Answer(team))?;
        self.refuse_if_ended()?;
        // The answer is given at the time the room sees: the engine is brought there first.
        self.advance();
        let scenario = self.exercise.scenario();
        let question_id = scenario.question(question).id.clone();
        let revised = self
            .debrief
            .answer(&scenario.team(team).id, &question_id)
            .is_some();
        let event = DebriefEvent::Answer(Answer {
            team: scenario.team(team).id.clone(),
            question: question_id.clone(),
            text,
        });
        self.write_debrief(role, event)?;
        Ok(match revised {
            true => format!("Answer to {question_id} revised."),
            false => format!("Answer to {question_id} saved."),
        })
    }

    /// A Participant Feedback Form from a seat of `role`, after the end: anonymous, it carries
    /// the seat's team and role, not its user. Every served seat and the console may submit
    /// one (several people may share a seat: each form is kept).
    pub fn submit_feedback(&mut self, role: Role, form: FeedbackForm) -> Result<String, Refused> {
        Self::allow(role, Request::Feedback)?;
        let (team, seat) = self.feedback_identity(role);
        let feedback = Feedback::of(form, team.map(str::to_string), seat);
        self.write_debrief(role, DebriefEvent::Feedback(feedback))?;
        Ok("Thank you: your feedback is recorded.".into())
    }

    /// A point of the hot wash about an objective, after the end (a strength or an area for
    /// improvement said in the room); an improvement joins the draft improvement plan.
    pub fn hot_wash(
        &mut self,
        role: Role,
        objective: ObjectiveIx,
        kind: NoteKind,
        text: String,
    ) -> Result<String, Refused> {
        self.exec(
            role,
            Command::HotWash {
                objective,
                kind,
                text,
            },
        )?;
        Ok("Hot-wash point saved.".into())
    }

    /// The module current at the exercise's time, if any.
    pub fn current_module(&self) -> Option<ModuleIx> {
        self.exercise.scenario().module_at(self.exercise.now())
    }

    /// The team and role a feedback form from a seat of `role` carries.
    fn feedback_identity(&self, role: Role) -> (Option<&str>, FeedbackRole) {
        match role {
            Role::Team(team) => (
                Some(self.exercise.scenario().team(team).id.as_str()),
                FeedbackRole::Team,
            ),
            Role::Local | Role::Facilitator => (None, FeedbackRole::Facilitator),
            Role::Observer => (None, FeedbackRole::Observer),
            Role::Evaluator => (None, FeedbackRole::Evaluator),
        }
    }

    /// Sets the changed fields of an improvement-plan item, one event each, after checking
    /// every value first, so a bad date writes nothing.
    pub fn edit_plan_item(
        &mut self,
        role: Role,
        item: &str,
        changes: Vec<(PlanField, String)>,
    ) -> Result<String, Refused> {
        Self::allow(role, Request::Plan)?;
        let events: Vec<DebriefEvent> = changes
            .iter()
            .map(|(field, value)| {
                DebriefEvent::PlanEdited(PlanEdited {
                    item: item.to_string(),
                    field: *field,
                    value: value.clone(),
                })
            })
            .collect();
        self.debrief
            .check_all(&self.exercise, &events)
            .map_err(Refused::Debrief)?;
        if changes.is_empty() {
            return Ok("Nothing changed.".into());
        }
        let count = changes.len();
        for (field, value) in changes {
            self.write_debrief(
                role,
                DebriefEvent::PlanEdited(PlanEdited {
                    item: item.to_string(),
                    field,
                    value,
                }),
            )?;
        }
        Ok(format!(
            "Improvement item {item}: {count} field{} saved.",
            if count == 1 { "" } else { "s" }
        ))
    }

    /// Enters the exercise's facts that changed, one event each (an empty value gives the
    /// scenario's back), after checking every one first, so a bad value writes none.
    pub fn enter_facts(
        &mut self,
        role: Role,
        changes: Vec<(ExerciseFact, String)>,
    ) -> Result<String, Refused> {
        if changes.is_empty() {
            return Ok("Nothing changed.".into());
        }
        let count = changes.len();
        let events: Vec<DebriefEvent> = changes
            .into_iter()
            .map(|(fact, value)| DebriefEvent::Fact(FactEntered { fact, value }))
            .collect();
        self.debrief
            .check_all(&self.exercise, &events)
            .map_err(Refused::Debrief)?;
        for event in events {
            self.write_debrief(role, event)?;
        }
        Ok(format!(
            "The exercise's facts: {count} saved for the report's cover."
        ))
    }
}

/// What asking for a debrief event is; an answer for a team the scenario does not have is
/// refused here, as no seat may answer for it.
fn debrief_request(scenario: &Scenario, event: &DebriefEvent) -> Result<Request, Refused> {
    Ok(match event {
        DebriefEvent::Rated(_) => Request::Rate,
        DebriefEvent::Summary(_) | DebriefEvent::Fact(_) => Request::Summarise,
        DebriefEvent::PlanAdded(_) | DebriefEvent::PlanEdited(_) | DebriefEvent::PlanDropped(_) => {
            Request::Plan
        }
        DebriefEvent::Answer(answer) => match scenario.team_ix(&answer.team) {
            Some(team) => Request::Answer(team),
            None => return Err(Refused::Debrief(format!("unknown team `{}`", answer.team))),
        },
        DebriefEvent::Feedback(_) => Request::Feedback,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::testing::{MemoryRecorder, discussion, session_of};
    use super::super::{Refused, Session};
    use crate::debrief::{DebriefEvent, FeedbackForm, FeedbackRole};
    use crate::engine::{NoteKind, Refusal};
    use crate::role::Role;
    use crate::scenario::{ObjectiveIx, QuestionIx, TeamIx};

    const SOC: TeamIx = TeamIx(0);
    const CERT: TeamIx = TeamIx(1);

    fn question(session: &Session, id: &str) -> QuestionIx {
        session.exercise().scenario().question_ix(id).unwrap()
    }

    fn refusal(result: Result<String, Refused>) -> String {
        result.unwrap_err().to_string()
    }

    /// A team answers the questions addressed to it while their module is current, revising
    /// as it likes: every version is journaled, the last is the answer; nothing else is taken.
    #[test]
    fn answers_are_revised_while_their_module_is_current() {
        let recorder = MemoryRecorder::default();
        let mut session = session_of(discussion(), &recorder);
        session.start_pause(Role::Local).unwrap();
        session.set_wall(Duration::from_secs(600));
        let first_need = question(&session, "first-need");
        assert_eq!(session.current_module().map(|m| m.0), Some(0));
        assert_eq!(
            session.answer(Role::Team(SOC), SOC, first_need, "Their logs".into()),
            Ok("Answer to first-need saved.".into())
        );
        // The answer is given at the clock's time, not the engine's last event's.
        assert_eq!(session.debrief().answers[0].at, 600);
        assert_eq!(
            session.answer(
                Role::Team(SOC),
                SOC,
                first_need,
                "Their logs, then a call".into()
            ),
            Ok("Answer to first-need revised.".into())
        );
        let given = session.debrief().answer("soc", "first-need").unwrap();
        assert_eq!(given.answer.text, "Their logs, then a call");
        let journaled = recorder.debrief.lock().unwrap().clone();
        assert_eq!(journaled.len(), 2);
        assert!(
            journaled
                .iter()
                .all(|e| matches!(e, DebriefEvent::Answer(a) if a.team == "soc"))
        );

        let who_tells = question(&session, "who-tells");
        assert_eq!(
            refusal(session.answer(Role::Team(CERT), CERT, who_tells, "We do".into())),
            "Question `who-tells` is not addressed to team `cert` (it is for: soc)"
        );
        assert_eq!(
            refusal(session.answer(Role::Team(CERT), SOC, who_tells, "We do".into())),
            Role::Team(CERT).refusal()
        );
        assert_eq!(
            refusal(session.answer(Role::Team(SOC), SOC, who_tells, "  ".into())),
            "An answer to question `who-tells` needs some text"
        );
        let lessons = question(&session, "lessons");
        assert_eq!(
            refusal(session.answer(Role::Team(SOC), SOC, lessons, "More drills".into())),
            "Module `recover` is not yet current at 10m: it begins at 1h"
        );

        session.set_wall(Duration::from_secs(3600));
        assert_eq!(
            refusal(session.answer(Role::Team(SOC), SOC, first_need, "Late".into())),
            "Module `detect` is over (`recover` began at 1h): an answer is given, or revised, \
             only while its module is current"
        );
        session
            .answer(Role::Facilitator, CERT, lessons, "More drills".into())
            .unwrap();
        assert_eq!(recorder.debrief.lock().unwrap().len(), 3);
        let log: Vec<&str> = session.log().iter().map(|(_, l)| l.as_str()).collect();
        assert!(
            log.contains(&"module detect begins: Module 1: Detection"),
            "{log:?}"
        );
        assert!(
            log.contains(&"module recover begins: Module 2: Recovery"),
            "{log:?}"
        );
        assert!(log.contains(&"cert answered question lessons"), "{log:?}");

        session.end(Role::Local).unwrap();
        assert_eq!(
            session.answer(Role::Team(CERT), CERT, lessons, "After".into()),
            Err(Refused::Ended)
        );
    }

    /// The feedback form is offered after the end to every seat; a form carries the seat's
    /// role and team, never its user; an empty form or a rating out of 1..5 is refused.
    #[test]
    fn feedback_forms_are_anonymous_and_checked() {
        let recorder = MemoryRecorder::default();
        let mut session = session_of(discussion(), &recorder);
        session.start_pause(Role::Local).unwrap();
        let rated = |ratings: Vec<Option<u8>>| FeedbackForm {
            ratings,
            strengths: vec!["Realistic injects".into(), "  ".into()],
            improvements: Vec::new(),
            comments: Some("  ".into()),
        };
        let six = vec![Some(5), Some(4), None, Some(3), Some(5), Some(4)];
        assert_eq!(
            refusal(session.submit_feedback(Role::Team(SOC), rated(six.clone()))),
            "The feedback form is filled in once the exercise has ended"
        );
        session.end(Role::Local).unwrap();
        session
            .submit_feedback(Role::Team(SOC), rated(six.clone()))
            .unwrap();
        session
            .submit_feedback(Role::Observer, rated(vec![None; 6]))
            .unwrap();
        let forms = &session.debrief().forms;
        assert_eq!(forms.len(), 2);
        assert_eq!(
            (forms[0].team.as_deref(), forms[0].role),
            (Some("soc"), FeedbackRole::Team)
        );
        assert_eq!(forms[0].ratings, six);
        // Blank points and comments are dropped, not kept as empty lines.
        assert_eq!(forms[0].strengths, vec!["Realistic injects".to_string()]);
        assert_eq!(forms[0].comments, None);
        assert_eq!(
            (forms[1].team.as_deref(), forms[1].role),
            (None, FeedbackRole::Observer)
        );
        assert_eq!(
            refusal(session.submit_feedback(Role::Evaluator, FeedbackForm::default())),
            "The form rates 0 statements; the scenario's form has 6"
        );
        assert_eq!(
            refusal(session.submit_feedback(
                Role::Evaluator,
                FeedbackForm {
                    ratings: vec![None; 6],
                    ..FeedbackForm::default()
                }
            )),
            "The form is empty: rate a statement or write something, or skip it"
        );
        assert_eq!(
            refusal(session.submit_feedback(
                Role::Local,
                FeedbackForm {
                    ratings: vec![Some(6), None, None, None, None, None],
                    ..FeedbackForm::default()
                }
            )),
            "Statement 1 is rated 6: a rating is 1 (strongly disagree) to 5 (strongly agree)"
        );
        // A seat cannot file a form under another seat's name.
        let forged = DebriefEvent::Feedback(crate::debrief::Feedback::of(
            rated(vec![Some(1); 6]),
            None,
            FeedbackRole::Facilitator,
        ));
        assert_eq!(
            refusal(session.write_debrief(Role::Team(SOC), forged)),
            "A feedback form is submitted as the seat that fills it in"
        );
        assert_eq!(session.debrief().forms.len(), 2);
    }

    /// The hot wash opens at the end and closes when the report is final; its improvements
    /// join the draft improvement plan like any observation.
    #[test]
    fn the_hot_wash_follows_the_exercise_and_feeds_the_plan() {
        let recorder = MemoryRecorder::default();
        let mut session = session_of(discussion(), &recorder);
        session.start_pause(Role::Local).unwrap();
        let contain = ObjectiveIx(0);
        let point = |session: &mut Session, role, kind| {
            session.hot_wash(role, contain, kind, "Nobody owned the blocklist".into())
        };
        assert_eq!(
            point(&mut session, Role::Local, NoteKind::Improvement),
            Err(Refused::Engine(Refusal::HotWashBeforeEnd))
        );
        session.end(Role::Local).unwrap();
        assert_eq!(
            point(&mut session, Role::Evaluator, NoteKind::Improvement),
            Ok("Hot-wash point saved.".into())
        );
        assert!(point(&mut session, Role::Team(SOC), NoteKind::Strength).is_err());
        let note = session.exercise().notes().last().unwrap().clone();
        assert!(note.hot_wash);
        assert_eq!((note.objective, note.team), (Some(contain), None));
        let plan = session.report().improvement_plan;
        let item = plan
            .iter()
            .find(|i| i.issue == "Nobody owned the blocklist");
        assert_eq!(item.map(|i| i.objective.as_deref()), Some(Some("contain")));
        session.finalise(Role::Local).unwrap();
        assert_eq!(
            point(&mut session, Role::Local, NoteKind::Strength),
            Err(Refused::Engine(Refusal::Final))
        );
    }
}
