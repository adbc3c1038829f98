//! Telephony events → call memory, UI events and innerOn events.
//!
//! [`Model`] is everything the core does when a telephony event arrives (PROTOCOL.md §4.2–§4.5,
//! §7, §5.6, §8), as a state machine with no I/O. The client core feeds it the body of every
//! STOMP `MESSAGE` with [`Model::handle_message`] (or an event object a page injects with
//! [`Model::apply`]) and an [`EventContext`] (own device, the configured auto-answer, the wall
//! clock), and acts on the [`Effect`]s appended to `out`:
//!
//! * `Ui` and `Inner` effects come in the order 1.3.7 dispatched them (DECISIONS.md K8): the
//!   UI hook events of the frame, then its innerOn event(s); `Server(event)` — the event for
//!   `exports`, `on(name)` and listeners — is always the frame's last effect, so page code runs
//!   only after the frame is fully applied;
//! * the control effects (`LoggedOn`, `LoggedOff`, `Ringing`, `Log`) stand where 1.3.7 took
//!   the matching action (heartbeat start after the UI `agentLoggedOn`, teardown before the UI
//!   `agentLoggedOff`, the UI layer's auto-answer after the UI `delivered`).
//!
//! Input is never trusted: unknown call ids, events for other devices, missing fields and
//! wrong types are no-ops (at most a `Log` effect), never a panic. Only a body that is not a
//! JSON object is refused, with an [`EventError`], and then nothing changes.
//!
//! ```
//! use well_client::model::{Effect, EventContext, Model};
//! use well_client::time::WallClock;
//!
//! let ctx = EventContext {
//!     own_device: "8001@test.cc",
//!     auto_answer: true,
//!     now: WallClock { epoch_ms: 1_557_367_200_000, utc_offset_min: 480 },
//! };
//! let mut model = Model::new();
//! let mut out = Vec::new();
//! model
//!     .handle_message(r#"{"eventName":"agentLoggedOn","serial":1,"deviceId":"8001@test.cc"}"#, &ctx, &mut out)
//!     .unwrap();
//! assert!(model.is_logged_in());
//! assert!(matches!(out.last(), Some(Effect::Server { .. })));
//! ```

mod actions;
mod calls;
mod devices;
mod memory;
mod recover;
mod serials;

pub use actions::CallActions;
pub use devices::{device_number, is_external_device, is_internal_number};
pub use memory::{Call, CallMemory, EntryShape, LegState, Party};
pub use recover::{ActiveCall, ActiveCallState, ClientState, ClientStateError};

use crate::json::{self, Edit, Map, ObjectText, ParseError, Value};
use crate::time::WallClock;

use serials::{compact, SerialWindow};

/// What the model needs to know about the client to apply an event.
#[derive(Copy, Clone, Debug)]
pub struct EventContext<'a> {
    /// The own device id (`env.deviceId`, e.g. `8001@test.cc`; `""` before login).
    pub own_device: &'a str,
    /// `autoAnswer` as configured: copied into the UI `delivered` event.
    pub auto_answer: bool,
    /// The wall clock: fallback for time ids, and the time zone `eventTime` is read in.
    pub now: WallClock,
}

/// Something the client must do because of an event, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Payload for `wellClient.ui.main` (has `eventName`).
    Ui(Map),
    /// Payload for `innerOn` handlers (has `eventName`), e.g. `connectionCleared` (§4.5).
    Inner(Map),
    /// The event for `exports`, `on(name)` and listeners, as the JSON text they get: as
    /// received, after stripping `params`, `_type`, `topics`, with `lastEventSerial` and `brs`
    /// added. `name` is its `eventName` (`""` when it has none).
    Server {
        /// The `eventName`.
        name: String,
        /// The event as delivered.
        json: String,
    },
    /// `agentLoggedOn` applied: start the HTTP heartbeat.
    LoggedOn,
    /// `agentLoggedOff` applied while logged in: tear the session down.
    LoggedOff,
    /// An inbound call rings on the own device: a candidate for auto-answer (K9).
    Ringing {
        /// The call's id now (a later `transferred` may rename it, see
        /// [`CallMemory::ringing_inbound`]).
        call_id: String,
    },
    /// A line for `onLog`.
    Log {
        /// `type: 'error'` rather than `'log'`.
        error: bool,
        /// The text.
        text: String,
    },
}

/// Why a message body was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The body is not JSON.
    #[error("event is not JSON: {0}")]
    Json(#[from] ParseError),
    /// The body is JSON but not an object.
    #[error("event is not a JSON object")]
    NotAnObject,
}

impl EventError {
    /// The message without its details, as a static text (logged without `core::fmt`).
    pub fn as_str(&self) -> &'static str {
        match self {
            EventError::Json(_) => "event is not JSON",
            EventError::NotAnObject => "event is not a JSON object",
        }
    }
}

/// Fields of server internals that 1.3.7 deleted before dispatch (§4.2 step 2).
fn is_stripped(key: &str) -> bool {
    matches!(key, "params" | "_type" | "topics")
}

/// The event model of one client: login state, allocation, call memory, and the per-connection
/// duplicate window and receive counter.
#[derive(Clone, Debug)]
pub struct Model {
    memory: CallMemory,
    logged_in: bool,
    allocated: bool,
    serials: SerialWindow,
    brs: u32,
    summary_data: bool,
}

impl Default for Model {
    fn default() -> Self {
        Model::new()
    }
}

impl Model {
    /// Logged out, no calls, a fresh connection.
    pub fn new() -> Self {
        Model {
            memory: CallMemory::new(),
            logged_in: false,
            allocated: false,
            serials: SerialWindow::default(),
            brs: 1,
            summary_data: true,
        }
    }

    /// Whether the innerOn `connectionCleared` summary carries the event as `data`, as it does
    /// unless told otherwise. Building that copy of the event is the dearest part of handling
    /// it, and most pages have no handler for the summary: a client may leave it out and add
    /// `data` (the frame's `Server` event, which follows) when it delivers a summary after all.
    pub fn set_summary_data(&mut self, on: bool) {
        self.summary_data = on;
    }

    /// One STOMP MESSAGE body: parse (bad JSON → `Err`, nothing changes), strip `params`,
    /// `_type`, `topics`, drop a duplicate by serial over a window of recent serials of this
    /// connection (an event without a serial is delivered), add `lastEventSerial` (= its
    /// serial, as 1.3.7) and `brs` (per-connection counter 1..999, §4.2 step 4), then apply.
    ///
    /// A duplicate yields only a `Log` effect (no `Server`): it is dropped, not an error.
    ///
    /// The event is read in place and the text `exports` gets is the body with those edits:
    /// a body is not built into values and written out again.
    pub fn handle_message(
        &mut self,
        body: &str,
        ctx: &EventContext,
        out: &mut Vec<Effect>,
    ) -> Result<(), EventError> {
        let event = ObjectText::scan(body)?.ok_or(EventError::NotAnObject)?;
        if event.is_plain() {
            self.handle_event(&event, ctx, out);
        } else {
            // Its text does not say what its object holds (a repeated key, say): written out
            // from the object, it does.
            let written = json::parse(body)?.to_json();
            if let Some(event) = ObjectText::scan(&written)? {
                self.handle_event(&event, ctx, out);
            }
        }
        Ok(())
    }

    /// [`Model::handle_message`] for a body read.
    fn handle_event(&mut self, event: &ObjectText, ctx: &EventContext, out: &mut Vec<Effect>) {
        let serial = event.raw("serial").filter(|s| *s != "null");
        if let Some(serial) = serial {
            if !self.serials.insert(serial) {
                let text = ["Error: event repeat sent ! serial ", &compact(serial)].concat();
                out.push(Effect::Log { error: true, text });
                return;
            }
        }
        let json = dispatched_text(event, serial, self.next_brs());
        let name = self.apply_fields(event, &json, ctx, out);
        out.push(Effect::Server { name, json });
    }

    /// This connection's next `brs`.
    fn next_brs(&mut self) -> u32 {
        let brs = self.brs;
        self.brs = if (brs + 1) % 1000 == 0 { 1 } else { brs + 1 };
        brs
    }

    /// An event object injected by the page (`deliverEvent`) or built by the client: apply it
    /// without duplicate check or `brs` (§3.5).
    pub fn apply(&mut self, event: Map, ctx: &EventContext, out: &mut Vec<Effect>) {
        let json = Value::Object(event).to_json();
        let name = match ObjectText::scan(&json) {
            Ok(Some(fields)) => self.apply_fields(&fields, &json, ctx, out),
            // Never: the text was just written from an object.
            _ => return,
        };
        out.push(Effect::Server { name, json });
    }

    /// Applies the event whose fields are `event`; `json` is its text as dispatched. Returns
    /// its name: the `Server` effect is the caller's to add, last.
    fn apply_fields(
        &mut self,
        event: &ObjectText,
        json: &str,
        ctx: &EventContext,
        out: &mut Vec<Effect>,
    ) -> String {
        let name = event.str("eventName").unwrap_or_default();
        match name {
            "agentLoggedOn" => self.logged_on(event.value("deviceId"), out),
            "agentLoggedOff" => {
                if self.logged_in {
                    self.logged_off(out);
                }
            }
            "agentReady" | "agentNotReady" | "agentWorkingAfterCall" | "agentAllocated" => {
                self.allocated = name == "agentAllocated";
                let reason = event
                    .value("reason")
                    .filter(Value::is_truthy)
                    .unwrap_or_else(|| Value::from(""));
                out.push(Effect::Ui(agent_state_ui(name, Some(reason))));
            }
            "recordStarted" | "recordStopped" => out.push(Effect::Ui(ui(name))),
            _ => {
                let data = self.summary_data.then_some(json);
                calls::apply(&mut self.memory, name, event, data, ctx, out)
            }
        }
        name.to_owned()
    }

    /// A new WebSocket connection: `brs` starts again at 1, the serial window is emptied.
    pub fn connection_reset(&mut self) {
        self.brs = 1;
        self.serials.clear();
    }

    /// Whether an `agentLoggedOn` (or a recover) was applied and no `agentLoggedOff` since.
    pub fn is_logged_in(&self) -> bool {
        self.logged_in
    }

    /// Whether the agent is reserved by the dialler (DECISIONS.md row 20): set by
    /// `agentAllocated`, cleared by `agentReady`, `agentNotReady`, `agentWorkingAfterCall`,
    /// `agentLoggedOff`; recover and resync set it from the client state.
    pub fn is_allocated(&self) -> bool {
        self.allocated
    }

    /// The call memory.
    pub fn memory(&self) -> &CallMemory {
        &self.memory
    }

    /// Logout: logged out, no calls, not allocated.
    pub fn reset(&mut self) {
        self.logged_in = false;
        self.allocated = false;
        self.memory.clear();
    }

    /// The internal `agentLoggedOn` logic (also run by recover).
    fn logged_on(&mut self, device_id: Option<Value>, out: &mut Vec<Effect>) {
        self.logged_in = true;
        self.memory.clear();
        let mut payload = ui("agentLoggedOn");
        if let Some(device_id) = device_id {
            payload.insert("deviceId", device_id);
        }
        out.push(Effect::Ui(payload));
        out.push(Effect::LoggedOn);
    }

    /// The internal `agentLoggedOff` logic, for a logged-in client.
    fn logged_off(&mut self, out: &mut Vec<Effect>) {
        self.reset();
        out.push(Effect::LoggedOff);
        out.push(Effect::Ui(ui("agentLoggedOff")));
    }
}

/// The text of the event `exports` gets: the members of `event` but the stripped ones, with
/// `lastEventSerial` (when there is a `serial`) and `brs` set in place when the event has them
/// and added at its end otherwise, as [`Map::insert`] would.
fn dispatched_text(event: &ObjectText, serial: Option<&str>, brs: u32) -> String {
    let mut out = String::with_capacity(event.text().len() + 40);
    let (mut serial_set, mut brs_set) = (false, false);
    let mut wrote = event.write_edited(&mut out, |key| {
        let key = key.unwrap_or_default();
        // Asked for every member: most keys are told apart by their length alone.
        match key.len() {
            5 | 6 if is_stripped(key) => Edit::Drop,
            15 if key == "lastEventSerial" && serial.is_some() => {
                serial_set = true;
                Edit::Replace(serial.unwrap_or_default().to_owned())
            }
            3 if key == "brs" => {
                brs_set = true;
                Edit::Replace(json::int_text(i64::from(brs)))
            }
            _ => Edit::Keep,
        }
    });
    let mut add = |out: &mut String, member: &str| {
        if wrote {
            out.push(',');
        }
        out.push_str(member);
        wrote = true;
    };
    if let (Some(serial), false) = (serial, serial_set) {
        add(&mut out, "\"lastEventSerial\":");
        out.push_str(serial);
    }
    if !brs_set {
        add(&mut out, "\"brs\":");
        json::write_int(i64::from(brs), &mut out);
    }
    out.push('}');
    out
}

/// A UI or innerOn payload with only its `eventName`, and room for the fields most add.
fn ui(name: &str) -> Map {
    Map::with_capacity(8).with("eventName", name)
}

/// The UI event of an agent-state event; `reason` goes into `agentReady`/`agentNotReady` only
/// (the reconnect rebuild sends them without one).
fn agent_state_ui(name: &str, reason: Option<Value>) -> Map {
    let payload = ui(name);
    match (reason, name) {
        (Some(reason), "agentReady" | "agentNotReady") => payload.with("reason", reason),
        _ => payload,
    }
}

/// The UI event name for an agent mode of the client state, if it has one.
fn agent_mode_event(mode: &str) -> Option<&'static str> {
    match mode {
        "Ready" => Some("agentReady"),
        "NotReady" => Some("agentNotReady"),
        "WorkNotReady" => Some("agentWorkingAfterCall"),
        "Allocated" => Some("agentAllocated"),
        _ => None,
    }
}

/// A string field; absent or not a string reads as `None`.
fn text<'a>(event: &'a Map, key: &str) -> Option<&'a str> {
    event.get(key).and_then(Value::as_str)
}

/// Appends a `Log` effect made of `parts`.
fn log(out: &mut Vec<Effect>, error: bool, parts: &[&str]) {
    out.push(Effect::Log {
        error,
        text: parts.concat(),
    });
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Event builders and a fixed context for the model's unit tests.

    use super::*;

    pub const OWN: &str = "8001@test.cc";
    pub const PEER: &str = "8002@test.cc";
    pub const CUSTOMER: &str = "13800000000@test.cc";

    pub fn ctx() -> EventContext<'static> {
        EventContext {
            own_device: OWN,
            auto_answer: true,
            now: WallClock {
                epoch_ms: 1_557_367_299_000,
                utc_offset_min: 480,
            },
        }
    }

    /// An event named `name` with string fields.
    pub fn event(name: &str, fields: &[(&str, &str)]) -> Map {
        let mut m = Map::new()
            .with("eventName", name)
            .with("eventTime", "2019.05.09 10:00:00");
        for (k, v) in fields {
            m.insert(*k, *v);
        }
        m
    }

    pub fn delivered(call: &str, calling: &str, called: &str) -> Map {
        event(
            "delivered",
            &[
                ("callId", call),
                ("alertingDevice", called),
                ("callingDevice", calling),
                ("calledDevice", called),
            ],
        )
    }

    pub fn established(call: &str, calling: &str, called: &str) -> Map {
        event(
            "established",
            &[
                ("callId", call),
                ("answeringDevice", called),
                ("callingDevice", calling),
                ("calledDevice", called),
            ],
        )
        .with("eventTime", "2019.05.09 10:00:03")
    }

    pub fn originated(call: &str, calling: &str, called: &str) -> Map {
        event(
            "originated",
            &[
                ("callId", call),
                ("callingDevice", calling),
                ("calledDevice", called),
            ],
        )
    }

    pub fn cleared(call: &str, releasing: &str) -> Map {
        event(
            "connectionCleared",
            &[("callId", call), ("releasingDevice", releasing)],
        )
    }

    pub fn on_call(call: &str, name: &str) -> Map {
        event(name, &[("callId", call)])
    }

    /// A logged-in model.
    pub fn logged_in() -> Model {
        let mut m = Model::new();
        m.apply(
            event("agentLoggedOn", &[("deviceId", OWN)]),
            &ctx(),
            &mut Vec::new(),
        );
        m
    }

    /// Applies `events` and returns the effects of the last one.
    pub fn run(model: &mut Model, events: Vec<Map>) -> Vec<Effect> {
        let mut out = Vec::new();
        for e in events {
            out.clear();
            model.apply(e, &ctx(), &mut out);
        }
        out
    }

    /// The UI payloads among `effects`, as JSON text.
    pub fn uis(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Ui(m) => Some(Value::Object(m.clone()).to_json()),
                _ => None,
            })
            .collect()
    }

    /// The innerOn payloads among `effects`.
    pub fn inners(effects: &[Effect]) -> Vec<Map> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Inner(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn has_log(effects: &[Effect]) -> bool {
        effects.iter().any(|e| matches!(e, Effect::Log { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_static_event_error_texts_begin_the_display_texts() {
        let json = EventError::Json(crate::json::ParseError::UnexpectedEnd);
        for error in [json, EventError::NotAnObject] {
            assert!(error.to_string().starts_with(error.as_str()), "{error}");
        }
    }

    fn handle(model: &mut Model, body: &str) -> (Result<(), EventError>, Vec<Effect>) {
        let mut out = Vec::new();
        let r = model.handle_message(body, &ctx(), &mut out);
        (r, out)
    }

    /// The dispatched event, when the last effect is one.
    fn server(effects: &[Effect]) -> Option<Map> {
        match effects.last() {
            Some(Effect::Server { json, .. }) => match json::parse(json) {
                Ok(Value::Object(m)) => Some(m),
                _ => None,
            },
            _ => None,
        }
    }

    #[test]
    fn strips_internals_and_annotates_serial_and_brs() {
        let mut m = Model::new();
        let (r, out) = handle(
            &mut m,
            r#"{"eventName":"agentReady","serial":7,"params":{},"_type":"x","topics":[]}"#,
        );
        assert_eq!(r, Ok(()));
        let raw = server(&out).unwrap();
        assert_eq!(
            Value::Object(raw).to_json(),
            r#"{"eventName":"agentReady","serial":7,"lastEventSerial":7,"brs":1}"#
        );
        let (_, out) = handle(&mut m, r#"{"eventName":"agentReady","serial":8}"#);
        assert_eq!(server(&out).unwrap().get("brs"), Some(&Value::from(2_i64)));
    }

    /// The text `exports` gets, as dispatched.
    fn dispatched(effects: &[Effect]) -> Option<&str> {
        match effects.last() {
            Some(Effect::Server { json, .. }) => Some(json),
            _ => None,
        }
    }

    #[test]
    fn the_dispatched_text_is_the_body_edited_in_place() {
        let mut m = Model::new();
        for (body, text) in [
            // Members keep their text and order; the annotations replace members of their name.
            (
                r#"{"_type":"x","brs":"old","eventName":"a","params":{"p":1},"lastEventSerial":0,"serial":3,"t":"\/"}"#,
                r#"{"brs":1,"eventName":"a","lastEventSerial":3,"serial":3,"t":"\/"}"#,
            ),
            // Without a serial an existing lastEventSerial stays as it was; runs of members
            // are copied as they are, spaces and all.
            (
                r#"{ "eventName" : "b", "lastEventSerial":5 , "topics":[] }"#,
                r#"{"eventName" : "b", "lastEventSerial":5,"brs":2}"#,
            ),
            (
                r#"{"params":1,"serial":null}"#,
                r#"{"serial":null,"brs":3}"#,
            ),
            (r#"{}"#, r#"{"brs":4}"#),
        ] {
            let (r, out) = handle(&mut m, body);
            assert_eq!(r, Ok(()));
            assert_eq!(dispatched(&out), Some(text), "{body}");
        }
        // A repeated key or a lone surrogate: built, then written out, as before.
        let (_, out) = handle(&mut m, r#"{"a":1,"serial":9,"a":"\ud800"}"#);
        assert_eq!(
            dispatched(&out),
            Some("{\"a\":\"\u{FFFD}\",\"serial\":9,\"lastEventSerial\":9,\"brs\":5}")
        );
    }

    #[test]
    fn duplicates_are_dropped_over_a_window_not_only_consecutive_ones() {
        let mut m = logged_in();
        for serial in ["1", "2", "3"] {
            let body = [r#"{"eventName":"agentReady","serial":"#, serial, "}"].concat();
            assert!(server(&handle(&mut m, &body).1).is_some());
        }
        let (r, out) = handle(&mut m, r#"{"eventName":"agentReady","serial":1}"#);
        assert_eq!(r, Ok(()));
        assert_eq!(
            out,
            vec![Effect::Log {
                error: true,
                text: "Error: event repeat sent ! serial 1".into()
            }]
        );
        // A dropped frame does not count towards brs.
        let (_, out) = handle(&mut m, r#"{"eventName":"agentReady","serial":4}"#);
        assert_eq!(server(&out).unwrap().get("brs"), Some(&Value::from(4_i64)));
        // A new connection forgets the serials and restarts brs.
        m.connection_reset();
        let (_, out) = handle(&mut m, r#"{"eventName":"agentReady","serial":1}"#);
        assert_eq!(server(&out).unwrap().get("brs"), Some(&Value::from(1_i64)));
    }

    #[test]
    fn events_without_serial_are_delivered_without_last_event_serial() {
        let mut m = Model::new();
        for _ in 0..2 {
            let (_, out) = handle(&mut m, r#"{"eventName":"agentReady","serial":null}"#);
            let raw = server(&out).unwrap();
            assert!(raw.get("lastEventSerial").is_none());
        }
    }

    #[test]
    fn brs_counts_1_to_999() {
        let mut m = Model::new();
        let mut last = 0;
        for n in 0..1001 {
            let body = [r#"{"eventName":"x","serial":"#, &n.to_string(), "}"].concat();
            let (_, out) = handle(&mut m, &body);
            last = server(&out)
                .unwrap()
                .get("brs")
                .and_then(Value::as_i64)
                .unwrap();
            assert!((1..=999).contains(&last));
        }
        // 1001 frames: 1..999, then 1, 2.
        assert_eq!(last, 2);
    }

    #[test]
    fn bad_bodies_are_typed_errors_and_change_nothing() {
        let mut m = logged_in();
        let (r, out) = handle(&mut m, r#"{"eventName":"#);
        assert_eq!(r, Err(EventError::Json(ParseError::UnexpectedEnd)));
        assert!(out.is_empty());
        let (r, out) = handle(&mut m, r#"["agentLoggedOff"]"#);
        assert_eq!(r, Err(EventError::NotAnObject));
        assert!(out.is_empty());
        assert!(m.is_logged_in());
        // The serial window is not touched by refused bodies: serial 1 still goes through.
        let (_, out) = handle(&mut m, r#"{"eventName":"agentReady","serial":1}"#);
        assert!(server(&out).is_some());
    }

    #[test]
    fn agent_events_drive_login_state_and_ui() {
        let mut m = Model::new();
        let out = run(&mut m, vec![event("agentLoggedOn", &[("deviceId", OWN)])]);
        assert!(m.is_logged_in());
        assert_eq!(
            uis(&out),
            [r#"{"eventName":"agentLoggedOn","deviceId":"8001@test.cc"}"#]
        );
        assert_eq!(out.get(1), Some(&Effect::LoggedOn));

        let out = run(&mut m, vec![event("agentNotReady", &[("reason", "1")])]);
        assert_eq!(uis(&out), [r#"{"eventName":"agentNotReady","reason":"1"}"#]);
        let out = run(&mut m, vec![event("agentReady", &[])]);
        assert_eq!(uis(&out), [r#"{"eventName":"agentReady","reason":""}"#]);
        for name in [
            "agentWorkingAfterCall",
            "agentAllocated",
            "recordStarted",
            "recordStopped",
        ] {
            let out = run(&mut m, vec![event(name, &[])]);
            assert_eq!(uis(&out), [["{\"eventName\":\"", name, "\"}"].concat()]);
        }
        for name in [
            "ChannelStateChangedEvent",
            "serviceInitiated",
            "failed",
            "callEnd",
            "nope",
        ] {
            let out = run(&mut m, vec![event(name, &[])]);
            assert_eq!(out.len(), 1, "{name}: Server only");
        }

        m.apply(delivered("C1", CUSTOMER, OWN), &ctx(), &mut Vec::new());
        let out = run(&mut m, vec![event("agentLoggedOff", &[])]);
        assert_eq!(out.first(), Some(&Effect::LoggedOff));
        assert_eq!(uis(&out), [r#"{"eventName":"agentLoggedOff"}"#]);
        assert!(!m.is_logged_in());
        assert!(m.memory().is_empty());

        // Ignored unless logged in.
        let out = run(&mut m, vec![event("agentLoggedOff", &[])]);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn logged_on_resets_the_call_memory() {
        let mut m = logged_in();
        m.apply(delivered("C1", CUSTOMER, OWN), &ctx(), &mut Vec::new());
        assert_eq!(m.memory().len(), 1);
        run(&mut m, vec![event("agentLoggedOn", &[])]);
        assert!(m.memory().is_empty());
    }

    #[test]
    fn allocated_flag_follows_row_20() {
        let mut m = logged_in();
        run(&mut m, vec![event("agentAllocated", &[])]);
        assert!(m.is_allocated());
        for other in [
            delivered("C1", CUSTOMER, OWN),
            on_call("C1", "serviceInitiated"),
            event("recordStarted", &[]),
            event("agentLoggedOn", &[]),
            event("ChannelStateChangedEvent", &[]),
        ] {
            run(&mut m, vec![other]);
            assert!(m.is_allocated(), "only the listed events clear it");
        }
        for clearing in [
            "agentReady",
            "agentNotReady",
            "agentWorkingAfterCall",
            "agentLoggedOff",
        ] {
            run(
                &mut m,
                vec![event("agentLoggedOn", &[]), event("agentAllocated", &[])],
            );
            assert!(m.is_allocated());
            run(&mut m, vec![event(clearing, &[])]);
            assert!(!m.is_allocated(), "{clearing}");
        }
        run(
            &mut m,
            vec![event("agentLoggedOn", &[]), event("agentAllocated", &[])],
        );
        m.reset();
        assert!(!m.is_allocated() && !m.is_logged_in());
    }

    #[test]
    fn wrong_types_and_missing_fields_are_tolerated() {
        let mut m = logged_in();
        for body in [
            r#"{}"#,
            r#"{"eventName":5}"#,
            r#"{"eventName":"delivered"}"#,
            r#"{"eventName":"delivered","callId":1,"callingDevice":[],"calledDevice":{}}"#,
            r#"{"eventName":"established","callId":"nope"}"#,
            r#"{"eventName":"held","callId":null}"#,
            r#"{"eventName":"transferred","transferredToDevice":"8001@test.cc"}"#,
            r#"{"eventName":"conferenced","callId":"x","secondaryOldCall":"y"}"#,
            r#"{"eventName":"connectionCleared","callId":"x","releasingDevice":"8001@test.cc"}"#,
            r#"{"eventName":"agentReady","reason":0}"#,
            r#"{"eventName":"agentLoggedOn","deviceId":{"a":1}}"#,
        ] {
            let (r, out) = handle(&mut m, body);
            assert_eq!(r, Ok(()), "{body}");
            assert!(server(&out).is_some(), "{body}");
        }
        assert!(m.memory().is_empty());
    }

    fn arb_event() -> impl Strategy<Value = Map> {
        let names = prop::sample::select(vec![
            "agentLoggedOn",
            "agentLoggedOff",
            "agentReady",
            "agentNotReady",
            "agentWorkingAfterCall",
            "agentAllocated",
            "serviceInitiated",
            "originated",
            "delivered",
            "established",
            "connectionCleared",
            "held",
            "retrieved",
            "transferred",
            "conferenced",
            "recordStarted",
            "recordStopped",
            "failed",
            "ChannelStateChangedEvent",
        ]);
        let device = prop::sample::select(vec![OWN, PEER, CUSTOMER, "913800000000@test.cc", ""]);
        let call = prop::sample::select(vec!["C1", "C2", "C3", "0"]);
        let fields = prop::collection::vec(
            (
                prop::sample::select(vec![
                    "callId",
                    "callingDevice",
                    "calledDevice",
                    "alertingDevice",
                    "releasingDevice",
                    "transferredToDevice",
                    "secondaryOldCall",
                    "primaryOldCall",
                    "newCall",
                    "addedParty",
                    "conferencingDevice",
                    "serial",
                ]),
                prop_oneof![
                    call.prop_map(Value::from),
                    device.prop_map(Value::from),
                    Just(Value::Null),
                    any::<i64>().prop_map(Value::from),
                ],
            ),
            0..8,
        );
        (names, fields).prop_map(|(name, fields)| {
            let mut m = Map::new().with("eventName", name);
            for (k, v) in fields {
                m.insert(k, v);
            }
            m
        })
    }

    fn arb_client_state() -> impl Strategy<Value = Value> {
        (
            prop::sample::select(vec![
                "Ready",
                "NotReady",
                "Logout",
                "Allocated",
                "WorkNotReady",
            ]),
            prop::option::of((
                prop::sample::select(vec!["C1", "C2", "C3"]),
                prop::sample::select(vec![OWN, PEER, CUSTOMER]),
                prop::sample::select(vec![OWN, PEER, CUSTOMER]),
                prop::sample::select(vec!["Initiate", "Alerting", "Connect", "Hold", "Idle"]),
            )),
        )
            .prop_map(|(mode, call)| {
                let mut agent = Map::new()
                    .with("agentId", "5001@test.cc")
                    .with("extensionId", OWN)
                    .with("agentMode", mode);
                if let Some((id, ani, dnis, state)) = call {
                    agent.insert(
                        "activeCall",
                        Map::new()
                            .with("callId", id)
                            .with("ani", ani)
                            .with("dnis", dnis)
                            .with("state", state),
                    );
                }
                Value::Object(
                    Map::new()
                        .with("agent", agent)
                        .with("extension", Map::new()),
                )
            })
    }

    fn calls_in_json(m: &Model) -> usize {
        let v = m.memory().to_json();
        let calls = v.as_object().map_or(0, |o| o.len() - 1);
        assert_eq!(v.get("length").and_then(Value::as_i64), Some(calls as i64));
        calls
    }

    proptest! {
        #[test]
        fn random_event_sequences_never_panic_and_keep_length_derived(
            events in prop::collection::vec(arb_event(), 0..40),
            restore_at in prop::option::of((0usize..40, arb_client_state(), any::<bool>())),
        ) {
            let mut m = logged_in();
            let mut out = Vec::new();
            for (i, e) in events.into_iter().enumerate() {
                if let Some((at, state, use_recover)) = &restore_at {
                    if *at == i {
                        if *use_recover { m.recover(state, &ctx(), &mut out) }
                        else { m.resync(state, i % 2 == 0, &ctx(), &mut out) }
                    }
                }
                let body = Value::Object(e.clone()).to_json();
                if i % 2 == 0 {
                    prop_assert!(m.handle_message(&body, &ctx(), &mut out).is_ok());
                } else {
                    m.apply(e, &ctx(), &mut out);
                }
                prop_assert_eq!(m.memory().len(), calls_in_json(&m));
                for id in m.memory().call_ids() {
                    let _ = m.memory().actions(id, OWN).to_json();
                }
            }
        }
    }
}
