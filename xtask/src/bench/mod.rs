//! `cargo xtask bench`: builds the mock and the benchmark programs in release mode, loads the
//! bare axum ceiling, the mock and Prism side by side on loopback, and writes the results
//! with the machine's description to `BENCHMARKS.md`.
//!
//! `--quick` is a smoke test of the harness: the dev profile (which CI has built already),
//! runs of a second, no timed rebuild, and the report in `target/bench/BENCHMARKS.md`.

mod machine;
mod rebuild;
mod report;
mod servers;
mod throughput;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::node::NodeTools;
use servers::Server;
use throughput::{Endpoints, Rounds};

/// The OpenAPI document, relative to the workspace root.
const DOCUMENT: &str = "openapi/jobbers-one.yaml";

/// Clients in the generated data set.
const CLIENTS: u64 = 10_000;

/// Connections of every load: wrk's, the constant-rate driver's and the mixed load's.
const CONNECTIONS: u32 = 32;

/// Durations and counts of one run.
#[derive(Debug)]
struct Plan {
    quick: bool,
    rounds: usize,
    wrk_duration: Duration,
    warm_up: Option<Duration>,
    rate_rounds: usize,
    rate_duration: Duration,
    overhead_calls: usize,
    overhead_rounds: usize,
    mixed_requests: u64,
    mixed_time_limit: Duration,
    rebuild: bool,
}

impl Plan {
    fn full() -> Self {
        Self {
            quick: false,
            rounds: 5,
            wrk_duration: Duration::from_secs(4),
            warm_up: Some(Duration::from_secs(1)),
            rate_rounds: 3,
            rate_duration: Duration::from_secs(5),
            overhead_calls: 2_000,
            overhead_rounds: 5,
            mixed_requests: 1_000_000,
            mixed_time_limit: Duration::from_secs(240),
            rebuild: true,
        }
    }

    fn quick() -> Self {
        Self {
            quick: true,
            rounds: 1,
            wrk_duration: Duration::from_secs(1),
            warm_up: None,
            rate_rounds: 1,
            rate_duration: Duration::from_secs(1),
            overhead_calls: 100,
            overhead_rounds: 1,
            mixed_requests: 5_000,
            mixed_time_limit: Duration::from_secs(30),
            rebuild: false,
        }
    }

    fn profile(&self) -> &'static str {
        if self.quick { "debug" } else { "release" }
    }
}

/// Runs the benchmarks; `args` may hold `--quick`.
pub fn run(workspace_root: &Path, args: &[String]) -> Result<()> {
    let plan = match args {
        [] => Plan::full(),
        [flag] if flag == "--quick" => Plan::quick(),
        _ => bail!("usage: cargo xtask bench [--quick]"),
    };
    let started = Instant::now();
    let machine_before = machine::describe();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root.join("target"));
    let bench_dir = target_dir.join("bench");
    std::fs::create_dir_all(&bench_dir)
        .with_context(|| format!("failed to create {}", bench_dir.display()))?;

    // Tools and binaries.
    wrk::ensure_installed()?;
    build(workspace_root, &plan)?;
    let binaries = target_dir.join(plan.profile());
    let mock_binary = binaries.join("jobbers-one-mock");
    let bench_binary = binaries.join("jobbers-one-bench");
    let node_tools = NodeTools::install(workspace_root)?;

    let seed = bench_dir.join("seed-10000-clients.json");
    let status = Command::new(&bench_binary)
        .args(["seed", "--clients", &CLIENTS.to_string(), "--out"])
        .arg(&seed)
        .status()
        .context("failed to run jobbers-one-bench seed")?;
    if !status.success() {
        bail!("jobbers-one-bench seed failed with {status}");
    }

    // The servers, side by side.
    let ceiling = {
        let mut command = Command::new(&bench_binary);
        command.arg("ceiling");
        Server::start_announcing("ceiling server", command, &bench_dir.join("ceiling.log"))?
    };
    let mock = start_mock(&mock_binary, &seed, &bench_dir.join("mock.log"), None)?;
    let quiet_mock = start_mock(
        &mock_binary,
        &seed,
        &bench_dir.join("mock-warn.log"),
        Some("warn"),
    )?;
    let prism = start_prism(&node_tools, workspace_root, &bench_dir.join("prism.log"))?;
    let token = |server: &Server| -> Result<String> {
        let output = bench_output(&bench_binary, &["token", "--base-url", &server.base_url])?;
        Ok(output.trim().to_owned())
    };
    let endpoints = Endpoints {
        ceiling: ceiling.base_url.clone(),
        mock: mock.base_url.clone(),
        mock_without_request_log: quiet_mock.base_url.clone(),
        prism: prism.base_url.clone(),
        mock_token: token(&mock)?,
        mock_without_request_log_token: token(&quiet_mock)?,
        prism_token: "bench-token".to_owned(),
    };

    // Throughput, then latency at half of the mock's rate, then the client's overhead.
    let rounds = Rounds {
        rounds: plan.rounds,
        duration: plan.wrk_duration,
        warm_up: plan.warm_up,
        connections: CONNECTIONS,
        scripts: workspace_root.join("xtask/bench"),
        clients: CLIENTS,
    };
    let throughput = throughput::run(&endpoints, &rounds)?;
    drop(quiet_mock);
    drop(prism);
    let constant_rate = run_constant_rate(&bench_binary, &endpoints, &throughput, &plan)?;
    drop(ceiling);
    let client_overhead = parse_json(&bench_output(
        &bench_binary,
        &[
            "client-overhead",
            "--base-url",
            &mock.base_url,
            "--calls",
            &plan.overhead_calls.to_string(),
            "--rounds",
            &plan.overhead_rounds.to_string(),
        ],
    )?)?;
    drop(mock);

    // Memory over a million requests, on a mock of its own.
    let memory = {
        let log = bench_dir.join("mock-mixed-load.log");
        let mock = start_mock(&mock_binary, &seed, &log, None)?;
        eprintln!("mixed load: {} requests", plan.mixed_requests);
        let output = bench_output(
            &bench_binary,
            &[
                "mixed-load",
                "--base-url",
                &mock.base_url,
                "--requests",
                &plan.mixed_requests.to_string(),
                "--connections",
                &CONNECTIONS.to_string(),
                "--clients",
                &CLIENTS.to_string(),
                "--pid",
                &mock.pid().to_string(),
                "--time-limit",
                &plan.mixed_time_limit.as_secs().to_string(),
            ],
        )?;
        let log_bytes = std::fs::metadata(&log).map_or(0, |metadata| metadata.len());
        (parse_json(&output)?, log_bytes)
    };

    let rebuild = if plan.rebuild {
        let backup = bench_dir.join("jobbers-one.yaml.orig");
        Some(rebuild::measure(
            workspace_root,
            &workspace_root.join(DOCUMENT),
            &backup,
        )?)
    } else {
        None
    };

    let results = report::Results {
        quick: plan.quick,
        profile: plan.profile(),
        connections: CONNECTIONS,
        rounds: plan.rounds,
        wrk_duration: plan.wrk_duration,
        rate_duration: plan.rate_duration,
        overhead_calls: plan.overhead_calls,
        overhead_rounds: plan.overhead_rounds,
        machine_before,
        machine_after: machine::describe(),
        throughput,
        constant_rate,
        client_overhead,
        memory: memory.0,
        mixed_log_bytes: memory.1,
        rebuild,
        elapsed: started.elapsed(),
    };
    let markdown = report::render(&results)?;
    let output = if plan.quick {
        bench_dir.join("BENCHMARKS.md")
    } else {
        workspace_root.join("BENCHMARKS.md")
    };
    std::fs::write(&output, markdown)
        .with_context(|| format!("failed to write {}", output.display()))?;
    eprintln!(
        "\nbench finished in {:.0} s; results in {}",
        started.elapsed().as_secs_f64(),
        output.display()
    );
    report::print_targets(&results)?;
    Ok(())
}

/// Builds the mock and the benchmark programs, in release mode unless `--quick`.
fn build(workspace_root: &Path, plan: &Plan) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "-p", "jobbers-one-mock", "-p", "jobbers-one-bench"]);
    if !plan.quick {
        command.arg("--release");
    }
    let status = command
        .current_dir(workspace_root)
        .status()
        .context("failed to run cargo build")?;
    if !status.success() {
        bail!("cargo build of the mock and the benchmark programs failed with {status}");
    }
    Ok(())
}

/// Starts the mock binary on a free loopback port, its stderr (the log) going to `log`. The
/// log level is the default one unless `rust_log` sets `RUST_LOG`.
fn start_mock(binary: &Path, seed: &Path, log: &Path, rust_log: Option<&str>) -> Result<Server> {
    let mut command = Command::new(binary);
    command.args(["--addr", "127.0.0.1:0", "--seed"]).arg(seed);
    match rust_log {
        Some(filter) => command.env("RUST_LOG", filter),
        None => command.env_remove("RUST_LOG"),
    };
    Server::start_announcing("mock", command, log)
}

/// Starts Prism's mock server on the document, from the pinned install under target/.
fn start_prism(tools: &NodeTools, workspace_root: &Path, log: &Path) -> Result<Server> {
    let addr = servers::free_loopback_addr()?;
    let mut command = tools.command("prism");
    command
        .args(["mock", "--host", "127.0.0.1", "--port"])
        .arg(addr.port().to_string())
        .arg(workspace_root.join(DOCUMENT));
    Server::start_on("Prism", command, addr, log)
}

/// Runs the constant-rate driver at half of the mock's median rate for echo and get-client,
/// and the ceiling's echo at the same rate in alternation, as the floor that the machine and
/// the driver set.
fn run_constant_rate(
    bench_binary: &Path,
    endpoints: &Endpoints,
    throughput: &[throughput::ScenarioRuns],
    plan: &Plan,
) -> Result<Vec<report::RateRuns>> {
    let mut all = Vec::new();
    for scenario in [
        throughput::Scenario::MockEcho,
        throughput::Scenario::MockGetClient,
    ] {
        let runs = throughput
            .iter()
            .find(|runs| runs.scenario == scenario)
            .context("missing throughput runs")?;
        let mut rates: Vec<f64> = runs.runs.iter().map(|run| run.requests_per_s).collect();
        let rate = report::median(&mut rates) / 2.0;
        let url = match scenario {
            throughput::Scenario::MockEcho => format!("{}/oneapi/v0/echo/bench", endpoints.mock),
            _ => format!(
                "{}/oneapi/v0/clients/bench-client-1%40example.org",
                endpoints.mock
            ),
        };
        let ceiling_url = format!("{}/oneapi/v0/echo/bench", endpoints.ceiling);
        let run = |url: &str, token: &str| -> Result<Value> {
            parse_json(&bench_output(
                bench_binary,
                &[
                    "constant-rate",
                    "--url",
                    url,
                    "--token",
                    token,
                    "--rate",
                    &format!("{rate:.0}"),
                    "--duration",
                    &plan.rate_duration.as_secs_f64().to_string(),
                    "--connections",
                    &CONNECTIONS.to_string(),
                ],
            )?)
        };
        let mut reports = Vec::new();
        let mut ceiling_reports = Vec::new();
        for round in 0..plan.rate_rounds {
            let report = run(&url, &endpoints.mock_token)?;
            let ceiling_report = run(&ceiling_url, "unused")?;
            eprintln!(
                "constant rate {}/{}: {scenario:?} at {rate:.0}/s: p99 {} ms (ceiling {} ms)",
                round + 1,
                plan.rate_rounds,
                report["p99_ms"],
                ceiling_report["p99_ms"]
            );
            reports.push(report);
            ceiling_reports.push(ceiling_report);
        }
        all.push(report::RateRuns {
            scenario,
            rate,
            reports,
            ceiling_reports,
        });
    }
    Ok(all)
}

/// Runs the benchmark program and returns its stdout.
fn bench_output(binary: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new(binary)
        .args(args)
        .output()
        .with_context(|| format!("failed to run jobbers-one-bench {}", args[0]))?;
    if !output.status.success() {
        bail!(
            "jobbers-one-bench {} failed with {}: {}",
            args[0],
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).context("jobbers-one-bench printed invalid UTF-8")
}

/// Parses the JSON that the benchmark program prints.
fn parse_json(text: &str) -> Result<Value> {
    serde_json::from_str(text.trim())
        .with_context(|| format!("jobbers-one-bench printed invalid JSON: {text}"))
}
