//! Shared test support: fixtures and their comparison, the STOMP and REST clients, and a
//! simulator with agents logged in.
#![allow(dead_code)]

pub mod client;
pub mod fixtures;

use std::time::Duration;

use client::{agent_topic, Api, StompClient};
use well_client::stomp::SessionConfig;
use well_sim::{Sim, SimConfig, SimHandle};

/// How long "nothing more arrives" is watched for.
pub const QUIET: Duration = Duration::from_millis(300);

/// A simulator on an ephemeral port and a REST client for it.
pub async fn start(config: SimConfig) -> (SimHandle, Api) {
    let sim = Sim::start(config).await.expect("simulator starts");
    let api = Api::new(&sim.http_url());
    (sim, api)
}

/// An agent of test.cc with a session and a STOMP subscription to its topic.
pub struct Agent {
    /// `5001`.
    pub number: String,
    /// `5001@test.cc`.
    pub id: String,
    /// `8001@test.cc`.
    pub device: String,
    /// Its session id.
    pub sid: String,
    /// Its event subscription.
    pub stomp: StompClient,
}

impl Agent {
    /// Token login and a subscription to the agent's topic, but no Login yet.
    pub async fn subscribed(api: &Api, ws_url: &str, number: &str, ext: &str) -> Agent {
        let sid = api.session(number).await;
        let stomp = StompClient::connect(ws_url, SessionConfig::default())
            .await
            .expect("STOMP connects");
        let id = format!("{number}@test.cc");
        let topic = agent_topic(&id);
        stomp.subscribe(&topic);
        api.wait_subscribed(&topic).await;
        Agent {
            number: number.into(),
            id,
            device: format!("{ext}@test.cc"),
            sid,
            stomp,
        }
    }

    /// Subscribed and logged in (`mode` Ready or NotReady), its two login events consumed.
    pub async fn logged_in(api: &Api, ws_url: &str, number: &str, ext: &str, mode: &str) -> Agent {
        let mut agent = Agent::subscribed(api, ws_url, number, ext).await;
        let r = api.login(&agent.sid, number, ext, mode).await;
        assert_eq!(r.status, 204, "login of {number} on {ext}: {r:?}");
        let events = agent
            .stomp
            .expect_messages(2, Duration::from_millis(50))
            .await;
        assert_eq!(events[0]["eventName"], "agentLoggedOn");
        agent
    }
}
