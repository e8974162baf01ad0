//! The TypeScript types: openapi-typescript writes `schema.d.ts`, and
//! `tsc --noEmit` checks it together with the typed calls in
//! `xtask/sdk/typescript/usage.ts`.

use std::fs;

use anyhow::{Context, Result};

use super::{Workspace, run_check, run_generator};
use crate::node::NodeTools;

/// Committed files copied beside the generated `schema.d.ts`, relative to the
/// workspace root.
const USAGE_DIR: &str = "xtask/sdk/typescript";
const USAGE_FILES: [&str; 2] = ["usage.ts", "tsconfig.json"];

/// Generates `target/sdk/typescript/schema.d.ts` and type-checks the usage file against it.
pub fn generate(workspace: &Workspace, node: &NodeTools) -> Result<()> {
    let output_dir = workspace.fresh_output("typescript")?;
    run_generator(
        "openapi-typescript",
        node.command("openapi-typescript")
            .arg(&workspace.document)
            .arg("--output")
            .arg(output_dir.join("schema.d.ts"))
            // openapi-typescript reads a Redocly config from its working
            // directory, and the output directory has none.
            .current_dir(&output_dir)
            .env("NO_COLOR", "1"),
        is_warning,
    )?;

    for name in USAGE_FILES {
        let source = workspace.root.join(USAGE_DIR).join(name);
        fs::copy(&source, output_dir.join(name))
            .with_context(|| format!("failed to copy {}", source.display()))?;
    }
    run_check(
        "tsc --noEmit",
        node.command("tsc")
            .args(["--project", "tsconfig.json"])
            .current_dir(&output_dir),
    )?;
    eprintln!("tsc --noEmit: schema.d.ts and usage.ts type-check");
    Ok(())
}

/// Flags openapi-typescript's warnings (` ⚠ `) and errors (` ✘ `), and any
/// other line that mentions a warning or an error.
fn is_warning(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.contains('⚠') || line.contains('✘') || lower.contains("warning") || lower.contains("error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_sign_is_flagged() {
        assert!(is_warning(
            r##" ⚠  Could not resolve $ref "#/components/schemas/Gone""##
        ));
    }

    #[test]
    fn progress_lines_are_not_flagged() {
        assert!(!is_warning("✨ openapi-typescript 7.13.0"));
        assert!(!is_warning(
            "🚀 openapi/jobbers-one.yaml → target/sdk/typescript/schema.d.ts [249ms]"
        ));
    }
}
