//! The embedded STOMP-over-WebSocket broker: the connections, their subscriptions, and the
//! delivery of published events to every matching subscription.
//!
//! Each WebSocket runs [`conn::serve`], which feeds a [`ServerSession`] and applies its
//! actions here. The broker can be stopped (every connection closed, new ones refused until it
//! starts again), told to refuse new connections for a while, or to drop connections abruptly,
//! as the fault knobs ask.

pub mod conn;
pub mod external;
pub mod session;
pub mod topic;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;
use well_client::stomp::{Frame, Version};

pub use session::{Action, ServerSession, StompSettings};

/// What the broker tells a connection's task.
#[derive(Debug)]
pub(crate) enum ToConnection {
    /// Deliver a message frame (encoded for the connection's version).
    Deliver(Vec<u8>),
    /// Close cleanly (WebSocket close frame): the broker stops.
    Close,
    /// Vanish without a close frame: the network dropped.
    Drop,
}

struct Connection {
    tx: mpsc::UnboundedSender<ToConnection>,
    version: Version,
    subscriptions: Vec<(String, String)>,
    opened: Instant,
}

struct State {
    running: bool,
    refuse_until: Option<Instant>,
    next_connection: u64,
    next_message: u64,
    connections: BTreeMap<u64, Connection>,
}

/// The broker shared by every connection.
pub struct Broker {
    settings: StompSettings,
    state: Mutex<State>,
}

impl Broker {
    /// A running broker answering with `settings`.
    pub fn new(settings: StompSettings) -> Broker {
        Broker {
            settings,
            state: Mutex::new(State {
                running: true,
                refuse_until: None,
                next_connection: 0,
                next_message: 0,
                connections: BTreeMap::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The STOMP settings connections are served with.
    pub fn settings(&self) -> &StompSettings {
        &self.settings
    }

    /// Why a new WebSocket is refused right now, if it is.
    pub fn refusal(&self) -> Option<&'static str> {
        let state = self.state();
        if !state.running {
            return Some("the broker is stopped");
        }
        match state.refuse_until {
            Some(until) if Instant::now() < until => Some("the broker refuses connections for now"),
            _ => None,
        }
    }

    /// Registers a new connection; its id and the channel the broker talks to it on.
    pub(crate) fn open(&self) -> (u64, mpsc::UnboundedReceiver<ToConnection>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = self.state();
        state.next_connection += 1;
        let id = state.next_connection;
        state.connections.insert(
            id,
            Connection {
                tx,
                version: Version::V1_2,
                subscriptions: Vec::new(),
                opened: Instant::now(),
            },
        );
        (id, rx)
    }

    pub(crate) fn set_version(&self, id: u64, version: Version) {
        if let Some(c) = self.state().connections.get_mut(&id) {
            c.version = version;
        }
    }

    pub(crate) fn subscribe(&self, id: u64, sub_id: String, destination: String) {
        if let Some(c) = self.state().connections.get_mut(&id) {
            c.subscriptions.retain(|(s, _)| *s != sub_id);
            c.subscriptions.push((sub_id, destination));
        }
    }

    pub(crate) fn unsubscribe(&self, id: u64, sub_id: &str) {
        if let Some(c) = self.state().connections.get_mut(&id) {
            c.subscriptions.retain(|(s, _)| s != sub_id);
        }
    }

    pub(crate) fn close(&self, id: u64) {
        self.state().connections.remove(&id);
    }

    /// Delivers `body` sent to `destination` to every matching subscription; returns how many
    /// frames went out.
    pub fn publish(&self, destination: &str, body: &[u8]) -> usize {
        let mut state = self.state();
        if !state.running {
            return 0;
        }
        let mut deliveries = Vec::new();
        for c in state.connections.values() {
            for (sub, pattern) in &c.subscriptions {
                if topic::matches(pattern, destination) {
                    deliveries.push((c.tx.clone(), c.version, sub.clone()));
                }
            }
        }
        let count = deliveries.len();
        for (tx, version, sub) in deliveries {
            state.next_message += 1;
            let id = format!("T_{sub}@@{}", state.next_message);
            let frame = Frame::message(&sub, &id, destination, body.to_vec());
            let _ = tx.send(ToConnection::Deliver(frame.encode(version)));
        }
        count
    }

    /// Stops the broker: every connection is closed, new ones are refused until
    /// [`start`](Broker::start).
    pub fn stop(&self) -> usize {
        let mut state = self.state();
        state.running = false;
        let n = state.connections.len();
        for c in state.connections.values() {
            let _ = c.tx.send(ToConnection::Close);
        }
        n
    }

    /// Starts a stopped broker.
    pub fn start(&self) {
        let mut state = self.state();
        state.running = true;
        state.refuse_until = None;
    }

    /// Whether the broker runs.
    pub fn is_running(&self) -> bool {
        self.state().running
    }

    /// Refuses new connections for `duration`.
    pub fn refuse_for(&self, duration: Duration) {
        self.state().refuse_until = Some(Instant::now() + duration);
    }

    /// Drops (no close frame) every connection subscribed to `agent`'s events, or every
    /// connection when `agent` is `None`; returns how many.
    pub fn drop_connections(&self, agent: Option<&str>) -> usize {
        let topics = agent.map(|a| {
            [
                crate::pbx::topic_for(a, crate::pbx::EventKind::Agent),
                crate::pbx::topic_for(a, crate::pbx::EventKind::Csta),
            ]
        });
        let state = self.state();
        let mut n = 0;
        for c in state.connections.values() {
            let hit = match &topics {
                None => true,
                Some(ts) => c
                    .subscriptions
                    .iter()
                    .any(|(_, p)| ts.iter().any(|t| topic::matches(p, t))),
            };
            if hit {
                let _ = c.tx.send(ToConnection::Drop);
                n += 1;
            }
        }
        n
    }

    /// Connections with their subscriptions, for `/admin/connections`.
    pub fn view(&self) -> Value {
        let state = self.state();
        Value::Array(
            state
                .connections
                .iter()
                .map(|(id, c)| {
                    let subs: Vec<Value> = c
                        .subscriptions
                        .iter()
                        .map(|(s, d)| json!({ "id": s, "destination": d }))
                        .collect();
                    json!({
                        "id": id,
                        "version": c.version.as_str(),
                        "openForMs": c.opened.elapsed().as_millis() as u64,
                        "subscriptions": subs,
                    })
                })
                .collect(),
        )
    }

    /// How many connections are open.
    pub fn connection_count(&self) -> usize {
        self.state().connections.len()
    }
}
