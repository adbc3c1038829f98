//! The simulator publishing to a real RabbitMQ (Debian's `rabbitmq-server` with
//! `rabbitmq_stomp` and `rabbitmq_web_stomp`), and a client receiving a whole call through
//! Web-STOMP, exactly as fixture 03 lists it.
//!
//! RabbitMQ runs from a private temporary directory with every listener on 127.0.0.1 and free
//! ports, and is stopped at the end. Run with `cargo test -p well-sim --test rabbitmq --
//! --ignored` (the project's `cargo xtask test` does).

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use well_client::stomp::SessionConfig;
use well_sim::broker::external::BrokerUrl;
use well_sim::SimConfig;

use support::client::{agent_topic, conn_path, StompClient};
use support::{fixtures, start, QUIET};

const SERVER: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/// A RabbitMQ node of our own; stopped (its whole process group) when dropped.
struct Rabbit {
    child: Child,
    dir: tempfile::TempDir,
    stomp: u16,
    web_stomp: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Rabbit {
    fn start() -> Rabbit {
        assert!(
            Path::new(SERVER).exists(),
            "{SERVER} is missing: install Debian's package `rabbitmq-server` (apt-get install rabbitmq-server)"
        );
        let dir = tempfile::tempdir().unwrap();
        let (amqp, stomp, web_stomp, dist) = (free_port(), free_port(), free_port(), free_port());
        let conf = dir.path().join("rabbitmq.conf");
        std::fs::write(
            &conf,
            format!(
                "listeners.tcp.1 = 127.0.0.1:{amqp}\n\
                 stomp.listeners.tcp.1 = 127.0.0.1:{stomp}\n\
                 web_stomp.tcp.ip = 127.0.0.1\n\
                 web_stomp.tcp.port = {web_stomp}\n\
                 web_stomp.ws_path = /mvc/stomp/websocket\n\
                 log.console = true\n"
            ),
        )
        .unwrap();
        let plugins = dir.path().join("enabled_plugins");
        std::fs::write(&plugins, "[rabbitmq_stomp,rabbitmq_web_stomp].\n").unwrap();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let node = format!("well-sim-{}@localhost", std::process::id());
        let mut command = Command::new(SERVER);
        command
            .env("HOME", dir.path())
            .env("RABBITMQ_MNESIA_BASE", dir.path().join("mnesia"))
            .env("RABBITMQ_LOG_BASE", dir.path().join("log"))
            .env("RABBITMQ_CONFIG_FILE", &conf)
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", &plugins)
            .env("RABBITMQ_NODENAME", &node)
            .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .env("RABBITMQ_DIST_PORT", dist.to_string())
            .env("ERL_EPMD_ADDRESS", "127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().expect("rabbitmq-server starts");
        let rabbit = Rabbit {
            child,
            dir,
            stomp,
            web_stomp,
        };
        rabbit.wait_ready(Duration::from_secs(90));
        rabbit
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Ready when a STOMP CONNECT is answered and the Web-STOMP port accepts.
    fn wait_ready(&self, limit: Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            if stomp_answers(self.stomp)
                && TcpStream::connect(("127.0.0.1", self.web_stomp)).is_ok()
            {
                eprintln!("rabbitmq ready after {:?}", started.elapsed());
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "RabbitMQ not ready within {limit:?}; its log:\n{}",
            self.log()
        );
    }
}

fn stomp_answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 9];
    s.read_exact(&mut buf).is_ok() && &buf == b"CONNECTED"
}

impl Drop for Rabbit {
    fn drop(&mut self) {
        // The node runs in the process group created for it; end that group only.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// SENDs `body` to `destination` on RabbitMQ's STOMP port (a probe for the subscription).
fn probe(port: u16, destination: &str) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0")
        .unwrap();
    let mut buf = [0u8; 256];
    let _ = s.read(&mut buf).unwrap();
    s.write_all(
        format!("SEND\ndestination:{destination}\ncontent-type:application/json\n\n{{\"eventName\":\"probe\"}}\0")
            .as_bytes(),
    )
    .unwrap();
    s.write_all(b"DISCONNECT\nreceipt:bye\n\n\0").unwrap();
    let _ = s.read(&mut buf);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs rabbitmq-server; run by cargo xtask test"]
async fn a_call_through_rabbitmq_web_stomp() {
    let rabbit = tokio::task::spawn_blocking(Rabbit::start).await.unwrap();
    let url = BrokerUrl::parse(&format!("stomp://127.0.0.1:{}", rabbit.stomp)).unwrap();
    let (_sim, api) = start(SimConfig {
        broker: Some(url),
        ..SimConfig::ephemeral()
    })
    .await;

    // The SDK's session through Web-STOMP, with its defaults (no host, no login), at the URL the
    // SDK derives from its configuration: RabbitMQ serves the platform's path.
    let mut config = well_client::config::Config::default();
    config.use_preset(well_client::config::find_preset("LOCAL").unwrap());
    config.event_port = format!(":{}", rabbit.web_stomp);
    let ws = config.ws_url();
    assert!(ws.ends_with("/mvc/stomp/websocket"), "{ws}");
    let mut client = StompClient::connect(&ws, SessionConfig::default())
        .await
        .expect("web-stomp");
    let topic = agent_topic("5001@test.cc");
    client.subscribe(&topic);
    // Wait until the subscription is bound: a probe on the agent's topic comes back.
    let stomp_port = rabbit.stomp;
    let mut bound = false;
    for _ in 0..50 {
        tokio::task::spawn_blocking(move || {
            probe(stomp_port, "/topic/event.agent.probe.5001@test_cc")
        })
        .await
        .unwrap();
        if let Some(m) = client.message(Duration::from_millis(200)).await {
            assert_eq!(m["eventName"], "probe");
            bound = true;
            break;
        }
    }
    assert!(bound, "the subscription never received the probe");
    while client.message(Duration::from_millis(200)).await.is_some() {}
    for _ in 0..100 {
        if api.admin_get("/status").await["broker"]["externalConnected"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let sid = api.session("5001").await;
    assert_eq!(api.login(&sid, "5001", "8001", "Ready").await.status, 204);
    let login = client.expect_messages(2, QUIET).await;
    assert_eq!(login[0]["eventName"], "agentLoggedOn");
    assert_eq!(login[1]["eventName"], "agentReady");

    let r = api
        .admin_post("/calls", json!({"from": "13800000000", "to": "7000"}))
        .await;
    let call = r.body["callId"].as_str().unwrap().to_string();
    let mut frames = client.until("delivered", Duration::from_secs(5)).await;
    assert_eq!(
        api.post_empty(&conn_path(&call, "8001@test.cc", "answer"), &sid)
            .await
            .status,
        204
    );
    frames.extend(client.until("established", Duration::from_secs(5)).await);
    assert_eq!(
        api.delete(&conn_path(&call, "8001@test.cc", ""), &sid)
            .await
            .status,
        204
    );
    frames.extend(client.expect_messages(2, QUIET).await);
    fixtures::assert_frames(
        "03 through RabbitMQ",
        &fixtures::frames("03_inbound_answered_hangup", "8001@test.cc"),
        &frames,
    );
    drop(rabbit);
}
