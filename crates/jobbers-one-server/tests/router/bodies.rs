//! Request bodies: content types, size limit, decoding (`422`) and schema checks (`400`).

use serde_json::json;

use crate::common::{JSON_CONTENT_TYPE, TOKEN, TestServer, one_error};

const CLIENT: &str = r#"{"email": "client@clients.jobbers.com", "first_name": "prenom",
    "last_name": "nom", "phone_prefix": "+33", "phone": "987654321",
    "address": "1 rue de l'Exemple", "zip_code": "75015", "city": "Paris",
    "country": "FR", "cgu": true, "optin": false}"#;

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

#[tokio::test]
async fn valid_body_reaches_trait() {
    let server = TestServer::start().await;
    let response = server
        .post_json("/oneapi/v0/echo", br#"{"text": "hello world"}"#)
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(response.json(), json!({"data": "echo hello world"}));
}

#[tokio::test]
async fn malformed_json_is_unprocessable() {
    let server = TestServer::start().await;
    let response = server
        .post_json("/oneapi/v0/clients", br#"{"email":"#)
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "body",
            "the body is not valid JSON: EOF while parsing a value at line 1 column 9"
        )
    );
}

#[tokio::test]
async fn invalid_utf8_is_unprocessable() {
    let server = TestServer::start().await;
    let response = server
        .post_json("/oneapi/v0/echo", b"{\"text\": \"caf\xE9\"}")
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "body",
            "the body is not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 13"
        )
    );
}

#[tokio::test]
async fn empty_required_body_is_unprocessable() {
    let server = TestServer::start().await;
    let response = server.post_json("/oneapi/v0/echo", b"").await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "body",
            "the body is not valid JSON: EOF while parsing a value at line 1 column 0"
        )
    );
}

#[tokio::test]
async fn missing_email_and_refused_cgu() {
    let server = TestServer::start().await;
    let mut body: serde_json::Value = serde_json::from_str(CLIENT).unwrap();
    body.as_object_mut().unwrap().remove("email");
    body["cgu"] = json!(false);
    let response = server
        .post_json("/oneapi/v0/clients", body.to_string().as_bytes())
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        json!({"errors": [
            {"title": "must_be_accepted", "source": "cgu", "detail": "cgu must be accepted"},
            {"title": "cannot_be_blank", "source": "email", "detail": "email cannot be blank"},
        ]})
    );
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn valid_client_reaches_trait() {
    let server = TestServer::start().await;
    let response = server
        .post_json("/oneapi/v0/clients", CLIENT.as_bytes())
        .await;
    assert_eq!(response.status, 503);
    assert_eq!(
        server.calls(),
        [r#"create_client email="client@clients.jobbers.com""#]
    );
}

#[tokio::test]
async fn blank_field_cannot_be_blank() {
    let server = TestServer::start().await;
    let body = CLIENT.replace(r#""first_name": "prenom""#, r#""first_name": """#);
    let response = server
        .post_json("/oneapi/v0/clients", body.as_bytes())
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "cannot_be_blank",
            "first_name",
            "first_name cannot be blank"
        )
    );
}

#[tokio::test]
async fn null_field_cannot_be_blank() {
    let server = TestServer::start().await;
    let body = CLIENT.replace(r#""city": "Paris""#, r#""city": null"#);
    let response = server
        .post_json("/oneapi/v0/clients", body.as_bytes())
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error("cannot_be_blank", "city", "city cannot be blank")
    );
}

#[tokio::test]
async fn pattern_mismatch_is_invalid() {
    let server = TestServer::start().await;
    let body = CLIENT.replace(r#""country": "FR""#, r#""country": "fr""#);
    let response = server
        .post_json("/oneapi/v0/clients", body.as_bytes())
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "country",
            "country is invalid: \"fr\" does not match \"^[A-Z]{2}$\""
        )
    );
}

#[tokio::test]
async fn wrong_type_is_invalid() {
    let server = TestServer::start().await;
    let response = server.post_json("/oneapi/v0/echo", br#"{"text": 5}"#).await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "text",
            "text is invalid: 5 is not of type \"string\""
        )
    );
}

#[tokio::test]
async fn body_not_an_object_is_invalid() {
    let server = TestServer::start().await;
    let response = server.post_json("/oneapi/v0/echo", b"[]").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "body",
            "body is invalid: [] is not of type \"object\""
        )
    );
}

#[tokio::test]
async fn unknown_property_is_invalid() {
    let server = TestServer::start().await;
    let response = server
        .post_json("/oneapi/v0/echo", br#"{"text": "a", "extra": 1}"#)
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "extra",
            "extra is not a field of this request body"
        )
    );
}

#[tokio::test]
async fn enum_mismatch_is_invalid() {
    let server = TestServer::start().await;
    let body = br#"{"grant_type": "client_credentials", "username": "k", "password": "s"}"#;
    let response = server
        .send(
            "POST",
            "/oneapi/authentication/token",
            &[("Content-Type", "application/json")],
            body,
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "grant_type",
            "grant_type is invalid: \"client_credentials\" is not one of \"password\""
        )
    );
}

#[tokio::test]
async fn path_and_body_problems_listed_together() {
    let server = TestServer::start().await;
    let response = server
        .post_json("/oneapi/v0/clients/%FF", br#"{"country": "France"}"#)
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({"errors": [
            {"title": "is_invalid", "source": "clientIdOrClientEmail",
             "detail": "clientIdOrClientEmail is invalid: it is not valid UTF-8 once percent-decoded"},
            {"title": "is_invalid", "source": "country",
             "detail": "country is invalid: \"France\" does not match \"^[A-Z]{2}$\""},
        ]})
    );
}

#[tokio::test]
async fn body_at_limit_is_accepted() {
    let server = TestServer::start().await;
    let envelope = br#"{"text": ""}"#.len();
    let text = "a".repeat(jobbers_one_server::MAX_BODY_BYTES - envelope);
    let body = format!(r#"{{"text": "{text}"}}"#);
    assert_eq!(body.len(), jobbers_one_server::MAX_BODY_BYTES);
    let response = server.post_json("/oneapi/v0/echo", body.as_bytes()).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["data"], json!(format!("echo {text}")));
}

#[tokio::test]
async fn body_over_limit_is_too_large() {
    let server = TestServer::start().await;
    let body = vec![b' '; jobbers_one_server::MAX_BODY_BYTES + 1];
    let response = server.post_json("/oneapi/v0/echo", &body).await;
    assert_eq!(response.status, 413);
    assert_eq!(response.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "body",
            "the request body is larger than 65536 bytes"
        )
    );
}

#[tokio::test]
async fn json_content_type_variants_accepted() {
    let server = TestServer::start().await;
    let authorization = bearer();
    for content_type in [
        "application/json",
        "application/json;charset=utf-8",
        "application/json; charset=UTF-8",
        "APPLICATION/JSON ;  CHARSET=\"utf-8\"",
    ] {
        let headers = [
            ("Authorization", authorization.as_str()),
            ("Content-Type", content_type),
        ];
        let response = server
            .send("POST", "/oneapi/v0/echo", &headers, br#"{"text": "a"}"#)
            .await;
        assert_eq!(response.status, 200, "{content_type}");
        assert_eq!(response.json(), json!({"data": "echo a"}), "{content_type}");
    }
}

#[tokio::test]
async fn missing_content_type_read_as_json() {
    let server = TestServer::start().await;
    let authorization = bearer();
    let headers = [("Authorization", authorization.as_str())];
    let response = server
        .send("POST", "/oneapi/v0/echo", &headers, br#"{"text": "a"}"#)
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"data": "echo a"}));
}

#[tokio::test]
async fn text_plain_is_unprocessable() {
    let server = TestServer::start().await;
    let authorization = bearer();
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "text/plain"),
    ];
    let response = server
        .send("POST", "/oneapi/v0/echo", &headers, br#"{"text": "a"}"#)
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "Content-Type",
            "the body must be JSON sent as application/json, not text/plain"
        )
    );
}

#[tokio::test]
async fn other_charset_is_unprocessable() {
    let server = TestServer::start().await;
    let authorization = bearer();
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "application/json; charset=iso-8859-1"),
    ];
    let response = server
        .send("POST", "/oneapi/v0/echo", &headers, br#"{"text": "a"}"#)
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "Content-Type",
            "the body must be UTF-8, not charset iso-8859-1"
        )
    );
}

#[tokio::test]
async fn delete_with_json_type_and_no_body() {
    let server = TestServer::start().await;
    let authorization = bearer();
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "application/json"),
        ("Content-Length", "0"),
    ];
    let response = server
        .send("DELETE", "/oneapi/v0/clients/40331", &headers, b"")
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.json(),
        json!({"data": {"leaving_date": "2018-07-12 11:18:44"}})
    );
    assert_eq!(server.calls(), ["delete_client 40331"]);
}

#[tokio::test]
async fn get_with_json_type_and_no_body() {
    let server = TestServer::start().await;
    let authorization = bearer();
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "application/json; charset=UTF-8"),
    ];
    let response = server.send("GET", "/oneapi/v0/echo", &headers, b"").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"data": "echo"}));
}

#[tokio::test]
async fn fractional_integer_names_its_field() {
    // JSON Schema counts `12.0` as an integer, but the wire type takes no fraction part.
    let server = TestServer::start().await;
    let mut body: serde_json::Value = serde_json::from_str(CLIENT).unwrap();
    body["group_id"] = json!(12.0);
    let response = server
        .post_json("/oneapi/v0/clients", body.to_string().as_bytes())
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        one_error(
            "is_invalid",
            "group_id",
            "group_id is invalid: invalid type: floating point `12.0`, expected i64"
        )
    );
}
