//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure, with a
//! table of steps and durations at the end.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

use crate::cmd;
use crate::dist;
use crate::setup::{self, CHROMEDRIVER, TSC, WASM_TARGET};
use crate::sim::{self, BackgroundSim};
use crate::sizes;
use crate::timing::Timings;
use crate::workspace::Workspace;

/// The browser tests compile the simulator's URL in, so a stable port spares a rebuild.
const BROWSER_SIM_PORT: u16 = 18088;
/// Each wasm test binary's whole run in the browser (wasm-bindgen-test-runner's default, 20 s,
/// is short for tests that talk to the simulator).
const BROWSER_TEST_TIMEOUT_SECS: &str = "120";

/// The steps of `cargo xtask test`, in the order they run.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Step {
    /// `cargo fmt --all -- --check`
    Fmt,
    /// clippy on the whole workspace, natively
    Clippy,
    /// clippy on the SDK for wasm32
    ClippyWasm,
    /// the SDK's rustdoc, warnings denied (broken links, private items named in public docs)
    Doc,
    /// nothing outside src/web/ names web_sys, js_sys or wasm_bindgen
    PlatformFree,
    /// the JS shim's unit tests (node) and its type test (tsc)
    Shim,
    /// `cargo test` natively: unit, fixtures, proptests, fuzz, simulator
    Native,
    /// the simulator against a real RabbitMQ
    Rabbitmq,
    /// dist, `npm pack --dry-run`, tsc on the TypeScript example
    Package,
    /// the SDK's wasm-bindgen tests in headless Chromium
    Browser,
    /// end-to-end tests of the built files in headless Chromium
    E2e,
}

const ALL_STEPS: [Step; 11] = [
    Step::Fmt,
    Step::Clippy,
    Step::ClippyWasm,
    Step::Doc,
    Step::PlatformFree,
    Step::Shim,
    Step::Native,
    Step::Rabbitmq,
    Step::Package,
    Step::Browser,
    Step::E2e,
];

/// Which steps to run; CI runs them all.
#[derive(Args)]
pub struct Selection {
    /// Leave out a step (repeatable); for development only.
    #[arg(long, value_enum)]
    skip: Vec<Step>,
    /// Run only these steps (repeatable); for development only.
    #[arg(long, value_enum, conflicts_with = "skip")]
    only: Vec<Step>,
}

impl Selection {
    fn includes(&self, step: Step) -> bool {
        if !self.only.is_empty() {
            return self.only.contains(&step);
        }
        !self.skip.contains(&step)
    }
}

/// Runs setup, then the selected steps in order.
pub fn run(ws: &Workspace, selection: &Selection) -> Result<()> {
    if std::env::var("CI").as_deref() == Ok("true") {
        println!("CI=true: tests use their CI budgets");
    }
    setup::run(ws, setup::Needs::everything())?;
    let mut t = Timings::new("test");
    let mut failure = None;
    for step in ALL_STEPS {
        let name = step_name(step);
        if !selection.includes(step) {
            t.skip(&name);
        } else if failure.is_some() {
            t.not_run(&name);
        } else if let Err(err) = t.step(&name, || run_step(ws, step)) {
            failure = Some(err);
        }
    }
    t.print();
    match failure {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

fn step_name(step: Step) -> String {
    step.to_possible_value()
        .map(|value| value.get_name().to_owned())
        .unwrap_or_else(|| format!("{step:?}"))
}

fn run_step(ws: &Workspace, step: Step) -> Result<()> {
    match step {
        Step::Fmt => cmd::run(ws.cargo().args(["fmt", "--all", "--", "--check"])),
        Step::Clippy => cmd::run(ws.cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        Step::ClippyWasm => cmd::run(ws.cargo().args([
            "clippy",
            "-p",
            "well-client",
            "--target",
            WASM_TARGET,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        Step::Doc => cmd::run(
            ws.cargo()
                .args(["doc", "-p", "well-client", "--no-deps"])
                .env("RUSTDOCFLAGS", "-D warnings"),
        ),
        Step::PlatformFree => platform_free(&ws.path("src")),
        Step::Shim => shim(ws),
        // The e2e tests need dist/ and a browser; they run in their own step.
        Step::Native => cmd::run(
            ws.cargo()
                .args(["test", "--workspace", "--exclude", "well-e2e"]),
        ),
        Step::Rabbitmq => cmd::run(
            ws.cargo()
                .args(["test", "-p", "well-sim", "--", "--ignored"]),
        ),
        Step::Package => package(ws),
        Step::Browser => browser(ws),
        Step::E2e => e2e(ws),
    }
}

/// The core must build and be tested natively, so only the web adapter may name the
/// browser bindings.
fn platform_free(src: &Path) -> Result<()> {
    let mentions = platform_mentions(src)?;
    if !mentions.is_empty() {
        bail!(
            "only src/web/ may use the browser bindings; found:\n{}",
            mentions.join("\n")
        );
    }
    println!("no file under src/ outside src/web/ mentions web_sys, js_sys or wasm_bindgen");
    Ok(())
}

/// `path:line: text` for every line outside `src/web/` that names a browser binding crate.
fn platform_mentions(src: &Path) -> Result<Vec<String>> {
    const NAMES: [&str; 3] = ["web_sys", "js_sys", "wasm_bindgen"];
    let mut found = Vec::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let mut entries = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .collect::<std::io::Result<Vec<_>>>()?;
        entries.sort_by_key(|entry| entry.path());
        for entry in entries {
            let path = entry.path();
            if path == src.join("web") {
                continue;
            }
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (number, line) in text.lines().enumerate() {
                if NAMES.iter().any(|name| line.contains(name)) {
                    found.push(format!(
                        "{}:{}: {}",
                        path.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    Ok(found)
}

/// `node --test` on every `js-shim/test/*.test.mjs`, then `tsc` on the usage file of the types.
fn shim(ws: &Workspace) -> Result<()> {
    let dir = ws.path("js-shim/test");
    let mut tests: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<Vec<_>>>()?
        .into_iter()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    tests.sort();
    cmd::run(
        Command::new("node")
            .arg("--test")
            .args(&tests)
            .current_dir(ws.root()),
    )?;
    cmd::run(
        Command::new(ws.path(TSC))
            .arg("-p")
            .arg(ws.path("js-shim/test/types"))
            .current_dir(ws.root()),
    )
}

fn package(ws: &Workspace) -> Result<()> {
    let files = dist::run(ws)?;
    sizes::report(ws, &files, false)?;
    cmd::run(
        Command::new("npm")
            .args(["pack", "--dry-run"])
            .current_dir(ws.path("dist/npm")),
    )?;
    cmd::run(
        Command::new("node")
            .arg(ws.path("js-shim/test/npm-package.mjs"))
            .arg(ws.path("dist/npm"))
            .current_dir(ws.root()),
    )?;
    let example = ws.path("examples/esm");
    if example.join("tsconfig.json").is_file() {
        cmd::run(
            Command::new(ws.path(TSC))
                .arg("-p")
                .arg(&example)
                .current_dir(ws.root()),
        )?;
    } else {
        println!("no examples/esm/tsconfig.json: nothing to type-check");
    }
    Ok(())
}

fn browser(ws: &Workspace) -> Result<()> {
    let exe = sim::build(ws)?;
    // Short heart-beats, so the test that waits through several of them takes seconds.
    let sim = BackgroundSim::start(
        ws,
        &exe,
        sim::port_preferring(BROWSER_SIM_PORT)?,
        &["--heart-beat", "1000,1000"],
    )?;
    let test_server = format!("127.0.0.1:{}", sim::free_port()?);
    let timeout = std::env::var("WASM_BINDGEN_TEST_TIMEOUT")
        .unwrap_or_else(|_| BROWSER_TEST_TIMEOUT_SECS.to_owned());
    cmd::run(
        ws.cargo()
            .args(["test", "-p", "well-client", "--target", WASM_TARGET])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("WASM_BINDGEN_TEST_ADDRESS", test_server)
            .env("WASM_BINDGEN_TEST_TIMEOUT", timeout)
            .env("WELL_SIM_URL", sim.base_url()),
    )
    // `sim` is dropped here, stopping the simulator whether the tests passed or not.
}

fn e2e(ws: &Workspace) -> Result<()> {
    let exe = sim::build(ws)?;
    if !ws.path(sizes::DROP_IN).is_file() {
        bail!(
            "the e2e tests load {}: run the package step first",
            sizes::DROP_IN
        );
    }
    cmd::run(
        ws.cargo()
            .args(["test", "-p", "well-e2e", "--", "--test-threads=1"])
            .env("WELL_SIM_BIN", exe),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_web_adapter_may_name_browser_bindings() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        std::fs::create_dir_all(src.join("web")).unwrap();
        std::fs::create_dir_all(src.join("stomp")).unwrap();
        std::fs::write(src.join("web/mod.rs"), "use wasm_bindgen::prelude::*;\n").unwrap();
        std::fs::write(src.join("lib.rs"), "pub mod stomp;\n").unwrap();
        std::fs::write(
            src.join("stomp/mod.rs"),
            "fn f() {}\n// js_sys::Date is not allowed here\n",
        )
        .unwrap();
        assert_eq!(
            platform_mentions(src).unwrap(),
            [format!(
                "{}:2: // js_sys::Date is not allowed here",
                src.join("stomp/mod.rs").display()
            )]
        );
        std::fs::remove_file(src.join("stomp/mod.rs")).unwrap();
        assert!(platform_mentions(src).unwrap().is_empty());
        assert!(platform_free(src).is_ok());
    }

    #[test]
    fn web_named_files_outside_src_web_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("api/web")).unwrap();
        std::fs::write(dir.path().join("api/web/x.rs"), "web_sys::window()").unwrap();
        assert_eq!(platform_mentions(dir.path()).unwrap().len(), 1);
    }

    #[test]
    fn selection_by_only_or_skip() {
        let all = Selection {
            skip: vec![],
            only: vec![],
        };
        assert!(ALL_STEPS.iter().all(|&step| all.includes(step)));
        let only = Selection {
            skip: vec![],
            only: vec![Step::E2e],
        };
        assert!(only.includes(Step::E2e) && !only.includes(Step::Fmt));
        let skip = Selection {
            skip: vec![Step::Rabbitmq],
            only: vec![],
        };
        assert!(!skip.includes(Step::Rabbitmq) && skip.includes(Step::Native));
    }

    #[test]
    fn step_names_are_the_command_line_names() {
        assert_eq!(step_name(Step::ClippyWasm), "clippy-wasm");
        assert_eq!(step_name(Step::E2e), "e2e");
    }
}
