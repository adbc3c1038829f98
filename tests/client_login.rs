//! Login, logout and recover flows of the client, request by request.
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
use well_client::client::{ClientInit, Output};
use well_client::json::Value;

#[test]
fn login_sends_what_the_platform_expects_and_resolves() {
    let mut page = Page::new();
    let cmd = page.command(
        "agentLogin",
        r#"[{"jobNumber":"5001","password":"p&ss=1","domain":"test.cc","ext":"8001","agentMode":"Ready"}]"#,
    );
    let (id, token) = page.next_request();
    assert_eq!(token.url, "http://127.0.0.1:8088/login");
    assert_eq!(token.method.as_str(), "POST");
    assert_eq!(
        token.body.as_deref(),
        Some("username=5001&password=p%26ss%3D1&namespace=test.cc")
    );
    assert_eq!(token.header("sessionId"), None);
    page.reply(id, 200, &format!(r#"{{"sessionId":"{SID}"}}"#));

    // The socket: CONNECT offers every version and sends no host or login headers (K11).
    let url = match page.take_output(|o| matches!(o, Output::WsOpen { .. })) {
        Some(Output::WsOpen { url, .. }) => url,
        other => panic!("{other:?}"),
    };
    assert_eq!(url, "ws://127.0.0.1:8088/mvc/stomp/websocket");
    let socket = page.socket.unwrap();
    let now = page.now();
    page.client.handle_ws_open(socket, now);
    page.pump();
    let connect = page.sent_frames.last().unwrap().clone();
    assert!(
        connect.contains("accept-version:1.2,1.1,1.0\n"),
        "{connect}"
    );
    assert!(connect.contains("heart-beat:"), "{connect}");
    assert!(
        !connect.contains("host:") && !connect.contains("login:"),
        "{connect}"
    );
    page.server_frame("CONNECTED\nversion:1.1\nheart-beat:0,0\n\n\0");
    let subscribe = page.sent_frames.last().unwrap().clone();
    assert!(subscribe.contains("destination:/topic/event.agent.*.5001@test_cc\n"));
    assert!(subscribe.contains("id:sub-0\n"));
    assert!(
        !page.has_request(),
        "the Login request waits for the subscription to settle"
    );
    page.advance(499);
    assert!(!page.has_request());
    page.advance(1);

    let (id, login) = page.next_request();
    assert_eq!(login.url, "http://127.0.0.1:8088/api/csta/agent/state");
    assert_eq!(login.header("sessionId"), Some(SID));
    assert_eq!(
        login.header("Content-Type"),
        Some("application/json; charset=UTF-8")
    );
    assert_eq!(
        login.body.as_deref(),
        Some(&*format!(
            r#"{{"loginId":"5001@test.cc","device":"8001@test.cc","password":"p&ss=1","agentMode":"Ready","func":"Login","sessionId":"{SID}"}}"#
        ))
    );
    page.reply(id, 204, "");
    assert_eq!(page.settled(cmd), Some(Ok(None)));
    assert!(page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::PersistSession { session_id: Some(s), .. } if s == SID)));
    assert!(page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::ClickToDial(Some(c)) if c == "well-canBeCalled")));

    // The agent is logged in when agentLoggedOn arrives, and the heartbeat starts at once.
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(false))
    );
    page.expect_request(
        "/agents/5001@test.cc",
        200,
        r#"{"agentTrunks":[{"scanPrefix":"9"},{"scanPrefix":"6"},{"scanPrefix":"9"}]}"#,
    );
    page.agent_event("agentLoggedOn", "Ready", 1001);
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(true))
    );
    let hb = page.expect_request("/api/csta/agent/heartbeat/5001@test.cc", 204, "");
    assert_eq!(hb.header("sessionId"), Some(SID));
    assert_eq!(
        page.call("getMyPrefix", "[]").value().unwrap().to_json(),
        r#"["9","6"]"#
    );
}

#[test]
fn the_password_reaches_no_log_or_getter() {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"debug":true}]"#);
    page.login();
    let log = page.call("getLog", "[]").value().unwrap();
    assert!(!log.to_json().contains("123456"), "{}", log.to_json());
    let env = page.call("getEnv", "[]").value().unwrap().to_json();
    assert!(!env.contains("123456"), "{env}");
    let config = page.call("getConfig", "[]").value().unwrap().to_json();
    assert!(!config.contains("123456"));
    for s in &page.seen {
        assert!(!format!("{s:?}").contains("123456"), "{s:?}");
    }
}

fn login_until_state_request(page: &mut Page, mode: &str) -> well_client::client::CommandId {
    let cmd = page.command(
        "agentLogin",
        &format!(
            r#"[{{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001","loginMode":"{mode}"}}]"#
        ),
    );
    page.expect_request("/login", 200, &format!(r#"{{"sessionId":"{SID}"}}"#));
    page.connect_socket("1.1");
    cmd
}

fn assert_closed_with_disconnect(page: &Page) {
    assert!(
        page.sent_frames.last().unwrap().starts_with("DISCONNECT\n"),
        "{:?}",
        page.sent_frames.last()
    );
}

#[test]
fn every_login_error_status_rejects_with_its_code_and_closes_the_socket() {
    for (status, body, reason, alert) in [
        (
            451,
            "",
            "device-not-registered",
            Some("登录失败！原因：分机未注册"),
        ),
        (
            452,
            "",
            "agent-invalid",
            Some("登录失败！原因：非法座席工号"),
        ),
        (
            453,
            "",
            "device-invalid",
            Some("登录失败！原因：非法分机号"),
        ),
        (
            459,
            r#"{"agent":"5002@test.cc"}"#,
            "device-in-use",
            Some("登录失败！原因：您想使用的分机8001正在被座席5002@test.cc使用。"),
        ),
        (461, "", "agent-limit-reached", None),
        (460, "", "device-busy", None),
    ] {
        let mut page = Page::new();
        page.call("setConfig", r#"[{"useErrorAlert":true}]"#);
        let failed = page.inner_on("loginFailed");
        let cmd = login_until_state_request(&mut page, "force");
        page.expect_request("/api/csta/agent/state", status, body);
        let r = page.rejection(cmd);
        assert_eq!(r.get("status").and_then(Value::as_i64), Some(status.into()));
        assert_eq!(text(&r, "reason"), reason);
        assert_closed_with_disconnect(&page);
        assert_eq!(
            page.alerts(),
            alert.map(|a| vec![a.to_owned()]).unwrap_or_default()
        );
        let failures = page.delivered_to(failed);
        assert_eq!(failures.len(), 1, "{status}");
        assert_eq!(text(&failures[0], "status"), status.to_string());
        if status == 459 {
            assert_eq!(text(&r, "agentId"), "5002@test.cc");
        }
    }
}

#[test]
fn error_alerts_are_off_by_default() {
    let mut page = Page::new();
    let cmd = login_until_state_request(&mut page, "force");
    page.expect_request("/api/csta/agent/state", 451, "");
    assert!(page.settled(cmd).is_some());
    assert!(page.alerts().is_empty());
}

#[test]
fn token_login_401() {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"useErrorAlert":true}]"#);
    let cmd = page.command(
        "agentLogin",
        r#"[{"jobNumber":"5001","password":"bad","domain":"test.cc","ext":"8001"}]"#,
    );
    page.expect_request("/login", 401, "Unauthorized");
    let r = page.rejection(cmd);
    assert_eq!(text(&r, "reason"), "unauthorized");
    assert_eq!(text(&r, "responseText"), "Unauthorized");
    assert_eq!(
        page.alerts(),
        vec!["登录失败！原因：工号或密码或域名错误！请检查后再登录。".to_owned()]
    );
    assert!(page.socket.is_none(), "no socket without a token");
}

#[test]
fn force_mode_logs_out_the_old_session_and_logs_in_again() {
    for status in [454, 455] {
        let mut page = Page::new();
        let cmd = login_until_state_request(&mut page, "force");
        page.expect_request(
            "/api/csta/agent/state",
            status,
            r#"{"deviceId":"8003@test.cc"}"#,
        );
        let logout = page.expect_request("/api/csta/agent/state", 204, "");
        assert_eq!(
            logout.body.as_deref(),
            Some(&*format!(
                r#"{{"func":"Logout","agentId":"5001@test.cc","sessionId":"{SID}"}}"#
            ))
        );
        let again = page.expect_request("/api/csta/agent/state", 204, "");
        assert_eq!(text(&body(&again), "func"), "Login");
        assert_eq!(page.settled(cmd), Some(Ok(None)));
    }
}

#[test]
fn ask_mode_confirms_and_stop_mode_gives_up() {
    // ask → yes
    let mut page = Page::new();
    let cmd = login_until_state_request(&mut page, "ask");
    page.expect_request("/api/csta/agent/state", 454, "");
    let id = match page.take_output(|o| matches!(o, Output::Confirm { .. })) {
        Some(Output::Confirm { id, text }) => {
            assert_eq!(
                text,
                "分机已经在别的地方登录，或者上次分机忘记登出，是否强制登录"
            );
            id
        }
        other => panic!("{other:?}"),
    };
    let now = page.now();
    page.client.handle_confirm(id, true, now);
    page.pump();
    page.expect_request("/api/csta/agent/state", 204, "");
    page.expect_request("/api/csta/agent/state", 204, "");
    assert_eq!(page.settled(cmd), Some(Ok(None)));

    // ask → no
    let mut page = Page::new();
    let cmd = login_until_state_request(&mut page, "ask");
    page.expect_request(
        "/api/csta/agent/state",
        455,
        r#"{"deviceId":"8003@test.cc"}"#,
    );
    let Some(Output::Confirm { id, .. }) =
        page.take_output(|o| matches!(o, Output::Confirm { .. }))
    else {
        panic!("no confirm");
    };
    let now = page.now();
    page.client.handle_confirm(id, false, now);
    page.pump();
    let r = page.rejection(cmd);
    assert_eq!(text(&r, "deviceId"), "8003@test.cc");
    assert_eq!(text(&r, "reason"), "declined");
    assert_eq!(r.get("status").and_then(Value::as_i64), Some(455));
    assert_closed_with_disconnect(&page);

    // stop
    let mut page = Page::new();
    let cmd = login_until_state_request(&mut page, "stop");
    page.expect_request("/api/csta/agent/state", 454, "");
    assert_eq!(text(&page.rejection(cmd), "reason"), "agent-logged-in");
    assert!(!page.has_request());

    // stop, on an extension another agent holds (455): the rejection names that device.
    let mut page = Page::new();
    let cmd = login_until_state_request(&mut page, "stop");
    page.expect_request(
        "/api/csta/agent/state",
        455,
        r#"{"deviceId":"8003@test.cc"}"#,
    );
    let r = page.rejection(cmd);
    assert_eq!(r.get("status").and_then(Value::as_i64), Some(455));
    assert_eq!(text(&r, "deviceId"), "8003@test.cc");
    assert!(page
        .outputs
        .iter()
        .all(|o| !matches!(o, Output::Confirm { .. })));
    assert!(!page.has_request());
}

#[test]
fn click_to_dial_uses_the_class_the_page_configured() {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"clickCallClass":"crm-phone"}]"#);
    page.login();
    assert!(page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::ClickToDial(Some(c)) if c == "crm-phone")));
    assert!(!page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::ClickToDial(Some(c)) if c == "well-canBeCalled")));
}

#[test]
fn invalid_login_arguments_reject_at_once() {
    let mut page = Page::new();
    let failed = page.inner_on("loginFailed");
    for args in [
        "[]",
        r#"[{"jobNumber":"5001","ext":"8001"}]"#,
        r#"[{"jobNumber":"5001","password":"1","ext":"8001","loginMode":"maybe"}]"#,
        r#"[{"jobNumber":"5001","password":"1","ext":"8001","agentMode":"Busy"}]"#,
    ] {
        let cmd = page.command("agentLogin", args);
        assert_eq!(
            text(&page.rejection(cmd), "reason"),
            "invalid-argument",
            "{args}"
        );
        assert!(!page.has_request());
    }
    assert_eq!(
        page.delivered_to(failed).len(),
        2,
        "no password / no args are login failures"
    );
}

#[test]
fn websocket_failure_during_login_rejects() {
    let mut page = Page::new();
    let cmd = page.command(
        "agentLogin",
        r#"[{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001"}]"#,
    );
    page.expect_request("/login", 200, &format!(r#"{{"sessionId":"{SID}"}}"#));
    page.take_output(|o| matches!(o, Output::WsOpen { .. }));
    page.drop_socket();
    assert_eq!(text(&page.rejection(cmd), "reason"), "network");
    assert!(
        !page.has_request(),
        "no reconnect for a login that never succeeded"
    );
    page.run_for(60_000);
    assert!(!page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::WsOpen { .. })));
}

#[test]
fn a_second_login_cancels_the_first() {
    let mut page = Page::new();
    let first = page.command(
        "agentLogin",
        r#"[{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001"}]"#,
    );
    let second = page.command(
        "agentLogin",
        r#"[{"jobNumber":"5002","password":"123456","domain":"test.cc","ext":"8002"}]"#,
    );
    assert_eq!(text(&page.rejection(first), "reason"), "cancelled");
    assert!(page.settled(second).is_none());
}

#[test]
fn logout_is_refused_during_a_call_and_tears_down_on_agent_logged_off() {
    let mut page = Page::new();
    page.login();
    page.event(r#"{"eventName":"delivered","eventTime":"2019.05.09 10:00:00","eventType":"csta","serial":3001,"srcDeviceId":"8001@test.cc","callId":"c1","deviceId":"8001@test.cc","alertingDevice":"8001@test.cc","callingDevice":"13800000000@test.cc","calledDevice":"8001@test.cc"}"#);
    let cmd = page.command("logout", "[]");
    let r = page.rejection(cmd);
    assert_eq!(text(&r, "reason"), "call-in-progress");
    assert_eq!(text(&r, "responseText"), "negative");
    page.event(r#"{"eventName":"connectionCleared","eventTime":"2019.05.09 10:00:09","eventType":"csta","serial":3002,"srcDeviceId":"8001@test.cc","callId":"c1","deviceId":"8001@test.cc","releasingDevice":"8001@test.cc"}"#);

    let cmd = page.command("logout", "[]");
    let req = page.expect_request("/api/csta/agent/state", 204, "");
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"func":"Logout","agentId":"5001@test.cc"}"#)
    );
    assert_eq!(page.settled(cmd), Some(Ok(None)));
    page.agent_event("agentLoggedOff", "Logout", 1010);
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(false))
    );
    assert_closed_with_disconnect(&page);
    assert!(page.outputs.iter().any(|o| matches!(
        o,
        Output::PersistSession {
            session_id: None,
            ..
        }
    )));
    assert!(page
        .outputs
        .iter()
        .any(|o| matches!(o, Output::ClickToDial(None))));
    assert_eq!(
        page.call("getMyPrefix", "[]").value().unwrap().to_json(),
        "[]"
    );
    let log = page.call("getLog", "[]").value().unwrap();
    assert!(
        !log.as_str().unwrap().contains("agentNotReady"),
        "log cleared at logout"
    );
    // No heartbeat any more.
    page.outputs.clear();
    page.run_for(120_000);
    assert!(!page.has_request());
}

#[test]
fn logout_without_agent_logged_off_ends_the_session_after_a_grace() {
    let mut page = Page::new();
    page.client.set_ui_installed(true);
    page.login();
    page.command("logout", "[]");
    page.expect_request("/api/csta/agent/state", 204, "");
    page.run_for(3_000);
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(false))
    );
    assert!(page
        .take_ui()
        .iter()
        .any(|u| text(u, "eventName") == "agentLoggedOff"));
}

fn client_state(mode: &str, call: &str) -> String {
    format!(
        r#"{{"agent":{{"agentId":"5001@test.cc","extensionId":"8001@test.cc","namespace":"test.cc","agentMode":"{mode}","agentName":"Ann"{call}}},"extension":{{}}}}"#
    )
}

#[test]
fn recover_rebuilds_the_session_after_a_reload() {
    let mut page = Page::with_init(ClientInit {
        stored_session_id: Some(SID.into()),
        seed: 1,
        secure_page: false,
    });
    let success = page.inner_on("recoverStateSuccess");
    let cmd = page.command(
        "checkRecoverStateAbility",
        r#"[{"jobNumber":"5001","domain":"test.cc","ext":"8001"}]"#,
    );
    let req = page.expect_request(
        "/api/csta/agent/client-state",
        200,
        &client_state(
            "Ready",
            r#","activeCall":{"callId":"c9","ani":"13800000000@test.cc","dnis":"8001@test.cc","state":"Connect","direction":"In","ringTime":"2019.05.09 09:59:00","answerTime":"2019.05.09 09:59:05","otherSide":"13800000000@test.cc"}"#,
        ),
    );
    assert_eq!(req.header("sessionId"), Some(SID));
    assert!(
        page.settled(cmd).is_none(),
        "resolves after the socket is up (row 28)"
    );
    page.expect_request("/agents/5001@test.cc", 200, "{}");
    page.connect_socket("1.2");
    assert!(matches!(page.settled(cmd), Some(Ok(Some(_)))));
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(true))
    );
    let memory = page.call("getCallMemory", "[]").value().unwrap();
    assert_eq!(memory.get("length").and_then(Value::as_i64), Some(1));
    assert_eq!(page.delivered_to(success).len(), 1);
    // The heartbeat starts; the connected call is not answered.
    page.expect_request("/api/csta/agent/heartbeat/5001@test.cc", 204, "");
    assert!(!page.has_request());
}

#[test]
fn recover_refuses_another_agents_session() {
    let mut page = Page::with_init(ClientInit {
        stored_session_id: Some(SID.into()),
        ..ClientInit::default()
    });
    page.call("useConfig", r#"["LOCAL"]"#);
    let cmd = page.command(
        "checkRecoverStateAbility",
        r#"[{"jobNumber":"5002","domain":"test.cc","ext":"8001"}]"#,
    );
    page.expect_request(
        "/api/csta/agent/client-state",
        200,
        &client_state("Ready", ""),
    );
    assert_eq!(text(&page.rejection(cmd), "reason"), "session-expired");

    let mut page = Page::new();
    let cmd = page.command("checkRecoverStateAbility", r#"[{"jobNumber":"5001"}]"#);
    assert_eq!(text(&page.rejection(cmd), "reason"), "not-logged-in");
}

#[test]
fn set_config_connection_fields_point_every_url_at_the_platform() {
    let mut page = Page::new();
    page.call(
        "setConfig",
        r#"[{"SDK":"cti.example.test","protocol":"https://","wsProtocol":"wss://","cstaPort":":8443","eventPort":":9443","TPI":"sso.example.test/api/security/login","eventBasePath":"/events/stomp","newWsTopic":"/topic/ev.agent.*."}]"#,
    );
    let cmd = page.command(
        "agentLogin",
        r#"[{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001","loginMode":"force","agentMode":"NotReady"}]"#,
    );
    let token = page.expect_request(
        "/api/security/login",
        200,
        &format!(r#"{{"sessionId":"{SID}"}}"#),
    );
    assert_eq!(token.url, "https://sso.example.test/api/security/login");
    let socket_url = page.outputs.iter().find_map(|o| match o {
        Output::WsOpen { url, .. } => Some(url.clone()),
        _ => None,
    });
    assert_eq!(
        socket_url.as_deref(),
        Some("wss://cti.example.test:9443/events/stomp/websocket")
    );
    page.connect_socket("1.1");
    assert!(
        page.sent_frames.iter().any(|f| f.starts_with("SUBSCRIBE\n")
            && f.contains("\ndestination:/topic/ev.agent.*.5001@test_cc\n")),
        "{:?}",
        page.sent_frames
    );
    let state = page.expect_request("/api/csta/agent/state", 204, "");
    assert_eq!(
        state.url,
        "https://cti.example.test:8443/api/csta/agent/state"
    );
    assert_eq!(page.settled(cmd), Some(Ok(None)));
}
