//! The questions the screens and reports ask the engine, so that none of them re-derives its
//! rules: the ids of expectation copies, a team's expectations, inbox and decisions, what a
//! response would satisfy, what comes next. Scores are asked of `score`.

use std::collections::HashMap;

use super::command::Refusal;
use super::event::{Answers, ExpectationIx};
use super::state::{Exercise, Expectation, InjectState, MatchKey, Message, RequestThread, Source};
use crate::scenario::{ActionIx, DECISION, InjectIx, Secs, TeamIx, Trigger};

/// An item of a team's inbox in its place on the screen (`inbox_threads`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxItem {
    pub item: Answers,
    /// When it was released or sent.
    pub at: Secs,
    /// A message listed under the first message of its thread.
    pub threaded: bool,
}

/// An expectation copy's id (`expectation_id`) as its parts: `SOURCE.EXPECTED@TEAM`, the
/// source an inject's id or `msg-N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectationName<'e> {
    source: NameSource<'e>,
    /// The action's id, or `decision`.
    expected: &'e str,
    team: &'e str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameSource<'e> {
    Inject(&'e str),
    /// A message's number.
    Message(u64),
}

impl ExpectationName<'_> {
    /// The id's length in bytes.
    fn len(&self) -> usize {
        let source = match self.source {
            NameSource::Inject(inject) => inject.len(),
            NameSource::Message(n) => {
                "msg-".len() + n.checked_ilog10().map_or(1, |d| d as usize + 1)
            }
        };
        source + 1 + self.expected.len() + 1 + self.team.len()
    }
}

/// Written piece by piece: ids are made for every line of a journal and every row of a report.
impl std::fmt::Display for ExpectationName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.source {
            NameSource::Inject(inject) => f.write_str(inject)?,
            NameSource::Message(n) => write!(f, "msg-{n}")?,
        }
        f.write_str(".")?;
        f.write_str(self.expected)?;
        f.write_str("@")?;
        f.write_str(self.team)
    }
}

impl Exercise {
    /// Where an expectation's time standard comes from (format 3): its own `basis` in the
    /// scenario, its reply's, or for an amendment the clarifying action's. Looked up, not kept
    /// on every copy.
    pub fn basis(&self, ix: ExpectationIx) -> Option<&str> {
        let scenario = &self.scenario;
        match self.expectations[ix.0].source {
            Source::Inject(inject, k) => scenario.inject(inject).expect[k].basis.as_deref(),
            Source::Message(n) => {
                let action = scenario.action(self.message(n)?.action?);
                match action.clarifies {
                    Some(_) => action.basis.as_deref(),
                    None => action.message.as_ref()?.reply.as_ref()?.basis.as_deref(),
                }
            }
        }
    }

    /// The report's id of an expectation copy: `detect.ack@us`, `msg-1.rfa-reply@cn`,
    /// `jit.decision@us`. An id names one copy: the loader refuses an inject that expects one
    /// action twice, and a team listed twice in `by`.
    pub fn expectation_id(&self, ix: ExpectationIx) -> String {
        use std::fmt::Write as _;
        let name = self.expectation_name(ix);
        // Allocated once, at its length: `format!` grows its String as it goes.
        let mut id = String::with_capacity(name.len());
        // Writing to a String cannot fail.
        let _ = write!(id, "{name}");
        id
    }

    /// `expectation_id` in its parts, for a caller that writes the id where it goes (a report's
    /// row, a rating's evidence) rather than holding a `String` of its own.
    pub fn expectation_name(&self, ix: ExpectationIx) -> ExpectationName<'_> {
        let e = &self.expectations[ix.0];
        let team = self.scenario.team(e.team).id.as_str();
        match e.source {
            Source::Inject(inject, _) => ExpectationName {
                source: NameSource::Inject(&self.scenario.inject(inject).id),
                expected: self.expected_name(e),
                team,
            },
            Source::Message(n) => ExpectationName {
                source: NameSource::Message(n),
                expected: e
                    .action
                    .map_or("?", |a| self.scenario.action(a).id.as_str()),
                team,
            },
        }
    }

    /// The second part of an inject's copy's id, as its `expect` entry's `name` gives it, read
    /// from the copy itself: the inject's `expect` list is one more look far away in memory, and
    /// ids are made for every line of a journal and every row of a report. A copy of a decision
    /// has its choices; any other, the one action expected.
    fn expected_name(&self, e: &Expectation) -> &str {
        match (e.is_decision(), e.action) {
            (false, Some(action)) => &self.scenario.action(action).id,
            _ => DECISION,
        }
    }

    /// The copy that `expectation_id` names `id`. An id starts with its source and a `.`
    /// (`detect.` for an inject, `msg-3.` for a message); ids may hold `.` themselves, so each
    /// `.` is tried as the end of the source, and the copies of a source that exists are
    /// compared whole. Looked up only when a journal is read, so no map of every id is kept.
    pub fn expectation_by_id(&self, id: &str) -> Option<ExpectationIx> {
        id.match_indices('.').find_map(|(dot, _)| {
            let source = &id[..dot];
            let from_inject = self
                .scenario
                .inject_ix(source)
                .map(|inject| self.by_inject[inject.0].as_slice());
            let from_message = source
                .strip_prefix("msg-")
                .and_then(|n| n.parse().ok())
                .and_then(|n| self.message(n))
                .map(|m| m.replies.as_slice());
            from_inject
                .into_iter()
                .chain(from_message)
                .flatten()
                .copied()
                .find(|&ix| self.is_named(ix, id))
        })
    }

    /// Whether `expectation_id(ix)` is `id`, compared piece by piece: a journal is read line by
    /// line, and an inject's id is not built for each of its copies on each line.
    fn is_named(&self, ix: ExpectationIx, id: &str) -> bool {
        let e = &self.expectations[ix.0];
        let Source::Inject(inject, _) = e.source else {
            return self.expectation_id(ix) == id;
        };
        let inject = self.scenario.inject(inject);
        let team = self.scenario.team(e.team).id.as_str();
        id.strip_prefix(inject.id.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_prefix(self.expected_name(e)))
            .and_then(|rest| rest.strip_prefix('@'))
            == Some(team)
    }

    /// A team's expectations in report order: by release time, then inject order (and the order
    /// of `expect` within an inject), then message number.
    pub fn expectations_of_team(&self, team: TeamIx) -> &[ExpectationIx] {
        self.of_team.get(team.0).map_or(&[], Vec::as_slice)
    }

    /// A team's expectations not yet done (open or overdue), in matching order: earliest
    /// deadline first.
    pub fn open_expectations(&self, team: TeamIx) -> Vec<ExpectationIx> {
        let mut keys: Vec<MatchKey> = self
            .open
            .iter()
            .filter(|((t, _), _)| *t == team)
            .flat_map(|(_, set)| set.iter().copied())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter().map(|(.., ix)| ix).collect()
    }

    /// The messages a team has received, by number.
    pub fn messages_to(&self, team: TeamIx) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(move |m| m.to.contains(&team))
    }

    /// What a team has received and sent, newest first: the injects released to it and the
    /// hotline messages sent to it or by it, each with its time. Nothing of another team's.
    pub fn inbox(&self, team: TeamIx) -> Vec<(Answers, Secs)> {
        let scenario = self.scenario();
        let mut items: Vec<(Answers, Secs)> = scenario
            .injects
            .iter()
            .enumerate()
            .filter(|(_, inject)| inject.to.contains(&team))
            .filter_map(|(i, _)| match self.inject_state(InjectIx(i)) {
                InjectState::Released { at, .. } => Some((Answers::Inject(InjectIx(i)), at)),
                _ => None,
            })
            .chain(
                self.messages()
                    .iter()
                    .filter(|m| m.to.contains(&team) || m.from == team)
                    .map(|m| (Answers::Message(m.n), m.sent_at)),
            )
            .collect();
        items.sort_by_key(|(key, at)| {
            let order = match key {
                Answers::Inject(i) => i.0 as u64,
                Answers::Message(n) => 1 << 40 | n,
            };
            std::cmp::Reverse((*at, order))
        });
        items
    }

    /// A team's inbox as its screen lists it: what `inbox` holds, with each hotline message
    /// under the first message of its thread (the one it answers, or that one's, and so on),
    /// so that a reply, a clarification, an amendment or a confirmation sits under the request
    /// it answers. Injects and threads come newest first, a thread by its latest message;
    /// within a thread, oldest first. A thread starts at the first message the team saw: a
    /// reply to a message between other teams starts its own.
    pub fn inbox_threads(&self, team: TeamIx) -> Vec<InboxItem> {
        let seen = |m: &Message| m.to.contains(&team) || m.from == team;
        let root = |m: &Message| {
            let mut first = m;
            while let Some(earlier) = first.in_reply_to.and_then(|k| self.message(k)) {
                if !seen(earlier) {
                    break;
                }
                first = earlier;
            }
            first.n
        };
        // Each group: its items in order, and what sorts it (the newest item's time and order).
        let mut groups: Vec<(Vec<InboxItem>, (Secs, u64))> = Vec::new();
        let mut thread_of: HashMap<u64, usize> = HashMap::new();
        let mut items = self.inbox(team);
        items.reverse();
        for (item, at) in items {
            let order = |n: u64| 1 << 40 | n;
            match item {
                Answers::Inject(i) => groups.push((
                    vec![InboxItem {
                        item,
                        at,
                        threaded: false,
                    }],
                    (at, i.0 as u64),
                )),
                Answers::Message(n) => {
                    let Some(message) = self.message(n) else {
                        continue;
                    };
                    let first = root(message);
                    match thread_of.get(&first) {
                        Some(&g) => {
                            groups[g].0.push(InboxItem {
                                item,
                                at,
                                threaded: true,
                            });
                            groups[g].1 = groups[g].1.max((at, order(n)));
                        }
                        None => {
                            thread_of.insert(first, groups.len());
                            groups.push((
                                vec![InboxItem {
                                    item,
                                    at,
                                    threaded: false,
                                }],
                                (at, order(n)),
                            ));
                        }
                    }
                }
            }
        }
        groups.sort_by_key(|(_, newest)| std::cmp::Reverse(*newest));
        groups.into_iter().flat_map(|(items, _)| items).collect()
    }

    /// Every decision (each team's copy of a `decide`), in release order, then inject order,
    /// then team: what the console lists as who chose what, when.
    pub fn decisions(&self) -> Vec<ExpectationIx> {
        self.expectations_in_release_order()
            .iter()
            .copied()
            .filter(|ix| self.expectation(*ix).is_decision())
            .collect()
    }

    /// The team's decision on an inject it received, chosen or not (an inject has at most
    /// one `decide`).
    pub fn decision_of(&self, team: TeamIx, inject: InjectIx) -> Option<ExpectationIx> {
        self.expectations_of_inject(inject)
            .iter()
            .copied()
            .find(|ix| {
                let e = self.expectation(*ix);
                e.team == team && e.is_decision()
            })
    }

    /// The team's decision still to be made that a response naming `answers` would make:
    /// the choices a team is offered first when it responds to that item.
    pub fn open_decision(&self, team: TeamIx, answers: Option<Answers>) -> Option<ExpectationIx> {
        match answers {
            Some(Answers::Inject(inject)) => self
                .decision_of(team, inject)
                .filter(|ix| self.expectation(*ix).done.is_none()),
            _ => None,
        }
    }

    /// A dry run of matching: the expectation a response of `action` by `team`, naming
    /// `answers`, would satisfy now; `Ok(None)` when it would stand ready or be unexpected, and
    /// the refusal when the team may not take the action or may not name that item (fields are
    /// not looked at). The screens ask this instead of copying the rule.
    pub fn would_satisfy(
        &self,
        team: TeamIx,
        action: ActionIx,
        answers: Option<Answers>,
    ) -> Result<Option<ExpectationIx>, Refusal> {
        let spec = self.scenario.action(action);
        if !spec.allows(team) {
            return Err(Refusal::ActionNotAllowed {
                team: self.scenario.team(team).id.clone(),
                action: spec.id.clone(),
            });
        }
        let named = self.named_candidate(team, action, answers)?;
        Ok(named.or_else(|| self.earliest_candidate(team, action)))
    }

    /// The fields (positions in the action's fields) a response of `action` must supply to
    /// satisfy `ix` in full: the expectation's own, or for a decision every field of the action
    /// chosen.
    pub fn required_fields(&self, ix: ExpectationIx, action: ActionIx) -> Vec<usize> {
        self.expectations[ix.0].required_for(self.scenario.action(action))
    }

    /// Responses standing ready (done ahead of time, not yet used), in the order made.
    pub fn ready_responses(&self) -> &[usize] {
        &self.ready
    }

    /// The scenario time of the next release or deadline that will happen by itself.
    pub fn next_due_at(&self) -> Option<Secs> {
        self.agenda.peek().map(|(at, _)| at)
    }

    /// The inject that will be released next by itself, and when, if any.
    pub fn next_release(&self) -> Option<(InjectIx, Secs)> {
        let scenario = self.scenario();
        let mut best: Option<(InjectIx, Secs)> = None;
        for (i, s) in self.inject_states().iter().enumerate() {
            let at = match (s, &scenario.injects[i].when) {
                (InjectState::Scheduled { release_at, .. }, _) => *release_at,
                (InjectState::Waiting, Trigger::At(at)) => *at,
                _ => continue,
            };
            if best.is_none_or(|(_, b)| at < b) {
                best = Some((InjectIx(i), at));
            }
        }
        best
    }

    /// Nothing automatic remains: no trigger to draw, no release or live deadline to come.
    pub fn is_settled(&self) -> bool {
        self.fired.is_empty() && self.releasing.is_none() && self.agenda.is_empty()
    }

    /// The requests a team may clarify now (Precise rules 27, 33): of each request it received,
    /// the latest version, when that version is not clarified yet and the reply is not done; by
    /// number. What the response form offers, so that it never offers what would be refused.
    pub fn clarifiable(&self, team: TeamIx) -> Vec<u64> {
        let mut versions: Vec<u64> = self
            .requests
            .iter()
            .filter(|t| t.to == team && !t.latest_is_clarified())
            .filter(|t| self.expectations[t.reply.0].done.is_none())
            .map(RequestThread::latest_version)
            .collect();
        versions.sort_unstable();
        versions
    }

    /// The receiver's thread of the request that message `n` is a version of (the original
    /// request or an amendment), if it is one.
    pub fn request_thread(&self, n: u64, receiver: TeamIx) -> Option<&RequestThread> {
        self.thread_of_version(n, receiver)
            .map(|t| &self.requests[t])
    }

    /// The thread whose version the clarification sent as message `m` clarified.
    pub fn clarified_thread(&self, m: u64) -> Option<&RequestThread> {
        self.clarification_threads
            .get(&m)
            .map(|&t| &self.requests[t])
    }

    /// The time an expectation allows, its time standard: a reply's `within`, which runs from
    /// the amended request once its request was clarified (Precise rule 35), while the reply
    /// keeps its first release; any other expectation's deadline minus its release.
    pub fn time_standard(&self, ix: ExpectationIx) -> Secs {
        let e = &self.expectations[ix.0];
        let reply = match e.source {
            Source::Message(n) => self
                .message(n)
                .and_then(|m| m.action)
                .and_then(|a| self.scenario.action(a).message.as_ref())
                .and_then(|m| m.reply.as_ref()),
            Source::Inject(..) => None,
        };
        reply.map_or(e.due_at.saturating_sub(e.released_at), |reply| reply.within)
    }

    /// How many injects have been released.
    pub fn released_count(&self) -> usize {
        self.injects
            .iter()
            .filter(|s| matches!(s, InjectState::Released { .. }))
            .count()
    }
}
