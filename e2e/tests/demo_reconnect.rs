//! The connection drops in the middle of a call (the Simulator tab's fault knobs: refuse new
//! connections for a while, then drop this agent's socket). The page shows the SDK
//! reconnecting, then connected again, with the call still there and still under control.

mod softphone;

use std::time::Duration;

use anyhow::Result;
use softphone::{Softphone, STEP};
use well_e2e::Harness;

/// How long the simulator refuses new connections: a few of the SDK's reconnect attempts
/// (about 1 s apart, 5 before it gives up) fail, the next one succeeds.
const REFUSE_SECS: &str = "3";

#[tokio::test]
async fn the_page_shows_reconnecting_then_recovers_with_the_call() -> Result<()> {
    let h = Harness::start("demo_reconnect").await?;
    let page = Softphone::open(&h, "?agent=5001&ext=8001&state=Ready").await?;
    page.wait_logged_in().await?;

    // A call to be in when the connection drops.
    page.tab("simulator").await?;
    page.click("#sim-dial").await?;
    let cards = page.wait_calls(&[("delivered", "Ringing")]).await?;
    let call_id = cards[0].call_id.clone();
    page.press(&call_id, "answer").await?;
    page.wait_calls(&[("connected", "Talking")]).await?;

    // Refuse new connections, then drop this agent's socket.
    page.fill("#fault-refuse-secs", REFUSE_SECS).await?;
    page.click("#fault-refuse").await?;
    page.wait_status("#sim-status", "refuse connections: done")
        .await?;
    page.click("#fault-drop-me").await?;
    let shown = page
        .wait_connection("reconnecting", Duration::from_secs(10))
        .await?;
    assert!(shown.starts_with("reconnecting "), "{shown}");
    assert!(shown.ends_with("/5"), "{shown}");
    h.screenshot("1-reconnecting").await?;

    // Back once the simulator accepts connections again, with the call as it was.
    let shown = page.wait_connection("connected", STEP).await?;
    assert_eq!(shown, "connected");
    let cards = page.wait_calls(&[("connected", "Talking")]).await?;
    assert_eq!(cards[0].call_id, call_id);
    assert_eq!(cards[0].party, "13800000000");
    let inner = page.logged("inner").await?;
    assert!(
        inner.contains(&"wsReconnectSucceed".to_owned()),
        "{inner:?}"
    );
    let attempts = page
        .eval(
            "[...document.querySelectorAll('#log li[data-name=\"connectionStateChanged\"]')] \
             .map((li) => li.querySelector('.log-summary').textContent)",
        )
        .await?;
    assert!(
        attempts.as_array().is_some_and(|a| a
            .iter()
            .any(|s| s.as_str() == Some("reconnecting · try 2/5"))),
        "more than one attempt should have been refused: {attempts}"
    );
    h.screenshot("2-reconnected").await?;

    // The call is still under control: hang it up.
    page.press(&call_id, "drop").await?;
    page.wait_calls(&[]).await?;
    h.screenshot("3-hung-up").await?;
    page.assert_no_page_errors().await
}
