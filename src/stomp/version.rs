//! STOMP protocol versions: what the client offers and the server picks.

/// A STOMP protocol version.
///
/// Versions are ordered, so the highest of a set is its `max`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// STOMP 1.0: no header escaping, no heart-beats in the specification.
    V1_0,
    /// STOMP 1.1: escapes `\n`, `:` and `\` in headers; heart-beating.
    V1_1,
    /// STOMP 1.2: also escapes `\r`; lines may end in CRLF.
    V1_2,
}

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 3] = [Version::V1_0, Version::V1_1, Version::V1_2];

    /// The version as written in `accept-version` and `version` headers (`"1.2"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
        }
    }

    /// Reads a `version` header value; `None` for a version this crate does not speak.
    pub fn parse(text: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// The `accept-version` header value offering `versions`, in the given order.
    pub fn list(versions: &[Version]) -> String {
        let mut out = String::with_capacity(versions.len() * 4);
        for (i, v) in versions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(v.as_str());
        }
        out
    }
}

impl core::fmt::Display for Version {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Version::ALL {
            assert_eq!(Version::parse(v.as_str()), Some(v));
        }
        assert_eq!(Version::parse("2.0"), None);
        assert_eq!(Version::parse(" 1.2"), None);
        assert!(Version::V1_0 < Version::V1_1 && Version::V1_1 < Version::V1_2);
    }

    #[test]
    fn accept_version_list() {
        let offer = [Version::V1_2, Version::V1_1, Version::V1_0];
        assert_eq!(Version::list(&offer), "1.2,1.1,1.0");
        assert_eq!(Version::list(&[]), "");
    }
}
