//! The drop-in script works as the original did: a plain `<script>` tag, and the global is
//! usable by the very next script, with no loader, no `await` and no errors.

use std::time::Duration;

use serde_json::json;
use well_e2e::Harness;

const DROP_IN_PAGE: &str = r#"<!doctype html>
<html>
<head><meta charset="utf-8"><title>drop-in smoke test</title></head>
<body>
<h1>well-client drop-in</h1>
<p id="result">script tags did not run</p>
<script>window.loadStart = performance.now();</script>
<script src="/dist/well-client.js"></script>
<script>
  window.readyMs = performance.now() - window.loadStart;
  window.synchronous = typeof window.wellClient !== 'undefined'
    && typeof wellClient.agentLogin === 'function';
  document.getElementById('result').textContent = window.synchronous
    ? 'wellClient.agentLogin is a function in the next script tag'
    : 'wellClient is not usable in the next script tag';
</script>
</body>
</html>
"#;

#[tokio::test]
async fn drop_in_script_is_usable_in_the_next_script_tag() -> anyhow::Result<()> {
    let h = Harness::start("drop_in_script_is_usable_in_the_next_script_tag").await?;
    let page = h.add_page("drop-in.html", DROP_IN_PAGE)?;
    h.goto(&page).await?;
    h.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    )
    .await?;
    let shot = h.screenshot("drop-in").await?;
    h.assert_no_page_errors().await?;
    assert_eq!(h.eval_js("window.synchronous").await?, json!(true));
    let ready_ms = h
        .eval_js("window.readyMs")
        .await?
        .as_f64()
        .unwrap_or(f64::NAN);
    println!(
        "wellClient usable {ready_ms:.1} ms after its script tag started; see {}",
        shot.display()
    );
    Ok(())
}
