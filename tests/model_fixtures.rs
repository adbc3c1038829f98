//! Every spec fixture (`tests/fixtures/spec/*.json`), frame by frame through the event model.
//!
//! Each fixture runs on a fresh [`Model`] for `8001@test.cc` in UTC+8, logged in for all but
//! `01_login`. After every event step it checks the call memory, the login state, the UI
//! events, the innerOn payloads (a `"<raw event>"` placeholder stands for the dispatched raw
//! event), the raw event itself, and whether the frame was dropped. `peer_event` steps are
//! frames for another client and are skipped.
#![cfg(not(target_arch = "wasm32"))]
// A failed expectation is a panic with the step it happened at.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value as J};
use well_client::json::{Map, Value};
use well_client::model::{Effect, EventContext, Model};
use well_client::time::WallClock;

const OWN: &str = "8001@test.cc";
const STRIPPED: [&str; 3] = ["params", "_type", "topics"];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec")
}

fn ctx() -> EventContext<'static> {
    EventContext {
        own_device: OWN,
        auto_answer: true,
        // A day later than the fixtures: a time id that fell back to "now" would show.
        now: WallClock {
            epoch_ms: 1_557_453_600_000,
            utc_offset_min: 480,
        },
    }
}

fn serde(v: Value) -> J {
    serde_json::from_str(&v.to_json()).expect("the model writes valid JSON")
}

/// The event 1.3.7 dispatched for `frame`: internals stripped, `lastEventSerial` and `brs` added.
fn dispatched(frame: &J, brs: u64) -> J {
    let mut raw = frame.clone();
    let obj = raw.as_object_mut().expect("frames are objects");
    for key in STRIPPED {
        obj.remove(key);
    }
    if let Some(serial) = frame.get("serial") {
        obj.insert("lastEventSerial".into(), serial.clone());
    }
    obj.insert("brs".into(), json!(brs));
    raw
}

fn run_fixture(name: &str) {
    let path = fixture_dir().join(format!("{name}.json"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: J = serde_json::from_str(&text).expect("fixture is JSON");
    let ctx = ctx();
    let mut model = Model::new();
    if doc["scenario"] != "01_login" {
        let login = Map::new()
            .with("eventName", "agentLoggedOn")
            .with("deviceId", OWN);
        model.apply(login, &ctx, &mut Vec::new());
    }
    let mut brs = 0;
    let mut events = 0;
    let steps = doc["steps"].as_array().expect("steps");
    for (i, step) in steps.iter().enumerate() {
        if step["type"] != "event" {
            continue;
        }
        events += 1;
        let frame = &step["frame"];
        let expect = &step["expect"];
        let at = format!("{name} steps[{i}] {}", frame["eventName"]);
        let was_logged_in = model.is_logged_in();

        let mut out = Vec::new();
        model
            .handle_message(&frame.to_string(), &ctx, &mut out)
            .unwrap_or_else(|e| panic!("{at}: {e}"));

        // Dropped or dispatched; the raw event goes last, once.
        let servers: Vec<&String> = out
            .iter()
            .filter_map(|e| match e {
                Effect::Server { json, .. } => Some(json),
                _ => None,
            })
            .collect();
        let raw = if expect.get("dropped").is_some() {
            assert!(servers.is_empty(), "{at}: dropped frame dispatched");
            J::Null
        } else {
            brs += 1;
            assert_eq!(servers.len(), 1, "{at}: one raw event");
            assert!(
                matches!(out.last(), Some(Effect::Server { .. })),
                "{at}: raw event last"
            );
            let raw: J = serde_json::from_str(servers[0]).expect("the model writes valid JSON");
            assert_eq!(raw, dispatched(frame, brs), "{at}: raw event");
            raw
        };

        assert_eq!(
            serde(model.memory().to_json()),
            expect["callMemory"],
            "{at}: callMemory"
        );
        assert_eq!(
            json!(model.is_logged_in()),
            expect["isLogined"],
            "{at}: isLogined"
        );

        let ui: Vec<J> = out
            .iter()
            .filter_map(|e| match e {
                Effect::Ui(m) => Some(serde(Value::Object(m.clone()))),
                _ => None,
            })
            .collect();
        assert_eq!(J::Array(ui), expect["ui"], "{at}: ui");

        let inner: Vec<J> = out
            .iter()
            .filter_map(|e| match e {
                Effect::Inner(m) => Some(serde(Value::Object(m.clone()))),
                _ => None,
            })
            .collect();
        let mut expected_inner = expect.get("innerOn").cloned().unwrap_or(json!([]));
        for payload in expected_inner.as_array_mut().into_iter().flatten() {
            if payload["data"] == "<raw event>" {
                payload["data"] = raw.clone();
            }
        }
        assert_eq!(J::Array(inner), expected_inner, "{at}: innerOn");

        // Control effects follow the frame.
        let name = frame["eventName"].as_str().unwrap_or_default();
        assert_eq!(
            out.contains(&Effect::LoggedOn),
            name == "agentLoggedOn",
            "{at}: LoggedOn"
        );
        assert_eq!(
            out.contains(&Effect::LoggedOff),
            name == "agentLoggedOff" && was_logged_in,
            "{at}: LoggedOff"
        );
        let rings =
            name == "delivered" && frame["alertingDevice"] == OWN && frame["callingDevice"] != OWN;
        assert_eq!(
            out.iter().any(|e| matches!(e, Effect::Ringing { .. })),
            rings,
            "{at}: Ringing"
        );
    }
    assert!(events > 0, "{name}: no event steps");
}

macro_rules! fixtures {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_fixture($file);
            }
        )*

        #[test]
        fn every_fixture_file_has_a_test() {
            let mut on_disk: Vec<String> = fs::read_dir(fixture_dir())
                .expect("fixture directory")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|f| f.strip_suffix(".json").map(String::from))
                .collect();
            on_disk.sort();
            let mut tested = vec![$($file),*];
            tested.sort();
            assert_eq!(on_disk, tested);
        }
    };
}

fixtures! {
    login => "01_login",
    outbound_answered_hangup => "02_outbound_answered_hangup",
    inbound_answered_hangup => "03_inbound_answered_hangup",
    hold_retrieve => "04_hold_retrieve",
    single_step_transfer => "05_single_step_transfer",
    single_step_transfer_received => "05b_single_step_transfer_received",
    consult_then_transfer => "06_consult_then_transfer",
    consult_conference_agent_first => "07a_consult_conference",
    consult_conference_peer_then_agent => "07b_consult_conference",
    consult_conference_peer_then_customer => "07c_consult_conference",
    cancel_consult => "08_cancel_consult",
    recording_stop_start => "09_recording_stop_start",
    logout => "10_logout",
    set_agent_mode => "11_set_agent_mode",
    single_step_conference => "12_single_step_conference",
}
