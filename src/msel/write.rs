//! The rows of an MSEL resolved into teams, actions, objectives and injects, written as a
//! commented RON scenario, and loaded to check it. A row with any problem is left out (and
//! reported); so is one that waits on a row left out.

use std::collections::{HashMap, HashSet};

use super::book::Book;
use super::columns::Layout;
use super::draft::{EventKind, RowDraft};
use super::exercise;
use super::formats::Source;
use super::modules::{self, ModuleEntry};
use super::role::Role;
use super::table::{Problem, Table, side_cell};
use super::text::{
    ExpectText, FieldText, TriggerText, TriggerWords, from_one_line, slug, split_named,
};
use crate::ron_file::quoted;
use crate::scenario::MAX_TEAMS;
use crate::scenario::{Secs, format_secs, load_scenario, parse_duration};

/// Where the scenario came from, for the comment at its top.
pub struct Origin<'a> {
    pub file: &'a str,
    pub source: Source,
    pub notes: Vec<String>,
    /// The scenario's speed, where the MSEL sets one.
    pub speed: Option<f64>,
}

pub struct Written {
    pub ron: String,
    pub injects: usize,
    pub teams: usize,
    /// The warnings of the rows written.
    pub warnings: Vec<Problem>,
}

#[derive(Debug, Clone)]
struct TeamOut {
    id: String,
    name: String,
    summary: Option<String>,
    organisations: Vec<String>,
    /// From the `Teams` sheet: kept even when no inject goes to it.
    listed: bool,
}

#[derive(Debug, Clone)]
struct ObjectiveOut {
    id: String,
    name: String,
    capability: Option<String>,
    target: Option<String>,
}

#[derive(Debug, Clone)]
struct ActionOut {
    id: String,
    name: String,
    description: Option<String>,
    teams: Option<Vec<String>>,
    fields: Vec<FieldText>,
    /// RON text of the `message` field.
    message: Option<String>,
    /// From the `Actions` sheet: its fields are as listed there, not gathered from expectations.
    listed: bool,
    ahead: bool,
    clarifies: Option<Secs>,
    basis: Option<String>,
}

impl ActionOut {
    fn has_field(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }
}

#[derive(Debug, Clone)]
struct ExpectOut {
    /// One action, or the choices of a decision.
    actions: Vec<String>,
    decision: bool,
    within: Secs,
    /// The MSEL gave no time standard: `--within` was used.
    guessed: bool,
    by: Option<Vec<String>>,
    fields: Option<Vec<String>>,
    weight: Option<f64>,
    objective: Option<String>,
    basis: Option<String>,
    /// Made from a T3SF poll: its problems are the `Poll` column's.
    from_poll: bool,
}

#[derive(Debug, Clone)]
struct InjectOut {
    row: usize,
    id: String,
    trigger: TriggerText,
    unless: Option<TriggerWords>,
    reference: Option<String>,
    method: Option<String>,
    to: Vec<String>,
    title: String,
    body: String,
    from: Option<String>,
    expect: Vec<ExpectOut>,
    notes: Option<String>,
    warnings: Vec<Problem>,
}

impl InjectOut {
    /// Its trigger, and its `unless`, with the column each comes from.
    fn triggers(&self) -> impl Iterator<Item = (&TriggerWords, Role)> {
        std::iter::once((&self.trigger.trigger, Role::Trigger))
            .chain(self.unless.iter().map(|u| (u, Role::Unless)))
    }
}

/// Finds a named thing from how the MSEL writes it: `Name (id)` by its id; a bare `Name` by the
/// id made from it (which export leaves out), then as an id, then by its name.
fn find<'a, T>(
    items: &'a [T],
    text: &str,
    id: impl Fn(&T) -> &str,
    name: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    let (bare, given) = split_named(text);
    if let Some(given) = given {
        return items.iter().find(|i| id(i) == given);
    }
    let made = slug(bare);
    items
        .iter()
        .find(|i| made.as_deref() == Some(id(i)))
        .or_else(|| items.iter().find(|i| id(i) == bare))
        .or_else(|| items.iter().find(|i| name(i) == bare))
}

/// `base`, or `base-2`, `base-3`... whichever is not taken.
fn unique(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_default()
}

/// An id from what the MSEL says: the id given if valid, else one made from the name.
fn id_from(given: Option<&str>, name: &str, fallback: &str) -> String {
    given
        .map(str::to_string)
        .or_else(|| slug(name))
        .unwrap_or_else(|| fallback.to_string())
}

struct Resolver {
    teams: Vec<TeamOut>,
    actions: Vec<ActionOut>,
    objectives: Vec<ObjectiveOut>,
    within: Secs,
}

impl Resolver {
    fn team(&mut self, text: &str) -> Result<String, String> {
        if let Some(team) = find(&self.teams, text, |t| &t.id, |t| &t.name) {
            return Ok(team.id.clone());
        }
        if self.teams.len() >= MAX_TEAMS {
            return Err(format!(
                "{} would be a team beyond the {MAX_TEAMS} that an exercise may have",
                quoted(text)
            ));
        }
        let (name, given) = split_named(text);
        let taken = self.teams.iter().map(|t| t.id.clone()).collect();
        let fallback = format!("team-{}", self.teams.len() + 1);
        let id = unique(&id_from(given, name, &fallback), &taken);
        self.teams.push(TeamOut {
            id: id.clone(),
            name: name.to_string(),
            summary: None,
            organisations: Vec::new(),
            listed: false,
        });
        Ok(id)
    }

    fn action(&mut self, name: &str, given: Option<&str>) -> String {
        let text = match given {
            Some(id) => format!("{name} ({id})"),
            None => name.to_string(),
        };
        if let Some(action) = find(&self.actions, &text, |a| &a.id, |a| &a.name) {
            return action.id.clone();
        }
        let taken = self.actions.iter().map(|a| a.id.clone()).collect();
        let fallback = format!("action-{}", self.actions.len() + 1);
        let mut id = unique(&id_from(given, name, &fallback), &taken);
        // A decision is named INJECT.decision, so no action may take that id.
        if id == "decision" {
            id = unique("decision-action", &taken);
        }
        self.actions.push(ActionOut {
            id: id.clone(),
            name: name.to_string(),
            description: None,
            teams: None,
            fields: Vec::new(),
            message: None,
            listed: false,
            ahead: false,
            clarifies: None,
            basis: None,
        });
        id
    }

    fn objective(&mut self, text: &str) -> String {
        let (name, given) = split_named(text);
        if let Some(objective) = self
            .objectives
            .iter()
            .find(|o| given == Some(o.id.as_str()) || o.id == text.trim() || o.name == name)
        {
            return objective.id.clone();
        }
        let taken = self.objectives.iter().map(|o| o.id.clone()).collect();
        let fallback = format!("objective-{}", self.objectives.len() + 1);
        let id = unique(&id_from(given, name, &fallback), &taken);
        self.objectives.push(ObjectiveOut {
            id: id.clone(),
            name: name.to_string(),
            capability: None,
            target: None,
        });
        id
    }

    fn expectation(
        &mut self,
        text: &ExpectText,
        to: &[String],
        default_weight: Option<f64>,
    ) -> Result<ExpectOut, String> {
        let actions: Vec<String> = text
            .names
            .iter()
            .map(|(name, id)| self.action(name, id.as_deref()))
            .collect();
        if let Some(fields) = &text.fields {
            for action_id in &actions {
                let Some(action) = self.actions.iter_mut().find(|a| &a.id == action_id) else {
                    continue;
                };
                for field in fields {
                    if !action.has_field(field) {
                        if action.listed {
                            let names: Vec<&str> =
                                action.fields.iter().map(|f| f.name.as_str()).collect();
                            return Err(format!(
                                "action \"{}\" has no field {} (its fields: {})",
                                action.id,
                                quoted(field),
                                names.join(", ")
                            ));
                        }
                        action.fields.push(FieldText::named(field));
                    }
                }
            }
        }
        let by = if text.by.is_empty() {
            None
        } else {
            let mut by = Vec::new();
            for team in &text.by {
                let found = find(&self.teams, team, |t| &t.id, |t| &t.name)
                    .map(|t| t.id.clone())
                    .filter(|id| to.contains(id))
                    .ok_or_else(|| {
                        format!(
                            "{} in by: is not one of the inject's receiving teams",
                            quoted(team)
                        )
                    })?;
                by.push(found);
            }
            Some(by)
        };
        let objective = text.objective.as_deref().map(|o| self.objective(o));
        Ok(ExpectOut {
            actions,
            decision: text.decision,
            within: text.within.unwrap_or(self.within),
            guessed: text.within.is_none(),
            by,
            fields: text.fields.clone(),
            weight: text.weight.or(default_weight),
            objective,
            basis: text.basis.clone(),
            from_poll: false,
        })
    }
}

/// ttx's own `Teams` sheet.
fn listed_teams(table: &Table, problems: &mut Vec<Problem>) -> Vec<TeamOut> {
    let mut teams: Vec<TeamOut> = Vec::new();
    for row in &table.rows {
        let (Some(id), Some(name)) = (
            side_cell(table, row, "Id").map(str::trim),
            side_cell(table, row, "Name"),
        ) else {
            problems.push(Problem::new(
                row.number,
                "Id (sheet Teams)",
                "a team needs an id and a name",
            ));
            continue;
        };
        if teams.iter().any(|t| t.id == id) || teams.len() >= MAX_TEAMS {
            problems.push(Problem::new(
                row.number,
                "Id (sheet Teams)",
                format!("team \"{id}\" is listed twice, or beyond the {MAX_TEAMS} allowed"),
            ));
            continue;
        }
        teams.push(TeamOut {
            id: id.to_string(),
            name: name.to_string(),
            summary: side_cell(table, row, "Summary").map(str::to_string),
            organisations: side_cell(table, row, "Organisations")
                .map(|o| {
                    o.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            listed: true,
        });
    }
    teams
}

/// ttx's own `Objectives` sheet.
fn listed_objectives(table: &Table, problems: &mut Vec<Problem>) -> Vec<ObjectiveOut> {
    let mut objectives: Vec<ObjectiveOut> = Vec::new();
    for row in &table.rows {
        match (
            side_cell(table, row, "Id").map(str::trim),
            side_cell(table, row, "Name"),
        ) {
            (Some(id), Some(name)) if !objectives.iter().any(|o| o.id == id) => {
                objectives.push(ObjectiveOut {
                    id: id.to_string(),
                    name: name.to_string(),
                    capability: side_cell(table, row, "Capability").map(str::to_string),
                    target: side_cell(table, row, "Target").map(str::to_string),
                });
            }
            _ => problems.push(Problem::new(
                row.number,
                "Id (sheet Objectives)",
                "an objective needs an id, listed once, and a name",
            )),
        }
    }
    objectives
}

/// `to: others` or `to: us, cn`, then `; reply: ACTION within 24h` and the reply's details, its
/// `basis` last: RON for `message`.
fn message_ron(text: &str) -> Result<String, String> {
    let (text, basis) = match text.split_once("; basis:") {
        Some((text, basis)) => (text, Some(from_one_line(basis))),
        None => (text, None),
    };
    let mut parts = text.split(';').map(str::trim);
    let to = parts
        .next()
        .and_then(|p| p.strip_prefix("to:"))
        .map(str::trim)
        .ok_or_else(|| {
            format!(
                "{}: expected \"to: others\" or \"to: TEAM, TEAM\"",
                quoted(text)
            )
        })?;
    let to = if to == "others" {
        "Others".to_string()
    } else {
        let teams: Vec<String> = to.split(',').map(|t| quoted(t.trim())).collect();
        format!("Teams([{}])", teams.join(", "))
    };
    let Some(reply) = parts.next() else {
        if basis.is_some() {
            return Err("a basis belongs to a reply: \"; reply: ACTION within 24h\" first".into());
        }
        return Ok(format!("(to: {to})"));
    };
    let (action, within) = reply
        .strip_prefix("reply:")
        .and_then(|r| r.trim().split_once(" within "))
        .ok_or_else(|| format!("{}: expected \"reply: ACTION within 24h\"", quoted(reply)))?;
    let within = parse_duration(within.trim())?;
    let mut reply = format!(
        "action: {}, within: {}",
        quoted(action.trim()),
        quoted(&format_secs(within))
    );
    for part in parts {
        match part.split_once(':').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("fields", v)) => {
                let fields: Vec<String> = v.split(',').map(|f| f.trim().to_string()).collect();
                reply.push_str(&format!(", fields: {}", ron_list(&fields)));
            }
            Some(("weight", v)) => {
                let weight: f64 = v
                    .parse()
                    .map_err(|_| format!("weight \"{v}\" is not a number"))?;
                reply.push_str(&format!(", weight: {weight:?}"));
            }
            Some(("objective", v)) => reply.push_str(&format!(", objective: {}", quoted(v))),
            _ => {
                return Err(format!(
                    "{}: expected \"fields:\", \"weight:\", \"objective:\" or \"basis:\"",
                    quoted(part)
                ));
            }
        }
    }
    if let Some(basis) = basis {
        reply.push_str(&format!(", basis: {}", quoted(&basis)));
    }
    Ok(format!("(to: {to}, reply: ({reply}))"))
}

/// ttx's own `Actions` sheet: the catalogue as it was.
fn listed_actions(table: &Table, problems: &mut Vec<Problem>) -> Vec<ActionOut> {
    let mut actions: Vec<ActionOut> = Vec::new();
    for row in &table.rows {
        let (Some(id), Some(name)) = (
            side_cell(table, row, "Id").map(str::trim),
            side_cell(table, row, "Name"),
        ) else {
            problems.push(Problem::new(
                row.number,
                "Id (sheet Actions)",
                "an action needs an id and a name",
            ));
            continue;
        };
        let message = match side_cell(table, row, "Message").map(message_ron) {
            Some(Ok(m)) => Some(m),
            Some(Err(e)) => {
                problems.push(Problem::new(row.number, "Message (sheet Actions)", e));
                continue;
            }
            None => None,
        };
        let list = |header: &str, separator: char| {
            side_cell(table, row, header).map(|t| {
                t.split(separator)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
        };
        let fields: Result<Vec<FieldText>, String> = list("Fields", '\n')
            .unwrap_or_default()
            .iter()
            .map(|line| FieldText::parse(line))
            .collect();
        let fields = match fields {
            Ok(fields) => fields,
            Err(e) => {
                problems.push(Problem::new(row.number, "Fields (sheet Actions)", e));
                continue;
            }
        };
        let clarifies = match side_cell(table, row, "Clarifies").map(|d| parse_duration(d.trim())) {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                problems.push(Problem::new(row.number, "Clarifies (sheet Actions)", e));
                continue;
            }
            None => None,
        };
        let ahead =
            side_cell(table, row, "Ahead").is_some_and(|a| a.trim().eq_ignore_ascii_case("yes"));
        let basis = side_cell(table, row, "Basis").map(str::to_string);
        // What the loader would refuse of a clarification, said at this row.
        let refused = if clarifies.is_none() {
            basis
                .as_ref()
                .map(|_| ("Basis", "a basis belongs to an action that clarifies"))
        } else if message.is_some() {
            Some(("Message", "an action that clarifies sends no message"))
        } else if ahead {
            Some(("Ahead", "an action that clarifies cannot be taken ahead"))
        } else {
            None
        };
        if let Some((column, message)) = refused {
            problems.push(Problem::new(
                row.number,
                format!("{column} (sheet Actions)"),
                message,
            ));
            continue;
        }
        actions.push(ActionOut {
            id: id.to_string(),
            name: name.to_string(),
            description: side_cell(table, row, "Description").map(str::to_string),
            teams: list("Teams", ','),
            fields,
            message,
            listed: true,
            ahead,
            clarifies,
            basis,
        });
    }
    actions
}

/// The inject's id: the one given, else one made from its title.
fn inject_id(draft: &RowDraft, title: &str, taken: &HashSet<String>) -> String {
    let base = draft
        .id
        .as_deref()
        .and_then(|id| {
            if split_named(&format!("x ({id})")).1.is_some() {
                Some(id.to_string())
            } else {
                slug(id)
            }
        })
        .or_else(|| slug(title))
        .unwrap_or_else(|| format!("row-{}", draft.row));
    // `msg-N` names a hotline message.
    let base = if base
        .strip_prefix("msg-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        format!("inject-{base}")
    } else {
        base
    };
    unique(&base, taken)
}

/// The first line of a body, cut to a title's length.
fn title_from(body: &str) -> String {
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let mut title: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        title.push('…');
    }
    title
}

/// Every row resolved, the RON written and loaded to check it.
pub fn scenario(
    drafts: Vec<RowDraft>,
    book: &Book,
    layout_names: &Layout,
    within: Secs,
    origin: &Origin,
    problems: &mut Vec<Problem>,
) -> Result<Written, String> {
    let column = |role: Role| layout_names.name(role);
    let mut exercise = book
        .exercise
        .as_ref()
        .map(|t| exercise::read(t, problems))
        .unwrap_or_default();
    let mut modules = book
        .modules
        .as_ref()
        .map(|t| modules::read(t, problems))
        .unwrap_or_default();
    let mut resolver = Resolver {
        teams: book
            .teams
            .as_ref()
            .map(|t| listed_teams(t, problems))
            .unwrap_or_default(),
        actions: book
            .actions
            .as_ref()
            .map(|t| listed_actions(t, problems))
            .unwrap_or_default(),
        objectives: book
            .objectives
            .as_ref()
            .map(|t| listed_objectives(t, problems))
            .unwrap_or_default(),
        within,
    };
    let mut injects: Vec<InjectOut> = Vec::new();
    let mut taken_ids: HashSet<String> = HashSet::new();
    let mut polls = 0;
    for mut draft in drafts {
        if draft.kind() == EventKind::ExpectedAction {
            expected_action_row(&draft, &mut injects, &mut resolver, &column, problems);
            continue;
        }
        if draft.kind() == EventKind::Contingency {
            // Held back until the controller decides it is needed: released by hand.
            let planned = draft.time.take().map(|t| {
                format!(
                    "Planned at {}: a contingency, released by hand.",
                    format_secs(t)
                )
            });
            draft.notes.extend(planned);
        }
        let mut row_problems = Vec::new();
        let mut to = Vec::new();
        for team in &draft.to {
            match resolver.team(team) {
                Ok(id) if !to.contains(&id) => to.push(id),
                Ok(_) => {}
                Err(e) => row_problems.push(Problem::new(draft.row, column(Role::To), e)),
            }
        }
        for objective in &draft.objectives {
            resolver.objective(objective);
        }
        let mut expect: Vec<ExpectOut> = Vec::new();
        for text in &draft.expected {
            match resolver.expectation(text, &to, draft.weight) {
                Ok(e) => {
                    let repeated = e
                        .actions
                        .iter()
                        .find(|a| expect.iter().any(|other| other.actions.contains(a)));
                    if let Some(a) = repeated {
                        row_problems.push(Problem::new(
                            draft.row,
                            column(Role::Expected),
                            format!("action \"{a}\" is expected twice of one inject"),
                        ));
                    } else {
                        expect.push(e);
                    }
                }
                Err(e) => row_problems.push(Problem::new(draft.row, column(Role::Expected), e)),
            }
        }
        let notes = &draft.notes;
        if !draft.poll.is_empty() {
            polls += 1;
            let names: Vec<(String, Option<String>)> =
                draft.poll.iter().map(|o| (o.clone(), None)).collect();
            let poll = ExpectText {
                names,
                decision: true,
                within: draft.poll_within,
                ..ExpectText::default()
            };
            match resolver.expectation(&poll, &to, draft.weight) {
                Ok(e) if expect.iter().any(|other| other.decision) => {
                    row_problems.push(Problem::new(
                        draft.row,
                        column(Role::Poll),
                        format!(
                            "the inject already has a decision; a second one (between {}) is \
                             not allowed",
                            e.actions.join(", ")
                        ),
                    ));
                }
                Ok(e) => expect.push(ExpectOut {
                    from_poll: true,
                    ..e
                }),
                Err(e) => row_problems.push(Problem::new(draft.row, column(Role::Poll), e)),
            }
        }
        if !row_problems.is_empty() {
            problems.extend(row_problems);
            continue;
        }
        let body = draft.body.clone().unwrap_or_default();
        let title = draft
            .title
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                let t = title_from(&body);
                if t.is_empty() {
                    format!("Row {}", draft.row)
                } else {
                    t
                }
            });
        let id = inject_id(&draft, &title, &taken_ids);
        taken_ids.insert(id.clone());
        let trigger = draft.trigger.clone().unwrap_or(TriggerText {
            trigger: match draft.time {
                Some(t) => TriggerWords::At(t),
                None => TriggerWords::ByHand,
            },
            delay: 0,
            jitter: 0,
            chance: 1.0,
        });
        injects.push(InjectOut {
            row: draft.row,
            id,
            trigger,
            unless: draft.unless.clone(),
            reference: draft.reference.clone(),
            method: draft.method.clone(),
            to,
            title,
            body,
            from: draft.from.clone(),
            expect,
            notes: (!notes.is_empty()).then(|| notes.join("\n")),
            warnings: draft.warnings.clone(),
        });
    }
    // Actions that only a trigger names (`when pay-ransom is taken`) join the catalogue.
    for inject in &injects {
        for (trigger, _) in inject.triggers() {
            if let TriggerWords::Taken(what) = trigger {
                let action = what.split('@').next().unwrap_or_default();
                if !action.is_empty() && !resolver.actions.iter().any(|a| a.id == action) {
                    resolver.action(action, Some(action));
                }
            }
        }
    }
    drop_waiting(&mut injects, &resolver, &column, problems);
    prune(&mut resolver, &injects);
    let mut header_notes = origin.notes.clone();
    if polls > 0 {
        header_notes.push(format!(
            "{polls} poll{} became decisions (`decide`) between actions made from their options.",
            if polls == 1 { "" } else { "s" }
        ));
    }
    let guessed: usize = injects
        .iter()
        .map(|i| i.expect.iter().filter(|e| e.guessed).count())
        .sum();
    if guessed > 0 {
        header_notes.push(format!(
            "{guessed} expected action{} had no time standard in the MSEL: each has within: \
             \"{}\" (--within) marked `TODO: check`.",
            if guessed == 1 { "" } else { "s" },
            format_secs(within)
        ));
    }
    // The loader has the last word; an inject it refuses is left out, and its row reported.
    // Each attempt that fails leaves out at least one inject, field, module or question.
    let parts = injects.len()
        + exercise.len()
        + modules.iter().map(|m| 1 + m.questions.len()).sum::<usize>();
    for _ in 0..=parts {
        if injects.is_empty() {
            break;
        }
        // What was kept other than as the MSEL meant it, said where the reader starts.
        let notes: Vec<String> = header_notes
            .iter()
            .cloned()
            .chain(
                injects
                    .iter()
                    .flat_map(|i| &i.warnings)
                    .map(|w| format!("Row {}, column {}: {}.", w.row, w.column, w.message)),
            )
            .collect();
        let rendered = render(&resolver, &injects, &exercise, &modules, origin, &notes);
        let (ron, spans) = (rendered.ron, rendered.injects);
        let name = format!("{} (as imported)", origin.file);
        match load_scenario(&name, &ron) {
            Ok(scenario) => {
                return Ok(Written {
                    ron,
                    injects: scenario.injects.len(),
                    teams: scenario.teams.len(),
                    warnings: injects.into_iter().flat_map(|i| i.warnings).collect(),
                });
            }
            Err(diagnostics) => {
                let mut refused = HashSet::new();
                let mut unread = HashSet::new();
                let (mut modules_refused, mut questions_refused) = (HashSet::new(), HashSet::new());
                for d in diagnostics {
                    // A field of the `Exercise` sheet that the loader refuses is left out.
                    if let Some((_, ix)) = rendered
                        .exercise
                        .iter()
                        .find(|(lines, _)| lines.contains(&d.line))
                    {
                        let entry: &exercise::Entry = &exercise[*ix];
                        problems.push(Problem::new(entry.row, exercise::VALUE_COLUMN, d.message));
                        unread.insert(*ix);
                        continue;
                    }
                    // A module or question the loader refuses is left out, its row reported.
                    if let Some(at) = rendered.modules.get(&d.line) {
                        let module = &modules[at.module];
                        let row = match at.question {
                            Some(q) => module.questions[q].row,
                            None => module.row,
                        };
                        problems.push(Problem::new(row, modules::column(at.header), d.message));
                        match at.question {
                            Some(q) => questions_refused.insert((at.module, q)),
                            None => modules_refused.insert(at.module),
                        };
                        continue;
                    }
                    let Some((ix, _)) = spans
                        .iter()
                        .enumerate()
                        .find(|(_, (from, to))| (*from..*to).contains(&d.line))
                    else {
                        return Err(format!(
                            "the scenario made from {} does not load: {}",
                            origin.file, d
                        ));
                    };
                    let line = d.source_line.trim_start();
                    let role = [
                        ("when", Role::Trigger),
                        ("unless", Role::Unless),
                        ("to", Role::To),
                        ("ref", Role::Number),
                        ("method", Role::Method),
                    ]
                    .into_iter()
                    .find(|(field, _)| line.starts_with(&format!("{field}:")))
                    .map_or_else(
                        || {
                            if rendered.poll_lines.contains(&d.line) {
                                Role::Poll
                            } else {
                                Role::Expected
                            }
                        },
                        |(_, role)| role,
                    );
                    problems.push(Problem::new(injects[ix].row, column(role), d.message));
                    refused.insert(ix);
                }
                for (m, module) in modules.iter_mut().enumerate() {
                    let mut q = 0;
                    module.questions.retain(|_| {
                        q += 1;
                        !questions_refused.contains(&(m, q - 1))
                    });
                }
                let mut ix = 0;
                modules.retain(|_| {
                    ix += 1;
                    !modules_refused.contains(&(ix - 1))
                });
                let mut ix = 0;
                exercise.retain(|_| {
                    ix += 1;
                    !unread.contains(&(ix - 1))
                });
                let mut ix = 0;
                injects.retain(|_| {
                    ix += 1;
                    !refused.contains(&(ix - 1))
                });
                drop_waiting(&mut injects, &resolver, &column, problems);
                prune(&mut resolver, &injects);
                if injects.is_empty() {
                    break;
                }
            }
        }
    }
    problems.sort_by_key(|p| p.row);
    let mut lines: Vec<String> = problems.iter().map(|p| p.render(origin.file)).collect();
    lines.push(format!(
        "{}: no row could be read into an inject",
        origin.file
    ));
    Err(lines.join("\n"))
}

/// A row whose event type is an expected action: what the players are expected to do about the
/// inject before it, by the row's time. Its names are its expected actions, or its title.
fn expected_action_row(
    draft: &RowDraft,
    injects: &mut [InjectOut],
    resolver: &mut Resolver,
    column: &dyn Fn(Role) -> String,
    problems: &mut Vec<Problem>,
) {
    let Some(inject) = injects.last_mut() else {
        problems.push(Problem::new(
            draft.row,
            column(Role::EventType),
            "an expected action with no inject before it to expect it of",
        ));
        return;
    };
    let texts: Vec<ExpectText> = if draft.expected.is_empty() {
        let name = draft
            .title
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| title_from(draft.body.as_deref().unwrap_or_default()));
        vec![ExpectText {
            names: vec![(name, None)],
            ..ExpectText::default()
        }]
    } else {
        draft.expected.clone()
    };
    let since = match (&inject.trigger.trigger, draft.time) {
        (TriggerWords::At(at), Some(time)) if time > *at => Some(time - at),
        _ => None,
    };
    for mut text in texts {
        text.within = text.within.or(since);
        if text.by.is_empty() {
            text.by = draft.to.clone();
        }
        let to = inject.to.clone();
        match resolver.expectation(&text, &to, draft.weight) {
            Ok(e) if inject.expect.iter().any(|other| other.actions == e.actions) => {
                problems.push(Problem::new(
                    draft.row,
                    column(Role::Expected),
                    format!(
                        "action {} is already expected of the inject before it",
                        quoted(&e.actions.join(", "))
                    ),
                ));
            }
            Ok(e) => inject.expect.push(ExpectOut {
                by: e.by.filter(|by| *by != to),
                ..e
            }),
            Err(e) => problems.push(Problem::new(draft.row, column(Role::Expected), e)),
        }
    }
}

/// Leaves out the teams and actions that only rows left out named (those of ttx's own side
/// sheets stay, as they were listed).
fn prune(resolver: &mut Resolver, injects: &[InjectOut]) {
    let named = |what: &str, of: &TriggerWords| match of {
        TriggerWords::Taken(a)
        | TriggerWords::Met(a)
        | TriggerWords::Missed(a)
        | TriggerWords::Incomplete(a) => a.split(['@', '.']).any(|part| part == what),
        _ => false,
    };
    let in_triggers = |what: &str, i: &InjectOut| i.triggers().any(|(t, _)| named(what, t));
    resolver.teams.retain(|t| {
        t.listed
            || injects
                .iter()
                .any(|i| i.to.contains(&t.id) || in_triggers(&t.id, i))
    });
    // Only the `Actions` sheet gives messages, so a reply action is always a listed one.
    resolver.actions.retain(|a| {
        a.listed
            || injects.iter().any(|i| {
                i.expect.iter().any(|e| e.actions.contains(&a.id)) || in_triggers(&a.id, i)
            })
    });
}

/// Leaves out, until none is left, every inject whose trigger or `unless` names an inject,
/// expectation, action or team that is not in the scenario.
fn drop_waiting(
    injects: &mut Vec<InjectOut>,
    resolver: &Resolver,
    column: &dyn Fn(Role) -> String,
    problems: &mut Vec<Problem>,
) {
    loop {
        let ids: HashMap<&str, &InjectOut> = injects.iter().map(|i| (i.id.as_str(), i)).collect();
        let team_known =
            |team: Option<&str>| team.is_none_or(|t| resolver.teams.iter().any(|x| x.id == t));
        let expectation_known = |what: &str| {
            let (what, team) = match what.split_once('@') {
                Some((w, t)) => (w, Some(t)),
                None => (what, None),
            };
            let Some((inject, action)) = what.split_once('.') else {
                return false;
            };
            ids.get(inject).is_some_and(|i| {
                i.expect.iter().any(|e| {
                    if action == "decision" {
                        e.decision
                    } else {
                        !e.decision && e.actions.iter().any(|a| a == action)
                    }
                })
            }) && team_known(team)
        };
        let mut missing = Vec::new();
        for (ix, (inject, (trigger, role))) in injects
            .iter()
            .enumerate()
            .flat_map(|(ix, i)| i.triggers().map(move |t| (ix, (i, t))))
        {
            let problem = match trigger {
                TriggerWords::After(id) if !ids.contains_key(id.as_str()) => Some(format!(
                    "waits on inject \"{id}\", which is not in the scenario"
                )),
                TriggerWords::Met(x) | TriggerWords::Missed(x) | TriggerWords::Incomplete(x)
                    if !expectation_known(x) =>
                {
                    Some(format!(
                        "waits on expectation \"{x}\", which is not in the scenario"
                    ))
                }
                TriggerWords::Taken(a) => {
                    let (action, team) = match a.split_once('@') {
                        Some((a, t)) => (a, Some(t)),
                        None => (a.as_str(), None),
                    };
                    let known = resolver.actions.iter().any(|x| x.id == action) && team_known(team);
                    (!known)
                        .then(|| format!("waits on action \"{a}\", which is not in the scenario"))
                }
                _ => None,
            };
            if let Some(problem) = problem {
                problems.push(Problem::new(inject.row, column(role), problem));
                if !missing.contains(&ix) {
                    missing.push(ix);
                }
            }
        }
        if missing.is_empty() {
            return;
        }
        let mut ix = 0;
        injects.retain(|_| {
            ix += 1;
            !missing.contains(&(ix - 1))
        });
    }
}

/// The number of the line that the next text written to `out` starts, counting only what was
/// added since the last call (`counted`: bytes counted, and the line they end on).
fn line_number(out: &str, counted: &mut (usize, usize)) -> usize {
    counted.1 += out[counted.0..].matches('\n').count();
    counted.0 = out.len();
    counted.1
}

fn ron_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

fn trigger_ron(trigger: &TriggerWords) -> String {
    match trigger {
        TriggerWords::At(t) => format!("At({})", quoted(&format_secs(*t))),
        TriggerWords::After(id) => format!("Released({})", quoted(id)),
        TriggerWords::Met(x) => format!("Met({})", quoted(x)),
        TriggerWords::Missed(x) => format!("Missed({})", quoted(x)),
        TriggerWords::Incomplete(x) => format!("Incomplete({})", quoted(x)),
        TriggerWords::Taken(a) => format!("Taken({})", quoted(a)),
        TriggerWords::ByHand => "Manual".to_string(),
    }
}

/// The RON text, and the lines (from, to) each inject takes.
/// The RON written, and where its parts are, to name the cell of what the loader refuses.
struct Rendered {
    ron: String,
    /// The lines (from, to) each inject takes.
    injects: Vec<(usize, usize)>,
    /// The lines of the `Exercise` sheet's fields, with each field's place in the list.
    exercise: Vec<(std::ops::Range<usize>, usize)>,
    /// The lines of expectations made from a T3SF poll.
    poll_lines: HashSet<usize>,
    /// The `Modules` sheet's lines: which module, question and column each comes from.
    modules: HashMap<usize, ModuleLine>,
}

/// Where a line of `modules` comes from: a module, or one of its questions, and the column.
struct ModuleLine {
    module: usize,
    question: Option<usize>,
    header: &'static str,
}

/// A question's team or objective as an id, found by id or name; as written where none is
/// found, for the loader to refuse at its row.
fn named_id<'a, T>(
    items: &'a [T],
    text: &'a str,
    id: impl Fn(&T) -> &str,
    name: impl Fn(&T) -> &str,
) -> &'a str {
    items
        .iter()
        .find(|i| id(i) == text)
        .or_else(|| items.iter().find(|i| name(i) == text))
        .map_or(text, |i| id(i))
}

/// The modules as RON, each line recorded with where it comes from.
fn render_modules(
    out: &mut String,
    counted: &mut (usize, usize),
    resolver: &Resolver,
    modules: &[ModuleEntry],
) -> HashMap<usize, ModuleLine> {
    let mut lines = HashMap::new();
    let mut put = |out: &mut String, text: String, module, question, header| {
        lines.insert(
            line_number(out, counted),
            ModuleLine {
                module,
                question,
                header,
            },
        );
        out.push_str(&text);
        out.push('\n');
    };
    out.push_str("    modules: [\n");
    for (m, module) in modules.iter().enumerate() {
        put(
            out,
            format!("        ( // row {}", module.row),
            m,
            None,
            "Module",
        );
        for (header, key, value) in [
            ("Module", "id", &module.id),
            ("Title", "title", &module.title),
            ("From", "from", &module.from),
            ("Narrative", "narrative", &module.narrative),
        ] {
            put(
                out,
                format!("            {key}: {},", quoted(value)),
                m,
                None,
                header,
            );
        }
        put(out, "            questions: [".into(), m, None, "Module");
        for (q, question) in module.questions.iter().enumerate() {
            let at = Some(q);
            let indent = "                    ";
            put(
                out,
                format!("                ( // row {}", question.row),
                m,
                at,
                "Question",
            );
            put(
                out,
                format!("{indent}id: {},", quoted(&question.id)),
                m,
                at,
                "Question",
            );
            put(
                out,
                format!("{indent}text: {},", quoted(&question.text)),
                m,
                at,
                "Text",
            );
            if let Some(to) = &question.to {
                let ids: Vec<String> = to
                    .iter()
                    .map(|t| named_id(&resolver.teams, t, |x| &x.id, |x| &x.name).to_string())
                    .collect();
                put(out, format!("{indent}to: {},", ron_list(&ids)), m, at, "To");
            }
            if let Some(objective) = &question.objective {
                let id = named_id(&resolver.objectives, objective, |x| &x.id, |x| &x.name);
                put(
                    out,
                    format!("{indent}objective: {},", quoted(id)),
                    m,
                    at,
                    "Objective",
                );
            }
            put(out, "                ),".into(), m, at, "Question");
        }
        put(out, "            ],".into(), m, None, "Module");
        put(out, "        ),".into(), m, None, "Module");
    }
    out.push_str("    ],\n");
    lines
}

fn render(
    resolver: &Resolver,
    injects: &[InjectOut],
    exercise: &[exercise::Entry],
    modules: &[ModuleEntry],
    origin: &Origin,
    header_notes: &[String],
) -> Rendered {
    let mut out = String::new();
    let mut counted = (0, 1);
    let mut exercise_lines = Vec::new();
    let mut poll_lines = HashSet::new();
    let line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(
        &mut out,
        &format!(
            "// Imported by `ttx msel import` from {} ({}).",
            origin.file.replace('\n', " "),
            origin.source.name()
        ),
    );
    line(
        &mut out,
        "// Check it with `ttx validate`, and read it through before you run it:",
    );
    for note in header_notes {
        line(&mut out, &format!("// - {}", note.replace('\n', " ")));
    }
    line(&mut out, "Scenario(");
    let given = |key: &str| exercise.iter().any(|e| e.key == key);
    if !given("title") {
        let stem = std::path::Path::new(origin.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("Imported MSEL");
        line(&mut out, &format!("    title: {},", quoted(stem)));
    }
    if let (false, Some(speed)) = (given("speed"), origin.speed) {
        line(&mut out, &format!("    speed: {speed:?},"));
    }
    let nested = exercise.iter().any(|e| e.in_exercise);
    for in_exercise in [false, true] {
        let indent = if in_exercise { "        " } else { "    " };
        if in_exercise && nested {
            line(&mut out, "    exercise: (");
        }
        for (ix, entry) in exercise.iter().enumerate() {
            if entry.in_exercise == in_exercise {
                let start = line_number(&out, &mut counted);
                line(&mut out, &format!("{indent}{}: {},", entry.key, entry.ron));
                exercise_lines.push((start..line_number(&out, &mut counted), ix));
            }
        }
        if in_exercise && nested {
            line(&mut out, "    ),");
        }
    }
    if !resolver.objectives.is_empty() {
        line(&mut out, "    objectives: [");
        for objective in &resolver.objectives {
            let mut fields = vec![
                format!("id: {}", quoted(&objective.id)),
                format!("name: {}", quoted(&objective.name)),
            ];
            if let Some(c) = &objective.capability {
                fields.push(format!("capability: {}", quoted(c)));
            }
            if let Some(t) = &objective.target {
                fields.push(format!("target: {}", quoted(t)));
            }
            line(&mut out, &format!("        ({}),", fields.join(", ")));
        }
        line(&mut out, "    ],");
    }
    line(&mut out, "    teams: [");
    for team in &resolver.teams {
        let mut summary = team
            .summary
            .as_deref()
            .map(|s| format!(", summary: {}", quoted(s)))
            .unwrap_or_default();
        if !team.organisations.is_empty() {
            summary.push_str(&format!(
                ", organisations: {}",
                ron_list(&team.organisations)
            ));
        }
        line(
            &mut out,
            &format!(
                "        (id: {}, name: {}{summary}),",
                quoted(&team.id),
                quoted(&team.name)
            ),
        );
    }
    line(&mut out, "    ],");
    line(&mut out, "    actions: [");
    for action in &resolver.actions {
        let mut fields = vec![
            format!("id: {}", quoted(&action.id)),
            format!("name: {}", quoted(&action.name)),
        ];
        if let Some(d) = &action.description {
            fields.push(format!("description: {}", quoted(d)));
        }
        if let Some(teams) = &action.teams {
            fields.push(format!("teams: {}", ron_list(teams)));
        }
        if !action.fields.is_empty() {
            let list: Vec<String> = action.fields.iter().map(FieldText::ron).collect();
            fields.push(format!("fields: [{}]", list.join(", ")));
        }
        if let Some(m) = &action.message {
            fields.push(format!("message: {m}"));
        }
        if action.ahead {
            fields.push("ahead: true".to_string());
        }
        if let Some(d) = action.clarifies {
            fields.push(format!("clarifies: {}", quoted(&format_secs(d))));
        }
        if let Some(basis) = &action.basis {
            fields.push(format!("basis: {}", quoted(basis)));
        }
        line(&mut out, &format!("        ({}),", fields.join(", ")));
    }
    line(&mut out, "    ],");
    line(&mut out, "    injects: [");
    let mut spans = Vec::new();
    for inject in injects {
        let start = line_number(&out, &mut counted);
        line(&mut out, &format!("        ( // row {}", inject.row));
        let field = |out: &mut String, name: &str, value: String| {
            out.push_str(&format!("            {name}: {value},\n"));
        };
        field(&mut out, "id", quoted(&inject.id));
        if let Some(reference) = &inject.reference {
            field(&mut out, "ref", quoted(reference));
        }
        field(&mut out, "when", trigger_ron(&inject.trigger.trigger));
        if let Some(unless) = &inject.unless {
            field(&mut out, "unless", trigger_ron(unless));
        }
        field(&mut out, "to", ron_list(&inject.to));
        if let Some(method) = &inject.method {
            field(&mut out, "method", quoted(method));
        }
        field(&mut out, "title", quoted(&inject.title));
        field(&mut out, "body", quoted(&inject.body));
        if let Some(from) = &inject.from {
            field(&mut out, "from", quoted(from));
        }
        if !inject.expect.is_empty() {
            line(&mut out, "            expect: [");
            for e in &inject.expect {
                let mut parts = vec![if e.decision {
                    format!("decide: {}", ron_list(&e.actions))
                } else {
                    format!("action: {}", quoted(&e.actions[0]))
                }];
                parts.push(format!("within: {}", quoted(&format_secs(e.within))));
                if let Some(by) = &e.by {
                    parts.push(format!("by: {}", ron_list(by)));
                }
                if let Some(fields) = e.fields.as_ref().filter(|_| !e.decision) {
                    parts.push(format!("fields: {}", ron_list(fields)));
                }
                if let Some(w) = e.weight {
                    parts.push(format!("weight: {w:?}"));
                }
                if let Some(o) = &e.objective {
                    parts.push(format!("objective: {}", quoted(o)));
                }
                if let Some(basis) = &e.basis {
                    parts.push(format!("basis: {}", quoted(basis)));
                }
                if e.from_poll {
                    poll_lines.insert(line_number(&out, &mut counted));
                }
                let todo = if e.guessed {
                    "  // TODO: check: the MSEL gives no time standard"
                } else {
                    ""
                };
                line(
                    &mut out,
                    &format!("                ({}),{todo}", parts.join(", ")),
                );
            }
            line(&mut out, "            ],");
        }
        let t = &inject.trigger;
        if t.delay > 0 {
            field(&mut out, "delay", quoted(&format_secs(t.delay)));
        }
        if t.jitter > 0 {
            field(&mut out, "jitter", quoted(&format_secs(t.jitter)));
        }
        if t.chance != 1.0 {
            field(&mut out, "chance", format!("{:?}", t.chance));
        }
        if let Some(notes) = &inject.notes {
            field(&mut out, "notes", quoted(notes));
        }
        line(&mut out, "        ),");
        spans.push((start, line_number(&out, &mut counted)));
    }
    line(&mut out, "    ],");
    let module_lines = if modules.is_empty() {
        HashMap::new()
    } else {
        render_modules(&mut out, &mut counted, resolver, modules)
    };
    line(&mut out, ")");
    Rendered {
        ron: out,
        injects: spans,
        exercise: exercise_lines,
        poll_lines,
        modules: module_lines,
    }
}
