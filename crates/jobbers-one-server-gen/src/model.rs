//! The parts of the OpenAPI document that the generated server needs, read into plain structs.

use jobbers_one_spec::{Document, pointer};
use serde_json::Value;

use crate::error::GenerateError;
use crate::names::{self, ScalarType, Status};

const SCHEMAS_PREFIX: &str = "#/components/schemas/";
const JSON_MEDIA_TYPE: &str = "application/json";

/// The API to emit code for: its title and its operations in document order.
#[derive(Debug)]
pub(crate) struct Api {
    pub title: String,
    pub operations: Vec<Operation>,
}

/// One operation of the document.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The `operationId`, such as `get_client`.
    pub id: String,
    /// Lowercase HTTP method, such as `get`.
    pub method: String,
    /// Path template, such as `/oneapi/v0/clients/{clientIdOrClientEmail}`.
    pub path: String,
    pub summary: String,
    /// Whether the operation needs a bearer token; false for `security: []`.
    pub authenticated: bool,
    /// Path parameters, then query parameters, each in document order.
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    /// Documented responses, by ascending status code.
    pub responses: Vec<Response>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
}

/// A path or query parameter.
#[derive(Debug)]
pub(crate) struct Parameter {
    /// Name on the wire, such as `clientIdOrClientEmail`.
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub rust_type: ScalarType,
    /// JSON pointer of the parameter's schema, which the router validates the value against.
    pub schema_pointer: String,
    pub description: Option<String>,
}

/// A JSON request body whose schema is a component schema.
#[derive(Debug)]
pub(crate) struct RequestBody {
    /// Name of the component schema, which is also the name of its wire type.
    pub schema_name: String,
    /// JSON pointer of the component schema.
    pub schema_pointer: String,
    pub description: Option<String>,
}

/// A documented response.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: Status,
    /// Name of the component schema of its JSON body; `None` for a response without content.
    pub schema_name: Option<String>,
    pub description: String,
}

/// Reads every operation of `document`, in the order they appear in the YAML source.
pub(crate) fn read(document: &Document) -> Result<Api, GenerateError> {
    let title = text(document.value(), "/info/title").unwrap_or("the API");

    let mut listed = document.operations();
    listed.sort_by_key(|operation| document.line(&operation.pointer));

    let mut operations = Vec::new();
    for listed_operation in &listed {
        operations.push(read_operation(document, listed_operation)?);
    }
    check_unique_names(&operations)?;
    Ok(Api {
        title: title.to_owned(),
        operations,
    })
}

fn read_operation(
    document: &Document,
    listed: &jobbers_one_spec::Operation,
) -> Result<Operation, GenerateError> {
    let at = listed.pointer.as_str();
    let id = listed.operation_id.clone().ok_or_else(|| {
        GenerateError::unsupported(
            at,
            "has no operationId; add one, because it names the trait method",
        )
    })?;
    if !names::is_identifier(&id) {
        return Err(GenerateError::unsupported(
            at,
            format!("has operationId `{id}`, which is not a Rust identifier once snake-cased"),
        ));
    }
    let summary = text(document.value(), &pointer::join(at, "summary"))
        .ok_or_else(|| {
            GenerateError::unsupported(
                at,
                "has no summary; add one, because it documents the trait method",
            )
        })?
        .trim()
        .to_owned();

    Ok(Operation {
        authenticated: read_security(document, at)?,
        parameters: read_parameters(document, at, &listed.path)?,
        body: read_request_body(document, at)?,
        responses: read_responses(document, at)?,
        id,
        method: listed.method.clone(),
        path: listed.path.clone(),
        summary,
    })
}

/// Returns whether the operation needs a bearer token, from its own `security` or else the
/// document's.
fn read_security(document: &Document, at: &str) -> Result<bool, GenerateError> {
    let own = pointer::join(at, "security");
    let (requirements_pointer, requirements) = match document.get(&own) {
        Some(requirements) => (own, requirements),
        None => match document.get("/security") {
            Some(requirements) => ("/security".to_owned(), requirements),
            None => return Ok(false),
        },
    };
    let Value::Array(requirements) = requirements else {
        return Err(GenerateError::unsupported(
            &requirements_pointer,
            "is not a list",
        ));
    };
    if requirements.is_empty() {
        return Ok(false);
    }

    for (index, requirement) in requirements.iter().enumerate() {
        let requirement_pointer = format!("{requirements_pointer}/{index}");
        let schemes = requirement
            .as_object()
            .filter(|schemes| !schemes.is_empty());
        let Some(schemes) = schemes else {
            return Err(GenerateError::unsupported(
                &requirement_pointer,
                "makes authentication optional, which the generated router does not support",
            ));
        };
        for name in schemes.keys() {
            let scheme_pointer = pointer::join("/components/securitySchemes", name);
            let scheme = document.get(&scheme_pointer);
            let is_bearer = scheme.and_then(|scheme| scheme.get("type"))
                == Some(&Value::from("http"))
                && scheme
                    .and_then(|scheme| scheme.get("scheme"))
                    .and_then(Value::as_str)
                    .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"));
            if !is_bearer {
                return Err(GenerateError::unsupported(
                    &requirement_pointer,
                    format!(
                        "requires security scheme `{name}`, but only HTTP bearer schemes are supported"
                    ),
                ));
            }
        }
    }
    Ok(true)
}

/// Reads the path item's and the operation's parameters; the operation's override the path
/// item's of the same name and location.
fn read_parameters(
    document: &Document,
    at: &str,
    path: &str,
) -> Result<Vec<Parameter>, GenerateError> {
    let item_pointer = pointer::join("/paths", path);
    let mut parameters: Vec<Parameter> = Vec::new();
    for list in [
        pointer::join(&item_pointer, "parameters"),
        pointer::join(at, "parameters"),
    ] {
        let Some(Value::Array(entries)) = document.get(&list) else {
            continue;
        };
        for index in 0..entries.len() {
            let parameter = read_parameter(document, &format!("{list}/{index}"))?;
            parameters.retain(|known| {
                (known.name.as_str(), known.location)
                    != (parameter.name.as_str(), parameter.location)
            });
            parameters.push(parameter);
        }
    }

    for parameter in &parameters {
        let placeholder = format!("{{{}}}", parameter.name);
        if parameter.location == Location::Path
            && !path.split('/').any(|segment| segment == placeholder)
        {
            return Err(GenerateError::unsupported(
                at,
                format!(
                    "has path parameter `{}`, which is not a whole segment of `{path}`",
                    parameter.name
                ),
            ));
        }
    }
    parameters.sort_by_key(|parameter| parameter.location == Location::Query);
    Ok(parameters)
}

fn read_parameter(document: &Document, listed_at: &str) -> Result<Parameter, GenerateError> {
    let at = document
        .resolve(listed_at)
        .ok_or_else(|| GenerateError::unsupported(listed_at, "is a $ref that does not resolve"))?;
    let value = document.value();
    let name = text(value, &pointer::join(&at, "name"))
        .ok_or_else(|| GenerateError::unsupported(&at, "has no name"))?;
    if !names::is_identifier(name) {
        return Err(GenerateError::unsupported(
            &at,
            format!("has name `{name}`, which is not a Rust identifier once snake-cased"),
        ));
    }
    let location = match text(value, &pointer::join(&at, "in")) {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        other => {
            return Err(GenerateError::unsupported(
                &at,
                format!("is in {other:?}; only path and query parameters are supported"),
            ));
        }
    };
    let required = document.get(&pointer::join(&at, "required")) == Some(&Value::Bool(true));
    if location == Location::Path && !required {
        return Err(GenerateError::unsupported(
            &at,
            "is a path parameter without `required: true`",
        ));
    }

    let schema_pointer = pointer::join(&at, "schema");
    let resolved_schema = document.resolve(&schema_pointer).ok_or_else(|| {
        GenerateError::unsupported(&at, "has no schema, or a schema $ref that does not resolve")
    })?;
    let kind = text(value, &pointer::join(&resolved_schema, "type")).unwrap_or_default();
    let format = text(value, &pointer::join(&resolved_schema, "format"));
    let rust_type = ScalarType::from_openapi(kind, format).ok_or_else(|| {
        GenerateError::unsupported(
            &resolved_schema,
            format!("has type `{kind}`; parameters must be strings, integers, numbers or booleans"),
        )
    })?;

    Ok(Parameter {
        name: name.to_owned(),
        location,
        required,
        rust_type,
        schema_pointer,
        description: text(value, &pointer::join(&at, "description")).map(str::to_owned),
    })
}

fn read_request_body(document: &Document, at: &str) -> Result<Option<RequestBody>, GenerateError> {
    let listed = pointer::join(at, "requestBody");
    if document.get(&listed).is_none() {
        return Ok(None);
    }
    let body = document
        .resolve(&listed)
        .ok_or_else(|| GenerateError::unsupported(&listed, "is a $ref that does not resolve"))?;
    if document.get(&pointer::join(&body, "required")) != Some(&Value::Bool(true)) {
        return Err(GenerateError::unsupported(
            &body,
            "is optional; the generated router supports only request bodies with `required: true`",
        ));
    }

    let content = pointer::join(&body, "content");
    let media_types = document.get(&content).and_then(Value::as_object);
    let only_json =
        media_types.is_some_and(|media| media.len() == 1 && media.contains_key(JSON_MEDIA_TYPE));
    if !only_json {
        return Err(GenerateError::unsupported(
            &content,
            "must list exactly one media type, application/json",
        ));
    }
    let schema_at = pointer::join(&pointer::join(&content, JSON_MEDIA_TYPE), "schema");
    let schema_name = component_schema_name(document, &schema_at)?;

    Ok(Some(RequestBody {
        schema_pointer: pointer::join("/components/schemas", &schema_name),
        description: description_of_schema(document, &schema_name),
        schema_name,
    }))
}

fn read_responses(document: &Document, at: &str) -> Result<Vec<Response>, GenerateError> {
    let responses_pointer = pointer::join(at, "responses");
    let Some(Value::Object(statuses)) = document.get(&responses_pointer) else {
        return Err(GenerateError::unsupported(at, "has no responses"));
    };

    let mut responses = Vec::new();
    for key in statuses.keys() {
        let listed = pointer::join(&responses_pointer, key);
        let status = names::status_for(key).ok_or_else(|| {
            GenerateError::unsupported(
                &listed,
                format!("has status `{key}`; list explicit status codes the generator names, such as 404"),
            )
        })?;
        let response = document.resolve(&listed).ok_or_else(|| {
            GenerateError::unsupported(&listed, "is a $ref that does not resolve")
        })?;
        let description = text(document.value(), &pointer::join(&response, "description"))
            .unwrap_or_default()
            .trim()
            .to_owned();

        let content = pointer::join(&response, "content");
        let schema_name = match document.get(&content).and_then(Value::as_object) {
            None => None,
            Some(media) if media.is_empty() => None,
            Some(media) if media.len() == 1 && media.contains_key(JSON_MEDIA_TYPE) => {
                let schema_at = pointer::join(&pointer::join(&content, JSON_MEDIA_TYPE), "schema");
                Some(component_schema_name(document, &schema_at)?)
            }
            Some(_) => {
                return Err(GenerateError::unsupported(
                    &content,
                    "must list exactly one media type, application/json",
                ));
            }
        };
        responses.push(Response {
            status,
            schema_name,
            description,
        });
    }
    responses.sort_by_key(|response| response.status.code);
    Ok(responses)
}

/// Returns the name of the component schema that the schema at `at` refers to with `$ref`.
fn component_schema_name(document: &Document, at: &str) -> Result<String, GenerateError> {
    let reference = text(document.value(), &pointer::join(at, "$ref"));
    let name = reference
        .and_then(|reference| reference.strip_prefix(SCHEMAS_PREFIX))
        .filter(|name| !name.contains('/'))
        .map(pointer::unescape);
    match name {
        Some(name)
            if document
                .get(&pointer::join("/components/schemas", &name))
                .is_some() =>
        {
            Ok(name)
        }
        _ => Err(GenerateError::unsupported(
            at,
            "must be a $ref to a schema under #/components/schemas, which names its wire type",
        )),
    }
}

fn description_of_schema(document: &Document, name: &str) -> Option<String> {
    let at = pointer::join(&pointer::join("/components/schemas", name), "description");
    text(document.value(), &at).map(|description| description.trim().to_owned())
}

fn check_unique_names(operations: &[Operation]) -> Result<(), GenerateError> {
    for (index, operation) in operations.iter().enumerate() {
        let pascal = names::pascal_ident(&operation.id, "").to_string();
        let clash = operations[..index]
            .iter()
            .find(|earlier| names::pascal_ident(&earlier.id, "") == pascal);
        if let Some(earlier) = clash {
            return Err(GenerateError::unsupported(
                &pointer::join(&pointer::join("/paths", &operation.path), &operation.method),
                format!(
                    "has operationId `{}`, whose Rust name {pascal} is already taken by `{}`",
                    operation.id, earlier.id
                ),
            ));
        }
    }
    Ok(())
}

fn text<'a>(value: &'a Value, at: &str) -> Option<&'a str> {
    value.pointer(at).and_then(Value::as_str)
}
