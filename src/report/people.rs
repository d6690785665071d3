//! The after-action report for people (HSEEP's AAR/IP), shared by the Markdown and HTML
//! renderings: sections of plain text and tables in HSEEP's order and names, escaped by each
//! renderer, never here.

use time::OffsetDateTime;

use crate::debrief::evaluation::Rating;
use crate::debrief::parse_wall;
use crate::engine::Status;
use crate::report::{
    ExpectationReport, MessageReport, RatingReport, Report, ResponseReport, SignatureReport,
    TeamReport,
};
use crate::scenario::{Scenario, Secs, format_secs};

pub(super) struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn head(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

pub(super) struct TeamPart {
    pub heading: String,
    /// "Score: 81% (credit 3.25 of weight 4)".
    pub score: String,
    pub objectives: Table,
    pub expectations: Table,
}

/// A line of a list, with lines of detail under it and the items that answer it.
pub(super) struct Item {
    pub text: String,
    pub details: Vec<String>,
    pub replies: Vec<Item>,
}

/// One objective's analysis: its ratings, critical tasks, strengths and areas for improvement.
pub(super) struct ObjectivePart {
    pub heading: String,
    /// "Core capability: …", "Target: …".
    pub facts: Vec<String>,
    /// One line per rating row: who, the rating, the suggestion and its evidence, the analysis.
    pub ratings: Vec<String>,
    pub tasks: Table,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
}

pub(super) struct Aar {
    pub title: String,
    pub handling: Option<String>,
    /// Some rating is missing: the report says "draft" on its cover.
    pub draft: bool,
    /// The cover's dates line.
    pub dates: String,
    /// The cover's line on the journal's signature, when the report was made from a journal.
    pub signature: Option<String>,
    pub overview: Table,
    pub executive_summary: Option<String>,
    pub top_strengths: Vec<String>,
    pub top_improvements: Vec<String>,
    /// Objective × capability × rating per team and jointly.
    pub matrix: Table,
    pub objectives: Vec<ObjectivePart>,
    pub teams: Vec<TeamPart>,
    pub summary: Table,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    /// Every decision: who chose what, when, and how long it took.
    pub decisions: Table,
    /// The hotline messages with what they said, each followed by the messages answering it.
    pub hotline: Vec<Item>,
    /// Every response with its fields and note, and what it counted for.
    pub responses: Vec<Item>,
    pub timeline: Table,
    pub plan: Table,
    pub participants: Table,
    /// The seats that joined a served exercise; no rows for `ttx run`.
    pub seats: Table,
    pub definitions: Table,
}

/// A share as a percentage: `81.3%`, `100%`; "not scored" for none.
pub(super) fn percent(share: Option<f64>) -> String {
    match share {
        Some(share) => number((share * 1000.0).round() / 10.0) + "%",
        None => "not scored".into(),
    }
}

/// A number without trailing zeros: `3.25`, `4`.
pub(super) fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn team_name(scenario: &Scenario, id: &str) -> String {
    match scenario.team_ix(id) {
        Some(ix) => scenario.team(ix).name.clone(),
        None => id.to_string(),
    }
}

fn inject_title(scenario: &Scenario, id: &str) -> String {
    match scenario.inject_ix(id) {
        Some(ix) => scenario.inject(ix).title.clone(),
        None => id.to_string(),
    }
}

fn action_name(scenario: &Scenario, id: &str) -> String {
    match scenario.action_ix(id) {
        Some(ix) => scenario.action(ix).name.clone(),
        None => id.to_string(),
    }
}

/// People's name first, the id second: "Aldera — National Cyber Agency (a)".
fn team_label(scenario: &Scenario, id: &str) -> String {
    format!("{} ({id})", team_name(scenario, id))
}

fn action_label(scenario: &Scenario, id: &str) -> String {
    format!("{} ({id})", action_name(scenario, id))
}

fn inject_label(scenario: &Scenario, id: &str) -> String {
    format!("“{}” ({id})", inject_title(scenario, id))
}

/// A response's fields as `name: text` lines, a blank one shown as such.
fn field_lines(response: &ResponseReport) -> Vec<String> {
    response
        .fields
        .iter()
        .map(|(name, text)| match text.as_str() {
            Some(text) if !text.trim().is_empty() => format!("{name}: {text}"),
            _ => format!("{name}: (blank)"),
        })
        .collect()
}

fn decisions(report: &Report, scenario: &Scenario) -> Table {
    let dash = || "—".to_string();
    let rows = report
        .teams
        .iter()
        .flat_map(|team| {
            team.expectations.iter().filter_map(move |e| {
                let choices = e.choices.as_ref()?;
                let inject = e
                    .inject
                    .as_deref()
                    .map_or_else(dash, |i| inject_label(scenario, i));
                Some(vec![
                    format!("{inject}: {}", e.id),
                    team_label(scenario, &team.id),
                    choices
                        .iter()
                        .map(|c| action_name(scenario, c))
                        .collect::<Vec<_>>()
                        .join(" / "),
                    e.action
                        .as_deref()
                        .map_or_else(|| "not chosen".into(), |a| action_label(scenario, a)),
                    e.done_at_s.map_or_else(dash, format_secs),
                    e.latency_s.map_or_else(dash, format_secs),
                    e.status.as_str().to_string(),
                ])
            })
        })
        .collect();
    Table {
        head: head(&[
            "Decision",
            "Team",
            "Choices",
            "Chosen",
            "Decided at",
            "Time taken",
            "Status",
        ]),
        rows,
    }
}

/// The messages, each followed by those that answer it (by `in_reply_to`).
fn hotline(report: &Report, scenario: &Scenario) -> Vec<Item> {
    fn item(m: &MessageReport, report: &Report, scenario: &Scenario) -> Item {
        let to: Vec<String> = m.to.iter().map(|t| team_label(scenario, t)).collect();
        let what = match &m.action {
            Some(action) => action_label(scenario, action),
            None => "free message".into(),
        };
        let mut details = Vec::new();
        if let Some(text) = &m.text {
            details.push(format!("“{text}”"));
        }
        if let Some(response) = m.response.and_then(|r| report.responses.numbered(r)) {
            details.extend(field_lines(response));
            if let Some(note) = &response.note {
                details.push(format!("Note: {note}"));
            }
        }
        let replies = report
            .messages
            .iter()
            .filter(|r| r.in_reply_to.flatten() == Some(m.n) || answers(r, report) == Some(m.n))
            .map(|r| item(r, report, scenario))
            .collect();
        Item {
            text: format!(
                "Message {} at {}, {} → {}: {what}",
                m.n,
                format_secs(m.sent_at_s),
                team_label(scenario, &m.from),
                to.join(", ")
            ),
            details,
            replies,
        }
    }
    /// The message a message answers: its `in_reply_to`, or for a format-1 report (which has
    /// no such key) the message its response named.
    fn answers(m: &MessageReport, report: &Report) -> Option<u64> {
        if m.in_reply_to.is_some() {
            return None;
        }
        report.responses.numbered(m.response?)?.message
    }
    report
        .messages
        .iter()
        .filter(|m| m.in_reply_to.flatten().is_none() && answers(m, report).is_none())
        .map(|m| item(m, report, scenario))
        .collect()
}

fn responses(report: &Report, scenario: &Scenario) -> Vec<Item> {
    report
        .responses
        .list
        .iter()
        .map(|r| {
            let mut details = Vec::new();
            match (&r.inject, r.message) {
                (Some(inject), _) => {
                    details.push(format!("Answers inject {}", inject_label(scenario, inject)));
                }
                (None, Some(n)) => details.push(format!("Answers message {n}")),
                (None, None) => {}
            }
            details.extend(field_lines(r));
            if let Some(note) = &r.note {
                details.push(format!("Note: {note}"));
            }
            let ended = report.ended_at_s.is_some();
            details.push(match (&r.satisfied, r.ahead) {
                (Some(id), false) => format!("Counted for {id}"),
                (Some(id), true) => {
                    format!("Done ahead of time; counted for {id} when it was asked for")
                }
                (None, true) if ended => {
                    "Done ahead of time; never asked for (an unexpected action, not scored)".into()
                }
                (None, true) => "Done ahead of time; will count when it is asked for".into(),
                (None, false) => "Matched no expectation: an unexpected action, not scored".into(),
            });
            Item {
                text: format!(
                    "{} — {}: {}",
                    format_secs(r.at_s),
                    team_label(scenario, &r.team),
                    action_label(scenario, &r.action)
                ),
                details,
                replies: Vec::new(),
            }
        })
        .collect()
}

pub(super) fn build(report: &Report, scenario: &Scenario) -> Aar {
    let outcome = match report.ended_at_s {
        Some(at) => format!("Ended at {} scenario time", format_secs(at)),
        None => "Interrupted: the exercise did not end; expectations are shown as they stood \
                 (open, overdue)"
            .to_string(),
    };
    let info = &report.exercise;
    let dates = dates(report);
    let mut overview = vec![
        vec!["Exercise name".into(), report.title.clone()],
        vec!["Exercise dates".into(), dates.clone()],
        vec!["Outcome".into(), outcome],
    ];
    let optional = [
        ("Scope", info.scope.clone()),
        (
            "Mission areas",
            Some(info.mission_areas.join(", ")).filter(|m| !m.is_empty()),
        ),
        ("Core capabilities", {
            let mut caps: Vec<String> = Vec::new();
            for o in &scenario.objectives {
                if let Some(c) = &o.capability
                    && !caps.contains(c)
                {
                    caps.push(c.clone());
                }
            }
            Some(caps.join(", ")).filter(|c| !c.is_empty())
        }),
        (
            "Objectives",
            Some(
                scenario
                    .objectives
                    .iter()
                    .map(|o| o.name.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .filter(|o| !o.is_empty()),
        ),
        ("Scenario", scenario.summary.clone()),
        ("Sponsor", info.sponsor.clone()),
        ("Location", info.location.clone()),
        (
            "Participating organisations",
            Some(
                scenario
                    .teams
                    .iter()
                    .map(|t| {
                        if t.organisations.is_empty() {
                            t.name.clone()
                        } else {
                            format!("{} ({})", t.name, t.organisations.join(", "))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
        ("Point of contact", info.contact.clone()),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            overview.push(vec![name.into(), value]);
        }
    }
    overview.push(vec![
        "Injects released".into(),
        format!(
            "{} of {}",
            report
                .injects
                .iter()
                .filter(|i| i.released_at_s.is_some())
                .count(),
            report.injects.len()
        ),
    ]);
    overview.push(vec!["Seed".into(), report.seed.to_string()]);
    let summary = Table {
        head: head(&["Team", "Score", "Credit", "Weight"]),
        rows: report
            .teams
            .iter()
            .map(|t| {
                vec![
                    format!("{} ({})", t.name, t.id),
                    percent(t.score),
                    number(t.credit),
                    number(t.weight),
                ]
            })
            .collect(),
    };
    let strengths = notes(report, scenario, crate::engine::NoteKind::Strength);
    let improvements = notes(report, scenario, crate::engine::NoteKind::Improvement);
    let mut top_strengths: Vec<String> = report
        .notes
        .iter()
        .filter(|n| n.kind == crate::engine::NoteKind::Strength)
        .map(|n| n.text.clone())
        .collect();
    for r in &report.ratings {
        if r.team.is_none() && r.rating.or(r.suggested) == Some(Rating::P) {
            top_strengths.push(format!(
                "{}: {}",
                objective_name(scenario, &r.objective),
                r.evidence.clone().unwrap_or_default()
            ));
        }
    }
    top_strengths.truncate(3);
    let top_improvements = report
        .improvement_plan
        .iter()
        .take(3)
        .map(|item| item.issue.clone())
        .collect();
    Aar {
        title: report.title.clone(),
        handling: info.handling.clone(),
        draft: report.is_draft(),
        dates,
        signature: report.signature.as_ref().map(signature),
        overview: Table {
            head: head(&["", ""]),
            rows: overview,
        },
        executive_summary: report.executive_summary.clone(),
        top_strengths,
        top_improvements,
        matrix: matrix(report, scenario),
        objectives: scenario
            .objectives
            .iter()
            .map(|o| objective_part(report, scenario, &o.id))
            .collect(),
        teams: report
            .teams
            .iter()
            .map(|t| team_part(t, scenario))
            .collect(),
        summary,
        strengths,
        improvements,
        decisions: decisions(report, scenario),
        hotline: hotline(report, scenario),
        responses: responses(report, scenario),
        timeline: timeline(report, scenario),
        plan: plan(report, scenario),
        participants: participants(report, scenario),
        seats: seats(report),
        definitions: Table {
            head: head(&[
                "Code",
                "Rating",
                "Definition (HSEEP Exercise Evaluation Guide)",
            ]),
            rows: Rating::ALL
                .iter()
                .map(|r| vec![r.code().into(), r.name().into(), r.definition().into()])
                .collect(),
        },
    }
}

/// The wall-clock date of a journal time, as people write it: "28 November 2026, 22:13 UTC".
fn wall(text: &str) -> Option<OffsetDateTime> {
    parse_wall(text).ok()
}

fn human_date(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[day padding:none] [month repr:long] [year], [hour]:[minute] UTC"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

fn dates(report: &Report) -> String {
    let scenario_time = report
        .ended_at_s
        .map(|at| format!("{} of scenario time", format_secs(at)));
    let started = report.started_wall.as_deref().and_then(wall);
    let ended = report.ended_wall.as_deref().and_then(wall);
    let wall_text = match (started, ended) {
        (Some(s), Some(e)) => {
            let secs = (e - s).whole_seconds().max(0);
            format!(
                "{} to {} ({} wall clock)",
                human_date(s),
                human_date(e),
                format_secs(Secs::try_from(secs).unwrap_or(0))
            )
        }
        (Some(s), None) => format!("Started {} (not ended)", human_date(s)),
        _ => "Dates unknown: the journal did not record the wall clock".into(),
    };
    match scenario_time {
        Some(t) => format!("{wall_text}; {t}"),
        None => wall_text,
    }
}

fn signature(signature: &SignatureReport) -> String {
    match (signature.status, &signature.fingerprint) {
        ("signed", Some(fingerprint)) => format!("Journal signed by {fingerprint}."),
        ("not_signed", _) => "Journal not signed.".into(),
        _ => "Journal signature does not match: the journal is not what was signed.".into(),
    }
}

fn objective_name(scenario: &Scenario, id: &str) -> String {
    match scenario.objective_ix(id) {
        Some(ix) => scenario.objective(ix).name.clone(),
        None => id.to_string(),
    }
}

/// "S (suggested M)", "— (suggested P)", "not rated".
fn rating_cell(r: &RatingReport) -> String {
    let suggested = r.suggested.map(|s| format!("suggested {}", s.code()));
    match (r.rating, suggested) {
        (Some(rating), Some(s)) => format!("{} ({s})", rating.code()),
        (Some(rating), None) => rating.code().to_string(),
        (None, Some(s)) => format!("not rated ({s})"),
        (None, None) => "not rated".into(),
    }
}

fn who(r: &RatingReport, scenario: &Scenario) -> String {
    match &r.team {
        Some(team) => team_name(scenario, team),
        None => "Jointly".into(),
    }
}

fn matrix(report: &Report, scenario: &Scenario) -> Table {
    let mut names = vec!["Objective".to_string(), "Core capability".to_string()];
    names.extend(scenario.teams.iter().map(|t| t.name.clone()));
    names.push("Jointly".into());
    let rows = scenario
        .objectives
        .iter()
        .map(|o| {
            let cell = |team: Option<&str>| {
                report
                    .ratings
                    .iter()
                    .find(|r| r.objective == o.id && r.team.as_deref() == team)
                    .map_or_else(|| "—".to_string(), rating_cell)
            };
            let mut row = vec![
                o.name.clone(),
                o.capability.clone().unwrap_or_else(|| "—".into()),
            ];
            row.extend(scenario.teams.iter().map(|t| cell(Some(&t.id))));
            row.push(cell(None));
            row
        })
        .collect();
    Table { head: names, rows }
}

fn objective_part(report: &Report, scenario: &Scenario, id: &str) -> ObjectivePart {
    let mut facts = Vec::new();
    if let Some(ix) = scenario.objective_ix(id) {
        let objective = scenario.objective(ix);
        if let Some(capability) = &objective.capability {
            facts.push(format!("Core capability: {capability}"));
        }
        if let Some(target) = &objective.target {
            facts.push(format!("Target: {target}"));
        }
    }
    let ratings = report
        .ratings
        .iter()
        .filter(|r| r.objective == id)
        .map(|r| {
            let mut line = format!("{}: {}", who(r, scenario), rating_cell(r));
            if let Some(evidence) = &r.evidence {
                line.push_str(&format!(" — evidence: {evidence}"));
            }
            if let Some(reason) = &r.reason {
                line.push_str(&format!(" — reason: {reason}"));
            }
            if let Some(by) = &r.by {
                line.push_str(&format!(" — rated by {by}"));
                if let Some(at) = r.at_wall.as_deref().and_then(wall) {
                    line.push_str(&format!(", {}", human_date(at)));
                }
            }
            if !r.earlier.is_empty() {
                let earlier: Vec<String> = r
                    .earlier
                    .iter()
                    .map(|e| match &e.by {
                        Some(by) => format!("{} by {by}", e.rating.code()),
                        None => e.rating.code().to_string(),
                    })
                    .collect();
                line.push_str(&format!(" (earlier: {})", earlier.join(", ")));
            }
            if let Some(analysis) = &r.analysis {
                line.push_str(&format!(". Analysis: {analysis}"));
            }
            line
        })
        .collect();
    let dash = || "—".to_string();
    let tasks: Vec<&ExpectationReport> = report
        .teams
        .iter()
        .flat_map(|t| &t.expectations)
        .filter(|e| e.objective.as_deref() == Some(id))
        .collect();
    let strengths = tasks
        .iter()
        .filter(|e| e.status == Status::Met)
        .map(|e| {
            format!(
                "{} ({}) met in {} against a standard of {}",
                task_name(e, scenario),
                team_name(scenario, &e.team),
                e.latency_s.map_or_else(dash, format_secs),
                format_secs(e.due_at_s.saturating_sub(e.released_at_s))
            )
        })
        // Observations of strengths given as evidence for this objective.
        .chain(
            report
                .notes
                .iter()
                .filter(|n| {
                    n.kind == crate::engine::NoteKind::Strength
                        && n.objective.as_deref() == Some(id)
                })
                .map(|n| format!("Observed: {}", n.text.replace('\n', " "))),
        )
        .collect();
    let improvements = report
        .improvement_plan
        .iter()
        .filter(|item| item.objective.as_deref() == Some(id))
        .map(|item| item.issue.clone())
        .collect();
    ObjectivePart {
        heading: objective_name(scenario, id),
        facts,
        ratings,
        tasks: Table {
            head: head(&[
                "Critical task",
                "Team",
                "Released",
                "Deadline",
                "Done",
                "Latency / standard",
                "Status",
                "Missing",
            ]),
            rows: tasks
                .iter()
                .map(|e| {
                    vec![
                        format!("{} ({})", task_name(e, scenario), e.id),
                        team_name(scenario, &e.team),
                        format_secs(e.released_at_s),
                        format_secs(e.due_at_s),
                        e.done_at_s.map_or_else(dash, format_secs),
                        format!(
                            "{} / {}",
                            e.latency_s.map_or_else(dash, format_secs),
                            format_secs(e.due_at_s.saturating_sub(e.released_at_s))
                        ),
                        e.status.as_str().to_string(),
                        e.missing_fields.join(", "),
                    ]
                })
                .collect(),
        },
        strengths,
        improvements,
    }
}

/// People's name for a task: the action's name, or the decision's title.
pub(super) fn task_name(e: &ExpectationReport, scenario: &Scenario) -> String {
    match &e.action {
        Some(action) if e.choices.is_none() => action_name(scenario, action),
        _ => e.title.clone(),
    }
}

fn participants(report: &Report, scenario: &Scenario) -> Table {
    Table {
        head: head(&["Team", "Organisations"]),
        rows: report
            .teams
            .iter()
            .map(|t| {
                let organisations = scenario
                    .team_ix(&t.id)
                    .map(|ix| scenario.team(ix).organisations.join(", "))
                    .unwrap_or_default();
                vec![format!("{} ({})", t.name, t.id), organisations]
            })
            .collect(),
    }
}

/// Who joined over SSH, from when to when: scenario time, and the wall clock where recorded.
fn seats(report: &Report) -> Table {
    let when = |at_s: Secs, wall: &Option<String>| match wall {
        Some(wall) => format!("{} ({wall})", format_secs(at_s)),
        None => format_secs(at_s),
    };
    Table {
        head: head(&["User", "Role", "Address", "From", "To"]),
        rows: report
            .seats
            .iter()
            .map(|s| {
                vec![
                    s.user.clone(),
                    s.role.clone(),
                    s.address.clone(),
                    when(s.joined_at_s, &s.joined_wall),
                    match s.left_at_s {
                        Some(at_s) => when(at_s, &s.left_wall),
                        None => "not recorded (still connected when the journal ends)".into(),
                    },
                ]
            })
            .collect(),
    }
}

fn team_part(team: &TeamReport, scenario: &Scenario) -> TeamPart {
    let objectives = Table {
        head: head(&["Objective", "Score"]),
        rows: team
            .objectives
            .iter()
            .map(|o| {
                let name = match scenario.objective_ix(&o.id) {
                    Some(ix) => format!("{} ({})", scenario.objective(ix).name, o.id),
                    None => o.id.clone(),
                };
                vec![name, percent(o.score)]
            })
            .collect(),
    };
    let dash = || "—".to_string();
    let expectations = Table {
        head: head(&[
            "Expectation",
            "Released",
            "Due",
            "Done",
            "Latency",
            "Status",
            "Credit / weight",
            "Missing fields",
        ]),
        rows: team
            .expectations
            .iter()
            .map(|e| {
                vec![
                    format!("{} ({})", e.title, e.id),
                    format_secs(e.released_at_s),
                    format_secs(e.due_at_s),
                    e.done_at_s.map_or_else(dash, format_secs),
                    e.latency_s.map_or_else(dash, format_secs),
                    e.status.as_str().to_string(),
                    match e.credit {
                        Some(credit) => format!("{} / {}", number(credit), number(e.weight)),
                        None => format!("not scored / {}", number(e.weight)),
                    },
                    e.missing_fields.join(", "),
                ]
            })
            .collect(),
    };
    TeamPart {
        heading: format!("{} ({})", team.name, team.id),
        score: format!(
            "Score: {} (credit {} of weight {})",
            percent(team.score),
            number(team.credit),
            number(team.weight)
        ),
        objectives,
        expectations,
    }
}

fn timeline(report: &Report, scenario: &Scenario) -> Table {
    let mut entries: Vec<(Secs, String)> = Vec::new();
    for inject in &report.injects {
        let title = inject_title(scenario, &inject.id);
        let to = scenario
            .inject_ix(&inject.id)
            .map(|ix| {
                scenario
                    .inject(ix)
                    .to
                    .iter()
                    .map(|t| scenario.team(*t).id.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        if let Some(at) = inject.released_at_s {
            let how = if inject.by_hand { " by hand" } else { "" };
            entries.push((
                at,
                format!("Inject {} released{how} to {to}: {title}", inject.id),
            ));
        }
        if let Some(at) = inject.skipped_at_s {
            entries.push((
                at,
                format!(
                    "Inject {} skipped (its chance did not come up): {title}",
                    inject.id
                ),
            ));
        }
    }
    for m in &report.messages {
        let what = match (&m.action, &m.text) {
            (Some(action), _) => format!("{} ({action})", action_name(scenario, action)),
            (None, Some(text)) => format!("free message “{text}”"),
            (None, None) => "free message".into(),
        };
        entries.push((
            m.sent_at_s,
            format!(
                "Message {}: {what} from {} → {}",
                m.n,
                m.from,
                m.to.join(", ")
            ),
        ));
    }
    for u in &report.unexpected {
        entries.push((
            u.at_s,
            format!(
                "Unexpected action by {}: {} ({})",
                u.team,
                action_name(scenario, &u.action),
                u.action
            ),
        ));
    }
    for n in &report.notes {
        let kind = match n.kind {
            crate::engine::NoteKind::Strength => "Strength",
            crate::engine::NoteKind::Improvement => "Area for improvement",
        };
        let who = n.team.as_deref().unwrap_or("all teams");
        entries.push((n.at_s, format!("{kind} ({who}): {}", n.text)));
    }
    // Stable: at equal times, releases come before what answers them.
    entries.sort_by_key(|(at, _)| *at);
    if let Some(at) = report.ended_at_s {
        entries.push((at, "The exercise ended".into()));
    }
    Table {
        head: head(&["Time", "Event"]),
        rows: entries
            .into_iter()
            .map(|(at, text)| vec![format_secs(at), text])
            .collect(),
    }
}

fn notes(report: &Report, scenario: &Scenario, kind: crate::engine::NoteKind) -> Vec<String> {
    report
        .notes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| {
            let who = match &n.team {
                Some(team) => team_name(scenario, team),
                None => "All teams".into(),
            };
            format!("{} — {who}: {}", format_secs(n.at_s), n.text)
        })
        .collect()
}

fn plan(report: &Report, scenario: &Scenario) -> Table {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Table {
        head: head(&[
            "Core capability",
            "Issue / area for improvement",
            "Corrective action",
            "Capability element",
            "Primary responsible organisation",
            "Point of contact",
            "Start date",
            "Completion date",
        ]),
        rows: report
            .improvement_plan
            .iter()
            .map(|item| {
                let capability = item
                    .capability
                    .clone()
                    .or_else(|| {
                        item.objective
                            .as_deref()
                            .map(|o| objective_name(scenario, o))
                    })
                    .unwrap_or_else(|| "General".into());
                vec![
                    capability,
                    format!("{} [{}]", item.issue, item.id),
                    text(&item.corrective_action),
                    text(&item.capability_element),
                    text(&item.responsible),
                    text(&item.poc),
                    text(&item.start),
                    text(&item.completion),
                ]
            })
            .collect(),
    }
}
