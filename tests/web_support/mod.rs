//! Helpers of the browser tests: a page-side client made of the adapter's `Core` and the shim's
//! browser side (`wellClientAdapter`), a plain host object that records what it is given, and
//! the shim's Deferreds; small JavaScript snippets; and waiting without blocking the page.
#![allow(dead_code)]

use std::time::Duration;

use js_sys::{Array, Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use well_client::web::Core;

/// The shim, so the tests run the same browser side and settle the same Deferreds pages get.
const SHIM: &str = include_str!("../../js-shim/shim.js");

/// Runs a JavaScript function body and returns its value.
pub fn js(body: &str) -> JsValue {
    Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .unwrap_or_else(|e| panic!("JavaScript failed: {e:?}\n{body}"))
}

/// A JavaScript function `(a) => body`.
pub fn js_fn(arg: &str, body: &str) -> JsValue {
    Function::new_with_args(arg, body).into()
}

/// A JS value as JSON, for assertions.
pub fn json(value: &JsValue) -> Value {
    if value.is_undefined() {
        return Value::Null;
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| panic!("not JSON: {value:?}"));
    serde_json::from_str(&text).unwrap()
}

/// A JS value from JSON text.
pub fn from_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or_else(|e| panic!("bad JSON {text}: {e:?}"))
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    JsFuture::from(promise).await.unwrap();
}

/// Polls `ready` every 20 ms until it holds; panics with `what` after `timeout`.
pub async fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let start = js_sys::Date::now();
    while !ready() {
        if js_sys::Date::now() - start > timeout.as_millis() as f64 {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        sleep(20).await;
    }
}

/// How a Deferred (any thenable) settled.
pub async fn settled(deferred: &JsValue) -> Result<Value, Value> {
    match JsFuture::from(Promise::resolve(deferred)).await {
        Ok(value) => Ok(json(&value)),
        Err(reason) => Err(json(&reason)),
    }
}

/// `deferred.state()`.
pub fn state(deferred: &JsValue) -> String {
    let state: Function = Reflect::get(deferred, &"state".into())
        .unwrap()
        .unchecked_into();
    state.call0(deferred).unwrap().as_string().unwrap()
}

/// A client as a page has it: the adapter's `Core` driven by the shim's `wellClientAdapter`
/// (`core`: its `invoke(name, args)` is what every `wellClient` method calls), a host object
/// recording `exports`, `onLog` and the notifier, and the shim's hooks.
pub struct Client {
    pub host: JsValue,
    pub core: JsValue,
}

impl Client {
    pub fn new() -> Client {
        let host = js(r#"
            const host = { events: [], logs: [], notes: [] };
            host.exports = function (e) { this.events.push(e); };
            host.onLog = function (m) { this.logs.push(m); };
            return host;
        "#);
        let shim = Function::new_no_args(
            &[
                SHIM,
                "\nreturn {adapter: wellClientAdapter, hooks: wellClientHooks()};",
            ]
            .concat(),
        )
        .call0(&JsValue::NULL)
        .unwrap();
        let adapter: Function = Reflect::get(&shim, &"adapter".into())
            .unwrap()
            .unchecked_into();
        let hooks = Reflect::get(&shim, &"hooks".into()).unwrap();
        // The shim makes its own `Core`s, as it does from wasm-bindgen's module: hand it the
        // class (the constructor of an instance's prototype).
        let instance = JsValue::from(Core::new(0.0, false, None, None));
        let class = Reflect::get(
            &js_sys::Object::get_prototype_of(&instance),
            &"constructor".into(),
        )
        .unwrap();
        let core = adapter
            .call3(&JsValue::NULL, &class, &host, &hooks)
            .unwrap();
        let client = Client { host, core };
        // Dialogs go to the host instead of blocking the headless browser.
        let notify = js_fn(
            "m",
            "window.__notes = window.__notes || []; window.__notes.push(m); return false;",
        );
        let conf = js_sys::Object::new();
        Reflect::set(&conf, &"notify".into(), &notify).unwrap();
        client.call("setConfig", &[conf.into()]);
        client
    }

    /// `wellClient[name](...args)`, through the adapter's `invoke` as the shim calls it.
    pub fn call(&self, name: &str, args: &[JsValue]) -> JsValue {
        let invoke: Function = Reflect::get(&self.core, &"invoke".into())
            .unwrap()
            .unchecked_into();
        let array: Array = args.iter().collect();
        invoke
            .call2(&self.core, &name.into(), &array)
            .unwrap_or_else(|e| panic!("{name} threw: {e:?}"))
    }

    /// `call` with arguments written as JSON.
    pub fn call_json(&self, name: &str, args: &str) -> JsValue {
        let args: Array = from_json(args).unchecked_into();
        self.call(name, &args.to_vec())
    }

    /// The events `exports` received, as JSON.
    pub fn events(&self) -> Vec<Value> {
        json(&Reflect::get(&self.host, &"events".into()).unwrap())
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The names of the events `exports` received, in order.
    pub fn event_names(&self) -> Vec<String> {
        self.events()
            .iter()
            .filter_map(|e| e["eventName"].as_str().map(str::to_owned))
            .collect()
    }

    /// What `onLog` received.
    pub fn logs(&self) -> Vec<Value> {
        json(&Reflect::get(&self.host, &"logs".into()).unwrap())
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until `exports` has received an event named `name`.
    pub async fn wait_for_event(&self, name: &str, timeout: Duration) -> Value {
        let mut found = None;
        wait_until(&["event ", name].concat(), timeout, || {
            found = self.events().into_iter().find(|e| e["eventName"] == name);
            found.is_some()
        })
        .await;
        found.unwrap()
    }
}

/// The notifier's messages so far.
pub fn notes() -> Vec<Value> {
    json(&js("return window.__notes || [];"))
        .as_array()
        .cloned()
        .unwrap_or_default()
}
