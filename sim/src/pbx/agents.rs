//! Agents: Login, Logout, SetState, heartbeats, after-call work, dialler reservation, queue
//! routing and the client-state snapshot.

use serde_json::{json, Value};

use super::events::{self, Stamp};
use super::{
    split_id, ConnState, EventKind, Login, Mode, Now, Pbx, PbxError, PbxResult, SessionInfo, Timer,
};

impl Pbx {
    /// `setAgentState` with `func: "Login"`: logs `login_id` (`5001@test.cc`) in on `device`
    /// (`8001@test.cc`) in `mode` (`Ready`/`NotReady`, default `NotReady`), then publishes
    /// `agentLoggedOn` and `agentReady`/`agentNotReady`.
    pub fn agent_login(
        &mut self,
        now: Now,
        session: &SessionInfo,
        login_id: &str,
        device: &str,
        password: Option<&str>,
        mode: Option<&str>,
    ) -> PbxResult<()> {
        self.enter(now);
        let domain = session.tenant.clone();
        let mode = match mode.filter(|m| !m.is_empty()) {
            None => Mode::NotReady,
            Some(word) => Mode::requested(word).ok_or_else(|| {
                PbxError::bad(format!("agentMode {word} is not Ready or NotReady"))
            })?,
        };
        let number = agent_in(login_id, &domain).ok_or(PbxError::AgentNotInTenant)?;
        let ext_number = agent_in(device, &domain).ok_or(PbxError::ExtensionNotInTenant)?;
        let tenant = self.tenant(&domain)?;
        let agent = tenant
            .agents
            .get(number)
            .ok_or(PbxError::AgentNotInTenant)?;
        if password.is_some_and(|p| p != agent.password) {
            return Err(PbxError::BadCredentials);
        }
        if !agent.enabled {
            return Err(PbxError::AgentDisabled);
        }
        let ext = tenant
            .extensions
            .get(ext_number)
            .ok_or(PbxError::ExtensionNotInTenant)?;
        if ext
            .allowed_agents
            .as_ref()
            .is_some_and(|allowed| !allowed.iter().any(|a| a == number))
        {
            return Err(PbxError::UnauthorizedDevice);
        }
        if !ext.registered {
            return Err(PbxError::ExtensionNotRegistered);
        }
        if let Some(login) = &agent.login {
            if login.device == ext_number {
                return Err(PbxError::AlreadyLoggedInHere);
            }
            return Err(PbxError::LoggedInElsewhere {
                device: format!("{}@{domain}", login.device),
            });
        }
        if let Some(other) = &ext.agent {
            return Err(PbxError::ExtensionInUse {
                agent: format!("{other}@{domain}"),
            });
        }
        let device_id = format!("{ext_number}@{domain}");
        if self.device_busy(&device_id) {
            return Err(PbxError::IllegalDeviceState);
        }
        let online = tenant.agents.values().filter(|a| a.login.is_some()).count();
        if tenant.max_online_agents.is_some_and(|max| online >= max) {
            return Err(PbxError::TenantFull);
        }

        self.login_seq += 1;
        let seq = self.login_seq;
        let at = self.now.ms;
        let tenant = self.tenant_mut(&domain)?;
        if let Some(ext) = tenant.extensions.get_mut(ext_number) {
            ext.agent = Some(number.to_string());
        }
        if let Some(agent) = tenant.agents.get_mut(number) {
            agent.login = Some(Login {
                device: ext_number.to_string(),
                mode,
                reason: String::new(),
                pending: None,
                idle_since: at,
                last_heartbeat: at,
                seq,
            });
        }
        let agent_id = format!("{number}@{domain}");
        let time = self.event_time();
        let at = Stamp {
            domain: &domain,
            time: &time,
        };
        let mut on = events::agent(
            at,
            "agentLoggedOn",
            &agent_id,
            &device_id,
            mode.as_str(),
            "",
        );
        events::add_platform_internals(&mut on, &agent_id, &device_id);
        let state = events::agent(
            at,
            mode_event(mode),
            &agent_id,
            &device_id,
            mode.as_str(),
            "",
        );
        self.emit_to_agent(&agent_id, EventKind::Agent, on);
        self.emit_to_agent(&agent_id, EventKind::Agent, state);
        self.timers
            .retain(|s| !matches!(&s.timer, Timer::Heartbeat { agent } if *agent == agent_id));
        self.schedule(
            self.config.heartbeat_timeout_ms,
            Timer::Heartbeat { agent: agent_id },
        );
        self.dispatch_queues(&domain);
        Ok(())
    }

    /// `setAgentState` with `func: "Logout"` (logout, forceLogout, superLogout): the agent
    /// named by `agent_id`, or else the one logged in on `device`. 458 when not logged in,
    /// 460 while its extension is in a call.
    pub fn agent_logout(
        &mut self,
        now: Now,
        session: &SessionInfo,
        agent_id: Option<&str>,
        device: Option<&str>,
    ) -> PbxResult<()> {
        self.enter(now);
        let agent_id = self.resolve_agent(session, agent_id, device)?;
        let device_id = self.logged_device(&agent_id)?;
        if self.device_busy(&device_id) {
            return Err(PbxError::InCall);
        }
        self.log_out(&agent_id);
        Ok(())
    }

    /// `setAgentState` with `func: "SetState"` (setAgentMode, forceReady, forceNotReady).
    /// Returns `Some(body)` when the change waits for the current call to end (200
    /// `{"pendingMode": mode}`), `None` when it was applied (204).
    pub fn agent_set_state(
        &mut self,
        now: Now,
        session: &SessionInfo,
        agent_id: Option<&str>,
        device: Option<&str>,
        mode: &str,
        reason: &str,
    ) -> PbxResult<Option<Value>> {
        self.enter(now);
        let mode = Mode::requested(mode)
            .ok_or_else(|| PbxError::bad(format!("agentMode {mode} is not Ready or NotReady")))?;
        let agent_id = self.resolve_agent(session, agent_id, device)?;
        let device_id = self.logged_device(&agent_id)?;
        let states = self.device_states(&device_id);
        if states
            .iter()
            .any(|s| matches!(s, ConnState::Initiate | ConnState::Alerting))
        {
            return Err(PbxError::InCall);
        }
        if mode == Mode::Ready && self.quota_reached(&agent_id) {
            return Err(PbxError::QuotaReached);
        }
        if !states.is_empty() {
            if let Some(login) = self.login_mut(&agent_id) {
                login.pending = Some((mode, reason.to_string()));
            }
            return Ok(Some(json!({ "pendingMode": mode.as_str() })));
        }
        self.change_mode(&agent_id, mode, reason);
        Ok(None)
    }

    /// `POST /api/csta/agent/heartbeat/{agentId}`: the agent is alive. 458 when not logged in.
    pub fn heartbeat(&mut self, now: Now, session: &SessionInfo, agent_id: &str) -> PbxResult<()> {
        self.enter(now);
        let agent_id = self.resolve_agent(session, Some(agent_id), None)?;
        let at = self.now.ms;
        let login = self.login_mut(&agent_id).ok_or(PbxError::NotLoggedIn)?;
        login.last_heartbeat = at;
        Ok(())
    }

    /// `POST /api/csta/outbound/release/{agentId}`: ends a dialler reservation (`agentReady`).
    pub fn release_allocated(
        &mut self,
        now: Now,
        session: &SessionInfo,
        agent_id: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let agent_id = self.resolve_agent(session, Some(agent_id), None)?;
        let login = self.login_mut(&agent_id).ok_or(PbxError::NotLoggedIn)?;
        if login.mode != Mode::Allocated {
            return Err(PbxError::invalid("agent is not allocated"));
        }
        self.change_mode(&agent_id, Mode::Ready, "");
        Ok(())
    }

    /// The dialler reserves a Ready, idle agent (`agentAllocated`); released by
    /// `releaseAllocatedAgent`, by a call, or after the allocation timeout.
    pub fn allocate(&mut self, now: Now, agent_id: &str) -> PbxResult<()> {
        self.enter(now);
        let device = self.logged_device(agent_id)?;
        let ready = self.login(agent_id).is_some_and(|l| l.mode == Mode::Ready);
        if !ready || self.device_busy(&device) {
            return Err(PbxError::AllocationFailed);
        }
        self.change_mode(agent_id, Mode::Allocated, "");
        let seq = self.login(agent_id).map_or(0, |l| l.seq);
        self.schedule(
            self.config.allocation_timeout_ms,
            Timer::Allocation {
                agent: agent_id.to_string(),
                seq,
            },
        );
        Ok(())
    }

    /// The administrator logs an agent out: `agentLoggedOff`, and its sessions expire.
    pub fn force_logout(&mut self, now: Now, agent_id: &str) -> PbxResult<()> {
        self.enter(now);
        self.logged_device(agent_id)?;
        self.log_out(agent_id);
        self.expire_sessions(agent_id);
        Ok(())
    }

    /// `GET /api/csta/agent/client-state` for the session's agent (PROTOCOL.md §8).
    pub fn client_state(&mut self, now: Now, session: &SessionInfo) -> PbxResult<Value> {
        self.enter(now);
        let (number, domain) = split_id(&session.agent).ok_or(PbxError::SessionInvalid)?;
        let tenant = self.tenant(domain)?;
        let agent = tenant
            .agents
            .get(number)
            .ok_or(PbxError::AgentNotInTenant)?;
        let Some(login) = &agent.login else {
            return Ok(json!({
                "agent": {
                    "agentId": session.agent,
                    "extensionId": "",
                    "namespace": domain,
                    "agentMode": "Logout",
                    "agentName": agent.name,
                },
                "extension": null,
            }));
        };
        let device = format!("{}@{domain}", login.device);
        let mut agent_json = json!({
            "agentId": session.agent,
            "extensionId": device,
            "namespace": domain,
            "agentMode": login.mode.as_str(),
            "agentName": agent.name,
        });
        let active = self.active_call_view(&device);
        if let (Some(call), Some(obj)) = (&active, agent_json.as_object_mut()) {
            obj.insert("activeCall".into(), call.clone());
        }
        Ok(json!({
            "agent": agent_json,
            "extension": {
                "extensionId": device,
                "registered": true,
                "state": if active.is_some() { "Busy" } else { "Idle" },
            },
        }))
    }

    // ---------------------------------------------------------------- internals

    /// The agent a state request is about: its `agentId`/`loginId` (452 when not in the
    /// session's tenant), or else the one logged in on `device`.
    fn resolve_agent(
        &self,
        session: &SessionInfo,
        agent_id: Option<&str>,
        device: Option<&str>,
    ) -> PbxResult<String> {
        let domain = &session.tenant;
        let tenant = self.tenant(domain)?;
        if let Some(id) = agent_id.filter(|s| !s.is_empty()) {
            let number = agent_in(id, domain).ok_or(PbxError::AgentNotInTenant)?;
            if !tenant.agents.contains_key(number) {
                return Err(PbxError::AgentNotInTenant);
            }
            return Ok(format!("{number}@{domain}"));
        }
        let device = device
            .filter(|s| !s.is_empty())
            .ok_or_else(|| PbxError::bad("agentId missing"))?;
        let ext = agent_in(device, domain).ok_or(PbxError::ExtensionNotInTenant)?;
        let ext = tenant
            .extensions
            .get(ext)
            .ok_or(PbxError::ExtensionNotInTenant)?;
        let agent = ext.agent.as_ref().ok_or(PbxError::NotLoggedIn)?;
        Ok(format!("{agent}@{domain}"))
    }

    pub(crate) fn login(&self, agent_id: &str) -> Option<&Login> {
        let (number, domain) = split_id(agent_id)?;
        self.tenants.get(domain)?.agents.get(number)?.login.as_ref()
    }

    pub(crate) fn login_mut(&mut self, agent_id: &str) -> Option<&mut Login> {
        let (number, domain) = split_id(agent_id)?;
        self.tenants
            .get_mut(domain)?
            .agents
            .get_mut(number)?
            .login
            .as_mut()
    }

    /// The device an agent is logged in on, or 458.
    fn logged_device(&self, agent_id: &str) -> PbxResult<String> {
        let domain = split_id(agent_id).map_or("", |(_, d)| d);
        self.login(agent_id)
            .map(|l| format!("{}@{domain}", l.device))
            .ok_or(PbxError::NotLoggedIn)
    }

    fn quota_reached(&self, agent_id: &str) -> bool {
        split_id(agent_id)
            .and_then(|(n, d)| self.tenants.get(d)?.agents.get(n))
            .is_some_and(|a| a.quota.is_some_and(|q| a.answered >= q))
    }

    /// Counts a dialler call answered by a reserved agent towards its quota.
    pub(crate) fn count_dialler_answer(&mut self, device: &str) {
        let Some(agent_id) = self.agent_on_device(device) else {
            return;
        };
        if self
            .login(&agent_id)
            .is_some_and(|l| l.mode == Mode::Allocated)
        {
            if let Some((n, d)) = split_id(&agent_id) {
                if let Some(a) = self.tenants.get_mut(d).and_then(|t| t.agents.get_mut(n)) {
                    a.answered += 1;
                }
            }
        }
    }

    /// Sets the agent's mode and publishes the matching event.
    pub(crate) fn change_mode(&mut self, agent_id: &str, mode: Mode, reason: &str) {
        self.login_seq += 1;
        let seq = self.login_seq;
        let at = self.now.ms;
        let domain = split_id(agent_id).map_or("", |(_, d)| d).to_string();
        let Some(login) = self.login_mut(agent_id) else {
            return;
        };
        if mode == Mode::Ready && login.mode != Mode::Ready {
            login.idle_since = at;
        }
        login.mode = mode;
        login.reason = reason.to_string();
        login.seq = seq;
        login.pending = None;
        let device = format!("{}@{domain}", login.device);
        let time = self.event_time();
        let body = events::agent(
            Stamp {
                domain: &domain,
                time: &time,
            },
            mode_event(mode),
            agent_id,
            &device,
            mode.as_str(),
            reason,
        );
        self.emit_to_agent(agent_id, EventKind::Agent, body);
        if mode == Mode::Ready {
            self.dispatch_queues(&domain);
        }
    }

    /// Publishes `agentLoggedOff` and frees the extension.
    fn log_out(&mut self, agent_id: &str) {
        let Some((number, domain)) = split_id(agent_id) else {
            return;
        };
        let (number, domain) = (number.to_string(), domain.to_string());
        let Some(tenant) = self.tenants.get_mut(&domain) else {
            return;
        };
        let Some(login) = tenant.agents.get_mut(&number).and_then(|a| a.login.take()) else {
            return;
        };
        if let Some(ext) = tenant.extensions.get_mut(&login.device) {
            ext.agent = None;
        }
        let device = format!("{}@{domain}", login.device);
        let time = self.event_time();
        let body = events::agent(
            Stamp {
                domain: &domain,
                time: &time,
            },
            "agentLoggedOff",
            agent_id,
            &device,
            "Logout",
            "",
        );
        self.emit_to_agent(agent_id, EventKind::Agent, body);
    }

    /// What happens to an agent whose extension just left its last call: a pending mode is
    /// applied, or after-call work starts, or a reservation ends.
    pub(crate) fn after_call(&mut self, device: &str) {
        if self.device_busy(device) {
            return;
        }
        let Some(agent_id) = self.agent_on_device(device) else {
            return;
        };
        let domain = split_id(device).map_or("", |(_, d)| d).to_string();
        let acw = self
            .tenants
            .get(&domain)
            .and_then(|t| t.after_call_work_secs);
        let at = self.now.ms;
        let Some(login) = self.login_mut(&agent_id) else {
            return;
        };
        if let Some((mode, reason)) = login.pending.take() {
            self.change_mode(&agent_id, mode, &reason);
            return;
        }
        let mode = login.mode;
        if !matches!(mode, Mode::Ready | Mode::Allocated) {
            return;
        }
        match acw {
            Some(secs) => {
                self.change_mode(&agent_id, Mode::WorkNotReady, "");
                let seq = self.login(&agent_id).map_or(0, |l| l.seq);
                self.schedule(
                    secs * 1000,
                    Timer::AfterCallWork {
                        agent: agent_id,
                        seq,
                    },
                );
            }
            None if mode == Mode::Allocated => self.change_mode(&agent_id, Mode::Ready, ""),
            None => {
                login.idle_since = at;
                self.dispatch_queues(&domain);
            }
        }
    }

    pub(crate) fn timer_after_call_work(&mut self, agent_id: &str, seq: u64) {
        if self
            .login(agent_id)
            .is_some_and(|l| l.seq == seq && l.mode == Mode::WorkNotReady)
        {
            self.change_mode(agent_id, Mode::Ready, "");
        }
    }

    pub(crate) fn timer_allocation(&mut self, agent_id: &str, seq: u64) {
        let Some(login) = self.login(agent_id) else {
            return;
        };
        let domain = split_id(agent_id).map_or("", |(_, d)| d);
        let device = format!("{}@{domain}", login.device);
        if login.seq == seq && login.mode == Mode::Allocated && !self.device_busy(&device) {
            self.change_mode(agent_id, Mode::Ready, "");
        }
    }

    pub(crate) fn timer_heartbeat(&mut self, agent_id: &str) {
        let Some(login) = self.login(agent_id) else {
            return;
        };
        let deadline = login.last_heartbeat + self.config.heartbeat_timeout_ms;
        if self.now.ms >= deadline {
            self.log_out(agent_id);
            self.expire_sessions(agent_id);
        } else {
            self.schedule(
                deadline - self.now.ms,
                Timer::Heartbeat {
                    agent: agent_id.to_string(),
                },
            );
        }
    }

    /// Routes waiting queue calls of `domain` to the longest-idle Ready agents with a free,
    /// registered extension.
    pub(crate) fn dispatch_queues(&mut self, domain: &str) {
        loop {
            let Some(call_id) = self.next_queued_call(domain) else {
                return;
            };
            let Some(ext) = self.longest_idle_agent_extension(domain) else {
                return;
            };
            self.route_queued_call(&call_id, &ext);
        }
    }

    fn longest_idle_agent_extension(&self, domain: &str) -> Option<String> {
        let tenant = self.tenants.get(domain)?;
        tenant
            .agents
            .values()
            .filter_map(|a| a.login.as_ref())
            .filter(|l| l.mode == Mode::Ready)
            .filter(|l| {
                tenant
                    .extensions
                    .get(&l.device)
                    .is_some_and(|e| e.registered)
            })
            .filter(|l| !self.device_busy(&format!("{}@{domain}", l.device)))
            .min_by_key(|l| (l.idle_since, l.device.clone()))
            .map(|l| l.device.clone())
    }
}

/// The job number or extension number of `id` (`5001@test.cc`) when it is in `domain`.
fn agent_in<'a>(id: &'a str, domain: &str) -> Option<&'a str> {
    split_id(id).filter(|(_, d)| *d == domain).map(|(n, _)| n)
}

/// The event announcing `mode`.
fn mode_event(mode: Mode) -> &'static str {
    match mode {
        Mode::Ready => "agentReady",
        Mode::NotReady => "agentNotReady",
        Mode::WorkNotReady => "agentWorkingAfterCall",
        Mode::Allocated => "agentAllocated",
    }
}
