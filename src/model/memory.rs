//! The call memory: every call this client knows, keyed by call id (PROTOCOL.md §7.1).
//!
//! Calls are typed ([`Call`] with [`Party`] entries); the JSON object pages read from
//! `getCallMemory()` is produced on demand by [`CallMemory::to_json`], in exactly the shape
//! 1.3.7 kept (the fixtures pin it after every frame). `length` and `deviceCount` are counted
//! from the calls and parties present, never kept as counters (DECISIONS.md §2 row 22), and an
//! entry's `callId` is the id of the call it sits in, so renaming a call renames its entries.

use crate::json::{Map, Value};

use super::actions::{self, CallActions};

/// Connection state of one party, as the call memory records it (`connectionState`).
///
/// ```text
///   originated ─┐                       ┌──── held ◄─┐
///               ├── established ──► connected        │ held (own leg only)
///   delivered ──┘                       └────────────┘
///                                       ◄── retrieved ──
/// ```
///
/// `originated` and `delivered` are where a call starts (the own outbound call, or any call
/// first seen ringing); `established` connects both legs named by the event; `held` and
/// `retrieved` move only the own leg, whoever held (a 1.3.7 quirk pages see and that is kept).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LegState {
    /// The own outbound call was placed (`originated`).
    Originated,
    /// The call rings (`delivered`).
    Delivered,
    /// Answered (`established`, `retrieved`).
    Connected,
    /// On hold (`held`).
    Held,
}

impl LegState {
    /// The `connectionState` text.
    pub fn as_str(self) -> &'static str {
        match self {
            LegState::Originated => "originated",
            LegState::Delivered => "delivered",
            LegState::Connected => "connected",
            LegState::Held => "held",
        }
    }
}

/// How a party's entry was made, which decides its JSON shape.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EntryShape {
    /// Made from an event's calling/called devices: keyed `deviceId`, carries `isCalling`.
    Leg,
    /// Made by conferencing: keyed `device` instead of `deviceId`; `isCalling` only when the
    /// original had one (the consulted side's rebuilt call), none for an added party.
    Conference,
}

/// One party of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub(super) device: String,
    pub(super) state: LegState,
    pub(super) calling_device: String,
    pub(super) called_device: String,
    pub(super) is_calling: Option<bool>,
    pub(super) shape: EntryShape,
    pub(super) add_device: Option<String>,
}

impl Party {
    /// A party of a call between `calling` and `called`.
    pub(super) fn leg(device: &str, state: LegState, calling: &str, called: &str) -> Self {
        Party {
            device: device.to_owned(),
            state,
            calling_device: calling.to_owned(),
            called_device: called.to_owned(),
            is_calling: Some(device == calling),
            shape: EntryShape::Leg,
            add_device: None,
        }
    }

    /// A connected entry made by conferencing.
    pub(super) fn conference(
        device: &str,
        calling: &str,
        called: &str,
        is_calling: Option<bool>,
    ) -> Self {
        Party {
            device: device.to_owned(),
            state: LegState::Connected,
            calling_device: calling.to_owned(),
            called_device: called.to_owned(),
            is_calling,
            shape: EntryShape::Conference,
            add_device: None,
        }
    }

    /// The party's full device id (`8001@test.cc`).
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Its connection state.
    pub fn state(&self) -> LegState {
        self.state
    }

    /// Whether this party placed the call; `None` for a party added by conferencing.
    pub fn is_calling(&self) -> Option<bool> {
        self.is_calling
    }

    /// The calling device this entry recorded.
    pub fn calling_device(&self) -> &str {
        &self.calling_device
    }

    /// The called device this entry recorded.
    pub fn called_device(&self) -> &str {
        &self.called_device
    }

    /// The external party this (own) entry added to a conference, if any.
    pub fn add_device(&self) -> Option<&str> {
        self.add_device.as_deref()
    }

    /// How the entry was made.
    pub fn shape(&self) -> EntryShape {
        self.shape
    }

    /// The device at the other end of this party's leg: the called device when it called,
    /// else the calling device (an entry without `isCalling` counts as not calling, as in 1.3.7).
    pub fn other_device(&self) -> &str {
        if self.is_calling == Some(true) {
            &self.called_device
        } else {
            &self.calling_device
        }
    }

    fn to_json(&self, call_id: &str) -> Value {
        let mut m = Map::new();
        match self.shape {
            EntryShape::Leg => {
                m.insert("deviceId", self.device.as_str());
                m.insert("connectionState", self.state.as_str());
                m.insert("callId", call_id);
                if let Some(c) = self.is_calling {
                    m.insert("isCalling", c);
                }
                m.insert("callingDevice", self.calling_device.as_str());
                m.insert("calledDevice", self.called_device.as_str());
            }
            EntryShape::Conference => {
                m.insert("callId", call_id);
                m.insert("calledDevice", self.called_device.as_str());
                m.insert("callingDevice", self.calling_device.as_str());
                m.insert("connectionState", self.state.as_str());
                m.insert("device", self.device.as_str());
                if let Some(c) = self.is_calling {
                    m.insert("isCalling", c);
                }
            }
        }
        if let Some(add) = &self.add_device {
            m.insert("addDevice", add.as_str());
        }
        Value::Object(m)
    }
}

/// One call: its parties and time ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub(super) id: String,
    pub(super) create_time: Option<i64>,
    pub(super) established_time: Option<i64>,
    pub(super) conferenced: bool,
    pub(super) parties: Vec<Party>,
}

impl Call {
    /// A two-party call between `calling` and `called`, both legs in `state`.
    pub(super) fn between(
        id: &str,
        calling: &str,
        called: &str,
        state: LegState,
        create_time: i64,
    ) -> Self {
        let mut parties = vec![Party::leg(calling, state, calling, called)];
        if called != calling {
            parties.push(Party::leg(called, state, calling, called));
        }
        Call {
            id: id.to_owned(),
            create_time: Some(create_time),
            established_time: None,
            conferenced: false,
            parties,
        }
    }

    /// The call id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `createTimeId`: ms epoch of the call's creation; `None` for a call rebuilt by
    /// conferencing on the consulted side (1.3.7 loses the time ids there).
    pub fn create_time_id(&self) -> Option<i64> {
        self.create_time
    }

    /// `establishedTimeId`: ms epoch of the last `established`, if any.
    pub fn established_time_id(&self) -> Option<i64> {
        self.established_time
    }

    /// Whether the call was conferenced (`isConferenced`).
    pub fn is_conferenced(&self) -> bool {
        self.conferenced
    }

    /// `deviceCount`: the parties present.
    pub fn device_count(&self) -> usize {
        self.parties.len()
    }

    /// The parties, in the order they joined the memory.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// The entry of `device`.
    pub fn party(&self, device: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.device == device)
    }

    pub(super) fn party_mut(&mut self, device: &str) -> Option<&mut Party> {
        self.parties.iter_mut().find(|p| p.device == device)
    }

    /// Adds `party`, replacing an entry of the same device in place.
    pub(super) fn put_party(&mut self, party: Party) {
        match self.parties.iter_mut().find(|p| p.device == party.device) {
            Some(slot) => *slot = party,
            None => self.parties.push(party),
        }
    }

    pub(super) fn remove_party(&mut self, device: &str) {
        self.parties.retain(|p| p.device != device);
    }

    /// The device a UI `connectionCleared` names when this device leaves the call: the other
    /// end of its leg, or the party it added to a conference once that other end is gone.
    pub(super) fn cleared_device_for(&self, own: &str) -> String {
        let Some(me) = self.party(own) else {
            // No own entry (the call was seen but never joined): name any other party.
            return self
                .parties
                .iter()
                .find(|p| p.device != own)
                .map(|p| p.device.clone())
                .unwrap_or_default();
        };
        let other = me.other_device();
        match (&me.add_device, self.party(other)) {
            (Some(add), None) => add.clone(),
            _ => other.to_owned(),
        }
    }

    /// The call's JSON object, as `getCallMemory()[callId]`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("deviceCount", count(self.parties.len()));
        if let Some(t) = self.create_time {
            m.insert("createTimeId", t);
        }
        for p in &self.parties {
            m.insert(p.device.as_str(), p.to_json(&self.id));
        }
        if let Some(t) = self.established_time {
            m.insert("establishedTimeId", t);
        }
        if self.conferenced {
            m.insert("isConferenced", true);
        }
        Value::Object(m)
    }
}

fn count(n: usize) -> Value {
    Value::from(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Every call this client knows, in the order they were first seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallMemory {
    calls: Vec<Call>,
}

impl CallMemory {
    /// An empty memory.
    pub fn new() -> Self {
        CallMemory::default()
    }

    /// Number of calls (`length`), counted from the calls present.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call is known.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The `getCallMemory()` object: `{"length": n, "<callId>": {...}, ...}` (§7.1).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("length", count(self.calls.len()));
        for c in &self.calls {
            m.insert(c.id.as_str(), c.to_json());
        }
        Value::Object(m)
    }

    /// The call id when exactly one call is known (`dropConnection()`'s default).
    pub fn only_call_id(&self) -> Option<&str> {
        match self.calls.as_slice() {
            [only] => Some(&only.id),
            _ => None,
        }
    }

    /// Whether `call_id` is known.
    pub fn contains(&self, call_id: &str) -> bool {
        self.call(call_id).is_some()
    }

    /// The known call ids, oldest first.
    pub fn call_ids(&self) -> impl Iterator<Item = &str> {
        self.calls.iter().map(|c| c.id.as_str())
    }

    /// The known calls, oldest first.
    pub fn calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter()
    }

    /// The call `call_id`.
    pub fn call(&self, call_id: &str) -> Option<&Call> {
        self.calls.iter().find(|c| c.id == call_id)
    }

    /// The state of `own_device`'s leg of `call_id`.
    pub fn own_leg_state(&self, call_id: &str, own_device: &str) -> Option<LegState> {
        self.call(call_id)?.party(own_device).map(Party::state)
    }

    /// Whether `call_id` rings on `own_device` and was not placed by it: the call an
    /// auto-answer would pick up.
    pub fn is_ringing_inbound(&self, call_id: &str, own_device: &str) -> bool {
        self.call(call_id)
            .and_then(|c| c.party(own_device))
            .is_some_and(|p| p.state == LegState::Delivered && p.is_calling != Some(true))
    }

    /// The first call that rings inbound on `own_device`. A `transferred` can rename a ringing
    /// call; an auto-answer timer asks here for the id the call has when it fires.
    pub fn ringing_inbound(&self, own_device: &str) -> Option<&str> {
        self.call_ids()
            .find(|id| self.is_ringing_inbound(id, own_device))
    }

    /// Which operations are valid on `call_id` now for `own_device` (N1, see [`CallActions`]).
    pub fn actions(&self, call_id: &str, own_device: &str) -> CallActions {
        actions::derive(self, call_id, own_device)
    }

    pub(super) fn call_mut(&mut self, call_id: &str) -> Option<&mut Call> {
        self.calls.iter_mut().find(|c| c.id == call_id)
    }

    /// Stores `call`, replacing a call of the same id in place (as assigning a JS key does).
    pub(super) fn put(&mut self, call: Call) {
        match self.call_mut(&call.id) {
            Some(slot) => *slot = call,
            None => self.calls.push(call),
        }
    }

    pub(super) fn remove(&mut self, call_id: &str) -> Option<Call> {
        let pos = self.calls.iter().position(|c| c.id == call_id)?;
        Some(self.calls.remove(pos))
    }

    pub(super) fn clear(&mut self) {
        self.calls.clear();
    }

    /// Renames call `from` to `to` in place (its entries follow, their `callId` being the
    /// call's). A different call already named `to` is dropped: the renamed call is the one the
    /// event speaks of. Returns whether such a call was dropped.
    pub(super) fn rename(&mut self, from: &str, to: &str) -> bool {
        if from == to {
            return false;
        }
        let dropped = self.remove(to).is_some();
        if let Some(call) = self.call_mut(from) {
            call.id = to.to_owned();
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn inbound() -> Call {
        Call::between("C1", "138@x", "8001@x", LegState::Delivered, 5)
    }

    #[test]
    fn json_shape_of_a_ringing_call() {
        let mut m = CallMemory::new();
        m.put(inbound());
        let expected = json::parse(
            r#"{"length":1,"C1":{"deviceCount":2,"createTimeId":5,
            "138@x":{"deviceId":"138@x","connectionState":"delivered","callId":"C1","isCalling":true,"callingDevice":"138@x","calledDevice":"8001@x"},
            "8001@x":{"deviceId":"8001@x","connectionState":"delivered","callId":"C1","isCalling":false,"callingDevice":"138@x","calledDevice":"8001@x"}}}"#,
        )
        .unwrap();
        assert_eq!(m.to_json(), expected);
    }

    #[test]
    fn conference_entries_use_device_and_may_lack_is_calling() {
        let mut c = inbound();
        c.put_party(Party::conference("8002@x", "8001@x", "8002@x", None));
        c.conferenced = true;
        let v = c.to_json();
        let added = v.get("8002@x").unwrap();
        assert_eq!(added.get("device").and_then(Value::as_str), Some("8002@x"));
        assert!(added.get("deviceId").is_none());
        assert!(added.get("isCalling").is_none());
        assert_eq!(v.get("deviceCount").and_then(Value::as_i64), Some(3));
        assert_eq!(v.get("isConferenced"), Some(&Value::Bool(true)));
    }

    #[test]
    fn length_and_device_count_are_counted() {
        let mut m = CallMemory::new();
        m.put(inbound());
        m.put(inbound());
        assert_eq!(m.len(), 1, "storing a call again replaces it");
        m.call_mut("C1").unwrap().remove_party("138@x");
        assert_eq!(m.call("C1").unwrap().device_count(), 1);
        assert_eq!(m.only_call_id(), Some("C1"));
        m.put(Call::between(
            "C2",
            "8001@x",
            "8002@x",
            LegState::Originated,
            6,
        ));
        assert_eq!(m.only_call_id(), None);
        assert_eq!(m.call_ids().collect::<Vec<_>>(), ["C1", "C2"]);
    }

    #[test]
    fn rename_moves_entries_and_drops_a_call_already_named_so() {
        let mut m = CallMemory::new();
        m.put(inbound());
        m.put(Call::between(
            "C2",
            "8001@x",
            "8002@x",
            LegState::Connected,
            6,
        ));
        assert!(m.rename("C1", "C2"));
        assert_eq!(m.len(), 1);
        let v = m.to_json();
        let entry = v.get("C2").and_then(|c| c.get("8001@x")).unwrap();
        assert_eq!(entry.get("callId").and_then(Value::as_str), Some("C2"));
        assert_eq!(
            entry.get("connectionState").and_then(Value::as_str),
            Some("delivered"),
            "the renamed call wins"
        );
        assert!(!m.rename("C2", "C2"));
        assert!(!m.rename("nope", "C3"));
        assert_eq!(m.call_ids().collect::<Vec<_>>(), ["C2"]);
    }

    #[test]
    fn ringing_inbound_needs_an_own_delivered_leg_not_calling() {
        let mut m = CallMemory::new();
        m.put(inbound());
        assert!(m.is_ringing_inbound("C1", "8001@x"));
        assert!(
            !m.is_ringing_inbound("C1", "138@x"),
            "the caller does not ring"
        );
        assert_eq!(m.ringing_inbound("8001@x"), Some("C1"));
        m.call_mut("C1").unwrap().party_mut("8001@x").unwrap().state = LegState::Connected;
        assert_eq!(m.ringing_inbound("8001@x"), None);
        assert_eq!(m.own_leg_state("C1", "8001@x"), Some(LegState::Connected));
        assert_eq!(m.own_leg_state("C1", "9@x"), None);
    }

    #[test]
    fn cleared_device_prefers_the_added_party_once_the_peer_left() {
        let mut c = inbound();
        assert_eq!(c.cleared_device_for("8001@x"), "138@x");
        if let Some(me) = c.party_mut("8001@x") {
            me.add_device = Some("139@x".into());
        }
        assert_eq!(c.cleared_device_for("8001@x"), "138@x");
        c.remove_party("138@x");
        assert_eq!(c.cleared_device_for("8001@x"), "139@x");
        assert_eq!(inbound().cleared_device_for("9@x"), "138@x");
    }
}
