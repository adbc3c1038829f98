//! Time-bounded fuzzing of the STOMP decoder and session, plus replay of saved inputs.
//!
//! `exercise` feeds one input through the decoder (every version, two size limits, three
//! chunkings) and through client sessions, checking their invariants. The fuzz test runs it
//! on random and mutated inputs for a fixed wall-clock budget: 20 s when `CI` is set, 3 s
//! otherwise, or `STOMP_FUZZ_SECS`. `STOMP_FUZZ_SEED` repeats a run. A failing input is saved
//! under `tests/fuzz-crashers/stomp/`, whose files are replayed by `saved_inputs_replay`.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a panic is how a failure is reported.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use well_client::stomp::{Command, Decoder, Frame, Session, SessionConfig, SessionEvent, Version};
use well_client::time::Instant;

fn crashers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-crashers/stomp")
}

/// Every saved input (not the README).
fn saved_inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let mut inputs: Vec<_> = std::fs::read_dir(crashers_dir())
        .expect("tests/fuzz-crashers/stomp exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.extension().is_some_and(|e| e == "bin"))
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable input");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

/// Runs `bytes` through the decoder and the session every way we know, panicking on any
/// broken invariant. Deterministic, so a saved input reproduces its failure.
fn exercise(bytes: &[u8]) {
    let versions = [
        None,
        Some(Version::V1_0),
        Some(Version::V1_1),
        Some(Version::V1_2),
    ];
    for version in versions {
        for limit in [Decoder::DEFAULT_MAX_FRAME_SIZE, 97] {
            let whole = decode(bytes, version, limit, bytes.len().max(1));
            let bytewise = decode(bytes, version, limit, 1);
            let sevens = decode(bytes, version, limit, 7);
            // Items before the first error do not depend on how the bytes were cut. (After
            // an error the decoder stops, so a smaller chunk may stop earlier or later.)
            assert_eq!(
                whole, bytewise,
                "whole vs bytewise, {version:?} limit {limit}"
            );
            assert_eq!(
                whole, sevens,
                "whole vs 7-byte chunks, {version:?} limit {limit}"
            );
        }
    }
    for connected_first in [false, true] {
        for chunk in [bytes.len().max(1), 1, 13] {
            drive_session(bytes, connected_first, chunk);
        }
    }
}

/// Decodes `bytes` pushed `chunk` bytes at a time; returns the items (as debug text) and
/// the error, if any.
fn decode(bytes: &[u8], version: Option<Version>, limit: usize, chunk: usize) -> Vec<String> {
    let mut decoder = Decoder::with_max_frame_size(limit);
    if let Some(v) = version {
        decoder.set_version(v);
    }
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk) {
        decoder.push(piece);
        // Every item consumes at least one byte: more items than bytes would be a loop.
        let budget = decoder.buffered() + 1;
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps <= budget, "decoder made no progress");
            match decoder.next() {
                Ok(Some(item)) => out.push(format!("{item:?}")),
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(decoder.next(), Err(e.clone()), "errors are sticky");
                    assert_eq!(decoder.buffered(), 0, "a failed decoder holds nothing");
                    out.push(format!("error: {e:?}"));
                    return out;
                }
            }
        }
        assert!(
            decoder.buffered() <= limit,
            "decoder buffered past its limit"
        );
    }
    out
}

/// Feeds `bytes` to a client session `chunk` bytes at a time, 7 s apart, firing its timer
/// whenever due; checks it raises at most one `Closed` and nothing after it.
fn drive_session(bytes: &[u8], connected_first: bool, chunk: usize) {
    let mut session = Session::new(SessionConfig::default());
    session.subscribe("/topic/a");
    session.handle_open(Instant::from_millis(0));
    let mut now = 0;
    if connected_first {
        session.handle_data(
            b"CONNECTED\nversion:1.2\nheart-beat:10000,10000\n\n\0",
            Instant::from_millis(0),
        );
    }
    let mut closed = 0;
    let mut check = |session: &mut Session| {
        while session.poll_transmit().is_some() {}
        while let Some(event) = session.poll_event() {
            assert_eq!(closed, 0, "event after Closed: {event:?}");
            if let SessionEvent::Closed(_) = event {
                closed += 1;
            }
        }
        assert_eq!(session.state().is_closed(), closed == 1);
    };
    let pieces: Vec<&[u8]> = bytes.chunks(chunk).collect();
    for (i, piece) in pieces.iter().enumerate() {
        now += 7_000;
        if let Some(deadline) = session.poll_timeout() {
            if deadline.as_millis() <= now {
                session.handle_timeout(deadline);
                check(&mut session);
            }
        }
        session.handle_data(piece, Instant::from_millis(now));
        check(&mut session);
        if i == pieces.len() / 2 && piece.first().is_some_and(|b| b % 2 == 1) {
            session.disconnect(Instant::from_millis(now));
            check(&mut session);
        }
    }
    session.handle_close(Instant::from_millis(now + 1));
    check(&mut session);
}

/// xorshift64*: a small deterministic generator, enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        // Half the time a byte that matters to the grammar.
        const SPECIAL: &[u8] = b"\n\r\0:\\ncr0123456789-";
        if self.below(2) == 0 {
            SPECIAL[self.below(SPECIAL.len())]
        } else {
            self.next() as u8
        }
    }
}

/// A plausible frame with random headers and body, written for a random version.
fn random_frame(rng: &mut Rng) -> Vec<u8> {
    let command = Command::ALL[rng.below(Command::ALL.len())];
    let mut frame = Frame::new(command);
    for _ in 0..rng.below(5) {
        let names = [
            "subscription",
            "destination",
            "content-length",
            "k",
            "message",
            "receipt-id",
        ];
        let value: String = (0..rng.below(12))
            .map(|_| char::from(rng.byte() & 0x7f))
            .collect();
        frame = frame.with_header(names[rng.below(names.len())], value);
    }
    let body: Vec<u8> = (0..rng.below(64)).map(|_| rng.byte()).collect();
    frame = frame.with_body(body);
    frame.encode(Version::ALL[rng.below(3)])
}

fn random_input(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = match rng.below(3) {
        0 => (0..rng.below(512)).map(|_| rng.byte()).collect(),
        1 => {
            let mut stream = Vec::new();
            for _ in 0..1 + rng.below(6) {
                stream.extend(random_frame(rng));
                stream.extend(std::iter::repeat_n(b'\n', rng.below(3)));
            }
            stream
        }
        _ if !corpus.is_empty() => corpus[rng.below(corpus.len())].clone(),
        _ => Vec::new(),
    };
    for _ in 0..rng.below(5) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if at < bytes.len() => bytes[at] = rng.byte(),
            1 => bytes.insert(at, rng.byte()),
            2 => bytes.truncate(at),
            _ => {
                let end = (at + rng.below(32)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    bytes
}

#[test]
fn saved_inputs_replay() {
    let inputs = saved_inputs();
    assert!(!inputs.is_empty(), "the seed inputs are missing");
    for (path, bytes) in inputs {
        let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&bytes)));
        assert!(outcome.is_ok(), "{} fails again", path.display());
    }
}

#[test]
fn fuzz_decoder_and_session_for_a_fixed_budget() {
    let seconds = std::env::var("STOMP_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if std::env::var_os("CI").is_some() {
            20
        } else {
            3
        });
    let seed = std::env::var("STOMP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            nanos.as_nanos() as u64 | 1
        });
    let corpus: Vec<Vec<u8>> = saved_inputs().into_iter().map(|(_, b)| b).collect();
    let mut rng = Rng(seed);
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    let mut cases = 0u64;
    while std::time::Instant::now() < deadline {
        let input = random_input(&mut rng, &corpus);
        cases += 1;
        if catch_unwind(AssertUnwindSafe(|| exercise(&input))).is_err() {
            let path = crashers_dir().join(format!("crash-{seed}-{cases}.bin"));
            std::fs::write(&path, &input).expect("crash input saved");
            panic!(
                "STOMP_FUZZ_SEED={seed}: case {cases} failed; input saved to {}",
                path.display()
            );
        }
    }
    eprintln!("stomp fuzz: {cases} cases in {seconds} s (STOMP_FUZZ_SEED={seed})");
    assert!(cases > 0);
}
