//! The debrief's entries as the journal records them: a rating, the executive summary, and the
//! edits of the improvement plan.

use serde::{Deserialize, Serialize};

use super::discussion::{Answer, Feedback};
use super::evaluation::Rating;

/// A rating of an objective, for one team or (`team: None`) jointly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rated {
    pub objective: String,
    pub team: Option<String>,
    pub rating: Rating,
    /// Why the rating differs from the suggestion (required then).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub analysis: Option<String>,
    /// The evaluator: the seat's user, or `facilitator` at the console.
    #[serde(default)]
    pub by: Option<String>,
}

/// The executive summary, replacing any earlier text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub text: String,
}

/// An area for improvement added by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanAdded {
    /// Its id, `added-N`, given by the writer (the next free number).
    pub item: String,
    pub objective: Option<String>,
    pub team: Option<String>,
    pub issue: String,
}

/// One field of an improvement-plan item set (an empty value clears it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEdited {
    pub item: String,
    pub field: PlanField,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDropped {
    pub item: String,
}

/// The fields of an improvement-plan item a person edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum PlanField {
    Issue,
    CorrectiveAction,
    CapabilityElement,
    Responsible,
    Poc,
    Start,
    Completion,
}

impl PlanField {
    pub const ALL: [PlanField; 7] = [
        PlanField::Issue,
        PlanField::CorrectiveAction,
        PlanField::CapabilityElement,
        PlanField::Responsible,
        PlanField::Poc,
        PlanField::Start,
        PlanField::Completion,
    ];

    /// People's name, as in HSEEP's improvement plan matrix.
    pub fn label(self) -> &'static str {
        match self {
            PlanField::Issue => "Issue / area for improvement",
            PlanField::CorrectiveAction => "Corrective action",
            PlanField::CapabilityElement => "Capability element",
            PlanField::Responsible => "Primary responsible organisation",
            PlanField::Poc => "Point of contact",
            PlanField::Start => "Start date",
            PlanField::Completion => "Completion date",
        }
    }
}

/// HSEEP's capability elements, the only values of `capability_element`.
pub const CAPABILITY_ELEMENTS: [&str; 5] = [
    "Planning",
    "Organization",
    "Equipment",
    "Training",
    "Exercises",
];

/// One debrief event, as the journal records it.
#[derive(Debug, Clone, PartialEq)]
pub enum DebriefEvent {
    Rated(Rated),
    Summary(Summary),
    PlanAdded(PlanAdded),
    PlanEdited(PlanEdited),
    PlanDropped(PlanDropped),
    /// A version of a team's answer to a discussion question (discussion.md).
    Answer(Answer),
    /// A Participant Feedback Form (discussion.md).
    Feedback(Feedback),
}
