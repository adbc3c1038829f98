//! Inputs: the socket's life, HTTP answers, timers, and what events do to the session.

use core::time::Duration;

use super::*;
use crate::api::{paths, Method, Reason};
use crate::json;
use crate::model::{ClientState, Effect, EventContext};
use crate::session::heartbeat::Health;
use crate::session::reconnect::Next;
use crate::session::timer::Timer;
use crate::stomp::{SessionConfig, SessionEvent};

/// How long the WebSocket may take to open.
const SOCKET_OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// 1.3.7 waited this long after subscribing before it sent the Login request, so that the
/// broker has bound the subscription when the first events are published.
const SUBSCRIBE_SETTLE: Duration = Duration::from_millis(500);
/// How long `agentLoggedOff` may take after an accepted logout before the client ends the
/// session itself.
const LOGOUT_GRACE: Duration = Duration::from_secs(3);

/// The STOMP session settings for the present configuration.
pub(super) fn stomp_config(config: &Config) -> SessionConfig {
    SessionConfig {
        host: config.stomp.host.clone(),
        login: config.stomp.login.clone(),
        passcode: config.stomp.passcode.clone(),
        heart_beat: config.stomp.heart_beat,
        ..SessionConfig::default()
    }
}

impl Client {
    // ---------------------------------------------------------------------------------------
    // Socket inputs

    /// The WebSocket opened.
    pub fn handle_ws_open(&mut self, socket: SocketId, now: Now) {
        self.begin(now);
        if socket == self.socket.id && self.socket.phase == Phase::Opening {
            self.timers.stop(Timer::SocketOpen);
            self.socket.phase = Phase::Open;
            self.socket.ever_opened = true;
            self.stomp.handle_open(now.mono);
        }
        self.end(now);
    }

    /// One WebSocket message (text or binary).
    pub fn handle_ws_message(&mut self, socket: SocketId, data: &[u8], now: Now) {
        self.begin(now);
        if socket == self.socket.id && self.socket.phase != Phase::None {
            if self.config.use_ws_log {
                self.log_frame("<<< ", &String::from_utf8_lossy(data));
            }
            self.stomp.handle_data(data, now.mono);
        }
        self.end(now);
    }

    /// The WebSocket closed or failed.
    pub fn handle_ws_close(&mut self, socket: SocketId, now: Now) {
        self.begin(now);
        if socket == self.socket.id {
            match self.socket.phase {
                Phase::None => {}
                Phase::Closing => self.socket.phase = Phase::None,
                _ => {
                    self.stomp.handle_close(now.mono);
                    self.drain_stomp(now);
                    if self.socket.phase != Phase::None {
                        self.socket_failed(now);
                    }
                }
            }
        }
        self.end(now);
    }

    // ---------------------------------------------------------------------------------------
    // Other inputs

    /// Deadlines passed (called early or twice: harmless).
    pub fn handle_timeout(&mut self, now: Now) {
        self.begin(now);
        self.end(now);
    }

    /// The answer to a confirmation dialog.
    pub fn handle_confirm(&mut self, id: ConfirmId, accepted: bool, now: Now) {
        self.begin(now);
        let asked = match &self.login {
            Some(Login {
                step: LoginStep::Confirm { id: asked, .. },
                ..
            }) => *asked == id,
            _ => false,
        };
        if asked {
            if accepted {
                self.force_logout(now);
            } else if let Some(Login {
                step: LoginStep::Confirm { rejection, .. },
                ..
            }) = self.login.clone()
            {
                // Still the 454/455 answer pages read `status` from, named for what happened.
                let declined = Rejection {
                    reason: Reason::Declined,
                    message: "the forced login was declined".to_owned(),
                    ..rejection
                };
                self.login_failed(declined, now);
            }
        }
        self.end(now);
    }

    /// The page is going away: close the socket cleanly; log out only when configured.
    pub fn handle_unload(&mut self, now: Now) {
        self.begin(now);
        if self.config.logout_on_unload && self.session_active && !self.env.login_id.is_empty() {
            let body = Map::new()
                .with("func", "Logout")
                .with("agentId", self.env.login_id.as_str());
            let mut request = self.rest(Method::Post, paths::AGENT_STATE, Some(body));
            request.keepalive = true;
            self.send(Purpose::Detached, request, now);
        }
        self.session_active = false;
        self.close_socket(now);
        if self.socket.phase == Phase::Closing {
            // No time to wait for a receipt: the page is leaving.
            self.outputs.push_back(Output::WsClose {
                socket: self.socket.id,
            });
            self.socket.phase = Phase::None;
        }
        self.end(now);
    }

    /// An HTTP answer (`Some((status, status_text, body))`) or a network failure (`None`).
    pub fn handle_http(&mut self, id: RequestId, answer: Option<(u16, &str, &str)>, now: Now) {
        self.begin(now);
        if let Some(pos) = self.requests.iter().position(|p| p.id == id) {
            let pending = self.requests.remove(pos);
            let result = match answer {
                Some((status, _, body)) if (200..300).contains(&status) => {
                    if status == 204 || body.trim().is_empty() {
                        Ok(None)
                    } else {
                        match json::parse(body) {
                            Ok(v) => Ok(Some(v)),
                            // 1.3.7 (jQuery) rejected a 2xx whose body is not JSON.
                            Err(_) => Err(Rejection::http(status, "parsererror", body)),
                        }
                    }
                }
                Some((status, status_text, body)) => {
                    Err(Rejection::http(status, status_text, body))
                }
                None => Err(Rejection::local(
                    Reason::Network,
                    "the request could not reach the server",
                )),
            };
            self.log_rest(&pending, &result);
            self.answered(pending, result, now);
        }
        self.end(now);
    }

    // ---------------------------------------------------------------------------------------
    // The input cycle

    /// Start of every input: remember the time.
    pub(super) fn begin(&mut self, now: Now) {
        if now.mono >= self.now.mono {
            self.now = now;
        }
    }

    /// End of every input: run what is due, then flush the STOMP session.
    pub(super) fn end(&mut self, now: Now) {
        self.stomp.handle_timeout(now.mono);
        self.drain_stomp(now);
        self.run_due(now);
        self.drain_stomp(now);
    }

    fn run_due(&mut self, now: Now) {
        while let Some(timer) = self.timers.take_expired(now.mono) {
            match timer {
                Timer::Reconnect => self.open_socket(SocketFor::Reconnect, now),
                Timer::SocketOpen => {
                    if self.socket.phase == Phase::Opening {
                        self.outputs.push_back(Output::WsClose {
                            socket: self.socket.id,
                        });
                        self.socket_failed(now);
                    }
                }
                Timer::SubscribeSettle => {
                    if self.socket.phase == Phase::Settling {
                        self.socket_ready(now);
                    }
                }
                Timer::Heartbeat => {}
                Timer::LogoutGrace => {
                    if self.model.is_logged_in() {
                        self.queue_log(LogKind::Log, "agentLoggedOff did not arrive; logged out");
                        self.model.reset();
                        self.queue
                            .push_back(Queued::Ui(Map::new().with("eventName", "agentLoggedOff")));
                        self.teardown(now);
                    }
                }
                Timer::ResyncRetry => {
                    if self.socket.phase == Phase::Ready && self.session_active {
                        self.request_resync(now);
                    }
                }
            }
        }
        if self.heartbeat.due(now.mono) {
            let request = self.rest(Method::Post, &paths::heartbeat(&self.env.login_id), None);
            self.send(Purpose::Heartbeat, request, now);
        }
        // Requests that outlived their deadline.
        while let Some(pos) = self.requests.iter().position(|p| p.deadline <= now.mono) {
            let pending = self.requests.remove(pos);
            self.outputs.push_back(Output::HttpAbort { id: pending.id });
            let rejection = Rejection::local(Reason::Timeout, "no answer in time");
            self.log_rest(&pending, &Err(rejection.clone()));
            self.answered(pending, Err(rejection), now);
        }
        // Auto-answers that are due.
        while let Some(pos) = self.answers.iter().position(|a| a.at <= now.mono) {
            let call_id = self.answers.remove(pos).call_id;
            if self
                .model
                .memory()
                .is_ringing_inbound(&call_id, &self.env.device_id)
                && !self.answered.contains(&call_id)
            {
                self.answered.push(call_id.clone());
                let path = paths::connection(&call_id, &self.env.device_id, "/answer");
                let request = self.rest(Method::Post, &path, None);
                self.send(Purpose::AutoAnswer, request, now);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Requests

    /// A REST request to the present platform with the present session id.
    pub(super) fn rest(&self, method: Method, path: &str, body: Option<Map>) -> Request {
        let url = [self.config.rest_base().as_str(), path].concat();
        Request::rest(
            method,
            url,
            &self.env.session_id,
            body.map(Value::Object).as_ref(),
        )
    }

    pub(super) fn send(&mut self, purpose: Purpose, request: Request, now: Now) -> RequestId {
        let id = RequestId(self.next_id());
        let deadline = now.mono.add(Duration::from_millis(u64::from(
            self.config.request_timeout_ms,
        )));
        self.outputs.push_back(Output::Http {
            id,
            request: request.clone(),
        });
        self.requests.push(Pending {
            id,
            purpose,
            request,
            deadline,
            retried: false,
        });
        id
    }

    /// Writes a REST result into the event log (login secrets never).
    fn log_rest(&mut self, pending: &Pending, result: &Result<Option<Value>, Rejection>) {
        let payload: Value = if pending.request.is_secret() {
            Value::from("(hidden)")
        } else {
            pending
                .request
                .body
                .as_deref()
                .map(|b| json::parse(b).unwrap_or_else(|_| Value::from(b)))
                .unwrap_or(Value::Null)
        };
        let (status, res) = match result {
            Ok(v) => ("OK", v.clone().unwrap_or(Value::Null)),
            Err(r) => ("ERROR", r.to_json()),
        };
        let res = if pending.request.is_secret()
            && matches!(pending.purpose, Purpose::Token | Purpose::Renew)
        {
            // The token itself is a credential too.
            Value::from(if status == "OK" {
                "(token)"
            } else {
                "(failed)"
            })
        } else {
            res
        };
        let line = Map::new()
            .with("status", status)
            .with("url", pending.request.url.as_str())
            .with("method", pending.request.method.as_str())
            .with("payload", payload)
            .with("res", res);
        self.log.push(self.now.wall, &Value::Object(line).to_json());
    }

    /// Routes the answer of a request by what it was for.
    fn answered(&mut self, pending: Pending, result: Result<Option<Value>, Rejection>, now: Now) {
        // A 426 asks for a new session: renew once (with the password in memory) and retry.
        if let Err(r) = &result {
            if r.status == 426
                && !pending.retried
                && !matches!(
                    pending.purpose,
                    Purpose::Token
                        | Purpose::Renew
                        | Purpose::LoginState { .. }
                        | Purpose::Detached
                )
            {
                self.park_for_renewal(pending, r.clone(), now);
                return;
            }
        }
        match pending.purpose {
            Purpose::Command(command) => self.settle(command, result),
            Purpose::MakeCall(command) => self.settle(command, result),
            Purpose::SetAgentMode(command) => {
                match &result {
                    Ok(Some(body)) if body.get("pendingMode").is_some_and(Value::is_truthy) => {
                        self.queue
                            .push_back(Queued::Ui(Map::new().with("eventName", "setPendingMode")));
                    }
                    Err(r) if r.status == 465 => self.alert(text::QUOTA_465),
                    _ => {}
                }
                self.settle(command, result);
            }
            Purpose::Logout(command) => {
                if result.is_ok() && self.model.is_logged_in() {
                    self.timers
                        .set(Timer::LogoutGrace, now.mono.add(LOGOUT_GRACE));
                } else if result.is_ok() {
                    self.teardown(now);
                }
                self.settle(command, result);
            }
            Purpose::RecoverState(command, option) => {
                self.recover_answered(command, option, result, now)
            }
            Purpose::Token => self.token_answered(result, now),
            Purpose::LoginState { forced } => self.login_answered(forced, result, now),
            Purpose::ForceLogout => match result {
                Ok(_) => self.send_login_request(true, now),
                Err(r) => self.login_failed(r, now),
            },
            Purpose::Prefixes => {
                if let Ok(Some(body)) = result {
                    self.prefixes = prefixes_of(&body);
                }
            }
            Purpose::Heartbeat => {
                let interval = Duration::from_millis(u64::from(self.config.heartbeat_ms));
                let health = match result {
                    Ok(_) => self.heartbeat.succeeded(now.mono, interval),
                    Err(_) => self.heartbeat.failed(now.mono, interval),
                };
                if health == Health::Failing && !self.conn.heartbeat_failing {
                    self.queue_log(
                        LogKind::Error,
                        "HTTP heartbeat failing: the platform logs the agent out after 3 minutes without one",
                    );
                }
                let mut state = self.conn.clone();
                state.heartbeat_failing = health == Health::Failing;
                self.set_connection_state(state);
            }
            Purpose::ResyncState => self.resync_answered(result, now),
            Purpose::Renew => self.renewed(result, now),
            Purpose::AutoAnswer | Purpose::Detached => {}
        }
    }

    fn park_for_renewal(&mut self, mut pending: Pending, rejection: Rejection, now: Now) {
        let Some(password) = self.env.password.clone() else {
            self.queue_log(
                LogKind::Error,
                "the session expired and cannot be renewed after a recover: log in again",
            );
            let expired = Rejection {
                reason: Reason::SessionExpired,
                ..rejection
            };
            self.answered(
                Pending {
                    retried: true,
                    ..pending
                },
                Err(expired),
                now,
            );
            return;
        };
        pending.retried = true;
        let renewing = self
            .requests
            .iter()
            .any(|p| matches!(p.purpose, Purpose::Renew));
        self.parked.push(pending);
        if !renewing {
            let request = Request::token_login(
                self.config.tpi_url(),
                &self.env.number,
                &password,
                &self.env.domain,
            );
            self.send(Purpose::Renew, request, now);
        }
    }

    fn renewed(&mut self, result: Result<Option<Value>, Rejection>, now: Now) {
        let parked = core::mem::take(&mut self.parked);
        match result.ok().flatten().as_ref().and_then(session_id_of) {
            Some(sid) => {
                self.env.session_id = sid.clone();
                self.persist_session(Some(sid));
                for pending in parked {
                    let mut request = pending.request.clone();
                    for (name, value) in &mut request.headers {
                        if *name == "sessionId" {
                            value.clone_from(&self.env.session_id);
                        }
                    }
                    let id = self.send(pending.purpose, request, now);
                    if let Some(p) = self.requests.iter_mut().find(|p| p.id == id) {
                        p.retried = true;
                    }
                }
            }
            None => {
                for pending in parked {
                    let rejection = Rejection::local(
                        Reason::SessionExpired,
                        "the session expired and could not be renewed",
                    );
                    self.answered(pending, Err(rejection), now);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Login

    fn token_answered(&mut self, result: Result<Option<Value>, Rejection>, now: Now) {
        if !matches!(
            self.login,
            Some(Login {
                step: LoginStep::Token,
                ..
            })
        ) {
            return;
        }
        match result {
            Ok(body) => match body.as_ref().and_then(session_id_of) {
                Some(sid) => {
                    // The session id is set before any request uses it (row 18).
                    self.env.session_id = sid;
                    if let Some(login) = &mut self.login {
                        login.step = LoginStep::Socket;
                    }
                    self.start_stomp();
                    self.open_socket(SocketFor::Login, now);
                }
                None => {
                    let r = Rejection::http(
                        200,
                        "no sessionId",
                        &body.map(|b| b.to_json()).unwrap_or_default(),
                    );
                    self.login_failed(r, now);
                }
            },
            Err(r) => {
                if r.status == 401 {
                    self.error_alert(text::TOKEN_401);
                }
                self.login_failed(r, now);
            }
        }
    }

    pub(super) fn send_login_request(&mut self, forced: bool, now: Now) {
        let body = Map::new()
            .with("loginId", self.env.login_id.as_str())
            .with("device", self.env.device_id.as_str())
            .with("password", self.env.password.as_deref().unwrap_or_default())
            .with("agentMode", self.env.agent_mode.as_str())
            .with("func", "Login")
            .with("sessionId", self.env.session_id.as_str());
        let request = self.rest(Method::Post, paths::AGENT_STATE, Some(body));
        if let Some(login) = &mut self.login {
            login.step = LoginStep::Login { forced };
        }
        self.send(Purpose::LoginState { forced }, request, now);
    }

    fn login_answered(&mut self, forced: bool, result: Result<Option<Value>, Rejection>, now: Now) {
        let Some(login) = self.login.clone() else {
            return;
        };
        if login.step != (LoginStep::Login { forced }) {
            return;
        }
        match result {
            Ok(body) => {
                self.login = None;
                self.session_active = true;
                self.persist_session(Some(self.env.session_id.clone()));
                self.outputs.push_back(Output::ClickToDial(Some(
                    self.config.click_call_class.clone(),
                )));
                self.request_prefixes(now);
                self.settle(login.command, Ok(if forced { None } else { body }));
                if login.socket_lost || self.socket.phase == Phase::None {
                    self.connection_lost(now);
                } else {
                    self.connected_state();
                }
            }
            Err(r) if (r.status == 454 || r.status == 455) && !forced => match login.mode {
                LoginMode::Force => self.force_logout(now),
                LoginMode::Ask => {
                    let id = ConfirmId(self.next_id());
                    if let Some(login) = &mut self.login {
                        login.step = LoginStep::Confirm { id, rejection: r };
                    }
                    self.outputs.push_back(Output::Confirm {
                        id,
                        text: text::ASK_FORCE.to_owned(),
                    });
                }
                LoginMode::Stop => self.login_failed(r, now),
            },
            Err(r) => {
                match r.status {
                    451 => self.error_alert(text::DEVICE_UNREGISTERED),
                    452 => self.error_alert(text::AGENT_INVALID),
                    453 => self.error_alert(text::DEVICE_INVALID),
                    459 => {
                        let agent = r
                            .to_json()
                            .get("agentId")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let ext = self.env.ext.clone();
                        self.error_alert(&text::device_in_use(&ext, &agent));
                    }
                    _ => {}
                }
                self.login_failed(r, now);
            }
        }
    }

    fn force_logout(&mut self, now: Now) {
        if let Some(login) = &mut self.login {
            login.step = LoginStep::ForceLogout;
        }
        let body = Map::new()
            .with("func", "Logout")
            .with("agentId", self.env.login_id.as_str())
            .with("sessionId", self.env.session_id.as_str());
        let request = self.rest(Method::Post, paths::AGENT_STATE, Some(body));
        self.send(Purpose::ForceLogout, request, now);
    }

    /// The login ended in failure: close, reject, tell.
    pub(super) fn login_failed(&mut self, rejection: Rejection, now: Now) {
        let Some(login) = self.login.take() else {
            return;
        };
        if !self.session_active {
            self.close_socket(now);
            self.env.password = None;
            self.set_connection_state(ConnectionState::idle());
        }
        // The original UI layer emits loginFailed itself (DECISIONS.md §3).
        if !self.ui_installed {
            self.queue.push_back(Queued::Inner(
                Map::new()
                    .with("eventName", "loginFailed")
                    .with("status", i64::from(rejection.status))
                    .with("responseText", rejection.response_text.as_str())
                    .with("reason", rejection.reason.as_str()),
            ));
        }
        self.settle(login.command, Err(rejection));
    }

    fn request_prefixes(&mut self, now: Now) {
        let path = paths::prefixes(&self.env.domain, &self.env.login_id);
        let request = self.rest(Method::Get, &path, None);
        self.send(Purpose::Prefixes, request, now);
    }

    // ---------------------------------------------------------------------------------------
    // Recover

    fn recover_answered(
        &mut self,
        command: CommandId,
        option: Map,
        result: Result<Option<Value>, Rejection>,
        now: Now,
    ) {
        let state = match result {
            Ok(Some(state)) => state,
            Ok(None) => {
                let r = Rejection::http(204, "", "");
                return self.settle(command, Err(r));
            }
            Err(r) => return self.settle(command, Err(r)),
        };
        let agent = state.get("agent");
        let field = |name: &str| {
            agent
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let opt = |name: &str| {
            option
                .get(name)
                .and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.as_str().to_owned()),
                    _ => None,
                })
                .unwrap_or_default()
        };
        let domain = opt("domain");
        let expected_agent = [opt("jobNumber").as_str(), "@", &domain].concat();
        let expected_device = [opt("ext").as_str(), "@", &domain].concat();
        let problem = if agent.is_none() || state.get("extension").is_none() {
            Some("the session has no agent or extension")
        } else if field("agentMode") == "Logout" {
            Some("the agent of the session is logged out")
        } else if field("agentId") != expected_agent {
            Some("the session belongs to another agent")
        } else if field("extensionId") != expected_device {
            Some("the session is on another extension")
        } else {
            None
        };
        if let Some(problem) = problem {
            return self.settle(
                command,
                Err(Rejection::local(Reason::SessionExpired, problem)),
            );
        }
        let agent_id = field("agentId");
        let extension_id = field("extensionId");
        let (number, _) = agent_id.split_once('@').unwrap_or((&agent_id, ""));
        let (ext, _) = extension_id.split_once('@').unwrap_or((&extension_id, ""));
        self.env = Env {
            number: number.to_owned(),
            domain: field("namespace"),
            ext: ext.to_owned(),
            login_mode: field("agentMode"),
            agent_mode: field("agentMode"),
            password: None,
            session_id: self.stored_session_id.clone(),
            login_id: agent_id.clone(),
            device_id: extension_id.clone(),
        };
        if self.env.domain.is_empty() {
            self.env.domain = domain;
        }
        self.outputs.push_back(Output::InsertClock);
        self.request_prefixes(now);
        self.start_stomp();
        self.open_socket(SocketFor::Recover { command, state }, now);
    }

    // ---------------------------------------------------------------------------------------
    // The socket

    /// A fresh STOMP session subscribed to the agent's topic.
    fn start_stomp(&mut self) {
        self.stomp = Session::new(stomp_config(&self.config));
        let topic = self.config.topic_for(&self.env.login_id);
        let _ = self.stomp.subscribe(&topic);
    }

    pub(super) fn open_socket(&mut self, purpose: SocketFor, now: Now) {
        if matches!(
            self.socket.phase,
            Phase::Opening | Phase::Open | Phase::Settling | Phase::Ready
        ) {
            self.outputs.push_back(Output::WsClose {
                socket: self.socket.id,
            });
        }
        self.socket.id = SocketId(self.next_id());
        self.socket.phase = Phase::Opening;
        self.socket.purpose = purpose;
        self.stomp.reset();
        self.model.connection_reset();
        self.timers.stop(Timer::SubscribeSettle);
        self.timers
            .set(Timer::SocketOpen, now.mono.add(SOCKET_OPEN_TIMEOUT));
        self.outputs.push_back(Output::WsOpen {
            socket: self.socket.id,
            url: self.config.ws_url(),
        });
        if !matches!(self.socket.purpose, SocketFor::Reconnect) {
            self.set_connection_state(ConnectionState {
                state: "connecting",
                ..ConnectionState::idle()
            });
        }
    }

    /// Closes the socket on purpose (DISCONNECT, then close); no reconnect follows.
    pub(super) fn close_socket(&mut self, now: Now) {
        self.timers.stop(Timer::SocketOpen);
        self.timers.stop(Timer::SubscribeSettle);
        match self.socket.phase {
            Phase::None | Phase::Closing => {}
            Phase::Opening | Phase::Open => {
                self.outputs.push_back(Output::WsClose {
                    socket: self.socket.id,
                });
                self.socket.phase = Phase::None;
            }
            Phase::Settling | Phase::Ready => {
                self.socket.phase = Phase::Closing;
                self.stomp.disconnect(now.mono);
            }
        }
    }

    /// Sends a STOMP frame on the current socket, and shows it on the console under `useWsLog`.
    fn send_frame(&mut self, text: String) {
        if self.config.use_ws_log {
            self.log_frame(">>> ", &text);
        }
        self.outputs.push_back(Output::WsSend {
            socket: self.socket.id,
            text,
        });
    }

    /// A `useWsLog` console line: the frame as it went or came, a `passcode` header hidden
    /// (credentials never reach a log), a bare heart-beat named.
    fn log_frame(&mut self, direction: &str, text: &str) {
        let mut line = String::from(direction);
        let text = text.trim_end_matches(['\0', '\r', '\n']);
        if text.is_empty() {
            line.push_str("heart-beat");
        } else {
            for (i, header) in text.split('\n').enumerate() {
                if i > 0 {
                    line.push('\n');
                }
                line.push_str(match header.strip_prefix("passcode:") {
                    Some(_) => "passcode:(hidden)",
                    None => header,
                });
            }
        }
        self.queue.push_back(Queued::Console(line));
    }

    /// Moves frames and session events out of the STOMP session.
    pub(super) fn drain_stomp(&mut self, now: Now) {
        while let Some(text) = self.stomp.poll_transmit() {
            if matches!(
                self.socket.phase,
                Phase::Open | Phase::Settling | Phase::Ready | Phase::Closing
            ) {
                self.send_frame(text);
            }
        }
        while let Some(event) = self.stomp.poll_event() {
            match event {
                SessionEvent::Connected { .. } => {
                    if self.socket.phase == Phase::Open {
                        self.socket.phase = Phase::Settling;
                        self.timers
                            .set(Timer::SubscribeSettle, now.mono.add(SUBSCRIBE_SETTLE));
                    }
                }
                SessionEvent::Message { body, .. } => {
                    if matches!(self.socket.phase, Phase::Settling | Phase::Ready) {
                        self.event_received(&body, now);
                    }
                }
                SessionEvent::Receipt { .. } => {}
                SessionEvent::Closed(reason) => {
                    let was = self.socket.phase;
                    if was != Phase::None {
                        self.outputs.push_back(Output::WsClose {
                            socket: self.socket.id,
                        });
                    }
                    if was == Phase::Closing {
                        self.socket.phase = Phase::None;
                    } else if was != Phase::None {
                        let mut text = String::from("websocket disconnect: ");
                        text.push_str(reason.as_str());
                        self.queue_log(LogKind::Log, &text);
                        self.socket_failed(now);
                    }
                }
            }
            while let Some(text) = self.stomp.poll_transmit() {
                if self.socket.phase != Phase::None {
                    self.send_frame(text);
                }
            }
        }
    }

    /// Subscribed and settled: continue what the socket was opened for.
    fn socket_ready(&mut self, now: Now) {
        self.socket.phase = Phase::Ready;
        let purpose = core::mem::replace(&mut self.socket.purpose, SocketFor::Reconnect);
        match purpose {
            SocketFor::Login => {
                if matches!(
                    self.login,
                    Some(Login {
                        step: LoginStep::Socket,
                        ..
                    })
                ) {
                    self.send_login_request(false, now);
                }
            }
            SocketFor::Recover { command, state } => {
                self.session_active = true;
                self.reconnect.reset();
                let mut effects = Vec::new();
                let ctx = context(&self.env, &self.config, now);
                self.model.recover(&state, &ctx, &mut effects);
                self.apply_effects(effects, now);
                self.persist_session(Some(self.env.session_id.clone()));
                self.outputs.push_back(Output::ClickToDial(Some(
                    self.config.click_call_class.clone(),
                )));
                self.clock_since = Some(now.mono);
                self.connected_state();
                self.settle(command, Ok(Some(state)));
            }
            SocketFor::Reconnect => {
                self.reconnect.reset();
                self.resync_failures = 0;
                self.connected_state();
                self.request_resync(now);
            }
        }
    }

    fn connected_state(&mut self) {
        let heartbeat_failing = self.conn.heartbeat_failing;
        self.set_connection_state(ConnectionState {
            state: "connected",
            heartbeat_failing,
            ..ConnectionState::idle()
        });
    }

    /// The socket failed (or never opened): decide by what it was for.
    fn socket_failed(&mut self, now: Now) {
        self.socket.phase = Phase::None;
        self.timers.stop(Timer::SocketOpen);
        self.timers.stop(Timer::SubscribeSettle);
        let purpose = core::mem::replace(&mut self.socket.purpose, SocketFor::Reconnect);
        if let SocketFor::Recover { command, .. } = purpose {
            self.error_alert(text::WS_FAILED);
            self.settle(
                command,
                Err(Rejection::local(
                    Reason::Network,
                    "the WebSocket connection failed",
                )),
            );
            self.set_connection_state(ConnectionState::idle());
            return;
        }
        if let Some(login) = &mut self.login {
            match login.step {
                LoginStep::Token | LoginStep::Socket => {
                    self.error_alert(text::WS_FAILED);
                    let r = Rejection::local(Reason::Network, "the WebSocket connection failed");
                    self.login_failed(r, now);
                    return;
                }
                _ => login.socket_lost = true,
            }
        }
        if self.session_active {
            self.connection_lost(now);
        }
    }

    /// The session's socket is gone: apply the reconnect policy.
    fn connection_lost(&mut self, now: Now) {
        let policy = self.config.reconnect.clone();
        let tries = policy.tries;
        match self.reconnect.failed(&policy, &mut self.rng) {
            Next::Retry { delay, attempt } => {
                let mut text = String::from(">>> websocket_start_reconnecting ");
                text.push_str(&json::int_text(i64::from(attempt)));
                self.queue_log(LogKind::Log, &text);
                self.timers.set(Timer::Reconnect, now.mono.add(delay));
                let heartbeat_failing = self.conn.heartbeat_failing;
                self.set_connection_state(ConnectionState {
                    state: "reconnecting",
                    attempt,
                    max_attempts: tries,
                    heartbeat_failing,
                });
            }
            Next::GiveUp { then } => {
                self.queue
                    .push_back(Queued::Ui(Map::new().with("eventName", "wsDisconnected")));
                self.queue.push_back(Queued::Inner(
                    Map::new()
                        .with("eventName", "wsDisconnected")
                        .with("msg", "websocket disconnect"),
                ));
                if let Some(delay) = then {
                    self.timers.set(Timer::Reconnect, now.mono.add(delay));
                }
                self.disconnected_state();
            }
            Next::Background { delay, .. } => {
                self.timers.set(Timer::Reconnect, now.mono.add(delay));
                self.disconnected_state();
            }
            Next::Stop => self.disconnected_state(),
        }
    }

    fn disconnected_state(&mut self) {
        let heartbeat_failing = self.conn.heartbeat_failing;
        let attempt = self.reconnect.attempts();
        self.set_connection_state(ConnectionState {
            state: "disconnected",
            attempt,
            max_attempts: self.config.reconnect.tries,
            heartbeat_failing,
        });
    }

    /// Stops any reconnect under way (a new login, recover or logout takes over).
    pub(super) fn cancel_reconnect(&mut self) {
        self.timers.stop(Timer::Reconnect);
        self.timers.stop(Timer::ResyncRetry);
        self.reconnect.reset();
    }

    // ---------------------------------------------------------------------------------------
    // Resync after a reconnect

    fn request_resync(&mut self, now: Now) {
        let request = self.rest(Method::Get, paths::CLIENT_STATE, None);
        self.send(Purpose::ResyncState, request, now);
    }

    fn resync_answered(&mut self, result: Result<Option<Value>, Rejection>, now: Now) {
        if !self.session_active {
            return;
        }
        match result {
            Ok(Some(state)) if ClientState::parse(&state).is_ok() => {
                self.resync_failures = 0;
                let rebuild_ui = self.handlers.has_inner("wsReconnectSucceed");
                let ctx = context(&self.env, &self.config, now);
                let mut effects = Vec::new();
                self.model.resync(&state, rebuild_ui, &ctx, &mut effects);
                self.clock_since = Some(now.mono);
                self.apply_effects(effects, now);
            }
            _ => {
                // Retried with the reconnect backoff; the socket stays up (row 27).
                self.resync_failures = self.resync_failures.saturating_add(1);
                let exp = self.resync_failures.min(5);
                let ms = u64::from(self.config.reconnect.delay_ms.max(1))
                    .saturating_mul(1 << exp)
                    .min(u64::from(self.config.reconnect.max_delay_ms));
                let delay = Duration::from_millis(self.rng.jitter(ms, 20));
                self.timers.set(Timer::ResyncRetry, now.mono.add(delay));
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Events

    fn event_received(&mut self, body: &[u8], now: Now) {
        let Ok(text) = core::str::from_utf8(body) else {
            self.queue_log(LogKind::Error, "dropped an event that is not UTF-8");
            return;
        };
        // An event has up to about six effects.
        let mut effects = Vec::with_capacity(8);
        let ctx = context(&self.env, &self.config, now);
        // The summary's copy of the event is built only for a handler (see `Queued::Summary`).
        self.model
            .set_summary_data(self.handlers.has_inner("connectionCleared"));
        if let Err(e) = self.model.handle_message(text, &ctx, &mut effects) {
            let mut line = String::from("dropped an event: ");
            line.push_str(e.as_str());
            self.queue_log(LogKind::Error, &line);
        }
        self.apply_effects(effects, now);
    }

    /// Carries out what the model decided, in its order.
    pub(super) fn apply_effects(&mut self, effects: Vec<Effect>, now: Now) {
        for effect in effects {
            match effect {
                Effect::Ui(m) => {
                    if m.get("eventName").and_then(Value::as_str) == Some("transferred") {
                        self.follow_transfer(&m);
                    }
                    self.queue.push_back(Queued::Ui(m));
                }
                Effect::Inner(m) => {
                    let summary = m.get("eventName").and_then(Value::as_str)
                        == Some("connectionCleared")
                        && !m.contains_key("data");
                    self.queue.push_back(if summary {
                        Queued::Summary(m)
                    } else {
                        Queued::Inner(m)
                    });
                }
                Effect::Server { name, json } => {
                    if self.config.use_event_log {
                        self.log.push(now.wall, &json);
                    }
                    match name.as_str() {
                        "held" | "retrieved" => {}
                        "agentLoggedOff" => self.clock_since = None,
                        _ => self.clock_since = Some(now.mono),
                    }
                    self.queue.push_back(Queued::Server { name, json });
                }
                Effect::LoggedOn => {
                    self.heartbeat.start(now.mono);
                    self.answered.clear();
                }
                Effect::LoggedOff => self.teardown(now),
                Effect::Ringing { call_id } => self.maybe_auto_answer(call_id, now),
                Effect::Log { error, text } => {
                    self.queue_log(if error { LogKind::Error } else { LogKind::Log }, &text)
                }
            }
        }
    }

    /// K9: the core answers only when no UI layer is installed and the page itself set
    /// `autoAnswer: true`; never twice for one call.
    fn maybe_auto_answer(&mut self, call_id: String, now: Now) {
        let wanted =
            !self.ui_installed && self.config.auto_answer && self.config.auto_answer_set_by_page;
        if !wanted
            || self.answered.contains(&call_id)
            || self.answers.iter().any(|a| a.call_id == call_id)
        {
            return;
        }
        let delay = Duration::from_millis(u64::from(self.config.auto_answer_delay_ms));
        self.answers.push(ScheduledAnswer {
            call_id,
            at: now.mono.add(delay),
        });
    }

    /// A scheduled answer follows its call when `transferred` re-keys it.
    fn follow_transfer(&mut self, ui: &Map) {
        let old = ui.get("secondaryOldCall").and_then(Value::as_str);
        let new = ui.get("newCall").and_then(Value::as_str);
        if let (Some(old), Some(new)) = (old, new) {
            for a in &mut self.answers {
                if a.call_id == old {
                    new.clone_into(&mut a.call_id);
                }
            }
        }
    }

    /// The session is over (agentLoggedOff, or a logout that the server confirmed).
    pub(super) fn teardown(&mut self, now: Now) {
        self.session_active = false;
        self.heartbeat.stop();
        self.cancel_reconnect();
        self.timers.stop(Timer::LogoutGrace);
        self.close_socket(now);
        self.log.clear();
        self.prefixes.clear();
        self.answers.clear();
        self.answered.clear();
        self.clock_since = None;
        if !self.env.login_id.is_empty() || !self.stored_session_id.is_empty() {
            self.persist_session(None);
        }
        self.outputs.push_back(Output::ClickToDial(None));
        self.env = Env::default();
        self.model.reset();
        self.set_connection_state(ConnectionState::idle());
    }
}

/// What the model needs to know about the client for one event. A free function, so the
/// model can be borrowed mutably beside it.
fn context<'a>(env: &'a Env, config: &Config, now: Now) -> EventContext<'a> {
    EventContext {
        own_device: &env.device_id,
        auto_answer: config.auto_answer,
        now: now.wall,
    }
}

fn session_id_of(body: &Value) -> Option<String> {
    body.get("sessionId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The de-duplicated `scanPrefix` values of a prefix lookup.
fn prefixes_of(body: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let trunks = body
        .get("agentTrunks")
        .and_then(Value::as_array)
        .unwrap_or_default();
    for trunk in trunks {
        if let Some(p) = trunk.get("scanPrefix").and_then(Value::as_str) {
            if !out.iter().any(|o| o == p) {
                out.push(p.to_owned());
            }
        }
    }
    out
}
