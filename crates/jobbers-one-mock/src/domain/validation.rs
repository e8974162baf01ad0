//! Field rules shared by client creation, client update and data set files.

use super::error::{ErrorTitle, Problem};
use crate::countries;

/// Maximum length of an email, in bytes.
pub const EMAIL_MAX_LENGTH: usize = 254;

/// Tells whether `text` looks like an email address: a non-empty local part, one `@`, and a
/// domain of non-empty dot-separated labels, with no whitespace or control character.
pub fn is_email(text: &str) -> bool {
    if text.len() > EMAIL_MAX_LENGTH
        || text
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
    {
        return false;
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty() && !domain.is_empty() && domain.split('.').all(|label| !label.is_empty())
}

/// Returns the key that email lookups and uniqueness use: emails match ignoring case.
pub fn email_key(email: &str) -> String {
    email.to_lowercase()
}

/// Checks that `value` of `field` is not empty or only whitespace.
pub fn require_text(field: &str, value: &str, problems: &mut Vec<Problem>) -> bool {
    if value.trim().is_empty() {
        problems.push(Problem::blank(field));
        false
    } else {
        true
    }
}

/// Checks an email: present, well-formed. Uniqueness is checked against the state.
pub fn check_email(value: &str, problems: &mut Vec<Problem>) -> bool {
    if !require_text("email", value, problems) {
        return false;
    }
    if !is_email(value) {
        problems.push(Problem::invalid(
            "email",
            format!("`{value}` is not an email address"),
        ));
        return false;
    }
    true
}

/// Checks an international dialling prefix: `+` then 1 to 4 digits.
pub fn check_phone_prefix(value: &str, problems: &mut Vec<Problem>) {
    if !require_text("phone_prefix", value, problems) {
        return;
    }
    let digits = value.strip_prefix('+').unwrap_or("");
    if !(1..=4).contains(&digits.len()) || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        problems.push(Problem::invalid(
            "phone_prefix",
            format!("`{value}` is not a dialling prefix such as `+33`"),
        ));
    }
}

/// Checks a phone number without its prefix: 4 to 15 digits.
pub fn check_phone(value: &str, problems: &mut Vec<Problem>) {
    if !require_text("phone", value, problems) {
        return;
    }
    if !(4..=15).contains(&value.len()) || !value.bytes().all(|byte| byte.is_ascii_digit()) {
        problems.push(Problem::invalid(
            "phone",
            format!("`{value}` is not a phone number of 4 to 15 digits"),
        ));
    }
}

/// Checks a country: an officially assigned ISO 3166-1 alpha-2 code in upper case.
pub fn check_country(value: &str, problems: &mut Vec<Problem>) {
    if !require_text("country", value, problems) {
        return;
    }
    if !countries::is_alpha_2_code(value) {
        problems.push(Problem::invalid(
            "country",
            format!("`{value}` is not an ISO 3166-1 alpha-2 country code such as `FR`"),
        ));
    }
}

/// Creates the `has_already_been_taken` problem of an email in use.
pub fn email_taken(email: &str) -> Problem {
    Problem::new(
        ErrorTitle::HasAlreadyBeenTaken,
        "email",
        format!("email {email} has already been taken"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_email_accepts_plus_and_subdomains() {
        assert!(is_email("client+1@clients.jobbers.com"));
        assert!(is_email("a@b"));
    }

    #[test]
    fn is_email_rejects_malformed_values() {
        for value in [
            "",
            "client",
            "@jobbers.com",
            "client@",
            "a b@c.d",
            "a@b..c",
            "a@.b",
        ] {
            assert!(!is_email(value), "{value:?} is not an email");
        }
    }

    #[test]
    fn phone_prefix_needs_plus_and_digits() {
        for (value, valid) in [("+33", true), ("+1", true), ("33", false), ("+", false)] {
            let mut problems = Vec::new();
            check_phone_prefix(value, &mut problems);
            assert_eq!(problems.is_empty(), valid, "{value}");
        }
    }

    #[test]
    fn blank_country_is_cannot_be_blank() {
        let mut problems = Vec::new();
        check_country("  ", &mut problems);
        assert_eq!(problems, [Problem::blank("country")]);
    }
}
