//! The simulated teams' profile: how likely they answer, how fast, how carefully, and when the
//! simulated facilitator releases `Manual` injects. Read from a RON file with the scenario
//! loader's positioned diagnostics, then resolved against the scenario once, so that a run looks
//! every behaviour up by team and action without a name in sight.
//!
//! The built-in "typical team" times its answers by what an action asks of it (`ActionKind`):
//! an acknowledgement takes minutes, a court order hours, whatever the deadline allows.

use crate::ron_file::Presence::Optional;
use crate::ron_file::{
    Arena, Diagnostic, Errors, Fields, FromValue, Kind, Presence, SourceMap, Value, list_names,
    parse_file,
};
use crate::scenario::duration::Duration;
use crate::scenario::{
    Action, ActionIx, InjectIx, Scenario, Secs, TeamIx, Trigger, parse_duration,
};

/// The standard normal distribution's 90th percentile, Φ⁻¹(0.9): a log-normal time whose median
/// is m and whose 90th percentile is q has σ = ln(q / m) / Z90.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// What the built-in profile is called in summaries and in the JSON's `profile`.
pub const BUILT_IN: &str = "built-in";

/// What the scenario's own profile (its `profile:` field) is called in summaries and in the
/// JSON's `profile`.
pub const SCENARIO_OWN: &str = "scenario";

/// A response time, as a share of the expectation's `within` or as a duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Time {
    /// `"50%"` is 0.5.
    Share(f64),
    Duration(Secs),
}

/// One layer of the profile as written: any field may be left to the layer below.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Layer {
    respond: Option<f64>,
    /// `median` and `p90` are given together (checked when read), so that layers never mix a
    /// share with a duration.
    times: Option<(Time, Time)>,
    blank_field: Option<f64>,
    ahead: Option<f64>,
    insufficient: Option<f64>,
    clarify: Option<f64>,
}

impl Layer {
    /// This layer over `below`: what it gives wins.
    fn over(&self, below: &Behaviour) -> Behaviour {
        Behaviour {
            respond: self.respond.unwrap_or(below.respond),
            times: self.times.unwrap_or(below.times),
            blank_field: self.blank_field.unwrap_or(below.blank_field),
            ahead: self.ahead.unwrap_or(below.ahead),
            insufficient: self.insufficient.unwrap_or(below.insufficient),
            clarify: self.clarify.unwrap_or(below.clarify),
        }
    }
}

/// How a team behaves for one action, every field known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Behaviour {
    /// The probability that the team answers an expectation at all.
    pub respond: f64,
    /// The median and the 90th percentile of the response time.
    pub times: (Time, Time),
    /// The probability that each required field is left blank.
    pub blank_field: f64,
    /// The probability that the team takes an `ahead` action before it is asked.
    pub ahead: f64,
    /// Format 3: the probability that a request the team sends (a response of an action whose
    /// message obliges a reply, an amendment too) has a required field insufficient, on top of
    /// those `blank_field` leaves blank. Looked up by the team sending and the request's action.
    pub insufficient: f64,
    /// Format 3: the probability that the team, receiving an insufficient request, asks for
    /// clarification rather than replying. Looked up by the team receiving and the request's
    /// action.
    pub clarify: f64,
}

impl Behaviour {
    /// The built-in "typical team": answers nine times in ten, in the time its kind of action
    /// takes (`ActionKind`); one request in five goes out missing something the other side
    /// needs, which asks for it four times in five (the facilitator's guide says why). Its
    /// `times` here are those of a written message; `ActionKind::typical` gives each kind's.
    pub const TYPICAL: Behaviour = Behaviour {
        respond: 0.9,
        times: ActionKind::Message.times(),
        blank_field: 0.1,
        ahead: 0.2,
        insufficient: 0.2,
        clarify: 0.8,
    };

    /// The log-normal response time's parameters (ln of the median, σ), in seconds for an
    /// expectation allowing `within`. `None` when the median is zero: the answer is immediate.
    pub fn log_normal(&self, within: Secs) -> Option<(f64, f64)> {
        let secs = |t: Time| match t {
            Time::Share(share) => share * within as f64,
            Time::Duration(secs) => secs as f64,
        };
        let (median, p90) = (secs(self.times.0), secs(self.times.1));
        (median > 0.0).then(|| (median.ln(), (p90 / median).ln().max(0.0) / Z90))
    }
}

/// What an action asks of a team, which sets how long the typical team takes over it. Told from
/// the action itself by a heuristic that the facilitator's guide documents (`of`); a profile
/// that gives `median` and `p90` overrides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Its name starts with "Acknowledge" or "Confirm": saying that something arrived and who
    /// owns it.
    Acknowledgement,
    /// No fields and no message: an operational step (isolate, contain, wipe, fail over).
    Step,
    /// Fields to write or a message to send: a report, a request, a reply, a statement.
    Message,
    /// A legal or regulatory act: its name speaks of an order, a warrant, an arrest, a search,
    /// a court, a prosecutor, records, an inquiry, a direction, or an authority, regulator,
    /// supervisor, commissioner, inspectorate or central bank.
    Formal,
}

/// Words of an action's name that make it a formal act (whole words, any case).
const FORMAL_WORDS: &[&str] = &[
    "order",
    "orders",
    "warrant",
    "warrants",
    "arrest",
    "arrests",
    "search",
    "seize",
    "court",
    "judge",
    "prosecutor",
    "records",
    "inquiry",
    "direction",
    "directions",
    "authority",
    "regulator",
    "supervisor",
    "supervisory",
    "commissioner",
    "inspectorate",
];

impl ActionKind {
    pub const ALL: [ActionKind; 4] = [
        ActionKind::Acknowledgement,
        ActionKind::Step,
        ActionKind::Message,
        ActionKind::Formal,
    ];

    /// The kind of `action`, in this order: a `clarifies` action is a message (saying what is
    /// missing); a name that starts with "Acknowledge" or "Confirm" is an acknowledgement; one
    /// with a formal word (or "central bank") is formal; an action with fields or a message is
    /// a message; anything else is a step.
    pub fn of(action: &Action) -> ActionKind {
        let name = action.name.to_lowercase();
        let words: Vec<&str> = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if action.clarifies.is_some() {
            ActionKind::Message
        } else if matches!(words.first(), Some(&("acknowledge" | "confirm"))) || action.id == "ack"
        {
            ActionKind::Acknowledgement
        } else if words.iter().any(|w| FORMAL_WORDS.contains(w)) || name.contains("central bank") {
            ActionKind::Formal
        } else if !action.fields.is_empty() || action.message.is_some() {
            ActionKind::Message
        } else {
            ActionKind::Step
        }
    }

    /// The typical team's response time for this kind, median and 90th percentile, in scenario
    /// time: minutes to acknowledge, tens of minutes for a step or a message, hours for a
    /// formal act.
    pub const fn times(self) -> (Time, Time) {
        const MINUTE: Secs = 60;
        let (median, p90) = match self {
            ActionKind::Acknowledgement => (5 * MINUTE, 15 * MINUTE),
            ActionKind::Step => (20 * MINUTE, 60 * MINUTE),
            ActionKind::Message => (30 * MINUTE, 90 * MINUTE),
            ActionKind::Formal => (90 * MINUTE, 240 * MINUTE),
        };
        (Time::Duration(median), Time::Duration(p90))
    }

    /// The typical team's behaviour for an action of this kind.
    pub fn typical(self) -> Behaviour {
        Behaviour {
            times: self.times(),
            ..Behaviour::TYPICAL
        }
    }

    /// As the summary and the guide say it.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Acknowledgement => "acknowledgement",
            ActionKind::Step => "step",
            ActionKind::Message => "message",
            ActionKind::Formal => "formal act",
        }
    }
}

/// A profile resolved against one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// `built-in`, or the file it was read from.
    pub name: String,
    /// Per team, then per action.
    behaviours: Vec<Vec<Behaviour>>,
    /// The profile gives no `median` and `p90` of its own for some team and action: there the
    /// typical team's time for the action's kind applies.
    pub uses_kinds: bool,
    /// Per inject: the weights of a decision's choices, as written (default: equal).
    pub decisions: Vec<Vec<(ActionIx, f64)>>,
    /// When the simulated facilitator releases `Manual` injects, in file order of the profile.
    pub manual: Vec<(InjectIx, Secs)>,
}

impl Profile {
    /// The built-in "typical team" for every team and action; no `Manual` inject is released.
    pub fn built_in(scenario: &Scenario) -> Profile {
        Profile::resolve(
            BUILT_IN.to_string(),
            scenario,
            &Layer::default(),
            &[],
            &[],
            Vec::new(),
            Vec::new(),
        )
    }

    fn resolve(
        name: String,
        scenario: &Scenario,
        default: &Layer,
        teams: &[(TeamIx, Layer)],
        actions: &[(ActionIx, Layer)],
        decisions: Vec<(InjectIx, Vec<(ActionIx, f64)>)>,
        manual: Vec<(InjectIx, Secs)>,
    ) -> Profile {
        // Each action's kind sets its typical time; the profile's layers go over it.
        let mut uses_kinds = false;
        let behaviours = (0..scenario.teams.len())
            .map(|t| {
                let team = teams.iter().find(|(ix, _)| ix.0 == t).map(|(_, l)| l);
                (0..scenario.actions.len())
                    .map(|a| {
                        let action = actions.iter().find(|(ix, _)| ix.0 == a).map(|(_, l)| l);
                        let typical = ActionKind::of(&scenario.actions[a]).typical();
                        uses_kinds |= [Some(default), team, action]
                            .iter()
                            .all(|layer| layer.is_none_or(|l| l.times.is_none()));
                        let mut behaviour = default.over(&typical);
                        for layer in [team, action].into_iter().flatten() {
                            behaviour = layer.over(&behaviour);
                        }
                        behaviour
                    })
                    .collect()
            })
            .collect();
        let mut by_inject = vec![Vec::new(); scenario.injects.len()];
        for (inject, weights) in decisions {
            by_inject[inject.0] = weights;
        }
        Profile {
            name,
            behaviours,
            uses_kinds,
            decisions: by_inject,
            manual,
        }
    }

    /// A profile measured rather than written (`ttx simulate --profile-from`): `behaviour`
    /// gives each team's behaviour for each action whole, as measured in journals; decisions'
    /// weights and `Manual` releases likewise.
    pub fn measured(
        name: String,
        scenario: &Scenario,
        behaviour: impl Fn(TeamIx, ActionIx) -> Behaviour,
        decisions: Vec<(InjectIx, Vec<(ActionIx, f64)>)>,
        manual: Vec<(InjectIx, Secs)>,
    ) -> Profile {
        let mut profile = Profile::resolve(
            name,
            scenario,
            &Layer::default(),
            &[],
            &[],
            decisions,
            manual,
        );
        for (t, actions) in profile.behaviours.iter_mut().enumerate() {
            for (a, slot) in actions.iter_mut().enumerate() {
                *slot = behaviour(TeamIx(t), ActionIx(a));
            }
        }
        // Every time is measured: none is the typical team's for its kind of action.
        profile.uses_kinds = false;
        profile
    }

    /// How `team` behaves when it is expected to take `action`.
    pub fn behaviour(&self, team: TeamIx, action: ActionIx) -> &Behaviour {
        &self.behaviours[team.0][action.0]
    }

    pub fn is_built_in(&self) -> bool {
        self.name == BUILT_IN
    }

    pub fn is_scenario_own(&self) -> bool {
        self.name == SCENARIO_OWN
    }
}

const PROFILE_FIELDS: &[(&str, Presence)] = &[
    ("default", Optional),
    ("teams", Optional),
    ("actions", Optional),
    ("decisions", Optional),
    ("manual", Optional),
];
const BEHAVIOUR_FIELDS: &[(&str, Presence)] = &[
    ("respond", Optional),
    ("median", Optional),
    ("p90", Optional),
    ("blank_field", Optional),
    ("ahead", Optional),
    ("insufficient", Optional),
    ("clarify", Optional),
];

/// Reads a profile file and checks its names against the scenario; `file` names the file in
/// diagnostics, which are positioned like a scenario's.
pub fn load_profile(
    file: &str,
    source: &str,
    scenario: &Scenario,
) -> Result<Profile, Vec<Diagnostic>> {
    let map = SourceMap::new(file, source);
    let arena = Arena::new();
    let tree = parse_file(&map, source, &arena)?;
    let mut errors = Errors::default();
    let profile = read_profile(&mut errors, &tree, scenario, file);
    match profile {
        Some(profile) if errors.is_empty() => Ok(profile),
        _ => Err(errors.into_diagnostics(&map)),
    }
}

/// The scenario's own profile (its `profile:` field), checked against it; `None` when it has
/// none. `file` and `source` are the scenario's, so that diagnostics point into the scenario.
pub fn scenario_profile(
    file: &str,
    source: &str,
    scenario: &Scenario,
) -> Result<Option<Profile>, Vec<Diagnostic>> {
    let Some(written) = &scenario.profile else {
        return Ok(None);
    };
    let map = SourceMap::new(file, source);
    let arena = Arena::new();
    // It was read once with the scenario, so it reads again.
    let tree = written
        .read(&arena)
        .map_err(|e| vec![map.diagnostic(written.at + e.at, e.message)])?;
    let mut errors = Errors::default();
    let profile = read_profile(&mut errors, &tree, scenario, SCENARIO_OWN);
    match profile {
        Some(profile) if errors.is_empty() => Ok(Some(profile)),
        _ => Err(errors.into_diagnostics(&map)),
    }
}

fn read_profile(
    errors: &mut Errors,
    tree: &Value,
    scenario: &Scenario,
    file: &str,
) -> Option<Profile> {
    let f = errors.fields(tree, "Profile", "the profile", PROFILE_FIELDS)?;
    let default = f
        .get_optional("default")
        .map_or(Some(Layer::default()), |v| read_layer(errors, v));
    let teams = keyed(errors, &f, "teams", |errors, key, value| {
        let team = named(errors, key, "team", scenario.team_ix(&key.text), || {
            list_names(scenario.teams.iter().map(|t| t.id.as_str()))
        });
        let layer = read_layer(errors, value);
        Some((team?, layer?))
    });
    let actions = keyed(errors, &f, "actions", |errors, key, value| {
        let action = named(errors, key, "action", scenario.action_ix(&key.text), || {
            list_names(scenario.actions.iter().map(|a| a.id.as_str()))
        });
        let layer = read_layer(errors, value);
        Some((action?, layer?))
    });
    let decisions = keyed(errors, &f, "decisions", |errors, key, value| {
        read_decision(errors, key, value, scenario)
    });
    let manual = keyed(errors, &f, "manual", |errors, key, value| {
        let inject = named(errors, key, "inject", scenario.inject_ix(&key.text), || {
            list_names(scenario.injects.iter().map(|i| i.id.as_str()))
        })?;
        if scenario.inject(inject).when != Trigger::Manual {
            errors.push(
                key.at,
                format!(
                    "inject `{}` is not `Manual`: its trigger releases it, so `manual` cannot",
                    key.text
                ),
            );
            return None;
        }
        Some((inject, Duration::from_value(value, "manual", errors)?.0))
    });
    Some(Profile::resolve(
        file.to_string(),
        scenario,
        &default?,
        &teams?,
        &actions?,
        decisions?,
        manual?,
    ))
}

/// A map key as written.
struct Key {
    text: String,
    at: usize,
}

/// A map field `{"key": value, ...}` read entry by entry; `None` if any entry was bad (each is
/// reported). Absent, it is empty.
fn keyed<T>(
    errors: &mut Errors,
    f: &Fields,
    field: &str,
    mut read: impl FnMut(&mut Errors, &Key, &Value) -> Option<T>,
) -> Option<Vec<T>> {
    let Some(value) = f.get_optional(field) else {
        return Some(Vec::new());
    };
    let Kind::Map(entries) = &value.kind else {
        errors.push(
            value.at(),
            format!(
                "`{field}`: expected a map `{{\"id\": ...}}`, found {}",
                value.kind.describe()
            ),
        );
        return None;
    };
    let mut read_all = Vec::with_capacity(entries.len());
    let mut good = true;
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in *entries {
        let Some(text) = String::from_value(key, field, errors) else {
            good = false;
            continue;
        };
        if seen.contains(&text) {
            errors.push(key.at(), format!("`{text}` is given twice in `{field}`"));
            good = false;
            continue;
        }
        seen.push(text.clone());
        match read(errors, &Key { text, at: key.at() }, value) {
            Some(item) => read_all.push(item),
            None => good = false,
        }
    }
    good.then_some(read_all)
}

/// The index a key names, or an error listing what it could name.
fn named<I>(
    errors: &mut Errors,
    key: &Key,
    what: &str,
    found: Option<I>,
    known: impl FnOnce() -> String,
) -> Option<I> {
    if found.is_none() {
        errors.push_with(key.at, || {
            format!("unknown {what} `{}` (known: {})", key.text, known())
        });
    }
    found
}

fn read_layer(errors: &mut Errors, value: &Value) -> Option<Layer> {
    let f = errors.fields(value, "Behaviour", "a behaviour", BEHAVIOUR_FIELDS)?;
    let respond = optional(errors, &f, "respond", probability);
    let blank_field = optional(errors, &f, "blank_field", probability);
    let ahead = optional(errors, &f, "ahead", probability);
    let insufficient = optional(errors, &f, "insufficient", probability);
    let clarify = optional(errors, &f, "clarify", probability);
    let median = optional(errors, &f, "median", time);
    let p90 = optional(errors, &f, "p90", time);
    let times = match (median?, p90?) {
        (None, None) => None,
        (Some(median), Some(p90)) => Some(check_times(errors, value, median, p90)?),
        (Some(_), None) | (None, Some(_)) => {
            errors.push(
                value.at(),
                "give `median` and `p90` together: they shape one response time",
            );
            return None;
        }
    };
    Some(Layer {
        respond: respond?,
        times,
        blank_field: blank_field?,
        ahead: ahead?,
        insufficient: insufficient?,
        clarify: clarify?,
    })
}

fn check_times(
    errors: &mut Errors,
    value: &Value,
    median: Time,
    p90: Time,
) -> Option<(Time, Time)> {
    let ordered = match (median, p90) {
        (Time::Share(m), Time::Share(q)) => m <= q,
        (Time::Duration(m), Time::Duration(q)) => m <= q,
        _ => {
            errors.push(
                value.at(),
                "`median` and `p90` must both be shares (\"50%\") or both durations (\"20m\")",
            );
            return None;
        }
    };
    if !ordered {
        errors.push(value.at(), "`p90` must not be shorter than `median`");
        return None;
    }
    Some((median, p90))
}

/// Outer `None`: written but bad (reported).
fn optional<T>(
    errors: &mut Errors,
    f: &Fields,
    name: &str,
    read: impl FnOnce(&mut Errors, &Value, &str) -> Option<T>,
) -> Option<Option<T>> {
    match f.get_optional(name) {
        None => Some(None),
        Some(v) => read(errors, v, name).map(Some),
    }
}

fn probability(errors: &mut Errors, value: &Value, name: &str) -> Option<f64> {
    let p = f64::from_value(value, name, errors)?;
    if (0.0..=1.0).contains(&p) {
        Some(p)
    } else {
        errors.push(
            value.at(),
            format!("`{name}`: a probability from 0 to 1, not {p}"),
        );
        None
    }
}

/// `"50%"` (a share of the deadline) or a duration such as `"20m"`.
fn time(errors: &mut Errors, value: &Value, name: &str) -> Option<Time> {
    let text = String::from_value(value, name, errors)?;
    let read = match text.trim().strip_suffix('%') {
        Some(number) => number
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite() && *p >= 0.0)
            .map(|p| Time::Share(p / 100.0)),
        None => parse_duration(&text).ok().map(Time::Duration),
    };
    if read.is_none() {
        errors.push(
            value.at(),
            format!(
                "`{name}`: expected a share of the deadline such as \"50%\" or a duration such \
                 as \"20m\", found \"{}\"",
                text.escape_debug()
            ),
        );
    }
    read
}

/// `"INJECT.decision": {"action": weight, ...}`.
fn read_decision(
    errors: &mut Errors,
    key: &Key,
    value: &Value,
    scenario: &Scenario,
) -> Option<(InjectIx, Vec<(ActionIx, f64)>)> {
    let inject = match key.text.strip_suffix(".decision") {
        Some(id) => {
            let inject = Key {
                text: id.to_string(),
                at: key.at,
            };
            let found = named(errors, &inject, "inject", scenario.inject_ix(id), || {
                list_names(scenario.injects.iter().map(|i| i.id.as_str()))
            });
            match found {
                Some(ix) if decision_of(scenario, ix).is_none() => {
                    errors.push(
                        key.at,
                        format!("inject `{id}` has no decision (`decide: [...]`)"),
                    );
                    None
                }
                found => found,
            }
        }
        None => {
            errors.push(
                key.at,
                format!(
                    "`{}`: a decision is named `INJECT.decision`, such as `jit.decision`",
                    key.text
                ),
            );
            None
        }
    };
    let Kind::Map(entries) = &value.kind else {
        errors.push(
            value.at(),
            format!(
                "expected the weights of the choices, such as {{\"propose-jit\": 0.7, \
                 \"decline-jit\": 0.3}}, found {}",
                value.kind.describe()
            ),
        );
        return None;
    };
    let mut weights = Vec::with_capacity(entries.len());
    let mut good = true;
    for (action, weight) in *entries {
        let action_ix = String::from_value(action, "decisions", errors).and_then(|id| {
            let key = Key {
                text: id,
                at: action.at(),
            };
            named(
                errors,
                &key,
                "action",
                scenario.action_ix(&key.text),
                || list_names(scenario.actions.iter().map(|a| a.id.as_str())),
            )
        });
        let weight = f64::from_value(weight, "decisions", errors).and_then(|w| {
            if w.is_finite() && w >= 0.0 {
                Some(w)
            } else {
                errors.push(
                    weight.at(),
                    format!("a choice's weight is a number from 0 up, not {w}"),
                );
                None
            }
        });
        let choices = inject.and_then(|i| decision_of(scenario, i)).unwrap_or(&[]);
        let action_ix = action_ix.filter(|a| {
            let known = inject.is_none() || choices.contains(a);
            if !known {
                errors.push_with(action.at(), || {
                    format!(
                        "`{}` is not a choice of `{}` (choices: {})",
                        scenario.action(*a).id,
                        key.text,
                        list_names(choices.iter().map(|c| scenario.action(*c).id.as_str()))
                    )
                });
            }
            known
        });
        match (action_ix, weight) {
            (Some(a), Some(w)) => weights.push((a, w)),
            _ => good = false,
        }
    }
    if good && weights.iter().all(|(_, w)| *w == 0.0) {
        errors.push(value.at(), "at least one choice needs a weight above 0");
        good = false;
    }
    Some((inject?, good.then_some(weights)?))
}

/// The choices of an inject's decision, if it has one.
pub fn decision_of(scenario: &Scenario, inject: InjectIx) -> Option<&[ActionIx]> {
    scenario
        .inject(inject)
        .expect
        .iter()
        .find(|e| e.is_decision())
        .map(|e| e.choices())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_scenario;

    const SCENARIO: &str = r#"Scenario(
    title: "t",
    teams: [(id: "us", name: "Us"), (id: "cn", name: "Cn")],
    actions: [(id: "ack", name: "Ack"), (id: "rfa", name: "Rfa", fields: ["a", "b"]),
              (id: "go", name: "Go"), (id: "stop", name: "Stop")],
    injects: [
        (id: "detect", when: At("0m"), to: ["us", "cn"], title: "t", body: "b",
         expect: [(action: "ack", within: "1h")]),
        (id: "press", when: Manual, to: ["us"], title: "t", body: "b"),
        (id: "jit", when: At("1h"), to: ["us"], title: "t", body: "b",
         expect: [(decide: ["go", "stop"], within: "1h")]),
    ],
)"#;

    fn scenario() -> Scenario {
        load_scenario("s.ron", SCENARIO).unwrap()
    }

    fn errors(source: &str) -> Vec<String> {
        match load_profile("p.ron", source, &scenario()) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .iter()
                .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
                .collect(),
        }
    }

    #[test]
    fn layers_resolve_default_then_team_then_action() {
        let source = r#"Profile(
    default: (respond: 0.5, median: "10m", p90: "20m"),
    teams: {"cn": (respond: 0.8, median: "70%", p90: "150%", clarify: 0.5)},
    actions: {"rfa": (blank_field: 0.25, insufficient: 0.4)},
    manual: {"press": "30h"},
)"#;
        let scenario = scenario();
        let profile = load_profile("p.ron", source, &scenario).unwrap();
        let (us, cn) = (TeamIx(0), TeamIx(1));
        let (ack, rfa) = (ActionIx(0), ActionIx(1));
        let us_ack = profile.behaviour(us, ack);
        assert_eq!(us_ack.respond, 0.5);
        assert_eq!(us_ack.times, (Time::Duration(600), Time::Duration(1200)));
        assert_eq!(us_ack.blank_field, Behaviour::TYPICAL.blank_field);
        let cn_rfa = profile.behaviour(cn, rfa);
        assert_eq!(cn_rfa.respond, 0.8);
        assert_eq!(cn_rfa.times, (Time::Share(0.7), Time::Share(1.5)));
        assert_eq!(cn_rfa.blank_field, 0.25);
        assert_eq!((cn_rfa.insufficient, cn_rfa.clarify), (0.4, 0.5));
        let us_rfa = profile.behaviour(us, rfa);
        assert_eq!(
            (us_rfa.insufficient, us_rfa.clarify),
            (0.4, Behaviour::TYPICAL.clarify)
        );
        assert_eq!(
            profile.behaviour(cn, ack).insufficient,
            Behaviour::TYPICAL.insufficient
        );
        assert_eq!(profile.manual, vec![(InjectIx(1), 30 * 3600)]);
        assert_eq!(profile.name, "p.ron");
    }

    #[test]
    fn an_actions_kind_is_told_from_its_name_fields_and_message() {
        let source = r#"Scenario(
    title: "t",
    teams: [(id: "us", name: "Us"), (id: "cn", name: "Cn")],
    actions: [
        (id: "ack", name: "Acknowledge receipt"),
        (id: "confirm", name: "Confirm receipt of a request", fields: ["handled_by"],
         message: (to: Others)),
        (id: "isolate", name: "Isolate the hosts"),
        (id: "rfa", name: "Send a request", fields: ["summary"],
         message: (to: Others, reply: (action: "reply", within: "12h"))),
        (id: "reply", name: "Reply", message: (to: Others)),
        (id: "clarify", name: "Ask for clarification", clarifies: "2h"),
        (id: "order", name: "Order a hosting provider to preserve data"),
        (id: "notify", name: "Notify the Data Protection Authority", fields: ["nature"]),
        (id: "bank", name: "Notify the Central Bank (major incident)"),
        (id: "evidence", name: "Preserve logs and evidence"),
        (id: "reorder", name: "Reorder the queue"),
    ],
    injects: [(id: "i", when: At("0m"), to: ["us"], title: "t", body: "b")],
)"#;
        let scenario = load_scenario("s.ron", source).unwrap();
        let kinds: Vec<ActionKind> = scenario.actions.iter().map(ActionKind::of).collect();
        use ActionKind::*;
        assert_eq!(
            kinds,
            [
                Acknowledgement,
                Acknowledgement,
                Step,
                Message,
                Message,
                Message,
                Formal,
                Formal,
                Formal,
                Step,
                Step
            ]
        );
        // The built-in profile gives each its kind's times; a layer with times replaces them.
        let profile = Profile::built_in(&scenario);
        assert!(profile.uses_kinds);
        let (us, order) = (TeamIx(0), scenario.action_ix("order").unwrap());
        assert_eq!(profile.behaviour(us, order).times, Formal.times());
        assert_eq!(
            profile.behaviour(us, ActionIx(0)).times,
            Acknowledgement.times()
        );
        let own = load_profile(
            "p.ron",
            r#"Profile(default: (median: "50%", p90: "120%"))"#,
            &scenario,
        )
        .unwrap();
        assert!(!own.uses_kinds);
        assert_eq!(
            own.behaviour(us, order).times,
            (Time::Share(0.5), Time::Share(1.2))
        );
        let partly = load_profile(
            "p.ron",
            r#"Profile(actions: {"order": (median: "3h", p90: "6h")})"#,
            &scenario,
        )
        .unwrap();
        assert!(partly.uses_kinds);
        assert_eq!(
            partly.behaviour(us, order).times,
            (Time::Duration(3 * 3600), Time::Duration(6 * 3600))
        );
    }

    #[test]
    fn log_normal_has_the_median_and_p90_asked_for() {
        let b = Behaviour {
            times: (Time::Share(0.5), Time::Share(1.0)),
            ..Behaviour::TYPICAL
        };
        let (mu, sigma) = b.log_normal(3600).unwrap();
        assert!((mu.exp() - 1800.0).abs() < 1e-6);
        assert!(((mu + Z90 * sigma).exp() - 3600.0).abs() < 1e-6);
        let instant = Behaviour {
            times: (Time::Share(0.0), Time::Share(0.0)),
            ..b
        };
        assert_eq!(instant.log_normal(3600), None);
    }

    #[test]
    fn every_mistake_is_reported_at_its_line() {
        let source = r#"Profile(
    default: (respond: 1.5, median: "fast"),
    teams: {"xx": (respond: 0.5), "us": (insufficient: -0.1, clarify: 2)},
    actions: {"ack": (median: "50%", p90: "10m"), "rfa": (median: "2h", p90: "1h")},
    decisions: {"detect": {"ack": 1.0}, "nope.decision": {"zzz": -1}},
    manual: {"detect": "1h"},
    extra: 1,
)"#;
        assert_eq!(
            errors(source),
            vec![
                "2:24: `respond`: a probability from 0 to 1, not 1.5",
                "2:37: `median`: expected a share of the deadline such as \"50%\" or a duration such as \"20m\", found \"fast\"",
                "3:13: unknown team `xx` (known: us, cn)",
                "3:56: `insufficient`: a probability from 0 to 1, not -0.1",
                "3:71: `clarify`: a probability from 0 to 1, not 2",
                "4:22: `median` and `p90` must both be shares (\"50%\") or both durations (\"20m\")",
                "4:58: `p90` must not be shorter than `median`",
                "5:17: `detect`: a decision is named `INJECT.decision`, such as `jit.decision`",
                "5:41: unknown inject `nope` (known: detect, press, jit)",
                "5:59: unknown action `zzz` (known: ack, rfa, go, stop)",
                "5:66: a choice's weight is a number from 0 up, not -1",
                "6:14: inject `detect` is not `Manual`: its trigger releases it, so `manual` cannot",
                "7:5: unknown field `extra` in the profile (fields: default, teams, actions, decisions, manual)",
            ]
        );
    }

    #[test]
    fn decisions_name_an_inject_with_a_decision_and_its_choices() {
        let source = r#"Profile(decisions: {
    "jit.decision": {"go": 3, "ack": 1},
    "press.decision": {"go": 1},
    "jit.decision": {"go": 0},
})"#;
        assert_eq!(
            errors(source),
            vec![
                "2:31: `ack` is not a choice of `jit.decision` (choices: go, stop)",
                "3:5: inject `press` has no decision (`decide: [...]`)",
                "4:5: `jit.decision` is given twice in `decisions`",
            ]
        );
        let good = r#"Profile(decisions: {"jit.decision": {"go": 3, "stop": 1}})"#;
        let scenario = scenario();
        let profile = load_profile("p.ron", good, &scenario).unwrap();
        assert_eq!(
            profile.decisions[2],
            vec![(ActionIx(2), 3.0), (ActionIx(3), 1.0)]
        );
    }

    #[test]
    fn a_lone_median_is_refused() {
        assert_eq!(
            errors(r#"Profile(default: (median: "50%"))"#),
            vec!["1:18: give `median` and `p90` together: they shape one response time"]
        );
    }

    #[test]
    fn syntax_errors_are_positioned() {
        assert_eq!(
            errors("Profile(default: (respond: 0.5)"),
            vec!["1:32: expected `,` or `)`, found end of file"]
        );
    }
}
