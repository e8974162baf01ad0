//! A `+` in an email: the generated client sends it as `%2B`, so the client is found by its
//! exact email, while a raw `+`, which the server decodes as a space, finds no one.

use jobbers_one_client::types;
use reqwest::Method;
use serde_json::Value;

use crate::harness::{DEMO_KEY, DEMO_SECRET, Mock, Outcome, decode, example};
use crate::operations::{check_client_exists, get_client};
use crate::recorder::Recorder;

const PLUS_EMAIL: &str = "client+42@clients.jobbers.com";

/// Creates a client whose email has a `+` and looks it up both ways.
pub async fn plus_in_email_is_kept(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let token = mock.token(DEMO_KEY, DEMO_SECRET).await;
    let client = mock.client_with_token(&token);

    let mut body = example("create_client", "request");
    body["email"] = Value::from(PLUS_EMAIL);
    let new_client: types::CreateClientRequest = decode(body);
    let created = Outcome::of(client.create_client().body(new_client).send().await).ok();
    assert_eq!(created["data"]["email"], PLUS_EMAIL);
    let client_id = created["data"]["client_id"].clone();

    // The generated client percent-encodes the `+`, so the lookup returns this exact client.
    let found = get_client(&client, PLUS_EMAIL).await.ok();
    assert_eq!(found["data"]["client_id"], client_id);
    assert_eq!(found["data"]["email"], PLUS_EMAIL);
    let exists = check_client_exists(&client, PLUS_EMAIL).await;
    assert_eq!(exists.ok()["data"]["exists"], true);

    // The seeded `client+1@…` is still a different client.
    let seeded = get_client(&client, "client+1@clients.jobbers.com")
        .await
        .ok();
    assert_eq!(seeded["data"]["client_id"], 40331);

    // A raw `+`, as PHP code without `rawurlencode` sends it, decodes to a space, so the path
    // names `client 42@…`, which is no client.
    let raw = mock.raw();
    let path = format!("/oneapi/v0/clients/{PLUS_EMAIL}");
    let aliased = raw.send(Method::GET, &path, Some(&token), None).await;
    assert_eq!(aliased, Outcome::new(404, example("get_client", "404")));
    let path = format!("/oneapi/v0/clients/{PLUS_EMAIL}/login");
    let aliased = raw.send(Method::GET, &path, Some(&token), None).await;
    assert_eq!(
        aliased,
        Outcome::new(404, example("get_client_login_url", "404"))
    );
}
