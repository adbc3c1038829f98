//! The driver: feeds the core every input the browser produces, then performs what the core
//! asks for, in one loop.
//!
//! After every input (a page call, a WebSocket event, a fetch result, the timer, a click, a
//! `postMessage`, `pagehide`) [`Driver::drive`] runs: it takes one output or delivery at a
//! time from the core, releases the core, and performs it, until the core has nothing left;
//! then it re-arms the one timer and refreshes the status clock. The core is never borrowed
//! while JavaScript runs, because page handlers call back into the client. A call made while
//! the loop runs only reaches the core; the running loop picks up what it produced (quinn's
//! `ConnectionDriver` does the same with `keep_going`).

use core::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Event, MessageEvent, Window};

use crate::client::{
    Client, ClientInit, CommandId, Delivery, HandlerId, Invoke, LogKind, Now, Output, RequestId,
    SocketId, Target,
};
use crate::config::Config;
use crate::json::Value;
use crate::time::{duration_ms, Instant};

use super::clock;
use super::http::{FetchHandlers, Requests};
use super::interop::{self, Keys};
use super::page;
use super::page_code::{self, PageCode};
use super::socket::{self, SocketHandlers, Sockets};

/// How often the status clock's text is refreshed.
const CLOCK_TICK_MS: i32 = 1000;

/// The one `setTimeout` armed for the core's next deadline.
#[derive(Default)]
struct Timer {
    deadline: Option<Instant>,
    handle: Option<i32>,
}

/// The `setInterval` that refreshes `#well-time-clock`, and the text it shows.
#[derive(Default)]
struct StatusClock {
    ticker: Option<i32>,
    shown: String,
}

/// Closures made once per driver and shared by every socket, request and listener; sockets and
/// requests get them bound to their id (`Function.prototype.bind`). They hold the driver weakly
/// and are `Fn`, so a synchronous re-entry (a handler that clicks a click-to-dial element) is
/// safe.
struct Callbacks {
    ws_open: Closure<dyn Fn(u32)>,
    ws_message: Closure<dyn Fn(u32, MessageEvent)>,
    ws_closed: Closure<dyn Fn(u32)>,
    /// `Option` so that dropping the driver can hand them to the JavaScript garbage collector
    /// instead of freeing them: a fetch aborted just before may still settle, and must then
    /// find a function that does nothing.
    http_response: Option<Closure<dyn Fn(u32, JsValue)>>,
    http_text: Option<Closure<dyn Fn(u32, JsValue)>>,
    http_failed: Option<Closure<dyn Fn(u32)>>,
    timer: Closure<dyn Fn()>,
    clock_tick: Closure<dyn Fn()>,
    click: Closure<dyn Fn(Event)>,
    page_hide: Closure<dyn Fn()>,
    message: Closure<dyn Fn(MessageEvent)>,
}

fn function<T: ?Sized>(closure: &Closure<T>) -> &Function {
    closure.as_ref().unchecked_ref()
}

fn callback0(driver: &Weak<Driver>, run: fn(&Rc<Driver>)) -> Closure<dyn Fn()> {
    let driver = driver.clone();
    Closure::new(move || {
        if let Some(driver) = driver.upgrade() {
            run(&driver);
        }
    })
}

fn callback1<A: FromWasmAbi + 'static>(
    driver: &Weak<Driver>,
    run: fn(&Rc<Driver>, A),
) -> Closure<dyn Fn(A)> {
    let driver = driver.clone();
    Closure::new(move |a| {
        if let Some(driver) = driver.upgrade() {
            run(&driver, a);
        }
    })
}

fn callback2<A: FromWasmAbi + 'static, B: FromWasmAbi + 'static>(
    driver: &Weak<Driver>,
    run: fn(&Rc<Driver>, A, B),
) -> Closure<dyn Fn(A, B)> {
    let driver = driver.clone();
    Closure::new(move |a, b| {
        if let Some(driver) = driver.upgrade() {
            run(&driver, a, b);
        }
    })
}

impl Callbacks {
    fn new(driver: &Weak<Driver>) -> Self {
        Callbacks {
            ws_open: callback1(driver, |d, id| d.on_ws_open(SocketId(id))),
            ws_message: callback2(driver, |d, id, event| d.on_ws_message(SocketId(id), &event)),
            ws_closed: callback1(driver, |d, id| d.on_ws_closed(SocketId(id))),
            http_response: Some(callback2(driver, |d, id, response| {
                d.on_http_response(RequestId(id), response)
            })),
            http_text: Some(callback2(driver, |d, id, text| {
                d.on_http_text(RequestId(id), &text)
            })),
            http_failed: Some(callback1(driver, |d, id| d.on_http_failed(RequestId(id)))),
            timer: callback0(driver, Driver::on_timer),
            clock_tick: callback0(driver, Driver::update_status_clock),
            click: callback1(driver, |d, event| d.on_click(&event)),
            page_hide: callback0(driver, Driver::on_page_hide),
            message: callback1(driver, |d, event| d.on_message(&event)),
        }
    }

    fn sockets(&self) -> SocketHandlers<'_> {
        SocketHandlers {
            open: function(&self.ws_open),
            message: function(&self.ws_message),
            closed: function(&self.ws_closed),
        }
    }

    fn fetch(&self) -> Option<FetchHandlers<'_>> {
        Some(FetchHandlers {
            response: function(self.http_response.as_ref()?),
            text: function(self.http_text.as_ref()?),
            failed: function(self.http_failed.as_ref()?),
        })
    }
}

/// One item of work taken from the core.
enum Step {
    Output(Output),
    Delivery(Delivery),
}

/// The core and everything the adapter holds for it.
pub(super) struct Driver {
    client: RefCell<Client>,
    /// The object the page sees as `wellClient`: `exports`, `onLog`, `ui` are read from it.
    host: JsValue,
    /// What the shim provides: `deferred()`.
    hooks: JsValue,
    keys: Keys,
    window: Option<Window>,
    document: Option<Document>,
    driving: Cell<bool>,
    page_code: RefCell<PageCode>,
    sockets: RefCell<Sockets>,
    requests: RefCell<Requests>,
    timer: RefCell<Timer>,
    clock: RefCell<StatusClock>,
    click_class: RefCell<Option<String>>,
    download_url: RefCell<Option<String>>,
    callbacks: Callbacks,
    /// The driver itself while it has sockets, requests or timers, as a JavaScript client would
    /// be kept alive by its own listeners: a page that drops its client object mid-call does
    /// not silently cut the agent off.
    keep_alive: RefCell<Option<Rc<Driver>>>,
}

impl Driver {
    /// Makes the core for `host`, with what the page kept from before (the session id), and
    /// listens to the page's life (`pagehide`, `message`).
    pub fn start(host: JsValue, hooks: JsValue) -> Rc<Driver> {
        let window = web_sys::window();
        let document = window.as_ref().and_then(Window::document);
        let cookie_name = Config::default().session_cookie_name;
        let init = ClientInit {
            stored_session_id: window
                .as_ref()
                .and_then(|w| page::stored_session_id(w, &cookie_name)),
            // 2^53: every integer below it is exact in an f64.
            seed: (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64,
            secure_page: window.as_ref().is_some_and(page::is_secure),
        };
        let driver = Rc::new_cyclic(|weak| Driver {
            client: RefCell::new(Client::new(init)),
            host,
            hooks,
            keys: Keys::new(),
            window,
            document,
            driving: Cell::new(false),
            page_code: RefCell::default(),
            sockets: RefCell::default(),
            requests: RefCell::default(),
            timer: RefCell::default(),
            clock: RefCell::default(),
            click_class: RefCell::default(),
            download_url: RefCell::default(),
            callbacks: Callbacks::new(weak),
            keep_alive: RefCell::default(),
        });
        if let Some(window) = &driver.window {
            let _ = window.add_event_listener_with_callback(
                "pagehide",
                function(&driver.callbacks.page_hide),
            );
            let _ = window
                .add_event_listener_with_callback("message", function(&driver.callbacks.message));
        }
        driver
    }

    // -----------------------------------------------------------------------------------------
    // Reaching the core

    /// Runs `f` on the core. `None` only if the core is borrowed already, which the loop's
    /// structure rules out; it is reported rather than trusted.
    fn core<R>(&self, f: impl FnOnce(&mut Client) -> R) -> Option<R> {
        match self.client.try_borrow_mut() {
            Ok(mut client) => Some(f(&mut client)),
            Err(_) => {
                interop::console_error("well-client: the core was re-entered; the call is lost");
                None
            }
        }
    }

    /// Feeds one input to the core, with the time and whether a UI layer is installed now.
    fn input<R>(&self, f: impl FnOnce(&mut Client, Now) -> R) -> Option<R> {
        let ui = self.ui_installed();
        let now = clock::now();
        self.core(|client| {
            client.set_ui_installed(ui);
            f(client, now)
        })
    }

    /// `typeof host.ui?.main === 'function'`: the page may install or remove a UI layer at any
    /// time.
    fn ui_installed(&self) -> bool {
        let ui = interop::get(&self.host, &self.keys.ui);
        interop::get_function(&ui, &self.keys.main).is_some()
    }

    /// A page function threw: the core reports it through `onLog` (DECISIONS.md §2 row 25).
    fn handler_failed(&self, what: &str, error: &str) {
        self.core(|client| client.handler_failed(what, error));
    }

    /// A call the adapter could not turn into core input (a handler that is not a function):
    /// reported as `wellClient.error(text)` would.
    fn misuse(&self, text: &str) {
        let args = [Value::from(text)];
        self.input(|client, now| client.invoke("error", &args, now));
    }

    // -----------------------------------------------------------------------------------------
    // Page calls

    /// A `wellClient` method: `name` and its arguments (a JS array).
    pub fn invoke(self: &Rc<Self>, name: &str, args: &JsValue) -> JsValue {
        let result = match name {
            "on" | "innerOn" | "addEventListener" | "once" => {
                self.register(name, args);
                JsValue::UNDEFINED
            }
            "removeEventListener" => {
                self.unregister(args);
                JsValue::UNDEFINED
            }
            _ => self.call(name, args),
        };
        self.drive();
        result
    }

    fn call(&self, name: &str, args: &JsValue) -> JsValue {
        if name == "setConfig" {
            self.take_notifier(args);
        }
        let values = interop::arguments(args);
        match self.input(|client, now| client.invoke(name, &values, now)) {
            Some(Invoke::Value(value)) => interop::parse(&value.to_json()),
            Some(Invoke::Command(command)) => self.deferred(command),
            Some(Invoke::Undefined) | None => JsValue::UNDEFINED,
        }
    }

    /// A Deferred for `command`, its settle function kept before anything can settle it.
    fn deferred(&self, command: CommandId) -> JsValue {
        match page_code::new_deferred(&self.hooks, &self.keys) {
            Some((promise, settle)) => {
                self.page_code
                    .borrow_mut()
                    .await_settlement(command, settle);
                promise
            }
            None => {
                interop::console_error("well-client: the shim could not make a Deferred");
                JsValue::UNDEFINED
            }
        }
    }

    /// `setConfig({notify})`: functions do not cross into the core; keep it here.
    fn take_notifier(&self, args: &JsValue) {
        let conf = Reflect::get_u32(args, 0).unwrap_or(JsValue::UNDEFINED);
        if conf.is_object() && Reflect::has(&conf, &self.keys.notify).unwrap_or(false) {
            let notify = interop::get(&conf, &self.keys.notify);
            self.page_code.borrow_mut().set_notify(notify);
        }
    }

    /// `on`, `innerOn`, `addEventListener`, `once`: `(name, fn)`.
    fn register(&self, method: &str, args: &JsValue) {
        let name = Reflect::get_u32(args, 0).ok().and_then(|n| n.as_string());
        let handler = Reflect::get_u32(args, 1).ok().filter(JsValue::is_function);
        let (Some(name), Some(handler)) = (name, handler) else {
            self.misuse(
                &[
                    method,
                    "(name, handler): needs an event name and a function",
                ]
                .concat(),
            );
            return;
        };
        let id = self
            .page_code
            .borrow_mut()
            .add_handler(handler.unchecked_into());
        let replaced = self.core(|client| match method {
            "on" => client.on(&name, id),
            "innerOn" => client.inner_on(&name, id),
            _ => {
                client.add_listener(&name, id, method == "once");
                None
            }
        });
        match replaced {
            Some(Some(old)) => self.forget_if_unregistered(old),
            Some(None) => {}
            None => self.page_code.borrow_mut().drop_handler(id),
        }
    }

    /// `removeEventListener(name, fn)`: every registration of `fn` for `name`.
    fn unregister(&self, args: &JsValue) {
        let name = Reflect::get_u32(args, 0).ok().and_then(|n| n.as_string());
        let handler = Reflect::get_u32(args, 1).unwrap_or(JsValue::UNDEFINED);
        let Some(name) = name else {
            self.misuse("removeEventListener(name, handler): needs an event name");
            return;
        };
        let ids = self.page_code.borrow().ids_of(&handler);
        let removed = self
            .core(|client| client.remove_listeners(&name, &ids))
            .unwrap_or_default();
        for id in removed {
            self.forget_if_unregistered(id);
        }
    }

    /// Drops the function of `id` once the core no longer refers to it.
    fn forget_if_unregistered(&self, id: HandlerId) {
        if self.core(|client| client.is_handler_registered(id)) == Some(false) {
            self.page_code.borrow_mut().drop_handler(id);
        }
    }

    // -----------------------------------------------------------------------------------------
    // The loop

    /// Performs everything the core has to do, unless a loop further up the stack is doing it.
    fn drive(self: &Rc<Self>) {
        if self.driving.replace(true) {
            return;
        }
        let ui = self.ui_installed();
        self.core(|client| client.set_ui_installed(ui));
        loop {
            let step = self.core(|client| match client.poll_output() {
                Some(output) => Some(Step::Output(output)),
                None => client.poll_delivery().map(Step::Delivery),
            });
            match step.flatten() {
                Some(Step::Output(output)) => self.perform(output),
                Some(Step::Delivery(delivery)) => self.deliver(delivery),
                None => break,
            }
        }
        self.arm_timer();
        self.update_status_clock();
        self.driving.set(false);
        self.hold_while_busy();
    }

    fn hold_while_busy(self: &Rc<Self>) {
        let busy = !self.sockets.borrow().is_empty()
            || !self.requests.borrow().is_empty()
            || self.timer.borrow().handle.is_some()
            || self.clock.borrow().ticker.is_some()
            || self.click_class.borrow().is_some();
        let released = {
            let mut keep = self.keep_alive.borrow_mut();
            if busy {
                if keep.is_none() {
                    *keep = Some(Rc::clone(self));
                }
                None
            } else {
                keep.take()
            }
        };
        // The caller holds the driver too, so this never drops it here.
        drop(released);
    }

    /// Re-arms the timer when the core's next deadline is earlier than the armed one. A later
    /// deadline keeps the armed timer: waking early is harmless, and a socket that receives
    /// many messages moves its deadline on each of them.
    fn arm_timer(&self) {
        let Some(window) = &self.window else {
            return;
        };
        let Some(deadline) = self.core(|client| client.poll_timeout()) else {
            return;
        };
        let Ok(mut timer) = self.timer.try_borrow_mut() else {
            return;
        };
        if let (Some(at), Some(armed)) = (deadline, timer.deadline) {
            if armed <= at {
                return;
            }
        }
        if let Some(handle) = timer.handle.take() {
            window.clear_timeout_with_handle(handle);
        }
        timer.deadline = None;
        if let Some(at) = deadline {
            let delay = duration_ms(at.since(clock::mono())).min(i32::MAX as u64) as i32;
            if let Ok(handle) = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                function(&self.callbacks.timer),
                delay,
            ) {
                timer.handle = Some(handle);
                timer.deadline = Some(at);
            }
        }
    }

    fn on_timer(self: &Rc<Self>) {
        if let Ok(mut timer) = self.timer.try_borrow_mut() {
            *timer = Timer::default();
        }
        self.input(|client, now| client.handle_timeout(now));
        self.drive();
    }

    /// Shows the core's status clock in `#well-time-clock` while the page has that element
    /// (PROTOCOL.md §11.1); pages without it see no DOM write.
    fn update_status_clock(self: &Rc<Self>) {
        let (Some(window), Some(document)) = (&self.window, &self.document) else {
            return;
        };
        let mono = clock::mono();
        let Some(text) = self.core(|client| client.status_clock(mono)) else {
            return;
        };
        let Ok(mut clock) = self.clock.try_borrow_mut() else {
            return;
        };
        match text {
            Some(text) if clock.ticker.is_some() && clock.shown == text => {}
            Some(text) => match page::clock_element(document) {
                Some(element) => {
                    element.set_text_content(Some(&text));
                    clock.shown = text;
                    if clock.ticker.is_none() {
                        clock.ticker = window
                            .set_interval_with_callback_and_timeout_and_arguments_0(
                                function(&self.callbacks.clock_tick),
                                CLOCK_TICK_MS,
                            )
                            .ok();
                    }
                }
                None => {
                    if let Some(ticker) = clock.ticker.take() {
                        window.clear_interval_with_handle(ticker);
                    }
                    clock.shown.clear();
                }
            },
            None => {
                if let Some(ticker) = clock.ticker.take() {
                    window.clear_interval_with_handle(ticker);
                    if let Some(element) = page::clock_element(document) {
                        element.set_text_content(Some(page::CLOCK_RESET));
                    }
                }
                clock.shown.clear();
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Outputs

    fn perform(&self, output: Output) {
        match output {
            Output::WsOpen { socket, url } => {
                let opened = self
                    .sockets
                    .try_borrow_mut()
                    .is_ok_and(|mut s| s.open(socket, &url, &self.callbacks.sockets()));
                if !opened {
                    self.input(|client, now| client.handle_ws_close(socket, now));
                }
            }
            Output::WsSend { socket, text } => {
                if let Ok(sockets) = self.sockets.try_borrow() {
                    sockets.send(socket, &text);
                }
            }
            Output::WsClose { socket } => {
                if let Ok(mut sockets) = self.sockets.try_borrow_mut() {
                    sockets.close(socket);
                }
            }
            Output::Http { id, request } => {
                let sent = match (&self.window, self.callbacks.fetch()) {
                    (Some(window), Some(handlers)) => self
                        .requests
                        .try_borrow_mut()
                        .is_ok_and(|mut r| r.send(window, id, &request, &handlers)),
                    _ => false,
                };
                if !sent {
                    self.input(|client, now| client.handle_http(id, None, now));
                }
            }
            Output::HttpAbort { id } => {
                if let Ok(mut requests) = self.requests.try_borrow_mut() {
                    requests.abort(id);
                }
            }
            Output::PersistSession {
                session_id,
                cookie_name,
                secure,
            } => {
                if let Some(window) = &self.window {
                    page::persist_session(window, session_id.as_deref(), &cookie_name, secure);
                }
            }
            Output::ClickToDial(class) => {
                let on = class.is_some();
                let was_on = self.click_class.replace(class).is_some();
                if let (Some(document), true) = (&self.document, on != was_on) {
                    page::listen_for_clicks(document, function(&self.callbacks.click), on);
                }
            }
            Output::HideButtons(ids) => {
                if let Some(document) = &self.document {
                    page::hide_buttons(document, &ids);
                }
            }
            Output::Download { file_name, text } => {
                if let Some(old) = self.download_url.take() {
                    page::revoke(&old);
                }
                if let Some(document) = &self.document {
                    // The link's click runs page listeners synchronously: no borrow is held.
                    let url = page::download(document, &file_name, &text);
                    self.download_url.replace(url);
                }
            }
            Output::Alert(text) => self.alert(&text),
            Output::Confirm { id, text } => {
                let accepted = self.confirm(&text);
                self.input(|client, now| client.handle_confirm(id, accepted, now));
            }
            Output::InsertClock => {
                if let Some(document) = &self.document {
                    page::insert_clock(document);
                }
            }
        }
    }

    /// `notify({type: 'alert', text})` when the page set a notifier, else `window.alert`.
    fn alert(&self, text: &str) {
        let notify = self.page_code.borrow().notify();
        match notify {
            Some(notify) => {
                let message = interop::object(&[
                    (&self.keys.kind, &"alert".into()),
                    (&self.keys.text, &text.into()),
                ]);
                if let Err(error) = interop::call(&notify, &self.host, &message) {
                    self.handler_failed("notify", &error);
                }
            }
            None => {
                if let Some(window) = &self.window {
                    let _ = window.alert_with_message(text);
                }
            }
        }
    }

    /// `notify({type: 'confirm', text})` (truthy means yes) or `window.confirm`. A notifier
    /// that throws, or a browser that refuses dialogs, answers no.
    fn confirm(&self, text: &str) -> bool {
        let notify = self.page_code.borrow().notify();
        match notify {
            Some(notify) => {
                let message = interop::object(&[
                    (&self.keys.kind, &"confirm".into()),
                    (&self.keys.text, &text.into()),
                ]);
                match interop::call(&notify, &self.host, &message) {
                    Ok(answer) => answer.is_truthy(),
                    Err(error) => {
                        self.handler_failed("notify", &error);
                        false
                    }
                }
            }
            None => self
                .window
                .as_ref()
                .is_some_and(|w| w.confirm_with_message(text).unwrap_or(false)),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Deliveries: calls into page code

    fn deliver(&self, delivery: Delivery) {
        match delivery {
            Delivery::Ui { payload } => {
                let ui = interop::get(&self.host, &self.keys.ui);
                if let Some(main) = interop::get_function(&ui, &self.keys.main) {
                    if let Err(error) = interop::call(&main, &ui, &interop::parse(&payload)) {
                        self.handler_failed("ui.main", &error);
                    }
                }
            }
            Delivery::Event { payload, targets } => self.deliver_event(&payload, &targets),
            Delivery::Log {
                kind,
                content,
                console,
            } => self.deliver_log(kind, &content, console),
            Delivery::Settle { command, result } => {
                let settle = self.page_code.borrow_mut().take_settle(command);
                let Some(settle) = settle else {
                    return;
                };
                let (ok, value) = match &result {
                    Ok(None) => (true, JsValue::UNDEFINED),
                    Ok(Some(json)) => (true, interop::parse(json)),
                    Err(json) => (false, interop::parse(json)),
                };
                if let Err(error) = settle.call2(&JsValue::NULL, &JsValue::from_bool(ok), &value) {
                    self.handler_failed("of a Deferred", &interop::error_text(&error));
                }
            }
        }
    }

    /// One event object, parsed once, to each target in the core's order.
    fn deliver_event(&self, payload: &str, targets: &[Target]) {
        let event = interop::parse(payload);
        for target in targets {
            let handler = match target {
                Target::Exports => interop::get_function(&self.host, &self.keys.exports),
                Target::Handler(id) => self.page_code.borrow().handler(*id),
            };
            let Some(handler) = handler else {
                continue;
            };
            if let Err(error) = interop::call(&handler, &self.host, &event) {
                let name = interop::get(&event, &self.keys.event_name)
                    .as_string()
                    .unwrap_or_default();
                let what = match target {
                    Target::Exports => ["exports (", &name, ")"].concat(),
                    Target::Handler(_) => ["of ", name.as_str()].concat(),
                };
                self.handler_failed(&what, &error);
            }
        }
        // `once` listeners are gone from the core after this delivery.
        for target in targets {
            if let Target::Handler(id) = target {
                self.forget_if_unregistered(*id);
            }
        }
    }

    fn deliver_log(&self, kind: LogKind, content: &str, console: bool) {
        if let Some(on_log) = interop::get_function(&self.host, &self.keys.on_log) {
            let message = interop::object(&[
                (&self.keys.kind, &kind.as_str().into()),
                (&self.keys.content, &content.into()),
            ]);
            if let Err(error) = interop::call(&on_log, &self.host, &message) {
                // Not through onLog itself: a throwing onLog would be called forever.
                interop::console_error(&["well-client: onLog threw: ", &error].concat());
            }
        }
        if console {
            match kind {
                LogKind::Error => interop::console_error(content),
                LogKind::Log | LogKind::Alert => interop::console_log(content),
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Browser events

    fn on_ws_open(self: &Rc<Self>, socket: SocketId) {
        self.input(|client, now| client.handle_ws_open(socket, now));
        self.drive();
    }

    fn on_ws_message(self: &Rc<Self>, socket: SocketId, event: &MessageEvent) {
        let bytes = socket::message_bytes(event);
        self.input(|client, now| client.handle_ws_message(socket, &bytes, now));
        self.drive();
    }

    /// `close` or `error`: the socket is over either way (an `error` is always followed by a
    /// `close`, which no longer reaches the core).
    fn on_ws_closed(self: &Rc<Self>, socket: SocketId) {
        if let Ok(mut sockets) = self.sockets.try_borrow_mut() {
            sockets.forget(socket);
        }
        self.input(|client, now| client.handle_ws_close(socket, now));
        self.drive();
    }

    fn on_http_response(self: &Rc<Self>, id: RequestId, response: JsValue) {
        let reading = match (self.callbacks.fetch(), self.requests.try_borrow_mut()) {
            (Some(handlers), Ok(mut requests)) => requests.head(id, response, &handlers),
            _ => false,
        };
        if !reading {
            self.on_http_failed(id);
        }
    }

    fn on_http_text(self: &Rc<Self>, id: RequestId, text: &JsValue) {
        let finished = self
            .requests
            .try_borrow_mut()
            .ok()
            .and_then(|mut r| r.finish(id));
        let Some(head) = finished else {
            return;
        };
        let text = text.as_string().unwrap_or_default();
        match head {
            Some((status, status_text)) => self.input(|client, now| {
                client.handle_http(id, Some((status, &status_text, &text)), now)
            }),
            None => self.input(|client, now| client.handle_http(id, None, now)),
        };
        self.drive();
    }

    fn on_http_failed(self: &Rc<Self>, id: RequestId) {
        let finished = self
            .requests
            .try_borrow_mut()
            .ok()
            .and_then(|mut r| r.finish(id));
        if finished.is_some() {
            self.input(|client, now| client.handle_http(id, None, now));
            self.drive();
        }
    }

    fn on_click(self: &Rc<Self>, event: &Event) {
        let class = self.click_class.borrow().clone();
        let Some(element) = class.and_then(|class| page::click_target(event, &class)) else {
            return;
        };
        event.stop_propagation();
        let text = element.text_content().unwrap_or_default();
        let number = element.get_attribute("data-well-number");
        self.input(|client, now| client.handle_click_to_dial(&text, number.as_deref(), now));
        self.drive();
    }

    fn on_page_hide(self: &Rc<Self>) {
        self.input(|client, now| client.handle_unload(now));
        self.drive();
    }

    fn on_message(self: &Rc<Self>, event: &MessageEvent) {
        let Some(data) = event.data().as_string() else {
            return;
        };
        let origin = event.origin();
        self.input(|client, now| client.handle_post_message(&origin, &data, now));
        self.drive();
    }
}

impl Drop for Driver {
    /// Detaches everything that could still call in; the driver is only dropped when idle (see
    /// `keep_alive`), so there is rarely anything to stop.
    fn drop(&mut self) {
        if let Some(window) = &self.window {
            let _ = window.remove_event_listener_with_callback(
                "pagehide",
                function(&self.callbacks.page_hide),
            );
            let _ = window
                .remove_event_listener_with_callback("message", function(&self.callbacks.message));
            if let Some(handle) = self.timer.get_mut().handle.take() {
                window.clear_timeout_with_handle(handle);
            }
            if let Some(ticker) = self.clock.get_mut().ticker.take() {
                window.clear_interval_with_handle(ticker);
            }
        }
        if let (Some(document), Some(_)) = (&self.document, self.click_class.get_mut()) {
            page::listen_for_clicks(document, function(&self.callbacks.click), false);
        }
        self.sockets.get_mut().close_all();
        self.requests.get_mut().abort_all();
        if let Some(url) = self.download_url.get_mut().take() {
            page::revoke(&url);
        }
        // A fetch aborted just before may still settle: its callbacks are handed to JavaScript
        // (freed when the last function bound to them is collected) instead of being dropped
        // under it. Holding the driver weakly, they then do nothing.
        let callbacks = &mut self.callbacks;
        if let Some(closure) = callbacks.http_response.take() {
            drop(closure.into_js_value());
        }
        if let Some(closure) = callbacks.http_text.take() {
            drop(closure.into_js_value());
        }
        if let Some(closure) = callbacks.http_failed.take() {
            drop(closure.into_js_value());
        }
    }
}
