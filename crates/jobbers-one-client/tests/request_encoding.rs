//! Property tests of request encoding. Each operation is sent through a [`Session`] to a
//! server on 127.0.0.1 that records the raw request. The request must carry the operation's
//! method and path template, and path parameters that decode back to the input both the PHP
//! way and the RFC 3986 way. Its query values and JSON body must equal the input, and it
//! carries the bearer token on every operation but the token endpoint.

mod common;

use common::{CapturedRequest, DOCUMENT, TOKEN, TestServer, php_decode, rfc3986_decode};
use jobbers_one_client::{Error, Session, types};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Map, Value, json};

/// Cases for each operation, few enough for a two-core machine.
const CASES: u32 = 64;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/request_encoding.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// A server and a session of one test thread, with a runtime to drive them.
struct Harness {
    runtime: tokio::runtime::Runtime,
    server: TestServer,
    session: Session,
}

impl Harness {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime starts");
        let server = runtime.block_on(TestServer::documented());
        let session = server.session();
        Self {
            runtime,
            server,
            session,
        }
    }
}

thread_local! {
    static HARNESS: Harness = Harness::start();
}

/// Sends one operation through the thread's session and returns the last request that
/// reached the server. The server's reply does not matter here, so its error is ignored.
fn send<T>(operation: impl AsyncFnOnce(&Session) -> Result<T, Error>) -> CapturedRequest {
    HARNESS.with(|harness| {
        let _ = harness.runtime.block_on(operation(&harness.session));
        harness
            .server
            .take_requests()
            .pop()
            .expect("no request of the operation reached the server")
    })
}

/// What a request of an operation must carry.
struct Expected<'a> {
    operation_id: &'a str,
    /// Values of the path parameters, in template order.
    path_parameters: Vec<&'a str>,
    /// Query parameters, in order.
    query: Vec<(&'a str, String)>,
    body: Option<Value>,
}

impl<'a> Expected<'a> {
    fn new(operation_id: &'a str) -> Self {
        Self {
            operation_id,
            path_parameters: Vec::new(),
            query: Vec::new(),
            body: None,
        }
    }

    fn path(mut self, value: &'a str) -> Self {
        self.path_parameters.push(value);
        self
    }

    fn query(mut self, name: &'a str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

fn check_request(request: &CapturedRequest, expected: &Expected) -> Result<(), TestCaseError> {
    let operation = DOCUMENT
        .operations()
        .into_iter()
        .find(|operation| operation.operation_id.as_deref() == Some(expected.operation_id))
        .expect("the operation is in the document");
    prop_assert_eq!(&request.method, &operation.method.to_uppercase());

    // Path: literal segments as in the template, parameters decoding back to the input.
    let template: Vec<&str> = operation.path.split('/').collect();
    let segments: Vec<&str> = request.path().split('/').collect();
    prop_assert_eq!(segments.len(), template.len(), "path {}", request.path());
    let mut parameters = expected.path_parameters.iter();
    for (template_segment, segment) in template.iter().zip(&segments) {
        if template_segment.starts_with('{') {
            let value = *parameters.next().expect("a value for each path parameter");
            prop_assert_eq!(php_decode(segment), Some(value.to_owned()), "PHP decoding");
            prop_assert_eq!(
                rfc3986_decode(segment),
                Some(value.to_owned()),
                "RFC 3986 decoding"
            );
        } else {
            prop_assert_eq!(segment, template_segment);
        }
    }
    prop_assert!(parameters.next().is_none(), "unused path parameter values");

    // Query: each name and value decodes back both ways.
    let pairs: Vec<(&str, &str)> = request
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    prop_assert_eq!(
        pairs.len(),
        expected.query.len(),
        "query {:?}",
        request.query()
    );
    for ((name, value), (expected_name, expected_value)) in pairs.iter().zip(&expected.query) {
        prop_assert_eq!(php_decode(name), Some(expected_name.to_string()));
        prop_assert_eq!(rfc3986_decode(name), Some(expected_name.to_string()));
        prop_assert_eq!(php_decode(value), Some(expected_value.clone()));
        prop_assert_eq!(rfc3986_decode(value), Some(expected_value.clone()));
    }

    // Body: the same JSON value, or nothing.
    match &expected.body {
        Some(body) => {
            let sent: Value = serde_json::from_slice(&request.body)
                .map_err(|error| TestCaseError::fail(format!("body is not JSON: {error}")))?;
            prop_assert_eq!(&sent, body);
        }
        None => prop_assert!(request.body.is_empty(), "unexpected body"),
    }

    // Bearer token: on every operation but the token endpoint.
    let authorization = request.header("authorization");
    if expected.operation_id == "request_token" {
        prop_assert_eq!(authorization, None);
    } else {
        let bearer = format!("Bearer {TOKEN}");
        prop_assert_eq!(authorization, Some(bearer.as_str()));
    }
    Ok(())
}

/// Pieces that a URL or a PHP decoder treats specially, and non-ASCII letters.
const SPECIAL_PIECES: &[&str] = &[
    "+",
    "@",
    "%",
    "/",
    " ",
    "\"",
    "'",
    "\\",
    ".",
    "..",
    "?",
    "#",
    "&",
    "=",
    ";",
    "%2B",
    "%2F",
    "%40",
    "ü",
    "é",
    "ñ",
    "ß",
    "日本",
    "\u{1F600}",
];

fn special_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9]{1,4}",
        select(SPECIAL_PIECES).prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat())
}

/// Emails whose local part mixes letters with `+`, `@`, `%`, `/`, spaces, quotes and
/// non-ASCII letters.
fn email() -> impl Strategy<Value = String> {
    let domain = select(&["com", "org", "jobbers.com", "exämple.org"][..]);
    (special_text(), "[a-z0-9]{1,8}", domain)
        .prop_map(|(local, host, domain)| format!("{local}@{host}.{domain}"))
}

fn client_id_or_email() -> impl Strategy<Value = String> {
    prop_oneof![any::<u64>().prop_map(|id| id.to_string()), email()]
}

/// Any non-empty text. A text made only of one or two dots is left out: URL parsing removes
/// such a path segment, so the client rejects it (see `tests/session.rs`).
fn path_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), special_text()]
        .prop_filter("non-empty and not a dot segment", |text| {
            !text.is_empty() && text != "." && text != ".."
        })
}

fn body_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), special_text()].prop_filter("non-empty", |text| !text.is_empty())
}

fn gender() -> impl Strategy<Value = Option<types::Gender>> {
    prop::option::of(select(&[types::Gender::Male, types::Gender::Female][..]))
}

fn insert_some(body: &mut Map<String, Value>, name: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        body.insert(name.to_owned(), value.into());
    }
}

fn gender_json(gender: Option<types::Gender>) -> Option<Value> {
    gender.map(|gender| json!(gender.to_string()))
}

#[test]
fn operations_without_inputs() {
    let cases: [(&str, CapturedRequest); 4] = [
        (
            "echo_get",
            send(async |s| s.call(async |c| c.echo_get().send().await).await),
        ),
        (
            "get_current_enterprise",
            send(async |s| {
                s.call(async |c| c.get_current_enterprise().send().await)
                    .await
            }),
        ),
        (
            "list_groups_of_enterprise",
            send(async |s| {
                s.call(async |c| c.list_groups_of_enterprise().send().await)
                    .await
            }),
        ),
        (
            "list_stocks_of_passes",
            send(async |s| {
                s.call(async |c| c.list_stocks_of_passes().send().await)
                    .await
            }),
        ),
    ];
    for (operation_id, request) in cases {
        check_request(&request, &Expected::new(operation_id)).unwrap();
    }
}

fn check_email_operations(email: &str) -> Result<(), TestCaseError> {
    let request = send(async |s| {
        s.call(async |c| c.check_client_exists().client_email(email).send().await)
            .await
    });
    check_request(&request, &Expected::new("check_client_exists").path(email))?;

    let request = send(async |s| {
        s.call(async |c| c.get_client().client_id_or_client_email(email).send().await)
            .await
    });
    check_request(&request, &Expected::new("get_client").path(email))?;

    let request = send(async |s| {
        s.call(async |c| {
            c.delete_client()
                .client_id_or_client_email(email)
                .send()
                .await
        })
        .await
    });
    check_request(&request, &Expected::new("delete_client").path(email))?;

    let request = send(async |s| {
        s.call(async |c| {
            c.get_client_login_url()
                .client_id_or_client_email(email)
                .send()
                .await
        })
        .await
    });
    check_request(&request, &Expected::new("get_client_login_url").path(email))
}

fn check_echo_text(text: &str) -> Result<(), TestCaseError> {
    let request = send(async |s| {
        s.call(async |c| c.echo_get_text().text(text).send().await)
            .await
    });
    check_request(&request, &Expected::new("echo_get_text").path(text))
}

#[test]
fn documented_tricky_emails() {
    for email in [
        "client+1@clients.jobbers.com",
        "a%2Fb@example.org",
        "ünïcode@example.org",
        "first last@example.org",
        "back\\slash@example.org",
        "..@example.org",
    ] {
        check_email_operations(email).unwrap_or_else(|error| panic!("{email}: {error}"));
    }
}

#[test]
fn echo_text_with_plus() {
    check_echo_text("hello+world").unwrap();
    let request = send(async |s| {
        s.call(async |c| c.echo_get_text().text("hello+world").send().await)
            .await
    });
    assert_eq!(request.path(), "/oneapi/v0/echo/hello%2Bworld");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn email_path_parameters(email in email()) {
        check_email_operations(&email)?;
    }

    #[test]
    fn client_id_path_parameter(id in client_id_or_email()) {
        let request = send(async |s| {
            s.call(async |c| c.get_client().client_id_or_client_email(id.as_str()).send().await)
                .await
        });
        check_request(&request, &Expected::new("get_client").path(&id))?;
    }

    #[test]
    fn echo_text_path_parameter(text in path_text()) {
        check_echo_text(&text)?;
    }

    #[test]
    fn echo_post_body(text in prop::option::of(any::<String>())) {
        let body = types::EchoRequest { text: text.clone() };
        let request = send(async |s| s.call(async |c| c.echo_post().body(body.clone()).send().await).await);
        let mut expected = Map::new();
        insert_some(&mut expected, "text", text);
        check_request(&request, &Expected::new("echo_post").body(Value::Object(expected)))?;
    }

    #[test]
    fn request_token_body(username in body_text(), password in body_text()) {
        let body = types::TokenRequest::builder()
            .grant_type(types::TokenRequestGrantType::Password)
            .username(username.as_str())
            .password(password.as_str());
        let request = send(async |s| s.call(async |c| c.request_token().body(body.clone()).send().await).await);
        let expected = json!({"grant_type": "password", "username": username, "password": password});
        check_request(&request, &Expected::new("request_token").body(expected))?;
    }

    #[test]
    fn get_stats_query(month in 1u32..=12, year in 1000i32..=9999) {
        let request = send(async |s| {
            s.call(async |c| c.get_stats().month(month).year(year).send().await).await
        });
        let expected = Expected::new("get_stats").query("month", month).query("year", year);
        check_request(&request, &expected)?;
    }

    #[test]
    fn assign_pass_body(email in email(), stock_id in any::<i64>(), reference in body_text()) {
        let body = types::AssignPassRequest::builder()
            .email(email.as_str())
            .stock_id(stock_id)
            .payment_reference(reference.as_str());
        let request = send(async |s| s.call(async |c| c.assign_pass().body(body.clone()).send().await).await);
        let expected = json!({"email": email, "stock_id": stock_id, "payment_reference": reference});
        check_request(&request, &Expected::new("assign_pass").body(expected))?;
    }

    #[test]
    fn create_invoice_body(
        reference in body_text(),
        first_name in body_text(),
        last_name in body_text(),
        address in body_text(),
        zip_code in body_text(),
        city in body_text(),
        country in "[A-Z]{2}",
    ) {
        let body = types::InvoiceRequest::builder()
            .payment_reference(reference.as_str())
            .first_name(first_name.as_str())
            .last_name(last_name.as_str())
            .address(address.as_str())
            .zip_code(zip_code.as_str())
            .city(city.as_str())
            .country(country.as_str());
        let request = send(async |s| s.call(async |c| c.create_invoice().body(body.clone()).send().await).await);
        let expected = json!({
            "payment_reference": reference, "first_name": first_name, "last_name": last_name,
            "address": address, "zip_code": zip_code, "city": city, "country": country,
        });
        check_request(&request, &Expected::new("create_invoice").body(expected))?;
    }

    #[test]
    fn create_client_body(
        email in email(),
        names in (body_text(), body_text()),
        phone_prefix in "\\+[0-9]{1,4}",
        phone in "[0-9]{4,15}",
        place in (body_text(), body_text(), body_text(), "[A-Z]{2}"),
        optin in any::<bool>(),
        group_id in prop::option::of(any::<i64>()),
        gender in gender(),
    ) {
        let (first_name, last_name) = names;
        let (address, zip_code, city, country) = place;
        let body = types::CreateClientRequest::builder()
            .email(email.as_str())
            .first_name(first_name.as_str())
            .last_name(last_name.as_str())
            .phone_prefix(phone_prefix.as_str())
            .phone(phone.as_str())
            .address(address.as_str())
            .zip_code(zip_code.as_str())
            .city(city.as_str())
            .country(country.as_str())
            .cgu(true)
            .optin(optin)
            .group_id(group_id)
            .gender(gender);
        let request = send(async |s| s.call(async |c| c.create_client().body(body.clone()).send().await).await);
        let mut expected = json!({
            "email": email, "first_name": first_name, "last_name": last_name,
            "phone_prefix": phone_prefix, "phone": phone, "address": address,
            "zip_code": zip_code, "city": city, "country": country, "cgu": true, "optin": optin,
        });
        let fields = expected.as_object_mut().expect("an object");
        insert_some(fields, "group_id", group_id);
        insert_some(fields, "gender", gender_json(gender));
        check_request(&request, &Expected::new("create_client").body(expected))?;
    }

    #[test]
    fn update_client_body(
        id in client_id_or_email(),
        email in prop::option::of(email()),
        names in (prop::option::of(body_text()), prop::option::of(body_text())),
        phone_prefix in prop::option::of("\\+[0-9]{1,4}"),
        phone in prop::option::of("[0-9]{4,15}"),
        addresses in (prop::option::of(body_text()), prop::option::of(body_text())),
        place in (prop::option::of(body_text()), prop::option::of(body_text()), prop::option::of("[A-Z]{2}")),
        optin in prop::option::of(any::<bool>()),
        group_id in prop::option::of(any::<i64>()),
        gender in gender(),
    ) {
        let (first_name, last_name) = names;
        let (address, street) = addresses;
        let (zip_code, city, country) = place;

        let body = types::UpdateClientRequest::builder()
            .email(email.clone().map(types::UpdateClientRequestEmail::try_from).transpose().unwrap())
            .first_name(first_name.clone().map(types::UpdateClientRequestFirstName::try_from).transpose().unwrap())
            .last_name(last_name.clone().map(types::UpdateClientRequestLastName::try_from).transpose().unwrap())
            .phone_prefix(phone_prefix.clone().map(types::UpdateClientRequestPhonePrefix::try_from).transpose().unwrap())
            .phone(phone.clone().map(types::UpdateClientRequestPhone::try_from).transpose().unwrap())
            .address(address.clone().map(types::UpdateClientRequestAddress::try_from).transpose().unwrap())
            .street(street.clone().map(types::UpdateClientRequestStreet::try_from).transpose().unwrap())
            .zip_code(zip_code.clone().map(types::UpdateClientRequestZipCode::try_from).transpose().unwrap())
            .city(city.clone().map(types::UpdateClientRequestCity::try_from).transpose().unwrap())
            .country(country.clone().map(types::UpdateClientRequestCountry::try_from).transpose().unwrap())
            .optin(optin)
            .group_id(group_id)
            .gender(gender);

        let request = send(async |s| {
            s.call(async |c| {
                c.update_client()
                    .client_id_or_client_email(id.as_str())
                    .body(body.clone())
                    .send()
                    .await
            })
            .await
        });

        let mut expected = Map::new();
        insert_some(&mut expected, "email", email);
        insert_some(&mut expected, "first_name", first_name);
        insert_some(&mut expected, "last_name", last_name);
        insert_some(&mut expected, "phone_prefix", phone_prefix);
        insert_some(&mut expected, "phone", phone);
        insert_some(&mut expected, "address", address);
        insert_some(&mut expected, "street", street);
        insert_some(&mut expected, "zip_code", zip_code);
        insert_some(&mut expected, "city", city);
        insert_some(&mut expected, "country", country);
        insert_some(&mut expected, "optin", optin);
        insert_some(&mut expected, "group_id", group_id);
        insert_some(&mut expected, "gender", gender_json(gender));
        let expected = Expected::new("update_client").path(&id).body(Value::Object(expected));
        check_request(&request, &expected)?;
    }
}
