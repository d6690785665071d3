//! The summary a facilitator reads in a terminal: the warnings first, then the notes, then the
//! figures.

use std::fmt::Write;

use crate::scenario::{Scenario, Secs};
use crate::simulate::summary::{
    Chart, Percentiles, RequestSummary, ScoreSummary, Summary, TeamSummary, rough,
};

fn percent(share: f64) -> String {
    format!("{:>3.0}%", share * 100.0)
}

fn spread(p: &Percentiles) -> String {
    format!("{} / {} / {}", rough(p.p10), rough(p.p50), rough(p.p90))
}

fn latency(s: Option<Secs>) -> String {
    s.map_or("-".to_string(), rough)
}

fn score(s: &ScoreSummary) -> String {
    format!(
        "mean {:.2}  p10 {:.2}  p50 {:.2}  p90 {:.2}",
        s.mean, s.p10, s.p50, s.p90
    )
}

pub fn render(summary: &Summary, scenario: &Scenario) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{}: {} simulated runs (seed {}, profile {})",
        scenario.title,
        summary.runs,
        summary.seed,
        summary.profile_label()
    );
    out.push('\n');
    if summary.warnings.is_empty() {
        let _ = writeln!(out, "No warnings.");
    } else {
        let _ = writeln!(out, "Warnings:");
        for warning in &summary.warnings {
            let _ = writeln!(out, "  ! {warning}");
        }
    }
    if !summary.notes.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Notes:");
        for note in &summary.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out.push('\n');
    match summary.charts.duration {
        Chart::Constant(secs) => {
            let _ = writeln!(out, "Duration: {} in every run", rough(secs));
        }
        _ => {
            let _ = writeln!(
                out,
                "Duration (p10 / p50 / p90): {}",
                spread(&summary.duration_s)
            );
        }
    }
    match scenario.end {
        Some(end) => {
            let _ = writeln!(
                out,
                "  planned end {}: still busy at the end in {} of runs; last activity {}",
                rough(end),
                percent(summary.ends.by_end).trim(),
                spread(&summary.last_activity_s)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  no planned end: each run ends when nothing more can happen"
            );
        }
    }
    out.push('\n');
    let id_width = summary
        .injects
        .iter()
        .map(|i| i.id.len())
        .chain(summary.expectations.iter().map(|e| e.id.len()))
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = writeln!(
        out,
        "Injects            {:w$}  released  release time p10 / p50 / p90",
        "",
        w = id_width.saturating_sub(7)
    );
    for inject in &summary.injects {
        let _ = writeln!(
            out,
            "  {:w$}  {:>8}  {}{}",
            inject.id,
            percent(inject.released),
            inject.release_s.as_ref().map_or("-".to_string(), spread),
            inject.flag.map_or(String::new(), |f| format!("  [{f}]")),
            w = id_width + 12
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Expectations {:w$}   met  incompl  late  missed  not due  latency p50",
        "",
        w = id_width + 1
    );
    for e in &summary.expectations {
        let _ = writeln!(
            out,
            "  {:w$}  {} {:>8} {:>5} {:>7} {:>8}  {:>11}{}",
            e.id,
            percent(e.met),
            percent(e.incomplete),
            percent(e.late),
            percent(e.missed),
            percent(e.not_due),
            latency(e.latency_p50_s),
            e.flag.map_or(String::new(), |f| format!("  [{f}]")),
            w = id_width + 12
        );
    }
    if !summary.contingencies.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Contingencies (Missed triggers)   fired");
        for c in &summary.contingencies {
            let _ = writeln!(
                out,
                "  {:w$}  {}",
                c.id,
                percent(c.fired),
                w = id_width + 12
            );
        }
    }
    if let Some(requests) = &summary.requests {
        requests_section(&mut out, requests);
    }
    out.push('\n');
    let _ = writeln!(out, "Teams");
    for team in &summary.teams {
        match &team.score {
            Some(s) => {
                let _ = writeln!(out, "  {}: score {}", team.id, score(s));
            }
            None => {
                let _ = writeln!(out, "  {}: nothing scored", team.id);
            }
        }
        if let Some(line) = workload(team) {
            let _ = writeln!(out, "    {line}");
        }
        for o in &team.objectives {
            let r = &o.ratings;
            let _ = writeln!(
                out,
                "    {}: {}  rated P {} S {} M {} U {}",
                o.id,
                score(&o.score),
                percent(r.P).trim(),
                percent(r.S).trim(),
                percent(r.M).trim(),
                percent(r.U).trim()
            );
        }
    }
    out
}

/// A team's longest stretch with nothing to do and its most expectations open at once.
fn workload(team: &TeamSummary) -> Option<String> {
    let (idle, minutes, from, peak) = (
        team.idle_s?,
        team.idle_play_min?,
        team.idle_from_s?,
        team.open_peak?,
    );
    Some(format!(
        "longest with nothing to do: {:.0} minutes of play at the median, {:.0} in one run of \
         ten ({} of scenario time, from about {}); most expectations open at once: {} at the \
         median, {} in one run of ten, {} at most",
        minutes.p50,
        minutes.p90,
        rough(idle.p50),
        rough(from.p50),
        peak.p50,
        peak.p90,
        peak.max
    ))
}

/// Format 3: what clarifications cost each kind of request.
fn requests_section(out: &mut String, requests: &[RequestSummary]) {
    out.push('\n');
    let names: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {} → {}", r.action, r.from, r.to))
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let _ = writeln!(
        out,
        "Requests {:w$}  per run  clarified  completed  held  time lost p50 / p90  replied p50: clarified / not",
        "",
        w = width - 6
    );
    let median = |p: &Option<Percentiles>| p.map_or("-".to_string(), |p| rough(p.p50));
    for (name, r) in names.iter().zip(requests) {
        let lost = r.time_lost_s.map_or("-".to_string(), |p| {
            format!("{} / {}", rough(p.p50), rough(p.p90))
        });
        let replied = format!(
            "{} / {}",
            median(&r.replied_s.clarified),
            median(&r.replied_s.not_clarified)
        );
        let _ = writeln!(
            out,
            "  {name:w$}  {:>7.2}  {:>9}  {:>9}  {:>4}  {lost:>19}  {replied:>28}",
            r.per_run,
            percent(r.clarified),
            r.completed.map_or("-".to_string(), percent),
            r.held_at_end.map_or("-".to_string(), percent),
            w = width
        );
    }
    let _ = writeln!(
        out,
        "  clarified: of the requests; completed (amended until not clarified again) and held (the \
         reply\n  still waiting for an amendment at the end): of those clarified; times from the \
         first version."
    );
}
