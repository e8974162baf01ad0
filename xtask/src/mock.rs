//! Builds the mock, starts it on a free loopback port for the tasks that call
//! it (`docs`, `sdk`, `fuzz`), and stops it when dropped.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// How long the mock may take to print its banner after it starts.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Start of the banner line that carries the base URL.
const LISTENING_PREFIX: &str = "Jobbers One sandbox listening on ";

/// Proxy variables removed from a client's environment, so that its calls go
/// to the mock's loopback address and nowhere else.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// A running mock, killed when dropped.
#[derive(Debug)]
pub struct Mock {
    child: Child,
    /// Base URL, always `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// API key of the first enterprise of the data set.
    pub api_key: String,
    /// API secret of the first enterprise of the data set.
    pub api_secret: String,
}

impl Mock {
    /// Builds `jobbers-one-mock` with cargo and starts it on `127.0.0.1:0`
    /// with the default data set, logging to `log_path`.
    pub fn start(workspace_root: &Path, log_path: &Path) -> Result<Self> {
        let binary = build(workspace_root)?;
        let log = File::create(log_path)
            .with_context(|| format!("failed to create {}", log_path.display()))?;
        let mut child = Command::new(&binary)
            .args(["--addr", "127.0.0.1:0", "--seed", "default"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("failed to start {}", binary.display()))?;

        // A thread reads stdout until the mock closes it, so later output
        // cannot fill the pipe and block the mock.
        let stdout = child
            .stdout
            .take()
            .context("mock stdout was not captured")?;
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });

        let mut mock = Self {
            child,
            base_url: String::new(),
            api_key: String::new(),
            api_secret: String::new(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while mock.base_url.is_empty() || mock.api_key.is_empty() {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(remaining) else {
                bail!(
                    "the mock printed no base URL and credentials within {}s; see {}",
                    START_TIMEOUT.as_secs(),
                    log_path.display()
                );
            };
            if let Some(url) = line.strip_prefix(LISTENING_PREFIX) {
                mock.base_url = url.trim().to_owned();
            } else if mock.api_key.is_empty()
                && let Some((key, secret)) = parse_credentials(&line)
            {
                mock.api_key = key;
                mock.api_secret = secret;
            }
        }

        // Clients must reach this mock and nothing else.
        if !mock.base_url.starts_with("http://127.0.0.1:") {
            bail!(
                "the mock listens on {}, expected an http://127.0.0.1 address",
                mock.base_url
            );
        }
        Ok(mock)
    }

    /// Prepares `command` to call this mock: removes the proxy variables and
    /// sets `JOBBERS_API_KEY` and `JOBBERS_API_SECRET` to the credentials of
    /// the data set's first enterprise.
    pub fn configure_client(&self, command: &mut Command) {
        for variable in PROXY_VARIABLES {
            command.env_remove(variable);
        }
        command
            .env("JOBBERS_API_KEY", &self.api_key)
            .env("JOBBERS_API_SECRET", &self.api_secret);
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("failed to stop the mock: {error}");
        }
        let _ = self.child.wait();
    }
}

/// Parses a banner line `  Enterprise 20: API key demo-key  API secret demo-secret`
/// into the key and the secret.
fn parse_credentials(line: &str) -> Option<(String, String)> {
    let rest = line.trim().strip_prefix("Enterprise ")?;
    let (_, rest) = rest.split_once(": API key ")?;
    let (key, secret) = rest.split_once("  API secret ")?;
    Some((key.trim().to_owned(), secret.trim().to_owned()))
}

/// Runs `cargo build -p jobbers-one-mock` and returns the path of the binary
/// from cargo's JSON messages.
fn build(workspace_root: &Path) -> Result<PathBuf> {
    eprintln!("Building jobbers-one-mock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "-p",
            "jobbers-one-mock",
            "--bin",
            "jobbers-one-mock",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(workspace_root)
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run `cargo build -p jobbers-one-mock`")?;
    if !output.status.success() {
        bail!(
            "`cargo build -p jobbers-one-mock` failed with {}",
            output.status
        );
    }

    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter_map(|message| message["executable"].as_str().map(PathBuf::from))
        .next_back()
        .context("`cargo build -p jobbers-one-mock` reported no executable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_parse_from_banner_line() {
        let line = "  Enterprise 20: API key demo-key  API secret demo-secret";

        assert_eq!(
            parse_credentials(line),
            Some(("demo-key".to_owned(), "demo-secret".to_owned()))
        );
    }

    #[test]
    fn credentials_absent_from_other_lines() {
        assert_eq!(parse_credentials("  Data set:     default"), None);
    }
}
