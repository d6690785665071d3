//! An error in a file, with its position and the offending line, rendered as plain text so it is
//! stable in tests and pipes.

use std::fmt;
use std::sync::OnceLock;

use super::parse::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    /// Legal but almost certainly not meant: `validate` shows it and still accepts the file.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub message: String,
    pub severity: Severity,
    /// The line at `line`, without its line ending, as shown: a long line is cut to a window
    /// around the column, marked with `…` where it was cut, and control characters are shown
    /// escaped (`\u{1b}`), so that a file's text never reaches the terminal as a command.
    pub source_line: String,
    /// 1-based, in characters of `source_line`: where the caret goes.
    pub caret: usize,
    /// How many characters of `source_line` are underlined from the caret: the offending
    /// value, up to the end of the line; at least 1.
    pub width: usize,
}

/// A longer line is shown as a window of this many characters around the column.
pub const MAX_SHOWN_LINE_CHARS: usize = 160;
/// One checkpoint of character counts per this many bytes.
const CHECKPOINT_BYTES: usize = 64;

/// Characters that would act on the terminal or reorder what is read rather than be shown: the
/// C0 and C1 controls but tab, DEL, the line and paragraph separators, and Unicode's
/// bidirectional controls.
pub fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

/// The bidirectional formatting characters, which reorder how a line reads (the "Trojan
/// source" characters).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A text with every hidden control shown as an escape (`\u{1b}`), for the terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_shown(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// How a hidden control is shown: its escape, `\u{1b}`.
pub fn escaped(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// Appends a character as shown; returns how many characters that took.
fn push_shown(out: &mut String, c: char) -> usize {
    if is_hidden_control(c) {
        let escaped = escaped(c);
        out.push_str(&escaped);
        escaped.chars().count()
    } else {
        out.push(c);
        1
    }
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COL: message` (`FILE:LINE:COL: warning: message`), then the line with the
    /// offending value underlined.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        writeln!(
            f,
            "{}:{}:{}: {kind}{}",
            escape_controls(&self.file),
            self.line,
            self.col,
            escape_controls(&self.message)
        )?;
        writeln!(f, "{:>5} | {}", self.line, self.source_line)?;
        // Tabs stay tabs so that the caret lines up however wide the terminal draws them.
        let pad: String = self
            .source_line
            .chars()
            .take(self.caret.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{:>5} | {pad}{}", "", "^".repeat(self.width.max(1)))
    }
}

/// Turns byte offsets in one file into diagnostics.
pub struct SourceMap<'a> {
    file: &'a str,
    source: &'a str,
    /// Made at the first position asked for: a file without a mistake needs none (a tenth of
    /// loading a big journal's scenario went to it).
    index: OnceLock<LineIndex>,
}

/// Where the lines of a file start, and how many characters come before its checkpoints.
struct LineIndex {
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The number of characters before each multiple of `CHECKPOINT_BYTES`, so that a column is
    /// found without counting a whole long line (a hostile file may be one 16 MiB line).
    chars_before: Vec<usize>,
}

impl LineIndex {
    fn of(source: &str) -> LineIndex {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_before = Vec::with_capacity(source.len() / CHECKPOINT_BYTES + 1);
        let mut count = 0;
        for chunk in source.as_bytes().chunks(CHECKPOINT_BYTES) {
            chars_before.push(count);
            count += count_chars(chunk);
        }
        chars_before.push(count);
        LineIndex {
            line_starts,
            chars_before,
        }
    }
}

impl<'a> SourceMap<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
        SourceMap {
            file,
            source,
            index: OnceLock::new(),
        }
    }

    /// The file's text.
    pub fn source(&self) -> &'a str {
        self.source
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::of(self.source))
    }

    /// The number of characters in `source[..at]`, for `at` on a char boundary.
    fn chars_to(&self, at: usize) -> usize {
        let checkpoint = at / CHECKPOINT_BYTES;
        let from = checkpoint * CHECKPOINT_BYTES;
        self.index()
            .chars_before
            .get(checkpoint)
            .copied()
            .unwrap_or(0)
            + self.source.as_bytes().get(from..at).map_or(0, count_chars)
    }

    /// The 1-based line and column of a byte offset (clamped to the source).
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.source.len());
        let line_starts = &self.index().line_starts;
        let line = line_starts.partition_point(|start| *start <= at).max(1);
        let start = line_starts.get(line - 1).copied().unwrap_or(0);
        let col = if self.source.is_char_boundary(at) && self.source.is_char_boundary(start) {
            self.chars_to(at) - self.chars_to(start) + 1
        } else {
            at - start + 1
        };
        (line, col)
    }

    /// An error at a span: a point gets a caret, a stretch is underlined up to the line's end.
    pub fn diagnostic(&self, span: impl Into<Span>, message: impl Into<String>) -> Diagnostic {
        self.at_span(span.into(), message.into(), Severity::Error)
    }

    /// A diagnostic with one caret at `at`.
    pub fn point(&self, at: usize, message: impl Into<String>, severity: Severity) -> Diagnostic {
        self.at_span(Span::from(at), message.into(), severity)
    }

    fn at_span(&self, span: Span, message: String, severity: Severity) -> Diagnostic {
        let (line, col) = self.line_col(span.start());
        let start = self.index().line_starts.get(line - 1).copied().unwrap_or(0);
        let text = self.source.get(start..).unwrap_or_default();
        let whole = text
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end_matches('\r');
        // The underlined characters: from the column to the span's end, within the line.
        let line_end = start + whole.len();
        // `min` then `max`, not `clamp`: a span that starts past the line's visible end (a lone
        // `\r`) would give clamp a minimum above its maximum, and it panics.
        let end = span.end().min(line_end).max(span.start());
        let underlined = if end > span.start() && self.source.is_char_boundary(end) {
            self.line_col(end).1 - col
        } else {
            1
        };
        let (source_line, caret, width) = window(whole, col, underlined.max(1));
        Diagnostic {
            file: self.file.to_string(),
            line,
            col,
            message,
            severity,
            source_line,
            caret,
            width,
        }
    }

    /// Diagnostics for (span, message) pairs, sorted by position (stable for equal positions).
    pub fn diagnostics(
        &self,
        mut found: Vec<(Span, String)>,
        severity: Severity,
    ) -> Vec<Diagnostic> {
        found.sort_by_key(|(span, _)| span.start());
        found
            .into_iter()
            .map(|(span, message)| self.at_span(span, message, severity))
            .collect()
    }
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// A line as shown, the caret's 1-based column in it and the underline's width: a long line is
/// cut to `MAX_SHOWN_LINE_CHARS` characters around `col`, and hidden controls are escaped.
fn window(line: &str, col: usize, width: usize) -> (String, usize, usize) {
    let skip = col.saturating_sub(1 + MAX_SHOWN_LINE_CHARS / 2);
    let mut chars = line.chars().skip(skip);
    let mut shown = String::new();
    let mut caret = 1;
    let mut shown_width = 0;
    if skip > 0 {
        shown.push('…');
        caret += 1;
    }
    // Position of each character in the window, before and after escaping.
    let caret_index = col - 1 - skip;
    for (i, c) in chars.by_ref().take(MAX_SHOWN_LINE_CHARS).enumerate() {
        let n = push_shown(&mut shown, c);
        if i < caret_index {
            caret += n;
        } else if i < caret_index + width {
            shown_width += n;
        }
    }
    if chars.next().is_some() {
        shown.push('…');
    }
    (shown, caret, shown_width.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_a_caret() {
        let source = "Scenario(\n        (id: \"a\", to: [\"xx\"]),\n)";
        let map = SourceMap::new("scen.ron", source);
        let at = source.find("\"xx\"").unwrap();
        let d = map.diagnostic(at, "unknown team `xx` (teams: us, cn)");
        assert_eq!((d.line, d.col), (2, 24));
        assert_eq!(
            d.to_string(),
            "scen.ron:2:24: unknown team `xx` (teams: us, cn)\n    \
             2 |         (id: \"a\", to: [\"xx\"]),\n      \
             |                        ^"
        );
    }

    #[test]
    fn counts_columns_in_characters() {
        let source = "é\r\n\tx";
        let map = SourceMap::new("f", source);
        assert_eq!(map.line_col(2), (1, 2));
        let d = map.diagnostic(5, "here");
        assert_eq!((d.line, d.col, d.source_line.as_str()), (2, 2, "\tx"));
        assert!(d.to_string().ends_with("| \t^"), "{d}");
        assert_eq!(map.line_col(1000), (2, 3));
    }

    #[test]
    fn long_lines_are_shown_around_the_column() {
        let source = format!("{}é{}", "a".repeat(1000), "b".repeat(1000));
        let map = SourceMap::new("f", &source);
        let at = source.find('é').unwrap();
        let d = map.diagnostic(at, "here");
        assert_eq!((d.line, d.col), (1, 1001));
        assert!(d.source_line.starts_with('…') && d.source_line.ends_with('…'));
        assert_eq!(d.source_line.chars().count(), MAX_SHOWN_LINE_CHARS + 2);
        assert_eq!(d.source_line.chars().nth(d.caret - 1), Some('é'));
        let after = map.diagnostic(at + 2, "here");
        assert_eq!(after.col, 1002);
        assert_eq!(after.source_line.chars().nth(after.caret - 1), Some('b'));
        // Near the start: cut at the end only.
        let d = map.diagnostic(3, "here");
        assert_eq!((d.col, d.caret), (4, 4));
        assert!(!d.source_line.starts_with('…') && d.source_line.ends_with('…'));
    }

    #[test]
    fn a_value_is_underlined_to_the_end_of_its_line() {
        let source = "(to: [\"xx\", \"yy\"],\n)";
        let map = SourceMap::new("f", source);
        let d = map.diagnostic(5..17, "here");
        assert!(d.to_string().ends_with("|      ^^^^^^^^^^^^"), "{d}");
        // A stretch over several lines is underlined on its first.
        let d = map.diagnostic(0..source.len(), "here");
        assert_eq!(d.width, 18);
    }

    /// A file's escape sequences never reach the terminal from a diagnostic.
    #[test]
    fn control_characters_are_shown_escaped() {
        let source = "(title: \"x\", // \u{1b}]0;owned\u{7}\u{1b}[2K ok: fake \u{202e}txt\n)";
        let map = SourceMap::new("f\u{1b}[31m", source);
        let at = source.find('x').unwrap();
        let d = map.diagnostic(at, "unknown team `\u{1b}[2J`");
        let shown = d.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        assert!(!shown.contains('\u{202e}'), "{shown:?}");
        assert!(shown.contains("\\u{1b}]0;owned\\u{7}"), "{shown}");
        assert!(shown.contains("\\u{202e}txt"), "{shown}");
        assert!(
            shown.starts_with("f\\u{1b}[31m:1:10: unknown team `\\u{1b}[2J`"),
            "{shown}"
        );
        // The caret still sits under the value.
        assert_eq!(d.source_line.chars().nth(d.caret - 1), Some('x'));
        let after = map.diagnostic(source.find("txt").unwrap(), "here");
        assert_eq!(after.source_line.chars().nth(after.caret - 1), Some('t'));
    }
}
