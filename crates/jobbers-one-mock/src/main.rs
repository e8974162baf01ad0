//! `jobbers-one-mock`: starts a local Jobbers One sandbox; `--help` lists the options.

use clap::Parser;
use tracing_subscriber::EnvFilter;

use jobbers_one_mock::cli::{self, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr so that stdout carries the banner and `seed-schema` output only.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
