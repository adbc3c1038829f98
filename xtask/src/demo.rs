//! `cargo xtask demo`: builds the SDK and serves the demo softphone, the built files and the
//! examples from the simulator until Ctrl-C.

use std::net::{Ipv4Addr, TcpListener};

use anyhow::{bail, Result};

use crate::dist;
use crate::setup;
use crate::sim::{self, BackgroundSim};
use crate::sizes;
use crate::timing::Timings;
use crate::workspace::Workspace;

/// Sets up, builds dist, starts the simulator on `port` and waits for it to be stopped.
pub fn run(ws: &Workspace, port: u16) -> Result<()> {
    setup::run(ws, setup::Needs { rabbitmq: false })?;
    // Fail before the build rather than after it.
    if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
        bail!("127.0.0.1:{port} is in use: stop what listens there or pass --port <another>");
    }
    let files = dist::run(ws)?;
    sizes::report(ws, &files, false)?;
    let mut t = Timings::new("demo");
    let exe = t.step("build the simulator", || sim::build(ws))?;
    let sim = t.step("start the simulator", || {
        BackgroundSim::start(
            ws,
            &exe,
            port,
            &[
                "--www",
                "www",
                "--mount",
                "/dist=dist",
                "--mount",
                "/examples=examples",
            ],
        )
    })?;
    t.print();
    let url = sim.base_url();
    println!(
        "\nwell-client demo\n\
         \x20 softphone:   {url}/\n\
         \x20 examples:    {url}/examples/\n\
         \x20 drop-in SDK: {url}/dist/well-client.js\n\
         \x20 log in as agent 5001..5010 on extension 8001..8010, tenant test.cc, password 123456\n\
         \x20 (for example 5001@test.cc on 8001@test.cc)\n\
         Press Ctrl-C to stop.\n"
    );
    sim.wait()
}
