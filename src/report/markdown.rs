//! The after-action report as Markdown (CommonMark with GitHub tables).

use std::fmt::Write as _;

use crate::report::Report;
use crate::report::discussion::{discussion_part, feedback_part};
use crate::report::people::{self, Item, Table};
use crate::ron_file::diagnostic::{escaped, is_hidden_control};
use crate::scenario::Scenario;

pub fn to_markdown(report: &Report, scenario: &Scenario) -> String {
    let aar = people::build(report, scenario);
    let mut out = String::new();
    if let Some(handling) = &aar.handling {
        let _ = writeln!(out, "**{}**\n", text(handling));
    }
    let _ = writeln!(out, "# After-Action Report: {}\n", text(&aar.title));
    let _ = writeln!(out, "{}\n", text(&aar.dates));
    if let Some(signature) = &aar.signature {
        let _ = writeln!(out, "{}\n", text(signature));
    }
    if aar.draft {
        out.push_str("**Draft:** not every objective has been rated yet.\n\n");
    } else if let Some(final_report) = &aar.final_report {
        let _ = writeln!(out, "**Final:** {}\n", text(final_report));
    }
    out.push_str("## Exercise Overview\n\n");
    table(&mut out, &aar.overview);
    out.push_str("## Executive Summary\n\n");
    match &aar.executive_summary {
        Some(summary) => {
            for paragraph in summary.split("\n\n") {
                let _ = writeln!(out, "{}\n", text(paragraph));
            }
        }
        None if aar.final_report.is_some() => out.push_str("Not written.\n\n"),
        None => out.push_str("Not written yet.\n\n"),
    }
    out.push_str("### Major strengths\n\n");
    list(&mut out, &aar.top_strengths);
    out.push_str("### Primary areas for improvement\n\n");
    list(&mut out, &aar.top_improvements);
    out.push_str("## Analysis of Core Capabilities\n\n");
    table(&mut out, &aar.matrix);
    for objective in &aar.objectives {
        let _ = writeln!(out, "### {}\n", text(&objective.heading));
        list_or_skip(&mut out, &objective.facts);
        out.push_str("**Ratings**\n\n");
        list(&mut out, &objective.ratings);
        out.push_str("**Critical tasks**\n\n");
        table(&mut out, &objective.tasks);
        if !objective.decisions.is_empty() {
            out.push_str("**Decisions**\n\n");
            list(&mut out, &objective.decisions);
        }
        out.push_str("**Strengths**\n\n");
        list(&mut out, &objective.strengths);
        out.push_str("**Areas for improvement**\n\n");
        list(&mut out, &objective.improvements);
    }
    if let Some(requests) = &aar.requests {
        out.push_str("### Requests and clarifications\n\n");
        let _ = writeln!(out, "{}\n", text(&requests.summary));
        for (lead, body) in &requests.paragraphs {
            let _ = writeln!(out, "**{}:** {}\n", text(lead), text(body));
        }
    }
    if let Some(judgements) = &aar.judgements {
        out.push_str("### Judgements\n\n");
        table(&mut out, judgements);
    }
    out.push_str("### Scores by team\n\n");
    table(&mut out, &aar.summary);
    for team in &aar.teams {
        let _ = writeln!(out, "#### {}\n", text(&team.heading));
        let _ = writeln!(out, "{}\n", text(&team.score));
        if !team.objectives.rows.is_empty() {
            table(&mut out, &team.objectives);
        }
        table(&mut out, &team.expectations);
    }
    out.push_str("### Observations: strengths\n\n");
    list(&mut out, &aar.strengths);
    out.push_str("### Observations: areas for improvement\n\n");
    list(&mut out, &aar.improvements);
    out.push_str("## What was exchanged\n\n");
    if !aar.decisions.rows.is_empty() {
        out.push_str("### Decisions\n\n");
        table(&mut out, &aar.decisions);
    }
    out.push_str("### Hotline messages\n\n");
    items(&mut out, &aar.hotline, 0);
    out.push_str("### Responses\n\n");
    items(&mut out, &aar.responses, 0);
    if let Some(discussion) = discussion_part(report, scenario) {
        out.push_str("## Discussion\n\n");
        for module in &discussion.modules {
            let _ = writeln!(out, "### {}\n", text(&module.heading));
            if !module.lead.is_empty() {
                let _ = writeln!(out, "*{}*\n", text(&module.lead));
            }
            items(&mut out, &module.questions, 0);
            if !module.observations.is_empty() {
                out.push_str("**Observations while it was current**\n\n");
                list(&mut out, &module.observations);
            }
        }
        out.push_str("### Hot wash\n\n");
        if discussion.hot_wash.is_empty() {
            out.push_str("None recorded.\n\n");
        }
        for part in &discussion.hot_wash {
            let _ = writeln!(out, "**{}**\n", text(&part.objective));
            list_or_skip(
                &mut out,
                &part
                    .strengths
                    .iter()
                    .map(|s| format!("Strength: {s}"))
                    .collect::<Vec<_>>(),
            );
            list_or_skip(
                &mut out,
                &part
                    .improvements
                    .iter()
                    .map(|s| format!("Area for improvement: {s}"))
                    .collect::<Vec<_>>(),
            );
        }
    }
    out.push_str("## Timeline\n\n");
    table(&mut out, &aar.timeline);
    out.push_str("## Conclusion\n\n");
    for paragraph in &aar.conclusion {
        let _ = writeln!(out, "{}\n", text(paragraph));
    }
    out.push_str("## Appendix A: Improvement Plan\n\n");
    table(&mut out, &aar.plan);
    out.push_str("## Appendix B: Exercise Participants\n\n");
    table(&mut out, &aar.participants);
    if !aar.seats.rows.is_empty() {
        out.push_str("### People who joined\n\n");
        table(&mut out, &aar.seats);
    }
    out.push_str("## Appendix C: Rating Definitions\n\n");
    table(&mut out, &aar.definitions);
    let feedback = feedback_part(report);
    if let Some(feedback) = &feedback {
        out.push_str("## Appendix D: Participant Feedback\n\n");
        let _ = writeln!(out, "{}\n", text(&feedback.summary));
        table(&mut out, &feedback.table);
        out.push_str("### Strengths\n\n");
        list(&mut out, &feedback.strengths);
        out.push_str("### Areas for improvement\n\n");
        list(&mut out, &feedback.improvements);
        out.push_str("### Comments\n\n");
        list(&mut out, &feedback.comments);
    }
    let _ = writeln!(
        out,
        "## {}\n",
        people::technical_heading(feedback.is_some())
    );
    table(&mut out, &aar.technical);
    out.push_str("### Improvement plan items by id\n\n");
    table(&mut out, &aar.plan_ids);
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn list_or_skip(out: &mut String, items: &[String]) {
    if !items.is_empty() {
        list(out, items);
    }
}

fn table(out: &mut String, table: &Table) {
    if table.rows.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    let row = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        format!("| {} |\n", cells.join(" | "))
    };
    out.push_str(&row(&mut table.head.iter().map(|h| text(h))));
    out.push_str(&row(&mut table.head.iter().map(|_| "---".to_string())));
    for cells in &table.rows {
        out.push_str(&row(&mut cells.iter().map(|c| text(c))));
    }
    out.push('\n');
}

/// Nested lists: each item, its details indented under it, then the items answering it.
fn items(out: &mut String, list: &[Item], depth: usize) {
    if list.is_empty() && depth == 0 {
        out.push_str("None.\n\n");
        return;
    }
    let indent = "  ".repeat(depth);
    for item in list {
        let _ = writeln!(out, "{indent}- {}", text(&item.text));
        for detail in &item.details {
            let _ = writeln!(out, "{indent}  - {}", text(detail));
        }
        items(out, &item.replies, depth + 1);
    }
    if depth == 0 {
        out.push('\n');
    }
}

fn list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        out.push_str("None recorded.\n\n");
        return;
    }
    for item in items {
        let _ = writeln!(out, "- {}", text(item));
    }
    out.push('\n');
}

/// Scenario and team text is untrusted: it must stay text in a table cell, a heading or a
/// paragraph, never become markup, a link's markup or raw HTML (a bare address stays the
/// address it is: GitHub links it). Line breaks become spaces; what would open a list, a rule
/// or a heading underline at the start of a paragraph ("1. March", "- ", "===") is escaped;
/// any other control or bidirectional character is shown as its escape (`\u{202e}`, its
/// backslash escaped).
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let leading = raw.len() - raw.trim_start().len();
    let digits = raw[leading..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let mut after_marker = raw[leading + digits..].chars();
    let marker = after_marker.next();
    let then_space = after_marker.next().is_none_or(char::is_whitespace);
    let rule = raw.trim().chars().all(|c| matches!(c, '-' | '=' | ' '));
    let block_marker = match marker {
        Some('.' | ')') if digits > 0 && then_space => Some(leading + digits),
        Some('-' | '+') if digits == 0 && then_space => Some(leading),
        Some('-' | '=') if digits == 0 && rule => Some(leading),
        _ => None,
    };
    for (at, c) in raw.char_indices() {
        if Some(at) == block_marker {
            out.push('\\');
            out.push(c);
            continue;
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            c if is_hidden_control(c) => {
                out.push('\\');
                out.push_str(&escaped(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{phishing, played};

    /// Text entered by people (a date, a contact) stays a paragraph's text: it opens no list,
    /// rule or heading underline.
    #[test]
    fn what_would_open_a_block_at_the_start_of_a_paragraph_is_escaped() {
        for (raw, escaped) in [
            ("1. March 2027", "1\\. March 2027"),
            ("  12) twelve", "  12\\) twelve"),
            ("- a dash", "\\- a dash"),
            ("+ plus", "\\+ plus"),
            ("---", "\\---"),
            ("===", "\\==="),
            ("10.5 GB sent", "10.5 GB sent"),
            ("-5 degrees", "-5 degrees"),
            ("11–12 March 2027", "11–12 March 2027"),
        ] {
            assert_eq!(text(raw), escaped, "{raw}");
        }
    }

    #[test]
    fn the_report_of_a_small_exercise() {
        let exercise = played();
        let markdown = to_markdown(&Report::of(&exercise), exercise.scenario());
        insta::assert_snapshot!(markdown);
    }

    /// Format 3's worked case: the requests and their round trips, the basis of each critical
    /// task, the fields found insufficient and by whom, the judgements, `ref`, `method` and an
    /// inject skipped by `unless`.
    #[test]
    fn the_report_of_the_format_3_worked_case() {
        let exercise = crate::report::people::tests::worked_case(crate::scenario::Secs::MAX);
        let markdown = to_markdown(&Report::of(&exercise), exercise.scenario());
        for line in [
            "### Requests and clarifications\n\n3 requests, 3 clarified at least once; time lost \
             to incomplete requests: 2 h (not counting 2 never complete).\n\n**Request 1, Send a \
             request for assistance (rfa), from United States — FBI Cyber Division to China — \
             Ministry of Public Security:** first sent at 30 min; clarified at 1 h (message 2: \
             legal\\_basis found insufficient — “Which article of the treaty covers stored \
             data?”), amended at 1 h 30 min (message 4);",
            "| Send a request for assistance (breach.rfa@us) | United States — FBI Cyber \
             Division | 0 min | 2 h | 30 min | 30 min / 2 h, Playbook 4.1 | incomplete | legal\\_basis |",
            "| 2 h 10 min | on hold (request clarified, never amended) | — | — | not yet due |",
            "  - legal\\_basis: MLAA Art. 3 — found insufficient by the evaluator: Article 3 does \
             not cover the data asked for\n",
            "      - indicators: see annex — found insufficient by China — Ministry of Public \
             Security (message 5)\n",
            "### Judgements\n\n| At | Expectation | Found insufficient | Reason | By |\n",
            "| 6 h | Reply to a request for assistance (msg-1.rfa-reply@cn) | none: takes back the \
             earlier judgement | The records came by courier | script |",
            "| 0 min | Inject “Personnel files stolen” (\\#101 · phone call) released to United \
             States — FBI Cyber Division |",
            "| 4 h | Inject “The minister thanks you” skipped (unless: breach.rfa was incomplete) |",
        ] {
            assert!(markdown.contains(line), "{line}\nnot in\n{markdown}");
        }
        assert!(markdown.contains("**Draft:**"));
        insta::assert_snapshot!(markdown);
    }

    /// The built-in scenario played by its fixture script, debriefed a little: the report an
    /// official reads.
    fn built_in() -> (Report, std::sync::Arc<crate::scenario::Scenario>) {
        let exercise = crate::report::people::tests::played_case(
            include_str!("../../scenarios/cross-border-breach.ron"),
            include_str!("../../tests/fixtures/cross-border-breach/script.ron"),
        );
        let report = Report::of(&exercise).with_signature(crate::report::SignatureReport::signed(
            "SHA256:OrFYjbfLyjQ4ZhBDN7qDU7YPQ9tFNkXAkWQSCf3mmMs".into(),
        ));
        (report, std::sync::Arc::clone(exercise.scenario()))
    }

    /// The text of a section: from its heading to the next heading of its level or above.
    fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
        let start = markdown
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading} in\n{markdown}"));
        let rest = &markdown[start + heading.len()..];
        let level = heading.split(' ').next().unwrap_or("##");
        let end = rest
            .match_indices('\n')
            .map(|(at, _)| at + 1)
            .find(|at| {
                rest[*at..].starts_with('#')
                    && rest[*at..]
                        .split(' ')
                        .next()
                        .is_some_and(|h| h.len() <= level.len())
            })
            .unwrap_or(rest.len());
        &rest[..end]
    }

    /// Issue 22: no internal id where officials read (the executive summary, the areas for
    /// improvement, the plan), the machine's facts in the technical appendix only.
    #[test]
    fn the_summary_the_areas_for_improvement_and_the_plan_name_no_id() {
        let (report, scenario) = built_in();
        let markdown = to_markdown(&report, &scenario);
        let ids: Vec<&str> = report
            .teams
            .iter()
            .flat_map(|t| &t.expectations)
            .map(|e| e.id.as_str())
            .chain(report.improvement_plan.iter().map(|i| i.id.as_str()))
            .collect();
        let mut read = vec![
            section(&markdown, "## Executive Summary"),
            section(&markdown, "## Appendix A: Improvement Plan"),
        ];
        read.extend(
            markdown
                .split("**Areas for improvement**")
                .skip(1)
                .map(|part| part.split("\n###").next().unwrap_or_default()),
        );
        assert_eq!(read.len(), 7, "five objectives' areas for improvement");
        for text in read {
            assert!(!text.contains('@'), "{text}");
            for id in &ids {
                assert!(!text.contains(&text_of(id)), "{id} in {text}");
            }
        }
        assert!(markdown.contains(
            "- Contain the intrusion (Aldera — National Cyber Security Agency \\& Federal Police \
             Cybercrime Unit): late by 30 min\n"
        ));
        // Each area for improvement names its reference, where its task has a basis.
        assert!(markdown.contains(
            "Confirm receipt of a request (ABCCA hotline) (Brevia — National CERT \\& National \
             Police Cyber Crime Division): late by 15 min (reference: ABCCA Art. 12(2))"
        ));
        // The plan's ids, for `ttx debrief edit`, are in the technical appendix.
        let technical = section(&markdown, "## Appendix E: Technical Details");
        assert!(technical.contains(
            "| general/notify-dpa@aldera | Notify the Data Protection \
             Authority (Aldera"
        ));
        // The seed and the signature's fingerprint there too, not in the overview or the cover.
        assert!(technical.contains("| Seed | 2025 "), "{technical}");
        assert!(technical.contains("| Journal signature | signed by the key SHA256:OrFY"));
        let overview = markdown
            .split("## Executive Summary")
            .next()
            .unwrap_or_default();
        assert!(
            !overview.contains("Seed") && !overview.contains("2025"),
            "{overview}"
        );
        assert!(!overview.contains("SHA256"), "{overview}");
    }

    fn text_of(id: &str) -> String {
        text(id)
    }

    /// Issue 22: durations as people write them, strengths as findings, decisions with their
    /// rationale, and a conclusion.
    #[test]
    fn the_report_reads_as_people_write() {
        let (report, scenario) = built_in();
        let markdown = to_markdown(&report, &scenario);
        // No duration in the engine's short form (`1d2h`, `30m`, `0s`) anywhere.
        // The scenario's own text may write `72h`: only ttx's words are checked.
        let markdown = markdown.replace("(the Act allows 72h)", "");
        let short_form = markdown
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|word| {
                let unit = word.trim_start_matches(|c: char| c.is_ascii_digit());
                unit.len() < word.len()
                    && !unit.is_empty()
                    && unit.chars().all(|c| "dhms".contains(c))
                    && word.chars().next().is_some_and(|c| c.is_ascii_digit())
            });
        assert_eq!(short_form, None);
        // Hours up to two days, as people count the hours of an exercise.
        assert!(markdown.contains(
            "| Acknowledge receipt (request-refused.ack@brevia) | 27 h 10 min | 28 h 10 min | \
             27 h 40 min | 30 min | met | 1 / 1 |  |"
        ));
        for line in [
            "| Contain the intrusion (soc-alert.contain@aldera) | Aldera — National Cyber \
             Security Agency \\& Federal Police Cybercrime Unit | 0 min | 2 h | 2 h 30 min | 2 h \
             30 min / 2 h | late |  |",
            // A strength is a finding, not a count.
            "- Open a criminal case with the prosecutor: both done within their time standards \
             by Aldera — National Cyber Security Agency \\& Federal Police Cybercrime Unit and \
             Brevia — National CERT \\& National Police Cyber Crime Division, the slowest in 3 h \
             30 min against 4 h\n",
            // The decision and the fields that give its rationale.
            "- Brevia — National CERT \\& National Police Cyber Crime Division chose “Propose a \
             joint investigation team” over “Take the criminal servers down now” at 19 h, 1 h \
             after it was asked (met). Rationale — scope: Unauthorised access, data theft, money \
             laundering; duration: 6 months.",
            "## Conclusion\n\nThe exercise evaluated five objectives. Five are not rated yet.\n\n\
             Of 23 critical tasks, 16 were done on time and complete; three late, two incomplete \
             and two missed.\n\nThe improvement plan (Appendix A) carries eleven areas for \
             improvement forward; none has a corrective action and a responsible organisation \
             yet.\n",
        ] {
            assert!(markdown.contains(line), "{line}\nnot in\n{markdown}");
        }
        assert!(!markdown.contains(" of 1 tasks met"), "{markdown}");
    }

    /// Done ahead of time is said as such, and a status in words: format 2's worked example.
    #[test]
    fn done_ahead_and_not_yet_due_are_said_in_words() {
        let exercise = crate::report::people::tests::played_case(
            include_str!("../../tests/fixtures/example-2/scenario.ron"),
            include_str!("../../tests/fixtures/example-2/script.ron"),
        );
        let markdown = to_markdown(&Report::of(&exercise), exercise.scenario());
        for line in [
            "| Preserve evidence (servers.preserve@b) | 1 h | 3 h | 20 min | done 40 min before it \
             was asked | met | 1 / 1 |  |",
            "| Acknowledge (late-news.ack@a) | 8 h | 12 h | — | — | not yet due | not scored / 1 \
             |  |",
            "- Open a criminal case: Brevia — National Police Cyber Unit, done 10 min before it \
             was asked\n",
        ] {
            assert!(markdown.contains(line), "{line}\nnot in\n{markdown}");
        }
        assert!(!markdown.contains("not\\_due"), "{markdown}");
        assert!(!markdown.contains("latency 0"), "{markdown}");
    }

    /// Made final in the debrief, the report says so on its cover and no longer "draft" (rule
    /// 39), though an objective is not rated.
    #[test]
    fn a_final_report_says_so_on_its_cover() {
        let mut exercise = crate::report::people::tests::worked_case(crate::scenario::Secs::MAX);
        exercise
            .execute(crate::engine::Command::Finalise)
            .expect("an ended exercise is made final");
        let report = Report::of(&exercise);
        let markdown = to_markdown(&report, exercise.scenario());
        let cover = markdown.split("## Exercise Overview").next().unwrap();
        assert!(
            cover.ends_with(
                "**Final:** the debrief made this report final with some objectives not \
                 rated.\n\n"
            ),
            "{cover}"
        );
        assert!(!markdown.contains("Draft"), "{markdown}");
        assert!(markdown.contains("## Executive Summary\n\nNot written.\n"));
        let html = crate::report::to_html(&report, exercise.scenario());
        let cover = html.split("</header>").next().unwrap();
        assert!(
            cover.contains(
                "<p class=\"final\"><strong>Final:</strong> the debrief made this report final \
                 with some objectives not rated.</p>"
            ),
            "{cover}"
        );
        assert!(!html.contains("Draft"));
    }

    #[test]
    fn an_interrupted_exercise_says_so() {
        let scenario = std::sync::Arc::new(phishing());
        let mut exercise =
            crate::engine::Exercise::new(scenario, crate::engine::Settings::of(&phishing()));
        for command in crate::testing::first_half() {
            exercise.execute(command).unwrap();
        }
        let markdown = to_markdown(&Report::of(&exercise), exercise.scenario());
        assert!(markdown.contains("| Outcome | Interrupted: the exercise did not end"));
        assert!(markdown.contains("| open |"), "{markdown}");
    }

    #[test]
    fn the_cover_says_whether_the_journal_is_signed() {
        use crate::report::SignatureReport;
        let exercise = played();
        let plain = to_markdown(&Report::of(&exercise), exercise.scenario());
        // A report made without a journal says nothing of a signature.
        assert!(!plain.contains("signed"), "{plain}");
        for (signature, line) in [
            (
                SignatureReport::signed("SHA256:abc".into()),
                "Journal signed (see the technical appendix for the signing key).",
            ),
            (SignatureReport::not_signed(), "Journal not signed."),
            (
                SignatureReport::does_not_match(),
                "Journal signature does not match: the journal is not what was signed.",
            ),
        ] {
            let report = Report::of(&exercise).with_signature(signature.clone());
            let markdown = to_markdown(&report, exercise.scenario());
            let cover = markdown.split("## Exercise Overview").next().unwrap();
            assert!(cover.contains(&format!("\n{line}\n")), "{cover}");
            let html = crate::report::to_html(&report, exercise.scenario());
            let cover = html.split("</header>").next().unwrap();
            assert!(
                cover.contains(&format!("<p class=\"signature\">{line}</p>\n")),
                "{cover}"
            );
            let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
            assert_eq!(json["signature"]["status"], signature.status);
            assert_eq!(
                json["signature"]["fingerprint"],
                serde_json::json!(signature.fingerprint)
            );
        }
    }

    #[test]
    fn scenario_text_stays_text() {
        let mut scenario = phishing();
        scenario.title = "<script>alert(1)</script> | [x](http://e.vil) *b*".into();
        let exercise = played();
        let mut report = Report::of(&exercise);
        report.title = scenario.title.clone();
        let markdown = to_markdown(&report, &scenario);
        assert!(markdown.starts_with(
            "# After-Action Report: \\<script\\>alert(1)\\</script\\> \\| \\[x\\](http://e.vil) \\*b\\*\n"
        ), "{markdown}");
        assert!(!markdown.contains("<script>"));
    }
}
