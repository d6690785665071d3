//! Times, durations and speeds as people read them, and sentences begun with a capital, for every
//! screen and message.

use crate::secs::Secs;
use unicode_width::UnicodeWidthChar;

/// A scenario time as a clock: `01:23:45`.
pub fn clock(secs: Secs) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A duration, short: `45s`, `4m12s`, `1h05m`, `2d03h`.
pub fn short(secs: Secs) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, s / 60 % 60),
        s => format!("{}d{:02}h", s / 86_400, s / 3600 % 24),
    }
}

/// A speed factor without a needless `.0`: `2`, `0.5`.
pub fn speed_str(speed: f64) -> String {
    if speed.fract() == 0.0 {
        format!("{speed:.0}")
    } else {
        format!("{speed}")
    }
}

/// A scenario's prose with each tab expanded to the next stop of eight columns, line by line, as
/// a terminal would: the screen's text library drops a tab, which glued the words on either side.
pub fn expand_tabs(text: String) -> String {
    if !text.contains('\t') {
        return text;
    }
    let mut expanded = String::with_capacity(text.len() + 8);
    let mut column = 0;
    for c in text.chars() {
        match c {
            '\t' => {
                let stop = 8 - column % 8;
                expanded.extend(std::iter::repeat_n(' ', stop));
                column += stop;
            }
            '\n' => {
                expanded.push(c);
                column = 0;
            }
            _ => {
                expanded.push(c);
                column += UnicodeWidthChar::width(c).unwrap_or(0);
            }
        }
    }
    expanded
}

/// A count with its noun, singular for one: `1 observation`, `3 observations`. For nouns whose
/// plural adds an `s`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A message's first letter in capitals: `the exercise has ended` → `The exercise has ended`.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_expand_to_the_next_stop_of_eight_columns_on_each_line() {
        assert_eq!(expand_tabs("a\tb".into()), "a       b");
        assert_eq!(expand_tabs("12345678\tx".into()), "12345678        x");
        assert_eq!(
            expand_tabs("Name\tRole\nAna\tCISO".into()),
            "Name    Role\nAna     CISO"
        );
        assert_eq!(
            expand_tabs("\u{76f8}\u{8ac7}\tx".into()),
            "\u{76f8}\u{8ac7}    x"
        );
        assert_eq!(expand_tabs("no tab".into()), "no tab");
    }

    #[test]
    fn durations_read_briefly() {
        assert_eq!(clock(5025), "01:23:45");
        assert_eq!(short(45), "45s");
        assert_eq!(short(252), "4m12s");
        assert_eq!(short(3900), "1h05m");
        assert_eq!(short(2 * 86_400 + 3 * 3600), "2d03h");
        assert_eq!(speed_str(0.5), "0.5");
        assert_eq!(speed_str(2.0), "2");
    }
}
