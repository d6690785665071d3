//! RON written by ttx (an imported MSEL's scenario, a simulated run's script): the literals, so
//! that what is written reads back through [`super::parse`] as it was.

/// A RON string literal: quotes and backslashes escaped, line breaks and tabs as `\n`, `\r` and
/// `\t`, and every other control character as `\u{..}`, so that none reaches the file raw.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ron_file::{
        Kind,
        parse::{Arena, parse},
    };

    #[test]
    fn strings_escape_what_they_must() {
        assert_eq!(quoted("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u{1}\"");
        assert_eq!(
            quoted("Sécurité — 5\" screen"),
            "\"Sécurité — 5\\\" screen\""
        );
    }

    #[test]
    fn strings_read_back_as_written() {
        for text in [
            "",
            "plain",
            "\"quoted\" and \\back\\slashed",
            "lines\nand\r\nreturns\tand tabs",
            "controls \u{0}\u{7}\u{1b}[31m\u{7f}\u{85}\u{9b}",
            "a backslash at the end of a line \\\nstays",
            "r#\"raw\"# and // not a comment",
            "\u{feff}\u{202e}\u{2028}é😀",
        ] {
            let written = quoted(text);
            let arena = Arena::new();
            let read =
                parse(&written, &arena).unwrap_or_else(|e| panic!("{written}: {}", e.message));
            assert_eq!(read.kind, Kind::Str(text), "{written}");
        }
    }
}
