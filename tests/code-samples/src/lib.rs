//! The code samples of the Jobbers One OpenAPI document: each operation's `x-codeSamples`,
//! one sample in each of curl, PHP and Rust, shown in the published documentation.
//!
//! The build script and `tests/rust_samples.rs` compile every Rust sample against
//! `jobbers-one-client`, and `tests/php_samples.rs` runs `php -l` on every PHP sample.

#![forbid(unsafe_code)]

mod php;
mod samples;

pub use php::{PhpLintError, lint_php};
pub use samples::{CodeSample, Language, OperationSamples, SamplesError, document_path, load};
