//! The CTI simulator as a child process on a free loopback port, serving the demo page, the
//! built SDK, the examples and the pages a test writes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use crate::process::{free_port, ChildGuard};

/// Set by `cargo xtask test`, which has just built the simulator.
const SIM_BIN_ENV: &str = "WELL_SIM_BIN";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running simulator, stopped when dropped.
pub(crate) struct Sim {
    _child: ChildGuard,
    base_url: String,
}

impl Sim {
    /// Starts the simulator with `www/` at `/`, `dist/` at `/dist`, `examples/` at `/examples`
    /// and `pages` at `/e2e`, its output going to `log`.
    pub(crate) fn start(root: &Path, pages: &Path, log: &Path) -> Result<Self> {
        let exe = binary()?;
        let port = free_port()?;
        let mut command = Command::new(&exe);
        command
            .current_dir(root)
            .env("NO_COLOR", "1")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"));
        // Git keeps no empty directories: serve only those a checkout has.
        let www = root.join("www");
        if www.is_dir() {
            command.arg("--www").arg(www);
        }
        for (prefix, dir) in [
            ("/dist", root.join("dist")),
            ("/examples", root.join("examples")),
            ("/e2e", pages.to_path_buf()),
        ] {
            if dir.is_dir() {
                command.arg("--mount").arg(mount(prefix, &dir));
            }
        }
        let mut child = ChildGuard::spawn("simulator", &mut command, log)?;
        child.wait_until_listening(port, STARTUP_TIMEOUT)?;
        Ok(Sim {
            _child: child,
            base_url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }
}

fn mount(prefix: &str, dir: &Path) -> String {
    format!("{prefix}={}", dir.display())
}

/// The simulator executable: `$WELL_SIM_BIN`, or else built once per test process with cargo
/// (quick when it is up to date), so a hand-run `cargo test -p well-e2e` never tests a stale
/// simulator.
fn binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(SIM_BIN_ENV) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!("{SIM_BIN_ENV}={} does not exist", path.display());
        }
        return Ok(path);
    }
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| build().map_err(|err| format!("{err:#}")))
        .clone()
        .map_err(|err| anyhow!(err))
}

fn build() -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "well-sim",
            "--bin",
            "well-sim",
            "--message-format=json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .context("running `cargo build -p well-sim`")?;
    if !output.status.success() {
        bail!(
            "`cargo build -p well-sim` failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8(output.stdout)?;
    executable_in(&stdout, "well-sim")
        .ok_or_else(|| anyhow!("`cargo build -p well-sim` reported no well-sim executable"))
}

/// The path of executable `name` in cargo's `--message-format=json` output.
fn executable_in(messages: &str, name: &str) -> Option<PathBuf> {
    messages.lines().find_map(|line| {
        let message: serde_json::Value = serde_json::from_str(line).ok()?;
        if message["reason"] != "compiler-artifact" || message["target"]["name"] != name {
            return None;
        }
        message["executable"].as_str().map(PathBuf::from)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_executable_among_cargo_messages() {
        let messages = r#"{"reason":"compiler-artifact","target":{"name":"well_client"},"executable":null}
{"reason":"compiler-artifact","target":{"name":"well-sim"},"executable":"/t/debug/well-sim"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executable_in(messages, "well-sim"),
            Some(PathBuf::from("/t/debug/well-sim"))
        );
        assert_eq!(executable_in(messages, "other"), None);
    }
}
