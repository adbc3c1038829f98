//! The browser adapter without a server: page calls in, values and Deferreds out; handlers kept,
//! replaced, called once and removed; page code that throws or calls back in; dialogs through the
//! page's notifier; the status clock element.
//!
//! Run with `cargo xtask test --only browser` (headless Chromium).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod web_support;

use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn values_cross_as_json_and_unknown_arguments_become_null() {
    let client = Client::new();
    assert_eq!(
        json(&client.call_json("useConfig", r#"["LOCAL"]"#)),
        json!(true)
    );
    assert_eq!(
        json(&client.call_json("useConfig", r#"["NO-SUCH"]"#)),
        json!(false)
    );
    assert_eq!(
        json(&client.call_json("isPhoneNumber", r#"["+8613800000000"]"#)),
        json!(true)
    );
    assert_eq!(
        json(&client.call("getConfig", &[]))["ENV_NAME"],
        json!("LOCAL")
    );
    // A function and `undefined` as arguments reach the core as null.
    let list = from_json(r#"[{"a":null},{"a":1}]"#);
    let found = client.call(
        "findItem",
        &[list, "a".into(), JsValue::UNDEFINED, js_fn("", "return 1;")],
    );
    assert_eq!(json(&found), json!(0));
    // Arguments JSON cannot express (a cycle, a BigInt) become null one by one.
    let cyclic = js("const o = {}; o.self = o; return o;");
    let found = client.call(
        "findItem",
        &[
            from_json(r#"[{"a":1}]"#),
            "a".into(),
            js("return 1;"),
            cyclic,
            js("return 10n;"),
        ],
    );
    assert_eq!(json(&found), json!(0));
    assert!(client.call("clearLog", &[]).is_undefined());
    // The unknown preset was reported through onLog.
    assert!(client
        .logs()
        .iter()
        .any(|l| l["type"] == "error" && l["content"].as_str().unwrap().contains("NO-SUCH")));
}

#[wasm_bindgen_test]
async fn a_validation_failure_is_settled_when_the_call_returns() {
    let client = Client::new();
    let before = notes().len();
    let call = client.call_json("makeCall", r#"["8002"]"#);
    // Settled synchronously: a page chaining .fail sees it at once.
    assert_eq!(state(&call), "rejected");
    let rejection = settled(&call).await.unwrap_err();
    assert_eq!(rejection["reason"], "not-logged-in");
    assert_eq!(rejection["status"], 0);
    // 1.3.7's dialog went to the page's notifier, not to window.alert.
    let notes = notes();
    assert_eq!(notes.len(), before + 1);
    assert_eq!(
        notes[before],
        json!({"type": "alert", "text": "当前未登录，无法拨号!"})
    );
    assert!(client.logs().iter().any(|l| l["type"] == "error"));
}

#[wasm_bindgen_test]
fn handlers_are_kept_replaced_called_once_and_removed() {
    let client = Client::new();
    js("window.__calls = [];");
    let record = |tag: &str| js_fn("e", &["window.__calls.push('", tag, "' + e.n);"].concat());
    let (inner, listener, once) = (record("inner"), record("listener"), record("once"));
    client.call("innerOn", &["x".into(), inner]);
    client.call("addEventListener", &["x".into(), listener.clone()]);
    client.call("once", &["x".into(), once]);
    let fire = |n: u32| {
        client.call_json(
            "triggerInnerOn",
            &format!(r#"[{{"eventName":"x","n":{n}}}]"#),
        );
    };
    fire(1);
    fire(2);
    client.call("removeEventListener", &["x".into(), listener]);
    fire(3);
    client.call("innerOn", &["x".into(), record("replaced")]);
    fire(4);
    assert_eq!(
        json(&js("return window.__calls;")),
        json!([
            "inner1",
            "listener1",
            "once1",
            "inner2",
            "listener2",
            "inner3",
            "replaced4"
        ])
    );
    // Inner events never reach exports.
    assert!(client.event_names().is_empty());
    // A handler that is not a function is reported, not thrown.
    client.call("on", &["x".into(), "not a function".into()]);
    assert!(client.logs().iter().any(|l| l["content"]
        .as_str()
        .unwrap()
        .contains("needs an event name and a function")));
}

#[wasm_bindgen_test]
fn a_throwing_handler_is_reported_and_the_others_still_run() {
    let client = Client::new();
    js("window.__after = 0;");
    client.call(
        "innerOn",
        &["x".into(), js_fn("e", "throw new TypeError('page bug');")],
    );
    client.call(
        "addEventListener",
        &["x".into(), js_fn("e", "window.__after += 1;")],
    );
    client.call_json("triggerInnerOn", r#"[{"eventName":"x"}]"#);
    assert_eq!(json(&js("return window.__after;")), json!(1));
    let reported = client.logs().into_iter().find(|l| {
        l["type"] == "error"
            && l["content"]
                .as_str()
                .unwrap()
                .contains("TypeError: page bug")
    });
    assert!(reported.is_some(), "{:?}", client.logs());

    // An onLog that throws is not called again about itself.
    js("window.__onLogCalls = 0;");
    js_sys::Reflect::set(
        &client.host,
        &"onLog".into(),
        &js_fn(
            "m",
            "window.__onLogCalls += 1; throw new Error('onLog bug');",
        ),
    )
    .unwrap();
    client.call_json("error", r#"["once"]"#);
    assert_eq!(json(&js("return window.__onLogCalls;")), json!(1));
}

#[wasm_bindgen_test]
fn a_handler_that_calls_back_in_sees_its_deferred_settle_after_it_returns() {
    let client = Client::new();
    js_sys::Reflect::set(&js_sys::global(), &"__core".into(), &client.core).unwrap();
    js("window.__inner = [];");
    let handler = js_fn(
        "e",
        "const d = window.__core.invoke('makeCall', ['8002']); \
         window.__inner.push(d.state()); window.__deferred = d; \
         window.__inner.push(window.__core.invoke('isLogined', []));",
    );
    client.call("innerOn", &["x".into(), handler]);
    client.call_json("triggerInnerOn", r#"[{"eventName":"x"}]"#);
    // Inside the handler the call only reached the core; the loop settled it right after.
    assert_eq!(
        json(&js("return window.__inner;")),
        json!(["pending", false])
    );
    assert_eq!(state(&js("return window.__deferred;")), "rejected");
}

#[wasm_bindgen_test]
fn the_status_clock_is_added_only_where_the_page_has_its_anchor() {
    let client = Client::new();
    js("document.querySelectorAll('#well-now-state, #well-time-clock').forEach(e => e.remove());");
    client.call("insertClock", &[]);
    assert!(js("return document.getElementById('well-time-clock');").is_null());
    js("const s = document.createElement('span'); s.id = 'well-now-state'; document.body.appendChild(s);");
    client.call("insertClock", &[]);
    client.call("insertClock", &[]);
    assert_eq!(
        json(&js(
            "return [document.querySelectorAll('#well-time-clock').length, \
                   document.getElementById('well-now-state').nextElementSibling.id, \
                   document.getElementById('well-time-clock').textContent];"
        )),
        json!([1, "well-time-clock", "0:00:00"])
    );
    js("document.querySelectorAll('#well-now-state, #well-time-clock').forEach(e => e.remove());");
}

#[wasm_bindgen_test]
fn retired_members_and_hidden_buttons() {
    let client = Client::new();
    assert!(client.call("getCache", &[]).is_undefined());
    let login = client.call("login", &[]);
    assert_eq!(state(&login), "rejected");
    js("const b = document.createElement('button'); b.id = 'well-test-hide'; document.body.appendChild(b);");
    client.call_json(
        "setConfig",
        r#"[{"hideButton":["well-test-hide","no-such-id"]}]"#,
    );
    assert_eq!(
        json(&js("const b = document.getElementById('well-test-hide'); const c = b.className; b.remove(); return c;")),
        json!("well-dn")
    );
}
