//! STOMP commands: the first line of every frame.

/// The command of a frame, client and server side alike.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Client: open a session (the form STOMP 1.0 servers understand).
    Connect,
    /// Client: open a session (1.2 alternative to `CONNECT`).
    Stomp,
    /// Server: the session is open.
    Connected,
    /// Client: publish a message.
    Send,
    /// Client: start receiving from a destination.
    Subscribe,
    /// Client: stop a subscription.
    Unsubscribe,
    /// Client: acknowledge a message.
    Ack,
    /// Client: reject a message.
    Nack,
    /// Client: start a transaction.
    Begin,
    /// Client: commit a transaction.
    Commit,
    /// Client: roll back a transaction.
    Abort,
    /// Client: end the session gracefully.
    Disconnect,
    /// Server: a message for a subscription.
    Message,
    /// Server: a client frame that asked for a receipt was processed.
    Receipt,
    /// Server: something went wrong; the server closes the connection next.
    Error,
}

impl Command {
    /// Every command.
    pub const ALL: [Command; 15] = [
        Command::Connect,
        Command::Stomp,
        Command::Connected,
        Command::Send,
        Command::Subscribe,
        Command::Unsubscribe,
        Command::Ack,
        Command::Nack,
        Command::Begin,
        Command::Commit,
        Command::Abort,
        Command::Disconnect,
        Command::Message,
        Command::Receipt,
        Command::Error,
    ];

    /// The command as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Command::Connect => "CONNECT",
            Command::Stomp => "STOMP",
            Command::Connected => "CONNECTED",
            Command::Send => "SEND",
            Command::Subscribe => "SUBSCRIBE",
            Command::Unsubscribe => "UNSUBSCRIBE",
            Command::Ack => "ACK",
            Command::Nack => "NACK",
            Command::Begin => "BEGIN",
            Command::Commit => "COMMIT",
            Command::Abort => "ABORT",
            Command::Disconnect => "DISCONNECT",
            Command::Message => "MESSAGE",
            Command::Receipt => "RECEIPT",
            Command::Error => "ERROR",
        }
    }

    /// Reads a command line (without its EOL).
    ///
    /// "All commands and header names referenced in this document are case sensitive."
    pub fn from_bytes(line: &[u8]) -> Option<Command> {
        // Nearly every frame a client receives is a MESSAGE.
        if line == b"MESSAGE" {
            return Some(Command::Message);
        }
        Command::ALL
            .into_iter()
            .find(|c| c.as_str().as_bytes() == line)
    }

    /// Whether the headers of this command's frames are escaped.
    ///
    /// "The `CONNECT` and `CONNECTED` frames do not escape the carriage return, line feed or
    /// colon octets in order to remain backward compatible with STOMP 1.0." `STOMP` is the
    /// same frame as `CONNECT` under another name ("STOMP servers MUST handle a `STOMP` frame
    /// in the same manner as a `CONNECT` frame"), so it is not escaped either.
    pub const fn escapes_headers(self) -> bool {
        !matches!(self, Command::Connect | Command::Stomp | Command::Connected)
    }
}

impl core::fmt::Display for Command {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_from_its_name() {
        for c in Command::ALL {
            assert_eq!(Command::from_bytes(c.as_str().as_bytes()), Some(c));
        }
    }

    #[test]
    fn commands_are_case_sensitive_and_exact() {
        assert_eq!(Command::from_bytes(b"message"), None);
        assert_eq!(Command::from_bytes(b"MESSAGE "), None);
        assert_eq!(Command::from_bytes(b"MESSAGE\r"), None);
        assert_eq!(Command::from_bytes(b""), None);
    }

    #[test]
    fn only_the_connect_family_is_unescaped() {
        let unescaped: Vec<_> = Command::ALL
            .into_iter()
            .filter(|c| !c.escapes_headers())
            .collect();
        assert_eq!(
            unescaped,
            [Command::Connect, Command::Stomp, Command::Connected]
        );
    }
}
