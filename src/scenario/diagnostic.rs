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
    /// The whole line at `line`, without its line ending.
    pub source_line: String,
}

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
            .take(self.col.saturating_sub(1))
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
}

impl<'a> SourceMap<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceMap {
            file,
            source,
            line_starts,
        }
    }

    /// The 1-based line and column of a byte offset (clamped to the source).
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.source.len());
        let line = self
            .line_starts
            .partition_point(|start| *start <= at)
            .max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = match self.source.get(start..at) {
            Some(before) => before.chars().count() + 1,
            None => at - start + 1,
        };
        (line, col)
    }

    pub fn diagnostic(&self, at: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.line_col(at);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let text = self.source.get(start..).unwrap_or_default();
        let source_line = text
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end_matches('\r')
            .to_string();
        Diagnostic {
            file: self.file.to_string(),
            line,
            col,
            message: message.into(),
            source_line,
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
}
