//! Decoding of what the client sends outside the body: path and query values the way PHP's
//! `urldecode` does it, and the bearer token.

use std::collections::HashMap;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

/// Decodes `text` the way PHP's `urldecode` does: `+` is a space and `%XX` is the byte `XX`.
/// A `%` that two hexadecimal digits do not follow stays as it is. The result may not be
/// UTF-8.
pub(crate) fn php_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let high = bytes.get(index + 1).and_then(|byte| hex_value(*byte));
                let low = bytes.get(index + 2).and_then(|byte| hex_value(*byte));
                if let (Some(high), Some(low)) = (high, low) {
                    decoded.push(high * 16 + low);
                    index += 3;
                    continue;
                }
                decoded.push(b'%');
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    decoded
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// Parses a query string into its decoded names and raw decoded values. As in PHP, the last of
/// repeated names wins. Names that are not UTF-8 once decoded are dropped, because no
/// parameter of the document can have them.
pub(crate) fn parse_query(query: &str) -> HashMap<String, Vec<u8>> {
    let mut values = HashMap::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let Ok(name) = String::from_utf8(php_decode(name)) {
            values.insert(name, php_decode(value));
        }
    }
    values
}

/// Returns the token of an `Authorization: Bearer TOKEN` header, matching the scheme without
/// regard to case. `None` when the header is missing, not ASCII, of another scheme or has an
/// empty token.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() {
        Some(token)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn plus_decodes_to_space() {
        assert_eq!(php_decode("hello+world"), b"hello world");
    }

    #[test]
    fn percent_escapes_decode_to_bytes() {
        assert_eq!(
            php_decode("client%2B1%40example.org"),
            b"client+1@example.org"
        );
        assert_eq!(php_decode("%c3%A9"), "é".as_bytes());
        assert_eq!(php_decode("%FF"), [0xFF]);
    }

    #[test]
    fn incomplete_escapes_stay_literal() {
        assert_eq!(php_decode("100%"), b"100%");
        assert_eq!(php_decode("%4"), b"%4");
        assert_eq!(php_decode("%zz1"), b"%zz1");
    }

    #[test]
    fn query_last_value_wins() {
        let values = parse_query("month=1&year=2018&month=7&flag");
        assert_eq!(values.get("month").map(Vec::as_slice), Some(&b"7"[..]));
        assert_eq!(values.get("year").map(Vec::as_slice), Some(&b"2018"[..]));
        assert_eq!(values.get("flag").map(Vec::as_slice), Some(&b""[..]));
    }

    #[test]
    fn bearer_scheme_ignores_case() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bEaReR  abc "));
        assert_eq!(bearer_token(&headers), Some("abc"));
    }

    #[test]
    fn other_schemes_have_no_bearer_token() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&headers), None);
    }
}
