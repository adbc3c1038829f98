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
    /// String values with escapes, decoded: (member index, text).
    decoded: Vec<(usize, String)>,
    plain: bool,
}

#[derive(Clone, Debug)]
struct Member {
    /// The key's opening quote; the key starts one byte later.
    start: usize,
    /// Where the key ends (its closing quote).
    key_end: usize,
    /// The value's JSON text.
    value: (usize, usize),
    /// The key's length and first byte, [`ESCAPED`] for a key with escapes: lookups compare
    /// this before any text.
    tag: u32,
}

/// The tag of a key with escapes, which no key looked up has.
const ESCAPED: u32 = u32::MAX;

fn tag(key: &[u8]) -> u32 {
    let len = u32::try_from(key.len())
        .unwrap_or(u32::MAX)
        .min(0x00ff_fffe);
    len << 8 | u32::from(key.first().copied().unwrap_or(0))
}

/// What [`ObjectText::write_edited`] does with a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Copied as it is.
    Keep,
    /// Left out.
    Drop,
    /// Written with this value (JSON text) instead.
    Replace(String),
}

impl<'a> ObjectText<'a> {
    /// Checks `text` as [`parse`] does and records its members: `Ok(None)` when it is JSON but
    /// not an object, the error `parse` gives when it is not JSON.
    pub fn scan(text: &'a str) -> Result<Option<ObjectText<'a>>, ParseError> {
        let mut p = Parser::new(text);
        let mut decoded = Vec::new();
        let Some(members) = p.object_members(&mut decoded)? else {
            return Ok(None);
        };
        let plain = !p.lossy && plain_keys(text.as_bytes(), &members);
        Ok(Some(ObjectText {
            text,
            members,
            decoded,
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

    /// The key of `m`, `None` when it has escapes.
    fn key(&self, m: &Member) -> Option<&'a str> {
        if m.tag == ESCAPED {
            return None;
        }
        self.text.get(m.start + 1..m.key_end)
    }

    /// The last member named `key` (as `JSON.parse` keeps the last of repeated keys) and its
    /// index; keys with escapes never match.
    fn member(&self, key: &str) -> Option<(usize, &Member)> {
        let wanted = tag(key.as_bytes());
        let bytes = self.text.as_bytes();
        self.members.iter().enumerate().rev().find(|(_, m)| {
            m.tag == wanted && bytes.get(m.start + 1..m.key_end) == Some(key.as_bytes())
        })
    }

    /// The JSON text of the value under `key`.
    pub fn raw(&self, key: &str) -> Option<&'a str> {
        let (_, m) = self.member(key)?;
        self.text.get(m.value.0..m.value.1)
    }

    /// The string under `key`; `None` when absent or not a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        let (at, m) = self.member(key)?;
        if let Some((_, decoded)) = self.decoded.iter().find(|(i, _)| *i == at) {
            return Some(decoded);
        }
        self.text
            .get(m.value.0..m.value.1)?
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

    /// Writes `{` and the members, each as `edit` says for its key (`None` when the key has
    /// escapes); runs of kept members are copied in one piece, separators and all. Returns
    /// whether a member was written: the object is left open, for the caller to add members
    /// (`,"key":value`) and close.
    pub fn write_edited(
        &self,
        out: &mut String,
        mut edit: impl FnMut(Option<&str>) -> Edit,
    ) -> bool {
        out.push('{');
        let mut wrote = false;
        // Kept members not yet copied: from the first one's start to the last one's end.
        let mut run: Option<(usize, usize)> = None;
        let copy = |out: &mut String, from: usize, to: usize, wrote: &mut bool| {
            if *wrote {
                out.push(',');
            }
            out.push_str(self.text.get(from..to).unwrap_or_default());
            *wrote = true;
        };
        for m in &self.members {
            match edit(self.key(m)) {
                Edit::Keep => run = Some((run.map_or(m.start, |(from, _)| from), m.value.1)),
                edit => {
                    if let Some((from, to)) = run.take() {
                        copy(out, from, to, &mut wrote);
                    }
                    if let Edit::Replace(value) = edit {
                        // The key as written, up to the value.
                        copy(out, m.start, m.value.0, &mut wrote);
                        out.push_str(&value);
                    }
                }
            }
        }
        if let Some((from, to)) = run {
            copy(out, from, to, &mut wrote);
        }
        wrote
    }
}

/// Whether no key has escapes and none is repeated.
fn plain_keys(text: &[u8], members: &[Member]) -> bool {
    let key = |m: &Member| text.get(m.start + 1..m.key_end).unwrap_or_default();
    // A bit per tag and last byte: two keys can only be equal when their bits are, so most
    // keys are checked against the earlier ones with one test.
    let mut seen = 0u64;
    for (i, m) in members.iter().enumerate() {
        if m.tag == ESCAPED {
            return false;
        }
        let k = key(m);
        let last = u32::from(k.last().copied().unwrap_or(0));
        let bit = 1u64 << ((m.tag ^ m.tag >> 8 ^ last << 3) % 64);
        if seen & bit != 0
            && members
                .get(..i)
                .unwrap_or_default()
                .iter()
                .any(|earlier| earlier.tag == m.tag && key(earlier) == k)
        {
            return false;
        }
        seen |= bit;
    }
    true
}

impl Parser<'_> {
    /// The members of the object that must make up the whole text, or `None` for another
    /// value; string values with escapes go to `decoded`, by member index. Checked step by
    /// step as [`Parser::walk`] checks an object, so that a text that is not JSON fails with
    /// the error `parse` gives.
    fn object_members(
        &mut self,
        decoded: &mut Vec<(usize, String)>,
    ) -> Result<Option<Vec<Member>>, ParseError> {
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
                if self.peek() == Some(b'"') {
                    if let Some(text) = self.string_span()?.2 {
                        decoded.push((members.len(), text));
                    }
                } else {
                    self.skip_value(1)?;
                }
                let tag = match decoded_key {
                    Some(_) => ESCAPED,
                    None => tag(self.bytes.get(key_start..key_end).unwrap_or_default()),
                };
                members.push(Member {
                    start,
                    key_end,
                    value: (value_start, self.pos),
                    tag,
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
        let mut out = String::new();
        let edit = |key: Option<&str>| match key {
            Some("n") => Edit::Drop,
            Some("f") => Edit::Replace("2".into()),
            _ => Edit::Keep,
        };
        assert!(o.write_edited(&mut out, edit));
        assert_eq!(
            out,
            r#"{"a" : "x\u00e9","f":2,"o":{"k":[true,null]},"e":{},"s":"""#
        );
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
                        let mut copied = String::new();
                        o.write_edited(&mut copied, |_| Edit::Keep);
                        copied.push('}');
                        prop_assert_eq!(parse(&copied).unwrap(), v.clone());
                        // Every other member left out, the rest renamed to null.
                        let mut edited = String::new();
                        let mut i = 0;
                        o.write_edited(&mut edited, |_| {
                            i += 1;
                            if i % 2 == 0 { Edit::Drop } else { Edit::Replace("null".into()) }
                        });
                        edited.push('}');
                        let expected: Map = map
                            .iter()
                            .step_by(2)
                            .fold(Map::new(), |mut m, (k, _)| { m.insert(k, Value::Null); m });
                        prop_assert_eq!(parse(&edited).unwrap(), Value::Object(expected));
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
