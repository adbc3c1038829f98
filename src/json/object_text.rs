//! A JSON object read in place: its text, and where each top-level member is in it.
//!
//! An event is read field by field and handed on almost as it came. Building a [`Map`] of it
//! (an allocation per key and per string) and writing that out again cost more than all the
//! rest of handling it, so [`ObjectText::scan`] checks the text as [`parse`] would and records
//! only the members' spans: a field is read from the text when asked for, and the text can be
//! copied member by member ([`ObjectText::members`]).

use super::{int_of, parse, Map, ParseError, Parser, Value};

/// A JSON object kept as its text, with the spans of its top-level members.
///
/// ```
/// use well_client::json::ObjectText;
/// let text = r#"{"eventName":"held","serial":7,"userData":{"a":[1]},"note":"a\"b"}"#;
/// let event = ObjectText::scan(text).unwrap().unwrap();
/// assert_eq!(event.str("eventName"), Some("held"));
/// assert_eq!(event.int("serial"), Some(7));
/// assert_eq!(event.raw("userData"), Some(r#"{"a":[1]}"#));
/// assert_eq!(event.str("note"), Some("a\"b"));
/// assert!(event.is_plain());
/// ```
#[derive(Clone, Debug)]
pub struct ObjectText<'a> {
    text: &'a str,
    members: Vec<Member>,
    plain: bool,
}

#[derive(Clone, Debug)]
struct Member {
    /// The key's opening quote.
    start: usize,
    /// The key between its quotes.
    key: (usize, usize),
    /// The key has escapes: it is not compared by its text.
    key_escaped: bool,
    /// The value's JSON text.
    value: (usize, usize),
    /// A string value that has escapes, decoded.
    decoded: Option<String>,
}

impl<'a> ObjectText<'a> {
    /// Checks `text` as [`parse`] does and records its members: `Ok(None)` when it is JSON but
    /// not an object, the error `parse` gives when it is not JSON.
    pub fn scan(text: &'a str) -> Result<Option<ObjectText<'a>>, ParseError> {
        let mut p = Parser::new(text);
        let Some(members) = p.object_members()? else {
            return Ok(None);
        };
        let plain = !p.lossy && plain_keys(text, &members);
        Ok(Some(ObjectText {
            text,
            members,
            plain,
        }))
    }

    /// The whole text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Whether the text says exactly what a [`Map`] of it holds: no key is repeated or has
    /// escapes, and no string has a lone surrogate escape (which `parse` reads as U+FFFD).
    /// Only then may the text be passed on in place of the map.
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// The last member named `key` (as `JSON.parse` keeps the last of repeated keys); keys
    /// with escapes never match.
    fn member(&self, key: &str) -> Option<&Member> {
        let key = key.as_bytes();
        self.members.iter().rev().find(|m| {
            !m.key_escaped
                && self.text.as_bytes().get(m.key.0..m.key.1).is_some_and(|k| {
                    // Length and first byte tell most keys apart before a full comparison.
                    k.len() == key.len() && k.first() == key.first() && k == key
                })
        })
    }

    /// The JSON text of the value under `key`.
    pub fn raw(&self, key: &str) -> Option<&'a str> {
        let (start, end) = self.member(key)?.value;
        self.text.get(start..end)
    }

    /// The string under `key`; `None` when absent or not a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        let m = self.member(key)?;
        if let Some(decoded) = &m.decoded {
            return Some(decoded);
        }
        let (start, end) = m.value;
        self.text
            .get(start..end)?
            .strip_prefix('"')?
            .strip_suffix('"')
    }

    /// The integer under `key`; `None` when absent, not a number, or not an `i64`.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.raw(key).and_then(int_of)
    }

    /// The value under `key`, built.
    pub fn value(&self, key: &str) -> Option<Value> {
        parse(self.raw(key)?).ok()
    }

    /// The whole object, built.
    pub fn to_map(&self) -> Map {
        match parse(self.text) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }

    /// Each member in order: its key (`None` when it has escapes) and its text, `"key":value`.
    pub fn members(&self) -> impl Iterator<Item = (Option<&'a str>, &'a str)> + '_ {
        let text = self.text;
        self.members.iter().map(move |m| {
            let key = if m.key_escaped {
                None
            } else {
                text.get(m.key.0..m.key.1)
            };
            (key, text.get(m.start..m.value.1).unwrap_or_default())
        })
    }
}

/// Whether no key has escapes and none is repeated.
fn plain_keys(text: &str, members: &[Member]) -> bool {
    let key = |m: &Member| text.get(m.key.0..m.key.1).unwrap_or_default();
    // A bit per (length, first byte, last byte): two keys can only be equal when their bits
    // are, so most keys are checked against the earlier ones with one test.
    let mut seen = 0u64;
    for (i, m) in members.iter().enumerate() {
        if m.key_escaped {
            return false;
        }
        let k = key(m).as_bytes();
        let mix = k.len()
            ^ usize::from(k.first().copied().unwrap_or(0)) << 2
            ^ usize::from(k.last().copied().unwrap_or(0)) << 4;
        let bit = 1u64 << (mix % 64);
        if seen & bit != 0
            && members
                .get(..i)
                .unwrap_or_default()
                .iter()
                .any(|earlier| key(earlier).as_bytes() == k)
        {
            return false;
        }
        seen |= bit;
    }
    true
}

impl Parser<'_> {
    /// The members of the object that must make up the whole text, or `None` for another
    /// value. Checked step by step as [`Parser::walk`] checks an object, so that a text that
    /// is not JSON fails with the error `parse` gives.
    fn object_members(&mut self) -> Result<Option<Vec<Member>>, ParseError> {
        self.skip_ws();
        if self.peek() != Some(b'{') {
            self.skip_value(0)?;
            self.end_of_text()?;
            return Ok(None);
        }
        self.pos += 1;
        // Events have about twenty members.
        let mut members = Vec::with_capacity(24);
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.expect_quote()?;
                let start = self.pos;
                let (key_start, key_end, decoded_key) = self.string_span()?;
                self.expect_byte(b':')?;
                self.skip_ws();
                let value_start = self.pos;
                let decoded = if self.peek() == Some(b'"') {
                    self.string_span()?.2
                } else {
                    self.skip_value(1)?;
                    None
                };
                members.push(Member {
                    start,
                    key: (key_start, key_end),
                    key_escaped: decoded_key.is_some(),
                    value: (value_start, self.pos),
                    decoded,
                });
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return Err(ParseError::UnexpectedChar(self.pos)),
                    None => return Err(ParseError::UnexpectedEnd),
                }
            }
        }
        self.end_of_text()?;
        Ok(Some(members))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::arb_value;
    use super::super::MAX_DEPTH;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_fields_in_place() {
        let text =
            r#" { "a" : "x\u00e9" , "n":-12 ,"f":1.5,"o":{"k":[true,null]},"e":{},"s":"" } "#;
        let o = ObjectText::scan(text).unwrap().unwrap();
        assert_eq!(o.str("a"), Some("xé"));
        assert_eq!(o.int("n"), Some(-12));
        assert_eq!(o.int("f"), None);
        assert_eq!(o.raw("f"), Some("1.5"));
        assert_eq!(o.raw("o"), Some(r#"{"k":[true,null]}"#));
        assert_eq!(o.value("o"), parse(r#"{"k":[true,null]}"#).ok());
        assert_eq!(o.str("o"), None);
        assert_eq!(o.str("s"), Some(""));
        assert_eq!(o.raw("missing"), None);
        let members: Vec<_> = o.members().collect();
        assert_eq!(members.first(), Some(&(Some("a"), r#""a" : "x\u00e9""#)));
        assert_eq!(members.len(), 6);
        assert!(o.is_plain());
    }

    #[test]
    fn other_values_and_errors_are_those_of_parse() {
        assert!(ObjectText::scan("[1]").unwrap().is_none());
        assert!(ObjectText::scan(" \"x\" ").unwrap().is_none());
        for bad in [
            "",
            "{",
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            "{} x",
            r#"{"a":"\x"}"#,
            "[1,]",
        ] {
            assert_eq!(
                ObjectText::scan(bad).unwrap_err(),
                parse(bad).unwrap_err(),
                "{bad}"
            );
        }
        let deep = |n: usize| format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(ObjectText::scan(&deep(MAX_DEPTH - 1)).is_ok());
        assert_eq!(
            ObjectText::scan(&deep(MAX_DEPTH)).unwrap_err(),
            ParseError::TooDeep
        );
    }

    #[test]
    fn repeats_escaped_keys_and_lone_surrogates_are_not_plain() {
        for text in [
            r#"{"a":1,"b":2,"a":3}"#,
            r#"{"\u0061":1}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":{"b":"\udc00"}}"#,
        ] {
            let o = ObjectText::scan(text).unwrap().unwrap();
            assert!(!o.is_plain(), "{text}");
        }
        let o = ObjectText::scan(r#"{"a":1,"b":2,"a":3}"#).unwrap().unwrap();
        assert_eq!(
            o.int("a"),
            Some(3),
            "the last of repeated keys, as JSON.parse"
        );
        let o = ObjectText::scan(r#"{"a":"\ud83d\ude00","b":{"a":1},"ab":1,"ba":1}"#)
            .unwrap()
            .unwrap();
        assert!(o.is_plain());
    }

    proptest! {
        #[test]
        fn agrees_with_parse_on_any_value(v in arb_value()) {
            let text = v.to_json();
            match ObjectText::scan(&text).unwrap() {
                None => prop_assert!(v.as_object().is_none()),
                Some(o) => {
                    let map = v.as_object().unwrap();
                    prop_assert_eq!(&o.to_map(), map);
                    for (key, value) in map.iter() {
                        if o.is_plain() {
                            prop_assert_eq!(o.value(key), Some(value.clone()));
                            prop_assert_eq!(o.str(key), value.as_str());
                        }
                    }
                    if o.is_plain() {
                        let copied: Vec<&str> = o.members().map(|(_, m)| m).collect();
                        let joined = ["{", &copied.join(","), "}"].concat();
                        prop_assert_eq!(parse(&joined).unwrap(), v);
                    }
                }
            }
        }

        #[test]
        fn accepts_and_refuses_what_parse_does(s in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,40}") {
            let scanned = ObjectText::scan(&s).map(|o| o.map(|o| o.to_map()));
            match parse(&s) {
                Ok(Value::Object(m)) => prop_assert_eq!(scanned, Ok(Some(m))),
                Ok(_) => prop_assert_eq!(scanned, Ok(None)),
                Err(e) => prop_assert_eq!(scanned, Err(e)),
            }
        }

        #[test]
        fn object_texts_are_read_as_parse_reads_them(
            s in "\\{(\"[a-c\\\\u]{0,3}\":(\"[a-c\\\\ud8]{0,6}\"|[0-9]|\\[\\]|\\{\\}),){0,5}\"z\":1\\}",
        ) {
            let scanned = ObjectText::scan(&s).map(|o| o.map(|o| o.to_map()));
            match parse(&s) {
                Ok(Value::Object(m)) => prop_assert_eq!(scanned, Ok(Some(m))),
                Ok(_) => prop_assert!(false, "an object pattern"),
                Err(e) => prop_assert_eq!(scanned, Err(e)),
            }
        }
    }
}
