//! What a person does with the demo softphone (`www/`), for the tests that walk it: log in,
//! dial, press a call's buttons, drive the Simulator tab, and read back what the page shows.
//! Clicks and typing go through WebDriver, as a person's would; state is read from the DOM.

// Each test file uses a part of this module.
#![allow(dead_code)]

use std::time::Duration;

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::{json, Value};
use well_e2e::{Harness, WindowHandle};

/// Long enough for a login, a reconnect or a call step on a loaded two-core machine.
pub const STEP: Duration = Duration::from_secs(15);

/// A call card as the page shows it.
#[derive(Debug, Clone)]
pub struct CallCard {
    pub call_id: String,
    /// The own leg's `connectionState` (`originated`, `delivered`, `connected`, `held`).
    pub state: String,
    /// The state in words (`Ringing`, `Talking`, `On hold`, `Conference`...).
    pub label: String,
    /// The other parties, as shown (`8002 + 913900000000`).
    pub party: String,
    /// `↙ Inbound` or `↗ Outbound`.
    pub direction: String,
    pub conferenced: bool,
    /// The `data-action` of every enabled button.
    pub enabled: Vec<String>,
}

/// The demo page in one window of the test's browser: every method first makes that window
/// the current one, so two agents' pages can be used in turn without mixing them up.
pub struct Softphone<'h> {
    h: &'h Harness,
    window: WindowHandle,
}

impl<'h> Softphone<'h> {
    /// Opens the demo at `/` plus `query` (`""` or `"?agent=5002&ext=8002"`) in the current
    /// window and waits until its script has run.
    pub async fn open(h: &'h Harness, query: &str) -> Result<Softphone<'h>> {
        let window = h.current_window().await?;
        h.goto(&format!("/{query}")).await?;
        h.wait_for("document.body.dataset.ready === 'true'", STEP)
            .await
            .context("the demo page did not start")?;
        Ok(Softphone { h, window })
    }

    /// Makes this page's window the current one.
    pub async fn focus(&self) -> Result<()> {
        self.h.switch_to_window(&self.window).await
    }

    /// Saves a screenshot of this page as `<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        self.focus().await?;
        self.h.screenshot(name).await?;
        Ok(())
    }

    /// Fails if this page reported an error.
    pub async fn assert_no_page_errors(&self) -> Result<()> {
        self.focus().await?;
        self.h.assert_no_page_errors().await
    }

    /// Evaluates `expression` in this page.
    pub async fn eval(&self, expression: &str) -> Result<Value> {
        self.focus().await?;
        self.h.eval_js(expression).await
    }

    /// Waits until `condition` holds in this page.
    pub async fn wait_for(&self, condition: &str, timeout: Duration) -> Result<()> {
        self.focus().await?;
        self.h.wait_for(condition, timeout).await
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        self.focus().await?;
        self.h
            .client()
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("finding {css}"))
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking {css}"))
    }

    /// Replaces the text of the input `css` with `text`.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let input = self.find(css).await?;
        input.clear().await?;
        input
            .send_keys(text)
            .await
            .with_context(|| format!("typing into {css}"))
    }

    /// The text content of `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        self.focus().await?;
        let value = self
            .h
            .run_js(
                "const el = document.querySelector(arguments[0]); \
                 return el ? el.textContent.trim() : null;",
                vec![json!(css)],
            )
            .await?;
        match value {
            Value::String(text) => Ok(text),
            _ => bail!("the page has no {css}"),
        }
    }

    /// Logs in with the form as agent `job` on extension `ext`, and waits for the agent panel.
    pub async fn login(&self, job: &str, ext: &str, initial_state: &str) -> Result<()> {
        self.fill("#login-job", job).await?;
        self.fill("#login-ext", ext).await?;
        self.h
            .run_js(
                "document.getElementById('login-state').value = arguments[0];",
                vec![json!(initial_state)],
            )
            .await?;
        self.click("#login-submit").await?;
        self.wait_logged_in().await
    }

    pub async fn wait_logged_in(&self) -> Result<()> {
        self.wait_for(
            "document.body.dataset.session === 'logged-in' \
                 && document.getElementById('connection').dataset.state === 'connected'",
            STEP,
        )
        .await
        .context("the agent did not get logged in")
    }

    /// The agent state badge: `Ready`, `Not ready`, ...
    pub async fn agent_state(&self) -> Result<String> {
        self.text("#agent-state").await
    }

    /// Dials `number` from the dial pad (no prefix).
    pub async fn dial(&self, number: &str) -> Result<()> {
        self.fill("#dial-number", number).await?;
        self.click("#dial-call").await
    }

    /// Every call card, oldest first.
    pub async fn calls(&self) -> Result<Vec<CallCard>> {
        let value = self
            .eval(
                "[...document.querySelectorAll('#calls .call')].map((c) => ({ \
                   callId: c.dataset.callId, state: c.dataset.state, \
                   label: c.querySelector('.state-badge').textContent, \
                   party: c.querySelector('.call-party').textContent, \
                   direction: c.querySelector('.call-direction').textContent, \
                   conferenced: c.dataset.conferenced === 'true', \
                   enabled: [...c.querySelectorAll('button[data-action]:not(:disabled)')] \
                     .map((b) => b.dataset.action) }))",
            )
            .await?;
        let Some(cards) = value.as_array() else {
            bail!("unexpected call list {value}");
        };
        cards
            .iter()
            .map(|c| {
                let text = |key: &str| c[key].as_str().unwrap_or_default().to_owned();
                Ok(CallCard {
                    call_id: text("callId"),
                    state: text("state"),
                    label: text("label"),
                    party: text("party"),
                    direction: text("direction"),
                    conferenced: c["conferenced"] == Value::Bool(true),
                    enabled: c["enabled"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|b| b.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Waits until the call cards, as `[[state, label], ...]` oldest first, are `expected`.
    pub async fn wait_calls(&self, expected: &[(&str, &str)]) -> Result<Vec<CallCard>> {
        let expected_json = json!(expected
            .iter()
            .map(|(state, label)| [*state, *label])
            .collect::<Vec<_>>())
        .to_string();
        let condition = format!(
            "JSON.stringify([...document.querySelectorAll('#calls .call')].map((c) => \
             [c.dataset.state, c.querySelector('.state-badge').textContent])) === '{expected_json}'"
        );
        if let Err(err) = self.wait_for(&condition, STEP).await {
            let shown = self.calls().await.unwrap_or_default();
            bail!("{err}\nthe page shows {shown:#?}");
        }
        self.calls().await
    }

    /// Presses the button `action` (`answer`, `hold`, `consult`...) of call `call_id`.
    pub async fn press(&self, call_id: &str, action: &str) -> Result<()> {
        self.click(&format!(
            ".call[data-call-id=\"{call_id}\"] button[data-action=\"{action}\"]"
        ))
        .await
    }

    /// Types `number` into the number field of call `call_id`.
    pub async fn type_number(&self, call_id: &str, number: &str) -> Result<()> {
        self.fill(
            &format!(".call[data-call-id=\"{call_id}\"] input.number"),
            number,
        )
        .await
    }

    /// Opens a tab of the right-hand column: `events`, `simulator` or `supervisor`.
    pub async fn tab(&self, name: &str) -> Result<()> {
        self.click(&format!("[data-tab=\"{name}\"]")).await
    }

    /// Waits until the connection pill is in `state` (`connected`, `reconnecting`...).
    pub async fn wait_connection(&self, state: &str, timeout: Duration) -> Result<String> {
        self.wait_for(
            &format!("document.getElementById('connection').dataset.state === '{state}'"),
            timeout,
        )
        .await?;
        self.text("#connection").await
    }

    /// The names of the event log's entries of `kind` (`event`, `inner`, `sdk`, `page`),
    /// newest first.
    pub async fn logged(&self, kind: &str) -> Result<Vec<String>> {
        self.focus().await?;
        let value = self
            .h
            .run_js(
                "return [...document.querySelectorAll('#log li')] \
                   .filter((li) => li.dataset.kind === arguments[0]) \
                   .map((li) => li.dataset.name);",
                vec![json!(kind)],
            )
            .await?;
        Ok(value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until the status line `css` says something containing `text`.
    pub async fn wait_status(&self, css: &str, text: &str) -> Result<()> {
        let condition = format!(
            "(document.querySelector({css:?}) || {{}}).textContent.includes({text:?})",
            css = css,
            text = text
        );
        self.wait_for(&condition, STEP).await
    }
}

/// The simulator's admin API, called from the page (the harness has no HTTP client).
pub async fn admin(h: &Harness, method: &str, path: &str, body: Value) -> Result<Value> {
    let value = h
        .run_js(
            "const [method, path, body] = arguments; \
             const init = { method, headers: { 'content-type': 'application/json' } }; \
             if (body !== null) { init.body = JSON.stringify(body); } \
             return fetch('/admin' + path, init).then(async (r) => { \
               const text = await r.text(); \
               return { ok: r.ok, status: r.status, body: text ? JSON.parse(text) : null }; });",
            vec![json!(method), json!(path), body],
        )
        .await?;
    if value["ok"] != Value::Bool(true) {
        bail!("{method} /admin{path} failed: {value}");
    }
    Ok(value["body"].clone())
}
