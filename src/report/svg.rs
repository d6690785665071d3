//! The HTML report's charts as inline SVG (no script, no network): the timeline with a lane
//! per team, each critical task's latency against its time standard, and the ratings matrix.
//! Every text is escaped; sizes are in the viewBox, so a chart scales to the page or the phone.

use std::fmt::Write as _;

use crate::debrief::evaluation::Rating;
use crate::engine::Status;
use crate::html::escape;
use crate::report::people::{duration, inject_tag, status_words, task_name};
use crate::report::{ExpectationReport, Report};
use crate::scenario::{Scenario, Secs};

const WIDTH: f64 = 900.0;
const LABEL: f64 = 260.0;
const PLOT: f64 = WIDTH - LABEL - 30.0;
/// The distance between the lines of a label.
const LINE: f64 = 14.0;
/// How many characters of a 12px label fit in the label column.
const LABEL_CHARS: usize = 38;

/// A label cut into lines of at most `max` characters at spaces, a longer word split: a label
/// is wrapped, never cut short.
fn wrap(text: &str, max: usize) -> Vec<String> {
    // A word is split into pieces of at least one character, however narrow the column.
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..max).collect());
        }
        let word: String = word.into_iter().collect();
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A label of several lines, its lines centred on `middle`.
fn label(out: &mut String, x: f64, middle: f64, lines: &[String], class: &str) {
    let first = middle + 4.0 - LINE * (lines.len() as f64 - 1.0) / 2.0;
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{first:.1}\" class=\"{class}\">"
    );
    for (n, line) in lines.iter().enumerate() {
        let dy = if n == 0 { 0.0 } else { LINE };
        let _ = write!(
            out,
            "<tspan x=\"{x:.1}\" dy=\"{dy:.0}\">{}</tspan>",
            escape(line)
        );
    }
    out.push_str("</text>");
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

/// A vertical grid line at `x` from `top` to `bottom`, labelled under the plot.
fn grid_line(out: &mut String, x: f64, top: f64, bottom: f64, label: &str) {
    let _ = write!(
        out,
        "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" class=\"grid\"/>\
         <text x=\"{x:.1}\" y=\"{:.1}\" class=\"tick\">{label}</text>",
        bottom + 14.0
    );
}

fn axis(out: &mut String, span: Secs, top: f64, bottom: f64) {
    let x = |at: Secs| LABEL + PLOT * at as f64 / span as f64;
    let step = tick_step(span);
    let mut at = 0;
    while at <= span {
        grid_line(out, x(at), top, bottom, &duration(at));
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
    let names: Vec<Vec<String>> = report
        .teams
        .iter()
        .map(|t| wrap(&t.name, LABEL_CHARS))
        .collect();
    // Every lane tall enough for the longest team name.
    let lane = names
        .iter()
        .map(|n| LINE * n.len() as f64 + 12.0)
        .fold(44.0, f64::max);
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
            "<line x1=\"{LABEL}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" class=\"lane\"/>",
            LABEL + PLOT,
        );
        label(&mut out, LABEL - 8.0, y, &names[row], "label");
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
                    duration(at)
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
                    duration(due)
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
                    status_words(e.status),
                    duration(done)
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
                duration(u.at_s)
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

/// The ticks of the latency chart's scale: round durations from a minute to a week, so that a
/// 15-minute and a 12-hour standard are both read off it.
const LATENCY_TICKS: [Secs; 12] = [
    60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 172800, 345600, 604800,
];

/// Each critical task's latency (bar) against its time standard (the black mark), on a
/// logarithmic scale from a minute, one block of rows per team; a task not done is drawn red to
/// the end of the exercise. `None` without critical tasks.
pub(super) fn latencies(report: &Report, scenario: &Scenario) -> Option<String> {
    let teams: Vec<(String, Vec<&ExpectationReport>)> = report
        .teams
        .iter()
        .map(|t| {
            let tasks = t
                .expectations
                .iter()
                .filter(|e| e.objective.is_some() && e.status != Status::NotDue)
                .collect();
            (t.name.clone(), tasks)
        })
        .filter(|(_, tasks): &(String, Vec<&ExpectationReport>)| !tasks.is_empty())
        .collect();
    if teams.is_empty() {
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
    let longest = teams
        .iter()
        .flat_map(|(_, tasks)| tasks)
        .map(|e| taken(e).max(standard(e).unwrap_or(0)))
        .max()
        .unwrap_or(0);
    // The scale ends at the first tick past the longest time (a week at most, then beyond).
    let last = LATENCY_TICKS
        .into_iter()
        .find(|t| *t >= longest)
        .unwrap_or(longest)
        .max(3600);
    let span = (last as f64 / 60.0).ln();
    let x = |at: Secs| LABEL + PLOT * ((at.max(60) as f64 / 60.0).ln() / span).min(1.0);
    // Rows: a heading per team, then a row per task tall enough for its wrapped name.
    let mut rows: Vec<(Option<&ExpectationReport>, Vec<String>, f64)> = Vec::new();
    for (name, tasks) in &teams {
        let lines = wrap(name, 70);
        let height = LINE * lines.len() as f64 + 10.0;
        rows.push((None, lines, height));
        for e in tasks {
            let lines = wrap(&task_name(e, scenario), LABEL_CHARS);
            let height = (LINE * lines.len() as f64 + 8.0).max(24.0);
            rows.push((Some(e), lines, height));
        }
    }
    let top = 6.0;
    let bottom = top + rows.iter().map(|(_, _, h)| h).sum::<f64>();
    let height = bottom + 30.0;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" \
         aria-label=\"Latency of each critical task against its time standard\">\
         <title>Latency of each critical task against its time standard</title>"
    );
    for tick in LATENCY_TICKS.into_iter().filter(|t| *t <= last) {
        grid_line(&mut out, x(tick), top, bottom, &duration(tick));
    }
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">time taken (logarithmic scale); the black \
         mark is the time standard</text>",
        LABEL + PLOT / 2.0,
        bottom + 28.0
    );
    let mut y = top;
    for (task, lines, row) in &rows {
        let Some(e) = task else {
            label(&mut out, 4.0, y + row / 2.0, lines, "team");
            y += row;
            continue;
        };
        let class = match e.status {
            Status::Met => "met",
            Status::Missed | Status::Overdue => "missed",
            Status::Open => "open",
            Status::Incomplete | Status::Late | Status::NotDue => "short",
        };
        label(&mut out, LABEL - 8.0, y + row / 2.0, lines, "label");
        let bar = (row - 8.0).min(16.0);
        let _ = write!(
            out,
            "<rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar:.1}\" class=\"{class}\">\
             <title>{}: {} against {} ({})</title></rect>",
            y + (row - bar) / 2.0,
            (x(taken(e)) - LABEL).max(2.0),
            escape(&e.id),
            e.latency_s.map_or_else(|| "not done".into(), duration),
            standard(e).map_or_else(|| "no deadline (on hold)".into(), duration),
            status_words(e.status),
        );
        // The time standard's mark, drawn over the bar.
        if let Some(standard) = standard(e) {
            let _ = write!(
                out,
                "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" class=\"standard\"/>",
                x(standard),
                y + (row - bar) / 2.0 - 3.0,
                y + (row + bar) / 2.0 + 3.0
            );
        }
        y += row;
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
    // Headings and objectives wrapped whole: the rows and the heading grow to hold them.
    let heads: Vec<Vec<String>> = columns
        .iter()
        .map(|(_, name)| wrap(name, ((cell_w - 8.0) / 7.0) as usize))
        .collect();
    let objectives: Vec<Vec<String>> = scenario
        .objectives
        .iter()
        .map(|o| wrap(&o.name, LABEL_CHARS - 2))
        .collect();
    let row = objectives
        .iter()
        .map(|lines| LINE * lines.len() as f64 + 8.0)
        .fold(34.0, f64::max);
    let top = heads
        .iter()
        .map(|lines| LINE * lines.len() as f64 + 12.0)
        .fold(34.0, f64::max);
    let height = top + row * scenario.objectives.len() as f64 + 6.0;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" \
         aria-label=\"Ratings matrix\"><title>Ratings matrix</title>"
    );
    for (c, lines) in heads.iter().enumerate() {
        label(
            &mut out,
            260.0 + cell_w * c as f64 + cell_w / 2.0,
            top / 2.0,
            lines,
            "head",
        );
    }
    for (r, objective) in scenario.objectives.iter().enumerate() {
        let y = top + row * r as f64;
        label(&mut out, 250.0, y + row / 2.0, &objectives[r], "label");
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

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn a_label_is_wrapped_at_spaces_and_a_long_word_split_never_lost() {
        assert_eq!(
            wrap("Aldera National Cyber Agency", 12),
            ["Aldera", "National", "Cyber Agency"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        // However narrow the column, every character is drawn and the wrapping ends.
        assert_eq!(wrap("ab c", 0), ["a", "b", "c"]);
    }
}
