//! The harness itself: what a page reports reaches the test, and a condition that never
//! holds fails with what is needed to see why.

use std::time::Duration;

use serde_json::json;
use well_e2e::Harness;

const BROKEN_PAGE: &str = r#"<!doctype html>
<html>
<head><meta charset="utf-8"><title>broken</title></head>
<body>
<script>throw new Error('first script throws');</script>
<script src="/e2e/missing.js"></script>
<script>
  console.error('logged', 42);
  console.warn('careful');
  Promise.reject(new Error('nobody catches this'));
  window.done = true;
</script>
</body>
</html>
"#;

#[tokio::test]
async fn page_errors_are_recorded_from_the_first_script_on() -> anyhow::Result<()> {
    let h = Harness::start("page_errors_are_recorded_from_the_first_script_on").await?;
    let page = h.add_page("broken.html", BROKEN_PAGE)?;
    h.goto(&page).await?;
    h.wait_for("window.done", Duration::from_secs(10)).await?;
    // The rejection is reported after the script's task ends.
    h.wait_for("window.__wellE2eErrors.length >= 4", Duration::from_secs(5))
        .await?;
    let errors = h.page_errors().await?;
    assert!(
        errors[0].starts_with("uncaught Error: first script throws"),
        "{errors:?}"
    );
    assert_eq!(
        errors[1],
        format!("failed to load {}", h.url("/e2e/missing.js"))
    );
    assert_eq!(errors[2], "console.error: logged 42");
    assert!(
        errors[3].starts_with("unhandled rejection: Error: nobody catches this"),
        "{errors:?}"
    );
    assert_eq!(h.page_warnings().await?, ["careful"]);
    let err = h.assert_no_page_errors().await.unwrap_err().to_string();
    assert!(err.contains("first script throws"), "{err}");
    Ok(())
}

#[tokio::test]
async fn wait_for_times_out_with_the_last_exception_and_a_screenshot() -> anyhow::Result<()> {
    let h = Harness::start("wait_for_times_out_with_the_last_exception_and_a_screenshot").await?;
    let page = h.add_page(
        "empty.html",
        "<!doctype html><title>empty</title><p>empty</p>",
    )?;
    h.goto(&page).await?;
    let err = h
        .wait_for("window.notThere.value", Duration::from_millis(300))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("`window.notThere.value` not true after 300ms"),
        "{err}"
    );
    assert!(err.contains("it last threw TypeError"), "{err}");
    assert!(h.out_dir().join("timeout-1.png").is_file(), "{err}");
    assert_eq!(h.eval_js("1 + 1").await?, json!(2));
    assert_eq!(
        h.eval_js("Promise.resolve('awaited')").await?,
        json!("awaited")
    );
    h.assert_no_page_errors().await
}

#[tokio::test]
async fn each_window_has_its_own_page_and_error_record() -> anyhow::Result<()> {
    let h = Harness::start("each_window_has_its_own_page_and_error_record").await?;
    let first = h.current_window().await?;
    let page = h.add_page("named.html", "<!doctype html><title>named</title>")?;
    h.goto(&format!("{page}?first")).await?;
    let second = h.open_window().await?;
    assert_ne!(first, second);
    assert_eq!(h.current_window().await?, second);
    h.goto(&format!("{page}?second")).await?;
    h.run_js("console.error('only in the second window')", Vec::new())
        .await?;
    assert_eq!(
        h.page_errors().await?,
        ["console.error: only in the second window"]
    );
    h.switch_to_window(&first).await?;
    assert_eq!(h.eval_js("location.search").await?, json!("?first"));
    h.assert_no_page_errors().await
}
