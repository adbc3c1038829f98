//! Calls: the call and party model, placing and routing calls, their scripted timers and the
//! administrator's view; the call-control requests live in `control`, parties leaving in
//! `leaving`, and the per-recipient event bodies in `copies` (PROTOCOL.md §4.3).
//!
//! Who is told what:
//! * every extension in a call receives its own copy of each call event (`srcDeviceId` = that
//!   extension); outside parties have no subscription;
//! * a two-party call ends as a whole: both parties get both clearings, the leaving party's
//!   first (fixtures 02, 03);
//! * in a conference (or any call with three parties) a party leaving is cleared to everyone
//!   still in the call; the last party left is cleared too; when the conference's controller
//!   leaves, the conference ends for everybody (fixtures 07a–c, 12).

mod control;
mod copies;
mod leaving;

use serde_json::{json, Map, Value};

use super::dial::{self, Dial};
use super::events::{self, Stamp};
use super::{
    split_id, Behavior, ConnState, EventKind, Now, Pbx, PbxError, PbxResult, SessionInfo, Timer,
};

const TRUNK_GROUP: &str = "1";
const TRUNK_MEMBER: &str = "172.30.10.8";

/// How an added conference party takes part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Participation {
    /// Speaks and listens.
    Active,
    /// Listens only.
    Silent,
}

/// A call from outside into the tenant, placed by the administrator.
#[derive(Clone, Debug, Default)]
pub struct InboundCall {
    /// Tenant; the first one when `None`.
    pub tenant: Option<String>,
    /// The caller's number, e.g. `13800000000`.
    pub from: String,
    /// A queue (`7000`) or an extension (`8001`).
    pub to: String,
    /// The called extension picks up by itself after this many ms.
    pub answer_after_ms: Option<u64>,
    /// The caller hangs up this many ms after the call connected.
    pub hangup_after_ms: Option<u64>,
    /// Attached data, shown in `delivered.userData.data`.
    pub user_data: Map<String, Value>,
    /// `callType` of the call (`Inbound` unless set, e.g. `PreDictive` for a dialler call).
    pub call_type: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Party {
    /// The real device, `8001@test.cc` or `913800000000@test.cc`.
    pub(crate) device: String,
    /// How the other parties know it when it was reached through a dial string other than
    /// its number (`938834600-WW8001@test.cc`).
    alias: Option<String>,
    outside: bool,
    pub(crate) state: ConnState,
    /// Routed to this party by a queue.
    via_queue: bool,
    /// Added to the call by this device (single-step conference, conference).
    added_by: Option<String>,
    /// A supervisor listening in (spy) or an IVR: never controls the conference.
    spy: bool,
    /// Joined to listen only (`participationType: Silent`, spy).
    listen_only: bool,
    answer_after: Option<u64>,
    hangup_after: Option<u64>,
    hangup_armed: bool,
    ring_time: Option<String>,
    answer_time: Option<String>,
    recording: Option<String>,
}

impl Party {
    fn new(device: String, outside: bool, state: ConnState) -> Party {
        Party {
            device,
            alias: None,
            outside,
            state,
            via_queue: false,
            added_by: None,
            spy: false,
            listen_only: false,
            answer_after: None,
            hangup_after: None,
            hangup_armed: false,
            ring_time: None,
            answer_time: None,
            recording: None,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Call {
    id: String,
    /// Creation order, for first-come first-served queues.
    seq: u64,
    tenant: String,
    parties: Vec<Party>,
    /// Parties that left, kept to name them in later events.
    departed: Vec<Party>,
    calling: String,
    called: String,
    /// A far end not reached yet (dialling, switchboard pause): how the caller names it.
    pending: Option<String>,
    /// The extension a switchboard dial reaches after its pause.
    pending_extension: Option<String>,
    /// Waiting in this queue for an agent.
    waiting_in: Option<String>,
    /// `split` of queue calls, `7000@test.cc`.
    queue: Option<String>,
    origin_dnis: Option<String>,
    call_type: Option<String>,
    user_data: Map<String, Value>,
    conferenced: bool,
    controller: Option<String>,
    cpa: bool,
    /// Who picks up a queue call by itself, from the admin request.
    answer_override: Option<u64>,
    /// A party waiting on hold for another party to leave (`*AndWait`): (waiting, awaited).
    wait_return: Option<(String, String)>,
}

impl Call {
    pub(crate) fn party(&self, device: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.device == device)
    }

    fn party_mut(&mut self, device: &str) -> Option<&mut Party> {
        self.parties.iter_mut().find(|p| p.device == device)
    }

    /// How `by` names `device`: its own device by its id, others by the alias it was dialled as.
    fn seen(&self, device: &str, by: &str) -> String {
        if device == by {
            return device.to_string();
        }
        self.parties
            .iter()
            .chain(self.departed.iter())
            .find(|p| p.device == device)
            .and_then(|p| p.alias.clone())
            .unwrap_or_else(|| device.to_string())
    }

    /// The calling and called devices of the leg `party` is on.
    fn pair(&self, party: &Party) -> (String, String) {
        match &party.added_by {
            Some(by) => (by.clone(), party.device.clone()),
            None => (self.calling.clone(), self.called.clone()),
        }
    }

    /// The extensions in the call, who receive its events.
    fn recipients(&self) -> Vec<String> {
        self.parties
            .iter()
            .filter(|p| !p.outside)
            .map(|p| p.device.clone())
            .collect()
    }

    fn remove_party(&mut self, device: &str) -> Option<Party> {
        let i = self.parties.iter().position(|p| p.device == device)?;
        let p = self.parties.remove(i);
        self.departed.push(p.clone());
        Some(p)
    }
}

/// What a dial string reaches in a tenant.
enum Target {
    Extension(String),
    Queue(String),
    Switchboard { extension: String, wait_ms: u64 },
    Outside { dialled: String, behavior: Behavior },
    Unroutable,
}

impl Pbx {
    // ================================================================ placing calls

    /// `POST /api/csta/callControl/calls`: `from` (`8001@test.cc`) calls `to` (prefix + number,
    /// an extension, a queue, or `<switchboard>-[Ww]*<extension>`). Returns the call id.
    pub fn make_call(
        &mut self,
        now: Now,
        session: &SessionInfo,
        from: &str,
        to: &str,
        cpa: bool,
    ) -> PbxResult<String> {
        self.enter(now);
        let domain = session.tenant.clone();
        let (number, d) = split_id(from).ok_or(PbxError::ExtensionNotInTenant)?;
        if d != domain {
            return Err(PbxError::ExtensionNotInTenant);
        }
        let ext = self
            .tenant(&domain)?
            .extensions
            .get(number)
            .ok_or(PbxError::ExtensionNotInTenant)?;
        if !ext.registered {
            return Err(PbxError::ExtensionNotRegistered);
        }
        if to.trim().is_empty() {
            return Err(PbxError::bad("to is empty"));
        }
        if self
            .device_states(from)
            .iter()
            .any(|s| matches!(s, ConnState::Initiate | ConnState::Alerting))
        {
            return Err(PbxError::invalid("the device is already setting up a call"));
        }
        Ok(self.place_call(&domain, from, to, cpa, "NEWCALL"))
    }

    /// Creates a call from extension `from`, publishes `serviceInitiated` and `originated`,
    /// and routes it to `to`.
    fn place_call(&mut self, domain: &str, from: &str, to: &str, cpa: bool, cause: &str) -> String {
        let id = self.next_id();
        let to = to.trim();
        let display = format!("{}@{domain}", to.split_once('@').map_or(to, |(n, _)| n));
        let mut caller = Party::new(from.to_string(), false, ConnState::Initiate);
        caller.ring_time = Some(self.event_time());
        self.call_seq += 1;
        let call = Call {
            id: id.clone(),
            seq: self.call_seq,
            tenant: domain.to_string(),
            parties: vec![caller],
            departed: Vec::new(),
            calling: from.to_string(),
            called: display.clone(),
            pending: Some(display.clone()),
            pending_extension: None,
            waiting_in: None,
            queue: None,
            origin_dnis: None,
            call_type: None,
            user_data: Map::new(),
            conferenced: false,
            controller: None,
            cpa,
            answer_override: None,
            wait_return: None,
        };
        self.calls.insert(id.clone(), call);
        let time = self.event_time();
        let at = Stamp {
            domain,
            time: &time,
        };
        let initiated = events::with(
            events::csta(
                at,
                "serviceInitiated",
                from,
                &id,
                from,
                "Initiate",
                Some("NORMAL"),
            ),
            &[("initiatedDevice", from.into())],
        );
        let originated = events::with(
            events::csta(at, "originated", from, &id, from, "Initiate", Some(cause)),
            &[
                ("callingDevice", from.into()),
                ("calledDevice", display.into()),
            ],
        );
        self.emit_to_device(from, EventKind::Csta, initiated);
        self.emit_to_device(from, EventKind::Csta, originated);
        self.route(&id, to);
        id
    }

    fn resolve(&self, domain: &str, to: &str) -> Target {
        let Some(tenant) = self.tenants.get(domain) else {
            return Target::Unroutable;
        };
        match dial::parse(to) {
            Dial::Switchboard {
                extension, wait_ms, ..
            } if tenant.extensions.contains_key(&extension) => {
                Target::Switchboard { extension, wait_ms }
            }
            Dial::Switchboard { .. } => Target::Unroutable,
            Dial::Plain(n) if tenant.extensions.contains_key(&n) => Target::Extension(n),
            Dial::Plain(n) if tenant.queues.contains(&n) => Target::Queue(n),
            Dial::Plain(n) => {
                let bare = tenant
                    .trunks
                    .iter()
                    .filter_map(|p| n.strip_prefix(p.as_str()))
                    .find(|rest| dial::is_digits(rest));
                match bare {
                    Some(bare) => {
                        let behavior = tenant.outside.get(bare).cloned().unwrap_or(Behavior {
                            answer_after_ms: Some(self.config.outside_answer_ms),
                            hangup_after_ms: None,
                            fail_code: None,
                        });
                        Target::Outside {
                            dialled: n.clone(),
                            behavior,
                        }
                    }
                    None => Target::Unroutable,
                }
            }
        }
    }

    /// Sends a freshly placed call towards its destination.
    fn route(&mut self, call_id: &str, to: &str) {
        let Some(domain) = self.calls.get(call_id).map(|c| c.tenant.clone()) else {
            return;
        };
        match self.resolve(&domain, to) {
            Target::Extension(n) => self.reach_extension(call_id, &n, None),
            Target::Queue(q) => {
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.pending = None;
                    call.queue = Some(format!("{q}@{domain}"));
                    call.waiting_in = Some(q);
                }
                self.dispatch_queues(&domain);
            }
            Target::Switchboard { extension, wait_ms } => {
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.pending_extension = Some(extension);
                }
                self.schedule(
                    wait_ms,
                    Timer::DialExtension {
                        call: call_id.to_string(),
                    },
                );
            }
            Target::Outside { dialled, behavior } => {
                let device = format!("{dialled}@{domain}");
                match behavior.fail_code {
                    Some(11) => {
                        let mut party = Party::new(device, true, ConnState::Alerting);
                        party.answer_after = None;
                        self.ring(call_id, party, "NEWCALL", None);
                        self.schedule(
                            self.config.no_answer_ms,
                            Timer::Fail {
                                call: call_id.to_string(),
                                code: 11,
                            },
                        );
                    }
                    Some(code) => self.schedule(
                        self.config.failure_delay_ms,
                        Timer::Fail {
                            call: call_id.to_string(),
                            code,
                        },
                    ),
                    None => {
                        let mut party = Party::new(device, true, ConnState::Alerting);
                        party.answer_after = behavior.answer_after_ms;
                        party.hangup_after = behavior.hangup_after_ms;
                        self.ring(call_id, party, "NEWCALL", None);
                    }
                }
            }
            Target::Unroutable => self.schedule(
                self.config.failure_delay_ms,
                Timer::Fail {
                    call: call_id.to_string(),
                    code: 8,
                },
            ),
        }
    }

    /// Rings extension `number` in the call, or fails the call when the phone is offline or
    /// busy. `alias` is how the caller dialled it.
    fn reach_extension(&mut self, call_id: &str, number: &str, alias: Option<String>) {
        let Some(domain) = self.calls.get(call_id).map(|c| c.tenant.clone()) else {
            return;
        };
        let device = format!("{number}@{domain}");
        let ext = self
            .tenants
            .get(&domain)
            .and_then(|t| t.extensions.get(number));
        let Some(ext) = ext else { return };
        let code = if !ext.registered {
            Some(3)
        } else if self.device_has_live_call(&device) {
            Some(1)
        } else {
            None
        };
        if let Some(code) = code {
            self.schedule(
                self.config.failure_delay_ms,
                Timer::Fail {
                    call: call_id.to_string(),
                    code,
                },
            );
            return;
        }
        let mut party = Party::new(device, false, ConnState::Alerting);
        party.alias = alias;
        party.answer_after = ext.behavior.answer_after_ms;
        party.hangup_after = ext.behavior.hangup_after_ms;
        self.ring(call_id, party, "NEWCALL", None);
    }

    /// Adds a ringing party as the called party (or an added one when `party.added_by` is
    /// set), publishes `delivered`, and arms its auto-answer.
    fn ring(&mut self, call_id: &str, mut party: Party, cause: &str, redirected_by: Option<&str>) {
        let time = self.event_time();
        party.ring_time = Some(time);
        let device = party.device.clone();
        let answer_after = party.answer_after;
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if party.added_by.is_none() {
            call.called = device.clone();
            call.pending = None;
        }
        call.parties.push(party);
        let copies = self.delivered_copies(call_id, &device, cause, redirected_by);
        self.emit_copies(copies);
        if let Some(ms) = answer_after {
            self.schedule(
                ms,
                Timer::Answer {
                    call: call_id.to_string(),
                    device,
                },
            );
        }
    }

    /// A call from outside into the tenant (the administrator's scripted caller).
    pub fn inbound_call(&mut self, now: Now, req: InboundCall) -> PbxResult<String> {
        self.enter(now);
        let domain = match &req.tenant {
            Some(d) => d.clone(),
            None => self
                .tenants
                .keys()
                .next()
                .cloned()
                .ok_or_else(|| PbxError::NotFound("no tenant".into()))?,
        };
        let tenant = self.tenant(&domain)?;
        let from = req.from.trim();
        if from.is_empty() || tenant.extensions.contains_key(from) {
            return Err(PbxError::bad("from must be an outside number"));
        }
        let to = req.to.trim().to_string();
        let is_queue = tenant.queues.contains(&to);
        if !is_queue && !tenant.extensions.contains_key(&to) {
            return Err(PbxError::NotFound(format!("{to} is no queue or extension")));
        }
        let id = self.next_id();
        let mut caller = Party::new(format!("{from}@{domain}"), true, ConnState::Initiate);
        caller.hangup_after = req.hangup_after_ms;
        caller.ring_time = Some(self.event_time());
        self.call_seq += 1;
        let call = Call {
            id: id.clone(),
            seq: self.call_seq,
            tenant: domain.clone(),
            calling: caller.device.clone(),
            parties: vec![caller],
            departed: Vec::new(),
            called: format!("{to}@{domain}"),
            pending: None,
            pending_extension: None,
            waiting_in: is_queue.then(|| to.clone()),
            queue: is_queue.then(|| format!("{to}@{domain}")),
            origin_dnis: Some(to.clone()),
            call_type: req.call_type,
            user_data: req.user_data,
            conferenced: false,
            controller: None,
            cpa: false,
            answer_override: req.answer_after_ms,
            wait_return: None,
        };
        self.calls.insert(id.clone(), call);
        if is_queue {
            self.dispatch_queues(&domain);
        } else {
            self.reach_extension(&id, &to, None);
            if let (Some(ms), Some(call)) = (req.answer_after_ms, self.calls.get(&id)) {
                if let Some(p) = call.parties.iter().find(|p| !p.outside) {
                    let device = p.device.clone();
                    self.schedule(
                        ms,
                        Timer::Answer {
                            call: id.clone(),
                            device,
                        },
                    );
                }
            }
        }
        Ok(id)
    }

    /// The oldest call of `domain` waiting in a queue.
    pub(crate) fn next_queued_call(&self, domain: &str) -> Option<String> {
        self.calls
            .values()
            .filter(|c| c.tenant == domain && c.waiting_in.is_some())
            .min_by_key(|c| c.seq)
            .map(|c| c.id.clone())
    }

    /// Rings the agent extension `ext` with a call waiting in a queue.
    pub(crate) fn route_queued_call(&mut self, call_id: &str, ext: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.waiting_in = None;
        let domain = call.tenant.clone();
        let answer_override = call.answer_override;
        let device = format!("{ext}@{domain}");
        let behavior = self
            .tenants
            .get(&domain)
            .and_then(|t| t.extensions.get(ext))
            .map(|e| e.behavior.clone())
            .unwrap_or_default();
        let mut party = Party::new(device, false, ConnState::Alerting);
        party.via_queue = true;
        party.answer_after = answer_override.or(behavior.answer_after_ms);
        party.hangup_after = behavior.hangup_after_ms;
        self.ring(call_id, party, "NEWCALL", None);
    }

    // ================================================================ timers

    pub(crate) fn timer_answer(&mut self, call_id: &str, device: &str) {
        let alerting = self
            .calls
            .get(call_id)
            .and_then(|c| c.party(device))
            .is_some_and(|p| p.state == ConnState::Alerting);
        if alerting {
            self.answer_party(call_id, device);
        }
    }

    pub(crate) fn timer_hangup(&mut self, call_id: &str, device: &str) {
        if self
            .calls
            .get(call_id)
            .is_some_and(|c| c.party(device).is_some())
        {
            self.release(call_id, device, "NORMAL_CLEARING");
        }
    }

    pub(crate) fn timer_dial_extension(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let (Some(ext), Some(alias)) = (call.pending_extension.take(), call.pending.clone()) else {
            return;
        };
        self.reach_extension(call_id, &ext, Some(alias));
    }

    /// The far end cannot be reached: `failed` (when the call asked for call-progress
    /// analysis), then the two clearings.
    pub(crate) fn timer_fail(&mut self, call_id: &str, code: u32) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        if call.parties.iter().any(|p| p.state == ConnState::Connect) {
            return;
        }
        let far = call
            .pending
            .clone()
            .or_else(|| {
                call.parties
                    .iter()
                    .find(|p| p.device != call.calling)
                    .map(|p| p.device.clone())
            })
            .unwrap_or_else(|| call.called.clone());
        if call.cpa {
            let time = self.event_time();
            let at = Stamp {
                domain: &call.tenant,
                time: &time,
            };
            let copies: Vec<(String, Map<String, Value>)> = call
                .recipients()
                .into_iter()
                .map(|r| {
                    let seen = call.seen(&far, &r);
                    let body = events::with(
                        events::csta(at, "failed", &r, &call.id, &seen, "Fail", Some("Failed")),
                        &[
                            ("calledDevice", seen.clone().into()),
                            ("failedCode", code.into()),
                            ("failedMsg", dial::failed_message(code).into()),
                        ],
                    );
                    (r, body)
                })
                .collect();
            self.emit_copies(copies);
        }
        self.release(call_id, &far, dial::failed_cause(code));
    }

    // ================================================================ administration

    /// A party answers now (the administrator's "pick up"); the first ringing party when
    /// `device` is `None`.
    pub fn admin_answer(&mut self, now: Now, call_id: &str, device: Option<&str>) -> PbxResult<()> {
        self.enter(now);
        let call = self
            .calls
            .get(call_id)
            .ok_or_else(|| PbxError::UnknownCall(call_id.to_string()))?;
        let device = match device {
            Some(d) => call
                .party(d)
                .ok_or_else(|| PbxError::UnknownConnection(format!("{d}|{call_id}")))?
                .device
                .clone(),
            None => call
                .parties
                .iter()
                .find(|p| p.state == ConnState::Alerting)
                .ok_or_else(|| PbxError::invalid("nobody is ringing"))?
                .device
                .clone(),
        };
        if call.party(&device).map(|p| p.state) != Some(ConnState::Alerting) {
            return Err(PbxError::invalid("the connection is not ringing"));
        }
        self.answer_party(call_id, &device);
        Ok(())
    }

    /// A party hangs up now; the first outside party (or else the first party) when `device`
    /// is `None`.
    pub fn admin_hangup(&mut self, now: Now, call_id: &str, device: Option<&str>) -> PbxResult<()> {
        self.enter(now);
        let call = self
            .calls
            .get(call_id)
            .ok_or_else(|| PbxError::UnknownCall(call_id.to_string()))?;
        let device = match device {
            Some(d) => call
                .party(d)
                .ok_or_else(|| PbxError::UnknownConnection(format!("{d}|{call_id}")))?
                .device
                .clone(),
            None => call
                .parties
                .iter()
                .find(|p| p.outside)
                .or_else(|| call.parties.first())
                .ok_or_else(|| PbxError::invalid("the call has no party"))?
                .device
                .clone(),
        };
        self.release(call_id, &device, "NORMAL_CLEARING");
        Ok(())
    }

    /// Every live call with its parties, for `/admin/calls`.
    pub fn calls_view(&self) -> Value {
        Value::Array(
            self.calls
                .values()
                .map(|c| {
                    let parties: Vec<Value> = c
                        .parties
                        .iter()
                        .map(|p| {
                            json!({
                                "device": p.device,
                                "dialledAs": p.alias,
                                "outside": p.outside,
                                "state": p.state.as_str(),
                                "addedBy": p.added_by,
                                "listenOnly": p.listen_only,
                                "recording": p.recording.is_some(),
                            })
                        })
                        .collect();
                    json!({
                        "callId": c.id,
                        "tenant": c.tenant,
                        "callingDevice": c.calling,
                        "calledDevice": c.called,
                        "waitingInQueue": c.waiting_in,
                        "conferenced": c.conferenced,
                        "userData": c.user_data,
                        "parties": parties,
                    })
                })
                .collect(),
        )
    }

    // ================================================================ helpers

    /// A party for `to` that can be reached right now (transfer and conference targets): a
    /// registered, free extension or an outside number through a trunk.
    fn reachable_party(&self, domain: &str, to: &str) -> PbxResult<Party> {
        match self.resolve(domain, to) {
            Target::Extension(n) => {
                let device = format!("{n}@{domain}");
                let ext = self
                    .tenants
                    .get(domain)
                    .and_then(|t| t.extensions.get(&n))
                    .ok_or(PbxError::ExtensionNotInTenant)?;
                if !ext.registered {
                    return Err(PbxError::invalid(format!("{device} is not registered")));
                }
                if self.device_has_live_call(&device) {
                    return Err(PbxError::invalid(format!("{device} is busy")));
                }
                let mut p = Party::new(device, false, ConnState::Alerting);
                p.answer_after = ext.behavior.answer_after_ms;
                p.hangup_after = ext.behavior.hangup_after_ms;
                Ok(p)
            }
            Target::Outside { dialled, behavior } => {
                if behavior.fail_code.is_some() {
                    return Err(PbxError::invalid(format!("{dialled} cannot be reached")));
                }
                let mut p = Party::new(format!("{dialled}@{domain}"), true, ConnState::Alerting);
                p.answer_after = behavior.answer_after_ms;
                p.hangup_after = behavior.hangup_after_ms;
                Ok(p)
            }
            Target::Queue(_) | Target::Switchboard { .. } | Target::Unroutable => Err(
                PbxError::invalid(format!("{} cannot take this call", to.trim())),
            ),
        }
    }

    /// Whether `device` is in any call.
    pub(crate) fn device_busy(&self, device: &str) -> bool {
        self.calls.values().any(|c| c.party(device).is_some())
    }

    /// Whether `device` has a call it is not holding (so a new call finds it busy).
    fn device_has_live_call(&self, device: &str) -> bool {
        self.device_states(device)
            .iter()
            .any(|s| *s != ConnState::Hold)
    }

    /// The states of `device`'s connections in all calls.
    pub(crate) fn device_states(&self, device: &str) -> Vec<ConnState> {
        self.calls
            .values()
            .filter_map(|c| c.party(device).map(|p| p.state))
            .collect()
    }

    /// The `activeCall` of client-state for `device`: its most relevant call (talking, then
    /// ringing, dialling, held).
    pub(crate) fn active_call_view(&self, device: &str) -> Option<Value> {
        let rank = |s: ConnState| match s {
            ConnState::Connect => 0,
            ConnState::Alerting => 1,
            ConnState::Initiate => 2,
            ConnState::Hold => 3,
        };
        let (call, party) = self
            .calls
            .values()
            .filter_map(|c| c.party(device).map(|p| (c, p)))
            .min_by_key(|(_, p)| rank(p.state))?;
        let (calling, called) = call.pair(party);
        let other = if calling == device {
            call.seen(&called, device)
        } else {
            call.seen(&calling, device)
        };
        let mut v = json!({
            "callId": call.id,
            "ani": call.seen(&calling, device),
            "dnis": call.seen(&called, device),
            "state": party.state.as_str(),
            "direction": if calling == device { "Out" } else { "In" },
            "otherSide": other,
        });
        if let Some(obj) = v.as_object_mut() {
            if let Some(t) = &party.ring_time {
                obj.insert("ringTime".into(), t.clone().into());
            }
            if let Some(t) = &party.answer_time {
                obj.insert("answerTime".into(), t.clone().into());
            }
        }
        Some(v)
    }
}
