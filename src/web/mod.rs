//! The browser adapter (wasm32 only): the sans-IO [`Client`] as a wasm-bindgen class, `Core`,
//! whose methods take and return only strings, numbers and booleans. It is the only Rust that
//! names `wasm-bindgen`, and it decides nothing.
//!
//! The JavaScript shim (`js-shim/shim.js`, `wellClientAdapter`) holds the browser side: it
//! turns each browser input (a page call, a WebSocket event, a `fetch` result, the timer, a
//! click on a click-to-dial element, `postMessage`, `pagehide`) into one call of a `Core`
//! method, stamped with the time it read just before (`setTime`); then it drains `poll` and
//! performs each step (see `steps` for what they are), and arms one timer for `deadline`. The
//! browser effects run in JavaScript because each browser method a wasm module imports costs a
//! glue function and an import shim, and the page's effects are plain: open a socket, send a
//! frame, `fetch`, write a cookie, call a handler. What to do, and when, is decided here, by
//! the core.
//!
//! Page functions (event handlers, the Deferreds' settle functions, the notifier) stay in
//! JavaScript: the core knows handlers by the ids the shim gives them (from 1), and commands by
//! the ids it gives them itself.
//!
//! The methods, in the order of the class:
//!
//! * `new Core(seed, securePage, storedSessionId, cookies)`: a seed for the reconnect jitter
//!   (below 2^53), whether the page is served over https, and what the page kept from before
//!   (`sessionStorage`'s copy of the session id, or `null`, and the text of `document.cookie`);
//! * `setUi(installed)`: whether the page has a UI layer now (`wellClient.ui.main` is a
//!   function), set before every input and every drain, since a page may install one at any
//!   time; `setTime(performance.now(), Date.now(), getTimezoneOffset())`: the time of the next
//!   input (`performance.now()` never goes backwards, as the core requires);
//! * page calls: `invoke(name, args)` runs a `wellClient` method; `args` is the JSON text of
//!   each argument, one per line (JSON text has no raw line breaks), and an argument that is not
//!   valid JSON is `null`; it returns `["value", v]`, `["command", id]` (whose Deferred settles
//!   through a `settle` step) or `["undefined"]`. `register(method, name, id)` registers handler
//!   `id` for `on`, `innerOn`, `addEventListener` or `once` and returns the handler it replaced
//!   (0 for none); `unregister(name, ids)` removes `removeEventListener`'s registrations and
//!   returns those removed; `isRegistered(id)` tells the shim when to let a function go;
//!   `handlerFailed(what, error)` and `report(error, text)` (a misuse the shim noticed) are
//!   told through `onLog`;
//! * browser inputs: `wsOpen`, `wsMessage(socket, bytes)` (text messages UTF-8 encoded by the
//!   shim with `TextEncoder.encodeInto` into a buffer it keeps: a fresh array per message, or
//!   the glue's own string passing, cost more; STOMP frames are UTF-8 either way), `wsClose`
//!   (a close, an error, or a socket that could not be made),
//!   `http(request, status, statusText, body)`, `httpFailed` (no answer), `timeout`,
//!   `confirm(dialog, accepted)`, `click(text, dataWellNumber)`, `postMessage(origin, data)`
//!   and `unload`;
//! * outputs: `poll()` gives the next step or `undefined`: outputs first, then deliveries, one
//!   at a time, so that what a handler's call produces is performed before the deliveries
//!   queued after it; `deadline()` is when `timeout` must run next, on the `performance.now()`
//!   scale, or `undefined`; `statusClock(now)` is the status clock's text while it runs, and
//!   `clockSince()` since when it counts (on the same scale; -1 while it is stopped): the text
//!   changes only with the seconds while that stays the same, so the shim asks for it only
//!   then.
//!
//! Each method's doc comment is copied into the shipped JavaScript: they are kept to a line.

mod steps;

/// The heap allocator: talc instead of the standard library's dlmalloc, smaller in the module
/// and faster on the allocation pattern of the event path.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use wasm_bindgen::prelude::*;

use crate::client::{
    stored, Client, ClientInit, ConfirmId, HandlerId, Invoke, Now, RequestId, SocketId,
};
use crate::config::Config;
use crate::json::{self, Value};
use crate::time::{Instant, WallClock};

/// One client's core, as the shim sees it (see `src/web/mod.rs`).
#[wasm_bindgen]
pub struct Core {
    client: Client,
    /// The time of the input being made, from `setTime`.
    now: Now,
}

#[wasm_bindgen]
impl Core {
    /// A client with what the page kept from before.
    #[wasm_bindgen(constructor, skip_jsdoc)]
    pub fn new(
        seed: f64,
        secure_page: bool,
        stored_session_id: Option<String>,
        cookies: Option<String>,
    ) -> Core {
        let cookie_name = Config::default().session_cookie_name;
        let init = ClientInit {
            stored_session_id: stored::stored_session_id(
                stored_session_id.as_deref(),
                cookies.as_deref().unwrap_or_default(),
                &cookie_name,
            ),
            // Float-to-integer `as` saturates (and maps NaN to 0): nothing here can fail.
            seed: seed as u64,
            secure_page,
        };
        Core {
            client: Client::new(init),
            now: Now::default(),
        }
    }

    /// Whether the page has a UI layer now.
    #[wasm_bindgen(js_name = setUi, skip_jsdoc)]
    pub fn set_ui(&mut self, installed: bool) {
        self.client.set_ui_installed(installed);
    }

    /// The time of the next input.
    #[wasm_bindgen(js_name = setTime, skip_jsdoc)]
    pub fn set_time(&mut self, mono_ms: f64, epoch_ms: f64, timezone_offset_min: f64) {
        self.now = Now {
            mono: Instant::from_millis(mono_ms as u64),
            wall: WallClock {
                epoch_ms: epoch_ms as i64,
                // `getTimezoneOffset()` is UTC minus local; the core wants local minus UTC.
                utc_offset_min: -(timezone_offset_min as i32),
            },
        };
    }

    // -----------------------------------------------------------------------------------------
    // Page calls

    /// Runs a `wellClient` method.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn invoke(&mut self, name: &str, args: &str) -> String {
        let args: Vec<Value> = if args.is_empty() {
            Vec::new()
        } else {
            args.split('\n')
                .map(|arg| json::parse(arg).unwrap_or(Value::Null))
                .collect()
        };
        match self.client.invoke(name, &args, self.now) {
            Invoke::Value(value) => {
                let mut out = String::from("[\"value\",");
                value.write_to(&mut out);
                out.push(']');
                out
            }
            Invoke::Command(command) => {
                ["[\"command\",", &json::int_text(i64::from(command.0)), "]"].concat()
            }
            Invoke::Undefined => String::from("[\"undefined\"]"),
        }
    }

    /// Registers a handler; returns the one it replaced.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn register(&mut self, method: &str, name: &str, id: u32) -> u32 {
        let id = HandlerId(id);
        let replaced = match method {
            "on" => self.client.on(name, id),
            "innerOn" => self.client.inner_on(name, id),
            _ => {
                self.client.add_listener(name, id, method == "once");
                None
            }
        };
        replaced.map_or(0, |HandlerId(old)| old)
    }

    /// Removes listeners; returns those removed.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn unregister(&mut self, name: &str, ids: Vec<u32>) -> Vec<u32> {
        let ids: Vec<HandlerId> = ids.into_iter().map(HandlerId).collect();
        self.client
            .remove_listeners(name, &ids)
            .into_iter()
            .map(|HandlerId(id)| id)
            .collect()
    }

    /// Whether a handler is still registered.
    #[wasm_bindgen(js_name = isRegistered, skip_jsdoc)]
    pub fn is_registered(&self, id: u32) -> bool {
        self.client.is_handler_registered(HandlerId(id))
    }

    /// A page function threw.
    #[wasm_bindgen(js_name = handlerFailed, skip_jsdoc)]
    pub fn handler_failed(&mut self, what: &str, error: &str) {
        self.client.handler_failed(what, error);
    }

    /// A misuse the shim noticed.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn report(&mut self, error: bool, text: &str) {
        self.client.report(error, text);
    }

    // -----------------------------------------------------------------------------------------
    // Browser inputs

    /// A socket opened.
    #[wasm_bindgen(js_name = wsOpen, skip_jsdoc)]
    pub fn ws_open(&mut self, socket: u32) {
        self.client.handle_ws_open(SocketId(socket), self.now);
    }

    /// A message, as bytes.
    #[wasm_bindgen(js_name = wsMessage, skip_jsdoc)]
    pub fn ws_message(&mut self, socket: u32, bytes: &[u8]) {
        self.client
            .handle_ws_message(SocketId(socket), bytes, self.now);
    }

    /// A socket is over.
    #[wasm_bindgen(js_name = wsClose, skip_jsdoc)]
    pub fn ws_close(&mut self, socket: u32) {
        self.client.handle_ws_close(SocketId(socket), self.now);
    }

    /// A request's answer.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn http(&mut self, request: u32, status: u16, status_text: &str, body: &str) {
        let answer = Some((status, status_text, body));
        self.client
            .handle_http(RequestId(request), answer, self.now);
    }

    /// A request failed without an answer.
    #[wasm_bindgen(js_name = httpFailed, skip_jsdoc)]
    pub fn http_failed(&mut self, request: u32) {
        self.client.handle_http(RequestId(request), None, self.now);
    }

    /// The timer fired.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn timeout(&mut self) {
        self.client.handle_timeout(self.now);
    }

    /// The answer to a `confirm` step.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn confirm(&mut self, dialog: u32, accepted: bool) {
        self.client
            .handle_confirm(ConfirmId(dialog), accepted, self.now);
    }

    /// A click on a click-to-dial element.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn click(&mut self, text: &str, number: Option<String>) {
        self.client
            .handle_click_to_dial(text, number.as_deref(), self.now);
    }

    /// A `postMessage` whose data is a string.
    #[wasm_bindgen(js_name = postMessage, skip_jsdoc)]
    pub fn post_message(&mut self, origin: &str, data: &str) {
        self.client.handle_post_message(origin, data, self.now);
    }

    /// `pagehide`.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn unload(&mut self) {
        self.client.handle_unload(self.now);
    }

    // -----------------------------------------------------------------------------------------
    // Outputs

    /// The next step to perform.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn poll(&mut self) -> Option<String> {
        if let Some(output) = self.client.poll_output() {
            return Some(steps::output(&output));
        }
        self.client.poll_delivery().map(steps::delivery)
    }

    /// When `timeout` must run next.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn deadline(&self) -> Option<f64> {
        self.client.poll_timeout().map(|at| at.as_millis() as f64)
    }

    /// The status clock's text.
    #[wasm_bindgen(js_name = statusClock, skip_jsdoc)]
    pub fn status_clock(&self, mono_ms: f64) -> Option<String> {
        self.client
            .status_clock(Instant::from_millis(mono_ms as u64))
    }

    /// Since when the status clock counts; -1 while it is stopped.
    #[wasm_bindgen(js_name = clockSince, skip_jsdoc)]
    pub fn clock_since(&self) -> f64 {
        // A plain number (times are never negative): an optional one costs a glue shim.
        self.client
            .status_clock_since()
            .map_or(-1.0, |since| since.as_millis() as f64)
    }
}
