//! Load from Debian's `wrk`: installing it when missing, running it and reading its report.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// The figures of one `wrk --latency` report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrkResult {
    pub requests_per_s: f64,
    pub requests: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Responses with a status other than 2xx or 3xx.
    pub non_success: u64,
    /// Connect, read, write and timeout errors, summed.
    pub socket_errors: u64,
}

/// One wrk run: where, how long, with how many connections, and the Lua script if any.
#[derive(Debug)]
pub struct WrkRun<'a> {
    pub url: &'a str,
    pub bearer_token: &'a str,
    pub duration: Duration,
    pub connections: u32,
    pub script: Option<&'a Path>,
    /// Arguments passed to the script's `init` after `--`.
    pub script_args: Vec<String>,
}

/// Checks that `wrk` runs, installing Debian's package with apt-get when it is missing.
pub fn ensure_installed() -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    eprintln!("wrk not found; installing Debian's wrk package with apt-get");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
    };
    let installed = match install() {
        Ok(status) if status.success() => true,
        // The package lists may be missing on a fresh machine.
        Ok(_) => {
            let updated = Command::new("apt-get")
                .args(["update", "-qq"])
                .status()
                .is_ok_and(|status| status.success());
            updated && install().is_ok_and(|status| status.success())
        }
        Err(_) => false,
    };
    if !installed || Command::new("wrk").arg("--version").output().is_err() {
        bail!(
            "wrk is not installed and `apt-get install -y wrk` failed; install Debian's wrk \
             package (as root: apt-get install -y wrk) and run cargo xtask bench again"
        );
    }
    Ok(())
}

/// Runs wrk with one thread and returns its report.
pub fn run(spec: &WrkRun<'_>) -> Result<WrkResult> {
    let mut command = Command::new("wrk");
    command
        .arg("--threads=1")
        .arg(format!("--connections={}", spec.connections))
        .arg(format!("--duration={}s", spec.duration.as_secs().max(1)))
        .arg("--timeout=5s")
        .arg("--latency")
        .arg("--header")
        .arg(format!("Authorization: Bearer {}", spec.bearer_token));
    if let Some(script) = spec.script {
        command.arg("--script").arg(script);
    }
    command.arg(spec.url);
    if !spec.script_args.is_empty() {
        command.arg("--").args(&spec.script_args);
    }

    let output = command.output().context("failed to run wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk on {} failed with {}: {}{}",
            spec.url,
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&stdout).with_context(|| format!("cannot read the wrk report on {}:\n{stdout}", spec.url))
}

/// Reads the report that `wrk --latency` prints.
fn parse(report: &str) -> Result<WrkResult> {
    let mut requests_per_s = None;
    let mut requests = None;
    let mut p50_ms = None;
    let mut p99_ms = None;
    let mut non_success = 0;
    let mut socket_errors = 0;

    for line in report.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("Requests/sec:") {
            requests_per_s = Some(value.trim().parse::<f64>()?);
        } else if let Some(value) = line.strip_prefix("50%") {
            p50_ms = Some(parse_duration_ms(value.trim())?);
        } else if let Some(value) = line.strip_prefix("99%") {
            p99_ms = Some(parse_duration_ms(value.trim())?);
        } else if let Some(value) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_success = value.trim().parse()?;
        } else if let Some(counts) = line.strip_prefix("Socket errors:") {
            // `connect 0, read 0, write 0, timeout 0`
            for count in counts.split(',') {
                let number = count.split_whitespace().nth(1).unwrap_or("0");
                socket_errors += number.parse::<u64>()?;
            }
        } else if line.contains(" requests in ") {
            let number = line.split_whitespace().next().unwrap_or_default();
            requests = Some(number.parse::<u64>()?);
        }
    }

    Ok(WrkResult {
        requests_per_s: requests_per_s.context("no `Requests/sec:` line")?,
        requests: requests.context("no `N requests in` line")?,
        p50_ms: p50_ms.context("no `50%` latency line")?,
        p99_ms: p99_ms.context("no `99%` latency line")?,
        non_success,
        socket_errors,
    })
}

/// Converts a wrk duration such as `512.00us`, `1.20ms`, `2.00s` or `1.00m` to milliseconds.
fn parse_duration_ms(text: &str) -> Result<f64> {
    let units = [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)];
    for (suffix, factor) in units {
        if let Some(Ok(value)) = text.strip_suffix(suffix).map(str::parse::<f64>) {
            return Ok(value * factor);
        }
    }
    bail!("`{text}` is not a wrk duration such as 1.20ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
Running 4s test @ http://127.0.0.1:40000/oneapi/v0/echo/bench
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   712.34us  301.00us   9.87ms   88.00%
    Req/Sec    44.10k     2.00k   47.00k    70.00%
  Latency Distribution
     50%  650.00us
     75%  800.00us
     90%    1.00ms
     99%    1.95ms
  175000 requests in 4.00s, 25.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:  43750.00
Transfer/sec:      6.25MB
";

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn report_is_parsed() {
        let result = parse(REPORT).unwrap();
        assert_close(result.requests_per_s, 43750.0);
        assert_eq!(result.requests, 175_000);
        assert_close(result.p50_ms, 0.65);
        assert_close(result.p99_ms, 1.95);
        assert_eq!(result.non_success, 12);
        assert_eq!(result.socket_errors, 3);
    }

    #[test]
    fn report_without_rate_is_rejected() {
        let error = parse("  Latency Distribution\n     50%  1.00ms\n").unwrap_err();
        assert_eq!(error.to_string(), "no `Requests/sec:` line");
    }

    #[test]
    fn durations_convert_to_milliseconds() {
        assert_close(parse_duration_ms("500.00us").unwrap(), 0.5);
        assert_close(parse_duration_ms("2.00s").unwrap(), 2000.0);
        assert_close(parse_duration_ms("1.00m").unwrap(), 60_000.0);
        assert!(parse_duration_ms("fast").is_err());
    }
}
