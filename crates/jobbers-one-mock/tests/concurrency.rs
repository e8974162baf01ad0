//! Concurrent pass assignments against one sandbox: no overselling, no reference taken twice.

use std::sync::{Arc, Barrier};
use std::thread;

use chrono::TimeDelta;
use jobbers_one_mock::clock::ManualClock;
use jobbers_one_mock::dates;
use jobbers_one_mock::domain::{ApiError, Caller, ErrorTitle, PassRequest, Sandbox};
use jobbers_one_mock::seed::DataSet;

const DEMO: Caller = Caller { enterprise_id: 20 };

fn sandbox() -> Arc<Sandbox> {
    let clock = ManualClock::new(dates::parse("2024-05-15 12:00:00").unwrap());
    Arc::new(Sandbox::new(
        &DataSet::default_data_set(),
        Arc::new(clock),
        TimeDelta::seconds(3600),
    ))
}

/// Runs `requests` at once, each on its own thread, released together by a barrier.
fn assign_all(sandbox: &Arc<Sandbox>, requests: Vec<PassRequest>) -> Vec<Result<(), ApiError>> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let handles: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let sandbox = Arc::clone(sandbox);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                sandbox.assign_pass(DEMO, &request).map(|_| ())
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("assigning thread panicked"))
        .collect()
}

fn first_problem(result: &Result<(), ApiError>) -> Option<(ErrorTitle, String, String)> {
    match result {
        Err(ApiError::BadRequest(problems)) => problems.first().map(|problem| {
            (
                problem.title,
                problem.source.clone(),
                problem.detail.clone(),
            )
        }),
        _ => None,
    }
}

#[test]
fn hundred_assigns_take_exactly_ten_passes() {
    // Stock 52 of the default data set has 10 passes.
    let sandbox = sandbox();
    let requests = (0..100)
        .map(|index| PassRequest {
            email: format!("member+{}@example.org", [3, 5, 6, 7, 8][index % 5]),
            stock_id: 52,
            payment_reference: format!("concurrent-{index}"),
        })
        .collect();

    let results = assign_all(&sandbox, requests);

    let successes = results.iter().filter(|result| result.is_ok()).count();
    assert_eq!(successes, 10);
    let exhausted = results
        .iter()
        .filter_map(first_problem)
        .filter(|problem| {
            *problem
                == (
                    ErrorTitle::IsInvalid,
                    "stock_id".to_owned(),
                    "stock of passes 52 has no pass left".to_owned(),
                )
        })
        .count();
    assert_eq!(exhausted, 90);

    let stock = sandbox
        .stocks_of_passes(DEMO)
        .into_iter()
        .find(|stock| stock.stock_id == 52)
        .unwrap();
    assert_eq!(stock.total_available, 0);
    assert_eq!(stock.total_used, 10);
}

#[test]
fn fifty_assigns_with_one_reference_succeed_once() {
    let sandbox = sandbox();
    let requests = (0..50)
        .map(|_| PassRequest {
            email: "client+1@clients.jobbers.com".to_owned(),
            stock_id: 52,
            payment_reference: "payment_reference_01".to_owned(),
        })
        .collect();

    let results = assign_all(&sandbox, requests);

    assert_eq!(results.iter().filter(|result| result.is_ok()).count(), 1);
    let taken = results
        .iter()
        .filter_map(first_problem)
        .filter(|(title, source, _)| {
            *title == ErrorTitle::HasAlreadyBeenTaken && source == "payment_reference"
        })
        .count();
    assert_eq!(taken, 49);

    let stock = &sandbox.stocks_of_passes(DEMO)[1];
    assert_eq!(stock.total_used, 1);
    assert_eq!(stock.total_available, 9);
}
