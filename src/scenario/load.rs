//! Loading a scenario file into the validated model, reporting every mistake of the file at once.
//!
//! Four steps, each in its own module: the RON text is read into a spanned tree
//! (`ron_file::parse`); the tree is read into the records of the file as written (`raw`, which
//! checks shapes and single values); names are resolved to indices and checked against each
//! other (`resolve`); then checks across the whole scenario run (`check`), including the
//! warnings that `ttx validate` shows. Whenever an error was reported the half-built model is
//! discarded, so placeholders never escape.

use super::check;
use super::model::Scenario;
use super::raw::RawScenario;
use super::resolve::Resolver;
use crate::ron_file::{
    Arena, Diagnostic, Errors, FromValue, Got, Kind, SourceMap, Value, parse_file,
};

pub const MAX_INJECTS: usize = 100_000;

/// Room kept in a journal's first line for everything but the scenario's source and title
/// (file name, digest, seed, speed, keys): far more than they take.
pub const JOURNAL_HEADER_ROOM: usize = 64 * 1024;

/// A scenario that loaded, and what `validate` warns about in it.
#[derive(Debug)]
pub struct Validated {
    pub scenario: Scenario,
    /// Legal but almost certainly not meant (docs/scenario-format.md, "Warnings").
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates a scenario; `file` is only used to name the file in diagnostics.
pub fn load_scenario(file: &str, source: &str) -> Result<Scenario, Vec<Diagnostic>> {
    load(file, source, Warnings::Skipped, None).map(|validated| validated.scenario)
}

/// The same, its tree read into `arena`, which is cleared (not freed) once the tree is read:
/// for a caller that reads another file next into the same arena.
pub fn load_scenario_in(
    file: &str,
    source: &str,
    arena: &mut Arena,
) -> Result<Scenario, Vec<Diagnostic>> {
    load(file, source, Warnings::Skipped, Some(arena)).map(|validated| validated.scenario)
}

/// Reads and validates a scenario, with its warnings.
pub fn validate_scenario(file: &str, source: &str) -> Result<Validated, Vec<Diagnostic>> {
    load(file, source, Warnings::Found, None)
}

/// Whether a load looks for what `validate` warns about, which nothing else shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Warnings {
    Found,
    Skipped,
}

fn load(
    file: &str,
    source: &str,
    warnings_wanted: Warnings,
    lent: Option<&mut Arena>,
) -> Result<Validated, Vec<Diagnostic>> {
    let map = SourceMap::new(file, source);
    let mut own = None;
    let arena = match lent {
        Some(arena) => arena,
        None => own.insert(Arena::new()),
    };
    let tree = parse_file(&map, source, arena)?;
    let mut errors = Errors::default();
    if too_many_injects(&mut errors, &tree) {
        return Err(errors.into_diagnostics(&map));
    }
    let raw = RawScenario::from_value(&tree, "", &mut errors);
    // The records own what they read: the tree, several times the file's size, is freed before
    // the model is built (a lent arena's pages are kept for its next file).
    arena.clear();
    drop(own);
    let Some(raw) = raw else {
        return Err(errors.into_diagnostics(&map));
    };
    let mut resolver = Resolver {
        errors: &mut errors,
        map: &map,
    };
    let Some(mut resolved) = resolver.scenario(&raw) else {
        return Err(errors.into_diagnostics(&map));
    };
    let raw_actions: Vec<_> = match &raw.actions {
        Got::Given(actions) => actions.0.iter().map(Got::given).collect(),
        _ => Vec::new(),
    };
    let raw_injects: Vec<_> = match &raw.injects {
        Got::Given(injects) => injects.value.0.iter().map(Got::given).collect(),
        _ => Vec::new(),
    };
    check::replies(&mut errors, &resolved, &raw_actions);
    check::cycles(&mut errors, &resolved, &raw_injects);
    journal_room(&mut errors, source, &resolved.scenario.title);
    if !errors.is_empty() {
        return Err(errors.into_diagnostics(&map));
    }
    let mut warnings = Errors::default();
    if warnings_wanted == Warnings::Found {
        check::warnings(
            &mut warnings,
            source,
            &resolved.scenario,
            &raw_injects,
            &resolved.waits_on,
        );
    }
    resolved.scenario.index = resolved.refs.into_index(&resolved.scenario);
    Ok(Validated {
        scenario: resolved.scenario,
        warnings: warnings.into_warnings(&map),
    })
}

/// Over `MAX_INJECTS` injects, the file is refused before any is read: one error, not one per
/// inject.
fn too_many_injects(errors: &mut Errors, tree: &Value) -> bool {
    let Kind::Struct { fields, .. } = &tree.kind else {
        return false;
    };
    let injects = fields.iter().find(|f| f.name == "injects");
    match injects.map(|f| &f.value.kind) {
        Some(Kind::List(items)) if items.len() > MAX_INJECTS => {
            let message = format!(
                "too many injects: {}, the limit is {MAX_INJECTS}",
                items.len()
            );
            errors.push(injects.map_or(0, |f| f.value.at()), message);
            true
        }
        _ => false,
    }
}

/// The length of a text once escaped as a JSON string, without its quotes: one more byte for
/// `"`, `\\` and the controls written `\n`, `\r`, `\t`, `\b`, `\f`; five more for any other
/// control (`\u001f`).
fn json_escaped_len(text: &str) -> usize {
    let mut len = text.len();
    // Counted in byte-sized tallies over blocks that cannot overflow them, a loop the compiler
    // vectorises: a match per byte took a twentieth of loading a big scenario.
    for block in text.as_bytes().chunks(usize::from(u8::MAX)) {
        let (mut quoted, mut controls, mut short) = (0u8, 0u8, 0u8);
        for &b in block {
            quoted += u8::from((b == b'"') | (b == b'\\'));
            controls += u8::from(b < 0x20);
            short +=
                u8::from((b == b'\n') | (b == b'\r') | (b == b'\t') | (b == 0x08) | (b == 0x0C));
        }
        // Every short escape is a control, so `controls - short` cannot underflow.
        len += usize::from(quoted) + usize::from(controls) + 4 * usize::from(controls - short);
    }
    len
}

/// A run copies the scenario's source, escaped, into its journal's first line, which a journal
/// reader refuses past `limits::MAX_LINE_BYTES`: a scenario that could not be resumed or
/// reported is refused here, before any exercise starts.
fn journal_room(errors: &mut Errors, source: &str, title: &str) {
    let needed = json_escaped_len(source) + json_escaped_len(title) + JOURNAL_HEADER_ROOM;
    if needed > crate::limits::MAX_LINE_BYTES {
        errors.push(
            0,
            format!(
                "scenario too large for its journal: the journal's first line would take {needed} \
                 bytes with the source escaped, the limit is {} (16 MiB); control characters and \
                 line breaks count several bytes each",
                crate::limits::MAX_LINE_BYTES
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::{ActionIx, InjectIx, ObjectiveIx, TeamIx};

    /// The index is the resolver's id lists, reused: it must find every item at its position,
    /// and hold nothing else.
    #[test]
    fn the_index_finds_every_item_by_its_id() {
        let source = include_str!("../../tests/fixtures/discussion/scenario.ron");
        let scenario = load_scenario("scenario.ron", source).unwrap();
        for (ix, team) in scenario.teams.iter().enumerate() {
            assert_eq!(scenario.team_ix(&team.id), Some(TeamIx(ix)));
        }
        for (ix, action) in scenario.actions.iter().enumerate() {
            assert_eq!(scenario.action_ix(&action.id), Some(ActionIx(ix)));
        }
        for (ix, inject) in scenario.injects.iter().enumerate() {
            assert_eq!(scenario.inject_ix(&inject.id), Some(InjectIx(ix)));
        }
        for (ix, objective) in scenario.objectives.iter().enumerate() {
            assert_eq!(scenario.objective_ix(&objective.id), Some(ObjectiveIx(ix)));
        }
        let questions: usize = scenario.modules.iter().map(|m| m.questions.len()).sum();
        for module in &scenario.modules {
            for question in &module.questions {
                let ix = scenario.question_ix(&question.id).unwrap();
                assert_eq!(scenario.question(ix).id, question.id);
            }
        }
        let index = &scenario.index;
        assert!(!scenario.objectives.is_empty() && questions > 0);
        assert_eq!(
            [
                index.teams.len(),
                index.actions.len(),
                index.injects.len(),
                index.objectives.len(),
                index.questions.len()
            ],
            [
                scenario.teams.len(),
                scenario.actions.len(),
                scenario.injects.len(),
                scenario.objectives.len(),
                questions
            ]
        );
    }

    #[test]
    fn escaped_length_counts_as_json_does() {
        // Every ASCII byte, over several blocks of the count.
        let every: String = (0u8..128).map(char::from).cycle().take(1000).collect();
        for text in [
            "plain",
            "a \"quote\" and \\",
            "lines\n\r\t",
            "\u{1}\u{1f}\u{7f}",
            "é ü",
            every.as_str(),
        ] {
            let json = serde_json::to_string(text).unwrap();
            assert_eq!(json_escaped_len(text), json.len() - 2, "{text:?}");
        }
    }
}
