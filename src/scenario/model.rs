//! A scenario that passed validation. Every reference is an index that is known to be valid, so
//! the engine never re-checks a name; the ids are kept for display and reports.

use compact_str::CompactString;
use foldhash::HashMap;

use crate::ron_file::Written;

pub use crate::secs::Secs;

/// At most this many teams take part in an exercise.
pub const MAX_TEAMS: usize = 8;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub usize);
    };
}

index_type!(
    /// A team's position in `Scenario::teams`.
    TeamIx
);
index_type!(
    /// An action's position in `Scenario::actions`.
    ActionIx
);
index_type!(
    /// An inject's position in `Scenario::injects` (file order).
    InjectIx
);
index_type!(
    /// An objective's position in `Scenario::objectives`.
    ObjectiveIx
);
index_type!(
    /// A module's position in `Scenario::modules` (the order they begin).
    ModuleIx
);

/// A discussion question: its module and its position in the module's `questions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuestionIx {
    pub module: ModuleIx,
    pub question: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub title: String,
    pub summary: Option<String>,
    /// Scenario seconds per wall-clock second.
    pub speed: f64,
    /// The scenario time at which the exercise ends; `None`: when nothing automatic remains.
    pub end: Option<Secs>,
    pub seed: u64,
    /// Share of credit for a done-but-late expectation, in 0..=1.
    pub late_credit: f64,
    /// What the after-action report says about the exercise (all optional).
    pub exercise: ExerciseInfo,
    /// The thresholds of the suggested HSEEP rating.
    pub ratings: RatingThresholds,
    pub objectives: Vec<Objective>,
    pub teams: Vec<Team>,
    pub actions: Vec<Action>,
    pub injects: Vec<Inject>,
    /// The discussion's modules, ordered by `from` (strictly increasing); may be empty.
    pub modules: Vec<Module>,
    /// The Participant Feedback Form's statements: the scenario's own, or HSEEP's six.
    pub feedback: Vec<String>,
    /// The scenario's own profile of simulated teams, as written (with where it starts in the
    /// scenario's source): `ttx simulate` reads it when no `--profile` is given; nothing else
    /// looks at it.
    pub profile: Option<Written>,
    pub index: Index,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub id: String,
    pub name: String,
    /// The core capability it exercises (free text, e.g. "Operational Coordination").
    pub capability: Option<String>,
    /// What performing it well means, in the evaluators' words.
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    /// The organisations it stands for (the report's participants appendix).
    pub organisations: Vec<String>,
}

/// The exercise's metadata for the after-action report's cover and overview.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExerciseInfo {
    pub sponsor: Option<String>,
    pub location: Option<String>,
    pub mission_areas: Vec<String>,
    /// The handling marking printed on every page (e.g. "TLP:AMBER").
    pub handling: Option<String>,
    pub contact: Option<String>,
    pub scope: Option<String>,
    /// The threat or hazard the exercise is about (the handbooks' overview).
    pub threat: Option<String>,
    /// The assumptions and artificialities the players accept (the handbooks).
    pub assumptions: Vec<String>,
    /// The day's agenda, printed as given.
    pub schedule: Vec<ScheduleLine>,
}

/// A line of the day's agenda: a wall-clock time as written ("09:00") and what happens then.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleLine {
    pub at: String,
    pub item: String,
}

/// A segment of the story (HSEEP's module): a narrative update and the questions each team
/// discusses while it is current, from its `from` until the next module's.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub id: String,
    pub title: String,
    /// The scenario time at which it begins.
    pub from: Secs,
    pub narrative: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    /// The teams it is addressed to, in file order (every team when the file gives none).
    pub to: Vec<TeamIx>,
    pub objective: Option<ObjectiveIx>,
}

impl Question {
    pub fn is_for(&self, team: TeamIx) -> bool {
        self.to.contains(&team)
    }
}

/// The six statements of HSEEP's Participant Feedback Form, rated 1 (strongly disagree) to 5
/// (strongly agree), used when a scenario gives no `feedback` of its own.
pub const HSEEP_FEEDBACK: [&str; 6] = [
    "The exercise was well structured and organised.",
    "The exercise scenario was plausible and realistic.",
    "The exercise documentation was a valuable aid.",
    "Participation in the exercise was appropriate for someone in my role and with my experience.",
    "The facilitator(s) were knowledgeable about the material.",
    "After this exercise, I am better prepared to deal with the capabilities and threats \
     addressed.",
];

/// A suggested rating is P at a score of at least `performed`, S at `some`, M at `major`, else
/// U (HSEEP's four ratings; see the report's rating definitions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatingThresholds {
    pub performed: f64,
    pub some: f64,
    pub major: f64,
}

impl Default for RatingThresholds {
    fn default() -> Self {
        RatingThresholds {
            performed: 0.9,
            some: 0.7,
            major: 0.4,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// The teams that may take it; `None`: every team.
    pub teams: Option<Vec<TeamIx>>,
    /// The fields that may be supplied, in the order the file lists them.
    pub fields: Vec<String>,
    /// The shape of each field (format 3), one per entry of `fields`, in the same order.
    pub shapes: Vec<FieldShape>,
    pub message: Option<MessageSpec>,
    /// Taken before anyone asks for it, it still counts: it stands ready and satisfies the
    /// team's next expectation of it when that is created.
    pub ahead: bool,
    /// `clarifies: D` (format 3): the receiving side's answer to an insufficient request; the
    /// sender owes an amendment within `D` of the clarification's delivery.
    pub clarifies: Option<Secs>,
    /// Where the amendment's time standard comes from (only with `clarifies`).
    pub basis: Option<String>,
}

/// What a field's text must look like to count (format 3). The default shape is format 2's:
/// any text that is not blank.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldShape {
    /// Shown under the field in the form, in the handbooks and in the MSEL export.
    pub hint: Option<String>,
    /// The texts allowed, compared after trimming, case-sensitive; empty: any text. Never
    /// together with `min_words`.
    pub choices: Vec<String>,
    /// A text with fewer words (runs of non-whitespace) counts as not supplied; `None`: one.
    pub min_words: Option<usize>,
}

impl FieldShape {
    /// Whether `text` counts as supplied (rules 3, 32): not blank and, with `min_words`, at
    /// least that many words.
    pub fn is_supplied_by(&self, text: &str) -> bool {
        match self.min_words {
            Some(min) => text.split_whitespace().take(min).count() >= min,
            None => !text.trim().is_empty(),
        }
    }

    /// Whether a supplied text is allowed: a blank one always is (it is simply not supplied);
    /// with `choices`, another text is refused (rule 32).
    pub fn allows(&self, text: &str) -> bool {
        let text = text.trim();
        self.choices.is_empty() || text.is_empty() || self.choices.iter().any(|c| c == text)
    }
}

impl Action {
    pub fn allows(&self, team: TeamIx) -> bool {
        self.teams
            .as_ref()
            .is_none_or(|teams| teams.contains(&team))
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// The shape of the field at `position` in `fields`.
    pub fn shape(&self, position: usize) -> &FieldShape {
        &self.shapes[position]
    }

    /// Whether `given` (field name → text, as a response gives them) supplies the field at
    /// `position`: given, with a text its shape counts (Precise rules 3, 32).
    pub fn supplies(&self, given: &[(String, String)], position: usize) -> bool {
        given.iter().any(|(name, text)| {
            *name == self.fields[position] && self.shape(position).is_supplied_by(text)
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageSpec {
    pub to: Recipients,
    pub reply: Option<ReplySpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Recipients {
    /// Every team but the sender.
    Others,
    /// These teams (the sender excluded if listed).
    Teams(Vec<TeamIx>),
}

/// The reply a message obliges each receiving team to take; judged like an inject's expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplySpec {
    pub action: ActionIx,
    pub within: Secs,
    pub weight: f64,
    pub objective: Option<ObjectiveIx>,
    /// Required fields as positions in the reply action's `fields`, ascending; default all.
    pub fields: Vec<usize>,
    /// Where the reply's time standard comes from (format 3), e.g. "ABCCA Art. 12".
    pub basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    pub id: CompactString,
    pub when: Trigger,
    pub to: Vec<TeamIx>,
    pub title: String,
    pub body: String,
    pub from: Option<String>,
    pub expect: Vec<Expectation>,
    pub delay: Secs,
    pub jitter: Secs,
    /// Probability in 0..=1 that the inject fires at all.
    pub chance: f64,
    pub notes: Option<String>,
    /// `unless` (format 3): the inject is skipped if this trigger has fired by the moment it
    /// would be released. Never `At` or `Manual`.
    pub unless: Option<Trigger>,
    /// How it reaches the players (HSEEP's inject mode): "phone call", "e-mail".
    pub method: Option<String>,
    /// `ref`: its number in the MSEL the facilitators keep.
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    At(Secs),
    Released(InjectIx),
    Met(ExpectationRef),
    Missed(ExpectationRef),
    /// Fires when that expectation is done with a required field not supplied, or a
    /// clarification or judgement first makes it so (format 3).
    Incomplete(ExpectationRef),
    Taken {
        action: ActionIx,
        team: Option<TeamIx>,
    },
    Manual,
}

/// `INJECT.ACTION` or `INJECT.ACTION@TEAM` in a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpectationRef {
    pub inject: InjectIx,
    /// Position in the inject's `expect` list.
    pub expectation: usize,
    /// `None`: any team's copy.
    pub team: Option<TeamIx>,
}

/// What an inject expects of its teams; each team of `by` gets its own copy when it is released.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub what: Expected,
    pub within: Secs,
    /// Never empty; defaults to the inject's `to`.
    pub by: Vec<TeamIx>,
    /// Required fields as positions in the action's `fields`, ascending (the action's order).
    /// Empty for a decision: there the required fields are all fields of the action chosen.
    pub fields: Vec<usize>,
    pub weight: f64,
    pub objective: Option<ObjectiveIx>,
    /// Where the time standard comes from (format 3), e.g. "ABCCA Art. 12".
    pub basis: Option<String>,
}

/// What satisfies an expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// `action: "ack"`: this action.
    Action(ActionIx),
    /// `decide: ["propose-jit", "decline-jit"]`: any one of two or more distinct actions.
    Decision(Vec<ActionIx>),
}

/// The name a decision takes in expectation ids: `INJECT.decision`.
pub const DECISION: &str = "decision";

impl Expectation {
    /// Whether a response of this action satisfies it.
    pub fn accepts(&self, action: ActionIx) -> bool {
        self.choices().contains(&action)
    }

    /// The actions that satisfy it: one, or a decision's choices in file order.
    pub fn choices(&self) -> &[ActionIx] {
        match &self.what {
            Expected::Action(action) => std::slice::from_ref(action),
            Expected::Decision(choices) => choices,
        }
    }

    /// The action expected; `None` for a decision.
    pub fn action(&self) -> Option<ActionIx> {
        match self.what {
            Expected::Action(action) => Some(action),
            Expected::Decision(_) => None,
        }
    }

    pub fn is_decision(&self) -> bool {
        matches!(self.what, Expected::Decision(_))
    }

    /// The second part of its id: the action's id, or `decision`.
    pub fn name<'s>(&self, scenario: &'s Scenario) -> &'s str {
        match self.what {
            Expected::Action(action) => &scenario.action(action).id,
            Expected::Decision(_) => DECISION,
        }
    }
}

/// Lookups by id, and the reverse edges of the triggers, built once at load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    pub teams: HashMap<CompactString, TeamIx>,
    pub actions: HashMap<CompactString, ActionIx>,
    pub injects: HashMap<CompactString, InjectIx>,
    pub objectives: HashMap<CompactString, ObjectiveIx>,
    pub questions: HashMap<String, QuestionIx>,
}

impl Scenario {
    /// The lookup of the discussion's questions by id, for the index the loader builds once the
    /// lists are final.
    pub fn question_index(&self) -> HashMap<String, QuestionIx> {
        self.modules
            .iter()
            .enumerate()
            .flat_map(|(m, module)| {
                module
                    .questions
                    .iter()
                    .enumerate()
                    .map(move |(q, question)| {
                        let ix = QuestionIx {
                            module: ModuleIx(m),
                            question: q,
                        };
                        (question.id.clone(), ix)
                    })
            })
            .collect()
    }

    pub fn team_ix(&self, id: &str) -> Option<TeamIx> {
        self.index.teams.get(id).copied()
    }
    pub fn action_ix(&self, id: &str) -> Option<ActionIx> {
        self.index.actions.get(id).copied()
    }
    pub fn inject_ix(&self, id: &str) -> Option<InjectIx> {
        self.index.injects.get(id).copied()
    }
    pub fn objective_ix(&self, id: &str) -> Option<ObjectiveIx> {
        self.index.objectives.get(id).copied()
    }

    pub fn team(&self, ix: TeamIx) -> &Team {
        &self.teams[ix.0]
    }
    pub fn action(&self, ix: ActionIx) -> &Action {
        &self.actions[ix.0]
    }
    pub fn inject(&self, ix: InjectIx) -> &Inject {
        &self.injects[ix.0]
    }
    pub fn objective(&self, ix: ObjectiveIx) -> &Objective {
        &self.objectives[ix.0]
    }
    pub fn question_ix(&self, id: &str) -> Option<QuestionIx> {
        self.index.questions.get(id).copied()
    }
    pub fn module(&self, ix: ModuleIx) -> &Module {
        &self.modules[ix.0]
    }
    pub fn question(&self, ix: QuestionIx) -> &Question {
        &self.modules[ix.module.0].questions[ix.question]
    }

    /// The module current at scenario time `at`: the last one begun by then; `None` before the
    /// first begins, or when there are none.
    pub fn module_at(&self, at: Secs) -> Option<ModuleIx> {
        let begun = self.modules.partition_point(|m| m.from <= at);
        begun.checked_sub(1).map(ModuleIx)
    }

    /// The questions of a module addressed to `team`, in file order.
    pub fn questions_for(
        &self,
        module: ModuleIx,
        team: TeamIx,
    ) -> impl Iterator<Item = QuestionIx> + '_ {
        self.module(module)
            .questions
            .iter()
            .enumerate()
            .filter(move |(_, q)| q.is_for(team))
            .map(move |(question, _)| QuestionIx { module, question })
    }

    /// Whether the file uses a rule of format 2: a decision, an action done ahead of time, or a
    /// reply with its own weight, objective or fields. The report of a format-1 scenario keeps
    /// format 1's keys, so that its reports stay as they were.
    pub fn uses_format_2(&self) -> bool {
        let reply_is_plain = |action: &Action| {
            let Some(reply) = action.message.as_ref().and_then(|m| m.reply.as_ref()) else {
                return true;
            };
            reply.weight == 1.0
                && reply.objective.is_none()
                && reply.fields.len() == self.action(reply.action).fields.len()
        };
        self.actions.iter().any(|a| a.ahead || !reply_is_plain(a))
            || self
                .injects
                .iter()
                .any(|i| i.expect.iter().any(Expectation::is_decision))
    }

    /// Whether the file uses a rule of format 3: a field with a shape, a clarification, a basis,
    /// an `Incomplete` trigger, `unless`, `method` or `ref`. Only then does the report carry
    /// format 3's keys, so that a format 2 file keeps its report exactly.
    pub fn uses_format_3(&self) -> bool {
        let shaped = |a: &Action| a.shapes.iter().any(|s| *s != FieldShape::default());
        let reply_basis = |a: &Action| {
            a.message
                .as_ref()
                .and_then(|m| m.reply.as_ref())
                .is_some_and(|r| r.basis.is_some())
        };
        self.actions
            .iter()
            .any(|a| shaped(a) || a.clarifies.is_some() || reply_basis(a))
            || self.injects.iter().any(|i| {
                i.unless.is_some()
                    || i.method.is_some()
                    || i.reference.is_some()
                    || matches!(i.when, Trigger::Incomplete(_))
                    || i.expect.iter().any(|e| e.basis.is_some())
            })
    }

    /// The teams a message-action taken by `sender` reaches: never the sender itself.
    pub fn recipients(&self, spec: &MessageSpec, sender: TeamIx) -> Vec<TeamIx> {
        match &spec.to {
            Recipients::Others => (0..self.teams.len())
                .map(TeamIx)
                .filter(|t| *t != sender)
                .collect(),
            Recipients::Teams(teams) => teams.iter().copied().filter(|t| *t != sender).collect(),
        }
    }
}
