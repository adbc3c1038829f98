//! The browser adapter (wasm32 only): the sans-IO [`Client`] as a wasm-bindgen class, `Core`,
//! whose methods take and return only strings, numbers and booleans. It is the only Rust that
//! names `wasm-bindgen`, and it decides nothing.
//!
//! The JavaScript shim (`js-shim/shim.js`, `wellClientAdapter`) holds the browser side: it
//! turns each browser input (a page call, a WebSocket event, a `fetch` result, the timer, a
//! click on a click-to-dial element, `postMessage`, `pagehide`) into one call of a `Core`
//! method, stamped with the time it read just before (`setTime`); then it drains [`Core::poll`]
//! and performs each step (see `steps` for what they are), and arms one timer for
//! [`Core::deadline`]. The browser effects run in JavaScript because each browser method a
//! wasm module imports costs a glue function and an import shim, and the page's effects are
//! plain: open a socket, send a frame, `fetch`, write a cookie, call a handler. What to do,
//! and when, is decided here, by the core.
//!
//! Page functions (event handlers, the Deferreds' settle functions, the notifier) stay in
//! JavaScript: the core knows handlers by the ids the shim gives them, and commands by the ids
//! it gives them itself.

mod steps;

use wasm_bindgen::prelude::*;

use crate::client::{
    stored, Client, ClientInit, ConfirmId, HandlerId, Invoke, Now, RequestId, SocketId,
};
use crate::config::Config;
use crate::json::{self, Value};
use crate::time::{Instant, WallClock};

/// One client's core, as the shim sees it.
#[wasm_bindgen]
pub struct Core {
    client: Client,
    /// The time of the input being made, from [`Core::set_time`].
    now: Now,
}

#[wasm_bindgen]
impl Core {
    /// `new Core(seed, securePage, storedSessionId, cookies)`: what the page kept from before
    /// (`sessionStorage`'s copy of the session id, or `null`, and the text of
    /// `document.cookie`), a seed for the reconnect jitter (below 2^53), and whether the page
    /// is served over https.
    #[wasm_bindgen(constructor)]
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

    /// Whether the page has a UI layer now (`typeof wellClient.ui.main === 'function'`): set
    /// before every input and every drain, since a page may install one at any time.
    #[wasm_bindgen(js_name = setUi)]
    pub fn set_ui(&mut self, installed: bool) {
        self.client.set_ui_installed(installed);
    }

    /// The time of the next input: `performance.now()`, `Date.now()` and
    /// `getTimezoneOffset()`. `performance.now()` never goes backwards, as the core requires.
    #[wasm_bindgen(js_name = setTime)]
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

    /// Runs the `wellClient` method `name`. `args` is the JSON text of each argument, one per
    /// line (JSON text has no raw line breaks); an argument that is not valid JSON is `null`.
    /// Returns `["value", v]`, `["command", id]` (its Deferred settles through a `settle`
    /// step) or `["undefined"]`.
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

    /// `on`, `innerOn`, `addEventListener` or `once` (`method`) of handler `id` for event
    /// `name`. Returns the handler it replaced, or 0 (handler ids start at 1).
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

    /// `removeEventListener(name, fn)`: `ids` are the registrations of `fn`; returns those
    /// removed.
    pub fn unregister(&mut self, name: &str, ids: Vec<u32>) -> Vec<u32> {
        let ids: Vec<HandlerId> = ids.into_iter().map(HandlerId).collect();
        self.client
            .remove_listeners(name, &ids)
            .into_iter()
            .map(|HandlerId(id)| id)
            .collect()
    }

    /// Whether handler `id` is still registered (the shim drops functions that are not).
    #[wasm_bindgen(js_name = isRegistered)]
    pub fn is_registered(&self, id: u32) -> bool {
        self.client.is_handler_registered(HandlerId(id))
    }

    /// A page function threw (`what` says which): reported through `onLog`.
    #[wasm_bindgen(js_name = handlerFailed)]
    pub fn handler_failed(&mut self, what: &str, error: &str) {
        self.client.handler_failed(what, error);
    }

    /// A misuse the shim noticed (`on(name, notAFunction)`): reported through `onLog`.
    pub fn report(&mut self, error: bool, text: &str) {
        self.client.report(error, text);
    }

    // -----------------------------------------------------------------------------------------
    // Browser inputs

    #[wasm_bindgen(js_name = wsOpen)]
    pub fn ws_open(&mut self, socket: u32) {
        self.client.handle_ws_open(SocketId(socket), self.now);
    }

    /// A text message.
    #[wasm_bindgen(js_name = wsText)]
    pub fn ws_text(&mut self, socket: u32, text: &str) {
        self.client
            .handle_ws_message(SocketId(socket), text.as_bytes(), self.now);
    }

    /// A binary message (STOMP frames are UTF-8 either way).
    #[wasm_bindgen(js_name = wsBinary)]
    pub fn ws_binary(&mut self, socket: u32, bytes: &[u8]) {
        self.client
            .handle_ws_message(SocketId(socket), bytes, self.now);
    }

    /// `close` or `error`, or a socket that could not be made: it is over either way.
    #[wasm_bindgen(js_name = wsClose)]
    pub fn ws_close(&mut self, socket: u32) {
        self.client.handle_ws_close(SocketId(socket), self.now);
    }

    /// A request's answer.
    pub fn http(&mut self, request: u32, status: u16, status_text: &str, body: &str) {
        let answer = Some((status, status_text, body));
        self.client
            .handle_http(RequestId(request), answer, self.now);
    }

    /// A request that failed without an answer (network error, CORS refusal, a request the
    /// browser would not make).
    #[wasm_bindgen(js_name = httpFailed)]
    pub fn http_failed(&mut self, request: u32) {
        self.client.handle_http(RequestId(request), None, self.now);
    }

    /// The timer armed for [`Core::deadline`] fired.
    pub fn timeout(&mut self) {
        self.client.handle_timeout(self.now);
    }

    /// The answer to a `confirm` step.
    pub fn confirm(&mut self, dialog: u32, accepted: bool) {
        self.client
            .handle_confirm(ConfirmId(dialog), accepted, self.now);
    }

    /// A click on an element with the click-to-dial class: its text and `data-well-number`.
    pub fn click(&mut self, text: &str, number: Option<String>) {
        self.client
            .handle_click_to_dial(text, number.as_deref(), self.now);
    }

    /// A `postMessage` whose data is a string.
    #[wasm_bindgen(js_name = postMessage)]
    pub fn post_message(&mut self, origin: &str, data: &str) {
        self.client.handle_post_message(origin, data, self.now);
    }

    /// `pagehide`.
    pub fn unload(&mut self) {
        self.client.handle_unload(self.now);
    }

    // -----------------------------------------------------------------------------------------
    // Outputs

    /// The next step to perform, or `undefined` when the core has nothing left: outputs first,
    /// then deliveries, one at a time, so that what a handler's call produces is performed
    /// before the deliveries queued after it.
    pub fn poll(&mut self) -> Option<String> {
        if let Some(output) = self.client.poll_output() {
            return Some(steps::output(&output));
        }
        self.client
            .poll_delivery()
            .map(|delivery| steps::delivery(&delivery))
    }

    /// When [`Core::timeout`] must run next, on the `performance.now()` scale, or `undefined`.
    pub fn deadline(&self) -> Option<f64> {
        self.client.poll_timeout().map(|at| at.as_millis() as f64)
    }

    /// The status clock's text at `performance.now()` `mono_ms`, while it runs.
    #[wasm_bindgen(js_name = statusClock)]
    pub fn status_clock(&self, mono_ms: f64) -> Option<String> {
        self.client
            .status_clock(Instant::from_millis(mono_ms as u64))
    }
}
