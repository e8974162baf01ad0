//! Contract tests of the Jobbers One document: the generated client calls the mock over TCP on
//! `127.0.0.1:0`, and every API response the mock sends is recorded.
//!
//! Each scenario starts fresh mocks and asserts exact statuses and bodies. The one test runs
//! them in sequence, then checks the whole record against the document. Every response must
//! have the content type `application/json;charset=utf-8`, a status its operation documents
//! and a body valid for that response's schema. The schemas are closed, so an undocumented
//! property fails. Every documented (operationId, status) pair must have been produced.

mod concurrency;
mod email;
mod faults;
mod flow;
mod harness;
mod isolation;
mod operations;
mod recorder;
mod rejections;
mod tokens;

use std::sync::Arc;

use harness::DOCUMENT;
use recorder::{Recorder, by_operation};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_meets_the_contract() {
    let recorder = Recorder::new(Arc::clone(&DOCUMENT));

    flow::documented_flow_succeeds_in_order(&recorder).await;
    flow::echo_returns_its_input(&recorder).await;
    tokens::used_token_outlives_first_expiry(&recorder).await;
    tokens::unused_token_expires(&recorder).await;
    tokens::session_replaces_expired_token(&recorder).await;
    isolation::enterprises_cannot_touch_each_other(&recorder).await;
    isolation::unknown_client_and_stock_are_404(&recorder).await;
    email::plus_in_email_is_kept(&recorder).await;
    concurrency::hundred_assigns_take_ten_passes(&recorder).await;
    concurrency::one_payment_reference_succeeds_once(&recorder).await;
    rejections::invalid_values_are_400(&recorder).await;
    rejections::missing_token_is_401(&recorder).await;
    rejections::oversized_body_is_413(&recorder).await;
    rejections::malformed_json_is_422(&recorder).await;
    faults::invoice_is_501(&recorder).await;
    faults::maintenance_is_503(&recorder).await;
    faults::failing_calls_are_500_or_503(&recorder).await;

    println!("{}", recorder.coverage_table());

    let wrong_content_types = recorder.content_type_problems();
    assert!(
        wrong_content_types.is_empty(),
        "responses with another content type:\n{}",
        wrong_content_types.join("\n")
    );
    let undocumented = recorder.undocumented_responses();
    assert!(
        undocumented.is_empty(),
        "responses the document does not describe:\n{}",
        undocumented.join("\n")
    );
    let violations = recorder.schema_violations();
    assert!(
        violations.is_empty(),
        "response bodies that break their schema:\n{}",
        violations.join("\n")
    );
    let missing = recorder.missing_statuses();
    assert!(
        missing.is_empty(),
        "documented statuses never produced: {:?}",
        by_operation(&missing)
    );
}
