//! Statuses, credit and scores: the spec's table, derived from the state, never stored.

use super::event::ExpectationIx;
use super::state::{Exercise, Expectation};
use crate::scenario::{ObjectiveIx, TeamIx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not done, deadline not passed (only while the exercise runs).
    Open,
    /// Not done, deadline passed (only while the exercise runs).
    Overdue,
    Met,
    Incomplete,
    Late,
    Missed,
    /// Not done when the exercise ended, its deadline still to come: not scored.
    NotDue,
}

impl Status {
    /// Its name in the scenario-format spec's table, which the report's JSON writes: a token
    /// of the file formats, like an id, not a label worded for the screens.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Overdue => "overdue",
            Status::Met => "met",
            Status::Incomplete => "incomplete",
            Status::Late => "late",
            Status::Missed => "missed",
            Status::NotDue => "not_due",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, Status::Met | Status::Incomplete | Status::Late)
    }

    /// Whether it counts in a score: done, or missed at the end.
    pub fn is_scored(self) -> bool {
        self.is_done() || self == Status::Missed
    }
}

/// Credit over weight.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    pub credit: f64,
    pub weight: f64,
}

impl Score {
    /// This score with one more expectation's credit and weight.
    fn with(self, credit: f64, weight: f64) -> Score {
        Score {
            credit: self.credit + credit,
            weight: self.weight + weight,
        }
    }

    /// The share of the weight earned; `None` with nothing scored.
    pub fn value(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.credit / self.weight)
    }
}

impl Exercise {
    pub fn status(&self, ix: ExpectationIx) -> Status {
        let e = self.expectation(ix);
        match &e.done {
            // Done at its due second but after its deadline had passed (an answer given right
            // after a resume there): the deadline's verdict, and its contingency, stand.
            Some(done) if done.at > e.due_at || e.deadline_passed => Status::Late,
            Some(done) if done.missing.is_empty() => Status::Met,
            Some(_) => Status::Incomplete,
            None => match self.ended_at() {
                Some(end) if e.deadline_passed || e.due_at <= end => Status::Missed,
                Some(_) => Status::NotDue,
                None if e.deadline_passed => Status::Overdue,
                None => Status::Open,
            },
        }
    }

    /// The credit an expectation earned: `None` while it is not scored (open, overdue,
    /// not due), 0 when missed.
    pub fn credit(&self, ix: ExpectationIx) -> Option<f64> {
        self.credit_at(ix, self.status(ix))
    }

    /// `credit`, for an expectation whose status the caller has at hand: a report row shows
    /// both, and working the status out takes a cache miss or two in a big exercise.
    pub fn credit_at(&self, ix: ExpectationIx, status: Status) -> Option<f64> {
        let e = self.expectation(ix);
        let w = e.weight;
        match status {
            Status::Met => Some(w),
            Status::Incomplete => Some(w * supplied(e) / required(e)),
            Status::Late => Some(w * self.scenario().late_credit * supplied(e) / required(e)),
            Status::Missed => Some(0.0),
            Status::Open | Status::Overdue | Status::NotDue => None,
        }
    }

    /// How many of a team's expectations are done.
    pub fn done_count(&self, team: TeamIx) -> usize {
        (0..self.expectations().len())
            .map(ExpectationIx)
            .filter(|ix| self.expectation(*ix).team == team && self.status(*ix).is_done())
            .count()
    }

    pub fn team_score(&self, team: TeamIx) -> Score {
        self.score_of(self.expectations_of_team(team), |_| true)
    }

    /// The score of a team's expectations, `list` in report order (`expectations_of_team`), and
    /// the score of each objective that has one of them scored, in scenario order: in one pass,
    /// as a big exercise's copies are tens of megabytes to walk. Each sum runs in `list`'s
    /// order, as `score_of`'s does, so the figures are the same to the last bit.
    pub fn team_scores(&self, list: &[ExpectationIx]) -> (Score, Vec<(ObjectiveIx, Score)>) {
        let mut team = Score::default();
        let mut objectives: Vec<Option<Score>> = vec![None; self.scenario().objectives.len()];
        for &ix in list {
            let Some(credit) = self.credit(ix) else {
                continue;
            };
            let e = self.expectation(ix);
            team = team.with(credit, e.weight);
            if let Some(score) = e.objective.and_then(|o| objectives.get_mut(o.0)) {
                *score = Some(score.unwrap_or_default().with(credit, e.weight));
            }
        }
        let objectives = objectives
            .into_iter()
            .enumerate()
            .filter_map(|(o, score)| Some((ObjectiveIx(o), score?)))
            .collect();
        (team, objectives)
    }

    /// The score of the scored expectations of `list` that `include` keeps. Give a team's list
    /// in report order (`expectations_of_team`): summed in that order, the figures match a hand
    /// calculation down to the last bit.
    pub fn score_of(
        &self,
        list: &[ExpectationIx],
        include: impl Fn(&Expectation) -> bool,
    ) -> Score {
        list.iter()
            .copied()
            .filter(|ix| include(self.expectation(*ix)))
            .filter_map(|ix| Some((ix, self.credit(ix)?)))
            .fold(Score::default(), |score, (ix, credit)| {
                score.with(credit, self.expectation(ix).weight)
            })
    }
}

fn supplied(e: &Expectation) -> f64 {
    if e.required.is_empty() {
        1.0
    } else {
        (e.required.len() - e.done.as_ref().map_or(0, |d| d.missing.len())) as f64
    }
}

fn required(e: &Expectation) -> f64 {
    e.required.len().max(1) as f64
}
