//! The bodies of the events the platform publishes, field by field as the fixtures show them.
//!
//! Every call event is built for one recipient device (`srcDeviceId`, `eventSrc`,
//! `connectionId` = `<recipient>|<callId>`); its `serial` is a placeholder filled in when it is
//! published on the recipient agent's topic, so that it keeps its place after `eventType`.

use serde_json::{json, Map, Value};

/// Where and when an event happens: the tenant and the formatted local time.
#[derive(Clone, Copy)]
pub(crate) struct Stamp<'a> {
    /// The tenant's domain (`namespace`).
    pub domain: &'a str,
    /// `eventTime`, `YYYY.MM.DD HH:mm:ss` in the server's local time.
    pub time: &'a str,
}

/// The fields every call event starts with (PROTOCOL.md §12, "Common CSTA-event fields").
#[allow(clippy::too_many_arguments)]
pub(crate) fn csta(
    at: Stamp<'_>,
    name: &str,
    recipient: &str,
    call_id: &str,
    device_id: &str,
    local_state: &str,
    cause: Option<&str>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("eventName".into(), name.into());
    m.insert("eventSrc".into(), recipient.into());
    m.insert("eventTime".into(), at.time.into());
    m.insert("eventType".into(), "csta".into());
    m.insert("serial".into(), Value::Null);
    m.insert("namespace".into(), at.domain.into());
    m.insert("srcDeviceId".into(), recipient.into());
    m.insert("callId".into(), call_id.into());
    m.insert("deviceId".into(), device_id.into());
    m.insert("localState".into(), local_state.into());
    m.insert(
        "connectionId".into(),
        format!("{recipient}|{call_id}").into(),
    );
    if let Some(cause) = cause {
        m.insert("cause".into(), cause.into());
    }
    m
}

/// An agent-state event (`agentLoggedOn`, `agentReady`, ...). `reason` is included only when
/// there is one, as in fixture 11.
pub(crate) fn agent(
    at: Stamp<'_>,
    name: &str,
    agent_id: &str,
    device: &str,
    mode: &str,
    reason: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("eventName".into(), name.into());
    m.insert("eventTime".into(), at.time.into());
    m.insert("eventType".into(), "agent".into());
    m.insert("serial".into(), Value::Null);
    m.insert("namespace".into(), at.domain.into());
    m.insert("srcDeviceId".into(), device.into());
    m.insert("deviceId".into(), device.into());
    m.insert("agentId".into(), agent_id.into());
    m.insert("agentMode".into(), mode.into());
    m.insert("devices".into(), json!({ "Voice": device }));
    if !reason.is_empty() {
        m.insert("reason".into(), reason.into());
    }
    m
}

/// The platform's internal routing fields that `agentLoggedOn` carries (fixture 01); the
/// client deletes them before dispatch.
pub(crate) fn add_platform_internals(m: &mut Map<String, Value>, agent_id: &str, device: &str) {
    let domain = agent_id.split_once('@').map_or("", |(_, d)| d);
    m.insert(
        "params".into(),
        json!({
            "_amqpTopic": format!("event.csta.{domain}"),
            "agent": agent_id,
            "subscriptionId": format!(
                "http%3A%2F%2F127.0.0.1%3A58080%2Fevent-sink%2Fcsta%2F{domain}"
            ),
        }),
    );
    m.insert(
        "_type".into(),
        "component.cti.event.AgentLoggedOnEvent".into(),
    );
    m.insert(
        "topics".into(),
        json!([
            "agentLoggedOn",
            format!("agent:{agent_id}"),
            format!("device:{device}"),
            format!("agent:{domain}"),
            "agent",
            "csta"
        ]),
    );
}

/// `recordStarted`: the documented field set (no `srcDeviceId`, `serial` last).
pub(crate) fn record_started(
    at: Stamp<'_>,
    recipient: &str,
    record_id: &str,
    call_id: &str,
    file_name: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("eventName".into(), "recordStarted".into());
    m.insert("eventSrc".into(), recipient.into());
    m.insert("eventTime".into(), at.time.into());
    m.insert("eventType".into(), "csta".into());
    m.insert("namespace".into(), at.domain.into());
    m.insert("recordId".into(), record_id.into());
    m.insert("callId".into(), call_id.into());
    m.insert("deviceId".into(), recipient.into());
    m.insert("fileName".into(), file_name.into());
    m.insert("isSuccess".into(), true.into());
    m
}

/// `recordStopped`: the documented field set (no `callId`/`deviceId`, `serial` last).
pub(crate) fn record_stopped(
    at: Stamp<'_>,
    recipient: &str,
    record_id: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("eventName".into(), "recordStopped".into());
    m.insert("eventSrc".into(), recipient.into());
    m.insert("eventTime".into(), at.time.into());
    m.insert("eventType".into(), "csta".into());
    m.insert("namespace".into(), at.domain.into());
    m.insert("srcDeviceId".into(), recipient.into());
    m.insert("recordId".into(), record_id.into());
    m.insert("isSuccess".into(), true.into());
    m
}

/// Appends `key: value` pairs in order.
pub(crate) fn with(mut m: Map<String, Value>, fields: &[(&str, Value)]) -> Map<String, Value> {
    for (k, v) in fields {
        m.insert((*k).into(), v.clone());
    }
    m
}
