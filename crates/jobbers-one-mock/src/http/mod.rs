//! The HTTP face of the sandbox: the generated router around [`api::MockApi`], fault injection
//! in front of it, and the routes the API does not describe (autologin landing pages, the
//! OpenAPI document, interactive docs).

mod api;
mod faults;
mod pages;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;

pub use api::MockApi;
pub use faults::Faults;

use crate::domain::Sandbox;

/// Builds the whole application: the API under `/oneapi`, with `faults` applied to it, and the
/// sandbox's own pages. Autologin URLs point to `base_url`.
///
/// The generated router logs its own requests, so only the pages get `log_request`, and the
/// fault injection logs the calls that it fails itself.
pub fn app(sandbox: Arc<Sandbox>, base_url: &str, faults: Faults) -> axum::Router {
    let api = jobbers_one_server::router(MockApi::new(Arc::clone(&sandbox), base_url));
    // Without faults the layer would only cost each call a clone and a boxed future.
    let api = if faults.is_none() {
        api
    } else {
        api.layer(middleware::from_fn_with_state(faults, faults::inject))
    };
    let pages = pages::router(sandbox).layer(middleware::from_fn(log_request));
    api.merge(pages)
}

/// Logs one line per request: method, matched path, status and latency. The path is the
/// route's template, so no token in a query string reaches the log.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |path| path.as_str().to_owned());
    let start = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = %format_args!("{:.3}", start.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    response
}
