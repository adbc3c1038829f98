//! The demo's auto-answer setting: with it on (`setConfig({autoAnswer: true})`), a call an
//! outside party places through the Simulator tab is answered by the SDK without a click, and
//! the data the call carries is shown.

mod softphone;

use anyhow::Result;
use serde_json::json;
use softphone::Softphone;
use well_e2e::Harness;

#[tokio::test]
async fn an_inbound_call_is_answered_by_itself_when_auto_answer_is_on() -> Result<()> {
    let h = Harness::start("demo_auto_answer").await?;
    // The link form with autoAnswer=1 logs in by itself with the setting on.
    let page = Softphone::open(&h, "?agent=5001&ext=8001&autoAnswer=1&state=Ready").await?;
    page.wait_logged_in().await?;
    assert_eq!(
        page.eval("document.getElementById('set-autoanswer').checked")
            .await?,
        json!(true)
    );
    assert_eq!(page.agent_state().await?, "Ready");

    // An outside caller dials 8001 from the Simulator tab, with the tab's sample user data.
    page.tab("simulator").await?;
    assert_eq!(
        page.eval("document.getElementById('sim-to').value").await?,
        json!("8001")
    );
    page.click("#sim-dial").await?;
    page.wait_status("#sim-status", "dials 8001: call").await?;
    h.screenshot("1-dialled-in").await?;

    // Answered without anyone pressing Answer.
    let cards = page.wait_calls(&[("connected", "Talking")]).await?;
    let call = &cards[0];
    assert_eq!(call.party, "13800000000");
    assert_eq!(call.direction, "↙ Inbound");
    let page_actions = page.logged("page").await?;
    assert!(
        !page_actions.contains(&"answerCall".to_owned()),
        "the page answered: {page_actions:?}"
    );
    let events = page.logged("event").await?;
    assert!(events.contains(&"established".to_owned()), "{events:?}");
    // The data the caller attached, from `delivered.userData.data`.
    let data = page.text("#calldata-table").await?;
    assert!(
        data.contains("customerId") && data.contains("C-20931"),
        "{data}"
    );
    h.screenshot("2-answered").await?;

    // The caller hangs up (the Simulator tab's live calls list): the call goes away.
    let caller = ".sim-party[data-device=\"13800000000@test.cc\"]";
    page.wait_for(
        &format!("document.querySelector('{caller}[data-state=\"Connect\"]')"),
        softphone::STEP,
    )
    .await?;
    page.click(&format!("{caller} [data-sim-action=\"hangup\"]"))
        .await?;
    page.wait_calls(&[]).await?;
    let cleared = page.logged("inner").await?;
    assert!(
        cleared.contains(&"connectionCleared".to_owned()),
        "{cleared:?}"
    );
    h.screenshot("3-caller-hung-up").await?;
    page.assert_no_page_errors().await
}
