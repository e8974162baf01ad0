//! `cargo xtask docs`: builds the published documentation, one self-contained HTML file at
//! `target/docs/index.html`, with Redocly CLI's `build-docs`. It then checks that the page
//! loads nothing from the network, runs `php -l` on the PHP code samples, and checks the
//! page and the mock's Swagger UI in headless Chromium.

mod browser;
mod html;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use jobbers_one_code_samples::{Language, OperationSamples, lint_php};

use crate::node::NodeTools;

/// The OpenAPI document, relative to the workspace root.
const DOCUMENT: &str = "openapi/jobbers-one.yaml";

/// Page template given to `build-docs`, relative to the workspace root.
const TEMPLATE: &str = "openapi/redoc-template.hbs";

/// Output directory, relative to the workspace root.
const OUTPUT_DIR: &str = "target/docs";

/// Options of `cargo xtask docs`.
#[derive(Debug, Default)]
struct Options {
    /// Skips the checks in headless Chromium.
    no_browser: bool,
}

/// Builds and checks the published documentation; `args` are the task's options.
pub fn run(workspace_root: &Path, args: &[String]) -> Result<()> {
    let options = parse_options(args)?;
    let document = workspace_root.join(DOCUMENT);
    let operations = jobbers_one_code_samples::load(&document)
        .with_context(|| format!("failed to read the code samples of {DOCUMENT}"))?;
    let tools = NodeTools::install(workspace_root)?;

    let output_dir = workspace_root.join(OUTPUT_DIR);
    let page = build(&tools, workspace_root, &output_dir)?;
    html::remove_remote_logos(&page)?;
    html::check_self_contained(&page)?;
    eprintln!("docs: {} loads nothing from the network", page.display());

    lint_php_samples(&operations)?;
    eprintln!(
        "docs: the PHP samples of {} operations pass php -l",
        operations.len()
    );

    if options.no_browser {
        eprintln!("docs: skipped the browser checks (--no-browser)");
    } else {
        browser::check(&tools, workspace_root, &operations, &page, &output_dir)?;
    }
    eprintln!("\ndocs passed: {}", page.display());
    Ok(())
}

fn parse_options(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    for arg in args {
        match arg.as_str() {
            "--no-browser" => options.no_browser = true,
            _ => bail!("unknown option `{arg}` for docs; the only option is --no-browser"),
        }
    }
    Ok(options)
}

/// Runs `redocly build-docs` and returns the path of the page it wrote.
fn build(tools: &NodeTools, workspace_root: &Path, output_dir: &Path) -> Result<PathBuf> {
    fs::create_dir_all(output_dir)
        .with_context(|| format!("failed to create {}", output_dir.display()))?;
    let page = output_dir.join("index.html");

    // Without --inlineBundle the page loads Redoc's script from Redocly's CDN.
    eprintln!("== Redocly CLI build-docs ({DOCUMENT}, template {TEMPLATE}) ==");
    let status = tools
        .command("redocly")
        .args([
            "build-docs",
            DOCUMENT,
            "--inlineBundle",
            "--template",
            TEMPLATE,
        ])
        .arg("--output")
        .arg(&page)
        .current_dir(workspace_root)
        .status()
        .context("failed to run Redocly CLI from target/tools/node")?;
    if !status.success() {
        bail!("`redocly build-docs` failed with {status}; see its output above");
    }
    Ok(page)
}

/// Runs `php -l` on every PHP sample and fails with the list of samples that did not pass,
/// which is all of them when `php` is missing.
fn lint_php_samples(operations: &[OperationSamples]) -> Result<()> {
    let mut failures = Vec::new();
    for operation in operations {
        if let Err(error) = lint_php(operation.source(Language::Php)) {
            failures.push(format!("{}: {error}", operation.operation_id));
        }
    }
    if !failures.is_empty() {
        bail!(
            "PHP code samples in {DOCUMENT} failed php -l:\n{}",
            failures.join("\n")
        );
    }
    Ok(())
}
