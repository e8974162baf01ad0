//! Bearer tokens: `401` before any other check, and no token on the token endpoint.

use serde_json::json;

use crate::common::{JSON_CONTENT_TYPE, TestServer, one_error};

fn unauthorized() -> serde_json::Value {
    one_error(
        "is_invalid",
        "Authorization",
        "the bearer token is missing, unknown or expired",
    )
}

#[tokio::test]
async fn missing_token_is_unauthorized() {
    let server = TestServer::start().await;
    let response = server.send("GET", "/oneapi/v0/current", &[], b"").await;
    assert_eq!(response.status, 401);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    assert_eq!(response.json(), unauthorized());
}

#[tokio::test]
async fn unknown_token_is_unauthorized() {
    let server = TestServer::start().await;
    let headers = [("Authorization", "Bearer not-a-token")];
    let response = server
        .send("GET", "/oneapi/v0/current", &headers, b"")
        .await;
    assert_eq!(response.status, 401);
    assert_eq!(response.json(), unauthorized());
}

#[tokio::test]
async fn other_scheme_is_unauthorized() {
    let server = TestServer::start().await;
    let headers = [("Authorization", "Basic Z29vZC10b2tlbjo=")];
    let response = server
        .send("GET", "/oneapi/v0/current", &headers, b"")
        .await;
    assert_eq!(response.status, 401);
    assert_eq!(response.json(), unauthorized());
}

#[tokio::test]
async fn token_checked_before_body() {
    let server = TestServer::start().await;
    let headers = [("Content-Type", "application/json")];
    let response = server
        .send("POST", "/oneapi/v0/clients", &headers, b"not json")
        .await;
    assert_eq!(response.status, 401);
    assert_eq!(response.json(), unauthorized());
}

#[tokio::test]
async fn token_checked_before_parameters() {
    let server = TestServer::start().await;
    let response = server.send("GET", "/oneapi/v0/stats", &[], b"").await;
    assert_eq!(response.status, 401);
    assert_eq!(response.json(), unauthorized());
}

#[tokio::test]
async fn known_token_reaches_trait() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/echo").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"data": "echo"}));
    assert_eq!(server.calls(), ["echo_get caller=partner-1"]);
}

#[tokio::test]
async fn token_endpoint_needs_no_token() {
    let server = TestServer::start().await;
    let body = br#"{"grant_type": "password", "username": "API_KEY", "password": "SECRET"}"#;
    let headers = [("Content-Type", "application/json")];
    let response = server
        .send("POST", "/oneapi/authentication/token", &headers, body)
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.json(),
        json!({"access_token": "good-token", "token_type": "bearer", "expires_in": 3600})
    );
    assert_eq!(server.calls(), [r#"request_token username="API_KEY""#]);
}
