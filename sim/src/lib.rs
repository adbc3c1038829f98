//! well-sim: a CTI simulator of the call-center platform `well-client` talks to.
//!
//! It serves the platform's token login and REST API, a STOMP-over-WebSocket broker with the
//! platform's topic names, and a small PBX behind them, all on 127.0.0.1.

pub mod pbx;
pub mod seed;
