//! What the HTML pages ttx writes (the after-action report, the handbooks, the simulation
//! summary, the trend) share: one escaper, and one page start.

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

/// Text as a CSS string's content: anything but letters, digits and plain punctuation as its
/// escape, so a marking can neither end the string nor the style element.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ':' | ',' | '/') {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:X} ", c as u32));
        }
    }
    out
}

/// The handling marking printed in the top and bottom margin of every page (CSS page-margin
/// boxes, which never overlap the text), for the report and the handbooks alike.
pub fn marking_style(marking: &str) -> String {
    let content = css_string(marking);
    let boxed =
        format!("{{content:\"{content}\";color:#8a4b00;font:bold 9pt system-ui,sans-serif}}");
    format!("@page{{@top-center{boxed}@bottom-center{boxed}}}")
}

/// The start of a page, up to and with its `<body>`: the title (escaped here), the page's
/// style, and a handling marking's print margins and its line on screen where one is given.
pub fn page_start(title: &str, style: &str, marking: Option<&str>) -> String {
    let margins = marking.map(marking_style).unwrap_or_default();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{style}{margins}</style>\n</head>\n<body>\n",
        escape(title)
    );
    if let Some(marking) = marking {
        // On screen; in print the page margins carry it.
        out.push_str(&format!("<p class=\"marking\">{}</p>\n", escape(marking)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A marking is the scenario's text: in the page's style it stays inside its CSS string.
    #[test]
    fn a_marking_cannot_leave_its_css_string() {
        assert_eq!(
            css_string("TLP:RED \"x\" </style>\\"),
            "TLP:RED \\22 x\\22  \\3C /style\\3E \\5C "
        );
    }

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
