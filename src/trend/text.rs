//! The trend a facilitator reads in a terminal: the exercises, then each clause and each kind of
//! expectation as a small table, one column per exercise.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::table::{Cell, Column, Group, Row, Trend, percent, shown};
use crate::ron_file::diagnostic::{escaped, is_hidden_control};

/// Scenario text shown as it is, but for a control or bidirectional character, which is shown
/// as its escape rather than acting on the terminal.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_hidden_control(c) {
                escaped(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub fn render(trend: &Trend) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "Trend of {} exercise{}: {} (lined up by {})",
        trend.exercises.len(),
        if trend.exercises.len() == 1 { "" } else { "s" },
        plain(&trend.title),
        trend.lined_up_by
    );
    for c in &trend.exercises {
        let _ = writeln!(out, "  {}", describe(c));
    }
    for note in &trend.notes {
        let _ = writeln!(out, "Note: {}", plain(note));
    }
    let _ = writeln!(out, "\n{}", trend.how);
    if let Some(how) = trend.how_suggested {
        let _ = writeln!(out, "{how}");
    }

    let headings: Vec<String> = trend
        .exercises
        .iter()
        .map(|c| format!("#{} {}", c.n, plain(&c.label)))
        .collect();
    if !trend.clauses.is_empty() {
        let _ = writeln!(out, "\nBY CLAUSE (the basis of each time standard)");
        for row in &trend.clauses {
            table(&mut out, row, &headings);
        }
    }
    if !trend.kinds.is_empty() {
        let _ = writeln!(out, "\nBY KIND OF EXPECTATION");
        for row in &trend.kinds {
            table(&mut out, row, &headings);
        }
    }
    if trend.clauses.is_empty() && trend.kinds.is_empty() {
        let _ = writeln!(out, "\nNothing was owed in any of these exercises.");
    }
    if !trend.not_lined_up.is_empty() {
        let _ = writeln!(out, "\nNOT LINED UP (not in every exercise's scenario)");
        for n in &trend.not_lined_up {
            let only: Vec<String> = n.only_in.iter().map(|i| format!("#{i}")).collect();
            let _ = writeln!(
                out,
                "  {} {}: only in {}",
                n.what,
                plain(&n.id),
                only.join(", ")
            );
        }
    }
    out
}

fn describe(c: &Column) -> String {
    let mut facts = Vec::new();
    match c.date_from {
        Some("command line") => facts.push("date given on the command line".to_string()),
        Some(_) => {}
        None => facts.push("no start date".to_string()),
    }
    if c.signature == "signed" {
        facts.push("signed".to_string());
    }
    if c.interrupted {
        facts.push("interrupted".to_string());
    }
    let mut text = format!("#{}", c.n);
    if let Some(started) = &c.started {
        let _ = write!(text, " {started}");
    }
    let _ = write!(text, " {}", plain(&c.journal));
    if !facts.is_empty() {
        let _ = write!(text, " ({})", facts.join("; "));
    }
    text
}

/// One row as a small table: what is measured down the side, the exercises across.
fn table(out: &mut String, row: &Row, headings: &[String]) {
    let _ = writeln!(out, "\n{}", heading(row));
    type Show = fn(&Cell) -> String;
    let lines: [(&str, Show); 4] = [
        ("on time", on_time),
        ("median", |c| percentile(c, true)),
        ("p90", |c| percentile(c, false)),
        ("missing/insufficient", fields),
    ];
    let mut grid: Vec<Vec<String>> = vec![
        std::iter::once(String::new())
            .chain(headings.iter().cloned())
            .collect(),
    ];
    for (label, show) in &lines {
        let cells = row.exercises.iter().map(|cell| match cell {
            None => "—".to_string(),
            Some(c) if c.owed == 0 => "not owed".to_string(),
            Some(c) => show(c),
        });
        grid.push(
            std::iter::once((*label).to_string())
                .chain(cells.map(|c| plain(&c)))
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..grid[0].len())
        .map(|col| grid.iter().map(|r| r[col].width()).max().unwrap_or(0))
        .collect();
    for line in &grid {
        let mut text = String::from("  ");
        for (col, cell) in line.iter().enumerate() {
            text.push_str(cell);
            text.push_str(&" ".repeat(widths[col] - cell.width() + 2));
        }
        let _ = writeln!(out, "{}", text.trim_end());
    }
    if let Some(direction) = row.direction {
        let owing: Vec<usize> = row
            .exercises
            .iter()
            .enumerate()
            .filter(|(_, c)| c.as_ref().is_some_and(|c| c.owed > 0))
            .map(|(i, _)| i + 1)
            .collect();
        if let (Some(first), Some(last)) = (owing.first(), owing.last()) {
            let _ = writeln!(
                out,
                "  on time from #{first} to #{last}: {} {}",
                direction.arrow(),
                direction.word()
            );
        }
    }
    if let Some(s) = &row.suggestion {
        let _ = writeln!(out, "  suggested: {}", plain(&s.says));
    }
}

fn heading(row: &Row) -> String {
    match &row.group {
        Group::Clause { basis, kinds } => format!(
            "{} · {} ({})",
            plain(basis),
            plain(&row.team),
            plain(&kinds.join(", "))
        ),
        Group::Kind { kind, bases } => {
            let standards = standards(row);
            let mut text = format!("{} · {}", plain(kind), plain(&row.team));
            if !standards.is_empty() {
                let _ = write!(text, " · standard {standards}");
            }
            if !bases.is_empty() {
                let _ = write!(text, " · {}", plain(&bases.join(", then ")));
            }
            text
        }
    }
}

/// The standard of a kind: one time, or how it changed.
fn standards(row: &Row) -> String {
    let mut seen: Vec<(u64, Vec<usize>)> = Vec::new();
    for (i, cell) in row.exercises.iter().enumerate() {
        if let Some(s) = cell.as_ref().and_then(|c| c.standard_s) {
            match seen.iter_mut().find(|(secs, _)| *secs == s) {
                Some((_, at)) => at.push(i + 1),
                None => seen.push((s, vec![i + 1])),
            }
        }
    }
    match seen.as_slice() {
        [] => String::new(),
        [(one, _)] => shown(*one),
        several => several
            .iter()
            .map(|(s, at)| {
                let at: Vec<String> = at.iter().map(|i| format!("#{i}")).collect();
                format!("{} in {}", shown(*s), at.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn on_time(c: &Cell) -> String {
    let mut text = format!(
        "{} of {} ({})",
        c.on_time,
        c.owed,
        percent(c.share_on_time.unwrap_or(0.0))
    );
    if let Some(change) = c.change {
        text.push(' ');
        text.push_str(change.arrow());
    }
    text
}

/// The median (`true`) or the p90: a time where the cell's expectations had one standard,
/// else a share of each one's standard.
fn percentile(c: &Cell, median: bool) -> String {
    let (secs, share, never) = if median {
        (
            c.latency.median_s,
            c.latency.median_of_standard,
            c.latency.median_never,
        )
    } else {
        (
            c.latency.p90_s,
            c.latency.p90_of_standard,
            c.latency.p90_never,
        )
    };
    if never {
        return "never".to_string();
    }
    match (c.standard_s, secs, share) {
        (Some(_), Some(secs), _) => shown(secs),
        (None, _, Some(share)) => format!("{} of std", percent(share)),
        _ => "-".to_string(),
    }
}

fn fields(c: &Cell) -> String {
    if c.fields.is_empty() {
        return "-".to_string();
    }
    c.fields
        .iter()
        .take(2)
        .map(|f| format!("{} {}", f.field, f.count))
        .collect::<Vec<_>>()
        .join(", ")
}
