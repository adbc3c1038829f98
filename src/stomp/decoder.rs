//! Streaming frame decoder: bytes in, frames and heart-beats out, in any chunking.
//!
//! ```
//! use well_client::stomp::{Decoded, Decoder};
//! let mut decoder = Decoder::new();
//! decoder.push(b"CONNECTED\nversion:1.2\n\n\0\nMESS");
//! decoder.push(b"AGE\nsubscription:sub-0\n\nhi\0");
//! let mut out = Vec::new();
//! while let Some(item) = decoder.next().unwrap() {
//!     out.push(item);
//! }
//! assert_eq!(out.len(), 3); // CONNECTED, a heart-beat, MESSAGE
//! assert!(matches!(out[1], Decoded::HeartBeat));
//! ```

use super::command::Command;
use super::escape::{EscapeError, Escaping};
use super::frame::{Frame, Headers};
use super::version::Version;

/// What one call to [`Decoder::next`] produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// A whole frame.
    Frame(Frame),
    /// A bare EOL (LF or CRLF) between frames: a heart-beat, or padding after a frame.
    HeartBeat,
}

/// Bytes that are not a STOMP frame. The decoder stops at the first one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The command line is not one of the fifteen STOMP commands (the text, shortened).
    #[error("unknown command {0:?}")]
    UnknownCommand(String),
    /// A header line has no colon, or an empty name.
    #[error("header line is not name:value")]
    MalformedHeader,
    /// A header name or value has a bad escape or is not UTF-8.
    #[error("bad header: {0}")]
    Header(#[from] EscapeError),
    /// The `content-length` header is not a decimal number.
    #[error("content-length is not a decimal number")]
    InvalidContentLength,
    /// The `content-length` octets of body are not followed by a NUL octet.
    #[error("frame body is not followed by a NUL octet")]
    MissingNul,
    /// The frame (command line through NUL) would exceed the decoder's limit. Raise the limit
    /// with [`Decoder::with_max_frame_size`] if the peer legitimately sends larger frames.
    #[error("frame larger than {limit} bytes")]
    FrameTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

/// A streaming STOMP decoder for either side of a connection.
///
/// [`push`](Decoder::push) bytes as they arrive (one WebSocket message or a piece of one), then
/// call [`next`](Decoder::next) until it returns `Ok(None)`, which means "need more bytes".
/// Each `Ok(Some(_))` consumed at least one byte, so the loop always ends. A frame may be
/// split anywhere across pushes and one push may hold many frames.
///
/// Header escaping depends on the session's version, which the decoder learns from
/// [`set_version`](Decoder::set_version). Until then it reads `CONNECT`, `STOMP` and
/// `CONNECTED` unescaped (as always) and other frames by the 1.2 rules, the newest version a
/// peer can have picked.
///
/// Errors are final: after one, [`next`](Decoder::next) returns it again, buffered bytes are
/// dropped and further pushes are ignored.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    /// First byte of `buf` not yet consumed.
    pos: usize,
    /// Bytes after `pos` already searched for the current line's LF or the body's NUL.
    scanned: usize,
    stage: Stage,
    version: Option<Version>,
    max_frame_size: usize,
    error: Option<DecodeError>,
}

#[derive(Debug)]
enum Stage {
    /// Between frames: EOLs are heart-beats, anything else starts a command line.
    Between,
    /// Command read, reading header lines.
    Headers(Head),
    /// Blank line read; the body is `length` octets, or runs to the first NUL when `None`.
    Body { head: Head, length: Option<usize> },
}

#[derive(Debug)]
struct Head {
    command: Command,
    headers: Headers,
    /// Bytes of the frame consumed so far.
    size: usize,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// The frame-size limit of [`Decoder::new`]: 256 KiB.
    pub const DEFAULT_MAX_FRAME_SIZE: usize = 256 * 1024;

    /// A decoder with the default frame-size limit and no version yet.
    pub fn new() -> Decoder {
        Decoder::with_max_frame_size(Decoder::DEFAULT_MAX_FRAME_SIZE)
    }

    /// A decoder refusing frames larger than `limit` bytes (command line through NUL).
    pub fn with_max_frame_size(limit: usize) -> Decoder {
        Decoder {
            buf: Vec::new(),
            pos: 0,
            scanned: 0,
            stage: Stage::Between,
            version: None,
            max_frame_size: limit,
            error: None,
        }
    }

    /// Sets the negotiated version, which decides header escaping from the next frame on.
    pub fn set_version(&mut self, version: Version) {
        self.version = Some(version);
    }

    /// The version set with [`set_version`](Decoder::set_version).
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Bytes held: the unfinished part of a frame, plus frames not yet taken with `next`.
    pub fn buffered(&self) -> usize {
        self.pending()
    }

    /// Appends bytes received from the peer. Ignored after an error.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next frame or heart-beat, `Ok(None)` when more bytes are needed.
    #[allow(clippy::should_implement_trait)] // not an Iterator: `None` means "push more"
    pub fn next(&mut self) -> Result<Option<Decoded>, DecodeError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let result = self.step();
        if let Err(error) = &result {
            self.error = Some(error.clone());
            self.buf = Vec::new();
            self.pos = 0;
            self.scanned = 0;
            self.stage = Stage::Between;
        }
        result
    }

    fn step(&mut self) -> Result<Option<Decoded>, DecodeError> {
        loop {
            match core::mem::replace(&mut self.stage, Stage::Between) {
                Stage::Between => {
                    // "The NULL octet can be optionally followed by multiple EOLs." and, for
                    // heart-beats, "if the sender has no real STOMP frame to send, it MUST send
                    // an end-of-line (EOL)".
                    match self.buf.get(self.pos..).unwrap_or_default() {
                        [] | [b'\r'] => return Ok(None),
                        [b'\n', ..] => {
                            self.consume(1);
                            return Ok(Some(Decoded::HeartBeat));
                        }
                        [b'\r', b'\n', ..] => {
                            self.consume(2);
                            return Ok(Some(Decoded::HeartBeat));
                        }
                        _ => {}
                    }
                    // "The frame starts with a command string terminated by an end-of-line
                    // (EOL), which consists of an OPTIONAL carriage return (octet 13) followed
                    // by a REQUIRED line feed (octet 10)."
                    let Some((start, end)) = self.take_line() else {
                        self.check_size(self.pending())?;
                        return Ok(None);
                    };
                    let size = end - start + 1;
                    self.check_size(size)?;
                    let line = strip_cr(self.buf.get(start..end).unwrap_or_default());
                    // "command = client-command | server-command"
                    let command = Command::from_bytes(line).ok_or_else(|| {
                        let shown = line.get(..32).unwrap_or(line);
                        DecodeError::UnknownCommand(String::from_utf8_lossy(shown).into_owned())
                    })?;
                    self.stage = Stage::Headers(Head {
                        command,
                        // A MESSAGE's headers take about 150 bytes.
                        headers: Headers::with_capacity(192),
                        size,
                    });
                }
                Stage::Headers(mut head) => {
                    let Some((start, end)) = self.take_line() else {
                        self.check_size(head.size.saturating_add(self.pending()))?;
                        self.stage = Stage::Headers(head);
                        return Ok(None);
                    };
                    head.size += end - start + 1;
                    self.check_size(head.size)?;
                    let line = self.buf.get(start..end).unwrap_or_default();
                    // "A blank line (i.e. an extra EOL) indicates the end of the headers and
                    // the beginning of the body." A line that is only CR can be nothing else.
                    if line.is_empty() || line == b"\r" {
                        let length = self.content_length(&head)?;
                        self.stage = Stage::Body { head, length };
                        continue;
                    }
                    self.parse_header(head.command, line, &mut head.headers)?;
                    self.stage = Stage::Headers(head);
                }
                Stage::Body {
                    head,
                    length: Some(length),
                } => {
                    // "If a `content-length` header is included, this number of octets MUST be
                    // read, regardless of whether or not there are NULL octets in the body. The
                    // frame still needs to be terminated with a NULL octet."
                    let Some(nul) = self.buf.get(self.pos + length) else {
                        self.stage = Stage::Body {
                            head,
                            length: Some(length),
                        };
                        return Ok(None);
                    };
                    if *nul != 0 {
                        return Err(DecodeError::MissingNul);
                    }
                    return Ok(Some(self.finish(head, length)));
                }
                Stage::Body { head, length: None } => {
                    // "The body is then followed by the NULL octet."
                    let from = self.pos + self.scanned;
                    let rest = self.buf.get(from..).unwrap_or_default();
                    match rest.iter().position(|&b| b == 0) {
                        Some(at) => {
                            let length = self.scanned + at;
                            self.check_size(head.size.saturating_add(length + 1))?;
                            return Ok(Some(self.finish(head, length)));
                        }
                        None => {
                            self.scanned = self.pending();
                            self.check_size(head.size.saturating_add(self.scanned + 1))?;
                            self.stage = Stage::Body { head, length: None };
                            return Ok(None);
                        }
                    }
                }
            }
        }
    }

    fn pending(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
        self.scanned = 0;
    }

    /// Consumes the next whole line and returns its span in `buf` without the LF; `None`
    /// (remembering how far it searched) when no LF is buffered yet.
    fn take_line(&mut self) -> Option<(usize, usize)> {
        let from = self.pos + self.scanned;
        let rest = self.buf.get(from..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\n') {
            Some(at) => {
                let start = self.pos;
                let end = from + at;
                self.consume(end - start + 1);
                Some((start, end))
            }
            None => {
                self.scanned = self.pending();
                None
            }
        }
    }

    /// "Implementations may impose implementation-specific limits on unconstrained inputs,
    /// e.g. to prevent denial of service attacks, to guard against running out of memory".
    fn check_size(&self, frame_bytes: usize) -> Result<(), DecodeError> {
        if frame_bytes > self.max_frame_size {
            return Err(DecodeError::FrameTooLarge {
                limit: self.max_frame_size,
            });
        }
        Ok(())
    }

    fn escaping(&self, command: Command) -> Escaping {
        Escaping::new(command, self.version.unwrap_or(Version::V1_2))
    }

    /// Reads `name:value` from a header line (its LF already removed) into `headers`.
    fn parse_header(
        &self,
        command: Command,
        line: &[u8],
        headers: &mut Headers,
    ) -> Result<(), DecodeError> {
        // STOMP 1.2 "it is now possible to end frame lines with carriage return plus line feed
        // instead of only line feed"; before 1.2 a CR is part of the value.
        let line = match self.version {
            None | Some(Version::V1_2) => strip_cr(line),
            Some(Version::V1_0 | Version::V1_1) => line,
        };
        // "Following the command are zero or more header entries in `<key>:<value>` format."
        // with "header-name = 1*<any OCTET except CR or LF or ":">". The first colon splits;
        // the spec's 1.0 examples have colons in values, so a raw one there is accepted.
        let colon = match line.iter().position(|&b| b == b':') {
            Some(at) if at > 0 => at,
            _ => return Err(DecodeError::MalformedHeader),
        };
        let name = line.get(..colon).unwrap_or_default();
        let value = line.get(colon + 1..).unwrap_or_default();
        // "In STOMP 1.2, clients and servers MUST never trim or pad headers with spaces."
        let escaping = self.escaping(command);
        if escaping == Escaping::Verbatim || !line.contains(&b'\\') {
            // Nearly every header: taken as it is, the line checked once (a colon cannot be
            // part of a multi-byte character, so the line is UTF-8 when both halves are).
            let line = core::str::from_utf8(line).map_err(|_| EscapeError::NotUtf8)?;
            headers
                .text()
                .push_str(line.get(..colon).unwrap_or_default());
            let name_end = headers.end_name();
            headers
                .text()
                .push_str(line.get(colon + 1..).unwrap_or_default());
            headers.end_value(name_end);
            return Ok(());
        }
        let (name, value) = (escaping.unescape(name)?, escaping.unescape(value)?);
        headers.text().push_str(&name);
        let name_end = headers.end_name();
        headers.text().push_str(&value);
        headers.end_value(name_end);
        Ok(())
    }

    /// The body length announced by the first `content-length` header, if any.
    fn content_length(&self, head: &Head) -> Result<Option<usize>, DecodeError> {
        // "If a client or a server receives repeated frame header entries, only the first
        // header entry SHOULD be used as the value of header entry."
        let Some(text) = head.headers.get("content-length") else {
            return Ok(None);
        };
        // "This header is an octet count for the length of the message body."
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DecodeError::InvalidContentLength);
        }
        let too_large = DecodeError::FrameTooLarge {
            limit: self.max_frame_size,
        };
        let length: usize = text.parse().map_err(|_| too_large)?;
        self.check_size(head.size.saturating_add(length).saturating_add(1))?;
        Ok(Some(length))
    }

    /// Takes a body of `length` bytes and its NUL, ending the frame.
    fn finish(&mut self, head: Head, length: usize) -> Decoded {
        let body = self
            .buf
            .get(self.pos..self.pos + length)
            .unwrap_or_default()
            .to_vec();
        self.consume(length + 1);
        Decoded::Frame(Frame::from_parts(head.command, head.headers, body))
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Everything `bytes` decodes to, pushed in one piece.
    fn decode_all(decoder: &mut Decoder, bytes: &[u8]) -> Result<Vec<Decoded>, DecodeError> {
        decoder.push(bytes);
        let mut out = Vec::new();
        while let Some(item) = decoder.next()? {
            out.push(item);
        }
        Ok(out)
    }

    fn frames(bytes: &[u8]) -> Vec<Frame> {
        decode_all(&mut Decoder::new(), bytes)
            .unwrap()
            .into_iter()
            .filter_map(|d| match d {
                Decoded::Frame(f) => Some(f),
                Decoded::HeartBeat => None,
            })
            .collect()
    }

    fn one(bytes: &[u8]) -> Frame {
        let mut all = frames(bytes);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    fn error_of(decoder: &mut Decoder, bytes: &[u8]) -> DecodeError {
        decode_all(decoder, bytes).unwrap_err()
    }

    #[test]
    fn content_length_body_may_hold_nuls() {
        let frame = one(b"MESSAGE\ncontent-length:5\n\na\0b\0c\0");
        assert_eq!(frame.body(), b"a\0b\0c");
        assert_eq!(frame.header("content-length"), Some("5"));
    }

    #[test]
    fn body_without_length_ends_at_first_nul() {
        let frame = one(b"MESSAGE\ndestination:/t\n\n{\"a\":1}\0");
        assert_eq!(frame.body_str(), Some("{\"a\":1}"));
        assert_eq!(one(b"RECEIPT\nreceipt-id:1\n\n\0").body(), b"");
    }

    #[test]
    fn content_length_must_be_followed_by_nul() {
        let mut d = Decoder::new();
        assert_eq!(
            error_of(&mut d, b"MESSAGE\ncontent-length:1\n\nab\0"),
            DecodeError::MissingNul
        );
    }

    #[test]
    fn heart_beats_between_frames_lf_and_crlf() {
        let mut d = Decoder::new();
        let out = decode_all(&mut d, b"\n\r\nRECEIPT\nreceipt-id:1\n\n\0\n\r\n\n").unwrap();
        let kinds: Vec<_> = out
            .iter()
            .map(|d| match d {
                Decoded::HeartBeat => "hb",
                Decoded::Frame(_) => "frame",
            })
            .collect();
        assert_eq!(kinds, ["hb", "hb", "frame", "hb", "hb", "hb"]);
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn lone_cr_waits_for_its_lf() {
        let mut d = Decoder::new();
        assert_eq!(decode_all(&mut d, b"\r").unwrap(), []);
        assert_eq!(decode_all(&mut d, b"\n").unwrap(), [Decoded::HeartBeat]);
    }

    #[test]
    fn many_frames_in_one_message() {
        let mut bytes = Vec::new();
        for i in 0..50 {
            let body = i.to_string();
            bytes.extend(Frame::message("sub-0", &body, "/t", body.clone()).encode(Version::V1_2));
            bytes.push(b'\n');
        }
        let all = frames(&bytes);
        assert_eq!(all.len(), 50);
        assert_eq!(all[49].body_str(), Some("49"));
    }

    /// A stream with escapes, CRLF lines, NUL-terminated and counted bodies and heart-beats.
    fn tricky_stream() -> Vec<u8> {
        let mut bytes = b"CONNECTED\r\nversion:1.2\r\nserver:x:1\r\n\r\n\0\r\n".to_vec();
        bytes.extend_from_slice(b"MESSAGE\nsubscription:sub-0\nk\\cey:a\\nb\\\\n\n\nbody\0\n\n");
        bytes.extend(Frame::message("sub-0", "m:2", "/t", b"x\0y".to_vec()).encode(Version::V1_2));
        bytes.extend_from_slice(b"ERROR\nmessage:  spaced  \n\n\0");
        bytes
    }

    #[test]
    fn split_at_every_byte_offset_gives_the_same_result() {
        let bytes = tricky_stream();
        let whole = decode_all(&mut Decoder::new(), &bytes).unwrap();
        // CONNECTED, heart-beat, MESSAGE, two heart-beats, MESSAGE, ERROR.
        assert_eq!(whole.len(), 7);
        for cut in 0..=bytes.len() {
            let mut d = Decoder::new();
            let (a, b) = bytes.split_at(cut);
            let mut parts = decode_all(&mut d, a).unwrap();
            parts.extend(decode_all(&mut d, b).unwrap());
            assert_eq!(parts, whole, "split at {cut}");
        }
        let mut d = Decoder::new();
        let mut bytewise = Vec::new();
        for b in &bytes {
            bytewise.extend(decode_all(&mut d, std::slice::from_ref(b)).unwrap());
        }
        assert_eq!(bytewise, whole);
    }

    #[test]
    fn repeated_headers_are_kept_and_the_first_wins() {
        let frame = one(b"MESSAGE\nfoo:World\nfoo:Hello\n\n\0");
        assert_eq!(frame.header("foo"), Some("World"));
        assert_eq!(frame.headers().len(), 2);
        // The first content-length is the one that frames the body.
        let frame = one(b"MESSAGE\ncontent-length:1\ncontent-length:3\n\na\0");
        assert_eq!(frame.body(), b"a");
    }

    #[test]
    fn header_whitespace_is_preserved_in_every_version() {
        let bytes = b"MESSAGE\n key : value \n\n\0";
        for version in Version::ALL {
            let mut d = Decoder::new();
            d.set_version(version);
            let out = decode_all(&mut d, bytes).unwrap();
            let Decoded::Frame(frame) = &out[0] else {
                panic!("{out:?}")
            };
            assert_eq!(frame.headers().collect::<Vec<_>>(), [(" key ", " value ")]);
        }
    }

    #[test]
    fn connect_frames_are_unescaped_before_and_after_negotiation() {
        let bytes = b"CONNECTED\nversion:1.2\nsession:a\\c:b\n\n\0";
        assert_eq!(one(bytes).header("session"), Some("a\\c:b"));
        let mut d = Decoder::new();
        d.set_version(Version::V1_2);
        let out = decode_all(&mut d, b"CONNECT\nlogin:a\\t\n\n\0").unwrap();
        assert_eq!(
            out,
            [Decoded::Frame(
                Frame::new(Command::Connect).with_header("login", "a\\t")
            )]
        );
    }

    #[test]
    fn escaping_follows_the_negotiated_version() {
        let bytes = b"MESSAGE\nk:a\\cb\\\\n\n\n\0";
        let value = |version: Option<Version>| {
            let mut d = Decoder::new();
            if let Some(v) = version {
                d.set_version(v);
            }
            match decode_all(&mut d, bytes).unwrap().remove(0) {
                Decoded::Frame(f) => f.header("k").map(str::to_owned),
                Decoded::HeartBeat => None,
            }
        };
        assert_eq!(value(None).as_deref(), Some("a:b\\n"));
        assert_eq!(value(Some(Version::V1_2)).as_deref(), Some("a:b\\n"));
        assert_eq!(value(Some(Version::V1_1)).as_deref(), Some("a:b\\n"));
        assert_eq!(value(Some(Version::V1_0)).as_deref(), Some("a\\cb\\\\n"));
    }

    #[test]
    fn crlf_ends_lines_in_1_2_but_cr_is_data_in_1_1() {
        let bytes = b"MESSAGE\r\nk:v\r\n\r\n\0";
        assert_eq!(one(bytes).header("k"), Some("v"));
        let mut d = Decoder::new();
        d.set_version(Version::V1_1);
        let out = decode_all(&mut d, bytes).unwrap();
        let Decoded::Frame(frame) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(frame.header("k"), Some("v\r"));
    }

    #[test]
    fn undefined_escape_is_a_sticky_error() {
        let mut d = Decoder::new();
        d.set_version(Version::V1_2);
        let err = error_of(&mut d, b"MESSAGE\nk:a\\tb\n\n\0RECEIPT\n\n\0");
        assert_eq!(err, DecodeError::Header(EscapeError::Undefined(b't')));
        d.push(b"RECEIPT\nreceipt-id:1\n\n\0");
        assert_eq!(d.next(), Err(err));
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn malformed_input_errors() {
        let cases: [(&[u8], DecodeError); 5] = [
            (b"HELLO\n\n\0", DecodeError::UnknownCommand("HELLO".into())),
            (
                b"message\n\n\0",
                DecodeError::UnknownCommand("message".into()),
            ),
            (b"MESSAGE\nno-colon\n\n\0", DecodeError::MalformedHeader),
            (b"MESSAGE\n:empty-name\n\n\0", DecodeError::MalformedHeader),
            (
                b"MESSAGE\ncontent-length: 1\n\na\0",
                DecodeError::InvalidContentLength,
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(error_of(&mut Decoder::new(), bytes), expected);
        }
        assert_eq!(
            error_of(&mut Decoder::new(), b"MESSAGE\nk:\xff\n\n\0"),
            DecodeError::Header(EscapeError::NotUtf8)
        );
    }

    #[test]
    fn size_limit_counts_command_through_nul() {
        let frame = b"SEND\n\nabcd\0"; // 11 bytes
        assert_eq!(frames_with_limit(frame, 11).len(), 1);
        let err = decode_all(&mut Decoder::with_max_frame_size(10), frame).unwrap_err();
        assert_eq!(err, DecodeError::FrameTooLarge { limit: 10 });
        let counted = b"SEND\ncontent-length:4\n\nabcd\0"; // 28 bytes
        assert_eq!(frames_with_limit(counted, 28).len(), 1);
        assert!(decode_all(&mut Decoder::with_max_frame_size(27), counted).is_err());
    }

    fn frames_with_limit(bytes: &[u8], limit: usize) -> Vec<Decoded> {
        decode_all(&mut Decoder::with_max_frame_size(limit), bytes).unwrap()
    }

    #[test]
    fn oversize_is_detected_while_buffering() {
        let limit = 1024;
        // A content-length beyond the limit fails before any body arrives.
        let mut d = Decoder::with_max_frame_size(limit);
        assert_eq!(
            error_of(&mut d, b"MESSAGE\ncontent-length:1025\n\n"),
            DecodeError::FrameTooLarge { limit }
        );
        let mut d = Decoder::with_max_frame_size(limit);
        assert_eq!(
            error_of(
                &mut d,
                b"MESSAGE\ncontent-length:99999999999999999999999\n\n"
            ),
            DecodeError::FrameTooLarge { limit }
        );
        // An unterminated body, header line or command line fails once it passes the limit,
        // without waiting for an end that may never come.
        for start in [&b"MESSAGE\n\n"[..], b"MESSAGE\nk:", b"MESS"] {
            let mut d = Decoder::with_max_frame_size(limit);
            d.push(start);
            let mut pushed = start.len();
            let err = loop {
                match d.next() {
                    Ok(None) => {
                        assert!(d.buffered() <= limit + 64);
                        d.push(&[b'x'; 64]);
                        pushed += 64;
                    }
                    Ok(Some(item)) => panic!("{item:?}"),
                    Err(e) => break e,
                }
            };
            assert_eq!(err, DecodeError::FrameTooLarge { limit });
            assert!(pushed <= limit + 64);
            assert_eq!(d.buffered(), 0);
        }
    }

    /// Any frame whose header names and values are drawn from `name_chars` and `value_chars`
    /// (regex classes), with any body.
    fn frame_of(name_chars: &str, value_chars: &str) -> impl Strategy<Value = Frame> {
        let name = proptest::string::string_regex(&format!("[{name_chars}]{{1,8}}"))
            .unwrap()
            .prop_filter("content-length frames the body", |n| n != "content-length");
        let value = proptest::string::string_regex(&format!("[{value_chars}]{{0,8}}")).unwrap();
        (
            proptest::sample::select(Command::ALL.to_vec()),
            proptest::collection::vec((name, value), 0..5),
            proptest::collection::vec(any::<u8>(), 0..40),
        )
            .prop_map(|(command, headers, body)| {
                headers
                    .into_iter()
                    .fold(Frame::new(command), |f, (k, v)| f.with_header(k, v))
                    .with_body(body)
            })
    }

    /// Headers with every character that needs escaping, and some that must not be trimmed.
    const ANY_CHARS: &str = "a-z:\\\\\r\n \t\\-é";

    fn any_frame() -> impl Strategy<Value = Frame> {
        frame_of(ANY_CHARS, ANY_CHARS)
    }

    /// Frames STOMP 1.0 (and an unescaped CONNECT) can carry: no line breaks, no colon in
    /// names.
    fn verbatim_frame() -> impl Strategy<Value = Frame> {
        frame_of("a-z\\\\ \t\\-é", "a-z:\\\\ \t\\-é")
    }

    /// What `frame` decodes back to: itself plus the `content-length` `encode` adds.
    fn expected_after_round_trip(frame: &Frame) -> Frame {
        if frame.body().is_empty() {
            return frame.clone();
        }
        frame
            .clone()
            .with_header("content-length", frame.body().len().to_string())
    }

    /// Whether `frame` can be written unescaped without losing characters.
    fn representable_verbatim(frame: &Frame) -> bool {
        frame
            .headers()
            .all(|(k, v)| !k.contains([':', '\r', '\n']) && !v.contains(['\r', '\n']))
    }

    fn round_trip(frame: &Frame, version: Version) -> Frame {
        let mut d = Decoder::new();
        d.set_version(version);
        let mut out = decode_all(&mut d, &frame.encode(version)).unwrap();
        assert_eq!(out.len(), 1);
        match out.remove(0) {
            Decoded::Frame(f) => f,
            Decoded::HeartBeat => panic!("heart-beat"),
        }
    }

    proptest! {
        #[test]
        fn any_frame_round_trips_in_1_1_and_1_2(frame in any_frame()) {
            for version in [Version::V1_1, Version::V1_2] {
                if frame.command().escapes_headers() || representable_verbatim(&frame) {
                    prop_assert_eq!(round_trip(&frame, version), expected_after_round_trip(&frame));
                }
            }
        }

        #[test]
        fn representable_frames_round_trip_in_1_0(frame in verbatim_frame()) {
            prop_assert!(representable_verbatim(&frame));
            prop_assert_eq!(round_trip(&frame, Version::V1_0), expected_after_round_trip(&frame));
        }

        #[test]
        fn any_frame_round_trips_before_negotiation(frame in any_frame()) {
            // An unset version reads by the 1.2 rules, so 1.2 output decodes the same.
            prop_assume!(frame.command().escapes_headers() || representable_verbatim(&frame));
            let mut out = decode_all(&mut Decoder::new(), &frame.encode(Version::V1_2)).unwrap();
            prop_assert_eq!(out.remove(0), Decoded::Frame(expected_after_round_trip(&frame)));
        }

        #[test]
        fn arbitrary_bytes_in_arbitrary_pieces_never_panic_or_stall(
            bytes in proptest::collection::vec(
                prop_oneof![
                    any::<u8>(),
                    proptest::sample::select(b"\n\r\0:\\cMESSAGE".to_vec()),
                ],
                0..300,
            ),
            cuts in proptest::collection::vec(0usize..300, 0..8),
            limit in 1usize..200,
            version in proptest::option::of(proptest::sample::select(Version::ALL.to_vec())),
        ) {
            let mut d = Decoder::with_max_frame_size(limit);
            if let Some(v) = version {
                d.set_version(v);
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.push(0);
            cuts.push(bytes.len());
            cuts.sort_unstable();
            for piece in cuts.windows(2) {
                let chunk = &bytes[piece[0]..piece[1]];
                d.push(chunk);
                // Each item consumes at least one byte, so there are at most as many items as
                // bytes buffered; anything more would be a loop.
                let budget = d.buffered() + 1;
                let mut steps = 0;
                loop {
                    steps += 1;
                    prop_assert!(steps <= budget);
                    match d.next() {
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            prop_assert_eq!(d.next(), Err(e));
                            prop_assert_eq!(d.buffered(), 0);
                            break;
                        }
                    }
                }
                prop_assert!(d.buffered() <= limit);
            }
        }
    }
}
