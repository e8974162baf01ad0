//! The documented examples over real HTTP, in the order a partner meets them, against a
//! sandbox started in-process on `127.0.0.1:0`.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use jobbers_one_mock::clock::ManualClock;
use jobbers_one_mock::http::Faults;
use jobbers_one_mock::{MockConfig, RunningMock, dates, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Starts a sandbox on a free loopback port, with its clock stopped at 2024-05-15 12:00:00.
async fn start(faults: Faults) -> (RunningMock, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(
        dates::parse("2024-05-15 12:00:00").unwrap(),
    ));
    let config = MockConfig {
        faults,
        clock: clock.clone(),
        ..MockConfig::default()
    };
    (spawn(config).await.unwrap(), clock)
}

/// A partner's HTTP client: the base URL, and the bearer token once requested.
struct Partner {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Partner {
    async fn log_in(mock: &RunningMock, key: &str, secret: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut partner = Self {
            http,
            base: mock.base_url(),
            token: String::new(),
        };
        let (status, body) = partner
            .send(
                reqwest::Method::POST,
                "/oneapi/authentication/token",
                Some(json!({"grant_type": "password", "username": key, "password": secret})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        partner.token = body["access_token"].as_str().unwrap().to_owned();
        partner
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(content_type, "application/json;charset=utf-8", "{path}");
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// Follows nothing: returns the status and `Location` of a page request.
    async fn visit(&self, url: &str) -> (StatusCode, String) {
        let response = self.http.get(url).send().await.unwrap();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), location)
    }
}

#[tokio::test]
async fn documented_flow_succeeds_on_fresh_mock() {
    let (mock, clock) = start(Faults::default()).await;
    let partner = Partner::log_in(&mock, "demo-key", "demo-secret").await;

    // Enterprise, groups, statistics and stocks.
    let (status, current) = partner.get("/oneapi/v0/current").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(current, json!({"data": {"enterprise_id": "20"}}));

    let (status, groups) = partner.get("/oneapi/v0/groupsofenterprises").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        groups,
        json!({"data": [
            {"group_id": 373, "name": "Sous conciergerie #1 Demonstration"},
            {"group_id": 374, "name": "Sous conciergerie #2 Demonstration"}
        ]})
    );

    let (status, stats) = partner.get("/oneapi/v0/stats?month=7&year=2018").await;
    assert_eq!(status, StatusCode::OK);
    let entries = stats["data"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["group_id"], Value::Null);
    assert_eq!(entries[0]["total_requests"], 52);
    assert_eq!(entries[0]["percentage_male_clients"], 20.0);
    assert_eq!(entries[0]["nologin_clients"]["total"], 10);
    assert_eq!(entries[0]["last_updated"], "2024-05-15 12:00:00");
    assert_eq!(entries[2]["group_id"], 374);

    let (status, stocks) = partner.get("/oneapi/v0/stockofpasses").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stocks["data"][0]["stock_id"], 53);
    assert_eq!(stocks["data"][1]["stock_id"], 52);
    assert_eq!(stocks["data"][1]["total_available"], 10);

    // The documented client: create, check, read, update.
    let (status, created) = partner
        .post(
            "/oneapi/v0/clients",
            json!({
                "email": "client@clients.jobbers.com", "group_id": 374,
                "first_name": "prenom", "last_name": "nom",
                "phone_prefix": "+33", "phone": "987654321",
                "address": "1 rue de l'Exemple", "zip_code": "75015", "city": "Paris",
                "country": "FR", "optin": true, "cgu": true, "gender": "FEMALE"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let client_id = created["data"]["client_id"].as_i64().unwrap();
    assert_eq!(
        created["data"]["password"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        8
    );
    assert_eq!(created["data"]["registering_date"], "2024-05-15 12:00:00");
    assert_eq!(
        created["data"]["end_subscription_date"],
        "2024-07-15 12:00:00"
    );
    assert_eq!(created["data"]["last_login_date"], Value::Null);

    let (status, exists) = partner
        .get("/oneapi/v0/clients/client%40clients.jobbers.com/exists")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        exists,
        json!({"data": {"exists": true, "movable": false,
            "attached_to_another_enterprise": false, "subscription_valid": true,
            "client_active": true}})
    );

    let (status, client) = partner
        .get("/oneapi/v0/clients/client%40clients.jobbers.com")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(client["data"]["client_id"], client_id);
    assert_eq!(client["data"]["gender"], "FEMALE");

    let (status, updated) = partner
        .post(
            "/oneapi/v0/clients/client%40clients.jobbers.com",
            json!({
                "email": "client@clients.jobbers.com", "group_id": 373,
                "first_name": "prenom2", "last_name": "nom2",
                "phone_prefix": "+33", "phone": "176440400",
                "street": "1 rue de l'Exemple", "zip_code": "75015", "gender": "MALE",
                "city": "Paris", "country": "FR", "optin": true
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["data"]["first_name"], "prenom2");
    assert_eq!(updated["data"]["group_id"], 373);
    assert_eq!(updated["data"]["gender"], "MALE");
    assert_eq!(updated["data"]["phone"], "176440400");
    assert_eq!(updated["data"]["address"], "1 rue de l'Exemple");

    // A pass of stock 52: one year after the current end of subscription, which is later.
    let (status, assigned) = partner
        .post(
            "/oneapi/v0/stockofpasses/assign",
            json!({"email": "client@clients.jobbers.com", "stock_id": 52,
                   "payment_reference": "payment_reference_01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{assigned}");
    assert_eq!(
        assigned,
        json!({"data": {"end_subscription_date": "2025-07-15 12:00:00"}})
    );

    // Autologin: the link works once, then leads to the public landing page.
    clock.advance(TimeDelta::minutes(10));
    let (status, login) = partner
        .get("/oneapi/v0/clients/client%40clients.jobbers.com/login")
        .await;
    assert_eq!(status, StatusCode::OK);
    let url = login["data"]["url"].as_str().unwrap().to_owned();
    let prefix = format!("{}/oneappweb/?token=", mock.base_url());
    let token = url.strip_prefix(&prefix).expect("URL on the mock itself");
    assert_eq!(token.len(), 64);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));

    let (status, location) = partner.visit(&url).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location, format!("/oneappweb/client?client_id={client_id}"));
    let (status, location) = partner.visit(&url).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location, "/");

    let (_, client) = partner
        .get(&format!("/oneapi/v0/clients/{client_id}"))
        .await;
    assert_eq!(client["data"]["last_login_date"], "2024-05-15 12:10:00");

    // Deletion, after which the client is gone.
    let (status, deleted) = partner
        .send(
            reqwest::Method::DELETE,
            "/oneapi/v0/clients/client%40clients.jobbers.com",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        deleted,
        json!({"data": {"leaving_date": "2024-05-15 12:10:00"}})
    );
    let (status, gone) = partner
        .get(&format!("/oneapi/v0/clients/{client_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone,
        json!({"errors": [{"title": "is_invalid", "source": "client", "detail": "client not found"}]})
    );

    mock.shutdown().await;
}

#[tokio::test]
async fn echo_forms_and_path_decoding() {
    let (mock, _) = start(Faults::default()).await;
    let partner = Partner::log_in(&mock, "demo-key", "demo-secret").await;

    assert_eq!(
        partner.get("/oneapi/v0/echo").await.1,
        json!({"data": "echo"})
    );
    assert_eq!(
        partner.get("/oneapi/v0/echo/hello+world").await.1,
        json!({"data": "echo hello world"})
    );
    assert_eq!(
        partner
            .post("/oneapi/v0/echo", json!({"text": "hello world"}))
            .await
            .1,
        json!({"data": "echo hello world"})
    );
    assert_eq!(
        partner.post("/oneapi/v0/echo", json!({})).await.1,
        json!({"data": "echo"})
    );
    let (status, client) = partner
        .get("/oneapi/v0/clients/client%2B1%40clients.jobbers.com")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(client["data"]["client_id"], 40331);
}

#[tokio::test]
async fn enterprises_are_isolated() {
    let (mock, _) = start(Faults::default()).await;
    let other = Partner::log_in(&mock, "other-key", "other-secret").await;

    assert_eq!(
        other.get("/oneapi/v0/current").await.1,
        json!({"data": {"enterprise_id": "21"}})
    );
    let (status, body) = other.get("/oneapi/v0/clients/40331").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["errors"][0]["source"], "client");
    let (status, _) = other
        .post(
            "/oneapi/v0/stockofpasses/assign",
            json!({"email": "staff@other-enterprise.example.com", "stock_id": 52,
                   "payment_reference": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, exists) = other
        .get("/oneapi/v0/clients/client%2B1%40clients.jobbers.com/exists")
        .await;
    assert_eq!(exists["data"]["attached_to_another_enterprise"], true);
    // Client 40331's subscription ended in 2018, so it could move.
    assert_eq!(exists["data"]["movable"], true);
}

#[tokio::test]
async fn token_rules_over_http() {
    let (mock, clock) = start(Faults::default()).await;

    let mut anonymous = Partner::log_in(&mock, "demo-key", "demo-secret").await;
    let token = std::mem::take(&mut anonymous.token);
    let (status, _) = anonymous.get("/oneapi/v0/current").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = anonymous
        .post(
            "/oneapi/authentication/token",
            json!({"grant_type": "password", "username": "demo-key", "password": "wrong"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["title"], "does_not_match");

    anonymous.token = token;
    clock.advance(TimeDelta::seconds(3599));
    assert_eq!(anonymous.get("/oneapi/v0/current").await.0, StatusCode::OK);
    clock.advance(TimeDelta::seconds(3600));
    assert_eq!(
        anonymous.get("/oneapi/v0/current").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn validation_errors_over_http() {
    let (mock, _) = start(Faults::default()).await;
    let partner = Partner::log_in(&mock, "demo-key", "demo-secret").await;

    let (status, body) = partner
        .post(
            "/oneapi/v0/clients",
            json!({
                "email": "client+1@clients.jobbers.com", "group_id": 375,
                "first_name": "prenom", "last_name": "nom",
                "phone_prefix": "+33", "phone": "987654321",
                "address": "1 rue", "zip_code": "75015", "city": "Paris",
                "country": "UK", "optin": true, "cgu": true
            }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let titles: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            (
                error["source"].as_str().unwrap(),
                error["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        [
            ("email", "has_already_been_taken"),
            ("country", "is_invalid"),
            ("group_id", "is_invalid"),
        ]
    );

    let (status, body) = partner
        .post(
            "/oneapi/v0/stockofpasses/assign",
            json!({"email": "client+1@clients.jobbers.com", "stock_id": 53,
                   "payment_reference": "late"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["source"], "stock_id");

    let (status, body) = partner
        .post(
            "/oneapi/v0/stockofpasses/invoice",
            json!({"payment_reference": "payment_reference_01", "first_name": "prenom",
                   "last_name": "nom", "address": "1 rue de l'Exemple", "zip_code": "75015",
                   "city": "Paris", "country": "FR"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(body["errors"][0]["source"], "endpoint");
}

#[tokio::test]
async fn maintenance_answers_every_call_503() {
    let faults = Faults {
        maintenance: true,
        ..Faults::default()
    };
    let (mock, _) = start(faults).await;
    let http = reqwest::Client::new();

    let response = http
        .post(format!("{}/oneapi/authentication/token", mock.base_url()))
        .json(&json!({"grant_type": "password", "username": "demo-key", "password": "demo-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "30");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=utf-8"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["source"], "server");

    // The sandbox's own pages stay up.
    let docs = http
        .get(format!("{}/openapi.yaml", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
}

#[tokio::test]
async fn latency_delays_api_calls() {
    let faults = Faults {
        latency: Duration::from_millis(200),
        ..Faults::default()
    };
    let (mock, _) = start(faults).await;
    let started = std::time::Instant::now();
    let response = reqwest::get(format!("{}/oneapi/v0/current", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn full_fail_rate_fails_every_call() {
    let faults = Faults {
        fail_rate: 1.0,
        ..Faults::default()
    };
    let (mock, _) = start(faults).await;
    for _ in 0..10 {
        let response = reqwest::get(format!("{}/oneapi/v0/echo", mock.base_url()))
            .await
            .unwrap();
        let status = response.status();
        assert!(
            status == StatusCode::INTERNAL_SERVER_ERROR
                || status == StatusCode::SERVICE_UNAVAILABLE,
            "{status}"
        );
    }
}

#[tokio::test]
async fn document_and_docs_are_served() {
    let (mock, _) = start(Faults::default()).await;
    let base = mock.base_url();

    let yaml = reqwest::get(format!("{base}/openapi.yaml")).await.unwrap();
    assert_eq!(yaml.status(), StatusCode::OK);
    assert!(yaml.text().await.unwrap().starts_with("openapi: 3.0.3"));

    let document: Value = reqwest::get(format!("{base}/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(document["info"]["title"], "Jobbers One API");

    let docs = reqwest::get(format!("{base}/docs/")).await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger-ui"));
    let initializer = reqwest::get(format!("{base}/docs/swagger-initializer.js"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/docs/openapi.json"));

    let shown: Value = reqwest::get(format!("{base}/docs/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["servers"][0]["url"], "/");
    assert_eq!(document["servers"][0]["url"], "https://www.jobbers.com");
}
