//! The embedded broker on the wire: version negotiation, heart-beats, receipts, errors,
//! wildcard subscriptions and the MESSAGE headers, checked frame by frame.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use well_client::stomp::{Command, Decoded, Decoder, Frame, SessionConfig, Version};
use well_sim::broker::StompSettings;
use well_sim::SimConfig;

use crate::support::client::{Seen, StompClient};
use crate::support::{start, Agent, QUIET};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A hand-driven STOMP client: frames written as text, replies decoded with the SDK codec.
struct Raw {
    ws: Ws,
    decoder: Decoder,
}

#[derive(Debug)]
enum In {
    Frame(Frame),
    HeartBeat,
    Closed,
}

impl Raw {
    async fn open(url: &str) -> Raw {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket opens");
        Raw {
            ws,
            decoder: Decoder::new(),
        }
    }

    async fn send(&mut self, text: &str) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    async fn recv(&mut self, timeout: Duration) -> Option<In> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.decoder.next() {
                Ok(Some(Decoded::Frame(f))) => return Some(In::Frame(f)),
                Ok(Some(Decoded::HeartBeat)) => return Some(In::HeartBeat),
                Ok(None) => {}
                Err(e) => panic!("undecodable: {e}"),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.ws.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(t)))) => self.decoder.push(t.as_bytes()),
                Ok(Some(Ok(Message::Binary(b)))) => self.decoder.push(&b),
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => {
                    return Some(In::Closed)
                }
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    async fn frame(&mut self) -> Frame {
        loop {
            match self.recv(Duration::from_secs(3)).await {
                Some(In::Frame(f)) => return f,
                Some(In::HeartBeat) => continue,
                other => panic!("expected a frame, got {other:?}"),
            }
        }
    }

    async fn closes(&mut self) -> bool {
        loop {
            match self.recv(Duration::from_secs(3)).await {
                Some(In::Closed) => return true,
                None => return false,
                Some(_) => continue,
            }
        }
    }

    async fn connect(&mut self, accept: &str) -> Frame {
        self.send(&format!(
            "CONNECT\naccept-version:{accept}\nheart-beat:10000,10000\n\n\0"
        ))
        .await;
        let f = self.frame().await;
        if let Some(v) = f.header("version").and_then(Version::parse) {
            self.decoder.set_version(v);
        }
        f
    }
}

#[tokio::test]
async fn answers_1_1_by_default_and_1_2_when_allowed() {
    let (sim, _api) = start(SimConfig::ephemeral()).await;
    let mut c = Raw::open(&sim.ws_url()).await;
    let f = c.connect("1.1,1.0").await;
    assert_eq!(f.command(), Command::Connected);
    assert_eq!(f.header("version"), Some("1.1"));
    assert_eq!(f.header("heart-beat"), Some("10000,10000"));
    let mut c = Raw::open(&sim.ws_url()).await;
    assert_eq!(
        c.connect("1.2,1.1,1.0").await.header("version"),
        Some("1.1")
    );
    let mut c = Raw::open(&sim.ws_url()).await;
    assert_eq!(c.connect("1.0").await.header("version"), Some("1.0"));
    let mut c = Raw::open(&sim.ws_url()).await;
    let f = c.connect("2.0").await;
    assert_eq!(f.command(), Command::Error);
    assert!(c.closes().await);

    let (sim, _api) = start(SimConfig {
        stomp: StompSettings {
            max_version: Version::V1_2,
            heart_beat: (10_000, 10_000),
        },
        ..SimConfig::ephemeral()
    })
    .await;
    let mut c = Raw::open(&sim.ws_url()).await;
    assert_eq!(
        c.connect("1.2,1.1,1.0").await.header("version"),
        Some("1.2")
    );
    let mut c = Raw::open(&sim.ws_url()).await;
    assert_eq!(c.connect("1.1,1.0").await.header("version"), Some("1.1"));
    // The SDK's own session gets 1.2 here.
    let client = StompClient::connect(&sim.ws_url(), SessionConfig::default())
        .await
        .unwrap();
    assert_eq!(client.version, Some(Version::V1_2));
}

#[tokio::test]
async fn receipts_for_subscribe_unsubscribe_and_disconnect() {
    let (sim, _api) = start(SimConfig::ephemeral()).await;
    let mut c = Raw::open(&format!("ws://{}/ws", sim.addr())).await;
    c.connect("1.1").await;
    c.send(
        "SUBSCRIBE\nid:sub-0\ndestination:/topic/event.agent.*.5001@test_cc\nreceipt:r-sub\n\n\0",
    )
    .await;
    let f = c.frame().await;
    assert_eq!(
        (f.command(), f.header("receipt-id")),
        (Command::Receipt, Some("r-sub"))
    );
    c.send("UNSUBSCRIBE\nid:sub-0\nreceipt:r-unsub\n\n\0").await;
    assert_eq!(c.frame().await.header("receipt-id"), Some("r-unsub"));
    c.send("DISCONNECT\nreceipt:r-bye\n\n\0").await;
    assert_eq!(c.frame().await.header("receipt-id"), Some("r-bye"));
    assert!(c.closes().await, "the broker closes after DISCONNECT");
}

#[tokio::test]
async fn protocol_errors_get_an_error_frame_then_close() {
    let (sim, _api) = start(SimConfig::ephemeral()).await;
    let mut c = Raw::open(&sim.ws_url()).await;
    c.send("SUBSCRIBE\nid:sub-0\ndestination:/topic/x\n\n\0")
        .await;
    let f = c.frame().await;
    assert_eq!(
        (f.command(), f.header("message")),
        (Command::Error, Some("not connected"))
    );
    assert!(c.closes().await);

    let mut c = Raw::open(&sim.ws_url()).await;
    c.connect("1.1").await;
    c.send("SUBSCRIBE\ndestination:/topic/x\n\n\0").await;
    assert_eq!(c.frame().await.header("message"), Some("missing id"));
    assert!(c.closes().await);

    let mut c = Raw::open(&sim.ws_url()).await;
    c.connect("1.1").await;
    c.send("BOGUS\n\n\0").await;
    assert_eq!(c.frame().await.command(), Command::Error);
    assert!(c.closes().await);
}

#[tokio::test]
async fn message_headers_and_wildcard_subscriptions() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    // Three raw subscribers: all of 5001's events, only its call events, another agent's.
    let mut all = Raw::open(&sim.ws_url()).await;
    all.connect("1.1").await;
    all.send("SUBSCRIBE\nid:sub-0\ndestination:/topic/event.agent.*.5001@test_cc\n\n\0")
        .await;
    let mut csta = Raw::open(&sim.ws_url()).await;
    csta.connect("1.1").await;
    csta.send("SUBSCRIBE\nid:calls\ndestination:/topic/event.agent.csta.5001@test_cc\n\n\0")
        .await;
    let mut other = Raw::open(&sim.ws_url()).await;
    other.connect("1.1").await;
    other
        .send("SUBSCRIBE\nid:sub-0\ndestination:/topic/event.agent.*.5002@test_cc\n\n\0")
        .await;
    for d in [
        "/topic/event.agent.*.5001@test_cc",
        "/topic/event.agent.csta.5001@test_cc",
        "/topic/event.agent.*.5002@test_cc",
    ] {
        api.wait_subscribed(d).await;
    }
    let sid = api.session("5001").await;
    assert_eq!(api.login(&sid, "5001", "8001", "Ready").await.status, 204);
    api.admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;

    let on = all.frame().await;
    assert_eq!(on.command(), Command::Message);
    assert_eq!(on.header("subscription"), Some("sub-0"));
    assert_eq!(
        on.header("destination"),
        Some("/topic/event.agent.agent.5001@test_cc")
    );
    assert_eq!(
        on.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(
        on.header("content-length"),
        Some(on.body().len().to_string().as_str())
    );
    assert!(on.header("message-id").is_some_and(|m| !m.is_empty()));
    let body: Value = serde_json::from_slice(on.body()).unwrap();
    assert_eq!(body["eventName"], "agentLoggedOn");
    assert_eq!(
        all.frame().await.header("destination"),
        Some("/topic/event.agent.agent.5001@test_cc")
    );
    let delivered = all.frame().await;
    assert_eq!(
        delivered.header("destination"),
        Some("/topic/event.agent.csta.5001@test_cc")
    );
    let ids: Vec<_> = [&on, &delivered]
        .iter()
        .map(|f| f.header("message-id").unwrap().to_string())
        .collect();
    assert_ne!(ids[0], ids[1], "message ids are unique");

    // The csta-only subscription sees the delivered event and nothing of the agent family.
    let f = csta.frame().await;
    assert_eq!(f.header("subscription"), Some("calls"));
    let body: Value = serde_json::from_slice(f.body()).unwrap();
    assert_eq!(body["eventName"], "delivered");
    // 5002's subscriber sees nothing.
    assert!(other.recv(QUIET).await.is_none());
}

#[tokio::test]
async fn heart_beats_flow_and_silent_clients_are_closed() {
    let (sim, _api) = start(SimConfig {
        stomp: StompSettings {
            max_version: Version::V1_1,
            heart_beat: (200, 200),
        },
        ..SimConfig::ephemeral()
    })
    .await;
    let mut c = Raw::open(&sim.ws_url()).await;
    c.send("CONNECT\naccept-version:1.1\nheart-beat:200,200\n\n\0")
        .await;
    let f = c.frame().await;
    assert_eq!(f.header("heart-beat"), Some("200,200"));
    // The broker beats every 200 ms; a client that beats back stays connected.
    let started = Instant::now();
    let mut beats = 0;
    while started.elapsed() < Duration::from_millis(1_500) {
        match c.recv(Duration::from_millis(150)).await {
            Some(In::HeartBeat) => beats += 1,
            Some(In::Closed) => panic!("closed while beating"),
            _ => {}
        }
        c.send("\n").await;
    }
    assert!(beats >= 4, "{beats} heart-beats in 1.5 s");
    // Silent for three intervals: closed.
    let silent = Instant::now();
    assert!(c.closes().await);
    assert!(
        silent.elapsed() >= Duration::from_millis(500),
        "{:?}",
        silent.elapsed()
    );

    // A client offering no heart-beats gets none and is never closed for silence.
    let mut c = Raw::open(&sim.ws_url()).await;
    c.send("CONNECT\naccept-version:1.1\nheart-beat:0,0\n\n\0")
        .await;
    c.frame().await;
    assert!(c.recv(Duration::from_millis(800)).await.is_none());
}

#[tokio::test]
async fn sdk_session_keeps_a_connection_alive() {
    let (sim, _api) = start(SimConfig {
        stomp: StompSettings {
            max_version: Version::V1_1,
            heart_beat: (200, 200),
        },
        ..SimConfig::ephemeral()
    })
    .await;
    let mut client = StompClient::connect(
        &sim.ws_url(),
        SessionConfig {
            heart_beat: (200, 200),
            ..SessionConfig::default()
        },
    )
    .await
    .unwrap();
    assert!(
        client.closed(Duration::from_millis(1_500)).await.is_none(),
        "still connected"
    );
    client.disconnect();
    assert!(client.closed(Duration::from_secs(3)).await.is_some());
}

#[tokio::test]
async fn send_reaches_subscribers_and_unsubscribe_stops_it() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut listener = StompClient::connect(&sim.ws_url(), SessionConfig::default())
        .await
        .unwrap();
    listener.subscribe("/topic/chat.#");
    api.wait_subscribed("/topic/chat.#").await;
    let mut talker = Raw::open(&sim.ws_url()).await;
    talker.connect("1.1").await;
    talker
        .send("SEND\ndestination:/topic/chat.room.1\ncontent-type:application/json\n\n{\"hi\":1}\0")
        .await;
    match listener.next(Duration::from_secs(3)).await {
        Some(Seen::Message { destination, body }) => {
            assert_eq!(destination, "/topic/chat.room.1");
            assert_eq!(body, json!({"hi": 1}));
        }
        other => panic!("{other:?}"),
    }
    let mut raw = Raw::open(&sim.ws_url()).await;
    raw.connect("1.1").await;
    raw.send("SUBSCRIBE\nid:s\ndestination:/topic/chat.#\n\n\0")
        .await;
    raw.send("UNSUBSCRIBE\nid:s\nreceipt:u\n\n\0").await;
    assert_eq!(raw.frame().await.header("receipt-id"), Some("u"));
    talker
        .send("SEND\ndestination:/topic/chat.room.2\n\nx\0")
        .await;
    assert!(
        raw.recv(QUIET).await.is_none(),
        "no delivery after UNSUBSCRIBE"
    );
}

#[tokio::test]
async fn stomp_subprotocol_is_selected_when_offered() {
    let (sim, _api) = start(SimConfig::ephemeral()).await;
    let mut request = sim.ws_url().into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "v10.stomp, v11.stomp, v12.stomp".parse().unwrap(),
    );
    let (_, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .map(|v| v.to_str().unwrap()),
        Some("v12.stomp")
    );
}

/// The SDK works in whichever version the broker picks: here 1.0, where nothing is escaped and
/// there are no heart-beats, through login and a call's events.
#[tokio::test]
async fn an_sdk_session_works_when_the_broker_speaks_only_1_0() {
    let (sim, api) = start(SimConfig {
        stomp: StompSettings {
            max_version: Version::V1_0,
            heart_beat: (10_000, 10_000),
        },
        ..SimConfig::ephemeral()
    })
    .await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    assert_eq!(a.stomp.version, Some(Version::V1_0));
    api.admin_post(
        "/calls",
        json!({"from": "13800000000", "to": "8001", "userData": {"note": "a:b\\c"}}),
    )
    .await;
    let events = a.stomp.until("delivered", Duration::from_secs(3)).await;
    let delivered = events.last().unwrap();
    assert_eq!(delivered["calledDevice"], "8001@test.cc");
    assert_eq!(delivered["userData"]["data"]["note"], "a:b\\c");
    // Nothing more than the events of that call, and the session is still up.
    assert!(a.stomp.closed(QUIET).await.is_none());
}

#[tokio::test]
async fn agent_events_reach_only_their_agent() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    api.admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let d = a.stomp.until("delivered", Duration::from_secs(3)).await;
    assert_eq!(d[0]["srcDeviceId"], "8001@test.cc");
    assert!(b.stomp.message(QUIET).await.is_none());
}
