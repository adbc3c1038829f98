//! Every scenario of EVENT_SCENARIOS.md driven through the REST API the way the client does,
//! with the events received over STOMP compared with the fixtures, device by device.

use std::time::Duration;

use serde_json::{json, Value};
use well_sim::pbx::PbxConfig;
use well_sim::SimConfig;

use crate::support::client::{conn_path, Api};
use crate::support::{fixtures, start, Agent, QUIET};

const WAIT: Duration = Duration::from_secs(5);

fn config() -> SimConfig {
    SimConfig {
        pbx: PbxConfig {
            outside_answer_ms: 200,
            ..PbxConfig::default()
        },
        ..SimConfig::ephemeral()
    }
}

fn check(scenario: &str, device: &str, actual: &[Value]) {
    fixtures::assert_frames(
        &format!("{scenario} {device}"),
        &fixtures::frames(scenario, device),
        actual,
    );
}

async fn ok(reply: crate::support::client::Reply) -> Value {
    assert!(
        reply.status == 204 || reply.status == 200,
        "unexpected reply {reply:?}"
    );
    reply.body
}

/// A customer calls queue 7000; returns the call id.
async fn customer_calls(api: &Api, to: &str) -> String {
    let r = api
        .admin_post("/calls", json!({ "from": "13800000000", "to": to }))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body["callId"].as_str().unwrap().to_string()
}

/// 5001 Ready on 8001 answers an inbound queue call; its frames so far and the call id.
async fn answered_inbound(api: &Api, a: &mut Agent) -> (Vec<Value>, String) {
    let call = customer_calls(api, "7000").await;
    let mut frames = a.stomp.until("delivered", WAIT).await;
    ok(api
        .post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
        .await)
    .await;
    frames.extend(a.stomp.until("established", WAIT).await);
    (frames, call)
}

#[tokio::test]
async fn s01_login() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::subscribed(&api, &sim.ws_url(), "5001", "8001").await;
    let r = api.login(&a.sid, "5001", "8001", "NotReady").await;
    assert_eq!((r.status, r.body), (204, Value::Null));
    let prefixes = api
        .get(
            "/api/operation/operation/tenants/test.cc/agents/5001@test.cc",
            &a.sid,
        )
        .await;
    assert_eq!(prefixes.status, 200);
    assert_eq!(
        prefixes.body,
        json!({"agentTrunks":[{"scanPrefix":"9"},{"scanPrefix":"6"},{"scanPrefix":"9"}]})
    );
    let hb = api
        .post_empty("/api/csta/agent/heartbeat/5001@test.cc", &a.sid)
        .await;
    assert_eq!(hb.status, 204);
    let frames = a.stomp.expect_messages(2, QUIET).await;
    check("01_login", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s02_outbound_answered_hangup() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let r = api
        .post(
            "/api/csta/callControl/calls",
            &a.sid,
            json!({"from": "8001@test.cc", "to": "913800000000", "destForDisplay": "8001"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let call = r.body["callId"].as_str().unwrap().to_string();
    let mut frames = a.stomp.until("established", WAIT).await;
    ok(api
        .admin_post(
            &format!("/calls/{call}/hangup"),
            json!({"device": "913800000000@test.cc"}),
        )
        .await)
    .await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("02_outbound_answered_hangup", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s03_inbound_answered_hangup() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let (mut frames, call) = answered_inbound(&api, &mut a).await;
    ok(api.delete(&conn_path(&call, &a.device, ""), &a.sid).await).await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("03_inbound_answered_hangup", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s04_hold_retrieve() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let (mut frames, call) = answered_inbound(&api, &mut a).await;
    ok(api
        .post_empty(&conn_path(&call, &a.device, "hold"), &a.sid)
        .await)
    .await;
    frames.extend(a.stomp.until("held", WAIT).await);
    ok(api
        .post_empty(&conn_path(&call, &a.device, "retrieve"), &a.sid)
        .await)
    .await;
    frames.extend(a.stomp.until("retrieved", WAIT).await);
    ok(api.delete(&conn_path(&call, &a.device, ""), &a.sid).await).await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("04_hold_retrieve", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s05_single_step_transfer() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let (mut frames, call) = answered_inbound(&api, &mut a).await;
    ok(api
        .post(
            &conn_path(&call, &a.device, "singleStepTransfer"),
            &a.sid,
            json!({"transferTo": "8002"}),
        )
        .await)
    .await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("05_single_step_transfer", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s05b_single_step_transfer_received() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "Ready").await;
    let call = customer_calls(&api, "7000").await;
    b.stomp.until("delivered", WAIT).await;
    ok(api
        .post_empty(&conn_path(&call, &b.device, "answer"), &b.sid)
        .await)
    .await;
    b.stomp.until("established", WAIT).await;
    ok(api
        .post(
            &conn_path(&call, &b.device, "singleStepTransfer"),
            &b.sid,
            json!({"transferTo": "8001"}),
        )
        .await)
    .await;
    let mut frames = a.stomp.until("connectionCleared", WAIT).await;
    let renamed = frames[1]["newCall"].as_str().unwrap().to_string();
    assert_ne!(renamed, call);
    ok(api
        .post_empty(&conn_path(&renamed, &a.device, "answer"), &a.sid)
        .await)
    .await;
    frames.extend(a.stomp.until("established", WAIT).await);
    ok(api
        .delete(&conn_path(&renamed, &a.device, ""), &a.sid)
        .await)
    .await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("05b_single_step_transfer_received", "8001@test.cc", &frames);
}

/// 5001 (Ready, 8001) answers a queue call and consults 8002 (5002, NotReady), who answers.
async fn consulted(api: &Api, ws: &str) -> (Agent, Agent, Vec<Value>, String, String) {
    let mut b = Agent::logged_in(api, ws, "5002", "8002", "NotReady").await;
    let mut a = Agent::logged_in(api, ws, "5001", "8001", "Ready").await;
    let (mut frames, c1) = answered_inbound(api, &mut a).await;
    let r = api
        .post(
            &conn_path(&c1, &a.device, "consult"),
            &a.sid,
            json!({"consultationParticipant": "8002"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let c2 = r.body["callId"].as_str().unwrap().to_string();
    frames.extend(a.stomp.until("delivered", WAIT).await);
    b.stomp.until("delivered", WAIT).await;
    ok(api
        .post_empty(&conn_path(&c2, &b.device, "answer"), &b.sid)
        .await)
    .await;
    frames.extend(a.stomp.until("established", WAIT).await);
    b.stomp.until("established", WAIT).await;
    (a, b, frames, c1, c2)
}

#[tokio::test]
async fn s06_consult_then_transfer() {
    let (sim, api) = start(config()).await;
    let (mut a, mut b, mut frames, c1, c2) = consulted(&api, &sim.ws_url()).await;
    ok(api
        .post(
            &conn_path(&c1, &a.device, "transfer"),
            &a.sid,
            json!({"consultCallId": c2}),
        )
        .await)
    .await;
    frames.extend(a.stomp.expect_messages(3, QUIET).await);
    check("06_consult_then_transfer", "8001@test.cc", &frames);
    // 8002 is told per the 2018 flow notes: transferred, then both clearings under C1.
    let peer = b.stomp.expect_messages(3, QUIET).await;
    let names: Vec<_> = peer
        .iter()
        .map(|f| (f["eventName"].clone(), f["callId"].clone()))
        .collect();
    assert_eq!(
        names,
        [
            (json!("transferred"), json!(c1)),
            (json!("connectionCleared"), json!(c1)),
            (json!("connectionCleared"), json!(c1))
        ]
    );
}

async fn conferenced(api: &Api, ws: &str) -> (Agent, Agent, Vec<Value>, String) {
    let (mut a, mut b, mut frames, c1, c2) = consulted(api, ws).await;
    ok(api
        .post(
            &conn_path(&c1, &a.device, "conference"),
            &a.sid,
            json!({"consultCallId": c2}),
        )
        .await)
    .await;
    frames.extend(a.stomp.until("conferenced", WAIT).await);
    let peer = b.stomp.until("conferenced", WAIT).await;
    assert_eq!(peer[0]["secondaryOldCall"], c2.as_str());
    (a, b, frames, c1)
}

#[tokio::test]
async fn s07a_consult_conference() {
    let (sim, api) = start(config()).await;
    let (mut a, mut b, mut frames, c1) = conferenced(&api, &sim.ws_url()).await;
    ok(api.delete(&conn_path(&c1, &a.device, ""), &a.sid).await).await;
    frames.extend(a.stomp.expect_messages(1, QUIET).await);
    check("07a_consult_conference", "8001@test.cc", &frames);
    // The conference ended for everybody: 8002 sees B leave, then the customer, then itself.
    let peer = b.stomp.expect_messages(3, QUIET).await;
    let released: Vec<_> = peer.iter().map(|f| f["releasingDevice"].clone()).collect();
    assert_eq!(
        released,
        [
            json!("8001@test.cc"),
            json!("13800000000@test.cc"),
            json!("8002@test.cc")
        ]
    );
}

#[tokio::test]
async fn s07b_consult_conference() {
    let (sim, api) = start(config()).await;
    let (mut a, b, mut frames, c1) = conferenced(&api, &sim.ws_url()).await;
    ok(api.delete(&conn_path(&c1, &b.device, ""), &b.sid).await).await;
    frames.extend(a.stomp.until("connectionCleared", WAIT).await);
    ok(api.delete(&conn_path(&c1, &a.device, ""), &a.sid).await).await;
    frames.extend(a.stomp.expect_messages(1, QUIET).await);
    check("07b_consult_conference", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s07c_consult_conference() {
    let (sim, api) = start(config()).await;
    let (mut a, b, mut frames, c1) = conferenced(&api, &sim.ws_url()).await;
    ok(api.delete(&conn_path(&c1, &b.device, ""), &b.sid).await).await;
    frames.extend(a.stomp.until("connectionCleared", WAIT).await);
    ok(api
        .admin_post(
            &format!("/calls/{c1}/hangup"),
            json!({"device": "13800000000@test.cc"}),
        )
        .await)
    .await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("07c_consult_conference", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s08_cancel_consult() {
    let (sim, api) = start(config()).await;
    let (mut a, _b, mut frames, c1, c2) = consulted(&api, &sim.ws_url()).await;
    ok(api
        .post(
            &conn_path(&c1, &a.device, "cancelConsult"),
            &a.sid,
            json!({"consultCallId": c2}),
        )
        .await)
    .await;
    frames.extend(a.stomp.until("retrieved", WAIT).await);
    ok(api.delete(&conn_path(&c1, &a.device, ""), &a.sid).await).await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("08_cancel_consult", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s09_recording_stop_start() {
    let (sim, api) = start(config()).await;
    let r = api
        .admin(
            reqwest::Method::PATCH,
            "/tenants/test.cc",
            json!({"recordByDefault": true}),
        )
        .await;
    assert_eq!(r.status, 204);
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let (mut frames, call) = answered_inbound(&api, &mut a).await;
    frames.extend(a.stomp.until("recordStarted", WAIT).await);
    let stop = api
        .post_empty(
            "/api/csta/callControl/recording/Stop?extension=8001@test.cc",
            &a.sid,
        )
        .await;
    assert_eq!(stop.status, 204);
    frames.extend(a.stomp.until("recordStopped", WAIT).await);
    let start_again = api
        .post_empty(
            "/api/csta/callControl/recording/Start?extension=8001@test.cc",
            &a.sid,
        )
        .await;
    assert_eq!(start_again.status, 204);
    frames.extend(a.stomp.until("recordStarted", WAIT).await);
    ok(api.delete(&conn_path(&call, &a.device, ""), &a.sid).await).await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    check("09_recording_stop_start", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s10_logout() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let r = api
        .post(
            "/api/csta/agent/state",
            &a.sid,
            json!({"func": "Logout", "agentId": "5001@test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let frames = a.stomp.expect_messages(1, QUIET).await;
    check("10_logout", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s11_set_agent_mode() {
    let (sim, api) = start(config()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let body = |mode: &str, reason: &str| {
        json!({"func": "SetState", "device": "8001@test.cc", "agentMode": mode,
               "namespace": "test.cc", "reason": reason, "agentId": "5001@test.cc"})
    };
    assert_eq!(
        api.post("/api/csta/agent/state", &a.sid, body("Ready", ""))
            .await
            .status,
        204
    );
    assert_eq!(
        api.post("/api/csta/agent/state", &a.sid, body("NotReady", "1"))
            .await
            .status,
        204
    );
    let frames = a.stomp.expect_messages(2, QUIET).await;
    check("11_set_agent_mode", "8001@test.cc", &frames);
}

#[tokio::test]
async fn s12_single_step_conference() {
    let (sim, api) = start(config()).await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let (mut frames, call) = answered_inbound(&api, &mut a).await;
    ok(api
        .post(
            &conn_path(&call, &a.device, "singleStepConference"),
            &a.sid,
            json!({"conferenceParticipant": "8002", "participationType": "Active"}),
        )
        .await)
    .await;
    let mut peer = b.stomp.until("delivered", WAIT).await;
    ok(api
        .post_empty(&conn_path(&call, &b.device, "answer"), &b.sid)
        .await)
    .await;
    frames.extend(a.stomp.until("conferenced", WAIT).await);
    peer.extend(b.stomp.until("conferenced", WAIT).await);
    ok(api
        .admin_post(
            &format!("/calls/{call}/hangup"),
            json!({"device": "13800000000@test.cc"}),
        )
        .await)
    .await;
    frames.extend(a.stomp.until("connectionCleared", WAIT).await);
    peer.extend(b.stomp.until("connectionCleared", WAIT).await);
    ok(api.delete(&conn_path(&call, &b.device, ""), &b.sid).await).await;
    frames.extend(a.stomp.expect_messages(2, QUIET).await);
    peer.extend(b.stomp.expect_messages(1, QUIET).await);
    check("12_single_step_conference", "8001@test.cc", &frames);
    check("12_single_step_conference", "8002@test.cc", &peer);
}
