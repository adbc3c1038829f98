//! What the client writes down and shows: the event log and its utilities (`getLog`,
//! `enableLog`/`disableLog`, `downloadLog`, `clearLog`), `log`/`error`, `setDebug`, the
//! `useWsLog` console lines, and `getWs` over a socket's life.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod support;

use support::*;
use well_client::client::Output;
use well_client::json::Value;

/// Every `useWsLog` line the page saw: console lines.
fn frame_lines(page: &Page) -> Vec<String> {
    page.seen
        .iter()
        .filter_map(|s| match s {
            Seen::Console(line) => Some(line.clone()),
            _ => None,
        })
        .collect()
}

/// Whether any `onLog` message carried a frame line.
fn frames_reached_on_log(page: &Page) -> bool {
    page.seen.iter().any(|s| {
        matches!(s, Seen::Log(_, content, _) if content.starts_with(">>> ") || content.starts_with("<<< "))
    })
}

#[test]
fn use_ws_log_shows_every_frame_on_the_console_with_the_passcode_hidden() {
    let mut page = Page::new();
    page.call(
        "setConfig",
        r#"[{"useWsLog":true,"stomp":{"login":"guest","passcode":"s3cret"}}]"#,
    );
    page.login();
    let lines = frame_lines(&page);
    assert!(!frames_reached_on_log(&page), "{:?}", page.seen);
    let texts: Vec<&str> = lines.iter().map(String::as_str).collect();
    let connect = texts
        .iter()
        .find(|t| t.starts_with(">>> CONNECT\n"))
        .expect("the CONNECT frame is shown");
    assert!(connect.contains("\nlogin:guest"), "{connect}");
    assert!(connect.contains("\npasscode:(hidden)"), "{connect}");
    assert!(!texts.iter().any(|t| t.contains("s3cret")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("<<< CONNECTED\n")));
    assert!(texts.iter().any(|t| t.starts_with(">>> SUBSCRIBE\n")));
    assert!(texts
        .iter()
        .any(|t| t.starts_with("<<< MESSAGE\n") && t.contains("agentLoggedOn")));
    // Frames end with NUL on the wire, not on the console.
    assert!(!texts.iter().any(|t| t.ends_with('\0')));
    // A heart-beat is named, not shown as an empty line.
    page.server_frame("\n");
    assert_eq!(
        frame_lines(&page).last().map(String::as_str),
        Some("<<< heart-beat")
    );
    // Frame lines are for the console: the event log does not get them.
    let log = page.call("getLog", "[]").value().unwrap();
    assert!(!log.as_str().unwrap().contains(">>> CONNECT"));

    // Off again: nothing more.
    page.call("setConfig", r#"[{"useWsLog":false}]"#);
    let before = frame_lines(&page).len();
    page.agent_event("agentReady", "Ready", 1003);
    assert_eq!(frame_lines(&page).len(), before);
}

#[test]
fn without_use_ws_log_no_frame_is_shown() {
    let mut page = Page::new();
    page.login();
    page.agent_event("agentReady", "Ready", 1003);
    assert!(frame_lines(&page).is_empty());
}

#[test]
fn log_and_error_reach_on_log_and_the_console_only_under_debug() {
    let mut page = Page::new();
    page.call("setDebug", "[false]");
    page.call("log", r#"["plain"]"#);
    page.call("error", r#"[{"code":7}]"#);
    page.call("setDebug", "[true]");
    page.call("log", r#"["loud"]"#);
    let logs: Vec<(String, String, bool)> = page
        .seen
        .iter()
        .filter_map(|s| match s {
            Seen::Log(k, c, console) => Some((k.clone(), c.clone(), *console)),
            _ => None,
        })
        .collect();
    assert!(
        logs.contains(&("log".into(), "plain".into(), false)),
        "{logs:?}"
    );
    assert!(logs.contains(&("error".into(), r#"{"code":7}"#.into(), false)));
    assert!(logs.contains(&("log".into(), "loud".into(), true)));
}

#[test]
fn disable_log_stops_recording_events_and_enable_log_resumes() {
    let mut page = Page::new();
    page.login();
    let log = |page: &mut Page| {
        page.call("getLog", "[]")
            .value()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap()
    };
    assert!(log(&mut page).contains("agentLoggedOn"));
    page.call("disableLog", "[]");
    page.agent_event("agentReady", "Ready", 1003);
    assert!(!log(&mut page).contains("agentReady"));
    page.call("enableLog", "[]");
    page.agent_event("agentNotReady", "NotReady", 1004);
    let text = log(&mut page);
    assert!(text.contains("\"serial\":1004"), "{text}");
    assert!(!text.contains("\"serial\":1003"));
    // getEventLog is the same text.
    assert_eq!(
        page.call("getEventLog", "[]").value(),
        Some(Value::from(text.as_str()))
    );
    page.call("clearLog", "[]");
    assert!(!log(&mut page).contains("agentLoggedOn"));
}

#[test]
fn download_log_offers_the_log_as_a_txt_file() {
    let mut page = Page::new();
    page.login();
    page.call("downloadLog", "[]");
    let download = page
        .take_output(|o| matches!(o, Output::Download { .. }))
        .expect("a download");
    let Output::Download { file_name, text } = download else {
        unreachable!()
    };
    assert!(file_name.ends_with("-log4b.txt"), "{file_name}");
    assert!(text.starts_with("---- Session started: "), "{text}");
    assert!(text.contains("agentLoggedOn"));
    assert!(!text.contains("123456"), "no password in the log");
}

#[test]
fn get_ws_follows_the_socket() {
    let mut page = Page::new();
    assert_eq!(page.call("getWs", "[]").value().unwrap().to_json(), "{}");
    page.login();
    assert_eq!(
        page.call("getWs", "[]").value().unwrap().to_json(),
        r#"{"connected":true,"ws":{"readyState":1}}"#
    );
    page.drop_socket();
    let ws = page.call("getWs", "[]").value().unwrap();
    assert_eq!(ws.get("connected"), Some(&Value::Bool(false)));
}
