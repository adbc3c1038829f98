//! The server side of one STOMP connection, with no I/O: bytes and the time in, actions out.
//!
//! It speaks the protocol with the SDK's codec (`well_client::stomp`): version negotiation
//! against `accept-version`, heart-beats in both directions, `RECEIPT`s for any frame that asks,
//! and an `ERROR` (followed by closing) for anything that breaks the protocol. What the
//! connection means for the broker (subscriptions, published messages) comes out as
//! [`Action`]s for the driver to apply.

use well_client::stomp::{parse_heart_beat, Command, Decoded, Decoder, Frame, Version};

use super::topic;

/// Settings shared by every connection of the embedded broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StompSettings {
    /// The newest version the broker answers with (the platform: 1.1).
    pub max_version: Version,
    /// The broker's `heart-beat` header `(sx, sy)` in ms.
    pub heart_beat: (u32, u32),
}

impl Default for StompSettings {
    fn default() -> Self {
        StompSettings {
            max_version: Version::V1_1,
            heart_beat: (10_000, 10_000),
        }
    }
}

/// A silent client is closed after this many of its negotiated heart-beat intervals
/// (RabbitMQ closes a client silent for 30 s under `heart-beat:10000,10000`).
pub const SILENCE_INTERVALS: u64 = 3;

/// What the driver must do after an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send these bytes (one encoded frame) as a WebSocket text message.
    Send(Vec<u8>),
    /// Send a heart-beat (a bare EOL).
    HeartBeat,
    /// Register a subscription of this connection.
    Subscribe {
        /// The client's subscription `id`.
        id: String,
        /// The `/topic/...` destination, possibly with wildcards.
        destination: String,
    },
    /// Drop a subscription of this connection.
    Unsubscribe {
        /// The client's subscription `id`.
        id: String,
    },
    /// Deliver a message sent by the client to every matching subscription.
    Publish {
        /// The `/topic/...` destination.
        destination: String,
        /// The body.
        body: Vec<u8>,
    },
    /// Close the connection (after sending what came before).
    Close,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    AwaitingConnect,
    Connected,
    Closed,
}

/// One connection's protocol state.
#[derive(Debug)]
pub struct ServerSession {
    settings: StompSettings,
    decoder: Decoder,
    phase: Phase,
    version: Option<Version>,
    /// How often we send heart-beats, and how often the client must send something (ms).
    send_every: Option<u64>,
    expect_every: Option<u64>,
    last_sent: u64,
    last_received: u64,
    connection_id: String,
}

impl ServerSession {
    /// A session for a socket opened at `now` (ms), named `connection_id` in `CONNECTED`.
    pub fn new(settings: StompSettings, connection_id: String, now: u64) -> ServerSession {
        ServerSession {
            settings,
            decoder: Decoder::new(),
            phase: Phase::AwaitingConnect,
            version: None,
            send_every: None,
            expect_every: None,
            last_sent: now,
            last_received: now,
            connection_id,
        }
    }

    /// The negotiated version, once connected.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Whether the session ended (an `ERROR`, a `DISCONNECT`, a silent client).
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// Encodes `frame` for this session (1.2 rules before a version is agreed).
    pub fn encode(&self, frame: &Frame) -> Vec<u8> {
        frame.encode(self.version.unwrap_or(Version::V1_2))
    }

    /// The driver sent something at `now` (a message it was asked to deliver).
    pub fn note_sent(&mut self, now: u64) {
        self.last_sent = now;
    }

    /// When [`handle_timeout`](ServerSession::handle_timeout) must run next.
    pub fn poll_timeout(&self) -> Option<u64> {
        if self.phase != Phase::Connected {
            return None;
        }
        let send = self.send_every.map(|i| self.last_sent + i);
        let silence = self
            .expect_every
            .map(|i| self.last_received + i * SILENCE_INTERVALS);
        match (send, silence) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Sends a heart-beat when one is due; closes when the client has been silent too long.
    pub fn handle_timeout(&mut self, now: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.phase != Phase::Connected {
            return out;
        }
        if let Some(i) = self.expect_every {
            if now.saturating_sub(self.last_received) >= i * SILENCE_INTERVALS {
                self.phase = Phase::Closed;
                out.push(Action::Close);
                return out;
            }
        }
        if let Some(i) = self.send_every {
            if now.saturating_sub(self.last_sent) >= i {
                self.last_sent = now;
                out.push(Action::HeartBeat);
            }
        }
        out
    }

    /// Bytes of one WebSocket message from the client.
    pub fn handle_data(&mut self, data: &[u8], now: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.phase == Phase::Closed {
            return out;
        }
        self.last_received = now;
        self.decoder.push(data);
        loop {
            match self.decoder.next() {
                Ok(None) => break,
                Ok(Some(Decoded::HeartBeat)) => {}
                Ok(Some(Decoded::Frame(frame))) => {
                    self.handle_frame(frame, now, &mut out);
                    if self.phase == Phase::Closed {
                        break;
                    }
                }
                Err(e) => {
                    self.fail("malformed frame", &e.to_string(), &mut out);
                    break;
                }
            }
        }
        if out.iter().any(|a| matches!(a, Action::Send(_))) {
            self.last_sent = now;
        }
        out
    }

    fn handle_frame(&mut self, frame: Frame, now: u64, out: &mut Vec<Action>) {
        let command = frame.command();
        match (self.phase, command) {
            (Phase::AwaitingConnect, Command::Connect | Command::Stomp) => {
                self.connect(&frame, now, out);
                return;
            }
            (Phase::AwaitingConnect, _) => {
                return self.fail("not connected", "send CONNECT first", out);
            }
            (_, Command::Connect | Command::Stomp) => {
                return self.fail("already connected", "CONNECT was sent twice", out);
            }
            _ => {}
        }
        match command {
            Command::Subscribe => {
                let Some(destination) = frame.header("destination") else {
                    return self.fail(
                        "missing destination",
                        "SUBSCRIBE needs a destination header",
                        out,
                    );
                };
                if topic::routing_key(destination).is_none() {
                    return self.fail(
                        "unknown destination",
                        &format!("only /topic/ destinations exist here: {destination}"),
                        out,
                    );
                }
                let id = match (frame.header("id"), self.version) {
                    (Some(id), _) => id.to_string(),
                    (None, Some(Version::V1_0)) => destination.to_string(),
                    (None, _) => {
                        return self.fail("missing id", "SUBSCRIBE needs an id header", out);
                    }
                };
                out.push(Action::Subscribe {
                    id,
                    destination: destination.to_string(),
                });
            }
            Command::Unsubscribe => {
                let id = frame.header("id").or_else(|| {
                    (self.version == Some(Version::V1_0))
                        .then(|| frame.header("destination"))
                        .flatten()
                });
                let Some(id) = id else {
                    return self.fail("missing id", "UNSUBSCRIBE needs an id header", out);
                };
                out.push(Action::Unsubscribe { id: id.to_string() });
            }
            Command::Send => {
                let Some(destination) = frame.header("destination") else {
                    return self.fail(
                        "missing destination",
                        "SEND needs a destination header",
                        out,
                    );
                };
                if topic::routing_key(destination).is_none() {
                    return self.fail(
                        "unknown destination",
                        &format!("only /topic/ destinations exist here: {destination}"),
                        out,
                    );
                }
                out.push(Action::Publish {
                    destination: destination.to_string(),
                    body: frame.body().to_vec(),
                });
            }
            Command::Ack | Command::Nack => {}
            Command::Begin | Command::Commit | Command::Abort => {
                return self.fail("transactions are not supported", "use plain SEND", out);
            }
            Command::Disconnect => {
                self.receipt(&frame, out);
                self.phase = Phase::Closed;
                out.push(Action::Close);
                return;
            }
            Command::Connected | Command::Message | Command::Receipt | Command::Error => {
                return self.fail(
                    "unexpected frame",
                    &format!("{} is a server frame", command.as_str()),
                    out,
                );
            }
            Command::Connect | Command::Stomp => {}
        }
        self.receipt(&frame, out);
    }

    fn connect(&mut self, frame: &Frame, now: u64, out: &mut Vec<Action>) {
        let offered: Vec<Version> = match frame.header("accept-version") {
            None => vec![Version::V1_0],
            Some(list) => list
                .split(',')
                .filter_map(|v| Version::parse(v.trim()))
                .collect(),
        };
        let Some(version) = offered
            .into_iter()
            .filter(|v| *v <= self.settings.max_version)
            .max()
        else {
            let supported: Vec<Version> = Version::ALL
                .into_iter()
                .filter(|v| *v <= self.settings.max_version)
                .collect();
            let frame = Frame::error(
                "unsupported version",
                format!(
                    "Supported protocol versions are {}",
                    Version::list(&supported)
                ),
            )
            .with_header("version", Version::list(&supported));
            out.push(Action::Send(self.encode(&frame)));
            out.push(Action::Close);
            self.phase = Phase::Closed;
            return;
        };
        let (cx, cy) = match frame.header("heart-beat") {
            None => (0, 0),
            Some(text) => match parse_heart_beat(text) {
                Some(hb) => hb,
                None => return self.fail("bad heart-beat", "heart-beat must be <x>,<y>", out),
            },
        };
        self.version = Some(version);
        self.decoder.set_version(version);
        let (sx, sy) = self.settings.heart_beat;
        let mut connected = Frame::new(Command::Connected).with_header("version", version.as_str());
        if version > Version::V1_0 {
            let every = |a: u32, b: u32| (a != 0 && b != 0).then(|| u64::from(a.max(b)));
            self.send_every = every(sx, cy);
            self.expect_every = every(cx, sy);
            connected = connected.with_header("heart-beat", format!("{sx},{sy}"));
        }
        connected = connected
            .with_header("server", concat!("well-sim/", env!("CARGO_PKG_VERSION")))
            .with_header("session", self.connection_id.clone());
        self.phase = Phase::Connected;
        self.last_sent = now;
        out.push(Action::Send(self.encode(&connected)));
    }

    fn receipt(&self, frame: &Frame, out: &mut Vec<Action>) {
        if let Some(id) = frame.header("receipt") {
            out.push(Action::Send(self.encode(&Frame::receipt(id))));
        }
    }

    /// Protocol error: `ERROR`, then close.
    fn fail(&mut self, message: &str, detail: &str, out: &mut Vec<Action>) {
        let frame = Frame::error(message, detail.to_string());
        out.push(Action::Send(self.encode(&frame)));
        out.push(Action::Close);
        self.phase = Phase::Closed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> ServerSession {
        ServerSession::new(StompSettings::default(), "c-1".into(), 0)
    }

    fn texts(actions: &[Action]) -> Vec<String> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Send(b) => Some(String::from_utf8_lossy(b).into_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn answers_1_1_like_the_platform_and_negotiates_heart_beats() {
        let mut s = session();
        let out = s.handle_data(
            b"CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\n\n\0",
            5,
        );
        let t = texts(&out);
        assert!(
            t[0].starts_with("CONNECTED\nversion:1.1\nheart-beat:10000,10000\n"),
            "{t:?}"
        );
        assert_eq!(s.version(), Some(Version::V1_1));
        assert_eq!(s.poll_timeout(), Some(10_005));
        assert_eq!(s.handle_timeout(10_005), vec![Action::HeartBeat]);
        // silent for three intervals: closed
        assert_eq!(s.handle_timeout(30_005), vec![Action::Close]);
        assert!(s.is_closed());
    }

    #[test]
    fn answers_1_2_when_allowed_and_honours_accept_version() {
        let settings = StompSettings {
            max_version: Version::V1_2,
            heart_beat: (0, 0),
        };
        let mut s = ServerSession::new(settings.clone(), "c".into(), 0);
        let t = texts(&s.handle_data(b"CONNECT\naccept-version:1.1,1.2\n\n\0", 0));
        assert!(t[0].starts_with("CONNECTED\nversion:1.2\nheart-beat:0,0\n"));
        assert_eq!(s.poll_timeout(), None);
        let mut s = ServerSession::new(settings.clone(), "c".into(), 0);
        let t = texts(&s.handle_data(b"CONNECT\naccept-version:1.0\n\n\0", 0));
        assert!(t[0].starts_with("CONNECTED\nversion:1.0\n"), "{t:?}");
        assert!(!t[0].contains("heart-beat"));
        let mut s = ServerSession::new(settings, "c".into(), 0);
        let out = s.handle_data(b"CONNECT\naccept-version:2.0\n\n\0", 0);
        assert!(texts(&out)[0].starts_with("ERROR\n"));
        assert_eq!(out.last(), Some(&Action::Close));
    }

    #[test]
    fn subscribe_with_receipt_and_wildcards() {
        let mut s = session();
        s.handle_data(b"CONNECT\naccept-version:1.1\n\n\0", 0);
        let out = s.handle_data(
            b"SUBSCRIBE\nid:sub-0\ndestination:/topic/event.agent.*.5001@test_cc\nreceipt:r1\n\n\0",
            1,
        );
        assert_eq!(
            out[0],
            Action::Subscribe {
                id: "sub-0".into(),
                destination: "/topic/event.agent.*.5001@test_cc".into()
            }
        );
        assert_eq!(texts(&out), ["RECEIPT\nreceipt-id:r1\n\n\0"]);
        let out = s.handle_data(b"UNSUBSCRIBE\nid:sub-0\n\n\0", 2);
        assert_eq!(out, vec![Action::Unsubscribe { id: "sub-0".into() }]);
    }

    #[test]
    fn disconnect_gets_its_receipt_then_closes() {
        let mut s = session();
        s.handle_data(b"CONNECT\naccept-version:1.1\n\n\0", 0);
        let out = s.handle_data(b"DISCONNECT\nreceipt:bye\n\n\0", 1);
        assert_eq!(texts(&out), ["RECEIPT\nreceipt-id:bye\n\n\0"]);
        assert_eq!(out.last(), Some(&Action::Close));
    }

    #[test]
    fn protocol_errors_end_the_session() {
        for bad in [
            &b"SUBSCRIBE\nid:1\ndestination:/topic/a\n\n\0"[..],
            b"HELLO\n\n\0",
        ] {
            let mut s = session();
            let out = s.handle_data(bad, 0);
            assert!(texts(&out)[0].starts_with("ERROR\n"), "{bad:?}");
            assert_eq!(out.last(), Some(&Action::Close));
        }
        let mut s = session();
        s.handle_data(b"CONNECT\naccept-version:1.1\n\n\0", 0);
        let out = s.handle_data(b"SUBSCRIBE\ndestination:/topic/a\n\n\0", 0);
        assert!(texts(&out)[0].contains("message:missing id"));
        let mut s = session();
        s.handle_data(b"CONNECT\naccept-version:1.1\n\n\0", 0);
        let out = s.handle_data(b"SUBSCRIBE\nid:x\ndestination:/queue/a\n\n\0", 0);
        assert!(texts(&out)[0].contains("message:unknown destination"));
    }

    #[test]
    fn send_publishes_and_data_counts_as_life() {
        let mut s = session();
        s.handle_data(b"CONNECT\naccept-version:1.1\nheart-beat:1000,0\n\n\0", 0);
        // client promised 1000 ms, broker wants 10000: every 10000, closed after 30000
        assert_eq!(s.handle_timeout(29_000), vec![]);
        let out = s.handle_data(b"SEND\ndestination:/topic/x\n\nhi\0", 29_500);
        assert_eq!(
            out,
            vec![Action::Publish {
                destination: "/topic/x".into(),
                body: b"hi".to_vec()
            }]
        );
        assert_eq!(s.handle_timeout(40_000), vec![]);
        s.handle_data(b"\n", 50_000);
        assert_eq!(s.handle_timeout(79_999), vec![]);
        assert_eq!(s.handle_timeout(80_000), vec![Action::Close]);
    }
}
