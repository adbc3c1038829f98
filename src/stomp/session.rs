//! The client side of one STOMP session over one WebSocket, sans-IO.

use core::time::Duration;
use std::collections::VecDeque;

use super::command::Command;
use super::decoder::{DecodeError, Decoded, Decoder};
use super::frame::Frame;
use super::heartbeat::{parse_heart_beat, KeepAlive, Negotiated};
use super::version::Version;
use crate::json::int_text;
use crate::time::Instant;

/// The `receipt` of our `DISCONNECT`.
const DISCONNECT_RECEIPT: &str = "disconnect";

/// How a [`Session`] connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// Versions offered in `accept-version`, in that order (default `1.2,1.1,1.0`).
    pub accept_version: Vec<Version>,
    /// `host` header: RabbitMQ reads it as the virtual host and refuses an unknown one, so it
    /// is sent only when set (default `None`).
    pub host: Option<String>,
    /// `login` header, sent only when set.
    pub login: Option<String>,
    /// `passcode` header, sent only when set.
    pub passcode: Option<String>,
    /// Heart-beats offered, `(cx, cy)` in ms: how often we can send, how often we want to
    /// hear from the server (default `(10000, 10000)`; `stomp/heartbeat.rs` says why).
    pub heart_beat: (u32, u32),
    /// Largest frame accepted from the server, in bytes (default 256 KiB).
    pub max_frame_size: usize,
    /// How long to wait for `CONNECTED` after the socket opened (default 10 s).
    pub connect_timeout: Duration,
    /// How long to wait for the `RECEIPT` of our `DISCONNECT` (default 2 s). RabbitMQ over
    /// WebSocket never sends it.
    pub disconnect_timeout: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            accept_version: vec![Version::V1_2, Version::V1_1, Version::V1_0],
            host: None,
            login: None,
            passcode: None,
            heart_beat: (10_000, 10_000),
            max_frame_size: Decoder::DEFAULT_MAX_FRAME_SIZE,
            connect_timeout: Duration::from_secs(10),
            disconnect_timeout: Duration::from_secs(2),
        }
    }
}

/// A subscription's `id` header: `sub-0`, `sub-1`, ... in order of
/// [`subscribe`](Session::subscribe), stable across reconnects.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubscriptionId(String);

impl SubscriptionId {
    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a [`Session`] is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// No socket yet: waiting for [`handle_open`](Session::handle_open).
    Idle,
    /// `CONNECT` sent, waiting for `CONNECTED`.
    Connecting,
    /// `CONNECTED` received: messages flow, heart-beats run.
    Connected,
    /// `DISCONNECT` sent, waiting for its receipt (or the timeout).
    Disconnecting,
    /// Over; [`Session::close_reason`] says why. Call [`reset`](Session::reset) before the
    /// next socket.
    Closed,
}

impl State {
    /// Whether messages can flow.
    pub fn is_connected(self) -> bool {
        self == State::Connected
    }

    /// Whether the session is over.
    pub fn is_closed(self) -> bool {
        self == State::Closed
    }
}

/// Something the owner of a [`Session`] must know about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEvent {
    /// The server accepted the session; remembered subscriptions have been (re)sent.
    Connected {
        /// The version the server picked.
        version: Version,
        /// The server's `server` header (`RabbitMQ/3.10.8`), if any.
        server: Option<String>,
        /// The heart-beat intervals in force.
        heart_beat: Negotiated,
    },
    /// A `MESSAGE` for one of our subscriptions.
    Message {
        /// The subscription it came on.
        subscription: SubscriptionId,
        /// Its `destination` header (empty when absent).
        destination: String,
        /// The body as received (the platform's events are UTF-8 JSON).
        body: Vec<u8>,
    },
    /// A `RECEIPT` other than the one for our `DISCONNECT`.
    Receipt {
        /// Its `receipt-id` header (empty when absent).
        id: String,
    },
    /// The session is over; the owner must close the socket (if still open). Raised once.
    Closed(CloseReason),
}

/// Why a session ended, sorted by who ended it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CloseReason {
    /// The owner called [`disconnect`](Session::disconnect), and it finished: the receipt
    /// came, the timeout passed, or the socket closed.
    #[error("disconnected")]
    User,
    /// The server ended it.
    #[error("{0}")]
    Remote(RemoteClose),
    /// This library ended it: the server broke the protocol or went silent.
    #[error("{0}")]
    Library(SessionError),
}

impl CloseReason {
    /// Who ended the session and why, without details, as a static text (logged without
    /// `core::fmt`).
    pub fn as_str(&self) -> &'static str {
        match self {
            CloseReason::User => "disconnected",
            CloseReason::Remote(RemoteClose::Error { .. }) => "server error",
            CloseReason::Remote(RemoteClose::SocketClosed) => "socket closed by peer",
            CloseReason::Library(error) => error.as_str(),
        }
    }
}

/// How the server ended a session.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RemoteClose {
    /// The server sent an `ERROR` frame (a socket close that follows is not reported again).
    #[error("server error: {}", message.as_deref().unwrap_or("(no message)"))]
    Error {
        /// The `message` header: a short description.
        message: Option<String>,
        /// The body: details, as text (invalid UTF-8 replaced).
        body: String,
    },
    /// The socket closed (or never opened) without an `ERROR` frame.
    #[error("socket closed by peer")]
    SocketClosed,
}

/// Why this library ended a session.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The server sent bytes that are not STOMP.
    #[error("undecodable data from server: {0}")]
    Decode(#[from] DecodeError),
    /// `CONNECTED` did not come within `connect_timeout` of the socket opening.
    #[error("no CONNECTED frame within the connect timeout")]
    ConnectTimeout,
    /// Nothing was received for twice the server's heart-beat interval plus a second.
    #[error("server silent past its heart-beat interval")]
    HeartBeatTimeout,
    /// `CONNECTED` named a version we do not speak or did not offer (the header's text).
    #[error("server chose unsupported STOMP version {0:?}")]
    UnsupportedVersion(String),
    /// `CONNECTED` had a `heart-beat` header that is not `<x>,<y>` (the header's text).
    #[error("malformed heart-beat header {0:?}")]
    BadHeartBeat(String),
    /// A frame a server must not send at this point (`MESSAGE` before `CONNECTED`, a
    /// client command, a second `CONNECTED`).
    #[error("unexpected {0} frame")]
    UnexpectedFrame(Command),
}

impl SessionError {
    /// The message without its details, as a static text (logged without `core::fmt`).
    pub fn as_str(&self) -> &'static str {
        match self {
            SessionError::Decode(_) => "undecodable data from server",
            SessionError::ConnectTimeout => "no CONNECTED frame within the connect timeout",
            SessionError::HeartBeatTimeout => "server silent past its heart-beat interval",
            SessionError::UnsupportedVersion(_) => "server chose unsupported STOMP version",
            SessionError::BadHeartBeat(_) => "malformed heart-beat header",
            SessionError::UnexpectedFrame(_) => "unexpected frame",
        }
    }
}

#[derive(Clone, Debug)]
struct Subscription {
    id: SubscriptionId,
    destination: String,
}

/// The client side of one STOMP session, with no I/O and no clock.
///
/// The owner moves bytes and time; the session decides. Its methods come in four kinds:
///
/// * **inputs** from the socket and the clock, each with the current monotonic time `now`,
///   which must never go backwards: [`handle_open`](Session::handle_open) (the socket
///   opened), [`handle_data`](Session::handle_data) (one WebSocket message, text or binary),
///   [`handle_close`](Session::handle_close) (the socket closed under us) and
///   [`handle_timeout`](Session::handle_timeout) (the deadline of `poll_timeout` passed;
///   early or repeated calls are harmless);
/// * **commands** from the application: [`subscribe`](Session::subscribe),
///   [`unsubscribe`](Session::unsubscribe), [`disconnect`](Session::disconnect), and
///   [`reset`](Session::reset) before a new socket;
/// * **outputs**, to drain after every input or command, in this order:
///   [`poll_transmit`](Session::poll_transmit) until `None` (text messages to send),
///   [`poll_event`](Session::poll_event) until `None`, then
///   [`poll_timeout`](Session::poll_timeout) (when to call `handle_timeout` next; re-arm
///   the one timer if it changed);
/// * **getters**: [`state`](Session::state), [`version`](Session::version),
///   [`close_reason`](Session::close_reason).
///
/// The session never reads a clock: `now` comes in with every input, which is what lets the
/// tests run days of heart-beats on a virtual clock. Every input, not only timeouts, checks
/// what is due, so heart-beats keep flowing in a background tab whose timers run once a
/// minute (`stomp/heartbeat.rs` says how).
///
/// Subscriptions outlive sockets: they are remembered, sent with ids `sub-0`, `sub-1`, ...
/// when `CONNECTED` arrives, and sent again with the same ids after [`reset`](Session::reset)
/// and a new socket. A session ends with exactly one [`SessionEvent::Closed`]; from then on
/// inputs are ignored until `reset`.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    state: State,
    decoder: Decoder,
    version: Option<Version>,
    keep_alive: Option<KeepAlive>,
    connect_deadline: Option<Instant>,
    disconnect_deadline: Option<Instant>,
    subscriptions: Vec<Subscription>,
    next_subscription: i64,
    transmits: VecDeque<String>,
    events: VecDeque<SessionEvent>,
    close_reason: Option<CloseReason>,
}

impl Session {
    /// A session waiting for its socket to open.
    pub fn new(config: SessionConfig) -> Session {
        Session {
            decoder: Decoder::with_max_frame_size(config.max_frame_size),
            config,
            state: State::Idle,
            version: None,
            keep_alive: None,
            connect_deadline: None,
            disconnect_deadline: None,
            subscriptions: Vec::new(),
            next_subscription: 0,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            close_reason: None,
        }
    }

    /// The socket opened: sends `CONNECT` and starts the connect timeout. Ignored unless
    /// [`Idle`](State::Idle).
    pub fn handle_open(&mut self, now: Instant) {
        if self.state != State::Idle {
            return;
        }
        let mut connect = Frame::connect(&self.config.accept_version, self.config.heart_beat);
        let optional = [
            ("host", &self.config.host),
            ("login", &self.config.login),
            ("passcode", &self.config.passcode),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                connect = connect.with_header(name, value.clone());
            }
        }
        self.send(&connect);
        self.state = State::Connecting;
        self.connect_deadline = Some(now.add(self.config.connect_timeout));
    }

    /// One WebSocket message arrived (text or binary, whole frames or pieces of them).
    pub fn handle_data(&mut self, data: &[u8], now: Instant) {
        if !matches!(
            self.state,
            State::Connecting | State::Connected | State::Disconnecting
        ) {
            return;
        }
        // "any new data received over the network connection is an indication that the
        // remote end is alive"
        if let Some(keep_alive) = &mut self.keep_alive {
            keep_alive.received(now);
        }
        self.decoder.push(data);
        while !self.state.is_closed() {
            match self.decoder.next() {
                Ok(None) => break,
                Ok(Some(Decoded::HeartBeat)) => {}
                Ok(Some(Decoded::Frame(frame))) => self.on_frame(frame, now),
                Err(error) => self.close(CloseReason::Library(error.into())),
            }
        }
        self.wake(now);
    }

    /// The socket closed under us (or failed to open).
    pub fn handle_close(&mut self, _now: Instant) {
        match self.state {
            State::Closed => {}
            // RabbitMQ answers DISCONNECT by closing: that completes the disconnect.
            State::Disconnecting => self.close(CloseReason::User),
            State::Idle | State::Connecting | State::Connected => {
                self.close(CloseReason::Remote(RemoteClose::SocketClosed));
            }
        }
    }

    /// A timer fired. Does whatever is due at `now`; calls before any deadline do nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.wake(now);
    }

    /// Remembers a subscription to `destination` and returns its id. It is sent at once when
    /// connected, else when `CONNECTED` arrives, and again after every reconnect.
    pub fn subscribe(&mut self, destination: &str) -> SubscriptionId {
        let mut id = String::from("sub-");
        id.push_str(&int_text(self.next_subscription));
        self.next_subscription += 1;
        let id = SubscriptionId(id);
        if self.state.is_connected() {
            self.send(&Frame::subscribe(id.as_str(), destination));
        }
        self.subscriptions.push(Subscription {
            id: id.clone(),
            destination: destination.to_owned(),
        });
        id
    }

    /// Forgets a subscription; sends `UNSUBSCRIBE` when connected. Unknown ids are ignored.
    pub fn unsubscribe(&mut self, id: &SubscriptionId) {
        let Some(index) = self.subscriptions.iter().position(|s| &s.id == id) else {
            return;
        };
        self.subscriptions.remove(index);
        if self.state.is_connected() {
            self.send(&Frame::unsubscribe(id.as_str()));
        }
    }

    /// Ends the session gracefully: sends `DISCONNECT` with a receipt and closes on the
    /// `RECEIPT`, on socket close, or after `disconnect_timeout`, whichever is first. Before
    /// `CONNECTED` there is nothing to end gracefully, so it closes at once.
    pub fn disconnect(&mut self, now: Instant) {
        match self.state {
            State::Connected => {
                self.send(&Frame::disconnect(DISCONNECT_RECEIPT));
                // "Clients MUST NOT send any more frames after the DISCONNECT frame is sent."
                self.keep_alive = None;
                self.state = State::Disconnecting;
                self.disconnect_deadline = Some(now.add(self.config.disconnect_timeout));
            }
            State::Idle | State::Connecting => self.close(CloseReason::User),
            State::Disconnecting | State::Closed => {}
        }
    }

    /// Prepares for a new socket: fresh decoder and state, subscriptions kept. Unpolled
    /// output of the old socket is dropped.
    pub fn reset(&mut self) {
        self.state = State::Idle;
        self.decoder = Decoder::with_max_frame_size(self.config.max_frame_size);
        self.version = None;
        self.keep_alive = None;
        self.connect_deadline = None;
        self.disconnect_deadline = None;
        self.transmits.clear();
        self.events.clear();
        self.close_reason = None;
    }

    /// The next text message to send on the socket.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmits.pop_front()
    }

    /// The next event for the owner.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Session::handle_timeout) should be called next, if ever.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Connecting => self.connect_deadline,
            State::Connected => self.keep_alive.as_ref().and_then(KeepAlive::next_deadline),
            State::Disconnecting => self.disconnect_deadline,
            State::Idle | State::Closed => None,
        }
    }

    /// Where the session is.
    pub fn state(&self) -> State {
        self.state
    }

    /// The version the server picked, once connected.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Why the session closed, once [`Closed`](State::Closed).
    pub fn close_reason(&self) -> Option<&CloseReason> {
        self.close_reason.as_ref()
    }

    /// Checks everything that may be due at `now`. Runs after every input.
    fn wake(&mut self, now: Instant) {
        match self.state {
            State::Connecting => {
                if self.connect_deadline.is_some_and(|d| now >= d) {
                    self.close(CloseReason::Library(SessionError::ConnectTimeout));
                }
            }
            State::Disconnecting => {
                if self.disconnect_deadline.is_some_and(|d| now >= d) {
                    self.close(CloseReason::User);
                }
            }
            State::Connected => {
                let Some(keep_alive) = &mut self.keep_alive else {
                    return;
                };
                if keep_alive.peer_is_dead(now) {
                    self.close(CloseReason::Library(SessionError::HeartBeatTimeout));
                } else if keep_alive.should_send(now) {
                    keep_alive.sent(now);
                    // "if the sender has no real STOMP frame to send, it MUST send an
                    // end-of-line (EOL)"
                    self.transmits.push_back(String::from("\n"));
                }
            }
            State::Idle | State::Closed => {}
        }
    }

    fn on_frame(&mut self, frame: Frame, now: Instant) {
        match (self.state, frame.command()) {
            (State::Connecting, Command::Connected) => self.on_connected(&frame, now),
            (_, Command::Error) => {
                let message = frame.header("message").map(str::to_owned);
                let body = String::from_utf8_lossy(frame.body()).into_owned();
                self.close(CloseReason::Remote(RemoteClose::Error { message, body }));
            }
            (State::Connected | State::Disconnecting, Command::Message) => self.on_message(frame),
            (State::Connected | State::Disconnecting, Command::Receipt) => {
                let id = frame.header("receipt-id").unwrap_or_default();
                if self.state == State::Disconnecting && id == DISCONNECT_RECEIPT {
                    self.close(CloseReason::User);
                } else {
                    let id = id.to_owned();
                    self.events.push_back(SessionEvent::Receipt { id });
                }
            }
            (_, command) => {
                self.close(CloseReason::Library(SessionError::UnexpectedFrame(command)));
            }
        }
    }

    fn on_connected(&mut self, frame: &Frame, now: Instant) {
        // "If the version header is missing, it means that the server only supports
        // version 1.0 of the protocol." (STOMP 1.1)
        let text = frame.header("version").unwrap_or("1.0");
        let version = match Version::parse(text) {
            Some(v) if self.config.accept_version.contains(&v) => v,
            _ => {
                let error = SessionError::UnsupportedVersion(text.to_owned());
                self.close(CloseReason::Library(error));
                return;
            }
        };
        // "A missing `heart-beat` header MUST be treated the same way as a "heart-beat:0,0"
        // header". A 1.0 server that sends one anyway gets what it asked for.
        let server_beat = match frame.header("heart-beat") {
            None => (0, 0),
            Some(text) => match parse_heart_beat(text) {
                Some(beat) => beat,
                None => {
                    let error = SessionError::BadHeartBeat(text.to_owned());
                    self.close(CloseReason::Library(error));
                    return;
                }
            },
        };
        let heart_beat = Negotiated::new(self.config.heart_beat, server_beat);
        self.decoder.set_version(version);
        self.version = Some(version);
        self.state = State::Connected;
        self.connect_deadline = None;
        self.keep_alive = Some(KeepAlive::new(heart_beat, now));
        self.events.push_back(SessionEvent::Connected {
            version,
            server: frame.header("server").map(str::to_owned),
            heart_beat,
        });
        let frames: Vec<Frame> = self
            .subscriptions
            .iter()
            .map(|s| Frame::subscribe(s.id.as_str(), &s.destination))
            .collect();
        for frame in &frames {
            self.send(frame);
        }
    }

    /// Routes a `MESSAGE` by its `subscription` header; one for no subscription of ours
    /// (unsubscribed a moment ago, say) is dropped.
    fn on_message(&mut self, frame: Frame) {
        let subscription = frame
            .header("subscription")
            .and_then(|id| self.subscriptions.iter().find(|s| s.id.as_str() == id));
        let Some(subscription) = subscription else {
            return;
        };
        let subscription = subscription.id.clone();
        let destination = frame.header("destination").unwrap_or_default().to_owned();
        self.events.push_back(SessionEvent::Message {
            subscription,
            destination,
            body: frame.into_body(),
        });
    }

    fn send(&mut self, frame: &Frame) {
        let bytes = frame.encode(self.version.unwrap_or(Version::V1_2));
        // Our frames are built from `String`s and carry no binary body, so this is lossless.
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        self.transmits.push_back(text);
    }

    fn close(&mut self, reason: CloseReason) {
        self.state = State::Closed;
        self.keep_alive = None;
        self.connect_deadline = None;
        self.disconnect_deadline = None;
        self.transmits.clear();
        self.close_reason = Some(reason.clone());
        self.events.push_back(SessionEvent::Closed(reason));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    /// Everything the session wants to send, in order.
    fn sent(s: &mut Session) -> Vec<String> {
        std::iter::from_fn(|| s.poll_transmit()).collect()
    }

    fn events(s: &mut Session) -> Vec<SessionEvent> {
        std::iter::from_fn(|| s.poll_event()).collect()
    }

    const CONNECTED: &[u8] =
        b"CONNECTED\nversion:1.2\nheart-beat:10000,10000\nserver:RabbitMQ/3.10.8\n\n\0\n";

    /// A session connected at t=0 with 10 s heart-beats both ways, outputs drained.
    fn connected() -> Session {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(CONNECTED, at(0));
        sent(&mut s);
        events(&mut s);
        s
    }

    fn closed_with(s: &mut Session) -> CloseReason {
        let mut closes: Vec<_> = events(s)
            .into_iter()
            .filter_map(|e| match e {
                SessionEvent::Closed(reason) => Some(reason),
                _ => None,
            })
            .collect();
        assert_eq!(closes.len(), 1, "{closes:?}");
        assert_eq!(s.state(), State::Closed);
        closes.remove(0)
    }

    #[test]
    fn the_static_close_texts_are_the_display_texts_without_details() {
        let reasons = [
            CloseReason::User,
            CloseReason::Remote(RemoteClose::Error {
                message: Some("bye".into()),
                body: String::new(),
            }),
            CloseReason::Remote(RemoteClose::SocketClosed),
            CloseReason::Library(SessionError::Decode(DecodeError::MissingNul)),
            CloseReason::Library(SessionError::ConnectTimeout),
            CloseReason::Library(SessionError::HeartBeatTimeout),
            CloseReason::Library(SessionError::UnsupportedVersion("9".into())),
            CloseReason::Library(SessionError::BadHeartBeat("x".into())),
            CloseReason::Library(SessionError::UnexpectedFrame(Command::Connected)),
        ];
        for reason in reasons {
            let full = reason.to_string();
            // The frame's command sits mid-sentence: "unexpected CONNECTED frame".
            let without_command = full.replacen("unexpected CONNECTED", "unexpected", 1);
            assert!(
                without_command.starts_with(reason.as_str()),
                "{full} / {}",
                reason.as_str()
            );
        }
    }

    #[test]
    fn connect_frame_by_default_sends_no_host_or_credentials() {
        let mut s = Session::new(SessionConfig::default());
        assert_eq!(s.poll_timeout(), None);
        s.handle_open(at(100));
        assert_eq!(
            sent(&mut s),
            ["CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\n\n\0"]
        );
        assert_eq!(s.state(), State::Connecting);
        assert_eq!(s.poll_timeout(), Some(at(10_100)));
    }

    #[test]
    fn connect_frame_with_configured_host_and_credentials() {
        let mut s = Session::new(SessionConfig {
            host: Some("/".into()),
            login: Some("guest".into()),
            passcode: Some("p:w".into()),
            heart_beat: (0, 5000),
            accept_version: vec![Version::V1_2],
            ..SessionConfig::default()
        });
        s.handle_open(at(0));
        assert_eq!(
            sent(&mut s),
            ["CONNECT\naccept-version:1.2\nheart-beat:0,5000\nhost:/\nlogin:guest\npasscode:p:w\n\n\0"]
        );
    }

    #[test]
    fn version_negotiation() {
        let cases: [(&str, Option<Version>); 5] = [
            ("", Some(Version::V1_0)),
            ("version:1.0\n", Some(Version::V1_0)),
            ("version:1.1\n", Some(Version::V1_1)),
            ("version:1.2\n", Some(Version::V1_2)),
            ("version:2.0\n", None),
        ];
        for (header, expected) in cases {
            let mut s = Session::new(SessionConfig::default());
            s.handle_open(at(0));
            let frame = format!("CONNECTED\n{header}\n\0");
            s.handle_data(frame.as_bytes(), at(1));
            assert_eq!(s.version(), expected, "{header:?}");
            match expected {
                Some(version) => assert!(matches!(
                    events(&mut s)[..],
                    [SessionEvent::Connected { version: v, .. }] if v == version
                )),
                None => assert_eq!(
                    closed_with(&mut s),
                    CloseReason::Library(SessionError::UnsupportedVersion("2.0".into()))
                ),
            }
        }
    }

    #[test]
    fn a_version_we_did_not_offer_is_refused() {
        let mut s = Session::new(SessionConfig {
            accept_version: vec![Version::V1_2],
            ..SessionConfig::default()
        });
        s.handle_open(at(0));
        s.handle_data(b"CONNECTED\nversion:1.1\n\n\0", at(1));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::UnsupportedVersion("1.1".into()))
        );
    }

    #[test]
    fn negotiated_version_decides_escaping_both_ways() {
        for (version, destination) in [("1.1", "a:b"), ("1.0", "a\\cb")] {
            let mut s = Session::new(SessionConfig::default());
            let id = s.subscribe("x:y");
            s.handle_open(at(0));
            let connected = format!("CONNECTED\nversion:{version}\n\n\0");
            s.handle_data(connected.as_bytes(), at(1));
            let out = sent(&mut s);
            let expected = if version == "1.0" { "x:y" } else { "x\\cy" };
            assert_eq!(
                out[1],
                format!("SUBSCRIBE\nid:sub-0\ndestination:{expected}\n\n\0")
            );
            s.handle_data(
                b"MESSAGE\nsubscription:sub-0\ndestination:a\\cb\n\n{}\0",
                at(2),
            );
            assert_eq!(
                events(&mut s)[1],
                SessionEvent::Message {
                    subscription: id.clone(),
                    destination: destination.into(),
                    body: b"{}".to_vec()
                }
            );
        }
    }

    #[test]
    fn connected_event_carries_server_and_heart_beat() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(CONNECTED, at(0));
        assert_eq!(
            events(&mut s),
            [SessionEvent::Connected {
                version: Version::V1_2,
                server: Some("RabbitMQ/3.10.8".into()),
                heart_beat: Negotiated::new((10_000, 10_000), (10_000, 10_000)),
            }]
        );
    }

    #[test]
    fn malformed_heart_beat_header_closes() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(b"CONNECTED\nversion:1.2\nheart-beat:10000\n\n\0", at(0));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::BadHeartBeat("10000".into()))
        );
    }

    #[test]
    fn subscriptions_are_sent_on_connect_and_restored_after_reset() {
        let mut s = Session::new(SessionConfig::default());
        let a = s.subscribe("/topic/a");
        let b = s.subscribe("/topic/b");
        assert_eq!((a.as_str(), b.as_str()), ("sub-0", "sub-1"));
        s.handle_open(at(0));
        s.handle_data(CONNECTED, at(0));
        let out = sent(&mut s);
        assert_eq!(
            out[1..],
            [
                "SUBSCRIBE\nid:sub-0\ndestination:/topic/a\n\n\0",
                "SUBSCRIBE\nid:sub-1\ndestination:/topic/b\n\n\0",
            ]
        );
        // While connected: sent at once; unsubscribing is forgotten for good.
        let c = s.subscribe("/topic/c");
        s.unsubscribe(&a);
        s.unsubscribe(&a);
        assert_eq!(
            sent(&mut s),
            [
                "SUBSCRIBE\nid:sub-2\ndestination:/topic/c\n\n\0",
                "UNSUBSCRIBE\nid:sub-0\n\n\0",
            ]
        );

        // The socket drops; a new one opens.
        s.handle_close(at(5));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Remote(RemoteClose::SocketClosed)
        );
        s.reset();
        assert_eq!(s.state(), State::Idle);
        assert_eq!(s.version(), None);
        let d = s.subscribe("/topic/d");
        assert_eq!(sent(&mut s), Vec::<String>::new());
        s.handle_open(at(10));
        s.handle_data(CONNECTED, at(20));
        assert_eq!(
            sent(&mut s)[1..],
            [
                "SUBSCRIBE\nid:sub-1\ndestination:/topic/b\n\n\0",
                "SUBSCRIBE\nid:sub-2\ndestination:/topic/c\n\n\0",
                "SUBSCRIBE\nid:sub-3\ndestination:/topic/d\n\n\0",
            ]
        );
        assert_eq!((c.as_str(), d.as_str()), ("sub-2", "sub-3"));
    }

    #[test]
    fn messages_are_routed_by_subscription_and_unknown_ones_dropped() {
        let mut s = Session::new(SessionConfig::default());
        let a = s.subscribe("/topic/a");
        s.handle_open(at(0));
        s.handle_data(CONNECTED, at(0));
        events(&mut s);
        let stream = b"MESSAGE\nsubscription:sub-9\ndestination:/x\n\n1\0\
                       MESSAGE\ndestination:/x\n\n2\0\
                       MESSAGE\nsubscription:sub-0\ndestination:/topic/a\ncontent-length:3\n\n3\x004\0";
        s.handle_data(stream, at(1));
        assert_eq!(
            events(&mut s),
            [SessionEvent::Message {
                subscription: a,
                destination: "/topic/a".into(),
                body: b"3\x004".to_vec()
            }]
        );
        assert!(s.state().is_connected());
    }

    #[test]
    fn frames_split_across_messages_are_reassembled() {
        let mut s = Session::new(SessionConfig::default());
        s.subscribe("/t");
        s.handle_open(at(0));
        let mut stream = CONNECTED.to_vec();
        stream.extend(Frame::message("sub-0", "1", "/t", "{}").encode(Version::V1_2));
        for (i, b) in stream.iter().enumerate() {
            s.handle_data(std::slice::from_ref(b), at(i as u64));
        }
        let got = events(&mut s);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(got[1], SessionEvent::Message { .. }));
    }

    #[test]
    fn error_then_close_is_one_closed_event() {
        let mut s = connected();
        s.handle_data(
            b"ERROR\nmessage:access refused\ncontent-length:7\n\ndetails\0MESSAGE\n\n\0",
            at(1),
        );
        s.handle_close(at(2));
        s.handle_timeout(at(100_000));
        s.handle_data(b"\n", at(100_001));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Remote(RemoteClose::Error {
                message: Some("access refused".into()),
                body: "details".into()
            })
        );
        assert_eq!(s.poll_event(), None);
        assert_eq!(s.poll_transmit(), None);
        assert_eq!(s.poll_timeout(), None);
    }

    #[test]
    fn error_before_connected_is_remote() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(b"ERROR\nmessage:Bad CONNECT\n\nNo such vhost\0", at(1));
        assert!(matches!(
            closed_with(&mut s),
            CloseReason::Remote(RemoteClose::Error { .. })
        ));
    }

    #[test]
    fn disconnect_closes_on_its_receipt() {
        let mut s = connected();
        s.disconnect(at(1000));
        assert_eq!(sent(&mut s), ["DISCONNECT\nreceipt:disconnect\n\n\0"]);
        assert_eq!(s.state(), State::Disconnecting);
        // Messages still in flight are delivered; other receipts are events.
        s.subscribe("/t");
        s.handle_data(b"RECEIPT\nreceipt-id:other\n\n\0", at(1100));
        assert_eq!(
            events(&mut s),
            [SessionEvent::Receipt { id: "other".into() }]
        );
        // No heart-beats after DISCONNECT.
        s.handle_timeout(at(1500));
        assert_eq!(sent(&mut s), Vec::<String>::new());
        s.handle_data(b"RECEIPT\nreceipt-id:disconnect\n\n\0", at(1200));
        assert_eq!(closed_with(&mut s), CloseReason::User);
    }

    #[test]
    fn disconnect_without_receipt_times_out() {
        let mut s = connected();
        s.disconnect(at(1000));
        assert_eq!(s.poll_timeout(), Some(at(3000)));
        s.handle_timeout(at(2999));
        assert_eq!(s.state(), State::Disconnecting);
        s.handle_timeout(at(3000));
        assert_eq!(closed_with(&mut s), CloseReason::User);
    }

    #[test]
    fn disconnect_ended_by_socket_close_is_user() {
        let mut s = connected();
        s.disconnect(at(1000));
        s.handle_close(at(1001));
        assert_eq!(closed_with(&mut s), CloseReason::User);
    }

    #[test]
    fn disconnect_before_connected_closes_at_once() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.disconnect(at(1));
        assert_eq!(sent(&mut s), Vec::<String>::new());
        assert_eq!(closed_with(&mut s), CloseReason::User);
        s.disconnect(at(2));
        assert_eq!(s.poll_event(), None);
    }

    #[test]
    fn connect_timeout() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_timeout(at(9_999));
        assert_eq!(s.state(), State::Connecting);
        s.handle_timeout(at(10_000));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::ConnectTimeout)
        );
    }

    #[test]
    fn late_connected_data_wins_over_the_connect_deadline() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(CONNECTED, at(15_000));
        assert!(s.state().is_connected());
    }

    #[test]
    fn socket_closed_before_open_or_connected_is_remote() {
        for opened in [false, true] {
            let mut s = Session::new(SessionConfig::default());
            if opened {
                s.handle_open(at(0));
            }
            s.handle_close(at(1));
            assert_eq!(
                closed_with(&mut s),
                CloseReason::Remote(RemoteClose::SocketClosed)
            );
        }
    }

    #[test]
    fn undecodable_data_closes_with_the_decode_error() {
        let mut s = connected();
        s.handle_data(b"HELLO\n\n\0", at(1));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::Decode(DecodeError::UnknownCommand(
                "HELLO".into()
            )))
        );
    }

    #[test]
    fn oversized_frames_close_the_session() {
        let mut s = Session::new(SessionConfig {
            max_frame_size: 64,
            ..SessionConfig::default()
        });
        s.handle_open(at(0));
        s.handle_data(CONNECTED, at(0));
        s.handle_data(&[b'M'; 65], at(1));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::Decode(DecodeError::FrameTooLarge {
                limit: 64
            }))
        );
    }

    #[test]
    fn frames_out_of_place_close_the_session() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(b"MESSAGE\nsubscription:sub-0\n\n\0", at(1));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::UnexpectedFrame(Command::Message))
        );
        let mut s = connected();
        s.handle_data(CONNECTED, at(1));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::UnexpectedFrame(Command::Connected))
        );
    }

    #[test]
    fn inputs_before_open_are_ignored() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_data(CONNECTED, at(0));
        s.handle_timeout(at(1_000_000));
        assert_eq!(s.state(), State::Idle);
        assert_eq!(s.poll_event(), None);
    }

    #[test]
    fn heart_beats_follow_the_negotiated_interval() {
        let mut s = connected();
        assert_eq!(s.poll_timeout(), Some(at(10_000)));
        // Early and repeated timeouts are harmless.
        s.handle_timeout(at(4_000));
        s.handle_timeout(at(4_000));
        assert_eq!(sent(&mut s), Vec::<String>::new());
        s.handle_timeout(at(10_000));
        assert_eq!(sent(&mut s), ["\n"]);
        s.handle_timeout(at(10_000));
        assert_eq!(sent(&mut s), Vec::<String>::new());
        // The server's heart-beats keep it alive: its deadline moves with every byte.
        s.handle_data(b"\n", at(15_000));
        assert_eq!(sent(&mut s), ["\n"], "half our interval had passed");
        assert_eq!(s.poll_timeout(), Some(at(25_000)));
    }

    #[test]
    fn a_silent_server_is_declared_dead_after_twice_its_interval_plus_a_second() {
        let mut s = connected();
        let mut now = at(0);
        while let Some(deadline) = s.poll_timeout() {
            now = deadline;
            s.handle_timeout(now);
        }
        assert_eq!(now, at(21_000));
        assert_eq!(
            closed_with(&mut s),
            CloseReason::Library(SessionError::HeartBeatTimeout)
        );
    }

    #[test]
    fn without_heart_beats_there_is_no_deadline() {
        let mut s = Session::new(SessionConfig::default());
        s.handle_open(at(0));
        s.handle_data(b"CONNECTED\nversion:1.2\n\n\0", at(0));
        sent(&mut s);
        assert_eq!(s.poll_timeout(), None);
        s.handle_timeout(at(10_000_000));
        assert!(s.state().is_connected());
        assert_eq!(sent(&mut s), Vec::<String>::new());
    }

    #[test]
    fn polling_the_timeout_never_livelocks() {
        // Calling handle_timeout at every deadline always moves the deadline on.
        let mut s = connected();
        let mut last = at(0);
        for _ in 0..100 {
            let Some(deadline) = s.poll_timeout() else {
                break;
            };
            assert!(deadline >= last);
            s.handle_timeout(deadline);
            sent(&mut s);
            if let Some(next) = s.poll_timeout() {
                assert!(next > deadline, "{next:?} after {deadline:?}");
            }
            last = deadline;
            s.handle_data(b"\n", deadline);
        }
        assert!(s.state().is_connected());
    }

    /// A broker on a virtual clock, like RabbitMQ with `heart-beat:10000,10000`: it sends a
    /// heart-beat whenever it has been silent `beat_every`, and drops a client it has not
    /// heard from for `drop_after`.
    struct Broker {
        beat_every: Option<u64>,
        drop_after: u64,
        last_sent: u64,
        last_heard: u64,
    }

    /// What happened in a run of [`simulate`].
    #[derive(Debug, Default)]
    struct Run {
        /// When we transmitted, in ms.
        our_sends: Vec<u64>,
        /// When the broker dropped us, if it did.
        dropped_at: Option<u64>,
        /// When and why the session closed, if it did.
        closed: Option<(u64, CloseReason)>,
    }

    /// Runs a connected session against `broker` for `duration` ms. Our timers fire at the
    /// first multiple of `timer_grain` at or after `poll_timeout`: 1 for a foreground tab,
    /// 60 000 for Chrome's intensive throttling of background tabs.
    fn simulate(broker: &mut Broker, timer_grain: u64, duration: u64) -> Run {
        let mut s = connected();
        let mut run = Run::default();
        loop {
            let timer = s
                .poll_timeout()
                .map(|d| d.as_millis().div_ceil(timer_grain) * timer_grain);
            let beat = broker.beat_every.map(|every| broker.last_sent + every);
            let Some(now) = [timer, beat].into_iter().flatten().min() else {
                break;
            };
            if now > duration {
                break;
            }
            if now > broker.last_heard + broker.drop_after {
                run.dropped_at = Some(broker.last_heard + broker.drop_after);
                break;
            }
            if beat == Some(now) {
                broker.last_sent = now;
                s.handle_data(b"\n", at(now));
            } else {
                s.handle_timeout(at(now));
            }
            for _ in sent(&mut s) {
                broker.last_heard = now;
                run.our_sends.push(now);
            }
            if let Some(SessionEvent::Closed(reason)) = events(&mut s).pop() {
                run.closed = Some((now, reason));
                break;
            }
        }
        run
    }

    fn rabbitmq() -> Broker {
        Broker {
            beat_every: Some(10_000),
            drop_after: 30_000,
            last_sent: 0,
            last_heard: 0,
        }
    }

    fn largest_gap(sends: &[u64]) -> u64 {
        sends.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0)
    }

    #[test]
    fn background_tab_keeps_answering_a_beating_server() {
        // Our timers fire once a minute; the server beats every 10 s. We answer each beat,
        // so the broker never drops us and we never think it dead.
        let run = simulate(&mut rabbitmq(), 60_000, 3_600_000);
        assert_eq!(run.dropped_at, None);
        assert_eq!(run.closed, None);
        assert!(run.our_sends.len() >= 359, "{}", run.our_sends.len());
        assert!(largest_gap(&run.our_sends) <= 10_000);
    }

    #[test]
    fn background_tab_with_beats_out_of_phase_with_our_timer() {
        // The server's beats fall 3 s after our timer's minute marks: a timer send at :00
        // is followed by a beat at :03 that we skip (spoke 3 s ago), and the next at :13.
        let mut broker = rabbitmq();
        broker.last_sent = 3_000;
        let run = simulate(&mut broker, 60_000, 3_600_000);
        assert_eq!(run.dropped_at, None);
        assert_eq!(run.closed, None);
        assert!(largest_gap(&run.our_sends) <= 13_000);
    }

    #[test]
    fn foreground_tab_beats_on_time() {
        let run = simulate(&mut rabbitmq(), 1, 600_000);
        assert_eq!(run.dropped_at, None);
        assert_eq!(run.closed, None);
        assert!(largest_gap(&run.our_sends) <= 10_000);
    }

    #[test]
    fn silent_server_is_dropped_after_the_window_or_the_first_throttled_wake() {
        let silent = || Broker {
            beat_every: None,
            drop_after: u64::MAX / 2,
            last_sent: 0,
            last_heard: 0,
        };
        let run = simulate(&mut silent(), 1, 600_000);
        assert_eq!(
            run.closed,
            Some((21_000, CloseReason::Library(SessionError::HeartBeatTimeout)))
        );
        let run = simulate(&mut silent(), 60_000, 600_000);
        assert_eq!(
            run.closed,
            Some((60_000, CloseReason::Library(SessionError::HeartBeatTimeout)))
        );
    }

    #[test]
    fn a_client_that_only_beats_from_timers_would_be_dropped() {
        // The same throttled tab against a broker that never beats (so nothing wakes us but
        // our once-a-minute timer): RabbitMQ's 30 s limit is crossed. This is why the
        // default offer asks the server for beats.
        let mut broker = rabbitmq();
        broker.beat_every = None;
        let run = simulate(&mut broker, 60_000, 600_000);
        assert_eq!(run.dropped_at, Some(30_000));
    }

    #[derive(Clone, Debug)]
    enum Input {
        Open,
        Data(Vec<u8>),
        Close,
        Timeout,
        Subscribe,
        Unsubscribe(usize),
        Disconnect,
        Reset,
    }

    fn input() -> impl Strategy<Value = Input> {
        let frame_bytes = prop_oneof![
            Just(CONNECTED.to_vec()),
            Just(b"MESSAGE\nsubscription:sub-0\ndestination:/t\n\n{}\0".to_vec()),
            Just(b"RECEIPT\nreceipt-id:disconnect\n\n\0".to_vec()),
            Just(b"ERROR\nmessage:x\n\n\0".to_vec()),
            Just(b"\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..40),
        ];
        prop_oneof![
            Just(Input::Open),
            frame_bytes.prop_map(Input::Data),
            Just(Input::Close),
            Just(Input::Timeout),
            Just(Input::Subscribe),
            (0usize..4).prop_map(Input::Unsubscribe),
            Just(Input::Disconnect),
            Just(Input::Reset),
        ]
    }

    proptest! {
        #[test]
        fn any_input_sequence_keeps_the_invariants(
            inputs in proptest::collection::vec((input(), 0u64..30_000), 0..60)
        ) {
            let mut s = Session::new(SessionConfig::default());
            let mut ids = Vec::new();
            let mut now = 0;
            let mut closed_events = 0;
            for (input, step) in inputs {
                now += step;
                match input {
                    Input::Open => s.handle_open(at(now)),
                    Input::Data(bytes) => s.handle_data(&bytes, at(now)),
                    Input::Close => s.handle_close(at(now)),
                    Input::Timeout => s.handle_timeout(at(now)),
                    Input::Subscribe => ids.push(s.subscribe("/t")),
                    Input::Unsubscribe(i) => {
                        if let Some(id) = ids.get(i) {
                            s.unsubscribe(id);
                        }
                    }
                    Input::Disconnect => s.disconnect(at(now)),
                    Input::Reset => {
                        s.reset();
                        closed_events = 0;
                    }
                }
                sent(&mut s);
                for event in events(&mut s) {
                    prop_assert!(closed_events == 0, "event after Closed: {:?}", event);
                    if let SessionEvent::Closed(_) = event {
                        closed_events += 1;
                    }
                }
                prop_assert_eq!(s.state().is_closed(), closed_events == 1);
                prop_assert_eq!(s.close_reason().is_some(), s.state().is_closed());
                if let Some(deadline) = s.poll_timeout() {
                    prop_assert!(matches!(
                        s.state(),
                        State::Connecting | State::Connected | State::Disconnecting
                    ));
                    // A due deadline is always acted on: no livelock for the owner's timer.
                    if deadline <= at(now) {
                        s.handle_timeout(at(now));
                        sent(&mut s);
                        prop_assert!(s.poll_timeout().is_none_or(|d| d > at(now)));
                        for event in events(&mut s) {
                            if let SessionEvent::Closed(_) = event {
                                closed_events += 1;
                            }
                        }
                    }
                }
            }
        }
    }
}
