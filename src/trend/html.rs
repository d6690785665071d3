//! The trend as one self-contained HTML page: a small chart per clause and per kind of
//! expectation (each exercise's median and p90 latency against the standard), its figures
//! beside it, laid out in as many columns as the screen holds: one on a phone. No script, no
//! network.

use std::fmt::Write;

use super::table::{Cell, Group, Row, Trend, percent, percentile, shown};
use crate::html::{escape, page_start};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:80rem;margin:0 auto;\
padding:.5rem 1rem 2rem;color:#222;line-height:1.4}h1{font-size:1.4rem;margin:.6rem 0}\
h2{font-size:1.15rem;margin-top:1.8rem}h3{font-size:.95rem;margin:.1rem 0 .4rem;\
overflow-wrap:anywhere}.muted{color:#666;font-size:.85rem}\
.exercises{padding-left:1.2rem;overflow-wrap:anywhere}\
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,19rem),1fr));gap:.8rem}\
.card{border:1px solid #d8d8d8;border-radius:6px;padding:.5rem .7rem;min-width:0}\
.wrap{overflow-x:auto}table{border-collapse:collapse;font-size:.82rem;width:100%}\
td,th{padding:.15rem .35rem;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}\
td:first-child,th:first-child{text-align:left}td.na{text-align:center;color:#666}.fields{font-size:.8rem;margin:.3rem 0 0}\
.suggest{font-size:.85rem;margin:.4rem 0 0;padding:.3rem .4rem;background:#f3f6fa;border-radius:4px}\
.few{background:#fbf3e8}.better{color:#1a7f37}.worse{color:#b42318}\
svg{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#444}\
.std{stroke:#b42318;stroke-dasharray:4 3}.axis{stroke:#999}.range{stroke:#2f5f98;stroke-width:3}\
.med{fill:#123a66}.never{fill:#b42318}";

pub fn render(trend: &Trend) -> String {
    let mut out = page_start(&format!("Trend: {}", trend.title), STYLE, None);
    let title = escape(&trend.title);
    // Writing to a String cannot fail.
    let _ = writeln!(out, "<h1>Trend: {title}</h1>");
    let _ = writeln!(
        out,
        "<p>{} exercise{}, lined up by {}.</p><ul class=\"exercises\">",
        trend.exercises.len(),
        if trend.exercises.len() == 1 { "" } else { "s" },
        trend.lined_up_by
    );
    for c in &trend.exercises {
        let started = match (&c.started, c.date_from) {
            (Some(at), Some("command line")) => format!("{} (date given)", escape(at)),
            (Some(at), _) => escape(at),
            (None, _) => "no start recorded".to_string(),
        };
        let _ = writeln!(
            out,
            "<li><b>#{}</b> {started} · <code>{}</code>{} · {}</li>",
            c.n,
            escape(&c.journal),
            if c.interrupted { " (interrupted)" } else { "" },
            c.signature.replace('_', " ")
        );
    }
    let _ = writeln!(out, "</ul>");
    for note in &trend.notes {
        let _ = writeln!(out, "<p class=\"muted\">{}</p>", escape(note));
    }
    let _ = writeln!(out, "<p class=\"muted\">{}</p>", trend.how);
    if let Some(how) = trend.how_suggested {
        let _ = writeln!(out, "<p class=\"muted\">{how}</p>");
    }
    let labels: Vec<String> = trend
        .exercises
        .iter()
        .map(|c| format!("#{}", c.n))
        .collect();
    for (heading, rows) in [
        (
            "By clause (the basis of each time standard)",
            &trend.clauses,
        ),
        ("By kind of expectation", &trend.kinds),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{heading}</h2><div class=\"grid\">");
        for row in rows {
            card(&mut out, row, &labels);
        }
        let _ = writeln!(out, "</div>");
    }
    if !trend.not_lined_up.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Not lined up</h2><p class=\"muted\">Not in every exercise's scenario.</p><ul>"
        );
        for n in &trend.not_lined_up {
            let only: Vec<String> = n.only_in.iter().map(|i| format!("#{i}")).collect();
            let _ = writeln!(
                out,
                "<li>{} <code>{}</code>: only in {}</li>",
                n.what,
                escape(&n.id),
                only.join(", ")
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</body></html>");
    out
}

fn card(out: &mut String, row: &Row, labels: &[String]) {
    let heading = match &row.group {
        Group::Clause { basis, kinds } => format!(
            "{} · {}<br><span class=\"muted\">{}</span>",
            escape(basis),
            escape(&row.team),
            escape(&kinds.join(", "))
        ),
        Group::Kind { kind, bases } => format!(
            "{} · {}{}",
            escape(kind),
            escape(&row.team),
            if bases.is_empty() {
                String::new()
            } else {
                format!(
                    "<br><span class=\"muted\">{}</span>",
                    escape(&bases.join(", then "))
                )
            }
        ),
    };
    let _ = writeln!(out, "<div class=\"card\"><h3>{heading}</h3>");
    chart(out, row, labels);
    let _ = writeln!(
        out,
        "<div class=\"wrap\"><table><tr><th></th><th>on time</th><th>median</th><th>p90</th></tr>"
    );
    for (label, cell) in labels.iter().zip(&row.exercises) {
        let figures = match cell {
            None => "<td class=\"na\" colspan=\"3\">not in this scenario</td>".to_string(),
            Some(c) if c.owed == 0 => "<td class=\"na\" colspan=\"3\">not owed</td>".to_string(),
            Some(c) => format!(
                "<td>{}</td><td>{}</td><td>{}</td>",
                on_time(c),
                percentile(c, true),
                percentile(c, false)
            ),
        };
        let _ = writeln!(out, "<tr><td>{label}</td>{figures}</tr>");
    }
    let _ = writeln!(out, "</table></div>");
    let fields: Vec<String> = labels
        .iter()
        .zip(&row.exercises)
        .filter_map(|(label, cell)| {
            let c = cell.as_ref()?;
            (!c.fields.is_empty()).then(|| {
                let list: Vec<String> = c
                    .fields
                    .iter()
                    .map(|f| format!("{} ({})", escape(&f.field), f.count))
                    .collect();
                format!("{label}: {}", list.join(", "))
            })
        })
        .collect();
    if !fields.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"fields\">Missing or insufficient: {}</p>",
            fields.join("; ")
        );
    }
    if let Some(d) = row.direction {
        let _ = writeln!(
            out,
            "<p class=\"fields\">On time, first to last: <span class=\"{}\">{} {}</span></p>",
            d.word().replace(' ', "-"),
            d.arrow(),
            d.word()
        );
    }
    if let Some(s) = &row.suggestion {
        let _ = writeln!(
            out,
            "<p class=\"suggest{}\">Suggested: {}</p>",
            if s.too_few { " few" } else { "" },
            escape(&s.says)
        );
    }
    let _ = writeln!(out, "</div>");
}

fn on_time(c: &Cell) -> String {
    let mut text = format!(
        "{}/{} {}",
        c.on_time,
        c.owed,
        percent(c.share_on_time.unwrap_or(0.0))
    );
    if let Some(change) = c.change {
        let _ = write!(
            text,
            " <span class=\"{}\" title=\"{}\">{}</span>",
            change.word().replace(' ', "-"),
            change.word(),
            change.arrow()
        );
    }
    text
}

/// The chart's size in its own units (it scales to the card's width).
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 32.0;
/// Latencies above this many standards are drawn at the top, with an arrow.
const CEILING: f64 = 4.0;

/// Each exercise's median (a dot) and p90 (the bar up from it) as a share of the standard (the
/// dashed line), with the share on time under it. One never answered goes off the top.
fn chart(out: &mut String, row: &Row, labels: &[String]) {
    let shares: Vec<f64> = row
        .exercises
        .iter()
        .flatten()
        .flat_map(|c| [c.latency.median_of_standard, c.latency.p90_of_standard])
        .flatten()
        .collect();
    // Room above the highest point, up to the next half standard.
    let top =
        (shares.iter().copied().fold(1.5_f64, f64::max).min(CEILING) * 1.1 * 2.0).ceil() / 2.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |share: f64| TOP + plot_h * (1.0 - share.min(top) / top);
    let n = labels.len().max(1) as f64;
    let step = (WIDTH - LEFT - RIGHT) / n;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let standard = one_standard(row);
    let description = format!(
        "Median and p90 latency per exercise against the standard{}",
        standard.map_or(String::new(), |s| format!(" of {}", shown(s)))
    );
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(&description)
    );
    let base = y(0.0);
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">0</text>",
        WIDTH - RIGHT,
        LEFT - 4.0,
        base + 3.0
    );
    let line = y(1.0);
    let _ = write!(
        out,
        "<line class=\"std\" x1=\"{LEFT}\" y1=\"{line:.1}\" x2=\"{:.1}\" y2=\"{line:.1}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        WIDTH - RIGHT,
        LEFT - 4.0,
        line + 3.0,
        standard.map_or("std".to_string(), shown)
    );
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}×</text>",
        LEFT - 4.0,
        TOP + 3.0,
        trim(top)
    );
    for (i, (label, cell)) in labels.iter().zip(&row.exercises).enumerate() {
        let cx = x(i);
        let under = match cell {
            None => "—".to_string(),
            Some(c) if c.owed == 0 => "not owed".to_string(),
            Some(c) => percent(c.share_on_time.unwrap_or(0.0)),
        };
        let _ = write!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>\
             <text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{under}</text>",
            HEIGHT - BOTTOM + 12.0,
            HEIGHT - BOTTOM + 24.0
        );
        let Some(c) = cell.as_ref().filter(|c| c.owed > 0) else {
            continue;
        };
        let l = &c.latency;
        let median = l.median_of_standard.map(y);
        let p90 = if l.p90_never {
            Some(TOP)
        } else {
            l.p90_of_standard.map(y)
        };
        if let (Some(from), Some(to)) = (median.or(Some(TOP)), p90) {
            let _ = write!(
                out,
                "<line class=\"range\" x1=\"{cx:.1}\" y1=\"{from:.1}\" x2=\"{cx:.1}\" y2=\"{to:.1}\"/>"
            );
        }
        let off_top = l.p90_never || l.p90_of_standard.is_some_and(|s| s > top);
        if off_top {
            let _ = write!(
                out,
                "<path class=\"never\" d=\"M{:.1} {:.1}l5 7h-10z\"/>",
                cx,
                TOP - 6.0
            );
        }
        match median {
            Some(my) if !l.median_never => {
                let _ = write!(
                    out,
                    "<circle class=\"med\" cx=\"{cx:.1}\" cy=\"{my:.1}\" r=\"4\"/>"
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "<text class=\"never\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\">never</text>",
                    cx + 6.0,
                    TOP + 8.0
                );
            }
        }
    }
    let _ = writeln!(out, "</svg>");
}

/// The standard every exercise of the row had, if one.
fn one_standard(row: &Row) -> Option<u64> {
    let mut standards = row
        .exercises
        .iter()
        .flatten()
        .filter(|c| c.owed > 0)
        .map(|c| c.standard_s);
    let first = standards.next()??;
    standards.all(|s| s == Some(first)).then_some(first)
}

/// A number with at most one decimal, without a trailing `.0`.
fn trim(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_string)
}
