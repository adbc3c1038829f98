//! Publishing to an external STOMP broker over TCP, against a stand-in broker built on the
//! simulator's own server session: events arrive as SENDs to the agents' topics, and the
//! publisher reconnects when the broker drops it.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use well_sim::broker::external::BrokerUrl;
use well_sim::broker::{Action, ServerSession, StompSettings};
use well_sim::SimConfig;

use crate::support::start;

/// What the stand-in broker saw.
#[derive(Debug)]
enum Got {
    Connection(usize),
    Send { destination: String, body: Value },
}

/// A STOMP-over-TCP broker that reports every connection and SEND, and drops the current
/// connection when told to.
async fn stand_in_broker() -> (
    u16,
    mpsc::UnboundedReceiver<Got>,
    mpsc::UnboundedSender<oneshot::Sender<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (got_tx, got) = mpsc::unbounded_channel();
    let (drop_tx, mut drop_rx) = mpsc::unbounded_channel::<oneshot::Sender<()>>();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            n += 1;
            let _ = got_tx.send(Got::Connection(n));
            let mut session = ServerSession::new(StompSettings::default(), format!("c{n}"), 0);
            let mut buf = vec![0u8; 8192];
            loop {
                tokio::select! {
                    read = socket.read(&mut buf) => {
                        let Ok(len) = read else { break };
                        if len == 0 { break }
                        for action in session.handle_data(&buf[..len], 0) {
                            match action {
                                Action::Send(bytes) => { let _ = socket.write_all(&bytes).await; }
                                Action::Publish { destination, body } => {
                                    let body = serde_json::from_slice(&body).unwrap();
                                    let _ = got_tx.send(Got::Send { destination, body });
                                }
                                _ => {}
                            }
                        }
                    }
                    order = drop_rx.recv() => {
                        if let Some(done) = order { let _ = done.send(()); }
                        break;
                    }
                }
            }
        }
    });
    (port, got, drop_tx)
}

async fn next_send(got: &mut mpsc::UnboundedReceiver<Got>) -> (String, Value) {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), got.recv())
            .await
            .expect("a SEND")
            .unwrap()
        {
            Got::Send { destination, body } => return (destination, body),
            Got::Connection(_) => continue,
        }
    }
}

#[tokio::test]
async fn events_go_to_the_external_broker_which_is_reconnected() {
    let (port, mut got, drop_conn) = stand_in_broker().await;
    let url = BrokerUrl::parse(&format!("stomp://127.0.0.1:{port}")).unwrap();
    let (sim, api) = start(SimConfig {
        broker: Some(url),
        ..SimConfig::ephemeral()
    })
    .await;
    assert!(matches!(got.recv().await, Some(Got::Connection(1))));
    // The embedded endpoint says where events are.
    let refused = tokio_tungstenite::connect_async(sim.ws_url()).await;
    assert!(refused.is_err());
    for _ in 0..100 {
        if api.admin_get("/status").await["broker"]["externalConnected"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sid = api.session("5001").await;
    assert_eq!(
        api.login(&sid, "5001", "8001", "NotReady").await.status,
        204
    );
    let (destination, body) = next_send(&mut got).await;
    assert_eq!(destination, "/topic/event.agent.agent.5001@test_cc");
    assert_eq!(body["eventName"], "agentLoggedOn");
    assert_eq!(next_send(&mut got).await.1["eventName"], "agentNotReady");

    // The broker drops the publisher; events published meanwhile arrive after it reconnects.
    let (done_tx, done) = oneshot::channel();
    drop_conn.send(done_tx).unwrap();
    done.await.unwrap();
    let r = api
        .post(
            "/api/csta/agent/state",
            &sid,
            json!({"func": "SetState", "agentMode": "Ready", "agentId": "5001@test.cc"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let reconnected = tokio::time::timeout(Duration::from_secs(5), got.recv())
        .await
        .unwrap();
    assert!(
        matches!(reconnected, Some(Got::Connection(2))),
        "{reconnected:?}"
    );
    let (destination, body) = next_send(&mut got).await;
    assert_eq!(destination, "/topic/event.agent.agent.5001@test_cc");
    assert_eq!(body["eventName"], "agentReady");
    api.admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let (destination, body) = next_send(&mut got).await;
    assert_eq!(destination, "/topic/event.agent.csta.5001@test_cc");
    assert_eq!(body["eventName"], "delivered");
}
