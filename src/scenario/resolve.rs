//! Resolving the names of a scenario as written (`raw`) into the indices of the model: ids are
//! checked and listed, every reference is looked up, and what depends on one record's
//! references is checked against another's (a `by` team among the inject's `to`, a required
//! field among the action's). A check that depends on a value that already had an error is
//! skipped, so one mistake gives one error; whenever anything was reported the half-built model
//! is discarded, so the placeholders used on error never escape.

use compact_str::CompactString;
use foldhash::{HashMap, HashMapExt};
use smallvec::SmallVec;

use super::model::*;
use super::raw::*;
use crate::ron_file::{
    Each, Errors, Got, SHOWN_NAMES, SourceMap, Spanned, Written, list_first_names, list_names,
};
use crate::text::expand_tabs as prose;

/// The ids of one list, for resolving references to it.
pub struct Ids {
    /// "team", "action", ...
    what: &'static str,
    plural: &'static str,
    /// Each id, with the position of its first item: once the scenario has loaded, the model's
    /// lookup by id (`Refs::into_index`), so each id is copied once.
    map: HashMap<CompactString, usize>,
    /// The first valid ids, in order, and how many valid ids there are: what an unknown
    /// reference's message lists.
    shown: Vec<String>,
    valid: usize,
    /// False when some item's id could not be read: an unknown reference may name that item, so
    /// it is not reported (the item's own error is).
    complete: bool,
}

impl Ids {
    pub fn get(&self, id: &str) -> Option<usize> {
        self.map.get(id).copied()
    }

    fn known(&self) -> String {
        list_first_names(self.shown.iter().map(String::as_str), self.valid)
    }
}

/// The id lists that references resolve against.
pub struct Refs {
    pub teams: Ids,
    pub actions: Ids,
    pub injects: Ids,
    pub objectives: Ids,
    /// Per action: whether every entry of its `fields` could be read, so that a field name it
    /// lacks can be reported (else the name may be the unreadable entry's).
    pub fields_complete: Vec<bool>,
}

impl Refs {
    /// The model's lookups by id, once the scenario has loaded without error (every id valid and
    /// listed once, so each list's map holds exactly its ids): the maps are reused, not built
    /// again with a second copy of every id.
    pub fn into_index(self, scenario: &Scenario) -> Index {
        fn index<I>(ids: Ids, ix: impl Fn(usize) -> I) -> HashMap<CompactString, I> {
            ids.map.into_iter().map(|(id, i)| (id, ix(i))).collect()
        }
        Index {
            teams: index(self.teams, TeamIx),
            actions: index(self.actions, ActionIx),
            injects: index(self.injects, InjectIx),
            objectives: index(self.objectives, ObjectiveIx),
            questions: scenario.question_index(),
        }
    }
}

/// What resolving learnt beyond the model, for the checks that follow.
pub struct Resolved {
    pub scenario: Scenario,
    pub refs: Refs,
    /// Per action: whether its `teams` is fully known, so that "may take" can be checked.
    pub actions_known: Vec<bool>,
    /// Per inject: the inject its trigger waits on, if any.
    pub waits_on: Vec<Option<usize>>,
}

pub struct Resolver<'a> {
    pub errors: &'a mut Errors,
    pub map: &'a SourceMap<'a>,
}

/// The longest inject `method` (HSEEP's inject mode, "phone call") and `ref` (its number in the
/// facilitators' MSEL), in Unicode characters.
pub const MAX_METHOD_CHARS: usize = 40;
pub const MAX_REF_CHARS: usize = 16;

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

/// The items of an optional list field, and whether the list and every item could be read.
fn items<T>(list: &Got<crate::ron_file::Each<T>>) -> (Vec<Option<&T>>, bool) {
    match list {
        Got::Absent => (Vec::new(), true),
        Got::Bad => (Vec::new(), false),
        Got::Given(each) => (each.0.iter().map(Got::given).collect(), each.complete()),
    }
}

impl Resolver<'_> {
    /// The model of a scenario whose records were read, or `None` when it cannot be built.
    pub fn scenario(&mut self, raw: &RawScenario) -> Option<Resolved> {
        let teams_list = raw.teams.given();
        let injects_list = raw.injects.given();
        let (raw_objectives, objectives_read) = items(&raw.objectives);
        let (raw_actions, actions_read) = items(&raw.actions);
        let raw_teams: Vec<Option<&RawTeam>> = teams_list
            .map(|l| l.value.0.iter().map(Got::given).collect())
            .unwrap_or_default();
        let raw_injects: Vec<Option<&RawInject>> = injects_list
            .map(|l| l.value.0.iter().map(Got::given).collect())
            .unwrap_or_default();
        if let Some(list) = teams_list.filter(|l| l.value.is_empty()) {
            let message = format!("no teams: a scenario has 1 to {MAX_TEAMS} teams");
            self.errors.push(list.at(), message);
        }
        if let Some(extra) = teams_list.and_then(|l| l.value.0.get(MAX_TEAMS)) {
            let at = match extra {
                Got::Given(team) => team.span.start(),
                _ => teams_list.map_or(0, |l| l.at()),
            };
            let message = format!(
                "too many teams: {}, a scenario has 1 to {MAX_TEAMS} teams",
                raw_teams.len()
            );
            self.errors.push(at, message);
        }
        if let Some(list) = injects_list.filter(|l| l.value.is_empty()) {
            self.errors.push(
                list.at(),
                "no injects: a scenario needs at least one inject",
            );
        }

        // With no teams or no injects (already reported), a reference to one is not reported.
        let teams_read = teams_list.is_some_and(|l| l.value.complete() && !l.value.is_empty());
        let injects_read = injects_list.is_some_and(|l| l.value.complete() && !l.value.is_empty());
        let refs = Refs {
            objectives: self.ids(
                "objective",
                "objectives",
                objectives_read,
                raw_objectives.iter().map(|o| o.and_then(|o| o.id.given())),
            ),
            teams: self.ids(
                "team",
                "teams",
                teams_read,
                raw_teams.iter().map(|t| t.and_then(|t| t.id.given())),
            ),
            actions: self.ids(
                "action",
                "actions",
                actions_read,
                raw_actions.iter().map(|a| a.and_then(|a| a.id.given())),
            ),
            injects: self.ids(
                "inject",
                "injects",
                injects_read,
                raw_injects.iter().map(|i| i.and_then(|i| i.id.given())),
            ),
            fields_complete: raw_actions
                .iter()
                .map(|a| a.is_some_and(fields_complete))
                .collect(),
        };

        let mut scenario = Scenario {
            title: prose(raw.title.clone().or_default()),
            summary: raw.summary.clone().into_given().map(prose),
            speed: self.speed(&raw.speed),
            end: raw.end.given().map(|e| e.value.0),
            seed: raw.seed.clone().or(0),
            late_credit: raw.late_credit.clone().map(|s| s.0).or(0.5),
            exercise: raw
                .exercise
                .given()
                .map(|e| self.exercise_info(e))
                .unwrap_or_default(),
            ratings: raw
                .ratings
                .given()
                .map_or_else(RatingThresholds::default, rating_thresholds),
            objectives: raw_objectives
                .iter()
                .map(|o| Objective {
                    id: id_of(o.map(|o| &o.id)),
                    name: prose(o.map(|o| o.name.clone().or_default()).unwrap_or_default()),
                    capability: o.and_then(|o| o.capability.clone().into_given()),
                    target: o.and_then(|o| o.target.clone().into_given()),
                })
                .collect(),
            teams: raw_teams
                .iter()
                .map(|t| Team {
                    id: id_of(t.map(|t| &t.id)),
                    name: prose(t.map(|t| t.name.clone().or_default()).unwrap_or_default()),
                    summary: t.and_then(|t| t.summary.clone().into_given()).map(prose),
                    organisations: t
                        .map(|t| t.organisations.clone().or_default())
                        .unwrap_or_default(),
                })
                .collect(),
            actions: Vec::new(),
            injects: Vec::new(),
            modules: Vec::new(),
            feedback: self.feedback(&raw.feedback),
            profile: raw
                .profile
                .given()
                .map(|span| Written::of(self.map.source(), *span)),
            index: Index::default(),
        };
        let (actions, actions_known): (Vec<Action>, Vec<bool>) =
            raw_actions.iter().map(|a| self.action(*a, &refs)).unzip();
        scenario.actions = actions;
        self.reply_fields(&mut scenario.actions, &raw_actions, &refs);
        scenario.injects = raw_injects
            .iter()
            .map(|i| self.inject(*i, &refs, &scenario, &actions_known))
            .collect();
        let waits_on: Vec<Option<usize>> = (0..raw_injects.len())
            .map(|ix| self.triggers(ix, &raw_injects, &mut scenario, &refs, &actions_known))
            .collect();
        scenario.modules = self.modules(&raw.modules, &refs, scenario.teams.len(), raw);
        Some(Resolved {
            scenario,
            refs,
            actions_known,
            waits_on,
        })
    }

    /// The exercise's description; a blank assumption or schedule line is refused (it would
    /// print as an empty bullet in the handbooks).
    fn exercise_info(&mut self, raw: &RawExercise) -> ExerciseInfo {
        if let Got::Given(lines) = &raw.schedule {
            for line in lines.readable() {
                if line.item.given().is_some_and(|i| i.trim().is_empty()) {
                    self.errors.push(
                        line.span.start(),
                        "a schedule line needs its `item`, not blank text",
                    );
                }
            }
        }
        ExerciseInfo {
            sponsor: raw.sponsor.clone().into_given(),
            location: raw.location.clone().into_given(),
            mission_areas: raw.mission_areas.clone().or_default(),
            handling: raw.handling.clone().into_given(),
            contact: raw.contact.clone().into_given(),
            scope: raw.scope.clone().into_given(),
            threat: raw.threat.clone().into_given().map(prose),
            assumptions: raw
                .assumptions
                .clone()
                .or_default()
                .into_iter()
                .map(prose)
                .filter(|a| !a.trim().is_empty())
                .collect(),
            schedule: raw
                .schedule
                .given()
                .into_iter()
                .flat_map(Each::readable)
                .map(|line| ScheduleLine {
                    at: line.at.clone().or_default(),
                    item: prose(line.item.clone().or_default()),
                })
                .collect(),
        }
    }

    /// The Participant Feedback Form's statements: the file's own (at least one, none blank or
    /// listed twice), or HSEEP's six.
    fn feedback(&mut self, raw: &Got<Spanned<Vec<Spanned<String>>>>) -> Vec<String> {
        let Got::Given(list) = raw else {
            return HSEEP_FEEDBACK.iter().map(|s| s.to_string()).collect();
        };
        if list.value.is_empty() {
            self.errors.push(
                list.span,
                "`feedback` is empty: list the form's statements, or leave it out for HSEEP's six",
            );
        }
        let mut statements: Vec<String> = Vec::with_capacity(list.value.len());
        for statement in &list.value {
            let text = prose(statement.value.clone());
            if text.trim().is_empty() {
                self.errors
                    .push(statement.span, "a feedback statement may not be blank");
            } else if statements.contains(&text) {
                self.errors
                    .push(statement.span, "this feedback statement is listed twice");
            }
            statements.push(text);
        }
        statements
    }

    /// The modules, each beginning strictly after the one before and not after `end`, with
    /// their questions: ids unique (module ids among modules, question ids across the file),
    /// teams and objectives known, text not blank.
    fn modules(
        &mut self,
        raw: &Got<Spanned<Each<RawModule>>>,
        refs: &Refs,
        team_count: usize,
        scenario: &RawScenario,
    ) -> Vec<Module> {
        let Got::Given(list) = raw else {
            return Vec::new();
        };
        let raw_modules: Vec<Option<&RawModule>> = list.value.0.iter().map(Got::given).collect();
        self.ids(
            "module",
            "modules",
            list.value.complete(),
            raw_modules.iter().map(|m| m.and_then(|m| m.id.given())),
        );
        let questions_read = raw_modules
            .iter()
            .all(|m| m.is_some_and(|m| !m.questions.is_bad()));
        let raw_questions: Vec<Option<&RawQuestion>> = raw_modules
            .iter()
            .flatten()
            .flat_map(|m| m.questions.given().into_iter().flat_map(|q| q.0.iter()))
            .map(Got::given)
            .collect();
        self.ids(
            "question",
            "questions",
            questions_read,
            raw_questions.iter().map(|q| q.and_then(|q| q.id.given())),
        );
        let end = scenario.end.given();
        let mut before: Option<(&str, Secs)> = None;
        let mut modules = Vec::with_capacity(raw_modules.len());
        for raw in raw_modules.into_iter().flatten() {
            let id = id_of(Some(&raw.id));
            let from = raw.from.given();
            if let Some(from) = from {
                if let Some((earlier, at)) = before.filter(|(_, at)| from.value.0 <= *at) {
                    let message = format!(
                        "module `{id}` begins at {}, not after module `{earlier}` ({}): modules \
                         are listed in the order they begin, each later than the one before",
                        super::duration::format_secs(from.value.0),
                        super::duration::format_secs(at)
                    );
                    self.errors.push(from.span, message);
                }
                if let Some(end) = end.filter(|end| from.value.0 > end.value.0) {
                    let message = format!(
                        "module `{id}` begins at {}, after the scenario's `end` ({}): it would \
                         never be current",
                        super::duration::format_secs(from.value.0),
                        super::duration::format_secs(end.value.0)
                    );
                    self.errors.push(from.span, message);
                }
            }
            let questions = raw
                .questions
                .given()
                .into_iter()
                .flat_map(Each::readable)
                .map(|q| self.question(q, refs, team_count))
                .collect();
            let module = Module {
                id,
                title: prose(raw.title.clone().or_default()),
                from: from.map_or(0, |f| f.value.0),
                narrative: prose(raw.narrative.clone().or_default()),
                questions,
            };
            if let Some(from) = from {
                before = Some((
                    raw.id.given().map_or("?", |i| i.value.as_str()),
                    from.value.0,
                ));
            }
            modules.push(module);
        }
        modules
    }

    /// A discussion question: its teams (every team when `to` is absent) and objective.
    fn question(&mut self, raw: &RawQuestion, refs: &Refs, team_count: usize) -> Question {
        if let Some(text) = raw.text.given().filter(|t| t.value.trim().is_empty()) {
            self.errors.push(
                text.span,
                "a discussion question needs its text, not blank text",
            );
        }
        let to = match &raw.to {
            Got::Given(names) => {
                if names.value.is_empty() {
                    self.errors.push(
                        names.span,
                        "`to` is empty: name the teams the question is for, or leave it out for \
                         every team",
                    );
                }
                self.resolve_teams(&refs.teams, &names.value)
                    .unwrap_or_default()
            }
            _ => (0..team_count).map(TeamIx).collect(),
        };
        Question {
            id: id_of(Some(&raw.id)),
            text: prose(
                raw.text
                    .given()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
            ),
            to,
            objective: raw
                .objective
                .given()
                .and_then(|o| self.resolve(&refs.objectives, o))
                .map(ObjectiveIx),
        }
    }

    /// The scenario's speed; one the clock cannot run at is refused here, not when it starts.
    fn speed(&mut self, speed: &Got<Spanned<crate::ron_file::Positive>>) -> f64 {
        let Got::Given(speed) = speed else {
            return 1.0;
        };
        match crate::limits::check_speed(speed.value.0) {
            Ok(speed) => speed,
            Err(reason) => {
                self.errors.push(speed.span, format!("`speed`: {reason}"));
                1.0
            }
        }
    }

    fn ids<'r>(
        &mut self,
        what: &'static str,
        plural: &'static str,
        list_read: bool,
        items: impl Iterator<Item = Option<&'r Name>>,
    ) -> Ids {
        let items: Vec<_> = items.collect();
        let mut ids = Ids {
            what,
            plural,
            map: HashMap::with_capacity(items.len()),
            shown: Vec::new(),
            valid: 0,
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
                self.errors.push(id.span, message);
                // A reference may mean this item under a corrected id: no second error for it.
                ids.complete = false;
                ids.map.entry(id.value.clone()).or_insert(ix);
            } else if let Some(first) = ids.map.get(id.value.as_str()) {
                let first_at = items.get(*first).copied().flatten().map_or(0, |f| f.at());
                let map = self.map;
                self.errors.push_with(id.span, || {
                    let (line, col) = map.line_col(first_at);
                    format!(
                        "duplicate {what} id `{}` (first defined at {line}:{col})",
                        id.value
                    )
                });
            } else {
                if what == "inject" && names_a_message(&id.value) {
                    self.errors.push(
                        id.span,
                        format!(
                            "inject id `{}` is reserved: the replies a hotline message obliges are \
                             named `msg-N.ACTION@TEAM`",
                            id.value
                        ),
                    );
                }
                if ids.shown.len() < SHOWN_NAMES {
                    ids.shown.push(owned(&id.value));
                }
                ids.valid += 1;
                ids.map.insert(id.value.clone(), ix);
            }
        }
        ids
    }

    /// Resolves a reference; an unknown one is reported unless the list itself had an unreadable id.
    fn resolve(&mut self, ids: &Ids, name: &Name) -> Option<usize> {
        let found = ids.get(&name.value);
        if found.is_none() && ids.complete {
            self.errors.push_with(name.span, || {
                format!(
                    "unknown {} `{}` ({}: {})",
                    ids.what,
                    name.value.escape_debug(),
                    ids.plural,
                    ids.known()
                )
            });
        }
        found
    }

    /// Resolves a list of team references, reporting a team listed twice; `None` if any is unknown.
    fn resolve_teams(&mut self, ids: &Ids, names: &[Name]) -> Option<Vec<TeamIx>> {
        let mut teams = Vec::with_capacity(names.len());
        let mut all_known = true;
        for name in names {
            match self.resolve(ids, name) {
                Some(ix) if teams.contains(&TeamIx(ix)) => {
                    self.errors
                        .push(name.span, format!("team `{}` is listed twice", name.value));
                }
                Some(ix) => teams.push(TeamIx(ix)),
                None => all_known = false,
            }
        }
        all_known.then_some(teams)
    }

    /// The action, and whether its `teams` is fully known.
    fn action(&mut self, raw: Option<&RawAction>, refs: &Refs) -> (Action, bool) {
        let Some(raw) = raw else {
            return (placeholder_action(), false);
        };
        let (teams, known) = match &raw.teams {
            Got::Absent => (None, true),
            Got::Bad => (None, false),
            Got::Given(list) => {
                if list.value.is_empty() {
                    let message = "`teams` is empty: list the teams that may take the action, or leave it out for all";
                    self.errors.push(list.span, message);
                }
                let teams = self.resolve_teams(&refs.teams, &list.value);
                let known = teams.is_some();
                (Some(teams.unwrap_or_default()), known)
            }
        };
        let mut fields: Vec<String> = Vec::new();
        let mut shapes: Vec<FieldShape> = Vec::new();
        for field in raw.fields.given().into_iter().flat_map(Each::readable) {
            let Some(name) = field.name() else {
                continue;
            };
            let shape = match field {
                RawField::Name(_) => FieldShape::default(),
                RawField::Shaped(shaped) => self.field_shape(shaped),
            };
            if fields.iter().any(|f| *f == name.value) {
                self.errors
                    .push(name.span, format!("field `{}` is listed twice", name.value));
            } else {
                fields.push(owned(&name.value));
                shapes.push(shape);
            }
        }
        self.clarifies(raw);
        let message = raw.message.given().map(|m| MessageSpec {
            to: match m.to.given() {
                Some(RawRecipients::Teams(names)) => {
                    Recipients::Teams(self.resolve_teams(&refs.teams, names).unwrap_or_default())
                }
                _ => Recipients::Others,
            },
            reply: m.reply.given().map(|r| ReplySpec {
                // Placeholder on error: the model is discarded then.
                action: ActionIx(
                    r.action
                        .given()
                        .and_then(|a| self.resolve(&refs.actions, a))
                        .unwrap_or(0),
                ),
                within: r.within.clone().or_default().0,
                weight: r.weight.clone().map(|w| w.0).or(1.0),
                objective: r
                    .objective
                    .given()
                    .and_then(|o| self.resolve(&refs.objectives, o))
                    .map(ObjectiveIx),
                // Set by `reply_fields` once every action is built: the reply action may come later.
                fields: Vec::new(),
                basis: r.basis.clone().into_given().map(prose),
            }),
        });
        if let Some(id) = raw.id.given().filter(|id| id.value == DECISION) {
            let message = "action id `decision` is reserved: a decision's expectation is named `INJECT.decision`";
            self.errors.push(id.span, message);
        }
        let action = Action {
            id: id_of(Some(&raw.id)),
            name: prose(raw.name.clone().or_default()),
            description: raw.description.clone().into_given().map(prose),
            teams,
            fields,
            shapes,
            message,
            ahead: raw.ahead.given().is_some_and(|a| a.value),
            clarifies: raw.clarifies.given().map(|d| d.0),
            basis: raw.basis.given().map(|b| prose(b.value.clone())),
        };
        (action, known)
    }

    /// A field's shape (format 3): `choices`, two or more distinct texts that a trimmed text can
    /// equal, or `min_words`, at least 1; not both.
    fn field_shape(&mut self, raw: &RawFieldShape) -> FieldShape {
        let mut choices: Vec<String> = Vec::new();
        if let Got::Given(list) = &raw.choices {
            if list.value.len() < 2 {
                self.errors.push(
                    list.span,
                    "`choices` lists the texts a field allows: at least two",
                );
            }
            for choice in &list.value {
                let text = &choice.value;
                if choices.iter().any(|c| c == text) {
                    let message = format!(
                        "choice \"{}\" is listed twice in `choices`",
                        text.escape_debug()
                    );
                    self.errors.push(choice.span, message);
                    continue;
                }
                if text.trim().is_empty() {
                    self.errors.push(
                        choice.span,
                        "a choice may not be blank: a blank text counts as not supplied",
                    );
                } else if text.trim() != text {
                    let message = format!(
                        "choice \"{}\" has blank space around it: a field's text is compared \
                         after trimming, so it could never match",
                        text.escape_debug()
                    );
                    self.errors.push(choice.span, message);
                }
                choices.push(owned(text));
            }
        }
        let min_words = raw.min_words.given().map(|min| {
            if min.value == 0 {
                self.errors.push(
                    min.span,
                    "`min_words` must be at least 1, found 0 (leave it out for any text)",
                );
            }
            usize::try_from(min.value).unwrap_or(usize::MAX)
        });
        if let (Got::Given(_), Some(min)) = (&raw.choices, raw.min_words.given()) {
            self.errors.push(
                min.span,
                "a field has either `choices` or `min_words`, not both",
            );
        }
        FieldShape {
            hint: raw.hint.clone().into_given().map(prose),
            choices,
            min_words,
        }
    }

    /// An action with `clarifies` sends its own message, back to the request's sender, and
    /// answers a request received, so it takes no `message` and is never done ahead; `basis` on
    /// an action is the time standard of the amendment that `clarifies` asks for.
    fn clarifies(&mut self, raw: &RawAction) {
        match &raw.clarifies {
            Got::Given(_) => {
                if let Some(message) = raw.message.given() {
                    self.errors.push(
                        message.span.start(),
                        "an action with `clarifies` takes no `message`: its message goes back to \
                         the sender of the request it clarifies",
                    );
                }
                if let Some(ahead) = raw.ahead.given().filter(|a| a.value) {
                    self.errors.push(
                        ahead.span,
                        "an action with `clarifies` cannot be done `ahead`: it answers a request \
                         the team has received",
                    );
                }
            }
            Got::Absent => {
                if let Some(basis) = raw.basis.given() {
                    self.errors.push(
                        basis.span,
                        "`basis` on an action is the time standard of the amendment that \
                         `clarifies` asks for, and this action has no `clarifies` (a reply's \
                         basis goes in its `reply`, an inject's in its expectation)",
                    );
                }
            }
            Got::Bad => {}
        }
    }

    /// The required fields of each reply: those given, each a field of the reply action, or all.
    fn reply_fields(
        &mut self,
        actions: &mut [Action],
        raw_actions: &[Option<&RawAction>],
        refs: &Refs,
    ) {
        for ix in 0..actions.len() {
            let Some(raw_reply) = raw_actions[ix]
                .and_then(|a| a.message.given())
                .and_then(|m| m.reply.given())
            else {
                continue;
            };
            // Only a reply action that resolved is looked into.
            let Some(reply_action) = raw_reply
                .action
                .given()
                .and_then(|a| refs.actions.get(&a.value))
            else {
                continue;
            };
            let fields = match &raw_reply.fields {
                Got::Given(names) => self.field_positions(
                    &actions[reply_action],
                    refs.fields_complete[reply_action],
                    names,
                ),
                Got::Absent => (0..actions[reply_action].fields.len()).collect(),
                Got::Bad => Vec::new(),
            };
            if let Some(reply) = actions[ix].message.as_mut().and_then(|m| m.reply.as_mut()) {
                reply.fields = fields;
            }
        }
    }

    /// Field names as positions in the action's fields, ascending; each unknown one reported
    /// when the action's `fields` could all be read (`complete`).
    fn field_positions(&mut self, action: &Action, complete: bool, names: &[Name]) -> Vec<usize> {
        let mut positions: Vec<usize> = names
            .iter()
            .filter_map(|name| {
                let position = action.field_index(&name.value);
                if position.is_none() && complete {
                    let message = format!(
                        "action `{}` has no field `{}` (fields: {})",
                        action.id,
                        name.value.escape_debug(),
                        list_names(action.fields.iter().map(String::as_str))
                    );
                    self.errors.push(name.span, message);
                }
                position
            })
            .collect();
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    fn inject(
        &mut self,
        raw: Option<&RawInject>,
        refs: &Refs,
        scenario: &Scenario,
        actions_known: &[bool],
    ) -> Inject {
        let Some(raw) = raw else {
            return placeholder_inject();
        };
        let to = raw.to.given().and_then(|to| {
            if to.value.is_empty() {
                self.errors.push(
                    to.span,
                    "`to` is empty: an inject goes to at least one team",
                );
            }
            self.resolve_teams(&refs.teams, &to.value)
        });
        let inject_id = raw.id.given().map(|s| s.value.as_str()).unwrap_or("?");
        let written: Expectations = raw
            .expect
            .given()
            .map(|e| e.readable().collect())
            .unwrap_or_default();
        let mut expect = Vec::with_capacity(written.len());
        for (n, e) in written.iter().enumerate() {
            let decide = self.action_or_decide(e);
            let (what, actions) = match decide {
                Got::Given(choices) => self.decision(inject_id, &written, n, choices, refs),
                Got::Bad => (None, Chosen::new()),
                Got::Absent => {
                    let action = e.action.given().and_then(|a| {
                        if written[..n].iter().any(|earlier| {
                            earlier.action.given().is_some_and(|x| x.value == a.value)
                        }) {
                            let message = format!(
                                "inject `{inject_id}` already expects action `{}`: one expectation per action per inject",
                                a.value
                            );
                            self.errors.push(a.span, message);
                        }
                        self.resolve(&refs.actions, a).map(|ix| (ActionIx(ix), a))
                    });
                    (
                        action.map(|(ix, _)| Expected::Action(ix)),
                        action.into_iter().collect(),
                    )
                }
            };
            let by = self.by(e, to.as_deref(), &actions, refs, scenario, actions_known);
            let fields = match (&e.fields, &what) {
                (Got::Given(names), Some(Expected::Action(ix))) => self.field_positions(
                    &scenario.actions[ix.0],
                    refs.fields_complete[ix.0],
                    &names.value,
                ),
                (Got::Absent, Some(Expected::Action(ix))) => {
                    (0..scenario.actions[ix.0].fields.len()).collect()
                }
                _ => Vec::new(),
            };
            let objective = e
                .objective
                .given()
                .and_then(|o| self.resolve(&refs.objectives, o))
                .map(ObjectiveIx);
            expect.push(Expectation {
                // Placeholder on error: the model is discarded then.
                what: what.unwrap_or(Expected::Action(ActionIx(0))),
                within: e.within.given().map_or(0, |w| w.value.0),
                by,
                fields,
                weight: e.weight.clone().map(|w| w.0).or(1.0),
                objective,
                basis: e.basis.clone().into_given().map(prose),
            });
        }
        Inject {
            id: id_of(Some(&raw.id)),
            // Set once every inject is built, since a trigger may name a later one.
            when: Trigger::Manual,
            to: to.unwrap_or_default(),
            title: prose(raw.title.clone().or_default()),
            body: prose(raw.body.clone().or_default()),
            from: raw.from.clone().into_given().map(prose),
            expect,
            delay: raw.delay.clone().or_default().0,
            jitter: raw.jitter.clone().or_default().0,
            chance: raw.chance.clone().map(|c| c.0).or(1.0),
            notes: raw.notes.clone().into_given().map(prose),
            // Set with `when`.
            unless: None,
            method: self.short_text(&raw.method, "method", MAX_METHOD_CHARS),
            reference: self.short_text(&raw.r#ref, "ref", MAX_REF_CHARS),
        }
    }

    /// A text of at most `max` Unicode characters (an inject's `method` and `ref`).
    fn short_text(&mut self, text: &Got<Spanned<String>>, key: &str, max: usize) -> Option<String> {
        let text = text.given()?;
        let count = text.value.chars().count();
        if count > max {
            let message = format!("`{key}` is {count} characters long, at most {max}");
            self.errors.push(text.span, message);
        }
        Some(prose(text.value.clone()))
    }

    /// An expectation names exactly one of `action` and `decide`: its `decide` as read (`Bad`
    /// when the expectation has both, so that the one mistake is reported once). A decision
    /// takes no `fields` and at least two choices.
    fn action_or_decide<'e>(&mut self, e: &'e RawExpectation) -> Got<&'e Names> {
        let decide = match (&e.action, &e.decide) {
            (Got::Absent, Got::Absent) => {
                self.errors.push(
                    e.span.start(),
                    "missing field `action` in an expectation (or `decide` for a decision)",
                );
                return Got::Bad;
            }
            (Got::Given(_) | Got::Bad, Got::Given(_) | Got::Bad) => {
                let at = e.action.given().map_or(e.span.start(), |a| a.span.start());
                self.errors.push(
                    at,
                    "an expectation has either `action` or `decide`, not both",
                );
                return Got::Bad;
            }
            (_, decide) => decide,
        };
        let Got::Given(choices) = decide else {
            return decide.as_ref();
        };
        if let Got::Given(fields) = &e.fields {
            self.errors.push(
                fields.span.start(),
                "a decision takes no `fields`: the required fields are all fields of the action chosen",
            );
        }
        if choices.value.len() < 2 {
            self.errors.push(
                choices.span,
                "`decide` lists the choices of a decision: at least two actions",
            );
        }
        Got::Given(choices)
    }

    /// The choices of an inject's decision (its `n`th expectation), each a known action listed
    /// once and not also expected on its own; the inject has no other decision.
    fn decision<'r>(
        &mut self,
        inject_id: &str,
        written: &[&RawExpectation],
        n: usize,
        choices: &'r Names,
        refs: &Refs,
    ) -> (Option<Expected>, Chosen<'r>) {
        if written[..n]
            .iter()
            .any(|earlier| earlier.action.is_absent() && earlier.decide.given().is_some())
        {
            let message = format!(
                "inject `{inject_id}` already has a decision: at most one `decide` per inject"
            );
            self.errors.push(choices.span.start(), message);
        }
        let mut resolved = Chosen::new();
        let mut all_known = true;
        for (k, choice) in choices.value.iter().enumerate() {
            if choices.value[..k].iter().any(|c| c.value == choice.value) {
                let message = format!("action `{}` is listed twice in `decide`", choice.value);
                self.errors.push(choice.span, message);
                continue;
            }
            if written
                .iter()
                .any(|e| e.action.given().is_some_and(|a| a.value == choice.value))
            {
                let message = format!(
                    "inject `{inject_id}` expects action `{}` both on its own and as a choice of \
                     its decision: one response would have to satisfy both",
                    choice.value
                );
                self.errors.push(choice.span, message);
            }
            match self.resolve(&refs.actions, choice) {
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
        actions: &[(ActionIx, &Name)],
        refs: &Refs,
        scenario: &Scenario,
        actions_known: &[bool],
    ) -> Vec<TeamIx> {
        let known: SmallVec<[(&Action, &Name); 4]> = actions
            .iter()
            .filter(|(ix, _)| actions_known[ix.0])
            .map(|(ix, name)| (&scenario.actions[ix.0], *name))
            .collect();
        match &e.by {
            Got::Given(by) => {
                if by.value.is_empty() {
                    let message = "`by` is empty: name the teams that must do it, or leave it out for the inject's `to`";
                    self.errors.push(by.span, message);
                }
                let mut teams = Vec::with_capacity(by.value.len());
                for name in &by.value {
                    let Some(team) = self.resolve(&refs.teams, name).map(TeamIx) else {
                        continue;
                    };
                    if teams.contains(&team) {
                        self.errors
                            .push(name.span, format!("team `{}` is listed twice", name.value));
                        continue;
                    }
                    teams.push(team);
                    if let Some(to) = to.filter(|to| !to.contains(&team)) {
                        let to_names = list_names(to.iter().map(|t| team_id(scenario, *t)));
                        let message = format!(
                            "team `{}` in `by` is not among the inject's `to` (to: {to_names})",
                            name.value
                        );
                        self.errors.push(name.span, message);
                    } else if let Some((action, _)) = known.iter().find(|(a, _)| !a.allows(team)) {
                        let message = format!(
                            "team `{}` may not take action `{}` (its teams: {})",
                            name.value,
                            action.id,
                            team_names(scenario, action)
                        );
                        self.errors.push(name.span, message);
                    }
                }
                teams
            }
            Got::Absent => {
                let to = to.unwrap_or_default();
                for (action, action_name) in &known {
                    let refused: Vec<&str> = to
                        .iter()
                        .filter(|t| !action.allows(**t))
                        .map(|t| team_id(scenario, *t))
                        .collect();
                    if !refused.is_empty() {
                        let message = format!(
                            "team(s) {} of the inject's `to` may not take action `{}` (its teams: {}); \
                             name the teams that must do it in `by`",
                            refused.join(", "),
                            action.id,
                            team_names(scenario, action)
                        );
                        self.errors.push(action_name.span, message);
                    }
                }
                to.to_vec()
            }
            Got::Bad => to.unwrap_or_default().to_vec(),
        }
    }

    /// Resolves an inject's `when` and `unless` into the model; returns the inject its `when`
    /// waits on, if any (`unless` is not a wait: it forms no cycle).
    fn triggers(
        &mut self,
        ix: usize,
        raw_injects: &[Option<&RawInject>],
        scenario: &mut Scenario,
        refs: &Refs,
        actions_known: &[bool],
    ) -> Option<usize> {
        let raw = raw_injects[ix]?;
        if let Some(unless) = raw.unless.given() {
            // Known before the exercise starts, these would decide nothing in play.
            let known_ahead = match unless.value {
                RawTrigger::At(_) => Some("At"),
                RawTrigger::Manual => Some("Manual"),
                _ => None,
            };
            scenario.injects[ix].unless = match known_ahead {
                Some(form) => {
                    let message = format!(
                        "`unless` cannot be `{form}`: it takes a trigger that fires in play, \
                         `Released`, `Met`, `Missed`, `Incomplete` or `Taken`"
                    );
                    self.errors.push(unless.span, message);
                    None
                }
                None => self
                    .trigger(unless, "unless", raw_injects, scenario, refs, actions_known)
                    .map(|(trigger, _)| trigger),
            };
        }
        let when = raw.when.given()?;
        let (trigger, waits_on) =
            self.trigger(when, "when", raw_injects, scenario, refs, actions_known)?;
        scenario.injects[ix].when = trigger;
        waits_on
    }

    /// One trigger (of `key`, `when` or `unless`) in the model, and the inject it waits on.
    fn trigger(
        &mut self,
        written: &Spanned<RawTrigger>,
        key: &str,
        raw_injects: &[Option<&RawInject>],
        scenario: &Scenario,
        refs: &Refs,
        actions_known: &[bool],
    ) -> Option<(Trigger, Option<usize>)> {
        Some(match &written.value {
            RawTrigger::At(secs) => (Trigger::At(secs.0), None),
            RawTrigger::Manual => (Trigger::Manual, None),
            RawTrigger::Released(name) => {
                let target = self.resolve(&refs.injects, name)?;
                (Trigger::Released(InjectIx(target)), Some(target))
            }
            RawTrigger::Met(name) | RawTrigger::Missed(name) | RawTrigger::Incomplete(name) => {
                let reference = self.expectation_ref(name, key, raw_injects, scenario, refs)?;
                let target = reference.inject.0;
                let trigger = match &written.value {
                    RawTrigger::Met(_) => Trigger::Met(reference),
                    RawTrigger::Missed(_) => Trigger::Missed(reference),
                    _ => {
                        self.incomplete_possible(name, reference, raw_injects, scenario, refs);
                        Trigger::Incomplete(reference)
                    }
                };
                (trigger, Some(target))
            }
            RawTrigger::Taken(name) => {
                let (action_name, team_name) = split_team(name);
                let action = self.resolve(&refs.actions, &action_name);
                let team = team_name
                    .as_ref()
                    .and_then(|t| self.resolve(&refs.teams, t));
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
                    self.errors.push(name.span, message);
                }
                (
                    Trigger::Taken {
                        action: ActionIx(action),
                        team: team.map(TeamIx),
                    },
                    None,
                )
            }
        })
    }

    /// `Incomplete` of an expectation with no required fields could never fire; a decision can
    /// be incomplete when one of its choices has fields. Not reported where the expectation's
    /// actions or fields had an error of their own.
    fn incomplete_possible(
        &mut self,
        name: &Name,
        reference: ExpectationRef,
        raw_injects: &[Option<&RawInject>],
        scenario: &Scenario,
        refs: &Refs,
    ) {
        let Some(raw) = raw_injects[reference.inject.0] else {
            return;
        };
        let Some(e) = raw
            .expect
            .given()
            .and_then(|e| e.readable().nth(reference.expectation))
        else {
            return;
        };
        let no_fields = |action: usize| {
            refs.fields_complete[action] && scenario.actions[action].fields.is_empty()
        };
        let (what, never) = match (&e.action, &e.decide) {
            (Got::Given(action), Got::Absent) => {
                let never = refs
                    .actions
                    .get(&action.value)
                    .is_some_and(|ix| match &e.fields {
                        Got::Given(names) => names.value.is_empty(),
                        Got::Absent => no_fields(ix),
                        Got::Bad => false,
                    });
                ("has no required fields", never)
            }
            (Got::Absent, Got::Given(choices)) => {
                let choices: Option<Vec<usize>> = choices
                    .value
                    .iter()
                    .map(|c| refs.actions.get(&c.value))
                    .collect();
                let never = choices.is_some_and(|c| c.iter().all(|ix| no_fields(*ix)));
                ("is a decision none of whose choices has fields", never)
            }
            _ => return,
        };
        if never {
            let (expectation, _) = split_team(name);
            let message = format!(
                "`{}` {what}, so it is never incomplete",
                expectation.value.escape_debug()
            );
            self.errors.push(name.span, message);
        }
    }

    /// `INJECT.ACTION` or `INJECT.ACTION@TEAM` in a `Met`, `Missed` or `Incomplete` trigger
    /// (of `key`, `when` or `unless`).
    fn expectation_ref(
        &mut self,
        name: &Name,
        key: &str,
        raw_injects: &[Option<&RawInject>],
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
                "`{key}`: expected \"INJECT.ACTION\" or \"INJECT.ACTION@TEAM\", found \"{}\"",
                name.value.escape_debug()
            );
            self.errors.push(name.span, message);
            return None;
        };
        if names_a_message(inject_name) {
            let message = format!(
                "a trigger cannot wait on a message's reply (`{}`): messages are numbered as \
                 the exercise runs; wait on the inject or action that leads to it",
                name.value.escape_debug()
            );
            self.errors.push(name.span, message);
            return None;
        }
        let inject = self.resolve(
            &refs.injects,
            &Spanned {
                value: inject_name.into(),
                span: name.span,
            },
        )?;
        let raw = raw_injects[inject]?;
        let written: Expectations = raw
            .expect
            .given()
            .map(|e| e.readable().collect())
            .unwrap_or_default();
        let Some(position) = written.iter().position(|e| match e.decide {
            Got::Absent => e.action.given().is_some_and(|a| a.value == action_name),
            _ => action_name == DECISION,
        }) else {
            // An expectation whose action had an error may be the one meant: no second error.
            let complete = !raw.expect.is_bad()
                && raw.expect.given().is_none_or(|e| e.complete())
                && written.iter().all(|e| {
                    !e.decide.is_absent()
                        || e.action
                            .given()
                            .is_some_and(|a| refs.actions.get(&a.value).is_some())
                });
            if complete {
                let expected = list_names(written.iter().filter_map(|e| match &e.decide {
                    Got::Absent => e.action.given().map(|a| a.value.as_str()),
                    _ => Some(DECISION),
                }));
                let message = format!(
                    "inject `{inject_name}` has no expectation of action `{}` (it expects: {expected})",
                    action_name.escape_debug()
                );
                self.errors.push(name.span, message);
            }
            return None;
        };
        let team = match &team_name {
            None => None,
            Some(team_name) => {
                let team = TeamIx(self.resolve(&refs.teams, team_name)?);
                let by = &scenario.injects[inject].expect[position].by;
                if !by.contains(&team) {
                    let message = format!(
                        "team `{}` does not owe `{inject_name}.{action_name}` (by: {})",
                        team_name.value,
                        list_names(by.iter().map(|t| scenario.team(*t).id.as_str()))
                    );
                    self.errors.push(name.span, message);
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
}

/// Whether every entry of an action's `fields` could be read, a record's name included.
fn fields_complete(raw: &RawAction) -> bool {
    match &raw.fields {
        Got::Absent => true,
        Got::Bad => false,
        Got::Given(fields) => fields
            .0
            .iter()
            .all(|f| f.given().is_some_and(|f| f.name().is_some())),
    }
}

/// An inject's expectations as written, those that could be read: kept inline for a few, as
/// most injects have (one allocation fewer per inject).
type Expectations<'r> = SmallVec<[&'r RawExpectation; 4]>;

/// The actions an expectation names (its action, or its decision's choices), resolved, with
/// their names as written.
type Chosen<'r> = SmallVec<[(ActionIx, &'r Name); 4]>;

/// A name as a `String`, copied directly: `to_string` would go through `Display`, at several
/// times the cost.
fn owned(name: &CompactString) -> String {
    String::from(name.as_str())
}

/// The id of a record, or an empty placeholder when it could not be read: a `String`, or a
/// `CompactString` where the model keeps it inline (an inject's). Copied from the text directly:
/// `to_string` would go through `Display`.
fn id_of<T: for<'s> From<&'s str> + Default>(id: Option<&Got<Name>>) -> T {
    id.and_then(Got::given)
        .map(|s| T::from(s.value.as_str()))
        .unwrap_or_default()
}

fn placeholder_action() -> Action {
    Action {
        id: String::new(),
        name: String::new(),
        description: None,
        teams: None,
        fields: Vec::new(),
        shapes: Vec::new(),
        message: None,
        ahead: false,
        clarifies: None,
        basis: None,
    }
}

fn placeholder_inject() -> Inject {
    Inject {
        id: CompactString::default(),
        when: Trigger::Manual,
        to: Vec::new(),
        title: String::new(),
        body: String::new(),
        from: None,
        expect: Vec::new(),
        delay: 0,
        jitter: 0,
        chance: 1.0,
        notes: None,
        unless: None,
        method: None,
        reference: None,
    }
}

pub fn team_id(scenario: &Scenario, team: TeamIx) -> &str {
    scenario.teams.get(team.0).map_or("?", |t| t.id.as_str())
}

/// The teams that may take the action, for a message.
pub fn team_names(scenario: &Scenario, action: &Action) -> String {
    match &action.teams {
        None => "all".into(),
        Some(teams) => list_names(teams.iter().map(|t| team_id(scenario, *t))),
    }
}

/// `NAME@TEAM` into `NAME` and `TEAM`, each keeping the span of the whole string.
fn split_team(name: &Name) -> (Name, Option<Name>) {
    match name.value.split_once('@') {
        Some((head, team)) => (
            Spanned {
                value: head.into(),
                span: name.span,
            },
            Some(Spanned {
                value: team.into(),
                span: name.span,
            }),
        ),
        None => (name.clone(), None),
    }
}

/// Thresholds not given keep their defaults.
fn rating_thresholds(raw: &RawRatings) -> RatingThresholds {
    let default = RatingThresholds::default();
    RatingThresholds {
        performed: raw.performed.clone().map(|s| s.0).or(default.performed),
        some: raw.some.clone().map(|s| s.0).or(default.some),
        major: raw.major.clone().map(|s| s.0).or(default.major),
    }
}
