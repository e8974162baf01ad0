//! The session against a real HTTP server on 127.0.0.1: token requests, renewal, the single
//! retry after a `401`, errors, and what reaches the server for a `+` in an email.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{API_KEY, API_SECRET, CapturedRequest, Reply, TOKEN, TestServer, php_decode};
use jobbers_one_client::error::ErrorTitle;
use jobbers_one_client::{Error, Session, types};
use reqwest::StatusCode;
use serde_json::json;

const TOKEN_PATH: &str = "/oneapi/authentication/token";

fn is_token_request(request: &CapturedRequest) -> bool {
    request.path() == TOKEN_PATH
}

fn count_token_requests(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| is_token_request(r))
        .count()
}

fn operation_requests(server: &TestServer) -> Vec<CapturedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| !is_token_request(r))
        .collect()
}

fn token_reply(token: &str, expires_in: u32) -> Reply {
    Reply::json(
        200,
        &json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in}),
    )
}

fn unauthorized_reply() -> Reply {
    Reply::json(
        401,
        &json!({"errors": [{
            "title": "is_invalid",
            "source": "Authorization",
            "detail": "the bearer token is missing, unknown or expired"
        }]}),
    )
}

fn current_enterprise_reply() -> Reply {
    Reply::json(200, &json!({"data": {"enterprise_id": "20"}}))
}

/// A server that hands out `token-1`, `token-2`, … and answers operations with `reply`.
async fn numbered_token_server(
    expires_in: u32,
    reply: impl Fn(&CapturedRequest) -> Reply + Send + Sync + 'static,
) -> TestServer {
    let issued = AtomicUsize::new(0);
    TestServer::start(move |request| {
        if is_token_request(request) {
            let number = issued.fetch_add(1, Ordering::SeqCst) + 1;
            token_reply(&format!("token-{number}"), expires_in)
        } else {
            reply(request)
        }
    })
    .await
}

async fn get_current_enterprise(session: &Session) -> Result<String, Error> {
    let response = session
        .call(async |client| client.get_current_enterprise().send().await)
        .await?;
    Ok(response.data.enterprise_id.to_string())
}

#[tokio::test]
async fn token_is_requested_once_and_reused() {
    let server = TestServer::documented().await;
    let session = server.session();

    for _ in 0..3 {
        let enterprise_id = get_current_enterprise(&session).await.unwrap();
        assert_eq!(enterprise_id, "20");
    }

    assert_eq!(count_token_requests(&server), 1);
    let operations = operation_requests(&server);
    assert_eq!(operations.len(), 3);
    for request in &operations {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

#[tokio::test]
async fn token_request_sends_password_grant() {
    let server = TestServer::documented().await;
    get_current_enterprise(&server.session()).await.unwrap();

    let token_request = server
        .requests()
        .into_iter()
        .find(is_token_request)
        .unwrap();
    assert_eq!(token_request.method, "POST");
    assert_eq!(token_request.header("authorization"), None);
    let body: serde_json::Value = serde_json::from_slice(&token_request.body).unwrap();
    assert_eq!(
        body,
        json!({"grant_type": "password", "username": API_KEY, "password": API_SECRET})
    );
}

#[tokio::test]
async fn unauthorized_call_is_retried_once_with_new_token() {
    let server = numbered_token_server(3600, |request| {
        if request.header("authorization") == Some("Bearer token-1") {
            unauthorized_reply()
        } else {
            current_enterprise_reply()
        }
    })
    .await;
    let session = server.session();

    let enterprise_id = get_current_enterprise(&session).await.unwrap();

    assert_eq!(enterprise_id, "20");
    assert_eq!(count_token_requests(&server), 2);
    let operations = operation_requests(&server);
    assert_eq!(operations.len(), 2);
    assert_eq!(
        operations[0].header("authorization"),
        Some("Bearer token-1")
    );
    assert_eq!(
        operations[1].header("authorization"),
        Some("Bearer token-2")
    );
}

#[tokio::test]
async fn second_unauthorized_is_returned_without_loop() {
    let server = numbered_token_server(3600, |_| unauthorized_reply()).await;
    let session = server.session();

    let error = get_current_enterprise(&session).await.unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    let body = error.error_body().expect("a 401 has an ErrorBody");
    assert_eq!(body.errors[0].title, ErrorTitle::IsInvalid);
    assert_eq!(count_token_requests(&server), 2);
    assert_eq!(operation_requests(&server).len(), 2);
}

#[tokio::test]
async fn post_is_repeated_with_same_body_after_unauthorized() {
    let (status, created) = common::documented_response("create_client");
    assert_eq!(status, 200);
    let server = numbered_token_server(3600, move |request| {
        if request.header("authorization") == Some("Bearer token-1") {
            unauthorized_reply()
        } else {
            Reply::json(200, &created)
        }
    })
    .await;
    let session = server.session();

    let response = session
        .call(async |client| {
            client
                .create_client()
                .body(new_client_body("client+1@clients.jobbers.com"))
                .send()
                .await
        })
        .await
        .unwrap();

    assert_eq!(response.data.client_id, 40331);
    let operations = operation_requests(&server);
    assert_eq!(operations.len(), 2);
    assert_eq!(operations[0].method, "POST");
    assert_eq!(operations[0].body, operations[1].body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_request_one_token() {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let server = TestServer::start(move |request| {
        if is_token_request(request) {
            counter.fetch_add(1, Ordering::SeqCst);
            // Slow enough that every call starts while the request is in flight.
            token_reply(TOKEN, 3600).delayed(Duration::from_millis(200))
        } else {
            current_enterprise_reply()
        }
    })
    .await;
    let session = server.session();

    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { get_current_enterprise(&session).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "20");
    }

    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(operation_requests(&server).len(), 8);
}

#[tokio::test]
async fn each_call_renews_sliding_expiry() {
    let server = numbered_token_server(1, |_| current_enterprise_reply()).await;
    let session = server.session();

    // Five calls 300 ms apart span 1.2 s, longer than the 1 s lifetime, so only the renewal
    // by each call keeps the first token.
    for _ in 0..5 {
        get_current_enterprise(&session).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    assert_eq!(count_token_requests(&server), 1);
}

#[tokio::test]
async fn expired_token_is_replaced_before_call() {
    let server = numbered_token_server(1, |_| current_enterprise_reply()).await;
    let session = server.session();

    get_current_enterprise(&session).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get_current_enterprise(&session).await.unwrap();

    assert_eq!(count_token_requests(&server), 2);
    let operations = operation_requests(&server);
    assert_eq!(
        operations[1].header("authorization"),
        Some("Bearer token-2")
    );
}

#[tokio::test]
async fn bad_credentials_are_a_token_error() {
    let server = TestServer::start(|request| {
        if is_token_request(request) {
            Reply::json(
                401,
                &json!({"errors": [{
                    "title": "does_not_match",
                    "source": "password",
                    "detail": "the API key and secret do not match"
                }]}),
            )
        } else {
            current_enterprise_reply()
        }
    })
    .await;
    let session = server.session();

    let error = get_current_enterprise(&session).await.unwrap_err();

    assert!(matches!(error, Error::Token(_)), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        error.error_body().unwrap().errors[0].title,
        ErrorTitle::DoesNotMatch
    );
    assert_eq!(count_token_requests(&server), 1);
    assert!(operation_requests(&server).is_empty());
    let shown = format!("{error:?} {error}");
    assert!(!shown.contains(API_SECRET), "{shown}");
}

#[tokio::test]
async fn debug_output_hides_credentials_and_token() {
    let server = TestServer::documented().await;
    let session = server.session();
    get_current_enterprise(&session).await.unwrap();

    let shown = format!("{session:?} {session:#?}");

    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(!shown.contains(API_SECRET), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let context = jobbers_one_client::CallContext::with_bearer_token(TOKEN);
    let context_shown = format!("{context:?}");
    assert!(!context_shown.contains(TOKEN), "{context_shown}");
}

#[tokio::test]
async fn plus_in_email_reaches_that_client() {
    const EMAIL: &str = "client+1@clients.jobbers.com";
    let (_, client) = common::documented_response("get_client");
    let server = TestServer::start(move |request| {
        if is_token_request(request) {
            return token_reply(TOKEN, 3600);
        }
        let segment = request.path().rsplit('/').next().unwrap();
        // The server looks the client up by the PHP-decoded path value.
        if php_decode(segment).as_deref() == Some(EMAIL) {
            Reply::json(200, &client)
        } else {
            Reply::json(
                404,
                &json!({"errors": [{"title": "is_invalid", "source": "client", "detail": "client not found"}]}),
            )
        }
    })
    .await;
    let session = server.session();

    let response = session
        .call(async |client| {
            client
                .get_client()
                .client_id_or_client_email(EMAIL)
                .send()
                .await
        })
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let request = &operation_requests(&server)[0];
    assert_eq!(
        request.path(),
        "/oneapi/v0/clients/client%2B1%40clients.jobbers.com"
    );
}

#[tokio::test]
async fn html_error_page_keeps_status_and_body() {
    const PAGE: &str = "<html><body>502 Bad Gateway</body></html>";
    for status in [500, 502] {
        let server = TestServer::start(move |request| {
            if is_token_request(request) {
                token_reply(TOKEN, 3600)
            } else {
                Reply::html(status, PAGE)
            }
        })
        .await;

        let error = get_current_enterprise(&server.session()).await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(error.error_body().is_none(), "{error:?}");
        assert_eq!(error.body_text().as_deref(), Some(PAGE));
        assert!(matches!(error, Error::Response { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn unknown_error_title_is_kept_as_other() {
    let server = TestServer::start(|request| {
        if is_token_request(request) {
            token_reply(TOKEN, 3600)
        } else {
            Reply::json(
                400,
                &json!({"errors": [{"title": "is_too_long", "source": "email", "detail": "email is too long"}]}),
            )
        }
    })
    .await;

    let error = get_current_enterprise(&server.session()).await.unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    let entry = &error.error_body().unwrap().errors[0];
    assert_eq!(entry.title, ErrorTitle::Other("is_too_long".to_owned()));
    assert_eq!(entry.source, "email");
}

#[tokio::test]
async fn invalid_success_body_keeps_status() {
    let server = TestServer::start(|request| {
        if is_token_request(request) {
            token_reply(TOKEN, 3600)
        } else {
            Reply::json(200, &json!({"data": {"enterprise_id": 20}}))
        }
    })
    .await;

    let error = get_current_enterprise(&server.session()).await.unwrap_err();

    assert!(
        matches!(error, Error::InvalidResponseBody { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert_eq!(
        error.body_text().as_deref(),
        Some(r#"{"data":{"enterprise_id":20}}"#)
    );
}

#[tokio::test]
async fn dot_segment_path_parameter_is_not_sent() {
    let server = TestServer::documented().await;
    let session = server.session();

    for text in [".", ".."] {
        let error = session
            .call(async |client| client.echo_get_text().text(text).send().await)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{text}: {error:?}"
        );
    }

    assert!(operation_requests(&server).is_empty());
}

#[test]
fn session_rejects_non_http_base_url() {
    for base_url in ["ftp://127.0.0.1", "not a url", "file:///tmp"] {
        let error = Session::new(base_url, API_KEY, API_SECRET).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{base_url}");
    }
}

#[test]
fn session_rejects_empty_credentials() {
    let error = Session::new("http://127.0.0.1:9", "", API_SECRET).unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
}

#[test]
fn stats_spell_average_correctly() {
    let (_, value) = common::documented_response("get_stats");
    let stats: types::StatsResponse = serde_json::from_value(value).unwrap();
    assert_eq!(stats.data[0].average_conversation_rating(), 0.0);
}

pub fn new_client_body(email: &str) -> types::builder::CreateClientRequest {
    types::CreateClientRequest::builder()
        .email(email)
        .first_name("prenom")
        .last_name("nom")
        .phone_prefix("+33")
        .phone("987654321")
        .address("1 rue de l'Exemple")
        .zip_code("75015")
        .city("Paris")
        .country("FR")
        .cgu(true)
        .optin(true)
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = TestServer::start(|request| {
        if request.path() == format!("/api{TOKEN_PATH}") {
            token_reply(TOKEN, 3600)
        } else {
            current_enterprise_reply()
        }
    })
    .await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base_url = format!("{}/api/", server.base_url);
    let session = Session::with_http_client(&base_url, API_KEY, API_SECRET, http).unwrap();

    get_current_enterprise(&session).await.unwrap();

    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|request| request.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/api{TOKEN_PATH}"),
            "/api/oneapi/v0/current".to_owned()
        ]
    );
}
