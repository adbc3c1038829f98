//! The platform's REST API (PROTOCOL.md §2): token login, agent state, heartbeat,
//! client-state, call control, user data, recording, prefixes and client-log upload.
//!
//! Every call but the token login needs a valid `sessionId` header (426 otherwise). Success
//! is 204 with no body unless there is something to return (the original client rejects an
//! empty 200).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{error, no_content, AppState};
use crate::pbx::{Participation, PbxError, PbxResult, SessionInfo};

/// The REST routes.
pub fn routes() -> Router<AppState> {
    const CALL: &str = "/api/csta/callControl/calls/{call}";
    Router::new()
        .route("/login", post(token_login))
        .route("/loginTrusted", post(token_login))
        .route("/api/security/login", post(token_login))
        .route("/api/security/loginTrusted", post(token_login))
        .route("/agent/login", post(token_login))
        .route("/api/csta/agent/state", post(agent_state))
        .route("/api/csta/agent/heartbeat/{agent}", post(heartbeat))
        .route("/api/csta/agent/client-state", get(client_state))
        .route("/api/csta/callControl/calls", post(make_call))
        .route(
            &format!("{CALL}/connections/{{conn}}"),
            delete(drop_connection),
        )
        .route(
            &format!("{CALL}/connections/{{conn}}/{{action}}"),
            post(connection_action),
        )
        .route(&format!("{CALL}/agentGreeting"), post(agent_greeting))
        .route(&format!("{CALL}/user-data"), post(set_user_data))
        .route(&format!("{CALL}/user-data/"), get(get_all_user_data))
        .route(&format!("{CALL}/user-data/{{key}}"), get(get_user_data))
        .route(&format!("{CALL}/spy"), post(spy))
        .route("/api/csta/callControl/recording/{action}", post(recording))
        .route(
            "/api/csta/outbound/release/{agent}",
            post(release_allocated),
        )
        .route(
            "/api/operation/operation/tenants/{domain}/agents/{agent}",
            get(prefixes),
        )
        .route("/client-log/upload", post(upload_log))
        .route("/client-log/download", get(download_log))
}

/// The `sessionId` header, checked.
fn session(
    state: &AppState,
    headers: &HeaderMap,
    fallback: Option<&str>,
) -> PbxResult<SessionInfo> {
    let header = headers
        .get("sessionid")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.trim().is_empty());
    let id = header.or(fallback);
    state.engine.run(|pbx, _| pbx.session(id))
}

fn parse_body(bytes: &Bytes) -> PbxResult<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| PbxError::bad(format!("body is not JSON: {e}")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(PbxError::bad("body must be a JSON object"))
    }
}

fn text<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

fn required<'a>(body: &'a Value, key: &str) -> PbxResult<&'a str> {
    text(body, key)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| PbxError::bad(format!("{key} is missing")))
}

fn finish(result: PbxResult<Option<Value>>) -> Response {
    match result {
        Ok(None) => no_content(),
        Ok(Some(v)) => Json(v).into_response(),
        Err(e) => error(e),
    }
}

async fn token_login(State(state): State<AppState>, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let result = state.engine.run(|pbx, now| {
        pbx.token_login(
            now,
            field("username"),
            field("password"),
            field("namespace"),
        )
    });
    finish(result.map(|id| Some(json!({ "sessionId": id }))))
}

async fn agent_state(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    finish(agent_state_inner(&state, &headers, &body))
}

fn agent_state_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> PbxResult<Option<Value>> {
    let body = parse_body(body)?;
    let s = session(state, headers, text(&body, "sessionId"))?;
    let agent = text(&body, "agentId").or_else(|| text(&body, "loginId"));
    let device = text(&body, "device");
    match text(&body, "func") {
        Some("Login") => {
            let login_id = required(&body, "loginId")?;
            let device = required(&body, "device")?;
            state
                .engine
                .run(|pbx, now| {
                    pbx.agent_login(
                        now,
                        &s,
                        login_id,
                        device,
                        text(&body, "password"),
                        text(&body, "agentMode"),
                    )
                })
                .map(|()| None)
        }
        Some("Logout") => state
            .engine
            .run(|pbx, now| pbx.agent_logout(now, &s, agent, device))
            .map(|()| None),
        Some("SetState") => {
            let mode = required(&body, "agentMode")?;
            let reason = text(&body, "reason").unwrap_or("");
            state
                .engine
                .run(|pbx, now| pbx.agent_set_state(now, &s, agent, device, mode, reason))
        }
        Some(other) => Err(PbxError::bad(format!("unknown func {other}"))),
        None => Err(PbxError::bad("func is missing")),
    }
}

async fn heartbeat(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(agent): Path<String>,
) -> Response {
    let result = session(&state, &headers, None)
        .and_then(|s| state.engine.run(|pbx, now| pbx.heartbeat(now, &s, &agent)));
    finish(result.map(|()| None))
}

async fn client_state(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = session(&state, &headers, None)
        .and_then(|s| state.engine.run(|pbx, now| pbx.client_state(now, &s)));
    finish(result.map(Some))
}

async fn make_call(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let body = parse_body(&body)?;
        let from = required(&body, "from")?;
        let to = required(&body, "to")?;
        let cpa = matches!(body.get("cpa"), Some(v) if v == "1" || v == 1);
        let id = state
            .engine
            .run(|pbx, now| pbx.make_call(now, &s, from, to, cpa))?;
        Ok(Some(json!({ "callId": id })))
    })();
    finish(result)
}

/// `<device>|<callId>` of the path, checked against the path's call id.
fn device_of(conn: &str, call: &str) -> PbxResult<String> {
    let (device, conn_call) = conn
        .rsplit_once('|')
        .ok_or_else(|| PbxError::bad(format!("connection id {conn} is not <device>|<callId>")))?;
    if conn_call != call {
        return Err(PbxError::bad(format!(
            "connection {conn} is not in call {call}"
        )));
    }
    Ok(device.to_string())
}

async fn drop_connection(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((call, conn)): Path<(String, String)>,
) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let device = device_of(&conn, &call)?;
        state
            .engine
            .run(|pbx, now| pbx.drop_connection(now, &s, &call, &device))?;
        Ok(None)
    })();
    finish(result)
}

async fn connection_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((call, conn, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let device = device_of(&conn, &call)?;
        let body = parse_body(&body)?;
        let engine = &state.engine;
        match action.as_str() {
            "answer" => engine.run(|p, now| p.answer(now, &s, &call, &device))?,
            "hold" => engine.run(|p, now| p.hold(now, &s, &call, &device))?,
            "retrieve" => engine.run(|p, now| p.retrieve(now, &s, &call, &device))?,
            "consult" => {
                let to = required(&body, "consultationParticipant")?;
                let id = engine.run(|p, now| p.consult(now, &s, &call, &device, to))?;
                return Ok(Some(json!({ "callId": id })));
            }
            "conference" => {
                let consult = required(&body, "consultCallId")?;
                engine.run(|p, now| p.conference(now, &s, &call, &device, consult))?
            }
            "cancelConsult" => {
                let consult = required(&body, "consultCallId")?;
                engine.run(|p, now| p.cancel_consult(now, &s, &call, &device, consult))?
            }
            "transfer" | "transferAndWait" => {
                let consult = required(&body, "consultCallId")?;
                let wait = action == "transferAndWait";
                engine.run(|p, now| p.transfer(now, &s, &call, &device, consult, wait))?
            }
            "singleStepTransfer" => {
                let to = required(&body, "transferTo")?;
                engine.run(|p, now| p.single_step_transfer(now, &s, &call, &device, to))?
            }
            "singleStepTransferCallAndWait" => {
                let ivr = required(&body, "transferTo")?;
                engine
                    .run(|p, now| p.single_step_transfer_and_wait(now, &s, &call, &device, ivr))?
            }
            "singleStepConference" => {
                let to = required(&body, "conferenceParticipant")?;
                let how = match text(&body, "participationType").unwrap_or("Active") {
                    "Active" | "" => Participation::Active,
                    "Silent" => Participation::Silent,
                    other => return Err(PbxError::bad(format!("participationType {other}"))),
                };
                engine.run(|p, now| p.single_step_conference(now, &s, &call, &device, to, how))?
            }
            other => {
                return Err(PbxError::NotFound(format!(
                    "no connection operation {other}"
                )))
            }
        }
        Ok(None)
    })();
    finish(result)
}

async fn agent_greeting(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(call): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let body = parse_body(&body)?;
        let device = required(&body, "deviceId")?;
        required(&body, "agentId")?;
        state
            .engine
            .run(|pbx, now| pbx.agent_greeting(now, &s, &call, device))?;
        Ok(None)
    })();
    finish(result)
}

async fn set_user_data(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(call): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let body = parse_body(&body)?;
        let entries = body.get("entries").cloned().unwrap_or_else(|| json!({}));
        state
            .engine
            .run(|pbx, now| pbx.set_call_data(now, &s, &call, &entries))?;
        Ok(None)
    })();
    finish(result)
}

async fn get_all_user_data(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(call): Path<String>,
) -> Response {
    user_data(&state, &headers, &call, "")
}

async fn get_user_data(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((call, key)): Path<(String, String)>,
) -> Response {
    user_data(&state, &headers, &call, &key)
}

fn user_data(state: &AppState, headers: &HeaderMap, call: &str, key: &str) -> Response {
    let result = session(state, headers, None).and_then(|s| {
        state
            .engine
            .run(|pbx, now| pbx.get_call_data(now, &s, call, key))
    });
    finish(result.map(Some))
}

async fn spy(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(call): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let device = query
            .get("deviceId")
            .filter(|d| !d.is_empty())
            .ok_or_else(|| PbxError::bad("deviceId is missing"))?;
        state
            .engine
            .run(|pbx, now| pbx.spy(now, &s, &call, device))?;
        Ok(None)
    })();
    finish(result)
}

async fn recording(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(action): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let result = (|| {
        let s = session(&state, &headers, None)?;
        let start = match action.as_str() {
            "Start" | "start" => true,
            "Stop" | "stop" => false,
            other => return Err(PbxError::NotFound(format!("no recording action {other}"))),
        };
        let extension = query
            .get("extension")
            .filter(|d| !d.is_empty())
            .ok_or_else(|| PbxError::bad("extension is missing"))?;
        state
            .engine
            .run(|pbx, now| pbx.recording(now, &s, start, extension))?;
        Ok(None)
    })();
    finish(result)
}

async fn release_allocated(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(agent): Path<String>,
) -> Response {
    let result = session(&state, &headers, None).and_then(|s| {
        state
            .engine
            .run(|pbx, now| pbx.release_allocated(now, &s, &agent))
    });
    finish(result.map(|()| None))
}

async fn prefixes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((domain, agent)): Path<(String, String)>,
) -> Response {
    let result = session(&state, &headers, None).and_then(|s| {
        state
            .engine
            .run(|pbx, _| pbx.agent_trunks(&s, &domain, &agent))
    });
    finish(result.map(Some))
}

async fn upload_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let result = (|| {
        session(&state, &headers, None)?;
        let name = query
            .get("filename")
            .filter(|n| !n.is_empty())
            .ok_or_else(|| PbxError::bad("filename is missing"))?;
        let text = String::from_utf8_lossy(&body).into_owned();
        state.engine.run(|pbx, _| pbx.store_client_log(name, text));
        Ok(None)
    })();
    finish(result)
}

async fn download_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = session(&state, &headers, None) {
        return error(e);
    }
    let name = query.get("filename").cloned().unwrap_or_default();
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
