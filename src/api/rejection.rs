//! What a failed command rejects with.

use crate::json::{self, Map, Value};

/// A stable code saying why a command failed (`err.reason`).
///
/// Caller mistakes and local conditions have their own codes; an HTTP error is named after the
/// platform's status table (PROTOCOL.md §2.5), so pages can switch on `reason` instead of
/// numbers or message text.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// An argument is missing or malformed.
    InvalidArgument,
    /// The command needs a logged-in agent.
    NotLoggedIn,
    /// `makeCall` within 2 s of the previous one.
    Throttled,
    /// No answer within `requestTimeoutMs`.
    Timeout,
    /// The request could not be sent or the connection failed.
    Network,
    /// The session expired and could not be renewed.
    SessionExpired,
    /// This browser cannot run the SDK, or the member is no longer supported.
    Unsupported,
    /// A later call of the same command replaced this one (e.g. a second `agentLogin`).
    Cancelled,
    /// The agent has a call in progress (`makeCall`, `logout`).
    CallInProgress,
    /// The agent is allocated by the dialler (`makeCall`, `logout`).
    AgentAllocated,
    /// The user declined the forced login of `loginMode: 'ask'`.
    Declined,
    /// An HTTP error status.
    Http(u16),
}

impl Reason {
    /// The code as pages see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::InvalidArgument => "invalid-argument",
            Reason::NotLoggedIn => "not-logged-in",
            Reason::Throttled => "throttled",
            Reason::Timeout => "timeout",
            Reason::Network => "network",
            Reason::SessionExpired => "session-expired",
            Reason::Unsupported => "unsupported",
            Reason::Cancelled => "cancelled",
            Reason::CallInProgress => "call-in-progress",
            Reason::AgentAllocated => "agent-allocated",
            Reason::Declined => "declined",
            Reason::Http(status) => http_reason(status),
        }
    }
}

/// The platform's status table, as stable codes.
fn http_reason(status: u16) -> &'static str {
    match status {
        401 => "unauthorized",
        423 => "agent-state-invalid",
        426 => "session-expired",
        451 => "device-not-registered",
        452 => "agent-invalid",
        453 => "device-invalid",
        454 => "agent-logged-in",
        455 => "agent-logged-in-elsewhere",
        456 => "device-state-invalid",
        457 => "device-not-authorized",
        458 => "agent-logged-out",
        459 => "device-in-use",
        460 => "device-busy",
        461 => "agent-limit-reached",
        462 => "allocation-failed",
        465 => "auto-outbound-quota",
        466 => "recording-disabled",
        483 => "task-not-assigned",
        200..=299 => "bad-response",
        _ => "http-error",
    }
}

/// What the platform's status means, in the words of its own table.
pub fn status_text(status: u16) -> &'static str {
    match status {
        401 => "username or password error",
        423 => "illegal agent state",
        426 => "get AccessToken failed",
        451 => "device unregistered",
        452 => "illegal agent job number",
        453 => "illegal deviceId",
        454 => "agent already logged in",
        455 => "agent already logged in on another device",
        456 => "illegal device state",
        457 => "unauthorized device",
        458 => "agent already logged out",
        459 => "device in use by another agent",
        460 => "cannot set agent state while calling",
        461 => "online agent count over limit",
        462 => "agent pre-allocation failed",
        465 => "ExceedAgentAutoOutboundQuota",
        466 => "recording start/stop disabled",
        483 => "task not assigned",
        _ => "error",
    }
}

/// The value a failed command's Deferred rejects with.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// HTTP status, `0` when no response was involved.
    pub status: u16,
    /// The stable code pages switch on.
    pub reason: Reason,
    /// The HTTP status text; the reason's code when no response was involved.
    pub status_text: String,
    /// The response body as received (`""` when none).
    pub response_text: String,
    /// The body parsed as JSON, when it was JSON.
    pub response_json: Option<Value>,
    /// A sentence for people (never contains a password).
    pub message: String,
}

impl Rejection {
    /// A failure decided before or without a response.
    pub fn local(reason: Reason, message: impl Into<String>) -> Self {
        Rejection {
            status: 0,
            reason,
            status_text: reason.as_str().to_owned(),
            response_text: String::new(),
            response_json: None,
            message: message.into(),
        }
    }

    /// An HTTP answer outside 2xx (or a 2xx whose body is not the JSON expected).
    pub fn http(status: u16, status_text: &str, body: &str) -> Self {
        let response_json = json::parse(body).ok();
        let status_text = if status_text.is_empty() {
            status_text_or_table(status)
        } else {
            status_text.to_owned()
        };
        Rejection {
            status,
            reason: Reason::Http(status),
            message: status_text_or_table(status),
            status_text,
            response_text: body.to_owned(),
            response_json,
        }
    }

    /// The JS object: `{status, statusText, responseText, responseJSON, reason, message}` plus
    /// `agentId` (459) and `deviceId` (455) lifted from the body.
    pub fn to_json(&self) -> Value {
        let mut response_json = self.response_json.clone();
        let mut m = Map::new()
            .with("status", i64::from(self.status))
            .with("statusText", self.status_text.as_str())
            .with("responseText", self.response_text.as_str())
            .with("reason", self.reason.as_str())
            .with("message", self.message.as_str());
        if let Some(Value::Object(body)) = &mut response_json {
            // 1.3.7 read `agent`; the docs promised `agentId`: give both (DECISIONS §3).
            if self.status == 459 {
                if let Some(agent) = body.get("agent").cloned() {
                    if !body.contains_key("agentId") {
                        body.insert("agentId", agent);
                    }
                }
                if let Some(agent) = body.get("agentId").cloned() {
                    m.insert("agentId", agent);
                }
            }
            if self.status == 455 {
                if let Some(device) = body.get("deviceId").cloned() {
                    m.insert("deviceId", device);
                }
            }
        }
        if let Some(body) = response_json {
            m.insert("responseJSON", body);
        }
        Value::Object(m)
    }
}

fn status_text_or_table(status: u16) -> String {
    let mut s = json::int_text(i64::from(status));
    s.push(' ');
    s.push_str(status_text(status));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_of_459_is_offered_under_both_names() {
        let r = Rejection::http(459, "", r#"{"agent":"5002@test.cc"}"#).to_json();
        assert_eq!(
            r.get("agentId").and_then(Value::as_str),
            Some("5002@test.cc")
        );
        let body = r.get("responseJSON").unwrap();
        assert_eq!(
            body.get("agent").and_then(Value::as_str),
            Some("5002@test.cc")
        );
        assert_eq!(
            body.get("agentId").and_then(Value::as_str),
            Some("5002@test.cc")
        );
        assert_eq!(
            r.get("reason").and_then(Value::as_str),
            Some("device-in-use")
        );
        assert_eq!(r.get("status").and_then(Value::as_i64), Some(459));
    }

    #[test]
    fn device_of_455_and_text_bodies() {
        let r = Rejection::http(455, "", r#"{"deviceId":"8003@test.cc"}"#).to_json();
        assert_eq!(
            r.get("deviceId").and_then(Value::as_str),
            Some("8003@test.cc")
        );
        let t = Rejection::http(500, "Internal Server Error", "boom").to_json();
        assert_eq!(t.get("responseJSON"), None);
        assert_eq!(t.get("responseText").and_then(Value::as_str), Some("boom"));
        assert_eq!(
            t.get("statusText").and_then(Value::as_str),
            Some("Internal Server Error")
        );
        assert_eq!(t.get("reason").and_then(Value::as_str), Some("http-error"));
    }

    #[test]
    fn local_failures_have_status_zero() {
        let r = Rejection::local(Reason::Throttled, "wait").to_json();
        assert_eq!(r.get("status").and_then(Value::as_i64), Some(0));
        assert_eq!(r.get("reason").and_then(Value::as_str), Some("throttled"));
    }

    #[test]
    fn every_status_of_the_table_has_a_code() {
        for s in [
            401, 423, 426, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 465, 466,
            483,
        ] {
            assert_ne!(Reason::Http(s).as_str(), "http-error", "{s}");
            assert_ne!(status_text(s), "error", "{s}");
        }
    }
}
