//! The throughput scenarios: each is one server and one call, loaded by wrk in rounds that
//! run every scenario once, so that ratios compare runs made minutes apart at most.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use super::wrk::{self, WrkResult, WrkRun};

/// Stock of the benchmark data set that assignments take from.
pub const STOCK_ID: u32 = 900;

/// The server that a scenario loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Ceiling,
    Mock,
    /// A second mock, started with `RUST_LOG=warn` so that it writes no line per request.
    MockWithoutRequestLog,
    Prism,
}

/// One server and one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    CeilingEcho,
    MockEcho,
    MockEchoWithoutRequestLog,
    MockGetClient,
    MockCreateClient,
    MockAssignPass,
    PrismEcho,
    PrismGetClient,
}

impl Scenario {
    pub const ALL: [Self; 8] = [
        Self::CeilingEcho,
        Self::MockEcho,
        Self::MockEchoWithoutRequestLog,
        Self::MockGetClient,
        Self::MockCreateClient,
        Self::MockAssignPass,
        Self::PrismEcho,
        Self::PrismGetClient,
    ];

    pub fn target(self) -> Target {
        match self {
            Self::CeilingEcho => Target::Ceiling,
            Self::MockEcho
            | Self::MockGetClient
            | Self::MockCreateClient
            | Self::MockAssignPass => Target::Mock,
            Self::MockEchoWithoutRequestLog => Target::MockWithoutRequestLog,
            Self::PrismEcho | Self::PrismGetClient => Target::Prism,
        }
    }

    /// Returns the request as the report shows it.
    pub fn request(self) -> &'static str {
        match self {
            Self::CeilingEcho
            | Self::MockEcho
            | Self::MockEchoWithoutRequestLog
            | Self::PrismEcho => "GET /oneapi/v0/echo/bench",
            Self::MockGetClient | Self::PrismGetClient => {
                "GET /oneapi/v0/clients/bench-client-1%40example.org"
            }
            Self::MockCreateClient => "POST /oneapi/v0/clients (new email each)",
            Self::MockAssignPass => {
                "POST /oneapi/v0/stockofpasses/assign (new payment reference each)"
            }
        }
    }

    /// Returns the path that wrk requests; the Lua scripts set their own.
    fn path(self) -> &'static str {
        match self {
            Self::CeilingEcho
            | Self::MockEcho
            | Self::MockEchoWithoutRequestLog
            | Self::PrismEcho => "/oneapi/v0/echo/bench",
            Self::MockGetClient | Self::PrismGetClient => {
                "/oneapi/v0/clients/bench-client-1%40example.org"
            }
            Self::MockCreateClient => "/oneapi/v0/clients",
            Self::MockAssignPass => "/oneapi/v0/stockofpasses/assign",
        }
    }

    fn script(self) -> Option<&'static str> {
        match self {
            Self::MockCreateClient => Some("create-client.lua"),
            Self::MockAssignPass => Some("assign-pass.lua"),
            _ => None,
        }
    }
}

/// The base URL and bearer token of each server.
#[derive(Debug)]
pub struct Endpoints {
    pub ceiling: String,
    pub mock: String,
    pub mock_without_request_log: String,
    pub prism: String,
    pub mock_token: String,
    pub mock_without_request_log_token: String,
    /// Prism checks that a bearer token is present, not its value.
    pub prism_token: String,
}

impl Endpoints {
    fn of(&self, target: Target) -> (&str, &str) {
        match target {
            // The ceiling ignores the header; it is sent so the requests have the same size.
            Target::Ceiling => (&self.ceiling, &self.mock_token),
            Target::Mock => (&self.mock, &self.mock_token),
            Target::MockWithoutRequestLog => (
                &self.mock_without_request_log,
                &self.mock_without_request_log_token,
            ),
            Target::Prism => (&self.prism, &self.prism_token),
        }
    }
}

/// Settings of the rounds.
#[derive(Debug)]
pub struct Rounds {
    pub rounds: usize,
    pub duration: Duration,
    /// Length of one unrecorded run of each scenario before the first round.
    pub warm_up: Option<Duration>,
    pub connections: u32,
    /// Directory of the wrk Lua scripts.
    pub scripts: PathBuf,
    /// Clients in the data set, which the assignment script cycles through.
    pub clients: u64,
}

/// The runs of one scenario, one per round.
#[derive(Debug)]
pub struct ScenarioRuns {
    pub scenario: Scenario,
    pub runs: Vec<WrkResult>,
}

/// Runs every scenario once per round. The order rotates by one scenario each round, so that
/// no scenario always runs first or last.
pub fn run(endpoints: &Endpoints, rounds: &Rounds) -> Result<Vec<ScenarioRuns>> {
    let mut results: Vec<ScenarioRuns> = Scenario::ALL
        .iter()
        .map(|&scenario| ScenarioRuns {
            scenario,
            runs: Vec::new(),
        })
        .collect();

    if let Some(warm_up) = rounds.warm_up {
        for scenario in Scenario::ALL {
            eprintln!("warm-up: {scenario:?}");
            run_once(endpoints, rounds, scenario, warm_up, "warm-up")?;
        }
    }

    for round in 0..rounds.rounds {
        for offset in 0..Scenario::ALL.len() {
            let index = (round + offset) % Scenario::ALL.len();
            let scenario = Scenario::ALL[index];
            let label = format!("round{round}");
            let result = run_once(endpoints, rounds, scenario, rounds.duration, &label)?;
            eprintln!(
                "round {}/{}: {scenario:?}: {:.0} requests/s, p99 {:.2} ms",
                round + 1,
                rounds.rounds,
                result.requests_per_s,
                result.p99_ms
            );
            results[index].runs.push(result);
        }
    }
    Ok(results)
}

fn run_once(
    endpoints: &Endpoints,
    rounds: &Rounds,
    scenario: Scenario,
    duration: Duration,
    label: &str,
) -> Result<WrkResult> {
    let (base_url, token) = endpoints.of(scenario.target());
    let url = format!("{base_url}{}", scenario.path());
    let script: Option<PathBuf> = scenario.script().map(|name| rounds.scripts.join(name));
    let script_args = match scenario {
        Scenario::MockCreateClient => vec![label.to_owned()],
        Scenario::MockAssignPass => vec![
            label.to_owned(),
            rounds.clients.to_string(),
            STOCK_ID.to_string(),
        ],
        _ => Vec::new(),
    };
    wrk::run(&WrkRun {
        url: &url,
        bearer_token: token,
        duration,
        connections: rounds.connections,
        script: script.as_deref().map(Path::new),
        script_args,
    })
}
