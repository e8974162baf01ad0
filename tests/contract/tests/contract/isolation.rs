//! Enterprise isolation (`403`) and unknown clients and stocks (`404`), on the default data set:
//! enterprise 20 owns client 40331 and stock 52, enterprise 21 owns client 50001 and stock 60.

use jobbers_one_client::{Client, types};
use serde_json::{Value, json};

use crate::harness::{
    DEMO_KEY, DEMO_SECRET, Mock, OTHER_KEY, OTHER_SECRET, Outcome, decode, error_body, example,
};
use crate::operations::{
    check_client_exists, delete_client, get_client, get_client_login_url, update_client,
};
use crate::recorder::Recorder;

const DEMO_CLIENT_EMAIL: &str = "client+1@clients.jobbers.com";
const OTHER_CLIENT_EMAIL: &str = "staff@other-enterprise.example.com";

fn assign_request(email: &str, stock_id: i64, payment_reference: &str) -> types::AssignPassRequest {
    decode(json!({"email": email, "stock_id": stock_id, "payment_reference": payment_reference}))
}

fn update_example() -> types::UpdateClientRequest {
    decode(example("update_client", "request"))
}

async fn update(client: &Client, key: &str) -> Outcome {
    update_client(client, key, update_example()).await
}

async fn assign(client: &Client, request: types::AssignPassRequest) -> Outcome {
    Outcome::of(client.assign_pass().body(request).send().await)
}

/// Checks that enterprise 21 can neither read nor change enterprise 20's client or stock, and
/// that nothing changed for enterprise 20 afterwards.
pub async fn enterprises_cannot_touch_each_other(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let demo = mock.client_of(DEMO_KEY, DEMO_SECRET).await;
    let other = mock.client_of(OTHER_KEY, OTHER_SECRET).await;
    let client_before = get_client(&demo, "40331").await.ok();
    let stocks_before = Outcome::of(demo.list_stocks_of_passes().send().await).ok();

    // Every client operation on another enterprise's client, by id and by email.
    let forbidden_client = example("get_client", "403");
    for key in ["40331", DEMO_CLIENT_EMAIL] {
        let expected = Outcome::new(403, forbidden_client.clone());
        assert_eq!(get_client(&other, key).await, expected, "get_client {key}");
        assert_eq!(update(&other, key).await, expected, "update_client {key}");
        assert_eq!(
            delete_client(&other, key).await,
            expected,
            "delete_client {key}"
        );
        assert_eq!(
            get_client_login_url(&other, key).await,
            expected,
            "get_client_login_url {key}"
        );
    }
    assert_eq!(
        get_client(&demo, "50001").await,
        Outcome::new(403, forbidden_client.clone()),
        "enterprise 20 reading enterprise 21's client"
    );

    // A pass for another enterprise's client, and from another enterprise's stock.
    let foreign_client = assign(&other, assign_request(DEMO_CLIENT_EMAIL, 60, "iso-1")).await;
    assert_eq!(
        foreign_client,
        Outcome::new(403, example("assign_pass", "403"))
    );
    let foreign_stock = assign(&other, assign_request(OTHER_CLIENT_EMAIL, 52, "iso-2")).await;
    assert_eq!(
        foreign_stock,
        Outcome::new(
            403,
            error_body(
                "is_invalid",
                "stock_id",
                "the stock of passes belongs to another enterprise"
            )
        )
    );

    // The existence check returns only the flags to the other enterprise.
    let exists = check_client_exists(&other, DEMO_CLIENT_EMAIL).await;
    assert_eq!(
        exists.ok(),
        json!({"data": {
            "exists": true,
            "movable": true,
            "attached_to_another_enterprise": true,
            "subscription_valid": false,
            "client_active": true
        }}),
        "client 40331's subscription ended in 2018, so enterprise 21 could take it over"
    );

    // Enterprise 20 reads its client and stock unchanged, and enterprise 21 lists only its own
    // stock.
    assert_eq!(get_client(&demo, "40331").await.ok(), client_before);
    let stocks_after = Outcome::of(demo.list_stocks_of_passes().send().await).ok();
    assert_eq!(stocks_after, stocks_before);
    let other_stocks = Outcome::of(other.list_stocks_of_passes().send().await).ok();
    let other_stock_ids: Vec<&Value> = other_stocks["data"]
        .as_array()
        .map(|stocks| stocks.iter().map(|stock| &stock["stock_id"]).collect())
        .unwrap_or_default();
    assert_eq!(other_stock_ids, [&json!(60)]);
}

/// Checks the `404` of an unknown client on each client operation and of an unknown client or
/// stock on a pass assignment.
pub async fn unknown_client_and_stock_are_404(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let demo = mock.client_of(DEMO_KEY, DEMO_SECRET).await;

    let not_found = Outcome::new(404, example("get_client", "404"));
    for key in ["99999999", "nobody@clients.jobbers.com"] {
        assert_eq!(get_client(&demo, key).await, not_found, "get_client {key}");
        assert_eq!(update(&demo, key).await, not_found, "update_client {key}");
        assert_eq!(
            delete_client(&demo, key).await,
            not_found,
            "delete_client {key}"
        );
        assert_eq!(
            get_client_login_url(&demo, key).await,
            not_found,
            "get_client_login_url {key}"
        );
    }

    let unknown_client = assign(
        &demo,
        assign_request("nobody@clients.jobbers.com", 52, "nf-1"),
    )
    .await;
    assert_eq!(unknown_client, not_found);
    let unknown_stock = assign(&demo, assign_request(DEMO_CLIENT_EMAIL, 999, "nf-2")).await;
    assert_eq!(
        unknown_stock,
        Outcome::new(
            404,
            error_body("is_invalid", "stock_id", "stock of passes 999 not found")
        )
    );
}
