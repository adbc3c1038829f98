//! End-to-end tests of what we ship, in headless Chromium against the simulator.
//!
//! A [`Harness`] starts, for one test, the simulator on a free loopback port (serving `www/`
//! at `/`, `dist/` at `/dist`, `examples/` at `/examples` and the test's own pages at `/e2e`),
//! chromedriver on another, and a Chromium session with a fresh profile. Everything it started
//! is stopped when it is dropped, also when the test fails or panics. Every page records its
//! uncaught errors, unhandled rejections, failed script loads and `console.error` calls from
//! before its first script runs, so a test can assert that none happened.
//!
//! ```no_run
//! # async fn example() -> anyhow::Result<()> {
//! use std::time::Duration;
//! // In a test file: `#[tokio::test] async fn agent_logs_in() -> anyhow::Result<()> { ... }`
//! let h = well_e2e::Harness::start("agent_logs_in").await?;
//! h.goto("/").await?;
//! h.wait_for("window.wellClient !== undefined", Duration::from_secs(5)).await?;
//! h.screenshot("loaded").await?;
//! h.assert_no_page_errors().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The tests load `dist/`, so build it first (`cargo xtask dist`); `cargo xtask test` runs
//! them after building everything, one at a time (`--test-threads=1`: each test has its own
//! browser, and two cores are better spent on one). Screenshots and the logs of the
//! simulator and chromedriver go to `target/e2e/<test name>/`.

mod browser;
mod process;
mod sim;
mod windows;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
pub use fantoccini::Client;
pub use serde_json::Value;
use tempfile::TempDir;
pub use windows::WindowHandle;

use crate::browser::Browser;
use crate::sim::Sim;

/// How often [`Harness::wait_for`] re-evaluates its condition.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// One test's simulator, browser and output directory.
pub struct Harness {
    // Field order is drop order: the browser before the server it shows, and both before
    // the directories they use.
    browser: Browser,
    sim: Sim,
    pages: TempDir,
    _profile: TempDir,
    out_dir: PathBuf,
}

impl Harness {
    /// Starts the simulator, chromedriver and a headless Chromium for the test called `name`
    /// (letters, digits, `_` and `-`; it names the test's output directory).
    pub async fn start(name: &str) -> Result<Self> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            bail!("test name {name:?} must be letters, digits, '_' and '-'");
        }
        let root = workspace_root();
        let drop_in = root.join("dist/well-client.js");
        if !drop_in.is_file() {
            bail!(
                "{} is missing: build it with `cargo xtask dist` (`cargo xtask test` does)",
                drop_in.display()
            );
        }
        let out_dir = target_dir(&root).join("e2e").join(name);
        if out_dir.exists() {
            std::fs::remove_dir_all(&out_dir)
                .with_context(|| format!("clearing {}", out_dir.display()))?;
        }
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("creating {}", out_dir.display()))?;
        let pages = tempfile::Builder::new()
            .prefix("well-e2e-pages-")
            .tempdir()?;
        let profile = tempfile::Builder::new()
            .prefix("well-e2e-chromium-")
            .tempdir()?;
        let sim = Sim::start(&root, pages.path(), &out_dir.join("sim.log"))?;
        let browser = Browser::start(profile.path(), &out_dir.join("chromedriver.log")).await?;
        Ok(Harness {
            browser,
            sim,
            pages,
            _profile: profile,
            out_dir,
        })
    }

    /// The simulator's base URL, `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.sim.base_url()
    }

    /// The absolute URL of `path` (`/dist/well-client.js`) on the simulator.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.base_url())
        } else {
            format!("{}/{path}", self.base_url())
        }
    }

    /// Writes a page for this test only and returns the path it is served at
    /// (`/e2e/<file_name>`), ready for [`Harness::goto`].
    pub fn add_page(&self, file_name: &str, html: &str) -> Result<String> {
        if file_name.contains('/') || file_name.starts_with('.') {
            bail!("page name {file_name:?} must be a plain file name");
        }
        let path = self.pages.path().join(file_name);
        std::fs::write(&path, html).with_context(|| format!("writing {}", path.display()))?;
        Ok(format!("/e2e/{file_name}"))
    }

    /// Opens `path` on the simulator (or an absolute URL) and waits for the page to load.
    pub async fn goto(&self, path: &str) -> Result<()> {
        let url = if path.starts_with("http://") {
            path.to_owned()
        } else {
            self.url(path)
        };
        self.client()
            .goto(&url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Evaluates a JavaScript expression in the page and returns its value as JSON; a
    /// promise is awaited. `h.eval_js("wellClient.getCallMemory()")`.
    pub async fn eval_js(&self, expression: &str) -> Result<Value> {
        self.run_js(&format!("return ({expression});"), Vec::new())
            .await
    }

    /// Runs a JavaScript function body with `arguments[0..]` set to `args` and returns what
    /// it returns (a promise is awaited).
    pub async fn run_js(&self, body: &str, args: Vec<Value>) -> Result<Value> {
        self.client()
            .execute(body, args)
            .await
            .with_context(|| format!("running in the page: {body}"))
    }

    /// Waits until the JavaScript expression `condition` is truthy. An expression that
    /// throws counts as not yet true. On timeout the error says what the page reported, and a
    /// screenshot `timeout-<n>.png` shows how it looked.
    pub async fn wait_for(&self, condition: &str, timeout: Duration) -> Result<()> {
        let probe = format!(
            "try {{ return {{ ok: !!({condition}) }}; }} \
             catch (e) {{ return {{ ok: false, error: String(e) }}; }}"
        );
        let start = Instant::now();
        loop {
            let outcome = self.run_js(&probe, Vec::new()).await?;
            if outcome["ok"] == Value::Bool(true) {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                let shot = self.screenshot(&self.next_timeout_name()).await;
                let errors = self.page_errors().await.unwrap_or_default();
                let mut message = format!("`{condition}` not true after {timeout:?}");
                if let Some(error) = outcome["error"].as_str() {
                    message += &format!("; it last threw {error}");
                }
                if !errors.is_empty() {
                    message += &format!("; page errors: {}", errors.join(" | "));
                }
                if let Ok(shot) = shot {
                    message += &format!("; screenshot {}", shot.display());
                }
                bail!(message);
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Saves a PNG of the page as `target/e2e/<test name>/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self
            .client()
            .screenshot()
            .await
            .context("taking a screenshot")?;
        let path = self.out_dir.join(format!("{name}.png"));
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// What went wrong in the current page so far: uncaught errors, unhandled rejections,
    /// scripts or styles that failed to load, and `console.error` calls.
    pub async fn page_errors(&self) -> Result<Vec<String>> {
        self.recorded("__wellE2eErrors").await
    }

    /// The `console.warn` messages of the current page so far.
    pub async fn page_warnings(&self) -> Result<Vec<String>> {
        self.recorded("__wellE2eWarnings").await
    }

    /// Fails, listing them, if the current page reported any errors.
    pub async fn assert_no_page_errors(&self) -> Result<()> {
        let errors = self.page_errors().await?;
        if !errors.is_empty() {
            bail!("the page reported errors:\n  {}", errors.join("\n  "));
        }
        Ok(())
    }

    /// The WebDriver client, for anything the helpers do not cover (finding and clicking
    /// elements, forms, windows).
    pub fn client(&self) -> &Client {
        self.browser.client()
    }

    /// Where this test's screenshots and logs go.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    async fn recorded(&self, list: &str) -> Result<Vec<String>> {
        let value = self
            .run_js(&format!("return window.{list} || null;"), Vec::new())
            .await?;
        let Some(items) = value.as_array() else {
            bail!("the page has no error hook: open pages with goto() first");
        };
        items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow!("unexpected entry {item}"))
            })
            .collect()
    }

    fn next_timeout_name(&self) -> String {
        (1..)
            .map(|n| format!("timeout-{n}"))
            .find(|name| !self.out_dir.join(format!("{name}.png")).exists())
            .unwrap_or_else(|| "timeout".to_owned())
    }
}

/// The repository root (this crate lives in `e2e/`).
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}
