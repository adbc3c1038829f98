//! The browser adapter (wasm32 only): puts the sans-IO [`Client`](crate::client::Client) in a
//! page. It is the only code that names `wasm-bindgen`, `web-sys` or `js-sys`, and it decides
//! nothing: it moves values between the browser and the core.
//!
//! * **In:** page calls (`Core.invoke`), WebSocket events, `fetch` results, the one timer,
//!   clicks on click-to-dial elements, `postMessage` and `pagehide`. Each becomes one core input,
//!   stamped with the time read in `clock` (and nowhere else).
//! * **Out:** after every input the driver drains the core: sockets to open, frames to send,
//!   requests to make, dialogs, page writes; then calls into page code (the UI hook, event
//!   handlers, `onLog`, Deferred settlements), each guarded so a throwing handler is reported
//!   through `onLog` and delivery goes on. See `driver` for the loop.
//!
//! The JavaScript shim (`js-shim/`) makes a [`Core`] per client and installs the `wellClient`
//! methods on the page's object, each a call of [`Core::invoke`].

mod clock;
mod driver;
mod http;
mod interop;
mod page;
mod page_code;
mod socket;

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use driver::Driver;

/// One client, as the shim sees it: `new Core(host, hooks)`.
#[wasm_bindgen]
pub struct Core {
    driver: Rc<Driver>,
}

#[wasm_bindgen]
impl Core {
    /// Makes a client for `host`, the object pages use as `wellClient` (its `exports`, `onLog`,
    /// `ui` properties are read when needed, never cached). `hooks` comes from the shim:
    /// `hooks.deferred()` returns `{promise, settle(ok, value)}`.
    #[wasm_bindgen(constructor)]
    pub fn new(host: JsValue, hooks: JsValue) -> Core {
        Core {
            driver: Driver::start(host, hooks),
        }
    }

    /// Runs the `wellClient` method `name` with `args` (an array) and returns what the page
    /// gets: `undefined`, a value, or a Deferred's promise. Never throws.
    pub fn invoke(&self, name: &str, args: JsValue) -> JsValue {
        self.driver.invoke(name, &args)
    }
}
