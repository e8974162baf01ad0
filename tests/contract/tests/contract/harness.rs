//! What the scenarios share: the document and its examples, and mocks on `127.0.0.1:0` whose
//! responses reach the [`Recorder`]. It also builds generated clients with a chosen bearer
//! token, a raw HTTP client for requests the generated one cannot send, and outcomes of calls
//! as JSON.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use axum::middleware;
use chrono::NaiveDateTime;
use jobbers_one_client::{ByteStream, CallContext, Client, GeneratedError, ResponseValue, Session};
use jobbers_one_mock::clock::ManualClock;
use jobbers_one_mock::http::Faults;
use jobbers_one_mock::seed::DataSet;
use jobbers_one_mock::{MockConfig, dates};
use jobbers_one_spec::{Document, ExampleLocation};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::recorder::{Recorder, record_exchange};

/// Credentials of enterprise 20 in the mock's default data set.
pub const DEMO_KEY: &str = "demo-key";
pub const DEMO_SECRET: &str = "demo-secret";
/// Credentials of enterprise 21 in the mock's default data set.
pub const OTHER_KEY: &str = "other-key";
pub const OTHER_SECRET: &str = "other-secret";

/// Where the mocks' clocks start; dates in responses are computed from it.
pub const START: &str = "2024-05-15 12:00:00";

/// The OpenAPI document, loaded with the spec crate.
pub static DOCUMENT: LazyLock<Arc<Document>> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/jobbers-one.yaml");
    let document = Document::load(&path)
        .unwrap_or_else(|error| panic!("loading {} failed: {error}", path.display()));
    Arc::new(document)
});

/// Returns the one example that the document gives `operation_id` at `location` (`request` or
/// a status code such as `200`).
pub fn example(operation_id: &str, location: &str) -> Value {
    let found: Vec<Value> = DOCUMENT
        .examples()
        .into_iter()
        .filter(|example| example.operation_id.as_deref() == Some(operation_id))
        .filter(|example| match &example.location {
            ExampleLocation::Request => location == "request",
            ExampleLocation::Response(status) => status == location,
        })
        .map(|example| canonical(example.value))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one example of {operation_id} at {location}, found {found:?}"
    );
    found.into_iter().next().unwrap_or_default()
}

/// Writes every integral number of `value` as an integer, so that `20.0` from an `f64` field
/// equals the `20` of a YAML example, as they are equal JSON numbers.
pub fn canonical(value: Value) -> Value {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(float)
                if !number.is_i64()
                    && !number.is_u64()
                    && float.fract() == 0.0
                    && float.abs() < EXACT_INTEGER_LIMIT =>
            {
                // The float is integral and below 2^53, so the cast is exact.
                #[allow(clippy::cast_possible_truncation)]
                Value::from(float as i64)
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(name, field)| (name, canonical(field)))
                .collect(),
        ),
        other => other,
    }
}

/// Returns the request body example of `operation_id` as the generated client's type.
pub fn request_example<T: DeserializeOwned>(operation_id: &str) -> T {
    decode(example(operation_id, "request"))
}

/// Decodes a JSON value into a generated type.
pub fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|error| {
        panic!(
            "{value} does not decode into {}: {error}",
            std::any::type_name::<T>()
        )
    })
}

/// Parses a `Y-m-d H:i:s` date.
pub fn date(text: &str) -> NaiveDateTime {
    dates::parse(text).unwrap_or_else(|error| panic!("{text:?} is not a Y-m-d H:i:s date: {error}"))
}

/// A mock serving on a loopback port, stopped on drop.
#[derive(Debug)]
pub struct Mock {
    base_url: String,
    clock: Arc<ManualClock>,
    _stop: oneshot::Sender<()>,
}

impl Mock {
    /// Starts the default data set with no faults.
    pub async fn start(recorder: &Recorder) -> Self {
        Self::start_with(recorder, DataSet::default_data_set(), Faults::default()).await
    }

    /// Starts a mock on `127.0.0.1:0` with `data_set`, `faults` and a manual clock at
    /// [`START`]. Every API response goes through [`record_exchange`] on its way out.
    pub async fn start_with(recorder: &Recorder, data_set: DataSet, faults: Faults) -> Self {
        let clock = Arc::new(ManualClock::new(date(START)));
        let config = MockConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_set,
            faults,
            clock: clock.clone(),
            ..MockConfig::default()
        };
        let listener = TcpListener::bind(config.addr)
            .await
            .unwrap_or_else(|error| panic!("binding {} failed: {error}", config.addr));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("reading the bound address failed: {error}"));
        let base_url = jobbers_one_mock::base_url(addr);

        // `jobbers_one_mock::spawn` without the recording layer around the app.
        let sandbox = jobbers_one_mock::build_sandbox(&config);
        let app = jobbers_one_mock::http::app(sandbox, &base_url, config.faults).layer(
            middleware::from_fn_with_state(recorder.clone(), record_exchange),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                panic!("the mock on {addr} failed: {error}");
            }
        });

        Self {
            base_url,
            clock,
            _stop: stop,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// Returns a generated client that sends `token` as its bearer token.
    pub fn client_with_token(&self, token: &str) -> Client {
        Client::new_with_client(
            &self.base_url,
            reqwest::Client::new(),
            CallContext::with_bearer_token(token),
        )
    }

    /// Returns a generated client that sends no bearer token.
    pub fn client_without_token(&self) -> Client {
        Client::new_with_client(&self.base_url, reqwest::Client::new(), CallContext::new())
    }

    /// Returns a session with the API key and secret.
    pub fn session(&self, key: &str, secret: &str) -> Session {
        Session::new(&self.base_url, key, secret)
            .unwrap_or_else(|error| panic!("creating a session failed: {error}"))
    }

    /// Requests an access token with the generated client and returns it.
    pub async fn token(&self, key: &str, secret: &str) -> String {
        let body = token_request(key, secret);
        let response = self
            .client_without_token()
            .request_token()
            .body(body)
            .send()
            .await
            .unwrap_or_else(|error| panic!("requesting a token for {key} failed: {error}"));
        response.into_inner().access_token
    }

    /// Returns a generated client with a new token of the enterprise of `key`.
    pub async fn client_of(&self, key: &str, secret: &str) -> Client {
        let token = self.token(key, secret).await;
        self.client_with_token(&token)
    }

    /// Returns a raw HTTP client that follows no redirect.
    pub fn raw(&self) -> Raw {
        Raw {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_else(|error| panic!("building the HTTP client failed: {error}")),
            base_url: self.base_url.clone(),
        }
    }
}

/// Builds the token request example of the document with the given credentials.
pub fn token_request(key: &str, secret: &str) -> jobbers_one_client::types::TokenRequest {
    let mut body = example("request_token", "request");
    body["username"] = Value::from(key);
    body["password"] = Value::from(secret);
    decode(body)
}

/// A status and a JSON body, what a scenario asserts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: u16,
    pub body: Value,
}

impl Outcome {
    /// Creates an outcome, with the numbers of `body` made [`canonical`].
    pub fn new(status: u16, body: Value) -> Self {
        Self {
            status,
            body: canonical(body),
        }
    }

    /// Builds the outcome of a generated operation: the status and the decoded body, encoded
    /// back to JSON. The recorder checks the body as sent.
    pub fn of<T: Serialize>(result: Result<ResponseValue<T>, GeneratedError>) -> Self {
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                Self::new(status, to_json(&response.into_inner()))
            }
            Err(GeneratedError::ErrorResponse(response)) => {
                let status = response.status().as_u16();
                Self::new(status, to_json(&response.into_inner()))
            }
            Err(error) => panic!("the call got no documented response: {error}"),
        }
    }

    /// Builds the outcome of an operation that documents no success body, such as the invoice
    /// call: a success gets a `null` body.
    pub fn of_stream(result: Result<ResponseValue<ByteStream>, GeneratedError>) -> Self {
        match result {
            Ok(response) => Self::new(response.status().as_u16(), Value::Null),
            Err(GeneratedError::ErrorResponse(response)) => {
                let status = response.status().as_u16();
                Self::new(status, to_json(&response.into_inner()))
            }
            Err(error) => panic!("the call got no documented response: {error}"),
        }
    }

    /// Builds the outcome of a session call.
    pub fn of_session<T: Serialize>(
        result: Result<ResponseValue<T>, jobbers_one_client::Error>,
    ) -> Self {
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                Self::new(status, to_json(&response.into_inner()))
            }
            Err(error) => {
                let Some(status) = error.status() else {
                    panic!("the call got no response: {error}");
                };
                let body = error.body().map_or(Value::Null, |body| {
                    serde_json::from_slice(body).unwrap_or_else(|decoding| {
                        panic!("the {status} body is not JSON ({decoding}): {error}")
                    })
                });
                Self::new(status.as_u16(), body)
            }
        }
    }

    /// Returns the body of a `200`, and panics with the outcome otherwise.
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "expected 200, got {self:?}");
        self.body
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| panic!("encoding a body failed: {error}"))
}

/// Returns an error body with one entry.
pub fn error_body(title: &str, source: &str, detail: &str) -> Value {
    serde_json::json!({"errors": [{"title": title, "source": source, "detail": detail}]})
}

/// An HTTP client for requests that the generated client cannot build: missing or bad bodies,
/// raw path values.
#[derive(Debug, Clone)]
pub struct Raw {
    http: reqwest::Client,
    base_url: String,
}

impl Raw {
    /// Sends `method` to `path` (appended to the base URL as is) with `token` as the bearer
    /// token and `body` as an `application/json` body, and returns the status and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Outcome {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{method} {path} failed: {error}"));
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|error| panic!("reading the body of {method} {path} failed: {error}"));
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            panic!(
                "{method} {path} -> {status}: the body is not JSON ({error}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        Outcome::new(status, body)
    }

    /// Sends `body` as JSON to `path` with `token` as the bearer token.
    pub async fn post(&self, path: &str, token: &str, body: impl Into<Vec<u8>>) -> Outcome {
        self.send(Method::POST, path, Some(token), Some(body.into()))
            .await
    }

    /// Sends a `GET` to an absolute URL and returns the status and the `Location` header.
    pub async fn visit(&self, url: &str) -> (StatusCode, Option<String>) {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {url} failed: {error}"));
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        (response.status(), location)
    }
}
