//! Snapshot of the client that progenitor generates from the document, so that every change
//! of the document shows up as a reviewable diff of the generated code.

#[test]
fn generated_client_matches_snapshot() {
    let source = include_str!(concat!(env!("OUT_DIR"), "/jobbers_one.rs"));
    insta::assert_snapshot!("generated_client", source);
}

#[test]
fn operation_table_matches_snapshot() {
    let source = include_str!(concat!(env!("OUT_DIR"), "/operations.rs"));
    insta::assert_snapshot!("operation_table", source);
}
