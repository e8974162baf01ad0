//! A test implementation of the trait, a server on `127.0.0.1:0` and a raw HTTP/1.1 client
//! that writes requests byte for byte over a TCP socket.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use jobbers_one_server::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The bearer token that [`TestApi`] accepts.
pub const TOKEN: &str = "good-token";

/// Trait implementation that accepts [`TOKEN`], records each call it receives as a line of
/// text and returns fixed bodies; `create_invoice` panics.
#[derive(Debug, Clone, Default)]
pub struct TestApi {
    calls: Arc<Mutex<Vec<String>>>,
}

impl TestApi {
    fn record(&self, line: String) {
        self.calls.lock().unwrap().push(line);
    }
}

fn wire<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn error_body(title: &str, source: &str, detail: &str) -> types::ErrorBody {
    wire(json!({"errors": [{"title": title, "source": source, "detail": detail}]}))
}

fn unavailable() -> types::ErrorBody {
    error_body(
        "is_invalid",
        "server",
        "not served by the test implementation",
    )
}

impl JobbersOneApi for TestApi {
    type Caller = String;

    async fn authenticate(&self, bearer_token: &str) -> Option<String> {
        (bearer_token == TOKEN).then(|| "partner-1".to_owned())
    }

    async fn echo_get(&self, call: EchoGetCall<String>) -> EchoGetResponse {
        self.record(format!("echo_get caller={}", call.caller));
        EchoGetResponse::Ok(types::EchoResponse {
            data: "echo".to_owned(),
        })
    }

    async fn echo_post(&self, call: EchoPostCall<String>) -> EchoPostResponse {
        let data = match call.body.text {
            Some(text) => format!("echo {text}"),
            None => "echo".to_owned(),
        };
        EchoPostResponse::Ok(types::EchoResponse { data })
    }

    async fn echo_get_text(&self, call: EchoGetTextCall<String>) -> EchoGetTextResponse {
        EchoGetTextResponse::Ok(types::EchoResponse {
            data: format!("echo {}", call.text),
        })
    }

    async fn request_token(&self, call: RequestTokenCall) -> RequestTokenResponse {
        let body = serde_json::to_value(&call.body).unwrap();
        self.record(format!("request_token username={}", body["username"]));
        RequestTokenResponse::Ok(wire(json!({
            "access_token": TOKEN, "token_type": "bearer", "expires_in": 3600
        })))
    }

    async fn get_current_enterprise(
        &self,
        _call: GetCurrentEnterpriseCall<String>,
    ) -> GetCurrentEnterpriseResponse {
        GetCurrentEnterpriseResponse::Ok(wire(json!({"data": {"enterprise_id": "20"}})))
    }

    async fn list_groups_of_enterprise(
        &self,
        _call: ListGroupsOfEnterpriseCall<String>,
    ) -> ListGroupsOfEnterpriseResponse {
        ListGroupsOfEnterpriseResponse::Ok(wire(json!({"data": []})))
    }

    async fn get_stats(&self, call: GetStatsCall<String>) -> GetStatsResponse {
        self.record(format!("get_stats month={} year={}", call.month, call.year));
        GetStatsResponse::Ok(wire(json!({"data": []})))
    }

    async fn list_stocks_of_passes(
        &self,
        _call: ListStocksOfPassesCall<String>,
    ) -> ListStocksOfPassesResponse {
        ListStocksOfPassesResponse::Ok(wire(json!({"data": []})))
    }

    async fn assign_pass(&self, _call: AssignPassCall<String>) -> AssignPassResponse {
        AssignPassResponse::ServiceUnavailable(unavailable())
    }

    async fn create_invoice(&self, _call: CreateInvoiceCall<String>) -> CreateInvoiceResponse {
        panic!("create_invoice of the test implementation panics on purpose");
    }

    async fn create_client(&self, call: CreateClientCall<String>) -> CreateClientResponse {
        let body = serde_json::to_value(&call.body).unwrap();
        self.record(format!("create_client email={}", body["email"]));
        CreateClientResponse::ServiceUnavailable(unavailable())
    }

    async fn check_client_exists(
        &self,
        call: CheckClientExistsCall<String>,
    ) -> CheckClientExistsResponse {
        self.record(format!(
            "check_client_exists client_email={}",
            call.client_email
        ));
        let exists = call.client_email == "client+1@clients.jobbers.com";
        CheckClientExistsResponse::Ok(wire(json!({"data": {
            "exists": exists, "movable": false, "attached_to_another_enterprise": false,
            "subscription_valid": exists, "client_active": exists
        }})))
    }

    async fn get_client(&self, call: GetClientCall<String>) -> GetClientResponse {
        let detail = format!("client {} not found", call.client_id_or_client_email);
        GetClientResponse::NotFound(error_body("is_invalid", "client", &detail))
    }

    async fn update_client(&self, call: UpdateClientCall<String>) -> UpdateClientResponse {
        let body = serde_json::to_value(&call.body).unwrap();
        self.record(format!(
            "update_client {} {body}",
            call.client_id_or_client_email
        ));
        UpdateClientResponse::ServiceUnavailable(unavailable())
    }

    async fn delete_client(&self, call: DeleteClientCall<String>) -> DeleteClientResponse {
        self.record(format!("delete_client {}", call.client_id_or_client_email));
        DeleteClientResponse::Ok(wire(
            json!({"data": {"leaving_date": "2018-07-12 11:18:44"}}),
        ))
    }

    async fn get_client_login_url(
        &self,
        _call: GetClientLoginUrlCall<String>,
    ) -> GetClientLoginUrlResponse {
        GetClientLoginUrlResponse::ServiceUnavailable(unavailable())
    }
}

/// A server on `127.0.0.1:0` with its address and the calls its trait implementation received.
#[derive(Debug)]
pub struct TestServer {
    pub address: SocketAddr,
    calls: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    /// Starts the router around a fresh [`TestApi`] on the current tokio runtime.
    pub async fn start() -> Self {
        let api = TestApi::default();
        let calls = Arc::clone(&api.calls);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router(api)).await.unwrap();
        });
        Self { address, calls }
    }

    /// Returns the calls recorded so far.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// Sends `method path` with `headers` (after `Host` and `Connection: close`) and `body`,
    /// with a `Content-Length` when `body` is not empty.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawResponse {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        )
        .into_bytes();
        for (name, value) in headers {
            request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !body.is_empty() {
            request.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(body);
        self.send_raw(&request).await
    }

    /// Sends `GET path` with the accepted bearer token.
    pub async fn get(&self, path: &str) -> RawResponse {
        let authorization = format!("Bearer {TOKEN}");
        self.send("GET", path, &[("Authorization", &authorization)], b"")
            .await
    }

    /// Sends `POST path` with the accepted bearer token, a JSON content type and `body`.
    pub async fn post_json(&self, path: &str, body: &[u8]) -> RawResponse {
        let authorization = format!("Bearer {TOKEN}");
        let headers = [
            ("Authorization", authorization.as_str()),
            ("Content-Type", "application/json"),
        ];
        self.send("POST", path, &headers, body).await
    }

    /// Writes `request` as it is and reads the response until the server closes the connection.
    pub async fn send_raw(&self, request: &[u8]) -> RawResponse {
        let mut stream = TcpStream::connect(self.address).await.unwrap();
        stream.write_all(request).await.unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).await.unwrap();
        RawResponse::parse(&bytes)
    }
}

/// A parsed HTTP/1.1 response.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    fn parse(bytes: &[u8]) -> Self {
        let split = bytes
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(bytes)));
        let head = std::str::from_utf8(&bytes[..split]).unwrap();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();

        let raw_body = &bytes[split + 4..];
        let chunked = headers
            .iter()
            .any(|(name, value)| name == "transfer-encoding" && value.contains("chunked"));
        let body = if chunked {
            decode_chunked(raw_body)
        } else {
            raw_body.to_vec()
        };
        Self {
            status,
            headers,
            body,
        }
    }

    /// Returns every value of the header `name`.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Returns the only value of the header `name`, or `None` when it is absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.header_values(name);
        assert!(values.len() <= 1, "header {name} is repeated: {values:?}");
        values.first().copied()
    }

    /// Parses the body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

fn decode_chunked(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|window| window == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// Returns the error body that the router sends for one problem.
pub fn one_error(title: &str, source: &str, detail: &str) -> Value {
    json!({"errors": [{"title": title, "source": source, "detail": detail}]})
}

/// Content type of every response with a body.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
