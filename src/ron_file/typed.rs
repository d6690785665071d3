//! The typed layer over the spanned tree: each record of a file format is declared once with
//! `record!`, which gives both its Rust struct and its field table, so the fields a record allows,
//! the ones it requires and how each is read can never disagree. Reading collects every mistake
//! (unknown, missing, repeated and mistyped fields, bad values) with its span instead of stopping
//! at the first; a field that could not be read is `Got::Bad`, so later checks can skip what
//! depends on it and one mistake gives one error.

use super::diagnostic::{Diagnostic, Severity, SourceMap};
use super::parse::{Arena, Kind, Span, Value};
use compact_str::CompactString;
use smallvec::{SmallVec, smallvec};

/// The largest scenario or script file that is read at all.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// A file's bytes as text: UTF-8, with or without a byte-order mark. A UTF-16 file (as some
/// Windows editors save) is named as such, and any other file that is not UTF-8 gets the line
/// and column of its first bad byte.
pub fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = match bytes.as_slice() {
        [0xFF, 0xFE, ..] => Some("UTF-16 (little-endian, with a byte-order mark)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 (big-endian, with a byte-order mark)"),
        [a, 0, ..] if *a != 0 => Some("UTF-16 (little-endian)"),
        [0, b, ..] if *b != 0 => Some("UTF-16 (big-endian)"),
        _ => None,
    };
    match (String::from_utf8(bytes), utf16) {
        (Ok(text), None) => Ok(text),
        (_, Some(encoding)) => Err(format!(
            "the file is {encoding} text; ttx reads UTF-8: save it as UTF-8"
        )),
        (Err(e), None) => {
            let good = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..good).unwrap_or_default();
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |n| n + 1);
            let col = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
                .chars()
                .count()
                + 1;
            Err(format!(
                "not UTF-8 text: a byte at line {line}, column {col} is not UTF-8; save the file \
                 as UTF-8"
            ))
        }
    }
}

/// Reads a file's text into the spanned tree, kept in `arena`: a file over the size limit or with
/// a syntax error gets its one diagnostic. A UTF-8 byte-order mark at the start is skipped
/// (editors on Windows write one); positions still count from the file's first byte.
pub fn parse_file<'s>(
    map: &SourceMap,
    source: &'s str,
    arena: &'s Arena,
) -> Result<Value<'s>, Vec<Diagnostic>> {
    if source.len() > MAX_SOURCE_BYTES {
        let message = format!(
            "file too large: {} bytes, the limit is {} MiB",
            source.len(),
            MAX_SOURCE_BYTES >> 20
        );
        return Err(vec![map.diagnostic(0, message)]);
    }
    let bom = if source.starts_with('\u{FEFF}') { 3 } else { 0 };
    let text = source.get(bom..).unwrap_or_default();
    super::parse::parse_at(text, bom, arena)
        .map_err(|e| vec![map.diagnostic(e.at + bom, e.message)])
}

/// A value read from the file with the span where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Where the value starts.
    pub fn at(&self) -> usize {
        self.span.start()
    }
}

/// How a field of a record was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Got<T> {
    /// Not written, or written `None` where that means "not given". A missing required field
    /// was reported.
    Absent,
    /// Written but unreadable: reported.
    Bad,
    Given(T),
}

impl<T> Got<T> {
    pub fn given(&self) -> Option<&T> {
        match self {
            Got::Given(value) => Some(value),
            _ => None,
        }
    }

    pub fn into_given(self) -> Option<T> {
        match self {
            Got::Given(value) => Some(value),
            _ => None,
        }
    }

    /// The value, or `default` when absent or unreadable.
    pub fn or(self, default: T) -> T {
        self.into_given().unwrap_or(default)
    }

    pub fn is_bad(&self) -> bool {
        matches!(self, Got::Bad)
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Got::Absent)
    }

    pub fn as_ref(&self) -> Got<&T> {
        match self {
            Got::Absent => Got::Absent,
            Got::Bad => Got::Bad,
            Got::Given(value) => Got::Given(value),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Got<U> {
        match self {
            Got::Absent => Got::Absent,
            Got::Bad => Got::Bad,
            Got::Given(value) => Got::Given(f(value)),
        }
    }
}

impl<T: Default> Got<T> {
    /// The value, or the type's default when absent or unreadable (a placeholder: a file with
    /// an error never gives a model).
    pub fn or_default(self) -> T {
        self.into_given().unwrap_or_default()
    }
}

/// Whether a record's field must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
}

/// A type that a field's value can be read into.
pub trait FromValue: Sized {
    /// Reads the value of `field`; `None` when it is unreadable, each mistake reported.
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self>;
}

/// Declares a record of a file format once: its struct, with every field a `Got<T>` and the
/// record's own span, its field table, and how it is read from a `Name(field: value, ...)`.
///
/// ```ignore
/// record! {
///     /// A team as written.
///     pub struct RawTeam as "Team", "a team" {
///         id: Spanned<String> = Required,
///         summary: String = Optional,
///     }
/// }
/// ```
macro_rules! record {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident as $ron_name:literal, $what:literal {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty = $presence:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        $vis struct $name {
            /// Where the record is written.
            pub span: $crate::ron_file::Span,
            $( $(#[$field_meta])* pub $field: $crate::ron_file::Got<$ty>, )*
        }

        impl $name {
            /// Every field the record allows, in the order the documentation lists them.
            pub const FIELDS: &'static [(&'static str, $crate::ron_file::Presence)] =
                &[$( ($crate::ron_file::typed::key(stringify!($field)), $crate::ron_file::Presence::$presence) ),*];
        }

        impl $crate::ron_file::FromValue for $name {
            fn from_value(
                value: &$crate::ron_file::Value,
                _field: &str,
                errors: &mut $crate::ron_file::Errors,
            ) -> Option<Self> {
                let fields = errors.fields(value, $ron_name, $what, Self::FIELDS)?;
                // The struct's fields are read in the table's order, so each takes the next
                // slot: no field is looked up by name.
                let mut slots = fields.in_order();
                Some($name {
                    span: value.span(),
                    $( $field: $crate::ron_file::typed::read_slot(
                        slots.next().flatten(),
                        $crate::ron_file::typed::key(stringify!($field)),
                        $crate::ron_file::Presence::$presence,
                        errors,
                    ), )*
                })
            }
        }
    };
}
pub(crate) use record;

/// A record field's key in the file: a Rust keyword is declared as a raw identifier (`r#ref`),
/// and written in the file without the `r#`.
pub const fn key(field: &'static str) -> &'static str {
    match field.as_bytes() {
        [b'r', b'#', ..] => field.split_at(2).1,
        _ => field,
    }
}

/// At most this many errors are kept and shown: a hostile file with millions of mistakes must
/// not take millions of messages' memory, nor time to render each with its line.
pub const MAX_ERRORS: usize = 100;

/// The errors (or warnings) found so far, as (span, message): the first `MAX_ERRORS`, then a
/// count of the ones dropped.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<(Span, String)>, pub usize);

/// The fields of one record as written, checked against what the record allows: the value
/// written for each field of the table, in the table's order (`None` when not written).
pub struct Fields<'v, 's> {
    table: &'v [(&'v str, Presence)],
    slots: Slots<'v, 's>,
}

/// Kept inline up to the longest record's table (a scenario's 15 fields): reading a record then
/// takes no allocation, where a `Vec` took one per inject and per expectation.
type Slots<'v, 's> = SmallVec<[Option<&'v Value<'s>>; 16]>;

impl<'v, 's> Fields<'v, 's> {
    /// A field as written; `Some(x)` reads as `x` (RON's `implicit_some` is always on, and an
    /// explicit `Some` is accepted too).
    pub fn get(&self, name: &str) -> Option<&'v Value<'s>> {
        self.written(name).map(unwrap_some)
    }

    /// The value written for the field `name` of the table, as it was written.
    fn written(&self, name: &str) -> Option<&'v Value<'s>> {
        let slot = self.table.iter().position(|(n, _)| *n == name)?;
        self.slots.get(slot).copied().flatten()
    }

    /// An optional field as written: absent, or written `None`, is `None`.
    pub fn get_optional(&self, name: &str) -> Option<&'v Value<'s>> {
        self.get(name)
            .filter(|v| !matches!(&v.kind, Kind::Unit(n) if *n == "None"))
    }

    /// Reads a field: an optional field written `None` is absent, while a required one written
    /// `None` gets a type error rather than passing silently.
    pub fn read<T: FromValue>(
        &self,
        name: &str,
        presence: Presence,
        errors: &mut Errors,
    ) -> Got<T> {
        read_slot(self.written(name), name, presence, errors)
    }

    /// The value written for each field of the table, in the table's order.
    pub fn in_order(self) -> impl Iterator<Item = Option<&'v Value<'s>>> {
        self.slots.into_iter()
    }
}

/// Reads the value written for a field (`None`: not written), as `Fields::read` does.
pub fn read_slot<T: FromValue>(
    value: Option<&Value>,
    name: &str,
    presence: Presence,
    errors: &mut Errors,
) -> Got<T> {
    let value = value.map(unwrap_some).filter(|v| {
        presence == Presence::Required || !matches!(&v.kind, Kind::Unit(n) if *n == "None")
    });
    match value {
        None => Got::Absent,
        Some(value) => match T::from_value(value, name, errors) {
            Some(read) => Got::Given(read),
            None => Got::Bad,
        },
    }
}

/// `Some(x)` is `x`.
fn unwrap_some<'v, 's>(value: &'v Value<'s>) -> &'v Value<'s> {
    match &value.kind {
        Kind::Tuple {
            name: Some(n),
            items,
        } if *n == "Some" && items.len() == 1 => &items[0],
        _ => value,
    }
}

/// How many names `list_names` shows before eliding the rest.
pub const SHOWN_NAMES: usize = 12;

/// Lists names for an error message, eliding the middle of a long list.
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names = names.into_iter();
    let shown: Vec<&str> = names.by_ref().take(SHOWN_NAMES).collect();
    let total = shown.len() + names.count();
    list_first_names(shown, total)
}

/// Lists a list of `total` names as `list_names` does, given only its first `SHOWN_NAMES`: a
/// long list need not be kept whole for the message.
pub fn list_first_names<'a>(shown: impl IntoIterator<Item = &'a str>, total: usize) -> String {
    let shown: Vec<&str> = shown.into_iter().take(SHOWN_NAMES).collect();
    if shown.is_empty() {
        return "none".into();
    }
    if total <= shown.len() {
        return shown.join(", ");
    }
    format!("{}, ... ({total} in all)", shown.join(", "))
}

impl Errors {
    pub fn push(&mut self, span: impl Into<Span>, message: impl Into<String>) {
        if self.is_full() {
            self.1 += 1;
        } else {
            self.0.push((span.into(), message.into()));
        }
    }

    /// Pushes an error whose message is costly to build (it lists names or finds a line):
    /// built only when it will be kept.
    pub fn push_with(&mut self, span: impl Into<Span>, message: impl FnOnce() -> String) {
        if self.is_full() {
            self.1 += 1;
        } else {
            self.0.push((span.into(), message()));
        }
    }

    /// `MAX_ERRORS` are kept: later ones are only counted.
    pub fn is_full(&self) -> bool {
        self.0.len() >= MAX_ERRORS
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors as diagnostics in file order, and a last one counting those not kept.
    pub fn into_diagnostics(self, map: &SourceMap) -> Vec<Diagnostic> {
        self.into_severity(map, Severity::Error)
    }

    /// The same, as warnings.
    pub fn into_warnings(self, map: &SourceMap) -> Vec<Diagnostic> {
        self.into_severity(map, Severity::Warning)
    }

    fn into_severity(self, map: &SourceMap, severity: Severity) -> Vec<Diagnostic> {
        let Errors(found, dropped) = self;
        let last = found
            .iter()
            .map(|(span, _)| span.start())
            .max()
            .unwrap_or(0);
        let mut diagnostics = map.diagnostics(found, severity);
        if dropped > 0 {
            let what = match severity {
                Severity::Error => "errors",
                Severity::Warning => "warnings",
            };
            diagnostics.push(map.point(
                last,
                format!("{dropped} more {what} not shown (only the first {MAX_ERRORS} are)"),
                severity,
            ));
        }
        diagnostics
    }

    pub fn wrong_type(&mut self, value: &Value, field: &str, expected: &str) {
        self.push(
            value.span(),
            format!(
                "`{field}`: expected {expected}, found {}",
                value.kind.describe()
            ),
        );
    }

    /// The fields of a record written `Name(...)` or `(...)`: reports a wrong name, unknown or
    /// repeated fields (at the field) and missing required fields (at the record's opening).
    /// `what` names the record in messages ("an inject").
    pub fn fields<'v, 's>(
        &mut self,
        value: &'v Value<'s>,
        name: &str,
        what: &str,
        table: &'v [(&'v str, Presence)],
    ) -> Option<Fields<'v, 's>> {
        let Kind::Struct {
            name: written,
            fields,
        } = &value.kind
        else {
            self.push(
                value.span(),
                format!(
                    "expected {what} `{name}(...)`, found {}",
                    value.kind.describe()
                ),
            );
            return None;
        };
        if let Some(written) = written.as_deref().filter(|w| *w != name) {
            self.push(
                value.at(),
                format!(
                    "expected {what} `{name}(...)` or `(...)`, found `{}(...)`",
                    written.escape_debug()
                ),
            );
        }
        let mut slots: Slots<'v, 's> = smallvec![None; table.len()];
        // Fields are mostly written in the table's order: the search for each starts after the
        // one found before, so it usually ends at its first comparison.
        let mut next = 0;
        for field in *fields {
            let found = (next..table.len())
                .chain(0..next)
                .find(|&slot| table.get(slot).is_some_and(|(n, _)| *n == field.name));
            match found {
                None => {
                    let allowed: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
                    self.push(
                        field.name_span(),
                        format!(
                            "unknown field `{}` in {what} (fields: {})",
                            field.name.escape_debug(),
                            allowed.join(", ")
                        ),
                    );
                }
                Some(slot) if slots.get(slot).is_some_and(Option::is_some) => {
                    self.push(
                        field.name_span(),
                        format!("field `{}` is given twice", field.name),
                    );
                }
                Some(slot) => {
                    if let Some(empty) = slots.get_mut(slot) {
                        *empty = Some(&field.value);
                    }
                    next = slot + 1;
                }
            }
        }
        for ((missing, presence), slot) in table.iter().zip(&slots) {
            if *presence == Presence::Required && slot.is_none() {
                self.push(value.at(), format!("missing field `{missing}` in {what}"));
            }
        }
        Some(Fields { table, slots })
    }
}

/// Any value, by where it is written: for a reader outside the file's own format, which reads
/// it again from the text there (a scenario's `profile`, read by `ttx simulate`).
impl FromValue for Span {
    fn from_value(value: &Value, _field: &str, _errors: &mut Errors) -> Option<Self> {
        Some(value.span())
    }
}

impl FromValue for String {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        string(value, field, errors).map(str::to_string)
    }
}

/// A short text (an id, a reference) read without an allocation when it fits inline.
impl FromValue for CompactString {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        string(value, field, errors).map(CompactString::from)
    }
}

impl<T: FromValue> FromValue for Spanned<T> {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        T::from_value(value, field, errors).map(|read| Spanned {
            value: read,
            span: value.span(),
        })
    }
}

/// A list, all or nothing: `None` when the list or any item is unreadable (each reported).
impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        let items = list(value, field, errors)?;
        // Every item is read, so that each mistake is reported, into the list kept if all were
        // readable: one pass, with no list of `Option`s between.
        let mut read = Vec::with_capacity(items.len());
        let mut complete = true;
        for item in items {
            match T::from_value(item, field, errors) {
                Some(item) => read.push(item),
                None => complete = false,
            }
        }
        complete.then_some(read)
    }
}

/// A list whose items are read one by one: an unreadable item (reported) is `Bad` and the
/// others stay usable.
#[derive(Debug, Clone, PartialEq)]
pub struct Each<T>(pub Vec<Got<T>>);

impl<T> Each<T> {
    /// The items that could be read.
    pub fn readable(&self) -> impl Iterator<Item = &T> {
        self.0.iter().filter_map(Got::given)
    }

    /// Whether every item could be read.
    pub fn complete(&self) -> bool {
        self.0.iter().all(|item| !item.is_bad())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> Default for Each<T> {
    fn default() -> Self {
        Each(Vec::new())
    }
}

impl<T: FromValue> FromValue for Each<T> {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        let items = list(value, field, errors)?;
        Some(Each(
            items
                .iter()
                .map(|item| match T::from_value(item, field, errors) {
                    Some(read) => Got::Given(read),
                    None => Got::Bad,
                })
                .collect(),
        ))
    }
}

/// A string value's text, as the tree holds it: borrowed from the file, or from the arena where
/// an escape was decoded.
pub fn string<'s>(value: &Value<'s>, field: &str, errors: &mut Errors) -> Option<&'s str> {
    match value.kind {
        Kind::Str(s) => Some(s),
        _ => {
            errors.wrong_type(value, field, "a string");
            None
        }
    }
}

pub fn list<'v, 's>(
    value: &'v Value<'s>,
    field: &str,
    errors: &mut Errors,
) -> Option<&'v [Value<'s>]> {
    match &value.kind {
        Kind::List(items) => Some(items),
        _ => {
            errors.wrong_type(value, field, "a list `[...]`");
            None
        }
    }
}

/// A finite number; integers are accepted where a number is (`weight: 2`).
impl FromValue for f64 {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match value.kind {
            Kind::Float(x) if x.is_finite() => Some(x),
            Kind::Float(x) => {
                errors.push(
                    value.span(),
                    format!("`{field}`: expected a finite number, found {x}"),
                );
                None
            }
            Kind::Int(i) => Some(i.get() as f64),
            _ => {
                errors.wrong_type(value, field, "a number");
                None
            }
        }
    }
}

impl FromValue for u64 {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match value.kind {
            Kind::Int(i) => match u64::try_from(i.get()) {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(
                        value.span(),
                        format!(
                            "`{field}`: expected a whole number from 0 to {}, found {}",
                            u64::MAX,
                            i.get()
                        ),
                    );
                    None
                }
            },
            _ => {
                errors.wrong_type(value, field, "a whole number");
                None
            }
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        match value.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                errors.wrong_type(value, field, "`true` or `false`");
                None
            }
        }
    }
}

/// A number greater than 0 (`speed`, `weight`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Positive(pub f64);

impl FromValue for Positive {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        let x = f64::from_value(value, field, errors)?;
        if x > 0.0 {
            return Some(Positive(x));
        }
        errors.push(
            value.span(),
            format!("`{field}` must be greater than 0, found {x}"),
        );
        None
    }
}

/// A share in 0..=1 (`chance`, `late_credit`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(pub f64);

impl FromValue for Share {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        let x = f64::from_value(value, field, errors)?;
        if (0.0..=1.0).contains(&x) {
            return Some(Share(x));
        }
        errors.push(
            value.span(),
            format!("`{field}` must be between 0 and 1, found {x}"),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ron_file::parse::parse;

    record! {
        struct Probe as "T", "a test" {
            a: String = Required,
            b: String = Required,
            c: Positive = Optional,
        }
    }

    fn read(src: &str) -> (Option<Probe>, Vec<(usize, String)>) {
        let arena = Arena::new();
        let value = parse(src, &arena).unwrap();
        let mut errors = Errors::default();
        let probe = Probe::from_value(&value, "", &mut errors);
        let found = errors.0.into_iter().map(|(s, m)| (s.start(), m)).collect();
        (probe, found)
    }

    #[test]
    fn some_and_none_read_as_optional() {
        let (probe, errors) = read("(a: Some(\"x\"), b: \"y\", c: None)");
        let probe = probe.unwrap();
        assert_eq!(probe.a, Got::Given("x".to_string()));
        assert_eq!(probe.c, Got::Absent);
        assert!(errors.is_empty());
        // A required field written `None` is a type error.
        let (probe, errors) = read("(a: None, b: \"y\")");
        assert_eq!(probe.unwrap().a, Got::Bad);
        assert_eq!(
            errors,
            vec![(4, "`a`: expected a string, found `None`".into())]
        );
    }

    #[test]
    fn reports_unknown_repeated_missing_and_mistyped_fields_in_one_run() {
        let (probe, errors) = read("Wrong(a: 1, a: 2, d: 3, c: -1)");
        assert_eq!(
            errors,
            vec![
                (
                    0,
                    "expected a test `T(...)` or `(...)`, found `Wrong(...)`".to_string()
                ),
                (12, "field `a` is given twice".to_string()),
                (
                    18,
                    "unknown field `d` in a test (fields: a, b, c)".to_string()
                ),
                (0, "missing field `b` in a test".to_string()),
                (9, "`a`: expected a string, found an integer".to_string()),
                (27, "`c` must be greater than 0, found -1".to_string()),
            ]
        );
        let probe = probe.unwrap();
        assert_eq!(
            (probe.a, probe.b, probe.c),
            (Got::Bad, Got::Absent, Got::Bad)
        );
        assert_eq!(probe.span, Span::from(0..30));
    }

    #[test]
    fn long_name_lists_are_elided() {
        let names: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let text = list_names(names.iter().map(String::as_str));
        assert!(text.ends_with("11, ... (20 in all)"), "{text}");
        assert_eq!(list_names([]), "none");
        // Given only the names shown and the count, the same text.
        let first = names.iter().take(SHOWN_NAMES).map(String::as_str);
        assert_eq!(list_first_names(first, 20), text);
        assert_eq!(list_first_names(["a", "b"], 2), list_names(["a", "b"]));
        assert_eq!(list_first_names([], 0), "none");
    }
}
