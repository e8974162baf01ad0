//! Errors of reading the document into the generator's model.

/// Why the document cannot be turned into server code.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A part of the document that the generator does not translate.
    #[error("{} {message}", display_pointer(pointer))]
    Unsupported { pointer: String, message: String },

    /// The emitted tokens are not a Rust file, which is a bug of the generator.
    #[error("the generated code does not parse as a Rust file: {0}")]
    Syntax(#[from] syn::Error),
}

impl GenerateError {
    pub(crate) fn unsupported(pointer: &str, message: impl Into<String>) -> Self {
        Self::Unsupported {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }
}

/// Formats a JSON pointer as the `#/paths/...` reference readers search the document for.
fn display_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}
