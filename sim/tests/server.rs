//! The simulator as a server: every test starts its own instance on an ephemeral port of
//! 127.0.0.1 and talks to it over HTTP and STOMP-over-WebSocket like the client does.

mod support;

#[path = "server/scenarios.rs"]
mod scenarios;
#[path = "server/errors.rs"]
mod errors;
#[path = "server/broker.rs"]
mod broker;
#[path = "server/faults.rs"]
mod faults;
#[path = "server/load.rs"]
mod load;
#[path = "server/platform.rs"]
mod platform;
#[path = "server/files.rs"]
mod files;
#[path = "server/external.rs"]
mod external;
