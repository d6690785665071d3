//! The console's log and the teams' outcome lines: what happened, in the words seats show.

use super::Session;
use crate::debrief::DebriefEvent;
use crate::engine::{Answers, Response};
use crate::engine::{Event, ExpectationIx, NoteKind, Outcome, Source, Status};
use crate::scenario::{ActionIx, Secs, TeamIx};
use crate::text::{short, speed_str};

impl Session {
    /// What the team's last response did, in plain words.
    pub fn team_outcome(&self, team: TeamIx) -> &[String] {
        &self.outcomes[team.0]
    }

    /// Puts on the console's log what `events` did, bookkeeping left out, and each module of
    /// the discussion as time reaches it.
    pub fn log_events(&mut self, events: &[Event]) {
        for event in events {
            if let Some(text) = self.narrate(event) {
                self.log.push((event.at(), text));
            }
            self.announce_module(event.at());
        }
    }

    /// Says on the log that a module begins, once, when the exercise's time first reaches it;
    /// whether it did.
    pub(super) fn announce_module(&mut self, at: Secs) -> bool {
        let scenario = self.exercise.scenario();
        let current = scenario.module_at(at);
        if current == self.announced_module {
            return false;
        }
        self.announced_module = current;
        let Some(module) = current.map(|m| scenario.module(m)) else {
            return false;
        };
        let text = format!("module {} begins: {}", module.id, module.title);
        self.log.push((module.from, text));
        true
    }

    /// One event as a line of the console's log; `None` for bookkeeping events.
    fn narrate(&self, event: &Event) -> Option<String> {
        let scenario = self.exercise.scenario();
        let team = |t: TeamIx| scenario.team(t).id.clone();
        Some(match event {
            Event::Started { .. } => "clock started".to_string(),
            Event::Paused { .. } => "paused".to_string(),
            Event::Resumed { .. } => "resumed".to_string(),
            Event::SpeedChanged { speed, .. } => format!("speed ×{}", speed_str(*speed)),
            Event::Scheduled { .. } | Event::Clock { .. } => return None,
            Event::Skipped { inject, .. } => {
                format!("skipped {} (chance)", scenario.inject(*inject).id)
            }
            Event::SkippedUnless { inject, .. } => {
                format!("skipped {} (unless)", scenario.inject(*inject).id)
            }
            Event::Released {
                inject, by_hand, ..
            } => {
                let inject = scenario.inject(*inject);
                let to: Vec<String> = inject.to.iter().map(|t| team(*t)).collect();
                format!(
                    "released {}{} → {}",
                    inject.id,
                    if *by_hand { " by hand" } else { "" },
                    to.join(", ")
                )
            }
            Event::DeadlinePassed { expectation, .. } => {
                format!("overdue {}", self.exercise.expectation_id(*expectation))
            }
            Event::Responded {
                response, outcome, ..
            } => {
                let action = &scenario.action(response.action).id;
                match outcome {
                    Outcome::Satisfied(ix) if self.exercise.expectation(*ix).is_decision() => {
                        let e = self.exercise.expectation(*ix);
                        format!(
                            "{} chose {action} after {}: {} {}",
                            team(response.team),
                            short(e.latency().unwrap_or(0)),
                            self.exercise.status(*ix).as_str(),
                            self.exercise.expectation_id(*ix)
                        )
                    }
                    Outcome::Satisfied(ix) => format!(
                        "{} {action}: {} {}",
                        team(response.team),
                        self.exercise.status(*ix).as_str(),
                        self.exercise.expectation_id(*ix)
                    ),
                    Outcome::Ready => {
                        format!("{} {action}: ready (done ahead)", team(response.team))
                    }
                    // A clarification that satisfies nothing is not unexpected (ttx's choice).
                    Outcome::Unexpected => match clarified(response) {
                        Some(n) => format!(
                            "{} {action}: clarifies #{n} ({} insufficient)",
                            team(response.team),
                            response.insufficient.join(", ")
                        ),
                        None => format!("{} {action}: unexpected", team(response.team)),
                    },
                }
            }
            Event::Said { n, from, to, .. } => {
                let to: Vec<String> = to.iter().map(|t| team(*t)).collect();
                format!(
                    "hotline #{n} {} → {} (free message)",
                    team(*from),
                    to.join(", ")
                )
            }
            Event::MessageSent { n, from, to, .. } => {
                let to: Vec<String> = to.iter().map(|t| team(*t)).collect();
                format!("hotline #{n} {} → {}", team(*from), to.join(", "))
            }
            Event::Noted { kind, team: t, .. } => format!(
                "observation ({}){}",
                match kind {
                    NoteKind::Strength => "strength",
                    NoteKind::Improvement => "improvement",
                },
                t.map(|t| format!(" on {}", team(t))).unwrap_or_default()
            ),
            Event::Ended { .. } => "exercise ended".to_string(),
            Event::Judged {
                expectation,
                insufficient,
                by,
                ..
            } => match insufficient.is_empty() {
                true => format!(
                    "judgement of {} taken back by {by}",
                    self.exercise.expectation_id(*expectation)
                ),
                false => format!(
                    "{} judged insufficient by {by}: {}",
                    self.exercise.expectation_id(*expectation),
                    insufficient.join(", ")
                ),
            },
            Event::Finalised { .. } => "report made final".to_string(),
        })
    }

    /// What a response did, in plain words.
    pub(super) fn describe(&self, events: &[Event]) -> Vec<String> {
        let scenario = self.exercise.scenario();
        let mut lines = Vec::new();
        let mut team = None;
        for event in events {
            match event {
                Event::Responded {
                    at,
                    response,
                    outcome,
                } => {
                    let action = &scenario.action(response.action).name;
                    team = Some(response.team);
                    match outcome {
                        Outcome::Satisfied(ix) => {
                            lines.push(self.describe_done(*ix, *at, action));
                        }
                        Outcome::Ready => lines.push(format!(
                            "\"{action}\" was done ahead of time: it will count when it is \
                             asked for."
                        )),
                        Outcome::Unexpected => match clarified(response) {
                            Some(n) => lines.push(format!(
                                "You asked for clarification of #{n}: {} found insufficient.",
                                response.insufficient.join(", ")
                            )),
                            None => lines.push(format!(
                                "\"{action}\" matched no expected action: it is kept as an \
                                 unexpected action (in the report, not scored)."
                            )),
                        },
                    }
                }
                Event::MessageSent { n, to, action, .. } => {
                    let to: Vec<&str> =
                        to.iter().map(|t| scenario.team(*t).name.as_str()).collect();
                    lines.push(format!(
                        "Hotline message #{n} delivered to {}{}.",
                        to.join(", "),
                        self.owed_on(*n, *action)
                    ));
                }
                // Only what the team itself receives: another team's inject stays its own.
                Event::Released { inject, .. }
                    if team.is_some_and(|t| scenario.inject(*inject).to.contains(&t)) =>
                {
                    lines.push(format!(
                        "It released \"{}\".",
                        scenario.inject(*inject).title
                    ))
                }
                _ => {}
            }
        }
        lines
    }

    /// What a message just sent obliges, as the sender is told: a request's reply, a
    /// clarification's amendment, an amendment's reply now running again.
    fn owed_on(&self, n: u64, action: ActionIx) -> String {
        let exercise = &self.exercise;
        let scenario = exercise.scenario();
        let basis = |basis: &Option<String>| {
            basis
                .as_ref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default()
        };
        if let Some(thread) = exercise.clarified_thread(n) {
            let spec = scenario.action(action);
            let within = spec.clarifies.unwrap_or_default();
            let reply = exercise.expectation(thread.reply);
            let waits = if reply.held {
                format!("; your reply to #{} waits for it", thread.message)
            } else {
                String::new()
            };
            return format!(
                "; they owe an amendment within {}{}{waits}",
                short(within),
                basis(&spec.basis)
            );
        }
        let to = exercise.message(n).and_then(|m| m.to.first().copied());
        if let Some(thread) = to
            .and_then(|to| exercise.request_thread(n, to))
            .filter(|t| t.message != n)
        {
            let reply = thread.reply;
            return match exercise.expectation(reply).due() {
                Some(due) if exercise.expectation(reply).done.is_none() => format!(
                    " (it amends #{}); their reply is due by T+{}",
                    thread.message,
                    crate::text::clock(due)
                ),
                _ => format!(" (it amends #{})", thread.message),
            };
        }
        scenario
            .action(action)
            .message
            .as_ref()
            .and_then(|m| m.reply.as_ref())
            .map(|r| {
                format!(
                    "; they owe \"{}\" within {}{}",
                    scenario.action(r.action).name,
                    short(r.within),
                    basis(&r.basis)
                )
            })
            .unwrap_or_default()
    }

    fn describe_done(&self, ix: ExpectationIx, at: Secs, action: &str) -> String {
        let scenario = self.exercise.scenario();
        let e = self.exercise.expectation(ix);
        let what = match e.source {
            Source::Inject(inject, _) => format!("inject \"{}\"", scenario.inject(inject).title),
            Source::Message(n) => format!("hotline message #{n}"),
        };
        // Each field not supplied, with why when it is not blank: too few words.
        let missing: Vec<(String, bool)> = match (&e.done, e.action) {
            (Some(done), Some(action)) => {
                let spec = scenario.action(action);
                let sent = &self.exercise.responses()[done.response].response.fields;
                done.missing
                    .iter()
                    .map(|&f| {
                        let name = &spec.fields[f];
                        let text = sent.iter().find(|(n, _)| n == name).map(|(_, t)| t);
                        match (text, spec.shape(f).min_words) {
                            (Some(text), Some(min)) if !text.trim().is_empty() => {
                                let words = text.split_whitespace().count();
                                let s = if words == 1 { "" } else { "s" };
                                (format!("{name} ({words} word{s}, at least {min})"), false)
                            }
                            _ => (name.clone(), true),
                        }
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let names: Vec<&str> = missing.iter().map(|(name, _)| name.as_str()).collect();
        let blank = if missing.is_empty() {
            String::new()
        } else if missing.iter().all(|(_, blank)| *blank) {
            format!(" Required fields left blank: {}.", names.join(", "))
        } else {
            format!(" Required fields not supplied: {}.", names.join(", "))
        };
        let timing = match self.exercise.status(ix) {
            Status::Late if at <= e.due_at => "late: its deadline had already passed".into(),
            Status::Late => format!("late by {}", short(at.saturating_sub(e.due_at))),
            _ => match e.due() {
                Some(due) => format!("on time, {} to spare", short(due.saturating_sub(at))),
                None => "on time (its request waits for an amendment)".into(),
            },
        };
        let status = self.exercise.status(ix).as_str();
        let id = self.exercise.expectation_id(ix);
        if e.is_decision() {
            return format!(
                "You chose \"{action}\": decision {id} (asked by {what}) made {timing}, \
                 status {status}.{blank}"
            );
        }
        format!(
            "\"{action}\" satisfied {id} (expected for {what}): {timing}, status {status}.{blank}"
        )
    }

    /// Releases, deadlines passed and the end among `events`, as the log says them.
    pub(super) fn happenings(&self, events: &[Event]) -> Vec<String> {
        let scenario = self.exercise.scenario();
        events
            .iter()
            .filter_map(|e| match e {
                Event::Released { inject, .. } => {
                    Some(format!("released {}", scenario.inject(*inject).id))
                }
                Event::DeadlinePassed { expectation, .. } => Some(format!(
                    "{} now overdue",
                    self.exercise.expectation_id(*expectation)
                )),
                Event::Ended { .. } => Some("the exercise ended".into()),
                _ => None,
            })
            .collect()
    }

    /// Says on the log why the journal could not be signed: the exercise is recorded, but
    /// `ttx verify` and the report will say the journal is not signed.
    pub(super) fn note_signing(&mut self) {
        if let Some(why) = self.recorder.take_signing_failure() {
            self.log.push((
                self.exercise.now(),
                format!("the journal is recorded but not signed: {why}"),
            ));
        }
    }

    /// A debrief event as the log says it.
    pub(super) fn say_debrief(&self, event: &DebriefEvent) -> String {
        match event {
            DebriefEvent::Rated(r) => format!(
                "rated {} {} {}{}",
                r.objective,
                r.team.as_deref().unwrap_or("jointly"),
                r.rating.code(),
                r.by.as_deref()
                    .map(|by| format!(" by {by}"))
                    .unwrap_or_default()
            ),
            DebriefEvent::Summary(_) => "executive summary written".into(),
            DebriefEvent::PlanAdded(a) => format!("improvement item {} added", a.item),
            DebriefEvent::PlanEdited(e) => format!(
                "improvement item {}: {} {}",
                e.item,
                e.field.label().to_lowercase(),
                if e.value.trim().is_empty() {
                    "cleared"
                } else {
                    "set"
                }
            ),
            DebriefEvent::PlanDropped(d) => format!("improvement item {} dropped", d.item),
            DebriefEvent::Answer(a) => format!("{} answered question {}", a.team, a.question),
            // Anonymous: the log says a form came in, not whose.
            DebriefEvent::Feedback(_) => "a feedback form submitted".into(),
            DebriefEvent::Fact(f) => format!(
                "{} {}",
                f.fact.label().to_lowercase(),
                if f.value.trim().is_empty() {
                    "taken back to the scenario's"
                } else {
                    "entered"
                }
            ),
        }
    }
}

/// The request version a clarification names, if the response is one.
fn clarified(response: &Response) -> Option<u64> {
    match response.answers {
        Some(Answers::Message(n)) if !response.insufficient.is_empty() => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use proptest::prelude::*;

    use super::super::testing::{MemoryRecorder, exercise};
    use super::*;
    use crate::role::Role;
    use crate::scenario::{Scenario, load_scenario};

    fn built_in() -> Scenario {
        load_scenario(
            "cross-border-breach.ron",
            include_str!("../../scenarios/cross-border-breach.ron"),
        )
        .expect("the built-in scenario loads")
    }

    /// What a team must never read about: every inject sent only to other teams, by title and
    /// by id.
    fn not_for(scenario: &Scenario, team: TeamIx) -> Vec<String> {
        scenario
            .injects
            .iter()
            .filter(|inject| !inject.to.contains(&team))
            .flat_map(|inject| [format!("\"{}\"", inject.title), format!("{}.", inject.id)])
            .collect()
    }

    /// A response of `action` by `team`, naming `answers`, its fields filled as a team would
    /// (a choice's first option, enough words for the rest).
    fn response(
        scenario: &Scenario,
        team: TeamIx,
        action: ActionIx,
        answers: Option<Answers>,
    ) -> Response {
        let spec = scenario.action(action);
        let fields = spec
            .fields
            .iter()
            .enumerate()
            .map(|(f, name)| {
                let text = match spec.shape(f).choices.first() {
                    Some(choice) => choice.clone(),
                    None => "a few words of substance".to_string(),
                };
                (name.clone(), text)
            })
            .collect();
        let insufficient = match spec.clarifies {
            Some(_) => vec!["summary".to_string()],
            None => Vec::new(),
        };
        Response {
            team,
            action,
            fields,
            note: None,
            answers,
            insufficient,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever the teams do and whenever, every line a team is told about its response
        /// names only what that team may see: never the title or id of an inject sent only to
        /// another team (Aldera's request releases "Hotline: request for assistance from Aldera"
        /// to Brevia, and Aldera must not hear of it).
        #[test]
        fn a_team_is_never_told_of_another_teams_injects(
            steps in proptest::collection::vec((0usize..2, 0usize..64, 0u8..3, 0u64..4), 1..40)
        ) {
            let scenario = Arc::new(built_in());
            let recorder = MemoryRecorder::default();
            let mut session = Session::new(
                exercise(Scenario::clone(&scenario)),
                Box::new(recorder),
                std::path::PathBuf::from("reports"),
            );
            session.start_pause(Role::Local).unwrap();
            let mut wall = Duration::ZERO;
            for (team, action, named, minutes) in steps {
                let team = TeamIx(team);
                wall += Duration::from_secs(minutes * 60);
                session.tick(wall);
                let actions = session.actions_for(team, "");
                let action = actions[action % actions.len()];
                let answers = match named {
                    0 => None,
                    1 => session.exercise().messages_to(team).last().map(|m| Answers::Message(m.n)),
                    _ => session.exercise().inbox(team).first().map(|(item, _)| *item),
                };
                let asked = response(&scenario, team, action, answers);
                if session.respond(Role::Team(team), asked).is_err() {
                    continue;
                }
                let forbidden = not_for(&scenario, team);
                for line in session.team_outcome(team) {
                    for secret in &forbidden {
                        prop_assert!(!line.contains(secret.as_str()), "{:?} was told {line:?}", team);
                    }
                }
            }
        }
    }
}
