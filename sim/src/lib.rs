//! well-sim: a CTI simulator of the call-center platform `well-client` talks to.
//!
//! One server on 127.0.0.1 serves the platform's token login and REST API
//! ([`http::rest`]), a STOMP-over-WebSocket broker at `/mvc/stomp/websocket` with the
//! platform's topic names ([`broker`]), an administrator's API for scripted parties and fault
//! knobs ([`http::admin`]), and static files. Behind them a small PBX ([`pbx`], pure, driven
//! by a clock passed in) decides every event.
//!
//! Start it in-process (tests pick an ephemeral port):
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use well_sim::{Sim, SimConfig};
//! let sim = Sim::start(SimConfig::ephemeral()).await?;
//! println!("REST at {}, STOMP at {}", sim.http_url(), sim.ws_url());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! or, from code without a tokio runtime, [`Sim::spawn`] runs it on its own thread.

pub mod broker;
pub mod engine;
pub mod faults;
pub mod http;
pub mod pbx;
pub mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use broker::external::{BrokerUrl, ExternalBroker};
use broker::{Broker, StompSettings};
use engine::{Bus, Clock, Engine};
use faults::Faults;
use pbx::{Pbx, PbxConfig, RandomIds};
use seed::Seed;

/// Everything the simulator can be started with.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Address to listen on (`127.0.0.1:8088`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// Directory served at `/`.
    pub www: Option<PathBuf>,
    /// More directories, each served under a path prefix (`/dist` → `dist/`).
    pub mounts: Vec<(String, PathBuf)>,
    /// Publish events to this external STOMP broker instead of the embedded one.
    pub broker: Option<BrokerUrl>,
    /// Tenants, agents, extensions.
    pub seed: Seed,
    /// Platform timings (heartbeat timeout, allocation timeout, outside parties).
    pub pbx: PbxConfig,
    /// The embedded broker's STOMP version and heart-beats.
    pub stomp: StompSettings,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8088)),
            www: None,
            mounts: Vec::new(),
            broker: None,
            seed: Seed::default(),
            pbx: PbxConfig::default(),
            stomp: StompSettings::default(),
        }
    }
}

impl SimConfig {
    /// The defaults on a free port of 127.0.0.1.
    pub fn ephemeral() -> SimConfig {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..SimConfig::default()
        }
    }
}

/// The simulator.
pub struct Sim;

impl Sim {
    /// Binds, starts serving on the current tokio runtime and returns once it accepts
    /// connections.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let clock = Clock::new();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let pbx = Pbx::new(config.seed, config.pbx, Box::new(RandomIds), clock.now());
        let engine = Arc::new(Engine::new(pbx, clock, events_tx));
        let broker = Arc::new(Broker::new(config.stomp));
        let external = config.broker.map(ExternalBroker::spawn);
        let faults = Arc::new(Faults::default());
        let bus = match &external {
            Some(x) => Bus::External(x.clone()),
            None => Bus::Embedded(broker.clone()),
        };
        let shared = Arc::new(http::Shared {
            engine: engine.clone(),
            broker: broker.clone(),
            external,
            faults: faults.clone(),
            requests: http::requests::RequestLog::default(),
            clock,
        });
        let app = http::router(shared, config.www, &config.mounts);
        let mut tasks = vec![
            tokio::spawn(engine.drive_timers()),
            tokio::spawn(engine::publish(events_rx, bus, faults, clock)),
        ];
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        tasks.push(tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("server failed: {e}");
            }
        }));
        tracing::info!(%addr, "well-sim listening");
        Ok(SimHandle {
            addr,
            broker,
            stop: Some(stop_tx),
            tasks,
        })
    }

    /// Starts the simulator on a thread of its own with its own runtime: for callers
    /// without tokio. It stops when the returned value is dropped.
    pub fn spawn(config: SimConfig) -> std::io::Result<BackgroundSim> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("well-sim".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Sim::start(config).await {
                        Ok(handle) => {
                            let _ = ready_tx.send(Ok(handle.addr()));
                            let _ = stop_rx.await;
                            handle.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let addr = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the simulator thread ended before starting"))??;
        Ok(BackgroundSim {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

/// A running simulator on the caller's runtime.
pub struct SimHandle {
    addr: SocketAddr,
    broker: Arc<Broker>,
    stop: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl SimHandle {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`: the REST base, the token login (`/login`) and `/admin`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:<port>/mvc/stomp/websocket`: the STOMP broker.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/mvc/stomp/websocket", self.addr)
    }

    /// Stops serving: closes every STOMP connection, stops accepting, ends its tasks.
    pub async fn shutdown(mut self) {
        self.broker.stop();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for task in self.tasks.drain(..) {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A simulator running on its own thread ([`Sim::spawn`]); stops when dropped.
pub struct BackgroundSim {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundSim {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:<port>/mvc/stomp/websocket`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/mvc/stomp/websocket", self.addr)
    }
}

impl Drop for BackgroundSim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
