//! Snapshot of the server source generated from the real OpenAPI document, so that a review
//! sees every change of the generated API.

use std::path::Path;

use jobbers_one_spec::Document;

#[test]
fn generated_server_matches_snapshot() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/jobbers-one.yaml");
    let document = Document::load(&path).unwrap();
    let source = jobbers_one_server_gen::generate(&document).unwrap();
    insta::assert_snapshot!(source);
}
