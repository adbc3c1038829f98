//! Nothing the page or the network sends can panic the client: random page calls with random
//! arguments, random frames, random HTTP answers and random time, in any order.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod support;

use proptest::prelude::*;
use support::*;
use well_client::client::{Output, COMMANDS, RETIRED, VALUES};
use well_client::json::{self, Map, Value};

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "8001",
            "8002@test.cc",
            "c1",
            "Ready",
            "NotReady",
            "force",
            "ask",
            "{{callId}}",
            "938834600-WW8001",
            "5001",
            "test.cc",
            "LOCAL",
            "\u{0}",
            "é",
            "../../x",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "jobNumber",
                        "password",
                        "domain",
                        "ext",
                        "loginMode",
                        "agentMode",
                        "prefix",
                        "cpa",
                        "autoAnswer",
                        "debug",
                        "SDK",
                        "reconnect",
                        "tries",
                        "eventName",
                        "callId",
                        "hideButton",
                        "x",
                    ]),
                    inner
                ),
                0..5
            )
            .prop_map(|kv| {
                let mut m = Map::new();
                for (k, v) in kv {
                    m.insert(k, v);
                }
                Value::Object(m)
            }),
        ]
    })
}

#[derive(Clone, Debug)]
enum Step {
    Call(String, Vec<Value>),
    Frame(Vec<u8>),
    Event(String),
    Answer(u16, String),
    NetworkError,
    Drop,
    Open,
    Wait(u64),
}

fn arb_step() -> impl Strategy<Value = Step> {
    let names: Vec<&'static str> = COMMANDS
        .iter()
        .chain(VALUES)
        .chain(RETIRED)
        .copied()
        .chain(["noSuchMethod", "__proto__", "constructor"])
        .collect();
    let event_names = vec![
        "agentLoggedOn",
        "agentLoggedOff",
        "agentReady",
        "agentNotReady",
        "agentAllocated",
        "originated",
        "delivered",
        "established",
        "held",
        "retrieved",
        "transferred",
        "conferenced",
        "connectionCleared",
        "recordStarted",
        "failed",
        "x",
    ];
    prop_oneof![
        3 => (prop::sample::select(names), prop::collection::vec(arb_value(), 0..4))
            .prop_map(|(n, a)| Step::Call(n.to_owned(), a)),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Step::Frame),
        3 => (prop::sample::select(event_names), prop::sample::select(vec!["c1", "c2"]),
              prop::sample::select(vec!["8001@test.cc", "8002@test.cc", "13800000000@test.cc"]),
              0u32..6)
            .prop_map(|(n, c, d, serial)| Step::Event(format!(
                r#"{{"eventName":"{n}","serial":{serial},"callId":"{c}","deviceId":"{d}","callingDevice":"{d}","calledDevice":"8001@test.cc","releasingDevice":"{d}","alertingDevice":"{d}","secondaryOldCall":"c1","newCall":"c2","transferredToDevice":"{d}","addedParty":"{d}"}}"#
            ))),
        2 => (prop::sample::select(vec![200u16, 204, 401, 426, 451, 454, 455, 459, 465, 500]),
              prop::sample::select(vec!["", "{}", "null", "[]", r#"{"sessionId":"s"}"#,
                  r#"{"agent":{"agentId":"5001@test.cc","extensionId":"8001@test.cc","agentMode":"Ready","activeCall":{"callId":"c1","state":"Alerting","ani":"1@t","dnis":"8001@test.cc"}},"extension":{}}"#,
                  "not json", r#"{"pendingMode":"NotReady"}"#]))
            .prop_map(|(s, b)| Step::Answer(s, b.to_owned())),
        1 => Just(Step::NetworkError),
        1 => Just(Step::Drop),
        1 => Just(Step::Open),
        2 => (0u64..70_000).prop_map(Step::Wait),
    ]
}

fn run(steps: Vec<Step>, logged_in: bool) {
    let mut page = Page::new();
    page.call("setConfig", r#"[{"autoAnswer":true}]"#);
    if logged_in {
        page.login();
    }
    let mut commands = Vec::new();
    for step in steps {
        let now = page.now();
        match step {
            Step::Call(name, args) => {
                commands.extend(page.client.invoke(&name, &args, now).command());
            }
            Step::Frame(bytes) => {
                if let Some(s) = page.socket {
                    page.client.handle_ws_message(s, &bytes, now);
                }
            }
            Step::Event(body) => {
                if page.socket.is_some() {
                    page.event(&body);
                }
            }
            Step::Answer(status, body) => {
                if page.has_request() {
                    let (id, _) = page.next_request();
                    page.client.handle_http(id, Some((status, "", &body)), now);
                }
            }
            Step::NetworkError => {
                if page.has_request() {
                    let (id, _) = page.next_request();
                    page.client.handle_http(id, None, now);
                }
            }
            Step::Drop => {
                if let Some(s) = page.socket {
                    page.client.handle_ws_close(s, now);
                }
            }
            Step::Open => {
                if let Some(s) = page.socket {
                    page.client.handle_ws_open(s, now);
                    page.client.handle_ws_message(
                        s,
                        b"CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0",
                        now,
                    );
                }
            }
            Step::Wait(ms) => page.advance(ms),
        }
        page.pump();
        // Whatever happened, the memory is well formed and the getters answer.
        let memory = page.client.call_memory();
        let calls = memory.as_object().unwrap().len() - 1;
        assert_eq!(
            memory.get("length").and_then(Value::as_i64),
            Some(calls as i64)
        );
        let _ = json::parse(&page.call("getConfig", "[]").value().unwrap().to_json()).unwrap();
    }
    // Every command settles eventually: give the client time, answer no request, decline
    // every dialog.
    for _ in 0..5 {
        page.outputs.retain(|o| !matches!(o, Output::Http { .. }));
        while let Some(Output::Confirm { id, .. }) =
            page.take_output(|o| matches!(o, Output::Confirm { .. }))
        {
            let now = page.now();
            page.client.handle_confirm(id, false, now);
            page.pump();
        }
        page.run_for(30_000);
    }
    for c in commands {
        assert!(page.settled(c).is_some(), "command {c:?} never settled");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("CI").is_some() { 2000 } else { 300 },
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_inputs_never_panic(steps in prop::collection::vec(arb_step(), 1..60)) {
        run(steps, false);
    }

    #[test]
    fn random_inputs_to_a_logged_in_client_never_panic(
        steps in prop::collection::vec(arb_step(), 1..60)
    ) {
        run(steps, true);
    }
}
