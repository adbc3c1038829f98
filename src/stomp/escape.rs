//! Header escaping: how header names and values are written, per version and command.
//!
//! STOMP 1.0 writes headers verbatim. 1.1 escapes line feed, colon and backslash; 1.2 also
//! carriage return. `CONNECT`, `STOMP` and `CONNECTED` frames are never escaped, whatever the
//! version, so that a 1.0 peer can read them. Whitespace is never trimmed or padded.

use super::command::Command;
use super::version::Version;

/// The escaping rules that apply to one frame's headers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Escaping {
    /// No escapes (STOMP 1.0, and the `CONNECT`/`CONNECTED` frames of every version).
    ///
    /// Characters that cannot be represented are dropped when writing: line feed and carriage
    /// return anywhere, and colon in names. Writing them would end the header early and let a
    /// value (a configured passcode, say) inject headers of its own.
    Verbatim,
    /// STOMP 1.1: `\n`, `\c`, `\\`.
    V1_1,
    /// STOMP 1.2: `\r`, `\n`, `\c`, `\\`.
    V1_2,
}

/// A header that could not be unescaped.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    /// A backslash followed by a character that is not a defined escape for the version
    /// (`\t` anywhere, `\r` in 1.1).
    #[error("undefined escape sequence \\{}", char::from(*.0))]
    Undefined(u8),
    /// A backslash at the very end of a header name or value.
    #[error("header ends inside an escape sequence")]
    Unfinished,
    /// The header, once unescaped, is not UTF-8.
    #[error("header is not UTF-8")]
    NotUtf8,
}

impl Escaping {
    /// The rules for a frame with `command` in a session of `version`.
    pub const fn new(command: Command, version: Version) -> Escaping {
        if !command.escapes_headers() {
            return Escaping::Verbatim;
        }
        match version {
            Version::V1_0 => Escaping::Verbatim,
            Version::V1_1 => Escaping::V1_1,
            Version::V1_2 => Escaping::V1_2,
        }
    }

    /// Appends `name:value` (without the EOL) to `out`.
    pub fn write_header(self, name: &str, value: &str, out: &mut Vec<u8>) {
        self.write_part(name, true, out);
        out.push(b':');
        self.write_part(value, false, out);
    }

    fn write_part(self, text: &str, is_name: bool, out: &mut Vec<u8>) {
        out.reserve(text.len());
        for &b in text.as_bytes() {
            match (self, b) {
                (Escaping::Verbatim, b'\n' | b'\r') => {}
                (Escaping::Verbatim, b':') if is_name => {}
                (Escaping::Verbatim, _) => out.push(b),
                (_, b'\\') => out.extend_from_slice(b"\\\\"),
                (_, b'\n') => out.extend_from_slice(b"\\n"),
                (_, b':') => out.extend_from_slice(b"\\c"),
                (Escaping::V1_2, b'\r') => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
    }

    /// Decodes one header name or value as read from the wire.
    pub fn unescape(self, raw: &[u8]) -> Result<String, EscapeError> {
        if self == Escaping::Verbatim || !raw.contains(&b'\\') {
            return String::from_utf8(raw.to_vec()).map_err(|_| EscapeError::NotUtf8);
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut bytes = raw.iter();
        while let Some(&b) = bytes.next() {
            if b != b'\\' {
                out.push(b);
                continue;
            }
            // "Undefined escape sequences such as `\t` (octet 92 and 116) MUST be treated as
            // a fatal protocol error."
            let decoded = match (self, bytes.next()) {
                (_, None) => return Err(EscapeError::Unfinished),
                (_, Some(b'n')) => b'\n',
                (_, Some(b'c')) => b':',
                (_, Some(b'\\')) => b'\\',
                (Escaping::V1_2, Some(b'r')) => b'\r',
                (_, Some(&other)) => return Err(EscapeError::Undefined(other)),
            };
            out.push(decoded);
        }
        String::from_utf8(out).map_err(|_| EscapeError::NotUtf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(e: Escaping, name: &str, value: &str) -> String {
        let mut out = Vec::new();
        e.write_header(name, value, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escaping_follows_version_and_command() {
        use Command::*;
        assert_eq!(Escaping::new(Message, Version::V1_0), Escaping::Verbatim);
        assert_eq!(Escaping::new(Message, Version::V1_1), Escaping::V1_1);
        assert_eq!(Escaping::new(Message, Version::V1_2), Escaping::V1_2);
        for c in [Connect, Stomp, Connected] {
            assert_eq!(Escaping::new(c, Version::V1_2), Escaping::Verbatim);
        }
    }

    #[test]
    fn writes_escapes_per_version() {
        let value = "a:b\nc\rd\\e";
        assert_eq!(written(Escaping::V1_2, "k:1", value), r"k\c1:a\cb\nc\rd\\e");
        assert_eq!(
            written(Escaping::V1_1, "k:1", value),
            "k\\c1:a\\cb\\nc\rd\\\\e"
        );
        // 1.0 keeps colons in values (the first colon splits) and drops what would end the line.
        assert_eq!(written(Escaping::Verbatim, "k:1", value), "k1:a:bcd\\e");
    }

    #[test]
    fn verbatim_cannot_inject_headers() {
        let line = written(Escaping::Verbatim, "passcode", "x\nlogin:admin\r");
        assert_eq!(line, "passcode:xlogin:admin");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn reads_escapes_per_version() {
        let raw = br"a\cb\nc\\d";
        assert_eq!(Escaping::V1_1.unescape(raw).unwrap(), "a:b\nc\\d");
        assert_eq!(Escaping::V1_2.unescape(raw).unwrap(), "a:b\nc\\d");
        assert_eq!(Escaping::V1_2.unescape(br"x\ry").unwrap(), "x\ry");
        assert_eq!(Escaping::Verbatim.unescape(raw).unwrap(), r"a\cb\nc\\d");
    }

    #[test]
    fn escaped_backslash_then_n_is_backslash_and_n() {
        // `\\n` is an escaped backslash followed by a plain `n`, not a backslash and a newline.
        assert_eq!(Escaping::V1_2.unescape(br"\\n").unwrap(), "\\n");
        assert_eq!(Escaping::V1_1.unescape(br"\\\n").unwrap(), "\\\n");
    }

    #[test]
    fn undefined_escapes_are_errors() {
        assert_eq!(
            Escaping::V1_2.unescape(br"a\tb"),
            Err(EscapeError::Undefined(b't'))
        );
        // `\r` only exists from 1.2 on.
        assert_eq!(
            Escaping::V1_1.unescape(br"a\rb"),
            Err(EscapeError::Undefined(b'r'))
        );
        assert_eq!(
            Escaping::V1_2.unescape(br"ab\"),
            Err(EscapeError::Unfinished)
        );
        // 1.0 has no escapes at all, so nothing is undefined.
        assert_eq!(Escaping::Verbatim.unescape(br"a\tb").unwrap(), r"a\tb");
    }

    #[test]
    fn whitespace_is_kept() {
        assert_eq!(Escaping::V1_2.unescape(b"  a b  ").unwrap(), "  a b  ");
        assert_eq!(written(Escaping::V1_2, " k ", " v "), " k : v ");
        assert_eq!(written(Escaping::Verbatim, " k ", " v "), " k : v ");
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert_eq!(Escaping::V1_2.unescape(b"\xff"), Err(EscapeError::NotUtf8));
        assert_eq!(
            Escaping::V1_2.unescape(b"\\c\xff"),
            Err(EscapeError::NotUtf8)
        );
        assert_eq!(
            Escaping::Verbatim.unescape(b"\xff"),
            Err(EscapeError::NotUtf8)
        );
    }
}
