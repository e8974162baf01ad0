//! The Python client: openapi-python-client, a `pip install` of the generated
//! package, an import of every module, and the core flow.

use std::process::Command;

use anyhow::Result;

use super::{Workspace, run_check, run_flow_script, run_generator};
use crate::mock::Mock;
use crate::venv::PythonTools;

/// Options of the generator (project and package names), relative to the workspace root.
const CONFIG: &str = "xtask/sdk/python/openapi-python-client.yaml";

/// The flow script, relative to the workspace root.
const FLOW: &str = "xtask/sdk/python/flow.py";

/// Imports every module of the generated package and prints how many there are.
const IMPORT_ALL: &str = "\
import importlib, pkgutil
import jobbers_one_client as package
names = [module.name for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.')]
for name in names:
    importlib.import_module(name)
print(f'imported jobbers_one_client and its {len(names)} modules')
";

/// Generates the client into `target/sdk/python`, installs it into the
/// virtual environment and imports every module.
pub fn generate(workspace: &Workspace, python: &PythonTools) -> Result<()> {
    let output_dir = workspace.fresh_output("python")?;
    // `--fail-on-warning` turns the generator's warnings into a failed exit;
    // `--overwrite` is needed because the directory exists, empty.
    run_generator(
        "openapi-python-client",
        python
            .command("openapi-python-client")
            .args(["generate", "--path"])
            .arg(&workspace.document)
            .arg("--output-path")
            .arg(&output_dir)
            .arg("--config")
            .arg(workspace.root.join(CONFIG))
            .args(["--meta", "setup", "--overwrite", "--fail-on-warning"]),
        is_warning,
    )?;

    // `--no-index` takes httpx and attrs from the pinned install, so the
    // check fails if the generated package needs anything not pinned.
    run_check(
        "pip install of the generated client",
        python
            .command("pip")
            .args(["install", "--quiet", "--no-index", "--no-build-isolation"])
            .arg(&output_dir),
    )?;
    let imported = run_check(
        "import of the generated client",
        python.command("python").args(["-c", IMPORT_ALL]),
    )?;
    eprint!("{}", String::from_utf8_lossy(&imported.stdout));
    Ok(())
}

/// Runs `xtask/sdk/python/flow.py` with the installed client against the mock.
pub fn run_flow(workspace: &Workspace, python: &PythonTools, mock: &Mock) -> Result<()> {
    let mut command: Command = python.command("python");
    command.arg(workspace.root.join(FLOW)).arg(&mock.base_url);
    run_flow_script("Python", &mut command, mock)
}

/// Flags lines with a warning or an error; a clean run prints only
/// `Generating PATH`.
fn is_warning(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.contains("warning") || lower.contains("error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_header_is_flagged() {
        assert!(is_warning(
            "Warning(s) encountered while generating. Client was generated, but some pieces may be missing"
        ));
    }

    #[test]
    fn generating_line_is_not_flagged() {
        assert!(!is_warning("Generating /work/main/target/sdk/python"));
    }
}
