//! `jobbers-one-mock`: starts a local Jobbers One sandbox; `--help` lists the options.

use std::io::IsTerminal as _;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use jobbers_one_mock::cli::{self, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr so that stdout carries the banner and `seed-schema` output only.
    // Colours are for terminals only: in a file they are escape codes, and turning them off
    // cut the instructions per request log line by a third (callgrind, release build).
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(std::io::stderr().is_terminal())
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
