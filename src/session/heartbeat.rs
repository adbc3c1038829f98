//! The HTTP heartbeat that keeps the platform session alive.
//!
//! One schedule while logged in, whatever happens (DECISIONS.md §2 row 19): a beat right away,
//! then every `interval`. A failed beat is retried once after [`RETRY_AFTER`]; a second failure
//! in a row is reported (the platform logs an agent out after 3 minutes without one), and the
//! schedule goes on. The client checks [`Heartbeat::due`] on every input, not only on its timer,
//! so a background tab whose timers are throttled still beats whenever the socket wakes it.

use core::time::Duration;

use crate::time::Instant;

/// Delay of the single retry after a failed beat.
pub const RETRY_AFTER: Duration = Duration::from_secs(10);

/// What the result of a beat means for the page.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// Beats are going through.
    Ok,
    /// One beat failed; a retry is scheduled.
    Retrying,
    /// Two or more beats in a row failed.
    Failing,
}

/// The heartbeat schedule.
#[derive(Clone, Debug, Default)]
pub struct Heartbeat {
    next: Option<Instant>,
    in_flight: bool,
    failures: u32,
}

impl Heartbeat {
    /// Starts (or restarts) the schedule: the first beat is due now.
    pub fn start(&mut self, now: Instant) {
        self.next = Some(now);
        self.in_flight = false;
        self.failures = 0;
    }

    /// Stops beating.
    pub fn stop(&mut self) {
        *self = Heartbeat::default();
    }

    /// Whether the schedule runs.
    pub fn is_running(&self) -> bool {
        self.next.is_some() || self.in_flight
    }

    /// When the next beat is due (none while one is in flight).
    pub fn deadline(&self) -> Option<Instant> {
        if self.in_flight {
            None
        } else {
            self.next
        }
    }

    /// Whether a beat should be sent at `now`; if so it is marked in flight.
    pub fn due(&mut self, now: Instant) -> bool {
        match self.deadline() {
            Some(at) if at <= now => {
                self.in_flight = true;
                true
            }
            _ => false,
        }
    }

    /// The beat sent at `sent` answered: schedule the next one.
    pub fn succeeded(&mut self, now: Instant, interval: Duration) -> Health {
        if !self.in_flight {
            return self.health();
        }
        self.in_flight = false;
        self.failures = 0;
        self.next = Some(now.add(interval));
        Health::Ok
    }

    /// The beat failed.
    pub fn failed(&mut self, now: Instant, interval: Duration) -> Health {
        if !self.in_flight {
            return self.health();
        }
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        self.next = Some(now.add(if self.failures == 1 {
            RETRY_AFTER
        } else {
            interval
        }));
        self.health()
    }

    /// The present health.
    pub fn health(&self) -> Health {
        match self.failures {
            0 => Health::Ok,
            1 => Health::Retrying,
            _ => Health::Failing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn at(s: u64) -> Instant {
        Instant::from_millis(s * 1000)
    }

    #[test]
    fn beats_now_then_every_interval() {
        let mut h = Heartbeat::default();
        assert!(!h.due(at(0)));
        h.start(at(0));
        assert!(h.due(at(0)));
        assert!(!h.due(at(0)), "in flight: not twice");
        assert_eq!(h.succeeded(at(1), MIN), Health::Ok);
        assert!(!h.due(at(60)));
        assert!(h.due(at(61)));
    }

    #[test]
    fn retries_once_then_reports_failing() {
        let mut h = Heartbeat::default();
        h.start(at(0));
        assert!(h.due(at(0)));
        assert_eq!(h.failed(at(1), MIN), Health::Retrying);
        assert_eq!(h.deadline(), Some(at(11)));
        assert!(h.due(at(11)));
        assert_eq!(h.failed(at(12), MIN), Health::Failing);
        assert_eq!(h.deadline(), Some(at(72)));
        assert!(h.due(at(72)));
        assert_eq!(h.succeeded(at(73), MIN), Health::Ok);
    }

    #[test]
    fn a_throttled_timer_is_caught_up_by_any_input() {
        // The timer would have fired at 60 s; the tab only wakes at 95 s on a socket message.
        let mut h = Heartbeat::default();
        h.start(at(0));
        assert!(h.due(at(0)));
        h.succeeded(at(0), MIN);
        assert!(h.due(at(95)));
    }

    #[test]
    fn stop_ends_the_schedule() {
        let mut h = Heartbeat::default();
        h.start(at(0));
        h.stop();
        assert!(!h.is_running());
        assert!(!h.due(at(1000)));
    }
}
