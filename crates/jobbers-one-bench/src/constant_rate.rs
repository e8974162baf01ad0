//! Constant-rate load: requests are scheduled at fixed intervals whatever the server does,
//! and each latency runs from the scheduled start, so a slow response delays the measurement
//! of the requests queued behind it instead of hiding them.
//!
//! Each connection is a bare hyper HTTP/1.1 connection with its own queue, and the pacer
//! deals the scheduled starts to the queues in turn, as wrk2 does.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::client::conn::http1;
use hyper::header::{ACCEPT, AUTHORIZATION, HOST};
use hyper::http::Uri;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::stats::quantile;

/// The request, its rate and the length of the run.
#[derive(Debug)]
pub struct Options {
    pub url: String,
    pub token: String,
    /// Requests per second.
    pub rate: f64,
    pub duration: Duration,
    pub connections: usize,
}

/// Latency percentiles in milliseconds, and the rate achieved.
#[derive(Debug, Serialize)]
struct Report {
    requested_rate: f64,
    achieved_rate: f64,
    requests: usize,
    errors: u64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
}

/// The latencies and the failures of one connection.
#[derive(Debug, Default)]
struct ConnectionResult {
    latencies_ms: Vec<f64>,
    errors: u64,
}

/// Sends the load and prints the report as JSON.
pub async fn run(options: Options) -> anyhow::Result<()> {
    if !(options.rate.is_finite() && options.rate > 0.0) {
        bail!("--rate must be a positive number of requests per second");
    }
    if options.connections == 0 {
        bail!("--connections must be at least 1");
    }
    let uri: Uri = options
        .url
        .parse()
        .with_context(|| format!("invalid URL {}", options.url))?;
    let authority = uri
        .authority()
        .with_context(|| format!("{} has no host", options.url))?
        .to_string();
    let path = uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), ToString::to_string);
    let bearer = format!("Bearer {}", options.token);

    // Connections open before the clock starts, so connecting is not measured.
    let mut queues = Vec::with_capacity(options.connections);
    let mut workers = Vec::with_capacity(options.connections);
    for _ in 0..options.connections {
        let stream = TcpStream::connect(&authority)
            .await
            .with_context(|| format!("failed to connect to {authority}"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let (queue, starts) = mpsc::unbounded_channel::<Instant>();
        queues.push(queue);
        let request = RequestParts {
            authority: authority.clone(),
            path: path.clone(),
            bearer: bearer.clone(),
        };
        workers.push(tokio::spawn(send_scheduled(sender, starts, request)));
    }

    // A plain thread paces the schedule: `std::thread::sleep` wakes within tens of
    // microseconds, where tokio's timer rounds up to whole milliseconds.
    let interval = Duration::from_secs_f64(1.0 / options.rate);
    let total = (options.rate * options.duration.as_secs_f64()).ceil() as u64;
    let started = Instant::now();
    let pacer = std::thread::spawn(move || {
        for index in 0..total {
            let due = started + interval.mul_f64(index as f64);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            let queue = &queues[(index % queues.len() as u64) as usize];
            if queue.send(due).is_err() {
                return;
            }
        }
    });

    let mut latencies = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut errors = 0;
    for worker in workers {
        let result = worker.await.context("a connection task failed")?;
        latencies.extend(result.latencies_ms);
        errors += result.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    if pacer.join().is_err() {
        bail!("the pacing thread panicked");
    }

    latencies.sort_by(f64::total_cmp);
    let report = Report {
        requested_rate: options.rate,
        achieved_rate: latencies.len() as f64 / elapsed,
        requests: latencies.len(),
        errors,
        p50_ms: quantile(&latencies, 0.5),
        p90_ms: quantile(&latencies, 0.9),
        p99_ms: quantile(&latencies, 0.99),
        p999_ms: quantile(&latencies, 0.999),
        max_ms: latencies.last().copied().unwrap_or(f64::NAN),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// The parts of the `GET` request that every connection sends.
#[derive(Debug)]
struct RequestParts {
    authority: String,
    path: String,
    bearer: String,
}

/// Sends one request per scheduled start on one connection until the schedule ends. A
/// failed connection counts every remaining start as an error.
async fn send_scheduled(
    mut sender: http1::SendRequest<Empty<Bytes>>,
    mut starts: mpsc::UnboundedReceiver<Instant>,
    parts: RequestParts,
) -> ConnectionResult {
    let mut result = ConnectionResult::default();
    while let Some(due) = starts.recv().await {
        let request = Request::get(parts.path.as_str())
            .header(HOST, parts.authority.as_str())
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, parts.bearer.as_str())
            .body(Empty::<Bytes>::new());
        let succeeded = match request {
            Ok(request) => send(&mut sender, request).await,
            Err(_) => false,
        };
        if !succeeded {
            result.errors += 1;
        }
        result
            .latencies_ms
            .push(due.elapsed().as_secs_f64() * 1000.0);
    }
    result
}

/// Sends `request` and reads the whole response; returns whether its status was 2xx.
async fn send(
    sender: &mut http1::SendRequest<Empty<Bytes>>,
    request: Request<Empty<Bytes>>,
) -> bool {
    if sender.ready().await.is_err() {
        return false;
    }
    let Ok(response) = sender.send_request(request).await else {
        return false;
    };
    let status = response.status();
    response.into_body().collect().await.is_ok() && status.is_success()
}
