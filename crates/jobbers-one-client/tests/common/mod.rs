//! A small HTTP/1.1 server on `127.0.0.1:0` for the tests: it records every raw request and
//! answers with a reply chosen by the test, by default the document's example for the
//! operation that the request reaches.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use jobbers_one_client::Session;
use jobbers_one_spec::{Document, ExampleLocation};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The API key and secret that the tests use.
pub const API_KEY: &str = "test-api-key";
pub const API_SECRET: &str = "test-api-secret-7f3a";

/// The OpenAPI document, loaded with the spec crate.
pub static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/jobbers-one.yaml");
    Document::load(&path).expect("the document loads")
});

/// A request as the server read it off the socket.
#[derive(Debug, Clone)]
pub struct CapturedRequest {
    pub method: String,
    /// The request target exactly as sent, such as `/oneapi/v0/stats?month=7&year=2018`.
    pub target: String,
    /// Header names in lowercase, with their values.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl CapturedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }
}

/// A reply of the test server.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Time the server waits before it sends the reply.
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            content_type: "application/json;charset=utf-8",
            body: serde_json::to_vec(body).expect("a JSON value encodes"),
            delay: Duration::ZERO,
        }
    }

    pub fn html(status: u16, page: &str) -> Self {
        Self {
            status,
            content_type: "text/html",
            body: page.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }
}

type Responder = dyn Fn(&CapturedRequest) -> Reply + Send + Sync;

/// A running test server. It stops when the runtime that started it shuts down.
#[derive(Clone)]
pub struct TestServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
}

impl TestServer {
    /// Starts a server that answers every request with `responder`.
    pub async fn start(
        responder: impl Fn(&CapturedRequest) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener
            .local_addr()
            .expect("a bound listener has an address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let responder: Arc<Responder> = Arc::new(responder);

        let recorded = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let recorded = recorded.clone();
                let responder = responder.clone();
                tokio::spawn(async move {
                    serve_connection(stream, &recorded, &*responder).await;
                });
            }
        });

        Self {
            base_url: format!("http://{address}"),
            requests,
        }
    }

    /// Starts a server that answers with the document's examples, see [`documented_reply`].
    pub async fn documented() -> Self {
        Self::start(documented_reply).await
    }

    /// Returns and forgets the requests received so far, in arrival order.
    pub fn take_requests(&self) -> Vec<CapturedRequest> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }

    /// Returns the requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Creates a session that talks to this server, with no proxy.
    pub fn session(&self) -> Session {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client builds");
        Session::with_http_client(&self.base_url, API_KEY, API_SECRET, http)
            .expect("the test base URL is valid")
    }
}

/// Reads requests from one connection and answers each; the reply closes the connection.
async fn serve_connection(
    mut stream: TcpStream,
    recorded: &Mutex<Vec<CapturedRequest>>,
    responder: &Responder,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    recorded.lock().unwrap().push(request.clone());
    let reply = responder(&request);
    tokio::time::sleep(reply.delay).await;
    let head = format!(
        "HTTP/1.1 {} Test\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&reply.body).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<CapturedRequest> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };

    let head = String::from_utf8(buffer[..head_end].to_vec()).expect("request head is UTF-8");
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?;
    let mut parts = request_line.split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();

    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| {
            value.parse().expect("content-length is a number")
        });
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }

    Some(CapturedRequest {
        method,
        target,
        headers,
        body,
    })
}

/// The token that [`documented_reply`] hands out.
pub const TOKEN: &str = "87eb6f50-d0e2-45d5-ab18-526b60bfc74c";

/// Answers with the documented example of the operation that the request reaches: its
/// first success example, or its first example at all for an operation that documents no
/// success (`create_invoice` answers `501`).
pub fn documented_reply(request: &CapturedRequest) -> Reply {
    let Some(operation_id) = operation_of(&request.method, request.path()) else {
        return Reply::json(404, &serde_json::json!({"errors": []}));
    };
    let (status, value) = documented_response(&operation_id);
    Reply::json(status, &value)
}

/// Returns the status and the example value that [`documented_reply`] sends for an operation.
pub fn documented_response(operation_id: &str) -> (u16, Value) {
    let examples: Vec<_> = DOCUMENT
        .examples()
        .into_iter()
        .filter(|example| example.operation_id.as_deref() == Some(operation_id))
        .filter_map(|example| match example.location {
            ExampleLocation::Response(status) => Some((status.parse::<u16>().ok()?, example.value)),
            ExampleLocation::Request => None,
        })
        .collect();
    examples
        .iter()
        .find(|(status, _)| (200..300).contains(status))
        .or_else(|| examples.first())
        .cloned()
        .unwrap_or_else(|| panic!("operation {operation_id} has no response example"))
}

/// Finds the operation whose method and path template match a request.
pub fn operation_of(method: &str, path: &str) -> Option<String> {
    DOCUMENT.operations().into_iter().find_map(|operation| {
        let matches = operation.method.eq_ignore_ascii_case(method)
            && template_matches(&operation.path, path);
        matches.then(|| operation.operation_id.clone()).flatten()
    })
}

fn template_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template.iter().zip(&path).all(|(expected, actual)| {
            (expected.starts_with('{') && !actual.is_empty()) || expected == actual
        })
}

/// Decodes a URL component the way PHP's `urldecode` does: `+` is a space and `%XX` is a
/// byte. Returns `None` when the bytes are not UTF-8.
pub fn php_decode(text: &str) -> Option<String> {
    percent_decode(text, true)
}

/// Decodes a URL component as RFC 3986 does: `%XX` is a byte and `+` stays a plus sign.
pub fn rfc3986_decode(text: &str) -> Option<String> {
    percent_decode(text, false)
}

fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' if plus_is_space => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok()?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8(decoded).ok()
}
