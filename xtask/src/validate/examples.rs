//! Rules on examples: JSON request bodies and 200 responses have one, and every example
//! matches its schema with objects closed to unknown properties.

use std::collections::BTreeSet;

use jobbers_one_spec::{Example, SchemaError, Validators, pointer};
use serde_json::Value;

use super::{Checker, is_json_media_type};

/// Every JSON request body and every 200 response has at least one example.
pub const EXAMPLE_MISSING: &str = "example-missing";
/// Every example matches its schema, with unknown properties rejected.
pub const EXAMPLE_INVALID: &str = "example-invalid";

pub(super) fn check(checker: &mut Checker<'_>) {
    check_presence(checker);
    check_validity(checker);
}

fn check_presence(checker: &mut Checker<'_>) {
    let document = checker.document;
    let mut findings = Vec::new();
    for operation in document.operations() {
        let name = format!("{} {}", operation.method.to_uppercase(), operation.path);
        let holders = [
            (
                pointer::join(&operation.pointer, "requestBody"),
                "request body",
            ),
            (
                pointer::join(&pointer::join(&operation.pointer, "responses"), "200"),
                "200 response",
            ),
        ];

        for (holder, what) in holders {
            let Some(resolved) = document.resolve(&holder) else {
                continue;
            };
            let content = pointer::join(&resolved, "content");
            let Some(Value::Object(media_types)) = document.get(&content) else {
                continue;
            };
            for (media_type, media) in media_types {
                let needs_example = what == "200 response" || is_json_media_type(media_type);
                let has_example = media.get("example").is_some()
                    || media
                        .get("examples")
                        .and_then(Value::as_object)
                        .is_some_and(|examples| !examples.is_empty());
                if needs_example && !has_example {
                    findings.push((
                        pointer::join(&content, media_type),
                        format!("{what} of {name} has no example for {media_type}; add one under `examples`"),
                    ));
                }
            }
        }
    }
    // A component shared by several operations is reported once.
    let mut reported = BTreeSet::new();
    for (at, message) in findings {
        if reported.insert(at.clone()) {
            checker.report(EXAMPLE_MISSING, &at, message);
        }
    }
}

fn check_validity(checker: &mut Checker<'_>) {
    let document = checker.document;
    let validators = Validators::new(document.value().clone());
    let mut checked: BTreeSet<(String, String)> = BTreeSet::new();

    for example in document.examples() {
        let Some(schema_pointer) = example.schema_pointer.clone() else {
            continue;
        };
        if !checked.insert((example.pointer.clone(), schema_pointer.clone())) {
            continue;
        }

        match validators.validate(&schema_pointer, &example.value, true) {
            Ok(violations) => {
                for violation in violations {
                    let at = format!("{}{}", example.pointer, violation.pointer);
                    let message = format!(
                        "{} does not match its schema: {}",
                        describe(&example),
                        violation.message
                    );
                    checker.report(EXAMPLE_INVALID, &at, message);
                }
            }
            // Reported by the `unresolved-ref` rule.
            Err(SchemaError::UnresolvedRef { .. }) => {}
            Err(error) => {
                let message = format!("{} cannot be checked: {error}", describe(&example));
                checker.report(EXAMPLE_INVALID, &example.pointer, message);
            }
        }
    }
}

/// Names an example for messages: `example `minimal` of create_client (request, application/json)`.
fn describe(example: &Example) -> String {
    let name = example
        .name
        .as_deref()
        .map_or_else(|| "example".to_owned(), |name| format!("example `{name}`"));
    let operation = example
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("#{}", example.operation_pointer));
    format!(
        "{name} of {operation} ({}, {})",
        example.location, example.media_type
    )
}
