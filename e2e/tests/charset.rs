//! The drop-in script in a page that is not UTF-8. CRM pages are often GBK and load the script
//! without a `charset` attribute, from servers that may not name its charset either; the
//! script embeds the wasm as one character per byte, so it must still be read as UTF-8. Its
//! byte order mark sees to that. A copy that lost the mark is refused with one clear error.

use std::time::Duration;

use anyhow::{bail, Result};
use serde_json::json;
use well_e2e::Harness;

/// GBK pages: `.shtml` is served as `text/html` with no charset, so the `meta` decides.
const PAGE: &str = "gbk.shtml";
const PAGE_WITHOUT_BOM: &str = "gbk-no-bom.shtml";
/// Copies of the drop-in script: `.jsm` is served as `text/javascript` with no charset, so
/// without a byte order mark the browser would decode it as the page's GBK.
const AS_BUILT: &str = "well-client.jsm";
const WITHOUT_BOM: &str = "well-client-no-bom.jsm";

fn gbk_page(script: &str) -> String {
    [
        r#"<!doctype html>
<html>
<head><meta charset="gbk"><title>GBK page</title></head>
<body>
<script src="/e2e/"#,
        script,
        r#""></script>
<script>
  window.checks = {
    characterSet: document.characterSet,
    version: String(wellClient.getVersion()),
    phoneNumber: String(wellClient.isPhoneNumber('8001')),
    loginState: wellClient.agentLogin({}).state()
  };
</script>
</body>
</html>
"#,
    ]
    .concat()
}

#[tokio::test]
async fn a_gbk_page_reads_the_drop_in_script_as_utf8() -> Result<()> {
    let h = Harness::start("charset_gbk_page").await?;
    let built = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist/well-client.js"),
    )?;
    let Some(without_bom) = built.strip_prefix('\u{feff}') else {
        bail!("dist/well-client.js does not start with a UTF-8 byte order mark");
    };
    h.add_page(AS_BUILT, &built)?;
    h.add_page(WITHOUT_BOM, without_bom)?;

    // As built: the core runs (an agentLogin without arguments is rejected by the core, at
    // once) and nothing is reported.
    h.goto(&h.add_page(PAGE, &gbk_page(AS_BUILT))?).await?;
    h.wait_for("window.checks !== undefined", Duration::from_secs(10))
        .await?;
    h.assert_no_page_errors().await?;
    let checks = h.eval_js("window.checks").await?;
    assert!(
        checks["version"]
            .as_str()
            .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())),
        "{checks}"
    );
    assert_eq!(
        checks,
        json!({
            "characterSet": "GBK",
            "version": checks["version"],
            "phoneNumber": "true",
            "loginState": "rejected"
        })
    );

    // Without the mark the page's GBK decodes it: the check fails before any compile, and the
    // client is the unsupported one (commands reject, values are undefined), with one error.
    h.goto(&h.add_page(PAGE_WITHOUT_BOM, &gbk_page(WITHOUT_BOM))?)
        .await?;
    h.wait_for("window.checks !== undefined", Duration::from_secs(10))
        .await?;
    assert_eq!(
        h.eval_js("window.checks").await?,
        json!({
            "characterSet": "GBK",
            "version": "undefined",
            "phoneNumber": "undefined",
            "loginState": "rejected"
        })
    );
    let errors = h.page_errors().await?;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("did not read back intact") && errors[0].contains("byte order mark"),
        "{errors:?}"
    );
    Ok(())
}
