//! Script files for headless play: loading only. Names are resolved against the scenario when the
//! script is played, so this checks syntax and shape.

use crate::engine::NoteKind;
use crate::scenario::diagnostic::{Diagnostic, SourceMap};
use crate::scenario::read::{Errors, Fields, parse_file};
use crate::scenario::ron_tree::{Kind, Value};
use crate::scenario::{Secs, format_secs};

#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// In file order; the player sorts them by time.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// 1-based, in file order: how a rejected step is named.
    pub number: usize,
    pub line: usize,
    pub col: usize,
    pub at: Secs,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    Respond {
        team: String,
        action: String,
        /// Field name → text, in the file's order.
        fields: Vec<(String, String)>,
        note: Option<String>,
        /// The inject it answers.
        inject: Option<String>,
        /// The message number it answers.
        message: Option<u64>,
    },
    Release {
        inject: String,
    },
    Note {
        team: Option<String>,
        kind: NoteKind,
        text: String,
    },
    /// A free hotline message.
    Say {
        team: String,
        /// `None`: every other team.
        to: Option<Vec<String>>,
        text: String,
        /// The message it answers.
        in_reply_to: Option<u64>,
    },
    End,
}

const STEP_FORMS: &str = "`Respond(...)`, `Release(...)`, `Note(...)`, `Say(...)` or `End(...)`";

/// Reads a script; `file` is only used to name the file in diagnostics.
pub fn load_script(file: &str, source: &str) -> Result<Script, Vec<Diagnostic>> {
    let map = SourceMap::new(file, source);
    let tree = parse_file(&map, source)?;
    let mut errors = Errors::default();
    let script = read_script(&mut errors, &map, &tree);
    match script {
        Some(script) if errors.is_empty() => Ok(script),
        _ => Err(errors.into_diagnostics(&map)),
    }
}

fn read_script(errors: &mut Errors, map: &SourceMap, tree: &Value) -> Option<Script> {
    let f = errors.fields(tree, "Script", "the script", &["seed", "steps"], &["steps"])?;
    let seed = f
        .optional("seed")
        .and_then(|v| errors.whole_number(v, "seed"));
    let values = errors.list(f.required("steps")?, "steps")?;
    // Each step read, with the offsets of its `at` value and of the step.
    let mut read = Vec::with_capacity(values.len());
    for (n, value) in values.iter().enumerate() {
        if let Some((step, at_offset)) = read_step(errors, value, n + 1, map) {
            read.push((step, at_offset, value.at));
        }
    }
    let mut ends = read.iter().filter(|(step, ..)| step.kind == StepKind::End);
    let end = ends.next().map(|(step, ..)| step.at);
    for (_, _, step_offset) in ends {
        errors.push(*step_offset, "a script has at most one `End`");
    }
    if let Some(end) = end {
        for (step, at_offset, _) in read
            .iter()
            .filter(|(step, ..)| step.kind != StepKind::End && step.at > end)
        {
            let message = format!(
                "step at {} comes after the script's `End` at {}",
                format_secs(step.at),
                format_secs(end)
            );
            errors.push(*at_offset, message);
        }
    }
    let steps = read.into_iter().map(|(step, ..)| step).collect();
    Some(Script { seed, steps })
}

/// One step, and the offset of its `at` value.
fn read_step(
    errors: &mut Errors,
    value: &Value,
    number: usize,
    map: &SourceMap,
) -> Option<(Step, usize)> {
    let name = match &value.kind {
        Kind::Struct {
            name: Some(name), ..
        } => name.as_str(),
        other => {
            errors.push(
                value.at,
                format!("expected a step: {STEP_FORMS}, found {}", other.describe()),
            );
            return None;
        }
    };
    let (allowed, required): (&[&str], &[&str]) = match name {
        "Respond" => (
            &[
                "at", "team", "action", "fields", "note", "inject", "message",
            ],
            &["at", "team", "action"],
        ),
        "Release" => (&["at", "inject"], &["at", "inject"]),
        "Note" => (&["at", "team", "kind", "text"], &["at", "kind", "text"]),
        "Say" => (
            &["at", "team", "to", "text", "in_reply_to"],
            &["at", "team", "text"],
        ),
        "End" => (&["at"], &["at"]),
        other => {
            errors.push(
                value.at,
                format!("unknown step `{other}`: expected {STEP_FORMS}"),
            );
            return None;
        }
    };
    let what = format!("a `{name}` step");
    let f = errors.fields(value, name, &what, allowed, required)?;
    let at_value = f.required("at");
    let at = at_value.and_then(|v| errors.duration(v, "at"));
    // Every field is read before any is given up on, so that each mistake is reported.
    let kind = match name {
        "Respond" => {
            let team = string(errors, &f, "team");
            let action = string(errors, &f, "action");
            let fields = f
                .optional("fields")
                .map_or(Some(Vec::new()), |v| response_fields(errors, v));
            let note = optional_string(errors, &f, "note");
            let inject = optional_string(errors, &f, "inject");
            let message = f
                .optional("message")
                .map_or(Some(None), |v| message_number(errors, v).map(Some));
            StepKind::Respond {
                team: team?,
                action: action?,
                fields: fields?,
                note: note?,
                inject: inject?,
                message: message?,
            }
        }
        "Release" => StepKind::Release {
            inject: string(errors, &f, "inject")?,
        },
        "Say" => {
            let team = string(errors, &f, "team");
            let to = f.optional("to").map_or(Some(None), |v| {
                errors
                    .string_list(v, "to")
                    .map(|list| Some(list.into_iter().map(|s| s.value).collect()))
            });
            let text = string(errors, &f, "text");
            let in_reply_to = f
                .optional("in_reply_to")
                .map_or(Some(None), |v| message_number(errors, v).map(Some));
            StepKind::Say {
                team: team?,
                to: to?,
                text: text?,
                in_reply_to: in_reply_to?,
            }
        }
        "Note" => {
            let team = optional_string(errors, &f, "team");
            let kind = f.required("kind").and_then(|v| note_kind(errors, v));
            let text = string(errors, &f, "text");
            StepKind::Note {
                team: team?,
                kind: kind?,
                text: text?,
            }
        }
        _ => StepKind::End,
    };
    let (line, col) = map.line_col(value.at);
    Some((
        Step {
            number,
            line,
            col,
            at: at?,
            kind,
        },
        at_value?.at,
    ))
}

fn string(errors: &mut Errors, f: &Fields, name: &str) -> Option<String> {
    errors.string(f.required(name)?, name)
}

/// Outer `None` when the field was written but unreadable (already reported).
fn optional_string(errors: &mut Errors, f: &Fields, name: &str) -> Option<Option<String>> {
    match f.optional(name) {
        None => Some(None),
        Some(v) => errors.string(v, name).map(Some),
    }
}

fn message_number(errors: &mut Errors, v: &Value) -> Option<u64> {
    match errors.whole_number(v, "message")? {
        0 => {
            errors.push(v.at, "`message`: messages are numbered from 1");
            None
        }
        n => Some(n),
    }
}

fn note_kind(errors: &mut Errors, v: &Value) -> Option<NoteKind> {
    match &v.kind {
        Kind::Unit(n) if n == "Strength" => Some(NoteKind::Strength),
        Kind::Unit(n) if n == "Improvement" => Some(NoteKind::Improvement),
        other => {
            errors.push(
                v.at,
                format!(
                    "`kind`: expected `Strength` or `Improvement`, found {}",
                    other.describe()
                ),
            );
            None
        }
    }
}

/// `{"field": "text", ...}`, in the file's order; a field given twice is an error.
fn response_fields(errors: &mut Errors, v: &Value) -> Option<Vec<(String, String)>> {
    let Kind::Map(entries) = &v.kind else {
        errors.push(
            v.at,
            format!(
                "`fields`: expected a map `{{\"field\": \"text\"}}`, found {}",
                v.kind.describe()
            ),
        );
        return None;
    };
    let mut fields: Vec<(String, String)> = Vec::with_capacity(entries.len());
    let mut readable = true;
    for (key, text) in entries {
        let (Some(name), Some(text)) =
            (errors.string(key, "fields"), errors.string(text, "fields"))
        else {
            readable = false;
            continue;
        };
        if fields.iter().any(|(n, _)| *n == name) {
            errors.push(key.at, format!("field `{name}` is given twice"));
            readable = false;
        } else {
            fields.push((name, text));
        }
    }
    readable.then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../tests/fixtures/phishing-example/script.ron");

    fn errors(source: &str) -> Vec<String> {
        match load_script("script.ron", source) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .iter()
                .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
                .collect(),
        }
    }

    #[test]
    fn example_script_loads_in_file_order() {
        let script = load_script("script.ron", EXAMPLE).unwrap();
        assert_eq!(script.seed, None);
        assert_eq!(script.steps.len(), 13);
        let first = &script.steps[0];
        assert_eq!(
            (first.number, first.line, first.col, first.at),
            (1, 3, 9, 300)
        );
        let report = &script.steps[4];
        assert_eq!(report.at, 3600);
        assert_eq!(
            report.kind,
            StepKind::Respond {
                team: "soc".into(),
                action: "report".into(),
                fields: vec![
                    (
                        "summary".into(),
                        "Credential phishing, fake password expiry".into()
                    ),
                    ("indicators".into(), " ".into())
                ],
                note: None,
                inject: Some("mail-wave".into()),
                message: None,
            }
        );
        assert_eq!(
            script.steps[8].kind,
            StepKind::Release {
                inject: "press".into()
            }
        );
        assert_eq!(
            script.steps[10].kind,
            StepKind::Note {
                team: None,
                kind: NoteKind::Improvement,
                text: "The report to the CERT lacked indicators".into()
            }
        );
        assert!(matches!(
            &script.steps[11].kind,
            StepKind::Respond {
                message: Some(1),
                ..
            }
        ));
        assert_eq!(
            (
                script.steps[12].number,
                script.steps[12].at,
                &script.steps[12].kind
            ),
            (13, 14_400, &StepKind::End)
        );
    }

    #[test]
    fn reports_every_bad_step() {
        let source = r#"Script(
    seed: 7,
    steps: [
        Respond(at: "5x", team: "us", action: "ack"),
        Jump(at: "1m"),
        Note(at: "2m", kind: Great, text: "t"),
        Respond(at: "3m", team: "us", action: "a", fields: {"f": "1", "f": "2"}, message: 0, extra: 1),
        Release(at: "4m"),
        End(at: "1h"),
        End(at: "2h"),
        "step",
    ],
)"#;
        let grammar = "expected whole numbers with units d, h, m, s, largest first, each at most once, \
                       such as \"90s\", \"15m\", \"1h30m\", \"1h 30m\", \"2d\" or \"0m\"";
        assert_eq!(
            errors(source),
            vec![
                format!("4:21: `at`: malformed duration \"5x\": {grammar}"),
                "5:9: unknown step `Jump`: expected `Respond(...)`, `Release(...)`, `Note(...)`, `Say(...)` or `End(...)`".into(),
                "6:30: `kind`: expected `Strength` or `Improvement`, found `Great`".into(),
                "7:71: field `f` is given twice".into(),
                "7:91: `message`: messages are numbered from 1".into(),
                "7:94: unknown field `extra` in a `Respond` step (fields: at, team, action, fields, note, inject, message)"
                    .into(),
                "8:9: missing field `inject` in a `Release` step".into(),
                "10:9: a script has at most one `End`".into(),
                "11:9: expected a step: `Respond(...)`, `Release(...)`, `Note(...)`, `Say(...)` or `End(...)`, found a string".into(),
            ]
        );
    }

    #[test]
    fn a_step_later_than_end_is_an_error_wherever_it_is_written() {
        let source = r#"Script(steps: [Release(at: "5h", inject: "x"), End(at: "4h"), Release(at: "4h", inject: "y")])"#;
        assert_eq!(
            errors(source),
            vec!["1:28: step at 5h comes after the script's `End` at 4h".to_string()]
        );
    }

    #[test]
    fn syntax_error_is_positioned() {
        assert_eq!(
            errors("Script(steps: [End(at: \"1h\")"),
            vec!["1:29: expected `,` or `]`, found end of file"]
        );
    }
}
