//! A RON reader that keeps where every value starts and ends.
//!
//! Why our own and not the `ron` crate: `ron` stops at the first error and tells nothing about
//! where a value sits, but a scenario author must get every semantic mistake of a file in one run,
//! each underlined at the offending value. So the file is first read into this spanned tree, and
//! the typed layer (`super::typed`) reads the tree. The reader accepts what the `ron` crate (0.12)
//! accepts as values, except ranges (`1..2`), which no scenario or script can hold; a test keeps
//! the two in agreement (`tests/ron_oracle.rs`). It also accepts a backslash at the end of a line
//! in a string, which continues the string on the next line as in Rust, and the 4-digit `\uXXXX`
//! escape of earlier versions. It never panics and bounds its nesting depth, string length and
//! number of values, whatever the input.
//!
//! The tree lives in an `Arena`: its nodes and the few strings decoded from escapes are
//! bump-allocated there, and freed all at once with the arena, with no drop per node. At 10,000
//! injects the tree is some 100,000 vectors, and freeing them one by one took a tenth of loading.

use bumpalo::Bump;
use unicode_ident::{is_xid_continue, is_xid_start};

/// How deep lists, maps and parentheses may nest; real files need fewer than ten levels.
pub const MAX_DEPTH: usize = 64;
/// The longest string a file may hold; an inject's body is a few paragraphs.
pub const MAX_STRING_BYTES: usize = 1 << 20;
/// How many values a file may hold: ample for the largest scenario the loader accepts, and a
/// bound on the tree's memory (a 16 MiB file of `1,1,1,…` would otherwise build 8 million).
pub const MAX_VALUES: usize = 3_000_000;

/// A stretch of the source, in bytes: `start..end`. A point (`start == end`) is shown with one
/// caret, a stretch is underlined. Kept in `u32`s, since a text the reader takes is at most
/// `MAX_TEXT_BYTES`: a tree and the records read from it hold a span per value, and every page
/// they take is faulted in and cleared once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }
}

/// A position in a text the reader accepts: at most `MAX_TEXT_BYTES`, so it fits.
fn position(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The longest text the reader takes; its positions are kept in `u32`s.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

impl From<usize> for Span {
    fn from(at: usize) -> Span {
        Span {
            start: position(at),
            end: position(at),
        }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Span {
        Span {
            start: position(range.start),
            end: position(range.end),
        }
    }
}

/// Where a file's tree is kept while it is read: created by the caller of `parse` (or
/// `typed::parse_file`), which the tree borrows, and dropped with everything in it at once.
#[derive(Debug, Default)]
pub struct Arena(Bump);

impl Arena {
    /// An arena whose chunks double as the tree grows, and are freed with it. Freed, they are
    /// reused by what the caller builds next (a scenario's model, a journal's replay) without
    /// new page faults, as long as glibc served them from its heap: it does so for a chunk
    /// below its mmap threshold, which it raises to the size of the largest mapping freed so
    /// far (up to 32 MiB), or as `ttx report` raises it before it reads anything: at 10,000
    /// injects this arena took 2,000 of report's 11,100 page faults off, against one chunk
    /// mapped of its own.
    pub fn new() -> Arena {
        Arena::default()
    }

    /// An arena kept across several files (`ttx run`: the scenario, then its script): one chunk
    /// reserved above 32 MiB, of which only the pages written are taken, kept whole when
    /// cleared. Chunks that double would each raise glibc's mmap threshold when freed, so that
    /// the large buffers of whatever follows would land in the heap and stay resident (at
    /// 10,000 injects, the peak of `ttx run` grew from 46 to 50 MB). A small text's tree fits
    /// in the heap as it is.
    pub fn for_text(len: usize) -> Arena {
        const SMALL_TEXT: usize = 16 << 10;
        const ABOVE_THE_CEILING: usize = 33 << 20;
        if len <= SMALL_TEXT {
            Arena::new()
        } else {
            Arena(Bump::with_capacity(ABOVE_THE_CEILING))
        }
    }

    /// Frees every tree in the arena, keeping its largest chunk and the pages already written
    /// there: a command that reads several files in a row (`ttx run`: the scenario, then its
    /// script) faults them in once.
    pub fn clear(&mut self) {
        self.0.reset();
    }
}

/// A value, where it starts (`at`) and where it ends (`end`, exclusive) in the source. Names and
/// strings borrow from the source unless an escape had to be decoded (then from the arena): a
/// 10,000-inject scenario would otherwise allocate (and free) some 300,000 small strings.
///
/// A tree is some seven times its text's size, and every page of it is faulted in and cleared
/// once, so its nodes are kept small: positions as `u32`s (see `Span`), and an integer in an
/// `Integer`, which needs no 16-byte alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value<'s> {
    span: Span,
    pub kind: Kind<'s>,
}

impl<'s> Value<'s> {
    pub fn new(span: Span, kind: Kind<'s>) -> Value<'s> {
        Value { span, kind }
    }

    /// Where the value starts in its file.
    pub fn at(&self) -> usize {
        self.span.start()
    }

    /// Where the value ends in its file (exclusive).
    pub fn end(&self) -> usize {
        self.span.end()
    }

    pub fn span(&self) -> Span {
        self.span
    }
}

/// An integer as written, up to an `i128`, kept in two 8-byte halves: an `i128` would double
/// the alignment, and so the size, of every value of the tree.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Integer {
    high: i64,
    low: u64,
}

impl Integer {
    pub fn get(self) -> i128 {
        (i128::from(self.high) << 64) | i128::from(self.low)
    }
}

impl From<i128> for Integer {
    fn from(n: i128) -> Integer {
        Integer {
            // Truncations meant: the two halves of the number's bits.
            high: (n >> 64) as i64,
            low: n as u64,
        }
    }
}

impl std::fmt::Debug for Integer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'s> {
    Bool(bool),
    /// Decimal, `0x`, `0o`, `0b` and `b'c'` integers, with or without a type suffix.
    Int(Integer),
    /// Also `inf`, `NaN`, and integers too large for an `i128`, as the `ron` crate reads them.
    Float(f64),
    Char(char),
    Str(&'s str),
    /// `b"..."` and `br"..."`.
    Bytes(&'s [u8]),
    List(&'s [Value<'s>]),
    Map(&'s [(Value<'s>, Value<'s>)]),
    /// `Name(field: value, ...)` or `(field: value, ...)`; `()` is a struct without fields.
    Struct {
        name: Option<&'s str>,
        fields: &'s [Field<'s>],
    },
    /// `Name(value, ...)` or `(value, ...)`: an enum variant with values, such as `At("0m")`.
    Tuple {
        name: Option<&'s str>,
        items: &'s [Value<'s>],
    },
    /// A bare identifier: a unit variant such as `Manual` or `None`.
    Unit(&'s str),
}

/// A value kept as written, to be read again once its file's tree is gone (a scenario's
/// rehearsal profile, which `ttx simulate` reads): its text, and where that starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub text: String,
    pub at: usize,
}

impl Written {
    /// The value written at `span` of `source`.
    pub fn of(source: &str, span: Span) -> Written {
        Written {
            text: source
                .get(span.start()..span.end())
                .unwrap_or_default()
                .to_string(),
            at: span.start(),
        }
    }

    /// The value again, in `arena`, its spans where they were in the file.
    pub fn read<'a>(&'a self, arena: &'a Arena) -> Result<Value<'a>, SyntaxError> {
        parse_at(&self.text, self.at, arena)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field<'s> {
    /// Without the `r#` of a raw identifier.
    pub name: &'s str,
    /// Where the field's name starts and ends.
    name_span: Span,
    pub value: Value<'s>,
}

impl<'s> Field<'s> {
    pub fn new(name: &'s str, name_span: Span, value: Value<'s>) -> Field<'s> {
        Field {
            name,
            name_span,
            value,
        }
    }

    pub fn name_span(&self) -> Span {
        self.name_span
    }
}

impl Kind<'_> {
    /// What the value is, in the words of an error message ("found a string").
    pub fn describe(&self) -> String {
        match self {
            Kind::Bool(b) => format!("`{b}`"),
            Kind::Int(_) => "an integer".into(),
            Kind::Float(_) => "a number".into(),
            Kind::Char(_) => "a character `'...'`".into(),
            Kind::Str(_) => "a string".into(),
            Kind::Bytes(_) => "a byte string".into(),
            Kind::List(_) => "a list".into(),
            Kind::Map(_) => "a map".into(),
            Kind::Struct { name: Some(n), .. } | Kind::Tuple { name: Some(n), .. } => {
                format!("`{}(...)`", n.escape_debug())
            }
            Kind::Struct { name: None, .. } => "a struct `(...)`".into(),
            Kind::Tuple { name: None, .. } => "a tuple `(...)`".into(),
            Kind::Unit(n) => format!("`{}`", n.escape_debug()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

/// Reads a whole RON document: optional `#![enable(...)]` headers, then one value. The tree
/// borrows the source and lives in `arena`.
pub fn parse<'a>(source: &'a str, arena: &'a Arena) -> Result<Value<'a>, SyntaxError> {
    parse_at(source, 0, arena)
}

/// Reads a document that starts `offset` bytes into its file (after a byte-order mark, or a
/// value kept as written): the tree's spans are the file's, a syntax error's position the
/// text's.
pub fn parse_at<'a>(
    source: &'a str,
    offset: usize,
    arena: &'a Arena,
) -> Result<Value<'a>, SyntaxError> {
    if offset.saturating_add(source.len()) > MAX_TEXT_BYTES {
        return Err(SyntaxError {
            at: 0,
            message: format!("text too large: the limit is {MAX_TEXT_BYTES} bytes"),
        });
    }
    let mut p = Parser {
        src: source,
        offset,
        arena: &arena.0,
        pos: 0,
        depth: 0,
        values: 0,
        pending_items: Vec::new(),
        pending_fields: Vec::new(),
        pending_entries: Vec::new(),
    };
    p.skip_trivia()?;
    while p.peek() == Some(b'#') {
        p.header()?;
        p.skip_trivia()?;
    }
    let value = p.value()?;
    p.skip_trivia()?;
    if p.peek().is_some() {
        return Err(p.error(format!("expected end of file, found {}", p.found())));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a str,
    /// Added to every span of the tree.
    offset: usize,
    arena: &'a Bump,
    pos: usize,
    depth: usize,
    values: usize,
    /// The items, fields and entries of the lists, structs and maps being read, innermost
    /// last: each is moved into the arena, at its exact length, once its closing bracket is
    /// read.
    pending_items: Vec<Value<'a>>,
    pending_fields: Vec<Field<'a>>,
    pending_entries: Vec<(Value<'a>, Value<'a>)>,
}

/// RON's whitespace: besides the usual, vertical tab, form feed, next line, the left-to-right
/// and right-to-left marks, and the line and paragraph separators.
fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\x0B'
            | '\x0C'
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn is_ident_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '_'
    } else {
        is_xid_start(c)
    }
}

fn is_ident_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        is_xid_continue(c)
    }
}

/// A raw identifier (`r#...`) may also hold `.`, `+` and `-`.
fn is_raw_ident_char(c: char) -> bool {
    matches!(c, '.' | '+' | '-') || is_ident_char(c)
}

/// The characters of a decimal number as the `ron` crate scans them.
fn is_number_char(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'e' | b'E' | b'.' | b'+' | b'-' | b'_')
}

/// What a string escape gives: a character, or one byte of a `\x` escape above 0x7F.
enum Escaped {
    Char(char),
    Byte(u8),
    /// A backslash at the end of a line: the line break and the next line's indentation vanish.
    Nothing,
}

/// The integer type suffixes and their ranges.
const INT_SUFFIXES: [(&str, i128, i128); 10] = [
    ("i8", i8::MIN as i128, i8::MAX as i128),
    ("i16", i16::MIN as i128, i16::MAX as i128),
    ("i32", i32::MIN as i128, i32::MAX as i128),
    ("i64", i64::MIN as i128, i64::MAX as i128),
    ("i128", i128::MIN, i128::MAX),
    ("u8", 0, u8::MAX as i128),
    ("u16", 0, u16::MAX as i128),
    ("u32", 0, u32::MAX as i128),
    ("u64", 0, u64::MAX as i128),
    ("u128", 0, i128::MAX),
];

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + ahead).copied()
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            at: self.pos,
            message,
        }
    }

    /// What sits at the current position, for "expected X, found Y".
    fn found(&self) -> String {
        match self.peek_char() {
            None => "end of file".into(),
            Some('"') => "a string".into(),
            Some(c) if c.is_ascii_digit() => "a number".into(),
            Some(c) if is_ident_start(c) => {
                let word: String = self
                    .rest()
                    .chars()
                    .take_while(|c| is_ident_char(*c))
                    .take(40)
                    .collect();
                format!("`{word}`")
            }
            Some(c) if c.is_control() || is_whitespace(c) || c == '\u{FEFF}' => {
                format!("{:?}", c)
            }
            Some(c) => format!("`{c}`"),
        }
    }

    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    let rest = self.rest();
                    self.pos += rest.find('\n').unwrap_or(rest.len());
                }
                (Some(b'/'), Some(b'*')) => self.block_comment()?,
                (Some(b), _) if b >= 0x80 || b == 0x0B || b == 0x0C => match self.peek_char() {
                    Some(c) if is_whitespace(c) => self.pos += c.len_utf8(),
                    _ => return Ok(()),
                },
                _ => return Ok(()),
            }
        }
    }

    /// `/* ... */`, nested as in Rust.
    fn block_comment(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let mut open = 0usize;
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b'/'), Some(b'*')) => {
                    open += 1;
                    self.pos += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    open -= 1;
                    self.pos += 2;
                    if open == 0 {
                        return Ok(());
                    }
                }
                (Some(_), _) => self.pos += 1,
                (None, _) => {
                    return Err(SyntaxError {
                        at: start,
                        message: "unterminated block comment `/* ... */`".into(),
                    });
                }
            }
        }
    }

    /// `#![enable(implicit_some, ...)]`: accepted and ignored, the loader behaves as if enabled.
    /// `#![type = "…"]` and `#![schema = "…"]`, which name what the file holds for other tools:
    /// accepted and ignored, as `ron` does.
    fn header(&mut self) -> Result<(), SyntaxError> {
        for (byte, what) in [
            (b'#', "`#`"),
            (b'!', "`!` in `#![enable(...)]`"),
            (b'[', "`[` in `#![enable(...)]`"),
        ] {
            self.skip_trivia()?;
            if self.peek() != Some(byte) {
                return Err(self.error(format!("expected {what}, found {}", self.found())));
            }
            self.pos += 1;
        }
        self.skip_trivia()?;
        let start = self.pos;
        if let Some((name @ ("type" | "schema"), false)) = self.identifier()? {
            self.skip_trivia()?;
            if self.peek() == Some(b'=') {
                self.pos += 1;
                self.skip_trivia()?;
                if self.peek() != Some(b'"') && !self.at_raw_string(0) {
                    return Err(self.error(format!(
                        "expected a string after `{name} =`, found {}",
                        self.found()
                    )));
                }
                self.value()?;
                self.skip_trivia()?;
                return self.expect(b']', "`]` closing `#![...]`");
            }
        }
        self.pos = start;
        self.value()?;
        self.skip_trivia()?;
        self.expect(b']', "`]` closing `#![...]`")
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {what}, found {}", self.found())))
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("values nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn starts_with(&self, prefix: &str) -> bool {
        self.rest().starts_with(prefix)
    }

    /// At `r"`, `r#"` or `r##`: a raw string rather than a raw identifier.
    fn at_raw_string(&self, after: usize) -> bool {
        let rest = self.rest().get(after..).unwrap_or_default();
        rest.starts_with("r\"") || rest.starts_with("r#\"") || rest.starts_with("r##")
    }

    fn value(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.skip_trivia()?;
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(self.error(format!(
                "more than {MAX_VALUES} values: a file this large is not supported"
            )));
        }
        let at = self.pos;
        let kind = match self.peek() {
            Some(b'"') => Kind::Str(self.string()?),
            Some(b'\'') => Kind::Char(self.char_literal()?),
            Some(b'r') if self.at_raw_string(0) => {
                self.pos += 1;
                Kind::Str(self.raw_text(at)?)
            }
            Some(b'b') if self.starts_with("b\"") => {
                self.pos += 1;
                let bytes = self.byte_string()?;
                Kind::Bytes(self.arena.alloc_slice_copy(&bytes))
            }
            Some(b'b') if self.at_raw_string(1) => {
                self.pos += 2;
                Kind::Bytes(self.raw_text(at)?.as_bytes())
            }
            Some(b'b') if self.starts_with("b'") => {
                Kind::Int(i128::from(self.byte_literal()?).into())
            }
            Some(b'[') => self.list()?,
            Some(b'{') => self.map()?,
            Some(b'(') => self.parens(None)?,
            Some(b) if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => self.number()?,
            _ => match self.identifier()? {
                Some((name, raw)) => self.after_identifier(name, raw)?,
                None => {
                    return Err(self.error(format!("expected a value, found {}", self.found())));
                }
            },
        };
        Ok(Value::new(
            Span::from(at + self.offset..self.pos + self.offset),
            kind,
        ))
    }

    /// A value that starts with an identifier: `true`, `inf`, a unit variant or a named struct.
    fn after_identifier(&mut self, name: &'a str, raw: bool) -> Result<Kind<'a>, SyntaxError> {
        if !raw {
            match name {
                "true" => return Ok(Kind::Bool(true)),
                "false" => return Ok(Kind::Bool(false)),
                "inf" | "inff32" | "inff64" => return Ok(Kind::Float(f64::INFINITY)),
                "NaN" | "NaNf32" | "NaNf64" => return Ok(Kind::Float(f64::NAN)),
                _ => {}
            }
        }
        self.skip_trivia()?;
        if self.peek() == Some(b'(') {
            self.parens(Some(name))
        } else {
            Ok(Kind::Unit(name))
        }
    }

    /// An identifier, plain or raw (`r#type`), and whether it was raw; `None` (nothing consumed)
    /// when none starts here.
    fn identifier(&mut self) -> Result<Option<(&'a str, bool)>, SyntaxError> {
        let rest = self.rest();
        if rest.starts_with("r#") && !self.at_raw_string(0) {
            let body = rest.get(2..).unwrap_or_default();
            let len: usize = body
                .chars()
                .take_while(|c| is_raw_ident_char(*c))
                .map(char::len_utf8)
                .sum();
            if len == 0 {
                return Err(SyntaxError {
                    at: self.pos,
                    message: "expected a raw identifier after `r#`, such as `r#type`".into(),
                });
            }
            let name = body.get(..len).unwrap_or_default();
            self.pos += 2 + len;
            return Ok(Some((name, true)));
        }
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if is_ident_start(c) => {
                let len = c.len_utf8()
                    + chars
                        .take_while(|c| is_ident_char(*c))
                        .map(char::len_utf8)
                        .sum::<usize>();
                let name = rest.get(..len).unwrap_or_default();
                self.pos += len;
                Ok(Some((name, false)))
            }
            _ => Ok(None),
        }
    }

    /// Values separated by commas (a trailing one allowed) up to `close`, which it consumes.
    fn items(&mut self, close: u8) -> Result<&'a [Value<'a>], SyntaxError> {
        let first = self.pending_items.len();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(close) {
                break;
            }
            let item = self.value()?;
            self.pending_items.push(item);
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => break,
                _ => {
                    return Err(self.error(format!(
                        "expected `,` or `{}`, found {}",
                        close as char,
                        self.found()
                    )));
                }
            }
        }
        self.pos += 1;
        Ok(self
            .arena
            .alloc_slice_fill_iter(self.pending_items.drain(first..)))
    }

    fn list(&mut self) -> Result<Kind<'a>, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        let items = self.items(b']')?;
        self.depth -= 1;
        Ok(Kind::List(items))
    }

    fn map(&mut self) -> Result<Kind<'a>, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        let first = self.pending_entries.len();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(b'}') {
                break;
            }
            let key = self.value()?;
            self.skip_trivia()?;
            self.expect(b':', "`:` after a map key")?;
            let value = self.value()?;
            self.pending_entries.push((key, value));
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => break,
                _ => {
                    return Err(self.error(format!("expected `,` or `}}`, found {}", self.found())));
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(Kind::Map(self.arena.alloc_slice_fill_iter(
            self.pending_entries.drain(first..),
        )))
    }

    /// After an optional name, at `(`: a struct when the first item is `ident:`, else a tuple.
    fn parens(&mut self, name: Option<&'a str>) -> Result<Kind<'a>, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        self.skip_trivia()?;
        let kind = if self.at_field_name()? {
            self.struct_fields(name)?
        } else {
            self.tuple_items(name)?
        };
        self.depth -= 1;
        Ok(kind)
    }

    /// Looks ahead, without consuming, for `ident :` (but not `ident ::`).
    fn at_field_name(&mut self) -> Result<bool, SyntaxError> {
        let start = self.pos;
        let is_field = match self.identifier() {
            Ok(Some(_)) => {
                self.skip_trivia()?;
                self.peek() == Some(b':') && self.peek_at(1) != Some(b':')
            }
            _ => false,
        };
        self.pos = start;
        Ok(is_field)
    }

    fn struct_fields(&mut self, name: Option<&'a str>) -> Result<Kind<'a>, SyntaxError> {
        let first = self.pending_fields.len();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(b')') {
                break;
            }
            let at = self.pos;
            let Some((field, _)) = self.identifier()? else {
                return Err(self.error(format!(
                    "expected a field name or `)`, found {}",
                    self.found()
                )));
            };
            let end = self.pos;
            self.skip_trivia()?;
            if self.peek() != Some(b':') {
                // The message names the field, so it is built only when needed.
                return Err(self.error(format!(
                    "expected `:` after field `{field}`, found {}",
                    self.found()
                )));
            }
            self.pos += 1;
            let value = self.value()?;
            self.pending_fields.push(Field::new(
                field,
                Span::from(at + self.offset..end + self.offset),
                value,
            ));
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => break,
                _ => return Err(self.error(format!("expected `,` or `)`, found {}", self.found()))),
            }
        }
        self.pos += 1;
        Ok(Kind::Struct {
            name,
            fields: self
                .arena
                .alloc_slice_fill_iter(self.pending_fields.drain(first..)),
        })
    }

    fn tuple_items(&mut self, name: Option<&'a str>) -> Result<Kind<'a>, SyntaxError> {
        let items = self.items(b')')?;
        if items.is_empty() {
            return Ok(Kind::Struct { name, fields: &[] });
        }
        Ok(Kind::Tuple { name, items })
    }

    fn out_of_range(&self, start: usize) -> SyntaxError {
        let text: String = self
            .src
            .get(start..self.pos)
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        SyntaxError {
            at: start,
            message: format!("number `{text}` is out of range"),
        }
    }

    /// A number as the `ron` crate reads it: an optional sign; `inf` or `NaN`; a `0x`, `0o` or
    /// `0b` integer; or decimal digits with `_` between them, a fraction and an exponent; then
    /// an optional type suffix (`u8`, `i64`, `f32`, ...).
    fn number(&mut self) -> Result<Kind<'a>, SyntaxError> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        let signed = matches!(self.peek(), Some(b'-' | b'+'));
        let after_sign = start + usize::from(signed);
        let special = match self.src.as_bytes().get(after_sign) {
            Some(b'i' | b'N') => self.word_at(after_sign),
            _ => "",
        };
        let special_value = match special {
            "inf" | "inff32" | "inff64" => Some(f64::INFINITY),
            "NaN" | "NaNf32" | "NaNf64" => Some(f64::NAN),
            _ => None,
        };
        if let Some(x) = special_value {
            self.pos = after_sign + special.len();
            return Ok(Kind::Float(if negative { -x } else { x }));
        }
        let radix = match self.src.get(after_sign..after_sign + 2) {
            Some("0x") => 16,
            Some("0o") => 8,
            Some("0b") => 2,
            _ => 10,
        };
        if radix != 10 {
            return self.radix_integer(start, after_sign + 2, radix, negative);
        }
        // One pass over the run of number characters after the sign, cut before a range's
        // `..`: where `_` may stand, whether it is a float, whether it has separators.
        let bytes = self.src.as_bytes();
        let mut end = after_sign;
        let (mut float, mut separated, mut underscore_allowed) = (false, false, false);
        while let Some(&b) = bytes.get(end).filter(|b| is_number_char(**b)) {
            match b {
                b'.' if bytes.get(end + 1) == Some(&b'.') => break,
                b'_' if !underscore_allowed => {
                    self.pos = end;
                    return Err(if end == after_sign {
                        self.error(format!("expected a number, found {}", self.found()))
                    } else {
                        self.error("`_` may not follow `.` in a number".into())
                    });
                }
                b'_' => separated = true,
                b'.' => {
                    float = true;
                    underscore_allowed = false;
                }
                b'e' | b'E' => {
                    float = true;
                    underscore_allowed = true;
                }
                b'+' | b'-' => {}
                _ => underscore_allowed = true,
            }
            end += 1;
        }
        if end == after_sign {
            self.pos = after_sign;
            return Err(self.error(format!("expected a number, found {}", self.found())));
        }
        let mut digits = String::new();
        // The number as Rust parses it: sign and digits, without the `_` separators.
        let written = self.src.get(start..end).unwrap_or_default();
        let digits: &str = if separated {
            digits.extend(written.chars().filter(|c| *c != '_'));
            &digits
        } else {
            written
        };
        self.pos = end;
        let suffix = self.word_at(self.pos);
        match suffix {
            "f32" | "f64" => {
                self.pos += suffix.len();
                let value = if suffix == "f32" {
                    digits.parse::<f32>().map(f64::from).ok()
                } else {
                    digits.parse::<f64>().ok()
                };
                value
                    .map(Kind::Float)
                    .ok_or_else(|| self.malformed_number(start))
            }
            _ if !float => {
                let limits = (!suffix.is_empty())
                    .then(|| INT_SUFFIXES.iter().find(|(name, ..)| *name == suffix))
                    .flatten();
                if limits.is_some() {
                    self.pos += suffix.len();
                }
                match (digits.parse::<i128>(), limits) {
                    (Ok(n), Some((_, low, high))) if (*low..=*high).contains(&n) => {
                        Ok(Kind::Int(n.into()))
                    }
                    (_, Some(_)) => Err(self.out_of_range(start)),
                    (Ok(n), None) => Ok(Kind::Int(n.into())),
                    // Past an i128, as past a u64 in the `ron` crate: a float.
                    (Err(_), None) => digits
                        .parse::<f64>()
                        .map(Kind::Float)
                        .map_err(|_| self.malformed_number(start)),
                }
            }
            _ => digits
                .parse::<f64>()
                .map(Kind::Float)
                .map_err(|_| self.malformed_number(start)),
        }
    }

    /// The identifier characters from `from`: a number's type suffix, or `inf` and `NaN`.
    fn word_at(&self, from: usize) -> &'a str {
        let src: &'a str = self.src;
        // Most numbers end at a comma or a bracket: no suffix to look for.
        if src
            .as_bytes()
            .get(from)
            .is_none_or(|b| b.is_ascii() && !b.is_ascii_alphanumeric() && *b != b'_')
        {
            return "";
        }
        let rest = src.get(from..).unwrap_or_default();
        let len: usize = rest
            .chars()
            .take_while(|c| is_ident_char(*c))
            .map(char::len_utf8)
            .sum();
        rest.get(..len).unwrap_or_default()
    }

    fn malformed_number(&self, start: usize) -> SyntaxError {
        let text: String = self
            .src
            .get(start..self.pos)
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        SyntaxError {
            at: start,
            message: format!("malformed number `{text}`"),
        }
    }

    /// The digits of a `0x`, `0o` or `0b` integer from `digits_at`, and its suffix.
    fn radix_integer(
        &mut self,
        start: usize,
        digits_at: usize,
        radix: u32,
        negative: bool,
    ) -> Result<Kind<'a>, SyntaxError> {
        self.pos = digits_at;
        if self.peek() == Some(b'_') {
            return Err(self.error("`_` may not start the digits of a number".into()));
        }
        let mut value: i128 = 0;
        let mut any = false;
        let mut overflow = false;
        while let Some(b) = self.peek().filter(|b| b.is_ascii_hexdigit() || *b == b'_') {
            if b != b'_' {
                let Some(digit) = (b as char).to_digit(radix) else {
                    return Err(
                        self.error(format!("`{}` is not a digit in base {radix}", b as char))
                    );
                };
                any = true;
                match value
                    .checked_mul(radix.into())
                    .and_then(|v| v.checked_add(digit.into()))
                {
                    Some(v) => value = v,
                    None => overflow = true,
                }
            }
            self.pos += 1;
        }
        if !any {
            return Err(self.error(format!(
                "expected the digits of a base-{radix} number, found {}",
                self.found()
            )));
        }
        let suffix: String = self
            .rest()
            .chars()
            .take_while(|c| is_ident_char(*c))
            .collect();
        let limits = INT_SUFFIXES.iter().find(|(name, ..)| *name == suffix);
        if limits.is_some() {
            self.pos += suffix.len();
        }
        let value = if negative { -value } else { value };
        match limits {
            _ if overflow => Err(self.out_of_range(start)),
            Some((_, low, high)) if !(*low..=*high).contains(&value) => {
                Err(self.out_of_range(start))
            }
            _ => Ok(Kind::Int(value.into())),
        }
    }

    /// `b'a'`: one ASCII character or a byte escape, as an integer.
    fn byte_literal(&mut self) -> Result<u8, SyntaxError> {
        let start = self.pos;
        self.pos += 2;
        let byte = match self.peek_char() {
            Some('\\') => {
                self.pos += 1;
                match self.escape(true)? {
                    Escaped::Byte(b) => b,
                    Escaped::Char(c) if c.is_ascii() => c as u8,
                    _ => {
                        return Err(SyntaxError {
                            at: start,
                            message: "a byte literal `b'...'` holds one ASCII character or a \
                                      `\\x` escape"
                                .into(),
                        });
                    }
                }
            }
            Some(c) if c.is_ascii() => {
                self.pos += 1;
                c as u8
            }
            _ => {
                return Err(SyntaxError {
                    at: start,
                    message: "a byte literal `b'...'` holds one ASCII character or a `\\x` escape"
                        .into(),
                });
            }
        };
        self.expect(b'\'', "`'` closing a byte literal")?;
        Ok(byte)
    }

    /// `'c'`: one character or one escape.
    fn char_literal(&mut self) -> Result<char, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek_char() {
            None => {
                return Err(SyntaxError {
                    at: start,
                    message: "unterminated character: missing the closing `'`".into(),
                });
            }
            Some('\\') => {
                self.pos += 1;
                match self.escape(false)? {
                    Escaped::Char(c) => c,
                    Escaped::Byte(_) | Escaped::Nothing => {
                        return Err(SyntaxError {
                            at: start,
                            message: "a character `'...'` holds one character".into(),
                        });
                    }
                }
            }
            Some(c) => {
                self.pos += c.len_utf8();
                c
            }
        };
        self.expect(b'\'', "`'` closing a character")?;
        Ok(c)
    }

    /// The bytes of a quoted string up to its closing `"`, escapes decoded; bytes above 0x7F
    /// come from `\x` escapes and UTF-8 text.
    fn quoted_bytes(&mut self, binary: bool) -> Result<Vec<u8>, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let rest = self.rest();
            // Copy the plain run up to the next `"` or `\` in one go.
            let plain = rest.find(['"', '\\']).unwrap_or(rest.len());
            out.extend_from_slice(rest.get(..plain).unwrap_or_default().as_bytes());
            self.pos += plain;
            if out.len() > MAX_STRING_BYTES {
                return Err(SyntaxError {
                    at: start,
                    message: format!("string longer than {MAX_STRING_BYTES} bytes"),
                });
            }
            match self.peek() {
                None => {
                    return Err(SyntaxError {
                        at: start,
                        message: "unterminated string: missing the closing `\"`".into(),
                    });
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                _ => {
                    self.pos += 1;
                    match self.escape(binary)? {
                        Escaped::Char(c) => {
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        Escaped::Byte(b) => out.push(b),
                        Escaped::Nothing => {}
                    }
                }
            }
        }
    }

    /// A quoted string: the source's own text when it holds no escape, else the decoded copy.
    fn string(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        let body = self.src.get(start + 1..).unwrap_or_default();
        if let Some(len) = body.find(['"', '\\'])
            && body.as_bytes().get(len) == Some(&b'"')
            && len <= MAX_STRING_BYTES
        {
            self.pos += len + 2;
            return Ok(body.get(..len).unwrap_or_default());
        }
        let bytes = self.quoted_bytes(false)?;
        String::from_utf8(bytes)
            .map(|text| &*self.arena.alloc_str(&text))
            .map_err(|_| SyntaxError {
                at: start,
                message:
                    "a `\\x` escape above `\\x7F` in a string must be part of a UTF-8 character"
                        .into(),
            })
    }

    fn byte_string(&mut self) -> Result<Vec<u8>, SyntaxError> {
        self.quoted_bytes(true)
    }

    /// After a `\` in a string, a character or a byte literal. `binary`: in a byte string or
    /// byte literal, where `\x` may be any byte.
    fn escape(&mut self, binary: bool) -> Result<Escaped, SyntaxError> {
        let at = self.pos - 1;
        let bad = |message: String| SyntaxError { at, message };
        let Some(c) = self.peek_char() else {
            return Err(bad("unterminated string: missing the closing `\"`".into()));
        };
        self.pos += c.len_utf8();
        Ok(Escaped::Char(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'x' => {
                let hex = self.src.get(self.pos..self.pos + 2).unwrap_or_default();
                let Some(byte) = (hex.len() == 2)
                    .then(|| u8::from_str_radix(hex, 16).ok())
                    .flatten()
                else {
                    return Err(bad("malformed byte escape: expected `\\xHH`".into()));
                };
                self.pos += 2;
                if binary || byte >= 0x80 {
                    return Ok(Escaped::Byte(byte));
                }
                byte as char
            }
            '\n' | '\r' => {
                // A line continued: the rest of the break and the next line's indentation go.
                let rest = self.rest();
                let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
                self.pos += skipped;
                return Ok(Escaped::Nothing);
            }
            'u' => {
                let braces = self.peek() == Some(b'{');
                if braces {
                    self.pos += 1;
                }
                let from = self.pos;
                while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) && self.pos - from < 6 {
                    self.pos += 1;
                }
                let hex = self.src.get(from..self.pos).unwrap_or_default();
                let closed = !braces || self.peek() == Some(b'}');
                let right_length = if braces {
                    !hex.is_empty()
                } else {
                    hex.len() == 4
                };
                if !closed || !right_length {
                    return Err(bad("malformed unicode escape: expected `\\u{XXXX}`".into()));
                }
                if braces {
                    self.pos += 1;
                }
                u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad(format!("`\\u{{{hex}}}` is not a unicode character")))?
            }
            other => {
                return Err(bad(format!(
                    "unknown escape `\\{}` in a string",
                    other.escape_debug()
                )));
            }
        }))
    }

    /// After the `r` (or `br`) of a raw string: `"..."` or `#"..."#` (any number of `#`).
    fn raw_text(&mut self, start: usize) -> Result<&'a str, SyntaxError> {
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.expect(b'"', "`\"` opening a raw string")?;
        let terminator = format!("\"{}", "#".repeat(hashes));
        let rest = self.src.get(self.pos..).unwrap_or_default();
        let Some(len) = rest.find(&terminator) else {
            return Err(SyntaxError {
                at: start,
                message: format!("unterminated raw string: missing the closing `{terminator}`"),
            });
        };
        if len > MAX_STRING_BYTES {
            return Err(SyntaxError {
                at: start,
                message: format!("string longer than {MAX_STRING_BYTES} bytes"),
            });
        }
        let text = rest.get(..len).unwrap_or_default();
        self.pos += len + terminator.len();
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses into an arena left to live as long as the test.
    fn parse(src: &str) -> Result<Value<'_>, SyntaxError> {
        super::parse(src, Box::leak(Box::new(Arena::new())))
    }

    fn kind(src: &str) -> Kind<'_> {
        parse(src)
            .map(|v| v.kind)
            .unwrap_or_else(|e| panic!("{src}: {e:?}"))
    }

    fn int(n: i128) -> Kind<'static> {
        Kind::Int(n.into())
    }

    fn err(src: &str) -> SyntaxError {
        match parse(src) {
            Err(e) => e,
            Ok(v) => panic!("{src} parsed: {v:?}"),
        }
    }

    #[test]
    fn integers_keep_their_value_across_the_whole_range() {
        for n in [
            0,
            -1,
            1,
            i128::from(i64::MIN),
            i128::from(u64::MAX),
            i128::MIN,
            i128::MAX,
        ] {
            assert_eq!(Integer::from(n).get(), n);
        }
        assert_eq!(
            kind("-170141183460469231731687303715884105728"),
            int(i128::MIN)
        );
        assert_eq!(kind("18446744073709551615"), int(i128::from(u64::MAX)));
    }

    /// A tree is several times its text's size: a node that grows costs every load.
    #[test]
    fn nodes_stay_small() {
        assert!(std::mem::size_of::<Value>() <= 48);
        assert!(std::mem::size_of::<Field>() <= 72);
    }

    #[test]
    fn reads_named_struct_with_spans() {
        let v = parse("Scenario(\n  title: \"x\", // comment\n  n: -1.5,\n)").unwrap();
        assert_eq!(v.span(), Span::from(0..47));
        let Kind::Struct { name, fields } = v.kind else {
            panic!()
        };
        assert_eq!(name, Some("Scenario"));
        assert_eq!(fields[0].name, "title");
        assert_eq!(fields[0].name_span(), Span::from(12..17));
        assert_eq!(fields[0].value.span(), Span::from(19..22));
        assert_eq!(fields[1].value.kind, Kind::Float(-1.5));
    }

    #[test]
    fn reads_variants_lists_maps() {
        assert_eq!(kind("Manual"), Kind::Unit("Manual"));
        let Kind::Tuple { name, items } = kind("At(\"0m\")") else {
            panic!()
        };
        assert_eq!(name, Some("At"));
        assert_eq!(items[0].kind, Kind::Str("0m"));
        let Kind::List(items) = kind("[1, 2,]") else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        let Kind::Map(entries) = kind("{\"k\": \"v\", }") else {
            panic!()
        };
        assert_eq!(entries[0].1.kind, Kind::Str("v"));
        assert_eq!(kind("true"), Kind::Bool(true));
        assert_eq!(kind("-7"), int(-7));
        assert_eq!(kind("1e3"), Kind::Float(1000.0));
        assert!(matches!(kind("()"), Kind::Struct { name: None, fields } if fields.is_empty()));
    }

    #[test]
    fn reads_strings_and_comments() {
        // Text without escapes is the source's own; decoded text is a copy.
        let src = "\"plain\"";
        assert!(matches!(kind(src), Kind::Str(s) if std::ptr::eq(s, &src[1..6])));
        assert!(matches!(kind("\"a\\tb\""), Kind::Str(s) if s == "a\tb"));
        let src = "Manual";
        assert!(matches!(kind(src), Kind::Unit(s) if std::ptr::eq(s, src)));
        assert_eq!(kind(r#""a\n\t\"\\\u{e9}""#), Kind::Str("a\n\t\"\\é"));
        assert_eq!(kind(r###"r#"say "hi""#"###), Kind::Str("say \"hi\""));
        assert_eq!(kind("r\"raw\\n\""), Kind::Str("raw\\n"));
        assert_eq!(kind("/* a /* nested */ comment */ 1 // end"), int(1));
        assert_eq!(
            kind("#![enable(implicit_some)]\n#![enable(unwrap_newtypes)] 2"),
            int(2)
        );
        assert_eq!(
            kind("#![type = \"Scenario\"]\n#![ schema = r#\"s.json\"# ] 2"),
            int(2)
        );
        assert_eq!(
            err("#![type = Scenario] 2").message,
            "expected a string after `type =`, found `Scenario`"
        );
    }

    /// What the `ron` crate accepts and a scenario could hold.
    #[test]
    fn reads_the_ron_that_ron_users_write() {
        assert_eq!(kind("0x10"), int(16));
        assert_eq!(kind("-0x10"), int(-16));
        assert_eq!(kind("0o17"), int(15));
        assert_eq!(kind("0b1_01"), int(5));
        assert_eq!(kind("1u8"), int(1));
        assert_eq!(kind("1_000i64"), int(1000));
        assert_eq!(kind("2.5f64"), Kind::Float(2.5));
        assert_eq!(kind("0.1f32"), Kind::Float(f64::from(0.1f32)));
        assert_eq!(kind("1e400"), Kind::Float(f64::INFINITY));
        assert_eq!(kind("inf"), Kind::Float(f64::INFINITY));
        assert_eq!(kind("-inf"), Kind::Float(f64::NEG_INFINITY));
        assert!(matches!(kind("NaN"), Kind::Float(x) if x.is_nan()));
        assert_eq!(kind(".5"), Kind::Float(0.5));
        assert_eq!(kind("'c'"), Kind::Char('c'));
        assert_eq!(kind(r"'\''"), Kind::Char('\''));
        assert_eq!(kind(r"'\x41'"), Kind::Char('A'));
        assert_eq!(kind("b'a'"), int(97));
        assert_eq!(kind(r#"b"x\xff""#), Kind::Bytes(&[b'x', 0xff]));
        assert_eq!(kind(r##"br#"a"b"#"##), Kind::Bytes(b"a\"b"));
        assert_eq!(kind(r#""\x41""#), Kind::Str("A"));
        assert_eq!(kind(r#""\xc3\xa9""#), Kind::Str("é"));
        assert_eq!(kind("\"one \\\n    two\""), Kind::Str("one two"));
        assert_eq!(kind("\"a\\\r\n b\""), Kind::Str("ab"));
        assert_eq!(kind("r#type"), Kind::Unit("type"));
        let Kind::Struct { fields, .. } = kind("(r#type: 1, é: 2)") else {
            panic!()
        };
        assert_eq!(
            (fields[0].name, fields[0].name_span()),
            ("type", Span::from(1..7))
        );
        assert_eq!(fields[1].name, "é");
        assert_eq!(kind("\u{2028}1\u{200E}"), int(1));
        assert_eq!(
            kind("99999999999999999999999999999999999999999"),
            Kind::Float(1e41)
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = err("(a: 1 b: 2)");
        assert_eq!(
            (e.at, e.message.as_str()),
            (6, "expected `,` or `)`, found `b`")
        );
        let e = err("[1, 2");
        assert_eq!(
            (e.at, e.message.as_str()),
            (5, "expected `,` or `]`, found end of file")
        );
        assert_eq!(err("\"abc").at, 0);
        assert_eq!(
            err("/* open").message,
            "unterminated block comment `/* ... */`"
        );
        assert_eq!(err("\"\\q\"").message, "unknown escape `\\q` in a string");
        assert_eq!(err("1 2").message, "expected end of file, found a number");
        assert!(err("256u8").message.contains("out of range"));
        assert!(
            err("0x1_0000_0000_0000_0000_0000_0000_0000_0000")
                .message
                .contains("out of range")
        );
        assert!(err("0b12").message.contains("not a digit in base 2"));
        assert!(err("r#").message.contains("raw identifier"));
        assert!(err("\"\\xc3\"").message.contains("UTF-8"));
    }

    #[test]
    fn a_value_kept_as_written_reads_again_where_it_was() {
        let src = "Scenario(title: \"x\", profile: Profile(teams: {\"red\": (respond: 0.5)}))";
        let Kind::Struct { fields, .. } = kind(src) else {
            panic!()
        };
        let profile = fields[1].value;
        let written = Written::of(src, profile.span());
        assert_eq!(written.read(&Arena::new()), Ok(profile));
        assert_eq!(written.at, src.find("Profile").unwrap());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "[".repeat(100_000);
        assert!(err(&src).message.contains("nested deeper"));
        let src = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn never_panics_on_odd_input() {
        for src in [
            "",
            "é",
            "\"é",
            "r#",
            "r#\"",
            "\\",
            "#",
            "#!",
            "(a:",
            "(a",
            "{1",
            "-",
            ".",
            "1e",
            "\"\\u{110000}\"",
            "\"\\u{",
            "x(",
            "/",
            "'",
            "'\\",
            "b'",
            "b\"",
            "br#",
            "0x",
            "-0b",
            "1u",
            "\"\\x",
            "\"\\xé\"",
            "'ab'",
            "r#é",
            "+",
            "..",
            "1..2",
            "\"\\\n",
            "_",
        ] {
            let _ = parse(src);
        }
    }
}
