//! The loaded OpenAPI document, with the source line of each node and lists of its operations
//! and examples.

use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::error::LoadError;
use crate::pointer;
use crate::yaml::{self, SourceMap};

/// HTTP methods that may key an operation in a path item, in OpenAPI 3.0 order.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An OpenAPI document loaded from YAML, as JSON, with the line of every node.
#[derive(Debug, Clone)]
pub struct Document {
    value: Value,
    lines: SourceMap,
}

/// One operation: a method under a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Lowercase HTTP method, as it keys the path item (`get`).
    pub method: String,
    /// Path template, as it keys `paths` (`/oneapi/v0/clients/{clientIdOrClientEmail}`).
    pub path: String,
    /// The `operationId`, when the operation has one.
    pub operation_id: Option<String>,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

/// Where an example sits in an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleLocation {
    /// In the request body.
    Request,
    /// In the response with this status code (`200`, `4XX`, `default`).
    Response(String),
}

impl fmt::Display for ExampleLocation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request => formatter.write_str("request"),
            Self::Response(status) => formatter.write_str(status),
        }
    }
}

/// One example of a request body or response, from `examples` or a bare `example`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The `operationId` of the operation, when it has one.
    pub operation_id: Option<String>,
    /// JSON pointer of the operation object.
    pub operation_pointer: String,
    /// Request body, or response status code.
    pub location: ExampleLocation,
    /// Media type that holds the example (`application/json`).
    pub media_type: String,
    /// Key under `examples`; `None` for a bare `example`.
    pub name: Option<String>,
    /// The example value.
    pub value: Value,
    /// JSON pointer of the example value, after following `$ref`s to components.
    pub pointer: String,
    /// JSON pointer of the media type's `schema`, after following `$ref`s to request bodies
    /// and responses; `None` when the media type has no schema.
    pub schema_pointer: Option<String>,
}

impl Document {
    /// Parses a YAML OpenAPI document; see [`yaml::parse`] for what is rejected.
    pub fn parse(source: &str) -> Result<Self, LoadError> {
        let (value, lines) = yaml::parse(source)?;
        Ok(Self { value, lines })
    }

    /// Reads and parses the YAML OpenAPI document at `path`.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let source = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&source)
    }

    /// Returns the document as JSON.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Returns the node at the JSON `pointer`.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// Returns the lines of the document's nodes.
    pub fn source_map(&self) -> &SourceMap {
        &self.lines
    }

    /// Returns the line of the node at `pointer`, or of its nearest existing ancestor.
    pub fn line(&self, pointer: &str) -> usize {
        self.lines.nearest_line(pointer)
    }

    /// Follows `$ref`s from the node at `pointer` until a node without one, returning its
    /// pointer; `None` on a reference outside the document, a missing target or a cycle.
    pub fn resolve(&self, pointer: &str) -> Option<String> {
        let mut current = pointer.to_owned();
        for _ in 0..32 {
            let node = self.get(&current)?;
            let Some(reference) = node.get("$ref") else {
                return Some(current);
            };
            current = reference.as_str()?.strip_prefix('#')?.to_owned();
        }
        None
    }

    /// Lists the operations in `paths`, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        let Some(Value::Object(paths)) = self.get("/paths") else {
            return Vec::new();
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            let item_pointer = pointer::join("/paths", path);
            let Value::Object(item) = item else { continue };
            for (method, operation) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                operations.push(Operation {
                    method: method.clone(),
                    path: path.clone(),
                    operation_id: operation
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    pointer: pointer::join(&item_pointer, method),
                });
            }
        }
        // The JSON maps are sorted by key, so the source lines give back the document order.
        operations.sort_by_key(|operation| self.line(&operation.pointer));
        operations
    }

    /// Lists every example of every operation's request body and responses.
    ///
    /// An example defined once in a component and used by several operations is listed once
    /// per operation, with the same `pointer`.
    pub fn examples(&self) -> Vec<Example> {
        let mut examples = Vec::new();
        for operation in self.operations() {
            let body = pointer::join(&operation.pointer, "requestBody");
            if self.get(&body).is_some() {
                self.collect_examples(&operation, ExampleLocation::Request, &body, &mut examples);
            }

            let responses = pointer::join(&operation.pointer, "responses");
            let Some(Value::Object(statuses)) = self.get(&responses) else {
                continue;
            };
            for status in statuses.keys() {
                let response = pointer::join(&responses, status);
                let location = ExampleLocation::Response(status.clone());
                self.collect_examples(&operation, location, &response, &mut examples);
            }
        }
        examples
    }

    fn collect_examples(
        &self,
        operation: &Operation,
        location: ExampleLocation,
        holder: &str,
        examples: &mut Vec<Example>,
    ) {
        let Some(holder) = self.resolve(holder) else {
            return;
        };
        let content = pointer::join(&holder, "content");
        let Some(Value::Object(media_types)) = self.get(&content) else {
            return;
        };

        for (media_type, media) in media_types {
            let media_pointer = pointer::join(&content, media_type);
            let schema_pointer = media
                .get("schema")
                .map(|_| pointer::join(&media_pointer, "schema"));
            let mut push = |name: Option<String>, value: Value, value_pointer: String| {
                examples.push(Example {
                    operation_id: operation.operation_id.clone(),
                    operation_pointer: operation.pointer.clone(),
                    location: location.clone(),
                    media_type: media_type.clone(),
                    name,
                    value,
                    pointer: value_pointer,
                    schema_pointer: schema_pointer.clone(),
                });
            };

            if let Some(value) = media.get("example") {
                push(
                    None,
                    value.clone(),
                    pointer::join(&media_pointer, "example"),
                );
            }
            let examples_pointer = pointer::join(&media_pointer, "examples");
            let Some(Value::Object(named)) = media.get("examples") else {
                continue;
            };
            for name in named.keys() {
                let Some(example) = self.resolve(&pointer::join(&examples_pointer, name)) else {
                    continue;
                };
                let value_pointer = pointer::join(&example, "value");
                if let Some(value) = self.get(&value_pointer) {
                    push(Some(name.clone()), value.clone(), value_pointer);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SOURCE: &str = r##"
openapi: 3.0.3
paths:
  /oneapi/v0/clients:
    parameters: []
    post:
      operationId: create_client
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Client'
            examples:
              minimal:
                summary: Only the email
                value: {email: a@example.com}
      responses:
        '200':
          $ref: '#/components/responses/ClientCreated'
  /oneapi/v0/echo:
    get:
      operationId: echo
      responses:
        '200':
          content:
            text/plain:
              example: hello
components:
  schemas:
    Client: {type: object}
  responses:
    ClientCreated:
      description: Created
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Client'
          examples:
            created:
              $ref: '#/components/examples/Created'
  examples:
    Created:
      value: {id: 1}
"##;

    #[test]
    fn operations_are_listed_in_order() {
        let document = Document::parse(SOURCE).unwrap();
        let operations = document.operations();
        assert_eq!(operations.len(), 2);
        assert_eq!(operations[0].method, "post");
        assert_eq!(operations[0].path, "/oneapi/v0/clients");
        assert_eq!(operations[0].operation_id.as_deref(), Some("create_client"));
        assert_eq!(operations[0].pointer, "/paths/~1oneapi~1v0~1clients/post");
        assert_eq!(operations[1].operation_id.as_deref(), Some("echo"));
    }

    #[test]
    fn operations_keep_document_order_when_unsorted() {
        let source = "openapi: 3.0.3\npaths:\n  /z:\n    post: {operationId: z_post}\n    get: {operationId: z_get}\n  /a:\n    delete: {operationId: a_delete}\n";
        let document = Document::parse(source).unwrap();
        let ids: Vec<_> = document
            .operations()
            .into_iter()
            .filter_map(|operation| operation.operation_id)
            .collect();
        assert_eq!(ids, ["z_post", "z_get", "a_delete"]);
    }

    #[test]
    fn examples_follow_refs() {
        let document = Document::parse(SOURCE).unwrap();
        let examples = document.examples();
        assert_eq!(examples.len(), 3);

        let request = &examples[0];
        assert_eq!(request.location, ExampleLocation::Request);
        assert_eq!(request.name.as_deref(), Some("minimal"));
        assert_eq!(request.value, json!({"email": "a@example.com"}));
        assert_eq!(
            request.schema_pointer.as_deref(),
            Some("/paths/~1oneapi~1v0~1clients/post/requestBody/content/application~1json/schema")
        );

        let response = &examples[1];
        assert_eq!(response.location.to_string(), "200");
        assert_eq!(response.pointer, "/components/examples/Created/value");
        assert_eq!(
            response.schema_pointer.as_deref(),
            Some("/components/responses/ClientCreated/content/application~1json/schema")
        );

        let bare = &examples[2];
        assert_eq!(bare.name, None);
        assert_eq!(bare.value, json!("hello"));
        assert_eq!(bare.schema_pointer, None);
    }

    #[test]
    fn line_falls_back_to_ancestor() {
        let document = Document::parse(SOURCE).unwrap();
        assert_eq!(document.line("/paths/~1oneapi~1v0~1echo/get"), 21);
        assert_eq!(document.line("/paths/~1oneapi~1v0~1echo/get/summary"), 21);
    }
}
