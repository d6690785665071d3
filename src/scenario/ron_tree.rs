//! A small RON reader that keeps the byte offset of every value.
//!
//! Why our own and not the `ron` crate: `ron` stops at the first error and tells nothing about
//! where a value sits, but a scenario author must get every semantic mistake of a file in one run,
//! each at the line of the offending value. So the file is first read into this spanned tree, and
//! the loader checks the tree. The reader covers what scenario and script files use; it never
//! panics and bounds its nesting depth and string length, whatever the input.

/// How deep lists, maps and parentheses may nest; real files need fewer than ten levels.
pub const MAX_DEPTH: usize = 64;
/// The longest string a file may hold; an inject's body is a few paragraphs.
pub const MAX_STRING_BYTES: usize = 1 << 20;
/// How many values a file may hold: ample for the largest scenario the loader accepts, and a
/// bound on the tree's memory (a 16 MiB file of `1,1,1,…` would otherwise build 8 million).
pub const MAX_VALUES: usize = 3_000_000;

/// A value and the byte offset in the source where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub at: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Map(Vec<(Value, Value)>),
    /// `Name(field: value, ...)` or `(field: value, ...)`; `()` is a struct without fields.
    Struct {
        name: Option<String>,
        fields: Vec<Field>,
    },
    /// `Name(value, ...)` or `(value, ...)`: an enum variant with values, such as `At("0m")`.
    Tuple {
        name: Option<String>,
        items: Vec<Value>,
    },
    /// A bare identifier: a unit variant such as `Manual` or `None`.
    Unit(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// Where the field's name starts.
    pub at: usize,
    pub value: Value,
}

impl Kind {
    /// What the value is, in the words of an error message ("found a string").
    pub fn describe(&self) -> String {
        match self {
            Kind::Bool(b) => format!("`{b}`"),
            Kind::Int(_) => "an integer".into(),
            Kind::Float(_) => "a number".into(),
            Kind::Str(_) => "a string".into(),
            Kind::List(_) => "a list".into(),
            Kind::Map(_) => "a map".into(),
            Kind::Struct { name: Some(n), .. } | Kind::Tuple { name: Some(n), .. } => {
                format!("`{n}(...)`")
            }
            Kind::Struct { name: None, .. } => "a struct `(...)`".into(),
            Kind::Tuple { name: None, .. } => "a tuple `(...)`".into(),
            Kind::Unit(n) => format!("`{n}`"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

/// Reads a whole RON document: an optional `#![enable(...)]` header, then one value.
pub fn parse(source: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser {
        src: source,
        pos: 0,
        depth: 0,
        values: 0,
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
    pos: usize,
    depth: usize,
    values: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + ahead).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.src
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            at: self.pos,
            message,
        }
    }

    /// What sits at the current position, for "expected X, found Y".
    fn found(&self) -> String {
        match self.peek() {
            None => "end of file".into(),
            Some(b'"') => "a string".into(),
            Some(b) if b.is_ascii_digit() => "a number".into(),
            Some(b) if is_ident_start(b) => {
                let rest = self.src.get(self.pos..).unwrap_or("");
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(40)
                    .collect();
                format!("`{word}`")
            }
            Some(_) => match self.peek_char() {
                Some(c) if c.is_control() => format!("{:?}", c),
                Some(c) => format!("`{c}`"),
                None => "an invalid character".into(),
            },
        }
    }

    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while let Some(b) = self.peek() {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => self.block_comment()?,
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
    fn header(&mut self) -> Result<(), SyntaxError> {
        for (byte, what) in [
            (b'#', "`#`"),
            (b'!', "`!` in `#![enable(...)]`"),
            (b'[', "`[` in `#![enable(...)]`"),
        ] {
            if self.peek() != Some(byte) {
                return Err(self.error(format!("expected {what}, found {}", self.found())));
            }
            self.pos += 1;
        }
        self.skip_trivia()?;
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

    fn value(&mut self) -> Result<Value, SyntaxError> {
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
            Some(b'r') if matches!(self.peek_at(1), Some(b'"' | b'#')) => {
                Kind::Str(self.raw_string()?)
            }
            Some(b'[') => self.list()?,
            Some(b'{') => self.map()?,
            Some(b'(') => self.parens(None)?,
            Some(b) if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => self.number()?,
            Some(b) if is_ident_start(b) => {
                let name = self.ident();
                match name.as_str() {
                    "true" => Kind::Bool(true),
                    "false" => Kind::Bool(false),
                    _ => {
                        self.skip_trivia()?;
                        if self.peek() == Some(b'(') {
                            self.parens(Some(name))?
                        } else {
                            Kind::Unit(name)
                        }
                    }
                }
            }
            _ => return Err(self.error(format!("expected a value, found {}", self.found()))),
        };
        Ok(Value { at, kind })
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        // Only ASCII bytes were passed, so both ends are char boundaries.
        self.src
            .get(start..self.pos)
            .unwrap_or_default()
            .to_string()
    }

    /// Values separated by commas (a trailing one allowed) up to `close`, which it consumes.
    fn items(&mut self, close: u8) -> Result<Vec<Value>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(close) {
                break;
            }
            items.push(self.value()?);
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
        Ok(items)
    }

    fn list(&mut self) -> Result<Kind, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        let items = self.items(b']')?;
        self.depth -= 1;
        Ok(Kind::List(items))
    }

    fn map(&mut self) -> Result<Kind, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(b'}') {
                break;
            }
            let key = self.value()?;
            self.skip_trivia()?;
            self.expect(b':', "`:` after a map key")?;
            let value = self.value()?;
            entries.push((key, value));
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
        Ok(Kind::Map(entries))
    }

    /// After an optional name, at `(`: a struct when the first item is `ident:`, else a tuple.
    fn parens(&mut self, name: Option<String>) -> Result<Kind, SyntaxError> {
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
        if !self.peek().is_some_and(is_ident_start)
            || (self.peek() == Some(b'r') && self.peek_at(1) == Some(b'#'))
        {
            return Ok(false);
        }
        let start = self.pos;
        self.ident();
        self.skip_trivia()?;
        let field = self.peek() == Some(b':') && self.peek_at(1) != Some(b':');
        self.pos = start;
        Ok(field)
    }

    fn struct_fields(&mut self, name: Option<String>) -> Result<Kind, SyntaxError> {
        let mut fields = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(b')') {
                break;
            }
            if !self.peek().is_some_and(is_ident_start) {
                return Err(self.error(format!(
                    "expected a field name or `)`, found {}",
                    self.found()
                )));
            }
            let at = self.pos;
            let field = self.ident();
            self.skip_trivia()?;
            self.expect(b':', &format!("`:` after field `{field}`"))?;
            let value = self.value()?;
            fields.push(Field {
                name: field,
                at,
                value,
            });
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => break,
                _ => return Err(self.error(format!("expected `,` or `)`, found {}", self.found()))),
            }
        }
        self.pos += 1;
        Ok(Kind::Struct { name, fields })
    }

    fn tuple_items(&mut self, name: Option<String>) -> Result<Kind, SyntaxError> {
        let items = self.items(b')')?;
        if items.is_empty() {
            return Ok(Kind::Struct {
                name,
                fields: Vec::new(),
            });
        }
        Ok(Kind::Tuple { name, items })
    }

    fn number(&mut self) -> Result<Kind, SyntaxError> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        let mut float = false;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit() || b == b'_') {
                p.pos += 1;
            }
            p.pos > from
        };
        let mut any = digits(self);
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            any |= digits(self);
        }
        if !any {
            self.pos = start;
            return Err(self.error(format!("expected a number, found {}", self.found())));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'-' | b'+')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error(format!(
                    "expected the digits of an exponent, found {}",
                    self.found()
                )));
            }
        }
        // Only ASCII bytes were passed, so the slice is on char boundaries.
        let text: String = self
            .src
            .get(start..self.pos)
            .unwrap_or_default()
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let out_of_range = || SyntaxError {
            at: start,
            message: format!("number `{text}` is out of range"),
        };
        if float {
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Kind::Float(x)),
                _ => Err(out_of_range()),
            }
        } else {
            text.parse::<i128>()
                .map(Kind::Int)
                .map_err(|_| out_of_range())
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return Err(SyntaxError {
                    at: start,
                    message: "unterminated string: missing the closing `\"`".into(),
                });
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => out.push(self.escape()?),
                c => out.push(c),
            }
            if out.len() > MAX_STRING_BYTES {
                return Err(SyntaxError {
                    at: start,
                    message: format!("string longer than {MAX_STRING_BYTES} bytes"),
                });
            }
        }
    }

    /// After a `\` in a string.
    fn escape(&mut self) -> Result<char, SyntaxError> {
        let at = self.pos - 1;
        let bad = |message: String| SyntaxError { at, message };
        let Some(c) = self.peek_char() else {
            return Err(bad("unterminated string: missing the closing `\"`".into()));
        };
        self.pos += c.len_utf8();
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
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
        })
    }

    /// `r"..."` or `r#"..."#` (any number of `#`).
    fn raw_string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
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
        let text = rest.get(..len).unwrap_or_default().to_string();
        self.pos += len + terminator.len();
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(src: &str) -> Kind {
        parse(src)
            .map(|v| v.kind)
            .unwrap_or_else(|e| panic!("{src}: {e:?}"))
    }

    fn err(src: &str) -> SyntaxError {
        match parse(src) {
            Err(e) => e,
            Ok(v) => panic!("{src} parsed: {v:?}"),
        }
    }

    #[test]
    fn reads_named_struct_with_offsets() {
        let v = parse("Scenario(\n  title: \"x\", // comment\n  n: -1.5,\n)").unwrap();
        let Kind::Struct { name, fields } = v.kind else {
            panic!()
        };
        assert_eq!(name.as_deref(), Some("Scenario"));
        assert_eq!(fields[0].name, "title");
        assert_eq!(fields[0].at, 12);
        assert_eq!(fields[0].value.at, 19);
        assert_eq!(fields[1].value.kind, Kind::Float(-1.5));
    }

    #[test]
    fn reads_variants_lists_maps() {
        assert_eq!(kind("Manual"), Kind::Unit("Manual".into()));
        let Kind::Tuple { name, items } = kind("At(\"0m\")") else {
            panic!()
        };
        assert_eq!(name.as_deref(), Some("At"));
        assert_eq!(items[0].kind, Kind::Str("0m".into()));
        let Kind::List(items) = kind("[1, 2,]") else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        let Kind::Map(entries) = kind("{\"k\": \"v\", }") else {
            panic!()
        };
        assert_eq!(entries[0].1.kind, Kind::Str("v".into()));
        assert_eq!(kind("true"), Kind::Bool(true));
        assert_eq!(kind("-7"), Kind::Int(-7));
        assert_eq!(kind("1e3"), Kind::Float(1000.0));
        assert!(matches!(kind("()"), Kind::Struct { name: None, fields } if fields.is_empty()));
    }

    #[test]
    fn reads_strings_and_comments() {
        assert_eq!(kind(r#""a\n\t\"\\\u{e9}""#), Kind::Str("a\n\t\"\\é".into()));
        assert_eq!(kind(r###"r#"say "hi""#"###), Kind::Str("say \"hi\"".into()));
        assert_eq!(kind("r\"raw\\n\""), Kind::Str("raw\\n".into()));
        assert_eq!(kind("/* a /* nested */ comment */ 1 // end"), Kind::Int(1));
        assert_eq!(
            kind("#![enable(implicit_some)]\n#![enable(unwrap_newtypes)] 2"),
            Kind::Int(2)
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
        assert!(
            err("99999999999999999999999999999999999999999")
                .message
                .contains("out of range")
        );
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
        ] {
            let _ = parse(src);
        }
    }
}
