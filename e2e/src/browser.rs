//! Headless Chromium driven over WebDriver: Debian's chromedriver as a child process, one
//! session with a fresh profile, and a script every page runs first that records its errors.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::process::{free_port, ChildGuard};

/// Debian's Chromium and its driver (`cargo xtask setup` installs both). Nothing downloads a
/// browser at run time.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Installed in every document before its own scripts run, so that even an error thrown by
/// the first `<script>` tag, or a script that fails to load, is recorded.
const ERROR_HOOK: &str = r#"(() => {
  const errors = [];
  const warnings = [];
  Object.defineProperty(window, '__wellE2eErrors', { value: errors });
  Object.defineProperty(window, '__wellE2eWarnings', { value: warnings });
  const text = (value) => (value && value.stack) ? String(value.stack) : String(value);
  window.addEventListener('error', (event) => {
    const target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      errors.push('failed to load ' + (target.src || target.href));
    } else {
      errors.push('uncaught ' + (event.error ? text(event.error) : event.message) +
        (event.filename ? ' (' + event.filename + ':' + event.lineno + ')' : ''));
    }
  }, true);
  window.addEventListener('unhandledrejection', (event) => {
    errors.push('unhandled rejection: ' + text(event.reason));
  });
  const error = console.error;
  console.error = function (...args) {
    errors.push('console.error: ' + args.map(text).join(' '));
    return error.apply(this, args);
  };
  const warn = console.warn;
  console.warn = function (...args) {
    warnings.push(args.map(text).join(' '));
    return warn.apply(this, args);
  };
})();"#;

/// A chromedriver child and the one browser session it drives.
pub(crate) struct Browser {
    // Field order is drop order: the client before the driver it talks to.
    client: Client,
    session_id: String,
    driver_port: u16,
    _driver: ChildGuard,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with its profile in `profile`.
    pub(crate) async fn start(profile: &Path, driver_log: &Path) -> Result<Self> {
        let driver_port = free_port()?;
        let mut driver = ChildGuard::spawn(
            "chromedriver",
            Command::new(CHROMEDRIVER).arg(format!("--port={driver_port}")),
            driver_log,
        )?;
        driver.wait_until_listening(driver_port, STARTUP_TIMEOUT)?;

        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .with_context(|| {
                format!(
                    "opening a Chromium session; chromedriver's output is in {}",
                    driver_log.display()
                )
            })?;
        let session_id = client
            .session_id()
            .await?
            .ok_or_else(|| anyhow!("chromedriver returned no session id"))?;
        install_error_hook(&client).await?;
        Ok(Browser {
            client,
            session_id,
            driver_port,
            _driver: driver,
        })
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }
}

impl Drop for Browser {
    /// Ends the session so that chromedriver closes Chromium before the driver itself is
    /// killed; fantoccini's own close needs the async runtime, which may already be gone.
    fn drop(&mut self) {
        let _ = delete_session(self.driver_port, &self.session_id);
    }
}

/// Makes every document the current window loads from now on record its errors (see
/// [`ERROR_HOOK`]). DevTools scripts belong to one window: a window opened later needs its own.
pub(crate) async fn install_error_hook(client: &Client) -> Result<()> {
    client
        .issue_cmd(ChromeDevTools {
            method: "Page.addScriptToEvaluateOnNewDocument",
            params: json!({ "source": ERROR_HOOK }),
        })
        .await
        .context("installing the page error hook")?;
    Ok(())
}

/// `DELETE /session/<id>` over a plain blocking socket.
fn delete_session(port: u16, session_id: &str) -> std::io::Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    write!(
        stream,
        "DELETE /session/{session_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // chromedriver answers once Chromium has quit, and may keep the connection open
    // afterwards: the response head is all we wait for.
    let mut response = Vec::new();
    let mut buffer = [0u8; 1024];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..read]);
    }
    Ok(())
}

/// A Chrome DevTools Protocol call through chromedriver's `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct ChromeDevTools {
    method: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for ChromeDevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
