//! The platform's telephony and agent model, with no I/O.
//!
//! A [`Pbx`] holds tenants, agents, extensions, sessions and calls. It is driven by method
//! calls (one per REST request or admin action) and by the clock, passed in as a [`Now`] with
//! every input; it never reads a clock or touches a socket. What it publishes comes out of
//! [`Pbx::poll_event`], one [`Published`] event per recipient agent, each already carrying
//! that agent's `serial`.
//!
//! Contract: before and after every input the driver may call [`Pbx::handle_timeout`] with
//! the current time, must drain [`Pbx::poll_event`], and must arm a timer for
//! [`Pbx::poll_timeout`]. Every input also runs the timers that are due, so calling
//! `handle_timeout` late or early only shifts when scripted things happen, never their order.
//! Time passed in must not go backwards (an earlier `Now` is treated as the latest one).

mod agents;
mod calls;
mod dial;
pub mod error;
mod events;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

pub use calls::{InboundCall, Participation};
pub use error::PbxError;

use crate::seed::{Seed, TenantSeed};

/// Result of a PBX operation.
pub type PbxResult<T> = Result<T, PbxError>;

/// The time of an input: monotonic milliseconds and the server's local wall-clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds on a monotonic clock (any origin).
    pub ms: u64,
    /// Local date and time, for `eventTime` and client-state times.
    pub local: NaiveDateTime,
}

impl Now {
    /// `eventTime` format: `YYYY.MM.DD HH:mm:ss`.
    pub fn event_time(&self) -> String {
        self.local.format("%Y.%m.%d %H:%M:%S").to_string()
    }

    /// The time `ms` milliseconds later.
    pub fn plus_ms(self, ms: u64) -> Now {
        Now {
            ms: self.ms + ms,
            local: self.local + chrono::Duration::milliseconds(ms as i64),
        }
    }
}

/// Timings of the platform that are not per tenant.
#[derive(Clone, Debug)]
pub struct PbxConfig {
    /// An agent with no HTTP heartbeat for this long is logged out (platform: 3 minutes).
    pub heartbeat_timeout_ms: u64,
    /// A reserved (`agentAllocated`) agent with no call is released after this long (150 s).
    pub allocation_timeout_ms: u64,
    /// Outside numbers without their own behaviour answer this long after ringing.
    pub outside_answer_ms: u64,
    /// A call to a number that cannot be reached fails this long after it was placed.
    pub failure_delay_ms: u64,
    /// A call to a number that never picks up (fail code 11) rings this long, then fails.
    pub no_answer_ms: u64,
    /// `singleStepTransferCallAndWait`: the IVR keeps the customer this long by default.
    pub ivr_ms: u64,
}

impl Default for PbxConfig {
    fn default() -> Self {
        PbxConfig {
            heartbeat_timeout_ms: 180_000,
            allocation_timeout_ms: 150_000,
            outside_answer_ms: 1_000,
            failure_delay_ms: 300,
            no_answer_ms: 3_000,
            ivr_ms: 3_000,
        }
    }
}

/// Where call and record ids come from.
pub trait IdSource: Send {
    /// A fresh id.
    fn next_id(&mut self) -> String;
}

/// Random v4 UUIDs, as the platform's ids look.
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_id(&mut self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// Which of the two event families an event belongs to; it is the `<eventType>` word of the
/// topic `/topic/event.agent.<eventType>.<agent>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Agent-state events.
    Agent,
    /// Call (CSTA) events.
    Csta,
}

impl EventKind {
    /// `agent` or `csta`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Agent => "agent",
            EventKind::Csta => "csta",
        }
    }
}

/// One event for one agent's subscription.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The recipient agent, `5001@test.cc`.
    pub agent: String,
    /// Agent or call event.
    pub kind: EventKind,
    /// The JSON body, `serial` included.
    pub body: Map<String, Value>,
}

impl Published {
    /// The STOMP destination: `/topic/event.agent.<kind>.<agent with '.' → '_'>`.
    pub fn destination(&self) -> String {
        topic_for(&self.agent, self.kind)
    }

    /// `eventName` of the body.
    pub fn event_name(&self) -> &str {
        self.body
            .get("eventName")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// `/topic/event.agent.<kind>.<agent with '.' → '_'>` (RabbitMQ refuses `/` in topic names and
/// `*` matches one dot-separated word, hence the underscore form).
pub fn topic_for(agent: &str, kind: EventKind) -> String {
    format!(
        "/topic/event.agent.{}.{}",
        kind.as_str(),
        agent.replace('.', "_")
    )
}

/// An agent's mode on the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Takes calls from queues.
    Ready,
    /// Logged in, takes no queue calls.
    NotReady,
    /// After-call work.
    WorkNotReady,
    /// Reserved by the dialler.
    Allocated,
}

impl Mode {
    /// The `agentMode` word.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Ready => "Ready",
            Mode::NotReady => "NotReady",
            Mode::WorkNotReady => "WorkNotReady",
            Mode::Allocated => "Allocated",
        }
    }

    /// The modes a client may ask for: `Ready` or `NotReady`.
    fn requested(word: &str) -> Option<Mode> {
        match word {
            "Ready" => Some(Mode::Ready),
            "NotReady" => Some(Mode::NotReady),
            _ => None,
        }
    }
}

/// A connection's state in a call (`localState` words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConnState {
    /// The caller, before the far end answered.
    Initiate,
    /// Ringing.
    Alerting,
    /// Talking.
    Connect,
    /// On hold.
    Hold,
}

impl ConnState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ConnState::Initiate => "Initiate",
            ConnState::Alerting => "Alerting",
            ConnState::Connect => "Connect",
            ConnState::Hold => "Hold",
        }
    }
}

pub(crate) struct Tenant {
    domain: String,
    max_online_agents: Option<usize>,
    record_by_default: bool,
    recording_control: bool,
    after_call_work_secs: Option<u64>,
    trunks: Vec<String>,
    agents: BTreeMap<String, Agent>,
    extensions: BTreeMap<String, Extension>,
    queues: BTreeSet<String>,
    outside: BTreeMap<String, Behavior>,
}

pub(crate) struct Agent {
    number: String,
    password: String,
    name: String,
    enabled: bool,
    quota: Option<u32>,
    answered: u32,
    login: Option<Login>,
}

pub(crate) struct Login {
    /// Extension number the agent is logged in on.
    device: String,
    mode: Mode,
    reason: String,
    pending: Option<(Mode, String)>,
    /// When the agent last became free for queue calls (longest idle routing).
    idle_since: u64,
    last_heartbeat: u64,
    /// Changes with every mode change; timers carry it to know they are still meant.
    seq: u64,
}

pub(crate) struct Extension {
    registered: bool,
    allowed_agents: Option<Vec<String>>,
    behavior: Behavior,
    /// Job number of the agent logged in on it.
    agent: Option<String>,
}

/// How a party that no client controls behaves: picks up after a while (or never), hangs up
/// after a while (or never), or cannot be reached at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Behavior {
    /// Answer this many ms after ringing; `None` = never by itself.
    pub answer_after_ms: Option<u64>,
    /// Hang up this many ms after connecting; `None` = never by itself.
    pub hangup_after_ms: Option<u64>,
    /// The number cannot be reached; the call fails with this call-progress code.
    pub fail_code: Option<u32>,
}

struct Session {
    agent: String,
    tenant: String,
    expired: bool,
}

/// A session as the REST layer sees it after [`Pbx::session`] accepted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// The agent that took the token, `5001@test.cc`.
    pub agent: String,
    /// Its tenant.
    pub tenant: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    Answer { call: String, device: String },
    Hangup { call: String, device: String },
    DialExtension { call: String },
    Fail { call: String, code: u32 },
    AfterCallWork { agent: String, seq: u64 },
    Allocation { agent: String, seq: u64 },
    Heartbeat { agent: String },
}

struct Scheduled {
    due: u64,
    order: u64,
    timer: Timer,
}

/// The PBX: tenants, sessions, calls and the events they produce.
pub struct Pbx {
    config: PbxConfig,
    seed: Seed,
    tenants: BTreeMap<String, Tenant>,
    sessions: HashMap<String, Session>,
    calls: BTreeMap<String, calls::Call>,
    serials: HashMap<String, u64>,
    events: VecDeque<Published>,
    timers: Vec<Scheduled>,
    timer_order: u64,
    login_seq: u64,
    call_seq: u64,
    ids: Box<dyn IdSource>,
    now: Now,
    client_logs: BTreeMap<String, String>,
}

impl Pbx {
    /// A PBX seeded with `seed`, its clock starting at `now`, ids from `ids`.
    pub fn new(seed: Seed, config: PbxConfig, ids: Box<dyn IdSource>, now: Now) -> Pbx {
        let mut pbx = Pbx {
            config,
            tenants: BTreeMap::new(),
            seed,
            sessions: HashMap::new(),
            calls: BTreeMap::new(),
            serials: HashMap::new(),
            events: VecDeque::new(),
            timers: Vec::new(),
            timer_order: 0,
            login_seq: 0,
            call_seq: 0,
            ids,
            now,
            client_logs: BTreeMap::new(),
        };
        pbx.load_seed();
        pbx
    }

    fn load_seed(&mut self) {
        self.tenants = self
            .seed
            .tenants
            .iter()
            .map(|t| {
                let tenant = tenant_from_seed(t, self.config.outside_answer_ms);
                (t.domain.clone(), tenant)
            })
            .collect();
    }

    /// Back to the seed: no sessions, calls, logins, timers, serials or client logs. Nothing is
    /// published.
    pub fn reset(&mut self, now: Now) {
        self.set_now(now);
        self.sessions.clear();
        self.calls.clear();
        self.serials.clear();
        self.events.clear();
        self.timers.clear();
        self.client_logs.clear();
        self.load_seed();
    }

    /// The next event to publish.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Published> {
        self.events.pop_front()
    }

    /// When [`Pbx::handle_timeout`] should run next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.iter().map(|s| s.due).min()
    }

    /// Runs every scripted action due at `now` (answers, hang-ups, after-call work ends,
    /// heartbeat timeouts, ...). Early or repeated calls do nothing.
    pub fn handle_timeout(&mut self, now: Now) {
        self.set_now(now);
        self.run_due_timers();
    }

    /// The current time as the PBX knows it.
    pub fn now(&self) -> Now {
        self.now
    }

    fn set_now(&mut self, now: Now) {
        if now.ms >= self.now.ms {
            self.now = now;
        }
    }

    /// Every input starts here: take the time, run what is due.
    fn enter(&mut self, now: Now) {
        self.set_now(now);
        self.run_due_timers();
    }

    fn run_due_timers(&mut self) {
        loop {
            let due = self
                .timers
                .iter()
                .enumerate()
                .filter(|(_, s)| s.due <= self.now.ms)
                .min_by_key(|(_, s)| (s.due, s.order))
                .map(|(i, _)| i);
            let Some(i) = due else { break };
            let scheduled = self.timers.swap_remove(i);
            self.fire(scheduled.timer);
        }
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Answer { call, device } => self.timer_answer(&call, &device),
            Timer::Hangup { call, device } => self.timer_hangup(&call, &device),
            Timer::DialExtension { call } => self.timer_dial_extension(&call),
            Timer::Fail { call, code } => self.timer_fail(&call, code),
            Timer::AfterCallWork { agent, seq } => self.timer_after_call_work(&agent, seq),
            Timer::Allocation { agent, seq } => self.timer_allocation(&agent, seq),
            Timer::Heartbeat { agent } => self.timer_heartbeat(&agent),
        }
    }

    pub(crate) fn schedule(&mut self, after_ms: u64, timer: Timer) {
        self.timer_order += 1;
        self.timers.push(Scheduled {
            due: self.now.ms.saturating_add(after_ms),
            order: self.timer_order,
            timer,
        });
    }

    pub(crate) fn next_id(&mut self) -> String {
        self.ids.next_id()
    }

    pub(crate) fn event_time(&self) -> String {
        self.now.event_time()
    }

    // ---------------------------------------------------------------- publishing

    /// Publishes `body` to whoever is logged in on `device` (`8001@test.cc`); dropped when
    /// nobody is (an outside party, a phone without agent).
    pub(crate) fn emit_to_device(
        &mut self,
        device: &str,
        kind: EventKind,
        body: Map<String, Value>,
    ) {
        if let Some(agent) = self.agent_on_device(device) {
            self.emit_to_agent(&agent, kind, body);
        }
    }

    /// Publishes `body` on `agent`'s topic with the agent's next serial.
    pub(crate) fn emit_to_agent(
        &mut self,
        agent: &str,
        kind: EventKind,
        mut body: Map<String, Value>,
    ) {
        let serial = self.serials.entry(agent.to_string()).or_insert(0);
        *serial += 1;
        body.insert("serial".into(), json!(*serial));
        self.events.push_back(Published {
            agent: agent.to_string(),
            kind,
            body,
        });
    }

    /// The agent (`5001@test.cc`) logged in on `device` (`8001@test.cc`).
    pub(crate) fn agent_on_device(&self, device: &str) -> Option<String> {
        let (number, domain) = split_id(device)?;
        let agent = self
            .tenants
            .get(domain)?
            .extensions
            .get(number)?
            .agent
            .as_ref()?;
        Some(format!("{agent}@{domain}"))
    }

    // ---------------------------------------------------------------- sessions

    /// Token login (`username`, `password`, `namespace`): a new session id, or 401.
    pub fn token_login(
        &mut self,
        now: Now,
        username: &str,
        password: &str,
        namespace: &str,
    ) -> PbxResult<String> {
        self.enter(now);
        let tenant = self
            .tenants
            .get(namespace)
            .ok_or(PbxError::BadCredentials)?;
        let agent = tenant
            .agents
            .get(username)
            .ok_or(PbxError::BadCredentials)?;
        if agent.password != password {
            return Err(PbxError::BadCredentials);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.sessions.insert(
            id.clone(),
            Session {
                agent: format!("{username}@{namespace}"),
                tenant: namespace.into(),
                expired: false,
            },
        );
        Ok(id)
    }

    /// Checks a `sessionId` header: 426 when missing, unknown or expired.
    pub fn session(&self, id: Option<&str>) -> PbxResult<SessionInfo> {
        let id = id.map(str::trim).filter(|s| !s.is_empty());
        let session = id
            .and_then(|id| self.sessions.get(id))
            .ok_or(PbxError::SessionInvalid)?;
        if session.expired {
            return Err(PbxError::SessionInvalid);
        }
        Ok(SessionInfo {
            agent: session.agent.clone(),
            tenant: session.tenant.clone(),
        })
    }

    /// Expires every session of `agent`: what the platform does when it logs an agent out by
    /// itself (heartbeat timeout, administrator).
    fn expire_sessions(&mut self, agent: &str) {
        for s in self.sessions.values_mut() {
            if s.agent == agent {
                s.expired = true;
            }
        }
    }

    // ---------------------------------------------------------------- client logs

    /// Stores an uploaded client log (`/client-log/upload?filename=`).
    pub fn store_client_log(&mut self, filename: &str, text: String) {
        self.client_logs.insert(filename.to_string(), text);
    }

    /// An uploaded client log.
    pub fn client_log(&self, filename: &str) -> Option<&str> {
        self.client_logs.get(filename).map(String::as_str)
    }

    /// Names and sizes of the uploaded client logs.
    pub fn client_logs(&self) -> Vec<(String, usize)> {
        self.client_logs
            .iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect()
    }

    // ---------------------------------------------------------------- lookups

    pub(crate) fn tenant(&self, domain: &str) -> PbxResult<&Tenant> {
        self.tenants
            .get(domain)
            .ok_or_else(|| PbxError::NotFound(format!("no tenant {domain}")))
    }

    pub(crate) fn tenant_mut(&mut self, domain: &str) -> PbxResult<&mut Tenant> {
        self.tenants
            .get_mut(domain)
            .ok_or_else(|| PbxError::NotFound(format!("no tenant {domain}")))
    }

    /// Whether `device` (`8001@test.cc`) is an extension of its tenant.
    pub(crate) fn is_extension(&self, device: &str) -> bool {
        split_id(device)
            .and_then(|(n, d)| self.tenants.get(d).map(|t| t.extensions.contains_key(n)))
            .unwrap_or(false)
    }

    /// The prefix lookup's answer for an agent: one `scanPrefix` per trunk of its tenant.
    pub fn agent_trunks(
        &self,
        session: &SessionInfo,
        domain: &str,
        agent_id: &str,
    ) -> PbxResult<Value> {
        let tenant = self.tenant(domain)?;
        let number = agent_number(agent_id, domain)
            .ok_or_else(|| PbxError::NotFound(format!("no agent {agent_id}")))?;
        if session.tenant != domain || !tenant.agents.contains_key(number) {
            return Err(PbxError::NotFound(format!("no agent {agent_id}")));
        }
        let trunks: Vec<Value> = tenant
            .trunks
            .iter()
            .map(|p| json!({ "scanPrefix": p }))
            .collect();
        Ok(json!({ "agentTrunks": trunks }))
    }

    // ---------------------------------------------------------------- administration

    /// Registers or unregisters an extension (a phone coming online or going offline).
    pub fn set_registered(&mut self, now: Now, device: &str, registered: bool) -> PbxResult<()> {
        self.enter(now);
        let (number, domain) = split_id(device)
            .ok_or_else(|| PbxError::bad(format!("device id {device} has no @domain")))?;
        let ext = self
            .tenant_mut(domain)?
            .extensions
            .get_mut(number)
            .ok_or_else(|| PbxError::NotFound(format!("no extension {device}")))?;
        ext.registered = registered;
        Ok(())
    }

    /// Sets how a device behaves when nobody drives it: an extension's phone (auto-answer,
    /// auto-hangup) or an outside number (also: cannot be reached).
    pub fn set_behavior(&mut self, now: Now, device: &str, behavior: Behavior) -> PbxResult<()> {
        self.enter(now);
        let (number, domain) = split_id(device)
            .ok_or_else(|| PbxError::bad(format!("device id {device} has no @domain")))?;
        let tenant = self.tenant_mut(domain)?;
        if let Some(ext) = tenant.extensions.get_mut(number) {
            ext.behavior = behavior;
        } else {
            tenant.outside.insert(number.to_string(), behavior);
        }
        Ok(())
    }

    /// Changes tenant settings; `None` fields stay as they are.
    pub fn patch_tenant(&mut self, domain: &str, patch: TenantPatch) -> PbxResult<()> {
        let t = self.tenant_mut(domain)?;
        if let Some(v) = patch.record_by_default {
            t.record_by_default = v;
        }
        if let Some(v) = patch.recording_control {
            t.recording_control = v;
        }
        if let Some(v) = patch.after_call_work_secs {
            t.after_call_work_secs = v;
        }
        if let Some(v) = patch.max_online_agents {
            t.max_online_agents = v;
        }
        Ok(())
    }

    /// Changes agent settings; `None` fields stay as they are.
    pub fn patch_agent(&mut self, agent_id: &str, patch: AgentPatch) -> PbxResult<()> {
        let (number, domain) = split_id(agent_id)
            .ok_or_else(|| PbxError::bad(format!("agent id {agent_id} has no @domain")))?;
        let agent = self
            .tenant_mut(domain)?
            .agents
            .get_mut(number)
            .ok_or_else(|| PbxError::NotFound(format!("no agent {agent_id}")))?;
        if let Some(v) = patch.enabled {
            agent.enabled = v;
        }
        if let Some(v) = patch.password {
            agent.password = v;
        }
        if let Some(v) = patch.auto_outbound_quota {
            agent.quota = v;
        }
        if let Some(v) = patch.auto_outbound_answered {
            agent.answered = v;
        }
        Ok(())
    }

    /// Every agent of every tenant with its login and sessions, for `/admin/agents`.
    pub fn agents_view(&self) -> Value {
        let mut out = Vec::new();
        for t in self.tenants.values() {
            for a in t.agents.values() {
                let id = format!("{}@{}", a.number, t.domain);
                let sessions: Vec<Value> = self
                    .sessions
                    .iter()
                    .filter(|(_, s)| s.agent == id)
                    .map(|(k, s)| json!({ "sessionId": k, "expired": s.expired }))
                    .collect();
                let login = a.login.as_ref().map(|l| {
                    json!({
                        "device": format!("{}@{}", l.device, t.domain),
                        "agentMode": l.mode.as_str(),
                        "reason": l.reason,
                        "pendingMode": l.pending.as_ref().map(|(m, _)| m.as_str()),
                        "msSinceHeartbeat": self.now.ms.saturating_sub(l.last_heartbeat),
                    })
                });
                out.push(json!({
                    "agentId": id,
                    "name": a.name,
                    "enabled": a.enabled,
                    "loggedIn": a.login.is_some(),
                    "login": login,
                    "autoOutboundQuota": a.quota,
                    "autoOutboundAnswered": a.answered,
                    "sessions": sessions,
                }));
            }
        }
        Value::Array(out)
    }

    /// Every extension of every tenant, for `/admin/devices`.
    pub fn devices_view(&self) -> Value {
        let mut out = Vec::new();
        for t in self.tenants.values() {
            for (n, e) in &t.extensions {
                let id = format!("{n}@{}", t.domain);
                let in_call = self.calls.values().any(|c| c.party(&id).is_some());
                out.push(json!({
                    "deviceId": id,
                    "registered": e.registered,
                    "agent": e.agent.as_ref().map(|a| format!("{a}@{}", t.domain)),
                    "inCall": in_call,
                    "behavior": e.behavior,
                }));
            }
        }
        Value::Array(out)
    }
}

/// Tenant settings an administrator may change.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantPatch {
    /// See [`TenantSeed::record_by_default`].
    pub record_by_default: Option<bool>,
    /// See [`TenantSeed::recording_control`].
    pub recording_control: Option<bool>,
    /// See [`TenantSeed::after_call_work_secs`]; `null` switches it off.
    #[serde(default, deserialize_with = "crate::seed::present")]
    pub after_call_work_secs: Option<Option<u64>>,
    /// See [`TenantSeed::max_online_agents`]; `null` removes the limit.
    #[serde(default, deserialize_with = "crate::seed::present")]
    pub max_online_agents: Option<Option<usize>>,
}

/// Agent settings an administrator may change.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentPatch {
    /// Disabled agents get 423 at Login.
    pub enabled: Option<bool>,
    /// A new password.
    pub password: Option<String>,
    /// Dialler answers allowed before Ready is refused (465); `null` removes the quota.
    #[serde(default, deserialize_with = "crate::seed::present")]
    pub auto_outbound_quota: Option<Option<u32>>,
    /// Dialler calls answered so far.
    pub auto_outbound_answered: Option<u32>,
}

fn tenant_from_seed(t: &TenantSeed, outside_answer_ms: u64) -> Tenant {
    Tenant {
        domain: t.domain.clone(),
        max_online_agents: t.max_online_agents,
        record_by_default: t.record_by_default,
        recording_control: t.recording_control,
        after_call_work_secs: t.after_call_work_secs,
        trunks: t.trunks.clone(),
        agents: t
            .agents
            .iter()
            .map(|a| {
                let agent = Agent {
                    number: a.number.clone(),
                    password: a.password.clone(),
                    name: a
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("Agent {}", a.number)),
                    enabled: a.enabled,
                    quota: a.auto_outbound_quota,
                    answered: a.auto_outbound_answered,
                    login: None,
                };
                (a.number.clone(), agent)
            })
            .collect(),
        extensions: t
            .extensions
            .iter()
            .map(|e| {
                let ext = Extension {
                    registered: e.registered,
                    allowed_agents: e.allowed_agents.clone(),
                    behavior: Behavior {
                        answer_after_ms: e.answer_after_ms,
                        hangup_after_ms: e.hangup_after_ms,
                        fail_code: None,
                    },
                    agent: None,
                };
                (e.number.clone(), ext)
            })
            .collect(),
        queues: t.queues.iter().map(|q| q.number.clone()).collect(),
        outside: t
            .outside_numbers
            .iter()
            .map(|o| {
                let b = Behavior {
                    answer_after_ms: o.answer_after_ms.unwrap_or(Some(outside_answer_ms)),
                    hangup_after_ms: o.hangup_after_ms,
                    fail_code: o.fail_code,
                };
                (o.number.clone(), b)
            })
            .collect(),
    }
}

/// `("8001", "test.cc")` from `8001@test.cc`.
pub(crate) fn split_id(id: &str) -> Option<(&str, &str)> {
    id.split_once('@')
        .filter(|(n, d)| !n.is_empty() && !d.is_empty())
}

/// The job number of `agent_id` when it belongs to `domain`.
fn agent_number<'a>(agent_id: &'a str, domain: &str) -> Option<&'a str> {
    split_id(agent_id)
        .filter(|(_, d)| *d == domain)
        .map(|(n, _)| n)
}
