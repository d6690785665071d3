//! Format 3, the substance of a request: fields with a shape, clarifications and amendments
//! (the scenario-format spec's Precise rules 27–37), judgements (38–39), `Incomplete` (40) and
//! `unless` (41). What is checked before a command is accepted and what its events change are
//! both here, so that `decide` and `fold` keep to the rules of format 2.

use std::sync::Arc;

use super::agenda::Due;
use super::command::Refusal;
use super::event::{Answers, Event, ExpectationIx, Response};
use super::state::{
    Clarified, Exercise, Expectation, Finding, FoundBy, InjectState, JudgementRecord, Message,
    RequestThread, ResponseRecord, Source, match_key,
};
use super::triggers::On;
use crate::scenario::{Action, ActionIx, ExpectationRef, InjectIx, Secs, TeamIx, Trigger};

impl Exercise {
    // ---- checks ----

    /// A supplied field with `choices` must hold one of them (Precise rule 32).
    pub(super) fn check_choices(&self, response: &Response) -> Result<(), Refusal> {
        let action = self.scenario.action(response.action);
        for (name, text) in &response.fields {
            let Some(position) = action.field_index(name) else {
                continue;
            };
            let shape = action.shape(position);
            if !shape.allows(text) {
                return Err(Refusal::NotAChoice {
                    field: name.clone(),
                    text: text.clone(),
                    choices: shape.choices.clone(),
                });
            }
        }
        Ok(())
    }

    /// A clarification names the latest version of a request the team received and has not
    /// answered, and one or more of that request's fields (Precise rules 27 and 33); no other
    /// response finds anything insufficient.
    pub(super) fn check_clarification(&self, response: &Response) -> Result<(), Refusal> {
        let action = self.scenario.action(response.action);
        if action.clarifies.is_none() {
            return match response.insufficient.is_empty() {
                true => Ok(()),
                false => Err(Refusal::NotAClarification {
                    action: action.id.clone(),
                }),
            };
        }
        let Some(Answers::Message(n)) = response.answers else {
            return Err(Refusal::ClarificationNamesNoRequest);
        };
        let team_id = || self.scenario.team(response.team).id.clone();
        let message = self.message(n).ok_or(Refusal::UnknownMessage {
            n,
            sent: self.messages.len() as u64,
        })?;
        if !message.to.contains(&response.team) {
            return Err(Refusal::MessageNotReceived { team: team_id(), n });
        }
        let thread = self
            .thread_of_version(n, response.team)
            .map(|t| &self.requests[t])
            .ok_or_else(|| Refusal::NotARequest { n, team: team_id() })?;
        let latest = thread.latest_version();
        if latest != n {
            return Err(Refusal::NotLatestVersion { n, latest });
        }
        if thread.latest_is_clarified() {
            return Err(Refusal::AlreadyClarified { n });
        }
        if self.expectations[thread.reply.0].done.is_some() {
            return Err(Refusal::ReplyAlreadyDone { n });
        }
        if response.insufficient.is_empty() {
            return Err(Refusal::NothingInsufficient);
        }
        let request = self.scenario.action(self.request_action(thread));
        field_positions(request, &response.insufficient).map(|_| ())
    }

    /// Checks a `Judge` (Precise rule 38) and gives its event.
    pub(super) fn check_judgement(
        &self,
        expectation: ExpectationIx,
        insufficient: Vec<String>,
        reason: Option<String>,
        by: String,
    ) -> Result<Event, Refusal> {
        if self.final_at.is_some() {
            return Err(Refusal::Final);
        }
        let done = self
            .expectations
            .get(expectation.0)
            .map(|e| {
                e.done.as_ref().ok_or_else(|| Refusal::JudgedNotDone {
                    expectation: self.expectation_id(expectation),
                })
            })
            .unwrap_or(Err(Refusal::JudgedNotDone {
                expectation: format!("expectation number {}", expectation.0),
            }))?;
        let action = self
            .scenario
            .action(self.responses[done.response].response.action);
        field_positions(action, &insufficient)?;
        let has_reason = reason.as_deref().is_some_and(|r| !r.trim().is_empty());
        if !insufficient.is_empty() && !has_reason {
            return Err(Refusal::JudgementWithoutReason);
        }
        Ok(Event::Judged {
            at: self.now,
            expectation,
            insufficient,
            reason,
            by,
        })
    }

    /// Whether an inject's `unless` trigger has fired by now (earlier at this instant counts).
    pub(super) fn unless_has_fired(&self, inject: InjectIx) -> bool {
        let Some(unless) = &self.scenario.inject(inject).unless else {
            return false;
        };
        let any_copy = |on: &ExpectationRef, test: fn(&Expectation) -> bool| {
            self.by_inject[on.inject.0].iter().any(|ix| {
                let e = &self.expectations[ix.0];
                e.source == Source::Inject(on.inject, on.expectation)
                    && on.team.is_none_or(|t| t == e.team)
                    && test(e)
            })
        };
        match unless {
            Trigger::Released(on) => matches!(self.injects[on.0], InjectState::Released { .. }),
            Trigger::Met(on) => any_copy(on, |e| e.done.is_some()),
            Trigger::Missed(on) => any_copy(on, |e| e.deadline_passed),
            Trigger::Incomplete(on) => any_copy(on, |e| e.incomplete_fired),
            Trigger::Taken { action, team } => match team {
                Some(team) => self.taken.contains(&(*action, *team)),
                None => self.taken.iter().any(|(taken, _)| taken == action),
            },
            Trigger::At(_) | Trigger::Manual => false,
        }
    }

    // ---- lookups ----

    /// The receiver's thread that message `n` is a version of.
    pub(super) fn thread_of_version(&self, n: u64, receiver: TeamIx) -> Option<usize> {
        self.versions.get(&(n, receiver)).copied()
    }

    /// The thread whose amendment this response is: it satisfied the amendment a clarification
    /// asked for.
    pub(super) fn amendment_thread(&self, record: &ResponseRecord) -> Option<usize> {
        let Source::Message(m) = self.expectations[record.satisfied?.0].source else {
            return None;
        };
        self.clarification_threads.get(&m).copied()
    }

    /// The action of a thread's request.
    fn request_action(&self, thread: &RequestThread) -> ActionIx {
        self.message(thread.message)
            .and_then(|m| m.action)
            .expect("a request thread starts at a message sent by an action")
    }

    // ---- the fold ----

    /// What a clarification's response records: the version it clarifies and the fields, as
    /// positions in the request's action.
    pub(super) fn clarification_in(&self, response: &Response) -> Option<Clarified> {
        let Some(Answers::Message(n)) = response.answers else {
            return None;
        };
        self.scenario.action(response.action).clarifies?;
        let thread = &self.requests[self.thread_of_version(n, response.team)?];
        let request = self.scenario.action(self.request_action(thread));
        Some(Clarified {
            message: n,
            fields: field_positions(request, &response.insufficient).ok()?,
        })
    }

    /// A request sent: one thread per receiver, each with its reply expectation.
    pub(super) fn open_threads(&mut self, n: u64, from: TeamIx, replies: &[ExpectationIx]) {
        for &reply in replies {
            let to = self.expectations[reply.0].team;
            self.versions.insert((n, to), self.requests.len());
            self.requests.push(RequestThread {
                message: n,
                from,
                to,
                reply,
                clarifications: Vec::new(),
                amendments: Vec::new(),
                owed: None,
            });
        }
    }

    /// The clarification's message `m` is sent (Precise rules 27–29, 34, 37): the version loses
    /// the fields, the reply waits, and the sender owes an amendment.
    pub(super) fn send_clarification(&mut self, m: u64, at: Secs, response: usize) {
        let record = &self.responses[response];
        let (clarifier, action) = (record.response.team, record.response.action);
        let note = record.response.note.clone();
        let Some(clarified) = self.clarifications.get(&response).cloned() else {
            return;
        };
        let Some(t) = self.thread_of_version(clarified.message, clarifier) else {
            return;
        };
        // 1. The version's response loses the fields; what it satisfied is judged again.
        if let Some(version) = self.message(clarified.message).and_then(|v| v.response) {
            self.findings
                .entry(version)
                .or_default()
                .extend(clarified.fields.iter().map(|&field| Finding {
                    field,
                    by: FoundBy::Team(clarifier),
                    message: Some(m),
                    // The note says what is missing as the text of message `m`.
                    reason: None,
                    at,
                }));
            if let Some(ix) = self.responses[version].satisfied {
                self.rejudge(ix);
            }
        }
        // 2. The reply waits for the amendment, unless its deadline has already passed.
        let reply = self.requests[t].reply;
        let e = &self.expectations[reply.0];
        if e.done.is_none() && !e.deadline_passed {
            self.move_deadline(reply, None);
        }
        // 3. The message goes back, and the sender owes an amendment within `clarifies`.
        let scenario = Arc::clone(&self.scenario);
        let spec = scenario.action(action);
        let sender = self.requests[t].from;
        let request = scenario.action(self.request_action(&self.requests[t]));
        self.messages.push(Message {
            n: m,
            from: clarifier,
            action: Some(action),
            to: vec![sender],
            sent_at: at,
            response: Some(response),
            replies: Vec::new(),
            in_reply_to: Some(clarified.message),
            text: note,
        });
        let amendment = self.create_expectation(Expectation {
            source: Source::Message(m),
            team: sender,
            action: Some(self.request_action(&self.requests[t])),
            choices: Vec::new(),
            released_at: at,
            due_at: at.saturating_add(spec.clarifies.unwrap_or_default()),
            weight: 1.0,
            objective: None,
            required: (0..request.fields.len()).collect(),
            done: None,
            deadline_passed: false,
            held: false,
            incomplete_fired: false,
        });
        if let Some(message) = self.messages.last_mut() {
            message.replies = vec![amendment];
        }
        let thread = &mut self.requests[t];
        thread.clarifications.push(m);
        thread.owed = Some(amendment);
        self.clarification_threads.insert(m, t);
    }

    /// The amendment's message `k` is sent, to the receiver that asked for it: a new version of
    /// the request, which owes no new reply but gives the held reply its deadline again.
    pub(super) fn send_amendment(&mut self, k: u64, at: Secs, response: usize, t: usize) {
        let thread = &self.requests[t];
        let (from, to, reply) = (thread.from, thread.to, thread.reply);
        let action = self.request_action(thread);
        self.messages.push(Message {
            n: k,
            from,
            action: Some(action),
            to: vec![to],
            sent_at: at,
            response: Some(response),
            replies: Vec::new(),
            in_reply_to: thread.clarifications.last().copied(),
            text: None,
        });
        let thread = &mut self.requests[t];
        thread.amendments.push(k);
        thread.owed = None;
        self.versions.insert((k, to), t);
        let e = &self.expectations[reply.0];
        if e.held && e.done.is_none() {
            let within = self
                .scenario
                .action(action)
                .message
                .as_ref()
                .and_then(|m| m.reply.as_ref())
                .map_or(0, |r| r.within);
            self.move_deadline(reply, Some(at.saturating_add(within)));
        }
    }

    /// A judgement replaces the evaluator's earlier one on the response that satisfied the
    /// expectation (Precise rule 30).
    pub(super) fn apply_judgement(&mut self, judgement: JudgementRecord) {
        let ix = judgement.expectation;
        let Some(response) = self.expectations[ix.0].done.as_ref().map(|d| d.response) else {
            return;
        };
        let action = self
            .scenario
            .action(self.responses[response].response.action);
        let fields = field_positions(action, &judgement.insufficient).unwrap_or_default();
        let findings = self.findings.entry(response).or_default();
        findings.retain(|f| f.by != FoundBy::Evaluator);
        findings.extend(fields.into_iter().map(|field| Finding {
            field,
            by: FoundBy::Evaluator,
            message: None,
            reason: judgement.reason.clone(),
            at: judgement.at,
        }));
        self.judgements.push(judgement);
        self.rejudge(ix);
    }

    /// The required fields of a done expectation that its response does not supply: blank, too
    /// few words, or found insufficient by a finding in force (Precise rules 3, 30, 32).
    pub(super) fn missing_fields(
        &self,
        required: &[usize],
        action: &Action,
        response: usize,
    ) -> Vec<usize> {
        missing_of(
            required,
            action,
            &self.responses[response].response,
            self.findings(response),
        )
    }

    /// A done expectation judged again after a finding changed.
    fn rejudge(&mut self, ix: ExpectationIx) {
        let Some(response) = self.expectations[ix.0].done.as_ref().map(|d| d.response) else {
            return;
        };
        let action = Arc::clone(&self.scenario);
        let action = action.action(self.responses[response].response.action);
        let missing = self.missing_fields(&self.expectations[ix.0].required, action, response);
        if let Some(done) = self.expectations[ix.0].done.as_mut() {
            done.missing = missing;
        }
        self.fire_incomplete(ix);
    }

    /// `Incomplete` fires the first time a done copy lacks a required field, while the
    /// exercise runs (Precise rules 39, 40).
    pub(super) fn fire_incomplete(&mut self, ix: ExpectationIx) {
        let e = &self.expectations[ix.0];
        let lacking = e.done.as_ref().is_some_and(|d| !d.missing.is_empty());
        if !lacking || e.incomplete_fired || self.ended_at.is_some() {
            return;
        }
        let (source, team) = (e.source, e.team);
        self.expectations[ix.0].incomplete_fired = true;
        if let Source::Inject(inject, k) = source {
            self.batch
                .extend(self.waiters.on_expectation(On::Incomplete, inject, k, team));
        }
    }

    /// Puts a not-done expectation on hold (`None`) or gives it a new deadline, keeping the
    /// matching order and the agenda in step.
    fn move_deadline(&mut self, ix: ExpectationIx, due_at: Option<Secs>) {
        let old = match_key(&self.expectations[ix.0], ix);
        let e = &mut self.expectations[ix.0];
        e.held = due_at.is_none();
        e.due_at = due_at.unwrap_or(Secs::MAX);
        let new = match_key(e, ix);
        let team = e.team;
        for action in self.expectations[ix.0].accepted().to_vec() {
            if let Some(open) = self.open.get_mut(&(team, action)) {
                open.remove(&old);
                open.insert(new);
            }
        }
        if let Some(at) = due_at {
            self.agenda.push(at, Due::Deadline(ix));
        }
    }
}

/// The required fields a response does not supply, given the findings on it.
pub(super) fn missing_of(
    required: &[usize],
    action: &Action,
    response: &Response,
    findings: &[Finding],
) -> Vec<usize> {
    required
        .iter()
        .copied()
        .filter(|&f| !action.supplies(&response.fields, f) || findings.iter().any(|x| x.field == f))
        .collect()
}

/// Field names as positions in the action's fields, in the order given; an unknown or repeated
/// name is refused.
fn field_positions(action: &Action, names: &[String]) -> Result<Vec<usize>, Refusal> {
    let mut positions = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let position = action
            .field_index(name)
            .ok_or_else(|| Refusal::UnknownField {
                action: action.id.clone(),
                field: name.clone(),
                known: action.fields.clone(),
            })?;
        if names[..i].contains(name) {
            return Err(Refusal::FieldTwice {
                field: name.clone(),
            });
        }
        positions.push(position);
    }
    Ok(positions)
}
