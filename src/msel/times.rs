//! The time formats of each tool's MSEL, read into scenario seconds.

use time::macros::datetime;
use time::{Date, Month, OffsetDateTime};

use super::table::Cell;
use crate::ron_file::quoted;
use crate::scenario::parse_duration;

/// A time as an MSEL row gives it: an offset from the start, an absolute date and time (made
/// relative to the earliest one), a time of day (the earliest is the start, and one earlier
/// than the time before it is on the next day), or T3SF's weekday and clock time (made relative
/// to the first row, days counting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowTime {
    Offset(i64),
    /// Seconds since 1970-01-01, in no particular zone.
    Absolute(i64),
    /// Seconds since midnight: `0900`, `09:15`, `10:00 AM`, a spreadsheet's time of day.
    Clock(i64),
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
        // A spreadsheet time without a date is a time of day, like `09:15` typed as text.
        Ok(RowTime::Clock(secs))
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

/// `0900`: four digits, a time of day.
fn military(text: &str) -> Option<i64> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = (
        text[..2].parse::<i64>().ok()?,
        text[2..].parse::<i64>().ok()?,
    );
    (hours <= 23 && minutes <= 59).then_some(hours * 3600 + minutes * 60)
}

/// HSEEP's scenario time: an offset (`+1h30m`, `1h30m`, `+01:30`), a time of day (`0900`,
/// `09:15`, `10:00 AM`, a spreadsheet time), or a date and time. `01:30` without `+` is a time
/// of day, as HSEEP MSELs mostly mean it; from a first row at `00:00` that is the same offset.
pub fn scenario_time(cell: &Cell) -> Result<RowTime, String> {
    if cell.datetime {
        return from_serial(cell.number.unwrap_or_default());
    }
    let text = cell.text.trim();
    let (plus, bare) = match text.strip_prefix('+') {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    if let Some(secs) = clock(bare).filter(|_| !bare.contains('h')) {
        // `36:00` is no time of day: hours and minutes from the start.
        return Ok(if plus || secs >= 86_400 {
            RowTime::Offset(secs)
        } else {
            RowTime::Clock(secs)
        });
    }
    if let Some(secs) = military(bare).filter(|_| !plus) {
        return Ok(RowTime::Clock(secs));
    }
    if let Ok(secs) = parse_duration(bare) {
        return i64::try_from(secs)
            .map(RowTime::Offset)
            .map_err(|_| format!("{} is too long", quoted(text)));
    }
    if let Some(time) = iso_date_time(text) {
        return time.map_err(|e| format!("{}: {e}", quoted(text)));
    }
    Err(format!(
        "{} is not a scenario time: expected \"1h30m\", \"+01:30\", a time of day such as \
         \"09:15\" or \"0900\", or a date and time",
        quoted(text)
    ))
}

/// T3SF's `Real Time` (`07:31 PM`): the time of day the inject reaches the player.
pub fn t3sf_real_time(cell: &Cell) -> Result<RowTime, String> {
    if cell.datetime {
        return from_serial(cell.number.unwrap_or_default());
    }
    let text = cell.text.trim();
    clock(text)
        .filter(|secs| *secs < 86_400)
        .map(RowTime::Clock)
        .ok_or_else(|| {
            format!(
                "{} is not a T3SF real time: expected a time of day, such as \"07:31 PM\"",
                quoted(text)
            )
        })
}

/// A date and a time of day as seconds since 1970-01-01, the date checked by the calendar
/// (`time`): a date no calendar has (`31/06/2024`, `2024-02-30`) is a slip in the sheet, refused
/// with its cell rather than moved into the next month. Years run from 1 to 9999, as in a
/// spreadsheet, so that no sum of seconds overflows.
fn absolute(
    date_text: &str,
    year: i64,
    month: i64,
    day: i64,
    secs: i64,
) -> Result<RowTime, String> {
    let no_such = |why: String| format!("{date_text} is no date: {why}");
    if !(1..=9999).contains(&year) {
        return Err(no_such("years run from 1 to 9999".into()));
    }
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| no_such("months run from 1 to 12".into()))?;
    let day = u8::try_from(day).map_err(|_| no_such(format!("{month} has no day {day}")))?;
    let date = Date::from_calendar_date(year as i32, month, day)
        .map_err(|_| no_such(format!("{month} {year} has no day {day}")))?;
    Ok(RowTime::Absolute(
        date.midnight().assume_utc().unix_timestamp() + secs,
    ))
}

/// Three numbers separated by `separator`, as a date's parts.
fn date_parts(date: &str, separator: char) -> Option<[i64; 3]> {
    let mut parts = date.split(separator).map(|p| p.parse::<i64>().ok());
    let found = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(found)
}

/// `2024-06-26 09:00` (or with `T`): what ttx shows for a spreadsheet date. `None`: not a date
/// and time at all; an error: a date the calendar does not have.
fn iso_date_time(text: &str) -> Option<Result<RowTime, String>> {
    let (date, time) = text.split_once([' ', 'T']).unwrap_or((text, "00:00"));
    let [year, month, day] = date_parts(date, '-')?;
    let secs = clock(time.trim_end_matches('Z'))?;
    Some(absolute(date, year, month, day, secs))
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
            "{} is not a T3SF date: expected a weekday and a time, such as \"Monday 9:30 AM\"",
            quoted(text)
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
        return time.map_err(|e| format!("{}: {e}", quoted(text)));
    }
    let expected = || {
        format!(
            "{} is not an OpenBAS timing: expected offsets such as \"J+1 H+2 M-5\" or a date \
             such as \"26/06/2024 09h00\"",
            quoted(text)
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

/// `26/06/2024 09h00`, `26/06/2024 09:00`, `26/06/2024`, as [`iso_date_time`].
fn european_date_time(text: &str) -> Option<Result<RowTime, String>> {
    let (date, time) = text.split_once(' ').unwrap_or((text, "00:00"));
    let [day, month, year] = date_parts(date, '/')?;
    let secs = clock(time)?;
    Some(absolute(date, year, month, day, secs))
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
    match iso_date_time(text).or_else(|| european_date_time(text)) {
        Some(time) => time.map_err(|e| format!("{}: {e}", quoted(text))),
        None => Err(format!(
            "{} is not a Blueprint time: expected delta seconds or a date and time",
            quoted(text)
        )),
    }
}

/// Every row's time in seconds from the start, and what the reading changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolved {
    pub times: Vec<Option<i64>>,
    /// How far every time was moved later so that none is before the start.
    pub shift: i64,
    /// The earliest time of day, where the rows give times of day: it is the start.
    pub earliest_clock: Option<i64>,
    /// How many times of day were earlier than the one before them, so on the next day.
    pub next_days: usize,
}

/// Every row's time as seconds from the start: absolute times from the earliest of them, times
/// of day from the earliest of them (one earlier than the time of day before it is on the next
/// day), weekdays from the first row (a weekday earlier than the one before starts the next
/// week), and everything moved later together so that none is before 0.
pub fn resolve(times: &[Option<RowTime>]) -> Resolved {
    let earliest_absolute = times
        .iter()
        .filter_map(|t| match t {
            Some(RowTime::Absolute(a)) => Some(*a),
            _ => None,
        })
        .min();
    // Times of day with their days counted, in row order.
    let mut day = 0i64;
    let mut last_clock: Option<i64> = None;
    let mut next_days = 0;
    let clocks: Vec<Option<i64>> = times
        .iter()
        .map(|t| match t {
            Some(RowTime::Clock(secs)) => {
                if last_clock.is_some_and(|last| *secs < last) {
                    day += 1;
                    next_days += 1;
                }
                last_clock = Some(*secs);
                Some(day * 86_400 + secs)
            }
            _ => None,
        })
        .collect();
    let earliest_clock = clocks.iter().flatten().min().copied();
    let mut first_weekday: Option<(i64, i64)> = None;
    let mut week = 0i64;
    let mut last_day: Option<i64> = None;
    let offsets: Vec<Option<i64>> = times
        .iter()
        .zip(&clocks)
        .map(|(t, clock)| {
            t.map(|t| match t {
                RowTime::Offset(s) => s,
                RowTime::Absolute(a) => a.saturating_sub(earliest_absolute.unwrap_or(a)),
                RowTime::Clock(_) => clock.unwrap_or_default() - earliest_clock.unwrap_or_default(),
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
    Resolved {
        times: offsets
            .into_iter()
            .map(|o| o.map(|o| o.saturating_sub(shift)))
            .collect(),
        shift: shift.saturating_neg(),
        earliest_clock,
        next_days,
    }
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
            ("+01:30", 5400),
            ("36:00", 129_600),
        ] {
            assert_eq!(scenario_time(&text(t)), Ok(RowTime::Offset(secs)), "{t}");
        }
        for (t, secs) in [
            ("01:30", 5400),
            ("0:05:30", 330),
            ("0900", 32_400),
            ("09:15", 33_300),
            ("10:00 AM", 36_000),
            ("2:30 pm", 52_200),
        ] {
            assert_eq!(scenario_time(&text(t)), Ok(RowTime::Clock(secs)), "{t}");
        }
        let excel = Cell {
            text: "01:30".into(),
            number: Some(0.0625),
            datetime: true,
        };
        assert_eq!(scenario_time(&excel), Ok(RowTime::Clock(5400)));
        for t in ["soon", "2400", "0960", "+0900"] {
            assert!(scenario_time(&text(t)).is_err(), "{t}");
        }
    }

    #[test]
    fn times_of_day_count_from_the_earliest_and_roll_over_to_the_next_day() {
        let rows: Vec<Option<RowTime>> = ["0900", "09:15", "", "10:00 AM", "0830", "1h"]
            .iter()
            .map(|t| scenario_time(&text(t)).ok())
            .collect();
        let resolved = resolve(&rows);
        assert_eq!(
            resolved.times,
            [
                Some(0),
                Some(900),
                None,
                Some(3600),
                Some(86_400 - 1800),
                Some(3600)
            ]
        );
        assert_eq!(resolved.earliest_clock, Some(32_400));
        assert_eq!(resolved.next_days, 1);
        assert_eq!(
            t3sf_real_time(&text("07:31 PM")),
            Ok(RowTime::Clock(19 * 3600 + 31 * 60))
        );
        assert!(t3sf_real_time(&text("later")).is_err());
    }

    #[test]
    fn t3sf_dates_count_days_from_the_first_row() {
        let rows: Vec<Option<RowTime>> = ["Monday 9:30 AM", "Monday 11:00 AM", "Tuesday 9:00 AM"]
            .iter()
            .map(|t| t3sf_date(&text(t)).ok())
            .collect();
        assert_eq!(
            resolve(&rows).times,
            [Some(0), Some(5400), Some(86_400 - 1800)]
        );
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
        assert_eq!(resolve(&[a, b]).times, [Some(0), Some(600)]);
        assert!(openbas_timing(&text("tomorrow")).is_err());
    }

    #[test]
    fn negative_offsets_move_everything_later() {
        let times = [Some(RowTime::Offset(-60)), Some(RowTime::Offset(0)), None];
        let resolved = resolve(&times);
        assert_eq!(
            (resolved.times, resolved.shift),
            (vec![Some(0), Some(60), None], 60)
        );
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let far = openbas_timing(&text("J+100000000000000")).ok();
        let before = openbas_timing(&text("J-100000000000000")).ok();
        let times = resolve(&[far, before]).times;
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
        assert_eq!(
            scenario_time(&text("2024-02-30 09:00")),
            Err("\"2024-02-30 09:00\": 2024-02-30 is no date: February 2024 has no day 30".into())
        );
        assert_eq!(
            openbas_timing(&text("31/06/2024 09h00")),
            Err("\"31/06/2024 09h00\": 31/06/2024 is no date: June 2024 has no day 31".into())
        );
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
