//! The debrief's entries as the journal records them: a rating, the executive summary, the
//! edits of the improvement plan, and the exercise's facts the scenario did not give.

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
    /// Why the shortfall happened (HSEEP's root cause analysis), in the facilitator's words.
    RootCause,
    CorrectiveAction,
    CapabilityElement,
    Responsible,
    Poc,
    Start,
    Completion,
}

impl PlanField {
    pub const ALL: [PlanField; 8] = [
        PlanField::Issue,
        PlanField::RootCause,
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
            PlanField::RootCause => "Root cause",
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

/// A line of guidance for each of HSEEP's capability elements, in `CAPABILITY_ELEMENTS`'
/// order: what a corrective action of that element changes.
pub const CAPABILITY_ELEMENT_GUIDANCE: [&str; 5] = [
    "plans, policies, procedures, agreements: what is written down",
    "who does it: teams, leadership, staffing, qualifications",
    "the equipment, systems, supplies and facilities needed",
    "teaching people the plans, procedures and tools they use",
    "exercising it again, or a review, to show it now holds",
];

/// `CAPABILITY_ELEMENTS` with their guidance, one a line, for a message that lists them.
pub fn capability_elements_explained() -> String {
    CAPABILITY_ELEMENTS
        .iter()
        .zip(CAPABILITY_ELEMENT_GUIDANCE)
        .map(|(element, guidance)| format!("  {element:<12} {guidance}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The facts about the exercise that the report's cover and overview give (evaluation.md's
/// `exercise` block), which the debrief may enter where the scenario lacks them or is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseFact {
    Sponsor,
    Location,
    /// The dates as people write them ("11–12 March 2027"); the scenario has none.
    Dates,
    /// The handling marking printed on every page ("TLP:AMBER").
    Handling,
    Contact,
}

impl ExerciseFact {
    pub const ALL: [ExerciseFact; 5] = [
        ExerciseFact::Sponsor,
        ExerciseFact::Location,
        ExerciseFact::Dates,
        ExerciseFact::Handling,
        ExerciseFact::Contact,
    ];

    /// People's name, as the report's overview has it.
    pub fn label(self) -> &'static str {
        match self {
            ExerciseFact::Sponsor => "Sponsor",
            ExerciseFact::Location => "Location",
            ExerciseFact::Dates => "Exercise dates",
            ExerciseFact::Handling => "Handling marking",
            ExerciseFact::Contact => "Point of contact",
        }
    }
}

/// A fact about the exercise entered in the debrief: it replaces the scenario's (or fills
/// it in); an empty value takes the entry back, so the scenario's stands again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactEntered {
    pub fact: ExerciseFact,
    pub value: String,
}

/// The longest fact, in characters: a line of the cover, not a text.
pub const MAX_FACT_CHARS: usize = 300;

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
    /// A fact about the exercise for the report's cover and overview.
    Fact(FactEntered),
}
