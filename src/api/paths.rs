//! The platform's REST paths (PROTOCOL.md §2.4), relative to the REST base.
//!
//! Every parameter is percent-encoded ([`super::encode_component`]); nothing is substituted
//! into a template, so a call id can never inject or loop (DECISIONS.md §2 row 30).

use super::encode_component;

/// `/api/csta/agent/state`: login, logout, set state, force operations.
pub const AGENT_STATE: &str = "/api/csta/agent/state";
/// `/api/csta/agent/client-state`: recover and resync.
pub const CLIENT_STATE: &str = "/api/csta/agent/client-state";
/// `/api/csta/callControl/calls`: make a call.
pub const CALLS: &str = "/api/csta/callControl/calls";

fn join(parts: &[&str], params: &[&str]) -> String {
    // parts and params alternate: part0 param0 part1 param1 ...
    let mut out = String::new();
    let mut params = params.iter();
    for part in parts {
        out.push_str(part);
        if let Some(p) = params.next() {
            encode_component(p, &mut out);
        }
    }
    out
}

/// `/api/csta/agent/heartbeat/{agentId}`
pub fn heartbeat(agent_id: &str) -> String {
    join(&["/api/csta/agent/heartbeat/"], &[agent_id])
}

/// A call-control operation on a connection:
/// `/api/csta/callControl/calls/{callId}/connections/{deviceId}%7C{callId}{suffix}`.
/// `suffix` is `""` (drop), `"/answer"`, `"/hold"`, ... .
pub fn connection(call_id: &str, device_id: &str, suffix: &str) -> String {
    let mut connection_id = String::with_capacity(device_id.len() + call_id.len() + 1);
    connection_id.push_str(device_id);
    connection_id.push('|');
    connection_id.push_str(call_id);
    let mut out = join(
        &["/api/csta/callControl/calls/", "/connections/"],
        &[call_id, &connection_id],
    );
    out.push_str(suffix);
    out
}

/// `/api/csta/callControl/calls/{callId}/user-data`
pub fn user_data(call_id: &str) -> String {
    join(&["/api/csta/callControl/calls/", "/user-data"], &[call_id])
}

/// `/api/csta/callControl/calls/{callId}/user-data/` (the key is always empty, as in 1.3.7).
pub fn user_data_get(call_id: &str) -> String {
    join(&["/api/csta/callControl/calls/", "/user-data/"], &[call_id])
}

/// `/api/csta/callControl/calls/{callId}/agentGreeting`
pub fn agent_greeting(call_id: &str) -> String {
    join(
        &["/api/csta/callControl/calls/", "/agentGreeting"],
        &[call_id],
    )
}

/// `/api/csta/callControl/calls/{callId}/spy?deviceId={deviceId}`
pub fn spy(call_id: &str, device_id: &str) -> String {
    join(
        &["/api/csta/callControl/calls/", "/spy?deviceId="],
        &[call_id, device_id],
    )
}

/// `/api/csta/outbound/release/{agentId}`
pub fn release(agent_id: &str) -> String {
    join(&["/api/csta/outbound/release/"], &[agent_id])
}

/// `/api/operation/operation/tenants/{domain}/agents/{agentId}`: the dial prefixes.
pub fn prefixes(domain: &str, agent_id: &str) -> String {
    join(
        &["/api/operation/operation/tenants/", "/agents/"],
        &[domain, agent_id],
    )
}

/// `/api/csta/callControl/recording/{Start|Stop}?extension={deviceId}`
pub fn recording(start: bool, device_id: &str) -> String {
    let action = if start { "Start" } else { "Stop" };
    let mut out = String::from("/api/csta/callControl/recording/");
    out.push_str(action);
    out.push_str("?extension=");
    encode_component(device_id, &mut out);
    out
}

/// `/client-log/upload?filename={name}`
pub fn log_upload(file_name: &str) -> String {
    join(&["/client-log/upload?filename="], &[file_name])
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "6aee1dda-d4a2-4d3c-8fab-df7782a6c10f";

    #[test]
    fn paths_match_the_spec() {
        assert_eq!(
            connection(C, "8001@test.cc", "/answer"),
            format!("/api/csta/callControl/calls/{C}/connections/8001@test.cc%7C{C}/answer")
        );
        assert_eq!(
            connection(C, "8001@test.cc", ""),
            format!("/api/csta/callControl/calls/{C}/connections/8001@test.cc%7C{C}")
        );
        assert_eq!(
            heartbeat("5001@test.cc"),
            "/api/csta/agent/heartbeat/5001@test.cc"
        );
        assert_eq!(
            prefixes("test.cc", "5001@test.cc"),
            "/api/operation/operation/tenants/test.cc/agents/5001@test.cc"
        );
        assert_eq!(
            recording(false, "8001@test.cc"),
            "/api/csta/callControl/recording/Stop?extension=8001@test.cc"
        );
        assert_eq!(
            user_data_get(C),
            format!("/api/csta/callControl/calls/{C}/user-data/")
        );
        assert_eq!(
            spy(C, "8002@test.cc"),
            format!("/api/csta/callControl/calls/{C}/spy?deviceId=8002@test.cc")
        );
    }

    #[test]
    fn parameters_cannot_inject_or_loop() {
        assert_eq!(
            connection("{{callId}}/../x", "8001@t", "/hold"),
            "/api/csta/callControl/calls/%7B%7BcallId%7D%7D%2F..%2Fx/connections/8001@t%7C%7B%7BcallId%7D%7D%2F..%2Fx/hold"
        );
    }
}
