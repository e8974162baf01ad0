//! Maintenance tasks for the Jobbers One workspace, run as `cargo xtask TASK`.

mod bench;
mod docs;
mod fuzz;
mod lint;
mod mock;
mod node;
mod sdk;
mod validate;
mod venv;

use std::path::{Path, PathBuf};

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "docs" => docs::run(
            &workspace_root(),
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ),
        "bench" => bench::run(
            &workspace_root(),
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ),
        "lint" => lint::run(&workspace_root()),
        "validate" => validate::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "sdk" => sdk::run(&workspace_root()),
        "fuzz" => fuzz::run(
            &workspace_root(),
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ),
        "help" | "" => {
            print_help();
            Ok(())
        }
        _ => anyhow::bail!("unknown task `{task}`; run `cargo xtask help` for the list"),
    }
}

fn print_help() {
    println!("Usage: cargo xtask TASK\n");
    println!("Tasks:");
    println!("  validate [PATH]  check the OpenAPI document (default openapi/jobbers-one.yaml)");
    println!("  lint             run Spectral and Redocly CLI on the OpenAPI document");
    println!("  sdk              generate PHP, TypeScript and Python clients into target/sdk");
    println!("  fuzz [--quick]   run Schemathesis against the mock (--quick: 25 test cases per");
    println!("                   operation instead of 200)");
    println!(
        "  docs [--no-browser]  build target/docs/index.html; check it, the PHP samples and the"
    );
    println!("                   mock's /docs (--no-browser: skip the headless Chromium checks)");
    println!("  bench [--quick]  load the mock, Prism and a bare axum server; write BENCHMARKS.md");
    println!("                   (--quick: seconds-long smoke run, report in target/bench)");
    println!("  help             print this list");
}

/// Returns the workspace root, the parent of the xtask crate's directory.
fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}
