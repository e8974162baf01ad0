//! Installs pinned Python tools into a virtual environment under `target/tools`
//! and builds commands that run them: the generators of `cargo xtask sdk` from
//! `xtask/tools/requirements.txt`, or any other fully pinned requirements file.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Requirements file of `cargo xtask sdk`, relative to the workspace root,
/// with every package pinned.
const REQUIREMENTS: &str = "xtask/tools/requirements.txt";

/// Virtual environment directory of `cargo xtask sdk`, relative to the
/// workspace root.
const VENV_DIR: &str = "target/tools/python";

/// Copy of the requirements file, written after a successful install. A
/// virtual environment whose copy matches the committed file is reused.
const INSTALLED_REQUIREMENTS: &str = ".installed-requirements.txt";

/// Python tools installed by pip from the committed requirements file.
#[derive(Debug)]
pub struct PythonTools {
    venv_dir: PathBuf,
}

impl PythonTools {
    /// Installs the tools of `cargo xtask sdk` from `xtask/tools/requirements.txt`
    /// into `target/tools/python`.
    pub fn install(workspace_root: &Path) -> Result<Self> {
        Self::install_pinned(workspace_root, REQUIREMENTS, VENV_DIR)
    }

    /// Creates the virtual environment `venv_dir` and installs the packages
    /// pinned in `requirements`, unless the installed requirements match the
    /// committed ones. Both paths are relative to the workspace root.
    pub fn install_pinned(
        workspace_root: &Path,
        requirements: &str,
        venv_dir: &str,
    ) -> Result<Self> {
        let requirements_path = workspace_root.join(requirements);
        let requirements_text = fs::read(&requirements_path)
            .with_context(|| format!("failed to read {}", requirements_path.display()))?;
        let tools = Self {
            venv_dir: workspace_root.join(venv_dir),
        };
        let marker = tools.venv_dir.join(INSTALLED_REQUIREMENTS);
        if fs::read(&marker).ok().as_deref() == Some(requirements_text.as_slice())
            && tools.bin("python").is_file()
        {
            eprintln!(
                "Python tools in {} match {requirements}; skipping pip install",
                tools.venv_dir.display()
            );
            return Ok(tools);
        }

        // `--clear` starts from an empty environment, so packages dropped
        // from the requirements do not linger.
        eprintln!(
            "Creating a Python virtual environment in {}",
            tools.venv_dir.display()
        );
        let status = Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&tools.venv_dir)
            .status()
            .context(
                "failed to run `python3`; install Python 3.11 or later with the venv module",
            )?;
        if !status.success() {
            bail!(
                "`python3 -m venv {}` failed with {status}",
                tools.venv_dir.display()
            );
        }

        eprintln!("Installing Python tools from {requirements} with pip");
        let status = tools
            .command("pip")
            .args(["install", "--quiet", "--requirement"])
            .arg(&requirements_path)
            .status()
            .context("failed to run pip from the virtual environment")?;
        if !status.success() {
            bail!("`pip install --requirement {requirements}` failed with {status}");
        }

        fs::write(&marker, &requirements_text)
            .with_context(|| format!("failed to write {}", marker.display()))?;
        Ok(tools)
    }

    /// Builds a command for the executable `name` of the virtual environment,
    /// with the environment's `bin` first on `PATH` so that tools find each
    /// other (openapi-python-client runs `ruff`).
    pub fn command(&self, name: &str) -> Command {
        let mut path = OsString::from(self.venv_dir.join("bin"));
        if let Some(inherited) = std::env::var_os("PATH") {
            path.push(":");
            path.push(inherited);
        }
        let mut command = Command::new(self.bin(name));
        command
            .env("PATH", path)
            .env("VIRTUAL_ENV", &self.venv_dir)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        command
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.venv_dir.join("bin").join(name)
    }
}
