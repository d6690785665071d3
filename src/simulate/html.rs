//! The summary as one self-contained HTML page: the warnings and the notes, then charts drawn as
//! inline SVG (each team's score and the duration as histograms, or as one figure when it never
//! varies; each inject's release share and time range as bars), then the tables. No script, no
//! network.

use std::fmt::Write;

use crate::html::{escape, page_start};
use crate::scenario::{Scenario, Secs, format_secs};
use crate::simulate::summary::{Bins, Chart, Percentiles, RequestSummary, Summary, rough};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;\
padding:0 1rem;color:#222}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}\
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .5rem;border-bottom:1px solid #ddd;\
text-align:right}td:first-child,th:first-child{text-align:left}.warn{color:#a30}\
.flag{color:#a30;font-size:.8rem}svg{max-width:100%;height:auto}\
svg text{font-size:11px;fill:#333}.bar{fill:#4a7ab5}.range{stroke:#4a7ab5;stroke-width:3}\
.median{fill:#123}.end{stroke:#a30;stroke-dasharray:4 3}";

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

pub fn render(summary: &Summary, scenario: &Scenario) -> String {
    let mut out = page_start(&format!("Simulation: {}", scenario.title), STYLE, None);
    let title = escape(&scenario.title);
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "<h1>Simulation: {title}</h1><p>{} runs, seed {}, profile {}.</p>",
        summary.runs,
        summary.seed,
        escape(summary.profile_label())
    );
    let _ = writeln!(out, "<h2>Warnings</h2>");
    if summary.warnings.is_empty() {
        let _ = writeln!(out, "<p>None.</p>");
    } else {
        let _ = writeln!(out, "<ul>");
        for w in &summary.warnings {
            let _ = writeln!(out, "<li class=\"warn\">{}</li>", escape(w));
        }
        let _ = writeln!(out, "</ul>");
    }
    if !summary.notes.is_empty() {
        let _ = writeln!(out, "<h2>Notes</h2><ul>");
        for n in &summary.notes {
            let _ = writeln!(out, "<li>{}</li>", escape(n));
        }
        let _ = writeln!(out, "</ul>");
    }

    let d = &summary.duration_s;
    let busy = percent(summary.ends.by_end);
    if let Chart::Constant(secs) = summary.charts.duration {
        let _ = writeln!(
            out,
            "<h2>Duration</h2><p>{} of scenario time in every run; still busy at the planned end \
             in {busy} of runs.</p>",
            format_secs(secs)
        );
    } else {
        let _ = writeln!(
            out,
            "<h2>Duration</h2><p>p10 {}, median {}, p90 {} of scenario time; still busy at the \
             planned end in {busy} of runs.</p>",
            format_secs(d.p10),
            format_secs(d.p50),
            format_secs(d.p90),
        );
        chart(&mut out, &summary.charts.duration, format_secs);
    }

    let _ = writeln!(out, "<h2>Scores</h2>");
    for (team, bins) in summary.teams.iter().zip(&summary.charts.team_scores) {
        let name = scenario
            .teams
            .iter()
            .find(|t| t.id == team.id)
            .map_or(team.id.as_str(), |t| t.name.as_str());
        let _ = write!(
            out,
            "<h3>{} <small>({})</small></h3>",
            escape(name),
            escape(&team.id)
        );
        match &team.score {
            Some(s) => {
                let _ = writeln!(
                    out,
                    "<p>mean {:.2}, p10 {:.2}, median {:.2}, p90 {:.2}</p>",
                    s.mean, s.p10, s.p50, s.p90
                );
                chart(&mut out, bins, |v| format!("{:.2}", v as f64 / 1000.0));
            }
            None => {
                let _ = writeln!(out, "<p>Nothing scored in any run.</p>");
            }
        }
        if let (Some(idle), Some(minutes), Some(from), Some(peak)) = (
            &team.idle_s,
            &team.idle_play_min,
            &team.idle_from_s,
            &team.open_peak,
        ) {
            let _ = writeln!(
                out,
                "<p>Longest stretch with nothing to do: {:.0} minutes of play ({} of scenario \
                 time) at the median, {:.0} in one run of ten, usually from about {}. Most \
                 expectations open at once: {} at the median, {} in one run of ten, {} at \
                 most.</p>",
                minutes.p50,
                rough(idle.p50),
                minutes.p90,
                rough(from.p50),
                peak.p50,
                peak.p90,
                peak.max
            );
        }
        if !team.objectives.is_empty() {
            let _ = writeln!(
                out,
                "<table><tr><th>objective</th><th>mean</th><th>p10</th><th>p50</th><th>p90</th>\
                 <th>P</th><th>S</th><th>M</th><th>U</th></tr>"
            );
            for o in &team.objectives {
                let name = scenario
                    .objectives
                    .iter()
                    .find(|x| x.id == o.id)
                    .map_or(o.id.as_str(), |x| x.name.as_str());
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td>\
                     <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(name),
                    o.score.mean,
                    o.score.p10,
                    o.score.p50,
                    o.score.p90,
                    percent(o.ratings.P),
                    percent(o.ratings.S),
                    percent(o.ratings.M),
                    percent(o.ratings.U)
                );
            }
            let _ = writeln!(out, "</table>");
        }
    }

    let _ = writeln!(out, "<h2>Injects</h2>");
    release_bars(&mut out, summary, scenario);

    let _ = writeln!(
        out,
        "<h2>Expectations</h2><table><tr><th>expectation</th><th>met</th><th>incomplete</th>\
         <th>late</th><th>missed</th><th>not due</th><th>latency p50</th></tr>"
    );
    for e in &summary.expectations {
        let _ = writeln!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.id),
            flag(e.flag),
            percent(e.met),
            percent(e.incomplete),
            percent(e.late),
            percent(e.missed),
            percent(e.not_due),
            e.latency_p50_s.map_or("-".to_string(), format_secs)
        );
    }
    let _ = writeln!(out, "</table>");
    if !summary.contingencies.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Contingencies</h2><table><tr><th>inject</th><th>fired</th></tr>"
        );
        for c in &summary.contingencies {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&c.id),
                percent(c.fired)
            );
        }
        let _ = writeln!(out, "</table>");
    }
    if !summary.objectives.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Critical tasks per objective</h2><table><tr><th>objective</th>\
             <th>tasks p10</th><th>p50</th><th>p90</th><th>runs with a single one</th></tr>"
        );
        for o in &summary.objectives {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&o.id),
                o.tasks.p10,
                o.tasks.p50,
                o.tasks.p90,
                percent(o.single)
            );
        }
        let _ = writeln!(out, "</table>");
    }
    if let Some(requests) = &summary.requests {
        requests_table(&mut out, requests);
    }
    out.push_str("</body></html>\n");
    out
}

fn flag(flag: Option<&str>) -> String {
    flag.map_or(String::new(), |f| {
        format!(" <span class=\"flag\">{}</span>", escape(f))
    })
}

/// A histogram, or one figure for a value that never varies (twenty bars of which one is
/// full say less than the number).
fn chart(out: &mut String, chart: &Chart, label: impl Fn(u64) -> String) {
    match chart {
        Chart::Empty => {}
        Chart::Constant(value) => {
            let _ = writeln!(
                out,
                "<p>The same in every run: {}.</p>",
                escape(&label(*value))
            );
        }
        Chart::Bins(bins) => histogram(out, bins, label),
    }
}

/// Bars of equal width, the tallest at full height, the range labelled below.
fn histogram(out: &mut String, bins: &Bins, label: impl Fn(u64) -> String) {
    const W: f64 = 600.0;
    const H: f64 = 120.0;
    let tallest = bins.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = bins.counts.len().max(1) as f64;
    let width = W / n;
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {W} {}\" role=\"img\" aria-label=\"histogram\">",
        H + 20.0
    );
    for (i, count) in bins.counts.iter().enumerate() {
        let h = *count as f64 / tallest * H;
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\">\
             <title>{count} runs</title></rect>",
            i as f64 * width + 1.0,
            H - h,
            (width - 2.0).max(1.0)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"0\" y=\"{}\">{}</text><text x=\"{W}\" y=\"{}\" text-anchor=\"end\">{}</text></svg>",
        H + 15.0,
        escape(&label(bins.low)),
        H + 15.0,
        escape(&label(bins.high))
    );
}

/// One row per inject: the share of runs that released it, and its release time from p10 to
/// p90 (median marked) on the scenario clock, with the planned end dashed.
fn release_bars(out: &mut String, summary: &Summary, scenario: &Scenario) {
    const LABEL: f64 = 170.0;
    const SHARE: f64 = 120.0;
    const LANE: f64 = 400.0;
    const ROW: f64 = 18.0;
    let horizon: Secs = summary
        .injects
        .iter()
        .filter_map(|i| i.release_s.map(|r| r.p90))
        .chain(scenario.end)
        .chain([summary.duration_s.p90])
        .max()
        .unwrap_or(0)
        .max(1);
    let x = |t: Secs| LABEL + SHARE + 10.0 + t as f64 / horizon as f64 * LANE;
    let height = ROW * (summary.injects.len() as f64 + 1.5);
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"inject releases\">",
        LABEL + SHARE + LANE + 20.0
    );
    let _ = write!(
        out,
        "<text x=\"{LABEL}\" y=\"12\">released</text><text x=\"{}\" y=\"12\">release time \
         (0 to {})</text>",
        x(0),
        escape(&format_secs(horizon))
    );
    for (row, inject) in summary.injects.iter().enumerate() {
        let y = ROW * (row as f64 + 1.0);
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect class=\"bar\" x=\"{LABEL}\" y=\"{:.1}\" \
             width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            y + 12.0,
            escape(&inject.id),
            y + 3.0,
            inject.released * SHARE,
            ROW - 6.0,
            percent(inject.released)
        );
        if let Some(r) = inject.release_s {
            let _ = write!(
                out,
                "<line class=\"range\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
                 <circle class=\"median\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"><title>{} / {} / {}\
                 </title></circle>",
                x(r.p10),
                x(r.p90).max(x(r.p10) + 1.0),
                y + 9.0,
                y + 9.0,
                x(r.p50),
                y + 9.0,
                format_secs(r.p10),
                format_secs(r.p50),
                format_secs(r.p90)
            );
        } else if let Some(f) = inject.flag {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"flag\">{}</text>",
                x(0),
                y + 12.0,
                escape(f)
            );
        }
    }
    if let Some(end) = scenario.end {
        let _ = write!(
            out,
            "<line class=\"end\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{ROW}\" y2=\"{height}\"/>",
            x(end),
            x(end)
        );
    }
    let _ = writeln!(out, "</svg>");
}

/// Format 3: what clarifications cost each kind of request.
fn requests_table(out: &mut String, requests: &[RequestSummary]) {
    let _ = writeln!(
        out,
        "<h2>Requests and clarifications</h2><p>Clarified: share of the requests. Completed \
         (amended until not clarified again) and held (the reply still waiting for an amendment at \
         the end): shares of those clarified. Times run from the first version of the \
         request.</p><table><tr><th>request</th><th>per run</th><th>clarified</th>\
         <th>completed</th><th>held</th><th>time lost p50</th><th>time lost p90</th>\
         <th>replied p50, clarified</th><th>replied p50, not clarified</th></tr>"
    );
    let at = |p: Option<Percentiles>, q: fn(&Percentiles) -> Secs| {
        p.map_or("-".to_string(), |p| format_secs(q(&p)))
    };
    for r in requests {
        let _ = writeln!(
            out,
            "<tr><td>{} {} → {}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.action),
            escape(&r.from),
            escape(&r.to),
            r.per_run,
            percent(r.clarified),
            r.completed.map_or("-".to_string(), percent),
            r.held_at_end.map_or("-".to_string(), percent),
            at(r.time_lost_s, |p| p.p50),
            at(r.time_lost_s, |p| p.p90),
            at(r.replied_s.clarified, |p| p.p50),
            at(r.replied_s.not_clarified, |p| p.p50)
        );
    }
    let _ = writeln!(out, "</table>");
}
