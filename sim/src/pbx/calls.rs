//! Calls: placing and routing them, connection states, and the call-control operations with
//! the events each one publishes to every device in the call (PROTOCOL.md §4.3).
//!
//! Who is told what:
//! * every extension in a call receives its own copy of each call event (`srcDeviceId` = that
//!   extension); outside parties have no subscription;
//! * a two-party call ends as a whole: both parties get both clearings, the leaving party's
//!   first (fixtures 02, 03);
//! * in a conference (or any call with three parties) a party leaving is cleared to everyone
//!   still in the call; the last party left is cleared too; when the conference's controller
//!   leaves, the conference ends for everybody (fixtures 07a–c, 12).

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

    // ================================================================ call control

    /// The call and the device's connection in it, for a request of `session`.
    fn connection(&self, session: &SessionInfo, call_id: &str, device: &str) -> PbxResult<&Party> {
        let call = self
            .calls
            .get(call_id)
            .filter(|c| c.tenant == session.tenant)
            .ok_or_else(|| PbxError::UnknownCall(call_id.to_string()))?;
        call.party(device)
            .ok_or_else(|| PbxError::UnknownConnection(format!("{device}|{call_id}")))
    }

    /// `.../answer`: a ringing connection picks up (`established` to everyone in the call).
    pub fn answer(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if party.state != ConnState::Alerting {
            return Err(PbxError::invalid("the connection is not ringing"));
        }
        self.answer_party(call_id, device);
        Ok(())
    }

    fn answer_party(&mut self, call_id: &str, device: &str) {
        let time = self.event_time();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let Some(party) = call.party_mut(device) else {
            return;
        };
        party.state = ConnState::Connect;
        party.answer_time = Some(time.clone());
        let added_by = party.added_by.clone();
        let spy = party.spy;
        if added_by.is_none() {
            let calling = call.calling.clone();
            if let Some(caller) = call.party_mut(&calling) {
                if caller.state == ConnState::Initiate {
                    caller.state = ConnState::Connect;
                    caller.answer_time = Some(time);
                }
            }
        }
        let copies = self.established_copies(call_id, device);
        self.emit_copies(copies);
        self.count_dialler_answer(device);
        self.arm_hangups(call_id);
        self.auto_record(call_id);
        if let Some(by) = added_by {
            if let Some(call) = self.calls.get_mut(call_id) {
                call.conferenced = true;
                if !spy {
                    call.controller = Some(by.clone());
                }
            }
            let copies = self.conferenced_copies(call_id, "0", call_id, &by, device);
            self.emit_copies(copies);
        }
    }

    /// Starts the hang-up timers of connected parties that hang up by themselves.
    fn arm_hangups(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let mut due = Vec::new();
        for p in call.parties.iter_mut() {
            if p.state == ConnState::Connect && !p.hangup_armed {
                if let Some(ms) = p.hangup_after {
                    p.hangup_armed = true;
                    due.push((ms, p.device.clone()));
                }
            }
        }
        for (ms, device) in due {
            self.schedule(
                ms,
                Timer::Hangup {
                    call: call_id.to_string(),
                    device,
                },
            );
        }
    }

    /// DELETE `.../connections/{dev}|{call}` (dropConnection, forceDrop): the device leaves.
    pub fn drop_connection(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        self.connection(session, call_id, device)?;
        self.release(call_id, device, "NORMAL_CLEARING");
        Ok(())
    }

    /// `.../hold`: a connected party holds (`held` to everyone in the call).
    pub fn hold(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if party.state != ConnState::Connect {
            return Err(PbxError::invalid("only a connected call can be held"));
        }
        self.hold_party(call_id, device, "NORMAL");
        Ok(())
    }

    fn hold_party(&mut self, call_id: &str, device: &str, cause: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if let Some(p) = call.party_mut(device) {
            p.state = ConnState::Hold;
        }
        let copies = self.simple_copies(call_id, "held", device, "Hold", cause, "holdingDevice");
        self.emit_copies(copies);
    }

    /// `.../retrieve`: a held party comes back (`retrieved` to everyone in the call).
    pub fn retrieve(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if party.state != ConnState::Hold {
            return Err(PbxError::invalid("the call is not held"));
        }
        self.retrieve_party(call_id, device);
        Ok(())
    }

    fn retrieve_party(&mut self, call_id: &str, device: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if let Some(p) = call.party_mut(device) {
            p.state = ConnState::Connect;
        }
        let copies = self.simple_copies(
            call_id,
            "retrieved",
            device,
            "Connect",
            "NORMAL",
            "retrievingDevice",
        );
        self.emit_copies(copies);
    }

    /// `.../consult`: holds the call and places a consultation call to `participant`.
    /// Returns the consultation call's id.
    pub fn consult(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
        participant: &str,
    ) -> PbxResult<String> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if !matches!(party.state, ConnState::Connect | ConnState::Hold) {
            return Err(PbxError::invalid(
                "only a connected or held call can be consulted from",
            ));
        }
        if participant.trim().is_empty() {
            return Err(PbxError::bad("consultationParticipant is empty"));
        }
        if party.state == ConnState::Connect {
            self.hold_party(call_id, device, "CONSULTATION");
        }
        let domain = session.tenant.clone();
        Ok(self.place_call(&domain, device, participant, false, "CONSULTATION"))
    }

    /// The two calls of a consultation, checked: both exist, both have `device`, and the
    /// consultation call has someone besides it.
    fn consultation(
        &self,
        session: &SessionInfo,
        held: &str,
        device: &str,
        consult: &str,
    ) -> PbxResult<Vec<String>> {
        if held == consult {
            return Err(PbxError::bad("consultCallId is the held call"));
        }
        self.connection(session, held, device)?;
        self.connection(session, consult, device)?;
        let others: Vec<String> = self
            .calls
            .get(consult)
            .map(|c| {
                c.parties
                    .iter()
                    .filter(|p| p.device != device)
                    .map(|p| p.device.clone())
                    .collect()
            })
            .unwrap_or_default();
        if others.is_empty() {
            return Err(PbxError::invalid("the consultation call has nobody else"));
        }
        Ok(others)
    }

    /// `.../conference` on the held call: the consultation call's parties join it
    /// (`conferenced` to everyone).
    pub fn conference(
        &mut self,
        now: Now,
        session: &SessionInfo,
        held: &str,
        device: &str,
        consult: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let added = self.consultation(session, held, device, consult)?;
        let answered = self
            .calls
            .get(consult)
            .is_some_and(|c| c.parties.iter().all(|p| p.state == ConnState::Connect));
        if !answered {
            return Err(PbxError::invalid("the consulted party has not answered"));
        }
        let Some(mut c2) = self.calls.remove(consult) else {
            return Ok(());
        };
        let Some(c1) = self.calls.get_mut(held) else {
            return Ok(());
        };
        for device_added in &added {
            if let Some(mut p) = c2.remove_party(device_added) {
                p.added_by = Some(device.to_string());
                p.via_queue = false;
                c1.parties.push(p);
            }
        }
        if let Some(own) = c1.party_mut(device) {
            own.state = ConnState::Connect;
        }
        c1.conferenced = true;
        c1.controller = Some(device.to_string());
        for q in &added {
            let copies = self.conferenced_copies(held, held, consult, device, q);
            self.emit_copies(copies);
        }
        Ok(())
    }

    /// `.../cancelConsult` on the held call: ends the consultation call and retrieves the
    /// held one.
    pub fn cancel_consult(
        &mut self,
        now: Now,
        session: &SessionInfo,
        held: &str,
        device: &str,
        consult: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        if held == consult {
            return Err(PbxError::bad("consultCallId is the held call"));
        }
        self.connection(session, held, device)?;
        self.connection(session, consult, device)?;
        self.release(consult, device, "NORMAL_CLEARING");
        let held_state = self
            .calls
            .get(held)
            .and_then(|c| c.party(device))
            .map(|p| p.state);
        if held_state == Some(ConnState::Hold) {
            self.retrieve_party(held, device);
        }
        Ok(())
    }

    /// `.../transfer` (and `transferAndWait` when `wait` is set) on the held call: the
    /// consulted party takes the device's place in the held call.
    pub fn transfer(
        &mut self,
        now: Now,
        session: &SessionInfo,
        held: &str,
        device: &str,
        consult: &str,
        wait: bool,
    ) -> PbxResult<()> {
        self.enter(now);
        let targets = self.consultation(session, held, device, consult)?;
        let Some(target) = targets.first().cloned() else {
            return Ok(());
        };
        let (Some(c1), Some(c2)) = (self.calls.get(held), self.calls.get(consult)) else {
            return Ok(());
        };
        let domain = c1.tenant.clone();
        let time = self.event_time();
        let at = Stamp {
            domain: &domain,
            time: &time,
        };
        let mut recipients = c1.recipients();
        for r in c2.recipients() {
            if !recipients.contains(&r) {
                recipients.push(r);
            }
        }
        let transferred: Vec<(String, Map<String, Value>)> = recipients
            .iter()
            .map(|r| {
                let local = c2
                    .party(r)
                    .or_else(|| c1.party(r))
                    .map_or("Connect", |p| p.state.as_str());
                let to = c2.seen(&target, r);
                let body = events::with(
                    events::csta(at, "transferred", r, held, &to, local, Some("TRANSFER")),
                    &[
                        ("primaryOldCall", held.into()),
                        ("secondaryOldCall", consult.into()),
                        ("transferringDevice", c1.seen(device, r).into()),
                        ("transferredToDevice", to.clone().into()),
                        ("newCall", held.into()),
                    ],
                );
                (r.clone(), body)
            })
            .collect();
        self.emit_copies(transferred);

        let Some(mut c2) = self.calls.remove(consult) else {
            return Ok(());
        };
        let moved: Vec<String> = targets.clone();
        if let Some(c1) = self.calls.get_mut(held) {
            for t in &moved {
                if let Some(mut p) = c2.remove_party(t) {
                    p.added_by = None;
                    p.via_queue = false;
                    c1.parties.push(p);
                }
            }
        }
        c2.remove_party(device);
        if !wait {
            // The device leaves the held call: cleared to itself and to everyone now in it.
            let recipients = self
                .calls
                .get(held)
                .map(Call::recipients)
                .unwrap_or_default();
            let copies: Vec<_> = recipients
                .into_iter()
                .map(|r| {
                    let body = self.cleared_body(held, &r, device, device, "NORMAL_CLEARING", held);
                    (r, body)
                })
                .collect();
            if let Some(c1) = self.calls.get_mut(held) {
                c1.remove_party(device);
            }
            self.emit_copies(copies);
        }
        if let Some(c1) = self.calls.get_mut(held) {
            if wait {
                c1.wait_return = Some((device.to_string(), target.clone()));
            }
            if c1.called == device {
                c1.called = target.clone();
            } else if c1.calling == device {
                c1.calling = target.clone();
            }
        }
        // The device's leg of the consultation call ends; the moved parties know that call
        // by the held call's id now.
        let mut copies = vec![(
            device.to_string(),
            cleared_in(
                &c2,
                &domain,
                &time,
                device,
                device,
                device,
                "NORMAL_CLEARING",
                consult,
            ),
        )];
        for t in &moved {
            if !self.is_extension(t) {
                continue;
            }
            copies.push((
                t.clone(),
                cleared_in(
                    &c2,
                    &domain,
                    &time,
                    t,
                    device,
                    device,
                    "NORMAL_CLEARING",
                    held,
                ),
            ));
        }
        self.emit_copies(copies);
        self.stop_recording_silently(device, consult);
        self.after_call(device);
        Ok(())
    }

    /// `.../singleStepTransfer` (singleStepTransfer, forceTake): the device's place in the
    /// call goes to `to`, which rings; the call continues under a new id.
    pub fn single_step_transfer(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
        to: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if !matches!(party.state, ConnState::Connect | ConnState::Hold) {
            return Err(PbxError::invalid(
                "only a connected or held call can be transferred",
            ));
        }
        let own_state = party.state;
        let mut target = self.reachable_party(&session.tenant, to)?;
        if target.device == device {
            return Err(PbxError::bad("cannot transfer a call to its own device"));
        }
        if self
            .calls
            .get(call_id)
            .is_some_and(|c| c.party(&target.device).is_some())
        {
            return Err(PbxError::invalid("the target is already in the call"));
        }
        let new_id = self.next_id();
        let time = self.event_time();
        target.ring_time = Some(time.clone());
        let target_device = target.device.clone();
        let answer_after = target.answer_after;
        let Some(call) = self.calls.get_mut(call_id) else {
            return Ok(());
        };
        let was_called = call.called == device;
        let first_other = call
            .parties
            .iter()
            .find(|p| p.device != device)
            .map(|p| p.device.clone());
        call.remove_party(device);
        call.parties.push(target);
        if was_called {
            call.called = target_device.clone();
        } else {
            call.calling = first_other.unwrap_or_else(|| call.calling.clone());
            call.called = target_device.clone();
        }
        let domain = call.tenant.clone();
        let snapshot = call.clone();

        // The new parties see the target ring under the old id, redirected by the device.
        let delivered =
            self.delivered_copies(call_id, &target_device, "SINGLESTEPTRANSFER", Some(device));
        self.emit_copies(delivered);

        let at = Stamp {
            domain: &domain,
            time: &time,
        };
        let transferred = |r: &str, id: &str, local: &str, new_call: &str| {
            events::with(
                events::csta(
                    at,
                    "transferred",
                    r,
                    id,
                    &snapshot.seen(&target_device, r),
                    local,
                    Some("SINGLESTEPTRANSFER"),
                ),
                &[
                    ("primaryOldCall", call_id.into()),
                    ("secondaryOldCall", call_id.into()),
                    ("transferringDevice", snapshot.seen(device, r).into()),
                    (
                        "transferredToDevice",
                        snapshot.seen(&target_device, r).into(),
                    ),
                    ("newCall", new_call.into()),
                ],
            )
        };
        // The transferring device leaves and never learns the new id (fixture 05); the
        // others continue on it (fixture 05b).
        let mut copies = vec![(
            device.to_string(),
            transferred(device, call_id, own_state.as_str(), call_id),
        )];
        for r in snapshot.recipients() {
            let local = snapshot.party(&r).map_or("Connect", |p| p.state.as_str());
            copies.push((r.clone(), transferred(&r, &new_id, local, &new_id)));
        }
        self.emit_copies(copies);
        let mut copies = vec![(
            device.to_string(),
            cleared_in(
                &snapshot,
                &domain,
                &time,
                device,
                device,
                device,
                "NORMAL_CLEARING",
                call_id,
            ),
        )];
        for r in snapshot.recipients() {
            copies.push((
                r.clone(),
                cleared_in(
                    &snapshot,
                    &domain,
                    &time,
                    &r,
                    device,
                    device,
                    "NORMAL_CLEARING",
                    &new_id,
                ),
            ));
        }
        self.emit_copies(copies);
        self.rename_call(call_id, &new_id);
        self.after_call(device);
        if let Some(ms) = answer_after {
            self.schedule(
                ms,
                Timer::Answer {
                    call: new_id,
                    device: target_device,
                },
            );
        }
        Ok(())
    }

    /// `.../singleStepTransferCallAndWait` ("call parking"): the device holds while the other
    /// party talks to `ivr`; when the IVR hangs up the device is retrieved.
    pub fn single_step_transfer_and_wait(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
        ivr: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if !matches!(party.state, ConnState::Connect | ConnState::Hold) {
            return Err(PbxError::invalid(
                "only a connected or held call can be parked",
            ));
        }
        let state = party.state;
        let number = ivr.trim();
        if !dial::is_digits(number) {
            return Err(PbxError::bad("transferTo must be a number"));
        }
        let domain = session.tenant.clone();
        let ivr_device = format!("{number}@{domain}");
        let hangup_ms = self
            .tenants
            .get(&domain)
            .and_then(|t| t.outside.get(number))
            .and_then(|b| b.hangup_after_ms)
            .unwrap_or(self.config.ivr_ms);
        if state == ConnState::Connect {
            self.hold_party(call_id, device, "NORMAL");
        }
        let time = self.event_time();
        let Some(call) = self.calls.get_mut(call_id) else {
            return Ok(());
        };
        let mut p = Party::new(ivr_device.clone(), true, ConnState::Connect);
        p.added_by = Some(device.to_string());
        p.spy = true;
        p.answer_time = Some(time);
        call.parties.push(p);
        call.wait_return = Some((device.to_string(), ivr_device.clone()));
        self.schedule(
            hangup_ms,
            Timer::Hangup {
                call: call_id.to_string(),
                device: ivr_device,
            },
        );
        Ok(())
    }

    /// `.../singleStepConference` (singleStepConference, forceJoin): `participant` rings and,
    /// once it answers, joins the call (`established`, then `conferenced`).
    pub fn single_step_conference(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
        participant: &str,
        how: Participation,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if party.state != ConnState::Connect {
            return Err(PbxError::invalid(
                "only a connected call can be conferenced",
            ));
        }
        let mut p = self.reachable_party(&session.tenant, participant)?;
        if self
            .calls
            .get(call_id)
            .is_some_and(|c| c.party(&p.device).is_some())
        {
            return Err(PbxError::invalid("the participant is already in the call"));
        }
        p.added_by = Some(device.to_string());
        p.listen_only = how == Participation::Silent;
        self.ring(call_id, p, "NEWCALL", None);
        Ok(())
    }

    /// `POST .../calls/{callId}/spy?deviceId=` (forceListen): the supervisor's extension
    /// rings and, once it answers, listens in.
    pub fn spy(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        listener: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let call = self
            .calls
            .get(call_id)
            .filter(|c| c.tenant == session.tenant)
            .ok_or_else(|| PbxError::UnknownCall(call_id.to_string()))?;
        if call.party(listener).is_some() {
            return Err(PbxError::invalid("the listener is already in the call"));
        }
        let monitored = call
            .parties
            .iter()
            .find(|p| !p.outside)
            .map(|p| p.device.clone())
            .unwrap_or_else(|| call.calling.clone());
        let (number, domain) = split_id(listener).ok_or(PbxError::ExtensionNotInTenant)?;
        if domain != session.tenant || !self.is_extension(listener) {
            return Err(PbxError::ExtensionNotInTenant);
        }
        let mut p = self.reachable_party(domain, number)?;
        p.added_by = Some(monitored);
        p.spy = true;
        p.listen_only = true;
        self.ring(call_id, p, "NEWCALL", None);
        Ok(())
    }

    /// `POST .../calls/{callId}/agentGreeting`: plays the agent's number to the customer.
    pub fn agent_greeting(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let party = self.connection(session, call_id, device)?;
        if party.state != ConnState::Connect {
            return Err(PbxError::invalid("the greeting needs a connected call"));
        }
        Ok(())
    }

    /// `POST .../calls/{callId}/user-data` `{entries}`: merges attached data, either
    /// `[{key, value}, ...]` or an object.
    pub fn set_call_data(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        entries: &Value,
    ) -> PbxResult<()> {
        self.enter(now);
        let call = self
            .calls
            .get_mut(call_id)
            .filter(|c| c.tenant == session.tenant)
            .ok_or_else(|| PbxError::UnknownCall(call_id.to_string()))?;
        match entries {
            Value::Object(map) => {
                for (k, v) in map {
                    call.user_data.insert(k.clone(), v.clone());
                }
            }
            Value::Array(items) => {
                for item in items {
                    let key = item
                        .get("key")
                        .and_then(Value::as_str)
                        .ok_or_else(|| PbxError::bad("every entry needs a string key"))?;
                    let value = item.get("value").cloned().unwrap_or(Value::Null);
                    call.user_data.insert(key.to_string(), value);
                }
            }
            _ => return Err(PbxError::bad("entries must be an array or an object")),
        }
        Ok(())
    }

    /// `GET .../calls/{callId}/user-data/{key}`: all attached data for an empty key, else the
    /// one value.
    pub fn get_call_data(
        &mut self,
        now: Now,
        session: &SessionInfo,
        call_id: &str,
        key: &str,
    ) -> PbxResult<Value> {
        self.enter(now);
        let call = self
            .calls
            .get(call_id)
            .filter(|c| c.tenant == session.tenant)
            .ok_or_else(|| PbxError::UnknownCall(call_id.to_string()))?;
        if key.is_empty() {
            return Ok(Value::Object(call.user_data.clone()));
        }
        call.user_data
            .get(key)
            .cloned()
            .ok_or_else(|| PbxError::NotFound(format!("no user data {key}")))
    }

    /// `POST /api/csta/callControl/recording/{Start|Stop}?extension=`.
    pub fn recording(
        &mut self,
        now: Now,
        session: &SessionInfo,
        start: bool,
        extension: &str,
    ) -> PbxResult<()> {
        self.enter(now);
        let (_, domain) = split_id(extension).ok_or(PbxError::ExtensionNotInTenant)?;
        if domain != session.tenant || !self.is_extension(extension) {
            return Err(PbxError::ExtensionNotInTenant);
        }
        if !self.tenant(domain)?.recording_control {
            return Err(PbxError::RecordingDisabled);
        }
        let call_id = self
            .calls
            .values()
            .find(|c| {
                c.party(extension)
                    .is_some_and(|p| matches!(p.state, ConnState::Connect | ConnState::Hold))
            })
            .map(|c| c.id.clone())
            .ok_or_else(|| PbxError::invalid("the extension has no call to record"))?;
        let recording = self
            .calls
            .get(&call_id)
            .and_then(|c| c.party(extension))
            .and_then(|p| p.recording.clone());
        match (start, recording) {
            (true, Some(_)) => Err(PbxError::invalid("already recording")),
            (false, None) => Err(PbxError::invalid("not recording")),
            (true, None) => {
                self.start_recording(&call_id, extension);
                Ok(())
            }
            (false, Some(record_id)) => {
                if let Some(p) = self
                    .calls
                    .get_mut(&call_id)
                    .and_then(|c| c.party_mut(extension))
                {
                    p.recording = None;
                }
                let time = self.event_time();
                let body = events::record_stopped(
                    Stamp {
                        domain: &session.tenant,
                        time: &time,
                    },
                    extension,
                    &record_id,
                );
                self.emit_to_device(extension, EventKind::Csta, body);
                Ok(())
            }
        }
    }

    fn start_recording(&mut self, call_id: &str, extension: &str) {
        let record_id = self.next_id();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let Some(party) = call.party_mut(extension) else {
            return;
        };
        party.recording = Some(record_id.clone());
        let domain = call.tenant.clone();
        let local = self.now.local;
        let file = format!(
            "/mnt/volumes/recordings//{domain}/{}/{}/{extension}/{}_{call_id}.wav",
            local.format("%Y"),
            local.format("%m%d"),
            local.format("%Y%m%d%H%M%S"),
        );
        let time = self.event_time();
        let body = events::record_started(
            Stamp {
                domain: &domain,
                time: &time,
            },
            extension,
            &record_id,
            call_id,
            &file,
        );
        self.emit_to_device(extension, EventKind::Csta, body);
    }

    /// Tenants that record by default start a recording for every connected extension.
    fn auto_record(&mut self, call_id: &str) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let on = self
            .tenants
            .get(&call.tenant)
            .is_some_and(|t| t.record_by_default);
        if !on {
            return;
        }
        let due: Vec<String> = call
            .parties
            .iter()
            .filter(|p| !p.outside && p.state == ConnState::Connect && p.recording.is_none())
            .map(|p| p.device.clone())
            .collect();
        for device in due {
            self.start_recording(call_id, &device);
        }
    }

    fn stop_recording_silently(&mut self, device: &str, call_id: &str) {
        if let Some(p) = self
            .calls
            .get_mut(call_id)
            .and_then(|c| c.party_mut(device))
        {
            p.recording = None;
        }
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

    // ================================================================ leaving calls

    /// `leaving` (a party's device, or the far end not reached yet) leaves the call.
    pub(crate) fn release(&mut self, call_id: &str, leaving: &str, cause: &str) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let two_party = !call.conferenced
            && call.wait_return.is_none()
            && call.parties.len() + usize::from(call.pending.is_some()) <= 2;
        if two_party {
            let recipients = call.recipients();
            let mut order = vec![leaving.to_string()];
            for p in &call.parties {
                if p.device != leaving {
                    order.push(p.device.clone());
                }
            }
            if let Some(pending) = &call.pending {
                if pending != leaving {
                    order.push(pending.clone());
                }
            }
            let mut copies = Vec::new();
            for released in &order {
                for r in &recipients {
                    copies.push((
                        r.clone(),
                        self.cleared_body(call_id, r, released, leaving, cause, call_id),
                    ));
                }
            }
            self.emit_copies(copies);
            self.end_call(call_id);
            return;
        }
        self.clear_one(call_id, leaving, leaving, cause);
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if let Some((waiting, awaited)) = call.wait_return.clone() {
            if leaving == awaited {
                call.wait_return = None;
                if call.called == awaited {
                    call.called = waiting.clone();
                } else if call.calling == awaited {
                    call.calling = waiting.clone();
                }
                if call
                    .party(&waiting)
                    .is_some_and(|p| p.state == ConnState::Hold)
                {
                    self.retrieve_party(call_id, &waiting);
                }
                return;
            }
            if leaving == waiting {
                call.wait_return = None;
            } else {
                self.clear_all(call_id, leaving, cause);
                return;
            }
        }
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        // The controller leaving ends the conference for everybody (fixture 07a); the last
        // party left alone is cleared too (fixtures 07c, 12).
        if call.controller.as_deref() == Some(leaving) || call.parties.len() <= 1 {
            self.clear_all(call_id, leaving, cause);
        }
    }

    /// Clears one party of a multi-party call: the clearing goes to everyone still in the call,
    /// the party included.
    fn clear_one(&mut self, call_id: &str, released: &str, hangup: &str, cause: &str) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let copies: Vec<_> = call
            .recipients()
            .into_iter()
            .map(|r| {
                let body = self.cleared_body(call_id, &r, released, hangup, cause, call_id);
                (r, body)
            })
            .collect();
        self.emit_copies(copies);
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.remove_party(released);
        if call.parties.is_empty() {
            self.calls.remove(call_id);
        }
        self.after_call(released);
    }

    /// Clears every remaining party in turn, then removes the call.
    fn clear_all(&mut self, call_id: &str, hangup: &str, cause: &str) {
        while let Some(next) = self
            .calls
            .get(call_id)
            .and_then(|c| c.parties.first())
            .map(|p| p.device.clone())
        {
            self.clear_one(call_id, &next, hangup, cause);
        }
        self.calls.remove(call_id);
    }

    fn end_call(&mut self, call_id: &str) {
        let Some(call) = self.calls.remove(call_id) else {
            return;
        };
        for p in call.parties.iter().filter(|p| !p.outside) {
            self.after_call(&p.device);
        }
    }

    /// Gives a call a new id (single-step transfer), timers included.
    fn rename_call(&mut self, old: &str, new: &str) {
        let Some(mut call) = self.calls.remove(old) else {
            return;
        };
        call.id = new.to_string();
        self.calls.insert(new.to_string(), call);
        for s in self.timers.iter_mut() {
            match &mut s.timer {
                Timer::Answer { call, .. }
                | Timer::Hangup { call, .. }
                | Timer::DialExtension { call }
                | Timer::Fail { call, .. }
                    if call == old =>
                {
                    *call = new.to_string();
                }
                _ => {}
            }
        }
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

    fn emit_copies(&mut self, copies: Vec<(String, Map<String, Value>)>) {
        for (recipient, body) in copies {
            self.emit_to_device(&recipient, EventKind::Csta, body);
        }
    }

    /// `callType` of the leg `party` is on.
    fn leg_type(&self, call: &Call, party: &Party) -> String {
        if party.added_by.is_none() {
            if let Some(t) = &call.call_type {
                return t.clone();
            }
        }
        let (calling, called) = call.pair(party);
        if !self.is_extension(&calling) {
            "Inbound".into()
        } else if !self.is_extension(&called) {
            "Outbound".into()
        } else {
            "Internal".into()
        }
    }

    /// `delivered` about `about` ringing, one copy per extension in the call.
    fn delivered_copies(
        &self,
        call_id: &str,
        about: &str,
        cause: &str,
        redirected_by: Option<&str>,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let Some(party) = call.party(about) else {
            return Vec::new();
        };
        let leg = self.leg_type(call, party);
        let (calling, called) = call.pair(party);
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(about, &r);
                let ani = call.seen(&calling, &r);
                let dnis = call.seen(&called, &r);
                let mut m = events::with(
                    events::csta(at, "delivered", &r, call_id, &seen, "Alerting", Some(cause)),
                    &[
                        ("alertingDevice", seen.clone().into()),
                        ("callingDevice", ani.clone().into()),
                        ("calledDevice", dnis.clone().into()),
                    ],
                );
                let primary = party.added_by.is_none();
                if primary && leg == "Inbound" {
                    m.insert("trunkGroup".into(), TRUNK_GROUP.into());
                    m.insert("trunkMember".into(), TRUNK_MEMBER.into());
                }
                let mut data = Map::new();
                match leg.as_str() {
                    "Outbound" => {
                        data.insert("originalDNIS".into(), dnis.clone().into());
                        data.insert("originalANI".into(), ani.clone().into());
                    }
                    "Internal" => {
                        data.insert("originalANI".into(), ani.clone().into());
                        data.insert("originalDNIS".into(), dnis.clone().into());
                    }
                    _ => {
                        if let (true, Some(dnis0)) = (primary, &call.origin_dnis) {
                            data.insert("origin_dnis".into(), dnis0.clone().into());
                        }
                        data.insert("originalANI".into(), ani.clone().into());
                        data.insert("originalDNIS".into(), dnis.clone().into());
                    }
                }
                data.insert("originalCallId".into(), call_id.into());
                for (k, v) in &call.user_data {
                    data.insert(k.clone(), v.clone());
                }
                m.insert("userData".into(), json!({ "data": data }));
                if let (true, Some(split)) = (primary, &call.queue) {
                    m.insert("split".into(), split.clone().into());
                }
                m.insert("callCause".into(), "NEWCALL".into());
                m.insert("callType".into(), leg.clone().into());
                if let Some(by) = redirected_by {
                    m.insert("lastRedirectionDevice".into(), call.seen(by, &r).into());
                }
                (r, m)
            })
            .collect()
    }

    /// `established` about `about` answering, one copy per extension in the call.
    fn established_copies(&self, call_id: &str, about: &str) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let Some(party) = call.party(about) else {
            return Vec::new();
        };
        let (calling, called) = call.pair(party);
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(about, &r);
                let mut m = events::with(
                    events::csta(
                        at,
                        "established",
                        &r,
                        call_id,
                        &seen,
                        "Connect",
                        Some("NEWCALL"),
                    ),
                    &[
                        ("answeringDevice", seen.clone().into()),
                        ("callingDevice", call.seen(&calling, &r).into()),
                        ("calledDevice", call.seen(&called, &r).into()),
                    ],
                );
                if let (true, Some(split)) = (party.via_queue, &call.queue) {
                    m.insert("split".into(), split.clone().into());
                }
                (r, m)
            })
            .collect()
    }

    /// `conferenced`: `added` joined the call through `by`, one copy per extension in the call.
    fn conferenced_copies(
        &self,
        call_id: &str,
        primary_old: &str,
        secondary_old: &str,
        by: &str,
        added: &str,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(added, &r);
                let m = events::with(
                    events::csta(at, "conferenced", &r, call_id, &seen, "Connect", None),
                    &[
                        ("primaryOldCall", primary_old.into()),
                        ("secondaryOldCall", secondary_old.into()),
                        ("conferencingDevice", call.seen(by, &r).into()),
                        ("addedParty", seen.clone().into()),
                        ("newCall", call_id.into()),
                    ],
                );
                (r, m)
            })
            .collect()
    }

    /// `held`/`retrieved` about `about`, one copy per extension in the call.
    fn simple_copies(
        &self,
        call_id: &str,
        name: &str,
        about: &str,
        local: &str,
        cause: &str,
        field: &str,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(about, &r);
                let m = events::with(
                    events::csta(at, name, &r, call_id, &seen, local, Some(cause)),
                    &[(field, seen.clone().into())],
                );
                (r, m)
            })
            .collect()
    }

    /// `connectionCleared` of `released` for recipient `r`, naming the call `shown_id`.
    fn cleared_body(
        &self,
        call_id: &str,
        r: &str,
        released: &str,
        hangup: &str,
        cause: &str,
        shown_id: &str,
    ) -> Map<String, Value> {
        let time = self.event_time();
        match self.calls.get(call_id) {
            Some(call) => cleared_in(
                call,
                &call.tenant,
                &time,
                r,
                released,
                hangup,
                cause,
                shown_id,
            ),
            None => Map::new(),
        }
    }
}

/// `connectionCleared` of `released` for recipient `r` in `call`, naming the call `shown_id`.
#[allow(clippy::too_many_arguments)]
fn cleared_in(
    call: &Call,
    domain: &str,
    time: &str,
    r: &str,
    released: &str,
    hangup: &str,
    cause: &str,
    shown_id: &str,
) -> Map<String, Value> {
    let at = Stamp { domain, time };
    let seen = call.seen(released, r);
    events::with(
        events::csta(
            at,
            "connectionCleared",
            r,
            shown_id,
            &seen,
            "Idle",
            Some(cause),
        ),
        &[
            ("releasingDevice", seen.clone().into()),
            ("hangupDevice", call.seen(hangup, r).into()),
        ],
    )
}
