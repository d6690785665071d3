//! The after-action report as one self-contained HTML page: semantic tables, a little inline CSS,
//! no script, every text escaped.

use std::fmt::Write as _;

use crate::report::Report;
use crate::report::people::{self, Item, Table};
use crate::scenario::Scenario;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;\
padding:0 1rem;color:#222;line-height:1.4}\
table{border-collapse:collapse;margin:0 0 1.5rem}\
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}\
thead th{background:#eee}\
td.missed,td.overdue{color:#a00;font-weight:bold}td.late,td.incomplete{color:#a60}\
td.met{color:#070}";

pub fn to_html(report: &Report, scenario: &Scenario) -> String {
    let aar = people::build(report, scenario);
    let mut out = String::new();
    let title = escape(&format!("After-Action Report: {}", aar.title));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    overview(&mut out, &aar.overview);
    section(&mut out, "Scores");
    table(&mut out, &aar.summary, None);
    for team in &aar.teams {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&team.heading));
        let _ = writeln!(out, "<p>{}</p>", escape(&team.score));
        if !team.objectives.rows.is_empty() {
            out.push_str("<h3>Objectives</h3>\n");
            table(&mut out, &team.objectives, None);
        }
        out.push_str("<h3>Expectations</h3>\n");
        table(&mut out, &team.expectations, Some(5));
        out.push_str("</section>\n");
    }
    if !aar.decisions.rows.is_empty() {
        section(&mut out, "Decisions");
        table(&mut out, &aar.decisions, Some(6));
    }
    section(&mut out, "Hotline messages");
    items(&mut out, &aar.hotline);
    section(&mut out, "Responses");
    items(&mut out, &aar.responses);
    section(&mut out, "Timeline");
    table(&mut out, &aar.timeline, None);
    section(&mut out, "Strengths");
    list(&mut out, &aar.strengths);
    section(&mut out, "Areas for improvement");
    list(&mut out, &aar.improvements);
    section(&mut out, "Improvement plan");
    table(&mut out, &aar.plan, None);
    out.push_str("</body>\n</html>\n");
    out
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

/// A table; `status` is the column whose text also names the cell's class.
fn table(out: &mut String, table: &Table, status: Option<usize>) {
    if table.rows.is_empty() {
        out.push_str("<p>None.</p>\n");
        return;
    }
    out.push_str("<table>\n<thead>\n<tr>");
    for head in table.head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(head));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if Some(i) == status {
                let _ = write!(out, "<td class=\"{0}\">{0}</td>", escape(cell));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
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

/// Scenario text is untrusted: text only, in element content and in attribute values.
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
