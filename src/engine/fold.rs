//! The fold: an event applied to the state, the only code that changes it. A command's events are
//! folded in as they are decided, a journal's as they are replayed, and both give one state.

use std::sync::Arc;

use super::agenda::Due;
use super::event::{Answers, Event, ExpectationIx, Outcome};
use super::state::{
    Done, Exercise, Expectation, InjectState, JudgementRecord, Message, Note, ResponseRecord,
    Rules, SkipCause, Source, match_key,
};
use super::triggers::On;
use crate::scenario::{ActionIx, InjectIx, Secs, TeamIx};

impl Exercise {
    /// Folds one event into the state. Events from `execute` always fit; a journal's events are
    /// checked first by `replay`.
    pub(super) fn apply(&mut self, event: &Event) {
        self.now = self.now.max(event.at());
        self.recorded_until = event.at();
        match event {
            Event::Started { .. } => {
                self.started = true;
                self.running = true;
            }
            Event::Paused { .. } => self.running = false,
            Event::Resumed { .. } => self.running = true,
            Event::SpeedChanged { speed, .. } => self.speed = *speed,
            Event::Scheduled {
                at,
                inject,
                release_at,
                ..
            } => {
                self.fired.retain(|i| i != inject);
                self.injects[inject.0] = InjectState::Scheduled {
                    fired_at: *at,
                    release_at: *release_at,
                };
                if release_at == at && self.rules == Rules::Format2 {
                    // No delay: carried through right after its draw (Precise rule 16).
                    self.releasing = Some(*inject);
                } else {
                    self.agenda.push(*release_at, Due::Release(*inject));
                }
            }
            Event::Skipped { at, inject, .. } => {
                self.fired.retain(|i| i != inject);
                self.injects[inject.0] = InjectState::Skipped {
                    at: *at,
                    by: SkipCause::Chance,
                };
            }
            Event::SkippedUnless { at, inject } => {
                self.fired.retain(|i| i != inject);
                if self.releasing == Some(*inject) {
                    self.releasing = None;
                }
                self.injects[inject.0] = InjectState::Skipped {
                    at: *at,
                    by: SkipCause::Unless,
                };
            }
            Event::Released {
                at,
                inject,
                by_hand,
            } => self.release(*inject, *at, *by_hand),
            Event::DeadlinePassed { expectation, .. } => {
                let e = &mut self.expectations[expectation.0];
                e.deadline_passed = true;
                let (source, team) = (e.source, e.team);
                if let Source::Inject(inject, k) = source {
                    self.batch
                        .extend(self.waiters.on_expectation(On::Missed, inject, k, team));
                }
            }
            Event::Responded {
                at,
                response,
                outcome,
            } => {
                let index = self.responses.len();
                // Listed before it is matched: judging what it satisfied reads it there.
                if let Some(clarified) = self.clarification_in(response) {
                    self.clarifications.insert(index, clarified);
                }
                self.responses.push(ResponseRecord {
                    at: *at,
                    response: response.clone(),
                    outcome: *outcome,
                    satisfied: None,
                });
                match outcome {
                    Outcome::Satisfied(ix) => {
                        self.responses[index].satisfied = Some(*ix);
                        self.satisfy(*ix, *at, index, false);
                    }
                    Outcome::Ready => self.ready.push(index),
                    Outcome::Unexpected => {}
                }
                self.taken.insert((response.action, response.team));
                self.batch
                    .extend(self.waiters.taken(response.action, response.team));
            }
            Event::Said {
                at,
                n,
                from,
                to,
                text,
                in_reply_to,
            } => self.messages.push(Message {
                n: *n,
                from: *from,
                action: None,
                to: to.clone(),
                sent_at: *at,
                response: None,
                replies: Vec::new(),
                in_reply_to: *in_reply_to,
                text: Some(text.clone()),
            }),
            Event::MessageSent {
                at,
                n,
                from,
                action,
                to,
            } => self.send_message(*at, *n, *from, *action, to),
            Event::Noted {
                at,
                team,
                objective,
                kind,
                text,
                hot_wash,
            } => self.notes.push(Note {
                at: *at,
                team: *team,
                objective: *objective,
                kind: *kind,
                text: text.clone(),
                hot_wash: *hot_wash,
            }),
            Event::Ended { at } => {
                self.ended_at = Some(*at);
                self.running = false;
            }
            Event::Judged {
                at,
                expectation,
                insufficient,
                reason,
                by,
            } => self.apply_judgement(JudgementRecord {
                at: *at,
                expectation: *expectation,
                insufficient: insufficient.clone(),
                reason: reason.clone(),
                by: by.clone(),
            }),
            Event::Finalised { at } => self.final_at = Some(*at),
            Event::Clock { .. } => {}
        }
        self.push_fired();
        let (injects, expectations) = (&self.injects, &self.expectations);
        self.agenda
            .prune(|at, due| is_live(injects, expectations, at, due));
    }

    /// The last response's message is sent: a clarification's back to the request's sender, an
    /// amendment's to the receiver that asked for it, any other with the replies it obliges.
    fn send_message(&mut self, at: Secs, n: u64, from: TeamIx, action: ActionIx, to: &[TeamIx]) {
        let response = self.responses.len().saturating_sub(1);
        self.last_sender = Some(response);
        if self.clarifications.contains_key(&response) {
            return self.send_clarification(n, at, response);
        }
        if let Some(thread) = self
            .responses
            .get(response)
            .and_then(|r| self.amendment_thread(r))
        {
            return self.send_amendment(n, at, response, thread);
        }
        let reply = self
            .scenario
            .action(action)
            .message
            .as_ref()
            .and_then(|m| m.reply.clone());
        // Precise rule 20: the message named, else the message whose reply it satisfied.
        let in_reply_to =
            self.responses
                .get(response)
                .and_then(|r| match (r.response.answers, r.satisfied) {
                    (Some(Answers::Message(n)), _) => Some(n),
                    (Some(Answers::Inject(_)), _) | (None, None) => None,
                    (None, Some(ix)) => match self.expectations[ix.0].source {
                        Source::Message(n) => Some(n),
                        Source::Inject(..) => None,
                    },
                });
        // The message is listed before its replies are created: a ready response used
        // by one of them looks the message up.
        self.messages.push(Message {
            n,
            from,
            action: Some(action),
            to: to.to_vec(),
            sent_at: at,
            response: Some(response),
            replies: Vec::new(),
            in_reply_to,
            text: None,
        });
        let replies = match reply {
            Some(reply) => to
                .iter()
                .map(|team| {
                    self.create_expectation(Expectation {
                        source: Source::Message(n),
                        team: *team,
                        action: Some(reply.action),
                        choices: Vec::new(),
                        released_at: at,
                        due_at: at.saturating_add(reply.within),
                        weight: reply.weight,
                        objective: reply.objective,
                        required: reply.fields.clone(),
                        done: None,
                        deadline_passed: false,
                        held: false,
                        incomplete_fired: false,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        self.open_threads(n, from, &replies);
        if let Some(message) = self.messages.last_mut() {
            message.replies = replies;
        }
    }

    fn release(&mut self, inject: InjectIx, at: Secs, by_hand: bool) {
        self.injects[inject.0] = InjectState::Released { at, by_hand };
        self.fired.retain(|i| *i != inject);
        if self.releasing == Some(inject) {
            self.releasing = None;
        }
        let scenario = Arc::clone(&self.scenario);
        for (k, expectation) in scenario.inject(inject).expect.iter().enumerate() {
            let choices = match &expectation.what {
                crate::scenario::Expected::Action(_) => Vec::new(),
                crate::scenario::Expected::Decision(choices) => choices.clone(),
            };
            for team in &expectation.by {
                let ix = self.create_expectation(Expectation {
                    source: Source::Inject(inject, k),
                    team: *team,
                    action: expectation.action(),
                    choices: choices.clone(),
                    released_at: at,
                    due_at: at.saturating_add(expectation.within),
                    weight: expectation.weight,
                    objective: expectation.objective,
                    required: expectation.fields.clone(),
                    done: None,
                    deadline_passed: false,
                    held: false,
                    incomplete_fired: false,
                });
                self.by_inject[inject.0].push(ix);
                self.use_ready_response(ix);
            }
        }
        self.batch.extend(self.waiters.released(inject));
    }

    pub(super) fn create_expectation(&mut self, expectation: Expectation) -> ExpectationIx {
        let ix = ExpectationIx(self.expectations.len());
        self.agenda.push(expectation.due_at, Due::Deadline(ix));
        let key = match_key(&expectation, ix);
        for action in expectation.accepted() {
            self.open
                .entry((expectation.team, *action))
                .or_default()
                .insert(key);
        }
        let team = expectation.team;
        self.expectations.push(expectation);
        let at = self.release_place(&self.in_release_order, ix);
        self.in_release_order.insert(at, ix);
        let at = self.release_place(&self.of_team[team.0], ix);
        self.of_team[team.0].insert(at, ix);
        ix
    }

    /// Where copy `ix` goes in `list`, a list of copies in release order. A copy is made when
    /// released, so it almost always goes at the end, or among the last ones (released at the
    /// same instant, later in the file): its place is looked for back from the end, in steps
    /// that double, and then in the stretch found. A search of the whole list went through
    /// copies far apart in memory.
    fn release_place(&self, list: &[ExpectationIx], ix: ExpectationIx) -> usize {
        let order = self.release_order(ix);
        let mut from = list.len();
        let mut step = 1;
        while from > 0 && self.release_order(list[from - 1]) > order {
            from = from.saturating_sub(step);
            step *= 2;
        }
        from + list[from..].partition_point(|&other| self.release_order(other) < order)
    }

    /// Done ahead of time: the team's earliest ready response for a copy just created
    /// satisfies it now, and is used up (Precise rule 18).
    fn use_ready_response(&mut self, ix: ExpectationIx) {
        let e = &self.expectations[ix.0];
        let Some(position) = self.ready.iter().position(|&r| {
            let response = &self.responses[r].response;
            response.team == e.team && e.accepts(response.action)
        }) else {
            return;
        };
        let r = self.ready.remove(position);
        self.responses[r].satisfied = Some(ix);
        let at = self.responses[r].at;
        self.satisfy(ix, at, r, true);
    }

    fn satisfy(&mut self, ix: ExpectationIx, at: Secs, response_index: usize, ahead: bool) {
        let scenario = Arc::clone(&self.scenario);
        let record = &self.responses[response_index];
        let action = scenario.action(record.response.action);
        let required = self.expectations[ix.0].required_for(action);
        let missing = self.missing_fields(&required, action, response_index);
        let e = &mut self.expectations[ix.0];
        if e.is_decision() {
            e.action = Some(record.response.action);
        }
        e.required = required;
        e.done = Some(Done {
            at,
            response: response_index,
            missing,
            ahead,
        });
        let key = match_key(e, ix);
        let (source, team) = (e.source, e.team);
        for accepted in self.expectations[ix.0].accepted() {
            if let Some(set) = self.open.get_mut(&(team, *accepted)) {
                set.remove(&key);
            }
        }
        if let Source::Inject(inject, k) = source {
            self.batch
                .extend(self.waiters.on_expectation(On::Met, inject, k, team));
        }
        self.fire_incomplete(ix);
    }

    /// Queues the draws of the triggers one event fired, for injects still waiting on them:
    /// on top of the stack, first in file order on top (Precise rule 16).
    fn push_fired(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let mut batch = std::mem::take(&mut self.batch);
        let waiting = |exercise: &Self, inject: &InjectIx| {
            exercise.injects[inject.0] == InjectState::Waiting && !exercise.fired.contains(inject)
        };
        match self.rules {
            Rules::Format2 => {
                batch.sort_unstable();
                batch.dedup();
                for inject in batch.into_iter().rev() {
                    if waiting(self, &inject) {
                        self.fired.push_front(inject);
                    }
                }
            }
            Rules::Format1 => {
                for inject in batch {
                    if waiting(self, &inject) {
                        self.fired.push_back(inject);
                    }
                }
            }
        }
    }

    fn release_order(&self, ix: ExpectationIx) -> (Secs, Source, TeamIx) {
        let e = &self.expectations[ix.0];
        (e.released_at, e.source, e.team)
    }
}

/// Whether an agenda item still matters; stale ones are dropped as they come up. A deadline
/// moved by a clarification and its amendment leaves its first item stale.
fn is_live(injects: &[InjectState], expectations: &[Expectation], at: Secs, due: Due) -> bool {
    match due {
        Due::Fire(inject) => injects[inject.0] == InjectState::Waiting,
        Due::Release(inject) => matches!(injects[inject.0], InjectState::Scheduled { .. }),
        Due::Deadline(ix) => {
            let e = &expectations[ix.0];
            e.done.is_none() && !e.deadline_passed && !e.held && e.due_at == at
        }
    }
}
