//! Duplicate suppression: the serials of the last frames of one connection (DECISIONS.md row 21).
//!
//! 1.3.7 compared a serial with the previous frame's only, so a duplicate that arrived after
//! another frame went through twice. The window remembers the last [`WINDOW`] serials.

use crate::json::Value;

/// Serials remembered per connection.
pub const WINDOW: usize = 128;

/// A serial as compared: integers (the platform's serials) by value, anything else by its
/// JSON text, so `5` and `"5"` differ, as they did under `===`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Int(i64),
    Text(String),
}

/// The serials seen recently, oldest overwritten first.
#[derive(Clone, Debug, Default)]
pub struct SerialWindow {
    seen: Vec<Key>,
    next: usize,
}

impl SerialWindow {
    /// Records `serial`; `false` when it is already in the window (a duplicate).
    pub fn insert(&mut self, serial: &Value) -> bool {
        let key = match serial {
            Value::Number(n) if !n.as_str().contains(['.', 'e', 'E']) => match n.as_i64() {
                Some(i) => Key::Int(i),
                None => Key::Text(serial.to_json()),
            },
            _ => Key::Text(serial.to_json()),
        };
        if self.seen.contains(&key) {
            return false;
        }
        if self.seen.len() < WINDOW {
            self.seen.push(key);
        } else if let Some(slot) = self.seen.get_mut(self.next) {
            *slot = key;
        }
        self.next = (self.next + 1) % WINDOW;
        true
    }

    /// Forgets every serial (a new connection).
    pub fn clear(&mut self) {
        self.seen.clear();
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_duplicates_that_are_not_consecutive() {
        let mut w = SerialWindow::default();
        assert!(w.insert(&Value::from(1_i64)));
        assert!(w.insert(&Value::from(2_i64)));
        assert!(!w.insert(&Value::from(1_i64)));
        assert!(!w.insert(&Value::from(2_i64)));
        assert!(
            w.insert(&Value::from("1")),
            "a string serial is another serial"
        );
    }

    #[test]
    fn forgets_the_oldest_beyond_the_window_and_on_clear() {
        let mut w = SerialWindow::default();
        for n in 0..=WINDOW as i64 {
            assert!(w.insert(&Value::from(n)));
        }
        assert!(
            w.insert(&Value::from(0_i64)),
            "serial 0 fell out of the window"
        );
        assert!(!w.insert(&Value::from(WINDOW as i64)));
        w.clear();
        assert!(w.insert(&Value::from(WINDOW as i64)));
    }
}
