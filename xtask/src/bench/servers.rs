//! The servers under load, each a child process on a loopback port, killed on drop.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Maximum wait for a server to listen. Prism needs a few seconds to load the document.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// A running server process and the base URL it serves.
#[derive(Debug)]
pub struct Server {
    pub name: &'static str,
    pub base_url: String,
    child: Child,
}

impl Server {
    /// Starts a program that prints `... listening on http://ADDR` on stdout once it listens,
    /// as the mock and the ceiling server do. Its stderr goes to `log`.
    pub fn start_announcing(name: &'static str, mut command: Command, log: &Path) -> Result<Self> {
        let log_file =
            File::create(log).with_context(|| format!("failed to create {}", log.display()))?;
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("failed to start the {name}"))?;
        let stdout = child.stdout.take().context("no stdout pipe")?;

        // The first lines contain the address. A thread reads the rest, so that the program
        // does not block on a full pipe.
        let mut lines = BufReader::new(stdout);
        let mut base_url = None;
        let mut line = String::new();
        while base_url.is_none() {
            line.clear();
            if lines.read_line(&mut line)? == 0 {
                let _ = child.kill();
                let _ = child.wait();
                bail!("the {name} exited before listening; see {}", log.display());
            }
            base_url = line
                .split_once("listening on ")
                .map(|(_, url)| url.trim().to_owned());
        }
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut lines, &mut std::io::sink());
        });

        Ok(Self {
            name,
            base_url: base_url.unwrap_or_default(),
            child,
        })
    }

    /// Starts a program that listens on `addr` without announcing it, such as Prism, and waits
    /// until the port accepts connections. Its stdout and stderr go to `log`.
    pub fn start_on(
        name: &'static str,
        mut command: Command,
        addr: SocketAddr,
        log: &Path,
    ) -> Result<Self> {
        let log_file =
            File::create(log).with_context(|| format!("failed to create {}", log.display()))?;
        let child = command
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("failed to start the {name}"))?;
        let mut server = Self {
            name,
            base_url: format!("http://{addr}"),
            child,
        };

        let started = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "the {name} exited with {status} before listening; see {}",
                    log.display()
                );
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "the {name} did not listen on {addr} within {} s; see {}",
                    START_TIMEOUT.as_secs(),
                    log.display()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(server)
    }

    /// Returns the process id, for `/proc/PID/status`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("failed to stop the {}: {error}", self.name);
        }
        let _ = self.child.wait();
    }
}

/// Returns a loopback address with a port that was free a moment ago, for a server that
/// cannot bind port 0 and report it.
pub fn free_loopback_addr() -> Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .context("failed to find a free loopback port")?;
    Ok(listener.local_addr()?)
}
