//! The after-action report as one self-contained HTML page: semantic tables, a little inline CSS,
//! no script, every text escaped.

use std::fmt::Write as _;

use crate::html::{escape, page_start};
use crate::report::Report;
use crate::report::discussion::{FeedbackPart, discussion_part, distribution_svg, feedback_part};
use crate::report::people::{self, Item, Table};
use crate::report::svg;
use crate::scenario::Scenario;

/// The report's page style, print included; the handbooks share it.
pub const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;margin:0 auto;\
padding:1rem;color:#1a1a1a;line-height:1.45;font-size:15px}\
h1{font-size:1.7rem;margin:.5rem 0}h2{border-bottom:2px solid #1f3b63;color:#1f3b63;\
padding-bottom:.2rem;margin-top:2rem}h3{color:#1f3b63}\
.marking{text-align:center;font-weight:bold;letter-spacing:.05em;color:#8a4b00;margin:.25rem 0}\
.draft{border:2px solid #a00;color:#a00;padding:.4rem .6rem;font-weight:bold;display:inline-block}\
.cover{border-bottom:3px solid #1f3b63;padding-bottom:1rem}\
.scroll{overflow-x:auto;margin:0 0 1.2rem}\
table{border-collapse:collapse;width:100%;max-width:100%}\
th,td{border:1px solid #bbb;padding:.25rem .45rem;text-align:left;vertical-align:top;\
overflow-wrap:break-word}\
table.fixed{table-layout:fixed}\
thead th{background:#e8edf4}table.overview th{width:14rem;background:#f4f6f9}\
td.missed,td.overdue{color:#a00;font-weight:bold}td.late,td.incomplete{color:#a60}\
td.met{color:#070}\
svg.chart{width:100%;height:auto;max-width:900px;display:block;margin:.5rem 0 1rem;\
font-size:12px}\
svg .grid{stroke:#ddd}svg .tick{fill:#555;text-anchor:middle;font-size:11px}\
svg .lane{stroke:#999}svg .label{text-anchor:end;fill:#222}\
svg .team{font-weight:bold;fill:#1f3b63}\
svg .head{text-anchor:middle;font-weight:bold;fill:#222}\
svg .cell{text-anchor:middle;font-weight:bold;fill:#111}\
svg .inject{fill:#1f5fbf}svg .deadline{stroke:#c00;stroke-width:2}\
svg .met{fill:#2e8b3a}svg .short{fill:#e69500}svg .missed{fill:#c62828}\
svg .open{fill:#9aa}svg .unexpected{fill:#888}svg .standard{stroke:#000;stroke-width:2.5}\
svg .legend text{fill:#333}\
svg .r-p{fill:#4caf50}svg .r-s{fill:#c5e1a5}svg .r-m{fill:#ffb74d}svg .r-u{fill:#e57373}\
svg .r-none{fill:#eee}svg .suggested{fill-opacity:.35}\
@media (max-width:40rem){body{font-size:14px;padding:.5rem}svg.chart{min-width:40rem}\
table.overview th{width:auto}}\
@media print{body{max-width:none;font-size:10.5pt;padding:0}\
@page{margin:18mm 14mm}p.marking{display:none}\
@page wide{size:A4 landscape}.wide{page:wide}\
h2{break-before:page}h2,h3{break-after:avoid}\
tr,svg.chart,li{break-inside:avoid}thead{display:table-header-group}\
.scroll{overflow:visible}table{font-size:9.5pt}a{color:inherit}}";

pub fn to_html(report: &Report, scenario: &Scenario) -> String {
    let aar = people::build(report, scenario);
    let title = format!("After-Action Report: {}", aar.title);
    let mut out = page_start(&title, STYLE, aar.handling.as_deref());
    let title = escape(&title);
    let _ = writeln!(
        out,
        "<header class=\"cover\">\n<h1>{title}</h1>\n<p>{}</p>",
        escape(&aar.dates)
    );
    if let Some(signature) = &aar.signature {
        let _ = writeln!(out, "<p class=\"signature\">{}</p>", escape(signature));
    }
    if aar.draft {
        out.push_str("<p class=\"draft\">Draft: not every objective has been rated yet.</p>\n");
    } else if let Some(final_report) = &aar.final_report {
        let _ = writeln!(
            out,
            "<p class=\"final\"><strong>Final:</strong> {}</p>",
            escape(final_report)
        );
    }
    out.push_str("</header>\n");
    section(&mut out, "Exercise Overview");
    overview(&mut out, &aar.overview);
    section(&mut out, "Executive Summary");
    match &aar.executive_summary {
        Some(summary) => {
            for paragraph in summary.split("\n\n") {
                let _ = writeln!(out, "<p>{}</p>", escape(paragraph));
            }
        }
        None if aar.final_report.is_some() => out.push_str("<p>Not written.</p>\n"),
        None => out.push_str("<p>Not written yet.</p>\n"),
    }
    out.push_str("<h3>Major strengths</h3>\n");
    list(&mut out, &aar.top_strengths);
    out.push_str("<h3>Primary areas for improvement</h3>\n");
    list(&mut out, &aar.top_improvements);
    section(&mut out, "Analysis of Core Capabilities");
    chart(&mut out, &svg::ratings(report, scenario));
    table(&mut out, &aar.matrix, None);
    if let Some(latencies) = svg::latencies(report, scenario) {
        out.push_str("<h3>Critical tasks: latency against the time standard</h3>\n");
        chart(&mut out, &latencies);
    }
    for objective in &aar.objectives {
        let _ = writeln!(out, "<section>\n<h3>{}</h3>", escape(&objective.heading));
        for fact in &objective.facts {
            let _ = writeln!(out, "<p>{}</p>", escape(fact));
        }
        out.push_str("<h4>Ratings</h4>\n");
        list(&mut out, &objective.ratings);
        out.push_str("<h4>Critical tasks</h4>\n");
        table(&mut out, &objective.tasks, Some(6));
        if !objective.decisions.is_empty() {
            out.push_str("<h4>Decisions</h4>\n");
            list(&mut out, &objective.decisions);
        }
        out.push_str("<h4>Strengths</h4>\n");
        list(&mut out, &objective.strengths);
        out.push_str("<h4>Areas for improvement</h4>\n");
        list(&mut out, &objective.improvements);
        out.push_str("</section>\n");
    }
    if let Some(requests) = &aar.requests {
        out.push_str("<section>\n<h3>Requests and clarifications</h3>\n");
        let _ = writeln!(out, "<p>{}</p>", escape(&requests.summary));
        for (lead, body) in &requests.paragraphs {
            let _ = writeln!(
                out,
                "<p class=\"request\"><strong>{}:</strong> {}</p>",
                escape(lead),
                escape(body)
            );
        }
        out.push_str("</section>\n");
    }
    if let Some(judgements) = &aar.judgements {
        out.push_str("<h3>Judgements</h3>\n");
        table(&mut out, judgements, None);
    }
    out.push_str("<h3>Scores by team</h3>\n");
    table(&mut out, &aar.summary, None);
    for team in &aar.teams {
        let _ = writeln!(out, "<section>\n<h4>{}</h4>", escape(&team.heading));
        let _ = writeln!(out, "<p>{}</p>", escape(&team.score));
        if !team.objectives.rows.is_empty() {
            table(&mut out, &team.objectives, None);
        }
        table(&mut out, &team.expectations, Some(5));
        out.push_str("</section>\n");
    }
    out.push_str("<h3>Observations: strengths</h3>\n");
    list(&mut out, &aar.strengths);
    out.push_str("<h3>Observations: areas for improvement</h3>\n");
    list(&mut out, &aar.improvements);
    section(&mut out, "What was exchanged");
    if !aar.decisions.rows.is_empty() {
        out.push_str("<h3>Decisions</h3>\n");
        table(&mut out, &aar.decisions, Some(6));
    }
    out.push_str("<h3>Hotline messages</h3>\n");
    items(&mut out, &aar.hotline);
    out.push_str("<h3>Responses</h3>\n");
    items(&mut out, &aar.responses);
    if let Some(discussion) = discussion_part(report, scenario) {
        section(&mut out, "Discussion");
        for module in &discussion.modules {
            let _ = writeln!(out, "<section>\n<h3>{}</h3>", escape(&module.heading));
            if !module.lead.is_empty() {
                let _ = writeln!(
                    out,
                    "<p class=\"lead\"><em>{}</em></p>",
                    escape(&module.lead)
                );
            }
            items(&mut out, &module.questions);
            if !module.observations.is_empty() {
                out.push_str("<h4>Observations while it was current</h4>\n");
                list(&mut out, &module.observations);
            }
            out.push_str("</section>\n");
        }
        out.push_str("<h3>Hot wash</h3>\n");
        if discussion.hot_wash.is_empty() {
            out.push_str("<p>None recorded.</p>\n");
        }
        for part in &discussion.hot_wash {
            let _ = writeln!(out, "<h4>{}</h4>", escape(&part.objective));
            if !part.strengths.is_empty() {
                out.push_str("<p>Strengths</p>\n");
                list(&mut out, &part.strengths);
            }
            if !part.improvements.is_empty() {
                out.push_str("<p>Areas for improvement</p>\n");
                list(&mut out, &part.improvements);
            }
        }
    }
    section(&mut out, "Timeline");
    chart(&mut out, &svg::timeline(report, scenario));
    table(&mut out, &aar.timeline, None);
    section(&mut out, "Conclusion");
    for paragraph in &aar.conclusion {
        let _ = writeln!(out, "<p>{}</p>", escape(paragraph));
    }
    // HSEEP's matrix has eight columns: printed on a landscape page, with fixed widths, so
    // that none is squeezed to a letter or pushed off the page.
    out.push_str("<div class=\"wide\">\n");
    section(&mut out, "Appendix A: Improvement Plan");
    columns(&mut out, &aar.plan, &[12, 21, 16, 10, 13, 10, 9, 9]);
    out.push_str("</div>\n");
    section(&mut out, "Appendix B: Exercise Participants");
    table(&mut out, &aar.participants, None);
    if !aar.seats.rows.is_empty() {
        out.push_str("<h3>People who joined</h3>\n");
        table(&mut out, &aar.seats, None);
    }
    section(&mut out, "Appendix C: Rating Definitions");
    table(&mut out, &aar.definitions, None);
    let feedback = feedback_part(report);
    if let Some(feedback) = &feedback {
        section(&mut out, "Appendix D: Participant Feedback");
        feedback_table(&mut out, feedback);
        out.push_str("<h3>Strengths</h3>\n");
        list(&mut out, &feedback.strengths);
        out.push_str("<h3>Areas for improvement</h3>\n");
        list(&mut out, &feedback.improvements);
        out.push_str("<h3>Comments</h3>\n");
        list(&mut out, &feedback.comments);
    }
    section(&mut out, &people::technical_heading(feedback.is_some()));
    out.push_str("<div class=\"technical\">\n");
    table(&mut out, &aar.technical, None);
    out.push_str("<h3>Improvement plan items by id</h3>\n");
    table(&mut out, &aar.plan_ids, None);
    out.push_str("</div>\n");
    out.push_str("</body>\n</html>\n");
    out
}

/// A chart, scrolled sideways on a phone rather than shrunk past reading.
fn chart(out: &mut String, svg: &str) {
    out.push_str("<div class=\"scroll\">");
    out.push_str(svg);
    out.push_str("</div>\n");
}

fn section(out: &mut String, heading: &str) {
    let _ = writeln!(out, "<h2>{}</h2>", escape(heading));
}

/// The overview as a two-column table with row headers.
fn overview(out: &mut String, table: &Table) {
    out.push_str("<table class=\"overview\">\n<tbody>\n");
    for row in &table.rows {
        let (head, rest) = row.split_first().map_or(("", &[][..]), |(h, r)| (h, r));
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(head));
        for cell in rest {
            let _ = write!(out, "<td>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A table whose columns have fixed shares of the width (percent), text wrapping inside them.
fn columns(out: &mut String, table: &Table, widths: &[u8]) {
    if table.rows.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table class=\"fixed\">\n<colgroup>");
    for width in widths {
        let _ = write!(out, "<col style=\"width:{width}%\">");
    }
    out.push_str("</colgroup>\n");
    rows(out, table, None);
}

/// A table; `status` is the column whose text also names the cell's class.
fn table(out: &mut String, table: &Table, status: Option<usize>) {
    if table.rows.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table>\n");
    rows(out, table, status);
}

/// A table's head and body, and its end.
fn rows(out: &mut String, table: &Table, status: Option<usize>) {
    out.push_str("<thead>\n<tr>");
    for head in &table.head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(head.as_str()));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if Some(i) == status {
                // "not yet due" is the class `not-yet-due`.
                let _ = write!(
                    out,
                    "<td class=\"{}\">{}</td>",
                    escape(&cell.replace(' ', "-")),
                    escape(cell)
                );
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// The feedback's statements with their counts and means, and a bar of the distribution each.
fn feedback_table(out: &mut String, feedback: &FeedbackPart) {
    let _ = writeln!(out, "<p>{}</p>", escape(&feedback.summary));
    out.push_str("<div class=\"scroll\"><table class=\"feedback\">\n<thead>\n<tr>");
    for head in &feedback.table.head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(head));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for (row, counts) in feedback.table.rows.iter().zip(&feedback.counts) {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            // The distribution's cell shows the bar, its counts under it.
            if i + 1 == row.len() {
                let _ = write!(
                    out,
                    "<td>{}<br><small>{}</small></td>",
                    distribution_svg(counts),
                    escape(cell)
                );
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// Nested lists: each item, its details under it, then the items answering it.
fn items(out: &mut String, list: &[Item]) {
    if list.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str("<ul>\n");
    for item in list {
        let _ = write!(out, "<li>{}", escape(&item.text));
        if !item.details.is_empty() {
            out.push_str("\n<ul class=\"details\">\n");
            for detail in &item.details {
                let _ = writeln!(out, "<li>{}</li>", escape(detail));
            }
            out.push_str("</ul>\n");
        }
        if !item.replies.is_empty() {
            out.push('\n');
            items(out, &item.replies);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

fn list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        out.push_str("<p>None recorded.</p>\n");
        return;
    }
    out.push_str("<ul>\n");
    for item in items {
        let _ = writeln!(out, "<li>{}</li>", escape(item));
    }
    out.push_str("</ul>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{phishing, played};

    #[test]
    fn the_report_of_a_small_exercise() {
        let exercise = played();
        let html = to_html(&Report::of(&exercise), exercise.scenario());
        insta::assert_snapshot!(html);
    }

    /// Format 3's worked case in HTML: what the Markdown says, escaped, and charts that draw
    /// no deadline for a held reply (its `due_at_s` is no time to draw).
    #[test]
    fn the_report_of_the_format_3_worked_case() {
        use crate::report::people::tests::worked_case;
        let exercise = worked_case(crate::scenario::Secs::MAX);
        let html = to_html(&Report::of(&exercise), exercise.scenario());
        for text in [
            "<h3>Requests and clarifications</h3>",
            "<p class=\"request\"><strong>Request 1, Send a request for assistance (rfa), from \
             United States — FBI Cyber Division to China — Ministry of Public Security:</strong> \
             first sent at \
             30 min; clarified at 1 h (message 2: legal_basis found insufficient — “Which article of \
             the treaty covers stored data?”), amended at 1 h 30 min (message 4); clarified again at \
             2 h (message 5: indicators found insufficient — “The annex did not arrive: put the \
             addresses and times in the request”), amended at 2 h 30 min (message 7); complete at \
             2 h 30 min; answered at 5 h. Time lost to incomplete requests: 2 h.</p>",
            "<td>4 h 30 min / 6 h (4 h from the complete request), MLAA Art. 12</td>",
            "<td>on hold (request clarified, never amended)</td>",
            "<li>summary: Payroll database encrypted — found insufficient by China — Ministry of \
             Public Security (message 8)</li>",
            "<td>none: takes back the earlier judgement</td>",
            "<td>Inject “The minister thanks you” skipped (unless: breach.rfa was incomplete)</td>",
            "<title>Inject breach (#101 · phone call) released at 0 min</title>",
        ] {
            assert!(html.contains(text), "{text}\nnot in\n{html}");
        }
        // While the exercise runs, the held reply is an open critical task with no deadline.
        let running = worked_case(3 * 3600);
        let html = to_html(&Report::of(&running), running.scenario());
        assert!(html.contains("<td>on hold (request clarified, not amended yet)</td>"));
        assert!(
            html.contains("not done against no deadline (on hold) (open)"),
            "{html}"
        );
        for html in [&html, &to_html(&Report::of(&exercise), exercise.scenario())] {
            // No coordinate or time computed from `Secs::MAX`: no run of a dozen digits.
            let longest = html
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max();
            assert!(longest < Some(12), "{html}");
        }
    }

    /// Issue 22: charts whose labels are whole, a latency scale on which a 15-minute and a
    /// 12-hour standard both read, tables that wrap rather than run off the printed page, and
    /// the marking in the page margins.
    #[test]
    fn charts_and_print_of_the_built_in_exercise() {
        let exercise = crate::report::people::tests::played_case(
            include_str!("../../scenarios/cross-border-breach.ron"),
            include_str!("../../tests/fixtures/cross-border-breach/script.ron"),
        );
        let html = to_html(&Report::of(&exercise), exercise.scenario());
        let latency = html
            .split("aria-label=\"Latency of each critical task")
            .nth(1)
            .and_then(|chart| chart.split("</svg>").next())
            .expect("a latency chart");
        for tick in ["1 min", "15 min", "1 h", "12 h", "24 h", "2 d"] {
            assert!(
                latency.contains(&format!("class=\"tick\">{tick}</text>")),
                "{tick} in {latency}"
            );
        }
        assert!(latency.contains("logarithmic scale"));
        // No label is cut: every word of the longest team name is drawn, and no ellipsis.
        for chart in html.split("<svg class=\"chart\"").skip(1) {
            let chart = chart.split("</svg>").next().unwrap_or_default();
            assert!(!chart.contains('…'), "{chart}");
        }
        for word in "Aldera — National Cyber Security Agency &amp; Federal Police Cybercrime Unit"
            .split(' ')
        {
            assert!(
                latency.contains(&format!(">{word} "))
                    || latency.contains(&format!(" {word}<"))
                    || latency.contains(&format!(" {word} "))
                    || latency.contains(&format!(">{word}<")),
                "{word}"
            );
        }
        assert!(html.contains("<tspan x=\"250.0\" dy=\"14\">sides of the border</tspan>"));
        // Cells wrap; the plan's eight columns have fixed widths on a landscape page.
        for rule in [
            "overflow-wrap:break-word",
            "table.fixed{table-layout:fixed}",
            "@page wide{size:A4 landscape}.wide{page:wide}",
            "@page{@top-center{content:\"TLP:AMBER\"",
        ] {
            assert!(html.contains(rule), "{rule}");
        }
        assert!(html.contains(
            "<div class=\"wide\">\n<h2>Appendix A: Improvement Plan</h2>\n<div \
             class=\"scroll\"><table class=\"fixed\">\n<colgroup><col style=\"width:12%\">"
        ));
        // The marking is no element fixed over the text.
        assert!(!html.contains("position:fixed"));
        assert!(html.contains("<h2>Conclusion</h2>"));
        assert!(html.contains("<h2>Appendix E: Technical Details</h2>"));
    }

    #[test]
    fn scenario_text_is_escaped() {
        let mut scenario = phishing();
        scenario.title = "<script>alert(\"x\")</script> & 'more'".into();
        scenario.injects[0].title = "<img src=x onerror=alert(1)>".into();
        scenario.teams[0].name = "</td><script>".into();
        let exercise = played();
        let mut report = Report::of(&exercise);
        report.title = scenario.title.clone();
        report.teams[0].name = scenario.teams[0].name.clone();
        let html = to_html(&report, &scenario);
        assert!(html.contains(
            "<title>After-Action Report: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</title>"
        ));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"));
        assert!(!html.contains("</td><script>"));
    }
}
