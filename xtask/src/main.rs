//! Maintenance tasks for the Jobbers One workspace, run as `cargo xtask TASK`.

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    anyhow::bail!("unknown task `{task}`; run `cargo xtask help` for the list")
}
