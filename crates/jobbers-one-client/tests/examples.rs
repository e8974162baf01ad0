//! Every example of the document, decoded through the generated type of the body or
//! parameter it belongs to and encoded again: the result must equal the example and its
//! snapshot.
//!
//! The tables below name the type of each example. An example that the document gains
//! without a table row fails `every_example_has_a_table_row`, and a row whose example is
//! gone fails `every_table_row_has_an_example`.

mod common;

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use common::DOCUMENT;
use jobbers_one_client::types;
use jobbers_one_spec::ExampleLocation;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes a JSON value into a generated type and encodes it again.
type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|error| error.to_string())?;
    serde_json::to_value(&decoded).map_err(|error| error.to_string())
}

/// Examples written in an operation: (operationId, `request` or status, example name, type).
/// Examples that an operation takes from `components/responses` are in
/// [`COMPONENT_RESPONSE_EXAMPLES`].
const OPERATION_EXAMPLES: &[(&str, &str, &str, RoundTrip)] = &[
    (
        "echo_get",
        "200",
        "documented",
        round_trip::<types::EchoResponse>,
    ),
    (
        "echo_post",
        "request",
        "documented",
        round_trip::<types::EchoRequest>,
    ),
    (
        "echo_post",
        "200",
        "documented",
        round_trip::<types::EchoResponse>,
    ),
    (
        "echo_get_text",
        "200",
        "documented",
        round_trip::<types::EchoResponse>,
    ),
    (
        "request_token",
        "request",
        "documented",
        round_trip::<types::TokenRequest>,
    ),
    (
        "request_token",
        "200",
        "documented",
        round_trip::<types::TokenResponse>,
    ),
    (
        "get_current_enterprise",
        "200",
        "documented",
        round_trip::<types::CurrentEnterpriseResponse>,
    ),
    (
        "list_groups_of_enterprise",
        "200",
        "documented",
        round_trip::<types::GroupsOfEnterpriseResponse>,
    ),
    (
        "get_stats",
        "200",
        "documented",
        round_trip::<types::StatsResponse>,
    ),
    (
        "list_stocks_of_passes",
        "200",
        "documented",
        round_trip::<types::StocksOfPassesResponse>,
    ),
    (
        "assign_pass",
        "request",
        "documented",
        round_trip::<types::AssignPassRequest>,
    ),
    (
        "assign_pass",
        "200",
        "documented",
        round_trip::<types::AssignedPassResponse>,
    ),
    (
        "create_invoice",
        "request",
        "documented",
        round_trip::<types::InvoiceRequest>,
    ),
    (
        "create_client",
        "request",
        "documented",
        round_trip::<types::CreateClientRequest>,
    ),
    (
        "create_client",
        "200",
        "documented",
        round_trip::<types::CreatedClientResponse>,
    ),
    (
        "check_client_exists",
        "200",
        "documented",
        round_trip::<types::ClientExistenceResponse>,
    ),
    (
        "get_client",
        "200",
        "documented",
        round_trip::<types::ClientResponse>,
    ),
    (
        "update_client",
        "request",
        "documented",
        round_trip::<types::UpdateClientRequest>,
    ),
    (
        "update_client",
        "200",
        "documented",
        round_trip::<types::ClientResponse>,
    ),
    (
        "delete_client",
        "200",
        "documented",
        round_trip::<types::DeletedClientResponse>,
    ),
    (
        "get_client_login_url",
        "200",
        "documented",
        round_trip::<types::ClientLoginResponse>,
    ),
];

/// Examples under `components/responses`: (response name, example name, type).
const COMPONENT_RESPONSE_EXAMPLES: &[(&str, &str, RoundTrip)] = &[
    ("BadRequest", "blankField", round_trip::<types::ErrorBody>),
    (
        "BadCredentials",
        "wrongSecret",
        round_trip::<types::ErrorBody>,
    ),
    (
        "Unauthorized",
        "expiredToken",
        round_trip::<types::ErrorBody>,
    ),
    (
        "Forbidden",
        "otherEnterprise",
        round_trip::<types::ErrorBody>,
    ),
    ("NotFound", "clientNotFound", round_trip::<types::ErrorBody>),
    (
        "MethodNotAllowed",
        "wrongMethod",
        round_trip::<types::ErrorBody>,
    ),
    (
        "PayloadTooLarge",
        "tooLarge",
        round_trip::<types::ErrorBody>,
    ),
    (
        "UnprocessableEntity",
        "malformedJson",
        round_trip::<types::ErrorBody>,
    ),
    (
        "InternalServerError",
        "serverError",
        round_trip::<types::ErrorBody>,
    ),
    (
        "NotImplemented",
        "notImplemented",
        round_trip::<types::ErrorBody>,
    ),
    (
        "ServiceUnavailable",
        "maintenance",
        round_trip::<types::ErrorBody>,
    ),
];

/// The `example` of each parameter under `components/parameters`, with the type that the
/// generated builders take for it.
const PARAMETER_EXAMPLES: &[(&str, RoundTrip)] = &[
    ("EchoText", round_trip::<types::EchoGetTextText>),
    (
        "ClientEmail",
        round_trip::<types::CheckClientExistsClientEmail>,
    ),
    (
        "ClientIdOrClientEmail",
        round_trip::<types::GetClientClientIdOrClientEmail>,
    ),
    ("Month", round_trip::<NonZeroU32>),
    ("Year", round_trip::<i32>),
];

/// One example to check: its snapshot name, JSON pointer, value and type.
struct Case {
    snapshot: String,
    pointer: String,
    value: Value,
    round_trip: RoundTrip,
}

fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn example_value(pointer: &str) -> Option<Value> {
    DOCUMENT.get(pointer).cloned()
}

/// Lists every example that the tables name, with the value found in the document.
fn table_cases() -> Vec<Result<Case, String>> {
    let mut cases = Vec::new();
    let examples = DOCUMENT.examples();

    for &(operation_id, location, name, round_trip) in OPERATION_EXAMPLES {
        let found = examples.iter().find(|example| {
            example.operation_id.as_deref() == Some(operation_id)
                && example.location.to_string() == location
                && example.name.as_deref() == Some(name)
        });
        cases.push(match found {
            Some(example) => Ok(Case {
                snapshot: format!("{operation_id}__{location}__{name}"),
                pointer: example.pointer.clone(),
                value: example.value.clone(),
                round_trip,
            }),
            None => Err(format!("{operation_id} {location} {name}")),
        });
    }

    for &(response, name, round_trip) in COMPONENT_RESPONSE_EXAMPLES {
        let pointer = format!(
            "/components/responses/{response}/content/{}/examples/{name}/value",
            escape_pointer_token("application/json")
        );
        cases.push(match example_value(&pointer) {
            Some(value) => Ok(Case {
                snapshot: format!("components_responses__{response}__{name}"),
                pointer,
                value,
                round_trip,
            }),
            None => Err(pointer),
        });
    }

    for &(parameter, round_trip) in PARAMETER_EXAMPLES {
        let pointer = format!("/components/parameters/{parameter}/example");
        cases.push(match example_value(&pointer) {
            Some(value) => Ok(Case {
                snapshot: format!("components_parameters__{parameter}"),
                pointer,
                value,
                round_trip,
            }),
            None => Err(pointer),
        });
    }
    cases
}

/// Collects the pointer of every example value in the document: each `example`, and the
/// `value` of each entry of an `examples` map.
fn collect_example_pointers(value: &Value, pointer: &str, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{}", escape_pointer_token(key));
                if key.starts_with("x-") {
                    continue;
                }
                if key == "example" {
                    found.insert(child_pointer);
                } else if key == "examples"
                    && let Value::Object(named) = child
                {
                    for (name, example) in named {
                        if example.get("value").is_some() {
                            found.insert(format!(
                                "{child_pointer}/{}/value",
                                escape_pointer_token(name)
                            ));
                        }
                    }
                } else {
                    collect_example_pointers(child, &child_pointer, found);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_example_pointers(child, &format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Compares two JSON values, with numbers equal when their values are, so that the `0` of an
/// example equals the `0.0` that an `f64` field encodes.
fn same_json(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(expected), Value::Number(actual)) => {
            match (expected.as_i64(), actual.as_i64()) {
                (Some(expected), Some(actual)) => expected == actual,
                _ => expected.as_f64() == actual.as_f64(),
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len()
                && expected.iter().zip(actual).all(|(e, a)| same_json(e, a))
        }
        (Value::Object(expected), Value::Object(actual)) => {
            expected.len() == actual.len()
                && expected
                    .iter()
                    .all(|(key, e)| actual.get(key).is_some_and(|a| same_json(e, a)))
        }
        _ => expected == actual,
    }
}

#[test]
fn every_table_row_has_an_example() {
    let missing: Vec<String> = table_cases().into_iter().filter_map(Result::err).collect();
    assert!(
        missing.is_empty(),
        "table rows with no example in the document: {missing:#?}"
    );
}

#[test]
fn every_example_has_a_table_row() {
    let mut in_document = BTreeSet::new();
    collect_example_pointers(DOCUMENT.value(), "", &mut in_document);
    let in_tables: BTreeSet<String> = table_cases()
        .into_iter()
        .filter_map(Result::ok)
        .map(|case| case.pointer)
        .collect();

    let unmapped: Vec<&String> = in_document.difference(&in_tables).collect();
    assert!(
        unmapped.is_empty(),
        "examples with no row in the tables of tests/examples.rs: {unmapped:#?}"
    );
}

#[test]
fn operation_examples_from_components_have_rows() {
    // An operation's error examples come from `components/responses`, so each must have a
    // row there, under the response it references.
    let rows: BTreeSet<String> = table_cases()
        .into_iter()
        .filter_map(Result::ok)
        .map(|case| case.pointer)
        .collect();
    let unmapped: Vec<String> = DOCUMENT
        .examples()
        .into_iter()
        .filter(|example| !rows.contains(&example.pointer))
        .map(|example| {
            let location = match &example.location {
                ExampleLocation::Request => "request".to_owned(),
                ExampleLocation::Response(status) => status.clone(),
            };
            format!(
                "{} {location} {}",
                example.operation_id.unwrap_or_default(),
                example.name.unwrap_or_default()
            )
        })
        .collect();
    assert!(
        unmapped.is_empty(),
        "operation examples with no row: {unmapped:#?}"
    );
}

#[test]
fn examples_round_trip_through_generated_types() {
    for case in table_cases().into_iter().filter_map(Result::ok) {
        let encoded = (case.round_trip)(&case.value)
            .unwrap_or_else(|error| panic!("example {} does not decode: {error}", case.pointer));

        assert!(
            same_json(&case.value, &encoded),
            "example {} changed in a round trip:\nexample: {}\nencoded: {}",
            case.pointer,
            case.value,
            encoded
        );
        insta::assert_json_snapshot!(case.snapshot.as_str(), encoded);
    }
}

#[test]
fn same_json_tells_null_from_missing() {
    let with_null = serde_json::json!({"last_login_date": null});
    let without = serde_json::json!({});
    assert!(!same_json(&with_null, &without));
    assert!(!same_json(&without, &with_null));
    assert!(same_json(&serde_json::json!(0), &serde_json::json!(0.0)));
    assert!(!same_json(&serde_json::json!(1), &serde_json::json!(1.5)));
}
