//! No client input reaches a `500`, and a panic of the trait implementation becomes a JSON
//! `500`.

use crate::common::{JSON_CONTENT_TYPE, TOKEN, TestServer, one_error};

#[tokio::test]
async fn trait_panic_is_json_500() {
    let server = TestServer::start().await;
    let body = br#"{"payment_reference": "p", "first_name": "a", "last_name": "b",
        "address": "c", "zip_code": "1", "city": "d", "country": "FR"}"#;
    let response = server
        .post_json("/oneapi/v0/stockofpasses/invoice", body)
        .await;
    assert_eq!(response.status, 500);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "server",
            "an internal error occurred, try again later"
        )
    );
}

#[tokio::test]
async fn hostile_inputs_never_reach_500() {
    let server = TestServer::start().await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!(r#"{{"text": {}1{}}}"#, "[".repeat(100), "]".repeat(100));
    let huge_number = format!(
        r#"{{"stock_id": 1{}, "email": "a@b.c", "payment_reference": "p"}}"#,
        "0".repeat(400)
    );
    let cases: Vec<(&str, String, Vec<u8>)> = vec![
        ("POST", "/oneapi/v0/echo".into(), deep.into_bytes()),
        ("POST", "/oneapi/v0/echo".into(), deep_object.into_bytes()),
        (
            "POST",
            "/oneapi/v0/stockofpasses/assign".into(),
            huge_number.into_bytes(),
        ),
        (
            "POST",
            "/oneapi/v0/stockofpasses/assign".into(),
            br#"{"stock_id": 1.5}"#.to_vec(),
        ),
        (
            "POST",
            "/oneapi/v0/clients".into(),
            b"\xEF\xBB\xBF{}".to_vec(),
        ),
        ("POST", "/oneapi/v0/clients".into(), b"\0\0\0".to_vec()),
        (
            "POST",
            "/oneapi/v0/clients".into(),
            br#"{"email": "\ud800"}"#.to_vec(),
        ),
        ("POST", "/oneapi/v0/clients/%".into(), b"{}".to_vec()),
        ("GET", "/oneapi/v0/echo/%%%".into(), Vec::new()),
        ("GET", "/oneapi/v0/echo/%C3".into(), Vec::new()),
        (
            "GET",
            "/oneapi/v0/stats?month=%FF&year=%".into(),
            Vec::new(),
        ),
        (
            "GET",
            "/oneapi/v0/stats?month=-0&year=+2018&&=&month[]=1".into(),
            Vec::new(),
        ),
        (
            "GET",
            format!("/oneapi/v0/clients/{}", "%41".repeat(3000)),
            Vec::new(),
        ),
        ("DELETE", "/oneapi/v0/clients/%00".into(), Vec::new()),
        ("PATCH", "/oneapi/v0/echo".into(), b"{}".to_vec()),
        ("TRACE", "/".into(), Vec::new()),
    ];

    let authorization = format!("Bearer {TOKEN}");
    for (method, path, body) in &cases {
        let headers = [
            ("Authorization", authorization.as_str()),
            ("Content-Type", "application/json"),
        ];
        let response = server.send(method, path, &headers, body).await;
        assert_ne!(response.status, 500, "{method} {path}");
        assert_eq!(
            response.header("content-type"),
            Some(JSON_CONTENT_TYPE),
            "{method} {path}"
        );
        let _ = response.json();
    }
}
