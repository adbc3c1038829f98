//! A virtual page around the sans-IO client: a clock, a fake platform that answers requests
//! on demand, and the STOMP frames of the wire, so client tests read as transcripts.

#![allow(dead_code)]

use std::collections::VecDeque;

use well_client::api::Request;
use well_client::client::{
    Client, ClientInit, CommandId, Delivery, HandlerId, Invoke, Now, Output, RequestId, SocketId,
    Target,
};
use well_client::json::{self, Value};
use well_client::time::{Instant, WallClock};

/// 2019-05-09 10:00:00 in UTC+8, the fixtures' clock.
pub const START_WALL: i64 = 1_557_367_200_000;
pub const SID: &str = "5c4f1e2a-9b8d-4c7e-a6f5-3d2e1c0b9a87";

/// What the page saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    Ui(Value),
    /// An event delivered to targets (Exports or handler ids).
    Event(Value, Vec<Target>),
    /// `onLog`'s type, the content, and whether it also goes to the console.
    Log(String, String, bool),
    /// A line for the browser console only.
    Console(String),
    Settled(CommandId, Result<Option<Value>, Value>),
}

pub struct Page {
    pub client: Client,
    pub ms: u64,
    pub outputs: VecDeque<Output>,
    pub seen: Vec<Seen>,
    pub socket: Option<SocketId>,
    pub sent_frames: Vec<String>,
    next_handler: u32,
    message_id: u32,
}

impl Page {
    /// A page on the `LOCAL` preset.
    pub fn new() -> Self {
        Self::with_init(ClientInit {
            seed: 42,
            ..ClientInit::default()
        })
    }

    pub fn with_init(init: ClientInit) -> Self {
        let mut page = Page {
            client: Client::new(init),
            ms: 1_000,
            outputs: VecDeque::new(),
            seen: Vec::new(),
            socket: None,
            sent_frames: Vec::new(),
            next_handler: 0,
            message_id: 0,
        };
        assert_eq!(
            page.call("useConfig", r#"["LOCAL"]"#).value(),
            Some(Value::Bool(true))
        );
        page
    }

    pub fn now(&self) -> Now {
        Now {
            mono: Instant::from_millis(self.ms),
            wall: WallClock {
                epoch_ms: START_WALL + self.ms as i64,
                utc_offset_min: 480,
            },
        }
    }

    /// Drains the client after an input.
    pub fn pump(&mut self) {
        while let Some(o) = self.client.poll_output() {
            if let Output::WsSend { text, .. } = &o {
                self.sent_frames.push(text.clone());
            }
            if let Output::WsOpen { socket, .. } = &o {
                self.socket = Some(*socket);
            }
            self.outputs.push_back(o);
        }
        while let Some(d) = self.client.poll_delivery() {
            let seen = match d {
                Delivery::Ui { payload } => Seen::Ui(json::parse(&payload).unwrap()),
                Delivery::Event { payload, targets } => {
                    Seen::Event(json::parse(&payload).unwrap(), targets)
                }
                Delivery::Log {
                    kind,
                    content,
                    console,
                } => Seen::Log(kind.as_str().into(), content, console),
                Delivery::Console(line) => Seen::Console(line),
                Delivery::Settle { command, result } => Seen::Settled(
                    command,
                    match result {
                        Ok(v) => Ok(v.map(|t| json::parse(&t).unwrap())),
                        Err(e) => Err(json::parse(&e).unwrap()),
                    },
                ),
            };
            self.seen.push(seen);
        }
    }

    /// Calls a `wellClient` method with a JSON array of arguments.
    pub fn call(&mut self, name: &str, args: &str) -> Invoke {
        let args = json::parse(args).unwrap();
        let now = self.now();
        let r = self.client.invoke(name, args.as_array().unwrap(), now);
        self.pump();
        r
    }

    /// Calls a command and returns its id.
    pub fn command(&mut self, name: &str, args: &str) -> CommandId {
        self.call(name, args).command().expect("a command")
    }

    pub fn handler(&mut self) -> HandlerId {
        self.next_handler += 1;
        HandlerId(self.next_handler)
    }

    pub fn inner_on(&mut self, name: &str) -> HandlerId {
        let id = self.handler();
        self.client.inner_on(name, id);
        id
    }

    pub fn on(&mut self, name: &str) -> HandlerId {
        let id = self.handler();
        self.client.on(name, id);
        id
    }

    /// Moves the clock and lets due timers run.
    pub fn advance(&mut self, ms: u64) {
        self.ms += ms;
        let now = self.now();
        self.client.handle_timeout(now);
        self.pump();
    }

    /// Runs the timers until `ms` passed, waking at every deadline like a browser would.
    pub fn run_for(&mut self, ms: u64) {
        let end = self.ms + ms;
        loop {
            let next = self.client.poll_timeout().map(|t| t.as_millis());
            match next {
                Some(t) if t <= end => {
                    self.ms = self.ms.max(t);
                    let now = self.now();
                    self.client.handle_timeout(now);
                    self.pump();
                }
                _ => break,
            }
        }
        self.ms = end;
        let now = self.now();
        self.client.handle_timeout(now);
        self.pump();
    }

    /// The next HTTP request the client sent (removed from the outputs).
    pub fn next_request(&mut self) -> (RequestId, Request) {
        let pos = self
            .outputs
            .iter()
            .position(|o| matches!(o, Output::Http { .. }))
            .unwrap_or_else(|| panic!("no request among {:?}", self.outputs));
        match self.outputs.remove(pos) {
            Some(Output::Http { id, request }) => (id, request),
            _ => unreachable!(),
        }
    }

    /// Whether a request is waiting.
    pub fn has_request(&self) -> bool {
        self.outputs
            .iter()
            .any(|o| matches!(o, Output::Http { .. }))
    }

    /// Answers a request.
    pub fn reply(&mut self, id: RequestId, status: u16, body: &str) {
        let now = self.now();
        self.client.handle_http(id, Some((status, "", body)), now);
        self.pump();
    }

    /// Takes the first request to a URL ending in `path_suffix` and answers it.
    pub fn expect_request(&mut self, path_suffix: &str, status: u16, body: &str) -> Request {
        let pos = self
            .outputs
            .iter()
            .position(
                |o| matches!(o, Output::Http { request, .. } if request.url.ends_with(path_suffix)),
            )
            .unwrap_or_else(|| {
                panic!(
                    "expected a request to …{path_suffix}, outputs: {:?}",
                    self.outputs
                )
            });
        let Some(Output::Http { id, request }) = self.outputs.remove(pos) else {
            unreachable!()
        };
        self.reply(id, status, body);
        request
    }

    /// Takes the output matching `f`.
    pub fn take_output(&mut self, f: impl Fn(&Output) -> bool) -> Option<Output> {
        let pos = self.outputs.iter().position(f)?;
        self.outputs.remove(pos)
    }

    /// The socket opens and the broker answers CONNECTED; the subscription settles.
    pub fn connect_socket(&mut self, version: &str) {
        self.take_output(|o| matches!(o, Output::WsOpen { .. }))
            .expect("a socket to open");
        self.outputs.retain(|o| !matches!(o, Output::WsOpen { .. }));
        let socket = self.socket.unwrap();
        let now = self.now();
        self.client.handle_ws_open(socket, now);
        self.pump();
        let connect = self.sent_frames.last().cloned().unwrap_or_default();
        assert!(connect.starts_with("CONNECT\n"), "{connect:?}");
        self.server_frame(&format!(
            "CONNECTED\nversion:{version}\nheart-beat:0,0\n\n\0"
        ));
        let subscribe = self.sent_frames.last().cloned().unwrap_or_default();
        assert!(subscribe.starts_with("SUBSCRIBE\n"), "{subscribe:?}");
        self.advance(500);
    }

    /// Lets time pass until the client opens a socket (at most `max_ms`).
    pub fn wait_for_open(&mut self, max_ms: u64) {
        let end = self.ms + max_ms;
        self.outputs.retain(|o| !matches!(o, Output::WsOpen { .. }));
        while !self
            .outputs
            .iter()
            .any(|o| matches!(o, Output::WsOpen { .. }))
        {
            assert!(self.ms < end, "no socket opened within {max_ms} ms");
            self.run_for(100);
        }
    }

    /// The socket drops and the first reconnect succeeds; the platform answers the resync's
    /// client-state request with `client_state`.
    pub fn reconnect_and_resync(&mut self, client_state: &str) {
        self.drop_socket();
        self.wait_for_open(1_300);
        self.connect_socket("1.1");
        self.expect_request("/api/csta/agent/client-state", 200, client_state);
    }

    /// A frame from the broker.
    pub fn server_frame(&mut self, text: &str) {
        let socket = self.socket.unwrap();
        let now = self.now();
        self.client.handle_ws_message(socket, text.as_bytes(), now);
        self.pump();
    }

    /// An event on the agent's subscription.
    pub fn event(&mut self, body: &str) {
        self.message_id += 1;
        let frame = format!(
            "MESSAGE\nsubscription:sub-0\nmessage-id:m-{}\ndestination:/topic/event.agent.csta.5001@test_cc\ncontent-type:application/json;charset=UTF-8\ncontent-length:{}\n\n{}\0",
            self.message_id,
            body.len(),
            body
        );
        self.server_frame(&frame);
    }

    /// The socket drops under the client.
    pub fn drop_socket(&mut self) {
        let socket = self.socket.unwrap();
        let now = self.now();
        self.client.handle_ws_close(socket, now);
        self.pump();
    }

    /// Logs agent 5001 in on 8001 up to `agentLoggedOn` + `agentNotReady`.
    pub fn login(&mut self) -> CommandId {
        let cmd = self.command(
            "agentLogin",
            r#"[{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001","loginMode":"force","agentMode":"NotReady"}]"#,
        );
        self.expect_request("/login", 200, &format!(r#"{{"sessionId":"{SID}"}}"#));
        self.connect_socket("1.1");
        self.expect_request("/api/csta/agent/state", 204, "");
        self.expect_request(
            "/api/operation/operation/tenants/test.cc/agents/5001@test.cc",
            200,
            r#"{"agentTrunks":[{"scanPrefix":"9"},{"scanPrefix":"6"},{"scanPrefix":"9"}]}"#,
        );
        self.agent_event("agentLoggedOn", "NotReady", 1001);
        self.expect_request("/api/csta/agent/heartbeat/5001@test.cc", 204, "");
        self.agent_event("agentNotReady", "NotReady", 1002);
        cmd
    }

    pub fn agent_event(&mut self, name: &str, mode: &str, serial: u32) {
        self.event(&format!(
            r#"{{"eventName":"{name}","eventTime":"2019.05.09 10:00:00","eventType":"agent","serial":{serial},"namespace":"test.cc","srcDeviceId":"8001@test.cc","deviceId":"8001@test.cc","agentId":"5001@test.cc","agentMode":"{mode}","devices":{{"Voice":"8001@test.cc"}}}}"#
        ));
    }

    /// The settlement of a command, if it happened.
    pub fn settled(&self, cmd: CommandId) -> Option<Result<Option<Value>, Value>> {
        self.seen.iter().find_map(|s| match s {
            Seen::Settled(c, r) if *c == cmd => Some(r.clone()),
            _ => None,
        })
    }

    /// The rejection of a command (panics if it did not reject).
    pub fn rejection(&self, cmd: CommandId) -> Value {
        match self.settled(cmd) {
            Some(Err(v)) => v,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    /// UI events seen so far (and forgets them).
    pub fn take_ui(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        self.seen.retain(|s| match s {
            Seen::Ui(v) => {
                out.push(v.clone());
                false
            }
            _ => true,
        });
        out
    }

    /// Events delivered to a handler, by event name.
    pub fn delivered_to(&self, id: HandlerId) -> Vec<Value> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Event(v, targets) if targets.contains(&Target::Handler(id)) => {
                    Some(v.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// Server events delivered to `exports`.
    pub fn exported(&self) -> Vec<Value> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Event(v, targets) if targets.first() == Some(&Target::Exports) => {
                    Some(v.clone())
                }
                _ => None,
            })
            .collect()
    }

    pub fn logs(&self, kind: &str) -> Vec<String> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Log(k, c, _) if k == kind => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn alerts(&self) -> Vec<String> {
        self.outputs
            .iter()
            .filter_map(|o| match o {
                Output::Alert(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn forget(&mut self) {
        self.seen.clear();
    }
}

/// The JSON body of a request.
pub fn body(req: &Request) -> Value {
    json::parse(req.body.as_deref().expect("a body")).unwrap()
}

/// A field of a JSON value as text.
pub fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_json()))
        .unwrap_or_default()
}
