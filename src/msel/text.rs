//! The words an MSEL cell holds for what RON writes as structure: `Name (id)` and the ids made
//! from names, triggers (`when detect.rfa is met, delay 5m`), expected actions
//! (`Acknowledge (ack); within: 5m; basis: ABCCA Art. 12`) and an action's shaped fields, both
//! ways; and CSV injection's guard.

use crate::ron_file::{
    Arena, Errors, FromValue, Kind, SourceMap, Value, parse_file, quoted, record,
};
use crate::scenario::{format_secs, parse_duration};

/// A cell that a spreadsheet program would run as a formula starts with one of these (OWASP's
/// list: `=`, `+`, `-`, `@`, and tab and carriage return, which some programs skip first).
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// Leading `'`s, then a formula start, or a text that a spreadsheet program would read as
/// another number or a date: the form a guarded cell takes. Blanks before `= + - @` do not
/// disarm a formula in every program, so they count as a formula start too.
fn guarded_form(text: &str) -> bool {
    let rest = text.trim_start_matches('\'');
    rest.starts_with(['\t', '\r'])
        || rest.trim_start().starts_with(FORMULA_STARTS)
        || read_as_another_value(rest)
}

/// A text that LibreOffice or Excel, opening a CSV, turns into a number or date that does not
/// show as the text again: `007` (7), `1.10` (1.1), `1,000`, `1/2` and `2024-06-01` (dates),
/// `09:15` (a time), `20%`, `1e5`. Plain numbers such as `12` or `1.5` come back as they were.
fn read_as_another_value(text: &str) -> bool {
    let numeric = text.starts_with(|c: char| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || ".,:/- %eE".contains(c));
    if !numeric {
        return false;
    }
    let plain_whole =
        text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0') || text == "0";
    let plain_decimal = text.split_once('.').is_some_and(|(whole, fraction)| {
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && (whole == "0" || !whole.starts_with('0'))
            && !fraction.is_empty()
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !fraction.ends_with('0')
    });
    !(plain_whole || plain_decimal)
}

/// A CSV cell as written: one with a formula start (or already a `'` before one) gets a leading
/// `'`, so that a spreadsheet program shows it as text instead of running it.
pub fn escape_csv_cell(text: &str) -> String {
    if guarded_form(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// An XLSX cell as written: always text, so never run, but a text that already starts with the
/// guard before a formula start gets one more `'`, since import takes one off every such cell
/// (a CSV saved as a spreadsheet keeps the guard as a character).
pub fn escape_xlsx_cell(text: &str) -> String {
    if text.starts_with('\'') && guarded_form(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The reverse of [`escape_csv_cell`] and [`escape_xlsx_cell`], for a cell of any spreadsheet:
/// one `'` before a formula start is dropped.
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if guarded_form(rest) => rest,
        _ => text,
    }
}

/// A cell that holds HTML (Blueprint's rich text): it starts with a tag.
pub fn looks_like_html(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with('<')
        && text[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
        && text.contains('>')
}

/// HTML as the text a reader sees: paragraphs, line breaks and list items on lines of their
/// own, every other tag left out, character references decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find(['<', '&']) {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        if rest.starts_with('<') {
            let Some(close) = rest.find('>') else {
                out.push_str(rest);
                rest = "";
                break;
            };
            let tag = rest[1..close].trim().to_ascii_lowercase();
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let closing = tag.starts_with('/');
            match name.as_str() {
                "br" => out.push('\n'),
                "li" if !closing => out.push_str("\n- "),
                "p" | "div" | "li" | "ul" | "ol" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5"
                | "h6" | "blockquote" | "pre" | "table" => out.push('\n'),
                _ => {}
            }
            rest = &rest[close + 1..];
        } else {
            let end = rest[1..]
                .find(|c: char| c == ';' || c.is_whitespace() || c == '&' || c == '<')
                .map(|i| i + 1);
            let entity = match end {
                Some(end) if rest[end..].starts_with(';') => {
                    let name = &rest[1..end];
                    let decoded = match name {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        "nbsp" => Some(' '),
                        _ => name
                            .strip_prefix("#x")
                            .or_else(|| name.strip_prefix("#X"))
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                            .and_then(char::from_u32),
                    };
                    decoded.map(|c| (c, end + 1))
                }
                _ => None,
            };
            match entity {
                Some((c, length)) => {
                    out.push(c);
                    rest = &rest[length..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    // Blank space as a reader sees it: no spaces at line ends, at most one empty line.
    let mut text = String::new();
    let mut blank = 0;
    for line in out.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank > 1 { "\n\n" } else { "\n" });
        }
        blank = 0;
        text.push_str(line.trim_start_matches(' '));
    }
    text
}

/// An id made from a name: `Information Security` → `information-security`; `None` when the name
/// has no letter or digit to make one from.
pub fn slug(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        // `Don't` → `dont`, not `don-t`.
        if matches!(c, '\'' | '’') {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() > 40 {
            // Cut at the last whole word.
            match out.rfind('-').filter(|at| *at >= 12) {
                Some(at) => out.truncate(at),
                None => out.truncate(40),
            }
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
}

/// `Name (id)`, or just `Name` when the id is the one made from the name.
pub fn named(name: &str, id: &str) -> String {
    if slug(name).as_deref() == Some(id) {
        name.to_string()
    } else {
        format!("{name} ({id})")
    }
}

/// `Name (id)` → (`Name`, `Some(id)`); anything else is all name.
pub fn split_named(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    if let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind(" (")) {
        let id = &text[open + 2..text.len() - 1];
        if valid_id(id) {
            return (text[..open].trim_end(), Some(id));
        }
    }
    (text, None)
}

/// What fires an inject, in the MSEL's words.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerWords {
    At(u64),
    After(String),
    Met(String),
    Missed(String),
    Incomplete(String),
    Taken(String),
    ByHand,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TriggerText {
    pub trigger: TriggerWords,
    pub delay: u64,
    pub jitter: u64,
    pub chance: f64,
}

impl TriggerWords {
    pub fn render(&self) -> String {
        match self {
            TriggerWords::At(t) => format!("at +{}", format_secs(*t)),
            TriggerWords::After(id) => format!("after {id}"),
            TriggerWords::Met(x) => format!("when {x} is met"),
            TriggerWords::Missed(x) => format!("when {x} is missed"),
            TriggerWords::Incomplete(x) => format!("when {x} is incomplete"),
            TriggerWords::Taken(a) => format!("when {a} is taken"),
            TriggerWords::ByHand => "by hand".to_string(),
        }
    }

    /// An inject's `unless` (`when detect.rfa is met`): a trigger with no delay, jitter or
    /// chance, and never a time or a hand release, which the scenario does not allow there.
    pub fn parse_unless(text: &str) -> Result<TriggerWords, String> {
        let refused = || {
            format!(
                "{} cannot be an `unless`: expected \"after INJECT\", \"when INJECT.ACTION is \
                 met\", \"when INJECT.ACTION is missed\", \"when INJECT.ACTION is incomplete\" or \
                 \"when ACTION is taken\", with no delay, jitter or chance",
                quoted(text)
            )
        };
        let parsed = TriggerText::parse(text).map_err(|_| refused())?;
        let plain = parsed.delay == 0 && parsed.jitter == 0 && parsed.chance == 1.0;
        match parsed.trigger {
            TriggerWords::At(_) | TriggerWords::ByHand => Err(refused()),
            trigger if plain => Ok(trigger),
            _ => Err(refused()),
        }
    }
}

impl TriggerText {
    pub fn render(&self) -> String {
        let mut out = self.trigger.render();
        if self.delay > 0 {
            out.push_str(&format!(", delay {}", format_secs(self.delay)));
        }
        if self.jitter > 0 {
            out.push_str(&format!(", jitter {}", format_secs(self.jitter)));
        }
        if self.chance != 1.0 {
            out.push_str(&format!(", chance {}", self.chance));
        }
        out
    }

    pub fn parse(text: &str) -> Result<TriggerText, String> {
        let mut parts = text.split(',').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let words: Vec<&str> = head.split_whitespace().collect();
        let expected = || {
            format!(
                "{} is not a trigger: expected \"at +1h30m\", \"after INJECT\", \"when \
                 INJECT.ACTION is met\", \"when INJECT.ACTION is missed\", \"when \
                 INJECT.ACTION is incomplete\", \"when ACTION is taken\" or \"by hand\", then \", delay 5m\", \", jitter 5m\", \", chance 0.5\"",
                quoted(text)
            )
        };
        let trigger = match words.as_slice() {
            ["at", time] => TriggerWords::At(parse_duration(time.trim_start_matches('+'))?),
            ["after", id] => TriggerWords::After(id.to_string()),
            ["when", x, "is", "met"] => TriggerWords::Met(x.to_string()),
            ["when", x, "is", "missed"] => TriggerWords::Missed(x.to_string()),
            ["when", x, "is", "incomplete"] => TriggerWords::Incomplete(x.to_string()),
            ["when", a, "is", "taken"] => TriggerWords::Taken(a.to_string()),
            ["by", "hand"] => TriggerWords::ByHand,
            _ => return Err(expected()),
        };
        let mut out = TriggerText {
            trigger,
            delay: 0,
            jitter: 0,
            chance: 1.0,
        };
        for part in parts {
            match part.split_once(' ').map(|(k, v)| (k, v.trim())) {
                Some(("delay", d)) => out.delay = parse_duration(d)?,
                Some(("jitter", d)) => out.jitter = parse_duration(d)?,
                Some(("chance", p)) => {
                    out.chance = p
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| format!("chance \"{p}\" is not a number in 0..=1"))?
                }
                _ => return Err(expected()),
            }
        }
        Ok(out)
    }
}

/// One expected action of a cell: `Name (id); by: us, cn; within: 2h; fields: a, b;
/// weight: 2; objective: coord; basis: ABCCA Art. 12`. Only the name is needed; what is left out
/// takes its default. `basis` comes last and takes the rest of the line, whatever it holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExpectText {
    /// The action's name, or the choices of a decision.
    pub names: Vec<(String, Option<String>)>,
    pub decision: bool,
    pub by: Vec<String>,
    pub within: Option<u64>,
    /// `None`: not written (every field of the action).
    pub fields: Option<Vec<String>>,
    pub weight: Option<f64>,
    pub objective: Option<String>,
    /// Where the time standard comes from.
    pub basis: Option<String>,
}

/// What may follow an expected action's name, for messages.
const EXPECT_KEYS: &str =
    "\"by:\", \"within:\", \"fields:\", \"weight:\", \"objective:\" or \"basis:\"";

impl ExpectText {
    pub fn render(&self) -> String {
        let names: Vec<String> = self
            .names
            .iter()
            .map(|(name, id)| match id {
                Some(id) => named(name, id),
                None => name.clone(),
            })
            .collect();
        let mut out = if self.decision {
            format!("decide: {}", names.join(" | "))
        } else {
            names.join(" | ")
        };
        if !self.by.is_empty() {
            out.push_str(&format!("; by: {}", self.by.join(", ")));
        }
        if let Some(within) = self.within {
            out.push_str(&format!("; within: {}", format_secs(within)));
        }
        if let Some(fields) = &self.fields {
            out.push_str(&format!("; fields: {}", fields.join(", ")));
        }
        if let Some(weight) = self.weight {
            out.push_str(&format!("; weight: {weight}"));
        }
        if let Some(objective) = &self.objective {
            out.push_str(&format!("; objective: {objective}"));
        }
        if let Some(basis) = &self.basis {
            out.push_str(&format!("; basis: {}", one_line(basis)));
        }
        out
    }

    pub fn parse(line: &str) -> Result<ExpectText, String> {
        let (line, basis) = match line.split_once("; basis:") {
            Some((line, basis)) => (line, Some(from_one_line(basis))),
            None => (line, None),
        };
        let mut parts = line.split("; ");
        let head = parts.next().unwrap_or_default().trim();
        let (decision, head) = match head.strip_prefix("decide:") {
            Some(rest) => (true, rest.trim()),
            None => (false, head),
        };
        let names = if decision {
            head.split(" | ").collect()
        } else {
            vec![head]
        };
        let mut out = ExpectText {
            names: names
                .into_iter()
                .map(|n| {
                    let (name, id) = split_named(n);
                    (name.to_string(), id.map(str::to_string))
                })
                .collect(),
            decision,
            basis,
            ..ExpectText::default()
        };
        if out.names.iter().any(|(n, _)| n.is_empty()) {
            return Err(format!("{} names no action", quoted(line)));
        }
        let list = |v: &str| -> Vec<String> {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        for part in parts {
            let Some((key, value)) = part.split_once(':') else {
                return Err(format!(
                    "{} in an expected action: expected {EXPECT_KEYS}",
                    quoted(part)
                ));
            };
            let value = value.trim();
            match key.trim() {
                "by" => out.by = list(value),
                "within" => out.within = Some(parse_duration(value)?),
                "fields" => out.fields = Some(list(value)),
                "weight" => {
                    out.weight = Some(
                        value
                            .parse::<f64>()
                            .ok()
                            .filter(|w| w.is_finite() && *w > 0.0)
                            .ok_or_else(|| format!("weight \"{value}\" is not a number above 0"))?,
                    )
                }
                "objective" => out.objective = Some(value.to_string()),
                other => {
                    return Err(format!(
                        "{} in an expected action: expected {EXPECT_KEYS}",
                        quoted(&format!("{other}:"))
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// A free text that must stay on one line of a cell, as it is when a reader would take it back
/// unchanged (no line break, no spaces at either end, no leading `"`), else as a RON string
/// (`"line one\nline two"`) that [`from_one_line`] reads back.
pub fn one_line(text: &str) -> String {
    let as_is = !text.is_empty()
        && text.trim() == text
        && !text.contains(['\n', '\r'])
        && !text.starts_with('"');
    if as_is {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// The reverse of [`one_line`]: a RON string is read as one; anything else, such as a text a
/// person typed that merely starts with a quote (`"Joint SOP" §4`), is the trimmed text.
pub fn from_one_line(text: &str) -> String {
    let text = text.trim();
    if text.starts_with('"') {
        let map = SourceMap::new("cell", text);
        let arena = Arena::new();
        if let Ok(Kind::Str(s)) = parse_file(&map, text, &arena).map(|v| v.kind) {
            return s.to_string();
        }
    }
    text.to_string()
}

/// A name as RON writes it: plain, or raw (`r#...`) where it is not an identifier.
fn ron_name(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("r#{name}")
    }
}

/// A value read from a scenario (its rehearsal profile) as RON text that reads back as it.
pub fn value_ron(value: &Value) -> String {
    let list = |items: Vec<String>| items.join(", ");
    match &value.kind {
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.get().to_string(),
        Kind::Float(f) => format!("{f:?}"),
        Kind::Char(c) => match c {
            '\'' => "'\\''".to_string(),
            c => {
                let text = quoted(&c.to_string());
                format!("'{}'", &text[1..text.len() - 1].replace("\\\"", "\""))
            }
        },
        Kind::Str(s) => quoted(s),
        Kind::Bytes(bytes) => {
            let text: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
            format!("b\"{text}\"")
        }
        Kind::List(items) => format!("[{}]", list(items.iter().map(value_ron).collect())),
        Kind::Map(entries) => format!(
            "{{{}}}",
            list(
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", value_ron(k), value_ron(v)))
                    .collect()
            )
        ),
        Kind::Struct { name, fields } => format!(
            "{}({})",
            name.as_deref().map(ron_name).unwrap_or_default(),
            list(
                fields
                    .iter()
                    .map(|f| format!("{}: {}", ron_name(f.name), value_ron(&f.value)))
                    .collect()
            )
        ),
        Kind::Tuple { name, items } => format!(
            "{}({})",
            name.as_deref().map(ron_name).unwrap_or_default(),
            list(items.iter().map(value_ron).collect())
        ),
        Kind::Unit(name) => ron_name(name),
    }
}

record! {
    /// A shaped field as the `Actions` sheet writes it: the scenario file's own record.
    struct RawField as "Field", "a field" {
        name: String = Required,
        hint: String = Optional,
        choices: Vec<String> = Optional,
        min_words: u64 = Optional,
    }
}

/// One field of an action, a line of the `Actions` sheet's `Fields` cell: its name, or, when it
/// has a shape (or a name that a line would not keep as it is), the record a scenario file
/// writes for it: `(name: "indicators", hint: "addresses and times in UTC", min_words: 3)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldText {
    pub name: String,
    pub hint: Option<String>,
    pub choices: Vec<String>,
    pub min_words: Option<u64>,
}

impl FieldText {
    pub fn named(name: &str) -> FieldText {
        FieldText {
            name: name.to_string(),
            ..FieldText::default()
        }
    }

    fn is_plain(&self) -> bool {
        self.hint.is_none() && self.choices.is_empty() && self.min_words.is_none()
    }

    /// The field as RON: its name quoted, or its record.
    pub fn ron(&self) -> String {
        if self.is_plain() {
            quoted(&self.name)
        } else {
            self.record()
        }
    }

    fn record(&self) -> String {
        let mut parts = vec![format!("name: {}", quoted(&self.name))];
        if let Some(hint) = &self.hint {
            parts.push(format!("hint: {}", quoted(hint)));
        }
        if !self.choices.is_empty() {
            let choices: Vec<String> = self.choices.iter().map(|c| quoted(c)).collect();
            parts.push(format!("choices: [{}]", choices.join(", ")));
        }
        if let Some(min) = self.min_words {
            parts.push(format!("min_words: {min}"));
        }
        format!("({})", parts.join(", "))
    }

    /// The field's line in a cell.
    pub fn render(&self) -> String {
        let kept = !self.name.starts_with('(') && one_line(&self.name) == self.name;
        if self.is_plain() && kept {
            self.name.clone()
        } else {
            self.record()
        }
    }

    /// A line of a `Fields` cell, checked as the scenario's loader checks a field's shape.
    pub fn parse(line: &str) -> Result<FieldText, String> {
        let line = line.trim();
        if !line.starts_with('(') {
            return Ok(FieldText::named(line));
        }
        let map = SourceMap::new("cell", line);
        let mut errors = Errors::default();
        let arena = Arena::new();
        let read = parse_file(&map, line, &arena)
            .map_err(|d| d.into_iter().map(|d| d.message).collect::<Vec<_>>())
            .and_then(|tree| {
                let raw = RawField::from_value(&tree, "", &mut errors);
                match raw {
                    Some(raw) if errors.is_empty() => Ok(raw),
                    _ => Err(errors.0.iter().map(|(_, m)| m.clone()).collect()),
                }
            });
        let raw = read.map_err(|messages| {
            format!(
                "{} is not a field: {}; a field is its name, or `(name: \"NAME\", hint: \
                 \"TEXT\", choices: [\"A\", \"B\"], min_words: N)`",
                quoted(line),
                messages.join("; ")
            )
        })?;
        let choices_given = raw.choices.given().is_some();
        let field = FieldText {
            name: raw.name.or_default(),
            hint: raw.hint.into_given(),
            choices: raw.choices.or_default(),
            min_words: raw.min_words.into_given(),
        };
        let problem = if choices_given && field.min_words.is_some() {
            Some("`choices` and `min_words` cannot go together")
        } else if choices_given && field.choices.len() < 2 {
            Some("`choices` needs two or more entries")
        } else if (1..field.choices.len()).any(|i| field.choices[..i].contains(&field.choices[i])) {
            Some("`choices` lists an entry twice")
        } else if field.min_words == Some(0) {
            Some("`min_words` is at least 1")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(format!("field {}: {problem}", quoted(&field.name))),
            None => Ok(field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_and_lose_it_again() {
        for text in [
            "=1+1", "+1h30m", "-x", "@SUM(A1)", "'=x", "''+y", "\tz", "\rz", " =x", "  @x",
            "\u{a0}-x",
        ] {
            let written = escape_csv_cell(text);
            assert!(written.starts_with('\''), "{text}");
            assert_eq!(unguard(&written), text);
        }
        for text in [
            "plain", "'quoted", "1+1", "1h30m", "a =b", "12", "1.5", "0", "0.25",
        ] {
            assert_eq!(escape_csv_cell(text), text);
            assert_eq!(unguard(text), text);
        }
        // What a spreadsheet would turn into another number or a date is guarded too.
        for text in [
            "007",
            "1.10",
            "1,000",
            "1/2",
            "2024-06-01",
            "09:15",
            "20%",
            "1e5",
            "'007",
        ] {
            let written = escape_csv_cell(text);
            assert_eq!(written, format!("'{text}"));
            assert_eq!(unguard(&written), text);
        }
    }

    #[test]
    fn an_xlsx_cell_is_guarded_only_where_import_would_take_a_quote_off() {
        for text in ["=1+1", "+1h30m", "plain", "'quoted"] {
            assert_eq!(escape_xlsx_cell(text), text);
            assert_eq!(unguard(text), text);
        }
        for text in ["'=x", "''+y", "' -x"] {
            assert_eq!(escape_xlsx_cell(text), format!("'{text}"));
            assert_eq!(unguard(&escape_xlsx_cell(text)), text);
        }
    }

    #[test]
    fn values_read_back_as_written() {
        for text in [
            "Profile(decisions: {\"d.decision\": {\"a\": 0.7, \"b\": 0.3}}, manual: {\"x\": \"4h\"})",
            "(a: [1, -2, 3.5, true], b: Some(\"t\\\"q\\n\"), c: None, r#type: 'x', d: '\\'', e: b\"\\xff\")",
            "(f: inf, g: (1, \"two\"), h: {})",
        ] {
            let map = SourceMap::new("v", text);
            let arena = Arena::new();
            let value = parse_file(&map, text, &arena).unwrap();
            let written = value_ron(&value);
            let map = SourceMap::new("w", &written);
            let again = parse_file(&map, &written, &arena).unwrap();
            assert_eq!(value_ron(&again), written, "{text}");
        }
    }

    #[test]
    fn html_reads_as_the_text_it_shows() {
        assert_eq!(
            html_to_text(
                "<p>Operators report <b>no</b> pressure &amp; flow.</p><p>Check:</p>\
                 <ul><li>pumps</li><li>valves &lt;5&gt;</li></ul><p>&#8212; Ops&nbsp;desk</p>"
            ),
            "Operators report no pressure & flow.\nCheck:\n\n- pumps\n- valves <5>\n\n— Ops desk"
        );
        assert_eq!(
            html_to_text("a<br/>b &unknown; c & d"),
            "a\nb &unknown; c & d"
        );
        assert!(looks_like_html("<p>x</p>"));
        assert!(!looks_like_html("<5 minutes"));
        assert!(!looks_like_html("plain"));
    }

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(
            slug("Information Security").as_deref(),
            Some("information-security")
        );
        assert_eq!(slug("PR/Comm").as_deref(), Some("pr-comm"));
        assert_eq!(slug("  SOC — BASE4 ").as_deref(), Some("soc-base4"));
        assert_eq!(slug("Don’t pay it").as_deref(), Some("dont-pay-it"));
        assert_eq!(
            slug("Isolate the historian from the plant network").as_deref(),
            Some("isolate-the-historian-from-the-plant")
        );
        assert_eq!(slug("¿¡!"), None);
    }

    #[test]
    fn names_carry_an_id_only_when_it_differs() {
        assert_eq!(named("Acknowledge", "acknowledge"), "Acknowledge");
        assert_eq!(
            named("Acknowledge receipt", "ack"),
            "Acknowledge receipt (ack)"
        );
        assert_eq!(
            split_named("Acknowledge receipt (ack)"),
            ("Acknowledge receipt", Some("ack"))
        );
        assert_eq!(split_named("Call (CISA)"), ("Call (CISA)", None));
    }

    #[test]
    fn triggers_round_trip() {
        for text in [
            "at +1h30m",
            "after detect",
            "when detect.rfa is met, delay 5m",
            "when detect.rfa@us is missed, jitter 10m, chance 0.5",
            "when pay-ransom is taken",
            "when detect.rfa@us is incomplete, delay 1h",
            "by hand",
        ] {
            assert_eq!(TriggerText::parse(text).unwrap().render(), text);
        }
        assert!(TriggerText::parse("soon").is_err());
    }

    #[test]
    fn unless_is_a_trigger_without_time_delay_or_chance() {
        for text in [
            "after detect",
            "when detect.rfa is met",
            "when detect.rfa@us is incomplete",
            "when pay-ransom is taken",
        ] {
            assert_eq!(TriggerWords::parse_unless(text).unwrap().render(), text);
        }
        for text in ["at +1h", "by hand", "after detect, delay 5m", "whenever"] {
            let error = TriggerWords::parse_unless(text).unwrap_err();
            assert!(
                error.starts_with(&format!("\"{text}\" cannot be an `unless`: expected")),
                "{error}"
            );
        }
    }

    #[test]
    fn free_text_keeps_to_one_line_and_comes_back_exactly() {
        for text in [
            "ABCCA Art. 12",
            "a; b | c",
            "two\nlines",
            " padded ",
            "\"quoted\" at the start",
            "",
        ] {
            let line = one_line(text);
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(from_one_line(&line), text);
        }
        assert_eq!(one_line("ABCCA Art. 12"), "ABCCA Art. 12");
        assert_eq!(from_one_line(" \"Joint SOP\" §4 "), "\"Joint SOP\" §4");
    }

    #[test]
    fn expected_actions_round_trip() {
        for text in [
            "Acknowledge receipt (ack); within: 5m",
            "Send a request (rfa); by: us; within: 2h; fields: summary, contact; weight: 2; \
             objective: coord",
            "decide: Pay (pay-up) | Refuse; within: 1h",
            "Send the reply (reply); within: 12h; basis: ABCCA Art. 12; or any; text",
            "Send the reply (reply); within: 12h; basis: \"Art. 12\\nand 13\"",
        ] {
            assert_eq!(ExpectText::parse(text).unwrap().render(), text);
        }
        let reply = ExpectText::parse("Reply; within: 1h; basis: Art. 9; fields: x").unwrap();
        assert_eq!(reply.basis.as_deref(), Some("Art. 9; fields: x"));
        assert_eq!(reply.fields, None);
        let plain = ExpectText::parse("Notify the CISO").unwrap();
        assert_eq!(plain.names, [("Notify the CISO".to_string(), None)]);
        assert_eq!(plain.within, None);
    }

    #[test]
    fn fields_are_names_or_the_records_of_their_shapes() {
        let shaped = FieldText {
            name: "indicators".into(),
            hint: Some("addresses, \"hashes\"\nand times".into()),
            choices: Vec::new(),
            min_words: Some(3),
        };
        let urgency = FieldText {
            name: "urgency".into(),
            choices: vec!["routine".into(), "urgent".into()],
            ..FieldText::default()
        };
        for field in [
            FieldText::named("summary"),
            FieldText::named("(odd) name"),
            FieldText::named(" spaced"),
            shaped,
            urgency,
        ] {
            let line = field.render();
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(FieldText::parse(&line).unwrap(), field, "{line}");
        }
        assert_eq!(FieldText::named("summary").render(), "summary");
        assert_eq!(
            FieldText::parse("(name: \"u\", choices: [\"a\", \"b\"])")
                .unwrap()
                .ron(),
            "(name: \"u\", choices: [\"a\", \"b\"])"
        );
        for (line, error) in [
            (
                "(name: \"u\", choices: [\"a\"])",
                "field \"u\": `choices` needs two or more entries",
            ),
            (
                "(name: \"u\", choices: [\"a\", \"a\"])",
                "field \"u\": `choices` lists an entry twice",
            ),
            (
                "(name: \"u\", min_words: 0)",
                "field \"u\": `min_words` is at least 1",
            ),
            (
                "(name: \"u\", choices: [\"a\", \"b\"], min_words: 2)",
                "field \"u\": `choices` and `min_words` cannot go together",
            ),
            (
                "(hint: \"h\")",
                "\"(hint: \\\"h\\\")\" is not a field: missing field `name` in a field",
            ),
            (
                "(name: \"u\", size: 2)",
                "\"(name: \\\"u\\\", size: 2)\" is not a field: unknown field `size`",
            ),
        ] {
            let found = FieldText::parse(line).unwrap_err();
            assert!(found.starts_with(error), "{line}: {found}");
        }
    }
}
