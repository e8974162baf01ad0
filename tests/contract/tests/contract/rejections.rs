//! Requests the router or the rules reject: `400` validation failures, `401` without a valid
//! token or with wrong credentials, `413` oversized bodies and `422` bodies that are not JSON.

use jobbers_one_client::types;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    DEMO_KEY, DEMO_SECRET, DOCUMENT, Mock, Outcome, decode, error_body, example, token_request,
};
use crate::operations::{call_operation, check_client_exists, concrete_path, update_client};
use crate::recorder::Recorder;

/// Builds a JSON body over the documented limit of 64 KiB.
fn oversized_body() -> Vec<u8> {
    const LIMIT: usize = 64 * 1024;
    let padding = "a".repeat(LIMIT);
    format!("{{\"text\":\"{padding}\"}}").into_bytes()
}

/// Lists the method, path template and operationId of each operation with a request body.
fn operations_with_body() -> Vec<(Method, String, String)> {
    DOCUMENT
        .operations()
        .into_iter()
        .filter(|operation| {
            DOCUMENT
                .get(&format!("{}/requestBody", operation.pointer))
                .is_some()
        })
        .map(|operation| {
            let method = operation
                .method
                .to_uppercase()
                .parse()
                .unwrap_or_else(|error| panic!("{}: {error}", operation.method));
            (
                method,
                operation.path,
                operation.operation_id.unwrap_or_default(),
            )
        })
        .collect()
}

/// Calls every operation without a bearer token and checks the documented `401`, then requests
/// a token with a wrong secret.
pub async fn missing_token_is_401(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let anonymous = mock.client_without_token();

    for operation in DOCUMENT.operations() {
        let operation_id = operation.operation_id.unwrap_or_default();
        if operation_id == "request_token" {
            continue;
        }
        let outcome = call_operation(&anonymous, &operation_id).await;
        assert_eq!(
            outcome,
            Outcome::new(401, example(&operation_id, "401")),
            "{operation_id} without a bearer token"
        );
    }

    let unknown = mock.client_with_token("87eb6f50-d0e2-45d5-ab18-526b60bfc74c");
    let outcome = call_operation(&unknown, "get_current_enterprise").await;
    assert_eq!(
        outcome,
        Outcome::new(401, example("get_current_enterprise", "401")),
        "an unknown bearer token"
    );

    let wrong_secret = token_request(DEMO_KEY, "not-the-secret");
    let outcome = Outcome::of(anonymous.request_token().body(wrong_secret).send().await);
    assert_eq!(outcome, Outcome::new(401, example("request_token", "401")));
}

/// Sends a body over 64 KiB to every operation that takes one and checks the documented `413`.
pub async fn oversized_body_is_413(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let token = mock.token(DEMO_KEY, DEMO_SECRET).await;
    let raw = mock.raw();

    for (method, path, operation_id) in operations_with_body() {
        let path = concrete_path(&path);
        let outcome = raw
            .send(method, &path, Some(&token), Some(oversized_body()))
            .await;
        assert_eq!(
            outcome,
            Outcome::new(413, example(&operation_id, "413")),
            "{operation_id} with a {} byte body",
            oversized_body().len()
        );
    }
}

/// Sends a body that is not JSON to every operation that takes one and checks the documented
/// `422`.
pub async fn malformed_json_is_422(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let token = mock.token(DEMO_KEY, DEMO_SECRET).await;
    let raw = mock.raw();

    for (method, path, operation_id) in operations_with_body() {
        let path = concrete_path(&path);
        // `<` cannot start a JSON value, which is the documented example's error.
        let body = b"<client/>".to_vec();
        let outcome = raw.send(method, &path, Some(&token), Some(body)).await;
        assert_eq!(
            outcome,
            Outcome::new(422, example(&operation_id, "422")),
            "{operation_id} with an XML body"
        );
    }

    // JSON whose string contains a byte that is not UTF-8.
    let outcome = raw
        .post("/oneapi/v0/echo", &token, b"{\"text\":\"\xff\"}".as_slice())
        .await;
    assert_eq!(outcome.status, 422, "{outcome:?}");
    assert_eq!(outcome.body["errors"][0]["source"], "body");
    let detail = outcome.body["errors"][0]["detail"]
        .as_str()
        .unwrap_or_default();
    assert!(
        detail.starts_with("the body is not valid UTF-8: "),
        "echo_post with a Latin-1 byte: {outcome:?}"
    );
}

/// Checks a `400` of every operation that documents one, each for a reason of its own.
pub async fn invalid_values_are_400(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let token = mock.token(DEMO_KEY, DEMO_SECRET).await;
    let client = mock.client_with_token(&token);
    let anonymous = mock.client_without_token();
    let raw = mock.raw();

    // A body property of the wrong type.
    let outcome = raw
        .post("/oneapi/v0/echo", &token, br#"{"text": 5}"#.as_slice())
        .await;
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body(
                "is_invalid",
                "text",
                r#"text is invalid: 5 is not of type "string""#
            )
        ),
        "echo_post with a number as text"
    );

    // A path value that is not UTF-8 once decoded, on every path with a parameter.
    let not_utf8 = |name: &str| {
        Outcome::new(
            400,
            error_body(
                "is_invalid",
                name,
                &format!("{name} is invalid: it is not valid UTF-8 once percent-decoded"),
            ),
        )
    };
    let outcome = raw
        .send(Method::GET, "/oneapi/v0/echo/%FF", Some(&token), None)
        .await;
    assert_eq!(outcome, not_utf8("text"), "echo_get_text");
    for (method, path, body) in [
        (Method::GET, "/oneapi/v0/clients/%FF", None),
        (Method::POST, "/oneapi/v0/clients/%FF", Some(b"{}".to_vec())),
        (Method::DELETE, "/oneapi/v0/clients/%FF", None),
        (Method::GET, "/oneapi/v0/clients/%FF/login", None),
    ] {
        let outcome = raw.send(method.clone(), path, Some(&token), body).await;
        assert_eq!(
            outcome,
            not_utf8("clientIdOrClientEmail"),
            "{method} {path}"
        );
    }

    // The documented `400` example: a missing email.
    let mut no_email = example("create_client", "request");
    no_email.as_object_mut().map(|body| body.remove("email"));
    let outcome = raw
        .post("/oneapi/v0/clients", &token, no_email.to_string())
        .await;
    assert_eq!(outcome, Outcome::new(400, example("create_client", "400")));

    // The other creation rules of the operation's description.
    let mut not_accepted = example("create_client", "request");
    not_accepted["cgu"] = Value::Bool(false);
    let outcome = raw
        .post("/oneapi/v0/clients", &token, not_accepted.to_string())
        .await;
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body("must_be_accepted", "cgu", "cgu must be accepted")
        )
    );
    let mut elsewhere = example("create_client", "request");
    elsewhere["country"] = Value::from("XX");
    elsewhere["group_id"] = Value::from(375);
    let elsewhere: types::CreateClientRequest = decode(elsewhere);
    let outcome = Outcome::of(client.create_client().body(elsewhere).send().await);
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            json!({"errors": [
                {
                    "title": "is_invalid",
                    "source": "country",
                    "detail": "`XX` is not an ISO 3166-1 alpha-2 country code such as `FR`"
                },
                {
                    "title": "is_invalid",
                    "source": "group_id",
                    "detail": "group 375 is not a group of enterprise 20"
                }
            ]})
        ),
        "create_client with an unassigned country and enterprise 21's group"
    );

    // An email that is not one, where the path must hold an email.
    let outcome = check_client_exists(&client, "not-an-email").await;
    assert_eq!(
        outcome.status, 400,
        "check_client_exists not-an-email: {outcome:?}"
    );
    assert_eq!(outcome.body["errors"][0]["source"], "clientEmail");
    assert_eq!(outcome.body["errors"][0]["title"], "is_invalid");

    // A blank API key.
    let outcome = Outcome::of(
        anonymous
            .request_token()
            .body(token_request(" ", DEMO_SECRET))
            .send()
            .await,
    );
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body("cannot_be_blank", "username", "username cannot be blank")
        )
    );

    // A month out of range.
    let outcome = Outcome::of(client.get_stats().month(13).year(2018).send().await);
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body(
                "is_invalid",
                "month",
                "month is invalid: 13 is greater than the maximum of 12"
            )
        )
    );

    // An invoice body with every field missing.
    let outcome = raw
        .post("/oneapi/v0/stockofpasses/invoice", &token, b"{}".as_slice())
        .await;
    let required = [
        "address",
        "city",
        "country",
        "first_name",
        "last_name",
        "payment_reference",
        "zip_code",
    ];
    let blanks: Vec<Value> = required
        .iter()
        .map(|field| {
            let detail = format!("{field} cannot be blank");
            json!({"title": "cannot_be_blank", "source": field, "detail": detail})
        })
        .collect();
    assert_eq!(
        outcome,
        Outcome::new(400, json!({"errors": blanks})),
        "create_invoice with {{}}"
    );

    // An email already taken, a street that contradicts the address, a reused payment reference.
    let mut taken_email = example("create_client", "request");
    taken_email["email"] = Value::from("client+1@clients.jobbers.com");
    let taken_email: types::CreateClientRequest = decode(taken_email);
    let outcome = Outcome::of(client.create_client().body(taken_email).send().await);
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body(
                "has_already_been_taken",
                "email",
                "email client+1@clients.jobbers.com has already been taken"
            )
        )
    );

    let mut mismatch = example("update_client", "request");
    mismatch["email"] = Value::from("client+1@clients.jobbers.com");
    mismatch["address"] = Value::from("2 rue de l'Exemple");
    let mismatch: types::UpdateClientRequest = decode(mismatch);
    let outcome = update_client(&client, "40331", mismatch).await;
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body(
                "does_not_match",
                "street",
                "street is an alias of address and does not match it"
            )
        )
    );

    let pass: types::AssignPassRequest = decode(json!({
        "email": "client+1@clients.jobbers.com",
        "stock_id": 52,
        "payment_reference": "reused-reference"
    }));
    let first = Outcome::of(client.assign_pass().body(pass.clone()).send().await);
    assert_eq!(first.status, 200, "{first:?}");
    let second = Outcome::of(client.assign_pass().body(pass).send().await);
    assert_eq!(
        second,
        Outcome::new(
            400,
            error_body(
                "has_already_been_taken",
                "payment_reference",
                "payment_reference reused-reference has already been taken"
            )
        )
    );

    // An expired stock.
    let expired: types::AssignPassRequest = decode(json!({
        "email": "client+1@clients.jobbers.com",
        "stock_id": 53,
        "payment_reference": "expired-stock"
    }));
    let outcome = Outcome::of(client.assign_pass().body(expired).send().await);
    assert_eq!(
        outcome,
        Outcome::new(
            400,
            error_body(
                "is_invalid",
                "stock_id",
                "stock of passes 53 expired on 2018-07-30 23:59:59"
            )
        )
    );
}
