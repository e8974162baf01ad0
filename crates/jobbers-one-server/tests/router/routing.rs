//! Unknown paths (`404`) and methods (`405` with `Allow`).

use crate::common::{JSON_CONTENT_TYPE, TOKEN, TestServer, one_error};

#[tokio::test]
async fn unknown_path_is_not_found() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/nothing").await;
    assert_eq!(response.status, 404);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "path",
            "/oneapi/v0/nothing is not an endpoint of the API"
        )
    );
}

#[tokio::test]
async fn trailing_slash_is_not_found() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/echo/").await;
    assert_eq!(response.status, 404);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "path",
            "/oneapi/v0/echo/ is not an endpoint of the API"
        )
    );
}

#[tokio::test]
async fn wrong_method_lists_allowed_methods() {
    let server = TestServer::start().await;
    let authorization = format!("Bearer {TOKEN}");
    let headers = [("Authorization", authorization.as_str())];
    let response = server
        .send("PUT", "/oneapi/v0/clients/40331", &headers, b"")
        .await;
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("GET, HEAD, POST, DELETE"));
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "method",
            "method PUT is not allowed on this path, use GET, POST or DELETE"
        )
    );
}

#[tokio::test]
async fn head_is_served_on_get_route() {
    let server = TestServer::start().await;
    let authorization = format!("Bearer {TOKEN}");
    let headers = [("Authorization", authorization.as_str())];
    let get = server
        .send("GET", "/oneapi/v0/echo/hello", &headers, b"")
        .await;
    let head = server
        .send("HEAD", "/oneapi/v0/echo/hello", &headers, b"")
        .await;
    assert_eq!(get.status, 200);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), get.header("content-length"));
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn wrong_method_needs_no_token() {
    let server = TestServer::start().await;
    let response = server.send("GET", "/oneapi/v0/clients", &[], b"").await;
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("POST"));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "method",
            "method GET is not allowed on this path, use POST"
        )
    );
}
