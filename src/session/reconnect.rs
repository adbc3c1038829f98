//! When to re-open a dropped WebSocket, and when to tell the page it is gone.
//!
//! The documented policy (DECISIONS.md §3): up to `tries` attempts about `delay_ms` apart
//! (±20 % jitter so a platform restart is not hit by every agent at once); when they are used
//! up, `wsDisconnected` is reported once for the outage; then, if `background` is on, attempts go
//! on with a doubling, capped, jittered delay until the session ends. A successful connection
//! ends the outage.

use core::time::Duration;

use super::rng::Rng;
use crate::config::ReconnectPolicy;

/// What to do after a connection failure.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Try again after this delay; `attempt` of `tries` (background attempts count on).
    Retry {
        /// How long to wait.
        delay: Duration,
        /// Which attempt this is, from 1.
        attempt: u32,
    },
    /// The attempts are used up: report `wsDisconnected`, then (if `then` is set) retry after it.
    GiveUp {
        /// The delay of the first background attempt, if there are any.
        then: Option<Duration>,
    },
    /// Keep retrying in the background after this delay (already reported).
    Background {
        /// How long to wait.
        delay: Duration,
        /// Which attempt this is, counting on from the first.
        attempt: u32,
    },
    /// Nothing more to do (attempts used up, no background retries).
    Stop,
}

/// The state of one outage.
#[derive(Clone, Debug, Default)]
pub struct Reconnect {
    attempts: u32,
    reported: bool,
}

impl Reconnect {
    /// Attempts made in this outage.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether `wsDisconnected` was reported for this outage.
    pub fn reported(&self) -> bool {
        self.reported
    }

    /// Whether an outage is going on.
    pub fn in_outage(&self) -> bool {
        self.attempts > 0 || self.reported
    }

    /// The connection was lost or an attempt failed: decide the next step.
    pub fn failed(&mut self, policy: &ReconnectPolicy, rng: &mut Rng) -> Next {
        let delay = |ms: u64, rng: &mut Rng| Duration::from_millis(rng.jitter(ms, 20));
        if self.attempts < policy.tries {
            self.attempts += 1;
            return Next::Retry {
                delay: delay(u64::from(policy.delay_ms), rng),
                attempt: self.attempts,
            };
        }
        let background = policy.background.then(|| {
            let over = self.attempts.saturating_sub(policy.tries).min(16);
            let ms = u64::from(policy.delay_ms.max(1))
                .saturating_mul(1u64 << over)
                .min(u64::from(policy.max_delay_ms.max(policy.delay_ms)));
            self.attempts += 1;
            delay(ms, rng)
        });
        if !self.reported {
            self.reported = true;
            return Next::GiveUp { then: background };
        }
        match background {
            Some(delay) => Next::Background {
                delay,
                attempt: self.attempts,
            },
            None => Next::Stop,
        }
    }

    /// Connected again (or the session ended): the outage is over.
    pub fn reset(&mut self) {
        *self = Reconnect::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tries_one_second_apart_then_report_once_then_background() {
        let policy = ReconnectPolicy::default();
        let mut rng = Rng::new(1);
        let mut r = Reconnect::default();
        for n in 1..=5 {
            match r.failed(&policy, &mut rng) {
                Next::Retry { delay, attempt } => {
                    assert_eq!(attempt, n);
                    assert!((800..=1200).contains(&(delay.as_millis() as u64)));
                }
                other => panic!("{other:?}"),
            }
        }
        let Next::GiveUp { then: Some(first) } = r.failed(&policy, &mut rng) else {
            panic!("expected the report");
        };
        assert!(first.as_millis() >= 800);
        let mut last = first;
        for _ in 0..20 {
            match r.failed(&policy, &mut rng) {
                Next::Background { delay, .. } => {
                    assert!(delay.as_millis() <= 36_000, "capped with jitter");
                    last = delay;
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(last.as_millis() >= 24_000, "reached the cap");
        r.reset();
        assert!(!r.in_outage());
        assert!(matches!(
            r.failed(&policy, &mut rng),
            Next::Retry { attempt: 1, .. }
        ));
    }

    #[test]
    fn without_background_it_stops_after_the_report() {
        let policy = ReconnectPolicy {
            tries: 1,
            background: false,
            ..ReconnectPolicy::default()
        };
        let mut rng = Rng::new(1);
        let mut r = Reconnect::default();
        assert!(matches!(r.failed(&policy, &mut rng), Next::Retry { .. }));
        assert_eq!(r.failed(&policy, &mut rng), Next::GiveUp { then: None });
        assert_eq!(r.failed(&policy, &mut rng), Next::Stop);
    }
}
