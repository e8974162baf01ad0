//! `cargo xtask fuzz`: contract fuzzing with Schemathesis. Starts the mock on a
//! free loopback port and runs Schemathesis against it with the OpenAPI
//! document, every check, and the stateful phase over the document's links. A
//! failed check or a Schemathesis warning fails the task.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::mock::Mock;
use crate::venv::PythonTools;

/// The OpenAPI document, relative to the workspace root.
const DOCUMENT: &str = "openapi/jobbers-one.yaml";

/// Schemathesis configuration (authentication, seed, exclusions and their
/// reasons), relative to the workspace root.
const CONFIG: &str = "xtask/fuzz/schemathesis.toml";

/// Pinned Schemathesis and its dependencies, relative to the workspace root.
const REQUIREMENTS: &str = "xtask/fuzz/requirements.txt";

/// Virtual environment of Schemathesis, relative to the workspace root.
const VENV_DIR: &str = "target/tools/schemathesis";

/// Working directory of the run, relative to the workspace root, which
/// receives the JUnit report `junit.xml` and the mock's log `mock.log`.
const OUTPUT_DIR: &str = "target/fuzz";

/// Maximum test cases generated for each operation in a full run.
const MAX_EXAMPLES: u32 = 200;

/// Maximum test cases generated for each operation with `--quick`.
const QUICK_MAX_EXAMPLES: u32 = 25;

/// Runs Schemathesis against a fresh mock; `args` may be `--quick`.
pub fn run(workspace_root: &Path, args: &[String]) -> Result<()> {
    let max_examples = max_examples(args)?;
    let output_dir = workspace_root.join(OUTPUT_DIR);
    fs::create_dir_all(&output_dir)
        .with_context(|| format!("failed to create {}", output_dir.display()))?;
    let tools = PythonTools::install_pinned(workspace_root, REQUIREMENTS, VENV_DIR)?;

    let mock = Mock::start(workspace_root, &output_dir.join("mock.log"))?;
    eprintln!("mock listening on {}", mock.base_url);

    // The base URL is always the mock's, never a server of the document. The
    // configuration reads the credentials from JOBBERS_API_KEY and
    // JOBBERS_API_SECRET, which `configure_client` sets.
    let mut command = tools.command("st");
    command
        .arg("--config-file")
        .arg(workspace_root.join(CONFIG))
        .arg("run")
        .arg(workspace_root.join(DOCUMENT))
        .args(["--url", &mock.base_url])
        .args(["--max-examples", &max_examples.to_string()])
        .args(["--report", "junit", "--report-junit-path"])
        .arg(output_dir.join("junit.xml"))
        .arg("--no-color")
        .current_dir(&output_dir);
    mock.configure_client(&mut command);
    eprintln!("Running Schemathesis with at most {max_examples} test cases per operation");
    let status = command
        .status()
        .context("failed to run Schemathesis from the virtual environment")?;
    drop(mock);

    if !status.success() {
        bail!(
            "Schemathesis failed with {status}; see the failures and warnings above, where \
             each failure shows a curl command that reproduces it, and the mock's log {}",
            output_dir.join("mock.log").display()
        );
    }
    Ok(())
}

/// Returns the maximum test cases per operation that the arguments select.
fn max_examples(args: &[String]) -> Result<u32> {
    match args {
        [] => Ok(MAX_EXAMPLES),
        [flag] if flag == "--quick" => Ok(QUICK_MAX_EXAMPLES),
        _ => bail!(
            "unexpected arguments {args:?}; `cargo xtask fuzz` takes only `--quick` \
             ({QUICK_MAX_EXAMPLES} test cases per operation instead of {MAX_EXAMPLES})"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_examples_default_is_full_run() {
        assert_eq!(max_examples(&[]).unwrap(), MAX_EXAMPLES);
    }

    #[test]
    fn max_examples_quick_flag() {
        assert_eq!(
            max_examples(&["--quick".to_owned()]).unwrap(),
            QUICK_MAX_EXAMPLES
        );
    }

    #[test]
    fn max_examples_rejects_other_arguments() {
        let error = max_examples(&["--slow".to_owned()]).unwrap_err();

        assert_eq!(
            error.to_string(),
            "unexpected arguments [\"--slow\"]; `cargo xtask fuzz` takes only `--quick` \
             (25 test cases per operation instead of 200)"
        );
    }
}
