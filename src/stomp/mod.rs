//! STOMP 1.2 over WebSocket, sans-IO: a frame codec for both ends of the connection.

mod command;
mod decoder;
mod escape;
mod frame;
mod version;

pub use command::Command;
pub use decoder::{DecodeError, Decoded, Decoder};
pub use escape::{EscapeError, Escaping};
pub use frame::Frame;
pub use version::Version;
