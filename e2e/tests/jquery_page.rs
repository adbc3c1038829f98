//! A page that keeps jQuery 1.11.3 (the version 1.3.7 shipped with) next to the drop-in script:
//! every command returns a `jQuery.Deferred` promise, so `pipe`, `progress` and `$.when` behave
//! as before, with `catch` added to it and to what its `then` returns (DECISIONS.md K4).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use well_e2e::Harness;

const STEP: Duration = Duration::from_secs(15);

const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>jQuery page</title></head>
<body><pre id="log"></pre>
<script src="/e2e/jquery-1.11.3.min.js"></script>
<script src="/dist/well-client.js"></script>
<script>
  wellClient.useConfig('LOCAL');
  var port = ':' + location.port;
  wellClient.setConfig({ cstaPort: port, eventPort: port, TPI: '127.0.0.1' + port + '/login' });
  window.seen = [];
  wellClient.exports = function (e) {
    window.seen.push(e.eventName);
    $('#log').text($('#log').text() + e.eventName + '\n');
  };
  window.done = {};
</script></body></html>
"#;

#[tokio::test]
async fn commands_return_jquery_deferreds_with_catch() -> Result<()> {
    let h = Harness::start("jquery_page").await?;
    let jquery = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tools/node_modules/jquery/dist/jquery.min.js");
    let jquery = std::fs::read_to_string(&jquery)
        .with_context(|| format!("{} (`cargo xtask setup` installs it)", jquery.display()))?;
    h.add_page("jquery-1.11.3.min.js", &jquery)?;
    let page = h.add_page("jquery.html", PAGE)?;
    h.goto(&page).await?;
    ensure!(h.eval_js("jQuery.fn.jquery").await? == json!("1.11.3"));

    // The promise is jQuery's own, with `catch` added, and so is what its `then` returns.
    let shape = h
        .eval_js(
            "(function () {
               var made = 0, original = jQuery.Deferred;
               jQuery.Deferred = function () { made += 1; return original.apply(this, arguments); };
               var p = wellClient.agentLogin({jobNumber: '5001', password: '123456',
                 domain: 'test.cc', ext: '8001', loginMode: 'force', agentMode: 'Ready'});
               jQuery.Deferred = original;
               var t = p.then(function () { return 'chained'; });
               $.when(p).done(function () { window.done.when = true; });
               t.done(function (v) { window.done.then = v; });
               return {made: made > 0, pipe: typeof p.pipe, progress: typeof p.progress, catch: typeof p.catch,
                       thenCatch: typeof t.catch, state: p.state(),
                       noResolve: typeof p.resolve};
             })()",
        )
        .await?;
    ensure!(
        shape
            == json!({"made": true, "pipe": "function", "progress": "function", "catch": "function",
                      "thenCatch": "function", "state": "pending", "noResolve": "undefined"}),
        "{shape}"
    );
    h.wait_for(
        "window.done.when === true && window.done.then === 'chained'",
        STEP,
    )
    .await?;
    h.wait_for("window.seen.indexOf('agentReady') >= 0", STEP)
        .await?;

    // A local validation error rejects at once: `fail` and `catch` get the rejection.
    let rejected = h
        .eval_js(
            "new Promise(function (resolve) {
               var p = wellClient.setAgentMode('Busy');
               p.fail(function (e) { window.done.fail = e.reason; });
               p.catch(function (e) { resolve({state: p.state(), reason: e.reason,
                 status: e.status, fail: window.done.fail}); });
             })",
        )
        .await?;
    ensure!(
        rejected
            == json!({"state": "rejected", "reason": "invalid-argument", "status": 0,
                      "fail": "invalid-argument"}),
        "{rejected}"
    );

    // `pipe` chains as in jQuery 1.x, and the promise is awaitable.
    let piped = h
        .eval_js(
            "new Promise(function (resolve) {
               wellClient.setAgentMode('NotReady', '1')
                 .pipe(function () { return 'piped'; })
                 .done(resolve);
             })",
        )
        .await?;
    ensure!(piped == json!("piped"), "{piped}");
    h.wait_for("window.seen.indexOf('agentNotReady') >= 0", STEP)
        .await?;
    let awaited = h
        .eval_js(
            "(async function () { await wellClient.setAgentMode('Ready'); return 'awaited'; })()",
        )
        .await?;
    ensure!(awaited == json!("awaited"), "{awaited}");
    h.screenshot("1-jquery-page").await?;

    let logged_in = h
        .eval_js(
            "new Promise(function (resolve) {
               wellClient.logout().always(function () { resolve(wellClient.isLogined()); });
             })",
        )
        .await?;
    ensure!(
        logged_in == json!(false),
        "still logged in after logout: {logged_in}"
    );
    h.assert_no_page_errors().await
}
