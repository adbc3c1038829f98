//! The HTTP server: the REST API, the STOMP WebSocket endpoints, `/admin`, static files, CORS
//! for any origin, and the HTTP fault rules in front of everything but `/admin`.

pub mod admin;
pub mod requests;
pub mod rest;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::broker::external::ExternalBroker;
use crate::broker::{conn, Broker};
use crate::engine::{Clock, Engine};
use crate::faults::Faults;
use crate::pbx::PbxError;
use requests::RequestLog;

/// What every handler shares.
pub struct Shared {
    /// The PBX and its clock.
    pub engine: Arc<Engine>,
    /// The embedded broker (idle when an external one is used).
    pub broker: Arc<Broker>,
    /// The external broker, when `--broker` is set.
    pub external: Option<ExternalBroker>,
    /// Pending fault rules.
    pub faults: Arc<Faults>,
    /// The calls clients made.
    pub requests: RequestLog,
    /// The server's clock.
    pub clock: Clock,
}

/// Handler state.
pub type AppState = Arc<Shared>;

/// The WebSocket paths of the STOMP broker.
pub const WS_PATHS: [&str; 2] = ["/mvc/stomp/websocket", "/ws"];

/// The whole application: API, broker endpoints, admin, files.
pub fn router(state: AppState, www: Option<PathBuf>, mounts: &[(String, PathBuf)]) -> Router {
    let mut app = Router::new()
        .merge(rest::routes())
        .nest("/admin", admin::routes());
    for path in WS_PATHS {
        app = app.route(path, get(websocket));
    }
    for (prefix, dir) in mounts {
        app = app.nest_service(prefix, files(dir));
    }
    let app = match www {
        Some(dir) => app.fallback_service(files(&dir)),
        None => app.fallback(not_found),
    };
    // The record is outside the faults: it keeps the status the client got.
    app.layer(middleware::from_fn_with_state(state.clone(), http_faults))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            requests::record,
        ))
        .layer(cors())
        .with_state(state)
}

/// A directory served with `index.html` for directories and the content types browsers
/// need (`application/wasm` above all, or `WebAssembly.instantiateStreaming` refuses it).
fn files(dir: &std::path::Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(middleware::from_fn(content_type))
}

async fn content_type(request: Request, next: Next) -> Response {
    let ext = request
        .uri()
        .path()
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    let mut response = next.run(request).await;
    let known = match ext.as_deref() {
        Some("wasm") => Some("application/wasm"),
        Some("js" | "mjs") => Some("text/javascript; charset=utf-8"),
        Some("css") => Some("text/css; charset=utf-8"),
        Some("html" | "htm") => Some("text/html; charset=utf-8"),
        Some("json" | "map") => Some("application/json"),
        Some("png") => Some("image/png"),
        _ => None,
    };
    if let (true, Some(ct)) = (response.status().is_success(), known) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    response
}

/// CORS for any origin: the client sends `sessionId` and `Content-Type`, so its calls are
/// preflighted.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(AllowMethods::list([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ]))
        .allow_headers(AllowHeaders::list([
            HeaderName::from_static("sessionid"),
            HeaderName::from_static("content-type"),
        ]))
        .max_age(Duration::from_secs(600))
}

/// Applies the HTTP fault rules to every call but `/admin`.
async fn http_faults(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/admin") || request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let Some(rule) = state.faults.take_http(&path) else {
        return next.run(request).await;
    };
    if let Some(ms) = rule.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    match rule.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) => (
            status,
            Json(json!({ "status": status.as_u16(), "message": "injected fault" })),
        )
            .into_response(),
        None => next.run(request).await,
    }
}

/// `GET /mvc/stomp/websocket` (and `/ws`): the STOMP broker.
async fn websocket(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    if state.external.is_some() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "events are published to the external broker given with --broker",
        )
            .into_response();
    }
    if let Some(why) = state.broker.refusal() {
        return (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    }
    let broker = state.broker.clone();
    upgrade
        .protocols(["v12.stomp", "v11.stomp", "v10.stomp"])
        .on_upgrade(move |socket| conn::serve(socket, broker))
}

async fn not_found() -> Response {
    error(PbxError::NotFound("no such path".into()))
}

/// A refused request: its status and JSON body.
pub(crate) fn error(e: PbxError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(e.body())).into_response();
    if let Some(phrase) = e.reason_phrase() {
        // Without it a 45x goes out as "HTTP/1.1 459 <none>" and jqXHR.statusText reads "<none>".
        if let Ok(phrase) = hyper::ext::ReasonPhrase::try_from(phrase.as_bytes()) {
            response.extensions_mut().insert(phrase);
        }
    }
    response
}

/// 204, no body.
pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
