//! The platform's behaviour beyond the fixtures, through REST and `/admin`: scripted parties,
//! call progress failures, switchboard dialling, queues, after-call work, reservations, user
//! data, spying, parking, client-state, client logs and reset.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use well_sim::pbx::PbxConfig;
use well_sim::SimConfig;

use crate::support::client::{conn_path, Api};
use crate::support::{start, Agent, QUIET};

const WAIT: Duration = Duration::from_secs(5);
const STATE: &str = "/api/csta/agent/state";

fn names(frames: &[Value]) -> Vec<String> {
    frames
        .iter()
        .map(|f| f["eventName"].as_str().unwrap_or("?").to_string())
        .collect()
}

async fn make_call(api: &Api, a: &Agent, to: &str, cpa: bool) -> String {
    let mut body = json!({"from": a.device, "to": to, "destForDisplay": "8001"});
    if cpa {
        body["cpa"] = json!("1");
    }
    let r = api.post("/api/csta/callControl/calls", &a.sid, body).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body["callId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn scripted_outside_caller_answers_and_hangs_up_by_itself() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let t = Instant::now();
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "8001", "answerAfterMs": 100, "hangupAfterMs": 200,
                   "userData": {"orderId": "A-1"}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let frames = a.stomp.expect_messages(4, QUIET).await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        names(&frames),
        [
            "delivered",
            "established",
            "connectionCleared",
            "connectionCleared"
        ]
    );
    assert_eq!(frames[0]["userData"]["data"]["orderId"], "A-1");
    assert_eq!(frames[0]["userData"]["data"]["origin_dnis"], "8001");
    assert!(
        frames[0].get("split").is_none(),
        "dialled directly, not through a queue"
    );
    assert_eq!(frames[2]["releasingDevice"], "13800000000@test.cc");
    assert_eq!(frames[3]["hangupDevice"], "13800000000@test.cc");
}

#[tokio::test]
async fn outside_numbers_answer_never_or_when_told() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    // 13700000000 never answers by itself (seeded).
    let call = make_call(&api, &a, "613700000000", false).await;
    let frames = a
        .stomp
        .expect_messages(3, Duration::from_millis(1_300))
        .await;
    assert_eq!(
        names(&frames),
        ["serviceInitiated", "originated", "delivered"]
    );
    let calls = api.admin_get("/calls").await;
    assert_eq!(calls[0]["parties"][1]["state"], "Alerting");
    assert_eq!(
        api.admin_post(&format!("/calls/{call}/answer"), Value::Null)
            .await
            .status,
        204
    );
    assert_eq!(
        a.stomp.message(WAIT).await.unwrap()["eventName"],
        "established"
    );
    // Hang-up defaults to the outside party.
    assert_eq!(
        api.admin_post(&format!("/calls/{call}/hangup"), Value::Null)
            .await
            .status,
        204
    );
    let frames = a.stomp.expect_messages(2, QUIET).await;
    assert_eq!(frames[0]["releasingDevice"], "613700000000@test.cc");

    // A behaviour set on a number: answers after 100 ms, hangs up 200 ms later.
    let r = api
        .admin(
            Method::PUT,
            "/devices/13800000001@test.cc/behavior",
            json!({"answerAfterMs": 100, "hangupAfterMs": 200}),
        )
        .await;
    assert_eq!(r.status, 204);
    make_call(&api, &a, "913800000001", false).await;
    let frames = a.stomp.expect_messages(6, QUIET).await;
    assert_eq!(
        names(&frames),
        [
            "serviceInitiated",
            "originated",
            "delivered",
            "established",
            "connectionCleared",
            "connectionCleared"
        ]
    );
    assert_eq!(frames[2]["callType"], "Outbound");

    // A peer extension whose phone picks up by itself.
    let r = api
        .admin(
            Method::PUT,
            "/devices/8002@test.cc/behavior",
            json!({"answerAfterMs": 50}),
        )
        .await;
    assert_eq!(r.status, 204);
    let call = make_call(&api, &a, "8002", false).await;
    let frames = a.stomp.expect_messages(4, QUIET).await;
    assert_eq!(names(&frames)[3], "established");
    assert_eq!(frames[2]["callType"], "Internal");
    assert_eq!(frames[3]["answeringDevice"], "8002@test.cc");
    let r = api.delete(&conn_path(&call, &a.device, ""), &a.sid).await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn call_progress_failures_with_and_without_cpa() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    make_call(&api, &a, "913900000001", true).await;
    let frames = a.stomp.expect_messages(5, QUIET).await;
    assert_eq!(
        names(&frames),
        [
            "serviceInitiated",
            "originated",
            "failed",
            "connectionCleared",
            "connectionCleared"
        ]
    );
    let failed = &frames[2];
    assert_eq!(failed["calledDevice"], "913900000001@test.cc");
    assert_eq!(failed["localState"], "Fail");
    assert_eq!(failed["cause"], "Failed");
    assert_eq!(
        (failed["failedCode"].clone(), failed["failedMsg"].clone()),
        (json!(1), json!("busy now"))
    );
    assert_eq!(frames[3]["cause"], "USER_BUSY");
    assert_eq!(frames[3]["releasingDevice"], "913900000001@test.cc");
    assert_eq!(frames[4]["releasingDevice"], "8001@test.cc");

    // Without cpa the same call just ends.
    make_call(&api, &a, "913900000006", false).await;
    let frames = a.stomp.expect_messages(4, QUIET).await;
    assert_eq!(
        names(&frames),
        [
            "serviceInitiated",
            "originated",
            "connectionCleared",
            "connectionCleared"
        ]
    );
    assert_eq!(frames[2]["cause"], "SUBSCRIBER_ABSENT");

    // No trunk prefix: the number does not exist.
    make_call(&api, &a, "13800000000", true).await;
    let frames = a.stomp.expect_messages(5, QUIET).await;
    assert_eq!(frames[2]["failedCode"], 8);
    assert_eq!(frames[2]["failedMsg"], "does not exist");
}

#[tokio::test]
async fn switchboard_dial_waits_then_rings_the_extension() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut callee = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let mut caller = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let t = Instant::now();
    let r = api
        .post(
            "/api/csta/callControl/calls",
            &caller.sid,
            json!({"from": "8002@test.cc", "to": "938834600-w8001"}),
        )
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    let frames = caller
        .stomp
        .expect_messages(2, Duration::from_millis(200))
        .await;
    assert_eq!(frames[1]["calledDevice"], "938834600-w8001@test.cc");
    let mine = callee.stomp.until("delivered", WAIT).await;
    assert!(
        t.elapsed() >= Duration::from_millis(450),
        "0.5 s per w: {:?}",
        t.elapsed()
    );
    assert_eq!(
        mine[0]["calledDevice"], "8001@test.cc",
        "the callee's copy names itself"
    );
    assert_eq!(mine[0]["alertingDevice"], "8001@test.cc");
    let theirs = caller.stomp.until("delivered", WAIT).await;
    assert_eq!(theirs[0]["calledDevice"], "938834600-w8001@test.cc");
    assert_eq!(
        api.post_empty(&conn_path(&call, &callee.device, "answer"), &callee.sid)
            .await
            .status,
        204
    );
    let est = caller.stomp.until("established", WAIT).await;
    assert_eq!(est[0]["answeringDevice"], "938834600-w8001@test.cc");
    assert_eq!(
        callee.stomp.until("established", WAIT).await[0]["answeringDevice"],
        "8001@test.cc"
    );
}

#[tokio::test]
async fn queue_routes_to_the_longest_idle_ready_agent_and_waits_for_one() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let ws = sim.ws_url();
    let mut a1 = Agent::logged_in(&api, &ws, "5001", "8001", "Ready").await;
    let mut a2 = Agent::logged_in(&api, &ws, "5002", "8002", "Ready").await;
    let mut a3 = Agent::logged_in(&api, &ws, "5003", "8003", "NotReady").await;
    let queue = |api: Api| async move {
        let r = api
            .admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
            .await;
        r.body["callId"].as_str().unwrap().to_string()
    };
    let c1 = queue(api.clone()).await;
    assert_eq!(
        a1.stomp.until("delivered", WAIT).await[0]["split"],
        "7000@test.cc"
    );
    let c2 = queue(api.clone()).await;
    a2.stomp.until("delivered", WAIT).await;
    // Nobody free: the third caller waits in the queue.
    let c3 = queue(api.clone()).await;
    let calls = api.admin_get("/calls").await;
    let waiting = calls
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["callId"] == c3.as_str())
        .unwrap();
    assert_eq!(waiting["waitingInQueue"], "7000");
    // 5003 becomes Ready and gets it.
    let r = api
        .post(
            STATE,
            &a3.sid,
            json!({"func": "SetState", "agentMode": "Ready", "agentId": "5003@test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let frames = a3.stomp.expect_messages(2, QUIET).await;
    assert_eq!(names(&frames), ["agentReady", "delivered"]);
    assert_eq!(frames[1]["callId"], c3.as_str());
    // 5001 hangs up first, so 5002 (still ringing) and then 5001 are next in line; with 5002
    // and 5003 busy the next call goes back to 5001.
    api.delete(&conn_path(&c1, &a1.device, ""), &a1.sid).await;
    a1.stomp.expect_messages(2, QUIET).await;
    let c4 = queue(api.clone()).await;
    assert_eq!(
        a1.stomp.until("delivered", WAIT).await[0]["callId"],
        c4.as_str()
    );
    let _ = c2;
}

#[tokio::test]
async fn after_call_work_then_ready() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let r = api
        .admin(
            Method::PATCH,
            "/tenants/test.cc",
            json!({"afterCallWorkSecs": 1}),
        )
        .await;
    assert_eq!(r.status, 204);
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "7000", "answerAfterMs": 0, "hangupAfterMs": 50}),
        )
        .await;
    assert_eq!(r.status, 200);
    let frames = a.stomp.until("agentWorkingAfterCall", WAIT).await;
    assert_eq!(
        names(&frames),
        [
            "delivered",
            "established",
            "connectionCleared",
            "connectionCleared",
            "agentWorkingAfterCall"
        ]
    );
    assert_eq!(frames[4]["agentMode"], "WorkNotReady");
    let t = Instant::now();
    let ready = a.stomp.message(WAIT).await.unwrap();
    assert_eq!(ready["eventName"], "agentReady");
    assert!(
        t.elapsed() >= Duration::from_millis(800),
        "{:?}",
        t.elapsed()
    );
    let state = api.get("/api/csta/agent/client-state", &a.sid).await;
    assert_eq!(state.body["agent"]["agentMode"], "Ready");
}

#[tokio::test]
async fn reservation_is_released_by_request_or_timeout() {
    let (sim, api) = start(SimConfig {
        pbx: PbxConfig {
            allocation_timeout_ms: 300,
            ..PbxConfig::default()
        },
        ..SimConfig::ephemeral()
    })
    .await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    assert_eq!(
        api.admin_post("/agents/5001@test.cc/allocate", Value::Null)
            .await
            .status,
        204
    );
    let allocated = a.stomp.message(WAIT).await.unwrap();
    assert_eq!(
        (
            allocated["eventName"].clone(),
            allocated["agentMode"].clone()
        ),
        (json!("agentAllocated"), json!("Allocated"))
    );
    // An allocated agent takes no queue call.
    api.admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    assert!(a.stomp.message(Duration::from_millis(100)).await.is_none());
    assert_eq!(
        api.post_empty("/api/csta/outbound/release/5001@test.cc", &a.sid)
            .await
            .status,
        204
    );
    let frames = a.stomp.expect_messages(2, QUIET).await;
    assert_eq!(names(&frames), ["agentReady", "delivered"]);
    let call = frames[1]["callId"].as_str().unwrap().to_string();
    api.admin_post(&format!("/calls/{call}/hangup"), Value::Null)
        .await;
    a.stomp.expect_messages(2, QUIET).await;
    // Released by itself after the allocation timeout.
    assert_eq!(
        api.admin_post("/agents/5001@test.cc/allocate", Value::Null)
            .await
            .status,
        204
    );
    assert_eq!(
        a.stomp.message(WAIT).await.unwrap()["eventName"],
        "agentAllocated"
    );
    let t = Instant::now();
    assert_eq!(
        a.stomp.message(WAIT).await.unwrap()["eventName"],
        "agentReady"
    );
    assert!(t.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn user_data_is_set_read_and_carried_to_the_transfer_target() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let r = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "7000", "answerAfterMs": 0, "userData": {"orderId": "A-1"}}))
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("established", WAIT).await;
    let path = format!("/api/csta/callControl/calls/{call}/user-data");
    let r = api
        .post(
            &path,
            &a.sid,
            json!({"entries": [{"key": "agentId", "value": "8001"}]}),
        )
        .await;
    assert_eq!(r.status, 204);
    let all = api.get(&format!("{path}/"), &a.sid).await;
    assert_eq!(
        (all.status, all.body.clone()),
        (200, json!({"orderId": "A-1", "agentId": "8001"}))
    );
    let one = api.get(&format!("{path}/agentId"), &a.sid).await;
    assert_eq!((one.status, one.body), (200, json!("8001")));
    assert_eq!(
        api.get(&format!("{path}/missing"), &a.sid).await.status,
        404
    );
    assert_eq!(
        api.post(&path, &a.sid, json!({"entries": 5})).await.status,
        400
    );
    let r = api
        .post(
            &conn_path(&call, &a.device, "singleStepTransfer"),
            &a.sid,
            json!({"transferTo": "8002"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let d = b.stomp.until("delivered", WAIT).await;
    assert_eq!(d[0]["userData"]["data"]["orderId"], "A-1");
    assert_eq!(d[0]["userData"]["data"]["agentId"], "8001");
    assert_eq!(d[0]["lastRedirectionDevice"], "8001@test.cc");
}

#[tokio::test]
async fn supervisor_listens_in_barges_in_and_drops_the_agent() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let mut s = Agent::logged_in(&api, &sim.ws_url(), "5003", "8003", "NotReady").await;
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "7000", "answerAfterMs": 0}),
        )
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("established", WAIT).await;
    // forceListen: the supervisor's phone rings, it answers and listens.
    let r = api
        .post_empty(
            &format!("/api/csta/callControl/calls/{call}/spy?deviceId=8003@test.cc"),
            &s.sid,
        )
        .await;
    assert_eq!(r.status, 204);
    s.stomp.until("delivered", WAIT).await;
    assert_eq!(
        api.post_empty(&conn_path(&call, &s.device, "answer"), &s.sid)
            .await
            .status,
        204
    );
    let frames = s.stomp.until("conferenced", WAIT).await;
    assert_eq!(frames.last().unwrap()["addedParty"], "8003@test.cc");
    let calls = api.admin_get("/calls").await;
    assert_eq!(calls[0]["parties"][2]["listenOnly"], true);
    // The listener leaving does not end the call.
    assert_eq!(
        api.delete(&conn_path(&call, &s.device, ""), &s.sid)
            .await
            .status,
        204
    );
    assert_eq!(
        a.stomp
            .until("connectionCleared", WAIT)
            .await
            .last()
            .unwrap()["releasingDevice"],
        "8003@test.cc"
    );
    assert_eq!(
        api.admin_get("/calls").await[0]["parties"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // forceJoin (barge-in) is a single-step conference on the agent's connection...
    let r = api
        .post(
            &conn_path(&call, &a.device, "singleStepConference"),
            &s.sid,
            json!({"conferenceParticipant": "8003", "participationType": "Active"}),
        )
        .await;
    assert_eq!(r.status, 204);
    s.stomp.until("delivered", WAIT).await;
    assert_eq!(
        api.post_empty(&conn_path(&call, &s.device, "answer"), &s.sid)
            .await
            .status,
        204
    );
    s.stomp.until("conferenced", WAIT).await;
    // ...and forceDrop removes the agent from it.
    assert_eq!(
        api.delete(&conn_path(&call, &a.device, ""), &s.sid)
            .await
            .status,
        204
    );
    let cleared = a.stomp.until("connectionCleared", WAIT).await;
    assert_eq!(cleared.last().unwrap()["releasingDevice"], "8001@test.cc");
    // agentGreeting needs a connected party of the call.
    let greet = format!("/api/csta/callControl/calls/{call}/agentGreeting");
    assert_eq!(
        api.post(
            &greet,
            &s.sid,
            json!({"agentId": "5003", "deviceId": "8003@test.cc"})
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn parking_and_transfer_and_wait_bring_the_agent_back() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "7000", "answerAfterMs": 0}),
        )
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("established", WAIT).await;
    let greet = format!("/api/csta/callControl/calls/{call}/agentGreeting");
    assert_eq!(
        api.post(
            &greet,
            &a.sid,
            json!({"agentId": "5001", "deviceId": "8001@test.cc"})
        )
        .await
        .status,
        204
    );
    // Parking with an IVR that keeps the customer for 200 ms.
    let r = api
        .admin(
            Method::PUT,
            "/devices/4001@test.cc/behavior",
            json!({"hangupAfterMs": 200}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = api
        .post(
            &conn_path(&call, &a.device, "singleStepTransferCallAndWait"),
            &a.sid,
            json!({"transferTo": "4001"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let frames = a.stomp.until("retrieved", WAIT).await;
    assert_eq!(names(&frames), ["held", "connectionCleared", "retrieved"]);
    assert_eq!(frames[1]["releasingDevice"], "4001@test.cc");

    // transferAndWait: the customer talks to 8002; when 8002 leaves, 8001 is back.
    let r = api
        .post(
            &conn_path(&call, &a.device, "consult"),
            &a.sid,
            json!({"consultationParticipant": "8002"}),
        )
        .await;
    let c2 = r.body["callId"].as_str().unwrap().to_string();
    b.stomp.until("delivered", WAIT).await;
    api.post_empty(&conn_path(&c2, &b.device, "answer"), &b.sid)
        .await;
    a.stomp.until("established", WAIT).await;
    let r = api
        .post(
            &conn_path(&call, &a.device, "transferAndWait"),
            &a.sid,
            json!({"consultCallId": c2}),
        )
        .await;
    assert_eq!(r.status, 204);
    let frames = a.stomp.expect_messages(2, QUIET).await;
    assert_eq!(names(&frames), ["transferred", "connectionCleared"]);
    assert_eq!(frames[1]["callId"], c2.as_str());
    assert_eq!(
        api.delete(&conn_path(&call, &b.device, ""), &b.sid)
            .await
            .status,
        204
    );
    let frames = a.stomp.expect_messages(2, QUIET).await;
    assert_eq!(names(&frames), ["connectionCleared", "retrieved"]);
    let state = api.get("/api/csta/agent/client-state", &a.sid).await;
    assert_eq!(state.body["agent"]["activeCall"]["state"], "Connect");
}

#[tokio::test]
async fn client_state_reports_the_active_call() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let r = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("delivered", WAIT).await;
    api.post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
        .await;
    a.stomp.until("established", WAIT).await;
    let state = api.get("/api/csta/agent/client-state", &a.sid).await;
    assert_eq!(state.status, 200);
    let agent = &state.body["agent"];
    assert_eq!(agent["agentId"], "5001@test.cc");
    assert_eq!(agent["extensionId"], "8001@test.cc");
    assert_eq!(agent["namespace"], "test.cc");
    assert_eq!(agent["agentMode"], "Ready");
    assert_eq!(agent["agentName"], "Agent 5001");
    let active = &agent["activeCall"];
    assert_eq!(active["callId"], call.as_str());
    assert_eq!(active["ani"], "13800000000@test.cc");
    assert_eq!(active["dnis"], "8001@test.cc");
    assert_eq!(active["state"], "Connect");
    assert_eq!(active["direction"], "In");
    assert_eq!(active["otherSide"], "13800000000@test.cc");
    assert!(active["ringTime"].is_string() && active["answerTime"].is_string());
    assert!(state.body["extension"].is_object());
    api.delete(&conn_path(&call, &a.device, ""), &a.sid).await;
    a.stomp.expect_messages(2, QUIET).await;
    api.post(
        STATE,
        &a.sid,
        json!({"func": "Logout", "agentId": "5001@test.cc"}),
    )
    .await;
    let state = api.get("/api/csta/agent/client-state", &a.sid).await;
    assert_eq!(state.body["agent"]["agentMode"], "Logout");
    assert!(state.body["extension"].is_null());
}

#[tokio::test]
async fn client_log_upload_is_kept_for_the_administrator() {
    let (_sim, api) = start(SimConfig::ephemeral()).await;
    let sid = api.session("5001").await;
    let name = "testccw5001w050910txt";
    let res = reqwest::Client::new()
        .post(format!("{}/client-log/upload?filename={name}", api.base))
        .header("sessionId", sid.as_str())
        .header("Content-Type", "text/xml")
        .body("[05-09 10:00:00.000]: line one\n\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        api.admin_get("/client-logs").await,
        json!([{"filename": name, "bytes": 32}])
    );
    let text = reqwest::get(format!("{}/admin/client-logs/{name}", api.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "[05-09 10:00:00.000]: line one\n\n");
    let down = api
        .get(&format!("/client-log/download?filename={name}"), &sid)
        .await;
    assert_eq!(down.status, 200);
    assert_eq!(
        api.post_empty("/client-log/upload?filename=x", "bad")
            .await
            .status,
        426
    );
}

#[tokio::test]
async fn agents_calls_and_reset() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    api.admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let agents = api.admin_get("/agents").await;
    let me = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["agentId"] == "5001@test.cc")
        .unwrap();
    assert_eq!(me["login"]["device"], "8001@test.cc");
    assert_eq!(me["login"]["agentMode"], "NotReady");
    assert_eq!(me["sessions"][0]["sessionId"], a.sid.as_str());
    assert_eq!(api.admin_get("/calls").await.as_array().unwrap().len(), 1);
    assert_eq!(api.admin_get("/status").await["broker"]["connections"], 1);
    assert_eq!(api.admin_post("/reset", Value::Null).await.status, 204);
    assert_eq!(api.admin_get("/calls").await, json!([]));
    let agents = api.admin_get("/agents").await;
    assert!(agents
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["loggedIn"] == false));
    assert_eq!(
        api.get("/api/csta/agent/client-state", &a.sid).await.status,
        426
    );
    let mut stomp = a.stomp;
    assert!(
        stomp.message(QUIET).await.is_none(),
        "reset publishes nothing"
    );
}

#[tokio::test]
async fn supervisor_state_operations_use_every_body_form() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    let mut b = Agent::logged_in(&api, &sim.ws_url(), "5002", "8002", "NotReady").await;
    let boss = api.session("5010").await;
    // forceReady / forceNotReady.
    let force = |mode: &str| {
        json!({"func": "SetState", "agentMode": mode, "loginId": "5001@test.cc",
               "agentId": "5001@test.cc", "device": "8001@test.cc"})
    };
    assert_eq!(api.post(STATE, &boss, force("Ready")).await.status, 204);
    assert_eq!(api.post(STATE, &boss, force("NotReady")).await.status, 204);
    assert_eq!(
        names(&a.stomp.expect_messages(2, QUIET).await),
        ["agentReady", "agentNotReady"]
    );
    // forceLogout.
    let r = api
        .post(
            STATE,
            &boss,
            json!({"namespace": "test.cc", "func": "Logout", "device": "8001@test.cc",
                                   "agentId": "5001@test.cc", "loginId": "5001@test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        a.stomp.message(WAIT).await.unwrap()["eventName"],
        "agentLoggedOff"
    );
    // The legacy unload logout names only the device.
    let r = api
        .post(
            STATE,
            &boss,
            json!({"func": "Logout", "device": "8002@test.cc", "namespace": "test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        b.stomp.message(WAIT).await.unwrap()["eventName"],
        "agentLoggedOff"
    );
    // superLogout of an agent of the same tenant, and of one of another tenant.
    let c = Agent::logged_in(&api, &sim.ws_url(), "5003", "8003", "NotReady").await;
    assert_eq!(
        api.post(
            STATE,
            &boss,
            json!({"func": "Logout", "agentId": "5003@test.cc"})
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api.post(
            STATE,
            &boss,
            json!({"func": "Logout", "agentId": "5003@other.cc"})
        )
        .await
        .status,
        452
    );
    // An invalid mode or func is a bad request.
    assert_eq!(api.post(STATE, &boss, force("Busy")).await.status, 400);
    assert_eq!(
        api.post(STATE, &boss, json!({"func": "Dance"}))
            .await
            .status,
        400
    );
    drop(c);
}

#[tokio::test]
async fn supervisor_takes_over_a_call() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let mut a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "Ready").await;
    let mut s = Agent::logged_in(&api, &sim.ws_url(), "5003", "8003", "NotReady").await;
    let r = api
        .admin_post(
            "/calls",
            json!({"from": "13800000000", "to": "7000", "answerAfterMs": 0}),
        )
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    a.stomp.until("established", WAIT).await;
    // forceTake: a single-step transfer of the agent's connection to the supervisor.
    let r = api
        .post(
            &conn_path(&call, &a.device, "singleStepTransfer"),
            &s.sid,
            json!({"transferTo": "8003"}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        names(&a.stomp.expect_messages(2, QUIET).await),
        ["transferred", "connectionCleared"]
    );
    let frames = s.stomp.expect_messages(3, QUIET).await;
    assert_eq!(
        names(&frames),
        ["delivered", "transferred", "connectionCleared"]
    );
    let renamed = frames[1]["newCall"].as_str().unwrap().to_string();
    assert_eq!(
        api.post_empty(&conn_path(&renamed, &s.device, "answer"), &s.sid)
            .await
            .status,
        204
    );
    let est = s.stomp.until("established", WAIT).await;
    assert_eq!(est[0]["callingDevice"], "13800000000@test.cc");
}

#[tokio::test]
async fn the_requests_clients_made_are_recorded() {
    let (sim, api) = start(SimConfig::ephemeral()).await;
    let a = Agent::logged_in(&api, &sim.ws_url(), "5001", "8001", "NotReady").await;
    api.post_empty("/api/csta/agent/heartbeat/5001@test.cc", &a.sid)
        .await;
    api.post_empty(
        "/api/csta/callControl/recording/Start?extension=8001@test.cc",
        &a.sid,
    )
    .await;
    let requests = api.admin_get("/requests").await;
    let seen: Vec<_> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["method"].clone(), r["path"].clone(), r["status"].clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (json!("POST"), json!("/login"), json!(200)),
            (json!("GET"), json!("/mvc/stomp/websocket"), json!(101)),
            (json!("POST"), json!("/api/csta/agent/state"), json!(204)),
            (
                json!("POST"),
                json!("/api/csta/agent/heartbeat/5001@test.cc"),
                json!(204)
            ),
            (
                json!("POST"),
                json!("/api/csta/callControl/recording/Start"),
                json!(409)
            ),
        ]
    );
    assert_eq!(requests[4]["query"], "extension=8001@test.cc");
    assert_eq!(
        api.admin(Method::DELETE, "/requests", Value::Null)
            .await
            .status,
        204
    );
    assert_eq!(api.admin_get("/requests").await, json!([]));
}
