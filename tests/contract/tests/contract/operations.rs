//! One generated-client call for each operation of the document, with the document's example
//! request bodies, for scenarios that run every operation the same way (no token, faults).

use jobbers_one_client::{Client, types};

use crate::harness::{DEMO_KEY, DEMO_SECRET, Outcome, request_example, token_request};

/// A client of enterprise 20 in the default data set, which path-addressed calls name.
pub const DEMO_CLIENT_ID: &str = "40331";

/// Calls `operation_id` through `client` with the document's example request body, or with
/// values of the default data set where the operation has path or query parameters.
///
/// # Panics
///
/// Panics on an operationId this function has no call for, so that an operation added to the
/// document fails the test until it gets one here.
pub async fn call_operation(client: &Client, operation_id: &str) -> Outcome {
    match operation_id {
        "echo_get" => Outcome::of(client.echo_get().send().await),
        "echo_post" => {
            let body: types::EchoRequest = request_example(operation_id);
            Outcome::of(client.echo_post().body(body).send().await)
        }
        "echo_get_text" => Outcome::of(client.echo_get_text().text("hello world").send().await),
        "request_token" => {
            let body = token_request(DEMO_KEY, DEMO_SECRET);
            Outcome::of(client.request_token().body(body).send().await)
        }
        "get_current_enterprise" => Outcome::of(client.get_current_enterprise().send().await),
        "list_groups_of_enterprise" => Outcome::of(client.list_groups_of_enterprise().send().await),
        "get_stats" => Outcome::of(client.get_stats().month(7).year(2018).send().await),
        "list_stocks_of_passes" => Outcome::of(client.list_stocks_of_passes().send().await),
        "assign_pass" => {
            let body: types::AssignPassRequest = request_example(operation_id);
            Outcome::of(client.assign_pass().body(body).send().await)
        }
        "create_invoice" => {
            let body: types::InvoiceRequest = request_example(operation_id);
            Outcome::of_stream(client.create_invoice().body(body).send().await)
        }
        "create_client" => {
            let body: types::CreateClientRequest = request_example(operation_id);
            Outcome::of(client.create_client().body(body).send().await)
        }
        "check_client_exists" => check_client_exists(client, "client@clients.jobbers.com").await,
        "get_client" => get_client(client, DEMO_CLIENT_ID).await,
        "update_client" => {
            let body: types::UpdateClientRequest = request_example(operation_id);
            update_client(client, DEMO_CLIENT_ID, body).await
        }
        "delete_client" => delete_client(client, DEMO_CLIENT_ID).await,
        "get_client_login_url" => get_client_login_url(client, DEMO_CLIENT_ID).await,
        other => panic!("no generated-client call for operation {other}; add one here"),
    }
}

/// Reads the client named by `key`, an id or an email.
pub async fn get_client(client: &Client, key: &str) -> Outcome {
    let call = client.get_client().client_id_or_client_email(key);
    Outcome::of(call.send().await)
}

/// Updates the client named by `key` with `body`.
pub async fn update_client(
    client: &Client,
    key: &str,
    body: types::UpdateClientRequest,
) -> Outcome {
    let call = client
        .update_client()
        .client_id_or_client_email(key)
        .body(body);
    Outcome::of(call.send().await)
}

/// Deletes the client named by `key`.
pub async fn delete_client(client: &Client, key: &str) -> Outcome {
    let call = client.delete_client().client_id_or_client_email(key);
    Outcome::of(call.send().await)
}

/// Requests an autologin link for the client named by `key`.
pub async fn get_client_login_url(client: &Client, key: &str) -> Outcome {
    let call = client.get_client_login_url().client_id_or_client_email(key);
    Outcome::of(call.send().await)
}

/// Checks whether `email` belongs to a client.
pub async fn check_client_exists(client: &Client, email: &str) -> Outcome {
    let call = client.check_client_exists().client_email(email);
    Outcome::of(call.send().await)
}

/// Returns the path of `path_template` with each path parameter filled with a value that the
/// default data set accepts.
pub fn concrete_path(path_template: &str) -> String {
    path_template
        .replace("{clientIdOrClientEmail}", DEMO_CLIENT_ID)
        .replace("{clientEmail}", "client%2B1%40clients.jobbers.com")
        .replace("{text}", "hello")
}
