//! Statuses, credit and scores: the spec's table, derived from the state, never stored.

use crate::engine::{Exercise, Expectation, ExpectationIx};
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
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Overdue => "overdue",
            Status::Met => "met",
            Status::Incomplete => "incomplete",
            Status::Late => "late",
            Status::Missed => "missed",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, Status::Met | Status::Incomplete | Status::Late)
    }
}

/// Credit over weight.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    pub credit: f64,
    pub weight: f64,
}

impl Score {
    /// The share of the weight earned; 0 with no weight.
    pub fn value(&self) -> f64 {
        if self.weight > 0.0 {
            self.credit / self.weight
        } else {
            0.0
        }
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
            None if self.ended_at().is_some() => Status::Missed,
            None if e.deadline_passed => Status::Overdue,
            None => Status::Open,
        }
    }

    /// The credit an expectation earned; 0 while it is not done.
    pub fn credit(&self, ix: ExpectationIx) -> f64 {
        let e = self.expectation(ix);
        let w = e.weight;
        match self.status(ix) {
            Status::Met => w,
            Status::Incomplete => w * supplied(e) / required(e),
            Status::Late => w * self.scenario().late_credit * supplied(e) / required(e),
            Status::Open | Status::Overdue | Status::Missed => 0.0,
        }
    }

    pub fn team_score(&self, team: TeamIx) -> Score {
        self.score_of(&self.expectations_of_team(team), |_| true)
    }

    /// The objectives that have at least one of the team's expectations, in scenario order.
    pub fn objectives_of_team(&self, team: TeamIx) -> Vec<ObjectiveIx> {
        let mut objectives: Vec<ObjectiveIx> = self
            .expectations()
            .iter()
            .filter(|e| e.team == team)
            .filter_map(|e| e.objective)
            .collect();
        objectives.sort();
        objectives.dedup();
        objectives
    }

    /// The score of the expectations of `list` that `include` keeps. Give a team's list in
    /// report order (`expectations_of_team`): summed in that order, the figures match a hand
    /// calculation down to the last bit.
    pub fn score_of(
        &self,
        list: &[ExpectationIx],
        include: impl Fn(&Expectation) -> bool,
    ) -> Score {
        list.iter()
            .copied()
            .filter(|ix| include(self.expectation(*ix)))
            .fold(Score::default(), |score, ix| Score {
                credit: score.credit + self.credit(ix),
                weight: score.weight + self.expectation(ix).weight,
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
