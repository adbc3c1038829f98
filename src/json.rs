//! A small JSON value: parse, build, serialize.
//!
//! The SDK reads a handful of fields from each event and writes a few small objects, so it
//! carries its own JSON rather than `serde_json` (whose deserializer alone would take half of
//! the bundle's size budget). Three choices keep it small and faithful:
//!
//! * numbers are kept as their source text ([`Number`]): nothing is lost in a round trip and no
//!   float parsing or formatting code is linked in; integers are read on demand;
//! * objects keep insertion order, like JavaScript objects do, and a repeated key keeps its first
//!   position and its last value, as `JSON.parse` does;
//! * parsing is iterative over a depth limit ([`MAX_DEPTH`]) and never panics on any input.
//!
//! An object that is mostly passed on, such as an event, can be read in place instead of being
//! built ([`ObjectText`]): the same parser checks it and only notes where its members are.
//!
//! ```
//! use well_client::json::{self, Value};
//! let v = json::parse(r#"{"eventName":"agentReady","serial":7}"#).unwrap();
//! assert_eq!(v.get("eventName").and_then(Value::as_str), Some("agentReady"));
//! assert_eq!(v.get("serial").and_then(Value::as_i64), Some(7));
//! assert_eq!(v.to_string(), r#"{"eventName":"agentReady","serial":7}"#);
//! ```

use core::fmt;

mod object_text;

pub use object_text::{Edit, ObjectText};

/// Nesting deeper than this is refused: events are at most four levels deep.
pub const MAX_DEPTH: usize = 64;

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as its JSON text.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in insertion order.
    Object(Map),
}

/// A JSON number, kept as validated JSON number text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(Box<str>);

impl Number {
    /// The number's JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an `i64` when the text is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        int_of(&self.0)
    }
}

/// The `i64` a JSON number's text stands for, when it is an integer that fits.
pub(crate) fn int_of(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut acc: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        acc = acc.checked_mul(10)?;
        acc = if negative {
            acc.checked_sub(d)?
        } else {
            acc.checked_add(d)?
        };
    }
    Some(acc)
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        let mut digits = [0u8; 20];
        Number(Box::from(decimal(n, &mut digits)))
    }
}

/// Decimal text of an integer without `core::fmt` (keeps float formatting out of the bundle).
pub fn int_text(n: i64) -> String {
    let mut digits = [0u8; 20];
    decimal(n, &mut digits).to_owned()
}

/// Appends the decimal text of an integer to `out`.
pub fn write_int(n: i64, out: &mut String) {
    let mut digits = [0u8; 20];
    out.push_str(decimal(n, &mut digits));
}

/// The decimal text of `n`, written at the end of `buf` (20 bytes hold any `i64`).
fn decimal(n: i64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (m % 10) as u8;
        }
        m /= 10;
        if m == 0 || i == 0 {
            break;
        }
    }
    if n < 0 && i > 0 {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'-';
        }
    }
    core::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or_default()
}

/// An insertion-ordered JSON object.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map(Vec<(Key, Value)>);

/// An object key. The SDK writes its own objects (UI events, summaries, states) with keys it
/// names in the code, [`Map::with`]; those are kept as they are, without a copy each.
#[derive(Clone, Debug)]
enum Key {
    Named(&'static str),
    Text(Box<str>),
}

impl Key {
    fn as_str(&self) -> &str {
        match self {
            Key::Named(k) => k,
            Key::Text(k) => k,
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// An empty object with room for `entries`.
    pub fn with_capacity(entries: usize) -> Self {
        Map(Vec::with_capacity(entries))
    }

    /// Where `key` is. Every lookup goes through here: events are read field by field, and
    /// the parser checks each key for an earlier duplicate, so keys are told apart by length
    /// and first byte before any full comparison.
    #[inline(never)]
    fn position(&self, key: &str) -> Option<usize> {
        let key = key.as_bytes();
        self.0.iter().position(|(k, _)| {
            let k = k.as_str().as_bytes();
            k.len() == key.len() && k.first() == key.first() && k == key
        })
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(self.position(key)?).map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let at = self.position(key)?;
        self.0.get_mut(at).map(|(_, v)| v)
    }

    /// Sets `key`: a new key goes last, an existing one keeps its place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.insert_value(Key::Text(key.into().into_boxed_str()), value.into());
    }

    // One copy of the insertion code, however many key and value types call it.
    #[inline(never)]
    fn insert_value(&mut self, key: Key, value: Value) {
        match self.get_mut(key.as_str()) {
            Some(slot) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.position(key)?;
        Some(self.0.remove(at).1)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the object has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Builder form of [`Map::insert`], for a key named in the code.
    #[must_use]
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.with_value(key, value.into());
        self
    }

    #[inline(never)]
    fn with_value(&mut self, key: &'static str, value: Value) {
        self.insert_value(Key::Named(key), value);
    }
}

impl Value {
    /// The object under `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, when this is an integral number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The object, when this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The object, mutably, when this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array, when this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// JavaScript truthiness: `null`, `false`, `0`, `""` are falsy.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_str().bytes().any(|b| (b'1'..=b'9').contains(&b)),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) => true,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Appends the JSON text of this value to `out`.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(n.as_str()),
            Value::String(s) => write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(k, out);
                    out.push(':');
                    v.write_to(out);
                }
                out.push('}');
            }
        }
    }

    /// The JSON text of this value.
    pub fn to_json(&self) -> String {
        // Events are a few hundred bytes: one allocation instead of a string that doubles
        // its way up.
        let mut out = String::with_capacity(512);
        self.write_to(&mut out);
        out
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    #[inline(never)]
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    #[inline(never)]
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    #[inline(never)]
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    #[inline(never)]
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(Number::from(i64::from(n)))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Object(m)
    }
}
impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Self {
        Value::Array(a)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// Writes `s` as a JSON string literal.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let mut rest = s;
    // Copy the runs between escapes in one go; escapes are all ASCII, so a run ends on a char
    // boundary.
    while let Some(at) = special_at(rest.as_bytes()) {
        let (run, tail) = rest.split_at_checked(at).unwrap_or((rest, ""));
        out.push_str(run);
        let Some(&b) = tail.as_bytes().first() else {
            break;
        };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                out.push_str("\\u00");
                for nibble in [b >> 4, b & 15] {
                    out.push(char::from(
                        HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                    ));
                }
            }
        }
        rest = tail.get(1..).unwrap_or("");
    }
    out.push_str(rest);
    out.push('"');
}

/// Where the first byte that a JSON string cannot hold as it is (`"`, `\\` or a control
/// character) is in `bytes`. Strings are most of an event's text, so they are searched eight
/// bytes at a time: each test below marks the bytes it finds with their top bit, and the lowest
/// mark is the first such byte (a borrow only ever marks bytes above a real find).
fn special_at(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |w: u64| w.wrapping_sub(ONES) & !w;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let Some(eight) = chunk.first_chunk::<8>() else {
            break;
        };
        let w = u64::from_le_bytes(*eight);
        let found = (zero_bytes(w ^ (ONES * u64::from(b'"')))
            | zero_bytes(w ^ (ONES * u64::from(b'\\')))
            | w.wrapping_sub(ONES * 0x20) & !w)
            & TOPS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text ended inside a value.
    #[error("JSON ended early")]
    UnexpectedEnd,
    /// A byte that cannot start or continue a value here.
    #[error("unexpected character in JSON at byte {0}")]
    UnexpectedChar(usize),
    /// Text follows the value.
    #[error("trailing characters after JSON at byte {0}")]
    TrailingCharacters(usize),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("JSON nested too deeply")]
    TooDeep,
    /// A malformed string escape.
    #[error("bad escape in JSON string at byte {0}")]
    BadEscape(usize),
}

/// Parses one JSON value that spans the whole text (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser::new(text);
    let value = p.value()?;
    p.end_of_text()?;
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    /// A lone surrogate escape was read as U+FFFD: the value differs from what the text says.
    lossy: bool,
}

/// A container being filled while parsing (the parser keeps its own stack, not the call stack).
enum Open {
    Array(Vec<Value>),
    Object(Map, String),
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            bytes: text.as_bytes(),
            text,
            pos: 0,
            lossy: false,
        }
    }

    // Called for nearly every byte: a call would cost more than its body, in time and size.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Only whitespace may follow the value.
    fn end_of_text(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(ParseError::TrailingCharacters(self.pos));
        }
        Ok(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect_byte(&mut self, b: u8) -> Result<(), ParseError> {
        self.skip_ws();
        match self.peek() {
            Some(c) if c == b => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(ParseError::UnexpectedChar(self.pos)),
            None => Err(ParseError::UnexpectedEnd),
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        self.walk(0, true)
    }

    /// Moves over one value, checking it as [`Parser::value`] does, without building it;
    /// `depth` containers are open around it.
    fn skip_value(&mut self, depth: usize) -> Result<(), ParseError> {
        self.walk(depth, false).map(drop)
    }

    /// One value, built when `build` is set (else `Null` stands for it); `depth` containers are
    /// open around it. One walker for both, so that what is skipped is checked exactly as what
    /// is built.
    fn walk(&mut self, depth: usize, build: bool) -> Result<Value, ParseError> {
        let mut stack: Vec<Open> = Vec::new();
        loop {
            // Parse one value, or open a container.
            self.skip_ws();
            let mut done = match self.peek() {
                None => return Err(ParseError::UnexpectedEnd),
                Some(b'{' | b'[') if depth + stack.len() >= MAX_DEPTH => {
                    return Err(ParseError::TooDeep)
                }
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::Object(Map::new())
                    } else {
                        let key = self.key(build)?;
                        stack.push(Open::Object(Map::new(), key));
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::Array(Vec::new())
                    } else {
                        stack.push(Open::Array(Vec::new()));
                        continue;
                    }
                }
                Some(b'"') if build => Value::String(self.string()?),
                Some(b'"') => self.string_span().map(|_| Value::Null)?,
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(b'-' | b'0'..=b'9') if build => Value::Number(self.number()?),
                Some(b'-' | b'0'..=b'9') => self.skip_number().map(|_| Value::Null)?,
                Some(_) => return Err(ParseError::UnexpectedChar(self.pos)),
            };
            // Hand the finished value to its container; close containers that end here.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                self.skip_ws();
                let next = self.peek();
                match top {
                    Open::Array(items) => {
                        if build {
                            items.push(done);
                        }
                        match next {
                            Some(b',') => {
                                self.pos += 1;
                                break;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                let Some(Open::Array(items)) = stack.pop() else {
                                    return Err(ParseError::UnexpectedChar(self.pos));
                                };
                                done = Value::Array(items);
                            }
                            Some(_) => return Err(ParseError::UnexpectedChar(self.pos)),
                            None => return Err(ParseError::UnexpectedEnd),
                        }
                    }
                    Open::Object(map, key) => {
                        if build {
                            map.insert(core::mem::take(key), done);
                        }
                        match next {
                            Some(b',') => {
                                self.pos += 1;
                                *key = self.key(build)?;
                                break;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let Some(Open::Object(map, _)) = stack.pop() else {
                                    return Err(ParseError::UnexpectedChar(self.pos));
                                };
                                done = Value::Object(map);
                            }
                            Some(_) => return Err(ParseError::UnexpectedChar(self.pos)),
                            None => return Err(ParseError::UnexpectedEnd),
                        }
                    }
                }
            }
        }
    }

    /// `"key" :`, the key built when `build` is set (else empty).
    fn key(&mut self, build: bool) -> Result<String, ParseError> {
        self.expect_quote()?;
        let key = if build {
            self.string()?
        } else {
            self.string_span()?;
            String::new()
        };
        self.expect_byte(b':')?;
        Ok(key)
    }

    /// Skips whitespace up to the opening quote of a string, which must come next.
    fn expect_quote(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => Ok(()),
            Some(_) => Err(ParseError::UnexpectedChar(self.pos)),
            None => Err(ParseError::UnexpectedEnd),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        let end = self.pos + word.len();
        match self.bytes.get(self.pos..end) {
            Some(b) if b == word.as_bytes() => {
                self.pos = end;
                Ok(value)
            }
            Some(_) => Err(ParseError::UnexpectedChar(self.pos)),
            None => Err(ParseError::UnexpectedEnd),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        self.skip_number()?;
        let text = self.text.get(start..self.pos).unwrap_or("0");
        Ok(Number(text.into()))
    }

    /// Moves over a number, checking its grammar.
    fn skip_number(&mut self) -> Result<(), ParseError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return Err(ParseError::UnexpectedChar(self.pos)),
            None => return Err(ParseError::UnexpectedEnd),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.end_or_char());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.end_or_char());
            }
        }
        Ok(())
    }

    fn end_or_char(&self) -> ParseError {
        if self.pos >= self.bytes.len() {
            ParseError::UnexpectedEnd
        } else {
            ParseError::UnexpectedChar(self.pos)
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                Some(_) => return Err(ParseError::BadEscape(self.pos)),
                None => return Err(ParseError::UnexpectedEnd),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    /// A string literal; the cursor is on the opening quote.
    fn string(&mut self) -> Result<String, ParseError> {
        let (start, end, decoded) = self.string_span()?;
        Ok(decoded.unwrap_or_else(|| self.text.get(start..end).unwrap_or("").to_owned()))
    }

    /// A string literal checked in place (the cursor on its opening quote): the span of its
    /// content, and its decoded text when it has escapes.
    fn string_span(&mut self) -> Result<(usize, usize, Option<String>), ParseError> {
        self.pos += 1;
        // Most strings have no escape: they are their text.
        let start = self.pos;
        let end = self.bytes.get(start..).and_then(special_at);
        if let Some(len) = end {
            if self.bytes.get(start + len) == Some(&b'"') {
                self.pos = start + len + 1;
                return Ok((start, start + len, None));
            }
        }
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character in one go.
            let run = self.pos;
            while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && c >= 0x20) {
                self.pos += 1;
            }
            out.push_str(self.text.get(run..self.pos).unwrap_or(""));
            match self.peek() {
                None => return Err(ParseError::UnexpectedEnd),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok((start, self.pos - 1, Some(out)));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek().ok_or(ParseError::UnexpectedEnd)?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    // A lone high surrogate: keep the next escape for itself.
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            // Lone surrogates cannot be held in a Rust string.
                            out.push(c.unwrap_or_else(|| {
                                self.lossy = true;
                                '\u{FFFD}'
                            }));
                        }
                        _ => return Err(ParseError::BadEscape(self.pos - 1)),
                    }
                }
                Some(_) => return Err(ParseError::UnexpectedChar(self.pos)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_serializes_an_event() {
        let text = r#"{"eventName":"delivered","serial":3001,"userData":{"data":{"a":"b"}},"list":[1,-2.5e3,true,null],"s":"\"q\"\\\n\u0001é"}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert_eq!(v.get("serial").and_then(Value::as_i64), Some(3001));
    }

    #[test]
    fn special_bytes_are_found_wherever_they_are() {
        let plain: Vec<u8> = (0x20..=0xff)
            .filter(|b| *b != b'"' && *b != b'\\')
            .collect();
        assert_eq!(special_at(&plain), None);
        for len in 0..20 {
            for at in 0..len {
                for special in [b'"', b'\\', 0, 0x1f, b'\n'] {
                    let mut bytes: Vec<u8> = plain.iter().cycle().take(len).copied().collect();
                    bytes[at] = special;
                    // A later special byte, and bytes that borrow, change nothing.
                    if at + 2 < len {
                        bytes[at + 2] = b'"';
                        bytes[at + 1] = 0;
                    }
                    assert_eq!(special_at(&bytes), Some(at), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn repeated_key_keeps_first_position_and_last_value() {
        let v = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(v.to_json(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn rejects_bad_input_with_typed_errors() {
        assert_eq!(parse(""), Err(ParseError::UnexpectedEnd));
        assert_eq!(parse("{"), Err(ParseError::UnexpectedEnd));
        assert_eq!(parse("[1,]"), Err(ParseError::UnexpectedChar(3)));
        assert_eq!(parse("01"), Err(ParseError::TrailingCharacters(1)));
        assert_eq!(parse("1."), Err(ParseError::UnexpectedEnd));
        assert_eq!(parse(r#""\x""#), Err(ParseError::BadEscape(2)));
        assert_eq!(parse("tru"), Err(ParseError::UnexpectedEnd));
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep), Err(ParseError::TooDeep));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn surrogate_pairs_and_lone_surrogates() {
        assert_eq!(parse(r#""\ud83d\ude00""#).unwrap().as_str(), Some("😀"));
        assert_eq!(parse(r#""\ud83dx""#).unwrap().as_str(), Some("\u{FFFD}x"));
        assert_eq!(
            parse(r#""\ud83d\u0041""#).unwrap().as_str(),
            Some("\u{FFFD}A")
        );
    }

    #[test]
    fn integers() {
        assert_eq!(Number::from(i64::MIN).as_i64(), Some(i64::MIN));
        assert_eq!(Number::from(0).as_str(), "0");
        assert_eq!(Number::from(1557367200000).as_str(), "1557367200000");
        assert_eq!(parse("1.5").unwrap().as_i64(), None);
        assert_eq!(parse("99999999999999999999").unwrap().as_i64(), None);
    }

    #[test]
    fn truthiness_follows_javascript() {
        for (t, truthy) in [
            ("0", false),
            ("-0.0", false),
            ("0.1", true),
            ("\"\"", false),
            ("\"0\"", true),
            ("null", false),
            ("[]", true),
            ("{}", true),
        ] {
            assert_eq!(parse(t).unwrap().is_truthy(), truthy, "{t}");
        }
    }

    fn sorted(v: Value) -> Value {
        match v {
            Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
            Value::Object(m) => {
                let mut kv: Vec<(Key, Value)> =
                    m.0.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                kv.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
                Value::Object(Map(kv))
            }
            v => v,
        }
    }

    pub(super) fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[^\u{0}]{0,8}".prop_map(Value::String),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6).prop_map(|kv| {
                    let mut m = Map::new();
                    for (k, v) in kv {
                        m.insert(k, v);
                    }
                    Value::Object(m)
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn serialize_then_parse_round_trips(v in arb_value()) {
            prop_assert_eq!(parse(&v.to_json()).unwrap(), v);
        }

        #[test]
        fn agrees_with_serde_json_on_valid_text(v in arb_value()) {
            let ours = v.to_json();
            let theirs: serde_json::Value = serde_json::from_str(&ours).unwrap();
            // serde_json sorts object keys; compare with keys sorted.
            prop_assert_eq!(sorted(parse(&theirs.to_string()).unwrap()), sorted(v));
        }

        #[test]
        fn arbitrary_text_never_panics(s in any::<String>()) {
            let _ = parse(&s);
        }

        #[test]
        fn accepts_what_serde_json_accepts(s in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,40}") {
            // serde_json also refuses numbers beyond f64 (`1e999`), which JSON allows.
            if serde_json::from_str::<serde_json::Value>(&s).is_ok() {
                prop_assert!(parse(&s).is_ok(), "{}", s);
            }
        }
    }
}
