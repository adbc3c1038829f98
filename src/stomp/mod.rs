//! STOMP 1.2 over WebSocket, sans-IO: a frame codec for both ends and the client session.
//!
//! The codec ([`Frame`], [`Decoder`]) serves the SDK and the simulator's broker alike; the
//! [`Session`] is the client. Nothing here touches a socket or a clock: bytes and the time go
//! in, text messages, events and one deadline come out.
//!
//! ```text
//!   socket opened / message / closed ──► handle_open / handle_data / handle_close ─┐
//!   timer fired ───────────────────────► handle_timeout ─────────────────────────────┤
//!   page: subscribe / disconnect ──────► subscribe / unsubscribe / disconnect ───────┤
//!                                                                                     ▼
//!   ws.send(text) ◄── poll_transmit    owner ◄── poll_event    set timer ◄── poll_timeout
//! ```
//!
//! A whole session on a virtual clock, the server played by hand:
//!
//! ```
//! use well_client::stomp::{CloseReason, Session, SessionConfig, SessionEvent, State};
//! use well_client::time::Instant;
//!
//! let mut session = Session::new(SessionConfig::default());
//! let events = session.subscribe("/topic/event.agent.*.5001@test_cc");
//! let mut wire = Vec::new(); // what we would send on the socket
//! let mut drive = |session: &mut Session, wire: &mut Vec<String>| {
//!     while let Some(text) = session.poll_transmit() {
//!         wire.push(text);
//!     }
//!     let mut events = Vec::new();
//!     while let Some(event) = session.poll_event() {
//!         events.push(event);
//!     }
//!     events
//! };
//!
//! session.handle_open(Instant::from_millis(0));
//! drive(&mut session, &mut wire);
//! assert!(wire[0].starts_with("CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\n"));
//! assert_eq!(session.poll_timeout(), Some(Instant::from_millis(10_000))); // connect timeout
//!
//! let connected = b"CONNECTED\nversion:1.2\nheart-beat:10000,10000\n\n\0\n";
//! session.handle_data(connected, Instant::from_millis(30));
//! let happened = drive(&mut session, &mut wire);
//! assert!(matches!(happened[0], SessionEvent::Connected { .. }));
//! assert_eq!(wire[1], "SUBSCRIBE\nid:sub-0\ndestination:/topic/event.agent.*.5001@test_cc\n\n\0");
//! assert_eq!(session.poll_timeout(), Some(Instant::from_millis(10_030))); // next heart-beat
//!
//! let message = b"MESSAGE\nsubscription:sub-0\nmessage-id:1\ndestination:/t\n\n{\"serial\":1}\0";
//! session.handle_data(message, Instant::from_millis(500));
//! match drive(&mut session, &mut wire).remove(0) {
//!     SessionEvent::Message { subscription, body, .. } => {
//!         assert_eq!(subscription, events);
//!         assert_eq!(body, b"{\"serial\":1}");
//!     }
//!     other => panic!("{other:?}"),
//! }
//!
//! session.handle_timeout(Instant::from_millis(10_030));
//! drive(&mut session, &mut wire);
//! assert_eq!(wire.last().map(String::as_str), Some("\n")); // a heart-beat
//!
//! session.disconnect(Instant::from_millis(12_000));
//! drive(&mut session, &mut wire);
//! assert_eq!(wire.last().map(String::as_str), Some("DISCONNECT\nreceipt:disconnect\n\n\0"));
//! session.handle_close(Instant::from_millis(12_010)); // RabbitMQ just closes
//! assert_eq!(drive(&mut session, &mut wire), [SessionEvent::Closed(CloseReason::User)]);
//! assert_eq!(session.state(), State::Closed);
//! ```

mod command;
mod decoder;
mod escape;
mod frame;
mod heartbeat;
mod session;
mod version;

pub use command::Command;
pub use decoder::{DecodeError, Decoded, Decoder};
pub use escape::{EscapeError, Escaping};
pub use frame::Frame;
pub use heartbeat::{parse_heart_beat, Negotiated};
pub use session::{
    CloseReason, RemoteClose, Session, SessionConfig, SessionError, SessionEvent, State,
    SubscriptionId,
};
pub use version::Version;
