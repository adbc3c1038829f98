//! A real session in the browser, against the simulator: the adapter's WebSocket, fetch, timer,
//! storage and DOM work with the core from login to logout. The page's `WebSocket` is wrapped
//! to record every frame, so the tests see the STOMP traffic itself.
//!
//! The simulator's base URL is compiled in from `WELL_SIM_URL`; `cargo xtask test --only
//! browser` starts a simulator and runs these tests in headless Chromium.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod web_support;

use std::time::Duration;

use serde_json::{json, Value};
use wasm_bindgen_test::*;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The heart-beat interval both sides end up with: the client offers 1 s both ways
/// (`setConfig({stomp: {heartBeat}})`), `cargo xtask test` starts the simulator with
/// `--heart-beat 1000,1000`, and STOMP takes the larger of the two offers.
const HEART_BEAT_MS: u32 = 1_000;
/// The simulator closes a client silent for three heart-beat intervals.
const SIM_SILENCE_INTERVALS: u32 = 3;
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

fn sim_url() -> &'static str {
    match option_env!("WELL_SIM_URL") {
        Some(url) => url.trim_end_matches('/'),
        None => panic!(
            "WELL_SIM_URL was not set when these tests were built: `cargo xtask test --only \
             browser` starts the simulator and runs them"
        ),
    }
}

/// `GET|POST {sim}/admin/{path}`, as JSON.
async fn admin(method: &str, path: &str) -> Value {
    let request = js(&[
        "return fetch('",
        sim_url(),
        "/admin/",
        path,
        "', {method: '",
        method,
        "'}).then(r => r.text()).then(t => t ? JSON.parse(t) : null);",
    ]
    .concat());
    settled(&request).await.unwrap()
}

/// Records every socket's frames in `window.__ws` (`{dir: 'out'|'in'|'close', ...}`).
fn record_websockets() {
    js(r#"
        if (!window.__ws) {
            window.__ws = [];
            const Native = window.WebSocket;
            window.WebSocket = class extends Native {
                constructor(url, protocols) {
                    super(url, protocols);
                    this.addEventListener('message', (e) => window.__ws.push(
                        {dir: 'in', data: typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data)}));
                    this.addEventListener('close', (e) => window.__ws.push(
                        {dir: 'close', code: e.code, clean: e.wasClean}));
                }
                send(data) {
                    window.__ws.push({dir: 'out', data: String(data)});
                    return super.send(data);
                }
            };
        }
    "#);
}

fn frames_since(mark: usize) -> Vec<Value> {
    json(&js("return window.__ws;"))
        .as_array()
        .unwrap()
        .iter()
        .skip(mark)
        .cloned()
        .collect()
}

fn frame_count() -> usize {
    frames_since(0).len()
}

/// Frames of one direction whose text starts with `prefix`.
fn frames(log: &[Value], dir: &str, prefix: &str) -> Vec<String> {
    log.iter()
        .filter(|f| f["dir"] == dir)
        .filter_map(|f| f["data"].as_str())
        .filter(|d| d.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

/// A bare EOL: a STOMP heart-beat.
fn heart_beats(log: &[Value], dir: &str) -> usize {
    log.iter()
        .filter(|f| f["dir"] == dir)
        .filter(|f| matches!(f["data"].as_str(), Some("\n" | "\r\n")))
        .count()
}

/// A client pointed at the simulator.
fn client_for_sim() -> Client {
    let client = Client::new();
    let authority = sim_url()
        .strip_prefix("http://")
        .expect("WELL_SIM_URL is http://host:port");
    let tpi = [authority, "/login"].concat();
    client.call_json("useConfig", r#"["LOCAL"]"#);
    client.call_json(
        "setConfig",
        &json!([{
            "SDK": authority,
            "cstaPort": "",
            "eventPort": "",
            "TPI": tpi,
            "protocol": "http://",
            "wsProtocol": "ws://",
            "stomp": { "heartBeat": [HEART_BEAT_MS, HEART_BEAT_MS] },
        }])
        .to_string(),
    );
    client
}

async fn log_in(client: &Client, agent: &str, ext: &str) {
    let login = client.call_json(
        "agentLogin",
        &json!([{"jobNumber": agent, "password": "123456", "domain": "test.cc", "ext": ext}])
            .to_string(),
    );
    settled(&login).await.expect("agentLogin resolves");
    client.wait_for_event("agentLoggedOn", EVENT_TIMEOUT).await;
    client.wait_for_event("agentNotReady", EVENT_TIMEOUT).await;
}

fn session_storage() -> Value {
    json(&js(
        "return sessionStorage.getItem('wellclient-session-id');",
    ))
}

#[wasm_bindgen_test]
async fn logs_in_exchanges_stomp_frames_places_a_call_and_logs_out_cleanly() {
    record_websockets();
    admin("POST", "reset").await;
    let mark = frame_count();
    js("document.querySelectorAll('#well-now-state, #well-time-clock, .well-canBeCalled').forEach(e => e.remove());\
        const s = document.createElement('span'); s.id = 'well-now-state'; document.body.appendChild(s);\
        window.__ui = [];");
    let client = client_for_sim();
    js_sys::Reflect::set(
        &client.host,
        &"ui".into(),
        &js("return {main: function (e) { window.__ui.push(e.eventName); }};"),
    )
    .unwrap();

    log_in(&client, "5001", "8001").await;

    // STOMP over the adapter's socket: CONNECT, one SUBSCRIBE to the agent's topic, MESSAGEs.
    let log = frames_since(mark);
    let connect = frames(&log, "out", "CONNECT\n");
    assert_eq!(connect.len(), 1, "{log:?}");
    assert!(
        connect[0].contains("accept-version:1.2,1.1,1.0"),
        "{}",
        connect[0]
    );
    assert_eq!(frames(&log, "in", "CONNECTED\n").len(), 1);
    let subscribe = frames(&log, "out", "SUBSCRIBE\n");
    assert_eq!(subscribe.len(), 1, "{log:?}");
    assert!(subscribe[0].contains("destination:/topic/event.agent.*.5001@test_cc"));
    assert!(frames(&log, "in", "MESSAGE\n").len() >= 2);
    let connections = admin("GET", "connections").await;
    assert_eq!(
        connections[0]["subscriptions"][0]["destination"], "/topic/event.agent.*.5001@test_cc",
        "{connections}"
    );

    // The page's UI layer got its events; the session id is kept for a reload; the clock runs.
    assert!(json(&js("return window.__ui;"))
        .as_array()
        .unwrap()
        .contains(&json!("agentLoggedOn")));
    let session_id = json(&client.call("getSessionId", &[]));
    assert!(session_id.as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(session_storage(), session_id);
    assert!(json(&js("return document.cookie;"))
        .as_str()
        .unwrap()
        .contains("wellclient-cookie-session-id="));
    let clock = json(&js(
        "return document.getElementById('well-time-clock').textContent;",
    ));
    assert!(clock.as_str().unwrap().contains(':'), "{clock}");

    // A command and its event: agent state.
    let ready = client.call_json("setAgentMode", r#"["Ready"]"#);
    settled(&ready).await.expect("setAgentMode resolves");
    client.wait_for_event("agentReady", EVENT_TIMEOUT).await;

    // Click-to-dial: a click on the class dials through the listener delegated to `document`,
    // which stops it there (listeners on `window` do not see it).
    js(
        "window.__bubbled = 0; window.addEventListener('click', () => window.__bubbled += 1);\
        const n = document.createElement('span'); n.className = 'well-canBeCalled';\
        n.textContent = '9 138 0000 0000'; document.body.appendChild(n); n.click();",
    );
    let originated = client.wait_for_event("originated", EVENT_TIMEOUT).await;
    assert_eq!(
        originated["calledDevice"], "913800000000@test.cc",
        "{originated}"
    );
    assert_eq!(
        json(&js("return window.__bubbled;")),
        json!(0),
        "propagation stopped"
    );
    client.wait_for_event("established", EVENT_TIMEOUT).await;
    let drop = client.call("dropConnection", &[]);
    settled(&drop).await.expect("dropConnection resolves");
    client
        .wait_for_event("connectionCleared", EVENT_TIMEOUT)
        .await;
    wait_until("the call to leave the call memory", EVENT_TIMEOUT, || {
        json(&client.call("getCallMemory", &[]))["length"] == 0
    })
    .await;

    // Logout ends the STOMP session with DISCONNECT and a clean close.
    let logout_mark = frame_count();
    let logout = client.call("logout", &[]);
    settled(&logout).await.expect("logout resolves");
    client.wait_for_event("agentLoggedOff", EVENT_TIMEOUT).await;
    wait_until("the socket to close", EVENT_TIMEOUT, || {
        frames_since(logout_mark)
            .iter()
            .any(|f| f["dir"] == "close")
    })
    .await;
    let log = frames_since(logout_mark);
    assert_eq!(frames(&log, "out", "DISCONNECT\n").len(), 1, "{log:?}");
    let close = log.iter().find(|f| f["dir"] == "close").unwrap();
    assert_eq!(close["clean"], true, "{log:?}");
    assert_eq!(session_storage(), Value::Null);
    assert_eq!(json(&client.call("isLogined", &[])), json!(false));
    js("document.querySelectorAll('#well-now-state, #well-time-clock, .well-canBeCalled').forEach(e => e.remove());");
}

#[wasm_bindgen_test]
async fn the_socket_outlives_several_heart_beat_intervals() {
    record_websockets();
    let client = client_for_sim();
    log_in(&client, "5002", "8002").await;
    let mark = frame_count();
    let connection = admin("GET", "connections").await;
    let id = connection
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subscriptions"][0]["destination"] == "/topic/event.agent.*.5002@test_cc")
        .map(|c| c["id"].clone())
        .unwrap_or_else(|| panic!("no subscription for 5002: {connection}"));

    // Longer than the simulator tolerates silence, and than the client's own deadline (two
    // intervals): only heart-beats in both directions keep this socket.
    sleep(HEART_BEAT_MS * SIM_SILENCE_INTERVALS + HEART_BEAT_MS / 2).await;

    let log = frames_since(mark);
    assert!(!log.iter().any(|f| f["dir"] == "close"), "{log:?}");
    assert!(heart_beats(&log, "out") >= 3, "client heart-beats: {log:?}");
    assert!(heart_beats(&log, "in") >= 3, "server heart-beats: {log:?}");
    assert_eq!(
        json(&client.call("getConnectionState", &[]))["state"],
        "connected"
    );
    let connections = admin("GET", "connections").await;
    assert!(
        connections
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id),
        "the same connection: {connections}"
    );

    // Events still flow on it.
    let ready = client.call_json("setAgentMode", r#"["Ready"]"#);
    settled(&ready).await.expect("setAgentMode resolves");
    client.wait_for_event("agentReady", EVENT_TIMEOUT).await;
    let logout = client.call("logout", &[]);
    settled(&logout).await.expect("logout resolves");
    client.wait_for_event("agentLoggedOff", EVENT_TIMEOUT).await;
}
