//! The bounded event log.
