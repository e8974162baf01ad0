//! `cargo xtask sdk`: generates PHP, TypeScript and Python clients from the
//! OpenAPI document into `target/sdk/<language>`, fails on any generator
//! warning, checks that each client compiles or type-checks, and runs the
//! core partner flow with the PHP and Python clients against the mock.

mod php;
mod python;
mod typescript;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result, bail};

use crate::mock::Mock;
use crate::node::NodeTools;
use crate::venv::PythonTools;

/// The OpenAPI document, relative to the workspace root.
const DOCUMENT: &str = "openapi/jobbers-one.yaml";

/// Directory, relative to the workspace root, of the generated clients.
const OUTPUT_DIR: &str = "target/sdk";

/// Paths shared by the three generators.
#[derive(Debug)]
struct Workspace {
    root: PathBuf,
    document: PathBuf,
    output_dir: PathBuf,
}

impl Workspace {
    /// Returns `target/sdk/<language>`, emptied.
    fn fresh_output(&self, language: &str) -> Result<PathBuf> {
        let dir = self.output_dir.join(language);
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .with_context(|| format!("failed to remove {}", dir.display()))?;
        }
        fs::create_dir_all(&dir).with_context(|| format!("failed to create {}", dir.display()))?;
        Ok(dir)
    }
}

/// Generates and checks the three clients, then runs the PHP and Python flows.
pub fn run(workspace_root: &Path) -> Result<()> {
    let workspace = Workspace {
        root: workspace_root.to_owned(),
        document: workspace_root.join(DOCUMENT),
        output_dir: workspace_root.join(OUTPUT_DIR),
    };
    if !workspace.document.is_file() {
        bail!("OpenAPI document not found at {DOCUMENT}");
    }
    php::check_runtime()?;
    let node = NodeTools::install(workspace_root)?;
    let python = PythonTools::install(workspace_root)?;

    eprintln!("\n== PHP: openapi-generator ==");
    php::generate(&workspace, &python)?;
    eprintln!("\n== TypeScript: openapi-typescript and tsc ==");
    typescript::generate(&workspace, &node)?;
    eprintln!("\n== Python: openapi-python-client ==");
    python::generate(&workspace, &python)?;

    eprintln!("\n== Core flow against the mock ==");
    let mock = Mock::start(workspace_root, &workspace.output_dir.join("mock.log"))?;
    eprintln!("mock listening on {}", mock.base_url);
    eprintln!("\n-- PHP client --");
    php::run_flow(&workspace, &mock)?;
    eprintln!("\n-- Python client --");
    python::run_flow(&workspace, &python, &mock)?;
    drop(mock);

    eprintln!(
        "\nsdk passed: PHP, TypeScript and Python clients in {OUTPUT_DIR}, generated with no warning"
    );
    Ok(())
}

/// Runs a generator, capturing its output, and fails if it exits with an
/// error or prints a line that `is_warning` flags. The whole output is
/// printed on failure, and only the flagged lines are named in the error.
fn run_generator(name: &str, command: &mut Command, is_warning: fn(&str) -> bool) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("failed to run {name}"))?;
    let text = combined_output(&output);
    let warnings: Vec<&str> = text.lines().filter(|line| is_warning(line)).collect();

    if !output.status.success() || !warnings.is_empty() {
        eprintln!("{text}");
        if !output.status.success() {
            bail!("{name} failed with {}; see its output above", output.status);
        }
        bail!(
            "{name} printed {} warning(s) about the document; fix the document, or map the \
             construct with the generator's options:\n  {}",
            warnings.len(),
            warnings.join("\n  ")
        );
    }
    eprintln!("{name}: no warnings");
    Ok(())
}

/// Runs a check, such as a compiler, and fails with its output unless it
/// exits with success.
fn run_check(name: &str, command: &mut Command) -> Result<Output> {
    let output = command
        .output()
        .with_context(|| format!("failed to run {name}"))?;
    if !output.status.success() {
        bail!(
            "{name} failed with {}:\n{}",
            output.status,
            combined_output(&output)
        );
    }
    Ok(output)
}

/// Runs a flow script with the mock's credentials in its environment; the
/// script's output goes to the terminal.
fn run_flow_script(name: &str, command: &mut Command, mock: &Mock) -> Result<()> {
    mock.configure_client(command);
    let status = command
        .status()
        .with_context(|| format!("failed to run the {name} flow"))?;
    if !status.success() {
        bail!("the {name} flow failed with {status}; see its output above");
    }
    Ok(())
}

fn combined_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Lists the files under `dir` whose name ends with `.extension`, sorted.
fn files_with_extension(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current)
            .with_context(|| format!("failed to read {}", current.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("failed to read {}", current.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|found| found == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
