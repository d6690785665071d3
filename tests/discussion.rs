//! The discussion end to end (discussion.md): a script's answers, the hot wash and feedback forms
//! in the journal, `ttx report` with its `modules`, `hot_wash` and `feedback` keys and its
//! Discussion and Participant Feedback sections, `ttx debrief answers` and `feedback`, and
//! `ttx handbook` for participants and facilitators in both formats.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

use ttx::debrief::{DebriefEvent, Feedback, FeedbackForm, FeedbackRole};
use ttx::journal::JournalWriter;

const SCENARIO: &str = "tests/fixtures/discussion/scenario.ron";
const SCRIPT: &str = "tests/fixtures/discussion/script.ron";

fn ttx() -> Command {
    Command::cargo_bin("ttx").unwrap()
}

fn stdout(args: &[&str]) -> String {
    let output = ttx().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Plays the script into a journal, then adds the hot wash (as `ttx debrief hot-wash`) and two
/// feedback forms (as a seat's session would, through the debrief's one writing path).
fn played(dir: &Path) -> PathBuf {
    let journal = dir.join("j.jsonl");
    let path = journal.to_str().unwrap();
    stdout(&["run", SCENARIO, "--script", SCRIPT, "--journal", path]);
    stdout(&[
        "debrief",
        "hot-wash",
        path,
        "coord",
        "--kind",
        "improvement",
        "Nobody knew who signs the request",
    ]);
    stdout(&[
        "debrief",
        "hot-wash",
        path,
        "public",
        "--kind",
        "strength",
        "The statement went out in time",
    ]);
    let (mut writer, loaded) = JournalWriter::resume(&journal).unwrap();
    let mut debrief = loaded.debrief;
    let forms = [
        Feedback::of(
            FeedbackForm {
                ratings: vec![Some(5), Some(4), Some(4), None, Some(5), Some(3)],
                strengths: vec!["Realistic injects".into()],
                improvements: vec!["Shorter modules".into(), "More time to answer".into()],
                comments: Some("Run it again next year.".into()),
            },
            Some("aldera".into()),
            FeedbackRole::Team,
        ),
        Feedback::of(
            FeedbackForm {
                ratings: vec![Some(3), Some(4), None, None, Some(5), Some(4)],
                ..FeedbackForm::default()
            },
            None,
            FeedbackRole::Observer,
        ),
    ];
    for form in forms {
        debrief
            .record(&loaded.exercise, DebriefEvent::Feedback(form), |event| {
                writer
                    .append_debrief(&loaded.exercise, event)
                    .map_err(|e| e.to_string())
            })
            .unwrap();
    }
    journal
}

#[test]
fn the_report_has_the_discussion_and_the_participant_feedback() {
    let dir = tempfile::tempdir().unwrap();
    let journal = played(dir.path());
    let path = journal.to_str().unwrap();
    let report: Value = serde_json::from_str(&stdout(&["report", path])).unwrap();
    let modules = &report["modules"];
    assert_eq!(modules.as_array().unwrap().len(), 2);
    assert_eq!(
        modules[0]["questions"][0],
        json!({
            "id": "who-calls",
            "text": "Who in your organisation decides to call the other country, and on what authority?",
            "to": ["aldera"],
            "objective": "coord",
            "answers": [{
                "team": "aldera",
                "text": "The duty officer, under the agreement's Article 7;\nthe head of unit is told at once.",
                "at_s": 2400
            }]
        })
    );
    // Every addressed team's final answer; a team that did not answer has none.
    assert_eq!(
        modules[0]["questions"][1]["answers"],
        json!([{"team": "borvia", "text": "The addresses and the times.", "at_s": 3000}])
    );
    assert_eq!(modules[1]["from_s"], 7200);
    assert_eq!(modules[1]["questions"][0]["answers"], json!([]));
    let hot_wash = report["hot_wash"].as_array().unwrap();
    assert_eq!(hot_wash.len(), 2);
    assert_eq!(hot_wash[0]["objective"], "coord");
    assert_eq!(hot_wash[0]["kind"], "improvement");
    assert_eq!(hot_wash[0]["text"], "Nobody knew who signs the request");
    assert!(hot_wash[0]["at_wall"].as_str().unwrap().ends_with('Z'));
    let feedback = &report["feedback"];
    assert_eq!(feedback["statements"].as_array().unwrap().len(), 6);
    assert_eq!(
        feedback["forms"][0],
        json!({
            "team": "aldera",
            "role": "team",
            "ratings": [5, 4, 4, null, 5, 3],
            "strengths": ["Realistic injects"],
            "improvements": ["Shorter modules", "More time to answer"],
            "comments": "Run it again next year."
        })
    );
    assert_eq!(feedback["forms"][1]["team"], Value::Null);
    assert_eq!(feedback["forms"][1]["role"], "observer");
    // The hot wash's improvement joins the improvement plan.
    let plan = report["improvement_plan"].as_array().unwrap();
    assert!(
        plan.iter()
            .any(|i| i["issue"] == "Nobody knew who signs the request")
    );

    let markdown = stdout(&["report", path, "--format", "md"]);
    let exchanged = markdown.find("## What was exchanged").unwrap();
    let discussion = markdown.find("## Discussion").unwrap();
    assert!(exchanged < discussion, "{markdown}");
    for text in [
        "### Module 1: Detection and first contact (from the start)",
        "*The hospital calls the police at dawn.*",
        "  - Aldera — National Police (40 min): The duty officer, under the agreement's Article 7; \
         the head of unit is told at once.",
        "  - Aldera — National Police: no answer",
        "### Module 2: The records for sale (from 2 h)",
        "### Hot wash",
        "- Area for improvement: Nobody knew who signs the request",
        "## Appendix D: Participant Feedback",
        "2 forms were submitted, with no names",
        "| The exercise was well structured and organised. | 2 | 4.0 | 1: 0 · 2: 0 · 3: 1 · 4: 0 · 5: 1 |",
        "| Participation in the exercise was appropriate for someone in my role and with my \
         experience. | 0 | — |",
        "- Shorter modules",
        "- Run it again next year.",
    ] {
        assert!(markdown.contains(text), "{text}\nnot in\n{markdown}");
    }
    let html = stdout(&["report", path, "--format", "html"]);
    for text in [
        "<h2>Discussion</h2>",
        "<h2>Appendix D: Participant Feedback</h2>",
        "<svg class=\"bar\" viewBox=\"0 0 160 14\"",
        "<title>1: 0, 2: 0, 3: 1, 4: 0, 5: 1</title>",
        "<li>Borvia — Cyber Agency (2 h 30 min): Only with a court order; the prosecutor asks for \
         it.</li>",
    ] {
        assert!(html.contains(text), "{text}\nnot in the HTML");
    }
}

#[test]
fn ttx_debrief_prints_the_answers_and_the_feedback() {
    let dir = tempfile::tempdir().unwrap();
    let journal = played(dir.path());
    let path = journal.to_str().unwrap();
    let answers = stdout(&["debrief", "answers", path]);
    assert!(
        answers.starts_with(
            "Module 1: Detection and first contact (first-contact, from the start)\n  \
             who-calls: Who in your organisation decides to call the other country, and on \
             what authority?\n    aldera at 40m, 2 versions:\n      The duty officer, under \
             the agreement's Article 7;\n      the head of unit is told at once.\n"
        ),
        "{answers}"
    );
    assert!(answers.contains("    aldera: no answer\n"), "{answers}");
    let feedback = stdout(&["debrief", "feedback", path]);
    assert!(
        feedback.starts_with(
            "Participant Feedback: 2 forms (1 strongly disagree … 5 strongly agree)\n  1. The \
             exercise was well structured and organised.\n     answers 2, mean 4.0 (1: 0 · 2: 0 \
             · 3: 1 · 4: 0 · 5: 1)\n"
        ),
        "{feedback}"
    );
    assert!(
        feedback.contains("Areas for improvement:\n  - Shorter modules\n  - More time to answer\n"),
        "{feedback}"
    );
}

/// A script's answer that the exercise would not take stops the script (exit 1), naming the
/// step and why.
#[test]
fn a_scripted_answer_is_refused_for_each_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"Answer(at: "10m", team: "aldera", question: "who-decides", text: "Me")"#,
            "unknown question `who-decides` (questions: who-calls, what-first, tell-public, \
             takedown)",
        ),
        (
            r#"Answer(at: "10m", team: "borvia", question: "who-calls", text: "Me")"#,
            "question `who-calls` is not addressed to team `borvia` (it is for: aldera)",
        ),
        (
            r#"Answer(at: "10m", team: "aldera", question: "who-calls", text: "  ")"#,
            "an answer to question `who-calls` needs some text",
        ),
        (
            r#"Answer(at: "10m", team: "borvia", question: "takedown", text: "Yes")"#,
            "module `sale` is not yet current at 10m: it begins at 2h",
        ),
        (
            r#"Answer(at: "3h", team: "aldera", question: "who-calls", text: "Me")"#,
            "module `first-contact` is over (`sale` began at 2h): an answer is given, or \
             revised, only while its module is current",
        ),
    ];
    for (n, (step, why)) in cases.iter().enumerate() {
        let script = dir.path().join(format!("s{n}.ron"));
        std::fs::write(&script, format!("Script(steps: [\n    {step},\n])\n")).unwrap();
        let output = ttx()
            .args(["run", SCENARIO, "--script", script.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{step}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let at = if step.contains("\"3h\"") { "3h" } else { "10m" };
        assert_eq!(
            stderr.trim_end(),
            format!("{}:2:5: step 1 (Answer at {at}): {why}", script.display()),
            "{step}"
        );
    }
}

#[test]
fn the_handbooks_for_participants_and_facilitators() {
    let dir = tempfile::tempdir().unwrap();
    let write = |who: &str, format: &str| {
        let out = dir.path().join(format!("{who}.{format}"));
        stdout(&[
            "handbook",
            SCENARIO,
            "--for",
            who,
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        std::fs::read_to_string(out).unwrap()
    };
    let sitman = write("participants", "md");
    for text in [
        "**TLP:AMBER**",
        "# Situation Manual: A breach across the border",
        "| **Threat or hazard** | A criminal group that steals health records and sells them \
         abroad |",
        "| **Core capabilities** | Operational Coordination, Public Information and Warning |",
        "| Exercise objectives and core capabilities",
        "- The agreement between the two countries is in force as written.",
        "- Time is compressed: scenario time runs 4 times as fast as the clock on the wall.",
        "| 09:30 | Module 1 |",
        "### Module 1: Detection and first contact",
        "The hospital calls the police at dawn.\n\nNobody yet knows where the data went.",
        "#### Questions for Borvia — Cyber Agency\n\n- What do you need from the other side \
         first, and why?\n\n### Module 2: The records for sale\n\nBegins at 2h of scenario \
         time.",
        "| Module 1: Detection and first contact | 0m |",
        "Send a request for assistance. Fields: summary; indicators (addresses and times in \
         UTC; at least 2 words); urgency (one of: routine, urgent). Sends a hotline message to \
         Borvia — Cyber Agency; each receiver replies with “Reply to a request” within 4 h \
         (basis: Agreement Art. 7).",
        "- When Aldera — National Police sends “Send a request for assistance”, reply with \
         “Reply to a request” within 4 h (basis: Agreement Art. 7).",
        "- Aldera — National Police: ssh aldera@HOST -p PORT",
        "## Participant Feedback Form",
        "| The exercise scenario was plausible and realistic. | ☐ | ☐ | ☐ | ☐ | ☐ |",
    ] {
        assert!(
            sitman.contains(&text.replace("| Exercise", "### Exercise")),
            "{text}\nnot in\n{sitman}"
        );
    }
    // Nothing a team only learns in play, nothing the evaluators judge.
    for secret in [
        "Forty thousand",
        "offers the records",
        "Expected actions",
        "Playbook 3.2",
        "Master Scenario Events List",
        "Evaluation Guide",
    ] {
        assert!(
            !sitman.contains(secret),
            "{secret} is in the Situation Manual"
        );
    }
    let handbook = write("facilitators", "md");
    for text in [
        "# Controller/Evaluator Handbook: A breach across the border",
        "## Master Scenario Events List",
        "### \\#1 Patient records stolen",
        "| **Released** | at 0m |",
        "| **Method** | phone call |",
        "Forty thousand patient records were copied overnight.",
        "- Aldera — National Police: Send a request for assistance within 2 h (basis: Playbook \
         3.2); fields required: summary, indicators, urgency; objective: Exchange complete \
         requests within the agreed times",
        "### \\#2 The minister asks why Borvia has not been asked (contingency)",
        "| **Released** | if \\#1 Patient records stolen: Send a request for assistance is missed |",
        "- \\#2 The minister asks why Borvia has not been asked: if \\#1 Patient records stolen: \
         Send a request for assistance is missed",
        "Only if the request is late.",
        "### Exercise Evaluation Guide: Exchange complete requests within the agreed times",
        "| **Target** | Each request answered within 4h |",
        "| Reply to a request — in reply to “Send a request for assistance” | each receiver | 4 h \
         | Agreement Art. 7 |",
        "| Discuss: Who in your organisation decides to call the other country, and on what \
         authority? (Module 1: Detection and first contact) | Aldera — National Police | while \
         the module is current |  |",
        "#### Observations: Borvia — Cyber Agency",
        "Rating (P, S, M or U) and why:",
        "| U | Unable to be Performed |",
        // The Situation Manual's content comes first.
        "### Questions for Aldera — National Police",
    ] {
        assert!(
            handbook.contains(&text.replace("### Questions", "#### Questions")),
            "{text}\nnot in\n{handbook}"
        );
    }
    for (who, needle) in [
        ("participants", "<h2>Participant Feedback Form</h2>"),
        ("facilitators", "<h2>Exercise Evaluation Guides</h2>"),
    ] {
        let html = write(who, "html");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(needle), "{who}");
        assert!(html.contains("<p class=\"marking\">TLP:AMBER</p>"));
        assert!(
            html.contains("@top-center{content:\"TLP:AMBER\";"),
            "{html}"
        );
        assert!(html.contains("@media print"));
        assert!(!html.contains("<script"));
    }
    // An existing file is never replaced without --force, and never the scenario.
    let refused = ttx()
        .args([
            "handbook",
            SCENARIO,
            "--for",
            "participants",
            "-o",
            SCENARIO,
        ])
        .output()
        .unwrap();
    assert_ne!(refused.status.code(), Some(0));
}
