//! Device ids: the number part, and whether a device is outside the call center (§7.6).

/// The part of a device id before the first `@` (`8001@test.cc` → `8001`).
pub fn device_number(device: &str) -> &str {
    device.split('@').next().unwrap_or_default()
}

/// Whether a number is internal by 1.3.7's `innerDeviceReg`,
/// `/^8\d{3,5}|902138784800|902138834600/`: it starts with `8` and three digits (there is no end
/// anchor, so longer numbers count too), or it contains one of the two switchboard numbers.
pub fn is_internal_number(number: &str) -> bool {
    let extension = number.as_bytes().first() == Some(&b'8')
        && number
            .as_bytes()
            .get(1..4)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    // Compared as byte windows, not with `str::contains`: its two-way searcher and the
    // slicing checks behind it are some 3 KB of wasm for two fixed needles.
    let contains = |needle: &[u8]| number.as_bytes().windows(needle.len()).any(|w| w == needle);
    extension || contains(b"902138784800") || contains(b"902138834600")
}

/// Whether `device` is outside the call center (1.3.7's `isOutDeviceId`).
pub fn is_external_device(device: &str) -> bool {
    !is_internal_number(device_number(device))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_part() {
        assert_eq!(device_number("8001@test.cc"), "8001");
        assert_eq!(device_number("8001"), "8001");
        assert_eq!(device_number("a@b@c"), "a");
        assert_eq!(device_number(""), "");
    }

    #[test]
    fn inner_device_reg_as_1_3_7() {
        for (device, external) in [
            ("8001@test.cc", false),
            ("800@test.cc", true),
            ("8000000@test.cc", false),
            ("80000000000", false), // no end anchor
            ("8a001@test.cc", true),
            ("18001@test.cc", true),
            ("913800000000@test.cc", true),
            ("13800000000@test.cc", true),
            ("0902138784800@test.cc", false), // contained anywhere
            ("x902138834600y", false),
            ("@test.cc", true),
            ("", true),
            ("8٠٠١@test.cc", true), // \d is ASCII only
        ] {
            assert_eq!(is_external_device(device), external, "{device}");
        }
    }
}
