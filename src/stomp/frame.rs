//! The STOMP frame: a command, ordered headers and a body, and how it is written.

use super::command::Command;
use super::escape::Escaping;
use super::version::Version;
use crate::json::int_text;

/// One STOMP frame.
///
/// Headers keep their order and repeats: "If a client or a server receives repeated frame
/// header entries, only the first header entry SHOULD be used as the value of header entry",
/// so [`header`](Frame::header) answers with the first and [`headers`](Frame::headers) shows
/// them all. Names and values are the decoded text; escaping happens in
/// [`encode`](Frame::encode).
///
/// ```
/// use well_client::stomp::{Command, Frame, Version};
/// let frame = Frame::new(Command::Send)
///     .with_header("destination", "/queue/a")
///     .with_body("hi");
/// assert_eq!(frame.encode(Version::V1_2), b"SEND\ndestination:/queue/a\ncontent-length:2\n\nhi\0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    command: Command,
    headers: Headers,
    body: Vec<u8>,
}

/// Header names and values one after the other in one text, and where each ends: a frame
/// read from the wire costs two allocations for its headers, not two per header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Headers {
    text: String,
    /// For each header, where its name ends (its value starts) and where its value ends.
    ends: Vec<(usize, usize)>,
}

impl Headers {
    pub(crate) fn with_capacity(bytes: usize) -> Headers {
        Headers {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(8),
        }
    }

    /// The text the next header is written to: its name, then [`Headers::end_name`], then
    /// its value, then [`Headers::end_value`].
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.text
    }

    pub(crate) fn end_name(&mut self) -> usize {
        self.text.len()
    }

    pub(crate) fn end_value(&mut self, name_end: usize) {
        self.ends.push((name_end, self.text.len()));
    }

    fn push(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        let name_end = self.end_name();
        self.text.push_str(value);
        self.end_value(name_end);
    }

    /// Every header, in order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(name_end, end)| {
            let name = self.text.get(start..name_end).unwrap_or_default();
            let value = self.text.get(name_end..end).unwrap_or_default();
            start = end;
            (name, value)
        })
    }

    /// The value of the first header called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        let mut start = 0;
        for &(name_end, end) in &self.ends {
            // Names are told apart by length before any comparison.
            if name_end - start == name.len() && self.text.get(start..name_end) == Some(name) {
                return self.text.get(name_end..end);
            }
            start = end;
        }
        None
    }
}

impl Frame {
    /// A frame with no headers and no body.
    pub fn new(command: Command) -> Frame {
        Frame {
            command,
            headers: Headers::default(),
            body: Vec::new(),
        }
    }

    pub(crate) fn from_parts(command: Command, headers: Headers, body: Vec<u8>) -> Frame {
        Frame {
            command,
            headers,
            body,
        }
    }

    /// Appends a header (after any with the same name, which keep precedence).
    #[must_use]
    pub fn with_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Frame {
        self.headers.push(name.as_ref(), value.as_ref());
        self
    }

    /// Replaces the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Frame {
        self.body = body.into();
        self
    }

    /// `CONNECT` offering `versions` and heart-beats `(cx, cy)` in milliseconds: `cx` is how
    /// often we can send, `cy` how often we want to receive (0 = never). Add `host`, `login`
    /// and `passcode` with [`with_header`](Frame::with_header) when the broker needs them.
    pub fn connect(versions: &[Version], heart_beat: (u32, u32)) -> Frame {
        Frame::new(Command::Connect)
            .with_header("accept-version", Version::list(versions))
            .with_header("heart-beat", heart_beat_text(heart_beat))
    }

    /// `SUBSCRIBE` to `destination` under the client-chosen subscription `id` (auto-ack).
    pub fn subscribe(id: &str, destination: &str) -> Frame {
        Frame::new(Command::Subscribe)
            .with_header("id", id)
            .with_header("destination", destination)
    }

    /// `UNSUBSCRIBE` the subscription `id`.
    pub fn unsubscribe(id: &str) -> Frame {
        Frame::new(Command::Unsubscribe).with_header("id", id)
    }

    /// `DISCONNECT` asking the server to confirm with a `RECEIPT` carrying `receipt`.
    pub fn disconnect(receipt: &str) -> Frame {
        Frame::new(Command::Disconnect).with_header("receipt", receipt)
    }

    /// `CONNECTED` for a session of `version` with the server's heart-beats `(sx, sy)`.
    pub fn connected(version: Version, heart_beat: (u32, u32)) -> Frame {
        Frame::new(Command::Connected)
            .with_header("version", version.as_str())
            .with_header("heart-beat", heart_beat_text(heart_beat))
    }

    /// `MESSAGE` delivered on `subscription`, sent to `destination`, with a unique
    /// `message_id`, carrying a JSON `body`.
    pub fn message(
        subscription: &str,
        message_id: &str,
        destination: &str,
        body: impl Into<Vec<u8>>,
    ) -> Frame {
        Frame::new(Command::Message)
            .with_header("subscription", subscription)
            .with_header("message-id", message_id)
            .with_header("destination", destination)
            .with_header("content-type", "application/json;charset=UTF-8")
            .with_body(body)
    }

    /// `RECEIPT` for the client frame whose `receipt` header was `receipt_id`.
    pub fn receipt(receipt_id: &str) -> Frame {
        Frame::new(Command::Receipt).with_header("receipt-id", receipt_id)
    }

    /// `ERROR` with a short `message` header and a plain-text `body` with the details.
    pub fn error(message: &str, body: impl Into<Vec<u8>>) -> Frame {
        Frame::new(Command::Error)
            .with_header("message", message)
            .with_header("content-type", "text/plain")
            .with_body(body)
    }

    /// The command.
    pub fn command(&self) -> Command {
        self.command
    }

    /// The value of the first header called `name` (names are case sensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// Every header, in order, repeats included: `(name, value)`.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.headers.iter()
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text, `None` when it is not UTF-8.
    pub fn body_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.body).ok()
    }

    /// The body, taking the frame apart.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The frame as bytes for a session of `version`, NUL-terminated.
    ///
    /// Headers are escaped as [`Escaping::new`] says for this command and version. A
    /// `content-length` header is added when there is a body and none was set, so a body may
    /// hold NUL octets: "If the frame body contains NULL octets, the frame MUST include a
    /// `content-length` header." A `content-length` set by the caller is written as given.
    pub fn encode(&self, version: Version) -> Vec<u8> {
        let escaping = Escaping::new(self.command, version);
        let mut out = Vec::with_capacity(32 + self.body.len());
        out.extend_from_slice(self.command.as_str().as_bytes());
        out.push(b'\n');
        for (name, value) in self.headers.iter() {
            escaping.write_header(name, value, &mut out);
            out.push(b'\n');
        }
        if !self.body.is_empty() && self.header("content-length").is_none() {
            out.extend_from_slice(b"content-length:");
            let len = i64::try_from(self.body.len()).unwrap_or(i64::MAX);
            out.extend_from_slice(int_text(len).as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out.push(0);
        out
    }
}

fn heart_beat_text((send, receive): (u32, u32)) -> String {
    let mut text = int_text(i64::from(send));
    text.push(',');
    text.push_str(&int_text(i64::from(receive)));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(frame: &Frame, version: Version) -> String {
        String::from_utf8(frame.encode(version)).unwrap()
    }

    #[test]
    fn client_frames() {
        let offer = [Version::V1_2, Version::V1_1, Version::V1_0];
        assert_eq!(
            text(&Frame::connect(&offer, (10_000, 10_000)), Version::V1_2),
            "CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\n\n\0"
        );
        assert_eq!(
            text(
                &Frame::subscribe("sub-0", "/topic/event.agent.*.5001@test_cc"),
                Version::V1_2
            ),
            "SUBSCRIBE\nid:sub-0\ndestination:/topic/event.agent.*.5001@test_cc\n\n\0"
        );
        assert_eq!(
            text(&Frame::unsubscribe("sub-0"), Version::V1_2),
            "UNSUBSCRIBE\nid:sub-0\n\n\0"
        );
        assert_eq!(
            text(&Frame::disconnect("77"), Version::V1_2),
            "DISCONNECT\nreceipt:77\n\n\0"
        );
    }

    #[test]
    fn server_frames() {
        assert_eq!(
            text(&Frame::connected(Version::V1_2, (10_000, 0)), Version::V1_2),
            "CONNECTED\nversion:1.2\nheart-beat:10000,0\n\n\0"
        );
        assert_eq!(
            text(&Frame::receipt("77"), Version::V1_2),
            "RECEIPT\nreceipt-id:77\n\n\0"
        );
        assert_eq!(
            text(
                &Frame::message("sub-0", "m-1", "/topic/t", "{}"),
                Version::V1_2
            ),
            "MESSAGE\nsubscription:sub-0\nmessage-id:m-1\ndestination:/topic/t\n\
             content-type:application/json;charset=UTF-8\ncontent-length:2\n\n{}\0"
        );
        assert_eq!(
            text(&Frame::error("bad: frame", "details"), Version::V1_2),
            "ERROR\nmessage:bad\\c frame\ncontent-type:text/plain\ncontent-length:7\n\ndetails\0"
        );
    }

    #[test]
    fn connect_is_never_escaped() {
        let frame = Frame::connect(&[Version::V1_2], (0, 0)).with_header("login", "a:b\\c");
        assert!(text(&frame, Version::V1_2).contains("\nlogin:a:b\\c\n"));
        let frame = Frame::connected(Version::V1_2, (0, 0)).with_header("server", "x:1");
        assert!(text(&frame, Version::V1_2).contains("\nserver:x:1\n"));
    }

    #[test]
    fn body_with_nul_gets_a_content_length() {
        let frame = Frame::new(Command::Send).with_body(b"a\0b".to_vec());
        assert_eq!(
            frame.encode(Version::V1_0),
            b"SEND\ncontent-length:3\n\na\0b\0"
        );
        let frame = Frame::new(Command::Send)
            .with_header("content-length", "3")
            .with_body("abc");
        assert_eq!(
            frame.encode(Version::V1_2),
            b"SEND\ncontent-length:3\n\nabc\0"
        );
    }

    #[test]
    fn first_header_wins() {
        let frame = Frame::new(Command::Message)
            .with_header("foo", "World")
            .with_header("foo", "Hello");
        assert_eq!(frame.header("foo"), Some("World"));
        assert_eq!(frame.headers().len(), 2);
        assert_eq!(frame.header("Foo"), None);
    }

    #[test]
    fn body_accessors() {
        let frame = Frame::new(Command::Message).with_body(vec![0xff]);
        assert_eq!(frame.body_str(), None);
        assert_eq!(frame.body(), [0xff]);
        assert_eq!(
            Frame::new(Command::Message).with_body("é").body_str(),
            Some("é")
        );
    }
}
