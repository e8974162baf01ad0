//! A fixed number of mixed API calls, one in ten a token request so that tokens pile up,
//! while the server's resident memory is sampled from `/proc/PID/status`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::header::ACCEPT;
use serde::Serialize;

use crate::api::{self, ApiArgs};
use crate::seed::client_email;

/// Time between two memory samples.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(250);

/// The load and the server process to sample.
#[derive(Debug)]
pub struct Options {
    pub requests: u64,
    pub connections: usize,
    pub clients: u64,
    pub pid: u32,
    pub time_limit: Duration,
}

/// One reading of the server's memory.
#[derive(Debug, Serialize)]
struct Sample {
    /// Requests completed when the sample was taken.
    completed: u64,
    elapsed_s: f64,
    /// `VmRSS`: resident memory now, in KiB.
    rss_kib: u64,
    /// `VmHWM`: peak resident memory so far, in KiB.
    hwm_kib: u64,
}

#[derive(Debug, Serialize)]
struct Report {
    completed: u64,
    token_requests: u64,
    errors: u64,
    elapsed_s: f64,
    samples: Vec<Sample>,
}

/// The calls of the mix, picked by request number.
enum Call {
    Token,
    Echo,
    GetClient(u64),
    ClientExists(u64),
}

impl Call {
    /// Picks call `index`: one token request, four echoes, three get-client and two existence
    /// checks in every ten, over the data set's clients in turn.
    fn pick(index: u64, clients: u64) -> Self {
        let client = (index / 10) % clients.max(1);
        match index % 10 {
            0 => Self::Token,
            1..=4 => Self::Echo,
            5..=7 => Self::GetClient(client),
            _ => Self::ClientExists(client),
        }
    }
}

/// Sends the calls and prints the report, with the memory samples, as JSON.
pub async fn run(api: &ApiArgs, options: Options) -> anyhow::Result<()> {
    let http = api::http_client()?;
    let token = api::request_token(&http, api).await?;
    let status_path = format!("/proc/{}/status", options.pid);
    read_memory(&status_path)?;

    let next = Arc::new(AtomicU64::new(0));
    let completed = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let deadline = started + options.time_limit;

    let sampler = {
        let completed = Arc::clone(&completed);
        let finished = Arc::clone(&finished);
        let status_path = status_path.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !finished.load(Ordering::Relaxed) {
                tokio::time::sleep(SAMPLE_INTERVAL).await;
                if let Ok((rss_kib, hwm_kib)) = read_memory(&status_path) {
                    samples.push(Sample {
                        completed: completed.load(Ordering::Relaxed),
                        elapsed_s: started.elapsed().as_secs_f64(),
                        rss_kib,
                        hwm_kib,
                    });
                }
            }
            samples
        })
    };

    let mut workers = Vec::with_capacity(options.connections);
    for _ in 0..options.connections {
        let http = http.clone();
        let api = api.clone();
        let token = token.clone();
        let (next, completed, errors) = (
            Arc::clone(&next),
            Arc::clone(&completed),
            Arc::clone(&errors),
        );
        let (requests, clients) = (options.requests, options.clients);
        workers.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= requests || Instant::now() >= deadline {
                    return;
                }
                let request = match Call::pick(index, clients) {
                    Call::Token => http
                        .post(format!("{}/oneapi/authentication/token", api.base_url))
                        .json(&api::token_request_body(&api)),
                    Call::Echo => http
                        .get(format!("{}/oneapi/v0/echo/bench", api.base_url))
                        .bearer_auth(&token),
                    Call::GetClient(client) => http
                        .get(client_url(&api.base_url, client))
                        .bearer_auth(&token),
                    Call::ClientExists(client) => http
                        .get(client_url(&api.base_url, client) + "/exists")
                        .bearer_auth(&token),
                };
                let succeeded = match request.header(ACCEPT, "application/json").send().await {
                    Ok(response) => {
                        let status = response.status();
                        response.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if !succeeded {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                completed.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for worker in workers {
        worker.await.context("a load task failed")?;
    }
    finished.store(true, Ordering::Relaxed);
    let mut samples = sampler.await.context("the memory sampler failed")?;

    let (rss_kib, hwm_kib) = read_memory(&status_path)?;
    let done = completed.load(Ordering::Relaxed);
    samples.push(Sample {
        completed: done,
        elapsed_s: started.elapsed().as_secs_f64(),
        rss_kib,
        hwm_kib,
    });
    let report = Report {
        completed: done,
        token_requests: done.div_ceil(10),
        errors: errors.load(Ordering::Relaxed),
        elapsed_s: started.elapsed().as_secs_f64(),
        samples,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// Returns the URL of generated client `index`, with `@` encoded as the generated client
/// encodes it.
pub fn client_url(base_url: &str, index: u64) -> String {
    let email = client_email(index).replace('@', "%40");
    format!("{base_url}/oneapi/v0/clients/{email}")
}

/// Reads `VmRSS` and `VmHWM`, in KiB, from a `/proc/PID/status` file.
fn read_memory(status_path: &str) -> anyhow::Result<(u64, u64)> {
    let status = std::fs::read_to_string(status_path)
        .with_context(|| format!("failed to read {status_path}; is the server running?"))?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let Some(line) = status.lines().find(|line| line.starts_with(name)) else {
            bail!("{status_path} has no {name} line");
        };
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .with_context(|| format!("invalid {name} line in {status_path}: {line}"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_has_one_token_request_in_ten() {
        let tokens = (0..1000)
            .filter(|&index| matches!(Call::pick(index, 10_000), Call::Token))
            .count();
        assert_eq!(tokens, 100);
    }

    #[test]
    fn memory_of_own_process_is_read() {
        let (rss, hwm) = read_memory("/proc/self/status").unwrap();
        assert!(rss > 0);
        assert!(hwm >= rss);
    }
}
