//! Test clients for the running simulator: a STOMP subscriber built on the SDK's own
//! `well_client::stomp::Session` over tokio-tungstenite, and a REST helper over reqwest.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use well_client::stomp::{CloseReason, Session, SessionConfig, SessionEvent, Version};
use well_client::time::Instant as StompInstant;

/// What the STOMP client saw.
#[derive(Debug, Clone)]
pub enum Seen {
    /// CONNECTED, with the version.
    Connected(Version),
    /// A MESSAGE: its destination and JSON body.
    Message { destination: String, body: Value },
    /// The session ended.
    Closed(CloseReason),
}

enum Order {
    Subscribe(String),
    Disconnect,
}

/// A STOMP client running in a background task; what it sees is queued.
pub struct StompClient {
    seen: mpsc::UnboundedReceiver<Seen>,
    orders: mpsc::UnboundedSender<Order>,
    backlog: VecDeque<Seen>,
    /// The version the broker picked.
    pub version: Option<Version>,
}

impl StompClient {
    /// Opens a socket to `url` and connects; fails when the socket is refused.
    pub async fn connect(url: &str, config: SessionConfig) -> Result<StompClient, String> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|e| e.to_string())?;
        let (seen_tx, seen) = mpsc::unbounded_channel();
        let (orders, orders_rx) = mpsc::unbounded_channel();
        tokio::spawn(drive(ws, Session::new(config), seen_tx, orders_rx));
        let mut client = StompClient {
            seen,
            orders,
            backlog: VecDeque::new(),
            version: None,
        };
        match client.next(Duration::from_secs(5)).await {
            Some(Seen::Connected(v)) => client.version = Some(v),
            other => return Err(format!("no CONNECTED: {other:?}")),
        }
        Ok(client)
    }

    /// Subscribes (the subscription goes out at once; see [`Api::wait_subscribed`]).
    pub fn subscribe(&self, destination: &str) {
        let _ = self.orders.send(Order::Subscribe(destination.into()));
    }

    /// Sends DISCONNECT.
    pub fn disconnect(&self) {
        let _ = self.orders.send(Order::Disconnect);
    }

    /// The next thing seen within `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Option<Seen> {
        if let Some(s) = self.backlog.pop_front() {
            return Some(s);
        }
        tokio::time::timeout(timeout, self.seen.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next message body within `timeout`.
    pub async fn message(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await? {
                Seen::Message { body, .. } => return Some(body),
                Seen::Closed(reason) => {
                    self.backlog.push_back(Seen::Closed(reason));
                    return None;
                }
                Seen::Connected(_) => {}
            }
        }
    }

    /// Exactly `n` messages (panics naming what came when fewer arrive within 5 s), then
    /// checks that nothing more comes within `quiet`.
    pub async fn expect_messages(&mut self, n: usize, quiet: Duration) -> Vec<Value> {
        let mut out = Vec::new();
        while out.len() < n {
            match self.message(Duration::from_secs(5)).await {
                Some(m) => out.push(m),
                None => panic!(
                    "expected {n} messages, got {}: {:?}",
                    out.len(),
                    out.iter()
                        .map(|m| m["eventName"].clone())
                        .collect::<Vec<_>>()
                ),
            }
        }
        if let Some(extra) = self.message(quiet).await {
            panic!(
                "unexpected message after {n}: {extra}\n(got: {:?})",
                out.iter()
                    .map(|m| m["eventName"].clone())
                    .collect::<Vec<_>>()
            );
        }
        out
    }

    /// Messages until one named `name` (included), within `timeout`.
    pub async fn until(&mut self, name: &str, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.message(left).await {
                Some(m) => {
                    let done = m["eventName"] == name;
                    out.push(m);
                    if done {
                        return out;
                    }
                }
                None => panic!("no {name} within {timeout:?}; got {out:?}"),
            }
        }
    }

    /// Waits for the session to end; the reason, or `None` on timeout.
    pub async fn closed(&mut self, timeout: Duration) -> Option<CloseReason> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await? {
                Seen::Closed(reason) => return Some(reason),
                _ => continue,
            }
        }
    }
}

async fn drive(
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    mut session: Session,
    seen: mpsc::UnboundedSender<Seen>,
    mut orders: mpsc::UnboundedReceiver<Order>,
) {
    let started = Instant::now();
    let now = || StompInstant::from_millis(started.elapsed().as_millis() as u64);
    let (mut sink, mut stream) = ws.split();
    session.handle_open(now());
    loop {
        while let Some(text) = session.poll_transmit() {
            if sink.send(Message::Text(text.into())).await.is_err() {
                session.handle_close(now());
            }
        }
        while let Some(event) = session.poll_event() {
            let item = match event {
                SessionEvent::Connected { version, .. } => Seen::Connected(version),
                SessionEvent::Message {
                    destination, body, ..
                } => Seen::Message {
                    destination,
                    body: serde_json::from_slice(&body)
                        .unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&body) })),
                },
                SessionEvent::Receipt { .. } => continue,
                SessionEvent::Closed(reason) => {
                    let _ = seen.send(Seen::Closed(reason));
                    let _ = sink.close().await;
                    return;
                }
            };
            let _ = seen.send(item);
        }
        let deadline = session.poll_timeout();
        let sleep = async {
            match deadline {
                Some(at) => {
                    let ms = at.as_millis().saturating_sub(now().as_millis());
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(t))) => session.handle_data(t.as_bytes(), now()),
                Some(Ok(Message::Binary(b))) => session.handle_data(&b, now()),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => session.handle_close(now()),
            },
            order = orders.recv() => match order {
                Some(Order::Subscribe(d)) => { session.subscribe(&d); }
                Some(Order::Disconnect) => session.disconnect(now()),
                None => return,
            },
            () = sleep => session.handle_timeout(now()),
        }
    }
}

/// A REST response: status and JSON body (`Null` when empty).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

/// REST and admin calls against one simulator.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_string(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        sid: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Content-Type", "application/json; charset=UTF-8");
        if let Some(sid) = sid {
            req = req.header("sessionId", sid);
        }
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        let res = req.send().await.expect("request reaches the simulator");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply { status, body }
    }

    pub async fn post(&self, path: &str, sid: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(sid), Some(&body))
            .await
    }

    pub async fn post_empty(&self, path: &str, sid: &str) -> Reply {
        self.send(reqwest::Method::POST, path, Some(sid), None)
            .await
    }

    pub async fn get(&self, path: &str, sid: &str) -> Reply {
        self.send(reqwest::Method::GET, path, Some(sid), None).await
    }

    pub async fn delete(&self, path: &str, sid: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, Some(sid), None)
            .await
    }

    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Reply {
        let body = (!body.is_null()).then_some(body);
        self.send(method, &format!("/admin{path}"), None, body.as_ref())
            .await
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> Reply {
        self.admin(reqwest::Method::POST, path, body).await
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        self.admin(reqwest::Method::GET, path, Value::Null)
            .await
            .body
    }

    /// Token login as the form the client sends: `username=&password=&namespace=`.
    pub async fn token_login(&self, path: &str, user: &str, password: &str, domain: &str) -> Reply {
        let form = format!(
            "username={}&password={}&namespace={}",
            enc(user),
            enc(password),
            enc(domain)
        );
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(form)
            .send()
            .await
            .expect("request reaches the simulator");
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(Value::Null);
        Reply { status, body }
    }

    /// A session id for agent `number` of test.cc.
    pub async fn session(&self, number: &str) -> String {
        let r = self
            .token_login("/login", number, "123456", "test.cc")
            .await;
        assert_eq!(r.status, 200, "token login of {number}: {r:?}");
        r.body["sessionId"].as_str().expect("sessionId").to_string()
    }

    /// Waits until the broker has a subscription to `destination`.
    pub async fn wait_subscribed(&self, destination: &str) {
        for _ in 0..200 {
            let conns = self.admin_get("/connections").await;
            let found = conns.as_array().into_iter().flatten().any(|c| {
                c["subscriptions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|s| s["destination"] == destination)
            });
            if found {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no subscription to {destination}");
    }

    /// Login (`func: Login`) of `number` on `ext`.
    pub async fn login(&self, sid: &str, number: &str, ext: &str, mode: &str) -> Reply {
        self.post(
            "/api/csta/agent/state",
            sid,
            json!({
                "loginId": format!("{number}@test.cc"),
                "device": format!("{ext}@test.cc"),
                "password": "123456",
                "agentMode": mode,
                "func": "Login",
                "sessionId": sid,
            }),
        )
        .await
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `/topic/event.agent.*.<agent with . → _>`, the subscription the client makes.
pub fn agent_topic(agent: &str) -> String {
    format!("/topic/event.agent.*.{}", agent.replace('.', "_"))
}

/// `<device>%7C<callId>`, the connection id as the client puts it in paths.
pub fn conn(device: &str, call: &str) -> String {
    format!("{device}%7C{call}")
}

/// `/api/csta/callControl/calls/<call>/connections/<device>%7C<call>[/<action>]`.
pub fn conn_path(call: &str, device: &str, action: &str) -> String {
    let base = format!(
        "/api/csta/callControl/calls/{call}/connections/{}",
        conn(device, call)
    );
    if action.is_empty() {
        base
    } else {
        format!("{base}/{action}")
    }
}
