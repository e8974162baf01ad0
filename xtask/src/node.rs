//! Installs the Node tools pinned in `xtask/tools/package-lock.json` into
//! `target/tools/node` and builds commands that run them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

/// Directory, relative to the workspace root, of the committed `package.json`
/// and `package-lock.json`.
const MANIFEST_DIR: &str = "xtask/tools";

/// Directory, relative to the workspace root, that `npm ci` installs into.
const INSTALL_DIR: &str = "target/tools/node";

/// Directory, relative to the workspace root, that exists while one task runs
/// `npm ci`, so that concurrent tasks do not install into the same directory.
const INSTALL_LOCK: &str = "target/tools/node.lock";

/// Age after which an install lock is taken as left behind by a killed task.
/// `npm ci` of the pinned linters took 7 to 12 s on a 2-core machine, so ten
/// minutes is an estimate with a wide margin.
const STALE_LOCK_AGE: Duration = Duration::from_secs(600);

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

        // Another task may have finished the same install while this one waited.
        let _lock = InstallLock::acquire(&workspace_root.join(INSTALL_LOCK))?;
        if tools.matches(&committed_manifest, &committed_lockfile) {
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

    /// Returns the `node_modules` directory of the install, for `NODE_PATH`.
    pub fn node_modules(&self) -> PathBuf {
        self.install_dir.join("node_modules")
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

/// Install lock: a directory created atomically and removed on drop.
#[derive(Debug)]
struct InstallLock {
    path: PathBuf,
}

impl InstallLock {
    /// Creates the lock directory, waiting while another task holds it and
    /// removing it once it is older than [`STALE_LOCK_AGE`].
    fn acquire(path: &Path) -> Result<Self> {
        // In a fresh clone `target/tools` does not exist yet.
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create {}", parent.display()))?;
        }
        let mut announced = false;
        loop {
            match fs::create_dir(path) {
                Ok(()) => {
                    return Ok(Self {
                        path: path.to_owned(),
                    });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("failed to create {}", path.display()));
                }
            }

            let age = fs::metadata(path)
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| SystemTime::now().duration_since(modified).ok());
            if age.is_some_and(|age| age > STALE_LOCK_AGE) {
                eprintln!("Removing stale install lock {}", path.display());
                remove_dir_if_present(path)?;
                continue;
            }

            if !announced {
                eprintln!(
                    "Waiting for another task's npm ci to release {}",
                    path.display()
                );
                announced = true;
            }
            thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir(&self.path) {
            eprintln!(
                "failed to remove install lock {}: {error}",
                self.path.display()
            );
        }
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

fn remove_dir_if_present(path: &Path) -> Result<()> {
    match fs::remove_dir(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("failed to remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
