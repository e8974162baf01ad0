//! Loading of the Jobbers One OpenAPI document and translation of its schemas to JSON Schema.
//!
//! [`Document`] parses the YAML strictly and keeps the source line of every node, addressed by
//! JSON pointer. [`Validators`] compiles the document's schemas once and validates values
//! against them, for the `cargo xtask validate` checks, snapshot tests and live responses.

#![forbid(unsafe_code)]

mod document;
mod error;
pub mod pointer;
mod translate;
mod validate;
pub mod yaml;

pub use document::{Document, Example, ExampleLocation, METHODS, Operation};
pub use error::{LoadError, SchemaError};
pub use translate::{
    DIGITS_FORMAT, DIGITS_PATTERN, JOBBERS_DATETIME_FORMAT, JOBBERS_DATETIME_PATTERN,
    to_json_schema,
};
pub use validate::{SchemaValidator, Validators, Violation, validate_instance};
pub use yaml::SourceMap;
