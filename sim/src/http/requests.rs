//! The record of the HTTP calls clients made (all but `/admin` and CORS preflights), with the
//! status they got, so tests can count what a client sent: an answer sent exactly once, one
//! heartbeat a minute. Read with `GET /admin/requests`, emptied by `DELETE /admin/requests` and
//! `/admin/reset`.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::AppState;

/// The oldest calls are forgotten past this many.
pub const CAPACITY: usize = 10_000;

/// One HTTP call and what it was answered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as sent (percent-encoded), without the query.
    pub path: String,
    /// The query string, without `?`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The status the client got (an injected fault's too).
    pub status: u16,
    /// When the call arrived, in ms since the simulator started.
    pub at_ms: u64,
}

/// The most recent [`CAPACITY`] calls, oldest first.
#[derive(Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    /// Adds a call, forgetting the oldest when full.
    pub fn record(&self, entry: RecordedRequest) {
        let mut entries = self.lock();
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Every call kept, oldest first.
    pub fn entries(&self) -> Vec<RecordedRequest> {
        self.lock().iter().cloned().collect()
    }

    /// The calls as `GET /admin/requests` answers them.
    pub fn view(&self) -> Value {
        serde_json::to_value(self.entries()).unwrap_or(Value::Array(Vec::new()))
    }

    /// Forgets every call.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<RecordedRequest>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware: records every call but `/admin` and preflights, with the status it got.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/admin") || request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_string();
    let query = request.uri().query().map(str::to_string);
    let at_ms = state.clock.ms();
    let response = next.run(request).await;
    state.requests.record(RecordedRequest {
        method,
        path,
        query,
        status: response.status().as_u16(),
        at_ms,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(n: usize) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: format!("/api/{n}"),
            query: None,
            status: 204,
            at_ms: n as u64,
        }
    }

    #[test]
    fn keeps_the_most_recent_calls_in_order() {
        let log = RequestLog::default();
        for n in 0..CAPACITY + 2 {
            log.record(call(n));
        }
        let entries = log.entries();
        assert_eq!(entries.len(), CAPACITY);
        assert_eq!(entries[0], call(2));
        assert_eq!(entries[CAPACITY - 1], call(CAPACITY + 1));
        log.clear();
        assert!(log.entries().is_empty());
    }

    #[test]
    fn the_view_names_fields_as_the_admin_api_does() {
        let log = RequestLog::default();
        log.record(RecordedRequest {
            query: Some("filename=x".into()),
            ..call(7)
        });
        log.record(call(8));
        assert_eq!(
            log.view(),
            serde_json::json!([
                { "method": "POST", "path": "/api/7", "query": "filename=x", "status": 204, "atMs": 7 },
                { "method": "POST", "path": "/api/8", "status": 204, "atMs": 8 },
            ])
        );
    }
}
