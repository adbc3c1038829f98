//! `getCallActions(callId)` (DECISIONS.md N1): the call operations valid now, from the call
//! memory alone.

use crate::json::{Map, Value};

use super::memory::{CallMemory, LegState};

/// The operations valid on one call for the own device now.
///
/// Derived only from the call memory: the state of the own leg of the call, and the other
/// calls (a consultation).
///
/// | operation | valid when |
/// |---|---|
/// | `answer` | own leg `delivered` and the own device did not place the call |
/// | `drop` | the own device has a leg in the call (any state) |
/// | `hold` | own leg `connected` |
/// | `retrieve` | own leg `held` |
/// | `consult` | own leg `connected` and no other call |
/// | `conference`, `transfer` | own leg `held` and another call (the consultation) has its own leg `connected` |
/// | `cancelConsult` | own leg `held` and another call has its own leg `originated`, `delivered` or `connected` |
/// | `singleStepTransfer`, `singleStepConference` | own leg `connected` |
/// | `startRecording`, `stopRecording` | own leg `connected` (the memory does not track recording) |
///
/// `consultCallId` is that other call's id whenever the call is held and one exists, so a page
/// can call `conference(holdCallId, consultCallId)`. In a conferenced call an own leg marked
/// `held` counts as connected: 1.3.7 leaves it marked held after a consult-conference (kept
/// quirk, DECISIONS.md §2 row 23) although the conference has connected it. An unknown call, or
/// one without an own leg, allows nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallActions {
    /// `answerCall(callId)`
    pub answer: bool,
    /// `dropConnection(callId)`
    pub drop: bool,
    /// `holdCall(callId)`
    pub hold: bool,
    /// `retrieveCall(callId)`
    pub retrieve: bool,
    /// `consult(callId, number)`
    pub consult: bool,
    /// `conference(callId, consultCallId)`
    pub conference: bool,
    /// `transferCall(callId, consultCallId)`
    pub transfer: bool,
    /// `cancelConsult(callId, consultCallId)`
    pub cancel_consult: bool,
    /// `singleStepTransfer(callId, number)`
    pub single_step_transfer: bool,
    /// `singleStepConference(callId, number)`
    pub single_step_conference: bool,
    /// `startRecording()`
    pub start_recording: bool,
    /// `stopRecording()`
    pub stop_recording: bool,
    /// The consultation call of a held call.
    pub consult_call_id: Option<String>,
}

impl CallActions {
    /// `{"answer":bool, ..., "consultCallId"?: string}` with the page's method names.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new()
            .with("answer", self.answer)
            .with("drop", self.drop)
            .with("hold", self.hold)
            .with("retrieve", self.retrieve)
            .with("consult", self.consult)
            .with("conference", self.conference)
            .with("transfer", self.transfer)
            .with("cancelConsult", self.cancel_consult)
            .with("singleStepTransfer", self.single_step_transfer)
            .with("singleStepConference", self.single_step_conference)
            .with("startRecording", self.start_recording)
            .with("stopRecording", self.stop_recording);
        if let Some(id) = &self.consult_call_id {
            m.insert("consultCallId", id.as_str());
        }
        Value::Object(m)
    }
}

/// The table of [`CallActions`] applied to `call_id`.
pub(super) fn derive(memory: &CallMemory, call_id: &str, own: &str) -> CallActions {
    let Some(call) = memory.call(call_id) else {
        return CallActions::default();
    };
    let Some(me) = call.party(own) else {
        return CallActions::default();
    };
    let state = match me.state() {
        LegState::Held if call.is_conferenced() => LegState::Connected,
        s => s,
    };
    let connected = state == LegState::Connected;
    let held = state == LegState::Held;
    // The consultation: another call whose own leg is not on hold.
    let consultation = memory.calls().filter(|c| c.id() != call_id).find_map(|c| {
        let s = c.party(own)?.state();
        (s != LegState::Held).then_some((c.id(), s))
    });
    let consultation_connected = consultation.is_some_and(|(_, s)| s == LegState::Connected);
    CallActions {
        answer: state == LegState::Delivered && me.is_calling() != Some(true),
        drop: true,
        hold: connected,
        retrieve: held,
        consult: connected && memory.len() == 1,
        conference: held && consultation_connected,
        transfer: held && consultation_connected,
        cancel_consult: held && consultation.is_some(),
        single_step_transfer: connected,
        single_step_conference: connected,
        start_recording: connected,
        stop_recording: connected,
        consult_call_id: consultation.filter(|_| held).map(|(id, _)| id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::Model;
    use super::*;

    /// The names of the valid operations, in `to_json` order.
    fn valid(m: &Model, call: &str) -> Vec<String> {
        let json = m.memory().actions(call, OWN).to_json();
        json.as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| **v == Value::Bool(true))
            .map(|(k, _)| k.to_owned())
            .collect()
    }

    /// What a connected call allows when it is the only call.
    fn connected_alone() -> Vec<String> {
        [
            "drop",
            "hold",
            "consult",
            "singleStepTransfer",
            "singleStepConference",
            "startRecording",
            "stopRecording",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn unknown_call_or_no_own_leg_allows_nothing() {
        let mut m = logged_in();
        assert!(valid(&m, "nope").is_empty());
        run(&mut m, vec![delivered("C1", CUSTOMER, PEER)]);
        assert!(valid(&m, "C1").is_empty());
        assert_eq!(m.memory().actions("C1", OWN), CallActions::default());
    }

    #[test]
    fn ringing_inbound_and_outbound() {
        let mut m = logged_in();
        run(&mut m, vec![delivered("C1", CUSTOMER, OWN)]);
        assert_eq!(valid(&m, "C1"), ["answer", "drop"]);
        let mut m = logged_in();
        run(&mut m, vec![originated("C1", OWN, CUSTOMER)]);
        assert_eq!(valid(&m, "C1"), ["drop"]);
        run(&mut m, vec![delivered("C1", OWN, CUSTOMER)]);
        assert_eq!(valid(&m, "C1"), ["drop"], "the caller cannot answer");
    }

    #[test]
    fn connected_and_held_alone() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
            ],
        );
        assert_eq!(valid(&m, "C1"), connected_alone());
        run(&mut m, vec![on_call("C1", "held")]);
        assert_eq!(valid(&m, "C1"), ["drop", "retrieve"]);
        assert_eq!(m.memory().actions("C1", OWN).consult_call_id, None);
    }

    #[test]
    fn consultation_ringing_then_connected() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                on_call("C1", "held"),
                originated("C2", OWN, PEER),
                delivered("C2", OWN, PEER),
            ],
        );
        assert_eq!(valid(&m, "C1"), ["drop", "retrieve", "cancelConsult"]);
        assert_eq!(
            m.memory().actions("C1", OWN).consult_call_id.as_deref(),
            Some("C2")
        );
        run(&mut m, vec![established("C2", OWN, PEER)]);
        assert_eq!(
            valid(&m, "C1"),
            [
                "drop",
                "retrieve",
                "conference",
                "transfer",
                "cancelConsult"
            ]
        );
        let json = m.memory().actions("C1", OWN).to_json();
        assert_eq!(json.get("consultCallId"), Some(&Value::from("C2")));
        // The consultation itself: connected, but not alone (no consult of a consult).
        let mut expected = connected_alone();
        expected.retain(|s| s != "consult");
        assert_eq!(valid(&m, "C2"), expected);
        assert!(m
            .memory()
            .actions("C2", OWN)
            .to_json()
            .get("consultCallId")
            .is_none());
    }

    #[test]
    fn a_conference_marked_held_counts_as_connected() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                on_call("C1", "held"),
                originated("C2", OWN, PEER),
                established("C2", OWN, PEER),
                event(
                    "conferenced",
                    &[
                        ("callId", "C1"),
                        ("secondaryOldCall", "C2"),
                        ("addedParty", PEER),
                    ],
                ),
            ],
        );
        assert_eq!(m.memory().own_leg_state("C1", OWN), Some(LegState::Held));
        assert_eq!(valid(&m, "C1"), connected_alone());
    }
}
