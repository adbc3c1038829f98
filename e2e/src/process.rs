//! Child processes that are killed when the test that started them ends, however it ends, and
//! the loopback ports they listen on.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A running child process whose output goes to a log file; killed on drop.
pub(crate) struct ChildGuard {
    child: Child,
    name: &'static str,
    log: PathBuf,
}

impl ChildGuard {
    /// Starts `command` with stdout and stderr appended to `log`.
    pub(crate) fn spawn(name: &'static str, command: &mut Command, log: &Path) -> Result<Self> {
        let out = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let err = out.try_clone()?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting the {name} ({command:?})"))?;
        Ok(ChildGuard {
            child,
            name,
            log: log.to_path_buf(),
        })
    }

    /// Waits until something accepts connections on 127.0.0.1:`port`, failing early if the
    /// child exits.
    pub(crate) fn wait_until_listening(&mut self, port: u16, timeout: Duration) -> Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the {} exited during startup ({status}); its output is in {}",
                    self.name,
                    self.log.display()
                );
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if start.elapsed() > timeout {
                bail!(
                    "the {} did not listen on {address} within {timeout:?}; its output is in {}",
                    self.name,
                    self.log.display()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A loopback port nobody listens on right now. Another process could take it before the
/// child binds it; on a test machine that is rare enough to accept.
pub(crate) fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_exits_early_is_reported_with_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("child.log");
        let mut child = ChildGuard::spawn(
            "test child",
            Command::new("sh").args(["-c", "echo starting; exit 3"]),
            &log,
        )
        .unwrap();
        let err = child
            .wait_until_listening(free_port().unwrap(), Duration::from_secs(5))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the test child exited during startup"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "starting\n");
    }

    #[test]
    fn dropping_the_guard_kills_the_child() {
        let dir = tempfile::tempdir().unwrap();
        let guard = ChildGuard::spawn(
            "sleeper",
            Command::new("sleep").arg("60"),
            &dir.path().join("sleep.log"),
        )
        .unwrap();
        let pid = guard.child.id();
        drop(guard);
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
    }
}
