//! Wall time ↔ scenario time. Pure: the caller passes wall times in (a `Duration` since any fixed
//! origin, e.g. an `Instant` taken at start-up), so tests are exact.
//!
//! While running, scenario time advances at `speed` × wall time; a pause stops it exactly where
//! it is; a speed change re-anchors the mapping so time stays continuous.

use std::time::Duration;

pub use crate::limits::check_speed;
use crate::secs::Secs;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Scenario time (fractional seconds) at `anchor`.
    base: f64,
    /// Wall time at which `base` held; meaningful only while running.
    anchor: Duration,
    speed: f64,
    running: bool,
}

impl Clock {
    /// A stopped clock showing scenario time `at`.
    pub fn new(at: Secs, speed: f64) -> Self {
        Clock {
            base: at as f64,
            anchor: Duration::ZERO,
            speed,
            running: false,
        }
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Scenario time at wall time `wall`, in fractional seconds.
    pub fn exact(&self, wall: Duration) -> f64 {
        if self.running {
            self.base + wall.saturating_sub(self.anchor).as_secs_f64() * self.speed
        } else {
            self.base
        }
    }

    /// Scenario time at `wall`, in whole seconds (rounded down: never early).
    pub fn now(&self, wall: Duration) -> Secs {
        // A tiny epsilon absorbs float error such as 2.9999999 for an exact 3.
        (self.exact(wall) + 1e-9).floor().max(0.0) as Secs
    }

    /// Starts (or resumes) the clock at `wall`. Starting a running clock changes nothing.
    pub fn run(&mut self, wall: Duration) {
        if !self.running {
            self.anchor = wall;
            self.running = true;
        }
    }

    /// Stops the clock at `wall`: it shows the same time until it runs again.
    pub fn pause(&mut self, wall: Duration) {
        if self.running {
            self.base = self.exact(wall);
            self.running = false;
        }
    }

    /// Changes the speed from `wall` on; the time shown at `wall` does not jump.
    pub fn set_speed(&mut self, wall: Duration, speed: f64) {
        self.base = self.exact(wall);
        self.anchor = wall;
        self.speed = speed;
    }

    /// Moves scenario time forward to `at` (never back), e.g. to jump to the next event.
    pub fn jump_to(&mut self, wall: Duration, at: Secs) {
        let now = self.exact(wall);
        self.base = now.max(at as f64);
        self.anchor = wall;
    }

    /// Wall time from `wall` until scenario time reaches `at`; `None` while stopped.
    pub fn wall_until(&self, wall: Duration, at: Secs) -> Option<Duration> {
        if !self.running {
            return None;
        }
        let left = (at as f64 - self.exact(wall)).max(0.0) / self.speed;
        Some(Duration::from_secs_f64(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_new_clock_stands_still() {
        let clock = Clock::new(0, 6.0);
        assert_eq!(clock.now(ms(10_000)), 0);
    }

    #[test]
    fn runs_at_speed_times_wall_time() {
        let mut clock = Clock::new(0, 6.0);
        clock.run(ms(1_000));
        assert_eq!(clock.now(ms(1_000)), 0);
        assert_eq!(clock.now(ms(1_500)), 3);
        assert_eq!(clock.now(ms(11_000)), 60);
    }

    #[test]
    fn pause_stops_exactly_and_resume_continues_from_there() {
        let mut clock = Clock::new(0, 1.0);
        clock.run(ms(0));
        clock.pause(ms(125_700));
        assert_eq!(clock.exact(ms(125_700)), 125.7);
        // However long the pause, nothing moves.
        assert_eq!(clock.now(ms(10_000_000)), 125);
        clock.run(ms(10_000_000));
        assert_eq!(clock.exact(ms(10_000_000)), 125.7);
        assert_eq!(clock.now(ms(10_000_300)), 126);
    }

    #[test]
    fn speed_changes_are_continuous() {
        let mut clock = Clock::new(0, 2.0);
        clock.run(ms(0));
        assert_eq!(clock.now(ms(10_000)), 20);
        clock.set_speed(ms(10_000), 10.0);
        assert_eq!(clock.now(ms(10_000)), 20);
        assert_eq!(clock.now(ms(11_000)), 30);
        clock.pause(ms(12_000));
        clock.set_speed(ms(50_000), 1.0);
        assert_eq!(clock.now(ms(60_000)), 40);
        clock.run(ms(60_000));
        assert_eq!(clock.now(ms(61_000)), 41);
    }

    #[test]
    fn starts_where_a_resumed_exercise_left_off() {
        let mut clock = Clock::new(3_600, 1.0);
        clock.run(ms(5));
        assert_eq!(clock.now(ms(2_005)), 3_602);
    }

    #[test]
    fn jumps_forward_never_back() {
        let mut clock = Clock::new(100, 1.0);
        clock.jump_to(ms(0), 50);
        assert_eq!(clock.now(ms(0)), 100);
        clock.jump_to(ms(0), 300);
        assert_eq!(clock.now(ms(0)), 300);
        clock.run(ms(0));
        assert_eq!(clock.now(ms(1_000)), 301);
    }

    #[test]
    fn tells_the_wall_time_until_a_scenario_time() {
        let mut clock = Clock::new(0, 4.0);
        assert_eq!(clock.wall_until(ms(0), 40), None);
        clock.run(ms(0));
        assert_eq!(clock.wall_until(ms(0), 40), Some(ms(10_000)));
        assert_eq!(clock.wall_until(ms(20_000), 40), Some(Duration::ZERO));
    }
}
