//! Session upkeep over injected time: HTTP heartbeat, reconnect, resync, session renewal,
//! request timeouts.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod support;

use support::*;
use well_client::client::{HandlerId, Output};
use well_client::json::Value;

fn heartbeats(page: &mut Page) -> Vec<u64> {
    let mut at = Vec::new();
    while let Some(pos) = page.outputs.iter().position(
        |o| matches!(o, Output::Http { request, .. } if request.url.contains("/heartbeat/")),
    ) {
        if let Some(Output::Http { id, .. }) = page.outputs.remove(pos) {
            at.push(page.ms);
            page.reply(id, 204, "");
        }
    }
    at
}

#[test]
fn one_heartbeat_every_minute_whatever_happens() {
    let mut page = Page::new();
    page.login();
    let start = page.ms;
    let mut beats = Vec::new();
    for _ in 0..10 * 60 {
        page.advance(1_000);
        beats.extend(heartbeats(&mut page));
    }
    assert_eq!(beats.len(), 10, "{beats:?}");
    for pair in beats.windows(2) {
        assert_eq!(pair[1] - pair[0], 60_000);
    }
    assert_eq!(beats[0] - start, 60_000);
    // A second agentLoggedOn (re-login) does not add a second schedule.
    page.agent_event("agentLoggedOn", "NotReady", 1003);
    let _ = heartbeats(&mut page);
    let mut more = Vec::new();
    for _ in 0..180 {
        page.advance(1_000);
        more.extend(heartbeats(&mut page));
    }
    assert_eq!(more.len(), 3, "{more:?}");
}

#[test]
fn failing_heartbeats_retry_once_then_report() {
    let mut page = Page::new();
    page.login();
    let state = page.inner_on("connectionStateChanged");
    page.run_for(60_000);
    let (id, _) = page.next_request();
    page.reply(id, 500, "");
    page.run_for(9_999);
    assert!(!page.has_request());
    page.run_for(1);
    let (id, _) = page.next_request();
    page.reply(id, 503, "");
    assert!(page
        .logs("error")
        .iter()
        .any(|l| l.contains("heartbeat failing")));
    let changes = page.delivered_to(state);
    assert_eq!(
        changes.last().unwrap().get("heartbeatFailing"),
        Some(&Value::Bool(true))
    );
    page.run_for(60_000);
    let (id, _) = page.next_request();
    page.reply(id, 204, "");
    assert_eq!(
        page.delivered_to(state)
            .last()
            .unwrap()
            .get("heartbeatFailing"),
        Some(&Value::Bool(false))
    );
}

#[test]
fn a_throttled_background_tab_still_beats_on_socket_activity() {
    // Timers fire at most once a minute (Chrome's intensive throttling); the broker's
    // messages still wake the page. The heartbeat goes out on those wakes.
    let mut page = Page::new();
    page.login();
    let _ = heartbeats(&mut page);
    page.ms += 61_000; // no timer ran
    page.agent_event("agentReady", "Ready", 1005);
    assert_eq!(heartbeats(&mut page).len(), 1);
}

#[test]
fn reconnect_five_times_then_ws_disconnected_once_then_background() {
    let mut page = Page::new();
    page.login();
    let (opens, disconnected) = attempts_until_disconnected(&mut page);
    // Five attempts about a second apart (±20 % jitter), then the report.
    assert_eq!(opens.len(), 5, "{opens:?}");
    for pair in opens.windows(2) {
        assert!((700..=1300).contains(&(pair[1] - pair[0])), "{opens:?}");
    }
    assert_eq!(page.delivered_to(disconnected).len(), 1);
    assert_eq!(
        text(&page.delivered_to(disconnected)[0], "msg"),
        "websocket disconnect"
    );
    // Background attempts go on, further apart, and wsDisconnected is not repeated.
    let mut background = 0;
    for _ in 0..10 {
        page.run_for(40_000);
        if page
            .take_output(|o| matches!(o, Output::WsOpen { .. }))
            .is_some()
        {
            background += 1;
            page.drop_socket();
        }
    }
    assert!(background >= 5, "{background}");
    assert_eq!(page.delivered_to(disconnected).len(), 1);
    let state = page.call("getConnectionState", "[]").value().unwrap();
    assert_eq!(text(&state, "state"), "disconnected");

    // Success: resync from client-state, wsReconnectSucceed when registered.
    let succeed = page.inner_on("wsReconnectSucceed");
    page.wait_for_open(40_000);
    page.connect_socket("1.1");
    page.expect_request(
        "/api/csta/agent/client-state",
        200,
        r#"{"agent":{"agentId":"5001@test.cc","extensionId":"8001@test.cc","namespace":"test.cc","agentMode":"Ready"},"extension":{}}"#,
    );
    let got = page.delivered_to(succeed);
    assert_eq!(got.len(), 1);
    assert_eq!(text(&got[0], "agentMode"), "Ready");
    assert_eq!(
        text(
            &page.call("getConnectionState", "[]").value().unwrap(),
            "state"
        ),
        "connected"
    );
    // The subscription was restored on the new socket.
    assert!(page
        .sent_frames
        .iter()
        .rev()
        .any(|f| f.starts_with("SUBSCRIBE\n") && f.contains("/topic/event.agent.*.5001@test_cc")));
}

/// Drops the socket and refuses every reconnect attempt until `wsDisconnected` (within 60 s):
/// the time of each attempt after the drop, and the `wsDisconnected` handler.
fn attempts_until_disconnected(page: &mut Page) -> (Vec<u64>, HandlerId) {
    let disconnected = page.inner_on("wsDisconnected");
    page.outputs.clear();
    page.drop_socket();
    let mut opens = Vec::new();
    let start = page.ms;
    while page.delivered_to(disconnected).is_empty() {
        page.run_for(100);
        if page
            .take_output(|o| matches!(o, Output::WsOpen { .. }))
            .is_some()
        {
            opens.push(page.ms - start);
            page.drop_socket();
        }
        assert!(page.ms - start < 60_000, "no wsDisconnected: {opens:?}");
    }
    (opens, disconnected)
}

#[test]
fn a_configured_reconnect_policy_is_followed() {
    // Two tries 3 s apart, then the report; no background attempts after it.
    let mut page = Page::new();
    page.call(
        "setConfig",
        r#"[{"reconnect":{"tries":2,"delayMs":3000,"background":false}}]"#,
    );
    page.login();
    let (opens, _) = attempts_until_disconnected(&mut page);
    assert_eq!(opens.len(), 2, "{opens:?}");
    for (n, at) in opens.iter().enumerate() {
        let expected = 3_000 * (n as u64 + 1);
        assert!(
            (expected - 1_200..=expected + 1_200).contains(at),
            "{opens:?}"
        );
    }
    page.run_for(120_000);
    assert!(
        page.take_output(|o| matches!(o, Output::WsOpen { .. }))
            .is_none(),
        "no background attempts when background is false"
    );
    let state = page.call("getConnectionState", "[]").value().unwrap();
    assert_eq!(text(&state, "state"), "disconnected");

    // 1.3.7's own names: `maxReconnectTimes` tries, `timeout` seconds apart.
    let mut page = Page::new();
    page.call("setConfig", r#"[{"maxReconnectTimes":3,"timeout":2}]"#);
    page.login();
    let (opens, _) = attempts_until_disconnected(&mut page);
    assert_eq!(opens.len(), 3, "{opens:?}");
    for pair in opens.windows(2) {
        assert!((1_400..=2_600).contains(&(pair[1] - pair[0])), "{opens:?}");
    }
}

#[test]
fn reconnect_resync_removes_calls_that_ended_meanwhile() {
    let mut page = Page::new();
    page.client.set_ui_installed(true);
    page.login();
    page.inner_on("wsReconnectSucceed");
    page.event(r#"{"eventName":"delivered","eventTime":"2019.05.09 10:00:00","eventType":"csta","serial":3001,"srcDeviceId":"8001@test.cc","callId":"c1","deviceId":"8001@test.cc","alertingDevice":"8001@test.cc","callingDevice":"13800000000@test.cc","calledDevice":"8001@test.cc"}"#);
    page.take_ui();
    page.reconnect_and_resync(r#"{"agent":{"agentId":"5001@test.cc","extensionId":"8001@test.cc","agentMode":"NotReady"},"extension":{}}"#);
    let memory = page.call("getCallMemory", "[]").value().unwrap();
    assert_eq!(memory.get("length").and_then(Value::as_i64), Some(0));
    let ui = page.take_ui();
    assert!(
        ui.iter().any(|u| text(u, "eventName") == "removeUiState"),
        "{ui:?}"
    );
}

#[test]
fn a_failed_resync_is_retried_and_the_socket_stays() {
    let mut page = Page::new();
    page.login();
    page.drop_socket();
    page.wait_for_open(1_300);
    page.connect_socket("1.1");
    page.outputs
        .retain(|o| !matches!(o, Output::WsClose { .. }));
    page.expect_request("/api/csta/agent/client-state", 500, "");
    assert!(!page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::WsClose { .. })));
    page.run_for(10_000);
    page.expect_request(
        "/api/csta/agent/client-state",
        200,
        r#"{"agent":{"agentMode":"Ready"},"extension":{}}"#,
    );
}

#[test]
fn resync_reporting_logout_logs_the_client_out() {
    let mut page = Page::new();
    page.login();
    page.reconnect_and_resync(
        r#"{"agent":{"agentId":"5001@test.cc","agentMode":"Logout"},"extension":{}}"#,
    );
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(false))
    );
}

#[test]
fn a_426_renews_the_session_once_and_retries_the_request() {
    let mut page = Page::new();
    page.login();
    let cmd = page.command("holdCall", r#"["c1"]"#);
    let cmd2 = page.command("retrieveCall", r#"["c1"]"#);
    let (h1, _) = page.next_request();
    let (h2, _) = page.next_request();
    page.reply(h1, 426, "get AccessToken failed");
    page.reply(h2, 426, "get AccessToken failed");
    // One renewal for both.
    let (renew, req) = page.next_request();
    assert!(req.url.ends_with("/login"));
    assert!(!page.has_request());
    page.reply(renew, 200, r#"{"sessionId":"fresh"}"#);
    let (r1, retry1) = page.next_request();
    let (r2, retry2) = page.next_request();
    assert!(retry1.url.ends_with("/hold") && retry2.url.ends_with("/retrieve"));
    assert_eq!(retry1.header("sessionId"), Some("fresh"));
    page.reply(r1, 204, "");
    page.reply(r2, 426, "");
    assert_eq!(page.settled(cmd), Some(Ok(None)));
    assert_eq!(
        page.rejection(cmd2).get("status").and_then(Value::as_i64),
        Some(426),
        "retried once only"
    );
    assert_eq!(
        page.call("getSessionId", "[]").value(),
        Some(Value::from("fresh"))
    );
}

#[test]
fn every_deferred_settles_within_the_request_timeout() {
    let mut page = Page::new();
    page.login();
    page.call("setConfig", r#"[{"requestTimeoutMs":5000}]"#);
    let cmd = page.command("holdCall", r#"["c1"]"#);
    let (id, _) = page.next_request();
    page.run_for(4_999);
    assert!(page.settled(cmd).is_none());
    page.run_for(1);
    assert_eq!(text(&page.rejection(cmd), "reason"), "timeout");
    assert!(page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::HttpAbort { id: a } if *a == id)));
    // A late answer changes nothing.
    page.reply(id, 204, "");
    assert_eq!(text(&page.rejection(cmd), "reason"), "timeout");
}

#[test]
fn network_failures_reject_with_network() {
    let mut page = Page::new();
    page.login();
    let cmd = page.command("holdCall", r#"["c1"]"#);
    let (id, _) = page.next_request();
    let now = page.now();
    page.client.handle_http(id, None, now);
    page.pump();
    assert_eq!(text(&page.rejection(cmd), "reason"), "network");
}

#[test]
fn unload_closes_the_socket_and_logs_out_only_when_asked() {
    let mut page = Page::new();
    page.login();
    page.outputs.clear();
    let now = page.now();
    page.client.handle_unload(now);
    page.pump();
    assert!(page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::WsClose { .. })));
    assert!(!page.has_request());

    let mut page = Page::new();
    page.call("setConfig", r#"[{"logoutOnUnload":true}]"#);
    page.login();
    let now = page.now();
    page.client.handle_unload(now);
    page.pump();
    let (_, req) = page.next_request();
    assert!(req.keepalive);
    assert_eq!(text(&body(&req), "func"), "Logout");
}

#[test]
fn stomp_heart_beats_are_configurable_and_the_clock_can_be_off() {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"stomp":{"heartBeat":[1000,2000]}}]"#);
    page.login();
    let connect = page
        .sent_frames
        .iter()
        .find(|f| f.starts_with("CONNECT\n"))
        .unwrap()
        .clone();
    assert!(connect.contains("heart-beat:1000,2000\n"), "{connect}");
    let now = page.now();
    assert!(page.client.status_clock(now.mono).is_some());
    page.call("setConfig", r#"[{"useClock":false}]"#);
    assert_eq!(page.client.status_clock(now.mono), None);
}

#[test]
fn a_ui_layer_is_told_ws_disconnected_once_when_the_tries_run_out() {
    let mut page = Page::new();
    page.client.set_ui_installed(true);
    page.login();
    page.take_ui();
    attempts_until_disconnected(&mut page);
    let ui: Vec<String> = page
        .take_ui()
        .iter()
        .map(|u| text(u, "eventName"))
        .collect();
    assert_eq!(
        ui.iter().filter(|n| *n == "wsDisconnected").count(),
        1,
        "{ui:?}"
    );
    // Background attempts that fail do not repeat it.
    for _ in 0..5 {
        page.run_for(40_000);
        if page
            .take_output(|o| matches!(o, Output::WsOpen { .. }))
            .is_some()
        {
            page.drop_socket();
        }
    }
    assert!(!page
        .take_ui()
        .iter()
        .any(|u| text(u, "eventName") == "wsDisconnected"));
}
