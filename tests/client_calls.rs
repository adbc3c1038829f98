//! Call commands: validation, request shapes (as the spec's fixtures show them), auto-answer
//! and the order in which page code sees events.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod support;

use std::fs;

use support::*;
use well_client::api::Method;
use well_client::client::{ClientInit, Delivery, Output, Target};
use well_client::json::{self, Value};

fn inbound_delivered(page: &mut Page, call: &str, serial: u32) {
    page.event(&format!(
        r#"{{"eventName":"delivered","eventTime":"2019.05.09 10:00:00","eventType":"csta","serial":{serial},"namespace":"test.cc","srcDeviceId":"8001@test.cc","callId":"{call}","deviceId":"8001@test.cc","localState":"Alerting","alertingDevice":"8001@test.cc","callingDevice":"13800000000@test.cc","calledDevice":"8001@test.cc","callType":"Inbound"}}"#
    ));
}

#[test]
fn make_call_validates_throttles_and_sends_the_documented_body() {
    let mut page = Page::new();
    // Not logged in: rejected, with the alert 1.3.7 showed.
    let cmd = page.command("makeCall", r#"["13800000000"]"#);
    assert_eq!(text(&page.rejection(cmd), "reason"), "not-logged-in");
    assert_eq!(page.alerts(), vec!["当前未登录，无法拨号!".to_owned()]);
    page.outputs.clear();

    page.login();
    for bad in [r#"["80a1"]"#, "[]", r#"[""]"#, r#"["8001"]"#] {
        let cmd = page.command("makeCall", bad);
        assert_eq!(
            text(&page.rejection(cmd), "reason"),
            "invalid-argument",
            "{bad}"
        );
    }
    let cmd = page.command(
        "makeCall",
        r#"[" 138 0000 0000 ",{"prefix":"9","originForDisplay":"02112345","cpa":1}]"#,
    );
    let (id, req) = page.next_request();
    assert_eq!(req.url, "http://127.0.0.1:8088/api/csta/callControl/calls");
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"from":"8001@test.cc","to":"913800000000","destForDisplay":"8001","originForDisplay":"02112345","cpa":"1"}"#
        )
    );
    // A second call within 2 s is a rejected Deferred, not a lost call (K13).
    page.advance(1_999);
    let again = page.command("makeCall", r#"["13800000001"]"#);
    assert_eq!(text(&page.rejection(again), "reason"), "throttled");
    page.reply(id, 200, r#"{"callId":"c1"}"#);
    assert_eq!(
        page.settled(cmd).unwrap().unwrap().unwrap().to_json(),
        r#"{"callId":"c1"}"#
    );
    page.advance(1);
    let later = page.command(
        "makeCall",
        r#"["938834600-WW8001",{"destForDisplay":"Sales"}]"#,
    );
    let req = page.expect_request("/api/csta/callControl/calls", 200, r#"{"callId":"c2"}"#);
    assert_eq!(text(&body(&req), "to"), "938834600-WW8001");
    assert_eq!(text(&body(&req), "destForDisplay"), "Sales");
    assert!(page.settled(later).unwrap().is_ok());
}

#[test]
fn make_call_is_refused_during_a_call() {
    let mut page = Page::new();
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    let cmd = page.command("makeCall", r#"["8002"]"#);
    assert_eq!(text(&page.rejection(cmd), "reason"), "call-in-progress");
    assert!(page
        .alerts()
        .contains(&"当前已有一通通话，请挂断当前通话后再拨打".to_owned()));
}

/// Every REST step of every fixture, issued through the public API, is sent exactly as the
/// fixture shows it (method, path, `sessionId` and content type, body).
#[test]
fn requests_match_every_fixture_step() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spec");
    let mut checked = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let fixture = json::parse(&fs::read_to_string(&path).unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("01_") {
            continue; // the login flow has its own test
        }
        for step in fixture.get("steps").unwrap().as_array().unwrap() {
            if text(step, "type") != "http" {
                continue;
            }
            let desc = text(step, "desc");
            let expected = step.get("request").unwrap();
            let Some((method, args)) = call_for(&desc, expected) else {
                continue;
            };
            let mut page = Page::new();
            page.login();
            let cmd = page.command(method, &args);
            let (id, req) = page.next_request();
            let url = req.url.strip_prefix("http://127.0.0.1:8088").unwrap();
            assert_eq!(
                req.method.as_str(),
                text(expected, "method"),
                "{name}: {desc}"
            );
            assert_eq!(url, text(expected, "path"), "{name}: {desc}");
            let headers = expected.get("headers").unwrap();
            assert_eq!(req.header("sessionId"), Some(SID));
            assert_eq!(req.header("sessionId").unwrap(), text(headers, "sessionId"));
            assert_eq!(
                req.header("Content-Type").unwrap(),
                text(headers, "Content-Type")
            );
            match expected.get("body") {
                Some(b) => assert_eq!(&body(&req), b, "{name}: {desc}"),
                None => assert_eq!(req.body, None, "{name}: {desc}"),
            }
            page.reply(id, 204, "");
            assert_eq!(page.settled(cmd), Some(Ok(None)));
            checked += 1;
        }
    }
    assert!(checked >= 25, "checked {checked} steps");
}

/// The page call that produces a fixture's REST step: the call id comes from the expected
/// path, the other arguments from the expected body.
fn call_for(desc: &str, expected: &Value) -> Option<(&'static str, String)> {
    let path = text(expected, "path");
    let call_id = path
        .strip_prefix("/api/csta/callControl/calls/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned();
    let b = expected.get("body").cloned().unwrap_or(Value::Null);
    let args = |items: &[String]| {
        Value::Array(items.iter().map(|s| Value::from(s.as_str())).collect()).to_json()
    };
    let method = desc.split('(').next()?.trim();
    Some(match method {
        "makeCall" => ("makeCall", r#"["13800000000",{"prefix":"9"}]"#.into()),
        "logout" => ("logout", "[]".into()),
        "stopRecording" => ("stopRecording", "[]".into()),
        "startRecording" => ("startRecording", "[]".into()),
        "setAgentMode" => (
            "setAgentMode",
            args(&[text(&b, "agentMode"), text(&b, "reason")]),
        ),
        "answerCall" => ("answerCall", args(&[call_id])),
        "dropConnection" => ("dropConnection", args(&[call_id])),
        "holdCall" => ("holdCall", args(&[call_id])),
        "retrieveCall" => ("retrieveCall", args(&[call_id])),
        "singleStepTransfer" => (
            "singleStepTransfer",
            args(&[call_id, text(&b, "transferTo")]),
        ),
        "singleStepConference" => (
            "singleStepConference",
            args(&[
                call_id,
                text(&b, "conferenceParticipant"),
                text(&b, "participationType"),
            ]),
        ),
        "consult" => (
            "consult",
            args(&[call_id, text(&b, "consultationParticipant")]),
        ),
        "conference" => ("conference", args(&[call_id, text(&b, "consultCallId")])),
        "cancelConsult" => ("cancelConsult", args(&[call_id, text(&b, "consultCallId")])),
        "transferCall" => ("transferCall", args(&[call_id, text(&b, "consultCallId")])),
        _ => return None,
    })
}

#[test]
fn drop_connection_defaults_to_the_only_call() {
    let mut page = Page::new();
    page.login();
    let cmd = page.command("dropConnection", "[]");
    assert_eq!(text(&page.rejection(cmd), "reason"), "invalid-argument");
    inbound_delivered(&mut page, "c7", 3001);
    page.command("dropConnection", "[]");
    let (_, req) = page.next_request();
    assert_eq!(req.method.as_str(), "DELETE");
    assert!(req
        .url
        .ends_with("/api/csta/callControl/calls/c7/connections/8001@test.cc%7Cc7"));
}

#[test]
fn commands_need_a_session_and_valid_arguments() {
    let mut page = Page::new();
    for (m, a) in [
        ("answerCall", r#"["c1"]"#),
        ("holdCall", r#"["c1"]"#),
        ("setAgentMode", r#"["Ready"]"#),
        ("startRecording", "[]"),
        ("forceDrop", r#"["8002@test.cc","c1"]"#),
        ("getCallData", r#"["c1"]"#),
    ] {
        let cmd = page.command(m, a);
        assert_eq!(text(&page.rejection(cmd), "reason"), "not-logged-in", "{m}");
    }
    page.login();
    for (m, a) in [
        ("setAgentMode", r#"["Busy"]"#),
        ("consult", r#"["c1"]"#),
        ("conference", r#"["c1"]"#),
        ("forceDrop", r#"["8002@test.cc"]"#),
        ("forceListen", "[]"),
        ("singleStepConference", r#"["c1","8002","Loud"]"#),
    ] {
        let cmd = page.command(m, a);
        assert_eq!(
            text(&page.rejection(cmd), "reason"),
            "invalid-argument",
            "{m}"
        );
    }
    assert!(!page.has_request());
}

#[test]
fn supervisor_operations() {
    let mut page = Page::new();
    page.login();
    let cases = [
        (
            "forceDrop",
            r#"["8002@test.cc","c1"]"#,
            "DELETE",
            "/api/csta/callControl/calls/c1/connections/8002@test.cc%7Cc1",
            None,
        ),
        (
            "forceJoin",
            r#"["8002@test.cc","c1","8003"]"#,
            "POST",
            "/api/csta/callControl/calls/c1/connections/8002@test.cc%7Cc1/singleStepConference",
            Some(r#"{"conferenceParticipant":"8003","participationType":"Active"}"#),
        ),
        (
            "forceTake",
            r#"["8002@test.cc","c1","8003"]"#,
            "POST",
            "/api/csta/callControl/calls/c1/connections/8002@test.cc%7Cc1/singleStepTransfer",
            Some(r#"{"transferTo":"8003"}"#),
        ),
        (
            "forceListen",
            r#"["c1","8003@test.cc"]"#,
            "POST",
            "/api/csta/callControl/calls/c1/spy?deviceId=8003@test.cc",
            None,
        ),
        (
            "forceReady",
            r#"["5002@test.cc","8002@test.cc"]"#,
            "POST",
            "/api/csta/agent/state",
            Some(
                r#"{"func":"SetState","agentMode":"Ready","loginId":"5002@test.cc","agentId":"5002@test.cc","device":"8002@test.cc"}"#,
            ),
        ),
        (
            "forceNotReady",
            r#"["5002@test.cc","8002@test.cc"]"#,
            "POST",
            "/api/csta/agent/state",
            Some(
                r#"{"func":"SetState","agentMode":"NotReady","loginId":"5002@test.cc","agentId":"5002@test.cc","device":"8002@test.cc"}"#,
            ),
        ),
        (
            "forceLogout",
            r#"["5002@test.cc","8002@test.cc"]"#,
            "POST",
            "/api/csta/agent/state",
            Some(
                r#"{"namespace":"test.cc","func":"Logout","device":"8002@test.cc","agentId":"5002@test.cc","loginId":"5002@test.cc"}"#,
            ),
        ),
        (
            "releaseAllocatedAgent",
            "[]",
            "POST",
            "/api/csta/outbound/release/5001@test.cc",
            None,
        ),
        (
            "superLogout",
            r#"["5003"]"#,
            "POST",
            "/api/csta/agent/state",
            Some(r#"{"func":"Logout","agentId":"5003@test.cc"}"#),
        ),
    ];
    for (m, a, method, path, b) in cases {
        let cmd = page.command(m, a);
        let (id, req) = page.next_request();
        assert_eq!(req.method.as_str(), method, "{m}");
        assert_eq!(req.url, format!("http://127.0.0.1:8088{path}"), "{m}");
        assert_eq!(req.body.as_deref(), b, "{m}");
        page.reply(id, 204, "");
        assert_eq!(page.settled(cmd), Some(Ok(None)));
    }
}

#[test]
fn set_agent_mode_pending_and_quota() {
    let mut page = Page::new();
    page.login();
    page.call("setConfig", r#"[{}]"#);
    // A UI layer is installed: it sees setPendingMode.
    page.client.set_ui_installed(true);
    let cmd = page.command("setAgentMode", r#"["NotReady","1"]"#);
    page.expect_request(
        "/api/csta/agent/state",
        200,
        r#"{"pendingMode":"NotReady"}"#,
    );
    assert!(page.settled(cmd).unwrap().is_ok());
    assert!(page
        .take_ui()
        .iter()
        .any(|u| text(u, "eventName") == "setPendingMode"));
    let cmd = page.command("setAgentMode", r#"["Ready"]"#);
    page.expect_request("/api/csta/agent/state", 465, "");
    assert_eq!(text(&page.rejection(cmd), "reason"), "auto-outbound-quota");
    assert!(page
        .alerts()
        .contains(&"自动外呼接听数已达上限，不能就绪".to_owned()));
}

#[test]
fn call_data_requests_have_the_documented_shape() {
    let mut page = Page::new();
    page.login();
    let cmd = page.command(
        "setCallData",
        r#"["c 1/x",[{"key":"orderNo","value":"A-1"}]]"#,
    );
    let (id, req) = page.next_request();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        "http://127.0.0.1:8088/api/csta/callControl/calls/c%201%2Fx/user-data"
    );
    assert_eq!(req.header("sessionId"), Some(SID));
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"entries":[{"key":"orderNo","value":"A-1"}]}"#)
    );
    page.reply(id, 204, "");
    assert_eq!(page.settled(cmd), Some(Ok(None)));

    let cmd = page.command("getCallData", r#"["c1"]"#);
    let (id, req) = page.next_request();
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.url,
        "http://127.0.0.1:8088/api/csta/callControl/calls/c1/user-data/"
    );
    assert_eq!(req.body, None);
    page.reply(id, 200, r#"{"orderNo":"A-1"}"#);
    let got = page.settled(cmd).unwrap().unwrap().unwrap();
    assert_eq!(text(&got, "orderNo"), "A-1");

    // Without a call id: rejected before any request.
    let cmd = page.command("getCallData", "[]");
    assert_eq!(text(&page.rejection(cmd), "reason"), "invalid-argument");
    assert!(!page.has_request());
}

#[test]
fn non_json_success_body_is_a_rejection_like_jquery() {
    let mut page = Page::new();
    page.login();
    let cmd = page.command("getCallData", r#"["c1"]"#);
    page.expect_request("/user-data/", 200, "not json");
    let r = page.rejection(cmd);
    assert_eq!(r.get("status").and_then(Value::as_i64), Some(200));
    assert_eq!(text(&r, "responseText"), "not json");
}

// ----------------------------------------------------------------------------------------------
// Auto-answer (K9)

fn answers(page: &Page) -> usize {
    page.outputs
        .iter()
        .filter(|o| matches!(o, Output::Http { request, .. } if request.url.ends_with("/answer")))
        .count()
}

#[test]
fn auto_answer_three_cases() {
    // 1. The page set autoAnswer itself, no UI layer: the core answers once, 500 ms later.
    let mut page = Page::new();
    page.call("setConfig", r#"[{"autoAnswer":true}]"#);
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    page.advance(499);
    assert_eq!(answers(&page), 0);
    page.advance(1);
    assert_eq!(answers(&page), 1);
    inbound_delivered(&mut page, "c1", 3002);
    page.run_for(5_000);
    assert_eq!(answers(&page), 1, "never twice");

    // 2. A preset brought autoAnswer (not the page): the core does not answer.
    let mut page = Page::new();
    page.call("useConfig", r#"["CMB-PRO"]"#);
    page.call("useConfig", r#"["LOCAL"]"#);
    page.client.invoke(
        "setConfig",
        &[json::parse(r#"{"SDK":"127.0.0.1"}"#).unwrap()],
        page.now(),
    );
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    page.run_for(5_000);
    assert_eq!(answers(&page), 0);

    // 3. A UI layer is installed: it answers (it gets autoAnswer in `delivered`), the core not.
    let mut page = Page::new();
    page.call("setConfig", r#"[{"autoAnswer":true}]"#);
    page.client.set_ui_installed(true);
    page.login();
    page.take_ui();
    inbound_delivered(&mut page, "c1", 3001);
    let ui = page.take_ui();
    let delivered = ui
        .iter()
        .find(|u| text(u, "eventName") == "delivered")
        .unwrap();
    assert_eq!(delivered.get("autoAnswer"), Some(&Value::Bool(true)));
    page.run_for(5_000);
    assert_eq!(answers(&page), 0);
}

#[test]
fn auto_answer_skips_calls_answered_or_gone_and_outbound_calls() {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"autoAnswer":true}]"#);
    page.login();
    // Answered by the page first.
    inbound_delivered(&mut page, "c1", 3001);
    page.command("answerCall", r#"["c1"]"#);
    page.run_for(2_000);
    assert_eq!(answers(&page), 1);
    // Cleared before the delay.
    page.outputs.clear();
    inbound_delivered(&mut page, "c2", 3002);
    page.event(r#"{"eventName":"connectionCleared","eventTime":"2019.05.09 10:00:00","eventType":"csta","serial":3003,"srcDeviceId":"8001@test.cc","callId":"c2","deviceId":"8001@test.cc","releasingDevice":"8001@test.cc"}"#);
    page.run_for(2_000);
    assert_eq!(answers(&page), 0);
}

/// The platform's client state with 5001 Ready and call `c1` ringing inbound on 8001, or
/// connected once answered.
fn client_state_with_c1(state: &str) -> String {
    format!(
        r#"{{"agent":{{"agentId":"5001@test.cc","extensionId":"8001@test.cc","namespace":"test.cc","agentMode":"Ready","activeCall":{{"callId":"c1","ani":"13800000000@test.cc","dnis":"8001@test.cc","state":"{state}","direction":"In","ringTime":"2019.05.09 09:59:00","otherSide":"13800000000@test.cc"}}}},"extension":{{}}}}"#
    )
}

#[test]
fn core_auto_answer_never_answers_twice_across_a_reconnect_resync() {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"autoAnswer":true}]"#);
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    page.advance(500);
    assert_eq!(answers(&page), 1);
    // The socket drops before `established` arrives; the resync still finds the call ringing
    // (the platform has not connected it yet), then connected.
    page.reconnect_and_resync(&client_state_with_c1("Alerting"));
    let memory = page.call("getCallMemory", "[]").value().unwrap();
    assert!(memory.get("c1").is_some(), "kept: {}", memory.to_json());
    page.run_for(5_000);
    assert_eq!(
        answers(&page),
        1,
        "answered once before the drop, not again"
    );
    page.reconnect_and_resync(&client_state_with_c1("Connect"));
    page.run_for(5_000);
    assert_eq!(answers(&page), 1);
}

#[test]
fn core_auto_answer_after_a_reload_answers_a_ringing_call_once_and_a_connected_one_never() {
    for (state, expected) in [("Alerting", 1), ("Connect", 0)] {
        let mut page = Page::with_init(ClientInit {
            stored_session_id: Some(SID.into()),
            seed: 1,
            secure_page: false,
        });
        page.call("setConfig", r#"[{"autoAnswer":true}]"#);
        page.command(
            "checkRecoverStateAbility",
            r#"[{"jobNumber":"5001","domain":"test.cc","ext":"8001"}]"#,
        );
        page.expect_request(
            "/api/csta/agent/client-state",
            200,
            &client_state_with_c1(state),
        );
        page.expect_request("/agents/5001@test.cc", 200, "{}");
        page.connect_socket("1.1");
        let memory = page.call("getCallMemory", "[]").value().unwrap();
        assert!(
            memory.get("c1").is_some(),
            "recovered: {}",
            memory.to_json()
        );
        page.run_for(2_000);
        // A `delivered` repeated by the platform after the recover changes nothing.
        inbound_delivered(&mut page, "c1", 3001);
        page.run_for(5_000);
        assert_eq!(answers(&page), expected, "recovered call in state {state}");
    }
}

#[test]
fn ui_events_are_dropped_without_a_ui_layer_and_flow_once_one_is_installed() {
    let mut page = Page::new();
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    assert!(page.take_ui().is_empty());
    // The page installs a UI layer later: the next events reach it.
    page.client.set_ui_installed(true);
    page.event(r#"{"eventName":"connectionCleared","eventTime":"2019.05.09 10:00:09","eventType":"csta","serial":3002,"srcDeviceId":"8001@test.cc","callId":"c1","deviceId":"8001@test.cc","releasingDevice":"8001@test.cc"}"#);
    let ui = page.take_ui();
    assert_eq!(ui.len(), 1, "{ui:?}");
    assert_eq!(text(&ui[0], "eventName"), "connectionCleared");
}

// ----------------------------------------------------------------------------------------------
// Dispatch

#[test]
fn dispatch_order_is_ui_inner_exports_on_listeners() {
    let mut page = Page::new();
    page.client.set_ui_installed(true);
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    let inner = page.inner_on("connectionCleared");
    let on = page.on("connectionCleared");
    let listener = page.handler();
    page.client
        .add_listener("connectionCleared", listener, false);
    page.forget();
    page.event(r#"{"eventName":"connectionCleared","eventTime":"2019.05.09 10:00:09","eventType":"csta","serial":3002,"srcDeviceId":"8001@test.cc","callId":"c1","deviceId":"8001@test.cc","releasingDevice":"8001@test.cc","params":{},"_type":"x","topics":[]}"#);
    let order: Vec<String> = page
        .seen
        .iter()
        .filter_map(|s| match s {
            Seen::Ui(v) => Some(format!("ui:{}", text(v, "eventName"))),
            Seen::Event(v, t) => Some(format!("{:?}:{}", t, text(v, "eventName"))),
            _ => None,
        })
        .collect();
    assert_eq!(
        order,
        vec![
            "ui:connectionCleared".to_owned(),
            format!("{:?}:connectionCleared", vec![Target::Handler(inner)]),
            format!(
                "{:?}:connectionCleared",
                vec![
                    Target::Exports,
                    Target::Handler(on),
                    Target::Handler(listener)
                ]
            ),
        ]
    );
    let raw = page.exported().pop().unwrap();
    assert_eq!(raw.get("params"), None, "internal fields are stripped");
    assert_eq!(
        raw.get("lastEventSerial").and_then(Value::as_i64),
        Some(3002)
    );
    assert!(raw.get("brs").is_some());
    let cleared = page.delivered_to(inner).pop().unwrap();
    assert_eq!(cleared.get("isEstatblished"), Some(&Value::Bool(false)));
    assert_eq!(text(&cleared, "partyDevice"), "13800000000@test.cc");
}

#[test]
fn a_summary_handler_registered_by_earlier_page_code_gets_the_whole_summary() {
    // Without an innerOn handler the summary is queued without its copy of the event; page
    // code that runs first (the UI hook here) may register one, which then gets it whole.
    let mut page = Page::new();
    page.client.set_ui_installed(true);
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    page.forget();
    let body = r#"{"eventName":"connectionCleared","eventTime":"2019.05.09 10:00:09","serial":3002,"callId":"c1","deviceId":"8001@test.cc","releasingDevice":"8001@test.cc","_type":"x"}"#;
    let frame = format!(
        "MESSAGE\nsubscription:sub-0\nmessage-id:m-late\ncontent-length:{}\n\n{body}\0",
        body.len()
    );
    let now = page.now();
    page.client
        .handle_ws_message(page.socket.unwrap(), frame.as_bytes(), now);
    while page.client.poll_output().is_some() {}
    assert!(matches!(
        page.client.poll_delivery(),
        Some(Delivery::Ui { .. })
    ));
    let inner = page.inner_on("connectionCleared");
    page.pump();
    let cleared = page.delivered_to(inner).pop().expect("the summary");
    let raw = page.exported().pop().unwrap();
    assert_eq!(
        raw.get("lastEventSerial").and_then(Value::as_i64),
        Some(3002)
    );
    assert_eq!(cleared.get("data"), Some(&raw));
    assert_eq!(cleared.get("isEstatblished"), Some(&Value::Bool(false)));
}

#[test]
fn a_handler_that_throws_is_reported_and_changes_nothing() {
    let mut page = Page::new();
    page.login();
    page.client.handler_failed("exports", "TypeError: boom");
    page.pump();
    assert!(page.logs("error").iter().any(|l| l.contains("boom")));
    assert_eq!(
        page.call("isLogined", "[]").value(),
        Some(Value::Bool(true))
    );
}

#[test]
fn call_actions_follow_the_call() {
    let mut page = Page::new();
    page.login();
    inbound_delivered(&mut page, "c1", 3001);
    let actions = page.call("getCallActions", r#"["c1"]"#).value().unwrap();
    assert_eq!(actions.get("answer"), Some(&Value::Bool(true)));
    assert_eq!(actions.get("hold"), Some(&Value::Bool(false)));
    let none = page.call("getCallActions", r#"["nope"]"#).value().unwrap();
    assert_eq!(none.get("answer"), Some(&Value::Bool(false)));
}

#[test]
fn click_to_dial_and_post_message() {
    let mut page = Page::new();
    page.login();
    let now = page.now();
    page.client
        .handle_click_to_dial("电话: 010-1234 5678", None, now);
    page.pump();
    let (_, req) = page.next_request();
    assert_eq!(text(&body(&req), "to"), "01012345678");

    // postMessage is off unless origins are configured.
    page.advance(3_000);
    let now = page.now();
    page.client.handle_post_message(
        "https://evil.example",
        r#"{"method":"makeCall","phoneNumber":"8002"}"#,
        now,
    );
    page.pump();
    assert!(!page.has_request());
    page.call(
        "setConfig",
        r#"[{"postMessageOrigins":["https://crm.example"]}]"#,
    );
    let now = page.now();
    page.client.handle_post_message(
        "https://crm.example",
        r#"{"method":"makeCall","phoneNumber":"8002"}"#,
        now,
    );
    page.pump();
    let (_, req) = page.next_request();
    assert_eq!(text(&body(&req), "to"), "8002");
}

#[test]
fn retired_and_unknown_members_never_break_a_page() {
    let mut page = Page::new();
    for name in [
        "trigger",
        "render",
        "getCache",
        "seacchLog",
        "heartbeat",
        "ieInit",
    ] {
        assert_eq!(
            page.call(name, "[]"),
            well_client::client::Invoke::Undefined,
            "{name}"
        );
    }
    let cmd = page.command("login", r#"["5001","1","test.cc","8001"]"#);
    assert_eq!(text(&page.rejection(cmd), "reason"), "unsupported");
    assert_eq!(
        page.call("noSuchMethod", "[]"),
        well_client::client::Invoke::Undefined
    );
    assert!(page
        .logs("error")
        .iter()
        .any(|l| l.contains("noSuchMethod")));
}

#[test]
fn config_getters_and_use_config() {
    let mut page = Page::new();
    assert_eq!(
        page.call("useConfig", r#"["CMB-PRD2"]"#).value(),
        Some(Value::Bool(false))
    );
    assert!(page.logs("error").iter().any(|l| l.contains("CMB-PRD2")));
    assert_eq!(page.call("getWs", "[]").value().unwrap().to_json(), "{}");
    page.call("setDebug", "[false]");
    let config = page.call("getConfig", "[]").value().unwrap();
    assert_eq!(config.get("debug"), Some(&Value::Bool(false)));
    assert_eq!(text(&config, "ENV_NAME"), "LOCAL");
    assert_eq!(
        page.call("isPhoneNumber", r#"["80a1"]"#).value(),
        Some(Value::Bool(false))
    );
    assert_eq!(
        page.call("isPhoneNumber", r#"[8001]"#).value(),
        Some(Value::Bool(false))
    );
    assert_eq!(
        page.call("getVersion", "[]").value(),
        Some(Value::from(env!("CARGO_PKG_VERSION")))
    );
}
