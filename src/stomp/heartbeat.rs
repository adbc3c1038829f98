//! Heart-beating: negotiating the intervals, deciding when to send one and when the server is
//! gone.
//!
//! # Why it is built around wakes rather than timers
//!
//! A softphone lives in a background CRM tab, and Chrome throttles a hidden tab's timers: after
//! a few minutes they may run only once a minute. WebSocket messages are still delivered as
//! they arrive. A client that sends heart-beats only from its own timer would send one a minute
//! and RabbitMQ, which drops a client silent for 30 s under `heart-beat:10000,10000`, would
//! close the socket over and over. So:
//!
//! * **Every input checks what is due**, not only [`handle_timeout`]: the owner calls
//!   `handle_data` whenever a message arrives, and an overdue heart-beat goes out then.
//! * **A wake sends a heart-beat once half the outgoing interval has passed** since our last
//!   transmission, not only once all of it has. We ask the server to beat every 10 s (our
//!   `cy`), so in a throttled tab the server's own beats wake us every 10 s. If we only
//!   answered when a full 10 s had passed, a beat arriving 9.9 s after our last one would go
//!   unanswered, and our next chance would be the server's next beat 10 s later: ~20 s of
//!   silence. With the half-interval rule every server beat is answered unless we spoke within
//!   the last 5 s, so our silences stay at about one server interval. The cost is at most
//!   one extra byte per interval.
//! * **The server is declared dead only after `2 × incoming + 1 s` with nothing at all
//!   received** (any byte counts, frames as much as heart-beats). The spec asks receivers to
//!   "be tolerant and take into account an error margin": one late or lost beat is tolerated,
//!   and the extra second covers scheduling jitter at short intervals. Throttling only makes
//!   the check run late. It cannot cause a false alarm, because receiving is not throttled.
//!   (After the machine itself sleeps, the check may fire before the queued messages are
//!   read. By then the server has dropped us anyway, so reconnecting is right.)
//! * **The default offer is `heart-beat:10000,10000`.** RabbitMQ accepts it as is. A
//!   10 s incoming beat is what keeps us answering in a throttled tab.
//!
//! [`handle_timeout`]: super::Session::handle_timeout

use core::time::Duration;

use crate::time::Instant;

/// Heart-beat intervals agreed for one session, from our offer and the server's answer.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Negotiated {
    /// How often we must send something; `None` when no heart-beats go out.
    pub outgoing: Option<Duration>,
    /// How often the server promised to send something; `None` when it does not.
    pub incoming: Option<Duration>,
}

impl Negotiated {
    /// Negotiates our `(cx, cy)` offer against the server's `(sx, sy)`.
    ///
    /// "if `<cx>` is 0 (the client cannot send heart-beats) or `<sy>` is 0 (the server does not
    /// want to receive heart-beats) then there will be none; otherwise, there will be
    /// heart-beats every MAX(`<cx>`,`<sy>`) milliseconds. In the other direction, `<sx>` and
    /// `<cy>` are used the same way."
    pub fn new((cx, cy): (u32, u32), (sx, sy): (u32, u32)) -> Negotiated {
        let interval =
            |a: u32, b: u32| (a != 0 && b != 0).then(|| Duration::from_millis(u64::from(a.max(b))));
        Negotiated {
            outgoing: interval(cx, sy),
            incoming: interval(sx, cy),
        }
    }

    /// How long the server may stay silent before we declare it dead: twice its interval plus
    /// one second (see the module doc). `None` when it sends no heart-beats.
    pub fn silence_limit(&self) -> Option<Duration> {
        self.incoming
            .map(|i| i.saturating_mul(2).saturating_add(Duration::from_secs(1)))
    }
}

/// Reads a `heart-beat` header value, `"<x>,<y>"` in milliseconds.
///
/// "When used, the `heart-beat` header MUST contain two positive integers separated by a
/// comma." Anything else is `None`.
pub fn parse_heart_beat(value: &str) -> Option<(u32, u32)> {
    let (x, y) = value.split_once(',')?;
    let number = |text: &str| {
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse::<u32>().ok()).flatten()
    };
    Some((number(x)?, number(y)?))
}

/// The heart-beat state of a connected session: when we last spoke, when we last heard.
#[derive(Clone, Debug)]
pub(crate) struct KeepAlive {
    negotiated: Negotiated,
    last_sent: Instant,
    last_received: Instant,
}

impl KeepAlive {
    /// Starts at `now`, the moment CONNECTED arrived (and our subscriptions went out).
    pub(crate) fn new(negotiated: Negotiated, now: Instant) -> KeepAlive {
        KeepAlive {
            negotiated,
            last_sent: now,
            last_received: now,
        }
    }

    /// We transmitted something at `now`.
    pub(crate) fn sent(&mut self, now: Instant) {
        self.last_sent = self.last_sent.max(now);
    }

    /// We received bytes at `now`.
    pub(crate) fn received(&mut self, now: Instant) {
        self.last_received = self.last_received.max(now);
    }

    /// Whether a wake at `now` should send a heart-beat: half the outgoing interval has passed
    /// since our last transmission.
    pub(crate) fn should_send(&self, now: Instant) -> bool {
        self.negotiated
            .outgoing
            .is_some_and(|every| now.since(self.last_sent) >= every / 2)
    }

    /// Whether the server has been silent for longer than it may be.
    pub(crate) fn peer_is_dead(&self, now: Instant) -> bool {
        self.negotiated
            .silence_limit()
            .is_some_and(|limit| now.since(self.last_received) >= limit)
    }

    /// When a timer should wake us: the next full outgoing interval or the end of the
    /// server's allowed silence, whichever is first.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let send = self.negotiated.outgoing.map(|d| self.last_sent.add(d));
        let dead = self
            .negotiated
            .silence_limit()
            .map(|d| self.last_received.add(d));
        match (send, dead) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Option<Duration> {
        Some(Duration::from_millis(n))
    }

    #[test]
    fn negotiation_table() {
        // (offer cx,cy) (server sx,sy) -> outgoing, incoming
        let table = [
            ((10_000, 10_000), (10_000, 10_000), ms(10_000), ms(10_000)),
            ((10_000, 10_000), (0, 0), None, None),
            ((0, 0), (10_000, 10_000), None, None),
            ((10_000, 10_000), (5_000, 20_000), ms(20_000), ms(10_000)),
            ((10_000, 10_000), (30_000, 4_000), ms(10_000), ms(30_000)),
            ((10_000, 0), (10_000, 10_000), ms(10_000), None),
            ((0, 10_000), (10_000, 10_000), None, ms(10_000)),
            ((1, 1), (0, 1), ms(1), None),
        ];
        for (offer, server, outgoing, incoming) in table {
            assert_eq!(
                Negotiated::new(offer, server),
                Negotiated { outgoing, incoming },
                "{offer:?} vs {server:?}"
            );
        }
    }

    #[test]
    fn silence_limit_is_twice_the_interval_plus_a_second() {
        let n = Negotiated::new((10_000, 10_000), (10_000, 10_000));
        assert_eq!(n.silence_limit(), ms(21_000));
        assert_eq!(Negotiated::default().silence_limit(), None);
    }

    #[test]
    fn header_parsing() {
        assert_eq!(parse_heart_beat("10000,10000"), Some((10_000, 10_000)));
        assert_eq!(parse_heart_beat("0,0"), Some((0, 0)));
        for bad in [
            "",
            "1",
            "1,",
            ",1",
            "1, 1",
            "+1,1",
            "a,b",
            "1,2,3",
            "99999999999,1",
        ] {
            assert_eq!(parse_heart_beat(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn half_interval_rule_and_deadlines() {
        let n = Negotiated::new((10_000, 10_000), (10_000, 10_000));
        let mut k = KeepAlive::new(n, Instant::from_millis(0));
        assert!(!k.should_send(Instant::from_millis(4_999)));
        assert!(k.should_send(Instant::from_millis(5_000)));
        assert_eq!(k.next_deadline(), Some(Instant::from_millis(10_000)));
        k.sent(Instant::from_millis(10_000));
        assert_eq!(k.next_deadline(), Some(Instant::from_millis(20_000)));
        k.sent(Instant::from_millis(20_000));
        assert_eq!(k.next_deadline(), Some(Instant::from_millis(21_000)));
        assert!(!k.peer_is_dead(Instant::from_millis(20_999)));
        assert!(k.peer_is_dead(Instant::from_millis(21_000)));
        k.received(Instant::from_millis(20_000));
        assert!(!k.peer_is_dead(Instant::from_millis(21_000)));
        // Time never runs backwards for the keep-alive.
        k.received(Instant::from_millis(1));
        assert!(!k.peer_is_dead(Instant::from_millis(40_999)));
    }

    #[test]
    fn no_heart_beats_no_deadline() {
        let k = KeepAlive::new(Negotiated::default(), Instant::from_millis(0));
        assert_eq!(k.next_deadline(), None);
        assert!(!k.should_send(Instant::from_millis(u64::MAX)));
        assert!(!k.peer_is_dead(Instant::from_millis(u64::MAX)));
    }
}
