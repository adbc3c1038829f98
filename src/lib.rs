//! well-client: the call-center softphone SDK, as a sans-IO core with a thin browser adapter.
//!
//! Everything that decides something lives in plain Rust that never touches the network, a
//! clock or the DOM: bytes, HTTP results and the time come in as values, and frames to send,
//! requests to make, timers to arm and events to deliver come out. The `web` adapter (wasm32
//! only) hands those values, as strings and numbers, to the JavaScript shim (`js-shim/`), which
//! performs them in the browser; neither holds logic.

#![warn(missing_docs)]

pub mod api;
pub mod client;
pub mod config;
pub mod json;
pub mod log;
pub mod model;
pub mod session;
pub mod stomp;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod web;
