//! The targets and the Markdown report of a run.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;

use super::machine::Machine;
use super::rebuild::RebuildResult;
use super::throughput::{Scenario, ScenarioRuns, Target};

/// Maximum growth of the mock's resident memory over the second half of the mixed load for
/// it to count as flat. The allocator keeps and reuses freed pages, so resident memory moves
/// by some hundreds of KiB between samples without any leak. A store that grows with every
/// token or log line adds megabytes over half a million requests.
const FLAT_TOLERANCE_KIB: f64 = 2048.0;

/// Resident memory that the mock must stay under after the mixed load.
const MAX_RSS_MIB: f64 = 64.0;

/// The constant-rate runs of one call.
#[derive(Debug)]
pub struct RateRuns {
    pub scenario: Scenario,
    /// Requests per second sent: half of the median wrk rate of the call.
    pub rate: f64,
    /// The JSON reports of the constant-rate driver, one per round.
    pub reports: Vec<Value>,
    /// The reports of the ceiling's echo at the same rate, one per round.
    pub ceiling_reports: Vec<Value>,
}

/// Everything one run measured.
#[derive(Debug)]
pub struct Results {
    pub quick: bool,
    /// Cargo profile directory of the binaries: `release`, or `debug` with `--quick`.
    pub profile: &'static str,
    pub connections: u32,
    pub rounds: usize,
    pub wrk_duration: Duration,
    pub rate_duration: Duration,
    pub overhead_calls: usize,
    pub overhead_rounds: usize,
    pub machine_before: Machine,
    pub machine_after: Machine,
    pub throughput: Vec<ScenarioRuns>,
    pub constant_rate: Vec<RateRuns>,
    /// The JSON report of the client-overhead driver.
    pub client_overhead: Value,
    /// The JSON report of the mixed-load driver.
    pub memory: Value,
    /// Size of the mock's log after the mixed load.
    pub mixed_log_bytes: u64,
    pub rebuild: Option<RebuildResult>,
    pub elapsed: Duration,
}

/// One target and whether the run met it.
#[derive(Debug)]
struct TargetLine {
    target: String,
    measured: String,
    met: bool,
}

/// Sorts `values` and returns their median (the lower middle value of an even count).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        length => values[(length - 1) / 2],
    }
}

/// Median and range of a set of measurements.
#[derive(Debug, Clone, Copy)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Self {
        let median = median(&mut values);
        Self {
            median,
            min: values.first().copied().unwrap_or(f64::NAN),
            max: values.last().copied().unwrap_or(f64::NAN),
        }
    }

    /// Formats as `median (min–max)` with `decimals` digits after the point and `unit`.
    fn show(self, decimals: usize, unit: &str) -> String {
        format!(
            "{:.decimals$}{unit} ({:.decimals$}–{:.decimals$})",
            self.median, self.min, self.max
        )
    }
}

fn runs_of(results: &Results, scenario: Scenario) -> Result<&ScenarioRuns> {
    results
        .throughput
        .iter()
        .find(|runs| runs.scenario == scenario)
        .with_context(|| format!("no runs of {scenario:?}"))
}

/// Returns the ratio of the requests per second of two scenarios in each round.
fn round_ratios(results: &Results, numerator: Scenario, denominator: Scenario) -> Result<Vec<f64>> {
    let top = runs_of(results, numerator)?;
    let bottom = runs_of(results, denominator)?;
    Ok(top
        .runs
        .iter()
        .zip(&bottom.runs)
        .map(|(top, bottom)| top.requests_per_s / bottom.requests_per_s)
        .collect())
}

fn number(value: &Value, key: &str) -> Result<f64> {
    value[key]
        .as_f64()
        .with_context(|| format!("`{key}` missing from a benchmark report: {value}"))
}

/// Reads the memory samples: requests completed, `VmRSS` and `VmHWM` in KiB.
fn memory_samples(memory: &Value) -> Result<Vec<(f64, f64, f64)>> {
    memory["samples"]
        .as_array()
        .context("no memory samples")?
        .iter()
        .map(|sample| {
            Ok((
                number(sample, "completed")?,
                number(sample, "rss_kib")?,
                number(sample, "hwm_kib")?,
            ))
        })
        .collect()
}

fn targets(results: &Results, requested: u64) -> Result<Vec<TargetLine>> {
    let mut lines = Vec::new();
    let mut ratio_line = |target: &str, top, bottom, min: f64, as_percent: bool| -> Result<()> {
        let spread = Spread::of(round_ratios(results, top, bottom)?);
        let measured = if as_percent {
            let percent = Spread {
                median: spread.median * 100.0,
                min: spread.min * 100.0,
                max: spread.max * 100.0,
            };
            percent.show(0, " %")
        } else {
            spread.show(1, "×")
        };
        let clean = |scenario| -> Result<bool> {
            Ok(runs_of(results, scenario)?
                .runs
                .iter()
                .all(|run| run.non_success == 0 && run.socket_errors == 0))
        };
        let met = spread.median >= min && clean(top)? && clean(bottom)?;
        lines.push(TargetLine {
            target: target.to_owned(),
            measured,
            met,
        });
        Ok(())
    };
    ratio_line(
        "mock authenticated echo ≥ 80 % of the ceiling's requests/s",
        Scenario::MockEcho,
        Scenario::CeilingEcho,
        0.80,
        true,
    )?;
    ratio_line(
        "mock get-client by email ≥ 70 % of the ceiling's requests/s",
        Scenario::MockGetClient,
        Scenario::CeilingEcho,
        0.70,
        true,
    )?;
    ratio_line(
        "mock echo ≥ 30× Prism's requests/s",
        Scenario::MockEcho,
        Scenario::PrismEcho,
        30.0,
        false,
    )?;
    ratio_line(
        "mock get-client ≥ 30× Prism's requests/s",
        Scenario::MockGetClient,
        Scenario::PrismGetClient,
        30.0,
        false,
    )?;

    for rate_runs in &results.constant_rate {
        let p99s = rate_runs
            .reports
            .iter()
            .map(|report| number(report, "p99_ms"))
            .collect::<Result<Vec<_>>>()?;
        let errors: f64 = rate_runs
            .reports
            .iter()
            .map(|report| number(report, "errors"))
            .sum::<Result<f64>>()?;
        let spread = Spread::of(p99s);
        let ceiling = Spread::of(
            rate_runs
                .ceiling_reports
                .iter()
                .map(|report| number(report, "p99_ms"))
                .collect::<Result<Vec<_>>>()?,
        );
        lines.push(TargetLine {
            target: format!(
                "p99 latency < 2 ms at half of the mock's maximum rate, {}",
                call_name(rate_runs.scenario)
            ),
            measured: format!(
                "{} at {:.0}/s (bare axum at the same rate: {})",
                spread.show(2, " ms"),
                rate_runs.rate,
                ceiling.show(2, " ms")
            ),
            met: spread.median < 2.0 && errors == 0.0,
        });
    }

    for operation in results
        .client_overhead
        .as_array()
        .context("client overhead report is not a list")?
    {
        let name = operation["operation"].as_str().unwrap_or("unknown");
        let overheads = overhead_per_round(operation)?;
        let spread = Spread::of(overheads.iter().map(|ratio| ratio * 100.0).collect());
        lines.push(TargetLine {
            target: format!("generated client adds ≤ 10 % per call over raw reqwest, {name}"),
            measured: spread.show(1, " %"),
            met: spread.median <= 10.0,
        });
    }

    let samples = memory_samples(&results.memory)?;
    let completed = number(&results.memory, "completed")?;
    let errors = number(&results.memory, "errors")?;
    let (_, last_rss, _) = *samples.last().context("no memory samples")?;
    let peak = samples.iter().map(|sample| sample.2).fold(0.0, f64::max);
    let all_done = completed >= requested as f64 && errors == 0.0;
    lines.push(TargetLine {
        target: format!("mock RSS < {MAX_RSS_MIB:.0} MiB after {requested} mixed requests"),
        measured: format!(
            "{:.1} MiB (peak VmHWM {:.1} MiB; {completed:.0} completed, {errors:.0} failed)",
            last_rss / 1024.0,
            peak / 1024.0
        ),
        met: all_done && last_rss / 1024.0 < MAX_RSS_MIB,
    });
    let halfway = samples
        .iter()
        .find(|sample| sample.0 >= completed / 2.0)
        .context("no memory sample after half of the requests")?;
    let growth = last_rss - halfway.1;
    lines.push(TargetLine {
        target: "mock RSS flat over the last half of the mixed requests".to_owned(),
        measured: format!(
            "{:+.1} MiB from {:.0} to {completed:.0} requests",
            growth / 1024.0,
            halfway.0
        ),
        met: all_done && growth <= FLAT_TOLERANCE_KIB,
    });
    Ok(lines)
}

/// Returns the client's time over raw reqwest's, minus one, in each round.
fn overhead_per_round(operation: &Value) -> Result<Vec<f64>> {
    let values = |key: &str| -> Result<Vec<f64>> {
        operation[key]
            .as_array()
            .with_context(|| format!("`{key}` missing from the client overhead report"))?
            .iter()
            .map(|value| value.as_f64().context("a time is not a number"))
            .collect()
    };
    let (client, raw) = (values("client_us")?, values("raw_us")?);
    Ok(client
        .iter()
        .zip(&raw)
        .map(|(client, raw)| client / raw - 1.0)
        .collect())
}

fn call_name(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::MockEcho
        | Scenario::MockEchoWithoutRequestLog
        | Scenario::CeilingEcho
        | Scenario::PrismEcho => "echo",
        Scenario::MockGetClient | Scenario::PrismGetClient => "get-client",
        Scenario::MockCreateClient => "create client",
        Scenario::MockAssignPass => "assign pass",
    }
}

fn server_name(target: Target) -> &'static str {
    match target {
        Target::Ceiling => "bare axum (ceiling)",
        Target::Mock => "jobbers-one-mock",
        Target::MockWithoutRequestLog => "jobbers-one-mock, `RUST_LOG=warn`",
        Target::Prism => "Prism 5.14.2",
    }
}

/// Prints the targets and whether each was met.
pub fn print_targets(results: &Results) -> Result<()> {
    let requested = requested_mixed(results);
    for line in targets(results, requested)? {
        let mark = if line.met { "✓" } else { "✗" };
        eprintln!("{mark} {}: {}", line.target, line.measured);
    }
    Ok(())
}

fn requested_mixed(results: &Results) -> u64 {
    if results.quick { 5_000 } else { 1_000_000 }
}

/// Renders the report.
pub fn render(results: &Results) -> Result<String> {
    let mut page = String::new();
    let before = &results.machine_before;
    let after = &results.machine_after;
    let command = if results.quick {
        "cargo xtask bench --quick"
    } else {
        "cargo xtask bench"
    };

    writeln!(page, "# Benchmarks\n")?;
    writeln!(
        page,
        "Written by `{command}` on {}. Every number comes from that one run, on a machine \
         shared with other builds and tests, so absolute rates are noisy; the ratios compare \
         runs made in the same rounds, minutes apart at most, and are the figures to trust.\n",
        before.date
    )?;
    if results.quick {
        writeln!(
            page,
            "This is a smoke run of the harness: dev-profile binaries and one-second runs, so \
             its numbers say nothing about performance.\n"
        )?;
    }

    writeln!(page, "## Machine\n")?;
    writeln!(page, "| | |\n|---|---|")?;
    writeln!(
        page,
        "| CPU | {}, {} logical CPUs (`nproc`) |",
        before.cpu_model, before.cpus
    )?;
    writeln!(page, "| memory | {:.1} GiB |", before.memory_gib)?;
    writeln!(page, "| kernel | {} |", before.kernel)?;
    writeln!(
        page,
        "| load average (1, 5, 15 min) | {} at the start, {} at the end |",
        before.load_average, after.load_average
    )?;
    writeln!(page, "| Rust | {} |", before.rustc)?;
    writeln!(page, "| load generator | {} |", before.wrk)?;
    writeln!(page, "| binaries | `{}` profile |", results.profile)?;
    writeln!(page, "| command | `{command}` |")?;
    writeln!(
        page,
        "| run time | {:.0} s, builds included |",
        results.elapsed.as_secs_f64()
    )?;

    let requested = requested_mixed(results);
    writeln!(page, "\n## Targets\n")?;
    writeln!(page, "Medians over rounds, with the range in brackets.\n")?;
    writeln!(page, "| target | measured | |\n|---|---|---|")?;
    for line in targets(results, requested)? {
        let mark = if line.met { "✓" } else { "✗" };
        writeln!(page, "| {} | {} | {mark} |", line.target, line.measured)?;
    }

    render_throughput(&mut page, results)?;
    render_constant_rate(&mut page, results)?;
    render_client_overhead(&mut page, results)?;
    render_memory(&mut page, results, requested)?;
    render_build(&mut page, results)?;
    render_method(&mut page, results)?;
    Ok(page)
}

fn render_throughput(page: &mut String, results: &Results) -> Result<()> {
    writeln!(page, "\n## Throughput\n")?;
    writeln!(
        page,
        "wrk, 1 thread, {} connections, {} s per run, {} rounds; each round runs every row \
         once, starting one row further down each time. Requests/s: median (min–max) over the \
         rounds; latencies: median over the rounds of wrk's percentiles.\n",
        results.connections,
        results.wrk_duration.as_secs(),
        results.rounds
    )?;
    writeln!(
        page,
        "| server | request | requests/s | p50 ms | p99 ms | non-2xx, socket errors |"
    )?;
    writeln!(page, "|---|---|---|---|---|---|")?;
    for runs in &results.throughput {
        let rates = Spread::of(runs.runs.iter().map(|run| run.requests_per_s).collect());
        let p50 = Spread::of(runs.runs.iter().map(|run| run.p50_ms).collect());
        let p99 = Spread::of(runs.runs.iter().map(|run| run.p99_ms).collect());
        let failures: u64 = runs.runs.iter().map(|run| run.non_success).sum();
        let socket_errors: u64 = runs.runs.iter().map(|run| run.socket_errors).sum();
        writeln!(
            page,
            "| {} | `{}` | {} | {:.2} | {:.2} | {failures}, {socket_errors} |",
            server_name(runs.scenario.target()),
            runs.scenario.request(),
            rates.show(0, ""),
            p50.median,
            p99.median
        )?;
    }
    Ok(())
}

fn render_constant_rate(page: &mut String, results: &Results) -> Result<()> {
    writeln!(page, "\n## Latency at half of the mock's maximum rate\n")?;
    writeln!(
        page,
        "`jobbers-one-bench constant-rate`, a load loop of this workspace built as wrk2 builds \
         its threads, because Debian's wrk has no constant-rate mode and Debian does not \
         package wrk2: one thread, one epoll loop and a timerfd that wakes it at the next \
         scheduled start. The starts are dealt in turn to {} keep-alive HTTP/1.1 \
         connections; the request is encoded once and each response is framed by its \
         `Content-Length`, so the driver takes a few system calls per request from the CPUs \
         it shares with the server. Each latency runs from the scheduled start to the read \
         that completes the response. A slow response therefore also counts against the \
         starts queued behind it on its connection, and so does a late wake-up of the loop \
         while the CPUs are busy. The rate is half of the median wrk rate above; {} s per \
         run, {} runs. Each run of the mock is followed by a run of the bare axum ceiling's \
         echo at the same rate: its latency is what the machine, the driver and the HTTP \
         stack add without the mock. Completed/s and the percentiles are medians over the \
         runs, max is the largest over the runs, and errors sums the non-2xx responses and \
         the starts that got no response over the runs.\n",
        results.connections,
        results.rate_duration.as_secs(),
        results
            .constant_rate
            .first()
            .map_or(0, |runs| runs.reports.len())
    )?;
    writeln!(
        page,
        "| server | call | scheduled /s | completed /s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |"
    )?;
    writeln!(page, "|---|---|---|---|---|---|---|---|---|---|")?;
    for rate_runs in &results.constant_rate {
        let call = call_name(rate_runs.scenario);
        render_rate_row(
            page,
            "jobbers-one-mock",
            call,
            rate_runs.rate,
            &rate_runs.reports,
        )?;
        render_rate_row(
            page,
            "bare axum (ceiling)",
            "echo",
            rate_runs.rate,
            &rate_runs.ceiling_reports,
        )?;
    }
    Ok(())
}

/// Writes the table row of one server's constant-rate runs at `rate`.
fn render_rate_row(
    page: &mut String,
    server: &str,
    call: &str,
    rate: f64,
    reports: &[Value],
) -> Result<()> {
    let column = |key: &str| -> Result<Spread> {
        let values = reports
            .iter()
            .map(|report| number(report, key))
            .collect::<Result<Vec<_>>>()?;
        Ok(Spread::of(values))
    };
    let errors: f64 = reports
        .iter()
        .map(|report| number(report, "errors"))
        .sum::<Result<f64>>()?;
    writeln!(
        page,
        "| {server} | {call} | {rate:.0} | {:.0} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {errors:.0} |",
        column("achieved_rate")?.median,
        column("p50_ms")?.median,
        column("p90_ms")?.median,
        column("p99_ms")?.show(2, ""),
        column("p999_ms")?.median,
        column("max_ms")?.max,
    )?;
    Ok(())
}

fn render_client_overhead(page: &mut String, results: &Results) -> Result<()> {
    writeln!(page, "\n## Generated client against raw reqwest\n")?;
    writeln!(
        page,
        "`jobbers-one-bench client-overhead`: {} sequential calls of each variant per round, \
         {} rounds, to the mock: through `Session::call`, and as a raw reqwest request with \
         the same method, path, `Accept` and `Authorization` headers, each decoding the body \
         into the same generated type. Both reqwest clients are built the way `Session::new` \
         builds one (30 s timeout, default pool). The variants take turns call by call, and \
         the one that goes first alternates. Times: median per call of each round, then median \
         (min–max) over the rounds.\n",
        results.overhead_calls, results.overhead_rounds
    )?;
    writeln!(
        page,
        "| operation | `Session` µs/call | raw reqwest µs/call | overhead |"
    )?;
    writeln!(page, "|---|---|---|---|")?;
    for operation in results
        .client_overhead
        .as_array()
        .context("client overhead report is not a list")?
    {
        let times = |key: &str| -> Result<Spread> {
            let values = operation[key]
                .as_array()
                .with_context(|| format!("`{key}` missing"))?
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            Ok(Spread::of(values))
        };
        let overhead = Spread::of(
            overhead_per_round(operation)?
                .iter()
                .map(|ratio| ratio * 100.0)
                .collect(),
        );
        writeln!(
            page,
            "| `{}` | {} | {} | {} |",
            operation["operation"].as_str().unwrap_or("unknown"),
            times("client_us")?.show(1, ""),
            times("raw_us")?.show(1, ""),
            overhead.show(1, " %")
        )?;
    }
    Ok(())
}

fn render_memory(page: &mut String, results: &Results, requested: u64) -> Result<()> {
    let memory = &results.memory;
    let samples = memory_samples(memory)?;
    writeln!(page, "\n## Memory of the mock\n")?;
    writeln!(
        page,
        "`jobbers-one-bench mixed-load`: {requested} requests on a freshly started mock over \
         {} connections, in tens of one token request (`POST /oneapi/authentication/token`), \
         four authenticated echoes, three get-client and two existence checks over the \
         10,000 clients. Calls that add records (creations, assignments) are left out, \
         because their records are the data set growing as designed. `VmRSS` and `VmHWM` \
         come from `/proc/PID/status` every 250 ms; {} samples. {:.0} requests completed in \
         {:.1} s, {:.0} failed; the mock's log (default level, stderr to a file) reached \
         {:.1} MiB.\n",
        results.connections,
        samples.len(),
        number(memory, "completed")?,
        number(memory, "elapsed_s")?,
        number(memory, "errors")?,
        results.mixed_log_bytes as f64 / (1024.0 * 1024.0)
    )?;
    writeln!(
        page,
        "| requests completed | VmRSS MiB | VmHWM MiB |\n|---|---|---|"
    )?;
    let last = samples.len().saturating_sub(1);
    let mut shown = Vec::new();
    for step in 0..=8 {
        let index = last * step / 8;
        if shown.last() != Some(&index) {
            shown.push(index);
        }
    }
    for index in shown {
        let (completed, rss, hwm) = samples[index];
        writeln!(
            page,
            "| {completed:.0} | {:.1} | {:.1} |",
            rss / 1024.0,
            hwm / 1024.0
        )?;
    }
    Ok(())
}

fn render_build(page: &mut String, results: &Results) -> Result<()> {
    writeln!(
        page,
        "\n## Incremental rebuild after a description change\n"
    )?;
    match &results.rebuild {
        Some(rebuild) => {
            let lock_note = if rebuild.waited_for_lock {
                " cargo waited for another build's lock on the target directory during it, \
                 and the time includes that wait."
            } else {
                ""
            };
            let recompiled = if rebuild.recompiled.is_empty() {
                "nothing".to_owned()
            } else {
                rebuild
                    .recompiled
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(
                page,
                "One sentence appended to the one-line description at line {} of \
                 `openapi/jobbers-one.yaml`, then `cargo build -p jobbers-one-mock` (dev \
                 profile, after an untimed build of the same command): **{:.1} s**. Cargo \
                 compiled {recompiled}. The document is restored byte for byte afterwards, \
                 also on error or Ctrl-C.{lock_note}",
                rebuild.edited_line,
                rebuild.duration.as_secs_f64()
            )?;
        }
        None => writeln!(page, "Not measured with `--quick`.")?,
    }
    Ok(())
}

fn render_method(page: &mut String, results: &Results) -> Result<()> {
    writeln!(page, "\n## How it was measured\n")?;
    writeln!(
        page,
        "- All servers run on 127.0.0.1 as separate processes started by the task, while the \
         load generator runs on the same {} CPUs; nothing pins them to cores.",
        results.machine_before.cpus
    )?;
    writeln!(
        page,
        "- The ceiling is `jobbers-one-bench ceiling`: axum with one route, the echo path, \
         that returns the constant body `{{\"data\":\"echo bench\"}}` with no checks, no \
         state and no log, built in the same profile as the mock and with the same \
         allocator, mimalloc, on the same tokio runtime settings (one worker thread per CPU). \
         Both turn transparent huge pages off for their process, so their resident memory \
         moves in 4 KiB pages."
    )?;
    writeln!(
        page,
        "- The mock runs as a user runs it: `jobbers-one-mock --seed FILE` with its default \
         log level (`info`, one line per request), stderr to a file under `target/bench`. The \
         data set is the `empty` one plus 10,000 clients and a stock of 100,000,000 passes, \
         generated by `jobbers-one-bench seed`. A second mock with `RUST_LOG=warn`, which \
         writes no line per request, serves the row that shows what the request log costs."
    )?;
    writeln!(
        page,
        "- Client creations and pass assignments come from the wrk Lua scripts in \
         `xtask/bench`, with a new email or payment reference in every request."
    )?;
    writeln!(
        page,
        "- Prism is `@stoplight/prism-cli` 5.14.2 (pinned in `xtask/tools/package.json`, \
         installed into `target/tools/node`), run as `prism mock` on the same document, which \
         has no remote references. Prism returns the documented examples."
    )?;
    writeln!(
        page,
        "- A run whose requests failed is counted as it is: the non-2xx column shows it, and \
         a target with failed requests is not met."
    )?;
    Ok(())
}
