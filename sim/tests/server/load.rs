//! Fifty agents logged in at once, each with a call: every subscriber gets its own events and
//! nobody else's.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;
use well_sim::seed::Seed;
use well_sim::SimConfig;

use crate::support::client::conn_path;
use crate::support::{start, Agent, QUIET};

const AGENTS: u32 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_agents_each_with_a_call() {
    let seed = Seed {
        tenants: vec![Seed::tenant("test.cc", AGENTS)],
    };
    let (sim, api) = start(SimConfig {
        seed,
        ..SimConfig::ephemeral()
    })
    .await;
    let ws = sim.ws_url();
    let agents = join_all((0..AGENTS).map(|i| {
        let (api, ws) = (api.clone(), ws.clone());
        async move {
            let number = (5001 + i).to_string();
            let ext = (8001 + i).to_string();
            Agent::logged_in(&api, &ws, &number, &ext, "NotReady").await
        }
    }))
    .await;
    assert_eq!(
        api.admin_get("/connections")
            .await
            .as_array()
            .unwrap()
            .len(),
        AGENTS as usize
    );

    // Every extension gets a call from its own customer, all at once.
    let calls = join_all((0..AGENTS).map(|i| {
        let api = api.clone();
        async move {
            let r = api
                .admin_post(
                    "/calls",
                    json!({"from": format!("1380000{:04}", i), "to": (8001 + i).to_string(),
                           "userData": {"ticket": i}}),
                )
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            r.body["callId"].as_str().unwrap().to_string()
        }
    }))
    .await;

    let results = join_all(
        agents
            .into_iter()
            .zip(calls)
            .enumerate()
            .map(|(i, (mut a, call))| {
                let api = api.clone();
                async move {
                    let delivered = a.stomp.until("delivered", Duration::from_secs(10)).await;
                    assert_eq!(
                        delivered.len(),
                        1,
                        "{}: only its delivered: {delivered:?}",
                        a.id
                    );
                    let d = &delivered[0];
                    assert_eq!(d["callId"], call.as_str());
                    assert_eq!(d["srcDeviceId"], a.device.as_str());
                    assert_eq!(
                        d["callingDevice"],
                        format!("1380000{:04}@test.cc", i).as_str()
                    );
                    assert_eq!(d["userData"]["data"]["ticket"], i);
                    let r = api
                        .post_empty(&conn_path(&call, &a.device, "answer"), &a.sid)
                        .await;
                    assert_eq!(r.status, 204);
                    let r = api.delete(&conn_path(&call, &a.device, ""), &a.sid).await;
                    assert_eq!(r.status, 204);
                    let rest = a.stomp.expect_messages(3, QUIET).await;
                    let names: Vec<_> = rest
                        .iter()
                        .map(|f| f["eventName"].as_str().unwrap().to_string())
                        .collect();
                    assert_eq!(
                        names,
                        ["established", "connectionCleared", "connectionCleared"]
                    );
                    for f in delivered.iter().chain(&rest) {
                        assert_eq!(
                            f["callId"],
                            call.as_str(),
                            "{} got another call's event",
                            a.id
                        );
                        assert_eq!(f["srcDeviceId"], a.device.as_str());
                    }
                    let serials: Vec<u64> = delivered
                        .iter()
                        .chain(&rest)
                        .map(|f| f["serial"].as_u64().unwrap())
                        .collect();
                    assert_eq!(serials, [3, 4, 5, 6], "{}: its own serial counter", a.id);
                }
            }),
    )
    .await;
    assert_eq!(results.len(), AGENTS as usize);
    assert_eq!(api.admin_get("/calls").await, json!([]));
}
