//! The event path, natively: STOMP MESSAGE bytes in, page deliveries out, per event, after
//! growing histories. Prints a table; no pass/fail (`cargo bench --bench event_path`).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Instant as Clock;

use well_client::client::{Client, ClientInit, Delivery, Now, Output};
use well_client::json::{self, Value};
use well_client::time::{Instant, WallClock};

struct Bench {
    client: Client,
    ms: u64,
    socket: Option<well_client::client::SocketId>,
    serial: u64,
    delivered: u64,
}

impl Bench {
    fn now(&self) -> Now {
        Now {
            mono: Instant::from_millis(self.ms),
            wall: WallClock {
                epoch_ms: 1_557_367_200_000 + self.ms as i64,
                utc_offset_min: 480,
            },
        }
    }

    fn drain(&mut self) -> Vec<Output> {
        let mut outputs = Vec::new();
        while let Some(o) = self.client.poll_output() {
            if let Output::WsOpen { socket, .. } = &o {
                self.socket = Some(*socket);
            }
            outputs.push(o);
        }
        while let Some(d) = self.client.poll_delivery() {
            if let Delivery::Event { payload, .. } = d {
                self.delivered += payload.len() as u64 & 1 | 1;
            }
        }
        outputs
    }

    fn answer_all(&mut self, body: &str) {
        for o in self.drain() {
            if let Output::Http { id, .. } = o {
                let now = self.now();
                self.client.handle_http(id, Some((200, "", body)), now);
            }
        }
    }

    fn frame(&mut self, text: &str) {
        let now = self.now();
        self.client
            .handle_ws_message(self.socket.expect("socket"), text.as_bytes(), now);
    }

    fn message(&mut self, body: &str) -> String {
        format!(
            "MESSAGE\nsubscription:sub-0\nmessage-id:m\ndestination:/topic/event.agent.csta.5001@test_cc\ncontent-type:application/json;charset=UTF-8\ncontent-length:{}\n\n{}\0",
            body.len(),
            body
        )
    }

    fn login() -> Bench {
        let mut b = Bench {
            client: Client::new(ClientInit::default()),
            ms: 1,
            socket: None,
            serial: 0,
            delivered: 0,
        };
        let now = b.now();
        b.client.invoke("useConfig", &[Value::from("LOCAL")], now);
        let agent = json::parse(
            r#"{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001"}"#,
        )
        .expect("json");
        b.client.invoke("agentLogin", &[agent], now);
        b.answer_all(r#"{"sessionId":"s"}"#);
        b.drain();
        let now = b.now();
        b.client.handle_ws_open(b.socket.expect("socket"), now);
        b.drain();
        b.frame("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0");
        b.ms += 600;
        let now = b.now();
        b.client.handle_timeout(now);
        b.answer_all("{}");
        let logged_on = b.message(r#"{"eventName":"agentLoggedOn","serial":1,"deviceId":"8001@test.cc","agentId":"5001@test.cc","agentMode":"Ready"}"#);
        b.frame(&logged_on);
        b.answer_all("{}");
        b.serial = 10;
        b
    }

    /// One inbound call: delivered, established, two clearings (4 events).
    fn call_frames(&mut self) -> Vec<String> {
        let c = format!("c-{}", self.serial);
        let mut frames = Vec::new();
        for (name, extra) in [
            (
                "delivered",
                r#""alertingDevice":"8001@test.cc","callingDevice":"13800000000@test.cc","calledDevice":"8001@test.cc","callType":"Inbound","userData":{"data":{"origin_dnis":"7000"}}"#,
            ),
            (
                "established",
                r#""answeringDevice":"8001@test.cc","callingDevice":"13800000000@test.cc","calledDevice":"8001@test.cc""#,
            ),
            (
                "connectionCleared",
                r#""releasingDevice":"8001@test.cc","hangupDevice":"8001@test.cc""#,
            ),
            (
                "connectionCleared",
                r#""releasingDevice":"13800000000@test.cc","hangupDevice":"8001@test.cc""#,
            ),
        ] {
            self.serial += 1;
            let body = format!(
                r#"{{"eventName":"{name}","eventSrc":"8001@test.cc","eventTime":"2019.05.09 10:00:00","eventType":"csta","serial":{},"namespace":"test.cc","srcDeviceId":"8001@test.cc","callId":"{c}","deviceId":"8001@test.cc","localState":"Connect","connectionId":"8001@test.cc|{c}","cause":"NEWCALL",{extra}}}"#,
                self.serial
            );
            frames.push(self.message(&body));
        }
        frames
    }

    /// Mean cost of one event over `calls` calls (4 events each), in µs.
    fn run(&mut self, calls: usize) -> f64 {
        let frames: Vec<String> = (0..calls).flat_map(|_| self.call_frames()).collect();
        let start = Clock::now();
        for f in &frames {
            self.ms += 1;
            let now = self.now();
            self.client
                .handle_ws_message(self.socket.expect("socket"), f.as_bytes(), now);
            while self.client.poll_output().is_some() {}
            while let Some(d) = self.client.poll_delivery() {
                std::hint::black_box(d);
            }
        }
        start.elapsed().as_secs_f64() * 1e6 / frames.len() as f64
    }
}

fn main() {
    let mut b = Bench::login();
    println!("| events processed before | µs per event (WebSocket message → deliveries) |");
    println!("|---:|---:|");
    let mut done = 0;
    // `EVENT_PATH_QUICK=1`: one short point, for instruction counting under callgrind.
    let points: &[usize] = if std::env::var_os("EVENT_PATH_QUICK").is_some() {
        &[0]
    } else {
        &[0, 1_000, 10_000, 50_000]
    };
    for &target in points {
        while done < target {
            b.run(250);
            done += 1000;
        }
        let us = b.run(250);
        println!("| {target} | {us:.2} |");
        done += 1000;
    }
}
