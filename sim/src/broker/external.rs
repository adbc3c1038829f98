//! Publishing to an external STOMP broker (RabbitMQ with `rabbitmq_stomp`) instead of the
//! embedded one: a STOMP client over TCP that SENDs every event to its topic, and reconnects
//! when the broker goes away, keeping what could not be sent meanwhile.
//!
//! The connection is the SDK's own client [`Session`] (handshake, heart-beats, errors); the
//! `SEND` frames are written beside its output with the SDK's [`Frame`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use well_client::stomp::{Command, Frame, Session, SessionConfig, SessionEvent, Version};
use well_client::time::Instant as StompInstant;

/// Events kept while the broker is unreachable; older ones are dropped beyond this.
const BACKLOG_LIMIT: usize = 10_000;

/// Where the external broker is: `stomp://[login:passcode@]host:port[/vhost]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerUrl {
    /// Host name or address.
    pub host: String,
    /// STOMP port (RabbitMQ: 61613).
    pub port: u16,
    /// `login` header (default `guest`).
    pub login: String,
    /// `passcode` header (default `guest`).
    pub passcode: String,
    /// Virtual host, sent as `host` (default `/`).
    pub vhost: String,
}

impl BrokerUrl {
    /// Parses `stomp://[login:passcode@]host[:port][/vhost]`.
    pub fn parse(url: &str) -> Result<BrokerUrl, String> {
        let rest = url
            .strip_prefix("stomp://")
            .ok_or_else(|| format!("{url}: the broker URL must start with stomp://"))?;
        let (authority, vhost) = match rest.split_once('/') {
            Some((a, v)) if !v.is_empty() => (a, v.to_string()),
            Some((a, _)) => (a, "/".to_string()),
            None => (rest, "/".to_string()),
        };
        let (credentials, hostport) = match authority.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, authority),
        };
        let (login, passcode) = match credentials {
            Some(c) => {
                let (l, p) = c.split_once(':').unwrap_or((c, ""));
                (l.to_string(), p.to_string())
            }
            None => ("guest".to_string(), "guest".to_string()),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse::<u16>()
                    .map_err(|_| format!("{url}: bad port {p}"))?,
            ),
            None => (hostport.to_string(), 61613),
        };
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(BrokerUrl {
            host,
            port,
            login,
            passcode,
            vhost,
        })
    }
}

/// A handle on the publishing task.
#[derive(Clone)]
pub struct ExternalBroker {
    tx: mpsc::UnboundedSender<(String, Vec<u8>)>,
    connected: Arc<AtomicBool>,
}

impl ExternalBroker {
    /// Starts the publishing task (on the current tokio runtime).
    pub fn spawn(url: BrokerUrl) -> ExternalBroker {
        let (tx, rx) = mpsc::unbounded_channel();
        let connected = Arc::new(AtomicBool::new(false));
        tokio::spawn(run(url, rx, connected.clone()));
        ExternalBroker { tx, connected }
    }

    /// Queues `body` for `destination`.
    pub fn publish(&self, destination: &str, body: Vec<u8>) {
        let _ = self.tx.send((destination.to_string(), body));
    }

    /// Whether a STOMP session with the broker is up.
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }
}

async fn run(
    url: BrokerUrl,
    mut rx: mpsc::UnboundedReceiver<(String, Vec<u8>)>,
    connected: Arc<AtomicBool>,
) {
    let mut backlog: VecDeque<(String, Vec<u8>)> = VecDeque::new();
    let mut backoff = Duration::from_millis(250);
    loop {
        match TcpStream::connect((url.host.as_str(), url.port)).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                let ended = connection(stream, &url, &mut rx, &mut backlog, &connected).await;
                connected.store(false, Ordering::Relaxed);
                match ended {
                    Ended::Shutdown => return,
                    Ended::Lost(why) => {
                        tracing::warn!(broker = %url.host, port = url.port, "broker connection lost: {why}");
                        backoff = Duration::from_millis(250);
                    }
                }
            }
            Err(e) => {
                tracing::warn!(broker = %url.host, port = url.port, "cannot reach the broker: {e}")
            }
        }
        // Wait before the next attempt, keeping what arrives meanwhile.
        let wait = tokio::time::sleep(backoff);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                () = &mut wait => break,
                item = rx.recv() => match item {
                    Some(item) => keep(&mut backlog, item),
                    None => return,
                },
            }
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

fn keep(backlog: &mut VecDeque<(String, Vec<u8>)>, item: (String, Vec<u8>)) {
    if backlog.len() >= BACKLOG_LIMIT {
        backlog.pop_front();
    }
    backlog.push_back(item);
}

enum Ended {
    Shutdown,
    Lost(String),
}

async fn connection(
    stream: TcpStream,
    url: &BrokerUrl,
    rx: &mut mpsc::UnboundedReceiver<(String, Vec<u8>)>,
    backlog: &mut VecDeque<(String, Vec<u8>)>,
    connected: &AtomicBool,
) -> Ended {
    let started = std::time::Instant::now();
    let now = || StompInstant::from_millis(started.elapsed().as_millis() as u64);
    let (mut read, mut write) = stream.into_split();
    let mut session = Session::new(SessionConfig {
        accept_version: vec![Version::V1_2, Version::V1_1],
        host: Some(url.vhost.clone()),
        login: Some(url.login.clone()),
        passcode: Some(url.passcode.clone()),
        ..SessionConfig::default()
    });
    session.handle_open(now());
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let mut out: Vec<u8> = Vec::new();
        while let Some(text) = session.poll_transmit() {
            out.extend_from_slice(text.as_bytes());
        }
        while let Some(event) = session.poll_event() {
            match event {
                SessionEvent::Connected {
                    version, server, ..
                } => {
                    tracing::info!(
                        ?server,
                        version = version.as_str(),
                        "connected to the external broker"
                    );
                    connected.store(true, Ordering::Relaxed);
                    while let Some((destination, body)) = backlog.pop_front() {
                        out.extend_from_slice(&send_frame(&destination, body, version));
                    }
                }
                SessionEvent::Closed(reason) => {
                    let _ = write.write_all(&out).await;
                    return Ended::Lost(reason.to_string());
                }
                SessionEvent::Message { .. } | SessionEvent::Receipt { .. } => {}
            }
        }
        if !out.is_empty() && write.write_all(&out).await.is_err() {
            return Ended::Lost("write failed".into());
        }
        let deadline = session.poll_timeout();
        let sleep = async {
            match deadline {
                Some(at) => {
                    let wait = at.as_millis().saturating_sub(now().as_millis());
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                None => std::future::pending().await,
            }
        };
        let ready = session.state().is_connected();
        tokio::select! {
            n = read.read(&mut buf) => match n {
                Ok(0) | Err(_) => session.handle_close(now()),
                Ok(n) => session.handle_data(buf.get(..n).unwrap_or_default(), now()),
            },
            item = rx.recv(), if ready => match item {
                Some((destination, body)) => {
                    let version = session.version().unwrap_or(Version::V1_2);
                    if write.write_all(&send_frame(&destination, body, version)).await.is_err() {
                        return Ended::Lost("write failed".into());
                    }
                }
                None => {
                    session.disconnect(now());
                    while let Some(text) = session.poll_transmit() {
                        let _ = write.write_all(text.as_bytes()).await;
                    }
                    return Ended::Shutdown;
                }
            },
            () = sleep => session.handle_timeout(now()),
        }
    }
}

fn send_frame(destination: &str, body: Vec<u8>, version: Version) -> Vec<u8> {
    Frame::new(Command::Send)
        .with_header("destination", destination)
        .with_header("content-type", "application/json;charset=UTF-8")
        .with_body(body)
        .encode(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_broker_urls() {
        assert_eq!(
            BrokerUrl::parse("stomp://127.0.0.1:61613").unwrap(),
            BrokerUrl {
                host: "127.0.0.1".into(),
                port: 61613,
                login: "guest".into(),
                passcode: "guest".into(),
                vhost: "/".into()
            }
        );
        let u = BrokerUrl::parse("stomp://user:pw@localhost/vh").unwrap();
        assert_eq!(
            (
                u.host.as_str(),
                u.port,
                u.login.as_str(),
                u.passcode.as_str(),
                u.vhost.as_str()
            ),
            ("localhost", 61613, "user", "pw", "vh")
        );
        assert!(BrokerUrl::parse("amqp://x").is_err());
        assert!(BrokerUrl::parse("stomp://h:x").is_err());
    }
}
