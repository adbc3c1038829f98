//! The WebSockets the core asked for, by [`SocketId`].
//!
//! Each socket's event handlers are the driver's shared callbacks bound to the socket's id, so
//! an event names its socket without a closure per socket.

use js_sys::{ArrayBuffer, Function, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::client::SocketId;

use super::interop::bind_id;

/// Shared handlers, called as `handler(socketId, event)`.
pub(super) struct SocketHandlers<'a> {
    pub open: &'a Function,
    pub message: &'a Function,
    /// For `close` and `error` alike: either ends the socket for the core.
    pub closed: &'a Function,
}

/// The open sockets (rarely more than one: a socket being replaced is closed first).
#[derive(Default)]
pub(super) struct Sockets {
    open: Vec<(SocketId, WebSocket)>,
}

impl Sockets {
    /// `new WebSocket(url)` with no sub-protocols and binary messages as `ArrayBuffer`s. `false`
    /// when the constructor throws (a bad URL, a blocked port): the core treats it as a close.
    pub fn open(&mut self, id: SocketId, url: &str, handlers: &SocketHandlers<'_>) -> bool {
        let Ok(ws) = WebSocket::new(url) else {
            return false;
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        ws.set_onopen(Some(&bind_id(handlers.open, id.0)));
        ws.set_onmessage(Some(&bind_id(handlers.message, id.0)));
        let closed = bind_id(handlers.closed, id.0);
        ws.set_onclose(Some(&closed));
        ws.set_onerror(Some(&closed));
        self.open.push((id, ws));
        true
    }

    /// Sends a text frame; a socket that is closing just drops it (its close event follows).
    pub fn send(&self, id: SocketId, text: &str) {
        if let Some((_, ws)) = self.open.iter().find(|(s, _)| *s == id) {
            let _ = ws.send_with_str(text);
        }
    }

    /// Closes a socket on the core's request; its later events are not reported.
    pub fn close(&mut self, id: SocketId) {
        if let Some(ws) = self.forget(id) {
            let _ = ws.close();
        }
    }

    /// Stops listening to a socket and returns it: it closed, failed, or the core closed it.
    pub fn forget(&mut self, id: SocketId) -> Option<WebSocket> {
        let index = self.open.iter().position(|(s, _)| *s == id)?;
        let (_, ws) = self.open.swap_remove(index);
        ws.set_onopen(None);
        ws.set_onmessage(None);
        ws.set_onclose(None);
        ws.set_onerror(None);
        Some(ws)
    }

    /// Whether any socket is open or opening.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// Closes every socket (the adapter is going away).
    pub fn close_all(&mut self) {
        while let Some((id, _)) = self.open.first() {
            let id = *id;
            self.close(id);
        }
    }
}

/// The bytes of a message: text as UTF-8, binary as is (STOMP frames are UTF-8 either way).
pub(super) fn message_bytes(event: &MessageEvent) -> Vec<u8> {
    let data = event.data();
    if let Some(text) = data.as_string() {
        return text.into_bytes();
    }
    if data.is_instance_of::<ArrayBuffer>() {
        return Uint8Array::new(&data).to_vec();
    }
    Vec::new()
}
