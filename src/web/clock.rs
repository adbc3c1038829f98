//! The only place the time is read: `performance.now()` for deadlines, `Date` for stamps.

use wasm_bindgen::prelude::*;

use crate::client::Now;
use crate::time::{Instant, WallClock};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The time of an input. `performance.now()` never goes backwards, as the core requires.
pub(super) fn now() -> Now {
    let date = js_sys::Date::new_0();
    // Float-to-integer `as` saturates (and maps NaN to 0), so nothing here can fail.
    let mono = Instant::from_millis(performance_now() as u64);
    let wall = WallClock {
        epoch_ms: date.get_time() as i64,
        // `getTimezoneOffset()` is UTC minus local; the core wants local minus UTC.
        utc_offset_min: -(date.get_timezone_offset() as i32),
    };
    Now { mono, wall }
}

/// The monotonic time alone (for arming the timer and the status clock, where no date is
/// needed: cheaper than [`now`]).
pub(super) fn mono() -> Instant {
    Instant::from_millis(performance_now() as u64)
}
