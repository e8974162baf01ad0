//! Rules on the document as a whole: the OpenAPI version and the official OpenAPI 3.0 schema.

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;

use super::Checker;

/// The YAML is well formed, has no duplicate keys and contains one document.
pub const STRICT_YAML: &str = "strict-yaml";
/// `openapi` is `3.0.x`.
pub const OPENAPI_VERSION: &str = "openapi-version";
/// The document validates against the official OpenAPI 3.0 JSON Schema.
pub const OPENAPI_SCHEMA: &str = "openapi-schema";

/// The OpenAPI 3.0 schema (id `https://spec.openapis.org/oas/3.0/schema/2021-09-28`); see
/// `xtask/schemas/README.md` for its source.
const OPENAPI_3_0_SCHEMA: &str = include_str!("../../schemas/openapi-3.0.json");

static OPENAPI_VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    let schema: Value =
        serde_json::from_str(OPENAPI_3_0_SCHEMA).expect("the vendored OpenAPI schema is JSON");
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .build(&schema)
        .expect("the vendored OpenAPI schema compiles")
});

pub(super) fn check(checker: &mut Checker<'_>) {
    let document = checker.document.value();

    // Validating a document of another version against the OpenAPI 3.0 schema adds only noise.
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if is_openapi_3_0(version) => {}
        Some(version) => {
            checker.report(
                OPENAPI_VERSION,
                "/openapi",
                format!(
                    "`openapi` is `{version}`; this document must be OpenAPI 3.0.x, such as 3.0.3"
                ),
            );
            return;
        }
        None => {
            checker.report(
                OPENAPI_VERSION,
                "/openapi",
                "`openapi` is missing or not a string; set it to \"3.0.3\"",
            );
            return;
        }
    }

    for error in OPENAPI_VALIDATOR.iter_errors(document) {
        let error = most_specific(&error);
        let pointer = error.instance_path().as_str().to_owned();
        checker.report(
            OPENAPI_SCHEMA,
            &pointer,
            format!("invalid by the OpenAPI 3.0 schema: {error}"),
        );
    }
}

fn is_openapi_3_0(version: &str) -> bool {
    version
        .strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|byte| byte.is_ascii_digit()))
}

/// Descends from a failed `oneOf` or `anyOf`, such as "Reference or Schema", into the error
/// that lies deepest in the document, which is usually the one that names the real mistake.
fn most_specific<'e>(error: &'e ValidationError<'e>) -> &'e ValidationError<'e> {
    let branches = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
        }
        _ => return error,
    };
    let deepest = branches
        .iter()
        .flatten()
        .map(most_specific)
        .max_by_key(|candidate| candidate.instance_path().as_str().len());
    match deepest {
        Some(candidate)
            if candidate.instance_path().as_str().len() > error.instance_path().as_str().len() =>
        {
            candidate
        }
        _ => error,
    }
}
