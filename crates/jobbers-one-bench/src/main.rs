//! `jobbers-one-bench`: the programs that `cargo xtask bench` runs beside the mock. Each
//! subcommand prints its result on stdout, as JSON when it measures something.

#![forbid(unsafe_code)]

mod api;
mod ceiling;
mod client_overhead;
mod constant_rate;
mod mixed_load;
mod seed;
mod stats;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// The same allocator as the mock's, so that the ceiling server is built as the mock is.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Benchmark programs of the Jobbers One workspace; run them through `cargo xtask bench`.
#[derive(Debug, Parser)]
#[command(name = "jobbers-one-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves a constant small JSON body on `GET /oneapi/v0/echo/{text}` with bare axum, the
    /// ceiling that the mock is compared with. Prints `listening on http://ADDR`.
    Ceiling {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },

    /// Writes the benchmark data set: the `empty` data set plus `--clients` clients and a large
    /// stock of passes in enterprise 20.
    Seed {
        /// Number of clients, named `bench-client-N@example.org` from N = 0.
        #[arg(long, default_value_t = 10_000)]
        clients: u64,
        /// File to write.
        #[arg(long)]
        out: PathBuf,
    },

    /// Requests an access token and prints it.
    Token {
        #[command(flatten)]
        api: api::ApiArgs,
    },

    /// Times sequential calls of the generated client's `Session` and of raw reqwest with the
    /// same requests, taking turns call by call.
    ClientOverhead {
        #[command(flatten)]
        api: api::ApiArgs,
        /// Sequential calls per round and per variant.
        #[arg(long, default_value_t = 2_000)]
        calls: usize,
        /// Rounds; in each, the two variants take turns call by call.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },

    /// Sends `GET` requests at a constant rate and reports latency percentiles, measured from
    /// the time each request was scheduled to start. The URL is http:// only. Connections are
    /// keep-alive HTTP/1.1 and are not reopened: once the server closes one, the requests
    /// dealt to it count as unanswered. Response bodies need a `Content-Length`.
    ConstantRate(constant_rate::Options),

    /// Sends a fixed number of mixed API calls, token requests included, and samples the
    /// resident memory of the server process as they complete.
    MixedLoad {
        #[command(flatten)]
        api: api::ApiArgs,
        /// Requests to send in all.
        #[arg(long, default_value_t = 1_000_000)]
        requests: u64,
        /// Concurrent connections.
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Clients in the data set, `bench-client-0@example.org` onwards.
        #[arg(long, default_value_t = 10_000)]
        clients: u64,
        /// Process id of the server, whose `/proc/PID/status` is sampled.
        #[arg(long)]
        pid: u32,
        /// Seconds after which the run stops even if requests remain.
        #[arg(long, value_parser = parse_seconds, default_value = "300")]
        time_limit: Duration,
    },
}

fn parse_seconds(value: &str) -> Result<Duration, String> {
    let seconds: f64 = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds).map_err(|error| format!("`{value}` seconds: {error}"))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The constant-rate driver is one thread with its own event loop, like each of wrk's
    // threads, so that it leaves the other CPUs to the server. It needs no tokio runtime.
    if let Command::ConstantRate(options) = &cli.command {
        return constant_rate::run(options);
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(cli.command))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Ceiling { addr } => ceiling::serve(addr).await,
        Command::Seed { clients, out } => seed::write(&out, clients),
        Command::Token { api } => {
            let http = api::http_client()?;
            let token = api::request_token(&http, &api).await?;
            println!("{token}");
            Ok(())
        }
        Command::ClientOverhead { api, calls, rounds } => {
            client_overhead::run(&api, calls, rounds).await
        }
        Command::ConstantRate(options) => constant_rate::run(&options),
        Command::MixedLoad {
            api,
            requests,
            connections,
            clients,
            pid,
            time_limit,
        } => {
            let options = mixed_load::Options {
                requests,
                connections,
                clients,
                pid,
                time_limit,
            };
            mixed_load::run(&api, options).await
        }
    }
}
