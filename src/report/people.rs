//! The after-action report for people (HSEEP's AAR), shared by the Markdown and HTML renderings:
//! sections of plain text and tables, escaped by each renderer, never here.

use crate::report::{ExpectationReport, Report, TeamReport};
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

pub(super) struct Aar {
    pub title: String,
    pub overview: Table,
    pub summary: Table,
    pub teams: Vec<TeamPart>,
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
                    e.id.clone(),
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
