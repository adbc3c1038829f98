//! Each fault knob of `/admin/faults` and `/admin/broker`, observed from a client.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use well_client::stomp::{CloseReason, RemoteClose, SessionConfig};
use well_sim::SimConfig;

use crate::support::client::{agent_topic, conn_path, StompClient};
use crate::support::{start, Agent, QUIET};

/// How a raw WebSocket ended.
#[derive(Debug, PartialEq)]
enum Ending {
    CloseFrame(u16),
    NoCloseFrame,
}

async fn raw_subscriber(
    url: &str,
    agent: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::Text(
        "CONNECT\naccept-version:1.1\nheart-beat:0,0\n\n\0".into(),
    ))
    .await
    .unwrap();
    ws.next().await.unwrap().unwrap();
    ws.send(Message::Text(
        format!(
            "SUBSCRIBE\nid:sub-0\ndestination:{}\n\n\0",
            agent_topic(agent)
        )
        .into(),
    ))
    .await
    .unwrap();
    ws
}

async fn ending(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Ending {
    loop {
        match tokio::time::timeout(Duration::from_secs(3), ws.next())
            .await
            .expect("socket ends")
        {
            Some(Ok(Message::Close(frame))) => {
                return Ending::CloseFrame(frame.map_or(1005, |f| f.code.into()))
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Ending::NoCloseFrame,
        }
    }
}

#[tokio::test]
async fn drop_one_agents_connections_or_all() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = raw_subscriber(&sim.ws_url(), "5001@test.cc").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    api.wait_subscribed(&agent_topic("5001@test.cc")).await;
    let r = api
        .admin_post("/faults/ws/drop", json!({"agentId": "5001@test.cc"}))
        .await;
    assert_eq!(r.body, json!({"dropped": 1}));
    assert_eq!(
        ending(&mut a).await,
        Ending::NoCloseFrame,
        "dropped like a lost network"
    );
    // 5002 is still connected and still gets its events.
    let r = api
        .post(
            "/api/csta/agent/state",
            &b.sid,
            json!({"func": "SetState", "agentMode": "Ready", "agentId": "5002@test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        b.stomp.message(Duration::from_secs(3)).await.unwrap()["eventName"],
        "agentReady"
    );
    // Dropping all.
    let r = api.admin_post("/faults/ws/drop", Value::Null).await;
    assert_eq!(r.body, json!({"dropped": 1}));
    assert_eq!(
        b.stomp.closed(Duration::from_secs(3)).await,
        Some(CloseReason::Remote(RemoteClose::SocketClosed))
    );
}

#[tokio::test]
async fn refuse_new_connections_for_a_while() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let existing = StompClient::connect(&sim.ws_url(), SessionConfig::default())
        .await
        .unwrap();
    assert_eq!(
        api.admin_post("/faults/ws/refuse", json!({"seconds": 0.6}))
            .await
            .status,
        204
    );
    let refused = tokio_tungstenite::connect_async(sim.ws_url()).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503)
        }
        other => panic!("expected a 503, got {:?}", other.map(|_| ())),
    }
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    StompClient::connect(&sim.ws_url(), SessionConfig::default())
        .await
        .expect("accepted again");
    drop(existing);
}

#[tokio::test]
async fn delay_and_fail_the_next_http_calls() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let hb = "/api/csta/agent/heartbeat/5001@test.cc";

    let r = api
        .admin_post("/faults/http", json!({"count": 1, "delayMs": 400}))
        .await;
    assert_eq!(r.status, 204);
    let t = Instant::now();
    assert_eq!(api.post_empty(hb, &a.sid).await.status, 204);
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "delayed: {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    assert_eq!(api.post_empty(hb, &a.sid).await.status, 204);
    assert!(
        t.elapsed() < Duration::from_millis(300),
        "only the next call: {:?}",
        t.elapsed()
    );

    let r = api
        .admin_post(
            "/faults/http",
            json!({"count": 2, "status": 503, "pathPrefix": "/api/csta/agent/heartbeat"}),
        )
        .await;
    assert_eq!(r.status, 204);
    // Other paths and /admin are not affected.
    assert_eq!(
        api.get("/api/csta/agent/client-state", &a.sid).await.status,
        200
    );
    assert!(api.admin_get("/faults").await["http"]
        .as_array()
        .is_some_and(|r| r.len() == 1));
    let failed = reqwest::Client::new()
        .post(format!("{}{hb}", api.base))
        .header("sessionId", a.sid.as_str())
        .header("Origin", "http://crm.example")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status().as_u16(), 503);
    assert_eq!(
        failed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("*"),
        "an injected failure is readable cross-origin"
    );
    let r = api.post_empty(hb, &a.sid).await;
    assert_eq!(
        (r.status, r.body),
        (503, json!({"status": 503, "message": "injected fault"}))
    );
    assert_eq!(api.post_empty(hb, &a.sid).await.status, 204);

    // Delay and fail together; clearing the rules.
    api.admin_post(
        "/faults/http",
        json!({"count": 5, "status": 500, "delayMs": 100}),
    )
    .await;
    let t = Instant::now();
    assert_eq!(api.post_empty(hb, &a.sid).await.status, 500);
    assert!(t.elapsed() >= Duration::from_millis(100));
    assert_eq!(
        api.admin(reqwest::Method::DELETE, "/faults", Value::Null)
            .await
            .status,
        204
    );
    assert_eq!(api.post_empty(hb, &a.sid).await.status, 204);
}

fn set_state(mode: &str, agent: &str) -> Value {
    json!({"func": "SetState", "agentMode": mode, "agentId": agent, "reason": ""})
}

#[tokio::test]
async fn duplicate_the_next_events() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let r = api
        .admin_post(
            "/faults/events",
            json!({"action": "duplicate", "count": 1, "agentId": "5001@test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    api.post(
        "/api/csta/agent/state",
        &b.sid,
        set_state("Ready", "5002@test.cc"),
    )
    .await;
    api.post(
        "/api/csta/agent/state",
        &a.sid,
        set_state("Ready", "5001@test.cc"),
    )
    .await;
    api.post(
        "/api/csta/agent/state",
        &a.sid,
        set_state("NotReady", "5001@test.cc"),
    )
    .await;
    let frames = a.stomp.expect_messages(3, QUIET).await;
    let seen: Vec<_> = frames
        .iter()
        .map(|f| (f["eventName"].clone(), f["serial"].clone()))
        .collect();
    assert_eq!(seen[0], seen[1], "the same event twice, same serial");
    assert_eq!(seen[0].0, "agentReady");
    assert_eq!(seen[2].0, "agentNotReady");
    assert_eq!(
        b.stomp.expect_messages(1, QUIET).await[0]["eventName"],
        "agentReady"
    );
}

#[tokio::test]
async fn reorder_the_next_events() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    api.admin_post("/faults/events", json!({"action": "reorder", "count": 1}))
        .await;
    let call = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let call = call.body["callId"].as_str().unwrap().to_string();
    // delivered is held back until the next event of the agent...
    assert!(a.stomp.message(Duration::from_millis(100)).await.is_none());
    assert_eq!(
        api.post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
            .await
            .status,
        204
    );
    let frames = a.stomp.expect_messages(2, QUIET).await;
    let names: Vec<_> = frames
        .iter()
        .map(|f| f["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["established", "delivered"]);
    assert!(frames[0]["serial"].as_u64() > frames[1]["serial"].as_u64());
    // ...or released after a while when none follows.
    api.admin_post(
        "/faults/events",
        json!({"action": "reorder", "count": 1, "agentId": "5001@test.cc"}),
    )
    .await;
    assert_eq!(
        api.post_empty(&conn_path(&call, &a.device, "hold"), &a.sid)
            .await
            .status,
        204
    );
    let t = Instant::now();
    let held = a.stomp.message(Duration::from_secs(3)).await.unwrap();
    assert_eq!(held["eventName"], "held");
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn stop_and_restart_the_broker() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut raw = raw_subscriber(&sim.ws_url(), "5001@test.cc").await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let r = api.admin_post("/broker/stop", Value::Null).await;
    assert_eq!(r.body, json!({"closed": 2}));
    assert_eq!(ending(&mut raw).await, Ending::CloseFrame(1001));
    assert!(a.stomp.closed(Duration::from_secs(3)).await.is_some());
    assert_eq!(api.admin_get("/status").await["broker"]["running"], false);
    assert!(
        tokio_tungstenite::connect_async(sim.ws_url())
            .await
            .is_err(),
        "refused while stopped"
    );
    // REST keeps working; events of the stopped period are not delivered later.
    let r = api
        .post(
            "/api/csta/agent/state",
            &a.sid,
            set_state("Ready", "5002@test.cc"),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        api.admin_post("/broker/start", Value::Null).await.status,
        204
    );
    let mut again = StompClient::connect(&sim.ws_url(), SessionConfig::default())
        .await
        .unwrap();
    again.subscribe(&agent_topic("5002@test.cc"));
    api.wait_subscribed(&agent_topic("5002@test.cc")).await;
    assert!(again.message(QUIET).await.is_none());
    let r = api
        .post(
            "/api/csta/agent/state",
            &a.sid,
            set_state("NotReady", "5002@test.cc"),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        again.message(Duration::from_secs(3)).await.unwrap()["eventName"],
        "agentNotReady"
    );
}

#[tokio::test]
async fn unregister_and_register_an_extension() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    assert_eq!(
        api.admin_post("/devices/8002@test.cc/unregister", Value::Null)
            .await
            .status,
        204
    );
    let devices = api.admin_get("/devices").await;
    let d = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["deviceId"] == "8002@test.cc")
        .unwrap();
    assert_eq!(d["registered"], false);
    // A call to the offline phone fails as "not reachable".
    let r = api
        .post(
            "/api/csta/callControl/calls",
            &a.sid,
            json!({"from": "8001@test.cc", "to": "8002", "cpa": "1"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let frames = a.stomp.until("failed", Duration::from_secs(3)).await;
    let failed = frames.last().unwrap();
    assert_eq!(
        (failed["failedCode"].clone(), failed["failedMsg"].clone()),
        (json!(3), json!("not reachable"))
    );
    a.stomp.expect_messages(2, QUIET).await;
    assert_eq!(
        api.admin_post("/devices/8002@test.cc/register", Value::Null)
            .await
            .status,
        204
    );
    let r = api
        .post(
            "/api/csta/callControl/calls",
            &a.sid,
            json!({"from": "8001@test.cc", "to": "8002"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let frames = a.stomp.until("delivered", Duration::from_secs(3)).await;
    assert_eq!(frames.last().unwrap()["alertingDevice"], "8002@test.cc");
}
