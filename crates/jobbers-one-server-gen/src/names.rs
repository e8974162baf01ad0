//! Rust names for what the document names: response variants, parameter types and identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// A documented status code: the response variant named after its reason phrase, and the
/// `http::StatusCode` constant that sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Status {
    pub code: u16,
    pub variant: &'static str,
    pub constant: &'static str,
}

/// Status codes the generator can name. The table is explicit, instead of derived from the
/// `http` crate's reason phrases, so that a renamed phrase (RFC 9110 calls 413 "Content Too
/// Large") does not rename a public variant.
const STATUSES: &[Status] = &[
    status(200, "Ok", "OK"),
    status(201, "Created", "CREATED"),
    status(202, "Accepted", "ACCEPTED"),
    status(204, "NoContent", "NO_CONTENT"),
    status(400, "BadRequest", "BAD_REQUEST"),
    status(401, "Unauthorized", "UNAUTHORIZED"),
    status(403, "Forbidden", "FORBIDDEN"),
    status(404, "NotFound", "NOT_FOUND"),
    status(405, "MethodNotAllowed", "METHOD_NOT_ALLOWED"),
    status(409, "Conflict", "CONFLICT"),
    status(413, "PayloadTooLarge", "PAYLOAD_TOO_LARGE"),
    status(415, "UnsupportedMediaType", "UNSUPPORTED_MEDIA_TYPE"),
    status(422, "UnprocessableEntity", "UNPROCESSABLE_ENTITY"),
    status(429, "TooManyRequests", "TOO_MANY_REQUESTS"),
    status(500, "InternalServerError", "INTERNAL_SERVER_ERROR"),
    status(501, "NotImplemented", "NOT_IMPLEMENTED"),
    status(502, "BadGateway", "BAD_GATEWAY"),
    status(503, "ServiceUnavailable", "SERVICE_UNAVAILABLE"),
];

const fn status(code: u16, variant: &'static str, constant: &'static str) -> Status {
    Status {
        code,
        variant,
        constant,
    }
}

/// Looks up the status code written as a `responses` key, such as `"404"`.
pub(crate) fn status_for(key: &str) -> Option<Status> {
    let code: u16 = key.parse().ok()?;
    STATUSES.iter().copied().find(|status| status.code == code)
}

/// Rust type of a path or query parameter, chosen from its schema's `type` and `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarType {
    String,
    I32,
    I64,
    F64,
    Bool,
}

impl ScalarType {
    /// Maps an OpenAPI `type` and `format` to a Rust type; `None` for arrays, objects and
    /// unknown types.
    pub(crate) fn from_openapi(kind: &str, format: Option<&str>) -> Option<Self> {
        match (kind, format) {
            ("string", _) => Some(Self::String),
            ("integer", Some("int32")) => Some(Self::I32),
            ("integer", _) => Some(Self::I64),
            ("number", _) => Some(Self::F64),
            ("boolean", _) => Some(Self::Bool),
            _ => None,
        }
    }

    pub(crate) fn tokens(self) -> TokenStream {
        match self {
            Self::String => quote!(String),
            Self::I32 => quote!(i32),
            Self::I64 => quote!(i64),
            Self::F64 => quote!(f64),
            Self::Bool => quote!(bool),
        }
    }
}

/// Returns the snake_case identifier of an operationId or parameter name
/// (`clientIdOrClientEmail` becomes `client_id_or_client_email`).
pub(crate) fn snake_ident(name: &str) -> Ident {
    Ident::new(&name.to_snake_case(), Span::call_site())
}

/// Returns the UpperCamelCase identifier of an operationId or schema name, with `suffix`
/// appended (`get_client` and `Call` give `GetClientCall`).
pub(crate) fn pascal_ident(name: &str, suffix: &str) -> Ident {
    Ident::new(
        &format!("{}{suffix}", name.to_upper_camel_case()),
        Span::call_site(),
    )
}

/// Tells whether the snake_case form of `name` is a Rust identifier and not a keyword.
pub(crate) fn is_identifier(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(&name.to_snake_case()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table_names_reason_phrases() {
        assert_eq!(
            status_for("413").map(|s| s.variant),
            Some("PayloadTooLarge")
        );
        assert_eq!(status_for("200").map(|s| s.constant), Some("OK"));
        assert_eq!(status_for("default"), None);
        assert_eq!(status_for("4XX"), None);
    }

    #[test]
    fn parameter_names_become_snake_case() {
        assert_eq!(
            snake_ident("clientIdOrClientEmail").to_string(),
            "client_id_or_client_email"
        );
        assert_eq!(
            pascal_ident("get_client", "Call").to_string(),
            "GetClientCall"
        );
    }

    #[test]
    fn keywords_are_not_identifiers() {
        assert!(is_identifier("get_client"));
        assert!(!is_identifier("type"));
        assert!(!is_identifier("1st"));
        assert!(is_identifier("client-id"));
    }
}
