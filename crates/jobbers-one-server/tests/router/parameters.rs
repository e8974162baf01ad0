//! Path parameters decoded the PHP way, and query parameters parsed and checked.

use serde_json::json;

use crate::common::{JSON_CONTENT_TYPE, TestServer, one_error};

#[tokio::test]
async fn path_plus_decodes_to_space() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/echo/hello+world").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(response.json(), json!({"data": "echo hello world"}));
}

#[tokio::test]
async fn path_percent_2b_decodes_to_plus() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/echo/1%2B1%3D2").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"data": "echo 1+1=2"}));
}

#[tokio::test]
async fn path_email_decodes_plus_and_at() {
    let server = TestServer::start().await;
    let response = server
        .get("/oneapi/v0/clients/client%2B1%40clients.jobbers.com/exists")
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["data"]["exists"], json!(true));
    assert_eq!(
        server.calls(),
        ["check_client_exists client_email=client+1@clients.jobbers.com"]
    );
}

#[tokio::test]
async fn path_utf8_escapes_decode() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/echo/caf%C3%A9").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"data": "echo café"}));
}

#[tokio::test]
async fn path_invalid_utf8_is_invalid() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/echo/%FF").await;
    assert_eq!(response.status, 400);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "text",
            "text is invalid: it is not valid UTF-8 once percent-decoded"
        )
    );
}

#[tokio::test]
async fn path_over_max_length_is_invalid() {
    let server = TestServer::start().await;
    let long = "a".repeat(255);
    let response = server.get(&format!("/oneapi/v0/clients/{long}")).await;
    assert_eq!(response.status, 400);
    let body = response.json();
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["errors"][0]["title"], "is_invalid");
    assert_eq!(body["errors"][0]["source"], "clientIdOrClientEmail");
    let detail = body["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("clientIdOrClientEmail is invalid: "),
        "{detail}"
    );
    assert!(
        detail.ends_with(" is longer than 254 characters"),
        "{detail}"
    );
}

#[tokio::test]
async fn path_email_format_is_checked() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/clients/not-an-email/exists").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "clientEmail",
            "clientEmail is invalid: \"not-an-email\" is not a \"email\""
        )
    );
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn query_values_reach_trait() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?month=7&year=2018").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"data": []}));
    assert_eq!(server.calls(), ["get_stats month=7 year=2018"]);
}

#[tokio::test]
async fn query_missing_cannot_be_blank() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?year=2018").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error("cannot_be_blank", "month", "month cannot be blank")
    );
}

#[tokio::test]
async fn query_empty_cannot_be_blank() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?month=&year=2018").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error("cannot_be_blank", "month", "month cannot be blank")
    );
}

#[tokio::test]
async fn query_non_integer_is_invalid() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?month=july&year=2018").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "month",
            "month is invalid: `july` is not an integer"
        )
    );
}

#[tokio::test]
async fn query_out_of_range_is_invalid() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?month=13&year=2018").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "month",
            "month is invalid: 13 is greater than the maximum of 12"
        )
    );
}

#[tokio::test]
async fn query_over_i32_is_invalid() {
    let server = TestServer::start().await;
    let response = server
        .get("/oneapi/v0/stats?month=7&year=99999999999")
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "year",
            "year is invalid: 99999999999 is outside the range of a 32-bit integer"
        )
    );
}

#[tokio::test]
async fn query_problems_listed_together() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?year=12").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({"errors": [
            {"title": "cannot_be_blank", "source": "month", "detail": "month cannot be blank"},
            {"title": "is_invalid", "source": "year",
             "detail": "year is invalid: 12 is less than the minimum of 1000"},
        ]})
    );
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn query_plus_decodes_to_space() {
    let server = TestServer::start().await;
    let response = server.get("/oneapi/v0/stats?month=+7&year=2018").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "month",
            "month is invalid: ` 7` is not an integer"
        )
    );
}
