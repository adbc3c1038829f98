//! Call events → call memory, UI events and the innerOn `connectionCleared` (PROTOCOL.md §7.4,
//! with DECISIONS.md §2 rows 22–24: keyed by call id, never throws, peers leave conferences).
//!
//! Every handler reads the fields it needs and does nothing (at most a `Log` effect) when one
//! is missing or of the wrong type, when the call is unknown, or when the own device has no
//! entry where 1.3.7 needed one.

use crate::json::{self, Map, ObjectText, Value};
use crate::time::parse_event_time;

use super::devices::{device_number, is_external_device};
use super::memory::{Call, CallMemory, LegState, Party};
use super::{log, ui, Effect, EventContext};

/// Applies the call event `name`, whose fields are `event`; other names change nothing.
/// `data` is the event's text as dispatched, for the innerOn summary (`None`: left out).
pub(super) fn apply(
    memory: &mut CallMemory,
    name: &str,
    event: &ObjectText,
    data: Option<&str>,
    ctx: &EventContext,
    out: &mut Vec<Effect>,
) {
    match name {
        "originated" => originated(memory, event, ctx, out),
        "delivered" => delivered(memory, event, ctx, out),
        "established" => established(memory, event, ctx, out),
        "held" => hold(memory, event, ctx.own_device, LegState::Held, out),
        "retrieved" => hold(memory, event, ctx.own_device, LegState::Connected, out),
        "transferred" => transferred(memory, event, ctx.own_device, out),
        "conferenced" => conferenced(memory, event, ctx.own_device, out),
        "connectionCleared" => cleared(memory, event, data, ctx.own_device, out),
        _ => {}
    }
}

/// The call and the two devices an `originated`, `delivered` or `established` names.
struct Leg<'a> {
    call_id: &'a str,
    calling: &'a str,
    called: &'a str,
}

impl<'a> Leg<'a> {
    fn read(event: &'a ObjectText, name: &str, out: &mut Vec<Effect>) -> Option<Self> {
        let fields = (
            event.str("callId"),
            event.str("callingDevice"),
            event.str("calledDevice"),
        );
        if let (Some(call_id), Some(calling), Some(called)) = fields {
            return Some(Leg {
                call_id,
                calling,
                called,
            });
        }
        log(
            out,
            true,
            &[
                name,
                ": callId, callingDevice or calledDevice missing, ignored",
            ],
        );
        None
    }

    /// The other party from `own`'s point of view: the called device when `own` called.
    fn other(&self, own: &str) -> &'a str {
        if self.calling == own {
            self.called
        } else {
            self.calling
        }
    }
}

/// `createTimeId`/`establishedTimeId`: the event's own value when it is a non-zero integer,
/// else its `eventTime` read in the client's time zone, else now (§7.2).
fn time_id(event: &ObjectText, field: &str, ctx: &EventContext) -> i64 {
    // An integer is truthy when it is not 0.
    match event.int(field).filter(|t| *t != 0) {
        Some(t) => t,
        None => time_or_now(event.str("eventTime"), ctx),
    }
}

/// A platform time (`YYYY.MM.DD HH:mm:ss`) as epoch ms, or now when absent or unreadable.
pub(super) fn time_or_now(time: Option<&str>, ctx: &EventContext) -> i64 {
    time.and_then(|t| parse_event_time(t, ctx.now.utc_offset_min))
        .unwrap_or(ctx.now.epoch_ms)
}

/// UI `originated`/`delivered` without `autoAnswer`, and `established` without `isCalling`.
fn ui_call(name: &str, call_id: &str, other: &str, is_calling: Option<bool>) -> Map {
    let m = ui(name)
        .with("deviceId", other)
        .with("device", device_number(other))
        .with("callId", call_id);
    match is_calling {
        Some(c) => m.with("isCalling", c),
        None => m,
    }
}

pub(super) fn ui_originated(call_id: &str, other: &str, is_calling: bool) -> Map {
    ui_call("originated", call_id, other, Some(is_calling))
}

pub(super) fn ui_delivered(call_id: &str, other: &str, is_calling: bool, auto_answer: bool) -> Map {
    ui_call("delivered", call_id, other, Some(is_calling)).with("autoAnswer", auto_answer)
}

pub(super) fn ui_established(call_id: &str, other: &str) -> Map {
    ui_call("established", call_id, other, None)
}

/// UI `held`/`retrieved`.
pub(super) fn ui_hold(name: &str, other: &str) -> Map {
    ui(name)
        .with("device", device_number(other))
        .with("deviceId", other)
}

pub(super) fn ui_cleared(device: &str, clear_all: bool) -> Map {
    ui("connectionCleared")
        .with("deviceId", device)
        .with("isClearAll", clear_all)
}

fn unknown_call(out: &mut Vec<Effect>, name: &str, call_id: &str) {
    log(
        out,
        true,
        &[
            name,
            ": callMemory has not this callId ",
            call_id,
            ", ignored",
        ],
    );
}

fn not_in_call(out: &mut Vec<Effect>, name: &str, call_id: &str) {
    log(
        out,
        true,
        &[name, ": own device is not in call ", call_id, ", ignored"],
    );
}

/// The own outbound call was placed: (re)create the call with both legs `originated`.
fn originated(
    memory: &mut CallMemory,
    event: &ObjectText,
    ctx: &EventContext,
    out: &mut Vec<Effect>,
) {
    let Some(leg) = Leg::read(event, "originated", out) else {
        return;
    };
    let created = time_id(event, "createTimeId", ctx);
    memory.put(Call::between(
        leg.call_id,
        leg.calling,
        leg.called,
        LegState::Originated,
        created,
    ));
    let own = ctx.own_device;
    out.push(Effect::Ui(ui_originated(
        leg.call_id,
        leg.other(own),
        leg.calling == own,
    )));
}

/// A call rings: create it unless known (an `originated` call keeps its state).
fn delivered(
    memory: &mut CallMemory,
    event: &ObjectText,
    ctx: &EventContext,
    out: &mut Vec<Effect>,
) {
    let Some(leg) = Leg::read(event, "delivered", out) else {
        return;
    };
    if !memory.contains(leg.call_id) {
        let created = time_id(event, "createTimeId", ctx);
        memory.put(Call::between(
            leg.call_id,
            leg.calling,
            leg.called,
            LegState::Delivered,
            created,
        ));
    }
    let own = ctx.own_device;
    out.push(Effect::Ui(ui_delivered(
        leg.call_id,
        leg.other(own),
        leg.calling == own,
        ctx.auto_answer,
    )));
    let alerting = event.str("alertingDevice").unwrap_or(leg.called);
    let rings_here = !own.is_empty() && alerting == own && leg.calling != own;
    if rings_here
        && memory
            .own_leg_state(leg.call_id, own)
            .is_none_or(|s| s == LegState::Delivered)
    {
        out.push(Effect::Ringing {
            call_id: leg.call_id.to_owned(),
        });
    }
}

/// A leg was answered: both named parties connect. When one of them is not in the call (the
/// party a single-step conference is adding) only the UI hears of it.
fn established(
    memory: &mut CallMemory,
    event: &ObjectText,
    ctx: &EventContext,
    out: &mut Vec<Effect>,
) {
    let Some(leg) = Leg::read(event, "established", out) else {
        return;
    };
    let Some(call) = memory.call_mut(leg.call_id) else {
        unknown_call(out, "established", leg.call_id);
        return;
    };
    if call.party(leg.calling).is_some() && call.party(leg.called).is_some() {
        for device in [leg.calling, leg.called] {
            if let Some(p) = call.party_mut(device) {
                p.state = LegState::Connected;
            }
        }
        call.established_time = Some(time_id(event, "establishedTimeId", ctx));
    }
    out.push(Effect::Ui(ui_established(
        leg.call_id,
        leg.other(ctx.own_device),
    )));
}

/// `held` / `retrieved`: the own leg moves to `state`, whoever held (kept 1.3.7 quirk).
fn hold(
    memory: &mut CallMemory,
    event: &ObjectText,
    own: &str,
    state: LegState,
    out: &mut Vec<Effect>,
) {
    let name = if state == LegState::Held {
        "held"
    } else {
        "retrieved"
    };
    let call_id = event.str("callId").unwrap_or_default();
    let Some(call) = memory.call_mut(call_id) else {
        unknown_call(out, name, call_id);
        return;
    };
    let Some(me) = call.party_mut(own) else {
        not_in_call(out, name, call_id);
        return;
    };
    me.state = state;
    out.push(Effect::Ui(ui_hold(name, me.other_device())));
}

/// The own device received a transferred call: the call `secondaryOldCall` is now `newCall`.
/// The transferring side (another `transferredToDevice`) ignores it.
fn transferred(memory: &mut CallMemory, event: &ObjectText, own: &str, out: &mut Vec<Effect>) {
    if own.is_empty() || event.str("transferredToDevice") != Some(own) {
        return;
    }
    let Some(old) = event.str("secondaryOldCall").filter(|o| memory.contains(o)) else {
        return;
    };
    let Some(new) = event.str("newCall") else {
        log(out, true, &["transferred: newCall missing for call ", old]);
        return;
    };
    if memory.rename(old, new) {
        log(
            out,
            false,
            &[
                "transferred: call ",
                old,
                " replaces the call already named ",
                new,
            ],
        );
    }
    out.push(Effect::Ui(
        ui("transferred")
            .with("newCall", new)
            .with("secondaryOldCall", old),
    ));
}

/// Calls merged into a conference (`callId`, `secondaryOldCall`):
///
/// * consulted side (only the old call is known): the old call is rebuilt under `callId`
///   with `device`-keyed entries and no time ids;
/// * conferencing side (both known): the own peer of the old call joins `callId` as an added
///   party, the old call goes;
/// * one call (the old id is the call's own or unknown, fixture 12): `addedParty` joins it.
///
/// The call is then `isConferenced` and the UI hears `conferenced`.
fn conferenced(memory: &mut CallMemory, event: &ObjectText, own: &str, out: &mut Vec<Effect>) {
    let Some(call_id) = event.str("callId") else {
        return log(out, true, &["conferenced: callId missing, ignored"]);
    };
    let old = event
        .str("secondaryOldCall")
        .filter(|o| *o != call_id && memory.contains(o));
    let merged = match (memory.contains(call_id), old) {
        (false, Some(old)) => rebuild_consulted(memory, call_id, old, own, out),
        (true, Some(old)) => merge_consultation(memory, call_id, old, own, out),
        (true, None) => {
            add_party(memory, event, call_id, own);
            true
        }
        (false, None) => {
            unknown_call(out, "conferenced", call_id);
            false
        }
    };
    if !merged {
        return;
    }
    if let Some(call) = memory.call_mut(call_id) {
        call.conferenced = true;
    }
    out.push(Effect::Ui(ui("conferenced").with("callId", call_id)));
}

fn rebuild_consulted(
    memory: &mut CallMemory,
    call_id: &str,
    old: &str,
    own: &str,
    out: &mut Vec<Effect>,
) -> bool {
    let Some(me) = memory.call(old).and_then(|c| c.party(own)) else {
        not_in_call(out, "conferenced", old);
        return false;
    };
    let calling = me.calling_device.clone();
    let called = me.called_device.clone();
    let mut parties = vec![Party::conference(&calling, &calling, &called, Some(true))];
    if called != calling {
        parties.push(Party::conference(&called, &calling, &called, Some(false)));
    }
    memory.remove(old);
    memory.put(Call {
        id: call_id.to_owned(),
        create_time: None,
        established_time: None,
        conferenced: true,
        parties,
    });
    true
}

fn merge_consultation(
    memory: &mut CallMemory,
    call_id: &str,
    old: &str,
    own: &str,
    out: &mut Vec<Effect>,
) -> bool {
    let Some(old_call) = memory.call(old) else {
        return false;
    };
    let Some(me) = old_call.party(own) else {
        not_in_call(out, "conferenced", old);
        return false;
    };
    let added = me.other_device().to_owned();
    // Every entry of a call records the same calling/called pair; prefer the added party's.
    let recorded = old_call.party(&added).unwrap_or(me);
    let party = Party::conference(
        &added,
        &recorded.calling_device,
        &recorded.called_device,
        None,
    );
    memory.remove(old);
    let Some(call) = memory.call_mut(call_id) else {
        return false;
    };
    call.put_party(party);
    if is_external_device(&added) {
        match call.party_mut(own) {
            Some(me) => me.add_device = Some(added),
            None => not_in_call(out, "conferenced", call_id),
        }
    }
    true
}

fn add_party(memory: &mut CallMemory, event: &ObjectText, call_id: &str, own: &str) {
    let Some(call) = memory.call_mut(call_id) else {
        return;
    };
    let Some(added) = event.str("addedParty").filter(|a| call.party(a).is_none()) else {
        return;
    };
    let conferencing = event.str("conferencingDevice").unwrap_or_default();
    call.put_party(Party::conference(added, conferencing, added, None));
    if is_external_device(added) {
        if let Some(me) = call.party_mut(own) {
            me.add_device = Some(added.to_owned());
        }
    }
}

/// A party left a call. In a conference another party's clearing removes just that party;
/// otherwise only the own clearing counts: the call goes, the UI hears `connectionCleared`
/// and innerOn gets the call's summary (§4.5).
fn cleared(
    memory: &mut CallMemory,
    event: &ObjectText,
    data: Option<&str>,
    own: &str,
    out: &mut Vec<Effect>,
) {
    let (Some(call_id), Some(releasing)) = (event.str("callId"), event.str("releasingDevice"))
    else {
        return;
    };
    let Some(call) = memory.call(call_id) else {
        // Normal: the other party's clearing after the own one.
        return;
    };
    if releasing != own {
        if call.conferenced && call.party(releasing).is_some() {
            if let Some(call) = memory.call_mut(call_id) {
                call.remove_party(releasing);
            }
            out.push(Effect::Ui(ui_cleared(releasing, false)));
        }
        return;
    }
    let Some(me) = call.party(own) else {
        if call.conferenced {
            out.push(Effect::Ui(ui("cancelConferenced")));
        } else {
            not_in_call(out, "connectionCleared", call_id);
        }
        return;
    };
    let summary = cleared_summary(call, me, data);
    let device = call.cleared_device_for(own);
    memory.remove(call_id);
    out.push(Effect::Ui(ui_cleared(&device, memory.is_empty())));
    out.push(Effect::Inner(summary));
}

/// The innerOn `connectionCleared` payload of the own clearing of `call`; `data` is the
/// event as dispatched, which it carries as `data` (left out when `None`).
fn cleared_summary(call: &Call, me: &Party, data: Option<&str>) -> Map {
    let none = || Value::from("");
    let (party_device, is_caller, is_out_call) = if call.conferenced {
        // 1.3.7's three-party values, kept for every conference (DECISIONS.md row 22-24).
        (none(), none(), true)
    } else {
        match call.device_count() {
            2 => {
                let added_present = me.add_device().is_some_and(|a| call.party(a).is_some());
                (
                    Value::from(me.other_device()),
                    Value::Bool(me.is_calling() == Some(true)),
                    added_present
                        || is_external_device(me.called_device())
                        || is_external_device(me.calling_device()),
                )
            }
            3 => (none(), none(), true),
            _ => (none(), none(), false),
        }
    };
    let mut m = ui("connectionCleared").with("isEstatblished", me.state() == LegState::Connected);
    if let Some(t) = call.create_time_id() {
        m = m.with("createTimeId", t);
    }
    let m = m
        .with(
            "establishedTimeId",
            call.established_time_id().map_or_else(none, Value::from),
        )
        .with("partyDevice", party_device)
        .with("isCaller", is_caller)
        .with("isOutCall", is_out_call);
    match data {
        Some(json) => m.with("data", json::parse(json).unwrap_or_default()),
        None => m,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{EntryShape, Model};
    use super::{Effect, LegState, Map, Value};

    fn state(m: &Model, call: &str, device: &str) -> Option<LegState> {
        m.memory().own_leg_state(call, device)
    }

    #[test]
    fn inbound_call_lifecycle() {
        let mut m = logged_in();
        let out = run(&mut m, vec![delivered("C1", CUSTOMER, OWN)]);
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"delivered","deviceId":"13800000000@test.cc","device":"13800000000","callId":"C1","isCalling":false,"autoAnswer":true}"#
            ]
        );
        assert!(out.contains(&Effect::Ringing {
            call_id: "C1".into()
        }));
        let call = m.memory().call("C1").unwrap();
        assert_eq!(call.create_time_id(), Some(1_557_367_200_000));

        let out = run(&mut m, vec![established("C1", CUSTOMER, OWN)]);
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"established","deviceId":"13800000000@test.cc","device":"13800000000","callId":"C1"}"#
            ]
        );
        assert_eq!(state(&m, "C1", OWN), Some(LegState::Connected));
        assert_eq!(state(&m, "C1", CUSTOMER), Some(LegState::Connected));
        assert_eq!(
            m.memory().call("C1").unwrap().established_time_id(),
            Some(1_557_367_203_000)
        );

        let out = run(&mut m, vec![cleared("C1", OWN)]);
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"connectionCleared","deviceId":"13800000000@test.cc","isClearAll":true}"#
            ]
        );
        let inner = inners(&out);
        let summary = inner.first().unwrap();
        assert_eq!(summary.get("isEstatblished"), Some(&Value::Bool(true)));
        assert_eq!(summary.get("partyDevice"), Some(&Value::from(CUSTOMER)));
        assert_eq!(summary.get("isCaller"), Some(&Value::Bool(false)));
        assert_eq!(summary.get("isOutCall"), Some(&Value::Bool(true)));
        assert_eq!(
            summary.get("data").and_then(Value::as_object),
            Some(&cleared("C1", OWN))
        );
        assert!(m.memory().is_empty());
        // The other party's clearing afterwards is a quiet no-op.
        let out = run(&mut m, vec![cleared("C1", CUSTOMER)]);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn the_caller_and_other_devices_do_not_ring() {
        let mut m = logged_in();
        let out = run(&mut m, vec![delivered("C1", OWN, CUSTOMER)]);
        assert!(!out.iter().any(|e| matches!(e, Effect::Ringing { .. })));
        let out = run(&mut m, vec![delivered("C2", PEER, "8003@test.cc")]);
        assert!(!out.iter().any(|e| matches!(e, Effect::Ringing { .. })));
        // Already answered: a repeated delivered does not ring again.
        let out = run(
            &mut m,
            vec![
                delivered("C3", CUSTOMER, OWN),
                established("C3", CUSTOMER, OWN),
                delivered("C3", CUSTOMER, OWN),
            ],
        );
        assert!(!out.iter().any(|e| matches!(e, Effect::Ringing { .. })));
    }

    #[test]
    fn delivered_keeps_an_originated_call_and_time_ids_prefer_the_events_own() {
        let mut m = logged_in();
        let mut orig = originated("C1", OWN, CUSTOMER);
        orig.insert("createTimeId", 42_i64);
        run(&mut m, vec![orig, delivered("C1", OWN, CUSTOMER)]);
        let call = m.memory().call("C1").unwrap();
        assert_eq!(call.create_time_id(), Some(42));
        assert_eq!(state(&m, "C1", OWN), Some(LegState::Originated));
        // No eventTime at all: now.
        let mut d = delivered("C2", CUSTOMER, OWN);
        d.remove("eventTime");
        run(&mut m, vec![d]);
        assert_eq!(
            m.memory().call("C2").unwrap().create_time_id(),
            Some(ctx().now.epoch_ms)
        );
    }

    #[test]
    fn a_repeated_originated_replaces_the_call_without_inflating_length() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                originated("C1", OWN, CUSTOMER),
                originated("C1", OWN, CUSTOMER),
            ],
        );
        assert_eq!(m.memory().len(), 1);
    }

    #[test]
    fn reordering_within_a_call_never_resurrects_or_breaks_it() {
        let mut m = logged_in();
        // established before delivered: unknown call, nothing happens.
        let out = run(&mut m, vec![established("C1", CUSTOMER, OWN)]);
        assert!(has_log(&out) && uis(&out).is_empty());
        assert!(m.memory().is_empty());
        // held and retrieved before the call exists: same.
        for name in ["held", "retrieved"] {
            let out = run(&mut m, vec![on_call("C1", name)]);
            assert!(has_log(&out) && uis(&out).is_empty());
        }
        // The other party's clearing before the own one: ignored, the call stays.
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                cleared("C1", CUSTOMER),
            ],
        );
        assert_eq!(state(&m, "C1", OWN), Some(LegState::Connected));
        // retrieved before held leaves the leg held: last event wins.
        run(
            &mut m,
            vec![on_call("C1", "retrieved"), on_call("C1", "held")],
        );
        assert_eq!(state(&m, "C1", OWN), Some(LegState::Held));
        // Own clearing, then late events of the call: no-ops.
        run(&mut m, vec![cleared("C1", OWN)]);
        for late in [
            established("C1", CUSTOMER, OWN),
            on_call("C1", "held"),
            cleared("C1", OWN),
        ] {
            run(&mut m, vec![late]);
            assert!(m.memory().is_empty());
        }
    }

    #[test]
    fn events_of_calls_the_own_device_is_not_in_are_no_ops() {
        let mut m = logged_in();
        run(&mut m, vec![delivered("C1", CUSTOMER, "8003@test.cc")]);
        let before = m.memory().clone();
        for e in [
            on_call("C1", "held"),
            on_call("C1", "retrieved"),
            cleared("C1", OWN),
        ] {
            let out = run(&mut m, vec![e]);
            assert!(has_log(&out), "logged");
            assert!(uis(&out).is_empty());
            assert_eq!(m.memory(), &before);
        }
        // Clearings of other devices in a two-party call change nothing either.
        let out = run(&mut m, vec![cleared("C1", CUSTOMER)]);
        assert_eq!(out.len(), 1);
        assert_eq!(m.memory(), &before);
    }

    #[test]
    fn hold_marks_the_own_leg_whoever_held() {
        let mut m = logged_in();
        let mut held = on_call("C1", "held");
        held.insert("holdingDevice", CUSTOMER);
        let out = run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                held,
            ],
        );
        assert_eq!(
            uis(&out),
            [r#"{"eventName":"held","device":"13800000000","deviceId":"13800000000@test.cc"}"#]
        );
        assert_eq!(state(&m, "C1", OWN), Some(LegState::Held));
        assert_eq!(state(&m, "C1", CUSTOMER), Some(LegState::Connected));
        // Cleared while held: isEstatblished false.
        let out = run(&mut m, vec![cleared("C1", OWN)]);
        let summary = inners(&out).into_iter().next().unwrap();
        assert_eq!(summary.get("isEstatblished"), Some(&Value::Bool(false)));
    }

    fn transferred_to(own: &str, old: &str, new: &str) -> Map {
        event(
            "transferred",
            &[
                ("callId", new),
                ("primaryOldCall", old),
                ("secondaryOldCall", old),
                ("transferredToDevice", own),
                ("newCall", new),
            ],
        )
    }

    #[test]
    fn transferred_renames_the_call_and_its_entries() {
        let mut m = logged_in();
        let out = run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                transferred_to(OWN, "C1", "C2"),
            ],
        );
        assert_eq!(
            uis(&out),
            [r#"{"eventName":"transferred","newCall":"C2","secondaryOldCall":"C1"}"#]
        );
        assert!(!m.memory().contains("C1"));
        let json = m.memory().to_json();
        let entry = json.get("C2").and_then(|c| c.get(OWN)).unwrap();
        assert_eq!(entry.get("callId"), Some(&Value::from("C2")));
        assert_eq!(m.memory().ringing_inbound(OWN), Some("C2"));
        // For another device, or for an unknown old call: ignored.
        for e in [
            transferred_to(PEER, "C2", "C3"),
            transferred_to(OWN, "C9", "C3"),
        ] {
            let out = run(&mut m, vec![e]);
            assert_eq!(out.len(), 1);
            assert!(m.memory().contains("C2"));
        }
    }

    #[test]
    fn transferred_onto_an_existing_call_keeps_the_renamed_one() {
        let mut m = logged_in();
        let out = run(
            &mut m,
            vec![
                delivered("NEW", PEER, OWN),
                established("NEW", PEER, OWN),
                delivered("OLD", CUSTOMER, OWN),
                transferred_to(OWN, "OLD", "NEW"),
            ],
        );
        assert!(has_log(&out));
        assert_eq!(m.memory().len(), 1);
        let call = m.memory().call("NEW").unwrap();
        assert!(call.party(CUSTOMER).is_some(), "the renamed call's parties");
        assert_eq!(state(&m, "NEW", OWN), Some(LegState::Delivered));
    }

    fn conferenced_event(call: &str, old: &str, added: &str) -> Map {
        event(
            "conferenced",
            &[
                ("callId", call),
                ("primaryOldCall", call),
                ("secondaryOldCall", old),
                ("conferencingDevice", OWN),
                ("addedParty", added),
                ("newCall", call),
            ],
        )
    }

    fn consulting(m: &mut Model) {
        run(
            m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                on_call("C1", "held"),
                originated("C2", OWN, PEER),
                delivered("C2", OWN, PEER),
                established("C2", OWN, PEER),
            ],
        );
    }

    #[test]
    fn conferencing_side_merges_the_consultation() {
        let mut m = logged_in();
        consulting(&mut m);
        let out = run(&mut m, vec![conferenced_event("C1", "C2", PEER)]);
        assert_eq!(uis(&out), [r#"{"eventName":"conferenced","callId":"C1"}"#]);
        let call = m.memory().call("C1").unwrap();
        assert!(call.is_conferenced());
        assert_eq!(call.device_count(), 3);
        let added = call.party(PEER).unwrap();
        assert_eq!(added.is_calling(), None);
        assert_eq!(added.shape(), EntryShape::Conference);
        assert!(
            call.party(OWN).unwrap().add_device().is_none(),
            "8002 is internal"
        );
        assert_eq!(m.memory().len(), 1);

        // The peer leaves: removed, UI told; then the own clearing.
        let out = run(&mut m, vec![cleared("C1", PEER)]);
        assert_eq!(
            uis(&out),
            [r#"{"eventName":"connectionCleared","deviceId":"8002@test.cc","isClearAll":false}"#]
        );
        assert_eq!(m.memory().call("C1").unwrap().device_count(), 2);
        let out = run(&mut m, vec![cleared("C1", OWN)]);
        let summary = inners(&out).into_iter().next().unwrap();
        assert_eq!(summary.get("partyDevice"), Some(&Value::from("")));
        assert_eq!(summary.get("isCaller"), Some(&Value::from("")));
        assert_eq!(summary.get("isOutCall"), Some(&Value::Bool(true)));
    }

    #[test]
    fn conferencing_an_external_party_records_add_device() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", PEER, OWN),
                established("C1", PEER, OWN),
                on_call("C1", "held"),
                originated("C2", OWN, "913900000000@test.cc"),
                established("C2", OWN, "913900000000@test.cc"),
                conferenced_event("C1", "C2", "913900000000@test.cc"),
                cleared("C1", PEER),
            ],
        );
        let me = m.memory().call("C1").unwrap().party(OWN).unwrap().clone();
        assert_eq!(me.add_device(), Some("913900000000@test.cc"));
        // The own peer (8002) is gone: the UI names the added party.
        let out = run(&mut m, vec![cleared("C1", OWN)]);
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"connectionCleared","deviceId":"913900000000@test.cc","isClearAll":true}"#
            ]
        );
    }

    #[test]
    fn consulted_side_rebuilds_the_call_without_time_ids() {
        // This device (8001) was consulted by 8002 on C2; 8002 conferences C1 (with the
        // customer) and C2.
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C2", PEER, OWN),
                established("C2", PEER, OWN),
                conferenced_event("C1", "C2", OWN),
            ],
        );
        assert!(!m.memory().contains("C2"));
        let json = m.memory().to_json();
        let call = json.get("C1").unwrap();
        assert!(call.get("createTimeId").is_none());
        assert_eq!(call.get("isConferenced"), Some(&Value::Bool(true)));
        let entry = call.get(OWN).unwrap();
        assert_eq!(entry.get("device"), Some(&Value::from(OWN)));
        assert_eq!(entry.get("isCalling"), Some(&Value::Bool(false)));
        // Own clearing of a call without time ids: no createTimeId in the summary.
        let out = run(&mut m, vec![cleared("C1", OWN)]);
        let summary = inners(&out).into_iter().next().unwrap();
        assert!(summary.get("createTimeId").is_none());
        assert_eq!(summary.get("establishedTimeId"), Some(&Value::from("")));
    }

    #[test]
    fn single_call_conference_adds_the_party_once() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                delivered("C1", OWN, PEER),
                established("C1", OWN, PEER),
            ],
        );
        assert_eq!(m.memory().call("C1").unwrap().device_count(), 2);
        let mut doc = conferenced_event("C1", "C1", PEER);
        doc.insert("primaryOldCall", "0");
        run(&mut m, vec![doc.clone(), doc]);
        let call = m.memory().call("C1").unwrap();
        assert_eq!(call.device_count(), 3);
        assert_eq!(call.party(PEER).unwrap().calling_device(), OWN);
        // The customer leaves, then the peer.
        for (who, left) in [(CUSTOMER, 2), (PEER, 1)] {
            let out = run(&mut m, vec![cleared("C1", who)]);
            assert_eq!(uis(&out).len(), 1);
            assert_eq!(m.memory().call("C1").unwrap().device_count(), left);
        }
        let out = run(&mut m, vec![cleared("C1", OWN)]);
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"connectionCleared","deviceId":"13800000000@test.cc","isClearAll":true}"#
            ]
        );
    }

    #[test]
    fn conference_without_own_entry_cancels_it_on_own_clearing() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, PEER),
                conferenced_event("C1", "C1", "8003@test.cc"),
            ],
        );
        let out = run(&mut m, vec![cleared("C1", OWN)]);
        assert_eq!(uis(&out), [r#"{"eventName":"cancelConferenced"}"#]);
        assert!(m.memory().contains("C1"));
    }

    #[test]
    fn conferenced_with_unknown_calls_changes_nothing() {
        let mut m = logged_in();
        let out = run(&mut m, vec![conferenced_event("C1", "C2", PEER)]);
        assert!(has_log(&out) && uis(&out).is_empty());
        // The old call is known but the own device is not in it.
        run(&mut m, vec![delivered("C2", CUSTOMER, PEER)]);
        let out = run(&mut m, vec![conferenced_event("C1", "C2", PEER)]);
        assert!(has_log(&out) && uis(&out).is_empty());
        assert!(m.memory().contains("C2"));
    }

    #[test]
    fn conferenced_without_call_id_keeps_the_old_call() {
        let mut m = logged_in();
        run(&mut m, vec![delivered("C2", PEER, OWN)]);
        let mut e = conferenced_event("C1", "C2", OWN);
        e.remove("callId");
        let out = run(&mut m, vec![e]);
        assert!(has_log(&out) && uis(&out).is_empty());
        assert_eq!(m.memory().call_ids().collect::<Vec<_>>(), ["C2"]);
    }

    #[test]
    fn established_for_a_party_not_in_the_call_only_tells_the_ui() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
            ],
        );
        let before = m.memory().clone();
        let mut late = established("C1", OWN, PEER);
        late.insert("eventTime", "2019.05.09 11:00:00");
        let out = run(&mut m, vec![late]);
        assert_eq!(uis(&out).len(), 1);
        assert_eq!(m.memory(), &before);
    }

    #[test]
    fn is_out_call_of_internal_and_external_calls() {
        let mut m = logged_in();
        let out = run(
            &mut m,
            vec![
                originated("C1", OWN, PEER),
                established("C1", OWN, PEER),
                cleared("C1", OWN),
            ],
        );
        let summary = inners(&out).into_iter().next().unwrap();
        assert_eq!(summary.get("isOutCall"), Some(&Value::Bool(false)));
        assert_eq!(summary.get("isCaller"), Some(&Value::Bool(true)));
        assert_eq!(summary.get("partyDevice"), Some(&Value::from(PEER)));
    }
}
