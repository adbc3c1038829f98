//! Page commands: validate, build the request, remember why it was sent.
//!
//! Every command returns a [`CommandId`] whose Deferred always settles: with the server's
//! answer, with a rejection from the server, or at once with a local rejection (bad argument,
//! not logged in, throttled). Nothing here waits or returns `undefined` for a failure.

use core::time::Duration;

use super::*;
use crate::api::{paths, Method, Reason};
use crate::config::find_preset;

/// Minimum time between two `makeCall`s (K13).
const MAKE_CALL_THROTTLE: Duration = Duration::from_secs(2);

/// A string argument: strings as given, numbers as their digits; absent, null or empty → None.
pub(super) fn text_arg(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.as_str().to_owned()),
        _ => None,
    }
}

/// What `isPhoneNumber` accepts (DECISIONS.md §3): digits with an optional leading `+`,
/// `*`/`#` feature codes, or the extension-dial form `main-[Ww]*ext`.
pub fn is_phone_number(s: &str) -> bool {
    fn dial_digits(s: &str) -> bool {
        let s = s.strip_prefix('+').unwrap_or(s);
        !s.is_empty()
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
    }
    match s.split_once('-') {
        None => dial_digits(s),
        Some((main, rest)) => {
            let ext = rest.trim_start_matches(['W', 'w']);
            !main.is_empty()
                && main.bytes().all(|b| b.is_ascii_digit())
                && !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// Click-to-dial text → number (DECISIONS.md §3): every non-digit is dropped, except text with
/// `W`/`w` after its single `-`, which is dialled as is.
pub fn click_to_dial_number(text: &str) -> String {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((_, after)) = t.split_once('-') {
        if !after.contains('-') && after.starts_with(['W', 'w']) && is_phone_number(&t) {
            return t;
        }
    }
    t.chars().filter(char::is_ascii_digit).collect()
}

impl Client {
    fn invalid(&mut self, message: &str) -> CommandId {
        self.reject_now(Rejection::local(Reason::InvalidArgument, message))
    }

    fn not_logged_in(&mut self) -> CommandId {
        self.reject_now(Rejection::local(
            Reason::NotLoggedIn,
            "the agent is not logged in",
        ))
    }

    /// Whether a platform session exists to send commands with.
    fn has_session(&self) -> bool {
        !self.env.device_id.is_empty() && !self.env.session_id.is_empty()
    }

    /// A command that is one REST request whose answer settles it.
    fn simple(&mut self, method: Method, path: &str, body: Option<Map>, now: Now) -> CommandId {
        let command = CommandId(self.next_id());
        let request = self.rest(method, path, body);
        self.send(Purpose::Command(command), request, now);
        command
    }

    /// The call id to act on: the given one, else the only call (as `dropConnection()` did).
    fn call_or_only(&self, given: Option<String>) -> Option<String> {
        given.or_else(|| self.model.memory().only_call_id().map(str::to_owned))
    }

    // ---------------------------------------------------------------------------------------
    // Configuration

    /// `useConfig(name)`: `false` (and an `onLog` error) for an unknown preset.
    pub fn use_config(&mut self, name: Option<&str>) -> bool {
        match name.and_then(find_preset) {
            Some(preset) => {
                self.config.use_preset(preset);
                true
            }
            None => {
                let mut text = String::from("useConfig: unknown preset ");
                text.push_str(name.unwrap_or("(none)"));
                self.queue_log(LogKind::Error, &text);
                false
            }
        }
    }

    /// `setConfig(conf)`.
    pub fn set_config(&mut self, conf: &Map) {
        for bad in self.config.apply(conf) {
            let mut text = String::from("setConfig: ignored a field of the wrong type: ");
            text.push_str(bad.0);
            self.queue_log(LogKind::Error, &text);
        }
        if conf.contains_key("hideButton") {
            self.outputs
                .push_back(Output::HideButtons(self.config.hide_button.clone()));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Session

    /// `agentLogin({jobNumber, password, domain, ext, loginMode, agentMode})`.
    pub fn agent_login(&mut self, agent: Option<&Map>, now: Now) -> CommandId {
        let field = |name: &str| text_arg(agent.and_then(|a| a.get(name)));
        let (Some(number), Some(password), Some(ext)) =
            (field("jobNumber"), field("password"), field("ext"))
        else {
            let command = CommandId(self.next_id());
            self.login = Some(Login {
                command,
                step: LoginStep::Token,
                mode: LoginMode::Force,
                socket_lost: false,
            });
            self.login_failed(
                Rejection::local(
                    Reason::InvalidArgument,
                    "agentLogin needs jobNumber, password and ext",
                ),
                now,
            );
            return command;
        };
        let mode = match field("loginMode").as_deref() {
            None | Some("force") => LoginMode::Force,
            Some("ask") => LoginMode::Ask,
            Some("stop") => LoginMode::Stop,
            Some(_) => return self.invalid("loginMode must be force, ask or stop"),
        };
        let agent_mode = match field("agentMode").as_deref() {
            None => "NotReady".to_owned(),
            Some(m @ ("Ready" | "NotReady")) => m.to_owned(),
            Some(_) => return self.invalid("agentMode must be Ready or NotReady"),
        };
        // A new login replaces whatever was going on.
        if let Some(previous) = self.login.take() {
            self.settle(
                previous.command,
                Err(Rejection::local(
                    Reason::Cancelled,
                    "replaced by a new agentLogin",
                )),
            );
        }
        self.cancel_reconnect();
        self.session_active = false;
        self.heartbeat.stop();
        self.close_socket(now);
        let domain = field("domain").unwrap_or_else(|| self.config.default_domain.clone());
        self.env = Env {
            login_id: [number.as_str(), "@", &domain].concat(),
            device_id: [ext.as_str(), "@", &domain].concat(),
            login_mode: match mode {
                LoginMode::Force => "force",
                LoginMode::Ask => "ask",
                LoginMode::Stop => "stop",
            }
            .to_owned(),
            number,
            domain,
            ext,
            agent_mode,
            password: Some(password),
            session_id: String::new(),
        };
        self.queue_log(LogKind::Log, "call agentLogin");
        self.log.push(now.wall, "call agentLogin");
        self.outputs.push_back(Output::InsertClock);
        let command = CommandId(self.next_id());
        self.login = Some(Login {
            command,
            step: LoginStep::Token,
            mode,
            socket_lost: false,
        });
        let request = Request::token_login(
            self.config.tpi_url(),
            &self.env.number,
            self.env.password.as_deref().unwrap_or_default(),
            &self.env.domain,
        );
        self.send(Purpose::Token, request, now);
        command
    }

    /// `logout(sessionId?)`.
    pub fn logout(&mut self, session_id: Option<String>, now: Now) -> CommandId {
        if self.model.is_allocated() || !self.model.memory().is_empty() {
            let (reason, message) = if self.model.is_allocated() {
                (
                    Reason::AgentAllocated,
                    "you can not logout when you are in agentAllocated state",
                )
            } else {
                (Reason::CallInProgress, "you can not logout during a call")
            };
            let mut r = Rejection::local(reason, message);
            r.response_text = "negative".to_owned();
            return self.reject_now(r);
        }
        if self.env.login_id.is_empty() {
            return self.not_logged_in();
        }
        self.cancel_reconnect();
        let mut body = Map::new()
            .with("func", "Logout")
            .with("agentId", self.env.login_id.as_str());
        let mut request_sid = self.env.session_id.clone();
        if let Some(sid) = session_id {
            body.insert("sessionId", sid.as_str());
            request_sid = sid;
        }
        let command = CommandId(self.next_id());
        let mut request = self.rest(Method::Post, paths::AGENT_STATE, Some(body));
        for (name, value) in &mut request.headers {
            if *name == "sessionId" {
                value.clone_from(&request_sid);
            }
        }
        self.send(Purpose::Logout(command), request, now);
        command
    }

    /// `superLogout(agentCode)`: logs out another agent of the same tenant.
    pub fn super_logout(&mut self, agent_code: Option<String>, now: Now) -> CommandId {
        let Some(code) = agent_code else {
            return self.invalid("superLogout needs an agent number");
        };
        if self.env.session_id.is_empty() {
            return self.not_logged_in();
        }
        let body = Map::new()
            .with("func", "Logout")
            .with("agentId", [code.as_str(), "@", &self.env.domain].concat());
        self.simple(Method::Post, paths::AGENT_STATE, Some(body), now)
    }

    /// `setAgentMode(mode, reason?)`.
    pub fn set_agent_mode(
        &mut self,
        mode: Option<String>,
        reason: Option<String>,
        now: Now,
    ) -> CommandId {
        let mode = match mode.as_deref() {
            Some(m @ ("Ready" | "NotReady")) => m.to_owned(),
            _ => return self.invalid("参数必须是Ready或者NotReady"),
        };
        if !self.has_session() {
            return self.not_logged_in();
        }
        let body = Map::new()
            .with("func", "SetState")
            .with("device", self.env.device_id.as_str())
            .with("agentMode", mode)
            .with("namespace", self.env.domain.as_str())
            .with("reason", reason.unwrap_or_default())
            .with("agentId", self.env.login_id.as_str());
        let command = CommandId(self.next_id());
        let request = self.rest(Method::Post, paths::AGENT_STATE, Some(body));
        self.send(Purpose::SetAgentMode(command), request, now);
        command
    }

    /// `checkRecoverStateAbility({jobNumber, domain, ext})`.
    pub fn check_recover(&mut self, option: Option<&Map>, now: Now) -> CommandId {
        if self.stored_session_id.is_empty() {
            return self.reject_now(Rejection::local(
                Reason::NotLoggedIn,
                "no session to recover in this browser",
            ));
        }
        if let Some(previous) = self.login.take() {
            self.settle(
                previous.command,
                Err(Rejection::local(
                    Reason::Cancelled,
                    "replaced by checkRecoverStateAbility",
                )),
            );
        }
        self.cancel_reconnect();
        self.close_socket(now);
        let command = CommandId(self.next_id());
        let mut request = self.rest(Method::Get, paths::CLIENT_STATE, None);
        for (name, value) in &mut request.headers {
            if *name == "sessionId" {
                value.clone_from(&self.stored_session_id);
            }
        }
        self.send(
            Purpose::RecoverState(command, option.cloned().unwrap_or_default()),
            request,
            now,
        );
        command
    }

    /// `getClientState()`.
    pub fn get_client_state(&mut self, now: Now) -> CommandId {
        if self.env.session_id.is_empty() {
            return self.not_logged_in();
        }
        self.simple(Method::Get, paths::CLIENT_STATE, None, now)
    }

    // ---------------------------------------------------------------------------------------
    // Calls

    /// `makeCall(phoneNumber, {prefix, originForDisplay, destForDisplay, cpa, contextId})`.
    pub fn make_call(
        &mut self,
        number: Option<String>,
        options: Option<&Map>,
        now: Now,
    ) -> CommandId {
        if self.make_call_after.is_some_and(|t| now.mono < t) {
            return self.reject_now(Rejection::local(
                Reason::Throttled,
                "短时间内，请勿多次拨号！",
            ));
        }
        if !self.model.is_logged_in() || !self.has_session() {
            self.alert(text::NOT_LOGGED_IN);
            return self.not_logged_in();
        }
        let number: String = number
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !is_phone_number(&number) {
            return self.invalid("输入号码不合法");
        }
        if number == self.env.ext {
            return self.invalid("请勿输入自己的号码");
        }
        if !self.model.memory().is_empty() {
            self.alert(text::CALL_IN_PROGRESS);
            return self.reject_now(Rejection::local(
                Reason::CallInProgress,
                text::CALL_IN_PROGRESS,
            ));
        }
        if self.model.is_allocated() {
            self.alert(text::ALLOCATED);
            return self.reject_now(Rejection::local(Reason::AgentAllocated, text::ALLOCATED));
        }
        self.make_call_after = Some(now.mono.add(MAKE_CALL_THROTTLE));
        let option = |name: &str| text_arg(options.and_then(|o| o.get(name)));
        let mut to = option("prefix").unwrap_or_default();
        to.push_str(&number);
        let mut body = Map::new()
            .with("from", self.env.device_id.as_str())
            .with("to", to)
            .with(
                "destForDisplay",
                option("destForDisplay").unwrap_or_else(|| self.env.ext.clone()),
            );
        for name in ["originForDisplay", "cpa", "contextId"] {
            match options.and_then(|o| o.get(name)) {
                Some(Value::Object(o)) => body.insert(name, Value::Object(o.clone()).to_json()),
                Some(v) if v.is_truthy() => {
                    if let Some(t) = text_arg(Some(v)) {
                        body.insert(name, t);
                    }
                }
                _ => {}
            }
        }
        let command = CommandId(self.next_id());
        let request = self.rest(Method::Post, paths::CALLS, Some(body));
        self.send(Purpose::MakeCall(command), request, now);
        command
    }

    /// An operation on the own connection of a call (`answerCall`, `holdCall`, ...).
    pub fn connection_command(
        &mut self,
        call_id: Option<String>,
        default_to_only_call: bool,
        suffix: &str,
        body: Option<Map>,
        now: Now,
    ) -> CommandId {
        if !self.has_session() {
            return self.not_logged_in();
        }
        let call_id = if default_to_only_call {
            self.call_or_only(call_id)
        } else {
            call_id
        };
        let Some(call_id) = call_id else {
            return self.invalid("a callId is needed");
        };
        if suffix == "/answer" {
            // The page answered: the core will not answer this call again (K9).
            self.answers.retain(|a| a.call_id != call_id);
            if !self.answered.contains(&call_id) {
                self.answered.push(call_id.clone());
            }
        }
        let path = paths::connection(&call_id, &self.env.device_id, suffix);
        let method = if suffix.is_empty() {
            Method::Delete
        } else {
            Method::Post
        };
        self.simple(method, &path, body, now)
    }

    /// An operation that needs a call id and a number (`consult`, `singleStepTransfer`, ...).
    pub fn call_with_number(
        &mut self,
        call_id: Option<String>,
        number: Option<String>,
        suffix: &str,
        field: &str,
        extra: Option<(&str, String)>,
        now: Now,
    ) -> CommandId {
        let Some(number) = number.filter(|n| !n.trim().is_empty()) else {
            return self.invalid("a phone number is needed");
        };
        let mut body = Map::new();
        body.insert(field, number.trim());
        if let Some((k, v)) = extra {
            body.insert(k, v);
        }
        self.connection_command(call_id, false, suffix, Some(body), now)
    }

    /// `conference`, `cancelConsult`, `transferCall`, `transferWaitReturn`.
    pub fn consult_command(
        &mut self,
        held: Option<String>,
        consult: Option<String>,
        suffix: &str,
        now: Now,
    ) -> CommandId {
        let Some(consult) = consult else {
            return self.invalid("a consultCallId is needed");
        };
        let body = Map::new().with("consultCallId", consult);
        self.connection_command(held, false, suffix, Some(body), now)
    }

    /// `setCallData(callId, data)`.
    pub fn set_call_data(
        &mut self,
        call_id: Option<String>,
        data: Option<&Value>,
        now: Now,
    ) -> CommandId {
        let Some(call_id) = call_id else {
            return self.invalid("a callId is needed");
        };
        if !self.has_session() {
            return self.not_logged_in();
        }
        let entries = data
            .cloned()
            .filter(|d| !d.is_null())
            .unwrap_or(Value::Object(Map::new()));
        let body = Map::new().with("entries", entries);
        self.simple(Method::Post, &paths::user_data(&call_id), Some(body), now)
    }

    /// `getCallData(callId)`.
    pub fn get_call_data(&mut self, call_id: Option<String>, now: Now) -> CommandId {
        let Some(call_id) = call_id else {
            return self.invalid("a callId is needed");
        };
        if !self.has_session() {
            return self.not_logged_in();
        }
        self.simple(Method::Get, &paths::user_data_get(&call_id), None, now)
    }

    /// `startRecording()` / `stopRecording()`.
    pub fn recording(&mut self, start: bool, now: Now) -> CommandId {
        if !self.has_session() {
            return self.not_logged_in();
        }
        let path = paths::recording(start, &self.env.device_id);
        self.simple(Method::Post, &path, None, now)
    }

    /// `agentGreeting(callId, msg)`: plays the agent number to the customer.
    pub fn agent_greeting(
        &mut self,
        call_id: Option<String>,
        msg: Option<String>,
        now: Now,
    ) -> CommandId {
        if !self.has_session() {
            return self.not_logged_in();
        }
        let Some(call_id) = self.call_or_only(call_id) else {
            return self.invalid("a callId is needed");
        };
        let msg = msg.unwrap_or_else(|| self.env.number.clone());
        let body = Map::new()
            .with("agentId", msg)
            .with("deviceId", self.env.device_id.as_str());
        self.simple(
            Method::Post,
            &paths::agent_greeting(&call_id),
            Some(body),
            now,
        )
    }

    // ---------------------------------------------------------------------------------------
    // Supervisor operations

    /// `forceDrop`, `forceJoin`, `forceTake`: an operation on another device's connection.
    pub fn force_on_connection(
        &mut self,
        device_id: Option<String>,
        call_id: Option<String>,
        number: Option<String>,
        suffix: &str,
        now: Now,
    ) -> CommandId {
        let (Some(device_id), Some(call_id)) = (device_id, call_id) else {
            return self.invalid("a deviceId and a callId are needed");
        };
        if self.env.session_id.is_empty() {
            return self.not_logged_in();
        }
        let body = match suffix {
            "" => None,
            "/singleStepConference" => {
                let Some(n) = number else {
                    return self.invalid("a phone number is needed");
                };
                Some(
                    Map::new()
                        .with("conferenceParticipant", n)
                        .with("participationType", "Active"),
                )
            }
            _ => {
                let Some(n) = number else {
                    return self.invalid("a phone number is needed");
                };
                Some(Map::new().with("transferTo", n))
            }
        };
        let path = paths::connection(&call_id, &device_id, suffix);
        let method = if suffix.is_empty() {
            Method::Delete
        } else {
            Method::Post
        };
        self.simple(method, &path, body, now)
    }

    /// `forceListen(callId, deviceId)`.
    pub fn force_listen(
        &mut self,
        call_id: Option<String>,
        device_id: Option<String>,
        now: Now,
    ) -> CommandId {
        let (Some(call_id), Some(device_id)) = (call_id, device_id) else {
            return self.invalid("a callId and a deviceId are needed");
        };
        if self.env.session_id.is_empty() {
            return self.not_logged_in();
        }
        self.simple(Method::Post, &paths::spy(&call_id, &device_id), None, now)
    }

    /// `forceReady`, `forceNotReady`, `forceLogout`.
    pub fn force_state(
        &mut self,
        agent_id: Option<String>,
        device_id: Option<String>,
        mode: &str,
        now: Now,
    ) -> CommandId {
        let (Some(agent_id), Some(device_id)) = (agent_id, device_id) else {
            return self.invalid("an agentId and a deviceId are needed");
        };
        if self.env.session_id.is_empty() {
            return self.not_logged_in();
        }
        let body = if mode == "Logout" {
            let namespace = agent_id.split_once('@').map(|(_, d)| d).unwrap_or_default();
            Map::new()
                .with("namespace", namespace)
                .with("func", "Logout")
                .with("device", device_id)
                .with("agentId", agent_id.as_str())
                .with("loginId", agent_id.as_str())
        } else {
            Map::new()
                .with("func", "SetState")
                .with("agentMode", mode)
                .with("loginId", agent_id.as_str())
                .with("agentId", agent_id.as_str())
                .with("device", device_id)
        };
        self.simple(Method::Post, paths::AGENT_STATE, Some(body), now)
    }

    /// `releaseAllocatedAgent(agentId?)` (own agent by default).
    pub fn release_allocated(&mut self, agent_id: Option<String>, now: Now) -> CommandId {
        if self.env.session_id.is_empty() {
            return self.not_logged_in();
        }
        let agent_id = agent_id.unwrap_or_else(|| self.env.login_id.clone());
        self.simple(Method::Post, &paths::release(&agent_id), None, now)
    }

    // ---------------------------------------------------------------------------------------
    // Log

    /// `uploadLog()`: posts the event log to the platform.
    pub fn upload_log(&mut self, now: Now) -> CommandId {
        if !self.model.is_logged_in() {
            return self.not_logged_in();
        }
        let command = CommandId(self.next_id());
        if self.log.is_empty() {
            self.settle(command, Ok(None));
            return command;
        }
        let name = crate::log::upload_name(&self.env.domain, &self.env.number, now.wall);
        let url = [self.config.rest_base().as_str(), &paths::log_upload(&name)].concat();
        let request = Request::text_upload(url, &self.env.session_id, self.log.entries_text());
        self.send(Purpose::Command(command), request, now);
        command
    }

    /// `downloadLog()`.
    pub fn download_log(&mut self, now: Now) {
        let text = self.log.render(now.wall);
        self.outputs.push_back(Output::Download {
            file_name: crate::log::EventLog::file_name(now.wall),
            text,
        });
    }

    // ---------------------------------------------------------------------------------------
    // Page inputs that are not method calls

    /// A click on an element with the click-to-dial class (`text` is its text,
    /// `number` its `data-well-number`).
    pub fn handle_click_to_dial(
        &mut self,
        text: &str,
        number: Option<&str>,
        now: Now,
    ) -> CommandId {
        self.begin(now);
        let dial = match number {
            Some(n) if !n.trim().is_empty() => n.trim().to_owned(),
            _ => click_to_dial_number(text),
        };
        let command = self.make_call(Some(dial), None, now);
        self.end(now);
        command
    }

    /// A `postMessage` to the page (DECISIONS.md §2 row 5: only from configured origins).
    pub fn handle_post_message(&mut self, origin: &str, data: &str, now: Now) {
        self.begin(now);
        if !self.config.post_message_origins.iter().any(|o| o == origin) {
            if !self.config.post_message_origins.is_empty() {
                self.queue_log(
                    LogKind::Log,
                    &["postMessage ignored from origin ", origin].concat(),
                );
            }
            self.end(now);
            return;
        }
        let message = crate::json::parse(data).ok();
        let method = message
            .as_ref()
            .and_then(|m| m.get("method"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match method.as_str() {
            "getCallMemory" => {
                let text = self.call_memory().to_json();
                self.queue_log(LogKind::Log, &text);
            }
            "logEnv" => {
                let text = Value::Object(self.env.to_json(self.model.is_allocated())).to_json();
                self.queue_log(LogKind::Log, &text);
            }
            "getLog" => {
                let text = self.log.render(now.wall);
                self.queue_log(LogKind::Log, &text);
            }
            "downloadLog" => self.download_log(now),
            "makeCall" => {
                let number = text_arg(message.as_ref().and_then(|m| m.get("phoneNumber")));
                let _ = self.make_call(number, None, now);
            }
            "logout" => {
                let _ = self.logout(None, now);
            }
            _ => self.queue_log(LogKind::Error, "message must be a stringify object!!"),
        }
        self.end(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        for ok in [
            "8001",
            "913800000000",
            "+8613800000000",
            "*72#",
            "938834600-WW8001",
            "938834600-8001",
            "938834600-Ww8002",
        ] {
            assert!(is_phone_number(ok), "{ok}");
        }
        for bad in [
            "",
            "80a1",
            "+",
            "-8001",
            "9388-W",
            "1-2-3",
            "abc",
            "938834600-WWx",
        ] {
            assert!(!is_phone_number(bad), "{bad}");
        }
    }

    #[test]
    fn click_to_dial_text() {
        assert_eq!(click_to_dial_number("010-12345678"), "01012345678");
        assert_eq!(click_to_dial_number(" 138 0000 0000 "), "13800000000");
        assert_eq!(click_to_dial_number("938834600-WW8001"), "938834600-WW8001");
        assert_eq!(click_to_dial_number("tel: 8001sd12"), "800112");
    }
}
