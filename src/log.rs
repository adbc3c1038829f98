//! The bounded event log behind `getLog()`, `downloadLog()` and `uploadLog()`.
//!
//! It keeps the last [`MAX_ENTRIES`] entries in 1.3.7's line format
//! `[MM-DD HH:mm:ss.mmm]: <text>` (each text cut to [`MAX_ENTRY_CHARS`] characters). A header
//! and a footer are made when the log is read and are not entries. Passwords never reach it:
//! callers log request summaries, never bodies of login requests.

use std::collections::VecDeque;

use crate::time::{clock_text, date_time, log_stamp, write_log_stamp, WallClock};

/// Entries kept; the oldest is dropped first.
pub const MAX_ENTRIES: usize = 2500;
/// Characters kept of each entry's text.
pub const MAX_ENTRY_CHARS: usize = 1500;

/// The event log.
#[derive(Debug, Default)]
pub struct EventLog {
    entries: VecDeque<String>,
    started: Option<WallClock>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        EventLog::default()
    }

    /// Appends one entry stamped `at`.
    pub fn push(&mut self, at: WallClock, text: &str) {
        if self.started.is_none() {
            self.started = Some(at);
        }
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.pop_front();
        }
        // Fewer bytes than the limit means fewer characters too: no need to count them.
        let cut = if text.len() <= MAX_ENTRY_CHARS {
            text
        } else {
            text.char_indices()
                .nth(MAX_ENTRY_CHARS)
                .map_or(text, |(i, _)| text.get(..i).unwrap_or(text))
        };
        let mut line = String::with_capacity(cut.len() + 24);
        line.push('[');
        write_log_stamp(at, &mut line);
        line.push_str("]: ");
        line.push_str(cut);
        self.entries.push_back(line);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every entry (logout, `clearLog()`).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.started = None;
    }

    /// Entries only, separated by blank lines, as 1.3.7's buffer held them.
    pub fn entries_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(e);
            out.push_str("\n\n");
        }
        out
    }

    /// The whole log as `getLog()` returns it: header, entries, footer.
    pub fn render(&self, now: WallClock) -> String {
        let started = self.started.unwrap_or(now);
        let mut out = String::from("---- Session started: ");
        out.push_str(&date_time(started));
        out.push_str(" ----\n\n");
        out.push_str(&self.entries_text());
        out.push_str("---- Log retrieved: ");
        out.push_str(&date_time(now));
        out.push_str(" ----\n---- Session duration: ");
        let ms = u64::try_from(now.epoch_ms.saturating_sub(started.epoch_ms)).unwrap_or(0);
        out.push_str(&clock_text(core::time::Duration::from_millis(ms)));
        out.push_str(" ----\n");
        out
    }

    /// The download file name, `<MM-DD HH:mm:ss.mmm>-log4b.txt` as 1.3.7 named it.
    pub fn file_name(now: WallClock) -> String {
        let mut name = log_stamp(now);
        name.push_str("-log4b.txt");
        name
    }
}

/// The upload file name: `domain + 'w' + number + 'w' + MMDDHH + 'txt'`, alphanumerics only.
pub fn upload_name(domain: &str, number: &str, now: WallClock) -> String {
    let c = now.local();
    let stamp = [c.month, c.day, c.hour]
        .iter()
        .map(|n| {
            let mut s = String::new();
            s.push(char::from(b'0' + (n / 10 % 10) as u8));
            s.push(char::from(b'0' + (n % 10) as u8));
            s
        })
        .collect::<String>();
    [domain, "w", number, "w", &stamp, "txt"]
        .concat()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: WallClock = WallClock {
        epoch_ms: 1_557_367_205_042,
        utc_offset_min: 480,
    };

    #[test]
    fn keeps_the_last_entries_in_line_format() {
        let mut log = EventLog::new();
        for i in 0..MAX_ENTRIES + 10 {
            log.push(AT, &i.to_string());
        }
        assert_eq!(log.len(), MAX_ENTRIES);
        let text = log.entries_text();
        assert!(text.starts_with("[05-09 10:00:05.042]: 10\n\n"));
        assert!(text.ends_with("]: 2509\n\n"));
    }

    #[test]
    fn cuts_long_entries_on_char_boundaries() {
        let mut log = EventLog::new();
        log.push(AT, &"é".repeat(MAX_ENTRY_CHARS + 5));
        assert_eq!(
            log.entries_text().chars().filter(|c| *c == 'é').count(),
            MAX_ENTRY_CHARS
        );
    }

    #[test]
    fn render_has_header_and_footer() {
        let mut log = EventLog::new();
        log.push(AT, "{\"eventName\":\"agentReady\"}");
        let later = WallClock {
            epoch_ms: AT.epoch_ms + 15_000,
            ..AT
        };
        let text = log.render(later);
        assert!(text.starts_with("---- Session started: 2019-05-09 10:00:05 ----\n\n[05-09"));
        assert!(text.ends_with("---- Session duration: 0:00:15 ----\n"));
        log.clear();
        assert!(log.is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(EventLog::file_name(AT), "05-09 10:00:05.042-log4b.txt");
        assert_eq!(upload_name("test.cc", "5001", AT), "testccw5001w050910txt");
    }
}
