//! Extraction of every operation's `x-codeSamples` from the OpenAPI document.
//!
//! The build script includes this file too, so it uses only the build dependencies.

use std::fmt;
use std::path::{Path, PathBuf};

use jobbers_one_spec::Document;
use serde_json::Value;

/// Extension key, on an operation, of its code samples.
pub const CODE_SAMPLES: &str = "x-codeSamples";

/// Extension key that marks an operation to which the API responds with `501`.
pub const NOT_IMPLEMENTED: &str = "x-jobbers-not-implemented";

/// Language of a code sample, with the `lang` and `label` that it has in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// A curl command for a POSIX shell.
    Curl,
    /// A PHP script that calls the API with the cURL extension.
    Php,
    /// A Rust function that calls the API with `jobbers-one-client`.
    Rust,
}

impl Language {
    /// Every language, in the order of the tabs in the published documentation.
    pub const ALL: [Self; 3] = [Self::Curl, Self::Php, Self::Rust];

    /// Returns the `lang` of the sample, which selects the syntax highlighting.
    pub fn lang(self) -> &'static str {
        match self {
            Self::Curl => "Shell",
            Self::Php => "PHP",
            Self::Rust => "Rust",
        }
    }

    /// Returns the `label` of the sample, shown on its tab.
    pub fn label(self) -> &'static str {
        match self {
            Self::Curl => "curl",
            Self::Php => "PHP",
            Self::Rust => "Rust",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.label())
    }
}

/// One code sample of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSample {
    /// Language of the sample.
    pub language: Language,
    /// Source code, as shown in the documentation.
    pub source: String,
}

/// The code samples of one operation, one for each [`Language`] in [`Language::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSamples {
    /// The `operationId`.
    pub operation_id: String,
    /// Uppercase HTTP method (`GET`).
    pub method: String,
    /// Path template (`/oneapi/v0/clients/{clientIdOrClientEmail}`).
    pub path: String,
    /// The operation's `summary`, the heading of its section in the documentation.
    pub summary: String,
    /// The operation's first tag, which groups it in the documentation; empty when it has none.
    pub tag: String,
    /// Whether the operation is marked `x-jobbers-not-implemented`, so that the API responds
    /// to it with `501`.
    pub not_implemented: bool,
    /// The samples, in [`Language::ALL`] order.
    pub samples: Vec<CodeSample>,
}

impl OperationSamples {
    /// Returns the source of the sample in `language`.
    pub fn source(&self, language: Language) -> &str {
        self.samples
            .iter()
            .find(|sample| sample.language == language)
            .map(|sample| sample.source.as_str())
            .unwrap_or_default()
    }
}

/// A document whose code samples cannot be extracted.
#[derive(Debug, thiserror::Error)]
pub enum SamplesError {
    /// The document cannot be read or parsed.
    #[error(transparent)]
    Document(#[from] jobbers_one_spec::LoadError),
    /// An operation has no `operationId` or no `summary`.
    #[error("operation {method} {path} has no {field}; every operation needs one")]
    MissingField {
        /// Uppercase HTTP method.
        method: String,
        /// Path template.
        path: String,
        /// `operationId` or `summary`.
        field: &'static str,
    },
    /// A code sample is missing, duplicated or malformed.
    #[error("{CODE_SAMPLES} of operation `{operation_id}` is invalid: {reason}")]
    InvalidSamples {
        /// The `operationId`.
        operation_id: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

/// Returns the path of the OpenAPI document `openapi/jobbers-one.yaml`.
pub fn document_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/jobbers-one.yaml")
}

/// Loads the document at `path` and returns the code samples of every operation, in the
/// order of [`Document::operations`].
///
/// # Errors
///
/// [`SamplesError`] when the document cannot be loaded, or an operation lacks an
/// `operationId`, a `summary`, or exactly one sample in each [`Language`] with the
/// expected `lang` and `label` and a non-empty `source`.
pub fn load(path: &Path) -> Result<Vec<OperationSamples>, SamplesError> {
    let document = Document::load(path)?;
    let mut operations = Vec::new();
    for operation in document.operations() {
        let method = operation.method.to_uppercase();
        let node = document.get(&operation.pointer).unwrap_or(&Value::Null);
        let missing = |field| SamplesError::MissingField {
            method: method.clone(),
            path: operation.path.clone(),
            field,
        };
        let operation_id = operation
            .operation_id
            .clone()
            .ok_or(missing("operationId"))?;
        let summary = node
            .get("summary")
            .and_then(Value::as_str)
            .ok_or(missing("summary"))?
            .to_owned();
        let tag = node
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let samples = read_samples(&operation_id, node.get(CODE_SAMPLES))?;

        operations.push(OperationSamples {
            operation_id,
            method,
            path: operation.path,
            summary,
            tag,
            not_implemented: node.get(NOT_IMPLEMENTED) == Some(&Value::Bool(true)),
            samples,
        });
    }
    Ok(operations)
}

/// Reads an operation's `x-codeSamples` list and orders it as [`Language::ALL`].
fn read_samples(operation_id: &str, list: Option<&Value>) -> Result<Vec<CodeSample>, SamplesError> {
    let invalid = |reason: String| SamplesError::InvalidSamples {
        operation_id: operation_id.to_owned(),
        reason,
    };
    let expected = Language::ALL
        .iter()
        .map(|language| format!("`{}` ({})", language.label(), language.lang()))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(Value::Array(list)) = list else {
        return Err(invalid(format!(
            "it is missing or not a list; add one sample with each label and lang of {expected}"
        )));
    };

    let mut samples = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default();
        let (lang, label, source) = (field("lang"), field("label"), field("source"));
        let Some(language) = Language::ALL
            .into_iter()
            .find(|language| language.label() == label && language.lang() == lang)
        else {
            return Err(invalid(format!(
                "entry {index} has label `{label}` and lang `{lang}`; expected one of {expected}"
            )));
        };
        if source.trim().is_empty() {
            return Err(invalid(format!(
                "the {language} sample has an empty source"
            )));
        }
        if samples
            .iter()
            .any(|sample: &CodeSample| sample.language == language)
        {
            return Err(invalid(format!("it has more than one {language} sample")));
        }
        samples.push(CodeSample {
            language,
            source: source.to_owned(),
        });
    }

    let mut ordered = Vec::new();
    for language in Language::ALL {
        let position = samples
            .iter()
            .position(|sample| sample.language == language)
            .ok_or_else(|| invalid(format!("it has no {language} sample")))?;
        ordered.push(samples.swap_remove(position));
    }
    Ok(ordered)
}
