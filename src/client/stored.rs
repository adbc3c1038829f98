//! The session id a page keeps across reloads (DECISIONS.md §2 row 6): the adapter keeps it in
//! `sessionStorage` (per tab) and in a cookie (per browser). This is the cookie's text both
//! ways, as `document.cookie` reads and writes it, so the adapter only moves strings.

/// The session id an earlier page kept: `sessionStorage`'s copy (`storage`) when there is one,
/// else the cookie `name` in `cookies` (the text of `document.cookie`). Empty values count as
/// none, and so does a cookie value that `decodeURIComponent` would refuse.
pub fn stored_session_id(storage: Option<&str>, cookies: &str, name: &str) -> Option<String> {
    if let Some(id) = storage.filter(|id| !id.is_empty()) {
        return Some(id.to_owned());
    }
    cookies.split(';').find_map(|pair| {
        let value = pair.trim_start().strip_prefix(name)?.strip_prefix('=')?;
        decode_uri_component(value).filter(|v| !v.is_empty())
    })
}

/// The `document.cookie` assignment that keeps `session_id` (or, for `None`, expires the
/// cookie): a path-wide, same-site cookie, `Secure` on https pages.
pub fn session_cookie(name: &str, session_id: Option<&str>, secure: bool) -> String {
    let mut cookie = String::from(name);
    cookie.push('=');
    match session_id {
        Some(id) => encode_uri_component(id, &mut cookie),
        None => cookie.push_str("; expires=Thu, 01 Jan 1970 00:00:00 GMT"),
    }
    cookie.push_str("; path=/; SameSite=Strict");
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// JavaScript's `encodeURIComponent`: everything but letters, digits and `-_.!~*'()` as
/// percent-encoded UTF-8.
fn encode_uri_component(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            for nibble in [byte >> 4, byte & 15] {
                out.push(char::from(
                    HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                ));
            }
        }
    }
}

/// JavaScript's `decodeURIComponent`; `None` where it would throw (a `%` without two hex
/// digits after it, or escapes that are not UTF-8).
fn decode_uri_component(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let (&high, tail) = tail.split_first()?;
            let (&low, tail) = tail.split_first()?;
            let digit = |d: u8| char::from(d).to_digit(16);
            let value = digit(high)? * 16 + digit(low)?;
            bytes.push(u8::try_from(value).ok()?);
            rest = tail;
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "wellclient-cookie-session-id";

    #[test]
    fn storage_wins_then_the_cookie() {
        let cookies = "a=1; wellclient-cookie-session-id=from-cookie; b=2";
        assert_eq!(
            stored_session_id(Some("from-storage"), cookies, NAME).as_deref(),
            Some("from-storage")
        );
        assert_eq!(
            stored_session_id(Some(""), cookies, NAME).as_deref(),
            Some("from-cookie")
        );
        assert_eq!(
            stored_session_id(None, cookies, NAME).as_deref(),
            Some("from-cookie")
        );
        assert_eq!(stored_session_id(None, "a=1", NAME), None);
        assert_eq!(stored_session_id(None, "", NAME), None);
        // Only that name: not a longer one that starts with it, not an empty value.
        let other = "wellclient-cookie-session-id2=x; wellclient-cookie-session-id=";
        assert_eq!(stored_session_id(None, other, NAME), None);
    }

    #[test]
    fn cookie_values_are_uri_components() {
        let written = session_cookie(NAME, Some("a b/é!*'()~"), false);
        assert_eq!(
            written,
            "wellclient-cookie-session-id=a%20b%2F%C3%A9!*'()~; path=/; SameSite=Strict"
        );
        let value = written
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches(NAME)
            .trim_start_matches('=');
        assert_eq!(decode_uri_component(value).as_deref(), Some("a b/é!*'()~"));
        // What decodeURIComponent refuses: the cookie is skipped.
        for bad in ["%", "%4", "%zz", "%C3", "%FF"] {
            assert_eq!(decode_uri_component(bad), None, "{bad}");
            let cookies = [NAME, "=", bad].concat();
            assert_eq!(stored_session_id(None, &cookies, NAME), None, "{bad}");
        }
        assert_eq!(decode_uri_component("%41b%c3%a9").as_deref(), Some("Abé"));
    }

    #[test]
    fn forgetting_expires_the_cookie_and_https_makes_it_secure() {
        assert_eq!(
            session_cookie(NAME, None, true),
            "wellclient-cookie-session-id=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; \
             SameSite=Strict; Secure"
        );
    }
}
