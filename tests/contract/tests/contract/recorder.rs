//! The record of every API response the mocks sent, and the checks of that record against the
//! document: content type, schema of each body, and coverage of the documented statuses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use jobbers_one_spec::{Document, Validators, pointer};
use serde_json::Value;

/// The content type that the document gives every response.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// Response bodies are validated with closed objects, so a property the document does not
/// define is a violation.
const CLOSED: bool = true;

/// One response to a request on an operation's path, as it left the mock.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The operation whose method and path template the request matched, or `None`.
    pub operation_id: Option<String>,
    /// Method and path of the request, such as `GET /oneapi/v0/current`.
    pub request_line: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// A documented operation: its method, path template and documented statuses.
#[derive(Debug, Clone)]
struct DocumentedOperation {
    operation_id: String,
    method: String,
    /// Segments of the path template, such as `["oneapi", "v0", "clients", "{clientEmail}"]`.
    segments: Vec<String>,
    /// JSON pointer of the operation object.
    pointer: String,
    statuses: BTreeSet<u16>,
}

impl DocumentedOperation {
    /// Tells whether a request with `method` and `path` reaches this operation.
    fn matches(&self, method: &str, path: &str) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        segments.len() == self.segments.len()
            && self
                .segments
                .iter()
                .zip(&segments)
                .all(|(template, segment)| {
                    is_template_parameter(template) && !segment.is_empty() || template == segment
                })
    }

    /// Counts the literal segments, so that a literal match wins over a parameter.
    fn literal_segments(&self) -> usize {
        self.segments
            .iter()
            .filter(|segment| !is_template_parameter(segment))
            .count()
    }
}

fn is_template_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// Every exchange of every mock of a test run, and the document to check them against.
#[derive(Debug, Clone)]
pub struct Recorder {
    document: Arc<Document>,
    operations: Arc<Vec<DocumentedOperation>>,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl Recorder {
    /// Creates an empty record for the operations of `document`.
    pub fn new(document: Arc<Document>) -> Self {
        let operations = documented_operations(&document);
        Self {
            document,
            operations: Arc::new(operations),
            exchanges: Arc::default(),
        }
    }

    /// Returns the number of exchanges recorded so far, to read the later ones with
    /// [`Recorder::since`].
    pub fn mark(&self) -> usize {
        self.lock().len()
    }

    /// Returns the operationId and status of each exchange recorded after `mark`, in order.
    pub fn since(&self, mark: usize) -> Vec<(String, u16)> {
        self.lock()[mark..]
            .iter()
            .map(|exchange| {
                let operation = exchange.operation_id.as_deref().unwrap_or("(no operation)");
                (operation.to_owned(), exchange.status)
            })
            .collect()
    }

    fn record(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    ) {
        let operation_id = self
            .operations
            .iter()
            .filter(|operation| operation.matches(method, path))
            .max_by_key(|operation| operation.literal_segments())
            .map(|operation| operation.operation_id.clone());
        self.lock().push(Exchange {
            operation_id,
            request_line: format!("{method} {path}"),
            status,
            content_type,
            body,
        });
    }

    /// Returns, for each exchange whose content type is not [`JSON_CONTENT_TYPE`], a line
    /// naming the request, its status and the content type sent.
    pub fn content_type_problems(&self) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|exchange| exchange.content_type.as_deref() != Some(JSON_CONTENT_TYPE))
            .map(|exchange| {
                format!(
                    "{} -> {}: content type {:?}, expected {JSON_CONTENT_TYPE:?}",
                    exchange.request_line, exchange.status, exchange.content_type
                )
            })
            .collect()
    }

    /// Returns a line for each exchange whose request matched no operation or whose status
    /// the operation does not document.
    pub fn undocumented_responses(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for exchange in self.lock().iter() {
            let Some(operation) = self.operation(exchange.operation_id.as_deref()) else {
                problems.push(format!(
                    "{} -> {}: the request matches no operation of the document",
                    exchange.request_line, exchange.status
                ));
                continue;
            };
            if !operation.statuses.contains(&exchange.status) {
                problems.push(format!(
                    "{} -> {}: {} does not document status {}; body {}",
                    exchange.request_line,
                    exchange.status,
                    operation.operation_id,
                    exchange.status,
                    String::from_utf8_lossy(&exchange.body)
                ));
            }
        }
        problems
    }

    /// Returns a line for each violation of a documented response's schema, the body read as
    /// JSON and validated with closed objects.
    pub fn schema_violations(&self) -> Vec<String> {
        let validators = Validators::new(self.document.value().clone());
        let mut problems = Vec::new();
        for exchange in self.lock().iter() {
            let Some(operation) = self.operation(exchange.operation_id.as_deref()) else {
                continue;
            };
            if !operation.statuses.contains(&exchange.status) {
                continue;
            }
            let subject = format!(
                "{} -> {} ({} {})",
                exchange.request_line, exchange.status, operation.operation_id, exchange.status
            );

            let body: Value = match serde_json::from_slice(&exchange.body) {
                Ok(body) => body,
                Err(error) => {
                    problems.push(format!("{subject}: the body is not JSON: {error}"));
                    continue;
                }
            };
            let Some(schema) = self.response_schema(operation, exchange.status) else {
                problems.push(format!(
                    "{subject}: the document gives this response no application/json schema"
                ));
                continue;
            };
            match validators.validate(&schema, &body, CLOSED) {
                Ok(violations) => problems.extend(
                    violations
                        .into_iter()
                        .map(|violation| format!("{subject}: {violation}; body {body}")),
                ),
                Err(error) => problems.push(format!("{subject}: {error}")),
            }
        }
        problems
    }

    /// Returns `(operationId, status)` for each documented status that no exchange produced.
    pub fn missing_statuses(&self) -> Vec<(String, u16)> {
        let produced = self.produced();
        let mut missing = Vec::new();
        for operation in self.operations.iter() {
            for &status in &operation.statuses {
                if !produced.contains(&(operation.operation_id.clone(), status)) {
                    missing.push((operation.operation_id.clone(), status));
                }
            }
        }
        missing
    }

    /// Renders the operation × status table: `✓` documented and produced, `✗` documented and
    /// never produced, `!` produced but not documented, `·` neither.
    pub fn coverage_table(&self) -> String {
        let produced = self.produced();
        let mut statuses: BTreeSet<u16> = self
            .operations
            .iter()
            .flat_map(|operation| operation.statuses.iter().copied())
            .collect();
        statuses.extend(produced.iter().map(|(_, status)| *status));
        let name_width = self
            .operations
            .iter()
            .map(|operation| operation.operation_id.len())
            .max()
            .unwrap_or(0)
            .max("operationId".len());

        let mut table = format!("{:<name_width$}", "operationId");
        for status in &statuses {
            let _ = write!(table, " {status}");
        }
        table.push('\n');
        for operation in self.operations.iter() {
            let _ = write!(table, "{:<name_width$}", operation.operation_id);
            for status in &statuses {
                let documented = operation.statuses.contains(status);
                let seen = produced.contains(&(operation.operation_id.clone(), *status));
                let mark = match (documented, seen) {
                    (true, true) => "✓",
                    (true, false) => "✗",
                    (false, true) => "!",
                    (false, false) => "·",
                };
                let _ = write!(table, "  {mark} ");
            }
            table.push('\n');
        }
        table
    }

    fn produced(&self) -> BTreeSet<(String, u16)> {
        self.lock()
            .iter()
            .filter_map(|exchange| Some((exchange.operation_id.clone()?, exchange.status)))
            .collect()
    }

    fn operation(&self, operation_id: Option<&str>) -> Option<&DocumentedOperation> {
        let operation_id = operation_id?;
        self.operations
            .iter()
            .find(|operation| operation.operation_id == operation_id)
    }

    /// Returns the JSON pointer of the `application/json` schema of a response, after following
    /// the response's `$ref`.
    fn response_schema(&self, operation: &DocumentedOperation, status: u16) -> Option<String> {
        let responses = pointer::join(&operation.pointer, "responses");
        let response = self
            .document
            .resolve(&pointer::join(&responses, &status.to_string()))?;
        let content = pointer::join(&response, "content");
        let schema = pointer::join(&pointer::join(&content, "application/json"), "schema");
        self.document.get(&schema).map(|_| schema)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        // A panicking test leaves the list whole, since each push is one call.
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Lists the operations of `document` with the numeric status codes their responses document.
fn documented_operations(document: &Document) -> Vec<DocumentedOperation> {
    document
        .operations()
        .into_iter()
        .map(|operation| {
            let operation_id = operation.operation_id.clone().unwrap_or_else(|| {
                panic!("{} {} has no operationId", operation.method, operation.path)
            });
            let responses = pointer::join(&operation.pointer, "responses");
            let statuses = match document.get(&responses) {
                Some(Value::Object(responses)) => responses
                    .keys()
                    .map(|status| {
                        status.parse().unwrap_or_else(|_| {
                            panic!("{operation_id}: response key {status:?} is not a status code")
                        })
                    })
                    .collect(),
                _ => BTreeSet::new(),
            };
            DocumentedOperation {
                operation_id,
                method: operation.method.clone(),
                segments: operation
                    .path
                    .trim_start_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect(),
                pointer: operation.pointer,
                statuses,
            }
        })
        .collect()
}

/// Axum middleware that records every response to a request under `/oneapi/`, with its whole
/// body, and passes the response on unchanged.
pub async fn record_exchange(
    State(recorder): State<Recorder>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if !path.starts_with("/oneapi/") {
        return response;
    }

    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => panic!("reading the response body of {method} {path} failed: {error}"),
    };
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    recorder.record(
        &method,
        &path,
        parts.status.as_u16(),
        content_type,
        bytes.to_vec(),
    );
    Response::from_parts(parts, Body::from(bytes))
}

/// Groups `(operationId, status)` pairs by operation, for a readable failure message.
pub fn by_operation(pairs: &[(String, u16)]) -> BTreeMap<&str, Vec<u16>> {
    let mut grouped: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    for (operation_id, status) in pairs {
        grouped.entry(operation_id).or_default().push(*status);
    }
    grouped
}
