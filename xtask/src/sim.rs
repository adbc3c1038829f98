//! The CTI simulator as a background process on loopback, stopped when dropped, and the free
//! ports to run it and the test servers on.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::cmd;
use crate::workspace::Workspace;

/// How long a freshly built simulator may take to accept connections.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Process ids of the simulators now running, for the interrupt handler.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// On Ctrl-C (or SIGTERM) kill the simulators we started, then exit: without this the
/// simulator, which gets the same Ctrl-C, can outlive us while it shuts down.
pub fn stop_on_interrupt() -> Result<()> {
    ctrlc::set_handler(|| {
        let pids = RUNNING.lock().map(|pids| pids.clone()).unwrap_or_default();
        for pid in pids {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        eprintln!("\ninterrupted");
        std::process::exit(130);
    })
    .context("installing the Ctrl-C handler")
}

/// Builds the simulator (debug) and returns its executable.
pub fn build(ws: &Workspace) -> Result<PathBuf> {
    cmd::run(ws.cargo().args(["build", "-p", "well-sim"]))?;
    let exe = ws.target_dir()?.join("debug/well-sim");
    if !exe.is_file() {
        bail!(
            "`cargo build -p well-sim` did not produce {}",
            exe.display()
        );
    }
    Ok(exe)
}

/// A running simulator; it is killed when this is dropped, whatever happened meanwhile.
pub struct BackgroundSim {
    child: Child,
    base_url: String,
}

impl BackgroundSim {
    /// Starts `exe --listen 127.0.0.1:<port> <args>` from the repository root and waits until
    /// it accepts connections.
    pub fn start(ws: &Workspace, exe: &PathBuf, port: u16, args: &[&str]) -> Result<Self> {
        let listen = format!("127.0.0.1:{port}");
        let mut command = Command::new(exe);
        command
            .current_dir(ws.root())
            .args(["--listen", &listen])
            .args(args);
        println!("$ {} &", cmd::display(&command));
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        if let Ok(mut running) = RUNNING.lock() {
            running.push(child.id());
        }
        let mut sim = BackgroundSim {
            child,
            base_url: format!("http://{listen}"),
        };
        sim.wait_until_listening(port)?;
        println!("simulator listening on {}", sim.base_url);
        Ok(sim)
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Blocks until the simulator exits on its own (for the demo, which runs until Ctrl-C).
    pub fn wait(mut self) -> Result<()> {
        let status = self.child.wait()?;
        if !status.success() {
            bail!("the simulator exited ({status})");
        }
        Ok(())
    }

    fn wait_until_listening(&mut self, port: u16) -> Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("the simulator exited during startup ({status})");
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if start.elapsed() > STARTUP_TIMEOUT {
                bail!("the simulator did not listen on {address} within {STARTUP_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for BackgroundSim {
    fn drop(&mut self) {
        if let Ok(mut running) = RUNNING.lock() {
            running.retain(|&pid| pid != self.child.id());
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            println!("simulator on {} stopped", self.base_url);
        }
    }
}

/// A loopback port nobody listens on right now. Another process could take it before we
/// bind it again, which on a test machine is rare enough to accept.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// `preferred` when it is free, another free port otherwise. A stable port keeps URLs that
/// tests compile in (`WELL_SIM_URL`) from changing, and so from forcing a rebuild.
pub fn port_preferring(preferred: u16) -> Result<u16> {
    match TcpListener::bind((Ipv4Addr::LOCALHOST, preferred)) {
        Ok(_) => Ok(preferred),
        Err(_) => free_port(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_is_not_preferred() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let other = port_preferring(port).unwrap();
        assert_ne!(other, port);
        drop(taken);
        assert_eq!(port_preferring(port).unwrap(), port);
    }

    #[test]
    fn a_process_that_exits_at_startup_is_reported() {
        let ws = Workspace::locate().unwrap();
        let exe = PathBuf::from("/bin/false");
        let err = BackgroundSim::start(&ws, &exe, free_port().unwrap(), &[])
            .err()
            .unwrap();
        assert!(err.to_string().contains("exited during startup"), "{err}");
    }
}
