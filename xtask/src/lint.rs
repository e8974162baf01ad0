//! `cargo xtask lint`: runs Spectral (`spectral:oas`, all rules) and Redocly CLI
//! (`recommended`) on the OpenAPI document and fails on any error or warning.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::node::NodeTools;

/// The OpenAPI document, relative to the workspace root.
const DOCUMENT: &str = "openapi/jobbers-one.yaml";

/// Spectral ruleset, relative to the workspace root.
const SPECTRAL_RULESET: &str = "openapi/.spectral.yaml";

/// Redocly CLI configuration, relative to the workspace root. Redocly reads
/// `.redocly.lint-ignore.yaml` from the same directory.
const REDOCLY_CONFIG: &str = "openapi/redocly.yaml";

/// Lints the OpenAPI document with both linters and fails if either reports
/// an error or a warning.
pub fn run(workspace_root: &Path) -> Result<()> {
    if !workspace_root.join(DOCUMENT).is_file() {
        bail!("OpenAPI document not found at {DOCUMENT}");
    }
    let tools = NodeTools::install(workspace_root)?;

    // Both linters run even when the first fails, so one run shows every finding.
    eprintln!("\n== Spectral ({SPECTRAL_RULESET}) ==");
    let spectral_passed = run_spectral(&tools, workspace_root)?;
    eprintln!("\n== Redocly CLI ({REDOCLY_CONFIG}) ==");
    let (redocly_errors, redocly_warnings) = run_redocly(&tools, workspace_root)?;

    let mut failures = Vec::new();
    if !spectral_passed {
        failures.push("Spectral reported errors or warnings".to_owned());
    }
    if redocly_errors + redocly_warnings > 0 {
        failures.push(format!(
            "Redocly CLI reported problems (errors: {redocly_errors}, warnings: {redocly_warnings})"
        ));
    }
    if !failures.is_empty() {
        bail!(
            "{} in {DOCUMENT}; see the reports above",
            failures.join(" and ")
        );
    }

    eprintln!("\nlint passed: Spectral and Redocly CLI report no errors or warnings");
    Ok(())
}

/// Runs Spectral, which prints its own report, and returns whether it found
/// no error or warning.
fn run_spectral(tools: &NodeTools, workspace_root: &Path) -> Result<bool> {
    let status = tools
        .command("spectral")
        .args([
            "lint",
            "--ruleset",
            SPECTRAL_RULESET,
            "--fail-severity=warn",
            DOCUMENT,
        ])
        .current_dir(workspace_root)
        .status()
        .context("failed to run Spectral from target/tools/node")?;

    // Spectral exits with 1 when it has findings at or above the fail
    // severity, and with 2 when it cannot load the ruleset or the document.
    match status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => bail!("Spectral failed with {status}; see its output above"),
    }
}

/// Runs Redocly CLI with JSON output, prints one line per problem and returns
/// the number of errors and the number of warnings.
fn run_redocly(tools: &NodeTools, workspace_root: &Path) -> Result<(u64, u64)> {
    // Redocly exits with 0 when it finds only warnings, so the problems are
    // counted from its JSON report on stdout. Its summary goes to stderr and
    // is printed after the problems.
    let output = tools
        .command("redocly")
        .args([
            "lint",
            "--config",
            REDOCLY_CONFIG,
            "--format=json",
            "--max-problems=1000",
        ])
        .arg(DOCUMENT)
        .current_dir(workspace_root)
        .output()
        .context("failed to run Redocly CLI from target/tools/node")?;
    let report: Value = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "Redocly CLI exited with {} and printed no JSON report:\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;

    let problems = report["problems"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for problem in problems {
        eprintln!("{}", format_redocly_problem(problem));
    }
    eprint!("{}", String::from_utf8_lossy(&output.stderr));

    let totals = &report["totals"];
    let (Some(errors), Some(warnings)) = (totals["errors"].as_u64(), totals["warnings"].as_u64())
    else {
        bail!("Redocly CLI JSON report has no totals.errors or totals.warnings: {totals}");
    };
    Ok((errors, warnings))
}

/// Formats one problem of a Redocly CLI JSON report as
/// `FILE:LINE:COLUMN SEVERITY RULE MESSAGE`, followed by its JSON pointer.
fn format_redocly_problem(problem: &Value) -> String {
    let location = &problem["location"][0];
    let text = |value: &Value| value.as_str().unwrap_or("?").to_owned();
    let number = |value: &Value| value.as_u64().map_or("?".to_owned(), |n| n.to_string());
    format!(
        "{}:{}:{}  {}  {}  {}\n    at {}",
        text(&location["source"]["ref"]),
        number(&location["start"]["line"]),
        number(&location["start"]["col"]),
        text(&problem["severity"]),
        text(&problem["ruleId"]),
        text(&problem["message"]),
        text(&location["pointer"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redocly_problem_formats_as_one_located_line() {
        let problem = serde_json::json!({
            "ruleId": "operation-2xx-response",
            "severity": "warn",
            "message": "Operation must have at least one `2XX` response.",
            "location": [{
                "source": { "ref": "openapi/jobbers-one.yaml" },
                "pointer": "#/paths/~1oneapi~1v0~1stockofpasses~1invoice/post/responses",
                "start": { "line": 47, "col": 7 }
            }]
        });

        assert_eq!(
            format_redocly_problem(&problem),
            "openapi/jobbers-one.yaml:47:7  warn  operation-2xx-response  \
             Operation must have at least one `2XX` response.\n    \
             at #/paths/~1oneapi~1v0~1stockofpasses~1invoice/post/responses"
        );
    }

    #[test]
    fn redocly_problem_without_location_formats_with_placeholders() {
        let problem =
            serde_json::json!({ "ruleId": "struct", "severity": "error", "message": "m" });

        assert_eq!(
            format_redocly_problem(&problem),
            "?:?:?  error  struct  m\n    at ?"
        );
    }
}
