//! Parts that the drivers share: the API's address and credentials, the HTTP client
//! settings and the token request.

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

/// Timeout of one request, the one that `Session::new` sets.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The API to call and its credentials.
#[derive(Debug, Clone, Args)]
pub struct ApiArgs {
    /// Base URL of the API, such as `http://127.0.0.1:8080`.
    #[arg(long)]
    pub base_url: String,
    /// API key (the `username` of the token request).
    #[arg(long, default_value = "demo-key")]
    pub api_key: String,
    /// API secret (the `password` of the token request).
    #[arg(long, default_value = "demo-secret")]
    pub api_secret: String,
}

/// Builds a reqwest client with the settings of `Session::new`: a 30-second timeout and
/// reqwest's default connection pool.
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("failed to build the HTTP client")
}

/// Returns the JSON body of a password-grant token request.
pub fn token_request_body(api: &ApiArgs) -> serde_json::Value {
    serde_json::json!({
        "grant_type": "password",
        "username": api.api_key,
        "password": api.api_secret,
    })
}

/// Requests an access token with the API key and secret.
pub async fn request_token(http: &reqwest::Client, api: &ApiArgs) -> anyhow::Result<String> {
    let url = format!("{}/oneapi/authentication/token", api.base_url);
    let response = http
        .post(&url)
        .json(&token_request_body(api))
        .send()
        .await
        .with_context(|| format!("token request to {url} failed"))?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!(
            "token request to {url} returned {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let token: jobbers_one_client::types::TokenResponse = serde_json::from_slice(&body)
        .with_context(|| format!("token response from {url} does not match its schema"))?;
    Ok(token.access_token)
}
