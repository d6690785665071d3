//! A profile of simulated teams measured in journals (`ttx simulate --profile-from`): per team
//! and action, the share of expectations answered, the response time's median and 90th
//! percentile (a log-normal fitted to the latencies), the share of required fields left blank,
//! the share of requests found insufficient and of insufficient requests clarified, the share of
//! `ahead` actions taken before they were asked; per decision, how often each choice was made;
//! per `Manual` inject, when the facilitator released it.
//!
//! Teams and actions are matched by id, so the journals may be of last year's scenario and the
//! profile for next year's. What a team and action has too little of borrows the team's measure
//! over all its actions (times then as a share of each standard), and what the team has none
//! of, the built-in typical team's.

use std::collections::{BTreeMap, HashMap};

use super::Edition;
use super::measure::{clarified_fields, latency};
use crate::engine::{Exercise, FoundBy, InjectState, Source, Status};
use crate::scenario::{ActionIx, InjectIx, Scenario, Secs, TeamIx, Trigger, format_secs};
use crate::simulate::Profile;
use crate::simulate::profile::{Behaviour, Time, Z90};

/// A team and action needs this many latencies for its own response time; with fewer it takes
/// the team's.
pub const MIN_LATENCIES: usize = 3;

/// Response times are fitted as shares of the standard only when their logarithms spread less
/// than this part of the durations' spread.
const SHARES_SPREAD_LESS: f64 = 0.95;

/// A profile measured in journals, with what was measured for people to read.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub profile: Profile,
    /// One line per team and action measured, then the teams not measured.
    pub measured: Vec<String>,
}

/// What the journals hold about one team and action (or one team, summed).
#[derive(Debug, Clone, Default)]
struct Tally {
    /// Expectations owed (a decision not made counts a share for each choice) and answered.
    owed: f64,
    answered: f64,
    /// (latency, standard) of each one answered after it was asked.
    latencies: Vec<(Secs, Secs)>,
    /// Required fields of what answered, and of those not supplied (requests apart).
    required: usize,
    blank: usize,
    /// Versions of requests sent (originals and amendments), and of those insufficient.
    requests: usize,
    insufficient: usize,
    /// Of the insufficient versions sent: their fields beyond the one that makes them
    /// insufficient, and of those not supplied.
    extra: usize,
    extra_blank: usize,
    /// Insufficient versions received by a team that could ask, and of those it asked about.
    received_insufficient: usize,
    clarified: usize,
    /// Exercises in which the team could act ahead, and in which it did.
    ahead_chances: usize,
    ahead_taken: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.owed += other.owed;
        self.answered += other.answered;
        self.latencies.extend_from_slice(&other.latencies);
        self.required += other.required;
        self.blank += other.blank;
        self.requests += other.requests;
        self.insufficient += other.insufficient;
        self.extra += other.extra;
        self.extra_blank += other.extra_blank;
        self.received_insufficient += other.received_insufficient;
        self.clarified += other.clarified;
        self.ahead_chances += other.ahead_chances;
        self.ahead_taken += other.ahead_taken;
    }

    /// This tally's measures over `below`: what it has data for wins. `shares`: times as a
    /// share of the standard whatever fits better (a team's pooled actions have many standards).
    fn over(&self, below: Behaviour, shares: bool) -> Behaviour {
        let ratio = |n: usize, of: usize, or: f64| {
            if of > 0 { n as f64 / of as f64 } else { or }
        };
        Behaviour {
            respond: if self.owed > 0.0 {
                self.answered / self.owed
            } else {
                below.respond
            },
            times: log_normal(&self.latencies, shares).unwrap_or(below.times),
            blank_field: if self.required > 0 {
                ratio(self.blank, self.required, below.blank_field)
            } else {
                ratio(self.extra_blank, self.extra, below.blank_field)
            },
            ahead: ratio(self.ahead_taken, self.ahead_chances, below.ahead),
            insufficient: ratio(self.insufficient, self.requests, below.insufficient),
            clarify: ratio(self.clarified, self.received_insufficient, below.clarify),
        }
    }

    fn is_empty(&self) -> bool {
        self.owed == 0.0
            && self.latencies.is_empty()
            && self.required == 0
            && self.requests == 0
            && self.received_insufficient == 0
            && self.ahead_chances == 0
    }
}

/// The median and 90th percentile of a log-normal fitted to the latencies (the mean and the
/// standard deviation of their logarithms), as durations, or as shares of each one's standard
/// where those spread clearly less (by `SHARES_SPREAD_LESS`: with one standard for all, both
/// spread alike); always as shares with `shares`. `None` with fewer than `MIN_LATENCIES`.
fn log_normal(latencies: &[(Secs, Secs)], shares: bool) -> Option<(Time, Time)> {
    if latencies.len() < MIN_LATENCIES {
        return None;
    }
    // A response in the same second counts as one second: the logarithm needs more than 0.
    let durations: Vec<f64> = latencies
        .iter()
        .map(|(l, _)| (*l).max(1) as f64)
        .map(f64::ln)
        .collect();
    let relative: Vec<f64> = latencies
        .iter()
        .map(|(l, w)| ((*l).max(1) as f64 / (*w).max(1) as f64).ln())
        .collect();
    let (mu_d, sigma_d) = mean_sd(&durations);
    let (mu_s, sigma_s) = mean_sd(&relative);
    if shares || sigma_s < sigma_d * SHARES_SPREAD_LESS {
        Some((
            Time::Share(mu_s.exp()),
            Time::Share((mu_s + Z90 * sigma_s).exp()),
        ))
    } else {
        let secs = |x: f64| x.exp().round() as Secs;
        Some((
            Time::Duration(secs(mu_d)),
            Time::Duration(secs(mu_d + Z90 * sigma_d)),
        ))
    }
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, variance.sqrt())
}

/// Tallies by (team id, action id).
type Tallies = BTreeMap<(String, String), Tally>;

/// Measures the journals' teams and makes a profile of them for `scenario`; `name` is what
/// summaries call it. Refused when no team of the journals is a team of the scenario.
pub fn fit(editions: &[Edition], scenario: &Scenario, name: String) -> Result<Fitted, String> {
    let mut tallies = Tallies::new();
    let mut decisions: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut manual: BTreeMap<String, Vec<Secs>> = BTreeMap::new();
    for edition in editions {
        measure(&edition.exercise, &mut tallies, &mut decisions, &mut manual);
    }
    let journal_teams: Vec<&String> = {
        let mut teams: Vec<&String> = tallies.keys().map(|(t, _)| t).collect();
        teams.dedup();
        teams
    };
    if !scenario
        .teams
        .iter()
        .any(|t| journal_teams.contains(&&t.id))
    {
        return Err(format!(
            "the journals' teams ({}) are none of the scenario's ({}): a fitted profile is \
             matched to the scenario by team id",
            journal_teams
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            scenario
                .teams
                .iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut teams: HashMap<&str, Tally> = HashMap::new();
    for ((team, _), tally) in &tallies {
        teams.entry(team.as_str()).or_default().add(tally);
    }
    let behaviours: Vec<Vec<Behaviour>> = scenario
        .teams
        .iter()
        .map(|team| {
            let base = teams
                .get(team.id.as_str())
                .map_or(Behaviour::TYPICAL, |t| t.over(Behaviour::TYPICAL, true));
            scenario
                .actions
                .iter()
                .map(|action| {
                    tallies
                        .get(&(team.id.clone(), action.id.clone()))
                        .map_or(base, |t| t.over(base, false))
                })
                .collect()
        })
        .collect();

    let mut weights: Vec<(InjectIx, Vec<(ActionIx, f64)>)> = Vec::new();
    for ((inject, action), count) in &decisions {
        let (Some(i), Some(a)) = (scenario.inject_ix(inject), scenario.action_ix(action)) else {
            continue;
        };
        let Some(choices) = crate::simulate::profile::decision_of(scenario, i) else {
            continue;
        };
        if !choices.contains(&a) {
            continue;
        }
        match weights.iter_mut().find(|(at, _)| *at == i) {
            Some((_, list)) => list.push((a, *count)),
            None => weights.push((i, vec![(a, *count)])),
        }
    }
    let released: Vec<(InjectIx, Secs)> = manual
        .iter()
        .filter_map(|(inject, times)| {
            let i = scenario.inject_ix(inject)?;
            (scenario.inject(i).when == Trigger::Manual).then(|| (i, median(times)))
        })
        .collect();

    let profile = Profile::measured(
        name,
        scenario,
        |t, a| behaviours[t.0][a.0],
        weights,
        released,
    );
    Ok(Fitted {
        measured: describe(scenario, &tallies, &teams, &profile),
        profile,
    })
}

/// The lower middle of a list, which is never empty.
fn median(times: &[Secs]) -> Secs {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted[(sorted.len() - 1) / 2]
}

/// Adds what one exercise says to the tallies.
fn measure(
    exercise: &Exercise,
    tallies: &mut Tallies,
    decisions: &mut BTreeMap<(String, String), f64>,
    manual: &mut BTreeMap<String, Vec<Secs>>,
) {
    let scenario = exercise.scenario();
    let team_id = |t: TeamIx| scenario.team(t).id.clone();
    let action_id = |a: ActionIx| scenario.action(a).id.clone();
    let mut ahead_taken: Vec<(TeamIx, ActionIx)> = Vec::new();

    for (ix, e) in exercise.expectations().iter().enumerate() {
        let ix = crate::engine::ExpectationIx(ix);
        match exercise.status(ix) {
            Status::Open | Status::NotDue => continue,
            _ if e.held && e.done.is_none() => continue,
            _ => {}
        }
        if let Some(done) = &e.done {
            if done.ahead {
                // Done before it was asked: the `ahead` share's, not a response time.
                ahead_taken.extend(e.action.map(|a| (e.team, a)));
                continue;
            }
            if e.is_decision()
                && let (Source::Inject(inject, _), Some(chosen)) = (e.source, e.action)
            {
                *decisions
                    .entry((
                        scenario.inject(inject).id.as_str().to_owned(),
                        action_id(chosen),
                    ))
                    .or_default() += 1.0;
            }
        }
        // A simulated team asks for clarification only of a request it finds insufficient,
        // never because an inject expects it to: those are measured with the requests.
        let targets: Vec<(ActionIx, f64)> = match e.action {
            Some(a) => vec![(a, 1.0)],
            None => {
                let share = 1.0 / e.choices.len().max(1) as f64;
                e.choices.iter().map(|a| (*a, share)).collect()
            }
        };
        for (action, share) in targets {
            if scenario.action(action).clarifies.is_some() {
                continue;
            }
            let tally = tallies
                .entry((team_id(e.team), action_id(action)))
                .or_default();
            tally.owed += share;
            let Some(done) = &e.done else {
                continue;
            };
            tally.answered += share;
            tally
                .latencies
                .push((latency(exercise, ix), exercise.time_standard(ix)));
            if !is_request(scenario, action) {
                let required = e.required_for(scenario.action(action));
                tally.required += required.len();
                tally.blank += done.missing.len();
            }
        }
    }

    let clarified = clarified_fields(exercise);
    // Who asked about each version of a request, and when.
    let mut asked: HashMap<u64, Vec<(TeamIx, Secs)>> = HashMap::new();
    for (n, record) in exercise.responses().iter().enumerate() {
        if let Some(c) = exercise.clarification(n) {
            asked
                .entry(c.message)
                .or_default()
                .push((record.response.team, record.at));
        }
    }
    for message in exercise.messages() {
        let (Some(action), Some(response)) = (message.action, message.response) else {
            continue;
        };
        if !is_request(scenario, action) {
            continue;
        }
        let spec = scenario.action(action);
        let Some(sent) = exercise.responses().get(response) else {
            continue;
        };
        let not_supplied = (0..spec.fields.len())
            .filter(|f| !spec.supplies(&sent.response.fields, *f))
            .count();
        let judged = exercise
            .findings(response)
            .iter()
            .any(|f| f.by == FoundBy::Evaluator);
        let was_clarified = clarified.contains_key(&message.n);
        let insufficient = not_supplied > 0 || was_clarified || judged;
        let tally = tallies
            .entry((team_id(message.from), action_id(action)))
            .or_default();
        tally.requests += 1;
        if insufficient {
            tally.insufficient += 1;
            if spec.fields.len() > 1 {
                tally.extra += spec.fields.len() - 1;
                tally.extra_blank += not_supplied.saturating_sub(1);
            }
        }
        for receiver in &message.to {
            let Some(clarify) = scenario
                .actions
                .iter()
                .position(|a| a.clarifies.is_some() && a.allows(*receiver))
                .map(ActionIx)
            else {
                continue;
            };
            let by_receiver: Vec<Secs> = asked
                .get(&message.n)
                .into_iter()
                .flatten()
                .filter(|(team, _)| team == receiver)
                .map(|(_, at)| *at)
                .collect();
            if not_supplied == 0 && by_receiver.is_empty() {
                continue;
            }
            let tally = tallies
                .entry((team_id(*receiver), action_id(action)))
                .or_default();
            tally.received_insufficient += 1;
            if let Some(at) = by_receiver.first() {
                tally.clarified += 1;
                // The simulated team's time to ask runs against the reply's standard.
                let within = spec
                    .message
                    .as_ref()
                    .and_then(|m| m.reply.as_ref())
                    .map_or(0, |r| r.within);
                tallies
                    .entry((team_id(*receiver), action_id(clarify)))
                    .or_default()
                    .latencies
                    .push((at.saturating_sub(message.sent_at), within));
            }
        }
    }

    for (t, _) in scenario.teams.iter().enumerate() {
        let team = TeamIx(t);
        for (a, action) in scenario.actions.iter().enumerate() {
            let action_ix = ActionIx(a);
            let expected = scenario.injects.iter().any(|inject| {
                inject
                    .expect
                    .iter()
                    .any(|x| x.action() == Some(action_ix) && x.by.contains(&team))
            });
            if !action.ahead || !action.allows(team) || !expected {
                continue;
            }
            let tally = tallies
                .entry((team_id(team), action_id(action_ix)))
                .or_default();
            tally.ahead_chances += 1;
            if ahead_taken.contains(&(team, action_ix)) {
                tally.ahead_taken += 1;
            }
        }
    }

    for (i, state) in exercise.inject_states().iter().enumerate() {
        let inject = scenario.inject(InjectIx(i));
        if let (InjectState::Released { at, by_hand: true }, Trigger::Manual) =
            (state, &inject.when)
        {
            manual
                .entry(inject.id.as_str().to_owned())
                .or_default()
                .push(*at);
        }
    }
}

/// Whether a response of `action` sends a request: a message that obliges a reply.
fn is_request(scenario: &Scenario, action: ActionIx) -> bool {
    scenario
        .action(action)
        .message
        .as_ref()
        .is_some_and(|m| m.reply.is_some())
}

/// What was measured, for people: each team and action with data, then the scenario's teams the
/// journals do not have.
fn describe(
    scenario: &Scenario,
    tallies: &Tallies,
    teams: &HashMap<&str, Tally>,
    profile: &Profile,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (t, team) in scenario.teams.iter().enumerate() {
        if !teams.contains_key(team.id.as_str()) {
            lines.push(format!(
                "{}: not in the journals; the built-in typical team",
                team.id
            ));
            continue;
        }
        for (a, action) in scenario.actions.iter().enumerate() {
            let Some(tally) = tallies.get(&(team.id.clone(), action.id.clone())) else {
                continue;
            };
            if tally.is_empty() {
                continue;
            }
            let b = profile.behaviour(TeamIx(t), ActionIx(a));
            let mut parts = Vec::new();
            if tally.owed > 0.0 {
                parts.push(format!(
                    "answered {} of {} ({:.0}%)",
                    round(tally.answered),
                    round(tally.owed),
                    b.respond * 100.0
                ));
            }
            let own = tally.latencies.len() >= MIN_LATENCIES;
            if !tally.latencies.is_empty() {
                parts.push(format!(
                    "median {}, p90 {} ({} latenc{}{})",
                    time(b.times.0),
                    time(b.times.1),
                    tally.latencies.len(),
                    if tally.latencies.len() == 1 {
                        "y"
                    } else {
                        "ies"
                    },
                    if own { "" } else { "; too few: the team's" }
                ));
            }
            if tally.requests > 0 {
                parts.push(format!(
                    "{} of {} requests insufficient",
                    tally.insufficient, tally.requests
                ));
            }
            if tally.received_insufficient > 0 {
                parts.push(format!(
                    "asked about {} of {} insufficient requests received",
                    tally.clarified, tally.received_insufficient
                ));
            }
            if tally.ahead_chances > 0 {
                parts.push(format!(
                    "ahead in {} of {} exercises",
                    tally.ahead_taken, tally.ahead_chances
                ));
            }
            lines.push(format!("{} {}: {}", team.id, action.id, parts.join("; ")));
        }
    }
    lines
}

/// A share count as people read it: whole where it is whole.
fn round(count: f64) -> String {
    if count.fract() == 0.0 {
        format!("{count:.0}")
    } else {
        format!("{count:.1}")
    }
}

fn time(t: Time) -> String {
    match t {
        Time::Share(share) => format!("{:.0}% of the standard", share * 100.0),
        Time::Duration(secs) => format_secs(secs),
    }
}
