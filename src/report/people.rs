//! The after-action report for people (HSEEP's AAR), shared by the Markdown and HTML renderings:
//! sections of plain text and tables, escaped by each renderer, never here.

use crate::report::{ExpectationReport, MessageReport, Report, ResponseReport, TeamReport};
use crate::scenario::{Scenario, Secs, format_secs};

pub(super) struct Table {
    pub head: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
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

pub(super) struct Aar {
    pub title: String,
    pub overview: Table,
    pub summary: Table,
    pub teams: Vec<TeamPart>,
    /// Every decision: who chose what, when, and how long it took.
    pub decisions: Table,
    /// The hotline messages with what they said, each followed by the messages answering it.
    pub hotline: Vec<Item>,
    /// Every response with its fields and note, and what it counted for.
    pub responses: Vec<Item>,
    pub timeline: Table,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub plan: Table,
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
                    e.status.to_string(),
                ])
            })
        })
        .collect();
    Table {
        head: &[
            "Decision",
            "Team",
            "Choices",
            "Chosen",
            "Decided at",
            "Time taken",
            "Status",
        ],
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
        if let Some(response) = m.response.and_then(|r| report.responses.list.get(r)) {
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
        report.responses.list.get(m.response?)?.message
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
    let overview = Table {
        head: &["", ""],
        rows: vec![
            vec!["Exercise".into(), report.title.clone()],
            vec!["Outcome".into(), outcome],
            vec!["Teams".into(), report.teams.len().to_string()],
            vec![
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
            ],
            vec!["Seed".into(), report.seed.to_string()],
        ],
    };
    let summary = Table {
        head: &["Team", "Score", "Credit", "Weight"],
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
    Aar {
        title: report.title.clone(),
        overview,
        summary,
        teams: report
            .teams
            .iter()
            .map(|t| team_part(t, scenario))
            .collect(),
        decisions: decisions(report, scenario),
        hotline: hotline(report, scenario),
        responses: responses(report, scenario),
        timeline: timeline(report, scenario),
        strengths: notes(report, scenario, crate::engine::NoteKind::Strength),
        improvements: notes(report, scenario, crate::engine::NoteKind::Improvement),
        plan: plan(report, scenario),
    }
}

fn team_part(team: &TeamReport, scenario: &Scenario) -> TeamPart {
    let objectives = Table {
        head: &["Objective", "Score"],
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
        head: &[
            "Expectation",
            "Released",
            "Due",
            "Done",
            "Latency",
            "Status",
            "Credit / weight",
            "Missing fields",
        ],
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
                    e.status.to_string(),
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
        head: &["Time", "Event"],
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

fn shortfall(e: &ExpectationReport, scenario: &Scenario) -> Option<String> {
    let what = match &e.action {
        Some(action) if e.choices.is_none() => action_name(scenario, action),
        _ => e.title.clone(),
    };
    let source = match (&e.inject, e.message) {
        (Some(inject), _) => format!("inject “{}”", inject_title(scenario, inject)),
        (None, Some(n)) => format!("message {n}"),
        (None, None) => String::new(),
    };
    let problem = match e.status {
        "missed" => format!("missed: not done (due {})", format_secs(e.due_at_s)),
        "overdue" => format!("overdue: not done (due {})", format_secs(e.due_at_s)),
        "late" => format!(
            "late: done at {}, due {}",
            e.done_at_s.map_or_else(|| "—".into(), format_secs),
            format_secs(e.due_at_s)
        ),
        "incomplete" => format!("incomplete: missing {}", e.missing_fields.join(", ")),
        _ => return None,
    };
    Some(format!("{what} for {source} ({}) — {problem}", e.id))
}

fn plan(report: &Report, scenario: &Scenario) -> Table {
    let mut rows = Vec::new();
    for n in &report.notes {
        if n.kind == crate::engine::NoteKind::Improvement {
            let (team, owner) = match &n.team {
                Some(team) => (team_name(scenario, team), team_name(scenario, team)),
                None => ("All teams".into(), "Exercise planning team".into()),
            };
            rows.push((n.text.clone(), team, owner));
        }
    }
    for team in &report.teams {
        for e in &team.expectations {
            if let Some(what) = shortfall(e, scenario) {
                rows.push((what, team.name.clone(), team.name.clone()));
            }
        }
    }
    Table {
        head: &["No.", "Issue", "Team", "Suggested owner"],
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, (what, team, owner))| vec![(i + 1).to_string(), what, team, owner])
            .collect(),
    }
}
