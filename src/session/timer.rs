//! The client's named deadlines: one slot per kind, the next wake-up is their minimum.

use crate::time::Instant;

/// A kind of deadline the client keeps.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Open the next WebSocket of a reconnect.
    Reconnect,
    /// The WebSocket did not open in time.
    SocketOpen,
    /// The subscription had time to settle on the broker (1.3.7 waited 500 ms).
    SubscribeSettle,
    /// The HTTP heartbeat is due.
    Heartbeat,
    /// A logout was accepted but `agentLoggedOff` did not come.
    LogoutGrace,
    /// Ask for the client state again after a failed resync.
    ResyncRetry,
}

const COUNT: usize = 6;

impl Timer {
    const ALL: [Timer; COUNT] = [
        Timer::Reconnect,
        Timer::SocketOpen,
        Timer::SubscribeSettle,
        Timer::Heartbeat,
        Timer::LogoutGrace,
        Timer::ResyncRetry,
    ];

    fn slot(self) -> usize {
        self as usize
    }
}

/// A table of optional deadlines.
#[derive(Clone, Debug, Default)]
pub struct Timers([Option<Instant>; COUNT]);

impl Timers {
    /// Arms `timer` for `at` (replacing an earlier setting).
    pub fn set(&mut self, timer: Timer, at: Instant) {
        if let Some(slot) = self.0.get_mut(timer.slot()) {
            *slot = Some(at);
        }
    }

    /// Disarms `timer`.
    pub fn stop(&mut self, timer: Timer) {
        if let Some(slot) = self.0.get_mut(timer.slot()) {
            *slot = None;
        }
    }

    /// When `timer` fires, if armed.
    pub fn get(&self, timer: Timer) -> Option<Instant> {
        self.0.get(timer.slot()).copied().flatten()
    }

    /// Whether `timer` is armed.
    pub fn is_set(&self, timer: Timer) -> bool {
        self.get(timer).is_some()
    }

    /// The earliest armed deadline.
    pub fn next(&self) -> Option<Instant> {
        self.0.iter().flatten().min().copied()
    }

    /// Disarms and returns the first timer due at `now`, if any.
    pub fn take_expired(&mut self, now: Instant) -> Option<Timer> {
        let timer = Timer::ALL
            .into_iter()
            .find(|t| self.get(*t).is_some_and(|at| at <= now))?;
        self.stop(timer);
        Some(timer)
    }

    /// Disarms everything.
    pub fn clear(&mut self) {
        *self = Timers::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_the_minimum_and_expired_ones_come_out_once() {
        let mut t = Timers::default();
        assert_eq!(t.next(), None);
        t.set(Timer::Heartbeat, Instant::from_millis(60_000));
        t.set(Timer::Reconnect, Instant::from_millis(1_000));
        assert_eq!(t.next(), Some(Instant::from_millis(1_000)));
        assert_eq!(t.take_expired(Instant::from_millis(999)), None);
        assert_eq!(
            t.take_expired(Instant::from_millis(70_000)),
            Some(Timer::Reconnect)
        );
        assert_eq!(
            t.take_expired(Instant::from_millis(70_000)),
            Some(Timer::Heartbeat)
        );
        assert_eq!(t.take_expired(Instant::from_millis(70_000)), None);
    }
}
