//! Syntax check of PHP source with `php -l`.

use std::io::Write;
use std::process::{Command, Stdio};

/// A failed `php -l`.
#[derive(Debug, thiserror::Error)]
pub enum PhpLintError {
    /// No `php` executable on `PATH`.
    #[error(
        "`php` not found on PATH; install the PHP command-line interpreter (Debian: apt-get install -y php-cli)"
    )]
    NotInstalled,
    /// `php` could not be run or fed.
    #[error("failed to run `php -l`: {0}")]
    Io(#[from] std::io::Error),
    /// `php -l` found a syntax error.
    #[error("`php -l` rejected the source: {output}")]
    Rejected {
        /// What `php -l` printed, stdout and stderr.
        output: String,
    },
}

/// Checks the syntax of `source` with `php -l`, which reads it from standard input and
/// runs none of it.
///
/// # Errors
///
/// [`PhpLintError::NotInstalled`] when there is no `php`, and [`PhpLintError::Rejected`]
/// with php's message on a syntax error.
pub fn lint_php(source: &str) -> Result<(), PhpLintError> {
    let spawned = Command::new("php")
        .arg("-l")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(PhpLintError::NotInstalled);
        }
        Err(error) => return Err(error.into()),
    };

    // Dropping stdin after the write closes it, so php reads the end of the source.
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(source.as_bytes())?;
    }
    let output = child.wait_with_output()?;
    if output.status.success() {
        return Ok(());
    }
    let printed = [output.stdout, output.stderr].concat();
    Err(PhpLintError::Rejected {
        output: String::from_utf8_lossy(&printed).trim().to_owned(),
    })
}
