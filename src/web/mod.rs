//! The browser adapter (wasm32 only).
