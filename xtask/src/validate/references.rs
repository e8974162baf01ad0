//! Rules on `$ref`s and components: every reference resolves and has no siblings, and every
//! component is used and has a URL-safe name.

use std::collections::{BTreeSet, VecDeque};

use jobbers_one_spec::pointer;
use serde_json::Value;

use super::Checker;

/// Every `$ref` points at an existing node of this document.
pub const UNRESOLVED_REF: &str = "unresolved-ref";
/// A `$ref` has no sibling keys, which OpenAPI 3.0 would silently ignore.
pub const REF_SIBLINGS: &str = "ref-siblings";
/// Every component is referenced from an operation, directly or through other components.
pub const UNUSED_COMPONENT: &str = "unused-component";
/// Component names match `^[a-zA-Z0-9._-]+$`, as OpenAPI 3.0 requires.
pub const COMPONENT_NAME: &str = "component-name";

/// Extension that marks a response sent by the router for no particular operation (a 405).
pub const ROUTER_LEVEL: &str = "x-jobbers-router-level";

/// Component kinds whose members must be used.
const CHECKED_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
    "securitySchemes",
];

/// A `$ref` found in the document.
struct Reference {
    /// Pointer of the `$ref` key itself.
    at: String,
    /// The referenced pointer, without the leading `#`.
    target: String,
}

pub(super) fn check(checker: &mut Checker<'_>) {
    let mut references = Vec::new();
    let mut siblings = Vec::new();
    collect(checker.document.value(), "", &mut references, &mut siblings);

    for reference in &references {
        if checker.document.get(&reference.target).is_none() {
            checker.report(
                UNRESOLVED_REF,
                &reference.at,
                format!(
                    "$ref `#{}` does not resolve to a node of this document",
                    reference.target
                ),
            );
        }
    }
    for (at, keys) in siblings {
        checker.report(
            REF_SIBLINGS,
            &at,
            format!(
                "$ref has sibling keys {}, which OpenAPI 3.0 ignores; move them into the referenced component or remove them",
                keys.join(", ")
            ),
        );
    }

    check_names(checker);
    check_unused(checker, &references);
}

/// Walks `value` at `at`, collecting `$ref`s and the `$ref` objects that have siblings; example
/// values, defaults, enums and extensions are data and are not walked.
fn collect(
    value: &Value,
    at: &str,
    references: &mut Vec<Reference>,
    siblings: &mut Vec<(String, Vec<String>)>,
) {
    match value {
        Value::Object(members) => {
            if let Some(reference) = members.get("$ref") {
                let text = reference.as_str().unwrap_or_default();
                references.push(Reference {
                    at: pointer::join(at, "$ref"),
                    // A reference to another file is kept whole, so that it never resolves.
                    target: text.strip_prefix('#').unwrap_or(text).to_owned(),
                });
                if members.len() > 1 {
                    let keys = members
                        .keys()
                        .filter(|key| *key != "$ref")
                        .map(|key| format!("`{key}`"))
                        .collect();
                    siblings.push((at.to_owned(), keys));
                }
            }
            for (key, member) in members {
                if is_data(at, key) {
                    continue;
                }
                collect(member, &pointer::join(at, key), references, siblings);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect(item, &format!("{at}/{index}"), references, siblings);
            }
        }
        _ => {}
    }
}

/// Tells whether the member `key` of the node at `at` contains data rather than OpenAPI objects.
fn is_data(at: &str, key: &str) -> bool {
    if matches!(key, "example" | "default" | "enum") || key.starts_with("x-") {
        return true;
    }

    // The `value` of an Example object, at `.../examples/NAME/value`.
    let tokens = pointer::tokens(at);
    key == "value" && tokens.len() >= 2 && tokens[tokens.len() - 2] == "examples"
}

fn check_names(checker: &mut Checker<'_>) {
    let Some(Value::Object(kinds)) = checker.document.get("/components") else {
        return;
    };
    let mut bad_names = Vec::new();
    for (kind, members) in kinds {
        let Value::Object(members) = members else {
            continue;
        };
        for name in members.keys() {
            let url_safe = !name.is_empty()
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"._-".contains(&byte));
            if !url_safe && !kind.starts_with("x-") {
                let at = pointer::join(&pointer::join("/components", kind), name);
                bad_names.push((at, name.clone()));
            }
        }
    }
    for (at, name) in bad_names {
        checker.report(
            COMPONENT_NAME,
            &at,
            format!("component name `{name}` is not URL-safe; use only letters, digits, `.`, `_` and `-`"),
        );
    }
}

/// Reports components that no operation reaches: a reference from outside `components`, or
/// from a component reached already, or a router-level response, makes a component used.
fn check_unused(checker: &mut Checker<'_>, references: &[Reference]) {
    let document = checker.document;
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut mark = |component: String, queue: &mut VecDeque<String>| {
        if used.insert(component.clone()) {
            queue.push_back(component);
        }
    };

    // Roots: references from paths and other top-level objects, and router-level responses.
    for reference in references {
        if !reference.at.starts_with("/components/")
            && let Some(component) = component_of(&reference.target)
        {
            mark(component, &mut queue);
        }
    }
    if let Some(Value::Object(responses)) = document.get("/components/responses") {
        for (name, response) in responses {
            if response.get(ROUTER_LEVEL) == Some(&Value::Bool(true)) {
                mark(pointer::join("/components/responses", name), &mut queue);
            }
        }
    }
    for scheme in security_scheme_names(document.value()) {
        mark(
            pointer::join("/components/securitySchemes", &scheme),
            &mut queue,
        );
    }

    // Components referenced from used components are used too.
    while let Some(component) = queue.pop_front() {
        let prefix = format!("{component}/");
        for reference in references {
            if reference.at.starts_with(&prefix)
                && let Some(target) = component_of(&reference.target)
            {
                mark(target, &mut queue);
            }
        }
    }

    for kind in CHECKED_KINDS {
        let kind_pointer = pointer::join("/components", kind);
        let Some(Value::Object(members)) = document.get(&kind_pointer) else {
            continue;
        };
        for name in members.keys() {
            let at = pointer::join(&kind_pointer, name);
            if !used.contains(&at) {
                checker.report(
                    UNUSED_COMPONENT,
                    &at,
                    format!("components/{kind}/{name} is not used by any operation; remove it or reference it"),
                );
            }
        }
    }
}

/// Returns the pointer of the component that `target` points into, such as
/// `/components/schemas/Client` for `/components/schemas/Client/properties/email`.
fn component_of(target: &str) -> Option<String> {
    let tokens = pointer::tokens(target);
    if tokens.len() < 3 || tokens[0] != "components" {
        return None;
    }
    Some(pointer::join(
        &pointer::join("/components", &tokens[1]),
        &tokens[2],
    ))
}

/// Returns the security scheme names of every security requirement, top-level or per operation.
pub(super) fn security_scheme_names(document: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (_, requirements) in security_requirements(document) {
        if let Value::Array(requirements) = requirements {
            for requirement in requirements {
                if let Value::Object(schemes) = requirement {
                    names.extend(schemes.keys().cloned());
                }
            }
        }
    }
    names
}

/// Returns each `security` list of the document with its pointer: the top-level one and each
/// operation's.
pub(super) fn security_requirements(document: &Value) -> Vec<(String, &Value)> {
    let mut lists = Vec::new();
    if let Some(top) = document.get("security") {
        lists.push(("/security".to_owned(), top));
    }
    let Some(Value::Object(paths)) = document.get("paths") else {
        return lists;
    };
    for (path, item) in paths {
        for method in jobbers_one_spec::METHODS {
            if let Some(security) = item
                .get(*method)
                .and_then(|operation| operation.get("security"))
            {
                let at = pointer::join(
                    &pointer::join(&pointer::join("/paths", path), method),
                    "security",
                );
                lists.push((at, security));
            }
        }
    }
    lists
}
