//! The ES-module example (`examples/esm/`): a plain page imports the npm package from
//! `dist/npm`, logs in with awaited commands and follows the agent's state by its listeners.

mod softphone;

use anyhow::Result;
use fantoccini::Locator;
use softphone::STEP;
use well_e2e::Harness;

async fn click(h: &Harness, css: &str) -> Result<()> {
    h.client().find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

#[tokio::test]
async fn the_esm_example_logs_in_and_out() -> Result<()> {
    let h = Harness::start("example_esm").await?;
    h.goto("/examples/esm/").await?;
    // The module has loaded the wasm and made a client.
    h.wait_for(
        "document.getElementById('state').textContent.includes('loaded; not logged in')",
        STEP,
    )
    .await?;
    click(&h, "#login").await?;
    h.wait_for(
        "document.getElementById('state').dataset.loggedIn === 'true' \
         && document.getElementById('state').textContent === 'Ready'",
        STEP,
    )
    .await?;
    h.wait_for(
        "document.getElementById('message').textContent === 'login: done'",
        STEP,
    )
    .await?;
    let events = h
        .eval_js("document.getElementById('events').textContent")
        .await?;
    let events = events.as_str().unwrap_or_default();
    assert!(events.contains("agentLoggedOn Ready"), "{events}");
    assert!(events.contains("agentReady Ready"), "{events}");
    h.screenshot("1-logged-in").await?;

    // Logged out, a command that needs a session rejects, and the page reads its reason code.
    click(&h, "#logout").await?;
    h.wait_for(
        "document.getElementById('state').textContent === 'logged out'",
        STEP,
    )
    .await?;
    click(&h, "#ready").await?;
    h.wait_for(
        "document.getElementById('message').textContent.startsWith('ready failed: not-logged-in')",
        STEP,
    )
    .await?;
    h.screenshot("2-logged-out").await?;
    h.assert_no_page_errors().await
}
