//! The PHP client: openapi-generator's `php` generator, `php -l` on every
//! generated file, and the core flow with Guzzle from Debian's packages.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{Workspace, files_with_extension, run_check, run_flow_script, run_generator};
use crate::mock::Mock;
use crate::venv::PythonTools;

/// Options of the generator (namespace, Composer package name), relative to
/// the workspace root.
const CONFIG: &str = "xtask/sdk/php/openapi-generator.yaml";

/// The flow script, relative to the workspace root.
const FLOW: &str = "xtask/sdk/php/flow.php";

/// Autoloader of Debian's `php-guzzlehttp-guzzle`, which also loads Guzzle's
/// PSR-7 and promises packages.
const GUZZLE_AUTOLOAD: &str = "/usr/share/php/GuzzleHttp/autoload.php";

/// A line that openapi-generator 7.26.0 logs once for any document with an
/// inline (not `$ref`) response example: `ExamplesUtils.unaliasExamples`
/// passes every example's `$ref` to `ModelUtils.getSimpleRef`, which warns on
/// null. Inline named examples are valid OpenAPI 3.0.3, so this line reports
/// no problem of the document. Any other WARN line fails the task.
const INLINE_EXAMPLE_NOISE: &str =
    "WARN  o.o.codegen.utils.ModelUtils - Failed to get the schema name: null";

/// Checks that `php` with the curl and mbstring extensions, Guzzle and Java
/// are installed, before anything is generated.
pub fn check_runtime() -> Result<()> {
    let modules = run_check("php -m", Command::new("php").arg("-m"))
        .context("PHP is needed: apt-get install php-cli php-curl php-mbstring")?;
    let modules = String::from_utf8_lossy(&modules.stdout);
    for extension in ["curl", "json", "mbstring"] {
        if !modules.lines().any(|line| line.trim() == extension) {
            bail!("the PHP extension {extension} is missing: apt-get install php-{extension}");
        }
    }
    if !Path::new(GUZZLE_AUTOLOAD).is_file() {
        bail!("Guzzle not found at {GUZZLE_AUTOLOAD}: apt-get install php-guzzlehttp-guzzle");
    }
    run_check("java -version", Command::new("java").arg("-version")).context(
        "openapi-generator needs Java 11 or later: apt-get install default-jre-headless",
    )?;
    Ok(())
}

/// Generates the client into `target/sdk/php` and runs `php -l` on every file.
pub fn generate(workspace: &Workspace, python: &PythonTools) -> Result<()> {
    let output_dir = workspace.fresh_output("php")?;
    run_generator(
        "openapi-generator (php)",
        python
            .command("openapi-generator-cli")
            .args(["generate", "--generator-name", "php", "--input-spec"])
            .arg(&workspace.document)
            .arg("--output")
            .arg(&output_dir)
            .arg("--config")
            .arg(workspace.root.join(CONFIG)),
        is_warning,
    )?;

    let files = files_with_extension(&output_dir, "php")?;
    if files.is_empty() {
        bail!(
            "openapi-generator wrote no PHP file into {}",
            output_dir.display()
        );
    }
    for file in &files {
        run_check(
            &format!("php -l {}", file.display()),
            Command::new("php").arg("-l").arg(file),
        )?;
    }
    eprintln!("php -l: {} files, no syntax errors", files.len());
    Ok(())
}

/// Runs `xtask/sdk/php/flow.php` with the generated client against the mock.
pub fn run_flow(workspace: &Workspace, mock: &Mock) -> Result<()> {
    run_flow_script(
        "PHP",
        Command::new("php")
            .arg(workspace.root.join(FLOW))
            .arg(workspace.output_dir.join("php"))
            .arg(&mock.base_url),
        mock,
    )
}

/// Flags openapi-generator's WARN and ERROR log lines, except the known
/// inline-example line.
fn is_warning(line: &str) -> bool {
    (line.contains(" WARN ") || line.contains(" ERROR ")) && !line.contains(INLINE_EXAMPLE_NOISE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_format_warning_is_flagged() {
        assert!(is_warning(
            "[main] WARN  o.o.codegen.DefaultCodegen - Unknown `format` jobbers-datetime detected"
        ));
    }

    #[test]
    fn inline_example_line_is_not_flagged() {
        assert!(!is_warning(
            "[main] WARN  o.o.codegen.utils.ModelUtils - Failed to get the schema name: null"
        ));
    }

    #[test]
    fn info_line_is_not_flagged() {
        assert!(!is_warning(
            "[main] INFO  o.o.codegen.TemplateManager - writing file lib/Model/Client.php"
        ));
    }
}
