//! Generates the server's trait, call and response types and router from the OpenAPI
//! document into `OUT_DIR/jobbers_one_api.rs`.

use std::path::PathBuf;
use std::process::ExitCode;

const DOCUMENT: &str = "../../openapi/jobbers-one.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={DOCUMENT}");

    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let document = match jobbers_one_spec::Document::load(&manifest_dir.join(DOCUMENT)) {
        Ok(document) => document,
        Err(error) => {
            eprintln!("error: failed to load {DOCUMENT}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let source = match jobbers_one_server_gen::generate(&document) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("error: failed to generate the server from {DOCUMENT}: {error}");
            return ExitCode::FAILURE;
        }
    };

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let target = out_dir.join("jobbers_one_api.rs");
    if let Err(error) = std::fs::write(&target, source) {
        eprintln!("error: failed to write {}: {error}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
