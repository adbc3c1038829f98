//! Telephony events → call memory, UI events and innerOn events.
