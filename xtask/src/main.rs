//! `cargo xtask`: the project's own commands, so that a fresh Debian machine with only the Rust
//! toolchain and node/npm needs nothing else than `cargo xtask demo` or `cargo xtask test`.
//!
//! - `setup` installs what the other commands use (wasm target, wasm-bindgen-cli, npm tools,
//!   Chromium and its driver, RabbitMQ) and is quick when all of it is already there;
//! - `dist` builds the drop-in `dist/well-client.js` and the npm package in `dist/npm/`;
//! - `test` runs every check CI runs, in order, failing fast;
//! - `demo` serves the demo softphone from the simulator until Ctrl-C;
//! - `bench` measures size and speed against the library it replaces (`bench-size`: size
//!   only).

mod bench;
mod cmd;
mod demo;
mod dist;
mod setup;
mod sim;
mod sizes;
mod suite;
mod timing;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::workspace::Workspace;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Build, test and demo commands of well-client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the wasm target, wasm-bindgen-cli, the npm tools and the Debian packages the
    /// other commands need (only what is missing).
    Setup,
    /// Build the drop-in script `dist/well-client.js` and the npm package `dist/npm/`.
    Dist,
    /// Run every check CI runs: formatting, lints, native tests, RabbitMQ, packaging, browser
    /// tests and end-to-end tests, in that order, stopping at the first failure.
    Test(suite::Selection),
    /// Serve the demo softphone, the built SDK and the examples from the simulator.
    Demo {
        /// Port on 127.0.0.1 the simulator listens on.
        #[arg(long, default_value_t = 8088)]
        port: u16,
    },
    /// Build dist and print its sizes and the event path's speed, natively and in headless
    /// Chromium; with the original's files, theirs too and the ratios.
    Bench(Original),
    /// Build dist and print its sizes only (the first table of `bench`).
    BenchSize(Original),
}

/// The original library to measure against.
#[derive(Args)]
struct Original {
    /// Directory holding well-client.js 1.3.7 and the jquery-1.11.3.min.js and stomp.min.js
    /// it loads with (default: $WELL_ORIGINAL_DIR); without it only ours is measured.
    #[arg(long, value_name = "DIR")]
    original: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = sim::stop_on_interrupt() {
        return fail(&err);
    }
    let ws = match Workspace::locate() {
        Ok(ws) => ws,
        Err(err) => return fail(&err),
    };
    let outcome = match cli.command {
        Command::Setup => setup::run(&ws, setup::Needs::everything()),
        Command::Dist => dist::run(&ws).and_then(|files| sizes::report(&ws, &files, false)),
        Command::Test(selection) => suite::run(&ws, &selection),
        Command::Demo { port } => demo::run(&ws, port),
        Command::Bench(Original { original }) => {
            bench::original_dir(original).and_then(|dir| bench::run(&ws, dir.as_deref()))
        }
        Command::BenchSize(Original { original }) => {
            bench::original_dir(original).and_then(|dir| bench::size(&ws, dir.as_deref()))
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

fn fail(err: &anyhow::Error) -> ExitCode {
    eprintln!("\nerror: {err:#}");
    ExitCode::FAILURE
}
