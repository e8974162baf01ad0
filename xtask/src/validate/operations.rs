//! Rules on paths and operations: operationIds, path templates and their parameters, required
//! responses, summaries, tags and security requirements.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jobbers_one_spec::{Document, Operation, pointer};
use serde_json::Value;

use super::references::security_requirements;
use super::{Checker, is_json_media_type};

/// Every operation has a snake_case `operationId` that starts with a verb of [`VERBS`].
pub const OPERATION_ID: &str = "operation-id";
/// No two operations share an `operationId`.
pub const DUPLICATE_OPERATION_ID: &str = "duplicate-operation-id";
/// Every `{name}` of a path template is an `in: path` parameter, and back. The OpenAPI 3.0
/// schema already requires `required: true` on path parameters.
pub const PATH_PARAMETERS: &str = "path-parameters";
/// Path keys have no trailing slash and no query string.
pub const PATH_FORMAT: &str = "path-format";
/// No two path templates match the same URLs.
pub const AMBIGUOUS_PATHS: &str = "ambiguous-paths";
/// Every operation has a 2xx response, or a 501 when marked not implemented.
pub const SUCCESS_RESPONSE: &str = "success-response";
/// Operations list 401 when they require authentication, and 400 and 422 when they take a JSON
/// request body.
pub const ERROR_RESPONSES: &str = "error-responses";
/// Every operation has a `summary` and a `description`.
pub const OPERATION_DOCS: &str = "operation-docs";
/// Every operation has exactly one tag, declared in the top-level `tags`.
pub const OPERATION_TAG: &str = "operation-tag";
/// Every security requirement names a scheme of `components/securitySchemes`.
pub const SECURITY_SCHEME: &str = "security-scheme";

/// Extension that marks an operation to which the API responds with 501 for now.
pub const NOT_IMPLEMENTED: &str = "x-jobbers-not-implemented";

/// Verbs an `operationId` may start with, so that generated client methods read as actions.
pub const VERBS: &[&str] = &[
    "add", "assign", "cancel", "check", "count", "create", "delete", "download", "echo", "get",
    "list", "login", "logout", "refresh", "remove", "replace", "request", "reset", "revoke",
    "search", "send", "set", "update", "upload", "validate", "verify",
];

pub(super) fn check(checker: &mut Checker<'_>) {
    let operations = checker.document.operations();

    check_operation_ids(checker, &operations);
    check_path_keys(checker);
    check_path_parameters(checker, &operations);
    for operation in &operations {
        check_responses(checker, operation);
        check_docs_and_tag(checker, operation);
    }
    check_security_schemes(checker);
}

fn check_operation_ids(checker: &mut Checker<'_>, operations: &[Operation]) {
    let mut first_use: HashMap<&str, &Operation> = HashMap::new();
    for operation in operations {
        let at = pointer::join(&operation.pointer, "operationId");
        let name = format!("{} {}", operation.method.to_uppercase(), operation.path);
        let Some(id) = operation.operation_id.as_deref() else {
            checker.report(
                OPERATION_ID,
                &operation.pointer,
                format!("{name} has no operationId; add one such as `get_client`"),
            );
            continue;
        };

        if !is_snake_case(id) {
            checker.report(
                OPERATION_ID,
                &at,
                format!("operationId `{id}` is not snake_case (lowercase words joined by `_`)"),
            );
        } else {
            let verb = id.split('_').next().unwrap_or_default();
            if !VERBS.contains(&verb) {
                checker.report(
                    OPERATION_ID,
                    &at,
                    format!(
                        "operationId `{id}` does not start with a verb; use one of {}",
                        VERBS.join(", ")
                    ),
                );
            }
        }

        if let Some(first) = first_use.get(id) {
            let message = format!(
                "operationId `{id}` is also used by {} {}",
                first.method.to_uppercase(),
                first.path
            );
            checker.report(DUPLICATE_OPERATION_ID, &at, message);
        } else {
            first_use.insert(id, operation);
        }
    }
}

fn is_snake_case(id: &str) -> bool {
    id.split('_').all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
    }) && id.starts_with(|first: char| first.is_ascii_lowercase())
}

fn check_path_keys(checker: &mut Checker<'_>) {
    let Some(Value::Object(paths)) = checker.document.get("/paths") else {
        return;
    };
    let mut shapes: BTreeMap<String, String> = BTreeMap::new();
    let mut findings = Vec::new();
    for path in paths.keys() {
        let at = pointer::join("/paths", path);
        if path.contains('?') {
            findings.push((PATH_FORMAT, at.clone(), format!("path `{path}` contains a query string; declare query parameters with `in: query`")));
        }
        if path.len() > 1 && path.ends_with('/') {
            findings.push((
                PATH_FORMAT,
                at.clone(),
                format!("path `{path}` ends with a slash; remove it"),
            ));
        }

        let shape = path_shape(path);
        if let Some(other) = shapes.get(&shape) {
            findings.push((
                AMBIGUOUS_PATHS,
                at,
                format!("path `{path}` matches the same URLs as `{other}`"),
            ));
        } else {
            shapes.insert(shape, path.clone());
        }
    }
    for (rule, at, message) in findings {
        checker.report(rule, &at, message);
    }
}

/// Replaces each `{name}` of a path template by `{}`, so that templates that route the same
/// URLs get the same shape.
fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_parameter = false;
    for character in path.chars() {
        match character {
            '{' => {
                in_parameter = true;
                shape.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if !in_parameter => shape.push(character),
            _ => {}
        }
    }
    shape
}

/// Returns the `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// A parameter in effect for an operation, declared on it or on its path item.
struct Parameter {
    /// Pointer of the parameter in the `parameters` list, possibly a `$ref`.
    at: String,
    /// Pointer of the parameter object after following `$ref`s.
    resolved: String,
}

/// Returns the parameters in effect for `operation`: its own, and those of its path item that
/// it does not override by name and location.
fn effective_parameters(document: &Document, operation: &Operation) -> Vec<Parameter> {
    let item = pointer::parent(&operation.pointer).unwrap_or_default();
    let mut by_identity: BTreeMap<(String, String), Parameter> = BTreeMap::new();
    for list in [
        pointer::join(item, "parameters"),
        pointer::join(&operation.pointer, "parameters"),
    ] {
        let Some(Value::Array(parameters)) = document.get(&list) else {
            continue;
        };
        for index in 0..parameters.len() {
            let at = format!("{list}/{index}");
            let Some(resolved) = document.resolve(&at) else {
                continue;
            };
            let Some(parameter) = document.get(&resolved) else {
                continue;
            };
            let field = |key: &str| {
                parameter
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            by_identity.insert((field("name"), field("in")), Parameter { at, resolved });
        }
    }
    by_identity.into_values().collect()
}

fn check_path_parameters(checker: &mut Checker<'_>, operations: &[Operation]) {
    let document = checker.document;
    // A path-level parameter is checked once per operation; report it once.
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    let mut findings = Vec::new();

    for operation in operations {
        let names = template_names(&operation.path);
        let mut declared = BTreeSet::new();

        for parameter in effective_parameters(document, operation) {
            let Some(object) = document.get(&parameter.resolved) else {
                continue;
            };
            if object.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let name = object
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            declared.insert(name.to_owned());

            if !names.contains(&name) {
                findings.push((
                    parameter.at.clone(),
                    format!(
                        "path parameter `{name}` is not in the path template `{}`",
                        operation.path
                    ),
                ));
            }
        }

        for name in names {
            if !declared.contains(name) {
                findings.push((
                    operation.pointer.clone(),
                    format!(
                        "`{{{name}}}` in `{}` has no `in: path` parameter declared for {}",
                        operation.path,
                        operation.method.to_uppercase()
                    ),
                ));
            }
        }
    }

    for (at, message) in findings {
        if reported.insert((at.clone(), message.clone())) {
            checker.report(PATH_PARAMETERS, &at, message);
        }
    }
}

/// Tells whether the security requirements in effect for `operation` require authentication:
/// a non-empty list without an empty requirement `{}`.
fn requires_authentication(document: &Document, operation: &Operation) -> bool {
    let own = pointer::join(&operation.pointer, "security");
    let security = document.get(&own).or_else(|| document.get("/security"));
    match security {
        Some(Value::Array(requirements)) => {
            !requirements.is_empty()
                && requirements
                    .iter()
                    .all(|requirement| requirement.as_object().is_some_and(|map| !map.is_empty()))
        }
        _ => false,
    }
}

/// Tells whether `operation` takes a JSON request body.
fn has_json_request_body(document: &Document, operation: &Operation) -> bool {
    let Some(body) = document.resolve(&pointer::join(&operation.pointer, "requestBody")) else {
        return false;
    };
    match document.get(&pointer::join(&body, "content")) {
        Some(Value::Object(media_types)) => media_types.keys().any(|key| is_json_media_type(key)),
        _ => false,
    }
}

fn check_responses(checker: &mut Checker<'_>, operation: &Operation) {
    let document = checker.document;
    let responses_at = pointer::join(&operation.pointer, "responses");
    let statuses: Vec<&String> = match document.get(&responses_at) {
        Some(Value::Object(responses)) => responses.keys().collect(),
        _ => Vec::new(),
    };
    let has = |status: &str| statuses.iter().any(|key| key.as_str() == status);
    let name = format!("{} {}", operation.method.to_uppercase(), operation.path);

    let not_implemented = document.get(&pointer::join(&operation.pointer, NOT_IMPLEMENTED))
        == Some(&Value::Bool(true));
    if not_implemented {
        if !has("501") {
            let message =
                format!("{name} is marked `{NOT_IMPLEMENTED}: true` but has no 501 response");
            checker.report(SUCCESS_RESPONSE, &responses_at, message);
        }
    } else if !statuses.iter().any(|status| status.starts_with('2')) {
        checker.report(
            SUCCESS_RESPONSE,
            &responses_at,
            format!("{name} has no 2xx response; add one, or mark it `{NOT_IMPLEMENTED}: true` with a 501"),
        );
    }

    let mut missing = Vec::new();
    if requires_authentication(document, operation) && !has("401") {
        missing.push("401 (it requires authentication)");
    }
    if has_json_request_body(document, operation) {
        if !has("400") {
            missing.push("400 (it takes a JSON request body)");
        }
        if !has("422") {
            missing.push("422 (it takes a JSON request body)");
        }
    }
    if !missing.is_empty() {
        checker.report(
            ERROR_RESPONSES,
            &responses_at,
            format!("{name} lacks responses {}", missing.join(", ")),
        );
    }
}

fn check_docs_and_tag(checker: &mut Checker<'_>, operation: &Operation) {
    let document = checker.document;
    let name = format!("{} {}", operation.method.to_uppercase(), operation.path);

    for field in ["summary", "description"] {
        let text = document
            .get(&pointer::join(&operation.pointer, field))
            .and_then(Value::as_str);
        if text.is_none_or(|text| text.trim().is_empty()) {
            checker.report(
                OPERATION_DOCS,
                &operation.pointer,
                format!("{name} has no {field}"),
            );
        }
    }

    let tags_at = pointer::join(&operation.pointer, "tags");
    let tags: Vec<&str> = match document.get(&tags_at) {
        Some(Value::Array(tags)) => tags.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let [tag] = tags.as_slice() else {
        let at = if tags.is_empty() {
            &operation.pointer
        } else {
            &tags_at
        };
        checker.report(
            OPERATION_TAG,
            at,
            format!("{name} has {} tags; give it exactly one", tags.len()),
        );
        return;
    };
    let declared = match document.get("/tags") {
        Some(Value::Array(declared)) => declared
            .iter()
            .any(|entry| entry.get("name").and_then(Value::as_str) == Some(tag)),
        _ => false,
    };
    if !declared {
        checker.report(
            OPERATION_TAG,
            &tags_at,
            format!("tag `{tag}` of {name} is not declared in the top-level `tags`"),
        );
    }
}

fn check_security_schemes(checker: &mut Checker<'_>) {
    let document = checker.document;
    let schemes = document.get("/components/securitySchemes");
    let mut findings = Vec::new();
    for (at, requirements) in security_requirements(document.value()) {
        let Value::Array(requirements) = requirements else {
            continue;
        };
        for (index, requirement) in requirements.iter().enumerate() {
            let Value::Object(names) = requirement else {
                continue;
            };
            for name in names.keys() {
                if schemes.and_then(|schemes| schemes.get(name)).is_none() {
                    findings.push((
                        pointer::join(&format!("{at}/{index}"), name),
                        format!("security requirement names `{name}`, which is not in components/securitySchemes"),
                    ));
                }
            }
        }
    }
    for (at, message) in findings {
        checker.report(SECURITY_SCHEME, &at, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_shape_hides_parameter_names() {
        assert_eq!(path_shape("/a/{x}/b/{y}"), "/a/{}/b/{}");
        assert_eq!(path_shape("/a/{x}/b/{y}"), path_shape("/a/{z}/b/{w}"));
    }

    #[test]
    fn template_names_in_order() {
        assert_eq!(template_names("/a/{x}/b/{y}"), ["x", "y"]);
        assert!(template_names("/a").is_empty());
    }

    #[test]
    fn snake_case_accepts_digits() {
        assert!(is_snake_case("get_v2_client"));
        assert!(!is_snake_case("getClient"));
        assert!(!is_snake_case("get__client"));
        assert!(!is_snake_case("_get"));
        assert!(!is_snake_case("2get"));
    }
}
