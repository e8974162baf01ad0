//! Simultaneous pass assignments through the HTTP stack, on a data set made for them: no stock
//! is oversold and no payment reference is accepted twice.

use std::sync::Arc;

use jobbers_one_client::{Client, types};
use jobbers_one_mock::dates::{DurationType, WireDateTime};
use jobbers_one_mock::http::Faults;
use jobbers_one_mock::seed::{ClientSeed, DataSet, EnterpriseSeed, StockSeed, SubscriptionSeed};
use serde_json::json;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::harness::{Mock, Outcome, START, date, decode, error_body};
use crate::recorder::Recorder;

const KEY: &str = "concurrency-key";
const SECRET: &str = "concurrency-secret";
const EMAIL: &str = "ana@example.org";
/// A stock of [`SMALL_STOCK_UNITS`] one-month passes.
const SMALL_STOCK: i64 = 700;
const SMALL_STOCK_UNITS: u32 = 10;
/// A stock with more passes than any run here assigns.
const LARGE_STOCK: i64 = 701;

fn stock(stock_id: i64, total_units: u32) -> StockSeed {
    StockSeed {
        stock_id,
        description: format!("monthly pass {stock_id}"),
        duration: 1,
        duration_type: DurationType::Month,
        expiration_date: WireDateTime(date("2099-12-31 23:59:59")),
        total_units,
        price: 12.0,
        net_price: 10.0,
        vat: 20,
    }
}

/// Builds a data set of one enterprise with two stocks and one client, whose subscription ends
/// at [`START`].
fn data_set() -> DataSet {
    let data_set = DataSet {
        enterprises: vec![EnterpriseSeed {
            enterprise_id: 7,
            api_key: KEY.to_owned(),
            api_secret: SECRET.to_owned(),
            subscription_on_creation: SubscriptionSeed {
                duration: 1,
                duration_type: DurationType::Month,
            },
            groups: Vec::new(),
            stocks_of_passes: vec![
                stock(SMALL_STOCK, SMALL_STOCK_UNITS),
                stock(LARGE_STOCK, 1000),
            ],
            clients: vec![ClientSeed {
                client_id: 7001,
                email: EMAIL.to_owned(),
                first_name: "Ana".to_owned(),
                last_name: "Lopez".to_owned(),
                phone_prefix: "+34".to_owned(),
                phone: "600000001".to_owned(),
                gender: None,
                address: "1 Calle Mayor".to_owned(),
                zip_code: "28013".to_owned(),
                city: "Madrid".to_owned(),
                country: "ES".to_owned(),
                optin: false,
                registering_date: WireDateTime(date("2024-01-10 09:00:00")),
                last_login_date: None,
                end_subscription_date: WireDateTime(date(START)),
                active: true,
                group_id: None,
            }],
            pass_assignments: Vec::new(),
            requests: Vec::new(),
            orders: Vec::new(),
        }],
    };
    let problems = data_set.check();
    assert!(problems.is_empty(), "the data set is invalid: {problems:?}");
    data_set
}

/// Sends all `requests` at once, each from its own task released by one barrier, and returns
/// the outcomes in request order.
async fn assign_all(client: &Client, requests: Vec<types::AssignPassRequest>) -> Vec<Outcome> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let mut tasks = JoinSet::new();
    for (index, request) in requests.into_iter().enumerate() {
        let client = client.clone();
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            barrier.wait().await;
            let outcome = Outcome::of(client.assign_pass().body(request).send().await);
            (index, outcome)
        });
    }

    let mut outcomes = tasks.join_all().await;
    outcomes.sort_by_key(|(index, _)| *index);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

fn assign_request(stock_id: i64, payment_reference: &str) -> types::AssignPassRequest {
    decode(json!({"email": EMAIL, "stock_id": stock_id, "payment_reference": payment_reference}))
}

async fn stock_counts(client: &Client, stock_id: i64) -> (i64, i64) {
    let stocks = Outcome::of(client.list_stocks_of_passes().send().await).ok();
    let stock = stocks["data"]
        .as_array()
        .and_then(|stocks| stocks.iter().find(|stock| stock["stock_id"] == stock_id))
        .cloned()
        .unwrap_or_else(|| panic!("stock {stock_id} is not listed: {stocks}"));
    let count = |field: &str| stock[field].as_i64().unwrap_or(-1);
    (count("total_available"), count("total_used"))
}

/// Sends 100 simultaneous assignments from a stock of 10 passes, and checks that exactly 10
/// succeed, each extending the subscription by one month, and 90 get the exhausted-stock `400`.
pub async fn hundred_assigns_take_ten_passes(recorder: &Recorder) {
    let mock = Mock::start_with(recorder, data_set(), Faults::default()).await;
    let client = mock.client_of(KEY, SECRET).await;

    let requests = (0..100)
        .map(|index| assign_request(SMALL_STOCK, &format!("concurrent-{index}")))
        .collect();
    let outcomes = assign_all(&client, requests).await;

    let mut end_dates: Vec<String> = outcomes
        .iter()
        .filter(|outcome| outcome.status == 200)
        .map(|outcome| outcome.body["data"]["end_subscription_date"].to_string())
        .collect();
    assert_eq!(end_dates.len(), 10, "successes: {end_dates:?}");
    end_dates.sort();
    let expected_end_dates: Vec<String> = [
        "2024-06-15",
        "2024-07-15",
        "2024-08-15",
        "2024-09-15",
        "2024-10-15",
        "2024-11-15",
        "2024-12-15",
        "2025-01-15",
        "2025-02-15",
        "2025-03-15",
    ]
    .iter()
    .map(|day| format!("\"{day} 12:00:00\""))
    .collect();
    assert_eq!(
        end_dates, expected_end_dates,
        "one month more for each pass"
    );

    let exhausted = Outcome::new(
        400,
        error_body(
            "is_invalid",
            "stock_id",
            &format!("stock of passes {SMALL_STOCK} has no pass left"),
        ),
    );
    let rejected: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| outcome.status != 200)
        .collect();
    assert_eq!(rejected.len(), 90);
    for outcome in rejected {
        assert_eq!(*outcome, exhausted);
    }
    assert_eq!(stock_counts(&client, SMALL_STOCK).await, (0, 10));
}

/// Sends 50 simultaneous assignments with one payment reference, and checks that exactly one
/// succeeds and 49 get the `has_already_been_taken` `400`.
pub async fn one_payment_reference_succeeds_once(recorder: &Recorder) {
    let mock = Mock::start_with(recorder, data_set(), Faults::default()).await;
    let client = mock.client_of(KEY, SECRET).await;

    let requests = (0..50)
        .map(|_| assign_request(LARGE_STOCK, "payment_reference_01"))
        .collect();
    let outcomes = assign_all(&client, requests).await;

    let successes: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| outcome.status == 200)
        .collect();
    assert_eq!(
        successes,
        [&Outcome::new(
            200,
            json!({"data": {"end_subscription_date": "2024-06-15 12:00:00"}})
        )]
    );
    let reference_taken = Outcome::new(
        400,
        error_body(
            "has_already_been_taken",
            "payment_reference",
            "payment_reference payment_reference_01 has already been taken",
        ),
    );
    let rejected: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| outcome.status != 200)
        .collect();
    assert_eq!(rejected.len(), 49);
    for outcome in rejected {
        assert_eq!(*outcome, reference_taken);
    }
    assert_eq!(stock_counts(&client, LARGE_STOCK).await, (999, 1));
}
