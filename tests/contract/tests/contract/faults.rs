//! Server-side failures: `503` in maintenance mode, `500` from the mock's fault injection, and
//! the `501` of the invoice call, which the API does not implement.

use jobbers_one_client::types;
use jobbers_one_mock::http::Faults;
use jobbers_one_mock::seed::DataSet;

use crate::harness::{DEMO_KEY, DEMO_SECRET, DOCUMENT, Mock, Outcome, decode, example};
use crate::operations::call_operation;
use crate::recorder::Recorder;

/// Calls with a fail rate of 1 get `500` or `503` at random, half each, so this many calls
/// miss `500` with a probability of 2^-64.
const MAX_CALLS_FOR_500: usize = 64;

/// Any bearer token, since fault injection responds before the token is checked.
const ANY_TOKEN: &str = "87eb6f50-d0e2-45d5-ab18-526b60bfc74c";

fn operation_ids() -> Vec<String> {
    DOCUMENT
        .operations()
        .into_iter()
        .filter_map(|operation| operation.operation_id)
        .collect()
}

/// Calls every operation on a mock in maintenance mode and checks the documented `503`.
pub async fn maintenance_is_503(recorder: &Recorder) {
    let faults = Faults {
        maintenance: true,
        ..Faults::default()
    };
    let mock = Mock::start_with(recorder, DataSet::default_data_set(), faults).await;
    let client = mock.client_with_token(ANY_TOKEN);

    for operation_id in operation_ids() {
        let outcome = call_operation(&client, &operation_id).await;
        assert_eq!(
            outcome,
            Outcome::new(503, example(&operation_id, "503")),
            "{operation_id} in maintenance mode"
        );
    }
}

/// Calls every operation on a mock whose every call fails until it gets a `500`, checking each
/// `500` and `503` against its documented example.
pub async fn failing_calls_are_500_or_503(recorder: &Recorder) {
    let faults = Faults {
        fail_rate: 1.0,
        ..Faults::default()
    };
    let mock = Mock::start_with(recorder, DataSet::default_data_set(), faults).await;
    let client = mock.client_with_token(ANY_TOKEN);

    for operation_id in operation_ids() {
        let server_error = Outcome::new(500, example(&operation_id, "500"));
        let unavailable = Outcome::new(503, example(&operation_id, "503"));
        let mut got_500 = false;
        for _ in 0..MAX_CALLS_FOR_500 {
            let outcome = call_operation(&client, &operation_id).await;
            if outcome == server_error {
                got_500 = true;
                break;
            }
            assert_eq!(outcome, unavailable, "{operation_id} with a fail rate of 1");
        }
        assert!(
            got_500,
            "{operation_id}: no 500 in {MAX_CALLS_FOR_500} calls with a fail rate of 1"
        );
    }
}

/// Sends the documented invoice request and checks the documented `501`.
pub async fn invoice_is_501(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let client = mock.client_of(DEMO_KEY, DEMO_SECRET).await;

    let body: types::InvoiceRequest = decode(example("create_invoice", "request"));
    let outcome = Outcome::of_stream(client.create_invoice().body(body).send().await);
    assert_eq!(outcome, Outcome::new(501, example("create_invoice", "501")));
}
