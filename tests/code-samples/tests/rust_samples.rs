//! Compiles the Rust code sample of every operation against `jobbers-one-client`'s public
//! API: a sample that no longer compiles fails the build of this test.

use jobbers_one_code_samples::{document_path, load};

mod samples {
    include!(concat!(env!("OUT_DIR"), "/rust_samples.rs"));
}

#[test]
fn rust_samples_cover_every_operation() {
    let operations = load(&document_path()).expect("the document's code samples load");
    let operation_ids: Vec<&str> = operations
        .iter()
        .map(|operation| operation.operation_id.as_str())
        .collect();

    assert_eq!(samples::OPERATION_IDS, operation_ids.as_slice());
}
