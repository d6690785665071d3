//! An error in a file, with its position and the offending line, rendered as plain text so it is
//! stable in tests and pipes.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub message: String,
    /// The line at `line`, without its line ending; a long line is cut to a window around the
    /// column, marked with `…` where it was cut.
    pub source_line: String,
    /// 1-based, in characters of `source_line`: where the caret goes.
    pub caret: usize,
}

/// A longer line is shown as a window of this many characters around the column.
pub const MAX_SHOWN_LINE_CHARS: usize = 160;
/// One checkpoint of character counts per this many bytes.
const CHECKPOINT_BYTES: usize = 64;

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COL: message`, then the line with a caret under the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )?;
        writeln!(f, "{:>5} | {}", self.line, self.source_line)?;
        // Tabs stay tabs so that the caret lines up however wide the terminal draws them.
        let pad: String = self
            .source_line
            .chars()
            .take(self.caret.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{:>5} | {pad}^", "")
    }
}

/// Turns byte offsets in one file into diagnostics.
pub struct SourceMap<'a> {
    file: &'a str,
    source: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The number of characters before each multiple of `CHECKPOINT_BYTES`, so that a column is
    /// found without counting a whole long line (a hostile file may be one 16 MiB line).
    chars_before: Vec<usize>,
}

impl<'a> SourceMap<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
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
        SourceMap {
            file,
            source,
            line_starts,
            chars_before,
        }
    }

    /// The number of characters in `source[..at]`, for `at` on a char boundary.
    fn chars_to(&self, at: usize) -> usize {
        let checkpoint = at / CHECKPOINT_BYTES;
        let from = checkpoint * CHECKPOINT_BYTES;
        self.chars_before.get(checkpoint).copied().unwrap_or(0)
            + self.source.as_bytes().get(from..at).map_or(0, count_chars)
    }

    /// The 1-based line and column of a byte offset (clamped to the source).
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.source.len());
        let line = self
            .line_starts
            .partition_point(|start| *start <= at)
            .max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = if self.source.is_char_boundary(at) && self.source.is_char_boundary(start) {
            self.chars_to(at) - self.chars_to(start) + 1
        } else {
            at - start + 1
        };
        (line, col)
    }

    pub fn diagnostic(&self, at: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.line_col(at);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let text = self.source.get(start..).unwrap_or_default();
        let whole = text
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end_matches('\r');
        let (source_line, caret) = window(whole, col);
        Diagnostic {
            file: self.file.to_string(),
            line,
            col,
            message: message.into(),
            source_line,
            caret,
        }
    }

    /// Diagnostics for (offset, message) pairs, sorted by position (stable for equal positions).
    pub fn diagnostics(&self, mut errors: Vec<(usize, String)>) -> Vec<Diagnostic> {
        errors.sort_by_key(|(at, _)| *at);
        errors
            .into_iter()
            .map(|(at, message)| self.diagnostic(at, message))
            .collect()
    }
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// A line as shown, and the caret's 1-based column in it: a long line is cut to
/// `MAX_SHOWN_LINE_CHARS` characters around `col`.
fn window(line: &str, col: usize) -> (String, usize) {
    let mut chars = line.chars();
    let skip = col.saturating_sub(1 + MAX_SHOWN_LINE_CHARS / 2);
    if skip == 0 {
        let shown: String = chars.by_ref().take(MAX_SHOWN_LINE_CHARS).collect();
        if chars.next().is_none() {
            return (shown, col);
        }
        return (format!("{shown}…"), col);
    }
    let shown: String = chars
        .by_ref()
        .skip(skip)
        .take(MAX_SHOWN_LINE_CHARS)
        .collect();
    let more = if chars.next().is_some() { "…" } else { "" };
    (format!("…{shown}{more}"), col - skip + 1)
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
}
