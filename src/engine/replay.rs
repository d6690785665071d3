//! Rebuilding an exercise from recorded events. A journal comes from disk and may have been
//! damaged or edited, so each event is checked against the state before it is folded in.

use std::sync::Arc;

use crate::engine::agenda::Due;
use crate::engine::{Event, Exercise, InjectState, Outcome, Settings};
use crate::scenario::Scenario;

/// A recorded event that does not fit the exercise as replayed so far.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Inconsistency(pub String);

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
        self.check(event).map_err(Inconsistency)?;
        self.apply(event);
        Ok(())
    }

    fn check(&self, event: &Event) -> Result<(), String> {
        let at = event.at();
        if at < self.now {
            return Err(format!("time goes back from {}s to {at}s", self.now));
        }
        if let Some(end) = self.ended_at {
            // Only observations follow the end, and at its time.
            if !matches!(event, Event::Noted { .. }) || at != end {
                return Err("an event after the end of the exercise".into());
            }
        }
        if self.settings.planned_end.is_some_and(|end| at > end) {
            return Err(format!("an event at {at}s, after the planned end"));
        }
        if matches!(event, Event::Clock { .. }) && at <= self.recorded_until {
            return Err("a clock line that records no time passing".into());
        }
        if !self.started && !matches!(event, Event::Started { .. }) {
            return Err("an event before the clock was started".into());
        }
        self.check_order(event)?;
        let inject_state = |inject: crate::scenario::InjectIx| {
            self.injects
                .get(inject.0)
                .copied()
                .ok_or_else(|| format!("no inject number {}", inject.0))
        };
        if let Event::Scheduled { inject, .. } | Event::Skipped { inject, .. } = event
            && inject_state(*inject)? != InjectState::Waiting
        {
            return Err(format!(
                "inject `{}` fires twice",
                self.scenario.inject(*inject).id
            ));
        }
        match event {
            Event::Started { .. } if self.started => Err("the clock is started twice".into()),
            Event::Paused { .. } if !self.running => {
                Err("a pause while the clock is stopped".into())
            }
            Event::Resumed { .. } if !self.started || self.running => {
                Err("a resume while the clock is not paused".into())
            }
            Event::SpeedChanged { speed, .. } if !(speed.is_finite() && *speed > 0.0) => {
                Err(format!("speed {speed} is not a positive number"))
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
                    return Err(format!(
                        "inject `{}` is scheduled with a draw or a time its chance, delay and \
                         jitter do not allow",
                        spec.id
                    ));
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
                    return Err(format!(
                        "inject `{}` is skipped with a draw its chance does not allow",
                        spec.id
                    ));
                }
                Ok(())
            }
            Event::Released {
                inject, by_hand, ..
            } => match inject_state(*inject)? {
                InjectState::Released { .. } => Err(format!(
                    "inject `{}` is released twice",
                    self.scenario.inject(*inject).id
                )),
                InjectState::Scheduled { release_at, .. } if !by_hand && release_at != at => {
                    Err(format!(
                        "inject `{}` is released at {at}s but was scheduled for {release_at}s",
                        self.scenario.inject(*inject).id
                    ))
                }
                InjectState::Waiting | InjectState::Skipped { .. } if !by_hand => Err(format!(
                    "inject `{}` is released without being scheduled",
                    self.scenario.inject(*inject).id
                )),
                _ => Ok(()),
            },
            Event::DeadlinePassed { expectation, .. } => {
                let e = self
                    .expectations
                    .get(expectation.0)
                    .ok_or_else(|| format!("no expectation number {}", expectation.0))?;
                if e.done.is_some() || e.deadline_passed || e.due_at != at {
                    return Err(format!(
                        "a deadline of `{}` that cannot pass at {at}s",
                        self.expectation_id(*expectation)
                    ));
                }
                Ok(())
            }
            Event::Responded {
                response, outcome, ..
            } => {
                let judged = self
                    .judge(response)
                    .map_err(|refusal| refusal.to_string())?;
                if judged != *outcome {
                    let name = |o: &Outcome| match o {
                        Outcome::Satisfied(ix) => {
                            format!("satisfies `{}`", self.expectation_id(*ix))
                        }
                        Outcome::Ready => "stands ready (done ahead of time)".to_string(),
                        Outcome::Unexpected => "is unexpected".to_string(),
                    };
                    return Err(format!(
                        "the journal says the response {}, but the scenario's rules say it {}",
                        name(outcome),
                        name(&judged)
                    ));
                }
                Ok(())
            }
            Event::MessageSent {
                n,
                from,
                action,
                to,
                ..
            } => {
                let last = self.responses.last().map(|r| &r.response);
                let spec = self.scenario.action(*action).message.as_ref();
                match (last, spec) {
                    (Some(r), Some(spec))
                        if r.team == *from
                            && r.action == *action
                            && *n == self.messages.len() as u64 + 1
                            && *to == self.scenario.recipients(spec, *from) =>
                    {
                        Ok(())
                    }
                    _ => Err(format!(
                        "message {n} does not follow from the response before it"
                    )),
                }
            }
            Event::Said {
                n,
                from,
                to,
                text,
                in_reply_to,
                ..
            } => {
                let expected = self
                    .say(*from, Some(to.clone()), text.clone(), *in_reply_to)
                    .map_err(|refusal| refusal.to_string())?;
                match expected {
                    Event::Said {
                        n: number,
                        to: sorted,
                        ..
                    } if number == *n && sorted == *to => Ok(()),
                    _ => Err(format!("message {n} is numbered or addressed out of order")),
                }
            }
            Event::Noted { text, .. } if text.trim().is_empty() => {
                Err("an observation with no text".into())
            }
            _ => Ok(()),
        }
    }

    /// A recorded draw must be the one the exercise's seed gives: a journal whose draws were
    /// edited (a skipped inject made to fire) or whose header's seed was changed is refused.
    fn check_draw(
        &self,
        inject: crate::scenario::InjectIx,
        chance_draw: f64,
        jitter_s: Option<crate::scenario::Secs>,
    ) -> Result<(), String> {
        let spec = self.scenario.inject(inject);
        let drawn = super::draw(self.settings.seed, inject, spec.jitter);
        if chance_draw != drawn.chance || jitter_s.is_some_and(|j| j != drawn.jitter_s) {
            return Err(format!(
                "inject `{}` has a draw that seed {} does not give (it gives chance {} and \
                 jitter {} s): the draw or the header's seed was edited",
                spec.id, self.settings.seed, drawn.chance, drawn.jitter_s
            ));
        }
        Ok(())
    }

    /// Whether this event is the one the rules make next: a response's message right after it,
    /// then the draws of the triggers that fired, then whatever the agenda holds before the
    /// event's time (and the releases at it). A journal that skips a deadline, invents a release
    /// or reorders an instant is refused here.
    fn check_order(&self, event: &Event) -> Result<(), String> {
        let at = event.at();
        if let Some(message) = self.unsent_message() {
            return match event {
                Event::MessageSent { .. } if at == message.at() => Ok(()),
                _ => Err(format!(
                    "the message of the response at {}s is missing",
                    message.at()
                )),
            };
        }
        if let Some(inject) = self.releasing {
            return match event {
                Event::Released {
                    inject: released,
                    by_hand: false,
                    ..
                } if *released == inject && at == self.now => Ok(()),
                _ => Err(format!(
                    "the release of inject `{}`, scheduled with no delay, is missing",
                    self.scenario.inject(inject).id
                )),
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
                _ => Err(format!(
                    "the draw of inject `{}`, whose trigger fired, is missing",
                    self.scenario.inject(front).id
                )),
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
            } => Some(Due::Release(*inject)),
            Event::DeadlinePassed { expectation, .. } => Some(Due::Deadline(*expectation)),
            Event::MessageSent { .. } => {
                return Err("a message that no response sent".into());
            }
            _ => None,
        };
        match (automatic, next) {
            (Some(due), Some((t, top))) if t == at && top == due => Ok(()),
            (Some(_), _) => Err("an automatic event that the agenda does not hold next".into()),
            // The start is recorded first; what is due at it follows.
            (None, _) if matches!(event, Event::Started { .. }) => Ok(()),
            (None, Some((t, top))) if t < at || (t == at && top.phase() == 0) => Err(format!(
                "{} due at {t}s is missing before this event",
                self.describe_due(top)
            )),
            (None, Some((t, _))) if t <= at && matches!(event, Event::Ended { .. }) => Err(
                format!("the exercise ends at {at}s before what is due at {t}s has happened"),
            ),
            (None, _) => Ok(()),
        }
    }

    fn describe_due(&self, due: Due) -> String {
        match due {
            Due::Fire(inject) => format!(
                "the trigger of inject `{}`",
                self.scenario.inject(inject).id
            ),
            Due::Release(inject) => format!(
                "the release of inject `{}`",
                self.scenario.inject(inject).id
            ),
            Due::Deadline(ix) => format!("the deadline of `{}`", self.expectation_id(ix)),
        }
    }
}
