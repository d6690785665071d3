//! Who sits at a seat, and what each role may ask of the session: the allow-list, as data in one
//! place. The session asks it before doing anything; the screens ask it only to hide the keys a
//! seat has no use for.

use crate::scenario::{Scenario, TeamIx};

/// Who sits at a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The local terminal of `ttx run`: every view, every key.
    Local,
    Facilitator,
    /// The console, read-only.
    Observer,
    /// The console read-only, and the evaluation screen: observations and ratings.
    Evaluator,
    Team(TeamIx),
}

/// What a seat may ask of the session, by kind: what the allow-list is written over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Start, pause or resume the clock.
    StartPause,
    Speed,
    /// Move the clock on to the next thing due.
    Jump,
    /// Release an inject by hand.
    Release,
    End,
    /// An observation.
    Note,
    /// A point of the hot wash, after the end.
    HotWash,
    /// An answer to a discussion question on behalf of this team.
    Answer(TeamIx),
    /// A Participant Feedback Form, after the end.
    Feedback,
    /// A response on behalf of this team.
    Respond(TeamIx),
    /// A hotline message from this team.
    Message(TeamIx),
    /// Rate an objective.
    Rate,
    /// Find fields of a done expectation insufficient, or take that back.
    Judge,
    /// Make the report final.
    Finalise,
    Summarise,
    /// Add, edit or drop an item of the improvement plan.
    Plan,
    /// Let the teams see their results.
    ReleaseReport,
    /// Write the report's files.
    Export,
    /// Write again what the journal refused.
    RetryRecording,
}

impl Role {
    /// Whether a seat of this role may ask for `request`. Each role lists what it may: a request
    /// added later is the facilitator's alone until it is written here for another role.
    pub fn may(self, request: Request) -> bool {
        match self {
            Role::Local | Role::Facilitator => true,
            // Every served seat is offered the feedback form.
            Role::Observer => matches!(request, Request::Feedback),
            Role::Evaluator => matches!(
                request,
                Request::Note
                    | Request::Rate
                    | Request::Judge
                    | Request::HotWash
                    | Request::Feedback
            ),
            Role::Team(own) => match request {
                Request::Respond(team) | Request::Message(team) | Request::Answer(team) => {
                    team == own
                }
                Request::Feedback => true,
                _ => false,
            },
        }
    }

    /// What a seat of this role is told when it asks for what it may not.
    pub fn refusal(self) -> &'static str {
        match self {
            Role::Observer => "An observer only watches.",
            Role::Evaluator => "An evaluator records observations, judgements and ratings only.",
            Role::Local | Role::Facilitator | Role::Team(_) => "Only the facilitator can do that.",
        }
    }

    /// Sees what only the staff sees (the log's lines about the server and the seats, the seats
    /// panel): every role but a team's. A team's seat neither redraws for it nor draws it.
    pub fn sees_staff(self) -> bool {
        !matches!(self, Role::Team(_))
    }

    /// Runs the exercise: the clock, releases, observations, the end.
    pub fn runs_exercise(self) -> bool {
        matches!(self, Role::Local | Role::Facilitator)
    }

    /// The role as the seats panel and the journal's seat lines name it.
    pub fn name(self, scenario: &Scenario) -> String {
        match self {
            Role::Team(t) => format!("team {}", scenario.team(t).id),
            Role::Facilitator | Role::Local => "facilitator".into(),
            Role::Observer => "observer".into(),
            Role::Evaluator => "evaluator".into(),
        }
    }
}
