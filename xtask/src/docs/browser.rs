//! Checks of the built page and of the mock's Swagger UI in headless Chromium, run by
//! `xtask/tools/check-docs-in-browser.cjs` with Playwright, which blocks every request that
//! does not go to 127.0.0.1 and saves a screenshot of each operation.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread;

use anyhow::{Context, Result, bail};
use jobbers_one_code_samples::OperationSamples;
use serde_json::json;

use crate::node::NodeTools;

/// The browser script, relative to the workspace root.
const SCRIPT: &str = "xtask/tools/check-docs-in-browser.cjs";

/// Debian's Chromium, used unless `CHROMIUM` names another executable. Playwright's own
/// browser builds are never downloaded.
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// Start of the line that the mock prints on stdout once it listens.
const MOCK_BANNER: &str = "Jobbers One sandbox listening on ";

/// Opens the built `page` and the mock's `/docs/` in headless Chromium and checks that every
/// operation's summary is visible, saving screenshots under `output_dir/screenshots`.
pub fn check(
    tools: &NodeTools,
    workspace_root: &Path,
    operations: &[OperationSamples],
    page: &Path,
    output_dir: &Path,
) -> Result<()> {
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from(DEFAULT_CHROMIUM), PathBuf::from);
    if !chromium.is_file() {
        bail!(
            "Chromium not found at {}; install Debian's chromium (apt-get install -y chromium) \
             or set CHROMIUM to its executable",
            chromium.display()
        );
    }

    let mock = MockProcess::start(workspace_root)?;
    let screenshots = output_dir.join("screenshots");
    let user_data_dir = output_dir.join("chromium-profile");
    for directory in [&screenshots, &user_data_dir] {
        remove_dir_if_present(directory)?;
    }
    fs::create_dir_all(&user_data_dir)
        .with_context(|| format!("failed to create {}", user_data_dir.display()))?;

    let page_url = format!("file://{}", page.canonicalize()?.display());
    let config = json!({
        "chromium": chromium,
        "userDataDir": user_data_dir,
        "operations": operations
            .iter()
            .map(|operation| json!({
                    "operationId": operation.operation_id,
                    "summary": operation.summary,
                    "tag": operation.tag,
                }))
            .collect::<Vec<_>>(),
        "pages": [
            {"name": "static page", "kind": "redoc", "url": page_url, "screenshotDir": screenshots},
            {
                "name": "mock /docs",
                "kind": "swagger-ui",
                "url": format!("{}/docs/", mock.base_url),
                "screenshotDir": screenshots.join("swagger-ui"),
            },
        ],
    });
    let config_path = output_dir.join("browser-check.json");
    fs::write(&config_path, serde_json::to_vec_pretty(&config)?)
        .with_context(|| format!("failed to write {}", config_path.display()))?;

    eprintln!("\n== Headless Chromium ({}) ==", chromium.display());
    let status = Command::new("node")
        .arg(workspace_root.join(SCRIPT))
        .arg(&config_path)
        .env("NODE_PATH", tools.node_modules())
        .current_dir(workspace_root)
        .status()
        .context("failed to run `node`; install Node.js 20.19 or later")?;
    drop(mock);
    if !status.success() {
        bail!("browser checks failed with {status}; see the errors above");
    }
    eprintln!("docs: screenshots in {}", screenshots.display());
    Ok(())
}

/// The mock, built and started on a free loopback port, stopped on drop.
#[derive(Debug)]
struct MockProcess {
    child: Child,
    base_url: String,
}

impl MockProcess {
    /// Builds `jobbers-one-mock` and starts it on `127.0.0.1:0`, returning once it listens.
    fn start(workspace_root: &Path) -> Result<Self> {
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["build", "--quiet", "--package", "jobbers-one-mock"])
            .current_dir(workspace_root)
            .status()
            .context("failed to run cargo build for jobbers-one-mock")?;
        if !status.success() {
            bail!("`cargo build --package jobbers-one-mock` failed with {status}");
        }

        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| workspace_root.join("target"), PathBuf::from);
        let binary = target_dir.join("debug/jobbers-one-mock");
        let mut child = Command::new(&binary)
            .args(["--addr", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("failed to start {}", binary.display()))?;

        let stdout = child.stdout.take().context("the mock's stdout is piped")?;
        match read_base_url(stdout) {
            Ok(base_url) => {
                eprintln!("docs: started the mock at {base_url}");
                Ok(Self { child, base_url })
            }
            Err(error) => {
                stop(&mut child);
                Err(error)
            }
        }
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

fn stop(child: &mut Child) {
    if let Err(error) = child.kill().and_then(|()| child.wait().map(drop)) {
        eprintln!("failed to stop the mock (pid {}): {error}", child.id());
    }
}

/// Reads the mock's stdout up to its banner line and returns the base URL in it. The rest of
/// stdout is drained by a thread so that the mock never blocks on a full pipe.
fn read_base_url(stdout: ChildStdout) -> Result<String> {
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .context("failed to read the mock's stdout")?;
        if read == 0 {
            bail!("the mock exited before printing `{MOCK_BANNER}URL`; see its errors above");
        }
        if let Some(url) = line.trim().strip_prefix(MOCK_BANNER) {
            let url = url.trim_end_matches('/').to_owned();
            thread::spawn(move || {
                let _ = reader.read_to_end(&mut Vec::new());
            });
            return Ok(url);
        }
    }
}

fn remove_dir_if_present(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("failed to remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
