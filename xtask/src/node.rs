//! Installs the Node tools pinned in `xtask/tools/package-lock.json` into
//! `target/tools/node` and builds commands that run them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Directory, relative to the workspace root, of the committed `package.json`
/// and `package-lock.json`.
const MANIFEST_DIR: &str = "xtask/tools";

/// Directory, relative to the workspace root, that `npm ci` installs into.
const INSTALL_DIR: &str = "target/tools/node";

/// Copy of the lockfile, written after a successful `npm ci`. An install whose
/// copy matches the committed lockfile is reused.
const INSTALLED_LOCKFILE: &str = ".installed-package-lock.json";

/// Node tools installed by `npm ci` from the committed lockfile.
#[derive(Debug)]
pub struct NodeTools {
    install_dir: PathBuf,
}

impl NodeTools {
    /// Installs the pinned tools with `npm ci`, unless the installed lockfile
    /// matches the committed one.
    pub fn install(workspace_root: &Path) -> Result<Self> {
        let manifest_dir = workspace_root.join(MANIFEST_DIR);
        let install_dir = workspace_root.join(INSTALL_DIR);
        let committed_lockfile = read(&manifest_dir.join("package-lock.json"))?;
        let committed_manifest = read(&manifest_dir.join("package.json"))?;

        let tools = Self { install_dir };
        if tools.matches(&committed_manifest, &committed_lockfile) {
            eprintln!(
                "Node tools in {} match {MANIFEST_DIR}/package-lock.json; skipping npm ci",
                tools.install_dir.display()
            );
            return Ok(tools);
        }

        // Removing the marker first makes an interrupted install run again next time.
        let marker = tools.install_dir.join(INSTALLED_LOCKFILE);
        fs::create_dir_all(&tools.install_dir)
            .with_context(|| format!("failed to create {}", tools.install_dir.display()))?;
        remove_if_present(&marker)?;
        write(&tools.install_dir.join("package.json"), &committed_manifest)?;
        write(
            &tools.install_dir.join("package-lock.json"),
            &committed_lockfile,
        )?;

        // Install scripts stay off: the linters need none, and they could
        // download files from outside the npm registry.
        eprintln!(
            "Installing Node tools into {} with npm ci",
            tools.install_dir.display()
        );
        let status = Command::new("npm")
            .args([
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--loglevel=warn",
            ])
            .env("npm_config_update_notifier", "false")
            .current_dir(&tools.install_dir)
            .status()
            .context("failed to run `npm`; install Node.js 20.19 or later with npm")?;
        if !status.success() {
            bail!(
                "`npm ci` in {} failed with {status}",
                tools.install_dir.display()
            );
        }

        write(&marker, &committed_lockfile)?;
        Ok(tools)
    }

    /// Builds a command for the executable `name` from `node_modules/.bin`,
    /// with Redocly telemetry and update notices turned off.
    pub fn command(&self, name: &str) -> Command {
        let mut command = Command::new(self.install_dir.join("node_modules/.bin").join(name));
        command
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
            .env("npm_config_update_notifier", "false");
        command
    }

    /// Checks whether the last completed install used this manifest and lockfile.
    fn matches(&self, manifest: &[u8], lockfile: &[u8]) -> bool {
        let installed_manifest = fs::read(self.install_dir.join("package.json")).ok();
        let installed_lockfile = fs::read(self.install_dir.join(INSTALLED_LOCKFILE)).ok();
        installed_manifest.as_deref() == Some(manifest)
            && installed_lockfile.as_deref() == Some(lockfile)
            && self.install_dir.join("node_modules/.bin").is_dir()
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("failed to read {}", path.display()))
}

fn write(path: &Path, contents: &[u8]) -> Result<()> {
    fs::write(path, contents).with_context(|| format!("failed to write {}", path.display()))
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("failed to remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
