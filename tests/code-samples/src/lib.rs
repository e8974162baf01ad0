//! The code samples of the Jobbers One OpenAPI document: each operation's `x-codeSamples`,
//! one sample in each of curl, PHP and Rust, shown in the published documentation.
//!
//! The build script and `tests/rust_samples.rs` compile every Rust sample against
//! `jobbers-one-client`, `tests/php_samples.rs` runs `php -l` on every PHP sample, and
//! `tests/samples_against_mock.rs` runs every curl and PHP sample against the mock.

#![forbid(unsafe_code)]

mod php;
mod samples;

pub use php::{PhpLintError, lint_php};
pub use samples::{CodeSample, Language, OperationSamples, SamplesError, document_path, load};

/// Returns whether the tests run in CI (`CI` set and not `false`), where a missing tool such
/// as `php` fails a test instead of skipping it.
pub fn running_in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false")
}
