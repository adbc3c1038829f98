//! Every scenario fixture of the spec, frame by frame, through the whole client on a fresh page
//! with a UI layer installed: call memory, `isLogined`, the UI hook's events and the innerOn
//! payloads after each frame, exactly.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod support;

use std::fs;

use support::*;
use well_client::json::{self, Value};

fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        Value::Object(m) => {
            let mut kv: Vec<(&str, Value)> = m.iter().map(|(k, v)| (k, sorted(v))).collect();
            kv.sort_by(|a, b| a.0.cmp(b.0));
            let mut out = well_client::json::Map::new();
            for (k, v) in kv {
                out.insert(k, v);
            }
            Value::Object(out)
        }
        v => v.clone(),
    }
}

fn run_fixture(path: &std::path::Path) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let fixture = json::parse(&fs::read_to_string(path).unwrap()).unwrap();
    let mut page = Page::new();
    page.call("setConfig", r#"[{"autoAnswer":true}]"#);
    page.client.set_ui_installed(true);
    let cleared = page.inner_on("connectionCleared");
    if name.starts_with("01_") {
        page.command(
            "agentLogin",
            r#"[{"jobNumber":"5001","password":"123456","domain":"test.cc","ext":"8001","loginMode":"force","agentMode":"NotReady"}]"#,
        );
        page.expect_request("/login", 200, &format!(r#"{{"sessionId":"{SID}"}}"#));
        page.connect_socket("1.1");
        page.expect_request("/api/csta/agent/state", 204, "");
    } else {
        page.login();
    }
    page.forget();
    for (i, step) in fixture
        .get("steps")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        if text(step, "type") != "event" {
            continue;
        }
        let frame = step.get("frame").unwrap();
        page.event(&frame.to_json());
        let expect = step.get("expect").unwrap();
        let at = format!("{name} step {i} ({})", text(frame, "eventName"));
        let memory = page.call("getCallMemory", "[]").value().unwrap();
        assert_eq!(
            sorted(&memory),
            sorted(expect.get("callMemory").unwrap()),
            "call memory at {at}"
        );
        assert_eq!(
            page.call("isLogined", "[]").value().as_ref(),
            expect.get("isLogined"),
            "isLogined at {at}"
        );
        let ui = page.take_ui();
        assert_eq!(
            Value::Array(ui),
            expect.get("ui").cloned().unwrap(),
            "UI events at {at}"
        );
        let inner = page.delivered_to(cleared);
        let raw = page.exported();
        let expected_inner = expect
            .get("innerOn")
            .and_then(Value::as_array)
            .unwrap_or_default();
        assert_eq!(inner.len(), expected_inner.len(), "innerOn at {at}");
        for (got, want) in inner.iter().zip(expected_inner) {
            let mut got = got.as_object().unwrap().clone();
            let data = got.remove("data").unwrap();
            let mut want = want.as_object().unwrap().clone();
            want.remove("data");
            assert_eq!(
                sorted(&Value::Object(got)),
                sorted(&Value::Object(want)),
                "innerOn at {at}"
            );
            assert_eq!(
                Some(&data),
                raw.last(),
                "innerOn data is the raw event at {at}"
            );
        }
        let dropped = expect.get("dropped").is_some();
        assert_eq!(raw.is_empty(), dropped, "delivery to exports at {at}");
        page.forget();
        // Answer whatever the client sent meanwhile (heartbeats).
        while page.has_request() {
            let (id, _) = page.next_request();
            page.reply(id, 204, "");
        }
    }
}

#[test]
fn every_fixture_through_the_client() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spec");
    let mut paths: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 15);
    for path in paths {
        run_fixture(&path);
    }
}
