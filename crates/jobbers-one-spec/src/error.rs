//! Errors of loading a document and of turning its schemas into validators.

use std::path::PathBuf;

/// Why a YAML document could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("failed to read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("line {line}: invalid YAML: {message}")]
    Syntax { line: usize, message: String },

    #[error(
        "line {line}: duplicate key `{key}` in {}, first defined on line {first_line}",
        display_pointer(pointer)
    )]
    DuplicateKey {
        line: usize,
        key: String,
        first_line: usize,
        pointer: String,
    },

    #[error(
        "line {line}: key in {} is a mapping or sequence; only scalar keys are supported",
        display_pointer(pointer)
    )]
    NonScalarKey { line: usize, pointer: String },

    #[error(
        "line {line}: tag `{tag}` is not supported; only YAML core schema tags such as !!str are"
    )]
    UnsupportedTag { line: usize, tag: String },

    #[error("line {line}: `{text}` is not {expected}")]
    InvalidScalar {
        line: usize,
        text: String,
        expected: String,
    },

    #[error("line {line}: a second YAML document starts here; the file must hold one document")]
    MultipleDocuments { line: usize },

    #[error("the YAML stream contains no document")]
    Empty,
}

impl LoadError {
    /// Returns the 1-based source line the error points at, if it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. }
            | Self::DuplicateKey { line, .. }
            | Self::NonScalarKey { line, .. }
            | Self::UnsupportedTag { line, .. }
            | Self::InvalidScalar { line, .. }
            | Self::MultipleDocuments { line } => Some(*line),
            Self::Io { .. } | Self::Empty => None,
        }
    }
}

/// Why a schema of the document could not be turned into a validator.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("no schema at {}", display_pointer(pointer))]
    NotFound { pointer: String },

    #[error("$ref `{reference}` at {} does not resolve", display_pointer(pointer))]
    UnresolvedRef { reference: String, pointer: String },

    #[error(
        "$ref `{reference}` at {} is not supported in a schema; refer to a whole schema under #/components/schemas",
        display_pointer(pointer)
    )]
    UnsupportedRef { reference: String, pointer: String },

    #[error(
        "schema at {} is not valid JSON Schema after translation: {message}",
        display_pointer(pointer)
    )]
    Invalid { pointer: String, message: String },
}

/// Formats a JSON pointer for messages, showing the root pointer `""` as `#`.
pub(crate) fn display_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}
