//! JSON responses, and the error responses that the router sends before any trait method runs.

use std::future::{Ready, ready};

use axum::body::Body;
use axum::http::header::{ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;

use crate::types::{Error, ErrorBody, ErrorTitle};

/// Content type of every response with a body, as the document states it.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// Serializes `body` into a response with `status` and the JSON content type.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => json_bytes_response(status, bytes),
        Err(error) => {
            tracing::error!(%error, status = status.as_u16(), "failed to serialize a response body");
            internal_server_error()
        }
    }
}

fn json_bytes_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    response
}

/// Builds one entry of an error body.
pub(crate) fn error(title: ErrorTitle, source: &str, detail: impl Into<String>) -> Error {
    Error {
        title,
        source: source.to_owned(),
        detail: detail.into(),
    }
}

/// Sends `errors` as an `ErrorBody` with `status`.
pub(crate) fn error_response(status: StatusCode, errors: Vec<Error>) -> Response {
    json_response(status, &ErrorBody { errors })
}

/// `401` for a missing, malformed or unknown bearer token.
///
/// `WWW-Authenticate: Bearer` names the scheme the call needs, as RFC 6750 requires of a `401`.
pub(crate) fn unauthorized() -> Response {
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        vec![error(
            ErrorTitle::IsInvalid,
            "Authorization",
            "the bearer token is missing, unknown or expired",
        )],
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// `404` for a path that is not an endpoint of the API.
pub(crate) async fn not_found(uri: Uri) -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        vec![error(
            ErrorTitle::IsInvalid,
            "path",
            format!("{} is not an endpoint of the API", uri.path()),
        )],
    )
}

/// Returns the fallback of a path's method router: `405` with an `Allow` header that lists
/// `allowed`, the documented methods of the path, and `HEAD` after `GET`, because axum serves
/// `HEAD` on every `GET` route.
pub(crate) fn method_not_allowed(
    allowed: &'static [&'static str],
) -> impl Fn(Method) -> Ready<Response> + Clone + Send + Sync + 'static {
    move |method: Method| ready(method_not_allowed_response(&method, allowed))
}

fn method_not_allowed_response(method: &Method, allowed: &[&str]) -> Response {
    let detail = format!(
        "method {method} is not allowed on this path, use {}",
        list_in_words(allowed)
    );
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        vec![error(ErrorTitle::IsInvalid, "method", detail)],
    );
    let mut served = Vec::with_capacity(allowed.len() + 1);
    for method in allowed {
        served.push(*method);
        if *method == "GET" {
            served.push("HEAD");
        }
    }
    if let Ok(value) = HeaderValue::from_str(&served.join(", ")) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

/// Joins `GET`, `POST` and `DELETE` as `GET, POST or DELETE`.
fn list_in_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `413` for a request body over [`crate::MAX_BODY_BYTES`].
pub(crate) fn payload_too_large() -> Response {
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        vec![error(
            ErrorTitle::IsInvalid,
            "body",
            format!(
                "the request body is larger than {} bytes",
                super::MAX_BODY_BYTES
            ),
        )],
    )
}

/// `422` for a message that cannot be decoded; `source` is `body` or `Content-Type`.
pub(crate) fn unprocessable(source: &str, detail: String) -> Response {
    error_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        vec![error(ErrorTitle::IsInvalid, source, detail)],
    )
}

/// `500` for a failure of the server itself, whose cause the caller has logged.
pub(crate) fn internal_server_error() -> Response {
    let body = br#"{"errors":[{"title":"is_invalid","source":"server","detail":"an internal error occurred, try again later"}]}"#;
    json_bytes_response(StatusCode::INTERNAL_SERVER_ERROR, body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_listed_in_words() {
        assert_eq!(list_in_words(&["GET"]), "GET");
        assert_eq!(list_in_words(&["GET", "POST"]), "GET or POST");
        assert_eq!(
            list_in_words(&["GET", "POST", "DELETE"]),
            "GET, POST or DELETE"
        );
    }
}
