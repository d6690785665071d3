//! Streaming aggregation: each run is folded into counts and histograms as soon as it ends, so
//! memory stays flat however many runs are asked for. Tallies of separate runs merge in any order
//! to the same result (integer counts and fixed-point sums only), so a parallel simulation gives
//! the same figures as a sequential one.

use hdrhistogram::Histogram;

use crate::engine::{Exercise, ExpectationIx, InjectState, RequestThread, Score, Source, Status};
use crate::scenario::{ActionIx, InjectIx, ObjectiveIx, Scenario, Secs, TeamIx, Trigger};
use crate::simulate::run::SimulatedRun;
use crate::simulate::workload;

/// Three significant figures: times to within 0.1 % (exact up to 2048 s), scores to 0.001.
const SIGNIFICANT_FIGURES: u8 = 3;
/// Scores are recorded in thousandths.
pub const SCORE_SCALE: f64 = 1000.0;
/// Fixed-point unit of the score sums: integer addition is associative, floating-point is not.
const SUM_SCALE: f64 = (1u64 << 40) as f64;

/// HSEEP's suggested-rating thresholds (evaluation.md): at least 0.9 is P, 0.7 S, 0.4 M, else U;
/// never P when a critical task was missed, late or incomplete.
const RATING_THRESHOLDS: [f64; 3] = [0.9, 0.7, 0.4];

/// A distribution of whole numbers, with its exact extremes.
#[derive(Debug, Clone)]
pub struct Distribution {
    histogram: Histogram<u64>,
    min: u64,
    max: u64,
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution {
            // Auto-resizing from a tiny range: creating one costs next to nothing.
            histogram: Histogram::new(SIGNIFICANT_FIGURES)
                .unwrap_or_else(|_| unreachable!("3 significant figures is a valid precision")),
            min: u64::MAX,
            max: 0,
        }
    }
}

impl Distribution {
    fn record(&mut self, value: u64) {
        // Auto-resizing covers every time a scenario can reach in practice (2^62 seconds); beyond
        // that the value is clamped into the histogram (the exact extremes still see it).
        if self.histogram.record(value).is_err() {
            self.histogram.saturating_record(value);
        }
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    fn merge(&mut self, other: &Distribution) {
        // Both auto-resize, so adding cannot run out of range. Adding walks every bucket of
        // `other`, so an empty one is not added at all.
        if other.count() > 0 {
            let _ = self.histogram.add(&other.histogram);
        }
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// The value at quantile `q` (0 to 1): the lowest value of its histogram bucket, kept within
    /// the exact extremes, so a constant is reported exactly. `None` when nothing was recorded.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        (self.count() > 0).then(|| {
            let value = self.histogram.value_at_quantile(q);
            self.histogram
                .lowest_equivalent(value)
                .clamp(self.min, self.max)
        })
    }

    pub fn min(&self) -> Option<u64> {
        (self.count() > 0).then_some(self.min)
    }

    pub fn max(&self) -> Option<u64> {
        (self.count() > 0).then_some(self.max)
    }

    /// Counts in `bins` equal bins from `low` to `high` (inclusive), for a chart.
    pub fn bins(&self, low: u64, high: u64, bins: usize) -> Vec<u64> {
        let width = (high.saturating_sub(low) / bins as u64).max(1);
        (0..bins as u64)
            .map(|b| {
                let from = low + b * width;
                let to = if b + 1 == bins as u64 {
                    high.max(from)
                } else {
                    from + width - 1
                };
                self.histogram.count_between(from, to)
            })
            .collect()
    }
}

/// Scores from 0 to 1: their distribution and their exact mean.
#[derive(Debug, Clone, Default)]
pub struct ScoreTally {
    pub distribution: Distribution,
    sum: u128,
}

impl ScoreTally {
    fn record(&mut self, score: f64) {
        let score = score.clamp(0.0, 1.0);
        self.distribution
            .record((score * SCORE_SCALE).round() as u64);
        self.sum += (score * SUM_SCALE).round() as u128;
    }

    fn merge(&mut self, other: &ScoreTally) {
        self.distribution.merge(&other.distribution);
        self.sum += other.sum;
    }

    pub fn mean(&self) -> Option<f64> {
        let n = self.distribution.count();
        (n > 0).then(|| self.sum as f64 / SUM_SCALE / n as f64)
    }
}

#[derive(Debug, Clone, Default)]
pub struct InjectTally {
    pub released: u64,
    /// Its trigger fired (scheduled, released or skipped by its chance).
    pub fired: u64,
    pub release_at: Distribution,
}

/// The statuses of an expectation row, in the report's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tallied {
    Met,
    Incomplete,
    Late,
    Missed,
    NotDue,
}

#[derive(Debug, Clone, Default)]
pub struct RowTally {
    /// Copies by status, in `Tallied` order.
    pub statuses: [u64; 5],
    pub latency: Distribution,
}

#[derive(Debug, Clone, Default)]
pub struct ObjectiveTally {
    pub score: ScoreTally,
    /// Suggested ratings P, S, M, U.
    pub ratings: [u64; 4],
}

/// Format 3: one kind of request (its action, sender and receiver) and what clarifying it cost.
#[derive(Debug, Clone, Default)]
pub struct RequestTally {
    /// Requests of this kind sent, one per receiver, over all runs.
    pub sent: u64,
    /// Those clarified at least once.
    pub clarified: u64,
    /// Clarified, then amended into a version the receiver did not clarify.
    pub completed: u64,
    /// Clarified, and the reply still on hold at the end: not amended, not due.
    pub held_at_end: u64,
    /// From the first version to the complete one, for the clarified requests completed.
    pub time_lost: Distribution,
    /// From the first version to the reply, for the clarified requests replied to.
    pub replied_clarified: Distribution,
    /// From the request to the reply, for the requests replied to without a clarification.
    pub replied_not_clarified: Distribution,
}

#[derive(Debug, Clone, Default)]
pub struct TeamTally {
    pub score: ScoreTally,
    /// By objective, in scenario order.
    pub objectives: Vec<ObjectiveTally>,
    /// The longest stretch with nothing to do in each run (scenario seconds; `workload`).
    pub idle: Distribution,
    /// When that stretch began.
    pub idle_from: Distribution,
    /// The most expectations open at once in each run.
    pub peak_open: Distribution,
}

/// An objective's critical tasks over all teams: how many of its expectations were scored in
/// each run.
#[derive(Debug, Clone, Default)]
pub struct TasksTally {
    pub tasks: Distribution,
    /// Runs in which exactly one was scored: the objective's rating was all or nothing.
    pub single: u64,
}

/// Everything kept of the runs.
#[derive(Debug, Clone)]
pub struct Tally {
    pub runs: u64,
    pub duration: Distribution,
    pub last_activity: Distribution,
    pub cut_by_end: u64,
    pub injects: Vec<InjectTally>,
    pub rows: Vec<RowTally>,
    pub teams: Vec<TeamTally>,
    /// By objective, in scenario order.
    pub objectives: Vec<TasksTally>,
    /// By kind of request, in `Layout::requests` order.
    pub requests: Vec<RequestTally>,
}

/// An expectation row of the summary: one inject expectation's copy for one team, or the
/// replies to the messages that one such expectation's answers sent, or the replies to messages
/// sent otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    /// Listed even when it never existed (an inject expectation); replies only when they did.
    pub always_listed: bool,
    /// The inject it belongs to, for inject expectations.
    pub inject: Option<InjectIx>,
    /// The objective its copies count toward.
    pub objective: Option<ObjectiveIx>,
}

/// The rows of a scenario and how a run's expectation copies map onto them, computed once.
/// The maps are tables indexed by position, looked up for every copy of every run.
#[derive(Debug, Clone)]
pub struct Layout {
    pub rows: Vec<Row>,
    teams: usize,
    /// Where each inject's expectations start in `of_inject` and `attached`, counted in
    /// expectations; a copy's slot is `(first_expectation[inject] + k) * teams + team`.
    first_expectation: Vec<usize>,
    of_inject: Vec<Option<usize>>,
    /// Replies to messages sent by an answer to an inject expectation, by that expectation and
    /// the replying team.
    attached: Vec<Option<usize>>,
    /// Replies to other messages, by the message's action and the replying team
    /// (`action * teams + team`).
    unattached: Vec<Option<usize>>,
    /// Format 3: amendments, by the request's action and the amending team
    /// (`action * teams + team`); empty when the scenario has no clarifications.
    amendments: Vec<Option<usize>>,
    /// Format 3: the kinds of request whose clarifications are tallied, in the order of their
    /// action, sender and receiver in the file; empty when the scenario has no clarifications.
    pub requests: Vec<RequestKind>,
    /// Each kind's position in `requests`, by `(action * teams + from) * teams + to`.
    request_of: Vec<Option<usize>>,
}

/// A kind of request: the requests of one action from one team to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestKind {
    pub action: ActionIx,
    pub from: TeamIx,
    pub to: TeamIx,
}

impl Layout {
    pub fn of(scenario: &Scenario) -> Layout {
        let teams = scenario.teams.len();
        let mut first_expectation = Vec::with_capacity(scenario.injects.len());
        let mut expectations = 0;
        for inject in &scenario.injects {
            first_expectation.push(expectations);
            expectations += inject.expect.len();
        }
        let mut layout = Layout {
            rows: Vec::new(),
            teams,
            first_expectation,
            of_inject: vec![None; expectations * teams],
            attached: vec![None; expectations * teams],
            unattached: vec![None; scenario.actions.len() * teams],
            amendments: Vec::new(),
            requests: Vec::new(),
            request_of: Vec::new(),
        };
        let replies_to = |action: ActionIx, sender: TeamIx| -> Vec<TeamIx> {
            let spec = scenario.action(action).message.as_ref();
            match spec {
                Some(spec) if spec.reply.is_some() => scenario.recipients(spec, sender),
                _ => Vec::new(),
            }
        };
        let reply_objective = |action: ActionIx| {
            let spec = scenario.action(action).message.as_ref()?;
            spec.reply.as_ref()?.objective
        };
        for (i, inject) in scenario.injects.iter().enumerate() {
            let i = InjectIx(i);
            for (k, expectation) in inject.expect.iter().enumerate() {
                let name = format!("{}.{}", inject.id, expectation.name(scenario));
                for team in &expectation.by {
                    let id = format!("{name}@{}", scenario.team(*team).id);
                    let row = layout.push(id, true, Some(i), expectation.objective);
                    let slot = layout.inject_slot(i, k, *team);
                    layout.of_inject[slot] = Some(row);
                }
                for sender in &expectation.by {
                    for action in expectation.choices() {
                        for recipient in replies_to(*action, *sender) {
                            let slot = layout.inject_slot(i, k, recipient);
                            if layout.attached[slot].is_none() {
                                let id = format!("reply:{name}@{}", scenario.team(recipient).id);
                                let objective = reply_objective(*action);
                                layout.attached[slot] =
                                    Some(layout.push(id, false, Some(i), objective));
                            }
                        }
                    }
                }
            }
        }
        for (a, action) in scenario.actions.iter().enumerate() {
            let a = ActionIx(a);
            for sender in (0..teams).map(TeamIx) {
                if !action.allows(sender) {
                    continue;
                }
                for recipient in replies_to(a, sender) {
                    let slot = a.0 * teams + recipient.0;
                    if layout.unattached[slot].is_none() {
                        let id = format!("reply:{}@{}", action.id, scenario.team(recipient).id);
                        layout.unattached[slot] =
                            Some(layout.push(id, false, None, reply_objective(a)));
                    }
                }
            }
        }
        if scenario.actions.iter().any(|a| a.clarifies.is_some()) {
            layout.lay_out_clarifications(scenario, &replies_to);
        }
        layout
    }

    /// Format 3: a row for each request action's amendments by each team that may send it, and
    /// a kind of request for each sender and receiver.
    fn lay_out_clarifications(
        &mut self,
        scenario: &Scenario,
        replies_to: &dyn Fn(ActionIx, TeamIx) -> Vec<TeamIx>,
    ) {
        let teams = self.teams;
        self.amendments = vec![None; scenario.actions.len() * teams];
        self.request_of = vec![None; scenario.actions.len() * teams * teams];
        for (a, action) in scenario.actions.iter().enumerate() {
            let a = ActionIx(a);
            for sender in (0..teams).map(TeamIx) {
                let receivers = replies_to(a, sender);
                if !action.allows(sender) || receivers.is_empty() {
                    continue;
                }
                let id = format!("amendment:{}@{}", action.id, scenario.team(sender).id);
                self.amendments[a.0 * teams + sender.0] = Some(self.push(id, false, None, None));
                for to in receivers {
                    self.request_of[(a.0 * teams + sender.0) * teams + to.0] =
                        Some(self.requests.len());
                    self.requests.push(RequestKind {
                        action: a,
                        from: sender,
                        to,
                    });
                }
            }
        }
    }

    fn push(
        &mut self,
        id: String,
        always_listed: bool,
        inject: Option<InjectIx>,
        objective: Option<ObjectiveIx>,
    ) -> usize {
        self.rows.push(Row {
            id,
            always_listed,
            inject,
            objective,
        });
        self.rows.len() - 1
    }

    fn inject_slot(&self, inject: InjectIx, k: usize, team: TeamIx) -> usize {
        (self.first_expectation[inject.0] + k) * self.teams + team.0
    }

    /// The row an expectation copy of a finished run counts in.
    fn row_of(&self, exercise: &Exercise, ix: ExpectationIx) -> Option<usize> {
        let e = exercise.expectation(ix);
        match e.source {
            Source::Inject(inject, k) => self.of_inject[self.inject_slot(inject, k, e.team)],
            Source::Message(n) => {
                let message = exercise.message(n)?;
                if !self.amendments.is_empty() {
                    let scenario = exercise.scenario();
                    if scenario.action(message.action?).clarifies.is_some() {
                        let slot = e.action?.0 * self.teams + e.team.0;
                        return self.amendments[slot];
                    }
                }
                let sender = exercise.responses().get(message.response?)?;
                let answered = sender
                    .satisfied
                    .map(|answered| exercise.expectation(answered).source);
                match answered {
                    Some(Source::Inject(inject, k)) => {
                        self.attached[self.inject_slot(inject, k, e.team)]
                    }
                    _ => self.unattached[message.action?.0 * self.teams + e.team.0],
                }
            }
        }
    }
}

impl Tally {
    pub fn new(scenario: &Scenario, layout: &Layout) -> Tally {
        Tally {
            runs: 0,
            duration: Distribution::default(),
            last_activity: Distribution::default(),
            cut_by_end: 0,
            injects: vec![InjectTally::default(); scenario.injects.len()],
            rows: vec![RowTally::default(); layout.rows.len()],
            teams: vec![
                TeamTally {
                    objectives: vec![ObjectiveTally::default(); scenario.objectives.len()],
                    ..TeamTally::default()
                };
                scenario.teams.len()
            ],
            objectives: vec![TasksTally::default(); scenario.objectives.len()],
            requests: vec![RequestTally::default(); layout.requests.len()],
        }
    }

    /// Folds one finished run in.
    pub fn add(&mut self, layout: &Layout, run: &SimulatedRun) {
        let exercise = &run.exercise;
        let scenario = exercise.scenario();
        self.runs += 1;
        let ended_at = exercise.ended_at().unwrap_or(exercise.now());
        self.duration.record(ended_at);
        self.last_activity.record(run.last_activity);
        self.cut_by_end += u64::from(run.cut_by_end);
        for (tally, state) in self.injects.iter_mut().zip(exercise.inject_states()) {
            match state {
                InjectState::Waiting => {}
                InjectState::Scheduled { .. } | InjectState::Skipped { .. } => tally.fired += 1,
                InjectState::Released { at, by_hand } => {
                    tally.released += 1;
                    tally.fired += u64::from(!by_hand);
                    tally.release_at.record(*at);
                }
            }
        }
        for ix in (0..exercise.expectations().len()).map(ExpectationIx) {
            let Some(row) = layout.row_of(exercise, ix) else {
                continue;
            };
            let e = exercise.expectation(ix);
            let tally = &mut self.rows[row];
            let status = match exercise.status(ix) {
                Status::Met => Tallied::Met,
                Status::Incomplete => Tallied::Incomplete,
                Status::Late => Tallied::Late,
                Status::NotDue => Tallied::NotDue,
                // An ended exercise has no open or overdue copies; were it otherwise, not done
                // by the end is missed.
                Status::Missed | Status::Open | Status::Overdue => Tallied::Missed,
            };
            tally.statuses[status as usize] += 1;
            if let Some(latency) = e.latency() {
                tally.latency.record(latency);
            }
        }
        // Every team's score and its objectives' in one pass over the copies in report order:
        // each sum adds the same credits in the same order as the report's, so to the last bit.
        let objectives = scenario.objectives.len();
        let mut team_scores = vec![Score::default(); self.teams.len()];
        let mut objective_scores = vec![ObjectiveScore::default(); self.teams.len() * objectives];
        let mut tasks = vec![0u64; objectives];
        for &ix in exercise.expectations_in_release_order() {
            let Some(credit) = exercise.credit(ix) else {
                continue;
            };
            let e = exercise.expectation(ix);
            add(&mut team_scores[e.team.0], credit, e.weight);
            if let Some(objective) = e.objective {
                tasks[objective.0] += 1;
                let o = &mut objective_scores[e.team.0 * objectives + objective.0];
                add(&mut o.score, credit, e.weight);
                o.challenged |= matches!(
                    exercise.status(ix),
                    Status::Missed | Status::Late | Status::Incomplete
                );
            }
        }
        for (tally, count) in self.objectives.iter_mut().zip(tasks) {
            if count > 0 {
                tally.tasks.record(count);
                tally.single += u64::from(count == 1);
            }
        }
        let workloads = workload::of_teams(exercise);
        for (t, tally) in self.teams.iter_mut().enumerate() {
            if let Some(value) = team_scores[t].value() {
                tally.score.record(value);
            }
            if let Some(w) = workloads.get(t) {
                tally.idle.record(w.longest_idle);
                tally.idle_from.record(w.idle_from);
                tally.peak_open.record(w.peak_open);
            }
            let of_team = &objective_scores[t * objectives..(t + 1) * objectives];
            for (objective_tally, o) in tally.objectives.iter_mut().zip(of_team) {
                // Nothing of it scored, or all of weight 0: not scored at all.
                let Some(score) = o.score.value() else {
                    continue;
                };
                objective_tally.score.record(score);
                objective_tally.ratings[rating(score, o.challenged)] += 1;
            }
        }
        if !layout.requests.is_empty() {
            self.add_requests(layout, exercise);
        }
        // The scenario is the same for every run; only its length matters here.
        debug_assert_eq!(self.injects.len(), scenario.injects.len());
    }

    /// Format 3: each request and receiver of the run, by its kind: whether it was clarified,
    /// when it became complete, when it was replied to.
    fn add_requests(&mut self, layout: &Layout, exercise: &Exercise) {
        let teams = layout.teams;
        for thread in exercise.requests() {
            let Some(message) = exercise.message(thread.message) else {
                continue;
            };
            let Some(action) = message.action else {
                continue;
            };
            let slot = (action.0 * teams + thread.from.0) * teams + thread.to.0;
            let Some(kind) = layout.request_of.get(slot).copied().flatten() else {
                continue;
            };
            let tally = &mut self.requests[kind];
            let sent = message.sent_at;
            let reply = exercise.expectation(thread.reply);
            let replied = reply.done.as_ref().map(|d| d.at.saturating_sub(sent));
            tally.sent += 1;
            if thread.clarifications.is_empty() {
                if let Some(replied) = replied {
                    tally.replied_not_clarified.record(replied);
                }
                continue;
            }
            tally.clarified += 1;
            if let Some(complete) = complete_at(exercise, thread) {
                tally.completed += 1;
                tally.time_lost.record(complete.saturating_sub(sent));
            }
            if reply.held && reply.done.is_none() {
                tally.held_at_end += 1;
            }
            if let Some(replied) = replied {
                tally.replied_clarified.record(replied);
            }
        }
    }

    pub fn merge(mut self, other: Tally) -> Tally {
        self.runs += other.runs;
        self.duration.merge(&other.duration);
        self.last_activity.merge(&other.last_activity);
        self.cut_by_end += other.cut_by_end;
        for (mine, theirs) in self.injects.iter_mut().zip(&other.injects) {
            mine.released += theirs.released;
            mine.fired += theirs.fired;
            mine.release_at.merge(&theirs.release_at);
        }
        for (mine, theirs) in self.rows.iter_mut().zip(&other.rows) {
            for (m, t) in mine.statuses.iter_mut().zip(theirs.statuses) {
                *m += t;
            }
            mine.latency.merge(&theirs.latency);
        }
        for (mine, theirs) in self.requests.iter_mut().zip(&other.requests) {
            mine.sent += theirs.sent;
            mine.clarified += theirs.clarified;
            mine.completed += theirs.completed;
            mine.held_at_end += theirs.held_at_end;
            mine.time_lost.merge(&theirs.time_lost);
            mine.replied_clarified.merge(&theirs.replied_clarified);
            mine.replied_not_clarified
                .merge(&theirs.replied_not_clarified);
        }
        for (mine, theirs) in self.objectives.iter_mut().zip(&other.objectives) {
            mine.tasks.merge(&theirs.tasks);
            mine.single += theirs.single;
        }
        for (mine, theirs) in self.teams.iter_mut().zip(&other.teams) {
            mine.score.merge(&theirs.score);
            mine.idle.merge(&theirs.idle);
            mine.idle_from.merge(&theirs.idle_from);
            mine.peak_open.merge(&theirs.peak_open);
            for (m, t) in mine.objectives.iter_mut().zip(&theirs.objectives) {
                m.score.merge(&t.score);
                for (mr, tr) in m.ratings.iter_mut().zip(t.ratings) {
                    *mr += tr;
                }
            }
        }
        self
    }
}

/// When a request became complete: when its first version that the receiver did not clarify
/// was sent; `None` when every version sent was clarified.
fn complete_at(exercise: &Exercise, thread: &RequestThread) -> Option<Secs> {
    let clarified = thread.clarifications.len();
    let version = match clarified.checked_sub(1) {
        None => thread.message,
        Some(last) => *thread.amendments.get(last)?,
    };
    exercise.message(version).map(|m| m.sent_at)
}

/// A team's score on one objective in one run, as it is summed.
#[derive(Clone, Copy, Default)]
struct ObjectiveScore {
    score: Score,
    /// One of its expectations was missed, late or incomplete.
    challenged: bool,
}

/// A credit added to a score, as `Exercise::score_of` adds it.
fn add(score: &mut Score, credit: f64, weight: f64) {
    score.credit += credit;
    score.weight += weight;
}

/// The suggested rating's position in P, S, M, U.
fn rating(score: f64, challenged: bool) -> usize {
    let level = RATING_THRESHOLDS
        .iter()
        .position(|threshold| score >= *threshold)
        .unwrap_or(RATING_THRESHOLDS.len());
    if level == 0 && challenged { 1 } else { level }
}

/// The injects whose trigger is `Missed(...)`: the scenario's contingencies.
pub fn contingencies(scenario: &Scenario) -> Vec<InjectIx> {
    (0..scenario.injects.len())
        .map(InjectIx)
        .filter(|i| matches!(scenario.inject(*i).when, Trigger::Missed(_)))
        .collect()
}

/// The objectives of a team's tally that were scored at least once, with their index.
pub fn scored_objectives(team: &TeamTally) -> impl Iterator<Item = (ObjectiveIx, &ObjectiveTally)> {
    team.objectives
        .iter()
        .enumerate()
        .filter(|(_, o)| o.score.distribution.count() > 0)
        .map(|(i, o)| (ObjectiveIx(i), o))
}

/// A count as a share of the runs.
pub fn share(count: u64, runs: u64) -> f64 {
    if runs == 0 {
        0.0
    } else {
        count as f64 / runs as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_follow_the_thresholds_and_never_p_with_a_challenge() {
        assert_eq!(rating(1.0, false), 0);
        assert_eq!(rating(0.95, true), 1);
        assert_eq!(rating(0.75, false), 1);
        assert_eq!(rating(0.5, true), 2);
        assert_eq!(rating(0.1, false), 3);
    }

    #[test]
    fn a_constant_distribution_is_reported_exactly() {
        let mut d = Distribution::default();
        for _ in 0..10 {
            d.record(28_815);
        }
        assert_eq!(d.quantile(0.1), Some(28_815));
        assert_eq!(d.quantile(0.9), Some(28_815));
        assert_eq!(Distribution::default().quantile(0.5), None);
    }

    #[test]
    fn merged_tallies_do_not_depend_on_order() {
        let (mut a, mut b) = (ScoreTally::default(), ScoreTally::default());
        for i in 0..100 {
            a.record(f64::from(i) / 97.0);
            b.record(f64::from(i) / 89.0);
        }
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab.mean(), ba.mean());
        assert_eq!(ab.distribution.quantile(0.5), ba.distribution.quantile(0.5));
    }
}
