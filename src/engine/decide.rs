//! Decide: a command checked against the rules, and the events it causes. Each event is folded in
//! as it is decided (a release can trigger another, a missed deadline can release a contingency
//! inject), so later decisions see earlier ones. A refused command changes nothing.

use super::agenda::{Due, Horizon};
use super::command::{Command, Refusal};
use super::draw;
use super::event::{Answers, Event, ExpectationIx, Outcome, Response};
use super::state::{Exercise, InjectState, Rules};
use crate::scenario::{ActionIx, InjectIx, Secs, TeamIx};

impl Exercise {
    /// Checks a command and, if accepted, applies the events it causes and returns them.
    /// A refused command changes nothing.
    pub fn execute(&mut self, command: Command) -> Result<Vec<Event>, Refusal> {
        // Nothing happens in an exercise before its clock starts; what is due at the start
        // happens as it starts, so no command can come before it.
        if !self.started && command != Command::Start {
            return Err(Refusal::NotStarted);
        }
        let mut events = Vec::new();
        match command {
            Command::AdvanceTo(to) => {
                self.refuse_if_ended()?;
                if to < self.now {
                    return Err(Refusal::TimeGoesBack { now: self.now, to });
                }
                match self.settings.planned_end {
                    Some(end) if to > end => {
                        self.settle(Horizon::Through(end), &mut events);
                        self.record(
                            Event::Ended {
                                at: end.max(self.now),
                            },
                            &mut events,
                        );
                    }
                    _ => {
                        self.settle(Horizon::ReleasesAt(to), &mut events);
                        self.now = to;
                    }
                }
            }
            Command::Start => {
                self.refuse_if_ended()?;
                if self.started {
                    return Err(Refusal::AlreadyStarted);
                }
                self.record(Event::Started { at: self.now }, &mut events);
                // What is due at the start happens as the clock starts.
                self.settle(Horizon::ReleasesAt(self.now), &mut events);
            }
            Command::Pause => {
                self.refuse_if_ended()?;
                if !self.started {
                    return Err(Refusal::NotStarted);
                }
                if !self.running {
                    return Err(Refusal::AlreadyPaused);
                }
                self.record(Event::Paused { at: self.now }, &mut events);
            }
            Command::Resume => {
                self.refuse_if_ended()?;
                if !self.started {
                    return Err(Refusal::NotStarted);
                }
                if self.running {
                    return Err(Refusal::AlreadyRunning);
                }
                self.record(Event::Resumed { at: self.now }, &mut events);
            }
            Command::SetSpeed(speed) => {
                self.refuse_if_ended()?;
                if !(speed.is_finite() && speed > 0.0) {
                    return Err(Refusal::BadSpeed(speed));
                }
                self.record(
                    Event::SpeedChanged {
                        at: self.now,
                        speed,
                    },
                    &mut events,
                );
            }
            Command::Respond(response) => {
                self.refuse_if_ended()?;
                let outcome = self.judge(&response)?;
                let at = self.now;
                self.record(
                    Event::Responded {
                        at,
                        response,
                        outcome,
                    },
                    &mut events,
                );
                self.settle(Horizon::ReleasesAt(self.now), &mut events);
            }
            Command::Say {
                team,
                to,
                text,
                in_reply_to,
            } => {
                self.refuse_if_ended()?;
                let event = self.say(team, to, text, in_reply_to)?;
                self.record(event, &mut events);
            }
            Command::Release(inject) => {
                self.refuse_if_ended()?;
                if let InjectState::Released { .. } = self.injects[inject.0] {
                    return Err(Refusal::AlreadyReleased {
                        inject: self.scenario.inject(inject).id.as_str().to_owned(),
                    });
                }
                let at = self.now;
                self.record(
                    Event::Released {
                        at,
                        inject,
                        by_hand: true,
                    },
                    &mut events,
                );
                self.settle(Horizon::ReleasesAt(self.now), &mut events);
            }
            Command::Note {
                team,
                objective,
                kind,
                text,
            } => {
                // Observations stay welcome after the end: the hot wash follows the exercise.
                if text.trim().is_empty() {
                    return Err(Refusal::EmptyNote);
                }
                let at = self.now;
                self.record(
                    Event::Noted {
                        at,
                        team,
                        objective,
                        kind,
                        text,
                        hot_wash: false,
                    },
                    &mut events,
                );
            }
            Command::HotWash {
                objective,
                kind,
                text,
            } => {
                self.check_hot_wash(&text)?;
                let at = self.now;
                self.record(
                    Event::Noted {
                        at,
                        team: None,
                        objective: Some(objective),
                        kind,
                        text,
                        hot_wash: true,
                    },
                    &mut events,
                );
            }
            Command::Judge {
                expectation,
                insufficient,
                reason,
                by,
            } => {
                let event = self.check_judgement(expectation, insufficient, reason, by)?;
                self.record(event, &mut events);
                if self.ended_at.is_none() {
                    // The `Incomplete` it causes fires right after it (Precise rule 38).
                    self.settle(Horizon::ReleasesAt(self.now), &mut events);
                }
            }
            Command::Finalise => {
                if self.ended_at.is_none() {
                    return Err(Refusal::NotEnded);
                }
                if self.final_at.is_some() {
                    return Err(Refusal::Final);
                }
                let at = self.now;
                self.record(Event::Finalised { at }, &mut events);
            }
            Command::End => {
                self.refuse_if_ended()?;
                self.settle(Horizon::Through(self.now), &mut events);
                let at = self.now;
                self.record(Event::Ended { at }, &mut events);
            }
            Command::Checkpoint => {
                self.refuse_if_ended()?;
                if self.now > self.recorded_until {
                    let at = self.now;
                    self.record(Event::Clock { at }, &mut events);
                }
            }
            Command::RunOut => {
                self.refuse_if_ended()?;
                let (horizon, end) = match self.settings.planned_end {
                    Some(end) => (Horizon::Through(end), Some(end.max(self.now))),
                    None => (Horizon::Everything, None),
                };
                self.settle(horizon, &mut events);
                let at = end.unwrap_or(self.now);
                self.record(Event::Ended { at }, &mut events);
            }
        }
        Ok(events)
    }

    /// A hot-wash point is said after the end, until the report is final, and has some text.
    pub(super) fn check_hot_wash(&self, text: &str) -> Result<(), Refusal> {
        if self.ended_at.is_none() {
            return Err(Refusal::HotWashBeforeEnd);
        }
        if self.final_at.is_some() {
            return Err(Refusal::Final);
        }
        if text.trim().is_empty() {
            return Err(Refusal::EmptyNote);
        }
        Ok(())
    }

    fn refuse_if_ended(&self) -> Result<(), Refusal> {
        match self.ended_at {
            Some(_) => Err(Refusal::Ended),
            None => Ok(()),
        }
    }

    fn record(&mut self, event: Event, events: &mut Vec<Event>) {
        self.apply(&event);
        events.push(event);
    }

    /// Which expectation a response satisfies, or why it is refused.
    pub(super) fn judge(&self, response: &Response) -> Result<Outcome, Refusal> {
        let scenario = &self.scenario;
        let action = scenario.action(response.action);
        if !action.allows(response.team) {
            return Err(Refusal::ActionNotAllowed {
                team: scenario.team(response.team).id.clone(),
                action: action.id.clone(),
            });
        }
        for (i, (field, _)) in response.fields.iter().enumerate() {
            if action.field_index(field).is_none() {
                return Err(Refusal::UnknownField {
                    action: action.id.clone(),
                    field: field.clone(),
                    known: action.fields.clone(),
                });
            }
            if response.fields[..i]
                .iter()
                .any(|(earlier, _)| earlier == field)
            {
                return Err(Refusal::FieldTwice {
                    field: field.clone(),
                });
            }
        }
        self.check_choices(response)?;
        self.check_clarification(response)?;
        if self.rules == Rules::Format1 && response.answers.is_some() {
            return self.judge_named_format_1(response);
        }
        let named = self.named_candidate(response.team, response.action, response.answers)?;
        Ok(
            match named.or_else(|| self.earliest_candidate(response.team, response.action)) {
                Some(ix) => Outcome::Satisfied(ix),
                None if action.ahead => Outcome::Ready,
                None => Outcome::Unexpected,
            },
        )
    }

    /// Format 1: a response naming an item satisfies that item's expectation or nothing.
    fn judge_named_format_1(&self, response: &Response) -> Result<Outcome, Refusal> {
        let candidate = |ix: &ExpectationIx| {
            let e = &self.expectations[ix.0];
            e.done.is_none() && e.team == response.team && e.accepts(response.action)
        };
        let named = match response.answers {
            Some(Answers::Inject(inject)) => {
                self.by_inject[inject.0].iter().copied().find(candidate)
            }
            Some(Answers::Message(n)) => {
                let message = self.message(n).ok_or(Refusal::UnknownMessage {
                    n,
                    sent: self.messages.len() as u64,
                })?;
                message.replies.iter().copied().find(candidate)
            }
            None => None,
        };
        Ok(named.map_or(Outcome::Unexpected, Outcome::Satisfied))
    }

    /// The named item's candidate for this team and action (Precise rule 22), or `None` when it
    /// has none; refused when the item is not one the team received (rule 7).
    pub(super) fn named_candidate(
        &self,
        team: TeamIx,
        action: ActionIx,
        answers: Option<Answers>,
    ) -> Result<Option<ExpectationIx>, Refusal> {
        let candidate = |ix: &ExpectationIx| {
            let e = &self.expectations[ix.0];
            e.done.is_none() && e.team == team && e.accepts(action)
        };
        Ok(match answers {
            None => None,
            Some(Answers::Inject(inject)) => {
                let received = matches!(self.injects[inject.0], InjectState::Released { .. })
                    && self.scenario.inject(inject).to.contains(&team);
                if !received {
                    return Err(Refusal::InjectNotReceived {
                        team: self.scenario.team(team).id.clone(),
                        inject: self.scenario.inject(inject).id.as_str().to_owned(),
                    });
                }
                self.by_inject[inject.0].iter().copied().find(candidate)
            }
            Some(Answers::Message(n)) => {
                let message = self.message(n).ok_or(Refusal::UnknownMessage {
                    n,
                    sent: self.messages.len() as u64,
                })?;
                if !message.to.contains(&team) {
                    return Err(Refusal::MessageNotReceived {
                        team: self.scenario.team(team).id.clone(),
                        n,
                    });
                }
                // An amendment owes no reply of its own: the original request's reply is a
                // candidate of every version (Precise rule 33).
                message.replies.iter().copied().find(candidate).or_else(|| {
                    self.thread_of_version(n, team)
                        .map(|t| self.requests[t].reply)
                        .filter(candidate)
                })
            }
        })
    }

    /// The team's not-done expectation for this action (or a decision listing it) with the
    /// earliest deadline (ties: Precise rules 8 and 24).
    pub(super) fn earliest_candidate(
        &self,
        team: TeamIx,
        action: ActionIx,
    ) -> Option<ExpectationIx> {
        let open = self.open.get(&(team, action))?;
        open.first().map(|&(.., ix)| ix)
    }

    /// Checks a free hotline message (Precise rule 21) and gives its event.
    pub(super) fn say(
        &self,
        team: TeamIx,
        to: Option<Vec<TeamIx>>,
        text: String,
        in_reply_to: Option<u64>,
    ) -> Result<Event, Refusal> {
        let team_id = || self.scenario.team(team).id.clone();
        let mut to = match to {
            None => (0..self.scenario.teams.len())
                .map(TeamIx)
                .filter(|t| *t != team)
                .collect(),
            Some(to) => {
                if to.contains(&team) {
                    return Err(Refusal::MessageToSelf { team: team_id() });
                }
                to
            }
        };
        to.sort_unstable();
        to.dedup();
        if to.is_empty() {
            return Err(Refusal::NoReceivers { team: team_id() });
        }
        if text.trim().is_empty() {
            return Err(Refusal::EmptyMessage);
        }
        if let Some(n) = in_reply_to {
            let message = self.message(n).ok_or(Refusal::UnknownMessage {
                n,
                sent: self.messages.len() as u64,
            })?;
            if !message.to.contains(&team) {
                return Err(Refusal::MessageNotReceived { team: team_id(), n });
            }
        }
        Ok(Event::Said {
            at: self.now,
            n: self.messages.len() as u64 + 1,
            from: team,
            to,
            text,
            in_reply_to,
        })
    }

    /// Makes happen, in order, everything the agenda holds within the horizon, with the
    /// draws of the triggers they fire.
    fn settle(&mut self, horizon: Horizon, events: &mut Vec<Event>) {
        loop {
            // A response's message goes first, then the triggers it fired, then the agenda.
            if let Some(message) = self.unsent_message() {
                self.record(message, events);
                continue;
            }
            if let Some(inject) = self.releasing {
                let event = self.release_or_skip(inject, self.now);
                self.record(event, events);
                continue;
            }
            if let Some(&inject) = self.fired.front() {
                let event = self.decide_fire(inject, self.now);
                self.record(event, events);
                continue;
            }
            let Some((at, due)) = self.agenda.pop_within(horizon) else {
                break;
            };

            let event = match due {
                Due::Fire(inject) if self.injects[inject.0] == InjectState::Waiting => {
                    self.decide_fire(inject, at)
                }
                Due::Release(inject) => match self.injects[inject.0] {
                    InjectState::Scheduled { release_at, .. } if release_at == at => {
                        self.release_or_skip(inject, at)
                    }
                    _ => continue,
                },
                Due::Deadline(ix) if self.is_live_deadline(ix, at) => Event::DeadlinePassed {
                    at,
                    expectation: ix,
                },
                _ => continue,
            };
            self.record(event, events);
        }
    }

    /// A scheduled inject's moment has come: it is released, unless its `unless` has fired
    /// (Precise rule 41).
    fn release_or_skip(&self, inject: InjectIx, at: Secs) -> Event {
        if self.unless_has_fired(inject) {
            Event::SkippedUnless { at, inject }
        } else {
            Event::Released {
                at,
                inject,
                by_hand: false,
            }
        }
    }

    /// The message the last response must send and has not sent yet: its action's message, a
    /// clarification's back to the request's sender, an amendment's to the receiver that asked
    /// for it.
    pub(super) fn unsent_message(&self) -> Option<Event> {
        let index = self.responses.len().checked_sub(1)?;
        if self.last_sender == Some(index) {
            return None;
        }
        let last = &self.responses[index];
        let to = if let Some(clarified) = self.clarifications.get(&index) {
            vec![self.requests[self.thread_of_version(clarified.message, last.response.team)?].from]
        } else {
            let spec = self
                .scenario
                .action(last.response.action)
                .message
                .as_ref()?;
            match self.amendment_thread(last) {
                Some(thread) => vec![self.requests[thread].to],
                None => self.scenario.recipients(spec, last.response.team),
            }
        };
        Some(Event::MessageSent {
            at: last.at,
            n: self.messages.len() as u64 + 1,
            from: last.response.team,
            action: last.response.action,
            to,
        })
    }

    /// Decides what a command cut short by a crash (its journal lines only partly written)
    /// still owed: the message of its response, the draws of the triggers it fired, the
    /// releases due at once. A resume records these before anything else.
    pub fn complete_interrupted(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        if self.started && self.ended_at.is_none() {
            self.settle(Horizon::ReleasesAt(self.now), &mut events);
        }
        events
    }

    /// A trigger fired at `at`: draw its chance, then its jitter.
    fn decide_fire(&self, inject: InjectIx, at: Secs) -> Event {
        let spec = self.scenario.inject(inject);
        let draw = draw::draw(self.settings.seed, inject, spec.jitter);
        if draw.chance < spec.chance {
            Event::Scheduled {
                at,
                inject,
                chance_draw: draw.chance,
                jitter_s: draw.jitter_s,
                release_at: at.saturating_add(spec.delay).saturating_add(draw.jitter_s),
            }
        } else {
            Event::Skipped {
                at,
                inject,
                chance_draw: draw.chance,
            }
        }
    }

    /// Whether the deadline at `at` is still the expectation's: not done, not passed, not held,
    /// and not moved by a clarification and amendment since it was planned.
    fn is_live_deadline(&self, ix: ExpectationIx, at: Secs) -> bool {
        let e = &self.expectations[ix.0];
        e.done.is_none() && !e.deadline_passed && !e.held && e.due_at == at
    }
}
