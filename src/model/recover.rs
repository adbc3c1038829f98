//! State rebuilt from the platform's client state (`GET /api/csta/agent/client-state`):
//! recover after a page refresh (PROTOCOL.md §8, DECISIONS.md row 28) and resync after a
//! WebSocket reconnect (§5.6, row 27).

use crate::json::{Map, Value};

use super::calls::{time_or_now, ui_cleared, ui_delivered, ui_established, ui_hold, ui_originated};
use super::memory::{Call, LegState};
use super::{agent_mode_event, agent_state_ui, log, text, ui, Effect, EventContext, Model};

/// Why a client state cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientStateError {
    /// No `agent` object.
    NoAgent,
    /// `agent.agentMode` is missing or not a string.
    NoAgentMode,
    /// `agent.activeCall` is there but lacks a string `callId`, `ani`, `dnis` or `state`.
    BadActiveCall,
}

impl ClientStateError {
    /// The message, as a static text (logged without `core::fmt`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ClientStateError::NoAgent => "client state has no agent",
            ClientStateError::NoAgentMode => "client state has no agentMode",
            ClientStateError::BadActiveCall => {
                "client state's activeCall lacks callId, ani, dnis or state"
            }
        }
    }
}

impl core::fmt::Display for ClientStateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `activeCall.state`, as far as the model acts on it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ActiveCallState {
    /// The own outbound call is being placed.
    Initiate,
    /// Ringing.
    Alerting,
    /// Connected.
    Connect,
    /// On hold.
    Hold,
    /// Any other state (`None`, `Fail`, `Idle`, ...): no call to restore.
    Other,
}

/// The call the client state reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveCall<'a> {
    /// The call id.
    pub call_id: &'a str,
    /// The calling device.
    pub ani: &'a str,
    /// The called device.
    pub dnis: &'a str,
    /// `state`, classified.
    pub state: ActiveCallState,
    /// `state` as reported.
    pub state_text: &'a str,
    /// `In` or `Out`.
    pub direction: Option<&'a str>,
    /// When it started ringing (`YYYY.MM.DD HH:mm:ss`).
    pub ring_time: Option<&'a str>,
    /// When it was answered.
    pub answer_time: Option<&'a str>,
}

impl<'a> ActiveCall<'a> {
    /// Whether `own` placed the call: it is the `ani`; failing a match on either side, the
    /// reported direction says so.
    pub fn is_calling(&self, own: &str) -> bool {
        if self.ani == own {
            true
        } else if self.dnis == own {
            false
        } else {
            self.direction == Some("Out")
        }
    }

    /// The other party from `own`'s point of view.
    pub fn other(&self, own: &str) -> &'a str {
        if self.is_calling(own) {
            self.dnis
        } else {
            self.ani
        }
    }

    /// Whether the call rings inbound on `own`.
    pub fn is_ringing_inbound(&self, own: &str) -> bool {
        self.state == ActiveCallState::Alerting && !self.is_calling(own)
    }
}

/// The fields of a client-state response the model reads.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientState<'a> {
    /// The `agent` object, as received.
    pub agent: &'a Map,
    /// `agent.agentMode` (`Ready`, `NotReady`, `WorkNotReady`, `Allocated`, `Logout`, ...).
    pub agent_mode: &'a str,
    /// `agent.activeCall`, when reported.
    pub active_call: Option<ActiveCall<'a>>,
}

impl<'a> ClientState<'a> {
    /// Reads a client-state response. The client can check it with this before calling
    /// [`Model::recover`] or [`Model::resync`] (which refuse the same inputs with a `Log`).
    pub fn parse(value: &'a Value) -> Result<Self, ClientStateError> {
        let agent = value
            .get("agent")
            .and_then(Value::as_object)
            .ok_or(ClientStateError::NoAgent)?;
        let agent_mode = text(agent, "agentMode").ok_or(ClientStateError::NoAgentMode)?;
        let active_call = match agent.get("activeCall") {
            None | Some(Value::Null) => None,
            Some(call) => Some(read_active_call(call).ok_or(ClientStateError::BadActiveCall)?),
        };
        Ok(ClientState {
            agent,
            agent_mode,
            active_call,
        })
    }

    /// `agent.extensionId`, the device the agent is logged on.
    pub fn extension_id(&self) -> Option<&'a str> {
        text(self.agent, "extensionId")
    }

    /// The active call when it is one the model restores (not `Other`).
    fn restorable_call(&self) -> Option<&ActiveCall<'a>> {
        self.active_call
            .as_ref()
            .filter(|c| c.state != ActiveCallState::Other)
    }
}

fn read_active_call(call: &Value) -> Option<ActiveCall<'_>> {
    let call = call.as_object()?;
    let state_text = text(call, "state")?;
    Some(ActiveCall {
        call_id: text(call, "callId")?,
        ani: text(call, "ani")?,
        dnis: text(call, "dnis")?,
        state: match state_text {
            "Initiate" => ActiveCallState::Initiate,
            "Alerting" => ActiveCallState::Alerting,
            "Connect" => ActiveCallState::Connect,
            "Hold" => ActiveCallState::Hold,
            _ => ActiveCallState::Other,
        },
        state_text,
        direction: text(call, "direction"),
        ring_time: text(call, "ringTime"),
        answer_time: text(call, "answerTime"),
    })
}

fn refused(out: &mut Vec<Effect>, what: &str, error: &ClientStateError) {
    log(
        out,
        true,
        &[what, ": ", error.as_str(), ", nothing changed"],
    );
}

impl Model {
    /// Recover (§8 steps 3a–3e, DECISIONS.md row 28) from a client-state response: the
    /// internal `agentLoggedOn` logic (`LoggedOn`, UI `agentLoggedOn`), the agent-mode UI
    /// event, the active call rebuilt into the memory with its UI events (`originated` for
    /// `Initiate`; `delivered`, then `established` and `held` as far as the call got), and the
    /// innerOn `recoverStateSuccess`. The UI `delivered` has `autoAnswer` true only for a
    /// ringing inbound call (when configured); such a call also yields `Ringing`. The own
    /// device is the state's `extensionId`. A state that cannot be read, or agent mode
    /// `Logout`, changes nothing (a `Log` says why).
    pub fn recover(&mut self, client_state: &Value, ctx: &EventContext, out: &mut Vec<Effect>) {
        let state = match ClientState::parse(client_state) {
            Ok(state) => state,
            Err(e) => return refused(out, "recover", &e),
        };
        if state.agent_mode == "Logout" {
            return log(
                out,
                true,
                &["recover: the agent is logged out, nothing changed"],
            );
        }
        let own = state
            .extension_id()
            .filter(|d| !d.is_empty())
            .unwrap_or(ctx.own_device);
        let ctx = EventContext {
            own_device: own,
            ..*ctx
        };
        self.logged_on(state.agent.get("extensionId").cloned(), out);
        self.allocated = state.agent_mode == "Allocated";
        if let Some(name) = agent_mode_event(state.agent_mode) {
            out.push(Effect::Ui(agent_state_ui(name, Some(Value::from("")))));
        }
        let mut message = ui("recoverStateSuccess");
        for key in ["agentId", "extensionId", "agentMode", "agentName"] {
            if let Some(v) = state.agent.get(key) {
                message.insert(key, v.clone());
            }
        }
        if let Some(call) = state.restorable_call() {
            self.restore_call(call, &ctx, true, out);
            let reported = match call.state {
                ActiveCallState::Alerting => "delivered",
                ActiveCallState::Connect => "established",
                _ => "",
            };
            message.insert(
                "call",
                Map::new()
                    .with("callId", call.call_id)
                    .with("callingDevice", call.ani)
                    .with("calledDevice", call.dnis)
                    .with("state", reported),
            );
        }
        out.push(Effect::Inner(message));
    }

    /// WebSocket reconnect resync (§5.6 rebuild with DECISIONS.md row 27): restores the agent
    /// state (allocation) and the one active call (including `Initiate`), removes the calls
    /// not reported (UI `connectionCleared`, `isClearAll` when none remain), and when
    /// `rebuild_ui` (a `wsReconnectSucceed` handler is registered) emits `removeUiState`, the
    /// agent-mode UI event (no `reason`) and the active call's UI events. Ends with the innerOn
    /// `wsReconnectSucceed` payload. Agent mode `Logout` applies `agentLoggedOff` instead
    /// (`LoggedOff`, UI `agentLoggedOff`, when logged in). A state that cannot be read changes
    /// nothing (a `Log` says why; the client retries).
    pub fn resync(
        &mut self,
        client_state: &Value,
        rebuild_ui: bool,
        ctx: &EventContext,
        out: &mut Vec<Effect>,
    ) {
        let state = match ClientState::parse(client_state) {
            Ok(state) => state,
            Err(e) => return refused(out, "resync", &e),
        };
        let message = reconnect_message(&state, ctx);
        if state.agent_mode == "Logout" {
            if self.logged_in {
                self.logged_off(out);
            }
            out.push(Effect::Inner(message));
            return;
        }
        self.allocated = state.agent_mode == "Allocated";
        let active = state.restorable_call();
        let keep = active.map(|c| c.call_id);
        let stale: Vec<String> = self
            .memory
            .call_ids()
            .filter(|id| Some(*id) != keep)
            .map(String::from)
            .collect();
        for id in stale {
            if let Some(call) = self.memory.remove(&id) {
                let device = call.cleared_device_for(ctx.own_device);
                let clear_all = self.memory.is_empty() && active.is_none();
                out.push(Effect::Ui(ui_cleared(&device, clear_all)));
            }
        }
        if rebuild_ui {
            out.push(Effect::Ui(ui("removeUiState")));
            if let Some(name) = agent_mode_event(state.agent_mode) {
                out.push(Effect::Ui(agent_state_ui(name, None)));
            }
        }
        if let Some(call) = active {
            self.restore_call(call, ctx, rebuild_ui, out);
        }
        out.push(Effect::Inner(message));
    }

    /// Puts the reported call into the memory (updating the legs of a known call), with its
    /// UI events when `emit_ui`, and `Ringing` when it rings inbound.
    fn restore_call(
        &mut self,
        call: &ActiveCall,
        ctx: &EventContext,
        emit_ui: bool,
        out: &mut Vec<Effect>,
    ) {
        let own = ctx.own_device;
        let (legs, own_leg) = match call.state {
            ActiveCallState::Initiate => (LegState::Originated, LegState::Originated),
            ActiveCallState::Alerting => (LegState::Delivered, LegState::Delivered),
            ActiveCallState::Connect => (LegState::Connected, LegState::Connected),
            ActiveCallState::Hold => (LegState::Connected, LegState::Held),
            ActiveCallState::Other => return,
        };
        let answered = (legs == LegState::Connected).then(|| time_or_now(call.answer_time, ctx));
        match self.memory.call_mut(call.call_id) {
            Some(known) => {
                for party in &mut known.parties {
                    party.state = legs;
                }
                if call.answer_time.is_some() || known.established_time.is_none() {
                    known.established_time = answered.or(known.established_time);
                }
            }
            None => {
                let created = time_or_now(call.ring_time, ctx);
                let mut restored = Call::between(call.call_id, call.ani, call.dnis, legs, created);
                restored.established_time = answered;
                self.memory.put(restored);
            }
        }
        if let Some(me) = self
            .memory
            .call_mut(call.call_id)
            .and_then(|c| c.party_mut(own))
        {
            me.state = own_leg;
        }

        let is_calling = call.is_calling(own);
        let other = call.other(own);
        let id = call.call_id;
        if emit_ui {
            let mut push = |m: Map| out.push(Effect::Ui(m));
            match call.state {
                ActiveCallState::Initiate => push(ui_originated(id, other, is_calling)),
                ActiveCallState::Alerting => push(ui_delivered(
                    id,
                    other,
                    is_calling,
                    ctx.auto_answer && !is_calling,
                )),
                ActiveCallState::Connect | ActiveCallState::Hold => {
                    push(ui_delivered(id, other, is_calling, false));
                    push(ui_established(id, other));
                    if call.state == ActiveCallState::Hold {
                        push(ui_hold("held", other));
                    }
                }
                ActiveCallState::Other => {}
            }
        }
        if call.is_ringing_inbound(own) {
            out.push(Effect::Ringing {
                call_id: id.to_owned(),
            });
        }
    }
}

/// The innerOn `wsReconnectSucceed` payload (§5.6 step 1).
fn reconnect_message(state: &ClientState, ctx: &EventContext) -> Map {
    let mut message = ui("wsReconnectSucceed").with("agentMode", state.agent_mode);
    if let Some(call) = &state.active_call {
        let mut reported = Map::new()
            .with("callingDevice", call.ani)
            .with("calledDevice", call.dnis)
            .with("state", call.state_text)
            .with("callId", call.call_id);
        if let Some(direction) = call.direction {
            reported.insert("direction", direction);
        }
        if let Some(t) = call.ring_time {
            reported.insert("createTimeId", time_or_now(Some(t), ctx));
        }
        if let Some(t) = call.answer_time {
            reported.insert("establishedTimeId", time_or_now(Some(t), ctx));
        }
        message.insert("activeCall", reported);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::json;

    fn client_state(mode: &str, call: Option<(&str, &str, &str, &str)>) -> Value {
        let mut agent = Map::new()
            .with("agentId", "5001@test.cc")
            .with("extensionId", OWN)
            .with("namespace", "test.cc")
            .with("agentMode", mode)
            .with("agentName", "Li");
        if let Some((state, ani, dnis, direction)) = call {
            agent.insert(
                "activeCall",
                Map::new()
                    .with("callId", "C1")
                    .with("ani", ani)
                    .with("dnis", dnis)
                    .with("state", state)
                    .with("direction", direction)
                    .with("ringTime", "2019.05.09 10:00:00")
                    .with("answerTime", "2019.05.09 10:00:03")
                    .with("otherSide", if direction == "In" { ani } else { dnis }),
            );
        }
        Value::Object(
            Map::new()
                .with("agent", agent)
                .with("extension", Map::new()),
        )
    }

    fn inbound(state: &str) -> Option<(&str, &str, &str, &str)> {
        Some((state, CUSTOMER, OWN, "In"))
    }

    fn recover(m: &mut Model, state: &Value) -> Vec<Effect> {
        let mut out = Vec::new();
        // A context before login: the own device comes from the client state.
        let before_login = EventContext {
            own_device: "",
            ..ctx()
        };
        m.recover(state, &before_login, &mut out);
        out
    }

    fn resync(m: &mut Model, state: &Value, rebuild_ui: bool) -> Vec<Effect> {
        let mut out = Vec::new();
        m.resync(state, rebuild_ui, &ctx(), &mut out);
        out
    }

    fn ringing(out: &[Effect]) -> bool {
        out.iter().any(|e| matches!(e, Effect::Ringing { .. }))
    }

    fn inner_json(out: &[Effect]) -> Value {
        Value::Object(inners(out).into_iter().last().unwrap())
    }

    #[test]
    fn recover_without_a_call() {
        let mut m = Model::new();
        let out = recover(&mut m, &client_state("NotReady", None));
        assert!(m.is_logged_in() && !m.is_allocated());
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"agentLoggedOn","deviceId":"8001@test.cc"}"#,
                r#"{"eventName":"agentNotReady","reason":""}"#
            ]
        );
        assert!(out.contains(&Effect::LoggedOn));
        assert_eq!(
            inner_json(&out),
            json::parse(r#"{"eventName":"recoverStateSuccess","agentId":"5001@test.cc","extensionId":"8001@test.cc","agentMode":"NotReady","agentName":"Li"}"#).unwrap()
        );
        assert!(matches!(out.last(), Some(Effect::Inner(_))));
    }

    #[test]
    fn recover_a_ringing_inbound_call() {
        let mut m = Model::new();
        let out = recover(&mut m, &client_state("Ready", inbound("Alerting")));
        assert_eq!(
            uis(&out)[2],
            r#"{"eventName":"delivered","deviceId":"13800000000@test.cc","device":"13800000000","callId":"C1","isCalling":false,"autoAnswer":true}"#
        );
        assert!(ringing(&out));
        assert!(m.memory().is_ringing_inbound("C1", OWN));
        assert_eq!(
            m.memory().call("C1").unwrap().create_time_id(),
            Some(1_557_367_200_000)
        );
        let call = inner_json(&out).get("call").cloned().unwrap();
        assert_eq!(call.get("state"), Some(&Value::from("delivered")));
        // autoAnswer follows the configuration too.
        let mut m = Model::new();
        let mut out = Vec::new();
        let no_auto = EventContext {
            auto_answer: false,
            ..ctx()
        };
        m.recover(
            &client_state("Ready", inbound("Alerting")),
            &no_auto,
            &mut out,
        );
        assert!(uis(&out)[2].contains(r#""autoAnswer":false"#));
        assert!(ringing(&out), "the client decides whether to answer");
    }

    #[test]
    fn recover_a_connected_call() {
        let mut m = Model::new();
        let out = recover(&mut m, &client_state("Ready", inbound("Connect")));
        let ui = uis(&out);
        assert!(ui[2].contains(r#""autoAnswer":false"#));
        assert_eq!(
            ui[3],
            r#"{"eventName":"established","deviceId":"13800000000@test.cc","device":"13800000000","callId":"C1"}"#
        );
        assert!(!ringing(&out));
        assert_eq!(
            m.memory().own_leg_state("C1", OWN),
            Some(LegState::Connected)
        );
        assert_eq!(
            m.memory().call("C1").unwrap().established_time_id(),
            Some(1_557_367_203_000)
        );
        let call = inner_json(&out).get("call").cloned().unwrap();
        assert_eq!(call.get("state"), Some(&Value::from("established")));
    }

    #[test]
    fn recover_a_held_call() {
        let mut m = Model::new();
        let out = recover(&mut m, &client_state("NotReady", inbound("Hold")));
        let ui = uis(&out);
        assert_eq!(ui.len(), 5);
        assert_eq!(
            ui[4],
            r#"{"eventName":"held","device":"13800000000","deviceId":"13800000000@test.cc"}"#
        );
        assert_eq!(m.memory().own_leg_state("C1", OWN), Some(LegState::Held));
        assert_eq!(
            m.memory().own_leg_state("C1", CUSTOMER),
            Some(LegState::Connected)
        );
        let call = inner_json(&out).get("call").cloned().unwrap();
        assert_eq!(call.get("state"), Some(&Value::from("")));
    }

    #[test]
    fn recover_an_outbound_call_being_placed() {
        let mut m = Model::new();
        let out = recover(
            &mut m,
            &client_state(
                "NotReady",
                Some(("Initiate", OWN, "913800000000@test.cc", "Out")),
            ),
        );
        assert_eq!(
            uis(&out)[2],
            r#"{"eventName":"originated","deviceId":"913800000000@test.cc","device":"913800000000","callId":"C1","isCalling":true}"#
        );
        assert_eq!(
            m.memory().own_leg_state("C1", OWN),
            Some(LegState::Originated)
        );
        assert!(!ringing(&out));
    }

    #[test]
    fn recover_sets_allocation_and_ignores_ended_calls() {
        let mut m = Model::new();
        let out = recover(&mut m, &client_state("Allocated", inbound("Idle")));
        assert!(m.is_allocated());
        assert!(m.memory().is_empty());
        assert_eq!(uis(&out)[1], r#"{"eventName":"agentAllocated"}"#);
        assert!(inner_json(&out).get("call").is_none());
    }

    #[test]
    fn recover_refuses_logout_and_unreadable_states() {
        for state in [
            client_state("Logout", None),
            Value::Null,
            json::parse(r#"{"agent":{}}"#).unwrap(),
            json::parse(r#"{"agent":{"agentMode":"Ready","activeCall":{"callId":"C1"}}}"#).unwrap(),
        ] {
            let mut m = Model::new();
            let out = recover(&mut m, &state);
            assert!(!m.is_logged_in());
            assert!(matches!(out.as_slice(), [Effect::Log { error: true, .. }]));
        }
        assert_eq!(
            ClientState::parse(&json::parse(r#"{"agent":{"agentMode":1}}"#).unwrap()),
            Err(ClientStateError::NoAgentMode)
        );
    }

    #[test]
    fn resync_without_call_removes_every_call() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
                on_call("C1", "held"),
                originated("C2", OWN, PEER),
            ],
        );
        let out = resync(&mut m, &client_state("Ready", None), false);
        assert!(m.memory().is_empty());
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"connectionCleared","deviceId":"13800000000@test.cc","isClearAll":false}"#,
                r#"{"eventName":"connectionCleared","deviceId":"8002@test.cc","isClearAll":true}"#
            ]
        );
        assert_eq!(
            inner_json(&out),
            json::parse(r#"{"eventName":"wsReconnectSucceed","agentMode":"Ready"}"#).unwrap()
        );
        // With a handler: the rebuild UI events; agentReady carries no reason.
        let out = resync(&mut m, &client_state("Ready", None), true);
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"removeUiState"}"#,
                r#"{"eventName":"agentReady"}"#
            ]
        );
    }

    #[test]
    fn resync_keeps_the_reported_call_and_updates_it() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![delivered("C1", CUSTOMER, OWN), delivered("C9", PEER, OWN)],
        );
        let out = resync(&mut m, &client_state("NotReady", inbound("Connect")), true);
        assert_eq!(m.memory().call_ids().collect::<Vec<_>>(), ["C1"]);
        assert_eq!(
            m.memory().own_leg_state("C1", OWN),
            Some(LegState::Connected)
        );
        assert_eq!(
            uis(&out),
            [
                r#"{"eventName":"connectionCleared","deviceId":"8002@test.cc","isClearAll":false}"#,
                r#"{"eventName":"removeUiState"}"#,
                r#"{"eventName":"agentNotReady"}"#,
                r#"{"eventName":"delivered","deviceId":"13800000000@test.cc","device":"13800000000","callId":"C1","isCalling":false,"autoAnswer":false}"#,
                r#"{"eventName":"established","deviceId":"13800000000@test.cc","device":"13800000000","callId":"C1"}"#
            ]
        );
        assert_eq!(
            inner_json(&out),
            json::parse(r#"{"eventName":"wsReconnectSucceed","agentMode":"NotReady","activeCall":{"callingDevice":"13800000000@test.cc","calledDevice":"8001@test.cc","state":"Connect","callId":"C1","direction":"In","createTimeId":1557367200000,"establishedTimeId":1557367203000}}"#).unwrap()
        );
    }

    #[test]
    fn resync_restores_a_ringing_call_without_ui_when_no_handler() {
        let mut m = logged_in();
        let out = resync(&mut m, &client_state("Ready", inbound("Alerting")), false);
        assert!(uis(&out).is_empty());
        assert!(ringing(&out));
        assert!(m.memory().is_ringing_inbound("C1", OWN));
        let out = resync(&mut m, &client_state("Ready", inbound("Alerting")), true);
        assert!(uis(&out)[2].contains(r#""autoAnswer":true"#));
    }

    #[test]
    fn resync_restores_held_and_initiate_calls() {
        let mut m = logged_in();
        run(
            &mut m,
            vec![
                delivered("C1", CUSTOMER, OWN),
                established("C1", CUSTOMER, OWN),
            ],
        );
        let out = resync(&mut m, &client_state("Ready", inbound("Hold")), true);
        assert_eq!(m.memory().own_leg_state("C1", OWN), Some(LegState::Held));
        assert_eq!(
            uis(&out).last().map(String::as_str),
            Some(r#"{"eventName":"held","device":"13800000000","deviceId":"13800000000@test.cc"}"#)
        );

        let mut m = logged_in();
        let out = resync(
            &mut m,
            &client_state(
                "NotReady",
                Some(("Initiate", OWN, "913800000000@test.cc", "Out")),
            ),
            true,
        );
        assert_eq!(
            m.memory().own_leg_state("C1", OWN),
            Some(LegState::Originated)
        );
        assert!(uis(&out)
            .last()
            .unwrap()
            .starts_with(r#"{"eventName":"originated""#));
        assert!(inner_json(&out).get("activeCall").is_some());
    }

    #[test]
    fn resync_with_logout_logs_the_client_out() {
        let mut m = logged_in();
        run(&mut m, vec![delivered("C1", CUSTOMER, OWN)]);
        let out = resync(&mut m, &client_state("Logout", None), true);
        assert!(!m.is_logged_in());
        assert!(m.memory().is_empty());
        assert_eq!(out.first(), Some(&Effect::LoggedOff));
        assert_eq!(uis(&out), [r#"{"eventName":"agentLoggedOff"}"#]);
        assert_eq!(
            inner_json(&out),
            json::parse(r#"{"eventName":"wsReconnectSucceed","agentMode":"Logout"}"#).unwrap()
        );
        // Already logged out: only the payload.
        let out = resync(&mut m, &client_state("Logout", None), true);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn resync_sets_and_clears_allocation_and_refuses_bad_states() {
        let mut m = logged_in();
        resync(&mut m, &client_state("Allocated", None), false);
        assert!(m.is_allocated());
        resync(&mut m, &client_state("Ready", None), false);
        assert!(!m.is_allocated());
        run(&mut m, vec![delivered("C1", CUSTOMER, OWN)]);
        let out = resync(&mut m, &json::parse(r#"{"agent":null}"#).unwrap(), true);
        assert!(matches!(out.as_slice(), [Effect::Log { error: true, .. }]));
        assert!(m.memory().contains("C1"));
    }
}
