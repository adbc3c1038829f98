//! Two agents log in to the demo softphone in two windows and walk a call through its life:
//! 5001 calls 5002, 5002 answers, 5001 holds and retrieves, consults an outside number and
//! makes a conference of the three, then both hang up. After each step both pages must show
//! the call as it is.

mod softphone;

use anyhow::{anyhow, ensure, Result};
use serde_json::json;
use softphone::{CallCard, Softphone};
use well_e2e::Harness;

/// An outside number the simulator answers after a second (trunk prefix 9).
const OUTSIDE: &str = "913900000000";

/// Screenshots of both pages, `<step>-5001.png` and `<step>-5002.png`.
async fn screenshots(agent1: &Softphone<'_>, agent2: &Softphone<'_>, step: &str) -> Result<()> {
    agent1.screenshot(&format!("{step}-5001")).await?;
    agent2.screenshot(&format!("{step}-5002")).await
}

fn only(cards: Vec<CallCard>) -> Result<CallCard> {
    ensure!(
        cards.len() == 1,
        "expected one call, the page shows {cards:#?}"
    );
    cards.into_iter().next().ok_or_else(|| anyhow!("no call"))
}

#[tokio::test]
async fn two_agents_call_hold_consult_conference_and_hang_up() -> Result<()> {
    let h = Harness::start("demo_two_agents").await?;

    // Agent 5001 logs in with the form; agent 5002 through the link the demo offers for a
    // second agent, which fills in and submits the form by itself.
    let agent1 = Softphone::open(&h, "").await?;
    agent1.login("5001", "8001", "Ready").await?;
    assert_eq!(agent1.text("#agent-badge").await?, "5001 · 8001");
    assert_eq!(agent1.agent_state().await?, "Ready");
    assert_eq!(agent1.text("#connection").await?, "connected");
    let peer_link = agent1.find("#peer-link").await?.attr("href").await?;
    assert_eq!(
        peer_link.as_deref(),
        Some("/?agent=5002&ext=8002&domain=test.cc")
    );
    h.open_window().await?;
    let agent2 = Softphone::open(&h, "?agent=5002&ext=8002&domain=test.cc").await?;
    agent2.wait_logged_in().await?;
    assert_eq!(agent2.text("#agent-badge").await?, "5002 · 8002");
    assert_eq!(agent2.agent_state().await?, "Not ready");
    screenshots(&agent1, &agent2, "1-logged-in").await?;

    // 5001 dials 8002; 5002's phone rings and 5002 answers.
    agent1.dial("8002").await?;
    let call = only(agent1.wait_calls(&[("originated", "Dialling")]).await?)?;
    assert_eq!(call.party, "8002");
    assert_eq!(call.direction, "↗ Outbound");
    let ringing = only(agent2.wait_calls(&[("delivered", "Ringing")]).await?)?;
    assert_eq!(ringing.call_id, call.call_id);
    assert_eq!(ringing.party, "8001");
    assert_eq!(ringing.direction, "↙ Inbound");
    assert!(
        ringing.enabled.contains(&"answer".to_owned()),
        "{ringing:?}"
    );
    screenshots(&agent1, &agent2, "2-ringing").await?;
    agent2.press(&call.call_id, "answer").await?;
    let answered = only(agent2.wait_calls(&[("connected", "Talking")]).await?)?;
    assert!(!answered.enabled.contains(&"answer".to_owned()));
    let talking = only(agent1.wait_calls(&[("connected", "Talking")]).await?)?;
    for action in ["drop", "hold", "consult", "singleStepTransfer"] {
        assert!(talking.enabled.contains(&action.to_owned()), "{talking:?}");
    }
    assert!(!talking.enabled.contains(&"retrieve".to_owned()));
    screenshots(&agent1, &agent2, "3-talking").await?;

    // Hold, then retrieve: 5002 sees who holds it.
    agent1.press(&call.call_id, "hold").await?;
    let held = only(agent1.wait_calls(&[("held", "On hold")]).await?)?;
    assert!(held.enabled.contains(&"retrieve".to_owned()), "{held:?}");
    assert!(!held.enabled.contains(&"hold".to_owned()), "{held:?}");
    agent2.wait_calls(&[("held", "Held by 8001")]).await?;
    screenshots(&agent1, &agent2, "4-held").await?;
    agent1.press(&call.call_id, "retrieve").await?;
    agent1.wait_calls(&[("connected", "Talking")]).await?;
    agent2.wait_calls(&[("connected", "Talking")]).await?;

    // 5001 consults an outside number: the first call is held, the consultation connects, and
    // the held call offers conference, transfer and cancel.
    agent1.type_number(&call.call_id, OUTSIDE).await?;
    agent1.press(&call.call_id, "consult").await?;
    let cards = agent1
        .wait_calls(&[("held", "On hold"), ("connected", "Talking")])
        .await?;
    assert_eq!(cards[0].call_id, call.call_id);
    assert_eq!(cards[1].party, OUTSIDE);
    for action in ["conference", "transfer", "cancelConsult", "retrieve"] {
        assert!(cards[0].enabled.contains(&action.to_owned()), "{cards:?}");
    }
    screenshots(&agent1, &agent2, "5-consulting").await?;

    // Conference: one call of three parties in both pages.
    agent1.press(&call.call_id, "conference").await?;
    let conference = only(agent1.wait_calls(&[("held", "Conference")]).await?)?;
    assert!(conference.conferenced);
    assert_eq!(conference.party, format!("8002 + {OUTSIDE}"));
    assert!(conference.enabled.contains(&"drop".to_owned()));
    let joined = only(agent2.wait_calls(&[("held", "Conference")]).await?)?;
    assert!(joined.conferenced);
    assert_eq!(joined.party, format!("8001 + {OUTSIDE}"));
    screenshots(&agent1, &agent2, "6-conference").await?;

    // 5002 leaves the conference: 5001 stays with the outside party; then 5001 hangs up.
    agent2.press(&call.call_id, "drop").await?;
    agent2.wait_calls(&[]).await?;
    let remaining = only(agent1.wait_calls(&[("held", "Conference")]).await?)?;
    assert_eq!(remaining.party, OUTSIDE);
    agent1.press(&call.call_id, "drop").await?;
    agent1.wait_calls(&[]).await?;
    assert_eq!(
        agent1
            .eval("document.getElementById('calls-empty').hidden")
            .await?,
        json!(false)
    );
    screenshots(&agent1, &agent2, "7-hung-up").await?;

    // Every step also reached the event log, and neither page reported an error.
    let events = agent1.logged("event").await?;
    for name in [
        "originated",
        "established",
        "held",
        "retrieved",
        "conferenced",
        "connectionCleared",
    ] {
        assert!(
            events.contains(&name.to_owned()),
            "{name} not in {events:?}"
        );
    }
    let inner = agent1.logged("inner").await?;
    assert!(inner.contains(&"connectionCleared".to_owned()), "{inner:?}");
    agent1.assert_no_page_errors().await?;
    agent2.assert_no_page_errors().await
}
