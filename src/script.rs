//! Script files for headless play: loading only. Names are resolved against the scenario when the
//! script is played, so this checks syntax and shape.

use crate::engine::NoteKind;
use crate::ron_file::{
    Arena, Diagnostic, Each, Errors, FromValue, Got, Kind, SourceMap, Spanned, Value, parse_file,
    record,
};
use crate::scenario::duration::Duration;
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
        /// A clarification's insufficient fields of the request it names.
        insufficient: Vec<String>,
    },
    Release {
        inject: String,
    },
    Note {
        team: Option<String>,
        /// The objective the observation is evidence for.
        objective: Option<String>,
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
    /// A team's answer to a discussion question of the module current then (discussion.md).
    Answer {
        team: String,
        question: String,
        text: String,
    },
    /// An evaluator's judgement of a done expectation; it may follow `End`.
    Judge {
        /// The expectation's full id: `INJECT.ACTION@TEAM`, `msg-N.ACTION@TEAM`.
        expectation: String,
        /// `[]` takes an earlier judgement back.
        insufficient: Vec<String>,
        reason: Option<String>,
    },
}

const STEP_FORMS: &str = "`Respond(...)`, `Release(...)`, `Note(...)`, `Say(...)`, \
                          `Answer(...)`, `Judge(...)` or `End(...)`";

record! {
    struct RawScript as "Script", "the script" {
        seed: u64 = Optional,
        steps: Each<ReadStep> = Required,
    }
}

record! {
    struct RawRespond as "Respond", "a `Respond` step" {
        at: Spanned<Duration> = Required,
        team: String = Required,
        action: String = Required,
        fields: ResponseFields = Optional,
        note: String = Optional,
        inject: String = Optional,
        message: MessageNumber = Optional,
        insufficient: Vec<String> = Optional,
    }
}

record! {
    struct RawJudge as "Judge", "a `Judge` step" {
        at: Spanned<Duration> = Required,
        expectation: String = Required,
        insufficient: Vec<String> = Required,
        reason: String = Optional,
    }
}

record! {
    struct RawRelease as "Release", "a `Release` step" {
        at: Spanned<Duration> = Required,
        inject: String = Required,
    }
}

record! {
    struct RawNote as "Note", "a `Note` step" {
        at: Spanned<Duration> = Required,
        team: String = Optional,
        objective: String = Optional,
        kind: NoteKind = Required,
        text: String = Required,
    }
}

record! {
    struct RawSay as "Say", "a `Say` step" {
        at: Spanned<Duration> = Required,
        team: String = Required,
        to: Vec<String> = Optional,
        text: String = Required,
        in_reply_to: MessageNumber = Optional,
    }
}

record! {
    struct RawAnswer as "Answer", "an `Answer` step" {
        at: Spanned<Duration> = Required,
        team: String = Required,
        question: String = Required,
        text: String = Required,
    }
}

record! {
    struct RawEnd as "End", "an `End` step" {
        at: Spanned<Duration> = Required,
    }
}

/// Reads a script; `file` is only used to name the file in diagnostics.
pub fn load_script(file: &str, source: &str) -> Result<Script, Vec<Diagnostic>> {
    load_script_in(file, source, &mut Arena::for_text(source.len()))
}

/// The same, its tree read into `arena` (one that held the scenario's: its pages are already
/// written).
pub fn load_script_in(
    file: &str,
    source: &str,
    arena: &mut Arena,
) -> Result<Script, Vec<Diagnostic>> {
    let map = SourceMap::new(file, source);
    let tree = parse_file(&map, source, arena)?;
    let mut errors = Errors::default();
    let script = read_script(&mut errors, &map, &tree);
    match script {
        Some(script) if errors.is_empty() => Ok(script),
        _ => Err(errors.into_diagnostics(&map)),
    }
}

fn read_script(errors: &mut Errors, map: &SourceMap, tree: &Value) -> Option<Script> {
    let raw = RawScript::from_value(tree, "", errors)?;
    let seed = raw.seed.into_given();
    let Got::Given(steps) = raw.steps else {
        return None;
    };
    // Each step read, numbered in file order.
    let read: Vec<(usize, ReadStep)> = steps
        .0
        .into_iter()
        .enumerate()
        .filter_map(|(n, step)| step.into_given().map(|step| (n + 1, step)))
        .collect();
    let mut ends = read.iter().filter(|(_, step)| step.kind == StepKind::End);
    let end = ends.next().map(|(_, step)| step.at.value);
    for (_, step) in ends {
        errors.push(step.start, "a script has at most one `End`");
    }
    if let Some(end) = end {
        for (_, step) in read.iter().filter(|(_, step)| {
            !matches!(step.kind, StepKind::End | StepKind::Judge { .. }) && step.at.value > end
        }) {
            let message = format!(
                "step at {} comes after the script's `End` at {}",
                format_secs(step.at.value),
                format_secs(end)
            );
            errors.push(step.at.span, message);
        }
    }
    let mut steps: Vec<Step> = read
        .into_iter()
        .map(|(number, step)| {
            let (line, col) = map.line_col(step.start);
            Step {
                number,
                line,
                col,
                at: step.at.value,
                kind: step.kind,
            }
        })
        .collect();
    // Collected in place, the steps keep the allocation of the larger records they were read
    // into: twice their size, held while the whole script plays.
    steps.shrink_to_fit();
    Some(Script { seed, steps })
}

/// A step as read: what it does, its `at` with its span, and where the step starts.
#[derive(Debug, Clone, PartialEq)]
struct ReadStep {
    at: Spanned<Secs>,
    kind: StepKind,
    start: usize,
}

/// A step is read by the record its name selects; `None` when any of its fields is unreadable
/// (each mistake reported).
impl FromValue for ReadStep {
    fn from_value(value: &Value, _field: &str, errors: &mut Errors) -> Option<Self> {
        let name = match &value.kind {
            Kind::Struct {
                name: Some(name), ..
            } => *name,
            other => {
                errors.push(
                    value.span(),
                    format!("expected a step: {STEP_FORMS}, found {}", other.describe()),
                );
                return None;
            }
        };
        let (at, kind) = match name {
            "Respond" => {
                let step = RawRespond::from_value(value, "", errors)?;
                let kind = StepKind::Respond {
                    team: step.team.into_given()?,
                    action: step.action.into_given()?,
                    fields: given_or(step.fields, ResponseFields::default())?.0,
                    note: optional(step.note)?,
                    inject: optional(step.inject)?,
                    message: optional(step.message)?.map(|m| m.0),
                    insufficient: given_or(step.insufficient, Vec::new())?,
                };
                (step.at, kind)
            }
            "Judge" => {
                let step = RawJudge::from_value(value, "", errors)?;
                let kind = StepKind::Judge {
                    expectation: step.expectation.into_given()?,
                    insufficient: step.insufficient.into_given()?,
                    reason: optional(step.reason)?,
                };
                (step.at, kind)
            }
            "Release" => {
                let step = RawRelease::from_value(value, "", errors)?;
                let kind = StepKind::Release {
                    inject: step.inject.into_given()?,
                };
                (step.at, kind)
            }
            "Note" => {
                let step = RawNote::from_value(value, "", errors)?;
                let kind = StepKind::Note {
                    team: optional(step.team)?,
                    objective: optional(step.objective)?,
                    kind: step.kind.into_given()?,
                    text: step.text.into_given()?,
                };
                (step.at, kind)
            }
            "Say" => {
                let step = RawSay::from_value(value, "", errors)?;
                let kind = StepKind::Say {
                    team: step.team.into_given()?,
                    to: optional(step.to)?,
                    text: step.text.into_given()?,
                    in_reply_to: optional(step.in_reply_to)?.map(|m| m.0),
                };
                (step.at, kind)
            }
            "Answer" => {
                let step = RawAnswer::from_value(value, "", errors)?;
                let kind = StepKind::Answer {
                    team: step.team.into_given()?,
                    question: step.question.into_given()?,
                    text: step.text.into_given()?,
                };
                (step.at, kind)
            }
            "End" => (RawEnd::from_value(value, "", errors)?.at, StepKind::End),
            other => {
                errors.push(
                    value.span(),
                    format!(
                        "unknown step `{}`: expected {STEP_FORMS}",
                        other.escape_debug()
                    ),
                );
                return None;
            }
        };
        let at = at.into_given()?;
        Some(ReadStep {
            at: Spanned {
                value: at.value.0,
                span: at.span,
            },
            kind,
            start: value.at(),
        })
    }
}

/// An optional field: `Some(None)` when absent, `None` when unreadable (already reported).
fn optional<T>(field: Got<T>) -> Option<Option<T>> {
    match field {
        Got::Absent => Some(None),
        Got::Bad => None,
        Got::Given(value) => Some(Some(value)),
    }
}

fn given_or<T>(field: Got<T>, default: T) -> Option<T> {
    optional(field).map(|value| value.unwrap_or(default))
}

/// `message: N`, the number of the hotline message a response answers.
#[derive(Debug, Clone, PartialEq)]
struct MessageNumber(u64);

impl FromValue for MessageNumber {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match u64::from_value(value, field, errors)? {
            0 => {
                errors.push(
                    value.span(),
                    format!("`{field}`: messages are numbered from 1"),
                );
                None
            }
            n => Some(MessageNumber(n)),
        }
    }
}

impl FromValue for NoteKind {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match &value.kind {
            Kind::Unit(n) if *n == "Strength" => Some(NoteKind::Strength),
            Kind::Unit(n) if *n == "Improvement" => Some(NoteKind::Improvement),
            other => {
                errors.push(
                    value.span(),
                    format!(
                        "`{field}`: expected `Strength` or `Improvement`, found {}",
                        other.describe()
                    ),
                );
                None
            }
        }
    }
}

/// `{"field": "text", ...}`, in the file's order; a field given twice is an error.
#[derive(Debug, Clone, Default, PartialEq)]
struct ResponseFields(Vec<(String, String)>);

impl FromValue for ResponseFields {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        let Kind::Map(entries) = &value.kind else {
            errors.push(
                value.span(),
                format!(
                    "`{field}`: expected a map `{{\"field\": \"text\"}}`, found {}",
                    value.kind.describe()
                ),
            );
            return None;
        };
        let mut fields: Vec<(String, String)> = Vec::with_capacity(entries.len());
        let mut readable = true;
        for (key, text) in *entries {
            let (Some(name), Some(text)) = (
                String::from_value(key, field, errors),
                String::from_value(text, field, errors),
            ) else {
                readable = false;
                continue;
            };
            if fields.iter().any(|(n, _)| *n == name) {
                errors.push(key.span(), format!("field `{name}` is given twice"));
                readable = false;
            } else {
                fields.push((name, text));
            }
        }
        readable.then_some(ResponseFields(fields))
    }
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
                insufficient: Vec::new(),
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
                objective: None,
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
                "5:9: unknown step `Jump`: expected `Respond(...)`, `Release(...)`, `Note(...)`, `Say(...)`, `Answer(...)`, `Judge(...)` or `End(...)`".into(),
                "6:30: `kind`: expected `Strength` or `Improvement`, found `Great`".into(),
                "7:71: field `f` is given twice".into(),
                "7:91: `message`: messages are numbered from 1".into(),
                "7:94: unknown field `extra` in a `Respond` step (fields: at, team, action, fields, note, inject, message, insufficient)"
                    .into(),
                "8:9: missing field `inject` in a `Release` step".into(),
                "10:9: a script has at most one `End`".into(),
                "11:9: expected a step: `Respond(...)`, `Release(...)`, `Note(...)`, `Say(...)`, `Answer(...)`, `Judge(...)` or `End(...)`, found a string".into(),
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
