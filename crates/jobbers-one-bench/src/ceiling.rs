//! The ceiling server: bare axum with no checks, no state and no logging. It returns a
//! constant body, as long as the mock's echo, on the echo path.

use std::io::Write as _;
use std::net::SocketAddr;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

/// Body of every response, as long as the mock's echo of `bench`.
const BODY: &str = r#"{"data":"echo bench"}"#;

/// Serves until the process is killed.
pub async fn serve(addr: SocketAddr) -> anyhow::Result<()> {
    // The mock turns transparent huge pages off for itself, and so does its ceiling.
    let _ = nix::sys::prctl::set_thp_disable(true);
    let listener = TcpListener::bind(addr).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on http://{}", listener.local_addr()?)?;
    stdout.flush()?;

    let app = Router::new().route("/oneapi/v0/echo/{text}", get(echo));
    axum::serve(listener, app).await?;
    Ok(())
}

async fn echo() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json;charset=utf-8")], BODY)
}
