//! Dial strings: what a `to`, `transferTo` or `consultationParticipant` asks the PBX to reach.

/// A dial string split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dial {
    /// `<switchboard>-[Ww]*<extension>`: call the switchboard, wait 1 s per `W` and 0.5 s per
    /// `w` once it answers, then send the extension digits (the FAQ's "direct transfer" form,
    /// e.g. `938834600-WW8001`).
    Switchboard {
        /// The number dialled first (trunk prefix included).
        main: String,
        /// The pause before the extension digits, in ms.
        wait_ms: u64,
        /// The extension reached at the end.
        extension: String,
    },
    /// Anything else: an extension, a queue or an outside number (with its trunk prefix).
    Plain(String),
}

/// Splits `to` (a bare number or `number@domain`; surrounding spaces ignored).
pub(crate) fn parse(to: &str) -> Dial {
    let to = to.trim();
    let number = to.split_once('@').map_or(to, |(n, _)| n);
    if let Some((main, tail)) = number.split_once('-') {
        let extension = tail.trim_start_matches(['W', 'w']);
        let pauses = &tail[..tail.len() - extension.len()];
        if is_digits(main) && is_digits(extension) {
            let wait_ms = pauses
                .chars()
                .map(|c| if c == 'W' { 1000 } else { 500 })
                .sum();
            return Dial::Switchboard {
                main: main.into(),
                wait_ms,
                extension: extension.into(),
            };
        }
    }
    Dial::Plain(number.into())
}

/// Non-empty and ASCII digits only.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// What the call-progress codes of `failed` mean (PROTOCOL.md §12).
pub(crate) fn failed_message(code: u32) -> &'static str {
    match code {
        1 => "busy now",
        2 => "call reminder",
        3 => "not reachable",
        4 => "barring of incoming",
        5 => "forwarded",
        6 => "power off",
        7 => "out of service",
        8 => "does not exist",
        9 => "hold on",
        10 => "line is busy",
        11 => "not answer",
        _ => "unknown",
    }
}

/// The hangup cause a failed call's clearings carry, in FreeSWITCH's words.
pub(crate) fn failed_cause(code: u32) -> &'static str {
    match code {
        1 | 10 => "USER_BUSY",
        3 => "NO_ROUTE_DESTINATION",
        4 => "CALL_REJECTED",
        6 => "SUBSCRIBER_ABSENT",
        7 => "DESTINATION_OUT_OF_ORDER",
        8 => "UNALLOCATED_NUMBER",
        11 => "NO_ANSWER",
        _ => "NORMAL_TEMPORARY_FAILURE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switchboard_form_counts_pauses() {
        assert_eq!(
            parse("938834600-WW8001"),
            Dial::Switchboard {
                main: "938834600".into(),
                wait_ms: 2000,
                extension: "8001".into()
            }
        );
        assert_eq!(
            parse("938834600-Ww8002@test.cc"),
            Dial::Switchboard {
                main: "938834600".into(),
                wait_ms: 1500,
                extension: "8002".into()
            }
        );
        assert_eq!(
            parse("938834600-8003"),
            Dial::Switchboard {
                main: "938834600".into(),
                wait_ms: 0,
                extension: "8003".into()
            }
        );
    }

    #[test]
    fn other_strings_are_plain() {
        assert_eq!(parse(" 8002 "), Dial::Plain("8002".into()));
        assert_eq!(parse("8002@test.cc"), Dial::Plain("8002".into()));
        assert_eq!(parse("010-1234x"), Dial::Plain("010-1234x".into()));
        assert_eq!(parse("-WW8001"), Dial::Plain("-WW8001".into()));
    }
}
