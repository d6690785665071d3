//! The HTML report's charts as inline SVG (no script, no network): the timeline with a lane
//! per team, each critical task's latency against its time standard, and the ratings matrix.
//! Every text is escaped; sizes are in the viewBox, so a chart scales to the page or the phone.

use std::fmt::Write as _;

use crate::debrief::evaluation::Rating;
use crate::engine::Status;
use crate::html::escape;
use crate::report::people::{inject_tag, task_name};
use crate::report::{ExpectationReport, Report};
use crate::scenario::{Scenario, Secs, format_secs};

const WIDTH: f64 = 900.0;
const LABEL: f64 = 230.0;
const PLOT: f64 = WIDTH - LABEL - 20.0;

/// A label cut to fit its column.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Tick spacing for a span: about six ticks on round scenario times.
fn tick_step(span: Secs) -> Secs {
    const STEPS: [Secs; 11] = [
        60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ];
    STEPS
        .into_iter()
        .find(|step| span / step <= 8)
        .unwrap_or(86400 * (span / (86400 * 8) + 1))
}

fn axis(out: &mut String, span: Secs, top: f64, bottom: f64) {
    let x = |at: Secs| LABEL + PLOT * at as f64 / span as f64;
    let step = tick_step(span);
    let mut at = 0;
    while at <= span {
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{top:.1}\" x2=\"{0:.1}\" y2=\"{bottom:.1}\" class=\"grid\"/>\
             <text x=\"{0:.1}\" y=\"{1:.1}\" class=\"tick\">{2}</text>",
            x(at),
            bottom + 14.0,
            format_secs(at)
        );
        at += step;
    }
}

/// The timeline: a lane per team; injects released to it (triangles), its deadlines (red
/// ticks), what it did (dots: green met, amber late or incomplete, grey unexpected).
pub(super) fn timeline(report: &Report, scenario: &Scenario) -> String {
    let span = report
        .ended_at_s
        .into_iter()
        .chain(report.injects.iter().filter_map(|i| i.released_at_s))
        .chain(
            report
                .teams
                .iter()
                .flat_map(|t| &t.expectations)
                .flat_map(|e| [e.due_at_s, e.done_at_s])
                .flatten(),
        )
        .max()
        .unwrap_or(0)
        .max(60);
    let lane = 44.0;
    let top = 10.0;
    let height = top + lane * report.teams.len() as f64 + 50.0;
    let x = |at: Secs| LABEL + PLOT * at as f64 / span as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" \
         aria-label=\"Timeline, one lane per team\"><title>Timeline, one lane per team</title>"
    );
    let bottom = top + lane * report.teams.len() as f64;
    axis(&mut out, span, top, bottom);
    for (row, team) in report.teams.iter().enumerate() {
        let y = top + lane * row as f64 + lane / 2.0;
        let _ = write!(
            out,
            "<line x1=\"{LABEL}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" class=\"lane\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{}</text>",
            LABEL + PLOT,
            LABEL - 8.0,
            y + 4.0,
            escape(&short(&team.name, 26))
        );
        for inject in &report.injects {
            let Some(at) = inject.released_at_s else {
                continue;
            };
            let to_team = scenario.inject_ix(&inject.id).is_some_and(|ix| {
                scenario
                    .inject(ix)
                    .to
                    .iter()
                    .any(|t| scenario.team(*t).id == team.id)
            });
            if to_team {
                let (cx, cy) = (x(at), y - 12.0);
                let _ = write!(
                    out,
                    "<path d=\"M{:.1} {:.1}l5 -8h-10z\" class=\"inject\"><title>{} released at {}</title></path>",
                    cx,
                    cy + 4.0,
                    escape(&format!("Inject {}{}", inject.id, inject_tag(inject))),
                    format_secs(at)
                );
            }
        }
        for e in &team.expectations {
            // A held reply has no deadline to mark.
            if let Some(due) = e.due_at_s {
                let _ = write!(
                    out,
                    "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" class=\"deadline\"><title>{3} due {4}</title></line>",
                    x(due),
                    y - 7.0,
                    y + 7.0,
                    escape(&e.id),
                    format_secs(due)
                );
            }
            if let Some(done) = e.done_at_s {
                let class = if e.status == Status::Met {
                    "met"
                } else {
                    "short"
                };
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" class=\"{class}\"><title>{} {} at {}</title></circle>",
                    x(done),
                    y + 10.0,
                    escape(&e.id),
                    e.status.as_str(),
                    format_secs(done)
                );
            }
        }
        for u in report.unexpected.iter().filter(|u| u.team == team.id) {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" class=\"unexpected\"><title>unexpected {} at {}</title></circle>",
                x(u.at_s),
                y + 10.0,
                escape(&u.action),
                format_secs(u.at_s)
            );
        }
    }
    let ly = height - 12.0;
    let _ = write!(
        out,
        "<g class=\"legend\"><path d=\"M{0} {1}l5 -8h-10z\" class=\"inject\"/><text x=\"{2}\" y=\"{1}\">inject released</text>\
         <line x1=\"{3}\" y1=\"{4}\" x2=\"{3}\" y2=\"{1}\" class=\"deadline\"/><text x=\"{5}\" y=\"{1}\">deadline</text>\
         <circle cx=\"{6}\" cy=\"{7}\" r=\"4.5\" class=\"met\"/><text x=\"{8}\" y=\"{1}\">met</text>\
         <circle cx=\"{9}\" cy=\"{7}\" r=\"4.5\" class=\"short\"/><text x=\"{10}\" y=\"{1}\">late or incomplete</text>\
         <circle cx=\"{11}\" cy=\"{7}\" r=\"3.5\" class=\"unexpected\"/><text x=\"{12}\" y=\"{1}\">unexpected</text></g>",
        LABEL + 5.0,
        ly,
        LABEL + 14.0,
        LABEL + 130.0,
        ly - 12.0,
        LABEL + 138.0,
        LABEL + 220.0,
        ly - 4.0,
        LABEL + 230.0,
        LABEL + 280.0,
        LABEL + 290.0,
        LABEL + 430.0,
        LABEL + 440.0,
    );
    out.push_str("</svg>");
    out
}

/// Each critical task's latency (bar) against its time standard (the black mark); a task not
/// done is drawn red to the end of the exercise. `None` without critical tasks.
pub(super) fn latencies(report: &Report, scenario: &Scenario) -> Option<String> {
    let tasks: Vec<&ExpectationReport> = report
        .teams
        .iter()
        .flat_map(|t| &t.expectations)
        .filter(|e| e.objective.is_some() && e.status != Status::NotDue)
        .collect();
    if tasks.is_empty() {
        return None;
    }
    let end = report.ended_at_s;
    let taken = |e: &ExpectationReport| {
        e.latency_s
            .or_else(|| end.map(|end| end.saturating_sub(e.released_at_s)))
            .unwrap_or(0)
    };
    // A held reply has no deadline, so no time allowed to mark.
    let standard =
        |e: &ExpectationReport| e.due_at_s.map(|due| due.saturating_sub(e.released_at_s));
    let span = tasks
        .iter()
        .map(|e| taken(e).max(standard(e).unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(60);
    let row = 24.0;
    let top = 6.0;
    let bottom = top + row * tasks.len() as f64;
    let height = bottom + 26.0;
    let x = |at: Secs| LABEL + PLOT * at as f64 / span as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" \
         aria-label=\"Latency of each critical task against its time standard\">\
         <title>Latency of each critical task against its time standard</title>"
    );
    axis(&mut out, span, top, bottom);
    for (i, e) in tasks.iter().enumerate() {
        let y = top + row * i as f64;
        let class = match e.status {
            Status::Met => "met",
            Status::Missed | Status::Overdue => "missed",
            Status::Open => "open",
            Status::Incomplete | Status::Late | Status::NotDue => "short",
        };
        let label = format!("{} — {}", task_name(e, scenario), e.team);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"{class}\">\
             <title>{}: {} against {} ({})</title></rect>",
            LABEL - 8.0,
            y + row * 0.65,
            escape(&short(&label, 32)),
            y + 3.0,
            (x(taken(e)) - LABEL).max(1.0),
            row - 8.0,
            escape(&e.id),
            e.latency_s.map_or_else(|| "not done".into(), format_secs),
            standard(e).map_or_else(|| "no deadline (on hold)".into(), format_secs),
            e.status.as_str(),
        );
        // The time standard's mark, drawn over the bar.
        if let Some(standard) = standard(e) {
            let _ = write!(
                out,
                "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" class=\"standard\"/>",
                x(standard),
                y + 1.0,
                y + row - 3.0
            );
        }
    }
    out.push_str("</svg>");
    Some(out)
}

/// The ratings matrix: objectives by team and jointly, each cell the final rating (bold) or
/// the suggestion (light, "?"), coloured by HSEEP's scale.
pub(super) fn ratings(report: &Report, scenario: &Scenario) -> String {
    let mut columns: Vec<(Option<&str>, &str)> = scenario
        .teams
        .iter()
        .map(|t| (Some(t.id.as_str()), t.name.as_str()))
        .collect();
    columns.push((None, "Jointly"));
    let cell_w = ((WIDTH - 260.0) / columns.len() as f64).min(160.0);
    let row = 34.0;
    let top = 34.0;
    let height = top + row * scenario.objectives.len() as f64 + 6.0;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" \
         aria-label=\"Ratings matrix\"><title>Ratings matrix</title>"
    );
    for (c, (_, name)) in columns.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"22\" class=\"head\">{}</text>",
            260.0 + cell_w * c as f64 + cell_w / 2.0,
            escape(&short(name, (cell_w / 8.0) as usize))
        );
    }
    for (r, objective) in scenario.objectives.iter().enumerate() {
        let y = top + row * r as f64;
        let _ = write!(
            out,
            "<text x=\"250\" y=\"{:.1}\" class=\"label\">{}</text>",
            y + row / 2.0 + 4.0,
            escape(&short(&objective.name, 34))
        );
        for (c, (team, _)) in columns.iter().enumerate() {
            let found = report
                .ratings
                .iter()
                .find(|x| x.objective == objective.id && x.team.as_deref() == *team);
            let (class, text) = match found {
                Some(x) => match (x.rating, x.suggested) {
                    (Some(rating), _) => (rating_class(rating, true), rating.code().to_string()),
                    (None, Some(s)) => (rating_class(s, false), format!("{}?", s.code())),
                    (None, None) => ("r-none".to_string(), "not rated".into()),
                },
                None => ("r-none".to_string(), "—".into()),
            };
            let x = 260.0 + cell_w * c as f64;
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"{class}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"cell\">{}</text>",
                x + 2.0,
                y + 2.0,
                cell_w - 4.0,
                row - 4.0,
                x + cell_w / 2.0,
                y + row / 2.0 + 5.0,
                escape(&text)
            );
        }
    }
    out.push_str("</svg>");
    out
}

fn rating_class(rating: Rating, given: bool) -> String {
    let code = rating.code().to_ascii_lowercase();
    if given {
        format!("r-{code}")
    } else {
        format!("r-{code} suggested")
    }
}
