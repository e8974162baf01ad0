//! `cargo xtask validate`: checks the OpenAPI document against the official OpenAPI 3.0 schema
//! and the project's own rules, and prints one line per finding.

mod coverage;
mod examples;
mod operations;
mod references;
mod structure;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use jobbers_one_spec::Document;

/// The OpenAPI document, relative to the workspace root.
const DOCUMENT: &str = "openapi/jobbers-one.yaml";

/// One broken rule, at a line of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line of the node the finding is about, or of its nearest existing ancestor.
    pub line: usize,
    /// Kebab-case name of the rule.
    pub rule: &'static str,
    pub message: String,
    /// JSON pointer of the node the finding is about.
    pub pointer: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "#"
        } else {
            &self.pointer
        };
        write!(
            formatter,
            "{}: {}: {} (at {at})",
            self.line, self.rule, self.message
        )
    }
}

/// Expectations of the checks beyond the rules themselves.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Every operation the document must describe, as (uppercase method, path template).
    pub expected_operations: &'a [(&'a str, &'a str)],
}

/// Collects findings while the checks walk the document.
struct Checker<'a> {
    document: &'a Document,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn report(&mut self, rule: &'static str, pointer: &str, message: impl Into<String>) {
        self.findings.push(Finding {
            line: self.document.line(pointer),
            rule,
            message: message.into(),
            pointer: pointer.to_owned(),
        });
    }
}

/// Runs every check on the YAML `source` and returns the findings sorted by line.
pub fn check(source: &str, options: &Options<'_>) -> Vec<Finding> {
    let document = match Document::parse(source) {
        Ok(document) => document,
        Err(error) => {
            let line = error.line().unwrap_or(1);
            let message = error.to_string();
            // The finding shows the line already.
            let message = message
                .strip_prefix(&format!("line {line}: "))
                .unwrap_or(&message)
                .to_owned();
            return vec![Finding {
                line,
                rule: structure::STRICT_YAML,
                message,
                pointer: String::new(),
            }];
        }
    };

    let mut checker = Checker {
        document: &document,
        findings: Vec::new(),
    };
    structure::check(&mut checker);
    references::check(&mut checker);
    operations::check(&mut checker);
    examples::check(&mut checker);
    coverage::check(&mut checker, options.expected_operations);

    let mut findings = checker.findings;
    findings.sort_by(|a, b| (a.line, a.rule).cmp(&(b.line, b.rule)));
    findings
}

/// Runs `cargo xtask validate [PATH]`: checks the document at PATH, by default
/// `openapi/jobbers-one.yaml` under the workspace root, and fails on any finding.
pub fn run(arguments: &[String]) -> Result<()> {
    let (path, shown): (PathBuf, String) = match arguments {
        [] => (workspace_root().join(DOCUMENT), DOCUMENT.to_owned()),
        [path] => (PathBuf::from(path), path.clone()),
        _ => bail!("`cargo xtask validate` takes at most one argument, the document path"),
    };
    let source = std::fs::read_to_string(&path)
        .with_context(|| format!("failed to read {}", path.display()))?;

    let findings = check(
        &source,
        &Options {
            expected_operations: coverage::EXPECTED_OPERATIONS,
        },
    );
    for finding in &findings {
        println!("{shown}:{finding}");
    }

    if findings.is_empty() {
        // The document parsed, or a strict-yaml finding would be listed.
        let document = Document::parse(&source)?;
        println!(
            "{shown}: no findings in {} operations and {} examples",
            document.operations().len(),
            document.examples().len()
        );
        return Ok(());
    }
    let mut rules: Vec<&str> = findings.iter().map(|finding| finding.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    bail!(
        "{shown}: {} finding(s) of rule(s) {}",
        findings.len(),
        rules.join(", ")
    )
}

fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// Tells whether a media type carries JSON: `application/json` or `*/*+json`.
fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}
