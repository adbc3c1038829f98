//! Session upkeep: login flow, HTTP heartbeat, reconnect and resync.
