//! STOMP 1.2 over WebSocket, sans-IO.
