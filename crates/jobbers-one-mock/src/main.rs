//! `jobbers-one-mock`: starts a local Jobbers One sandbox; `--help` lists the options.

use clap::Parser;
use tracing_subscriber::EnvFilter;

use jobbers_one_mock::cli::{self, Cli};
use jobbers_one_mock::log::{BufferedWriter, LineFormat};

/// The mock allocates and frees a few dozen small blocks per request; mimalloc serves them
/// in a fraction of the instructions of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // mimalloc requests transparent huge pages, which make the resident memory move in steps
    // of 2 MiB whenever a block falls on a huge page not yet touched. With 4 KiB pages the
    // resident memory follows what the mock uses. A kernel that refuses keeps its default.
    let _ = nix::sys::prctl::set_thp_disable(true);
    // Logs go to stderr so that stdout carries the banner and `seed-schema` output only.
    // The guard writes the last lines at exit.
    let (writer, _flush_on_exit) = match BufferedWriter::new(std::io::stderr()) {
        Ok(writer) => writer,
        Err(error) => {
            eprintln!("error: failed to start the log writer thread: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // An unset `RUST_LOG` means `info`. An invalid one is rejected: logging at a level the
    // user did not ask for would hide lines or flood the log without saying why.
    let filter = match std::env::var_os("RUST_LOG") {
        None => EnvFilter::new("info"),
        Some(_) => match EnvFilter::try_from_default_env() {
            Ok(filter) => filter,
            Err(error) => {
                eprintln!(
                    "error: invalid RUST_LOG: {error}; use a level such as `warn`, or \
                     directives such as `info,jobbers_one_server=warn`"
                );
                return std::process::ExitCode::FAILURE;
            }
        },
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(LineFormat)
        .with_writer(writer)
        .init();

    let cli = Cli::parse();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
