//! Fault injection for testing partner code: added latency, maintenance mode, random failures.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;

use super::api::error_body;
use crate::domain::Problem;

/// Faults applied to every API call except CORS preflights.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// Delay added before each call is handled.
    pub latency: Duration,
    /// Maintenance mode: every call gets `503`.
    pub maintenance: bool,
    /// Share of calls, from 0 to 1, that fail with `500` or `503` (half each, on average).
    pub fail_rate: f64,
}

impl Faults {
    /// Tells whether no fault is configured.
    pub fn is_none(&self) -> bool {
        *self == Self::default()
    }
}

/// Delays, fails or passes on one API call according to `faults`.
pub(super) async fn inject(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let injected = if faults.maintenance {
        Some(unavailable())
    } else if faults.fail_rate > 0.0 && rand::rng().random_bool(faults.fail_rate.clamp(0.0, 1.0)) {
        Some(if rand::rng().random_bool(0.5) {
            server_error()
        } else {
            unavailable()
        })
    } else {
        None
    };
    let Some(response) = injected else {
        return next.run(request).await;
    };

    // The generated router does not receive this call, so the request log line is written here.
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    tracing::info!(
        method = %request.method(),
        path,
        status = response.status().as_u16(),
        "request answered by fault injection"
    );
    response
}

/// Seconds that the `Retry-After` header of a `503` gives a client before it repeats the call.
const RETRY_AFTER_SECONDS: &str = "30";

/// Returns the document's `503`. Random failures send it too, as the real API's outages do, so
/// that partner code and contract tests meet the documented body.
fn unavailable() -> Response {
    let problem = Problem::invalid(
        "server",
        "the service is offline for maintenance, try again later",
    );
    let mut response = json_error(StatusCode::SERVICE_UNAVAILABLE, problem);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response
}

fn server_error() -> Response {
    let problem = Problem::invalid("server", "an internal error occurred, try again later");
    json_error(StatusCode::INTERNAL_SERVER_ERROR, problem)
}

/// Builds an error response with the headers the router's responses carry. An injected failure
/// never passes through the router's CORS layer, so `Access-Control-Allow-Origin` is set here
/// and browser code reads the failure instead of a network error.
fn json_error(status: StatusCode, problem: Problem) -> Response {
    let body = serde_json::to_vec(&error_body(vec![problem])).unwrap_or_default();
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json;charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}
