//! A reload keeps the session: the demo recovers this tab's agent with
//! `checkRecoverStateAbility` instead of logging in again, with the call it was in.

mod softphone;

use anyhow::Result;
use softphone::Softphone;
use well_e2e::Harness;

#[tokio::test]
async fn a_reload_recovers_the_session_and_the_call() -> Result<()> {
    let h = Harness::start("demo_reload").await?;
    let page = Softphone::open(&h, "").await?;
    page.login("5001", "8001", "Ready").await?;
    page.tab("simulator").await?;
    page.click("#sim-dial").await?;
    let cards = page.wait_calls(&[("delivered", "Ringing")]).await?;
    let call_id = cards[0].call_id.clone();
    page.press(&call_id, "answer").await?;
    page.wait_calls(&[("connected", "Talking")]).await?;
    h.screenshot("1-before-reload").await?;

    // The same address again, with no login parameters: only recovery can log it in.
    let page = Softphone::open(&h, "").await?;
    page.wait_logged_in().await?;
    assert_eq!(page.text("#agent-badge").await?, "5001 · 8001");
    assert_eq!(page.agent_state().await?, "Ready");
    let cards = page.wait_calls(&[("connected", "Talking")]).await?;
    assert_eq!(cards[0].call_id, call_id);
    assert_eq!(cards[0].party, "13800000000");
    let actions = page.logged("page").await?;
    assert!(
        actions.contains(&"checkRecoverStateAbility".to_owned())
            && !actions.contains(&"agentLogin".to_owned()),
        "{actions:?}"
    );
    let inner = page.logged("inner").await?;
    assert!(
        inner.contains(&"recoverStateSuccess".to_owned()),
        "{inner:?}"
    );
    h.screenshot("2-recovered").await?;

    // Still in control of the call, and of the session.
    page.press(&call_id, "drop").await?;
    page.wait_calls(&[]).await?;
    page.click("#btn-logout").await?;
    page.wait_for(
        "document.body.dataset.session === 'logged-out'",
        softphone::STEP,
    )
    .await?;
    // Logged out, a reload has nothing to recover.
    let page = Softphone::open(&h, "").await?;
    page.wait_for(
        "!document.getElementById('login-card').hidden",
        softphone::STEP,
    )
    .await?;
    assert_eq!(page.logged("page").await?, Vec::<String>::new());
    h.screenshot("3-logged-out").await?;
    page.assert_no_page_errors().await
}
