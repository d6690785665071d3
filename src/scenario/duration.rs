//! Scenario durations: `"90s"`, `"15m"`, `"1h30m"`, `"2d"`, `"0m"`, `"1h 30m"`.
//!
//! Our own small grammar rather than a crate such as `humantime`: that one accepts `"3ms"` and
//! reads `"1 month"` as 30.44 days, neither of which means anything in scenario time, which is
//! whole seconds with units from days down to seconds.

use super::model::Secs;
use crate::ron_file::{Errors, FromValue, Value, string};

/// A duration as written in a file (`within: "15m"`), in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration(pub Secs);

impl FromValue for Duration {
    fn from_value(value: &Value, field: &str, errors: &mut Errors) -> Option<Self> {
        // Parsed where the tree holds it: a duration's text is not kept.
        parse_duration(string(value, field, errors)?)
            .map(Duration)
            .map_err(|e| errors.push(value.span(), format!("`{field}`: {e}")))
            .ok()
    }
}

const UNITS: [(char, Secs); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

const FORMS: &str = "whole numbers with units d, h, m, s, largest first, each at most once, \
                     such as \"90s\", \"15m\", \"1h30m\", \"1h 30m\", \"2d\" or \"0m\"";

/// Parses a scenario duration into whole seconds; the error says what is accepted.
pub fn parse_duration(text: &str) -> Result<Secs, String> {
    let malformed = || {
        format!(
            "malformed duration \"{}\": expected {FORMS}",
            text.escape_debug()
        )
    };
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(malformed());
    }
    let mut total: Secs = 0;
    // Index into UNITS of the next unit allowed: units go strictly from largest to smallest.
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(malformed());
        }
        let (number, after) = rest.split_at(digits);
        let mut chars = after.chars();
        let unit = chars.next().ok_or_else(malformed)?;
        let position = UNITS[next_unit..]
            .iter()
            .position(|(u, _)| *u == unit)
            .ok_or_else(malformed)?;
        let (_, unit_secs) = UNITS[next_unit + position];
        next_unit += position + 1;
        let value: Secs = number.parse().map_err(|_| too_long(text))?;
        total = value
            .checked_mul(unit_secs)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| too_long(text))?;
        rest = chars.as_str().trim_start();
    }
    Ok(total)
}

fn too_long(text: &str) -> String {
    format!(
        "duration \"{}\" is too long to count in seconds",
        text.escape_debug()
    )
}

/// The canonical compact form of a duration: `5400` → `"1h30m"`, `0` → `"0s"`.
pub fn format_secs(secs: Secs) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, size) in UNITS {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        for (text, secs) in [
            ("90s", 90),
            ("15m", 900),
            ("1h30m", 5400),
            ("1h 30m", 5400),
            ("2d", 172_800),
            ("0m", 0),
            ("0s", 0),
            ("1d2h3m4s", 93_784),
            (" 4h ", 14_400),
            ("1h90m", 9000),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for text in [
            "", " ", "3ms", "30m1h", "1h1h", "-5m", "5", "m", "1.5h", "1 month", "1w", "1H",
            "1h30", "+1m", "1h,30m",
        ] {
            let e = parse_duration(text).unwrap_err();
            assert!(e.starts_with("malformed duration"), "{text}: {e}");
            assert!(e.contains("\"1h30m\""), "{e}");
        }
    }

    #[test]
    fn rejects_overflow() {
        assert!(
            parse_duration("213503982334602d")
                .unwrap_err()
                .contains("too long")
        );
        assert!(
            parse_duration("99999999999999999999999s")
                .unwrap_err()
                .contains("too long")
        );
        assert_eq!(parse_duration("18446744073709551615s"), Ok(u64::MAX));
    }

    #[test]
    fn formats_canonically() {
        assert_eq!(format_secs(0), "0s");
        assert_eq!(format_secs(5400), "1h30m");
        assert_eq!(format_secs(90), "1m30s");
        assert_eq!(format_secs(172_800), "2d");
        assert_eq!(format_secs(93_784), "1d2h3m4s");
        for secs in [1, 59, 3600, 86_399, 1_000_000] {
            assert_eq!(parse_duration(&format_secs(secs)), Ok(secs));
        }
    }
}
