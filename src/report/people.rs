//! The after-action report for people (HSEEP's AAR/IP), shared by the Markdown and HTML
//! renderings: sections of plain text and tables in HSEEP's order and names, escaped by each
//! renderer, never here.

use time::OffsetDateTime;

use crate::debrief::evaluation::Rating;
use crate::debrief::parse_wall;
use crate::engine::Status;
use crate::report::{
    ExpectationReport, FindingReport, InjectReport, MessageReport, PlanItemReport, RatingReport,
    Report, RequestReport, ResponseReport, SignatureReport, TeamReport,
};
use crate::scenario::{Scenario, Secs, Trigger};

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
    /// Each decision among its critical tasks: who chose what, when, and the rationale given.
    pub decisions: Vec<String>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
}

/// Each request's round trips of clarification until it was complete and answered (format 3).
pub(super) struct RequestsPart {
    /// How many requests, how many clarified, the time lost in all.
    pub summary: String,
    /// One paragraph per request and receiver: its lead ("Request 1, …, from … to …") and the
    /// round trips.
    pub paragraphs: Vec<(String, String)>,
}

pub(super) struct Aar {
    pub title: String,
    pub handling: Option<String>,
    /// Some rating is missing: the report says "draft" on its cover.
    pub draft: bool,
    /// The report was made final: what its cover says instead of "draft".
    pub final_report: Option<String>,
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
    /// The requests and their clarifications (format 3 only).
    pub requests: Option<RequestsPart>,
    /// Every judgement of an evaluator, take-backs included (format 3 only).
    pub judgements: Option<Table>,
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
    /// HSEEP's Conclusion: what was evaluated, how it went, what the plan takes forward.
    pub conclusion: Vec<String>,
    pub plan: Table,
    pub participants: Table,
    /// The people who held the seats of a served exercise, once each; no rows for `ttx run`.
    pub seats: Table,
    pub definitions: Table,
    /// The machine's facts (seed, scenario clock, journal signature) and the improvement
    /// plan's ids, for whoever checks or edits the record; never in the body.
    pub technical: Table,
    pub plan_ids: Table,
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

pub(super) use crate::words::duration;

/// A status in words: "not yet due", where the JSON has `not_due`.
pub(super) fn status_words(status: Status) -> &'static str {
    match status {
        Status::NotDue => "not yet due",
        other => other.as_str(),
    }
}

/// A field's name in words: `chain_of_custody` is "chain of custody".
fn field_words(name: &str) -> String {
    name.replace(['_', '-'], " ")
}

/// A count as a word up to twelve ("four"), as a number beyond.
fn count_words(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// Names joined as people list them: "a", "a and b", "a, b and c".
fn and_list(names: &[String]) -> String {
    joined(names, "and")
}

/// Choices joined as people list them: "a or b", "a, b or c".
fn or_list(names: &[String]) -> String {
    joined(names, "or")
}

fn joined(names: &[String], conjunction: &str) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// How long before it was asked for a task done ahead of time was done: "sent 1 h 37 min
/// before it was asked" (a message), "done … before it was asked" (any other action).
fn ahead_text(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> Option<String> {
    if e.ahead != Some(true) {
        return None;
    }
    let response = report.responses.numbered(e.response.flatten()?)?;
    let verb = match scenario.action_ix(&response.action) {
        Some(ix) if scenario.action(ix).message.is_some() => "sent",
        _ => "done",
    };
    Some(format!(
        "{verb} {} before it was asked",
        duration(e.released_at_s.saturating_sub(response.at_s))
    ))
}

/// A task's latency as people read it: how long it took, or how long ahead it was done.
fn latency_text(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> String {
    ahead_text(report, scenario, e)
        .unwrap_or_else(|| e.latency_s.map_or_else(|| "—".into(), duration))
}

/// How a task fell short, in words: "missed", "late by 30 min", "incomplete, without contact".
fn shortfall(e: &ExpectationReport) -> String {
    let mut text = match (e.status, e.done_at_s, e.due_at_s) {
        (Status::Late, Some(done), Some(due)) => {
            format!("late by {}", duration(done.saturating_sub(due)))
        }
        (status, _, _) => status_words(status).to_string(),
    };
    if !e.missing_fields.is_empty() {
        let missing: Vec<String> = e.missing_fields.iter().map(|f| field_words(f)).collect();
        text.push_str(", without ");
        text.push_str(&and_list(&missing));
    }
    text
}

/// What asked for a task: its inject's title, or the message it answers.
fn occasion(scenario: &Scenario, e: &ExpectationReport) -> String {
    match (&e.inject, e.message) {
        (Some(inject), _) => format!("“{}”", inject_title(scenario, inject)),
        (None, Some(n)) => format!("message {n}"),
        (None, None) => e.title.clone(),
    }
}

fn expectation<'a>(report: &'a Report, id: &str) -> Option<&'a ExpectationReport> {
    report
        .teams
        .iter()
        .flat_map(|t| &t.expectations)
        .find(|e| e.id == id)
}

/// An area for improvement in people's words, with its reference: the issue as people wrote
/// it, or ttx's draft worded again from its evidence ("Contain the intrusion (Aldera): late by
/// 30 min"), without the ids the draft names its tasks by.
fn issue_words(report: &Report, scenario: &Scenario, item: &PlanItemReport) -> String {
    if !item.drafted {
        return with_references(report, item, item.issue.clone());
    }
    let tasks: Vec<&ExpectationReport> = item
        .evidence
        .iter()
        .filter_map(|e| expectation(report, e.as_str()?))
        .collect();
    let mut parts: Vec<String> = Vec::new();
    if let Some(first) = tasks.first() {
        let shortfalls: Vec<String> = tasks
            .iter()
            .map(|e| {
                if tasks.len() > 1 {
                    format!("{} ({})", shortfall(e), occasion(scenario, e))
                } else {
                    shortfall(e)
                }
            })
            .collect();
        parts.push(format!(
            "{} ({}): {}",
            task_name(first, scenario),
            team_name(scenario, &first.team),
            shortfalls.join("; ")
        ));
    }
    parts.extend(
        item.evidence
            .iter()
            .filter_map(|e| report.notes.get(usize::try_from(e.as_u64()?).ok()?))
            .map(|n| n.text.replace('\n', " ")),
    );
    let text = if parts.is_empty() {
        item.issue.clone()
    } else {
        parts.join("; ")
    };
    with_references(report, item, text)
}

/// The strengths among an objective's critical tasks as findings, one per task name, with how
/// many tasks each covers: "Acknowledge receipt: all four done within their time standards by
/// Aldera and Brevia, the slowest in 30 min against 1 h".
fn findings(
    report: &Report,
    scenario: &Scenario,
    tasks: &[&ExpectationReport],
) -> Vec<(usize, String)> {
    let mut names: Vec<String> = Vec::new();
    for e in tasks {
        let name = task_name(e, scenario);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let group: Vec<&&ExpectationReport> = tasks
                .iter()
                .filter(|e| task_name(e, scenario) == name)
                .collect();
            let met: Vec<&&ExpectationReport> = group
                .iter()
                .copied()
                .filter(|e| e.status == Status::Met)
                .collect();
            let mut teams: Vec<String> = Vec::new();
            for e in &met {
                let team = team_name(scenario, &e.team);
                if !teams.contains(&team) {
                    teams.push(team);
                }
            }
            let text = match met.as_slice() {
                [] => return None,
                [e] => match ahead_text(report, scenario, e) {
                    Some(ahead) => format!("{name}: {}, {ahead}", and_list(&teams)),
                    None => format!(
                        "{name}: done by {} in {}, against a time standard of {}",
                        and_list(&teams),
                        latency_text(report, scenario, e),
                        standard_words(report, scenario, e)
                    ),
                },
                _ => {
                    let slowest = met
                        .iter()
                        .max_by_key(|e| e.latency_s)
                        .expect("two or more tasks met");
                    let how_many = if met.len() == group.len() && met.len() == 2 {
                        "both".to_string()
                    } else if met.len() == group.len() {
                        format!("all {}", count_words(met.len()))
                    } else {
                        format!("{} of {}", count_words(met.len()), count_words(group.len()))
                    };
                    format!(
                        "{name}: {how_many} done within their time standards by {}, the slowest \
                         in {} against {}",
                        and_list(&teams),
                        latency_text(report, scenario, slowest),
                        standard_words(report, scenario, slowest)
                    )
                }
            };
            Some((met.len(), text))
        })
        .collect()
}

/// A rating's evidence in words: how many critical tasks were done on time and complete, and
/// how each other one fell short, named as people name them.
fn evidence_words(report: &Report, scenario: &Scenario, r: &RatingReport) -> Option<String> {
    r.evidence.as_ref()?;
    let tasks: Vec<&ExpectationReport> = report
        .teams
        .iter()
        .flat_map(|t| &t.expectations)
        .filter(|e| {
            e.objective.as_deref() == Some(r.objective.as_str())
                && r.team.as_ref().is_none_or(|team| *team == e.team)
                && e.status.is_scored()
        })
        .collect();
    let met = tasks.iter().filter(|e| e.status == Status::Met).count();
    let n = tasks.len();
    let mut text = match (met, n) {
        (1, 1) => "the critical task done on time and complete".to_string(),
        (0, 1) => "the critical task not done on time and complete".to_string(),
        (0, 2) => "neither critical task done on time and complete".to_string(),
        (0, _) => format!(
            "none of the {} critical tasks done on time and complete",
            count_words(n)
        ),
        (met, n) if met == n => format!(
            "all {} critical tasks done on time and complete",
            count_words(n)
        ),
        (met, n) => format!(
            "{} of {} critical tasks done on time and complete",
            count_words(met),
            count_words(n)
        ),
    };
    for e in tasks.iter().filter(|e| e.status != Status::Met) {
        text.push_str("; ");
        text.push_str(&task_name(e, scenario));
        if r.team.is_none() {
            text.push_str(&format!(" ({})", team_name(scenario, &e.team)));
        }
        text.push(' ');
        text.push_str(&shortfall(e));
    }
    Some(text)
}

/// What a decision's response said for the choice: its fields and note, "scope: …; duration: …".
fn rationale(report: &Report, e: &ExpectationReport) -> String {
    let Some(response) = e
        .response
        .flatten()
        .and_then(|n| report.responses.numbered(n))
    else {
        return String::new();
    };
    let mut parts: Vec<String> = response
        .fields
        .iter()
        .filter_map(|(name, text)| {
            let text = text.as_str()?.trim();
            (!text.is_empty()).then(|| format!("{}: {text}", field_words(name)))
        })
        .collect();
    parts.extend(response.note.as_ref().map(|n| format!("note: {n}")));
    parts.join("; ")
}

/// A decision as the analysis tells it: who chose what over what, when, and why.
fn decision_line(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> Option<String> {
    let choices = e.choices.as_ref()?;
    let team = team_name(scenario, &e.team);
    let quoted = |id: &String| format!("“{}”", action_name(scenario, id));
    let Some(chosen) = &e.action else {
        let all: Vec<String> = choices.iter().map(quoted).collect();
        return Some(format!(
            "{team} did not choose between {} ({}).",
            or_list(&all),
            status_words(e.status)
        ));
    };
    let others: Vec<String> = choices
        .iter()
        .filter(|c| *c != chosen)
        .map(quoted)
        .collect();
    let mut line = format!("{team} chose {}", quoted(chosen));
    if !others.is_empty() {
        line.push_str(&format!(" over {}", or_list(&others)));
    }
    if let (Some(done), Some(latency)) = (e.done_at_s, e.latency_s) {
        line.push_str(&format!(
            " at {}, {} after it was asked",
            duration(done),
            duration(latency)
        ));
    }
    line.push_str(&format!(" ({})", status_words(e.status)));
    let why = rationale(report, e);
    if why.is_empty() {
        line.push_str("; no rationale recorded.");
    } else {
        line.push_str(&format!(". Rationale — {why}."));
    }
    Some(line)
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

/// A response's fields as `name: text` lines, a blank one shown as such, each field found
/// insufficient marked with who found it (format 3).
fn field_lines(response: &ResponseReport, scenario: &Scenario) -> Vec<String> {
    let findings = response.insufficient.as_deref().unwrap_or_default();
    let marked = |name: &str, mut line: String| {
        for finding in findings.iter().filter(|f| f.field == name) {
            line.push_str(" — found insufficient by ");
            line.push_str(&found_by(finding, scenario));
        }
        line
    };
    let mut lines: Vec<String> = response
        .fields
        .iter()
        .map(|(name, text)| {
            let line = match text.as_str() {
                Some(text) if !text.trim().is_empty() => format!("{name}: {text}"),
                _ => format!("{name}: (blank)"),
            };
            marked(name, line)
        })
        .collect();
    // A field found insufficient that the response did not give at all still gets its line.
    let mut absent: Vec<&str> = Vec::new();
    for finding in findings {
        let name = finding.field.as_str();
        if !response.fields.contains_key(name) && !absent.contains(&name) {
            absent.push(name);
        }
    }
    lines.extend(
        absent
            .into_iter()
            .map(|name| marked(name, format!("{name}: (not given)"))),
    );
    lines
}

/// Who found a field insufficient: "China — Ministry of Public Security (message 2)", "the
/// evaluator: no timestamps".
fn found_by(finding: &FindingReport, scenario: &Scenario) -> String {
    match (&finding.message, &finding.reason) {
        (None, Some(reason)) if finding.by == "evaluator" => format!("the evaluator: {reason}"),
        (None, None) if finding.by == "evaluator" => "the evaluator".into(),
        (Some(m), _) => format!("{} (message {m})", team_name(scenario, &finding.by)),
        (None, _) => team_name(scenario, &finding.by),
    }
}

/// What a clarifying response asked: "Asks for clarification of message 1: legal_basis found
/// insufficient".
fn clarifies_line(response: &ResponseReport) -> Option<String> {
    let clarifies = response.clarifies.as_ref()?;
    Some(format!(
        "Asks for clarification of message {}: {} found insufficient",
        clarifies.message,
        clarifies.fields.join(", ")
    ))
}

fn decisions(report: &Report, scenario: &Scenario) -> Table {
    let dash = || "—".to_string();
    let rows = report
        .teams
        .iter()
        .flat_map(|team| {
            team.expectations.iter().filter_map(move |e| {
                let choices = e.choices.as_ref()?;
                let inject = e.inject.as_deref().map_or_else(
                    || e.title.clone(),
                    |i| format!("“{}”", inject_title(scenario, i)),
                );
                Some(vec![
                    inject,
                    team_name(scenario, &team.id),
                    choices
                        .iter()
                        .map(|c| action_name(scenario, c))
                        .collect::<Vec<_>>()
                        .join(" / "),
                    e.action
                        .as_deref()
                        .map_or_else(|| "not chosen".into(), |a| action_label(scenario, a)),
                    e.done_at_s.map_or_else(dash, duration),
                    latency_text(report, scenario, e),
                    status_words(e.status).to_string(),
                    rationale(report, e),
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
            "Rationale",
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
            details.extend(clarifies_line(response));
            details.extend(field_lines(response, scenario));
            // A clarification's message text is its note (rule 37): shown once.
            if let Some(note) = response
                .note
                .as_ref()
                .filter(|n| m.text.as_ref() != Some(*n))
            {
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
                duration(m.sent_at_s),
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
            details.extend(clarifies_line(r));
            details.extend(field_lines(r, scenario));
            if let Some(note) = &r.note {
                details.push(format!("Note: {note}"));
            }
            let ended = report.ended_at_s.is_some();
            // The task by its name and what asked for it, its id in brackets.
            let task = |id: &String| match expectation(report, id) {
                Some(e) => format!(
                    "“{}”, asked by {} ({id})",
                    task_name(e, scenario),
                    occasion(scenario, e)
                ),
                None => id.clone(),
            };
            details.push(match (&r.satisfied, r.ahead) {
                // A clarification answers a request even when nothing expected it (rule 27).
                (None, false) if r.clarifies.is_some() => {
                    "A clarification that no inject asked for: not scored".into()
                }
                (Some(id), false) => format!("Counted for {}", task(id)),
                (Some(id), true) => format!(
                    "Done ahead of time; counted for {} when it was asked for",
                    task(id)
                ),
                (None, true) if ended => {
                    "Done ahead of time; never asked for (an unexpected action, not scored)".into()
                }
                (None, true) => "Done ahead of time; will count when it is asked for".into(),
                (None, false) => "Matched no expectation: an unexpected action, not scored".into(),
            });
            Item {
                text: format!(
                    "{} — {}: {}",
                    duration(r.at_s),
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
        Some(at) => format!("Ended after {} of scenario time", duration(at)),
        None => "Interrupted: the exercise did not end; expectations are shown as they stood \
                 (open, overdue)"
            .to_string(),
    };
    let info = &report.exercise;
    let (dates, recorded) = cover_dates(report);
    let mut overview = vec![
        vec!["Exercise name".into(), report.title.clone()],
        vec!["Exercise dates".into(), dates.clone()],
        vec!["Outcome".into(), outcome],
    ];
    if let Some(recorded) = recorded {
        overview.insert(2, vec!["Recorded by the journal".into(), recorded]);
    }
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
    // Observed strengths first, then the findings that cover the most critical tasks.
    let mut top_strengths: Vec<String> = report
        .notes
        .iter()
        .filter(|n| n.kind == crate::engine::NoteKind::Strength)
        .map(|n| n.text.replace('\n', " "))
        .collect();
    let mut found: Vec<(usize, String)> = scenario
        .objectives
        .iter()
        .flat_map(|o| findings(report, scenario, &critical_tasks(report, &o.id)))
        .collect();
    found.sort_by_key(|(covers, _)| std::cmp::Reverse(*covers));
    top_strengths.extend(found.into_iter().map(|(_, text)| text));
    top_strengths.truncate(3);
    let top_improvements = report
        .improvement_plan
        .iter()
        .take(3)
        .map(|item| issue_words(report, scenario, item))
        .collect();
    Aar {
        title: report.title.clone(),
        handling: info.handling.clone(),
        draft: report.is_draft(),
        final_report: report.final_report.then(|| {
            if report.ratings.iter().any(|r| r.rating.is_none()) {
                "the debrief made this report final with some objectives not rated.".into()
            } else {
                "the debrief made this report final.".into()
            }
        }),
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
        requests: requests(report, scenario),
        judgements: judgements(report, scenario),
        teams: report
            .teams
            .iter()
            .map(|t| team_part(report, t, scenario))
            .collect(),
        summary,
        strengths,
        improvements,
        decisions: decisions(report, scenario),
        hotline: hotline(report, scenario),
        responses: responses(report, scenario),
        timeline: timeline(report, scenario),
        conclusion: conclusion(report, scenario),
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
        technical: technical(report),
        plan_ids: Table {
            head: head(&["Id (for ttx debrief edit)", "Area for improvement"]),
            rows: report
                .improvement_plan
                .iter()
                .map(|item| vec![item.id.clone(), issue_words(report, scenario, item)])
                .collect(),
        },
    }
}

/// The technical appendix's heading: the last appendix, after the feedback's where there is one.
pub(super) fn technical_heading(with_feedback: bool) -> String {
    let letter = if with_feedback { 'E' } else { 'D' };
    format!("Appendix {letter}: Technical Details")
}

/// The critical tasks of an objective, every team's.
fn critical_tasks<'a>(report: &'a Report, objective: &str) -> Vec<&'a ExpectationReport> {
    report
        .teams
        .iter()
        .flat_map(|t| &t.expectations)
        .filter(|e| e.objective.as_deref() == Some(objective))
        .collect()
}

/// The machine's facts, out of the body: what replays the exercise and what proves its record.
fn technical(report: &Report) -> Table {
    let mut rows = vec![vec![
        "Seed".to_string(),
        format!(
            "{} (replaying the journal with it gives the same exercise)",
            report.seed
        ),
    ]];
    if let Some(at) = report.ended_at_s {
        rows.push(vec![
            "Scenario time at the end".into(),
            format!("{} ({at} s)", duration(at)),
        ]);
    }
    for (name, wall) in [
        ("Started (wall clock, UTC)", &report.started_wall),
        ("Ended (wall clock, UTC)", &report.ended_wall),
    ] {
        if let Some(wall) = wall {
            rows.push(vec![name.into(), wall.clone()]);
        }
    }
    if let Some(signature) = &report.signature {
        rows.push(vec![
            "Journal signature".into(),
            match (signature.status, &signature.fingerprint) {
                ("signed", Some(fingerprint)) => format!("signed by the key {fingerprint}"),
                ("not_signed", _) => "not signed".into(),
                _ => "does not match: the journal is not what was signed".into(),
            },
        ]);
    }
    Table {
        head: head(&["Fact", "Value"]),
        rows,
    }
}

/// HSEEP's Conclusion, from the record: the objectives and how they were rated, the critical
/// tasks and how they went, and what the improvement plan carries forward.
fn conclusion(report: &Report, scenario: &Scenario) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let joint: Vec<&RatingReport> = report.ratings.iter().filter(|r| r.team.is_none()).collect();
    if !joint.is_empty() {
        let rated: Vec<String> = Rating::ALL
            .iter()
            .filter_map(|rating| {
                let n = joint.iter().filter(|r| r.rating == Some(*rating)).count();
                (n > 0).then(|| format!("{} {}", count_words(n), rating.name().to_lowercase()))
            })
            .collect();
        let unrated = joint.iter().filter(|r| r.rating.is_none()).count();
        let mut text = format!(
            "The exercise evaluated {} {}.",
            count_words(joint.len()),
            if joint.len() == 1 {
                "objective"
            } else {
                "objectives"
            }
        );
        if !rated.is_empty() {
            text.push_str(&format!(" Jointly rated: {}.", and_list(&rated)));
        }
        if unrated > 0 {
            text.push_str(&format!(
                " {} not rated yet.",
                if unrated == 1 {
                    "One is".to_string()
                } else {
                    format!("{} are", capitalised(&count_words(unrated)))
                }
            ));
        }
        paragraphs.push(text);
    }
    let tasks: Vec<&ExpectationReport> = scenario
        .objectives
        .iter()
        .flat_map(|o| critical_tasks(report, &o.id))
        .filter(|e| e.status.is_scored())
        .collect();
    if !tasks.is_empty() {
        let of = |status: Status| tasks.iter().filter(|e| e.status == status).count();
        let mut text = format!(
            "Of {} critical tasks, {} {} done on time and complete",
            count_words(tasks.len()),
            count_words(of(Status::Met)),
            if of(Status::Met) == 1 { "was" } else { "were" }
        );
        let short: Vec<String> = [
            (Status::Late, "late"),
            (Status::Incomplete, "incomplete"),
            (Status::Missed, "missed"),
        ]
        .into_iter()
        .filter(|(status, _)| of(*status) > 0)
        .map(|(status, word)| format!("{} {word}", count_words(of(status))))
        .collect();
        if !short.is_empty() {
            text.push_str(&format!("; {}", and_list(&short)));
        }
        text.push('.');
        paragraphs.push(text);
    }
    let plan = &report.improvement_plan;
    paragraphs.push(if plan.is_empty() {
        "No area for improvement was recorded.".into()
    } else {
        let owned = plan
            .iter()
            .filter(|i| i.corrective_action.is_some() && i.responsible.is_some())
            .count();
        let items = if plan.len() == 1 {
            "area for improvement"
        } else {
            "areas for improvement"
        };
        let owned = match owned {
            0 => "none has a corrective action and a responsible organisation yet".to_string(),
            n if n == plan.len() => {
                "each has a corrective action and a responsible organisation".to_string()
            }
            1 => "one has a corrective action and a responsible organisation".to_string(),
            n => format!(
                "{} have a corrective action and a responsible organisation",
                count_words(n)
            ),
        };
        format!(
            "The improvement plan (Appendix A) carries {} {items} forward; {owned}.",
            count_words(plan.len())
        )
    });
    paragraphs
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
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
        .map(|at| format!("{} of scenario time", duration(at)));
    let started = report.started_wall.as_deref().and_then(wall);
    let ended = report.ended_wall.as_deref().and_then(wall);
    let wall_text = match (started, ended) {
        (Some(s), Some(e)) => {
            let secs = (e - s).whole_seconds().max(0);
            format!(
                "{} to {} ({} wall clock)",
                human_date(s),
                human_date(e),
                duration(Secs::try_from(secs).unwrap_or(0))
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

/// The cover's dates: as entered in the debrief, people's words, else what the journal
/// recorded; with both, what the journal recorded too, for the overview.
fn cover_dates(report: &Report) -> (String, Option<String>) {
    match &report.exercise.dates {
        Some(entered) => (
            entered.clone(),
            report.started_wall.is_some().then(|| dates(report)),
        ),
        None => (dates(report), None),
    }
}

fn signature(signature: &SignatureReport) -> String {
    match (signature.status, &signature.fingerprint) {
        ("signed", Some(_)) => {
            "Journal signed (see the technical appendix for the signing key).".into()
        }
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
            if let Some(evidence) = evidence_words(report, scenario, r) {
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
    let tasks = critical_tasks(report, id);
    let strengths = findings(report, scenario, &tasks)
        .into_iter()
        .map(|(_, text)| text)
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
        .map(|item| with_root_cause(item, issue_words(report, scenario, item)))
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
                        duration(e.released_at_s),
                        deadline_text(report, e),
                        e.done_at_s.map_or_else(dash, duration),
                        format!(
                            "{} / {}",
                            latency_text(report, scenario, e),
                            standard(report, scenario, e)
                        ),
                        status_words(e.status).to_string(),
                        e.missing_fields.join(", "),
                    ]
                })
                .collect(),
        },
        decisions: tasks
            .iter()
            .filter_map(|e| decision_line(report, scenario, e))
            .collect(),
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
        Some(wall) => format!("{} ({wall})", duration(at_s)),
        None => duration(at_s),
    };
    Table {
        head: head(&[
            "Name",
            "User",
            "Role",
            "Address",
            "From",
            "To",
            "Connections",
        ]),
        rows: report
            .people
            .iter()
            .map(|p| {
                let name = match (&p.name, p.shared_seat) {
                    (Some(name), false) => name.clone(),
                    // The user joined from several hosts: whoever this was, it was that seat.
                    (Some(name), true) => format!("{name} (shared seat)"),
                    (None, _) => "—".into(),
                };
                vec![
                    name,
                    p.user.clone(),
                    p.role.clone(),
                    p.host.clone(),
                    when(p.joined_at_s, &p.joined_wall),
                    match p.left_at_s {
                        Some(at_s) => when(at_s, &p.left_wall),
                        None if p.end_unknown => "unknown (lost with a crashed server)".into(),
                        None => "still connected when the journal ends".into(),
                    },
                    p.connections.to_string(),
                ]
            })
            .collect(),
    }
}

fn team_part(report: &Report, team: &TeamReport, scenario: &Scenario) -> TeamPart {
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
                    duration(e.released_at_s),
                    deadline_text(report, e),
                    e.done_at_s.map_or_else(dash, duration),
                    latency_text(report, scenario, e),
                    status_words(e.status).to_string(),
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
                    .map(|t| scenario.team(*t).name.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let tag = inject_tag(inject);
        if let Some(at) = inject.released_at_s {
            let how = if inject.by_hand { " by hand" } else { "" };
            entries.push((
                at,
                format!("Inject “{title}”{tag} released{how} to {}", and_list(&to)),
            ));
        }
        if let Some(at) = inject.skipped_at_s {
            entries.push((
                at,
                format!(
                    "Inject “{title}”{tag} skipped ({})",
                    skip_reason(inject, scenario)
                ),
            ));
        }
    }
    for m in &report.messages {
        let what = match (&m.action, &m.text) {
            (Some(action), _) => action_name(scenario, action),
            (None, Some(text)) => format!("free message “{text}”"),
            (None, None) => "free message".into(),
        };
        let to: Vec<String> = m.to.iter().map(|t| team_name(scenario, t)).collect();
        entries.push((
            m.sent_at_s,
            format!(
                "Message {}: {what} from {} to {}",
                m.n,
                team_name(scenario, &m.from),
                and_list(&to)
            ),
        ));
    }
    for u in &report.unexpected {
        entries.push((
            u.at_s,
            format!(
                "Unexpected action by {}: {}",
                team_name(scenario, &u.team),
                action_name(scenario, &u.action)
            ),
        ));
    }
    for n in &report.notes {
        let kind = match n.kind {
            crate::engine::NoteKind::Strength => "Strength",
            crate::engine::NoteKind::Improvement => "Area for improvement",
        };
        let who = n
            .team
            .as_deref()
            .map_or_else(|| "all teams".into(), |t| team_name(scenario, t));
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
            .map(|(at, text)| vec![duration(at), text])
            .collect(),
    }
}

fn notes(report: &Report, scenario: &Scenario, kind: crate::engine::NoteKind) -> Vec<String> {
    report
        .notes
        .iter()
        // The hot wash's points are the Discussion's.
        .filter(|n| n.kind == kind && !n.hot_wash)
        .map(|n| {
            let who = match &n.team {
                Some(team) => team_name(scenario, team),
                None => "All teams".into(),
            };
            format!("{} — {who}: {}", duration(n.at_s), n.text)
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
                    with_root_cause(item, issue_words(report, scenario, item)),
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

/// A deadline as people read it, or why there is none.
fn deadline_text(report: &Report, e: &ExpectationReport) -> String {
    match e.due_at_s {
        Some(due) => duration(due),
        None if report.ended_at_s.is_some() => "on hold (request clarified, never amended)".into(),
        None => "on hold (request clarified, not amended yet)".into(),
    }
}

/// The time standard the scenario gives an expectation: its inject's `within`, its request's
/// reply `within`, or for an amendment its clarification's `clarifies`.
fn within(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> Option<Secs> {
    let team = scenario.team_ix(&e.team)?;
    if let Some(inject) = &e.inject {
        // `INJECT.NAME@TEAM`: the name is the action's id, or `decision`.
        let name =
            e.id.strip_prefix(inject.as_str())?
                .strip_prefix('.')?
                .rsplit_once('@')?
                .0;
        let inject = scenario.inject(scenario.inject_ix(inject)?);
        return inject
            .expect
            .iter()
            .find(|x| x.name(scenario) == name && x.by.contains(&team))
            .map(|x| x.within);
    }
    let n = e.message?;
    let message = report.messages.iter().find(|m| m.n == n)?;
    let action = scenario.action(scenario.action_ix(message.action.as_deref()?)?);
    action
        .clarifies
        .or_else(|| Some(action.message.as_ref()?.reply.as_ref()?.within))
}

/// The time allowed and where its standard comes from: "2h, Playbook 4.1". A reply whose
/// request was clarified and then amended was allowed more than its standard, counted from the
/// first delivery: "6h (4h from the complete request), MLAA Art. 12"; a held one has only its
/// standard.
fn standard(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> String {
    let mut text = allowed(report, scenario, e);
    if let Some(Some(basis)) = &e.basis {
        text.push_str(", ");
        text.push_str(basis);
    }
    text
}

/// The time standard in a sentence, its basis in brackets: "4 h (ABCCA Art. 9)".
fn standard_words(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> String {
    let allowed = allowed(report, scenario, e);
    match &e.basis {
        Some(Some(basis)) if allowed.contains('(') => format!("{allowed}, {basis}"),
        Some(Some(basis)) => format!("{allowed} ({basis})"),
        _ => allowed,
    }
}

/// The time a task was allowed, from its standard and its request's clarifications.
fn allowed(report: &Report, scenario: &Scenario, e: &ExpectationReport) -> String {
    let within = within(report, scenario, e);
    match e.due_at_s {
        Some(due) => {
            let allowed = due.saturating_sub(e.released_at_s);
            match within {
                Some(w) if w < allowed => format!(
                    "{} ({} from the complete request)",
                    duration(allowed),
                    duration(w)
                ),
                _ => duration(allowed),
            }
        }
        None => within.map_or_else(
            || "—".into(),
            |w| format!("{} from a complete request", duration(w)),
        ),
    }
}

/// An area for improvement with the bases of the critical tasks it is drawn from as its
/// reference: "… (reference: Playbook 4.1)".
fn with_references(report: &Report, item: &PlanItemReport, text: String) -> String {
    let mut bases: Vec<&str> = Vec::new();
    for id in item.evidence.iter().filter_map(|e| e.as_str()) {
        let basis = report
            .teams
            .iter()
            .flat_map(|t| &t.expectations)
            .find(|e| e.id == id)
            .and_then(|e| e.basis.as_ref()?.as_deref());
        if let Some(basis) = basis
            && !bases.contains(&basis)
        {
            bases.push(basis);
        }
    }
    if bases.is_empty() {
        text
    } else {
        format!("{text} (reference: {})", bases.join("; "))
    }
}

/// An area for improvement with the root cause the debrief found: "…. Root cause: …".
fn with_root_cause(item: &PlanItemReport, text: String) -> String {
    match &item.root_cause {
        Some(cause) => format!(
            "{}. Root cause: {}",
            text.trim_end().trim_end_matches('.'),
            cause.replace('\n', " ")
        ),
        None => text,
    }
}

/// An inject's MSEL number and method, when given: " (#101 · phone call)".
pub(super) fn inject_tag(inject: &InjectReport) -> String {
    let parts: Vec<String> = [
        inject.reference.clone().flatten().map(|r| format!("#{r}")),
        inject.method.clone().flatten(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(" · "))
    }
}

/// Why an inject was skipped: its chance, or its `unless` with what had happened.
fn skip_reason(inject: &InjectReport, scenario: &Scenario) -> String {
    let unless = scenario
        .inject_ix(&inject.id)
        .and_then(|ix| scenario.inject(ix).unless.as_ref());
    match (inject.skipped_by, unless) {
        (Some("unless"), Some(trigger)) => format!("unless: {}", happened(trigger, scenario)),
        (Some("unless"), None) => "unless".into(),
        _ => "its chance did not come up".into(),
    }
}

/// What an `unless` trigger says had happened: "breach.rfa was incomplete".
fn happened(trigger: &Trigger, scenario: &Scenario) -> String {
    let expectation = |r: &crate::scenario::ExpectationRef| {
        let inject = scenario.inject(r.inject);
        let name = inject
            .expect
            .get(r.expectation)
            .map_or("?", |e| e.name(scenario));
        let team = r
            .team
            .map(|t| format!("@{}", scenario.team(t).id))
            .unwrap_or_default();
        format!("{}.{name}{team}", inject.id)
    };
    match trigger {
        Trigger::Released(i) => format!("{} had been released", scenario.inject(*i).id),
        Trigger::Met(r) => format!("{} was met", expectation(r)),
        Trigger::Missed(r) => format!("{} was missed", expectation(r)),
        Trigger::Incomplete(r) => format!("{} was incomplete", expectation(r)),
        Trigger::Taken { action, team } => {
            let by = team
                .map(|t| format!(" by {}", scenario.team(t).id))
                .unwrap_or_default();
            format!("{} had been taken{by}", scenario.action(*action).id)
        }
        // Never an `unless` (a load error), named plainly all the same.
        Trigger::At(at) => format!("at {}", duration(*at)),
        Trigger::Manual => "by hand".into(),
    }
}

/// Each request with its round trips, and what the clarifications cost (format 3). Every
/// request is listed, those complete as first sent too: the reader sees which went through.
fn requests(report: &Report, scenario: &Scenario) -> Option<RequestsPart> {
    let requests = report.requests.as_ref()?;
    let clarified = requests
        .iter()
        .filter(|r| !r.clarifications.is_empty())
        .count();
    let lost: Secs = requests
        .iter()
        .filter_map(|r| r.complete_at_s.map(|c| c.saturating_sub(r.sent_at_s)))
        .sum();
    let never = requests
        .iter()
        .filter(|r| r.complete_at_s.is_none())
        .count();
    let mut summary = format!(
        "{} {}, {clarified} clarified at least once; time lost to incomplete requests: {}",
        requests.len(),
        if requests.len() == 1 {
            "request"
        } else {
            "requests"
        },
        duration(lost)
    );
    if never > 0 {
        summary.push_str(&format!(
            " (not counting {never} never complete{})",
            if report.ended_at_s.is_some() {
                ""
            } else {
                " yet"
            }
        ));
    }
    summary.push('.');
    Some(RequestsPart {
        summary,
        paragraphs: requests
            .iter()
            .map(|r| request_paragraph(report, scenario, r))
            .collect(),
    })
}

/// "Request 1, Send a request for assistance (rfa), from … to …: first sent at 30m; clarified
/// at 1h (message 2: legal_basis found insufficient — “…”), amended at 1h30m (message 4);
/// …; complete at 2h30m; answered at 5h. Time lost to incomplete requests: 2h."
fn request_paragraph(report: &Report, scenario: &Scenario, r: &RequestReport) -> (String, String) {
    let ended = report.ended_at_s.is_some();
    let reply = report
        .teams
        .iter()
        .flat_map(|t| &t.expectations)
        .find(|e| e.message == Some(r.message) && e.team == r.to);
    let mut parts = vec![format!("first sent at {}", duration(r.sent_at_s))];
    for (round, (clarification, (asked_at, amended_at))) in
        r.clarifications.iter().zip(&r.round_trips).enumerate()
    {
        let mut text = format!(
            "clarified{} at {}",
            if round == 0 { "" } else { " again" },
            duration(*asked_at)
        );
        // Rule 34: a clarification after the reply's deadline holds nothing.
        if reply
            .and_then(|e| e.due_at_s)
            .is_some_and(|due| *asked_at > due)
        {
            text.push_str(", after the reply's deadline");
        }
        let response = report
            .messages
            .iter()
            .find(|m| m.n == *clarification)
            .and_then(|m| Some((m, report.responses.numbered(m.response?)?)));
        let mut what = vec![format!("message {clarification}")];
        if let Some((message, response)) = response {
            if let Some(clarifies) = &response.clarifies {
                what[0].push_str(&format!(
                    ": {} found insufficient",
                    clarifies.fields.join(", ")
                ));
            }
            if let Some(note) = message.text.as_ref().or(response.note.as_ref()) {
                what.push(format!("“{}”", note.trim()));
            }
        }
        text.push_str(&format!(" ({})", what.join(" — ")));
        match (r.amendments.get(round), amended_at) {
            (Some(k), Some(at)) => {
                text.push_str(&format!(", amended at {} (message {k})", duration(*at)));
            }
            _ if ended => text.push_str(", never amended"),
            _ => text.push_str(", not amended yet"),
        }
        parts.push(text);
    }
    match r.complete_at_s {
        Some(_) if r.clarifications.is_empty() => parts[0].push_str(", complete as sent"),
        Some(at) => parts.push(format!("complete at {}", duration(at))),
        None if ended => parts.push("never complete".into()),
        None => parts.push("not complete yet".into()),
    }
    parts.push(match (r.replied_at_s, reply) {
        (Some(at), Some(e)) if e.status != crate::engine::Status::Met => {
            format!("answered at {} ({})", duration(at), status_words(e.status))
        }
        (Some(at), _) => format!("answered at {}", duration(at)),
        (None, Some(e)) if e.due_at_s.is_none() && ended => {
            "not answered: the reply stayed on hold to the end".into()
        }
        (None, Some(e)) if e.due_at_s.is_none() => "not answered: the reply is on hold".into(),
        (None, _) if ended => "never answered".into(),
        (None, _) => "not answered yet".into(),
    });
    let lost = match r.complete_at_s {
        Some(at) if at > r.sent_at_s => duration(at - r.sent_at_s),
        Some(_) => "none".into(),
        None if ended => "the request was never complete".into(),
        None => "the request is not complete yet".into(),
    };
    (
        format!(
            "Request {}, {}, from {} to {}",
            r.message,
            action_label(scenario, &r.action),
            team_name(scenario, &r.from),
            team_name(scenario, &r.to),
        ),
        format!(
            "{}. Time lost to incomplete requests: {lost}.",
            parts.join("; ")
        ),
    )
}

/// Every judgement in the journal's order; a take-back shown as such (format 3).
fn judgements(report: &Report, scenario: &Scenario) -> Option<Table> {
    let judgements = report.judgements.as_ref()?;
    let task = |id: &str| {
        report
            .teams
            .iter()
            .flat_map(|t| &t.expectations)
            .find(|e| e.id == id)
            .map_or_else(
                || id.to_string(),
                |e| format!("{} ({id})", task_name(e, scenario)),
            )
    };
    Some(Table {
        head: head(&["At", "Expectation", "Found insufficient", "Reason", "By"]),
        rows: judgements
            .iter()
            .map(|j| {
                vec![
                    duration(j.at_s),
                    task(&j.expectation),
                    if j.insufficient.is_empty() {
                        "none: takes back the earlier judgement".into()
                    } else {
                        j.insufficient.join(", ")
                    },
                    j.reason.clone().unwrap_or_default(),
                    j.by.clone(),
                ]
            })
            .collect(),
    })
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::Exercise;

    const SCENARIO: &str = include_str!("../../tests/fixtures/format-3/scenario.ron");
    const SCRIPT: &str = include_str!("../../tests/fixtures/format-3/script.ron");

    /// The worked case of format 3 (tests/fixtures/format-3) played by its script, as it
    /// stood at `until` (`Secs::MAX`: to the end, with the judgement after it): a journal's
    /// events up to then, replayed.
    pub fn worked_case(until: Secs) -> Exercise {
        played_sources_until(SCENARIO, SCRIPT, until)
    }

    /// A scenario played by a script to its end.
    pub fn played_case(scenario: &str, script: &str) -> Exercise {
        played_sources_until(scenario, script, Secs::MAX)
    }

    /// A scenario's and a script's text loaded, and played to `until`; a mistake in either
    /// panics with its diagnostics.
    fn played_sources_until(scenario: &str, script: &str, until: Secs) -> Exercise {
        fn shown<T>(diagnostics: Vec<crate::ron_file::diagnostic::Diagnostic>) -> T {
            let shown: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
            panic!("{}", shown.join("\n"))
        }
        let scenario = Arc::new(
            crate::scenario::load_scenario("scenario.ron", scenario).unwrap_or_else(shown),
        );
        let script = crate::script::load_script("script.ron", script).unwrap_or_else(shown);
        played_until(scenario, &script, until)
    }

    fn played_until(
        scenario: Arc<Scenario>,
        script: &crate::script::Script,
        until: Secs,
    ) -> Exercise {
        let (exercise, events) = crate::play::play(Arc::clone(&scenario), script, "script.ron")
            .unwrap_or_else(|e| panic!("the script plays: {e}"));
        if until == Secs::MAX {
            return exercise;
        }
        let settings = crate::play::settings_for(&scenario, script);
        Exercise::replay(
            scenario,
            settings,
            events.iter().filter(|e| e.at() <= until),
        )
        .unwrap_or_else(|e| panic!("the events replay: {e}"))
    }

    #[test]
    fn durations_are_written_as_people_write_them() {
        for (secs, text) in [
            (0, "0 min"),
            (40, "40 s"),
            (45 * 60, "45 min"),
            (3600, "1 h"),
            (5820, "1 h 37 min"),
            // 1d2h14m58s: to the nearest minute, in hours below two days.
            (94498, "26 h 15 min"),
            (2 * 86400, "2 d"),
            (2 * 86400 + 3 * 3600, "2 d 3 h"),
            (3 * 86400 + 4 * 3600 + 600, "3 d 4 h 10 min"),
        ] {
            assert_eq!(duration(secs), text, "{secs} s");
        }
        assert_eq!(status_words(Status::NotDue), "not yet due");
        assert_eq!(status_words(Status::Met), "met");
    }

    fn task_row<'a>(aar: &'a Aar, id: &str) -> &'a Vec<String> {
        aar.objectives[0]
            .tasks
            .rows
            .iter()
            .find(|row| row[0].ends_with(&format!("({id})")))
            .unwrap_or_else(|| panic!("no critical task {id}"))
    }

    #[test]
    fn each_request_tells_its_round_trips_and_the_time_lost() {
        let exercise = worked_case(Secs::MAX);
        let aar = build(&Report::of(&exercise), exercise.scenario());
        let requests = aar.requests.expect("a format 3 report has its requests");
        assert_eq!(
            requests.summary,
            "3 requests, 3 clarified at least once; time lost to incomplete requests: 2 h (not \
             counting 2 never complete)."
        );
        let us = "United States — FBI Cyber Division";
        let cn = "China — Ministry of Public Security";
        let rfa = "Send a request for assistance (rfa)";
        let paragraphs: Vec<String> = requests
            .paragraphs
            .iter()
            .map(|(lead, body)| format!("{lead}: {body}"))
            .collect();
        assert_eq!(
            paragraphs,
            [
                format!(
                    "Request 1, {rfa}, from {us} to {cn}: first sent at 30 min; clarified at 1 h \
                     (message 2: legal_basis found insufficient — “Which article of the treaty \
                     covers stored data?”), amended at 1 h 30 min (message 4); clarified again at 2 h \
                     (message 5: indicators found insufficient — “The annex did not arrive: put \
                     the addresses and times in the request”), amended at 2 h 30 min (message 7); \
                     complete at 2 h 30 min; answered at 5 h. Time lost to incomplete requests: 2 h."
                ),
                format!(
                    "Request 3, {rfa}, from {cn} to {us}: first sent at 1 h 20 min; clarified at \
                     5 h 40 min, after the reply's deadline (message 10: indicators found \
                     insufficient — “One address and no times: which indicators?”), never \
                     amended; never complete; answered at 6 h 20 min (late). Time lost to incomplete \
                     requests: the request was never complete."
                ),
                format!(
                    "Request 6, {rfa}, from {us} to {cn}: first sent at 2 h 10 min; clarified at 3 h \
                     (message 8: summary found insufficient — “Which systems, and since \
                     when?”), never amended; never complete; not answered: the reply stayed on \
                     hold to the end. Time lost to incomplete requests: the request was never \
                     complete."
                ),
            ]
        );
    }

    #[test]
    fn critical_tasks_and_their_areas_for_improvement_name_the_basis() {
        let exercise = worked_case(Secs::MAX);
        let aar = build(&Report::of(&exercise), exercise.scenario());
        // Columns: task, team, released, deadline, done, latency / standard, status, missing.
        assert_eq!(
            task_row(&aar, "breach.rfa@us")[5],
            "30 min / 2 h, Playbook 4.1"
        );
        assert_eq!(
            task_row(&aar, "msg-3.rfa-reply@us")[5],
            "5 h / 4 h, MLAA Art. 12"
        );
        // Held from 1 h to 1 h 30 min and from 2 h to 2 h 30 min: its deadline moved to 2 h 30 min + 4 h.
        let moved = task_row(&aar, "msg-1.rfa-reply@cn");
        assert_eq!(
            (moved[3].as_str(), moved[5].as_str()),
            (
                "6 h 30 min",
                "4 h 30 min / 6 h (4 h from the complete request), MLAA Art. 12"
            )
        );
        let held = task_row(&aar, "msg-6.rfa-reply@cn");
        assert_eq!(
            (held[3].as_str(), held[5].as_str()),
            (
                "on hold (request clarified, never amended)",
                "— / 4 h from a complete request, MLAA Art. 12"
            )
        );
        // No basis, no reference: the tasks of format 2 keep their look.
        assert_eq!(task_row(&aar, "mirror.rfa@cn")[5], "20 min / 1 h");
        assert_eq!(
            aar.objectives[0].improvements,
            [
                "Send a request for assistance (United States — FBI Cyber Division): \
                 incomplete, without legal basis (reference: Playbook 4.1)",
                "Reply to a request for assistance (United States — FBI Cyber Division): late \
                 by 1 h, without contact (reference: MLAA Art. 12)",
                "Send a request for assistance (China — Ministry of Public Security): \
                 incomplete, without legal basis",
            ]
        );
        // The amendments' basis is the clarify action's.
        let amendments = &aar.plan.rows[3][1];
        assert!(
            amendments.ends_with("(reference: MLAA Art. 9)") && !amendments.contains('@'),
            "{amendments}"
        );
        // The plan's ids, for `ttx debrief edit`, are in the technical appendix only.
        assert_eq!(aar.plan_ids.rows[3][0], "general/rfa@us");
    }

    #[test]
    fn a_reply_held_while_the_exercise_runs_waits_for_the_amendment() {
        let exercise = worked_case(3 * 3600);
        let report = Report::of(&exercise);
        let aar = build(&report, exercise.scenario());
        let held = task_row(&aar, "msg-6.rfa-reply@cn");
        assert_eq!(held[3], "on hold (request clarified, not amended yet)");
        let request = aar.requests.expect("requests").paragraphs[2].1.clone();
        assert!(
            request.ends_with(
                "not amended yet; not complete yet; not answered: the reply is on hold. Time \
                 lost to incomplete requests: the request is not complete yet."
            ),
            "{request}"
        );
        let team = aar.teams.iter().find(|t| t.heading.ends_with("(cn)"));
        let row = team
            .expect("cn")
            .expectations
            .rows
            .iter()
            .find(|row| row[0].ends_with("(msg-6.rfa-reply@cn)"))
            .expect("the held reply");
        assert_eq!(row[2], "on hold (request clarified, not amended yet)");
    }

    #[test]
    fn what_was_sent_marks_the_fields_found_insufficient_and_by_whom() {
        let exercise = worked_case(Secs::MAX);
        let aar = build(&Report::of(&exercise), exercise.scenario());
        // China's request of 1 h 20 min (response 4): found insufficient by the US, then judged.
        let mirror = &aar.responses[4];
        assert!(
            mirror.text.starts_with("1 h 20 min — China"),
            "{}",
            mirror.text
        );
        assert!(
            mirror.details.contains(
                &"indicators: 198.51.100.23 — found insufficient by United States — FBI Cyber \
              Division (message 10)"
                    .to_string()
            )
        );
        assert!(mirror.details.contains(
            &"legal_basis: MLAA Art. 3 — found insufficient by the evaluator: Article 3 does not \
              cover the data asked for"
                .to_string()
        ));
        // A clarification says what it found and is no unexpected action (rule 27).
        let clarification = &aar.responses[2];
        assert_eq!(
            clarification.details,
            [
                "Answers message 1",
                "Asks for clarification of message 1: legal_basis found insufficient",
                "Note: Which article of the treaty covers stored data?",
                "A clarification that no inject asked for: not scored",
            ]
        );
        // The reply's judgement was taken back: nothing marked on it.
        let reply = &aar.responses[10];
        assert!(
            reply.details.iter().all(|d| !d.contains("insufficient")),
            "{:?}",
            reply.details
        );
        let judgements = aar.judgements.expect("judgements");
        assert_eq!(
            judgements.rows[1],
            [
                "6 h",
                "Reply to a request for assistance (msg-1.rfa-reply@cn)",
                "none: takes back the earlier judgement",
                "The records came by courier",
                "script",
            ]
        );
    }

    #[test]
    fn the_timeline_shows_ref_and_method_and_why_an_inject_was_skipped() {
        let exercise = worked_case(Secs::MAX);
        let aar = build(&Report::of(&exercise), exercise.scenario());
        let events: Vec<&str> = aar.timeline.rows.iter().map(|r| r[1].as_str()).collect();
        for line in [
            "Inject “Personnel files stolen” (#101 · phone call) released to United States — \
             FBI Cyber Division",
            "Inject “The request is not enough” (#102 · e-mail) released to United States — FBI \
             Cyber Division",
            "Inject “A command server in Ohio” released to China — Ministry of Public Security",
            "Inject “The minister thanks you” skipped (unless: breach.rfa was incomplete)",
        ] {
            assert!(events.contains(&line), "{line} in {events:#?}");
        }
    }
}
