//! Time as values: a monotonic [`Instant`] for timers, a [`WallClock`] for stamps.
//!
//! The core never reads a clock. The adapter passes the monotonic time with every input
//! (`performance.now()` in the browser, a virtual clock in tests) and the wall-clock time with
//! its local UTC offset where dates are needed (log lines, call time ids).

use core::time::Duration;

/// Milliseconds on a monotonic clock with an arbitrary origin.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The instant `ms` milliseconds after the clock's origin.
    pub const fn from_millis(ms: u64) -> Self {
        Instant(ms)
    }

    /// Milliseconds since the clock's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// `self + d`, saturating.
    #[must_use]
    #[allow(clippy::should_implement_trait)] // saturating, unlike the `Add` operator
    pub fn add(self, d: Duration) -> Self {
        Instant(self.0.saturating_add(duration_ms(d)))
    }

    /// Time from `earlier` to `self`, zero when `earlier` is later.
    pub fn since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

/// Whole milliseconds of `d`, saturating.
pub fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The wall-clock time and the local UTC offset at that time.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct WallClock {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub epoch_ms: i64,
    /// Minutes to add to UTC to get local time (UTC+8 is `480`; the opposite sign of
    /// JavaScript's `getTimezoneOffset()`).
    pub utc_offset_min: i32,
}

impl WallClock {
    /// A wall clock in UTC.
    pub const fn utc(epoch_ms: i64) -> Self {
        WallClock {
            epoch_ms,
            utc_offset_min: 0,
        }
    }

    /// Local civil time.
    pub fn local(self) -> Civil {
        Civil::from_epoch_ms(self.epoch_ms + i64::from(self.utc_offset_min) * 60_000)
    }
}

/// A broken-down civil date and time (no time zone).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Civil {
    /// The year (proleptic Gregorian).
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
    /// 0 to 999.
    pub millis: u32,
}

impl Civil {
    /// The civil time `ms` after the epoch (proleptic Gregorian calendar).
    pub fn from_epoch_ms(ms: i64) -> Self {
        let days = ms.div_euclid(86_400_000);
        let rem = ms.rem_euclid(86_400_000);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3_600_000) as u32,
            minute: (rem / 60_000 % 60) as u32,
            second: (rem / 1000 % 60) as u32,
            millis: (rem % 1000) as u32,
        }
    }

    /// Milliseconds since the epoch of this civil time read as UTC.
    pub fn to_epoch_ms(self) -> i64 {
        let y = self.year - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400_000
            + i64::from(self.hour) * 3_600_000
            + i64::from(self.minute) * 60_000
            + i64::from(self.second) * 1000
            + i64::from(self.millis)
    }
}

fn push2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `MM-DD HH:mm:ss.mmm` in local time: the stamp of event-log lines.
pub fn log_stamp(at: WallClock) -> String {
    let mut out = String::with_capacity(18);
    write_log_stamp(at, &mut out);
    out
}

/// Appends [`log_stamp`] to `out`.
pub fn write_log_stamp(at: WallClock, out: &mut String) {
    let c = at.local();
    // Written as bytes, then added in one piece: it is done for every event logged. Each
    // field's two digits are three bytes after the last's.
    let mut stamp = *b"00-00 00:00:00.000";
    let fields = [c.month, c.day, c.hour, c.minute, c.second, c.millis / 10];
    for (i, n) in fields.into_iter().enumerate() {
        if let Some([tens, ones]) = stamp.get_mut(i * 3..i * 3 + 2) {
            *tens = b'0' + (n / 10 % 10) as u8;
            *ones = b'0' + (n % 10) as u8;
        }
    }
    if let Some(last) = stamp.last_mut() {
        *last = b'0' + (c.millis % 10) as u8;
    }
    out.push_str(core::str::from_utf8(&stamp).unwrap_or_default());
}

/// `YYYY-MM-DD HH:mm:ss` in local time.
pub fn date_time(at: WallClock) -> String {
    let c = at.local();
    let mut out = crate::json::int_text(c.year);
    out.push('-');
    push2(&mut out, c.month);
    out.push('-');
    push2(&mut out, c.day);
    out.push(' ');
    push2(&mut out, c.hour);
    out.push(':');
    push2(&mut out, c.minute);
    out.push(':');
    push2(&mut out, c.second);
    out
}

/// `H:MM:SS` of a duration (the status clock and the log footer).
pub fn clock_text(d: Duration) -> String {
    let s = d.as_secs();
    let mut out = crate::json::int_text(i64::try_from(s / 3600).unwrap_or(i64::MAX));
    out.push(':');
    push2(&mut out, (s / 60 % 60) as u32);
    out.push(':');
    push2(&mut out, (s % 60) as u32);
    out
}

/// Parses the platform's `eventTime` (`YYYY.MM.DD HH:mm:ss`, local time of the browser, as
/// 1.3.7 reads it) into epoch milliseconds. `None` when the text is not of that form.
pub fn parse_event_time(text: &str, utc_offset_min: i32) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 19 {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let seps = [(4, b'.'), (7, b'.'), (10, b' '), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| b.get(i) != Some(&c)) {
        return None;
    }
    let civil = Civil {
        year: i64::from(num(0, 4)?),
        month: num(5, 2)?,
        day: num(8, 2)?,
        hour: num(11, 2)?,
        minute: num(14, 2)?,
        second: num(17, 2)?,
        millis: 0,
    };
    let valid = (1..=12).contains(&civil.month)
        && (1..=31).contains(&civil.day)
        && civil.hour < 24
        && civil.minute < 60
        && civil.second < 60;
    valid.then(|| civil.to_epoch_ms() - i64::from(utc_offset_min) * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn event_time_in_utc_plus_8() {
        assert_eq!(
            parse_event_time("2019.05.09 10:00:00", 480),
            Some(1_557_367_200_000)
        );
        assert_eq!(
            parse_event_time("2019.05.09 10:00:05", 480),
            Some(1_557_367_205_000)
        );
        assert_eq!(parse_event_time("2019-05-09 10:00:05", 480), None);
        assert_eq!(parse_event_time("2019.13.09 10:00:05", 480), None);
        assert_eq!(parse_event_time("", 0), None);
        assert_eq!(parse_event_time("2019.05.09 10:00:0é", 0), None);
    }

    #[test]
    fn stamps() {
        let at = WallClock {
            epoch_ms: 1_557_367_205_042,
            utc_offset_min: 480,
        };
        assert_eq!(log_stamp(at), "05-09 10:00:05.042");
        assert_eq!(date_time(at), "2019-05-09 10:00:05");
        assert_eq!(clock_text(Duration::from_secs(3725)), "1:02:05");
        assert_eq!(clock_text(Duration::ZERO), "0:00:00");
    }

    proptest! {
        #[test]
        fn civil_round_trips(ms in -10_000_000_000_000i64..10_000_000_000_000i64) {
            prop_assert_eq!(Civil::from_epoch_ms(ms).to_epoch_ms(), ms);
        }
    }
}
