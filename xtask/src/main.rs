//! Maintenance tasks for the Jobbers One workspace, run as `cargo xtask TASK`.

mod lint;
mod node;

use std::path::{Path, PathBuf};

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "lint" => lint::run(&workspace_root()),
        _ => anyhow::bail!("unknown task `{task}`; run `cargo xtask help` for the list"),
    }
}

/// Returns the workspace root, the parent of the xtask crate's directory.
fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}
