//! Errors of the API as the domain layer reports them, before they become HTTP responses.

use std::fmt;

/// Kind of error, from the API's fixed set of titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorTitle {
    /// A required value is missing or empty.
    CannotBeBlank,
    /// A unique value is in use.
    HasAlreadyBeenTaken,
    /// A flag such as `cgu` must be true.
    MustBeAccepted,
    /// A value is malformed, out of range or refers to nothing usable.
    IsInvalid,
    /// Two values disagree.
    DoesNotMatch,
    /// A list must not be empty.
    CannotBeEmpty,
}

impl ErrorTitle {
    /// Returns the title as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CannotBeBlank => "cannot_be_blank",
            Self::HasAlreadyBeenTaken => "has_already_been_taken",
            Self::MustBeAccepted => "must_be_accepted",
            Self::IsInvalid => "is_invalid",
            Self::DoesNotMatch => "does_not_match",
            Self::CannotBeEmpty => "cannot_be_empty",
        }
    }
}

/// One problem with a request: an entry of an error body's `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Kind of error.
    pub title: ErrorTitle,
    /// The field or part of the request that caused it, such as `email`.
    pub source: String,
    /// Readable explanation, in English.
    pub detail: String,
}

impl Problem {
    /// Creates a problem of `title` on `source`.
    pub fn new(title: ErrorTitle, source: &str, detail: impl Into<String>) -> Self {
        Self {
            title,
            source: source.to_owned(),
            detail: detail.into(),
        }
    }

    /// Creates the `cannot_be_blank` problem of a missing or empty `field`.
    pub fn blank(field: &str) -> Self {
        Self::new(
            ErrorTitle::CannotBeBlank,
            field,
            format!("{field} cannot be blank"),
        )
    }

    /// Creates the `is_invalid` problem of `field`, with the reason in `detail`.
    pub fn invalid(field: &str, detail: impl Into<String>) -> Self {
        Self::new(ErrorTitle::IsInvalid, field, detail)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} ({}): {}",
            self.source,
            self.title.as_str(),
            self.detail
        )
    }
}

/// A rejected call, one variant for each status code the domain layer chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `400`: one or more values break a rule of the API.
    BadRequest(Vec<Problem>),
    /// `401` from the token endpoint: the API key or the API secret is wrong.
    BadCredentials,
    /// `403`: the client or the stock of passes belongs to another enterprise.
    Forbidden(Problem),
    /// `404`: the client or the stock of passes does not exist.
    NotFound(Problem),
    /// `501`: the operation is documented but not implemented.
    NotImplemented(Problem),
}

impl ApiError {
    /// Returns the HTTP status code of the error.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::BadCredentials => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::NotImplemented(_) => 501,
        }
    }

    /// Returns the entries of the error body.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Self::BadRequest(problems) => problems.clone(),
            Self::BadCredentials => vec![Problem::new(
                ErrorTitle::DoesNotMatch,
                "password",
                "the API key and secret do not match",
            )],
            Self::Forbidden(problem) | Self::NotFound(problem) | Self::NotImplemented(problem) => {
                vec![problem.clone()]
            }
        }
    }

    /// Creates the `404` of an unknown client.
    pub fn client_not_found() -> Self {
        Self::NotFound(Problem::invalid("client", "client not found"))
    }

    /// Creates the `403` of a client of another enterprise.
    pub fn client_of_another_enterprise() -> Self {
        Self::Forbidden(Problem::invalid(
            "client",
            "the client belongs to another enterprise",
        ))
    }

    /// Creates a `400` with a single problem.
    pub fn bad_request(problem: Problem) -> Self {
        Self::BadRequest(vec![problem])
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.status())?;
        for problem in self.problems() {
            write!(formatter, "; {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
