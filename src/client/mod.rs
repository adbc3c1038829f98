//! The softphone client: one sans-IO state machine behind every `wellClient` method.
//!
//! # Contract
//!
//! [`Client`] never performs I/O and never reads a clock. Its methods come in four kinds:
//!
//! * **page calls** — [`Client::invoke`] runs a `wellClient` method by name with JSON
//!   arguments (the typed methods in `commands.rs` are what it calls), and the handler
//!   registrations `on`/`innerOn`/`addEventListener`/... take [`HandlerId`]s;
//! * **inputs** — `handle_ws_open`, `handle_ws_message`, `handle_ws_close`, `handle_http`,
//!   `handle_confirm`, `handle_click_to_dial`, `handle_post_message`, `handle_unload`, and
//!   [`Client::handle_timeout`]; each takes the time as a [`Now`] value, which must not go
//!   backwards. Early or repeated timeouts are harmless;
//! * **outputs** — after any input or page call, drain [`Client::poll_output`] (sockets to open,
//!   frames to send, requests to make, dialogs to show), then [`Client::poll_delivery`] (calls
//!   into page code and Deferred settlements), then arm one timer for [`Client::poll_timeout`];
//! * **getters** — `is_logged_in`, `call_memory`, `connection_state`, ...
//!
//! Page code is only ever called through deliveries, after the input that caused them was
//! applied completely, so a handler that calls back into the client sees consistent state. A
//! call made from inside a handler only queues work; the driver's loop picks it up.
//!
//! Every check of what is due (heart-beats, reconnects, timeouts) runs on *every* input, not
//! only on timer wake-ups: browsers throttle timers in background tabs, but not WebSocket
//! messages.
//!
//! ```
//! use well_client::client::{Client, ClientInit, Now, Output};
//! use well_client::json::Value;
//! use well_client::time::{Instant, WallClock};
//!
//! let now = Now { mono: Instant::from_millis(0), wall: WallClock::utc(1_557_367_200_000) };
//! let mut client = Client::new(ClientInit::default());
//! assert_eq!(client.invoke("useConfig", &[Value::from("LOCAL")], now).value(), Some(Value::Bool(true)));
//! let login = client.invoke("agentLogin", &[well_client::json::parse(
//!     r#"{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001"}"#).unwrap()], now);
//! assert!(login.command().is_some());
//! // The token login request is among the outputs (the adapter performs them all).
//! let mut token_login = None;
//! while let Some(output) = client.poll_output() {
//!     if let Output::Http { request, .. } = output {
//!         token_login.get_or_insert(request.url);
//!     }
//! }
//! assert_eq!(token_login.as_deref(), Some("http://127.0.0.1:8088/login"));
//! ```

mod commands;
mod dispatch;
mod flows;
pub mod stored;
mod surface;

pub use dispatch::{HandlerId, Registry, Target};
pub use surface::{Invoke, COMMANDS, RETIRED, VALUES};

use std::collections::VecDeque;

use crate::api::{Rejection, Request};
use crate::config::Config;
use crate::json::{self, Map, Value};
use crate::log::EventLog;
use crate::model::Model;
use crate::session::heartbeat::Heartbeat;
use crate::session::reconnect::Reconnect;
use crate::session::rng::Rng;
use crate::session::timer::Timers;
use crate::stomp::Session;
use crate::time::{Instant, WallClock};

/// The time of an input: monotonic for deadlines, wall clock for stamps.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Now {
    /// Monotonic time, for deadlines (`performance.now()` in the browser).
    pub mono: Instant,
    /// Wall-clock time and the local offset, for stamps (`Date.now()`).
    pub wall: WallClock,
}

/// What the client is created with.
#[derive(Clone, Debug, Default)]
pub struct ClientInit {
    /// The session id kept by an earlier page of this tab (sessionStorage) or browser (cookie).
    pub stored_session_id: Option<String>,
    /// Seed of the jitter source.
    pub seed: u64,
    /// Whether the page is served over https (the session cookie gets `Secure`).
    pub secure_page: bool,
}

/// A page command whose Deferred settles later.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub u32);

/// An HTTP request the adapter sends and answers with [`Client::handle_http`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u32);

/// A WebSocket the adapter opens; inputs about older sockets are ignored.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(pub u32);

/// A confirmation dialog the adapter shows and answers with [`Client::handle_confirm`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfirmId(pub u32);

/// Work for the adapter.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Open a WebSocket (no sub-protocols).
    WsOpen {
        /// The id later inputs about this socket carry.
        socket: SocketId,
        /// `ws://` or `wss://` URL.
        url: String,
    },
    /// Send a text message on the socket.
    WsSend {
        /// The socket to send on.
        socket: SocketId,
        /// One or more STOMP frames, or a heart-beat EOL.
        text: String,
    },
    /// Close the socket.
    WsClose {
        /// The socket to close.
        socket: SocketId,
    },
    /// Send an HTTP request.
    Http {
        /// The id its answer comes back with.
        id: RequestId,
        /// What to send.
        request: Request,
    },
    /// Abandon a request (it timed out); its answer, if any, is ignored.
    HttpAbort {
        /// The request to abandon.
        id: RequestId,
    },
    /// Keep (`Some`) or forget (`None`) the session id in the cookie and `sessionStorage`.
    PersistSession {
        /// The session id to keep, or `None` to forget it.
        session_id: Option<String>,
        /// The cookie's name.
        cookie_name: String,
        /// Whether the cookie gets `Secure` (https pages).
        secure: bool,
    },
    /// Install (`Some(class)`) or remove (`None`) the click-to-dial listener.
    ClickToDial(Option<String>),
    /// Hide these element ids (class `well-dn`).
    HideButtons(Vec<String>),
    /// Offer a text file for download.
    Download {
        /// The suggested file name.
        file_name: String,
        /// The file's text.
        text: String,
    },
    /// Show a message (through the page's notifier, else `window.alert`).
    Alert(String),
    /// Ask a question (through the page's notifier, else `window.confirm`).
    Confirm {
        /// The id the answer comes back with.
        id: ConfirmId,
        /// The question.
        text: String,
    },
    /// Add the status clock element after `#well-now-state` when the page has it.
    InsertClock,
}

/// Kind of an `onLog` message.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// Information.
    Log,
    /// Something failed.
    Error,
    /// A message also shown to the agent (an alert of 1.3.7).
    Alert,
}

impl LogKind {
    /// The `type` field of the `onLog` message.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Log => "log",
            LogKind::Error => "error",
            LogKind::Alert => "alert",
        }
    }
}

/// A call into page code, or a Deferred settlement.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// `wellClient.ui.main(payload)` (only produced while a UI layer is installed).
    Ui {
        /// The UI event, as JSON text.
        payload: String,
    },
    /// Call each target with the event object (parsed once from `payload`), in order.
    Event {
        /// The event, as JSON text.
        payload: String,
        /// Who gets it, in dispatch order.
        targets: Vec<Target>,
    },
    /// `wellClient.onLog({type, content})`, and the console when `console` is set.
    Log {
        /// What kind of message.
        kind: LogKind,
        /// The message.
        content: String,
        /// Whether it also goes to the browser console.
        console: bool,
    },
    /// A line for the browser console only (`useWsLog`'s frames), never `onLog`, as
    /// stomp.js's debug output was.
    Console(String),
    /// Settle a command's Deferred: `Ok(None)` resolves with `undefined`.
    Settle {
        /// The command whose Deferred settles.
        command: CommandId,
        /// Resolve with this JSON text (`None`: `undefined`), or reject with this JSON text.
        result: Result<Option<String>, String>,
    },
}

/// A delivery waiting for the adapter; its callees are decided when it is polled.
#[derive(Clone, Debug)]
enum Queued {
    Ui(Map),
    Inner(Map),
    /// The innerOn `connectionCleared` summary without its `data`: the model leaves the copy
    /// of the event out unless a handler wants it, and if one was registered since, the event
    /// is taken from the frame's `Server` delivery, which follows in the queue.
    Summary(Map),
    /// A server event, already serialized (the event log needs the same text).
    Server {
        name: String,
        json: String,
    },
    Log(LogKind, String),
    Console(String),
    Settle(CommandId, Result<Option<Value>, Rejection>),
}

/// What the page sees of the connection (`getConnectionState()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionState {
    /// `idle`, `connecting`, `connected`, `reconnecting` or `disconnected`.
    pub state: &'static str,
    /// Reconnect attempt under way (0 when none).
    pub attempt: u32,
    /// Attempts before `wsDisconnected`.
    pub max_attempts: u32,
    /// Two or more HTTP heartbeats in a row failed.
    pub heartbeat_failing: bool,
}

impl ConnectionState {
    fn idle() -> Self {
        ConnectionState {
            state: "idle",
            attempt: 0,
            max_attempts: 0,
            heartbeat_failing: false,
        }
    }

    /// The object `getConnectionState()` returns and `connectionStateChanged` carries.
    pub fn to_json(&self) -> Map {
        Map::new()
            .with("state", self.state)
            .with("attempt", i64::from(self.attempt))
            .with("maxAttempts", i64::from(self.max_attempts))
            .with("heartbeatFailing", self.heartbeat_failing)
    }
}

/// The logged-in (or logging-in) agent.
#[derive(Clone, Debug, Default)]
struct Env {
    number: String,
    domain: String,
    ext: String,
    login_mode: String,
    agent_mode: String,
    /// Held in memory only, for the re-login a 426 asks for; `None` after a recover.
    password: Option<String>,
    session_id: String,
    login_id: String,
    device_id: String,
}

impl Env {
    fn to_json(&self, allocated: bool) -> Map {
        Map::new()
            .with(
                "user",
                Map::new()
                    .with("number", self.number.as_str())
                    .with("domain", self.domain.as_str())
                    .with("ext", self.ext.as_str())
                    .with("loginMode", self.login_mode.as_str())
                    .with("agentMode", self.agent_mode.as_str()),
            )
            .with("loginId", self.login_id.as_str())
            .with("deviceId", self.device_id.as_str())
            .with("sessionId", self.session_id.as_str())
            .with("isAgentAllocated", allocated)
    }
}

/// What the present WebSocket is for.
#[derive(Clone, Debug)]
enum SocketFor {
    Login,
    Recover { command: CommandId, state: Value },
    Reconnect,
}

/// Where the present WebSocket is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// No socket.
    None,
    /// Asked the adapter to open it.
    Opening,
    /// Open; CONNECT sent.
    Open,
    /// CONNECTED; waiting for the subscription to settle.
    Settling,
    /// Subscribed: events flow.
    Ready,
    /// DISCONNECT sent on purpose; waiting for the session to end.
    Closing,
}

#[derive(Debug)]
struct Socket {
    id: SocketId,
    phase: Phase,
    purpose: SocketFor,
    /// The socket was opened at least once since the page loaded (`getWs()`).
    ever_opened: bool,
}

/// Why a request was made: decides what its answer does.
#[derive(Clone, Debug)]
enum Purpose {
    /// A page command: settle with the body.
    Command(CommandId),
    SetAgentMode(CommandId),
    MakeCall(CommandId),
    Logout(CommandId),
    RecoverState(CommandId, Map),
    Token,
    LoginState {
        forced: bool,
    },
    ForceLogout,
    Prefixes,
    Heartbeat,
    ResyncState,
    /// The coordinated re-login after a 426.
    Renew,
    AutoAnswer,
    /// Fire and forget (unload logout).
    Detached,
}

#[derive(Clone, Debug)]
struct Pending {
    id: RequestId,
    purpose: Purpose,
    request: Request,
    deadline: Instant,
    /// Already retried once after a renewed session.
    retried: bool,
}

/// The agent login in progress.
#[derive(Clone, Debug)]
struct Login {
    command: CommandId,
    step: LoginStep,
    mode: LoginMode,
    /// The socket dropped while the Login request was under way.
    socket_lost: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum LoginStep {
    Token,
    Socket,
    Login { forced: bool },
    Confirm { id: ConfirmId, rejection: Rejection },
    ForceLogout,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum LoginMode {
    Force,
    Ask,
    Stop,
}

/// An auto-answer the core will make (K9).
#[derive(Clone, Debug)]
struct ScheduledAnswer {
    call_id: String,
    at: Instant,
}

/// The client. See the module documentation for the contract.
#[derive(Debug)]
pub struct Client {
    config: Config,
    model: Model,
    env: Env,
    stomp: Session,
    socket: Socket,
    login: Option<Login>,
    /// The platform session is ours: the Login request (or a recover) succeeded, no logout yet.
    session_active: bool,
    reconnect: Reconnect,
    resync_failures: u32,
    heartbeat: Heartbeat,
    timers: Timers,
    requests: Vec<Pending>,
    /// Requests parked until the coordinated re-login after a 426 ends.
    parked: Vec<Pending>,
    answers: Vec<ScheduledAnswer>,
    answered: Vec<String>,
    make_call_after: Option<Instant>,
    handlers: Registry,
    log: EventLog,
    clock_since: Option<Instant>,
    outputs: VecDeque<Output>,
    queue: VecDeque<Queued>,
    next_id: u32,
    rng: Rng,
    ui_installed: bool,
    conn: ConnectionState,
    prefixes: Vec<String>,
    stored_session_id: String,
    secure_page: bool,
    now: Now,
}

/// Texts of the dialogs 1.3.7 showed (PROTOCOL.md §9).
mod text {
    pub const TOKEN_401: &str = "登录失败！原因：工号或密码或域名错误！请检查后再登录。";
    pub const ASK_FORCE: &str = "分机已经在别的地方登录，或者上次分机忘记登出，是否强制登录";
    pub const DEVICE_UNREGISTERED: &str = "登录失败！原因：分机未注册";
    pub const AGENT_INVALID: &str = "登录失败！原因：非法座席工号";
    pub const DEVICE_INVALID: &str = "登录失败！原因：非法分机号";
    pub const WS_FAILED: &str = "登录失败！ 原因：WebSocket连接失败。";
    pub const QUOTA_465: &str = "自动外呼接听数已达上限，不能就绪";
    pub const NOT_LOGGED_IN: &str = "当前未登录，无法拨号!";
    pub const CALL_IN_PROGRESS: &str = "当前已有一通通话，请挂断当前通话后再拨打";
    pub const ALLOCATED: &str = "当前处于预占状态，请勿拨号！";

    /// `登录失败！原因：您想使用的分机{ext}正在被座席{agent}使用。`
    pub fn device_in_use(ext: &str, agent: &str) -> String {
        [
            "登录失败！原因：您想使用的分机",
            ext,
            "正在被座席",
            agent,
            "使用。",
        ]
        .concat()
    }
}

impl Client {
    /// A client with the original's default configuration (preset `CMB-PRO`).
    pub fn new(init: ClientInit) -> Self {
        let config = Config::default();
        let stomp = Session::new(flows::stomp_config(&config));
        Client {
            config,
            model: Model::new(),
            env: Env::default(),
            stomp,
            socket: Socket {
                id: SocketId(0),
                phase: Phase::None,
                purpose: SocketFor::Login,
                ever_opened: false,
            },
            login: None,
            session_active: false,
            reconnect: Reconnect::default(),
            resync_failures: 0,
            heartbeat: Heartbeat::default(),
            timers: Timers::default(),
            requests: Vec::new(),
            parked: Vec::new(),
            answers: Vec::new(),
            answered: Vec::new(),
            make_call_after: None,
            handlers: Registry::default(),
            log: EventLog::new(),
            clock_since: None,
            outputs: VecDeque::new(),
            queue: VecDeque::new(),
            next_id: 0,
            rng: Rng::new(init.seed),
            ui_installed: false,
            conn: ConnectionState::idle(),
            prefixes: Vec::new(),
            stored_session_id: init.stored_session_id.unwrap_or_default(),
            secure_page: init.secure_page,
            now: Now::default(),
        }
    }

    // ---------------------------------------------------------------------------------------
    // Outputs

    /// The next piece of work for the adapter.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The next call into page code or Deferred settlement.
    #[must_use]
    pub fn poll_delivery(&mut self) -> Option<Delivery> {
        loop {
            let delivery = match self.queue.pop_front()? {
                Queued::Ui(payload) => {
                    if !self.ui_installed {
                        continue;
                    }
                    Delivery::Ui {
                        payload: Value::Object(payload).to_json(),
                    }
                }
                Queued::Inner(payload) => {
                    let name = event_name(&payload);
                    let targets = self.handlers.inner_targets(&name);
                    if targets.is_empty() {
                        continue;
                    }
                    Delivery::Event {
                        payload: Value::Object(payload).to_json(),
                        targets,
                    }
                }
                Queued::Summary(mut payload) => {
                    let targets = self.handlers.inner_targets("connectionCleared");
                    if targets.is_empty() {
                        continue;
                    }
                    let event = self.queue.iter().find_map(|q| match q {
                        Queued::Server { json, .. } => json::parse(json).ok(),
                        _ => None,
                    });
                    payload.insert("data", event.unwrap_or_default());
                    Delivery::Event {
                        payload: Value::Object(payload).to_json(),
                        targets,
                    }
                }
                Queued::Server { name, json } => Delivery::Event {
                    targets: self.handlers.server_targets(&name),
                    payload: json,
                },
                Queued::Log(kind, content) => Delivery::Log {
                    kind,
                    content,
                    console: self.config.debug,
                },
                Queued::Console(line) => Delivery::Console(line),
                Queued::Settle(command, result) => Delivery::Settle {
                    command,
                    result: match result {
                        Ok(v) => Ok(v.map(|v| v.to_json())),
                        Err(r) => Err(r.to_json().to_json()),
                    },
                },
            };
            return Some(delivery);
        }
    }

    /// When [`Client::handle_timeout`] must run next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let requests = self.requests.iter().map(|p| p.deadline).min();
        let answers = self.answers.iter().map(|a| a.at).min();
        [
            self.timers.next(),
            self.stomp.poll_timeout(),
            self.heartbeat.deadline(),
            requests,
            answers,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ---------------------------------------------------------------------------------------
    // Getters

    /// Whether the agent is logged in (`isLogined()`).
    pub fn is_logged_in(&self) -> bool {
        self.model.is_logged_in()
    }

    /// The call memory as `getCallMemory()` shows it.
    pub fn call_memory(&self) -> Value {
        self.model.memory().to_json()
    }

    /// The connection state (`getConnectionState()`).
    pub fn connection_state(&self) -> &ConnectionState {
        &self.conn
    }

    /// The live configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The status clock text `H:MM:SS` (§11.1), while it runs.
    pub fn status_clock(&self, now: Instant) -> Option<String> {
        self.status_clock_since()
            .map(|since| crate::time::clock_text(now.since(since)))
    }

    /// Since when the status clock counts, while it runs: its text changes only with the
    /// seconds while this stays the same.
    pub fn status_clock_since(&self) -> Option<Instant> {
        self.clock_since.filter(|_| self.config.use_clock)
    }

    /// Whether `id` is still registered (the adapter frees functions that are not).
    pub fn is_handler_registered(&self, id: HandlerId) -> bool {
        self.handlers.is_registered(id)
    }

    // ---------------------------------------------------------------------------------------
    // Handler registration

    /// `on(name, fn)`: returns the handler it replaced.
    pub fn on(&mut self, name: &str, id: HandlerId) -> Option<HandlerId> {
        self.handlers.set_on(name, id)
    }

    /// `innerOn(name, fn)`: returns the handler it replaced.
    pub fn inner_on(&mut self, name: &str, id: HandlerId) -> Option<HandlerId> {
        self.handlers.set_inner_on(name, id)
    }

    /// `addEventListener(name, fn)` or `once(name, fn)`.
    pub fn add_listener(&mut self, name: &str, id: HandlerId, once: bool) {
        self.handlers.add_listener(name, id, once);
    }

    /// `removeEventListener(name, fn)`: `ids` are the registrations of that function.
    pub fn remove_listeners(&mut self, name: &str, ids: &[HandlerId]) -> Vec<HandlerId> {
        self.handlers.remove_listeners(name, ids)
    }

    /// Whether the page installed a UI layer (`wellClient.ui.main` is a function). The adapter
    /// sets it before every input, since a page may assign `ui` at any time.
    pub fn set_ui_installed(&mut self, installed: bool) {
        self.ui_installed = installed;
    }

    /// Something the adapter noticed (a misuse such as `on(name, notAFunction)`): reported
    /// through `onLog` like the core's own messages.
    pub fn report(&mut self, error: bool, text: &str) {
        self.queue_log(if error { LogKind::Error } else { LogKind::Log }, text);
    }

    /// A handler threw: report it (DECISIONS.md §2 row 25) and go on.
    pub fn handler_failed(&mut self, what: &str, error: &str) {
        self.queue_log(
            LogKind::Error,
            &["handler ", what, " threw: ", error].concat(),
        );
    }

    // ---------------------------------------------------------------------------------------
    // Internal helpers shared by the submodules

    fn next_id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    fn queue_log(&mut self, kind: LogKind, text: &str) {
        self.queue.push_back(Queued::Log(kind, text.to_owned()));
    }

    fn settle(&mut self, command: CommandId, result: Result<Option<Value>, Rejection>) {
        if let Err(r) = &result {
            // Every rejection is also reported (DECISIONS.md §2 row 17).
            let mut text = String::from("command failed: ");
            text.push_str(&r.message);
            text.push_str(" (");
            text.push_str(r.reason.as_str());
            text.push(')');
            self.queue_log(LogKind::Error, &text);
        }
        self.queue.push_back(Queued::Settle(command, result));
    }

    /// A command that fails before any request: its Deferred rejects at once.
    fn reject_now(&mut self, rejection: Rejection) -> CommandId {
        let command = CommandId(self.next_id());
        self.settle(command, Err(rejection));
        command
    }

    fn alert(&mut self, text: &str) {
        self.queue_log(LogKind::Alert, text);
        self.outputs.push_back(Output::Alert(text.to_owned()));
    }

    /// Alerts that `useErrorAlert` gates (login errors).
    fn error_alert(&mut self, text: &str) {
        if self.config.use_error_alert {
            self.alert(text);
        }
    }

    fn set_connection_state(&mut self, state: ConnectionState) {
        if state != self.conn {
            self.conn = state;
            let payload = self
                .conn
                .to_json()
                .with("eventName", "connectionStateChanged");
            self.queue.push_back(Queued::Inner(payload));
        }
    }

    fn persist_session(&mut self, session_id: Option<String>) {
        self.stored_session_id = session_id.clone().unwrap_or_default();
        self.outputs.push_back(Output::PersistSession {
            session_id,
            cookie_name: self.config.session_cookie_name.clone(),
            secure: self.secure_page,
        });
    }
}

fn event_name(payload: &Map) -> String {
    payload
        .get("eventName")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
