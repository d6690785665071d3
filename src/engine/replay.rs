//! Rebuilding an exercise from recorded events. A journal comes from disk and may have been
//! damaged or edited, so each event is checked against the state before it is folded in.

use std::fmt;
use std::sync::Arc;

use super::agenda::Due;
use super::command::Refusal;
use super::draw::draw;
use super::event::{Event, Outcome};
use super::state::{Exercise, InjectState, Settings};
use crate::scenario::{InjectIx, Scenario, Secs};

/// A recorded event that does not fit the exercise as replayed so far. Injects and expectations
/// are named by their ids, as the journal names them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Inconsistency {
    #[error("time goes back from {from}s to {to}s")]
    TimeGoesBack { from: Secs, to: Secs },
    #[error("an event after the end of the exercise")]
    AfterEnd,
    #[error("an event at {at}s, after the planned end")]
    AfterPlannedEnd { at: Secs },
    #[error("a clock line that records no time passing")]
    ClockStandsStill,
    #[error("an event before the clock was started")]
    BeforeStart,
    #[error("the message of the response at {at}s is missing")]
    MessageMissing { at: Secs },
    #[error("the release of inject `{inject}`, scheduled with no delay, is missing")]
    ReleaseMissing { inject: String },
    #[error("the draw of inject `{inject}`, whose trigger fired, is missing")]
    DrawMissing { inject: String },
    #[error("a message that no response sent")]
    MessageWithoutResponse,
    #[error("an automatic event that the agenda does not hold next")]
    NotNextOnAgenda,
    #[error("{due} due at {due_at}s is missing before this event")]
    DueMissing { due: Pending, due_at: Secs },
    #[error("the exercise ends at {at}s before what is due at {due_at}s has happened")]
    EndsBeforeDue { at: Secs, due_at: Secs },
    #[error("no inject number {0}")]
    NoSuchInject(usize),
    #[error("inject `{inject}` fires twice")]
    FiresTwice { inject: String },
    #[error("the clock is started twice")]
    StartedTwice,
    #[error("a pause while the clock is stopped")]
    PauseWhileStopped,
    #[error("a resume while the clock is not paused")]
    ResumeWhileNotPaused,
    #[error("speed {0} is not a positive number")]
    BadSpeed(f64),
    #[error(
        "inject `{inject}` has a draw that seed {seed} does not give (it gives chance {chance} \
         and jitter {jitter_s} s): the draw or the header's seed was edited"
    )]
    DrawNotFromSeed {
        inject: String,
        seed: u64,
        chance: f64,
        jitter_s: Secs,
    },
    #[error(
        "inject `{inject}` is scheduled with a draw or a time its chance, delay and jitter do \
         not allow"
    )]
    ScheduleNotAllowed { inject: String },
    #[error("inject `{inject}` is skipped with a draw its chance does not allow")]
    SkipNotAllowed { inject: String },
    #[error("inject `{inject}` is released twice")]
    ReleasedTwice { inject: String },
    #[error("inject `{inject}` is released at {at}s but was scheduled for {scheduled}s")]
    ReleasedOffSchedule {
        inject: String,
        at: Secs,
        scheduled: Secs,
    },
    #[error("inject `{inject}` is released without being scheduled")]
    ReleasedUnscheduled { inject: String },
    #[error("no expectation number {0}")]
    NoSuchExpectation(usize),
    #[error("a deadline of `{expectation}` that cannot pass at {at}s")]
    DeadlineCannotPass { expectation: String, at: Secs },
    /// A recorded response or hotline message that the rules refuse.
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("the journal says the response {recorded}, but the scenario's rules say it {judged}")]
    JudgedOtherwise {
        recorded: Judgement,
        judged: Judgement,
    },
    #[error("message {n} does not follow from the response before it")]
    MessageDoesNotFollow { n: u64 },
    #[error("message {n} is numbered or addressed out of order")]
    MessageOutOfOrder { n: u64 },
    #[error("an observation with no text")]
    EmptyNote,
    #[error("a point of the hot wash that names no objective")]
    HotWashWithoutObjective,
    #[error("inject `{inject}` is released although its `unless` had fired")]
    ReleasedDespiteUnless { inject: String },
    #[error("inject `{inject}` is skipped by its `unless`, which had not fired")]
    UnlessNotFired { inject: String },
}

/// How a response was judged, with the expectation it satisfied named by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    Satisfies(String),
    Ready,
    Unexpected,
}

impl fmt::Display for Judgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Judgement::Satisfies(id) => write!(f, "satisfies `{id}`"),
            Judgement::Ready => f.write_str("stands ready (done ahead of time)"),
            Judgement::Unexpected => f.write_str("is unexpected"),
        }
    }
}

/// What the agenda held next, named by the inject's or expectation copy's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Trigger(String),
    Release(String),
    Deadline(String),
}

impl fmt::Display for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pending::Trigger(inject) => write!(f, "the trigger of inject `{inject}`"),
            Pending::Release(inject) => write!(f, "the release of inject `{inject}`"),
            Pending::Deadline(id) => write!(f, "the deadline of `{id}`"),
        }
    }
}

impl Exercise {
    pub fn replay<'a>(
        scenario: Arc<Scenario>,
        settings: Settings,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Exercise, Inconsistency> {
        let mut exercise = Exercise::new(scenario, settings);
        for event in events {
            exercise.apply_recorded(event)?;
        }
        Ok(exercise)
    }

    /// Folds in a recorded event after checking that it could have happened here.
    pub fn apply_recorded(&mut self, event: &Event) -> Result<(), Inconsistency> {
        self.check(event)?;
        self.apply(event);
        Ok(())
    }

    fn check(&self, event: &Event) -> Result<(), Inconsistency> {
        let at = event.at();
        if at < self.now {
            return Err(Inconsistency::TimeGoesBack {
                from: self.now,
                to: at,
            });
        }
        if let Some(end) = self.ended_at {
            // Only observations, judgements and the report made final follow the end, at its
            // time.
            let debrief = matches!(
                event,
                Event::Noted { .. } | Event::Judged { .. } | Event::Finalised { .. }
            );
            if !debrief || at != end {
                return Err(Inconsistency::AfterEnd);
            }
        }
        if self.settings.planned_end.is_some_and(|end| at > end) {
            return Err(Inconsistency::AfterPlannedEnd { at });
        }
        if matches!(event, Event::Clock { .. }) && at <= self.recorded_until {
            return Err(Inconsistency::ClockStandsStill);
        }
        if !self.started && !matches!(event, Event::Started { .. }) {
            return Err(Inconsistency::BeforeStart);
        }
        self.check_order(event)?;
        let inject_state = |inject: InjectIx| {
            self.injects
                .get(inject.0)
                .copied()
                .ok_or(Inconsistency::NoSuchInject(inject.0))
        };
        let inject_id = |inject: InjectIx| self.scenario.inject(inject).id.as_str().to_owned();
        if let Event::Scheduled { inject, .. } | Event::Skipped { inject, .. } = event
            && inject_state(*inject)? != InjectState::Waiting
        {
            return Err(Inconsistency::FiresTwice {
                inject: inject_id(*inject),
            });
        }
        match event {
            Event::Started { .. } if self.started => Err(Inconsistency::StartedTwice),
            Event::Paused { .. } if !self.running => Err(Inconsistency::PauseWhileStopped),
            Event::Resumed { .. } if !self.started || self.running => {
                Err(Inconsistency::ResumeWhileNotPaused)
            }
            Event::SpeedChanged { speed, .. } if !(speed.is_finite() && *speed > 0.0) => {
                Err(Inconsistency::BadSpeed(*speed))
            }
            Event::Scheduled {
                inject,
                chance_draw,
                jitter_s,
                release_at,
                ..
            } => {
                self.check_draw(*inject, *chance_draw, Some(*jitter_s))?;
                let spec = self.scenario.inject(*inject);
                let due = at.saturating_add(spec.delay).saturating_add(*jitter_s);
                if !(0.0..1.0).contains(chance_draw)
                    || *chance_draw >= spec.chance
                    || *jitter_s > spec.jitter
                    || *release_at != due
                {
                    return Err(Inconsistency::ScheduleNotAllowed {
                        inject: spec.id.as_str().to_owned(),
                    });
                }
                Ok(())
            }
            Event::Skipped {
                inject,
                chance_draw,
                ..
            } => {
                self.check_draw(*inject, *chance_draw, None)?;
                let spec = self.scenario.inject(*inject);
                if !(0.0..1.0).contains(chance_draw) || *chance_draw < spec.chance {
                    return Err(Inconsistency::SkipNotAllowed {
                        inject: spec.id.as_str().to_owned(),
                    });
                }
                Ok(())
            }
            Event::Released {
                inject,
                by_hand: false,
                ..
            } if self.unless_has_fired(*inject) => Err(Inconsistency::ReleasedDespiteUnless {
                inject: inject_id(*inject),
            }),
            Event::SkippedUnless { inject, .. } => match inject_state(*inject)? {
                InjectState::Scheduled { release_at, .. }
                    if release_at == at && self.unless_has_fired(*inject) =>
                {
                    Ok(())
                }
                _ => Err(Inconsistency::UnlessNotFired {
                    inject: inject_id(*inject),
                }),
            },
            Event::Judged {
                expectation,
                insufficient,
                reason,
                by,
                ..
            } => {
                if expectation.0 >= self.expectations.len() {
                    return Err(Inconsistency::NoSuchExpectation(expectation.0));
                }
                self.check_judgement(
                    *expectation,
                    insufficient.clone(),
                    reason.clone(),
                    by.clone(),
                )?;
                Ok(())
            }
            Event::Finalised { .. } if self.ended_at.is_none() => {
                Err(Inconsistency::Refused(Refusal::NotEnded))
            }
            Event::Finalised { .. } if self.final_at.is_some() => {
                Err(Inconsistency::Refused(Refusal::Final))
            }
            Event::Released {
                inject, by_hand, ..
            } => match inject_state(*inject)? {
                InjectState::Released { .. } => Err(Inconsistency::ReleasedTwice {
                    inject: inject_id(*inject),
                }),
                InjectState::Scheduled { release_at, .. } if !by_hand && release_at != at => {
                    Err(Inconsistency::ReleasedOffSchedule {
                        inject: inject_id(*inject),
                        at,
                        scheduled: release_at,
                    })
                }
                InjectState::Waiting | InjectState::Skipped { .. } if !by_hand => {
                    Err(Inconsistency::ReleasedUnscheduled {
                        inject: inject_id(*inject),
                    })
                }
                _ => Ok(()),
            },
            Event::DeadlinePassed { expectation, .. } => {
                let e = self
                    .expectations
                    .get(expectation.0)
                    .ok_or(Inconsistency::NoSuchExpectation(expectation.0))?;
                if e.done.is_some() || e.deadline_passed || e.due_at != at {
                    return Err(Inconsistency::DeadlineCannotPass {
                        expectation: self.expectation_id(*expectation),
                        at,
                    });
                }
                Ok(())
            }
            Event::Responded {
                response, outcome, ..
            } => {
                let judged = self.judge(response)?;
                if judged != *outcome {
                    return Err(Inconsistency::JudgedOtherwise {
                        recorded: self.judgement(*outcome),
                        judged: self.judgement(judged),
                    });
                }
                Ok(())
            }
            Event::MessageSent { n, .. } => match self.unsent_message() {
                Some(expected) if expected == *event => Ok(()),
                _ => Err(Inconsistency::MessageDoesNotFollow { n: *n }),
            },
            Event::Said {
                n,
                from,
                to,
                text,
                in_reply_to,
                ..
            } => {
                let expected = self.say(*from, Some(to.clone()), text.clone(), *in_reply_to)?;
                match expected {
                    Event::Said {
                        n: number,
                        to: sorted,
                        ..
                    } if number == *n && sorted == *to => Ok(()),
                    _ => Err(Inconsistency::MessageOutOfOrder { n: *n }),
                }
            }
            Event::Noted {
                hot_wash: true,
                objective,
                text,
                ..
            } => match objective {
                None => Err(Inconsistency::HotWashWithoutObjective),
                Some(_) => Ok(self.check_hot_wash(text)?),
            },
            Event::Noted { text, .. } if text.trim().is_empty() => Err(Inconsistency::EmptyNote),
            _ => Ok(()),
        }
    }

    /// A recorded draw must be the one the exercise's seed gives: a journal whose draws were
    /// edited (a skipped inject made to fire) or whose header's seed was changed is refused.
    fn check_draw(
        &self,
        inject: InjectIx,
        chance_draw: f64,
        jitter_s: Option<Secs>,
    ) -> Result<(), Inconsistency> {
        let spec = self.scenario.inject(inject);
        let drawn = draw(self.settings.seed, inject, spec.jitter);
        if chance_draw != drawn.chance || jitter_s.is_some_and(|j| j != drawn.jitter_s) {
            return Err(Inconsistency::DrawNotFromSeed {
                inject: spec.id.as_str().to_owned(),
                seed: self.settings.seed,
                chance: drawn.chance,
                jitter_s: drawn.jitter_s,
            });
        }
        Ok(())
    }

    /// Whether this event is the one the rules make next: a response's message right after it,
    /// then the draws of the triggers that fired, then whatever the agenda holds before the
    /// event's time (and the releases at it). A journal that skips a deadline, invents a release
    /// or reorders an instant is refused here.
    fn check_order(&self, event: &Event) -> Result<(), Inconsistency> {
        let at = event.at();
        if let Some(message) = self.unsent_message() {
            return match event {
                Event::MessageSent { .. } if at == message.at() => Ok(()),
                _ => Err(Inconsistency::MessageMissing { at: message.at() }),
            };
        }
        if let Some(inject) = self.releasing {
            return match event {
                Event::Released {
                    inject: released,
                    by_hand: false,
                    ..
                }
                | Event::SkippedUnless {
                    inject: released, ..
                } if *released == inject && at == self.now => Ok(()),
                _ => Err(Inconsistency::ReleaseMissing {
                    inject: self.scenario.inject(inject).id.as_str().to_owned(),
                }),
            };
        }
        if let Some(&front) = self.fired.front() {
            return match event {
                // A trigger's draw happens when it fires: now.
                Event::Scheduled { inject, .. } | Event::Skipped { inject, .. }
                    if *inject == front && at == self.now =>
                {
                    Ok(())
                }
                _ => Err(Inconsistency::DrawMissing {
                    inject: self.scenario.inject(front).id.as_str().to_owned(),
                }),
            };
        }
        let next = self.agenda.peek();
        let automatic = match event {
            Event::Scheduled { inject, .. } | Event::Skipped { inject, .. } => {
                Some(Due::Fire(*inject))
            }
            Event::Released {
                inject,
                by_hand: false,
                ..
            }
            | Event::SkippedUnless { inject, .. } => Some(Due::Release(*inject)),
            Event::DeadlinePassed { expectation, .. } => Some(Due::Deadline(*expectation)),
            Event::MessageSent { .. } => {
                return Err(Inconsistency::MessageWithoutResponse);
            }
            _ => None,
        };
        match (automatic, next) {
            (Some(due), Some((t, top))) if t == at && top == due => Ok(()),
            (Some(_), _) => Err(Inconsistency::NotNextOnAgenda),
            // The start is recorded first; what is due at it follows.
            (None, _) if matches!(event, Event::Started { .. }) => Ok(()),
            (None, Some((t, top))) if t < at || (t == at && top.phase() == 0) => {
                Err(Inconsistency::DueMissing {
                    due: self.pending(top),
                    due_at: t,
                })
            }
            (None, Some((t, _))) if t <= at && matches!(event, Event::Ended { .. }) => {
                Err(Inconsistency::EndsBeforeDue { at, due_at: t })
            }
            (None, _) => Ok(()),
        }
    }

    fn pending(&self, due: Due) -> Pending {
        let inject_id = |inject: InjectIx| self.scenario.inject(inject).id.as_str().to_owned();
        match due {
            Due::Fire(inject) => Pending::Trigger(inject_id(inject)),
            Due::Release(inject) => Pending::Release(inject_id(inject)),
            Due::Deadline(ix) => Pending::Deadline(self.expectation_id(ix)),
        }
    }

    fn judgement(&self, outcome: Outcome) -> Judgement {
        match outcome {
            Outcome::Satisfied(ix) => Judgement::Satisfies(self.expectation_id(ix)),
            Outcome::Ready => Judgement::Ready,
            Outcome::Unexpected => Judgement::Unexpected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages a damaged journal is refused with, word for word: the CLI prints them with
    /// the journal's line number, and they were worded before the errors had variants.
    #[test]
    fn inconsistencies_read_as_before() {
        let inject = || "coin".to_string();
        let cases = [
            (
                Inconsistency::TimeGoesBack { from: 60, to: 30 },
                "time goes back from 60s to 30s",
            ),
            (
                Inconsistency::AfterEnd,
                "an event after the end of the exercise",
            ),
            (
                Inconsistency::AfterPlannedEnd { at: 7200 },
                "an event at 7200s, after the planned end",
            ),
            (
                Inconsistency::ClockStandsStill,
                "a clock line that records no time passing",
            ),
            (
                Inconsistency::BeforeStart,
                "an event before the clock was started",
            ),
            (
                Inconsistency::MessageMissing { at: 90 },
                "the message of the response at 90s is missing",
            ),
            (
                Inconsistency::ReleaseMissing { inject: inject() },
                "the release of inject `coin`, scheduled with no delay, is missing",
            ),
            (
                Inconsistency::DrawMissing { inject: inject() },
                "the draw of inject `coin`, whose trigger fired, is missing",
            ),
            (
                Inconsistency::MessageWithoutResponse,
                "a message that no response sent",
            ),
            (
                Inconsistency::NotNextOnAgenda,
                "an automatic event that the agenda does not hold next",
            ),
            (
                Inconsistency::DueMissing {
                    due: Pending::Trigger(inject()),
                    due_at: 60,
                },
                "the trigger of inject `coin` due at 60s is missing before this event",
            ),
            (
                Inconsistency::DueMissing {
                    due: Pending::Release(inject()),
                    due_at: 60,
                },
                "the release of inject `coin` due at 60s is missing before this event",
            ),
            (
                Inconsistency::DueMissing {
                    due: Pending::Deadline("a.ack@us".into()),
                    due_at: 600,
                },
                "the deadline of `a.ack@us` due at 600s is missing before this event",
            ),
            (
                Inconsistency::EndsBeforeDue { at: 60, due_at: 60 },
                "the exercise ends at 60s before what is due at 60s has happened",
            ),
            (Inconsistency::NoSuchInject(9), "no inject number 9"),
            (
                Inconsistency::FiresTwice { inject: inject() },
                "inject `coin` fires twice",
            ),
            (Inconsistency::StartedTwice, "the clock is started twice"),
            (
                Inconsistency::PauseWhileStopped,
                "a pause while the clock is stopped",
            ),
            (
                Inconsistency::ResumeWhileNotPaused,
                "a resume while the clock is not paused",
            ),
            (
                Inconsistency::BadSpeed(-1.5),
                "speed -1.5 is not a positive number",
            ),
            (
                Inconsistency::DrawNotFromSeed {
                    inject: inject(),
                    seed: 7,
                    chance: 0.75,
                    jitter_s: 12,
                },
                "inject `coin` has a draw that seed 7 does not give (it gives chance 0.75 and \
                 jitter 12 s): the draw or the header's seed was edited",
            ),
            (
                Inconsistency::ScheduleNotAllowed { inject: inject() },
                "inject `coin` is scheduled with a draw or a time its chance, delay and jitter \
                 do not allow",
            ),
            (
                Inconsistency::SkipNotAllowed { inject: inject() },
                "inject `coin` is skipped with a draw its chance does not allow",
            ),
            (
                Inconsistency::ReleasedTwice { inject: inject() },
                "inject `coin` is released twice",
            ),
            (
                Inconsistency::ReleasedOffSchedule {
                    inject: inject(),
                    at: 50,
                    scheduled: 60,
                },
                "inject `coin` is released at 50s but was scheduled for 60s",
            ),
            (
                Inconsistency::ReleasedUnscheduled { inject: inject() },
                "inject `coin` is released without being scheduled",
            ),
            (
                Inconsistency::NoSuchExpectation(4),
                "no expectation number 4",
            ),
            (
                Inconsistency::DeadlineCannotPass {
                    expectation: "a.ack@us".into(),
                    at: 30,
                },
                "a deadline of `a.ack@us` that cannot pass at 30s",
            ),
            (
                Inconsistency::Refused(Refusal::EmptyMessage),
                "a hotline message needs some text",
            ),
            (
                Inconsistency::JudgedOtherwise {
                    recorded: Judgement::Satisfies("a.ack@us".into()),
                    judged: Judgement::Ready,
                },
                "the journal says the response satisfies `a.ack@us`, but the scenario's rules \
                 say it stands ready (done ahead of time)",
            ),
            (
                Inconsistency::JudgedOtherwise {
                    recorded: Judgement::Unexpected,
                    judged: Judgement::Satisfies("a.ack@us".into()),
                },
                "the journal says the response is unexpected, but the scenario's rules say it \
                 satisfies `a.ack@us`",
            ),
            (
                Inconsistency::MessageDoesNotFollow { n: 3 },
                "message 3 does not follow from the response before it",
            ),
            (
                Inconsistency::MessageOutOfOrder { n: 3 },
                "message 3 is numbered or addressed out of order",
            ),
            (Inconsistency::EmptyNote, "an observation with no text"),
            (
                Inconsistency::HotWashWithoutObjective,
                "a point of the hot wash that names no objective",
            ),
        ];
        for (inconsistency, message) in cases {
            assert_eq!(inconsistency.to_string(), message);
        }
    }
}
