//! Typed reading of the spanned RON tree, collecting every error with its offset instead of
//! stopping at the first: shared by the scenario and the script loaders.

use super::diagnostic::{Diagnostic, SourceMap};
use super::duration::parse_duration;
use super::model::Secs;
use super::ron_tree::{Kind, Value};

/// The largest scenario or script file that is read at all.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// Reads a file's text into the spanned tree: a file over the size limit or with a syntax error
/// gets its one diagnostic.
pub fn parse_file(map: &SourceMap, source: &str) -> Result<Value, Vec<Diagnostic>> {
    if source.len() > MAX_SOURCE_BYTES {
        let message = format!(
            "file too large: {} bytes, the limit is {} MiB",
            source.len(),
            MAX_SOURCE_BYTES >> 20
        );
        return Err(vec![map.diagnostic(0, message)]);
    }
    super::ron_tree::parse(source).map_err(|e| vec![map.diagnostic(e.at, e.message)])
}

/// A value read from the file with the offset where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub at: usize,
}

/// At most this many errors are kept and shown: a hostile file with millions of mistakes must
/// not take millions of messages' memory, nor time to render each with its line.
pub const MAX_ERRORS: usize = 100;

/// The errors found so far, as (byte offset, message): the first `MAX_ERRORS`, then a count of
/// the ones dropped.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<(usize, String)>, pub usize);

/// The fields of one struct, checked against what that struct allows.
pub struct Fields<'v> {
    fields: Vec<(&'v str, &'v Value)>,
}

impl<'v> Fields<'v> {
    /// A field that was written; `Some(x)` reads as `x`, and `None` stays `None` so that a
    /// required field given as `None` gets a type error rather than passing silently.
    pub fn required(&self, name: &str) -> Option<&'v Value> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| unwrap_some(v))
    }

    /// An optional field: absent, or written as `None`, is `None`.
    pub fn optional(&self, name: &str) -> Option<&'v Value> {
        self.required(name)
            .filter(|v| !matches!(&v.kind, Kind::Unit(n) if n == "None"))
    }
}

/// `Some(x)` is `x`: RON's `implicit_some` is always on, and an explicit `Some` is accepted too.
fn unwrap_some(value: &Value) -> &Value {
    match &value.kind {
        Kind::Tuple {
            name: Some(n),
            items,
        } if n == "Some" && items.len() == 1 => &items[0],
        _ => value,
    }
}

/// Lists names for an error message, eliding the middle of a long list.
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 12;
    let mut names = names.into_iter();
    let shown: Vec<&str> = names.by_ref().take(SHOWN).collect();
    let rest = names.count();
    if shown.is_empty() {
        return "none".into();
    }
    if rest == 0 {
        return shown.join(", ");
    }
    format!("{}, ... ({} in all)", shown.join(", "), SHOWN + rest)
}

impl Errors {
    pub fn push(&mut self, at: usize, message: impl Into<String>) {
        if self.is_full() {
            self.1 += 1;
        } else {
            self.0.push((at, message.into()));
        }
    }

    /// Pushes an error whose message is costly to build (it lists names or finds a line):
    /// built only when it will be kept.
    pub fn push_with(&mut self, at: usize, message: impl FnOnce() -> String) {
        if self.is_full() {
            self.1 += 1;
        } else {
            self.0.push((at, message()));
        }
    }

    /// `MAX_ERRORS` are kept: later ones are only counted.
    pub fn is_full(&self) -> bool {
        self.0.len() >= MAX_ERRORS
    }

    /// The errors as diagnostics in file order, and a last one counting those not kept.
    pub fn into_diagnostics(self, map: &SourceMap) -> Vec<Diagnostic> {
        let Errors(errors, dropped) = self;
        let last = errors.iter().map(|(at, _)| *at).max().unwrap_or(0);
        let mut diagnostics = map.diagnostics(errors);
        if dropped > 0 {
            diagnostics.push(map.diagnostic(
                last,
                format!("{dropped} more errors not shown (only the first {MAX_ERRORS} are)"),
            ));
        }
        diagnostics
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn wrong_type(&mut self, value: &Value, field: &str, expected: &str) {
        self.push(
            value.at,
            format!(
                "`{field}`: expected {expected}, found {}",
                value.kind.describe()
            ),
        );
    }

    /// The fields of a struct written `Name(...)` or `(...)`: reports a wrong name, unknown or
    /// repeated fields (at the field) and missing required fields (at the struct's opening).
    /// `what` names the struct in messages ("an inject").
    pub fn fields<'v>(
        &mut self,
        value: &'v Value,
        name: &str,
        what: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<Fields<'v>> {
        let Kind::Struct {
            name: written,
            fields,
        } = &value.kind
        else {
            self.push(
                value.at,
                format!(
                    "expected {what} `{name}(...)`, found {}",
                    value.kind.describe()
                ),
            );
            return None;
        };
        if let Some(written) = written.as_deref().filter(|w| *w != name) {
            self.push(
                value.at,
                format!("expected {what} `{name}(...)` or `(...)`, found `{written}(...)`"),
            );
        }
        let mut seen: Vec<(&str, &Value)> = Vec::with_capacity(fields.len());
        for field in fields {
            if !allowed.contains(&field.name.as_str()) {
                self.push(
                    field.at,
                    format!(
                        "unknown field `{}` in {what} (fields: {})",
                        field.name,
                        allowed.join(", ")
                    ),
                );
            } else if seen.iter().any(|(n, _)| *n == field.name) {
                self.push(field.at, format!("field `{}` is given twice", field.name));
            } else {
                seen.push((&field.name, &field.value));
            }
        }
        for missing in required
            .iter()
            .filter(|r| !seen.iter().any(|(n, _)| n == *r))
        {
            self.push(value.at, format!("missing field `{missing}` in {what}"));
        }
        Some(Fields { fields: seen })
    }

    pub fn string(&mut self, value: &Value, field: &str) -> Option<String> {
        match &value.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                self.wrong_type(value, field, "a string");
                None
            }
        }
    }

    pub fn spanned_string(&mut self, value: &Value, field: &str) -> Option<Spanned<String>> {
        self.string(value, field).map(|s| Spanned {
            value: s,
            at: value.at,
        })
    }

    /// A number; integers are accepted where a number is (`weight: 2`).
    pub fn number(&mut self, value: &Value, field: &str) -> Option<f64> {
        match value.kind {
            Kind::Float(x) => Some(x),
            Kind::Int(i) => Some(i as f64),
            _ => {
                self.wrong_type(value, field, "a number");
                None
            }
        }
    }

    pub fn whole_number(&mut self, value: &Value, field: &str) -> Option<u64> {
        match value.kind {
            Kind::Int(i) => match u64::try_from(i) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.push(
                        value.at,
                        format!(
                            "`{field}`: expected a whole number from 0 to {}, found {i}",
                            u64::MAX
                        ),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(value, field, "a whole number");
                None
            }
        }
    }

    pub fn boolean(&mut self, value: &Value, field: &str) -> Option<bool> {
        match value.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(value, field, "`true` or `false`");
                None
            }
        }
    }

    pub fn duration(&mut self, value: &Value, field: &str) -> Option<Secs> {
        let text = self.string(value, field)?;
        parse_duration(&text)
            .map_err(|e| self.push(value.at, format!("`{field}`: {e}")))
            .ok()
    }

    pub fn list<'v>(&mut self, value: &'v Value, field: &str) -> Option<&'v [Value]> {
        match &value.kind {
            Kind::List(items) => Some(items),
            _ => {
                self.wrong_type(value, field, "a list `[...]`");
                None
            }
        }
    }

    /// A list of strings; `None` when the list or any item is unreadable (each reported).
    pub fn string_list(&mut self, value: &Value, field: &str) -> Option<Vec<Spanned<String>>> {
        let items = self.list(value, field)?;
        let read: Vec<_> = items
            .iter()
            .map(|item| self.spanned_string(item, field))
            .collect();
        read.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ron_tree::parse;

    #[test]
    fn some_and_none_read_as_optional() {
        let v = parse("(a: Some(\"x\"), b: None)").unwrap();
        let mut errors = Errors::default();
        let f = errors
            .fields(&v, "T", "a test", &["a", "b"], &["a"])
            .unwrap();
        assert_eq!(
            f.optional("a").map(|v| &v.kind),
            Some(&Kind::Str("x".into()))
        );
        assert!(f.optional("b").is_none());
        assert!(f.required("b").is_some());
        assert!(errors.is_empty());
    }

    #[test]
    fn reports_unknown_repeated_and_missing_fields() {
        let v = parse("Wrong(a: 1, a: 2, c: 3)").unwrap();
        let mut errors = Errors::default();
        errors.fields(&v, "T", "a test", &["a", "b"], &["a", "b"]);
        assert_eq!(
            errors.0,
            vec![
                (
                    0,
                    "expected a test `T(...)` or `(...)`, found `Wrong(...)`".to_string()
                ),
                (12, "field `a` is given twice".to_string()),
                (18, "unknown field `c` in a test (fields: a, b)".to_string()),
                (0, "missing field `b` in a test".to_string()),
            ]
        );
    }

    #[test]
    fn long_name_lists_are_elided() {
        let names: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let text = list_names(names.iter().map(String::as_str));
        assert!(text.ends_with("11, ... (20 in all)"), "{text}");
        assert_eq!(list_names([]), "none");
    }
}
