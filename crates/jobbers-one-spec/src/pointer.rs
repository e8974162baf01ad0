//! JSON Pointer (RFC 6901) helpers for building and splitting pointers into the document.

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape`] for one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends one unescaped token to `pointer`.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// Returns the pointer one level up, or `None` for the root pointer `""`.
pub fn parent(pointer: &str) -> Option<&str> {
    pointer.rfind('/').map(|slash| &pointer[..slash])
}

/// Returns the unescaped tokens of `pointer`; the root pointer `""` has none.
pub fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(unescape).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips_slash_and_tilde() {
        let token = "/oneapi/v0/echo/{text}~x";
        assert_eq!(escape(token), "~1oneapi~1v0~1echo~1{text}~0x");
        assert_eq!(unescape(&escape(token)), token);
    }

    #[test]
    fn parent_of_root_is_none() {
        assert_eq!(parent("/paths/~1a/get"), Some("/paths/~1a"));
        assert_eq!(parent("/paths"), Some(""));
        assert_eq!(parent(""), None);
    }

    #[test]
    fn tokens_are_unescaped() {
        assert_eq!(tokens("/paths/~1a~1b/get"), vec!["paths", "/a/b", "get"]);
        assert!(tokens("").is_empty());
    }
}
