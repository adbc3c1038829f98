//! REST commands: how each request looks on the wire, and how answers become results.
//!
//! Nothing here sends anything. [`Request`] is a value the adapter turns into a `fetch`;
//! [`paths`] builds the platform's paths (PROTOCOL.md §2.4) with every parameter
//! percent-encoded; [`Rejection`] is what a failed command's Deferred rejects with: a superset of
//! the jqXHR fields pages read, plus a stable `reason` code.

pub mod paths;
mod rejection;

pub use rejection::{Reason, Rejection};

use crate::json::Value;

/// HTTP method.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// Upper-case name, as jQuery sent it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// JSON content type of every REST call (sent even without a body, as 1.3.7 did).
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";
/// Content type of the token login form.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=UTF-8";
/// What jQuery's `dataType: 'json'` asked for.
pub const ACCEPT: &str = "application/json, text/javascript, */*; q=0.01";

/// One HTTP request for the adapter to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The absolute URL, path parameters percent-encoded.
    pub url: String,
    /// Header names and values, in the order they are set.
    pub headers: Vec<(&'static str, String)>,
    /// The body text, if any.
    pub body: Option<String>,
    /// Ask the browser to finish the request even if the page goes away (unload logout).
    pub keepalive: bool,
}

impl Request {
    /// A REST call with the platform's headers: `sessionId`, JSON content type, `Accept`.
    pub fn rest(method: Method, url: String, session_id: &str, body: Option<&Value>) -> Self {
        Request {
            method,
            url,
            headers: vec![
                ("sessionId", session_id.to_owned()),
                ("Content-Type", JSON_CONTENT_TYPE.to_owned()),
                ("Accept", ACCEPT.to_owned()),
            ],
            body: body.map(Value::to_json),
            keepalive: false,
        }
    }

    /// The token login: a URL-encoded form, no `sessionId` header.
    pub fn token_login(url: String, username: &str, password: &str, namespace: &str) -> Self {
        let mut body = String::from("username=");
        form_encode(username, &mut body);
        body.push_str("&password=");
        form_encode(password, &mut body);
        body.push_str("&namespace=");
        form_encode(namespace, &mut body);
        Request {
            method: Method::Post,
            url,
            headers: vec![
                ("Content-Type", FORM_CONTENT_TYPE.to_owned()),
                ("Accept", ACCEPT.to_owned()),
            ],
            body: Some(body),
            keepalive: false,
        }
    }

    /// A plain-text upload (the event log), as 1.3.7 sent it.
    pub fn text_upload(url: String, session_id: &str, text: String) -> Self {
        Request {
            method: Method::Post,
            url,
            headers: vec![
                ("sessionId", session_id.to_owned()),
                ("Content-Type", "text/xml".to_owned()),
            ],
            body: Some(text),
            keepalive: false,
        }
    }

    /// The value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this request carries the login password (never logged).
    pub fn is_secret(&self) -> bool {
        // A byte-window search, not `str::contains` (see `model::devices::is_internal_number`).
        const PASSWORD_KEY: &[u8] = b"\"password\"";
        self.header("Content-Type") == Some(FORM_CONTENT_TYPE)
            || self.body.as_deref().is_some_and(|b| {
                b.as_bytes()
                    .windows(PASSWORD_KEY.len())
                    .any(|w| w == PASSWORD_KEY)
            })
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_pct(b: u8, out: &mut String) {
    out.push('%');
    out.push(char::from(
        HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
    ));
    out.push(char::from(
        HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
    ));
}

/// Percent-encodes a path segment or query value: everything but RFC 3986 unreserved
/// characters and `@` (which the platform's paths carry as is: `5001@test.cc`).
pub fn encode_component(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(b));
        } else {
            push_pct(b, out);
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'*') {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            push_pct(b, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_login_form_is_url_encoded() {
        let r = Request::token_login("http://h/login".into(), "5001", "p&=+% é", "test.cc");
        assert_eq!(
            r.body.as_deref(),
            Some("username=5001&password=p%26%3D%2B%25+%C3%A9&namespace=test.cc")
        );
        assert!(r.is_secret());
        assert_eq!(r.header("sessionId"), None);
    }

    #[test]
    fn rest_headers() {
        let r = Request::rest(Method::Post, "u".into(), "sid", None);
        assert_eq!(r.header("sessionid"), Some("sid"));
        assert_eq!(r.header("Content-Type"), Some(JSON_CONTENT_TYPE));
        assert_eq!(r.body, None);
        assert!(!r.is_secret());
    }

    #[test]
    fn components() {
        let mut s = String::new();
        encode_component("8001@test.cc|a/b?{{x}}", &mut s);
        assert_eq!(s, "8001@test.cc%7Ca%2Fb%3F%7B%7Bx%7D%7D");
    }
}
