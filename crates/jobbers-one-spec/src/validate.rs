//! Validation of JSON values against the document's schemas, compiled once and reused.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError};
use serde_json::Value;

use crate::error::SchemaError;
use crate::translate::to_json_schema;

/// One way a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the validated value; `""` is the value itself.
    pub pointer: String,
    /// Readable message that starts with the pointer, such as `/email is missing`.
    pub message: String,
    /// JSON Schema keyword that failed, such as `required`, `minLength` or `enum`; closed
    /// objects report unknown properties as `unevaluatedProperties`.
    pub keyword: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

/// A compiled schema of the document.
#[derive(Debug)]
pub struct SchemaValidator {
    validator: jsonschema::Validator,
}

impl SchemaValidator {
    /// Compiles the schema at `schema_pointer` (`/components/schemas/Client` or
    /// `#/components/schemas/Client`) in `document`; see [`to_json_schema`] for `closed`.
    pub fn new(document: &Value, schema_pointer: &str, closed: bool) -> Result<Self, SchemaError> {
        let at = schema_pointer.strip_prefix('#').unwrap_or(schema_pointer);
        let schema = document.pointer(at).ok_or_else(|| SchemaError::NotFound {
            pointer: at.to_owned(),
        })?;
        Self::from_schema(document, schema, at, closed)
    }

    /// Compiles `schema`, an OpenAPI schema object found at `at`, whose `$ref`s point into the
    /// `components/schemas` of `document`.
    pub fn from_schema(
        document: &Value,
        schema: &Value,
        at: &str,
        closed: bool,
    ) -> Result<Self, SchemaError> {
        let translated = to_json_schema(document, schema, at, closed)?;
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .build(&translated)
            .map_err(|error| SchemaError::Invalid {
                pointer: at.to_owned(),
                message: error.to_string(),
            })?;
        Ok(Self { validator })
    }

    /// Returns every violation of the schema by `instance`; empty when `instance` is valid.
    pub fn validate(&self, instance: &Value) -> Vec<Violation> {
        let mut violations = Vec::new();
        for error in self.validator.iter_errors(instance) {
            describe(&error, &mut violations);
        }
        violations
    }
}

/// Compiled schemas of one document, cached by schema pointer and closedness, for validating
/// many values such as every response of a running mock server.
#[derive(Debug)]
pub struct Validators {
    document: Value,
    cache: Mutex<HashMap<(String, bool), Arc<SchemaValidator>>>,
}

impl Validators {
    /// Creates an empty cache for `document`, the whole OpenAPI document as JSON.
    pub fn new(document: Value) -> Self {
        Self {
            document,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Returns the validator of the schema at `schema_pointer`, compiling it on first use.
    pub fn validator(
        &self,
        schema_pointer: &str,
        closed: bool,
    ) -> Result<Arc<SchemaValidator>, SchemaError> {
        let at = schema_pointer.strip_prefix('#').unwrap_or(schema_pointer);
        let key = (at.to_owned(), closed);
        if let Some(validator) = self.lock().get(&key) {
            return Ok(Arc::clone(validator));
        }

        // Compile outside the lock; two threads may both compile, and the second insert wins.
        let validator = Arc::new(SchemaValidator::new(&self.document, at, closed)?);
        self.lock().insert(key, Arc::clone(&validator));
        Ok(validator)
    }

    /// Validates `instance` against the schema at `schema_pointer`.
    pub fn validate(
        &self,
        schema_pointer: &str,
        instance: &Value,
        closed: bool,
    ) -> Result<Vec<Violation>, SchemaError> {
        Ok(self.validator(schema_pointer, closed)?.validate(instance))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, bool), Arc<SchemaValidator>>> {
        // A panic while holding the lock cannot leave the map half-updated, so reuse it.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Validates `instance` against the schema at `schema_pointer` in `document`, compiling the
/// schema for this call only; use [`Validators`] to validate many values.
pub fn validate_instance(
    document: &Value,
    schema_pointer: &str,
    instance: &Value,
    closed: bool,
) -> Result<Vec<Violation>, SchemaError> {
    Ok(SchemaValidator::new(document, schema_pointer, closed)?.validate(instance))
}

/// Turns one validation error into violations with messages that start with the pointer.
fn describe(error: &ValidationError<'_>, violations: &mut Vec<Violation>) {
    let at = error.instance_path().as_str().to_owned();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            let pointer = crate::pointer::join(&at, &name);
            violations.push(Violation {
                message: format!("{pointer} is missing"),
                pointer,
                keyword: error.kind().keyword().to_owned(),
            });
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for name in unexpected {
                let pointer = crate::pointer::join(&at, name);
                violations.push(Violation {
                    message: format!("{pointer} is not a property the schema defines"),
                    pointer,
                    keyword: error.kind().keyword().to_owned(),
                });
            }
        }
        ValidationErrorKind::AnyOf { context } if is_null_wrapper(context) => {
            // The translation of `nullable: true` around a composed schema: report why the
            // value fails the non-null branch.
            for branch_error in &context[1] {
                describe(branch_error, violations);
            }
        }
        _ => {
            let location = if at.is_empty() { "(root)" } else { &at };
            violations.push(Violation {
                message: format!("{location}: {error}"),
                pointer: at,
                keyword: error.kind().keyword().to_owned(),
            });
        }
    }
}

/// Tells whether an `anyOf` failure comes from the `[{type: null}, schema]` wrapper that
/// [`to_json_schema`] writes for nullable composed schemas.
fn is_null_wrapper(context: &[Vec<ValidationError<'static>>]) -> bool {
    let [null_branch, _] = context else {
        return false;
    };
    matches!(null_branch.as_slice(), [only] if matches!(
        only.kind(),
        ValidationErrorKind::Type { .. }
    ) && only.schema_path().as_str().ends_with("/anyOf/0/type"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({"components": {"schemas": {
            "Date": {"type": "object", "required": ["month"], "properties": {
                "month": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 12}
            }},
            "Client": {"type": "object", "required": ["email"], "properties": {
                "email": {"type": "string"},
                "id": {"type": "integer", "format": "int64"},
                "createdAt": {"type": "string", "format": "jobbers-datetime",
                              "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"},
                "phone": {"type": "string", "nullable": true},
                "nick": {"type": "string"},
                "date": {"allOf": [{"$ref": "#/components/schemas/Date"}], "nullable": true}
            }}
        }}})
    }

    fn violations(instance: Value, closed: bool) -> Vec<String> {
        validate_instance(
            &document(),
            "#/components/schemas/Client",
            &instance,
            closed,
        )
        .unwrap()
        .into_iter()
        .map(|violation| violation.message)
        .collect()
    }

    #[test]
    fn missing_property_is_named() {
        assert_eq!(violations(json!({}), false), ["/email is missing"]);
    }

    #[test]
    fn violation_names_failed_keyword() {
        let found = validate_instance(
            &document(),
            "#/components/schemas/Client",
            &json!({"id": "1", "extra": true}),
            true,
        )
        .unwrap();
        let keywords: Vec<&str> = found
            .iter()
            .map(|violation| violation.keyword.as_str())
            .collect();
        assert_eq!(keywords.len(), 3, "{found:?}");
        assert!(keywords.contains(&"required"), "{keywords:?}");
        assert!(keywords.contains(&"type"), "{keywords:?}");
        assert!(keywords.contains(&"unevaluatedProperties"), "{keywords:?}");
    }

    #[test]
    fn maximum_message_has_pointer() {
        let found = violations(json!({"email": "a", "date": {"month": 13}}), false);
        assert_eq!(found, ["/date/month: 13 is greater than the maximum of 12"]);
    }

    #[test]
    fn unknown_property_rejected_when_closed() {
        let instance = json!({"email": "a", "extra": 1});
        assert!(violations(instance.clone(), false).is_empty());
        assert_eq!(
            violations(instance, true),
            ["/extra is not a property the schema defines"]
        );
    }

    #[test]
    fn unknown_property_in_all_of_member_rejected_when_closed() {
        let instance = json!({"email": "a", "date": {"month": 1, "day": 2}});
        assert_eq!(
            violations(instance, true),
            ["/date/day is not a property the schema defines"]
        );
    }

    #[test]
    fn nullable_fields_accept_null() {
        let instance = json!({"email": "a", "phone": null, "date": null});
        assert!(violations(instance, true).is_empty());
    }

    #[test]
    fn null_in_non_nullable_field_rejected() {
        let found = violations(json!({"email": "a", "nick": null}), true);
        assert_eq!(found, [r#"/nick: null is not of type "string""#]);
    }

    #[test]
    fn rfc3339_date_rejected() {
        let found = violations(
            json!({"email": "a", "createdAt": "2018-07-12T10:09:24Z"}),
            true,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("/createdAt: \"2018-07-12T10:09:24Z\" does not match"));
    }

    #[test]
    fn int64_range_checked() {
        let found = violations(json!({"email": "a", "id": 1e19}), false);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("/id: "), "{found:?}");
    }

    #[test]
    fn int32_range_checked() {
        let document = json!({"s": {"type": "integer", "format": "int32"}});
        let found = validate_instance(&document, "/s", &json!(2_147_483_648_u64), false).unwrap();
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn cache_reuses_validators() {
        let validators = Validators::new(document());
        let first = validators
            .validator("/components/schemas/Client", false)
            .unwrap();
        let second = validators
            .validator("#/components/schemas/Client", false)
            .unwrap();
        assert!(Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn missing_schema_is_an_error() {
        let error = validate_instance(&document(), "/nowhere", &json!(1), false).unwrap_err();
        assert_eq!(error.to_string(), "no schema at #/nowhere");
    }
}
