//! The HTTP requests the core asked for, sent with `fetch`, by [`RequestId`].
//!
//! A request's answer comes back in two steps (the response head, then its text) through the
//! driver's shared callbacks bound to the request's id. A request the core abandoned is aborted
//! and forgotten, so a late answer finds nothing and is dropped.

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Headers, RequestInit, Response, Window};

use crate::api::Request;
use crate::client::RequestId;

use super::interop::{bind_id, when_settled};

/// Shared handlers, called as `handler(requestId, value)`.
pub(super) struct FetchHandlers<'a> {
    /// The response head arrived (`value` is the `Response`).
    pub response: &'a Function,
    /// The body text arrived.
    pub text: &'a Function,
    /// The request failed (network error, CORS refusal, abort).
    pub failed: &'a Function,
}

struct InFlight {
    id: RequestId,
    abort: Option<AbortController>,
    /// Status and status text, once the response head arrived.
    head: Option<(u16, String)>,
}

/// Requests in flight.
#[derive(Default)]
pub(super) struct Requests {
    in_flight: Vec<InFlight>,
}

impl Requests {
    /// Starts `fetch`. `false` when the browser refused the request outright (a header value
    /// it rejects): the core treats it as a network failure.
    pub fn send(
        &mut self,
        window: &Window,
        id: RequestId,
        request: &Request,
        handlers: &FetchHandlers<'_>,
    ) -> bool {
        let Ok(headers) = Headers::new() else {
            return false;
        };
        for (name, value) in &request.headers {
            if headers.set(name, value).is_err() {
                return false;
            }
        }
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_headers(&headers);
        if let Some(body) = &request.body {
            init.set_body(&JsValue::from_str(body));
        }
        if request.keepalive {
            // web-sys has no setter for `keepalive`; the dictionary is a plain object.
            let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
        }
        let abort = AbortController::new().ok();
        if let Some(controller) = &abort {
            init.set_signal(Some(&controller.signal()));
        }
        when_settled(
            &window.fetch_with_str_and_init(&request.url, &init),
            &bind_id(handlers.response, id.0),
            &bind_id(handlers.failed, id.0),
        );
        self.in_flight.push(InFlight {
            id,
            abort,
            head: None,
        });
        true
    }

    /// The response head of `id` arrived: keeps its status and asks for the body. `false` when
    /// the body cannot be read (the request then failed).
    pub fn head(&mut self, id: RequestId, response: JsValue, handlers: &FetchHandlers<'_>) -> bool {
        let Some(request) = self.in_flight.iter_mut().find(|r| r.id == id) else {
            // Abandoned meanwhile: its answer no longer matters.
            return true;
        };
        let response: Response = response.unchecked_into();
        request.head = Some((response.status(), response.status_text()));
        let Ok(text) = response.text() else {
            return false;
        };
        when_settled(
            &text,
            &bind_id(handlers.text, id.0),
            &bind_id(handlers.failed, id.0),
        );
        true
    }

    /// Forgets `id` and returns its response head (`Some(None)` if it failed before one came),
    /// or `None` if it was not in flight.
    pub fn finish(&mut self, id: RequestId) -> Option<Option<(u16, String)>> {
        let index = self.in_flight.iter().position(|r| r.id == id)?;
        Some(self.in_flight.swap_remove(index).head)
    }

    /// The core gave up on `id` (its timeout): abort it and forget it.
    pub fn abort(&mut self, id: RequestId) {
        if let Some(index) = self.in_flight.iter().position(|r| r.id == id) {
            if let Some(controller) = self.in_flight.swap_remove(index).abort {
                controller.abort();
            }
        }
    }

    /// Whether any request is in flight.
    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Aborts everything (the adapter is going away).
    pub fn abort_all(&mut self) {
        for request in self.in_flight.drain(..) {
            if let Some(controller) = request.abort {
                controller.abort();
            }
        }
    }
}
