//! The per-call cost of the generated client: the same sequential requests sent through a
//! `Session` and through raw reqwest, each decoded into the same generated type.

use std::future::Future;
use std::time::Instant;

use anyhow::{Context, bail};
use jobbers_one_client::{Session, types};
use reqwest::header::ACCEPT;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{self, ApiArgs};
use crate::mixed_load::client_url;
use crate::seed::client_email;
use crate::stats::median;

/// Calls of each variant before the first round, to open connections and fill caches.
const WARM_UP_CALLS: usize = 200;

/// Client whose record the get-client calls read.
const CLIENT_INDEX: u64 = 1;

/// The per-round medians of one operation, in microseconds per call.
#[derive(Debug, Serialize)]
struct OperationResult {
    operation: &'static str,
    client_us: Vec<f64>,
    raw_us: Vec<f64>,
}

/// Runs `rounds` rounds of `calls` sequential calls of each variant and prints the median
/// time per call of each variant in each round as JSON.
pub async fn run(api: &ApiArgs, calls: usize, rounds: usize) -> anyhow::Result<()> {
    let session = Session::with_http_client(
        &api.base_url,
        api.api_key.as_str(),
        api.api_secret.as_str(),
        api::http_client()?,
    )?;
    let raw = api::http_client()?;
    let token = api::request_token(&raw, api).await?;

    let email = client_email(CLIENT_INDEX);
    let echo_url = format!("{}/oneapi/v0/echo/bench", api.base_url);
    let client_url = client_url(&api.base_url, CLIENT_INDEX);

    let echo_with_client = || async {
        session
            .call(async |client| client.echo_get_text().text("bench").send().await)
            .await
            .map(|_| ())
            .context("echo through the session failed")
    };
    let echo_with_raw = || raw_get::<types::EchoResponse>(&raw, &echo_url, &token);
    let get_with_client = || async {
        session
            .call(async |client| {
                client
                    .get_client()
                    .client_id_or_client_email(email.as_str())
                    .send()
                    .await
            })
            .await
            .map(|_| ())
            .context("get client through the session failed")
    };
    let get_with_raw = || raw_get::<types::ClientResponse>(&raw, &client_url, &token);

    let echo = compare(
        "echo_get_text",
        calls,
        rounds,
        echo_with_client,
        echo_with_raw,
    )
    .await?;
    let get_client = compare("get_client", calls, rounds, get_with_client, get_with_raw).await?;

    println!("{}", serde_json::to_string(&[echo, get_client])?);
    Ok(())
}

/// Warms both variants up, then times them in rounds. Within a round the two variants take
/// turns call by call, and the one that goes first in each pair alternates, so that both
/// see the same moments of a noisy machine.
async fn compare<C, CF, R, RF>(
    operation: &'static str,
    calls: usize,
    rounds: usize,
    client_call: C,
    raw_call: R,
) -> anyhow::Result<OperationResult>
where
    C: Fn() -> CF,
    CF: Future<Output = anyhow::Result<()>>,
    R: Fn() -> RF,
    RF: Future<Output = anyhow::Result<()>>,
{
    for _ in 0..WARM_UP_CALLS {
        client_call().await?;
        raw_call().await?;
    }

    let mut result = OperationResult {
        operation,
        client_us: Vec::with_capacity(rounds),
        raw_us: Vec::with_capacity(rounds),
    };
    for _ in 0..rounds {
        let mut client_times = Vec::with_capacity(calls);
        let mut raw_times = Vec::with_capacity(calls);
        for call in 0..calls {
            if call % 2 == 0 {
                client_times.push(time_call(&client_call).await?);
                raw_times.push(time_call(&raw_call).await?);
            } else {
                raw_times.push(time_call(&raw_call).await?);
                client_times.push(time_call(&client_call).await?);
            }
        }
        result.client_us.push(median(&mut client_times));
        result.raw_us.push(median(&mut raw_times));
    }
    Ok(result)
}

/// Runs one call and returns its duration in microseconds.
async fn time_call<F, Fut>(call: &F) -> anyhow::Result<f64>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let started = Instant::now();
    call().await?;
    Ok(started.elapsed().as_secs_f64() * 1e6)
}

/// Sends a `GET` with the headers the generated client sends and decodes the body as `T`.
async fn raw_get<T: DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> anyhow::Result<()> {
    let response = http
        .get(url)
        .header(ACCEPT, "application/json")
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("GET {url} failed"))?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!("GET {url} returned {status}");
    }
    serde_json::from_slice::<T>(&body)
        .with_context(|| format!("the response of GET {url} does not match its schema"))?;
    Ok(())
}
