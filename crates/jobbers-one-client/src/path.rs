//! Encoding of path parameters, and the check that a request URL still has its operation's
//! path template.
//!
//! The generated code builds each URL as `format!("{base}/…/{}", encode_path(&value))`,
//! naming the function `progenitor_client::encode_path`. This crate renames the
//! progenitor-client dependency and provides a `progenitor_client` module in which
//! `encode_path` is [`encode_path`] below, so every path parameter of every operation goes
//! through it without any change to the generated code.
//!
//! progenitor-client 0.15.1's own `encode_path` leaves `+`, `@` and `\` as they are. The
//! Jobbers server decodes paths the PHP way, where `+` is a space, and the `url` crate under
//! reqwest turns `\` into `/` in `http` URLs. A hook that rewrote the URL after it was built
//! could fix `+` but not `\`, because by then the backslash is a path separator, so the fix
//! sits here, before the URL is parsed.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes that a path parameter sends as they are: the RFC 3986 unreserved characters. Every
/// other byte of the UTF-8 text is sent as `%XX`, which PHP's `urldecode` and RFC 3986
/// percent-decoding both turn back into the same byte.
const SENT_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path parameter so that the server decodes it back to `value`, with
/// `+` as `%2B`, `@` as `%40`, `/` as `%2F` and `%` as `%25`.
pub fn encode_path(value: &str) -> String {
    utf8_percent_encode(value, SENT_ENCODED).to_string()
}

/// Checks that `path`, the path of a built request, ends with `template` with each
/// `{parameter}` filled by a non-empty segment.
///
/// URL parsing removes a segment that is `.` or `..` (with the one before it), including
/// their encoded forms `%2E` and `%2E%2E`, so a path parameter made only of dots cannot reach
/// the server. A request whose path lost a segment that way fails this check and is not sent,
/// instead of reaching another endpoint.
pub(crate) fn check_path(path: &str, template: &str, operation_id: &str) -> Result<(), String> {
    // Both start with `/`, so their segments are compared without the empty first one.
    let expected: Vec<&str> = template.split('/').skip(1).collect();
    let actual: Vec<&str> = path.split('/').skip(1).collect();
    let mismatch = || {
        format!(
            "request path {path} of operation {operation_id} does not match its template \
             {template}: a path parameter that is `.` or `..` cannot be sent, because URL \
             parsing removes such segments"
        )
    };

    // The base URL may add leading segments, such as `/api`, before the template.
    let Some(offset) = actual.len().checked_sub(expected.len()) else {
        return Err(mismatch());
    };
    for (template_segment, segment) in expected.iter().zip(&actual[offset..]) {
        let is_parameter = template_segment.starts_with('{') && template_segment.ends_with('}');
        let matches = if is_parameter {
            !segment.is_empty()
        } else {
            template_segment == segment
        };
        if !matches {
            return Err(mismatch());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_plus_at_and_slash() {
        assert_eq!(
            encode_path("client+1@clients.jobbers.com"),
            "client%2B1%40clients.jobbers.com"
        );
        assert_eq!(encode_path("a%2Fb/c"), "a%252Fb%2Fc");
        assert_eq!(encode_path("first last"), "first%20last");
        assert_eq!(encode_path("back\\slash"), "back%5Cslash");
    }

    #[test]
    fn encodes_non_ascii_as_utf8() {
        assert_eq!(encode_path("ü"), "%C3%BC");
    }

    #[test]
    fn keeps_unreserved_characters() {
        assert_eq!(encode_path("AZaz09-._~"), "AZaz09-._~");
    }

    #[test]
    fn check_accepts_filled_template() {
        let template = "/oneapi/v0/clients/{clientIdOrClientEmail}/login";
        assert_eq!(
            check_path("/oneapi/v0/clients/40331/login", template, "op"),
            Ok(())
        );
        assert_eq!(
            check_path("/prefix/oneapi/v0/clients/40331/login", template, "op"),
            Ok(())
        );
    }

    #[test]
    fn check_rejects_removed_dot_segments() {
        let template = "/oneapi/v0/echo/{text}";
        // `/oneapi/v0/echo/.` and `/oneapi/v0/echo/..` after URL parsing.
        assert!(check_path("/oneapi/v0/echo/", template, "echo_get_text").is_err());
        assert!(check_path("/oneapi/v0/", template, "echo_get_text").is_err());
        // `/api/oneapi/v0/clients/../login` after URL parsing.
        let login = "/oneapi/v0/clients/{clientIdOrClientEmail}/login";
        assert!(check_path("/api/oneapi/v0/login", login, "get_client_login_url").is_err());
    }
}
