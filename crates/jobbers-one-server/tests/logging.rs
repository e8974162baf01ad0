//! One log line per request, with the matched path template and without secrets.
//!
//! A binary of its own, because a subscriber set with `set_default` misses events when other
//! tests in the same process have already registered the callsites without one.

#[allow(dead_code)]
#[path = "router/common.rs"]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{TOKEN, TestServer};

/// Log output collected in memory.
#[derive(Debug, Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn request_line_has_template_not_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start().await;
    let response = server
        .get("/oneapi/v0/clients/client%2B1%40clients.jobbers.com")
        .await;
    assert_eq!(response.status, 404);
    let not_found = server.get("/nowhere").await;
    assert_eq!(not_found.status, 404);

    let log = captured.text();
    let lines: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("request finished"))
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("method=\"GET\""), "{log}");
    assert!(
        lines[0].contains("path=\"/oneapi/v0/clients/{clientIdOrClientEmail}\""),
        "{log}"
    );
    assert!(lines[0].contains("status=404"), "{log}");
    assert!(lines[0].contains("latency_ms="), "{log}");
    assert!(lines[1].contains("path=\"(no route)\""), "{log}");
    assert!(!log.contains("clients.jobbers.com"), "{log}");
    assert!(!log.contains(TOKEN), "{log}");
}
