//! The administrator's API under `/admin`: scripted parties, inspection, settings and the
//! fault knobs. JSON in and out; documented with curl examples in `sim/README.md`.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{error, no_content, AppState};
use crate::faults::{EventRule, HttpRule};
use crate::pbx::{AgentPatch, Behavior, InboundCall, PbxError, PbxResult, TenantPatch};

/// The `/admin` routes (to be nested under `/admin`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/status", get(status))
        .route("/agents", get(agents))
        .route("/agents/{agent}", patch(patch_agent))
        .route("/agents/{agent}/logout", post(logout_agent))
        .route("/agents/{agent}/allocate", post(allocate_agent))
        .route("/devices", get(devices))
        .route("/devices/{device}/behavior", put(set_behavior))
        .route("/devices/{device}/register", post(register))
        .route("/devices/{device}/unregister", post(unregister))
        .route("/tenants/{domain}", patch(patch_tenant))
        .route("/calls", get(calls).post(inbound_call))
        .route("/calls/{call}/answer", post(answer))
        .route("/calls/{call}/hangup", post(hangup))
        .route("/client-logs", get(client_logs))
        .route("/client-logs/{name}", get(client_log))
        .route("/connections", get(connections))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/reset", post(reset))
        .route("/faults", get(faults).delete(clear_faults))
        .route("/faults/http", post(fault_http))
        .route("/faults/events", post(fault_events))
        .route("/faults/ws/drop", post(fault_ws_drop))
        .route("/faults/ws/refuse", post(fault_ws_refuse))
        .route("/broker/stop", post(broker_stop))
        .route("/broker/start", post(broker_start))
}

fn parse<T: for<'de> Deserialize<'de> + Default>(bytes: &Bytes) -> PbxResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| PbxError::bad(format!("bad request body: {e}")))
}

fn done(result: PbxResult<()>) -> Response {
    match result {
        Ok(()) => no_content(),
        Err(e) => error(e),
    }
}

fn data(result: PbxResult<Value>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e),
    }
}

async fn status(State(state): State<AppState>) -> Response {
    let external = state.external.as_ref().map(|x| x.is_connected());
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "uptimeMs": state.clock.ms(),
        "broker": {
            "embedded": state.external.is_none(),
            "running": state.broker.is_running(),
            "connections": state.broker.connection_count(),
            "externalConnected": external,
        },
    }))
    .into_response()
}

async fn agents(State(state): State<AppState>) -> Response {
    Json(state.engine.run(|pbx, _| pbx.agents_view())).into_response()
}

async fn patch_agent(
    State(state): State<AppState>,
    Path(agent): Path<String>,
    body: Bytes,
) -> Response {
    done(
        parse::<AgentPatch>(&body)
            .and_then(|p| state.engine.run(|pbx, _| pbx.patch_agent(&agent, p))),
    )
}

async fn logout_agent(State(state): State<AppState>, Path(agent): Path<String>) -> Response {
    done(state.engine.run(|pbx, now| pbx.force_logout(now, &agent)))
}

async fn allocate_agent(State(state): State<AppState>, Path(agent): Path<String>) -> Response {
    done(state.engine.run(|pbx, now| pbx.allocate(now, &agent)))
}

async fn devices(State(state): State<AppState>) -> Response {
    Json(state.engine.run(|pbx, _| pbx.devices_view())).into_response()
}

async fn set_behavior(
    State(state): State<AppState>,
    Path(device): Path<String>,
    body: Bytes,
) -> Response {
    done(parse::<Behavior>(&body).and_then(|b| {
        state
            .engine
            .run(|pbx, now| pbx.set_behavior(now, &device, b))
    }))
}

async fn register(State(state): State<AppState>, Path(device): Path<String>) -> Response {
    done(
        state
            .engine
            .run(|pbx, now| pbx.set_registered(now, &device, true)),
    )
}

async fn unregister(State(state): State<AppState>, Path(device): Path<String>) -> Response {
    done(
        state
            .engine
            .run(|pbx, now| pbx.set_registered(now, &device, false)),
    )
}

async fn patch_tenant(
    State(state): State<AppState>,
    Path(domain): Path<String>,
    body: Bytes,
) -> Response {
    done(
        parse::<TenantPatch>(&body)
            .and_then(|p| state.engine.run(|pbx, _| pbx.patch_tenant(&domain, p))),
    )
}

async fn calls(State(state): State<AppState>) -> Response {
    Json(state.engine.run(|pbx, _| pbx.calls_view())).into_response()
}

/// `POST /admin/calls`: an outside caller dials a queue or an extension.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewCall {
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    answer_after_ms: Option<u64>,
    #[serde(default)]
    hangup_after_ms: Option<u64>,
    #[serde(default)]
    user_data: Map<String, Value>,
    #[serde(default)]
    call_type: Option<String>,
}

async fn inbound_call(State(state): State<AppState>, body: Bytes) -> Response {
    let result = parse::<NewCall>(&body).and_then(|c| {
        let req = InboundCall {
            tenant: c.tenant,
            from: c.from,
            to: c.to,
            answer_after_ms: c.answer_after_ms,
            hangup_after_ms: c.hangup_after_ms,
            user_data: c.user_data,
            call_type: c.call_type,
        };
        state.engine.run(|pbx, now| pbx.inbound_call(now, req))
    });
    data(result.map(|id| json!({ "callId": id })))
}

/// `{device?}` of the answer and hang-up actions.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PartyRef {
    #[serde(default)]
    device: Option<String>,
}

async fn answer(State(state): State<AppState>, Path(call): Path<String>, body: Bytes) -> Response {
    done(parse::<PartyRef>(&body).and_then(|p| {
        state
            .engine
            .run(|pbx, now| pbx.admin_answer(now, &call, p.device.as_deref()))
    }))
}

async fn hangup(State(state): State<AppState>, Path(call): Path<String>, body: Bytes) -> Response {
    done(parse::<PartyRef>(&body).and_then(|p| {
        state
            .engine
            .run(|pbx, now| pbx.admin_hangup(now, &call, p.device.as_deref()))
    }))
}

async fn client_logs(State(state): State<AppState>) -> Response {
    let logs: Vec<Value> = state
        .engine
        .run(|pbx, _| pbx.client_logs())
        .into_iter()
        .map(|(name, bytes)| json!({ "filename": name, "bytes": bytes }))
        .collect();
    Json(Value::Array(logs)).into_response()
}

async fn client_log(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state
        .engine
        .run(|pbx, _| pbx.client_log(&name).map(str::to_string))
    {
        Some(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
        None => error(PbxError::NotFound(format!("no client log {name}"))),
    }
}

async fn connections(State(state): State<AppState>) -> Response {
    Json(state.broker.view()).into_response()
}

/// `GET /admin/requests`: the HTTP calls clients made, oldest first.
async fn requests(State(state): State<AppState>) -> Response {
    Json(state.requests.view()).into_response()
}

async fn clear_requests(State(state): State<AppState>) -> Response {
    state.requests.clear();
    no_content()
}

async fn reset(State(state): State<AppState>) -> Response {
    state.engine.run(|pbx, now| pbx.reset(now));
    state.faults.clear();
    state.requests.clear();
    state.broker.start();
    no_content()
}

async fn faults(State(state): State<AppState>) -> Response {
    Json(state.faults.view()).into_response()
}

async fn clear_faults(State(state): State<AppState>) -> Response {
    state.faults.clear();
    no_content()
}

async fn fault_http(State(state): State<AppState>, body: Bytes) -> Response {
    match serde_json::from_slice::<HttpRule>(&body) {
        Ok(rule) => {
            state.faults.add_http(rule);
            no_content()
        }
        Err(e) => error(PbxError::bad(format!("bad request body: {e}"))),
    }
}

async fn fault_events(State(state): State<AppState>, body: Bytes) -> Response {
    match serde_json::from_slice::<EventRule>(&body) {
        Ok(rule) => {
            state.faults.add_events(rule);
            no_content()
        }
        Err(e) => error(PbxError::bad(format!("bad request body: {e}"))),
    }
}

/// `{agentId?}` of the drop knob.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DropRequest {
    #[serde(default)]
    agent_id: Option<String>,
}

async fn fault_ws_drop(State(state): State<AppState>, body: Bytes) -> Response {
    match parse::<DropRequest>(&body) {
        Ok(r) => Json(json!({ "dropped": state.broker.drop_connections(r.agent_id.as_deref()) }))
            .into_response(),
        Err(e) => error(e),
    }
}

/// `{seconds}` of the refuse knob.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefuseRequest {
    #[serde(default)]
    seconds: f64,
}

async fn fault_ws_refuse(State(state): State<AppState>, body: Bytes) -> Response {
    match parse::<RefuseRequest>(&body) {
        Ok(r) if r.seconds.is_finite() && r.seconds >= 0.0 => {
            state.broker.refuse_for(Duration::from_secs_f64(r.seconds));
            no_content()
        }
        Ok(_) => error(PbxError::bad("seconds must be a positive number")),
        Err(e) => error(e),
    }
}

async fn broker_stop(State(state): State<AppState>) -> Response {
    Json(json!({ "closed": state.broker.stop() })).into_response()
}

async fn broker_start(State(state): State<AppState>) -> Response {
    state.broker.start();
    no_content()
}
