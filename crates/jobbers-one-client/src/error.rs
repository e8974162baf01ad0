//! Errors of calls made through a [`Session`](crate::Session), each with the HTTP status when
//! a response arrived.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::hooks::ResponseRecord;
use crate::types;

/// Most characters of a non-JSON error body that [`Error`]'s `Display` shows.
const DISPLAYED_BODY_CHARS: usize = 200;

/// Failure of a call to the Jobbers One API.
///
/// Every failure that happened after the response headers arrived carries the status, and an
/// error response carries its raw body, so an HTML page from a proxy still yields the status
/// and the page.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was not sent: a builder value is missing or invalid, or a path parameter
    /// cannot be put in a URL.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The request or the response did not get through: the connection failed or timed out,
    /// or the body could not be read.
    #[error("communication with the server failed{}: {source}", status_suffix(*.status))]
    Communication {
        /// Status of the response, when its headers arrived before the failure.
        status: Option<StatusCode>,
        /// The transport error.
        source: reqwest::Error,
    },

    /// The server responded with an error status, or with a status that the document does
    /// not list for the operation.
    #[error("{}", describe_response(*.status, .error_body.as_ref(), .body))]
    Response {
        /// Status of the response.
        status: StatusCode,
        /// Headers of the response, boxed to keep `Result<_, Error>` small.
        headers: Box<HeaderMap>,
        /// The body as received.
        body: Bytes,
        /// The body decoded as an `ErrorBody`, or `None` when it is not one.
        error_body: Option<ErrorBody>,
    },

    /// The server responded with a success status and a body that does not decode into the
    /// operation's documented type.
    #[error("response with status {status} has an invalid body: {source}")]
    InvalidResponseBody {
        /// Status of the response.
        status: StatusCode,
        /// The body as received.
        body: Bytes,
        /// The decoding error.
        source: serde_json::Error,
    },

    /// Getting a bearer token from the token endpoint failed, so the call was not sent.
    #[error("requesting a bearer token failed: {0}")]
    Token(#[source] Box<Error>),
}

impl Error {
    /// Returns the HTTP status of the response, or `None` when no response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::InvalidRequest(_) => None,
            Self::Communication { status, .. } => *status,
            Self::Response { status, .. } | Self::InvalidResponseBody { status, .. } => {
                Some(*status)
            }
            Self::Token(source) => source.status(),
        }
    }

    /// Returns the error body of an error response, when the body is an `ErrorBody`.
    pub fn error_body(&self) -> Option<&ErrorBody> {
        match self {
            Self::Response { error_body, .. } => error_body.as_ref(),
            Self::Token(source) => source.error_body(),
            _ => None,
        }
    }

    /// Returns the raw body of the response, when one was read.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::Response { body, .. } | Self::InvalidResponseBody { body, .. } => Some(body),
            Self::Token(source) => source.body(),
            _ => None,
        }
    }

    /// Returns the body of the response as text, with invalid UTF-8 replaced by `�`.
    pub fn body_text(&self) -> Option<String> {
        self.body()
            .map(|body| String::from_utf8_lossy(body).into_owned())
    }

    /// Builds the error of a call from progenitor's error and what the hooks recorded of the
    /// response.
    pub(crate) async fn from_generated(
        error: progenitor_client::Error<types::ErrorBody>,
        record: &ResponseRecord,
    ) -> Self {
        use progenitor_client::Error as Generated;

        match error {
            Generated::InvalidRequest(message) | Generated::Custom(message) => {
                Self::InvalidRequest(message)
            }
            Generated::CommunicationError(source)
            | Generated::InvalidUpgrade(source)
            | Generated::ResponseBodyError(source) => Self::Communication {
                status: source.status().or(record.status),
                source,
            },
            Generated::ErrorResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = match &record.error_response {
                    Some((_, body)) => body.clone(),
                    // The hooks keep every error body, so this only re-encodes the decoded
                    // value if they did not run.
                    None => Bytes::from(serde_json::to_vec(response.as_ref()).unwrap_or_default()),
                };
                Self::response(status, headers, body)
            }
            Generated::InvalidResponsePayload(body, source) => match record.status {
                Some(status) if !status.is_success() => {
                    let headers = record
                        .error_response
                        .as_ref()
                        .map(|(headers, _)| headers.clone())
                        .unwrap_or_default();
                    Self::response(status, headers, body)
                }
                Some(status) => Self::InvalidResponseBody {
                    status,
                    body,
                    source,
                },
                None => Self::InvalidResponseBody {
                    status: StatusCode::OK,
                    body,
                    source,
                },
            },
            Generated::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                match response.bytes().await {
                    Ok(body) => Self::response(status, headers, body),
                    Err(source) => Self::Communication {
                        status: Some(status),
                        source,
                    },
                }
            }
        }
    }

    fn response(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let error_body = serde_json::from_slice(&body).ok();
        Self::Response {
            status,
            headers: Box::new(headers),
            body,
            error_body,
        }
    }
}

fn status_suffix(status: Option<StatusCode>) -> String {
    status.map_or_else(String::new, |status| format!(" after status {status}"))
}

fn describe_response(status: StatusCode, error_body: Option<&ErrorBody>, body: &Bytes) -> String {
    match error_body {
        Some(error_body) => format!("the server returned {status}: {error_body}"),
        None => {
            let text = String::from_utf8_lossy(body);
            let mut shown: String = text.chars().take(DISPLAYED_BODY_CHARS).collect();
            if shown.len() < text.len() {
                shown.push('…');
            }
            format!("the server returned {status} with a body that is not an ErrorBody: {shown:?}")
        }
    }
}

/// Body of an error response, the document's `ErrorBody` schema, decoded so that a title
/// outside the documented set becomes [`ErrorTitle::Other`] instead of a decoding error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// One entry for each problem found.
    pub errors: Vec<ErrorEntry>,
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, entry) in self.errors.iter().enumerate() {
            if index > 0 {
                formatter.write_str("; ")?;
            }
            write!(formatter, "{entry}")?;
        }
        Ok(())
    }
}

/// One problem with a request, the document's `Error` schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// Kind of error.
    pub title: ErrorTitle,
    /// The field or part of the request that caused the error, such as `email`.
    pub source: String,
    /// A readable explanation, in English.
    pub detail: String,
}

impl fmt::Display for ErrorEntry {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} ({}): {}",
            self.title, self.source, self.detail
        )
    }
}

/// Kind of error, the document's `ErrorTitle` enum with a fallback for titles it does not
/// list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorTitle {
    /// `cannot_be_blank`: a required value is missing or empty.
    CannotBeBlank,
    /// `has_already_been_taken`: a unique value is in use.
    HasAlreadyBeenTaken,
    /// `must_be_accepted`: a flag such as `cgu` must be true.
    MustBeAccepted,
    /// `is_invalid`: a value is malformed, out of range or refers to nothing usable.
    IsInvalid,
    /// `does_not_match`: two values disagree, such as a key and its secret.
    DoesNotMatch,
    /// `cannot_be_empty`: a list must not be empty.
    CannotBeEmpty,
    /// A title that the document does not list, as sent.
    Other(String),
}

impl ErrorTitle {
    /// Returns the title as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::CannotBeBlank => "cannot_be_blank",
            Self::HasAlreadyBeenTaken => "has_already_been_taken",
            Self::MustBeAccepted => "must_be_accepted",
            Self::IsInvalid => "is_invalid",
            Self::DoesNotMatch => "does_not_match",
            Self::CannotBeEmpty => "cannot_be_empty",
            Self::Other(title) => title,
        }
    }
}

impl From<&str> for ErrorTitle {
    fn from(title: &str) -> Self {
        match title {
            "cannot_be_blank" => Self::CannotBeBlank,
            "has_already_been_taken" => Self::HasAlreadyBeenTaken,
            "must_be_accepted" => Self::MustBeAccepted,
            "is_invalid" => Self::IsInvalid,
            "does_not_match" => Self::DoesNotMatch,
            "cannot_be_empty" => Self::CannotBeEmpty,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl From<types::ErrorTitle> for ErrorTitle {
    fn from(title: types::ErrorTitle) -> Self {
        Self::from(title.to_string().as_str())
    }
}

impl fmt::Display for ErrorTitle {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Serialize for ErrorTitle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorTitle {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let title = String::deserialize(deserializer)?;
        Ok(Self::from(title.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_title_is_kept() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"errors":[{"title":"is_too_long","source":"email","detail":"too long"}]}"#,
        )
        .unwrap();
        assert_eq!(
            body.errors[0].title,
            ErrorTitle::Other("is_too_long".to_owned())
        );
        assert_eq!(
            serde_json::to_string(&body.errors[0].title).unwrap(),
            "\"is_too_long\""
        );
    }

    #[test]
    fn every_generated_title_maps_to_a_variant() {
        for title in [
            types::ErrorTitle::CannotBeBlank,
            types::ErrorTitle::HasAlreadyBeenTaken,
            types::ErrorTitle::MustBeAccepted,
            types::ErrorTitle::IsInvalid,
            types::ErrorTitle::DoesNotMatch,
            types::ErrorTitle::CannotBeEmpty,
        ] {
            let mapped = ErrorTitle::from(title);
            assert!(
                !matches!(mapped, ErrorTitle::Other(_)),
                "{title} maps to Other"
            );
            assert_eq!(mapped.as_str(), title.to_string());
        }
    }

    #[test]
    fn display_of_html_page_shows_status_and_text() {
        let error = Error::response(
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            Bytes::from_static(b"<html>Bad gateway</html>"),
        );
        assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
        assert!(error.error_body().is_none());
        assert_eq!(
            error.to_string(),
            "the server returned 502 Bad Gateway with a body that is not an ErrorBody: \
             \"<html>Bad gateway</html>\""
        );
    }
}
