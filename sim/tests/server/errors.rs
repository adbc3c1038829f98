//! Every error status of the platform, each reached by the situation that causes it.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use well_sim::pbx::PbxConfig;
use well_sim::seed::Seed;
use well_sim::SimConfig;

use crate::support::client::{conn_path, Reply};
use crate::support::{start, Agent, QUIET};

const STATE: &str = "/api/csta/agent/state";

fn logout(agent: &str) -> Value {
    json!({"func": "Logout", "agentId": agent})
}

fn set_state(mode: &str, reason: &str) -> Value {
    json!({"func": "SetState", "device": "8001@test.cc", "agentMode": mode,
           "namespace": "test.cc", "reason": reason, "agentId": "5001@test.cc"})
}

fn assert_status(r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{r:?}");
}

#[tokio::test]
async fn token_login_401_and_login_password_401() {
    let (_sim, api) = start(SimConfig::ephemeral()).await;
    for path in [
        "/login",
        "/loginTrusted",
        "/api/security/login",
        "/agent/login",
    ] {
        let ok = api.token_login(path, "5001", "123456", "test.cc").await;
        assert_status(&ok, 200);
        assert_eq!(
            ok.body["sessionId"].as_str().map(str::len),
            Some(36),
            "a uuid"
        );
        assert_status(
            &api.token_login(path, "5001", "wrong", "test.cc").await,
            401,
        );
    }
    assert_status(
        &api.token_login("/login", "5999", "123456", "test.cc").await,
        401,
    );
    assert_status(
        &api.token_login("/login", "5001", "123456", "other.cc")
            .await,
        401,
    );
    // The form is URL-decoded: a password with reserved characters works once encoded.
    let sid = api.session("5002").await;
    let r = api
        .admin(
            Method::PATCH,
            "/agents/5003@test.cc",
            json!({"password": "a&b=c+d%"}),
        )
        .await;
    assert_status(&r, 204);
    assert_status(
        &api.token_login("/login", "5003", "a&b=c+d%", "test.cc")
            .await,
        200,
    );
    // The Login body's password is checked too.
    let r = api
        .post(
            STATE,
            &sid,
            json!({"loginId": "5002@test.cc", "device": "8002@test.cc",
                                  "password": "nope", "agentMode": "Ready", "func": "Login"}),
        )
        .await;
    assert_status(&r, 401);
}

#[tokio::test]
async fn session_426_missing_unknown_and_expired() {
    let config = SimConfig {
        pbx: PbxConfig {
            heartbeat_timeout_ms: 800,
            ..PbxConfig::default()
        },
        ..SimConfig::ephemeral()
    };
    let (sim, api) = start(config).await;
    assert_status(&api.get("/api/csta/agent/client-state", "").await, 426);
    assert_status(
        &api.get("/api/csta/agent/client-state", "not-a-session")
            .await,
        426,
    );
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    // Heartbeats keep the agent logged in past the timeout...
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_status(
            &api.post_empty("/api/csta/agent/heartbeat/5001@test.cc", &a.sid)
                .await,
            204,
        );
    }
    assert_status(&api.get("/api/csta/agent/client-state", &a.sid).await, 200);
    // ...and without them the platform logs it out and the session expires.
    let off = a
        .stomp
        .message(Duration::from_secs(3))
        .await
        .expect("agentLoggedOff");
    assert_eq!(off["eventName"], "agentLoggedOff");
    assert_eq!(off["agentMode"], "Logout");
    assert_status(&api.get("/api/csta/agent/client-state", &a.sid).await, 426);
    assert_status(
        &api.post_empty("/api/csta/agent/heartbeat/5001@test.cc", &a.sid)
            .await,
        426,
    );
    // A new token works again.
    let sid = api.session("5001").await;
    assert_status(&api.login(&sid, "5001", "8001", "Ready").await, 204);

    // The administrator's logout expires the sessions too.
    let r = api
        .admin_post("/agents/5001@test.cc/logout", Value::Null)
        .await;
    assert_status(&r, 204);
    assert_status(&api.get("/api/csta/agent/client-state", &sid).await, 426);
}

#[tokio::test]
async fn login_refusals_451_to_459() {
    let mut seed = Seed::default();
    seed.tenants[0].extensions[9].allowed_agents = Some(vec!["5010".into()]);
    let (sim, api) = start(SimConfig {
        seed,
        ..SimConfig::ephemeral()
    })
    .await;
    let sid = api.session("5002").await;

    // 451: the phone of 8003 went offline.
    assert_status(
        &api.admin_post("/devices/8003@test.cc/unregister", Value::Null)
            .await,
        204,
    );
    assert_status(&api.login(&sid, "5002", "8003", "Ready").await, 451);
    assert_status(
        &api.admin_post("/devices/8003@test.cc/register", Value::Null)
            .await,
        204,
    );
    assert_status(&api.login(&sid, "5002", "8003", "Ready").await, 204);
    assert_status(&api.post(STATE, &sid, logout("5002@test.cc")).await, 204);

    // 452 / 453: not in the tenant.
    assert_status(&api.login(&sid, "5999", "8002", "Ready").await, 452);
    let r = api
        .post(
            STATE,
            &sid,
            json!({"loginId": "5002@other.cc", "device": "8002@test.cc", "func": "Login"}),
        )
        .await;
    assert_status(&r, 452);
    assert_status(&api.login(&sid, "5002", "8999", "Ready").await, 453);

    // 454 / 455 / 459.
    let a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    assert_status(&api.login(&a.sid, "5001", "8001", "NotReady").await, 454);
    let r = api.login(&a.sid, "5001", "8002", "NotReady").await;
    assert_status(&r, 455);
    assert_eq!(r.body, json!({"deviceId": "8001@test.cc"}));
    let r = api.login(&sid, "5002", "8001", "NotReady").await;
    assert_status(&r, 459);
    assert_eq!(r.body, json!({"agent": "5001@test.cc"}));

    // 456: 8004 rings with a call while nobody is logged in on it.
    let r = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "8004"}))
        .await;
    assert_status(&r, 200);
    assert_status(&api.login(&sid, "5002", "8004", "NotReady").await, 456);

    // 457: 8010 is reserved for 5010.
    assert_status(&api.login(&sid, "5002", "8010", "NotReady").await, 457);

    // 458: logging out an agent that is not logged in.
    assert_status(&api.post(STATE, &sid, logout("5002@test.cc")).await, 458);
    assert_status(&api.post(STATE, &sid, logout("5003@test.cc")).await, 458);
}

#[tokio::test]
async fn disabled_agent_423_and_tenant_full_461() {
    let mut seed = Seed::default();
    seed.tenants[0].max_online_agents = Some(2);
    let (_sim, api) = start(SimConfig {
        seed,
        ..SimConfig::ephemeral()
    })
    .await;
    let r = api
        .admin(
            Method::PATCH,
            "/agents/5004@test.cc",
            json!({"enabled": false}),
        )
        .await;
    assert_status(&r, 204);
    let sid = api.session("5004").await;
    assert_status(&api.login(&sid, "5004", "8004", "Ready").await, 423);

    for (n, e) in [("5001", "8001"), ("5002", "8002")] {
        let sid = api.session(n).await;
        assert_status(&api.login(&sid, n, e, "Ready").await, 204);
    }
    let sid = api.session("5003").await;
    assert_status(&api.login(&sid, "5003", "8003", "Ready").await, 461);
}

#[tokio::test]
async fn set_state_460_and_pending_mode() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let call = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let call = call.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("delivered", Duration::from_secs(5)).await;
    // Ringing: the state cannot change.
    assert_status(
        &api.post(STATE, &a.sid, set_state("NotReady", "")).await,
        460,
    );
    // Logging out during a call is refused too.
    assert_status(&api.post(STATE, &a.sid, logout("5001@test.cc")).await, 460);
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
            .await,
        204,
    );
    a.stomp.until("established", Duration::from_secs(5)).await;
    // Talking: the change waits for the end of the call.
    let r = api.post(STATE, &a.sid, set_state("NotReady", "1")).await;
    assert_status(&r, 200);
    assert_eq!(r.body, json!({"pendingMode": "NotReady"}));
    assert!(
        a.stomp.message(QUIET).await.is_none(),
        "nothing until the call ends"
    );
    assert_status(
        &api.delete(&conn_path(&call, &a.device, ""), &a.sid).await,
        204,
    );
    let frames = a.stomp.expect_messages(3, QUIET).await;
    assert_eq!(frames[2]["eventName"], "agentNotReady");
    assert_eq!(frames[2]["reason"], "1");
}

#[tokio::test]
async fn quota_465_after_dialler_answers() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let r = api
        .admin(
            Method::PATCH,
            "/agents/5001@test.cc",
            json!({"autoOutboundQuota": 1}),
        )
        .await;
    assert_status(&r, 204);
    // The dialler reserves the agent and connects a predictive call, which it answers.
    assert_status(
        &api.admin_post("/agents/5001@test.cc/allocate", Value::Null)
            .await,
        204,
    );
    assert_eq!(
        a.stomp.message(QUIET).await.unwrap()["eventName"],
        "agentAllocated"
    );
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "8001", "callType": "PreDictive"}),
        )
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    let delivered = a.stomp.until("delivered", Duration::from_secs(5)).await;
    assert_eq!(delivered[0]["callType"], "PreDictive");
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
            .await,
        204,
    );
    assert_status(
        &api.delete(&conn_path(&call, &a.device, ""), &a.sid).await,
        204,
    );
    // The reservation ends with the call.
    let after = a.stomp.until("agentReady", Duration::from_secs(5)).await;
    assert_eq!(
        after.len(),
        4,
        "established, two clearings, agentReady: {after:?}"
    );
    assert_status(
        &api.post(STATE, &a.sid, set_state("NotReady", "")).await,
        204,
    );
    assert_status(&api.post(STATE, &a.sid, set_state("Ready", "")).await, 465);
    // 462: the dialler cannot reserve an agent that is not Ready.
    assert_status(
        &api.admin_post("/agents/5001@test.cc/allocate", Value::Null)
            .await,
        462,
    );
}

#[tokio::test]
async fn recording_466_when_disabled() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let start_rec = "/api/csta/callControl/recording/Start?extension=8001@test.cc";
    // No call: nothing to record.
    assert_status(&api.post_empty(start_rec, &a.sid).await, 409);
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "7000", "answerAfterMs": 0}),
        )
        .await;
    assert_status(&r, 200);
    a.stomp.until("established", Duration::from_secs(5)).await;
    assert_status(&api.post_empty(start_rec, &a.sid).await, 204);
    assert_status(&api.post_empty(start_rec, &a.sid).await, 409);
    let r = api
        .admin(
            Method::PATCH,
            "/tenants/test.cc",
            json!({"recordingControl": false}),
        )
        .await;
    assert_status(&r, 204);
    assert_status(
        &api.post_empty(
            "/api/csta/callControl/recording/Stop?extension=8001@test.cc",
            &a.sid,
        )
        .await,
        466,
    );
    assert_status(&api.post_empty(start_rec, &a.sid).await, 466);
}

#[tokio::test]
async fn call_control_4xx_for_unknown_ids_and_invalid_operations() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let r = api
        .post_empty(&conn_path("no-such-call", &a.device, "answer"), &a.sid)
        .await;
    assert_status(&r, 404);
    let call = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let call = call.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("delivered", Duration::from_secs(5)).await;
    // Another device's connection in this call does not exist.
    assert_status(
        &api.post_empty(&conn_path(&call, "8002@test.cc", "answer"), &a.sid)
            .await,
        404,
    );
    // A connection id naming another call.
    let mismatched =
        format!("/api/csta/callControl/calls/{call}/connections/8001@test.cc%7Cother/answer");
    assert_status(&api.post_empty(&mismatched, &a.sid).await, 400);
    // Hold before answering, answer twice, hold twice, retrieve a connected call.
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "hold"), &a.sid)
            .await,
        409,
    );
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
            .await,
        204,
    );
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
            .await,
        409,
    );
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "retrieve"), &a.sid)
            .await,
        409,
    );
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "hold"), &a.sid)
            .await,
        204,
    );
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "hold"), &a.sid)
            .await,
        409,
    );
    // Unknown operation, malformed bodies, transfers to nowhere.
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "teleport"), &a.sid)
            .await,
        404,
    );
    let raw = reqwest::Client::new()
        .post(format!(
            "{}{}",
            api.base,
            conn_path(&call, &a.device, "consult")
        ))
        .header("sessionId", a.sid.as_str())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    assert_status(
        &api.post(&conn_path(&call, &a.device, "consult"), &a.sid, json!({}))
            .await,
        400,
    );
    assert_status(
        &api.post_empty(&conn_path(&call, &a.device, "retrieve"), &a.sid)
            .await,
        204,
    );
    let r = api
        .post(
            &conn_path(&call, &a.device, "singleStepTransfer"),
            &a.sid,
            json!({"transferTo": "12"}),
        )
        .await;
    assert_status(&r, 409);
    let r = api
        .post(
            &conn_path(&call, &a.device, "conference"),
            &a.sid,
            json!({"consultCallId": call}),
        )
        .await;
    assert_status(&r, 400);
    assert_status(
        &api.get("/api/csta/callControl/calls/nope/user-data/", &a.sid)
            .await,
        404,
    );
    assert_status(
        &api.post_empty("/api/csta/outbound/release/5001@test.cc", &a.sid)
            .await,
        409,
    );
    assert_status(
        &api.post_empty("/api/csta/outbound/release/5002@test.cc", &a.sid)
            .await,
        458,
    );
    assert_status(
        &api.get(
            "/api/operation/operation/tenants/test.cc/agents/5999@test.cc",
            &a.sid,
        )
        .await,
        404,
    );
}

#[tokio::test]
async fn platform_statuses_carry_the_platforms_reason_phrase() {
    use std::io::{Read, Write};
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let sid = api.session("5001").await;
    let addr = sim.addr();
    let status_line = tokio::task::spawn_blocking(move || {
        let body = r#"{"func":"Logout","agentId":"5001@test.cc"}"#;
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "POST /api/csta/agent/state HTTP/1.1\r\nHost: {addr}\r\nsessionId: {sid}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out.lines().next().unwrap_or_default().to_string()
    })
    .await
    .unwrap();
    assert_eq!(status_line, "HTTP/1.1 458 agent already logged out");
}
