//! Session upkeep policies, each a small state machine over injected time.
//!
//! * [`timer`]: the named deadlines of the client and their minimum;
//! * [`reconnect`]: when to re-open the WebSocket after it drops, and when to say so;
//! * [`heartbeat`]: the HTTP heartbeat that keeps the platform session alive;
//! * [`rng`]: the jitter source, seeded by the adapter.
//!
//! They decide *when*; the client decides *what* (which request, which event).

pub mod heartbeat;
pub mod reconnect;
pub mod rng;
pub mod timer;
