//! The layer around the generated routes and their fallbacks: CORS, panic recovery and the
//! request log, in one service.
//!
//! axum clones a route's whole service stack for every request, and each `from_fn` middleware
//! or `tower-http` layer in that stack adds clones, boxes and header work of its own. One
//! hand-written service does the same jobs with a single boxed future per request.

use std::any::Any;
use std::convert::Infallible;
use std::fmt;
use std::future::{Future, ready};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use futures_util::FutureExt as _;
use tower::{Layer, Service};

use super::response::{internal_server_error, not_found};

/// Origins allowed to call the API from a browser: all of them, because partners authenticate
/// with a bearer header and not with cookies.
const ALLOW_ORIGIN: &str = "*";

/// Request headers that a browser may send: the bearer token and the body's type.
const ALLOW_HEADERS: &str = "authorization,content-type";

/// Seconds that a browser may cache a preflight response.
const PREFLIGHT_MAX_AGE: &str = "3600";

/// Adds the `404` fallback and [`Finish`] to the generated routes; `methods` are the methods
/// of all operations, which preflight responses allow.
///
/// `Router::layer` wraps each route and fallback, so the request log gets the matched path
/// template (never the raw path, which can carry an email).
pub(crate) fn finish_router(routes: Router, methods: &[&str]) -> Router {
    let listed = methods
        .iter()
        .filter(|method| method.parse::<Method>().is_ok())
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    // Method names are ASCII tokens, so the list is always a valid header value.
    let allow_methods = HeaderValue::from_str(&listed).unwrap_or(HeaderValue::from_static(""));
    routes
        .fallback(not_found)
        .layer(FinishLayer { allow_methods })
}

/// Wraps services in [`Finish`].
#[derive(Debug, Clone)]
struct FinishLayer {
    allow_methods: HeaderValue,
}

impl<S> Layer<S> for FinishLayer {
    type Service = Finish<S>;

    fn layer(&self, inner: S) -> Finish<S> {
        Finish {
            inner,
            allow_methods: self.allow_methods.clone(),
        }
    }
}

/// Responds to CORS preflights itself, and for every other request calls the route, turns a panic
/// into a `500`, adds `Access-Control-Allow-Origin` and writes the request log line.
#[derive(Debug, Clone)]
struct Finish<S> {
    inner: S,
    allow_methods: HeaderValue,
}

impl<S> Service<Request> for Finish<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.extensions().get::<MatchedPath>().cloned();

        // Every `OPTIONS` request is a preflight: the document defines no `OPTIONS` operation.
        if method == Method::OPTIONS {
            let response = self.preflight();
            log_request(&method, path.as_ref(), response.status(), started);
            return Box::pin(ready(Ok(response)));
        }

        let called = panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request)));
        Box::pin(async move {
            let finished = match called {
                Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
                Err(panic) => Err(panic),
            };
            let mut response = match finished {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(panic) => respond_to_panic(&*panic),
            };
            response.headers_mut().insert(
                ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static(ALLOW_ORIGIN),
            );
            log_request(&method, path.as_ref(), response.status(), started);
            Ok(response)
        })
    }
}

impl<S> Finish<S> {
    /// Returns `204 No Content` with the CORS headers: no response claims a status with
    /// content but has none.
    fn preflight(&self) -> Response {
        let mut response = Response::new(axum::body::Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(
            ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static(ALLOW_ORIGIN),
        );
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, self.allow_methods.clone());
        headers.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        headers.insert(
            ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(PREFLIGHT_MAX_AGE),
        );
        response
    }
}

/// Logs the panic of a handler and returns `500`. The router checks every client input before
/// a trait method runs, so a panic is a bug of the server or of the trait implementation.
fn respond_to_panic(panic: &(dyn Any + Send)) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic with a non-string payload");
    tracing::error!(panic = message, "a request handler panicked");
    internal_server_error()
}

/// Logs one line per request: method, matched path template, status and latency. Headers and
/// bodies are never logged, because they carry bearer tokens and personal data.
fn log_request(method: &Method, path: Option<&MatchedPath>, status: StatusCode, started: Instant) {
    tracing::info!(
        method = method.as_str(),
        path = path.map_or("(no route)", MatchedPath::as_str),
        status = status.as_u16(),
        latency_ms = %Millis(started.elapsed()),
        "request finished"
    );
}

/// Shows a duration in milliseconds with three decimals, such as `0.085`.
struct Millis(Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.as_micros();
        let fraction = u16::try_from(micros % 1000).unwrap_or(0);
        let digits = [
            b'0' + (fraction / 100) as u8,
            b'0' + (fraction / 10 % 10) as u8,
            b'0' + (fraction % 10) as u8,
        ];
        write!(f, "{}.", micros / 1000)?;
        // Three ASCII digits.
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_with_three_decimals() {
        assert_eq!(Millis(Duration::from_micros(85)).to_string(), "0.085");
        assert_eq!(Millis(Duration::from_micros(12_345)).to_string(), "12.345");
        assert_eq!(Millis(Duration::from_nanos(999)).to_string(), "0.000");
    }
}
