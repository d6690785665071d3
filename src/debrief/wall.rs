//! The wall-clock time of a journal line, as the journal and the JSON report write it.

use time::OffsetDateTime;

/// A wall-clock time as the journal and the JSON report write it: RFC 3339, UTC, whole seconds.
pub fn format_wall(at: OffsetDateTime) -> String {
    let at = at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Reads a wall-clock time written by `format_wall` (any RFC 3339 time is accepted).
pub fn parse_wall(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("`{text}` is not an RFC 3339 time: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_times_round_trip() {
        let at = parse_wall("2026-11-28T22:13:29Z").unwrap();
        assert_eq!(format_wall(at), "2026-11-28T22:13:29Z");
        assert!(parse_wall("yesterday").is_err());
    }
}
