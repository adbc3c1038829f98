//! The call-control requests of the REST API: answer, drop, hold, retrieve, consult,
//! conference, transfers, single-step conference, spy, greeting, user data and recording.

use serde_json::{Map, Value};

use super::copies::cleared_in;
use super::{Call, Participation, Party};
use crate::pbx::dial;
use crate::pbx::events::{self, Stamp};
use crate::pbx::{
    split_id, ConnState, EventKind, Now, Pbx, PbxError, PbxResult, SessionInfo, Timer,
};

impl Pbx {
    /// The call and the device's connection in it, for a request of `session`.
    pub(super) fn connection(
        &self,
        session: &SessionInfo,
        call_id: &str,
        device: &str,
    ) -> PbxResult<&Party> {
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

    pub(super) fn answer_party(&mut self, call_id: &str, device: &str) {
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
    pub(super) fn arm_hangups(&mut self, call_id: &str) {
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

    pub(super) fn hold_party(&mut self, call_id: &str, device: &str, cause: &str) {
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

    pub(super) fn retrieve_party(&mut self, call_id: &str, device: &str) {
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
    pub(super) fn consultation(
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

    pub(super) fn start_recording(&mut self, call_id: &str, extension: &str) {
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
    pub(super) fn auto_record(&mut self, call_id: &str) {
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

    pub(super) fn stop_recording_silently(&mut self, device: &str, call_id: &str) {
        if let Some(p) = self
            .calls
            .get_mut(call_id)
            .and_then(|c| c.party_mut(device))
        {
            p.recording = None;
        }
    }
}
