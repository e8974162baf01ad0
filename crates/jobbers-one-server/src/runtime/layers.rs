//! The layers around the generated routes: `404` fallback, CORS, panic recovery and request
//! logging.

use std::any::Any;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::response::{internal_server_error, not_found};

/// How long a browser may cache a CORS preflight response.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(3600);

/// Adds the `404` fallback and the layers to the generated routes; `methods` are the methods
/// of all operations, which CORS preflight responses allow.
///
/// `Router::layer` wraps each route, so the logging layer sees the matched path template
/// (never the raw path, which can carry an email).
pub(crate) fn finish_router(routes: Router, methods: &[&str]) -> Router {
    let methods: Vec<Method> = methods
        .iter()
        .filter_map(|method| method.parse().ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(methods)
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .max_age(PREFLIGHT_MAX_AGE);

    // axum boxes a route again for each `Router::layer` call and clones the boxed service for
    // every request, so the layers are composed first: one clone per request, not four.
    // `ServiceBuilder` applies its first layer outermost, so the log sees every response.
    let layers = ServiceBuilder::new()
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn(finish_preflight))
        .layer(cors)
        .layer(CatchPanicLayer::custom(respond_to_panic));
    routes.fallback(not_found).layer(layers)
}

/// Logs the panic of a handler and returns `500`. The router checks every client input before
/// a trait method runs, so a panic is a bug of the server or of the trait implementation.
fn respond_to_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic with a non-string payload");
    tracing::error!(panic = message, "a request handler panicked");
    internal_server_error()
}

/// Turns the CORS layer's `200` with an empty body into `204 No Content`, so that no response
/// claims a status with content but has none.
async fn finish_preflight(request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if preflight && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

/// Logs one line per request: method, matched path template, status and latency. Headers and
/// bodies are never logged, because they carry bearer tokens and personal data.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.extensions().get::<MatchedPath>().map_or_else(
        || "(no route)".to_owned(),
        |matched| matched.as_str().to_owned(),
    );
    let started = Instant::now();

    let response = next.run(request).await;

    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms,
        "request finished"
    );
    response
}
