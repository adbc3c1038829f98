//! `cargo xtask setup`: installs what the other commands use, and only what is missing, so it
//! costs well under a second on a machine that has everything.

use std::path::Path;
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};

use crate::cmd;
use crate::timing::Timings;
use crate::workspace::Workspace;

/// The Rust target the SDK ships for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Chromium and its WebDriver, where the browser tests and `wasm-bindgen-test-runner` expect
/// them.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const RABBITMQ_SERVER: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/// `wasm-opt` from the pinned npm `binaryen` (Debian's older one breaks wasm-bindgen output).
pub const WASM_OPT: &str = "tools/node_modules/binaryen/bin/wasm-opt";
/// terser's command-line script, from the pinned npm `terser` (run with node).
pub const TERSER: &str = "tools/node_modules/terser/bin/terser";
/// `tsc` from the pinned npm `typescript`.
pub const TSC: &str = "tools/node_modules/.bin/tsc";
/// A copy of the lock file `npm ci` last installed from; when it differs from
/// `tools/package-lock.json` the tools are stale.
const NPM_STAMP: &str = "tools/node_modules/.xtask-installed-package-lock.json";

/// Which optional parts a command needs.
pub struct Needs {
    /// RabbitMQ is a test peer only; the demo does without it.
    pub rabbitmq: bool,
}

impl Needs {
    /// Everything `cargo xtask test` uses.
    pub fn everything() -> Self {
        Needs { rabbitmq: true }
    }
}

/// A Debian package and a file whose presence shows it is installed (used where there is no
/// dpkg to ask).
struct DebianPackage {
    name: &'static str,
    provides: &'static str,
}

/// Installs whatever of the toolchain is missing, timing each part.
pub fn run(ws: &Workspace, needs: Needs) -> Result<()> {
    let mut t = Timings::new("setup");
    t.step("wasm32 target", wasm_target)?;
    t.step("wasm-bindgen-cli", || wasm_bindgen_cli(ws))?;
    t.step("npm tools", || npm_tools(ws))?;
    t.step("Debian packages", || debian_packages(&needs))?;
    t.print();
    Ok(())
}

fn wasm_target() -> Result<()> {
    let installed = cmd::probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or_else(|| {
            anyhow!("`rustup` is needed to add the {WASM_TARGET} target: install it from rustup.rs")
        })?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("{WASM_TARGET}: present");
        return Ok(());
    }
    cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn wasm_bindgen_cli(ws: &Workspace) -> Result<()> {
    // The CLI must match the library exactly: its output embeds a schema version the
    // library checks.
    let wanted = ws.locked_version("wasm-bindgen")?;
    let bindgen = tool_version("wasm-bindgen");
    let runner = tool_version("wasm-bindgen-test-runner");
    if bindgen.as_deref() == Some(&wanted) && runner.as_deref() == Some(&wanted) {
        println!("wasm-bindgen and wasm-bindgen-test-runner {wanted}: present");
        return Ok(());
    }
    println!(
        "wasm-bindgen-cli {wanted} wanted (Cargo.lock), found {}; installing (a few minutes)",
        bindgen.as_deref().unwrap_or("none")
    );
    cmd::run(cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    let now = tool_version("wasm-bindgen");
    if now.as_deref() != Some(&wanted) {
        bail!(
            "after installing wasm-bindgen-cli {wanted}, `wasm-bindgen --version` reports {}: \
             put cargo's bin directory (usually ~/.cargo/bin) first on PATH",
            now.as_deref().unwrap_or("nothing")
        );
    }
    Ok(())
}

/// The version a `tool --version` prints as `tool X.Y.Z`.
fn tool_version(tool: &str) -> Option<String> {
    version_word(&cmd::probe(Command::new(tool).arg("--version"))?)
}

fn version_word(output: &str) -> Option<String> {
    let mut words = output.split_whitespace();
    words.next()?;
    words.next().map(str::to_owned)
}

fn npm_tools(ws: &Workspace) -> Result<()> {
    let lock_path = ws.path("tools/package-lock.json");
    let lock =
        std::fs::read(&lock_path).with_context(|| format!("reading {}", lock_path.display()))?;
    let stamp = std::fs::read(ws.path(NPM_STAMP)).ok();
    let complete = [WASM_OPT, TSC].iter().all(|tool| ws.path(tool).is_file());
    if complete && stamp.as_deref() == Some(lock.as_slice()) {
        println!("tools/node_modules matches tools/package-lock.json");
        return Ok(());
    }
    if cmd::probe(Command::new("npm").arg("--version")).is_none() {
        bail!("npm is needed for the pinned wasm-opt and tsc: install Node.js and npm (Debian: apt-get install nodejs npm)");
    }
    cmd::run(
        Command::new("npm")
            .args(["ci", "--prefix", "tools", "--no-audit", "--no-fund"])
            .current_dir(ws.root()),
    )?;
    for tool in [WASM_OPT, TSC] {
        if !ws.path(tool).is_file() {
            bail!("`npm ci --prefix tools` did not install {tool}");
        }
    }
    std::fs::write(ws.path(NPM_STAMP), &lock).context("writing the npm tools stamp")?;
    Ok(())
}

fn debian_packages(needs: &Needs) -> Result<()> {
    let mut wanted = vec![
        DebianPackage {
            name: "chromium",
            provides: CHROMIUM,
        },
        DebianPackage {
            name: "chromium-driver",
            provides: CHROMEDRIVER,
        },
    ];
    if needs.rabbitmq {
        wanted.push(DebianPackage {
            name: "rabbitmq-server",
            provides: RABBITMQ_SERVER,
        });
    }
    let has_dpkg = cmd::probe(Command::new("dpkg-query").arg("--version")).is_some();
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|package| !installed(package, has_dpkg))
        .map(|package| package.name)
        .collect();
    if missing.is_empty() {
        let names: Vec<&str> = wanted.iter().map(|package| package.name).collect();
        println!("{}: installed", names.join(", "));
        return Ok(());
    }
    if !has_dpkg {
        let files: Vec<&str> = wanted.iter().map(|package| package.provides).collect();
        bail!(
            "this is not a Debian system; install Chromium, chromedriver{} so that {} exist",
            if needs.rabbitmq { " and RabbitMQ" } else { "" },
            files.join(", ")
        );
    }
    if !running_as_root() {
        bail!(
            "missing Debian packages: {0}; install them as root: \
             apt-get update && apt-get install -y {0}",
            missing.join(" ")
        );
    }
    let apt = |args: &[&str]| {
        let mut apt = Command::new("apt-get");
        apt.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        cmd::run(&mut apt)
    };
    apt(&["update"])?;
    let mut install = vec!["install", "-y"];
    install.extend(&missing);
    apt(&install)?;
    for package in &wanted {
        if !Path::new(package.provides).exists() {
            bail!(
                "{} is installed but {} is missing",
                package.name,
                package.provides
            );
        }
    }
    Ok(())
}

fn installed(package: &DebianPackage, has_dpkg: bool) -> bool {
    if !has_dpkg {
        return Path::new(package.provides).exists();
    }
    let status = cmd::probe(Command::new("dpkg-query").args([
        "--show",
        "--showformat=${db:Status-Status}",
        package.name,
    ]));
    status.as_deref() == Some("installed") && Path::new(package.provides).exists()
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the user the process runs as.
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_the_word_after_the_tool_name() {
        assert_eq!(
            version_word("wasm-bindgen 0.2.130\n").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(version_word("wasm-bindgen\n"), None);
        assert_eq!(tool_version("/nonexistent/tool"), None);
    }

    #[test]
    fn root_detection_agrees_with_id() {
        let id = cmd::probe(Command::new("id").arg("-u")).unwrap();
        assert_eq!(running_as_root(), id.trim() == "0");
    }
}
