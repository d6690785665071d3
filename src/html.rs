//! Escaping text for the HTML pages ttx writes (the after-action report, the simulation
//! summary), one escaper for all of them.

use crate::ron_file::diagnostic::{escaped, is_hidden_control};

/// Scenario and team text is untrusted: text only, in element content and in attribute values.
/// A control or bidirectional character is shown as its escape (`\u{202e}`), so that it neither
/// reorders what a reader sees nor acts on a terminal the file is printed to; a line break or a
/// tab stays (a carriage return becomes a space, as a browser shows it).
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push(' '),
            c if is_hidden_control(c) => out.push_str(&escaped(c)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_hidden_characters_are_escaped_and_line_breaks_kept() {
        assert_eq!(
            escape("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{202e}b\u{1b}[2J"), "a\\u{202e}b\\u{1b}[2J");
        assert_eq!(escape("one\ntwo\tthree\r\n"), "one\ntwo\tthree \n");
    }
}
