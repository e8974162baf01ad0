//! Checks of path parameters, query parameters and request bodies against their schemas in the
//! document, collecting every problem into one `400` response.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use jobbers_one_spec::{Document, SchemaValidator, Violation, pointer};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::decode::{parse_query, php_decode};
use super::response::{error, error_response};
use crate::types::{Error, ErrorTitle};

/// The OpenAPI document the server was generated from, embedded for schema validation.
const DOCUMENT_SOURCE: &str = include_str!("../../../../openapi/jobbers-one.yaml");

/// Characters kept from each end of a long value or message that an error detail repeats.
const MAX_QUOTED_CHARS: usize = 64;

/// Compiled schemas of the document's parameters and request bodies, by JSON pointer.
#[derive(Debug)]
pub(crate) struct Schemas {
    validators: HashMap<&'static str, SchemaValidator>,
}

impl Schemas {
    /// Compiles the schemas at `pointers` in the embedded document. Objects of request bodies
    /// are compiled closed, so unknown properties are violations even in nested objects.
    ///
    /// # Panics
    ///
    /// Panics when the embedded document does not parse or a schema does not compile, which
    /// the build script's generation from the same document makes unexpected.
    pub(crate) fn compile(pointers: &[&'static str]) -> Self {
        let document = Document::parse(DOCUMENT_SOURCE)
            .unwrap_or_else(|error| panic!("the embedded OpenAPI document is invalid: {error}"));
        let validators = pointers
            .iter()
            .map(|&at| {
                let validator = SchemaValidator::new(document.value(), at, true)
                    .unwrap_or_else(|error| panic!("schema {at} does not compile: {error}"));
                (at, validator)
            })
            .collect();
        Self { validators }
    }

    /// Validates `instance` against the schema at `at`.
    fn validate(&self, at: &str, instance: &Value) -> Vec<Violation> {
        match self.validators.get(at) {
            Some(validator) => validator.validate(instance),
            None => {
                tracing::error!(
                    schema = at,
                    "no compiled schema; the value is not validated"
                );
                Vec::new()
            }
        }
    }
}

/// A path or query parameter type: parsed from its decoded text, then validated as JSON.
pub(crate) trait ParameterValue: Sized {
    /// Parses `text` into the value and its JSON form, or returns why it is invalid.
    fn parse(text: &str) -> Result<(Self, Value), String>;
}

impl ParameterValue for String {
    fn parse(text: &str) -> Result<(Self, Value), String> {
        Ok((text.to_owned(), Value::from(text)))
    }
}

impl ParameterValue for i64 {
    fn parse(text: &str) -> Result<(Self, Value), String> {
        match text.parse::<i64>() {
            Ok(number) => Ok((number, Value::from(number))),
            Err(_) => Err(not_an_integer(text)),
        }
    }
}

impl ParameterValue for i32 {
    fn parse(text: &str) -> Result<(Self, Value), String> {
        let (wide, json) = i64::parse(text)?;
        let number = i32::try_from(wide)
            .map_err(|_| format!("{wide} is outside the range of a 32-bit integer"))?;
        Ok((number, json))
    }
}

impl ParameterValue for f64 {
    fn parse(text: &str) -> Result<(Self, Value), String> {
        match text.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok((number, Value::from(number))),
            _ => Err(format!("{} is not a number", quote(text))),
        }
    }
}

impl ParameterValue for bool {
    fn parse(text: &str) -> Result<(Self, Value), String> {
        match text {
            "true" => Ok((true, Value::Bool(true))),
            "false" => Ok((false, Value::Bool(false))),
            _ => Err(format!("{} is not true or false", quote(text))),
        }
    }
}

fn not_an_integer(text: &str) -> String {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{} is outside the range of a 64-bit integer", quote(text))
    } else {
        format!("{} is not an integer", quote(text))
    }
}

/// The parameter and body checks of one request, which record every problem they find.
#[derive(Debug)]
pub(crate) struct Checks<'a> {
    parts: &'a Parts,
    schemas: &'a Schemas,
    query: Option<HashMap<String, Vec<u8>>>,
    errors: Vec<Error>,
}

impl<'a> Checks<'a> {
    pub(crate) fn new(parts: &'a Parts, schemas: &'a Schemas) -> Self {
        Self {
            parts,
            schemas,
            query: None,
            errors: Vec::new(),
        }
    }

    /// Decodes the path parameter `name`, segment `segment` of the raw path (its index when
    /// the path is split on `/`), and checks it against the schema at `schema`.
    pub(crate) fn path<T: ParameterValue>(
        &mut self,
        name: &str,
        segment: usize,
        schema: &str,
    ) -> Option<T> {
        let Some(raw) = self.parts.uri.path().split('/').nth(segment) else {
            // The router matched the path template, so the segment exists.
            tracing::error!(parameter = name, segment, "path segment not found");
            self.errors.push(error(
                ErrorTitle::IsInvalid,
                name,
                format!("{name} is missing"),
            ));
            return None;
        };
        self.parameter(name, php_decode(raw), schema)
    }

    /// Decodes the required query parameter `name` and checks it against the schema at
    /// `schema`; a missing or empty value is `cannot_be_blank`.
    pub(crate) fn query<T: ParameterValue>(&mut self, name: &str, schema: &str) -> Option<T> {
        match self.query_bytes(name) {
            Some(bytes) if !bytes.is_empty() => self.parameter(name, bytes, schema),
            _ => {
                self.errors.push(blank_error(name));
                None
            }
        }
    }

    /// Decodes the optional query parameter `name`, which may be absent or empty, and checks
    /// it against the schema at `schema`.
    #[allow(
        dead_code,
        reason = "generated only for optional query parameters, which the document has none of"
    )]
    pub(crate) fn optional_query<T: ParameterValue>(
        &mut self,
        name: &str,
        schema: &str,
    ) -> Option<Option<T>> {
        match self.query_bytes(name) {
            Some(bytes) if !bytes.is_empty() => self.parameter(name, bytes, schema).map(Some),
            _ => Some(None),
        }
    }

    /// Checks the request body against the schema at `schema` and converts it to its wire
    /// type.
    pub(crate) fn body<T: DeserializeOwned>(&mut self, body: Value, schema: &str) -> Option<T> {
        let violations = self.schemas.validate(schema, &body);
        if !violations.is_empty() {
            for violation in &violations {
                let source = body_source(&violation.pointer);
                self.errors.push(violation_error(violation, &body, &source));
            }
            return None;
        }

        match serde_path_to_error::deserialize(body) {
            Ok(value) => Some(value),
            Err(conversion) => {
                // The schema accepted the body, so the wire type is stricter than the schema:
                // JSON Schema counts `52.0` as an integer, and an integer may exceed `i64`.
                let source = conversion_source(conversion.path());
                tracing::info!(%conversion, schema, "a body valid for its schema failed to convert to its wire type");
                let detail = if source == "body" {
                    format!("the body is invalid: {}", conversion.inner())
                } else {
                    format!("{source} is invalid: {}", conversion.inner())
                };
                self.errors
                    .push(error(ErrorTitle::IsInvalid, &source, detail));
                None
            }
        }
    }

    /// Returns the `400` response with every problem found, one entry per source in the
    /// order of the sources.
    pub(crate) fn into_response(mut self) -> Response {
        if self.errors.is_empty() {
            tracing::error!("a check failed without recording an error");
            self.errors.push(error(
                ErrorTitle::IsInvalid,
                "request",
                "the request is invalid",
            ));
        }
        self.errors
            .sort_by(|first, second| first.source.cmp(&second.source));
        self.errors
            .dedup_by(|later, earlier| later.source == earlier.source);
        error_response(StatusCode::BAD_REQUEST, self.errors)
    }

    fn query_bytes(&mut self, name: &str) -> Option<Vec<u8>> {
        let query = self.parts.uri.query().unwrap_or_default();
        self.query
            .get_or_insert_with(|| parse_query(query))
            .get(name)
            .cloned()
    }

    /// Checks the decoded bytes of a parameter: UTF-8, then its type, then its schema.
    fn parameter<T: ParameterValue>(
        &mut self,
        name: &str,
        bytes: Vec<u8>,
        schema: &str,
    ) -> Option<T> {
        let Ok(text) = String::from_utf8(bytes) else {
            self.errors.push(error(
                ErrorTitle::IsInvalid,
                name,
                format!("{name} is invalid: it is not valid UTF-8 once percent-decoded"),
            ));
            return None;
        };
        let (value, json) = match T::parse(&text) {
            Ok(parsed) => parsed,
            Err(reason) => {
                self.errors.push(error(
                    ErrorTitle::IsInvalid,
                    name,
                    format!("{name} is invalid: {reason}"),
                ));
                return None;
            }
        };

        let violations = self.schemas.validate(schema, &json);
        if violations.is_empty() {
            return Some(value);
        }
        for violation in &violations {
            self.errors.push(violation_error(violation, &json, name));
        }
        None
    }
}

/// Names the field at `path` the way [`body_source`] names a JSON pointer, such as
/// `groups.0.id`, or `body` for the whole body.
fn conversion_source(path: &serde_path_to_error::Path) -> String {
    let tokens: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            _ => None,
        })
        .collect();
    if tokens.is_empty() {
        "body".to_owned()
    } else {
        tokens.join(".")
    }
}

/// Names the field at a JSON pointer into the body: `/a/b` is `a.b`, and the root is `body`.
fn body_source(at: &str) -> String {
    if at.is_empty() {
        return "body".to_owned();
    }
    pointer::tokens(at).join(".")
}

/// Turns a schema violation into an error entry, choosing the title from the failed keyword and
/// the value. A missing, null or blank value is `cannot_be_blank`. A `false` outside an enum
/// (such as `enum: [true]`) is `must_be_accepted`. An empty list under `minItems` is
/// `cannot_be_empty`, and anything else is `is_invalid`.
fn violation_error(violation: &Violation, instance: &Value, source: &str) -> Error {
    let value = instance.pointer(&violation.pointer);
    let blank = match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(_) => false,
    };

    match violation.keyword.as_str() {
        "required" => blank_error(source),
        "additionalProperties" | "unevaluatedProperties" => error(
            ErrorTitle::IsInvalid,
            source,
            format!("{source} is not a field of this request body"),
        ),
        _ if blank => blank_error(source),
        "enum" if value == Some(&Value::Bool(false)) => error(
            ErrorTitle::MustBeAccepted,
            source,
            format!("{source} must be accepted"),
        ),
        "minItems" if value.and_then(Value::as_array).is_some_and(Vec::is_empty) => error(
            ErrorTitle::CannotBeEmpty,
            source,
            format!("{source} cannot be empty"),
        ),
        _ => error(
            ErrorTitle::IsInvalid,
            source,
            format!("{source} is invalid: {}", reason(violation)),
        ),
    }
}

fn blank_error(source: &str) -> Error {
    error(
        ErrorTitle::CannotBeBlank,
        source,
        format!("{source} cannot be blank"),
    )
}

/// Returns the violation's message without its leading pointer, shortened to a readable
/// length.
fn reason(violation: &Violation) -> String {
    let location = if violation.pointer.is_empty() {
        "(root)"
    } else {
        violation.pointer.as_str()
    };
    let message = violation
        .message
        .strip_prefix(location)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(&violation.message);
    shorten(message)
}

/// Quotes a client's value for an error detail, shortened by [`shorten`].
fn quote(text: &str) -> String {
    format!("`{}`", shorten(text))
}

/// Keeps the first and last [`MAX_QUOTED_CHARS`] characters of a long text, so that a detail
/// that repeats a long value keeps both its start and the reason at its end.
fn shorten(text: &str) -> String {
    let length = text.chars().count();
    if length <= MAX_QUOTED_CHARS * 2 {
        return text.to_owned();
    }
    let start: String = text.chars().take(MAX_QUOTED_CHARS).collect();
    let end: String = text.chars().skip(length - MAX_QUOTED_CHARS).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violation(at: &str, keyword: &str, message: &str) -> Violation {
        Violation {
            pointer: at.to_owned(),
            message: message.to_owned(),
            keyword: keyword.to_owned(),
        }
    }

    #[test]
    fn nested_pointer_becomes_dotted_source() {
        assert_eq!(body_source("/a/b"), "a.b");
        assert_eq!(body_source(""), "body");
    }

    #[test]
    fn false_outside_enum_must_be_accepted() {
        let instance = json!({"cgu": false});
        let found = violation_error(
            &violation("/cgu", "enum", "/cgu: false is not one of [true]"),
            &instance,
            "cgu",
        );
        assert_eq!(found.title, ErrorTitle::MustBeAccepted);
        assert_eq!(found.detail, "cgu must be accepted");
    }

    #[test]
    fn empty_string_cannot_be_blank() {
        let instance = json!({"phone": ""});
        let found = violation_error(
            &violation("/phone", "pattern", "/phone: \"\" does not match"),
            &instance,
            "phone",
        );
        assert_eq!(found.title, ErrorTitle::CannotBeBlank);
        assert_eq!(found.detail, "phone cannot be blank");
    }

    #[test]
    fn empty_list_cannot_be_empty() {
        let instance = json!({"emails": []});
        let found = violation_error(
            &violation("/emails", "minItems", "/emails: [] has less than 1 item"),
            &instance,
            "emails",
        );
        assert_eq!(found.title, ErrorTitle::CannotBeEmpty);
    }

    #[test]
    fn other_violations_are_invalid() {
        let instance = json!({"group_id": "x"});
        let found = violation_error(
            &violation(
                "/group_id",
                "type",
                "/group_id: \"x\" is not of type \"integer\"",
            ),
            &instance,
            "group_id",
        );
        assert_eq!(found.title, ErrorTitle::IsInvalid);
        assert_eq!(
            found.detail,
            "group_id is invalid: \"x\" is not of type \"integer\""
        );
    }

    #[test]
    fn long_text_keeps_both_ends() {
        let text = format!("{} is longer than 254 characters", "a".repeat(300));
        let short = shorten(&text);
        assert_eq!(short.chars().count(), MAX_QUOTED_CHARS * 2 + 1);
        assert!(short.starts_with("aaaa"), "{short}");
        assert!(short.ends_with(" is longer than 254 characters"), "{short}");
    }

    #[test]
    fn integer_parameters_parse_strictly() {
        assert_eq!(i32::parse("7").map(|(value, _)| value), Ok(7));
        assert_eq!(
            i32::parse("7a").map(|(value, _)| value),
            Err("`7a` is not an integer".to_owned())
        );
        assert_eq!(
            i32::parse("99999999999").map(|(value, _)| value),
            Err("99999999999 is outside the range of a 32-bit integer".to_owned())
        );
    }
}
