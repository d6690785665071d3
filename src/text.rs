//! Times, durations and speeds as people read them, for every screen and message.

use crate::scenario::Secs;

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

#[cfg(test)]
mod tests {
    use super::*;

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
