//! Runs the pure [`Pbx`] in the server: the real clock, its timers, and the path from its
//! events to a broker (through the event fault rules).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Notify};

use crate::broker::external::ExternalBroker;
use crate::broker::Broker;
use crate::faults::{EventShaper, Faults};
use crate::pbx::{Now, Pbx, Published};

/// The server's clock: monotonic ms since start, and local time.
#[derive(Clone, Copy)]
pub struct Clock {
    started: Instant,
}

impl Clock {
    /// A clock starting now.
    pub fn new() -> Clock {
        Clock {
            started: Instant::now(),
        }
    }

    /// The current time for the PBX.
    pub fn now(&self) -> Now {
        Now {
            ms: self.ms(),
            local: chrono::Local::now().naive_local(),
        }
    }

    /// Monotonic ms since start.
    pub fn ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// The PBX behind a lock, with its clock, its timer task and its event outlet.
pub struct Engine {
    pbx: Mutex<Pbx>,
    clock: Clock,
    events: mpsc::UnboundedSender<Published>,
    wake: Notify,
}

impl Engine {
    /// An engine around `pbx`; its events go to `events`.
    pub fn new(pbx: Pbx, clock: Clock, events: mpsc::UnboundedSender<Published>) -> Engine {
        Engine {
            pbx: Mutex::new(pbx),
            clock,
            events,
            wake: Notify::new(),
        }
    }

    /// Runs `f` on the PBX at the current time, then hands its events to the publisher and
    /// re-arms the timer task.
    pub fn run<R>(&self, f: impl FnOnce(&mut Pbx, Now) -> R) -> R {
        let result = self.apply(f);
        self.wake.notify_one();
        result
    }

    /// [`Engine::run`] without waking the timer task. The timer task itself uses it: a wake-up
    /// it sent itself would be consumed by its own next wait at once, so it would never sleep
    /// (and, never yielding, would starve the publisher of the events its timers produce).
    fn apply<R>(&self, f: impl FnOnce(&mut Pbx, Now) -> R) -> R {
        let mut pbx = self.pbx.lock().unwrap_or_else(|e| e.into_inner());
        let result = f(&mut pbx, self.clock.now());
        while let Some(event) = pbx.poll_event() {
            let _ = self.events.send(event);
        }
        result
    }

    /// Fires the PBX's timers when they are due, forever.
    pub async fn drive_timers(self: Arc<Self>) {
        loop {
            let next = self.apply(|pbx, now| {
                pbx.handle_timeout(now);
                pbx.poll_timeout().map(|due| due.saturating_sub(now.ms))
            });
            match next {
                Some(wait) => {
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_millis(wait)) => {}
                        () = self.wake.notified() => {}
                    }
                }
                None => self.wake.notified().await,
            }
        }
    }
}

/// Where events are published.
#[derive(Clone)]
pub enum Bus {
    /// The embedded WebSocket broker.
    Embedded(Arc<Broker>),
    /// An external STOMP broker (RabbitMQ).
    External(ExternalBroker),
}

impl Bus {
    fn deliver(&self, event: &Published) {
        let body = serde_json::to_vec(&event.body).unwrap_or_default();
        let destination = event.destination();
        tracing::debug!(agent = %event.agent, event = event.event_name(), "publish");
        match self {
            Bus::Embedded(broker) => {
                broker.publish(&destination, &body);
            }
            Bus::External(external) => external.publish(&destination, body),
        }
    }
}

/// Publishes the PBX's events in order, applying the event fault rules.
pub async fn publish(
    mut events: mpsc::UnboundedReceiver<Published>,
    bus: Bus,
    faults: Arc<Faults>,
    clock: Clock,
) {
    let mut shaper = EventShaper::default();
    loop {
        let deadline = shaper.poll_timeout();
        let sleep = async {
            match deadline {
                Some(at) => {
                    tokio::time::sleep(Duration::from_millis(at.saturating_sub(clock.ms()))).await
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => {
                    for e in shaper.push(&faults, event, clock.ms()) {
                        bus.deliver(&e);
                    }
                }
                None => {
                    for e in shaper.drain() {
                        bus.deliver(&e);
                    }
                    return;
                }
            },
            () = sleep => {
                for e in shaper.due(clock.ms()) {
                    bus.deliver(&e);
                }
            }
        }
    }
}
