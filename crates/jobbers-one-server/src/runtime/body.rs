//! Reading of request bodies: content type, size limit, UTF-8 and JSON.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use http_body_util::BodyExt;
use serde_json::Value;

use super::response::{payload_too_large, unprocessable};

/// Largest request body the API accepts, in bytes (64 KiB), as its `413` response documents.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Bytes of an oversized body that are read and dropped before the `413` is sent, so that the
/// connection closes after the client has finished writing instead of being reset under it.
const MAX_DRAINED_BYTES: usize = 1024 * 1024;

/// Reads a JSON request body.
///
/// A missing `Content-Type` is read as JSON. Errors: `422` for another media type, a charset
/// other than UTF-8, a body that is not UTF-8 or not JSON (an empty body included), `413` for a
/// body over [`MAX_BODY_BYTES`].
pub(crate) async fn read_json_body(headers: &HeaderMap, body: Body) -> Result<Value, Response> {
    check_content_type(headers).map_err(|detail| unprocessable("Content-Type", detail))?;
    let bytes = read_limited(body).await?;

    let text = std::str::from_utf8(&bytes)
        .map_err(|error| unprocessable("body", format!("the body is not valid UTF-8: {error}")))?;
    serde_json::from_str(text)
        .map_err(|error| unprocessable("body", format!("the body is not valid JSON: {error}")))
}

/// Accepts no `Content-Type`, or `application/json` with no charset or `charset=utf-8`, in any
/// case and with any spacing; otherwise returns the error detail.
fn check_content_type(headers: &HeaderMap) -> Result<(), String> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value
        .to_str()
        .map_err(|_| "the Content-Type header is not ASCII, send application/json".to_owned())?;

    let mut parameters = text.split(';');
    let media_type = parameters.next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(format!(
            "the body must be JSON sent as application/json, not {media_type}"
        ));
    }
    for parameter in parameters {
        let Some((name, value)) = parameter.split_once('=') else {
            continue;
        };
        let charset = value.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset") && !charset.eq_ignore_ascii_case("utf-8") {
            return Err(format!("the body must be UTF-8, not charset {charset}"));
        }
    }
    Ok(())
}

/// Collects at most [`MAX_BODY_BYTES`] of `body`; past that, drains up to
/// [`MAX_DRAINED_BYTES`] and returns `413`.
async fn read_limited(mut body: Body) -> Result<Vec<u8>, Response> {
    let mut bytes = Vec::new();
    let mut received = 0_usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            tracing::info!(%error, "failed to read a request body");
            unprocessable("body", format!("the body could not be read: {error}"))
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        received = received.saturating_add(data.len());
        if received > MAX_DRAINED_BYTES {
            break;
        }
        if received <= MAX_BODY_BYTES {
            bytes.extend_from_slice(&data);
        }
    }

    if received > MAX_BODY_BYTES {
        return Err(payload_too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn content_type(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn json_content_types_accepted() {
        for value in [
            "application/json",
            "application/json;charset=utf-8",
            "Application/JSON ; Charset=\"UTF-8\"",
            "application/json; charset=UTF-8",
        ] {
            assert!(check_content_type(&content_type(value)).is_ok(), "{value}");
        }
        assert!(check_content_type(&HeaderMap::new()).is_ok());
    }

    #[test]
    fn other_content_types_rejected() {
        for value in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
        ] {
            assert!(check_content_type(&content_type(value)).is_err(), "{value}");
        }
    }
}
