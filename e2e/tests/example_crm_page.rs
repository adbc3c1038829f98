//! The CRM example (`examples/crm-page/`), a page written the 1.3.7 way: it logs in, a click on
//! a customer's phone number dials it through the SDK's click-to-dial, and an inbound call
//! pops the calling customer.

mod softphone;

use anyhow::Result;
use fantoccini::Locator;
use serde_json::{json, Value};
use softphone::{admin, STEP};
use well_e2e::Harness;

async fn text(h: &Harness, id: &str) -> Result<String> {
    let value = h
        .run_js(
            "return document.getElementById(arguments[0]).textContent;",
            vec![json!(id)],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

async fn click(h: &Harness, css: &str) -> Result<()> {
    h.client().find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

#[tokio::test]
async fn the_crm_page_dials_by_click_and_pops_the_caller() -> Result<()> {
    let h = Harness::start("example_crm_page").await?;
    h.goto("/examples/crm-page/").await?;
    h.wait_for("document.readyState === 'complete'", STEP)
        .await?;
    click(&h, "#login").await?;
    h.wait_for(
        "document.getElementById('phone-state').textContent === 'ready'",
        STEP,
    )
    .await?;
    h.screenshot("1-logged-in").await?;

    // A click on Zhang Wei's mobile dials the number its data-well-number gives (with the
    // trunk prefix); the outside party answers after a second.
    click(&h, "[data-well-number=\"913800138000\"]").await?;
    h.wait_for(
        "document.getElementById('call-text').textContent === 'Talking with 913800138000'",
        STEP,
    )
    .await?;
    let calls = admin(&h, "GET", "/calls", Value::Null).await?;
    assert_eq!(calls[0]["callingDevice"], json!("8001@test.cc"));
    assert_eq!(calls[0]["calledDevice"], json!("913800138000@test.cc"));
    h.screenshot("2-talking").await?;
    click(&h, "#hangup").await?;
    h.wait_for("document.getElementById('call-bar').hidden", STEP)
        .await?;

    // A landline printed with dashes is dialled as its digits (after makeCall's 2 s throttle).
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    click(&h, "tr[data-phone=\"01062345678\"] .well-canBeCalled").await?;
    h.wait_for(
        "document.getElementById('call-text').textContent === 'Talking with 901062345678'",
        STEP,
    )
    .await?;
    click(&h, "#hangup").await?;
    h.wait_for("document.getElementById('call-bar').hidden", STEP)
        .await?;

    // Li Na calls in: the page pops her row and answers with its own button.
    admin(
        &h,
        "POST",
        "/calls",
        json!({ "from": "13900139000", "to": "8001" }),
    )
    .await?;
    h.wait_for(
        "document.getElementById('call-text').textContent === \
         'Incoming call from 13900139000 (Li Na)'",
        STEP,
    )
    .await?;
    assert_eq!(
        h.eval_js("document.querySelector('tr.calling td').textContent")
            .await?,
        json!("Li Na")
    );
    h.screenshot("3-incoming").await?;
    click(&h, "#answer").await?;
    h.wait_for(
        "document.getElementById('call-text').textContent === 'Talking with 13900139000'",
        STEP,
    )
    .await?;
    click(&h, "#hangup").await?;
    h.wait_for("document.getElementById('call-bar').hidden", STEP)
        .await?;

    // Logging out ends the session.
    click(&h, "#logout").await?;
    h.wait_for(
        "document.getElementById('phone-state').textContent === 'offline'",
        STEP,
    )
    .await?;
    assert_eq!(text(&h, "phone-state").await?, "offline");
    h.screenshot("4-logged-out").await?;
    h.assert_no_page_errors().await
}
