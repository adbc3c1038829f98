//! Moving values across the boundary: page arguments to JSON values, JSON text to JS objects,
//! properties read at use time, and calls into page code that may throw.
//!
//! Every JavaScript operation here that can throw is imported with `catch`: an exception that
//! crossed into Rust would skip the rest of the drive loop and leave the adapter stuck.

use js_sys::{Function, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::json::{self, Value};

#[wasm_bindgen]
extern "C" {
    /// `String(value)`: the text of anything a page can throw (`"TypeError: x is not a
    /// function"` for errors).
    #[wasm_bindgen(js_name = String, catch)]
    fn js_string(value: &JsValue) -> Result<String, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = log, catch)]
    fn console_log_str(text: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = error, catch)]
    fn console_error_str(text: &str) -> Result<(), JsValue>;

    /// A function, seen only for its untyped `bind`.
    type Bindable;

    #[wasm_bindgen(method)]
    fn bind(this: &Bindable, context: &JsValue, first: u32) -> Function;

    /// A promise, seen only for its untyped two-argument `then`.
    type Thenable;

    #[wasm_bindgen(method)]
    fn then(this: &Thenable, fulfilled: &Function, rejected: &Function);
}

/// `function.bind(null, id)`: a shared callback that knows which socket or request it is for.
pub(super) fn bind_id(function: &Function, id: u32) -> Function {
    function
        .unchecked_ref::<Bindable>()
        .bind(&JsValue::NULL, id)
}

/// `promise.then(fulfilled, rejected)`.
pub(super) fn when_settled(promise: &js_sys::Promise, fulfilled: &Function, rejected: &Function) {
    promise
        .unchecked_ref::<Thenable>()
        .then(fulfilled, rejected);
}

/// Writes to the console; a page that replaced `console.log` with something that throws only
/// loses the line.
pub(super) fn console_log(text: &str) {
    let _ = console_log_str(text);
}

/// `console.error(text)`, ignoring a console that throws.
pub(super) fn console_error(text: &str) {
    let _ = console_error_str(text);
}

/// The text of a thrown value, for `onLog`.
pub(super) fn error_text(error: &JsValue) -> String {
    js_string(error).unwrap_or_else(|_| String::from("a value that cannot be turned into text"))
}

/// `target[key]`, read now (pages assign `exports`, `onLog`, `ui` at any time: DECISIONS K3).
/// A missing target, or a getter that throws, reads as `undefined`.
pub(super) fn get(target: &JsValue, key: &JsValue) -> JsValue {
    if target.is_undefined() || target.is_null() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, key).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key]` when it is a function.
pub(super) fn get_function(target: &JsValue, key: &JsValue) -> Option<Function> {
    let value = get(target, key);
    value.is_function().then(|| value.unchecked_into())
}

/// The page's arguments as JSON values, as `JSON.stringify` sees them: functions and
/// `undefined` become `null`. Arguments it cannot express (a cycle, a `BigInt`) become `null`
/// one by one, so the core sees them as missing and rejects the call in its own words.
pub(super) fn arguments(args: &JsValue) -> Vec<Value> {
    if let Some(values) = stringify(args).and_then(|text| json::parse(&text).ok()) {
        return match values {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
    }
    if !js_sys::Array::is_array(args) {
        return Vec::new();
    }
    args.unchecked_ref::<js_sys::Array>()
        .iter()
        .map(|arg| {
            stringify(&arg)
                .and_then(|text| json::parse(&text).ok())
                .unwrap_or(Value::Null)
        })
        .collect()
}

fn stringify(value: &JsValue) -> Option<String> {
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
}

/// The JS value of JSON text the core wrote (`undefined` if it were ever invalid).
pub(super) fn parse(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

/// A plain object with string properties, e.g. `{type, content}`.
pub(super) fn object(fields: &[(&JsValue, &JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, key, value);
    }
    object.into()
}

/// Calls page code with one argument; `Err` carries the text of what it threw.
pub(super) fn call(function: &Function, this: &JsValue, arg: &JsValue) -> Result<JsValue, String> {
    function.call1(this, arg).map_err(|e| error_text(&e))
}

/// Property names used on every event, made once.
pub(super) struct Keys {
    pub ui: JsValue,
    pub main: JsValue,
    pub exports: JsValue,
    pub on_log: JsValue,
    pub kind: JsValue,
    pub content: JsValue,
    pub text: JsValue,
    pub event_name: JsValue,
    pub deferred: JsValue,
    pub promise: JsValue,
    pub settle: JsValue,
    pub notify: JsValue,
}

impl Keys {
    pub fn new() -> Self {
        Keys {
            ui: "ui".into(),
            main: "main".into(),
            exports: "exports".into(),
            on_log: "onLog".into(),
            kind: "type".into(),
            content: "content".into(),
            text: "text".into(),
            event_name: "eventName".into(),
            deferred: "deferred".into(),
            promise: "promise".into(),
            settle: "settle".into(),
            notify: "notify".into(),
        }
    }
}
