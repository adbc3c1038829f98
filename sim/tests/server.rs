//! The simulator as a server: every test starts its own instance on an ephemeral port of
//! 127.0.0.1 and talks to it over HTTP and STOMP-over-WebSocket like the client does.

mod support;

#[path = "server/broker.rs"]
mod broker;
#[path = "server/errors.rs"]
mod errors;
#[path = "server/external.rs"]
mod external;
#[path = "server/faults.rs"]
mod faults;
#[path = "server/files.rs"]
mod files;
#[path = "server/load.rs"]
mod load;
#[path = "server/platform.rs"]
mod platform;
#[path = "server/scenarios.rs"]
mod scenarios;
