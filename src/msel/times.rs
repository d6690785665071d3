//! The time formats of each tool's MSEL, read into scenario seconds.

use time::macros::datetime;
use time::{Date, Month, OffsetDateTime};

use super::table::Cell;
use crate::scenario::parse_duration;

/// A time as an MSEL row gives it: an offset from the start, an absolute date and time (made
/// relative to the earliest one), or T3SF's weekday and clock time (made relative to the first
/// row, days counting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowTime {
    Offset(i64),
    /// Seconds since 1970-01-01, in no particular zone.
    Absolute(i64),
    /// Day of the week (Monday 0) and seconds since midnight.
    Weekday(u8, i64),
}

/// Day 0 of a spreadsheet's serial dates (Excel's, which LibreOffice's follow): a serial date
/// counts days from it, the time of day as the fraction.
pub const SERIAL_EPOCH: OffsetDateTime = datetime!(1899-12-30 0:00 UTC);
/// The serial of 9999-12-31, the last date a spreadsheet holds.
pub const LAST_SERIAL_DAY: f64 = 2_958_465.0;

/// An Excel serial date: days since 1899-12-30, the time of day as the fraction.
fn from_serial(serial: f64) -> Result<RowTime, String> {
    if !serial.is_finite() || !(0.0..=LAST_SERIAL_DAY).contains(&serial) {
        return Err(format!("{serial} is not a date or time"));
    }
    let secs = (serial * 86_400.0).round() as i64;
    if serial < 1.0 {
        Ok(RowTime::Offset(secs))
    } else {
        Ok(RowTime::Absolute(SERIAL_EPOCH.unix_timestamp() + secs))
    }
}

/// `09:30`, `9:30:15`, `9:30 AM`, `09h30`: seconds since midnight.
fn clock(text: &str) -> Option<i64> {
    let text = text.trim();
    // The last two bytes are an AM/PM suffix only if they are whole characters: a multi-byte
    // character there (found by the msel fuzz target) would make `split_at` panic.
    let suffix_at = text
        .len()
        .checked_sub(2)
        .filter(|&i| text.is_char_boundary(i));
    let (text, meridiem) = match suffix_at.map(|i| text.split_at(i)) {
        Some((rest, m)) if m.eq_ignore_ascii_case("am") => (rest.trim_end(), Some(0)),
        Some((rest, m)) if m.eq_ignore_ascii_case("pm") => (rest.trim_end(), Some(12)),
        _ => (text, None),
    };
    let parts: Vec<&str> = text.split([':', 'h']).collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    let mut numbers = parts.iter().map(|p| p.parse::<i64>().ok());
    let hours = numbers.next()??;
    let minutes = numbers.next()??;
    let seconds = numbers.next().unwrap_or(Some(0))?;
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let hours = match meridiem {
        Some(offset) if (1..=12).contains(&hours) => hours % 12 + offset,
        Some(_) => return None,
        None => hours,
    };
    Some(hours * 3600 + minutes * 60 + seconds)
}

/// HSEEP's scenario time: `+1h30m`, `1h30m`, `01:30`, `01:30:00`, or a spreadsheet time or date.
pub fn scenario_time(cell: &Cell) -> Result<RowTime, String> {
    if cell.datetime {
        return from_serial(cell.number.unwrap_or_default());
    }
    let text = cell.text.trim();
    let bare = text.strip_prefix('+').unwrap_or(text).trim();
    if let Some(secs) = clock(bare).filter(|_| !bare.contains('h')) {
        return Ok(RowTime::Offset(secs));
    }
    if let Ok(secs) = parse_duration(bare) {
        return i64::try_from(secs)
            .map(RowTime::Offset)
            .map_err(|_| format!("\"{text}\" is too long"));
    }
    if let Some(time) = iso_date_time(text) {
        return Ok(time);
    }
    Err(format!(
        "\"{}\" is not a scenario time: expected \"+1h30m\", \"01:30\" or a date and time",
        text.escape_debug()
    ))
}

/// A date a spreadsheet can hold: years 1 to 9999, so that no sum of seconds overflows.
fn plausible(year: i64, month: i64, day: i64) -> bool {
    (1..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// A date and a time of day as seconds since 1970-01-01; `None` for a date no calendar has
/// (`31/06/2024`, `2024-02-30`): a slip in the sheet is refused with its cell, not moved into the
/// next month.
fn absolute(year: i64, month: i64, day: i64, secs: i64) -> Option<RowTime> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    Some(RowTime::Absolute(
        date.midnight().assume_utc().unix_timestamp() + secs,
    ))
}

/// `2024-06-26 09:00` (or with `T`): what ttx shows for a spreadsheet date.
fn iso_date_time(text: &str) -> Option<RowTime> {
    let (date, time) = text.split_once([' ', 'T']).unwrap_or((text, "00:00"));
    let mut parts = date.split('-');
    let year = parts.next()?.parse::<i64>().ok()?;
    let month = parts.next()?.parse::<i64>().ok()?;
    let day = parts.next()?.parse::<i64>().ok()?;
    if parts.next().is_some() || !plausible(year, month, day) {
        return None;
    }
    absolute(year, month, day, clock(time.trim_end_matches('Z'))?)
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// T3SF's `Date`: `Monday 9:30 AM`.
pub fn t3sf_date(cell: &Cell) -> Result<RowTime, String> {
    let text = cell.text.trim();
    let expected = || {
        format!(
            "\"{}\" is not a T3SF date: expected a weekday and a time, such as \"Monday 9:30 AM\"",
            text.escape_debug()
        )
    };
    let (day, time) = text.split_once(' ').ok_or_else(expected)?;
    let day = day.trim_end_matches(',').to_lowercase();
    let weekday = WEEKDAYS
        .iter()
        .position(|w| *w == day || (day.len() >= 3 && w.starts_with(&day)))
        .ok_or_else(expected)?;
    let secs = clock(time).ok_or_else(expected)?;
    Ok(RowTime::Weekday(weekday as u8, secs))
}

/// OpenBAS's timing: `J+1 H+2 M-5` (days, hours, minutes, each signed, any may be left out), or
/// an absolute `26/06/2024 09h00`.
pub fn openbas_timing(cell: &Cell) -> Result<RowTime, String> {
    if cell.datetime {
        return from_serial(cell.number.unwrap_or_default());
    }
    let text = cell.text.trim();
    if let Some(time) = european_date_time(text) {
        return Ok(time);
    }
    let expected = || {
        format!(
            "\"{}\" is not an OpenBAS timing: expected offsets such as \"J+1 H+2 M-5\" or a date \
             such as \"26/06/2024 09h00\"",
            text.escape_debug()
        )
    };
    let mut total: i64 = 0;
    let mut any = false;
    for token in text.split_whitespace() {
        // OpenBAS reads a clock time on the relative day: `J+1 09h00`.
        let secs = if token.starts_with(|c: char| c.is_ascii_digit()) {
            clock(token).ok_or_else(expected)?
        } else {
            let mut chars = token.chars();
            let unit = match chars.next().map(|c| c.to_ascii_uppercase()) {
                Some('J' | 'D') => 86_400,
                Some('H' | 'T') => 3_600,
                Some('M') => 60,
                _ => return Err(expected()),
            };
            let number: i64 = match chars.as_str() {
                "" => 0,
                n => n.parse().map_err(|_| expected())?,
            };
            number.checked_mul(unit).ok_or_else(expected)?
        };
        total = total.checked_add(secs).ok_or_else(expected)?;
        any = true;
    }
    if any {
        Ok(RowTime::Offset(total))
    } else {
        Err(expected())
    }
}

/// `26/06/2024 09h00`, `26/06/2024 09:00`, `26/06/2024`.
fn european_date_time(text: &str) -> Option<RowTime> {
    let (date, time) = text.split_once(' ').unwrap_or((text, "00:00"));
    let mut parts = date.split('/');
    let day = parts.next()?.parse::<i64>().ok()?;
    let month = parts.next()?.parse::<i64>().ok()?;
    let year = parts.next()?.parse::<i64>().ok()?;
    if parts.next().is_some() || !plausible(year, month, day) {
        return None;
    }
    absolute(year, month, day, clock(time)?)
}

/// Blueprint's delta seconds, or a date and time of its `Delivery Time`.
pub fn blueprint_time(cell: &Cell) -> Result<RowTime, String> {
    if cell.datetime {
        return from_serial(cell.number.unwrap_or_default());
    }
    let text = cell.text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(RowTime::Offset(secs));
    }
    iso_date_time(text)
        .or_else(|| european_date_time(text))
        .ok_or_else(|| {
            format!(
                "\"{}\" is not a Blueprint time: expected delta seconds or a date and time",
                text.escape_debug()
            )
        })
}

/// Every row's time as seconds from the start: absolute times from the earliest of them,
/// weekdays from the first row (a weekday earlier than the one before starts the next week),
/// and everything moved later together so that none is before 0. Returns the times and how far
/// they were moved.
pub fn resolve(times: &[Option<RowTime>]) -> (Vec<Option<i64>>, i64) {
    let earliest_absolute = times
        .iter()
        .filter_map(|t| match t {
            Some(RowTime::Absolute(a)) => Some(*a),
            _ => None,
        })
        .min();
    let mut first_weekday: Option<(i64, i64)> = None;
    let mut week = 0i64;
    let mut last_day: Option<i64> = None;
    let offsets: Vec<Option<i64>> = times
        .iter()
        .map(|t| {
            t.map(|t| match t {
                RowTime::Offset(s) => s,
                RowTime::Absolute(a) => a.saturating_sub(earliest_absolute.unwrap_or(a)),
                RowTime::Weekday(day, secs) => {
                    let day = i64::from(day);
                    if last_day.is_some_and(|last| day < last) {
                        week += 1;
                    }
                    last_day = Some(day);
                    let (first_day, first_secs) = *first_weekday.get_or_insert((day, secs));
                    ((week * 7 + day - first_day) * 86_400 + secs).saturating_sub(first_secs)
                }
            })
        })
        .collect();
    let shift = offsets.iter().flatten().min().copied().unwrap_or(0).min(0);
    (
        offsets
            .into_iter()
            .map(|o| o.map(|o| o.saturating_sub(shift)))
            .collect(),
        shift.saturating_neg(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_ending_in_a_multi_byte_character_is_not_a_time() {
        // Found by the msel fuzz target: `8   \u{fefe}o` split inside the U+FEFE.
        assert_eq!(clock("8   \u{fefe}o"), None);
        assert_eq!(clock("9:30\u{e9}"), None);
        assert_eq!(clock("9:30 pm"), Some(21 * 3600 + 30 * 60));
    }

    fn text(t: &str) -> Cell {
        Cell::text(t)
    }

    #[test]
    fn scenario_times() {
        for (t, secs) in [
            ("+1h30m", 5400),
            ("1h30m", 5400),
            ("01:30", 5400),
            ("0:05:30", 330),
        ] {
            assert_eq!(scenario_time(&text(t)), Ok(RowTime::Offset(secs)), "{t}");
        }
        let excel = Cell {
            text: "01:30".into(),
            number: Some(0.0625),
            datetime: true,
        };
        assert_eq!(scenario_time(&excel), Ok(RowTime::Offset(5400)));
        assert!(scenario_time(&text("soon")).is_err());
    }

    #[test]
    fn t3sf_dates_count_days_from_the_first_row() {
        let rows: Vec<Option<RowTime>> = ["Monday 9:30 AM", "Monday 11:00 AM", "Tuesday 9:00 AM"]
            .iter()
            .map(|t| t3sf_date(&text(t)).ok())
            .collect();
        assert_eq!(resolve(&rows).0, [Some(0), Some(5400), Some(86_400 - 1800)]);
        assert!(t3sf_date(&text("Someday 9:30")).is_err());
        assert_eq!(
            t3sf_date(&text("Monday 12:15 PM")),
            Ok(RowTime::Weekday(0, 44_100))
        );
    }

    #[test]
    fn openbas_timings_and_dates() {
        assert_eq!(
            openbas_timing(&text("J+1 H+2 M-5")),
            Ok(RowTime::Offset(86_400 + 7200 - 300))
        );
        assert_eq!(
            openbas_timing(&text("J-60")),
            Ok(RowTime::Offset(-60 * 86_400))
        );
        assert_eq!(openbas_timing(&text("J")), Ok(RowTime::Offset(0)));
        assert_eq!(
            openbas_timing(&text("J+1 09h00")),
            Ok(RowTime::Offset(86_400 + 9 * 3600))
        );
        let a = openbas_timing(&text("26/06/2024 09h00")).ok();
        let b = openbas_timing(&text("26/06/2024 09h10")).ok();
        assert_eq!(resolve(&[a, b]).0, [Some(0), Some(600)]);
        assert!(openbas_timing(&text("tomorrow")).is_err());
    }

    #[test]
    fn negative_offsets_move_everything_later() {
        let times = [Some(RowTime::Offset(-60)), Some(RowTime::Offset(0)), None];
        assert_eq!(resolve(&times), (vec![Some(0), Some(60), None], 60));
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let far = openbas_timing(&text("J+100000000000000")).ok();
        let before = openbas_timing(&text("J-100000000000000")).ok();
        let (times, _) = resolve(&[far, before]);
        assert_eq!(times[1], Some(0));
        assert!(openbas_timing(&text("01/01/99999999999999999 09h00")).is_err());
        assert!(scenario_time(&text("99999999999999-01-01 00:00")).is_err());
    }

    #[test]
    fn a_date_no_calendar_has_is_not_a_time() {
        for date in [
            "2024-02-30 09:00",
            "2023-02-29",
            "31/06/2024 09h00",
            "2024-04-31T10:00",
        ] {
            assert!(blueprint_time(&text(date)).is_err(), "{date}");
        }
        assert!(blueprint_time(&text("2024-02-29 09:00")).is_ok());
    }

    #[test]
    fn dates_count_seconds_from_1970() {
        for (t, secs) in [
            ("1970-01-01", 0),
            ("2024-06-26 09:00", 1_719_392_400),
            ("2024-06-26T09:00Z", 1_719_392_400),
            ("2024-02-29 00:00", 1_709_251_200 - 86_400),
            ("0001-01-01 00:00", -62_135_596_800),
            ("9999-12-31 23:59", 253_402_300_740),
        ] {
            assert_eq!(scenario_time(&text(t)), Ok(RowTime::Absolute(secs)), "{t}");
        }
        assert_eq!(
            openbas_timing(&text("26/06/2024 09h00")),
            Ok(RowTime::Absolute(1_719_392_400))
        );
        let serial = Cell {
            text: "2024-06-26 09:00".into(),
            number: Some(45_469.375),
            datetime: true,
        };
        assert_eq!(scenario_time(&serial), Ok(RowTime::Absolute(1_719_392_400)));
        assert_eq!(SERIAL_EPOCH.unix_timestamp(), -2_209_161_600);
    }
}
