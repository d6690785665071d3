//! A scenario file as written: each record declared once (`record!`), with the span of every
//! value, before any reference is resolved. Reading the tree into these records checks shapes
//! and single values (types, ranges, durations); `resolve` then turns names into indices.

use compact_str::CompactString;

use super::duration::Duration;
use crate::ron_file::{
    Each, Errors, FromValue, Kind, Positive, Share, Span, Spanned, Value, record,
};

/// An id or a reference as written, with its span: short, so kept inline (up to 24 bytes)
/// rather than allocated; most are only looked up, and never reach the model.
pub type Name = Spanned<CompactString>;

/// A list of names as written, with the span of the list and of each name.
pub type Names = Spanned<Vec<Name>>;

record! {
    /// The whole file.
    pub struct RawScenario as "Scenario", "the scenario" {
        title: String = Required,
        summary: String = Optional,
        speed: Spanned<Positive> = Optional,
        end: Spanned<Duration> = Optional,
        seed: u64 = Optional,
        late_credit: Share = Optional,
        exercise: RawExercise = Optional,
        ratings: RawRatings = Optional,
        objectives: Each<RawObjective> = Optional,
        teams: Spanned<Each<RawTeam>> = Required,
        actions: Each<RawAction> = Optional,
        injects: Spanned<Each<RawInject>> = Required,
        /// The discussion's modules, in the order they begin (discussion.md).
        modules: Spanned<Each<RawModule>> = Optional,
        /// The Participant Feedback Form's statements, replacing HSEEP's six.
        feedback: Spanned<Vec<Spanned<String>>> = Optional,
        /// The simulated teams' profile, read by `ttx simulate` (simulate.md): kept as written,
        /// its text copied from the source once the tree is gone.
        profile: Span = Optional,
    }
}

record! {
    pub struct RawObjective as "Objective", "an objective" {
        id: Name = Required,
        name: String = Required,
        capability: String = Optional,
        target: String = Optional,
    }
}

record! {
    /// What the after-action report says about the exercise (evaluation.md).
    pub struct RawExercise as "Exercise", "the exercise's description" {
        sponsor: String = Optional,
        location: String = Optional,
        mission_areas: Vec<String> = Optional,
        handling: String = Optional,
        contact: String = Optional,
        scope: String = Optional,
        /// The threat or hazard, for the handbooks' overview.
        threat: String = Optional,
        /// The assumptions and artificialities the players accept.
        assumptions: Vec<String> = Optional,
        /// The day's agenda, wall-clock lines printed as given.
        schedule: Each<RawScheduleLine> = Optional,
    }
}

record! {
    /// `(at: "09:00", item: "Module 1")` in the exercise's `schedule`.
    pub struct RawScheduleLine as "Schedule", "a line of the schedule" {
        at: String = Required,
        item: String = Required,
    }
}

record! {
    /// A segment of the story with its narrative update and discussion questions.
    pub struct RawModule as "Module", "a module" {
        id: Name = Required,
        title: String = Required,
        /// The scenario time at which it begins.
        from: Spanned<Duration> = Required,
        narrative: String = Required,
        questions: Each<RawQuestion> = Optional,
    }
}

record! {
    pub struct RawQuestion as "Question", "a discussion question" {
        id: Name = Required,
        text: Spanned<String> = Required,
        /// The teams it is addressed to; every team when absent.
        to: Names = Optional,
        objective: Name = Optional,
    }
}

record! {
    /// The thresholds of the suggested rating.
    pub struct RawRatings as "Ratings", "the rating thresholds" {
        performed: Share = Optional,
        some: Share = Optional,
        major: Share = Optional,
    }
}

record! {
    pub struct RawTeam as "Team", "a team" {
        id: Name = Required,
        name: String = Required,
        summary: String = Optional,
        organisations: Vec<String> = Optional,
    }
}

record! {
    pub struct RawAction as "Action", "an action" {
        id: Name = Required,
        name: String = Required,
        description: String = Optional,
        teams: Names = Optional,
        fields: Each<RawField> = Optional,
        message: RawMessage = Optional,
        ahead: Spanned<bool> = Optional,
        /// Format 3: the receiving side's answer to an insufficient request, and the time the
        /// sender has to amend it.
        clarifies: Duration = Optional,
        /// Where the amendment's time standard comes from (only with `clarifies`).
        basis: Spanned<String> = Optional,
    }
}

/// An entry of an action's `fields`: a name, or (format 3) a record giving the field a shape.
#[derive(Debug, Clone, PartialEq)]
pub enum RawField {
    Name(Name),
    Shaped(RawFieldShape),
}

impl RawField {
    /// The field's name as written; `None` when a record has none (reported).
    pub fn name(&self) -> Option<&Name> {
        match self {
            RawField::Name(name) => Some(name),
            RawField::Shaped(shape) => shape.name.given(),
        }
    }
}

record! {
    /// `(name: "indicators", hint: "...", min_words: 3)` in an action's `fields`.
    pub struct RawFieldShape as "Field", "a field of an action" {
        name: Name = Required,
        hint: String = Optional,
        choices: Names = Optional,
        min_words: Spanned<u64> = Optional,
    }
}

impl FromValue for RawField {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match &value.kind {
            Kind::Str(_) => Spanned::from_value(value, field, errors).map(RawField::Name),
            Kind::Struct { .. } => {
                RawFieldShape::from_value(value, field, errors).map(RawField::Shaped)
            }
            other => {
                let message = format!(
                    "`{field}`: expected a field's name (\"summary\") or a field with a shape \
                     (`(name: \"urgency\", choices: [...])`), found {}",
                    other.describe()
                );
                errors.push(value.span(), message);
                None
            }
        }
    }
}

record! {
    pub struct RawMessage as "Message", "a message" {
        to: RawRecipients = Required,
        reply: RawReply = Optional,
    }
}

record! {
    pub struct RawReply as "Reply", "a reply" {
        action: Name = Required,
        within: Duration = Required,
        weight: Positive = Optional,
        objective: Name = Optional,
        fields: Vec<Name> = Optional,
        /// Where the reply's time standard comes from (format 3).
        basis: String = Optional,
    }
}

record! {
    pub struct RawInject as "Inject", "an inject" {
        id: Name = Required,
        when: Spanned<RawTrigger> = Required,
        to: Names = Required,
        title: String = Required,
        body: String = Required,
        from: String = Optional,
        expect: Each<RawExpectation> = Optional,
        delay: Duration = Optional,
        jitter: Duration = Optional,
        chance: Share = Optional,
        notes: String = Optional,
        /// Format 3: the inject is skipped if this has fired by the moment it would be released.
        unless: Spanned<RawTrigger> = Optional,
        /// How it reaches the players (at most 40 characters).
        method: Spanned<String> = Optional,
        /// Its number in the facilitators' MSEL (at most 16 characters); `reference` in the model.
        r#ref: Spanned<String> = Optional,
    }
}

record! {
    pub struct RawExpectation as "Expectation", "an expectation" {
        /// Exactly one of `action` and `decide` (checked when resolving).
        action: Name = Optional,
        /// A decision's choices.
        decide: Names = Optional,
        within: Spanned<Duration> = Required,
        by: Names = Optional,
        fields: Names = Optional,
        weight: Positive = Optional,
        objective: Name = Optional,
        /// Where the time standard comes from (format 3).
        basis: String = Optional,
    }
}

/// `message.to`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawRecipients {
    Others,
    Teams(Vec<Name>),
}

impl FromValue for RawRecipients {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match &value.kind {
            Kind::Unit(n) if *n == "Others" => Some(RawRecipients::Others),
            Kind::Tuple {
                name: Some(n),
                items,
            } if *n == "Teams" && items.len() == 1 => {
                Vec::from_value(&items[0], field, errors).map(RawRecipients::Teams)
            }
            other => {
                let message = format!(
                    "`{field}`: expected `Others` or `Teams([...])`, found {}",
                    other.describe()
                );
                errors.push(value.span(), message);
                None
            }
        }
    }
}

/// An inject's `when`, with the names it waits on as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RawTrigger {
    At(Duration),
    Released(Name),
    Met(Name),
    Missed(Name),
    Incomplete(Name),
    Taken(Name),
    Manual,
}

impl FromValue for RawTrigger {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        const FORMS: &str = "`At(\"1h\")`, `Released(\"inject\")`, `Met(\"inject.action\")`, \
                             `Missed(\"inject.action\")`, `Incomplete(\"inject.action\")`, \
                             `Taken(\"action\")` or `Manual`";
        match &value.kind {
            Kind::Unit(n) if *n == "Manual" => Some(RawTrigger::Manual),
            Kind::Tuple {
                name: Some(n),
                items,
            } if items.len() == 1 => {
                let arg = &items[0];
                let mut name = || Name::from_value(arg, field, errors);
                match *n {
                    "At" => Duration::from_value(arg, field, errors).map(RawTrigger::At),
                    "Released" => name().map(RawTrigger::Released),
                    "Met" => name().map(RawTrigger::Met),
                    "Missed" => name().map(RawTrigger::Missed),
                    "Incomplete" => name().map(RawTrigger::Incomplete),
                    "Taken" => name().map(RawTrigger::Taken),
                    _ => {
                        errors.push(
                            value.span(),
                            format!(
                                "`{field}`: unknown trigger `{}`, expected {FORMS}",
                                n.escape_debug()
                            ),
                        );
                        None
                    }
                }
            }
            other => {
                errors.push(
                    value.span(),
                    format!("`{field}`: expected {FORMS}, found {}", other.describe()),
                );
                None
            }
        }
    }
}
