//! Command line of the `jobbers-one-mock` binary: options, their environment variables, and the
//! start and stop of the server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::clock::SystemClock;
use crate::http::Faults;
use crate::seed::DataSet;
use crate::{MockConfig, base_url, build_sandbox, serve_on};

/// Local Jobbers One sandbox: the partner REST API with state kept in memory and the API's
/// rules enforced.
#[derive(Debug, Parser)]
#[command(name = "jobbers-one-mock", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on.
    #[arg(long, env = "JOBBERS_MOCK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Data set to start from: `default` (the documented examples), `empty` (enterprises and
    /// their groups only) or the path of a JSON file (see `jobbers-one-mock seed-schema`).
    #[arg(long, env = "JOBBERS_MOCK_SEED", default_value = "default")]
    pub seed: SeedChoice,

    /// Seconds an access token stays valid after its last use.
    #[arg(
        long,
        env = "JOBBERS_MOCK_TOKEN_TTL",
        default_value_t = 3600,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(i32::MAX)),
    )]
    pub token_ttl: u32,

    /// Milliseconds added before each API call is handled.
    #[arg(
        long,
        env = "JOBBERS_MOCK_LATENCY",
        default_value_t = 0,
        value_name = "MS"
    )]
    pub latency: u64,

    /// Maintenance mode: every API call gets `503 Service Unavailable`.
    #[arg(long, env = "JOBBERS_MOCK_MAINTENANCE")]
    pub maintenance: bool,

    /// Share of API calls, from 0 to 1, that fail with `500` or `503` at random.
    #[arg(
        long,
        env = "JOBBERS_MOCK_FAIL_RATE",
        default_value_t = 0.0,
        value_name = "P",
        value_parser = parse_rate,
    )]
    pub fail_rate: f64,
}

/// Subcommands; without one, the server starts.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prints the JSON Schema of data set files and exits.
    SeedSchema,
}

/// The data set named by `--seed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedChoice {
    Default,
    Empty,
    File(PathBuf),
}

impl std::str::FromStr for SeedChoice {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(match value {
            "default" => Self::Default,
            "empty" => Self::Empty,
            path => Self::File(PathBuf::from(path)),
        })
    }
}

impl std::fmt::Display for SeedChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Default => formatter.write_str("default"),
            Self::Empty => formatter.write_str("empty"),
            Self::File(path) => write!(formatter, "{}", path.display()),
        }
    }
}

/// Parses a probability from 0 to 1.
fn parse_rate(value: &str) -> Result<f64, String> {
    let rate: f64 = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number; give a share from 0 to 1, such as 0.1"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!(
            "{rate} is outside 0..=1; give a share such as 0.1 for 10% of calls"
        ))
    }
}

impl Cli {
    /// Builds the sandbox's configuration, loading the data set file if one is named.
    pub fn config(&self) -> anyhow::Result<MockConfig> {
        let data_set = match &self.seed {
            SeedChoice::Default => DataSet::default_data_set(),
            SeedChoice::Empty => DataSet::empty(),
            SeedChoice::File(path) => DataSet::load(path)?,
        };
        Ok(MockConfig {
            addr: self.addr,
            data_set,
            token_ttl: Duration::from_secs(u64::from(self.token_ttl)),
            faults: Faults {
                latency: Duration::from_millis(self.latency),
                maintenance: self.maintenance,
                fail_rate: self.fail_rate,
            },
            clock: Arc::new(SystemClock),
        })
    }
}

/// Runs the command: prints the data set schema, or serves until Ctrl-C or SIGTERM.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::SeedSchema) = cli.command {
        let schema = serde_json::to_string_pretty(&crate::seed::schema())?;
        println!("{schema}");
        return Ok(());
    }

    let config = cli.config()?;
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}; pick another --addr", config.addr))?;
    let addr = listener.local_addr()?;
    print_banner(&cli.seed, &config, addr);
    tracing::info!(
        %addr,
        data_set = %cli.seed,
        enterprises = config.data_set.enterprises.len(),
        token_ttl_s = cli.token_ttl,
        latency_ms = cli.latency,
        maintenance = cli.maintenance,
        fail_rate = cli.fail_rate,
        "sandbox started"
    );

    let sandbox = build_sandbox(&config);
    let faults = config.faults;
    // The sandbox has its own copy of the records.
    drop(config);
    serve_on(listener, sandbox, faults, shutdown_signal()).await?;
    tracing::info!(%addr, "sandbox stopped");
    Ok(())
}

/// Prints where the sandbox listens and the credentials to use. The built-in data sets' API
/// secrets are public demo values, so they are printed; a file's secrets are not.
fn print_banner(seed: &SeedChoice, config: &MockConfig, addr: SocketAddr) {
    let url = base_url(addr);
    println!("Jobbers One sandbox listening on {url}");
    println!("  API:          {url}/oneapi/");
    println!("  Docs:         {url}/docs/");
    println!("  OpenAPI:      {url}/openapi.yaml  {url}/openapi.json");
    println!("  Data set:     {seed}");
    for enterprise in &config.data_set.enterprises {
        let secret = match seed {
            SeedChoice::File(_) => "(as in the data set file)",
            SeedChoice::Default | SeedChoice::Empty => enterprise.api_secret.as_str(),
        };
        println!(
            "  Enterprise {}: API key {}  API secret {secret}",
            enterprise.enterprise_id, enterprise.api_key
        );
    }
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, stopping"),
        () = terminate => tracing::info!("SIGTERM received, stopping"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arguments: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("jobbers-one-mock").chain(arguments.iter().copied()))
    }

    #[test]
    fn defaults_match_documentation() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(cli.seed, SeedChoice::Default);
        assert_eq!(cli.token_ttl, 3600);
        assert_eq!(cli.latency, 0);
        assert!(!cli.maintenance);
        assert_eq!(cli.fail_rate, 0.0);
    }

    #[test]
    fn fail_rate_outside_0_to_1_is_rejected() {
        for rate in ["1.5", "-0.1", "NaN", "ten"] {
            assert!(parse(&["--fail-rate", rate]).is_err(), "{rate}");
        }
        assert_eq!(parse(&["--fail-rate", "0.25"]).unwrap().fail_rate, 0.25);
    }

    #[test]
    fn token_ttl_of_zero_is_rejected() {
        assert!(parse(&["--token-ttl", "0"]).is_err());
    }

    #[test]
    fn seed_names_builtin_sets_or_file() {
        assert_eq!(parse(&["--seed", "empty"]).unwrap().seed, SeedChoice::Empty);
        assert_eq!(
            parse(&["--seed", "data.json"]).unwrap().seed,
            SeedChoice::File(PathBuf::from("data.json"))
        );
    }

    #[test]
    fn config_carries_faults() {
        let cli = parse(&["--latency", "250", "--maintenance", "--fail-rate", "0.5"]).unwrap();
        let faults = cli.config().unwrap().faults;
        assert_eq!(faults.latency, Duration::from_millis(250));
        assert!(faults.maintenance);
        assert_eq!(faults.fail_rate, 0.5);
    }

    #[test]
    fn missing_seed_file_is_an_error() {
        let cli = parse(&["--seed", "/nonexistent/seed.json"]).unwrap();
        let error = cli.config().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read the data set /nonexistent/seed.json"),
            "{error}"
        );
    }
}
