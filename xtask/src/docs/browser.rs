//! Checks of the built page and of the mock's Swagger UI in headless Chromium, run by
//! `xtask/tools/check-docs-in-browser.cjs` with Playwright, which blocks every request that
//! does not go to 127.0.0.1 and saves a screenshot of each operation.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use jobbers_one_code_samples::OperationSamples;
use serde_json::json;

use crate::mock::Mock;
use crate::node::NodeTools;

/// The browser script, relative to the workspace root.
const SCRIPT: &str = "xtask/tools/check-docs-in-browser.cjs";

/// Debian's Chromium, used unless `CHROMIUM` names another executable. Playwright's own
/// browser builds are never downloaded.
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

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

    let mock = Mock::start(workspace_root, &output_dir.join("mock.log"))?;
    eprintln!("docs: started the mock at {}", mock.base_url);
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

fn remove_dir_if_present(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("failed to remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
