//! A local Jobbers One sandbox that behaves like the real API: it keeps state in memory,
//! enforces the API's rules and serves the OpenAPI document with interactive docs.
//!
//! [`domain::Sandbox`] keeps the state and the rules with no HTTP, [`seed`] loads the data set
//! it starts from, and [`http`] puts it behind the generated router. [`spawn`] starts the
//! sandbox on a loopback port for tests:
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let mock = jobbers_one_mock::spawn(jobbers_one_mock::MockConfig::default()).await?;
//! println!("sandbox at {}", mock.base_url());
//! mock.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

pub mod cli;
pub mod clock;
pub mod countries;
pub mod dates;
pub mod domain;
pub mod http;
pub mod log;
pub mod seed;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use clock::{Clock, SystemClock};
use domain::Sandbox;
use http::Faults;
use seed::DataSet;

/// Everything a sandbox starts from.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Records the sandbox starts with.
    pub data_set: DataSet,
    /// Delay after its last use at which an access token expires.
    pub token_ttl: Duration,
    /// Latency and failures added to API calls.
    pub faults: Faults,
    /// Source of the current time; tests pass a [`clock::ManualClock`].
    pub clock: Arc<dyn Clock>,
}

impl Default for MockConfig {
    /// Returns the default data set on `127.0.0.1:0`, tokens valid for an hour, no faults and
    /// the system clock.
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_set: DataSet::default_data_set(),
            token_ttl: Duration::from_secs(3600),
            faults: Faults::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

/// A sandbox serving on a port. Dropping it stops the server without waiting.
#[derive(Debug)]
pub struct RunningMock {
    addr: SocketAddr,
    sandbox: Arc<Sandbox>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningMock {
    /// Returns the address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the base URL of the API, such as `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        base_url(self.addr)
    }

    /// Returns the sandbox, to inspect or change the state behind the server.
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// Stops accepting connections, lets requests in progress finish, and waits for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "the server failed"),
                Err(error) => tracing::error!(%error, "the server task failed"),
            }
        }
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `config.addr` and serves the sandbox in a background task until
/// [`RunningMock::shutdown`] or drop.
pub async fn spawn(config: MockConfig) -> std::io::Result<RunningMock> {
    let listener = TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let sandbox = build_sandbox(&config);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_on(
        listener,
        Arc::clone(&sandbox),
        config.faults,
        async {
            let _ = stopped.await;
        },
    ));
    Ok(RunningMock {
        addr,
        sandbox,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Serves the sandbox on `listener` until `shutdown` completes, then finishes the requests in
/// progress.
pub async fn serve_on(
    listener: TcpListener,
    sandbox: Arc<Sandbox>,
    faults: Faults,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let app = http::app(sandbox, &base_url(addr), faults);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Creates the sandbox that `config` describes.
pub fn build_sandbox(config: &MockConfig) -> Arc<Sandbox> {
    let token_ttl = TimeDelta::from_std(config.token_ttl).unwrap_or(TimeDelta::MAX);
    Arc::new(Sandbox::new(
        &config.data_set,
        Arc::clone(&config.clock),
        token_ttl,
    ))
}

/// Returns the URL that browsers and clients reach `addr` at. An unspecified address such as
/// `0.0.0.0` is reached through loopback.
pub fn base_url(addr: SocketAddr) -> String {
    let reachable = if addr.ip().is_unspecified() {
        if addr.is_ipv4() {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        } else {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
    } else {
        addr
    };
    format!("http://{reachable}")
}
