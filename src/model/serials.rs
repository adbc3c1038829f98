//! Duplicate suppression: the serials of the last frames of one connection (DECISIONS.md row 21).
//!
//! 1.3.7 compared a serial with the previous frame's only, so a duplicate that arrived after
//! another frame went through twice. The window remembers the last [`WINDOW`] serials.

use std::borrow::Cow;

use crate::json;

/// Serials remembered per connection.
pub const WINDOW: usize = 128;

/// A serial as compared: integers (the platform's serials) by value, anything else by its
/// JSON text, so `5` and `"5"` differ, as they did under `===`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Int(i64),
    Text(String),
}

/// Buckets of the window's filter.
const BUCKETS: usize = 256;

/// The serials seen recently, oldest overwritten first.
#[derive(Clone, Debug)]
pub struct SerialWindow {
    seen: Vec<Key>,
    next: usize,
    /// How many serials of the window fall in each bucket: a serial whose bucket is empty is
    /// new without a search, and consecutive integers, the platform's serials, never share one.
    buckets: [u8; BUCKETS],
}

impl Default for SerialWindow {
    fn default() -> Self {
        SerialWindow {
            seen: Vec::new(),
            next: 0,
            buckets: [0; BUCKETS],
        }
    }
}

impl Key {
    fn bucket(&self) -> usize {
        let n = match self {
            Key::Int(i) => *i as u64,
            Key::Text(t) => t.bytes().fold(t.len() as u64, |h, b| {
                h.wrapping_mul(31).wrapping_add(u64::from(b))
            }),
        };
        (n % BUCKETS as u64) as usize
    }
}

impl SerialWindow {
    /// Records `serial`, given as its JSON text; `false` when it is already in the window (a
    /// duplicate).
    pub fn insert(&mut self, serial: &str) -> bool {
        let key = match json::int_of(serial) {
            Some(i) => Key::Int(i),
            None => Key::Text(compact(serial).into_owned()),
        };
        let bucket = key.bucket();
        if self.buckets.get(bucket).is_some_and(|n| *n > 0) && self.seen.contains(&key) {
            return false;
        }
        if self.seen.len() < WINDOW {
            self.seen.push(key);
        } else if let Some(slot) = self.seen.get_mut(self.next) {
            let old = core::mem::replace(slot, key);
            if let Some(n) = self.buckets.get_mut(old.bucket()) {
                *n = n.saturating_sub(1);
            }
        }
        if let Some(n) = self.buckets.get_mut(bucket) {
            *n = n.saturating_add(1);
        }
        self.next = (self.next + 1) % WINDOW;
        true
    }

    /// Forgets every serial (a new connection).
    pub fn clear(&mut self) {
        *self = SerialWindow::default();
    }
}

/// A value's JSON text as [`json::Value::to_json`] writes it: the text itself when it is a number, a
/// literal or a string without escapes (nothing to rewrite), else rewritten.
pub fn compact(json: &str) -> Cow<'_, str> {
    if !json.contains('\\') && !matches!(json.as_bytes().first(), Some(b'{' | b'[')) {
        return Cow::Borrowed(json);
    }
    match json::parse(json) {
        Ok(value) => Cow::Owned(value.to_json()),
        Err(_) => Cow::Borrowed(json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_duplicates_that_are_not_consecutive() {
        let mut w = SerialWindow::default();
        assert!(w.insert("1"));
        assert!(w.insert("2"));
        assert!(!w.insert("1"));
        assert!(!w.insert("2"));
        assert!(w.insert(r#""1""#), "a string serial is another serial");
        assert!(!w.insert(r#""1""#));
        // Serials that share a bucket are still told apart.
        assert!(w.insert(&(1 + BUCKETS as i64).to_string()));
        assert!(!w.insert(&(1 + BUCKETS as i64).to_string()));
    }

    #[test]
    fn serials_are_compared_as_values_are_written() {
        let mut w = SerialWindow::default();
        for (first, again) in [
            ("7", "7"),
            ("1.50", "1.50"),
            ("99999999999999999999", "99999999999999999999"),
            (r#""a/b""#, r#""a\/b""#),
            (r#"{"a":[1]}"#, r#"{ "a" : [ 1 ] }"#),
            ("true", "true"),
        ] {
            assert!(w.insert(first), "{first}");
            assert!(!w.insert(again), "{again}");
            assert_eq!(
                compact(again),
                json::parse(first).unwrap().to_json(),
                "{again}"
            );
        }
    }

    #[test]
    fn forgets_the_oldest_beyond_the_window_and_on_clear() {
        let mut w = SerialWindow::default();
        for n in 0..=WINDOW {
            assert!(w.insert(&n.to_string()));
        }
        assert!(w.insert("0"), "serial 0 fell out of the window");
        assert!(!w.insert(&WINDOW.to_string()));
        // Around the window many times over: the filter forgets what the window forgets.
        for n in 0..10 * WINDOW {
            assert!(w.insert(&(1000 + n).to_string()));
        }
        assert!(!w.insert(&(1000 + 10 * WINDOW - 1).to_string()));
        assert!(w.insert(&(1000 + 8 * WINDOW).to_string()));
        w.clear();
        assert!(w.insert(&WINDOW.to_string()));
    }
}
