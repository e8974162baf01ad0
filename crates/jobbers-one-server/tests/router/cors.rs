//! CORS: preflight requests and the allowed origin on ordinary responses.

use crate::common::{TestServer, one_error};

#[tokio::test]
async fn preflight_allows_auth_headers() {
    let server = TestServer::start().await;
    let headers = [
        ("Origin", "https://partner.example.org"),
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ),
    ];
    let response = server
        .send("OPTIONS", "/oneapi/v0/clients", &headers, b"")
        .await;
    assert_eq!(response.status, 204);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("GET,POST,DELETE")
    );
    assert_eq!(
        response.header("access-control-allow-headers"),
        Some("authorization,content-type")
    );
    assert_eq!(response.header("access-control-max-age"), Some("3600"));
    assert_eq!(response.header("content-type"), None);
    assert!(response.body.is_empty());
}

#[tokio::test]
async fn preflight_on_unknown_path() {
    let server = TestServer::start().await;
    let headers = [
        ("Origin", "https://partner.example.org"),
        ("Access-Control-Request-Method", "GET"),
    ];
    let response = server.send("OPTIONS", "/nowhere", &headers, b"").await;
    assert_eq!(response.status, 204);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn ordinary_response_allows_origin() {
    let server = TestServer::start().await;
    let authorization = format!("Bearer {}", crate::common::TOKEN);
    let headers = [
        ("Origin", "https://partner.example.org"),
        ("Authorization", authorization.as_str()),
    ];
    let response = server.send("GET", "/oneapi/v0/echo", &headers, b"").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn error_response_allows_origin() {
    let server = TestServer::start().await;
    let headers = [("Origin", "https://partner.example.org")];
    let response = server.send("GET", "/oneapi/v0/echo", &headers, b"").await;
    assert_eq!(response.status, 401);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "Authorization",
            "the bearer token is missing, unknown or expired"
        )
    );
}
