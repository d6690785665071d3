//! Loading a scenario file into the validated model, reporting every mistake of the file at once.
//!
//! Three steps: the RON text is read into a spanned tree (`ron_tree`); the tree is read into raw
//! records that keep the position of every reference (shape and value checks happen here); then
//! the references are resolved to indices and checked against each other. A check that depends on
//! a value that already had an error is skipped, so one mistake gives one error. Whenever
//! anything was reported the half-built model is discarded, so placeholders never escape.

use std::collections::HashMap;

use super::diagnostic::{Diagnostic, SourceMap};
use super::model::*;
use super::read::{Errors, Fields, Spanned, list_names, parse_file};
use super::ron_tree::{Kind, Value};
pub const MAX_TEAMS: usize = 8;
pub const MAX_INJECTS: usize = 100_000;

const SCENARIO_FIELDS: &[&str] = &[
    "title",
    "summary",
    "speed",
    "end",
    "seed",
    "late_credit",
    "objectives",
    "teams",
    "actions",
    "injects",
];
const OBJECTIVE_FIELDS: &[&str] = &["id", "name"];
const TEAM_FIELDS: &[&str] = &["id", "name", "summary"];
const ACTION_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "teams",
    "fields",
    "message",
    "ahead",
];
const MESSAGE_FIELDS: &[&str] = &["to", "reply"];
const REPLY_FIELDS: &[&str] = &["action", "within", "weight", "objective", "fields"];
const INJECT_FIELDS: &[&str] = &[
    "id", "when", "to", "title", "body", "from", "expect", "delay", "jitter", "chance", "notes",
];
const EXPECTATION_FIELDS: &[&str] = &[
    "action",
    "decide",
    "within",
    "by",
    "fields",
    "weight",
    "objective",
];

/// Reads and validates a scenario; `file` is only used to name the file in diagnostics.
pub fn load_scenario(file: &str, source: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let map = SourceMap::new(file, source);
    let tree = parse_file(&map, source)?;
    let mut loader = Loader {
        errors: Errors::default(),
        map: &map,
    };
    let scenario = loader.scenario(&tree);
    match scenario {
        Some(scenario) if loader.errors.is_empty() => Ok(scenario),
        _ => Err(loader.errors.into_diagnostics(&map)),
    }
}

/// A field that may be left out, as read.
enum Read<T> {
    Absent,
    /// Written but unreadable; already reported.
    Bad,
    Given(T),
}

struct RawObjective {
    id: Option<Spanned<String>>,
    name: String,
}

struct RawTeam {
    id: Option<Spanned<String>>,
    name: String,
    summary: Option<String>,
}

struct RawAction {
    id: Option<Spanned<String>>,
    name: String,
    description: Option<String>,
    teams: Read<Spanned<Vec<Spanned<String>>>>,
    fields: Vec<Spanned<String>>,
    message: Option<RawMessage>,
    ahead: bool,
}

struct RawMessage {
    to: Option<RawRecipients>,
    reply: Option<RawReply>,
}

enum RawRecipients {
    Others,
    Teams(Vec<Spanned<String>>),
}

struct RawReply {
    action: Option<Spanned<String>>,
    within: Secs,
    weight: f64,
    objective: Option<Spanned<String>>,
    fields: Read<Vec<Spanned<String>>>,
}

struct RawInject {
    id: Option<Spanned<String>>,
    when: Option<Spanned<RawTrigger>>,
    to: Option<Spanned<Vec<Spanned<String>>>>,
    title: String,
    body: String,
    from: Option<String>,
    expect: Vec<RawExpectation>,
    /// False when some expectation could not be read, so a reference to it may not be reported.
    expect_complete: bool,
    delay: Secs,
    jitter: Secs,
    chance: f64,
    notes: Option<String>,
}

enum RawTrigger {
    At(Secs),
    Released(Spanned<String>),
    Met(Spanned<String>),
    Missed(Spanned<String>),
    Taken(Spanned<String>),
    Manual,
}

struct RawExpectation {
    /// `None` for a decision, or when unreadable.
    action: Option<Spanned<String>>,
    /// A decision's choices; `Read::Absent` for a single action.
    decide: Read<Spanned<Vec<Spanned<String>>>>,
    within: Secs,
    by: Read<Spanned<Vec<Spanned<String>>>>,
    fields: Read<Vec<Spanned<String>>>,
    weight: f64,
    objective: Option<Spanned<String>>,
}

/// The ids of one list, for resolving references to it.
struct Ids {
    /// "team", "action", ...
    what: &'static str,
    plural: &'static str,
    map: HashMap<String, usize>,
    order: Vec<String>,
    /// False when some item's id could not be read: an unknown reference may name that item, so
    /// it is not reported (the item's own error is).
    complete: bool,
}

impl Ids {
    fn get(&self, id: &str) -> Option<usize> {
        self.map.get(id).copied()
    }

    fn known(&self) -> String {
        list_names(self.order.iter().map(String::as_str))
    }
}

struct Loader<'m> {
    errors: Errors,
    map: &'m SourceMap<'m>,
}

/// `msg-` and a number: the name of a hotline message, which an inject may not take, or its
/// expectations' ids would be those of the message's replies.
fn names_a_message(id: &str) -> bool {
    id.strip_prefix("msg-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
}

impl Loader<'_> {
    fn scenario(&mut self, tree: &Value) -> Option<Scenario> {
        let required = ["title", "teams", "injects"];
        let f = self
            .errors
            .fields(tree, "Scenario", "the scenario", SCENARIO_FIELDS, &required)?;
        let title = self.string_field(&f, "title");
        let summary = self.optional_string(&f, "summary");
        let speed = f
            .optional("speed")
            .and_then(|v| self.positive(v, "speed"))
            .unwrap_or(1.0);
        let end = f
            .optional("end")
            .and_then(|v| self.errors.duration(v, "end"));
        let seed = f
            .optional("seed")
            .and_then(|v| self.errors.whole_number(v, "seed"))
            .unwrap_or(0);
        let late_credit = f
            .optional("late_credit")
            .and_then(|v| self.share(v, "late_credit"))
            .unwrap_or(0.5);

        let (objective_values, objectives_read) = self.items(&f, "objectives");
        let raw_objectives: Vec<RawObjective> = objective_values
            .iter()
            .map(|v| self.raw_objective(v))
            .collect();
        let (team_values, teams_read) = self.items(&f, "teams");
        let raw_teams: Vec<RawTeam> = team_values.iter().map(|v| self.raw_team(v)).collect();
        let (action_values, actions_read) = self.items(&f, "actions");
        let raw_actions: Vec<RawAction> =
            action_values.iter().map(|v| self.raw_action(v)).collect();
        let (inject_values, injects_read) = self.items(&f, "injects");
        if let Some(list) = f
            .optional("injects")
            .filter(|_| inject_values.len() > MAX_INJECTS)
        {
            let message = format!(
                "too many injects: {}, the limit is {MAX_INJECTS}",
                inject_values.len()
            );
            self.errors.push(list.at, message);
            return None;
        }
        let raw_injects: Vec<RawInject> =
            inject_values.iter().map(|v| self.raw_inject(v)).collect();

        if let Some(list) = f
            .optional("teams")
            .filter(|_| teams_read && raw_teams.is_empty())
        {
            let message = format!("no teams: a scenario has 1 to {MAX_TEAMS} teams");
            self.errors.push(list.at, message);
        }
        if let Some(extra) = team_values.get(MAX_TEAMS) {
            let message = format!(
                "too many teams: {}, a scenario has 1 to {MAX_TEAMS} teams",
                team_values.len()
            );
            self.errors.push(extra.at, message);
        }
        if let Some(list) = f
            .optional("injects")
            .filter(|_| injects_read && raw_injects.is_empty())
        {
            self.errors
                .push(list.at, "no injects: a scenario needs at least one inject");
        }

        let objective_ids = self.ids(
            "objective",
            "objectives",
            objectives_read,
            raw_objectives.iter().map(|o| &o.id),
        );
        // With no teams or no injects (already reported), a reference to one is not reported again.
        let teams_read = teams_read && !raw_teams.is_empty();
        let injects_read = injects_read && !raw_injects.is_empty();
        let team_ids = self.ids("team", "teams", teams_read, raw_teams.iter().map(|t| &t.id));
        let action_ids = self.ids(
            "action",
            "actions",
            actions_read,
            raw_actions.iter().map(|a| &a.id),
        );
        let inject_ids = self.ids(
            "inject",
            "injects",
            injects_read,
            raw_injects.iter().map(|i| &i.id),
        );

        let mut scenario = Scenario {
            title,
            summary,
            speed,
            end,
            seed,
            late_credit,
            objectives: raw_objectives
                .into_iter()
                .map(|o| Objective {
                    id: o.id.map(|s| s.value).unwrap_or_default(),
                    name: o.name,
                })
                .collect(),
            teams: raw_teams
                .into_iter()
                .map(|t| Team {
                    id: t.id.map(|s| s.value).unwrap_or_default(),
                    name: t.name,
                    summary: t.summary,
                })
                .collect(),
            actions: Vec::new(),
            injects: Vec::new(),
            index: Index::default(),
        };
        let refs = Refs {
            teams: &team_ids,
            actions: &action_ids,
            injects: &inject_ids,
            objectives: &objective_ids,
        };
        // Whether each action's `teams` is fully known, so that "may take" can be checked.
        let (actions, actions_known): (Vec<Action>, Vec<bool>) =
            raw_actions.iter().map(|a| self.action(a, &refs)).unzip();
        scenario.actions = actions;
        self.reply_fields(&mut scenario.actions, &raw_actions, &refs);
        self.check_replies(&scenario, &raw_actions, &actions_known, &refs);
        let checker = Checker {
            actions: &scenario.actions,
            actions_known: &actions_known,
            teams: &scenario.teams,
        };
        scenario.injects = raw_injects
            .iter()
            .map(|i| self.inject(i, &refs, &checker))
            .collect();
        let waits_on: Vec<Option<usize>> = raw_injects
            .iter()
            .enumerate()
            .map(|(ix, _)| self.trigger(ix, &raw_injects, &mut scenario, &refs, &actions_known))
            .collect();
        self.check_cycles(&raw_injects, &scenario, &waits_on);
        scenario.build_index();
        Some(scenario)
    }

    // ---- Reading the tree into raw records ----

    /// The items of an optional list field, and whether the field was readable.
    fn items<'v>(&mut self, f: &Fields<'v>, name: &str) -> (&'v [Value], bool) {
        match f.optional(name) {
            None => (&[], true),
            Some(v) => match self.errors.list(v, name) {
                Some(items) => (items, true),
                None => (&[], false),
            },
        }
    }

    fn string_field(&mut self, f: &Fields, name: &str) -> String {
        f.required(name)
            .and_then(|v| self.errors.string(v, name))
            .unwrap_or_default()
    }

    fn optional_string(&mut self, f: &Fields, name: &str) -> Option<String> {
        f.optional(name).and_then(|v| self.errors.string(v, name))
    }

    fn id(&mut self, f: &Fields) -> Option<Spanned<String>> {
        f.required("id")
            .and_then(|v| self.errors.spanned_string(v, "id"))
    }

    fn optional_list(&mut self, f: &Fields, name: &str) -> Read<Spanned<Vec<Spanned<String>>>> {
        match f.optional(name) {
            None => Read::Absent,
            Some(v) => match self.errors.string_list(v, name) {
                Some(list) => Read::Given(Spanned {
                    value: list,
                    at: v.at,
                }),
                None => Read::Bad,
            },
        }
    }

    fn positive(&mut self, v: &Value, name: &str) -> Option<f64> {
        let x = self.errors.number(v, name)?;
        if x > 0.0 {
            return Some(x);
        }
        self.errors
            .push(v.at, format!("`{name}` must be greater than 0, found {x}"));
        None
    }

    fn share(&mut self, v: &Value, name: &str) -> Option<f64> {
        let x = self.errors.number(v, name)?;
        if (0.0..=1.0).contains(&x) {
            return Some(x);
        }
        self.errors
            .push(v.at, format!("`{name}` must be between 0 and 1, found {x}"));
        None
    }

    fn raw_objective(&mut self, v: &Value) -> RawObjective {
        let Some(f) = self.errors.fields(
            v,
            "Objective",
            "an objective",
            OBJECTIVE_FIELDS,
            &["id", "name"],
        ) else {
            return RawObjective {
                id: None,
                name: String::new(),
            };
        };
        RawObjective {
            id: self.id(&f),
            name: self.string_field(&f, "name"),
        }
    }

    fn raw_team(&mut self, v: &Value) -> RawTeam {
        let Some(f) = self
            .errors
            .fields(v, "Team", "a team", TEAM_FIELDS, &["id", "name"])
        else {
            return RawTeam {
                id: None,
                name: String::new(),
                summary: None,
            };
        };
        RawTeam {
            id: self.id(&f),
            name: self.string_field(&f, "name"),
            summary: self.optional_string(&f, "summary"),
        }
    }

    fn raw_action(&mut self, v: &Value) -> RawAction {
        let Some(f) = self
            .errors
            .fields(v, "Action", "an action", ACTION_FIELDS, &["id", "name"])
        else {
            let teams = Read::Bad;
            return RawAction {
                id: None,
                name: String::new(),
                description: None,
                teams,
                fields: Vec::new(),
                message: None,
                ahead: false,
            };
        };
        RawAction {
            id: self.id(&f),
            name: self.string_field(&f, "name"),
            description: self.optional_string(&f, "description"),
            teams: self.optional_list(&f, "teams"),
            fields: f
                .optional("fields")
                .and_then(|v| self.errors.string_list(v, "fields"))
                .unwrap_or_default(),
            message: f.optional("message").and_then(|v| self.raw_message(v)),
            ahead: f
                .optional("ahead")
                .and_then(|v| self.errors.boolean(v, "ahead"))
                .unwrap_or(false),
        }
    }

    fn raw_message(&mut self, v: &Value) -> Option<RawMessage> {
        let f = self
            .errors
            .fields(v, "Message", "a message", MESSAGE_FIELDS, &["to"])?;
        let to = f.required("to").and_then(|v| self.recipients(v));
        let reply = f.optional("reply").and_then(|v| {
            let f =
                self.errors
                    .fields(v, "Reply", "a reply", REPLY_FIELDS, &["action", "within"])?;
            let action = f
                .required("action")
                .and_then(|v| self.errors.spanned_string(v, "action"));
            let within = f
                .required("within")
                .and_then(|v| self.errors.duration(v, "within"))
                .unwrap_or(0);
            let weight = f
                .optional("weight")
                .and_then(|v| self.positive(v, "weight"))
                .unwrap_or(1.0);
            let objective = f
                .optional("objective")
                .and_then(|v| self.errors.spanned_string(v, "objective"));
            let fields = match self.optional_list(&f, "fields") {
                Read::Absent => Read::Absent,
                Read::Bad => Read::Bad,
                Read::Given(list) => Read::Given(list.value),
            };
            Some(RawReply {
                action,
                within,
                weight,
                objective,
                fields,
            })
        });
        Some(RawMessage { to, reply })
    }

    fn recipients(&mut self, v: &Value) -> Option<RawRecipients> {
        match &v.kind {
            Kind::Unit(n) if n == "Others" => Some(RawRecipients::Others),
            Kind::Tuple {
                name: Some(n),
                items,
            } if n == "Teams" && items.len() == 1 => self
                .errors
                .string_list(&items[0], "to")
                .map(RawRecipients::Teams),
            other => {
                let message = format!(
                    "`to`: expected `Others` or `Teams([...])`, found {}",
                    other.describe()
                );
                self.errors.push(v.at, message);
                None
            }
        }
    }

    fn raw_inject(&mut self, v: &Value) -> RawInject {
        let required = ["id", "when", "to", "title", "body"];
        let Some(f) = self
            .errors
            .fields(v, "Inject", "an inject", INJECT_FIELDS, &required)
        else {
            return RawInject {
                id: None,
                when: None,
                to: None,
                title: String::new(),
                body: String::new(),
                from: None,
                expect: Vec::new(),
                expect_complete: false,
                delay: 0,
                jitter: 0,
                chance: 1.0,
                notes: None,
            };
        };
        let id = self.id(&f);
        let when = f
            .required("when")
            .and_then(|v| self.raw_trigger(v).map(|t| Spanned { value: t, at: v.at }));
        let to = match self.optional_list(&f, "to") {
            Read::Given(to) => Some(to),
            _ => None,
        };
        let mut expect = Vec::new();
        let (expect_values, mut expect_complete) = self.items(&f, "expect");
        for value in expect_values {
            match self.raw_expectation(value) {
                Some(e) => expect.push(e),
                None => expect_complete = false,
            }
        }
        RawInject {
            id,
            when,
            to,
            title: self.string_field(&f, "title"),
            body: self.string_field(&f, "body"),
            from: self.optional_string(&f, "from"),
            expect,
            expect_complete,
            delay: f
                .optional("delay")
                .and_then(|v| self.errors.duration(v, "delay"))
                .unwrap_or(0),
            jitter: f
                .optional("jitter")
                .and_then(|v| self.errors.duration(v, "jitter"))
                .unwrap_or(0),
            chance: f
                .optional("chance")
                .and_then(|v| self.share(v, "chance"))
                .unwrap_or(1.0),
            notes: self.optional_string(&f, "notes"),
        }
    }

    fn raw_trigger(&mut self, v: &Value) -> Option<RawTrigger> {
        const FORMS: &str = "`At(\"1h\")`, `Released(\"inject\")`, `Met(\"inject.action\")`, \
                             `Missed(\"inject.action\")`, `Taken(\"action\")` or `Manual`";
        match &v.kind {
            Kind::Unit(n) if n == "Manual" => Some(RawTrigger::Manual),
            Kind::Tuple {
                name: Some(n),
                items,
            } if items.len() == 1 => {
                let arg = &items[0];
                match n.as_str() {
                    "At" => self.errors.duration(arg, "when").map(RawTrigger::At),
                    "Released" => self
                        .errors
                        .spanned_string(arg, "when")
                        .map(RawTrigger::Released),
                    "Met" => self.errors.spanned_string(arg, "when").map(RawTrigger::Met),
                    "Missed" => self
                        .errors
                        .spanned_string(arg, "when")
                        .map(RawTrigger::Missed),
                    "Taken" => self
                        .errors
                        .spanned_string(arg, "when")
                        .map(RawTrigger::Taken),
                    _ => {
                        self.errors.push(
                            v.at,
                            format!("`when`: unknown trigger `{n}`, expected {FORMS}"),
                        );
                        None
                    }
                }
            }
            other => {
                self.errors.push(
                    v.at,
                    format!("`when`: expected {FORMS}, found {}", other.describe()),
                );
                None
            }
        }
    }

    fn raw_expectation(&mut self, v: &Value) -> Option<RawExpectation> {
        let f = self.errors.fields(
            v,
            "Expectation",
            "an expectation",
            EXPECTATION_FIELDS,
            &["within"],
        )?;
        let fields = match self.optional_list(&f, "fields") {
            Read::Absent => Read::Absent,
            Read::Bad => Read::Bad,
            Read::Given(list) => Read::Given(list.value),
        };
        let mut decide = self.optional_list(&f, "decide");
        let action = f.optional("action");
        match (action, &decide) {
            (None, Read::Absent) => self.errors.push(
                v.at,
                "missing field `action` in an expectation (or `decide` for a decision)",
            ),
            (Some(a), Read::Given(_) | Read::Bad) => {
                self.errors.push(
                    a.at,
                    "an expectation has either `action` or `decide`, not both",
                );
                // Read as the action alone, so that the one mistake is reported once.
                decide = Read::Bad;
            }
            _ => {}
        }
        if let (Read::Given(_), Some(given)) = (&decide, f.optional("fields")) {
            self.errors.push(
                given.at,
                "a decision takes no `fields`: the required fields are all fields of the action chosen",
            );
        }
        if let Read::Given(d) = &decide
            && d.value.len() < 2
        {
            self.errors.push(
                d.at,
                "`decide` lists the choices of a decision: at least two actions",
            );
        }
        Some(RawExpectation {
            action: action.and_then(|v| self.errors.spanned_string(v, "action")),
            decide,
            within: f
                .required("within")
                .and_then(|v| self.errors.duration(v, "within"))
                .unwrap_or(0),
            by: self.optional_list(&f, "by"),
            fields,
            weight: f
                .optional("weight")
                .and_then(|v| self.positive(v, "weight"))
                .unwrap_or(1.0),
            objective: f
                .optional("objective")
                .and_then(|v| self.errors.spanned_string(v, "objective")),
        })
    }

    // ---- Ids and references ----

    fn ids<'r>(
        &mut self,
        what: &'static str,
        plural: &'static str,
        list_read: bool,
        items: impl Iterator<Item = &'r Option<Spanned<String>>>,
    ) -> Ids {
        let items: Vec<_> = items.collect();
        let mut ids = Ids {
            what,
            plural,
            map: HashMap::new(),
            order: Vec::new(),
            complete: list_read,
        };
        for (ix, id) in items.iter().enumerate() {
            let Some(id) = id else {
                ids.complete = false;
                continue;
            };
            if !valid_id(&id.value) {
                let message = if id.value.is_empty() {
                    format!("empty {what} id: an id is made of a-z, 0-9, `-` and `_`")
                } else {
                    format!(
                        "{what} id \"{}\" may only contain a-z, 0-9, `-` and `_`",
                        id.value.escape_debug()
                    )
                };
                self.errors.push(id.at, message);
                // A reference may mean this item under a corrected id: no second error for it.
                ids.complete = false;
                ids.map.entry(id.value.clone()).or_insert(ix);
            } else if let Some(first) = ids.map.get(&id.value) {
                let first_at = items
                    .get(*first)
                    .and_then(|f| f.as_ref())
                    .map_or(0, |f| f.at);
                let map = self.map;
                self.errors.push_with(id.at, || {
                    let (line, col) = map.line_col(first_at);
                    format!(
                        "duplicate {what} id `{}` (first defined at {line}:{col})",
                        id.value
                    )
                });
            } else {
                if what == "inject" && names_a_message(&id.value) {
                    self.errors.push(
                        id.at,
                        format!(
                            "inject id `{}` is reserved: the replies a hotline message obliges are \
                             named `msg-N.ACTION@TEAM`",
                            id.value
                        ),
                    );
                }
                ids.map.insert(id.value.clone(), ix);
                ids.order.push(id.value.clone());
            }
        }
        ids
    }

    /// Resolves a reference; an unknown one is reported unless the list itself had an unreadable id.
    fn resolve(&mut self, ids: &Ids, name: &Spanned<String>) -> Option<usize> {
        let found = ids.get(&name.value);
        if found.is_none() && ids.complete {
            self.errors.push_with(name.at, || {
                format!(
                    "unknown {} `{}` ({}: {})",
                    ids.what,
                    name.value,
                    ids.plural,
                    ids.known()
                )
            });
        }
        found
    }

    /// Resolves a list of team references, reporting a team listed twice; `None` if any is unknown.
    fn resolve_teams(&mut self, ids: &Ids, names: &[Spanned<String>]) -> Option<Vec<TeamIx>> {
        let mut teams = Vec::with_capacity(names.len());
        let mut all_known = true;
        for name in names {
            match self.resolve(ids, name) {
                Some(ix) if teams.contains(&TeamIx(ix)) => {
                    self.errors
                        .push(name.at, format!("team `{}` is listed twice", name.value));
                }
                Some(ix) => teams.push(TeamIx(ix)),
                None => all_known = false,
            }
        }
        all_known.then_some(teams)
    }

    // ---- Building the model ----

    /// The action, and whether its `teams` is fully known.
    fn action(&mut self, raw: &RawAction, refs: &Refs) -> (Action, bool) {
        let (teams, known) = match &raw.teams {
            Read::Absent => (None, true),
            Read::Bad => (None, false),
            Read::Given(list) => {
                if list.value.is_empty() {
                    let message = "`teams` is empty: list the teams that may take the action, or leave it out for all";
                    self.errors.push(list.at, message);
                }
                let teams = self.resolve_teams(refs.teams, &list.value);
                let known = teams.is_some();
                (Some(teams.unwrap_or_default()), known)
            }
        };
        let mut fields: Vec<String> = Vec::with_capacity(raw.fields.len());
        for field in &raw.fields {
            if fields.contains(&field.value) {
                self.errors
                    .push(field.at, format!("field `{}` is listed twice", field.value));
            } else {
                fields.push(field.value.clone());
            }
        }
        let message = raw.message.as_ref().map(|m| MessageSpec {
            to: match &m.to {
                Some(RawRecipients::Teams(names)) => {
                    Recipients::Teams(self.resolve_teams(refs.teams, names).unwrap_or_default())
                }
                _ => Recipients::Others,
            },
            reply: m.reply.as_ref().map(|r| ReplySpec {
                // Placeholder on error: the model is discarded then.
                action: ActionIx(
                    r.action
                        .as_ref()
                        .and_then(|a| self.resolve(refs.actions, a))
                        .unwrap_or(0),
                ),
                within: r.within,
                weight: r.weight,
                objective: r
                    .objective
                    .as_ref()
                    .and_then(|o| self.resolve(refs.objectives, o))
                    .map(ObjectiveIx),
                // Set by `reply_fields` once every action is built: the reply action may come later.
                fields: Vec::new(),
            }),
        });
        if let Some(id) = raw.id.as_ref().filter(|id| id.value == DECISION) {
            let message = "action id `decision` is reserved: a decision's expectation is named `INJECT.decision`";
            self.errors.push(id.at, message);
        }
        let action = Action {
            id: raw.id.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
            name: raw.name.clone(),
            description: raw.description.clone(),
            teams,
            fields,
            message,
            ahead: raw.ahead,
        };
        (action, known)
    }

    /// The required fields of each reply: those given, each a field of the reply action, or all.
    fn reply_fields(&mut self, actions: &mut [Action], raw_actions: &[RawAction], refs: &Refs) {
        for ix in 0..actions.len() {
            let Some(raw_reply) = raw_actions[ix]
                .message
                .as_ref()
                .and_then(|m| m.reply.as_ref())
            else {
                continue;
            };
            // Only a reply action that resolved is looked into.
            let Some(reply_action) = raw_reply
                .action
                .as_ref()
                .and_then(|a| refs.actions.get(&a.value))
            else {
                continue;
            };
            let fields = match &raw_reply.fields {
                Read::Given(names) => self.field_positions(&actions[reply_action], names),
                Read::Absent => (0..actions[reply_action].fields.len()).collect(),
                Read::Bad => Vec::new(),
            };
            if let Some(reply) = actions[ix].message.as_mut().and_then(|m| m.reply.as_mut()) {
                reply.fields = fields;
            }
        }
    }

    /// Field names as positions in the action's fields, ascending; each unknown one reported.
    fn field_positions(&mut self, action: &Action, names: &[Spanned<String>]) -> Vec<usize> {
        let mut positions: Vec<usize> = names
            .iter()
            .filter_map(|name| {
                let position = action.field_index(&name.value);
                if position.is_none() {
                    let message = format!(
                        "action `{}` has no field `{}` (fields: {})",
                        action.id,
                        name.value,
                        list_names(action.fields.iter().map(String::as_str))
                    );
                    self.errors.push(name.at, message);
                }
                position
            })
            .collect();
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// Every team that may take a message-action must reach only receivers that may take the reply.
    fn check_replies(
        &mut self,
        scenario: &Scenario,
        raw_actions: &[RawAction],
        actions_known: &[bool],
        refs: &Refs,
    ) {
        let team_count = scenario.teams.len();
        for (ix, (action, raw)) in scenario.actions.iter().zip(raw_actions).enumerate() {
            let (Some(spec), Some(raw_message)) = (&action.message, &raw.message) else {
                continue;
            };
            let (Some(reply), Some(raw_reply)) = (&spec.reply, &raw_message.reply) else {
                continue;
            };
            let Some(reply_name) = &raw_reply.action else {
                continue;
            };
            let recipients_known = match &raw_message.to {
                Some(RawRecipients::Others) => true,
                Some(RawRecipients::Teams(names)) => {
                    matches!(&spec.to, Recipients::Teams(t) if t.len() == names.len())
                }
                None => false,
            };
            let reply_known = refs.actions.get(&reply_name.value) == Some(reply.action.0);
            if !actions_known[ix]
                || !recipients_known
                || !reply_known
                || !actions_known[reply.action.0]
            {
                continue;
            }
            let reply_action = scenario.action(reply.action);
            let mut refused: Vec<TeamIx> = Vec::new();
            for sender in (0..team_count).map(TeamIx).filter(|t| action.allows(*t)) {
                for receiver in scenario.recipients(spec, sender) {
                    if !reply_action.allows(receiver) && !refused.contains(&receiver) {
                        refused.push(receiver);
                    }
                }
            }
            if !refused.is_empty() {
                refused.sort();
                let names = list_names(refused.iter().map(|t| scenario.team(*t).id.as_str()));
                let message = format!(
                    "team(s) {names} receive `{}` messages but may not take the reply action `{}` (its teams: {})",
                    action.id,
                    reply_action.id,
                    team_names(scenario, reply_action)
                );
                self.errors.push(reply_name.at, message);
            }
        }
    }

    fn inject(&mut self, raw: &RawInject, refs: &Refs, checker: &Checker) -> Inject {
        let to = raw.to.as_ref().and_then(|to| {
            if to.value.is_empty() {
                self.errors
                    .push(to.at, "`to` is empty: an inject goes to at least one team");
            }
            self.resolve_teams(refs.teams, &to.value)
        });
        let inject_id = raw.id.as_ref().map(|s| s.value.as_str()).unwrap_or("?");
        let mut expect = Vec::with_capacity(raw.expect.len());
        for (n, e) in raw.expect.iter().enumerate() {
            let (what, actions) = match &e.decide {
                Read::Given(choices) => self.decision(raw, n, choices, refs),
                Read::Bad => (None, Vec::new()),
                Read::Absent => {
                    let action = e.action.as_ref().and_then(|a| {
                        if raw.expect[..n].iter().any(|earlier| earlier.action.as_ref().is_some_and(|x| x.value == a.value)) {
                            let message =
                                format!("inject `{inject_id}` already expects action `{}`: one expectation per action per inject", a.value);
                            self.errors.push(a.at, message);
                        }
                        self.resolve(refs.actions, a).map(|ix| (ActionIx(ix), a))
                    });
                    (
                        action.map(|(ix, _)| Expected::Action(ix)),
                        action.into_iter().collect(),
                    )
                }
            };
            let by = self.by(e, to.as_deref(), &actions, refs, checker);
            let fields = match (&e.fields, &what) {
                (Read::Given(names), Some(Expected::Action(ix))) => {
                    self.field_positions(&checker.actions[ix.0], names)
                }
                (Read::Absent, Some(Expected::Action(ix))) => {
                    (0..checker.actions[ix.0].fields.len()).collect()
                }
                _ => Vec::new(),
            };
            let objective = e
                .objective
                .as_ref()
                .and_then(|o| self.resolve(refs.objectives, o))
                .map(ObjectiveIx);
            expect.push(Expectation {
                // Placeholder on error: the model is discarded then.
                what: what.unwrap_or(Expected::Action(ActionIx(0))),
                within: e.within,
                by,
                fields,
                weight: e.weight,
                objective,
            });
        }
        Inject {
            id: raw.id.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
            // Set once every inject is built, since a trigger may name a later one.
            when: Trigger::Manual,
            to: to.unwrap_or_default(),
            title: raw.title.clone(),
            body: raw.body.clone(),
            from: raw.from.clone(),
            expect,
            delay: raw.delay,
            jitter: raw.jitter,
            chance: raw.chance,
            notes: raw.notes.clone(),
        }
    }

    /// The choices of an inject's decision (its `n`th expectation), each a known action listed
    /// once and not also expected on its own; the inject has no other decision.
    fn decision<'r>(
        &mut self,
        raw: &RawInject,
        n: usize,
        choices: &'r Spanned<Vec<Spanned<String>>>,
        refs: &Refs,
    ) -> (Option<Expected>, Vec<(ActionIx, &'r Spanned<String>)>) {
        let inject_id = raw.id.as_ref().map(|s| s.value.as_str()).unwrap_or("?");
        if raw.expect[..n]
            .iter()
            .any(|earlier| matches!(earlier.decide, Read::Given(_)))
        {
            let message = format!(
                "inject `{inject_id}` already has a decision: at most one `decide` per inject"
            );
            self.errors.push(choices.at, message);
        }
        let mut resolved: Vec<(ActionIx, &Spanned<String>)> = Vec::new();
        let mut all_known = true;
        for (k, choice) in choices.value.iter().enumerate() {
            if choices.value[..k].iter().any(|c| c.value == choice.value) {
                let message = format!("action `{}` is listed twice in `decide`", choice.value);
                self.errors.push(choice.at, message);
                continue;
            }
            if raw
                .expect
                .iter()
                .any(|e| e.action.as_ref().is_some_and(|a| a.value == choice.value))
            {
                let message = format!(
                    "inject `{inject_id}` expects action `{}` both on its own and as a choice of \
                     its decision: one response would have to satisfy both",
                    choice.value
                );
                self.errors.push(choice.at, message);
            }
            match self.resolve(refs.actions, choice) {
                Some(ix) => resolved.push((ActionIx(ix), choice)),
                None => all_known = false,
            }
        }
        let what = (all_known && resolved.len() >= 2)
            .then(|| Expected::Decision(resolved.iter().map(|(ix, _)| *ix).collect()));
        (what, resolved)
    }

    /// The teams that owe an expectation: `by`, which must be among `to`, or else `to`; each must
    /// be allowed to take the action (for a decision, every one of its choices).
    fn by(
        &mut self,
        e: &RawExpectation,
        to: Option<&[TeamIx]>,
        actions: &[(ActionIx, &Spanned<String>)],
        refs: &Refs,
        checker: &Checker,
    ) -> Vec<TeamIx> {
        let known: Vec<(&Action, &Spanned<String>)> = actions
            .iter()
            .filter(|(ix, _)| checker.actions_known[ix.0])
            .map(|(ix, name)| (&checker.actions[ix.0], *name))
            .collect();
        match &e.by {
            Read::Given(by) => {
                if by.value.is_empty() {
                    let message = "`by` is empty: name the teams that must do it, or leave it out for the inject's `to`";
                    self.errors.push(by.at, message);
                }
                let mut teams = Vec::with_capacity(by.value.len());
                for name in &by.value {
                    let Some(team) = self.resolve(refs.teams, name).map(TeamIx) else {
                        continue;
                    };
                    if teams.contains(&team) {
                        self.errors
                            .push(name.at, format!("team `{}` is listed twice", name.value));
                        continue;
                    }
                    teams.push(team);
                    if let Some(to) = to.filter(|to| !to.contains(&team)) {
                        let to_names = list_names(to.iter().map(|t| checker.team_id(*t)));
                        let message = format!(
                            "team `{}` in `by` is not among the inject's `to` (to: {to_names})",
                            name.value
                        );
                        self.errors.push(name.at, message);
                    } else if let Some((action, _)) = known.iter().find(|(a, _)| !a.allows(team)) {
                        let message = format!(
                            "team `{}` may not take action `{}` (its teams: {})",
                            name.value,
                            action.id,
                            checker.team_list(action)
                        );
                        self.errors.push(name.at, message);
                    }
                }
                teams
            }
            Read::Absent => {
                let to = to.unwrap_or_default();
                for (action, action_name) in &known {
                    let refused: Vec<&str> = to
                        .iter()
                        .filter(|t| !action.allows(**t))
                        .map(|t| checker.team_id(*t))
                        .collect();
                    if !refused.is_empty() {
                        let message = format!(
                            "team(s) {} of the inject's `to` may not take action `{}` (its teams: {}); \
                             name the teams that must do it in `by`",
                            refused.join(", "),
                            action.id,
                            checker.team_list(action)
                        );
                        self.errors.push(action_name.at, message);
                    }
                }
                to.to_vec()
            }
            Read::Bad => to.unwrap_or_default().to_vec(),
        }
    }

    /// Resolves an inject's trigger into the model; returns the inject it waits on, if any.
    fn trigger(
        &mut self,
        ix: usize,
        raw_injects: &[RawInject],
        scenario: &mut Scenario,
        refs: &Refs,
        actions_known: &[bool],
    ) -> Option<usize> {
        let when = raw_injects[ix].when.as_ref()?;
        let (trigger, waits_on) = match &when.value {
            RawTrigger::At(secs) => (Trigger::At(*secs), None),
            RawTrigger::Manual => (Trigger::Manual, None),
            RawTrigger::Released(name) => {
                let target = self.resolve(refs.injects, name)?;
                (Trigger::Released(InjectIx(target)), Some(target))
            }
            RawTrigger::Met(name) | RawTrigger::Missed(name) => {
                let reference = self.expectation_ref(name, raw_injects, scenario, refs)?;
                let target = reference.inject.0;
                let trigger = match &when.value {
                    RawTrigger::Met(_) => Trigger::Met(reference),
                    _ => Trigger::Missed(reference),
                };
                (trigger, Some(target))
            }
            RawTrigger::Taken(name) => {
                let (action_name, team_name) = split_team(name);
                let action = self.resolve(refs.actions, &action_name);
                let team = team_name.as_ref().and_then(|t| self.resolve(refs.teams, t));
                let action = action?;
                if team_name.is_some() && team.is_none() {
                    return None;
                }
                if let Some(team) = team.filter(|t| {
                    actions_known[action] && !scenario.actions[action].allows(TeamIx(*t))
                }) {
                    let message = format!(
                        "team `{}` may not take action `{}` (its teams: {})",
                        scenario.team(TeamIx(team)).id,
                        action_name.value,
                        team_names(scenario, &scenario.actions[action])
                    );
                    self.errors.push(name.at, message);
                }
                (
                    Trigger::Taken {
                        action: ActionIx(action),
                        team: team.map(TeamIx),
                    },
                    None,
                )
            }
        };
        scenario.injects[ix].when = trigger;
        waits_on
    }

    /// `INJECT.ACTION` or `INJECT.ACTION@TEAM` in a `Met` or `Missed` trigger.
    fn expectation_ref(
        &mut self,
        name: &Spanned<String>,
        raw_injects: &[RawInject],
        scenario: &Scenario,
        refs: &Refs,
    ) -> Option<ExpectationRef> {
        let (reference, team_name) = split_team(name);
        let Some((inject_name, action_name)) = reference
            .value
            .split_once('.')
            .filter(|(i, a)| !i.is_empty() && !a.is_empty())
        else {
            let message = format!(
                "`when`: expected \"INJECT.ACTION\" or \"INJECT.ACTION@TEAM\", found \"{}\"",
                name.value.escape_debug()
            );
            self.errors.push(name.at, message);
            return None;
        };
        if names_a_message(inject_name) {
            let message = format!(
                "a trigger cannot wait on a message's reply (`{}`): messages are numbered as \
                 the exercise runs; wait on the inject or action that leads to it",
                name.value
            );
            self.errors.push(name.at, message);
            return None;
        }
        let inject = self.resolve(
            refs.injects,
            &Spanned {
                value: inject_name.to_string(),
                at: name.at,
            },
        )?;
        let raw = &raw_injects[inject];
        let Some(position) = raw.expect.iter().position(|e| match &e.decide {
            Read::Absent => e.action.as_ref().is_some_and(|a| a.value == action_name),
            _ => action_name == DECISION,
        }) else {
            // An expectation whose action had an error may be the one meant: no second error.
            let all_known = raw.expect.iter().all(|e| {
                !matches!(e.decide, Read::Absent)
                    || e.action
                        .as_ref()
                        .is_some_and(|a| refs.actions.get(&a.value).is_some())
            });
            if raw.expect_complete && all_known {
                let expected = list_names(raw.expect.iter().filter_map(|e| match &e.decide {
                    Read::Absent => e.action.as_ref().map(|a| a.value.as_str()),
                    _ => Some(DECISION),
                }));
                let message = format!(
                    "inject `{inject_name}` has no expectation of action `{action_name}` (it expects: {expected})"
                );
                self.errors.push(name.at, message);
            }
            return None;
        };
        let team = match &team_name {
            None => None,
            Some(team_name) => {
                let team = TeamIx(self.resolve(refs.teams, team_name)?);
                let by = &scenario.injects[inject].expect[position].by;
                if !by.contains(&team) {
                    let message = format!(
                        "team `{}` does not owe `{inject_name}.{action_name}` (by: {})",
                        team_name.value,
                        list_names(by.iter().map(|t| scenario.team(*t).id.as_str()))
                    );
                    self.errors.push(name.at, message);
                }
                Some(team)
            }
        };
        Some(ExpectationRef {
            inject: InjectIx(inject),
            expectation: position,
            team,
        })
    }

    /// Each inject of a trigger cycle is reported at its `when`.
    fn check_cycles(
        &mut self,
        raw_injects: &[RawInject],
        scenario: &Scenario,
        waits_on: &[Option<usize>],
    ) {
        // Every inject waits on at most one other, so following the edges finds each cycle once.
        const NEW: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![NEW; waits_on.len()];
        for start in 0..waits_on.len() {
            let mut path = Vec::new();
            let mut node = Some(start);
            while let Some(n) = node.filter(|n| state.get(*n) == Some(&NEW)) {
                state[n] = ON_PATH;
                path.push(n);
                node = waits_on[n];
            }
            if let Some(n) = node.filter(|n| state.get(*n) == Some(&ON_PATH)) {
                let cycle = path
                    .iter()
                    .position(|p| *p == n)
                    .map_or(&path[..0], |from| &path[from..]);
                for (k, member) in cycle.iter().enumerate() {
                    let order = cycle[k..].iter().chain(&cycle[..=k]);
                    let names: Vec<&str> =
                        order.map(|i| scenario.injects[*i].id.as_str()).collect();
                    let message = if cycle.len() == 1 {
                        format!("inject `{}` waits on itself", names[0])
                    } else {
                        format!(
                            "injects wait on each other in a cycle: {}",
                            names.join(" → ")
                        )
                    };
                    if let Some(when) = &raw_injects[*member].when {
                        self.errors.push(when.at, message);
                    }
                }
            }
            for n in path {
                state[n] = DONE;
            }
        }
    }
}

/// The id lists that references resolve against.
struct Refs<'a> {
    teams: &'a Ids,
    actions: &'a Ids,
    injects: &'a Ids,
    objectives: &'a Ids,
}

/// What expectation checks need of the built actions.
struct Checker<'a> {
    actions: &'a [Action],
    actions_known: &'a [bool],
    teams: &'a [Team],
}

impl Checker<'_> {
    fn team_id(&self, team: TeamIx) -> &str {
        self.teams.get(team.0).map_or("?", |t| t.id.as_str())
    }

    /// The teams that may take the action, for a message.
    fn team_list(&self, action: &Action) -> String {
        match &action.teams {
            None => "all".into(),
            Some(teams) => list_names(teams.iter().map(|t| self.team_id(*t))),
        }
    }
}

fn team_names(scenario: &Scenario, action: &Action) -> String {
    match &action.teams {
        None => "all".into(),
        Some(teams) => list_names(teams.iter().map(|t| scenario.team(*t).id.as_str())),
    }
}

/// `NAME@TEAM` into `NAME` and `TEAM`, each keeping the position of the whole string.
fn split_team(name: &Spanned<String>) -> (Spanned<String>, Option<Spanned<String>>) {
    match name.value.split_once('@') {
        Some((head, team)) => (
            Spanned {
                value: head.to_string(),
                at: name.at,
            },
            Some(Spanned {
                value: team.to_string(),
                at: name.at,
            }),
        ),
        None => (name.clone(), None),
    }
}
