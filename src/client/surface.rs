//! The `wellClient` methods by name: JavaScript arguments (as JSON) in, a value or a command out.
//!
//! This is the whole page-facing surface of 1.3.7 (PROTOCOL.md §3.1) and the additions of
//! DECISIONS.md §5, in one table, so the adapter stays a loop that forwards calls. Handler
//! registration (`on`, `innerOn`, `addEventListener`, `removeEventListener`, `once`) and
//! `setConfig({notify})` take functions and are handled by the adapter with [`HandlerId`]s.

use super::commands::{is_phone_number, text_arg};
use super::*;
use crate::api::Reason;
use crate::config::VERSION;

/// What a method call gives back to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Invoke {
    /// `undefined`.
    Undefined,
    /// A plain value.
    Value(Value),
    /// A Deferred that settles with a later [`Delivery::Settle`].
    Command(CommandId),
}

impl Invoke {
    /// The plain value, if this is one.
    pub fn value(&self) -> Option<Value> {
        match self {
            Invoke::Value(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// The command, if this is one.
    pub fn command(&self) -> Option<CommandId> {
        match self {
            Invoke::Command(c) => Some(*c),
            _ => None,
        }
    }
}

/// Members of 1.3.7 that are kept only so pages calling them do not break (DECISIONS.md M5).
pub const RETIRED: &[&str] = &[
    "setSessionId",
    "deliverEvent",
    "trigger",
    "get",
    "render",
    "isFunction",
    "isArray",
    "getCache",
    "seacchLog",
    "createLogName",
    "relogin",
    "heartbeat",
    "outputLog",
    "sendPendingMode",
    "ieInit",
];

/// Methods whose result is a Deferred.
pub const COMMANDS: &[&str] = &[
    "agentLogin",
    "login",
    "logout",
    "superLogout",
    "setAgentMode",
    "checkRecoverStateAbility",
    "getClientState",
    "makeCall",
    "answerCall",
    "dropConnection",
    "holdCall",
    "retrieveCall",
    "singleStepTransfer",
    "singleTransferWaitReturn",
    "singleStepConference",
    "consult",
    "conference",
    "cancelConsult",
    "transferCall",
    "transferWaitReturn",
    "agentGreeting",
    "setCallData",
    "getCallData",
    "startRecording",
    "stopRecording",
    "forceDrop",
    "forceJoin",
    "forceTake",
    "forceListen",
    "forceReady",
    "forceNotReady",
    "forceLogout",
    "releaseAllocatedAgent",
    "uploadLog",
];

/// Methods that return a plain value or nothing.
pub const VALUES: &[&str] = &[
    "getVersion",
    "getCallMemory",
    "getCallActions",
    "getConnectionState",
    "log",
    "error",
    "setDebug",
    "setConfig",
    "useConfig",
    "getConfig",
    "getWs",
    "getSessionId",
    "getEnv",
    "isPhoneNumber",
    "findItem",
    "isLogined",
    "getMyPrefix",
    "getLog",
    "getEventLog",
    "clearLog",
    "enableLog",
    "disableLog",
    "downloadLog",
    "insertClock",
    "triggerInnerOn",
];

impl Client {
    /// Runs the `wellClient` method `name` with its arguments (`null` for `undefined`).
    /// An unknown name is reported through `onLog` and gives `undefined`.
    pub fn invoke(&mut self, name: &str, args: &[Value], now: Now) -> Invoke {
        self.begin(now);
        let result = self.dispatch_method(name, args, now);
        self.end(now);
        result
    }

    fn dispatch_method(&mut self, name: &str, args: &[Value], now: Now) -> Invoke {
        let arg = |i: usize| args.get(i);
        let text = |i: usize| text_arg(args.get(i));
        let obj = |i: usize| args.get(i).and_then(Value::as_object);
        let cmd = Invoke::Command;
        match name {
            // --- configuration and information
            "getVersion" => Invoke::Value(VERSION.into()),
            "useConfig" => {
                let ok = self.use_config(arg(0).and_then(Value::as_str));
                Invoke::Value(ok.into())
            }
            "setConfig" => {
                if let Some(conf) = obj(0) {
                    self.set_config(conf);
                }
                Invoke::Undefined
            }
            "getConfig" => Invoke::Value(Value::Object(self.config.to_json(self.is_logged_in()))),
            "setDebug" => {
                self.config.debug = match arg(0) {
                    None | Some(Value::Null) => true,
                    Some(v) => v.is_truthy(),
                };
                Invoke::Undefined
            }
            "isLogined" => Invoke::Value(self.is_logged_in().into()),
            "getCallMemory" => Invoke::Value(self.call_memory()),
            "getCallActions" => {
                let call_id = text(0).unwrap_or_default();
                let actions = self.model.memory().actions(&call_id, &self.env.device_id);
                Invoke::Value(actions.to_json())
            }
            "getConnectionState" => Invoke::Value(Value::Object(self.conn.to_json())),
            "getWs" => Invoke::Value(self.ws_info()),
            "getSessionId" => Invoke::Value(
                if self.env.session_id.is_empty() {
                    self.stored_session_id.as_str()
                } else {
                    self.env.session_id.as_str()
                }
                .into(),
            ),
            "getEnv" => Invoke::Value(Value::Object(self.env.to_json(self.model.is_allocated()))),
            "getMyPrefix" => Invoke::Value(Value::Array(
                self.prefixes.iter().map(Value::from).collect(),
            )),
            "isPhoneNumber" => Invoke::Value(
                arg(0)
                    .and_then(Value::as_str)
                    .is_some_and(is_phone_number)
                    .into(),
            ),
            "findItem" => Invoke::Value(find_item(arg(0), arg(1), arg(2))),
            "log" | "error" => {
                let kind = if name == "log" {
                    LogKind::Log
                } else {
                    LogKind::Error
                };
                let content = match arg(0) {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_json(),
                    None => String::new(),
                };
                self.queue.push_back(Queued::Log(kind, content));
                Invoke::Undefined
            }
            "getLog" | "getEventLog" => Invoke::Value(self.log.render(now.wall).into()),
            "clearLog" => {
                self.log.clear();
                Invoke::Undefined
            }
            "enableLog" | "disableLog" => {
                self.config.use_event_log = name == "enableLog";
                Invoke::Undefined
            }
            "downloadLog" => {
                self.download_log(now);
                Invoke::Undefined
            }
            "insertClock" => {
                self.outputs.push_back(Output::InsertClock);
                Invoke::Undefined
            }
            "triggerInnerOn" => {
                if let Some(event) = obj(0) {
                    self.queue.push_back(Queued::Inner(event.clone()));
                }
                Invoke::Undefined
            }

            // --- session
            "agentLogin" => cmd(self.agent_login(obj(0), now)),
            "logout" => cmd(self.logout(text(0), now)),
            "superLogout" => cmd(self.super_logout(text(0), now)),
            "setAgentMode" => cmd(self.set_agent_mode(text(0), text(1), now)),
            "checkRecoverStateAbility" => cmd(self.check_recover(obj(0), now)),
            "getClientState" => cmd(self.get_client_state(now)),

            // --- calls
            "makeCall" => cmd(self.make_call(text(0), obj(1), now)),
            "answerCall" => cmd(self.connection_command(text(0), true, "/answer", None, now)),
            "dropConnection" => cmd(self.connection_command(text(0), true, "", None, now)),
            "holdCall" => cmd(self.connection_command(text(0), true, "/hold", None, now)),
            "retrieveCall" => cmd(self.connection_command(text(0), true, "/retrieve", None, now)),
            "singleStepTransfer" => cmd(self.call_with_number(
                text(0),
                text(1),
                "/singleStepTransfer",
                "transferTo",
                None,
                now,
            )),
            "singleTransferWaitReturn" => {
                let call_id =
                    text(0).or_else(|| self.model.memory().only_call_id().map(str::to_owned));
                cmd(self.call_with_number(
                    call_id,
                    text(1),
                    "/singleStepTransferCallAndWait",
                    "transferTo",
                    None,
                    now,
                ))
            }
            "singleStepConference" => {
                let kind = match text(2).as_deref() {
                    None | Some("Active") => "Active",
                    Some("Silent") => "Silent",
                    Some(_) => {
                        return cmd(self.reject_now(Rejection::local(
                            Reason::InvalidArgument,
                            "type must be Active or Silent",
                        )))
                    }
                };
                cmd(self.call_with_number(
                    text(0),
                    text(1),
                    "/singleStepConference",
                    "conferenceParticipant",
                    Some(("participationType", kind.to_owned())),
                    now,
                ))
            }
            "consult" => cmd(self.call_with_number(
                text(0),
                text(1),
                "/consult",
                "consultationParticipant",
                None,
                now,
            )),
            "conference" => cmd(self.consult_command(text(0), text(1), "/conference", now)),
            "cancelConsult" => cmd(self.consult_command(text(0), text(1), "/cancelConsult", now)),
            "transferCall" => cmd(self.consult_command(text(0), text(1), "/transfer", now)),
            "transferWaitReturn" => {
                cmd(self.consult_command(text(0), text(1), "/transferAndWait", now))
            }
            "agentGreeting" => cmd(self.agent_greeting(text(0), text(1), now)),
            "setCallData" => cmd(self.set_call_data(text(0), arg(1), now)),
            "getCallData" => cmd(self.get_call_data(text(0), now)),
            "startRecording" => cmd(self.recording(true, now)),
            "stopRecording" => cmd(self.recording(false, now)),

            // --- supervisor
            "forceDrop" => cmd(self.force_on_connection(text(0), text(1), None, "", now)),
            "forceJoin" => cmd(self.force_on_connection(
                text(0),
                text(1),
                text(2),
                "/singleStepConference",
                now,
            )),
            "forceTake" => {
                cmd(self.force_on_connection(text(0), text(1), text(2), "/singleStepTransfer", now))
            }
            "forceListen" => cmd(self.force_listen(text(0), text(1), now)),
            "forceReady" => cmd(self.force_state(text(0), text(1), "Ready", now)),
            "forceNotReady" => cmd(self.force_state(text(0), text(1), "NotReady", now)),
            "forceLogout" => cmd(self.force_state(text(0), text(1), "Logout", now)),
            "releaseAllocatedAgent" => cmd(self.release_allocated(text(0), now)),
            "uploadLog" => cmd(self.upload_log(now)),

            // --- retired members
            "login" => {
                self.retired(name);
                cmd(self.reject_now(Rejection::local(
                    Reason::Unsupported,
                    "login() is retired: use agentLogin()",
                )))
            }
            _ if RETIRED.contains(&name) => {
                self.retired(name);
                Invoke::Undefined
            }
            _ => {
                let mut text = String::from("wellClient has no method ");
                text.push_str(name);
                self.queue_log(LogKind::Error, &text);
                Invoke::Undefined
            }
        }
    }

    fn retired(&mut self, name: &str) {
        let mut text = String::from("wellClient.");
        text.push_str(name);
        text.push_str(" is no longer supported and does nothing");
        self.queue_log(LogKind::Log, &text);
    }

    /// `getWs()`: `{}` before the first connection, then `{connected, ws: {readyState}}`.
    fn ws_info(&self) -> Value {
        if !self.socket.ever_opened && self.socket.phase == Phase::None {
            return Value::Object(Map::new());
        }
        let ready_state: i64 = match self.socket.phase {
            Phase::Opening => 0,
            Phase::Open | Phase::Settling | Phase::Ready => 1,
            Phase::Closing => 2,
            Phase::None => 3,
        };
        Value::Object(
            Map::new()
                .with("connected", self.socket.phase == Phase::Ready)
                .with("ws", Map::new().with("readyState", ready_state)),
        )
    }
}

/// `findItem(list, key, value)`: index of the first element with `el[key] === value`, `-1` if
/// none, `false` on bad arguments.
fn find_item(list: Option<&Value>, key: Option<&Value>, value: Option<&Value>) -> Value {
    let (Some(Value::Array(list)), Some(Value::String(key))) = (list, key) else {
        return Value::Bool(false);
    };
    let wanted = value.cloned().unwrap_or(Value::Null);
    let index = list
        .iter()
        .position(|el| el.get(key) == Some(&wanted))
        .and_then(|i| i64::try_from(i).ok())
        .unwrap_or(-1);
    Value::from(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    #[test]
    fn find_item_like_the_original() {
        let list = parse(r#"[{"a":1},{"a":"x"},{"a":"x"}]"#).unwrap();
        assert_eq!(
            find_item(Some(&list), Some(&"a".into()), Some(&"x".into())),
            Value::from(1i64)
        );
        assert_eq!(
            find_item(Some(&list), Some(&"a".into()), Some(&"y".into())),
            Value::from(-1i64)
        );
        assert_eq!(
            find_item(Some(&"no".into()), Some(&"a".into()), None),
            Value::Bool(false)
        );
    }

    #[test]
    fn the_surface_lists_do_not_overlap() {
        for n in COMMANDS {
            assert!(!VALUES.contains(n) && !RETIRED.contains(n), "{n}");
        }
        for n in VALUES {
            assert!(!RETIRED.contains(n), "{n}");
        }
    }
}
