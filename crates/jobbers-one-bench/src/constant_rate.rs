//! Constant-rate load: requests are scheduled at fixed intervals whatever the server does,
//! and each latency runs from the scheduled start, so a slow response delays the measurement
//! of the requests queued behind it instead of hiding them.
//!
//! One thread drives every connection from one epoll loop, as wrk2 does with each of its
//! threads. A timerfd wakes the loop at the next scheduled start, and the starts are dealt to
//! the connections in turn. A connection sends the request of its oldest waiting start as soon
//! as its previous response is complete. The request is encoded once and responses are framed
//! by their `Content-Length`, so the driver spends a few system calls per request and leaves
//! the rest of the CPUs to the server it measures.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::http::Uri;
use rustix::buffer::spare_capacity;
use rustix::event::epoll;
use rustix::time::{
    Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create,
    timerfd_settime,
};
use serde::Serialize;

use crate::stats::quantile;

/// The request, its rate and the length of the run.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// URL to request.
    #[arg(long)]
    pub url: String,
    /// Bearer token to send.
    #[arg(long)]
    pub token: String,
    /// Requests per second.
    #[arg(long)]
    pub rate: f64,
    /// Seconds to send for.
    #[arg(long, value_parser = crate::parse_seconds)]
    pub duration: Duration,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
}

/// How long responses may keep arriving after the last scheduled start. The loop then stops,
/// and the starts still waiting count as unanswered.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// Epoll data of the timer; connections use their index.
const TIMER_KEY: u64 = u64::MAX;

/// Bytes read from a socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// Response headers that the parser accepts.
const MAX_HEADERS: usize = 64;

/// The shortest interval between two starts that one thread paces.
const MIN_INTERVAL: Duration = Duration::from_micros(1);

/// Latency percentiles in milliseconds over the responses, and the rate achieved.
#[derive(Debug, Serialize)]
struct Report {
    requested_rate: f64,
    /// Responses per second, from the first start to the last response or to the end of the
    /// schedule, whichever is later.
    achieved_rate: f64,
    responses: usize,
    non_2xx: u64,
    /// Starts that got no response: their connection broke, or the drain limit passed.
    unanswered: u64,
    /// `non_2xx` plus `unanswered`.
    errors: u64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
}

/// Sends the load and prints the report as JSON.
pub fn run(options: &Options) -> anyhow::Result<()> {
    if !(options.rate.is_finite() && options.rate > 0.0) {
        bail!("--rate must be a positive number of requests per second");
    }
    let interval = Duration::try_from_secs_f64(1.0 / options.rate)
        .ok()
        .filter(|interval| *interval >= MIN_INTERVAL)
        .with_context(|| {
            format!(
                "--rate {} is out of range: use from 1e-19 to 1,000,000 requests per second, \
                 the most that one thread paces",
                options.rate
            )
        })?;
    let total = (options.rate * options.duration.as_secs_f64()).ceil() as u64;
    if total == 0 {
        bail!("--duration 0 schedules no request");
    }
    if options.connections == 0 {
        bail!("--connections must be at least 1");
    }
    let uri: Uri = options
        .url
        .parse()
        .with_context(|| format!("invalid URL {}", options.url))?;
    if uri.scheme_str() != Some("http") {
        bail!("{} is not an http:// URL", options.url);
    }
    let authority = uri
        .authority()
        .with_context(|| format!("{} has no host", options.url))?;
    if authority.as_str().contains('@') {
        bail!(
            "{} has user information, which this driver does not send",
            options.url
        );
    }
    // The host keeps the brackets of an IPv6 address, which `TcpStream::connect` expects.
    let address = format!(
        "{}:{}",
        authority.host(),
        authority.port_u16().unwrap_or(80)
    );
    let path = uri.path_and_query().map_or("/", |path| path.as_str());
    let request = encode_request(authority.as_str(), path, &options.token);

    // Connections open before the clock starts, so connecting is not measured.
    let mut connections = Vec::with_capacity(options.connections);
    for _ in 0..options.connections {
        let stream = TcpStream::connect(&address)
            .with_context(|| format!("failed to connect to {address}"))?;
        stream.set_nodelay(true)?;
        stream.set_nonblocking(true)?;
        connections.push(Connection::new(stream));
    }

    let mut driver = Driver::new(connections, request, interval, total)?;
    let started = Instant::now();
    driver.run(started)?;
    let Some(last_response) = driver.last_response else {
        bail!("no response arrived: all {total} scheduled requests went unanswered");
    };
    let schedule = interval.mul_f64(total as f64);
    let elapsed = last_response.duration_since(started).max(schedule);

    let mut latencies = driver.latencies_ms;
    latencies.sort_by(f64::total_cmp);
    let report = Report {
        requested_rate: options.rate,
        achieved_rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        responses: latencies.len(),
        non_2xx: driver.non_2xx,
        unanswered: driver.unanswered,
        errors: driver.non_2xx + driver.unanswered,
        p50_ms: quantile(&latencies, 0.5),
        p90_ms: quantile(&latencies, 0.9),
        p99_ms: quantile(&latencies, 0.99),
        p999_ms: quantile(&latencies, 0.999),
        max_ms: latencies.last().copied().unwrap_or(f64::NAN),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// Encodes the `GET` request that every connection sends.
fn encode_request(authority: &str, path: &str, token: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nhost: {authority}\r\naccept: application/json\r\n\
         authorization: Bearer {token}\r\n\r\n"
    )
    .into_bytes()
}

/// One keep-alive connection and the scheduled starts dealt to it.
#[derive(Debug)]
struct Connection {
    stream: TcpStream,
    /// Starts dealt to this connection that have no response yet, oldest first. The oldest
    /// one's request is on the wire when `sending` or `awaiting` is set.
    starts: VecDeque<Instant>,
    /// Bytes of the current request written so far, while the socket had no room for all.
    sending: Option<usize>,
    /// The current request is written and its response has not been read whole.
    awaiting: bool,
    /// Bytes received and not yet framed into a response.
    received: Vec<u8>,
    /// The connection broke; its starts count as unanswered.
    failed: bool,
}

impl Connection {
    fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            starts: VecDeque::new(),
            sending: None,
            awaiting: false,
            received: Vec::with_capacity(READ_CHUNK),
            failed: false,
        }
    }

    fn busy(&self) -> bool {
        self.sending.is_some() || self.awaiting
    }
}

/// The event loop: the schedule, the connections and what they measured.
#[derive(Debug)]
struct Driver {
    epoll: OwnedFd,
    timer: OwnedFd,
    connections: Vec<Connection>,
    request: Vec<u8>,
    interval: Duration,
    total: u64,
    /// Index of the next start to deal.
    next: u64,
    /// Index of the start that the timer is armed for.
    armed_for: Option<u64>,
    /// Latency of each response, in milliseconds.
    latencies_ms: Vec<f64>,
    non_2xx: u64,
    unanswered: u64,
    last_response: Option<Instant>,
}

impl Driver {
    fn new(
        connections: Vec<Connection>,
        request: Vec<u8>,
        interval: Duration,
        total: u64,
    ) -> io::Result<Self> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        let timer = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        epoll::add(
            &epoll,
            &timer,
            epoll::EventData::new_u64(TIMER_KEY),
            epoll::EventFlags::IN,
        )?;
        for (index, connection) in connections.iter().enumerate() {
            epoll::add(
                &epoll,
                &connection.stream,
                epoll::EventData::new_u64(index as u64),
                epoll::EventFlags::IN | epoll::EventFlags::RDHUP,
            )?;
        }
        Ok(Self {
            epoll,
            timer,
            connections,
            request,
            interval,
            total,
            next: 0,
            armed_for: None,
            // The reservation is capped, so a huge schedule grows the list as responses come.
            latencies_ms: Vec::with_capacity(usize::try_from(total.min(1 << 24)).unwrap_or(0)),
            non_2xx: 0,
            unanswered: 0,
            last_response: None,
        })
    }

    /// Deals every start of the schedule from `started` on and reads every response, or
    /// stops [`DRAIN_LIMIT`] after the last start and counts what is left as unanswered.
    fn run(&mut self, started: Instant) -> anyhow::Result<()> {
        let schedule_end = self.due(started, self.total);
        let mut events = Vec::with_capacity(self.connections.len() + 1);
        loop {
            let now = Instant::now();
            self.deal_due(started, now)?;
            if self.next == self.total {
                if self.connections.iter().all(|c| c.starts.is_empty()) {
                    return Ok(());
                }
                if now >= schedule_end + DRAIN_LIMIT {
                    for connection in &mut self.connections {
                        self.unanswered += connection.starts.len() as u64;
                        connection.starts.clear();
                    }
                    return Ok(());
                }
                self.arm(self.total, schedule_end + DRAIN_LIMIT, now)?;
            } else {
                self.arm(self.next, self.due(started, self.next), now)?;
            }

            events.clear();
            epoll::wait(&self.epoll, spare_capacity(&mut events), None)
                .context("epoll_wait failed")?;
            for event in &events {
                let key = event.data.u64();
                if key == TIMER_KEY {
                    self.armed_for = None;
                    let mut expirations = [0; 8];
                    match rustix::io::read(&self.timer, &mut expirations) {
                        Ok(_) | Err(rustix::io::Errno::AGAIN) => {}
                        Err(error) => return Err(error).context("reading the timerfd failed"),
                    }
                } else if let Ok(index) = usize::try_from(key) {
                    self.service(index, event.flags)?;
                }
            }
        }
    }

    /// Returns the scheduled time of start `index` in a run from `started`. Start `total`,
    /// one past the last, is the end of the schedule.
    fn due(&self, started: Instant, index: u64) -> Instant {
        started + self.interval.mul_f64(index as f64)
    }

    /// Deals the starts that are due at `now` to the connections in turn, and sends on each
    /// idle connection that got one.
    fn deal_due(&mut self, started: Instant, now: Instant) -> anyhow::Result<()> {
        while self.next < self.total {
            let due = self.due(started, self.next);
            if due > now {
                break;
            }
            let index = (self.next % self.connections.len() as u64) as usize;
            self.next += 1;
            let connection = &mut self.connections[index];
            if connection.failed {
                self.unanswered += 1;
                continue;
            }
            connection.starts.push_back(due);
            if !connection.busy() {
                self.send(index)?;
            }
        }
        Ok(())
    }

    /// Makes the timer fire at `due` for start `index`, unless it already does.
    fn arm(&mut self, index: u64, due: Instant, now: Instant) -> io::Result<()> {
        if self.armed_for == Some(index) {
            return Ok(());
        }
        // A zero time disarms a timerfd, so the shortest wait is one nanosecond.
        let wait = due
            .saturating_duration_since(now)
            .max(Duration::from_nanos(1));
        let value = Itimerspec {
            it_interval: Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: Timespec {
                tv_sec: i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(wait.subsec_nanos()),
            },
        };
        timerfd_settime(&self.timer, TimerfdTimerFlags::empty(), &value)?;
        self.armed_for = Some(index);
        Ok(())
    }

    /// Writes the request of connection `index`'s oldest start, or as much of it as the socket
    /// takes. The rest goes out when the socket is writable again.
    fn send(&mut self, index: usize) -> anyhow::Result<()> {
        let connection = &mut self.connections[index];
        let mut written = connection.sending.unwrap_or(0);
        while written < self.request.len() {
            match connection.stream.write(&self.request[written..]) {
                Ok(0) => return self.fail(index, "the socket took no byte of the request"),
                Ok(count) => written += count,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    if connection.sending.is_none() {
                        self.watch(index, true)?;
                    }
                    self.connections[index].sending = Some(written);
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return self.fail(index, format!("writing failed: {error}")),
            }
        }
        if connection.sending.take().is_some() {
            self.watch(index, false)?;
        }
        self.connections[index].awaiting = true;
        Ok(())
    }

    /// Sets whether the loop wakes when connection `index` can be written to.
    fn watch(&self, index: usize, writable: bool) -> io::Result<()> {
        let mut flags = epoll::EventFlags::IN | epoll::EventFlags::RDHUP;
        if writable {
            flags |= epoll::EventFlags::OUT;
        }
        epoll::modify(
            &self.epoll,
            &self.connections[index].stream,
            epoll::EventData::new_u64(index as u64),
            flags,
        )?;
        Ok(())
    }

    /// Handles readiness of connection `index`: finishes a partial request, reads what
    /// arrived and records a complete response.
    fn service(&mut self, index: usize, flags: epoll::EventFlags) -> anyhow::Result<()> {
        let Some(connection) = self.connections.get_mut(index) else {
            return Ok(());
        };
        if connection.failed {
            return Ok(());
        }
        if connection.sending.is_some() && flags.contains(epoll::EventFlags::OUT) {
            self.send(index)?;
            if self.connections[index].failed {
                return Ok(());
            }
        }
        let readable = epoll::EventFlags::IN
            | epoll::EventFlags::RDHUP
            | epoll::EventFlags::HUP
            | epoll::EventFlags::ERR;
        if !flags.intersects(readable) {
            return Ok(());
        }
        let connection = &mut self.connections[index];
        let mut chunk = [0; READ_CHUNK];
        let count = match connection.stream.read(&mut chunk) {
            Ok(0) => return self.fail(index, "the server closed the connection"),
            Ok(count) => count,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                return Ok(());
            }
            Err(error) => return self.fail(index, format!("reading failed: {error}")),
        };
        let now = Instant::now();
        connection.received.extend_from_slice(&chunk[..count]);

        let frame = loop {
            let connection = &mut self.connections[index];
            let frame = match frame_response(&connection.received) {
                Ok(Some(frame)) => frame,
                Ok(None) => return Ok(()),
                Err(error) => return self.fail(index, error),
            };
            if !connection.awaiting {
                return self.fail(index, "a response arrived before its request was written");
            }
            connection.received.drain(..frame.length);
            // An interim response (`100 Continue` and the like) precedes the final one.
            if (100..200).contains(&frame.status) && frame.status != 101 {
                continue;
            }
            break frame;
        };

        let connection = &mut self.connections[index];
        connection.awaiting = false;
        let due = connection
            .starts
            .pop_front()
            .context("a response arrived for no scheduled start")?;
        self.latencies_ms
            .push(now.duration_since(due).as_secs_f64() * 1000.0);
        self.last_response = Some(now);
        if !(200..300).contains(&frame.status) {
            self.non_2xx += 1;
        }
        // Requests are never pipelined, so bytes after the response belong to no request.
        if !connection.received.is_empty() {
            return self.fail(
                index,
                "bytes arrived after the response to the only request",
            );
        }
        if !connection.starts.is_empty() {
            self.send(index)?;
        }
        Ok(())
    }

    /// Marks connection `index` broken, prints the reason on stderr and counts its waiting
    /// starts as unanswered. A broken connection stays closed for the rest of the run.
    fn fail(&mut self, index: usize, reason: impl std::fmt::Display) -> anyhow::Result<()> {
        let connection = &mut self.connections[index];
        if connection.failed {
            return Ok(());
        }
        connection.failed = true;
        connection.sending = None;
        connection.awaiting = false;
        connection.received.clear();
        let waiting = connection.starts.len();
        eprintln!(
            "connection {index} failed: {reason}; its {waiting} waiting requests and every later \
             one dealt to it count as unanswered"
        );
        self.unanswered += waiting as u64;
        connection.starts.clear();
        epoll::delete(&self.epoll, &connection.stream).context("epoll_ctl failed")
    }
}

/// The status and the length in bytes of a complete response at the start of a buffer.
#[derive(Debug, PartialEq, Eq)]
struct Frame {
    status: u16,
    length: usize,
}

/// Error of framing received bytes as a response.
#[derive(Debug, PartialEq, Eq)]
enum FrameError {
    /// httparse rejected the head.
    Head(httparse::Error),
    /// The body is not delimited by a `Content-Length`, such as a chunked body.
    NoContentLength,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Head(error) => write!(f, "invalid response head: {error}"),
            Self::NoContentLength => {
                f.write_str("the response has no Content-Length, and only such bodies are read")
            }
        }
    }
}

/// Finds the first response in `buffer`: `None` while it is incomplete.
fn frame_response(buffer: &[u8]) -> Result<Option<Frame>, FrameError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let head = match response.parse(buffer) {
        Ok(httparse::Status::Complete(head)) => head,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(error) => return Err(FrameError::Head(error)),
    };
    let status = response.code.unwrap_or(0);
    let body = if matches!(status, 100..=199 | 204 | 304) {
        0
    } else {
        response
            .headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case("content-length"))
            .and_then(|header| std::str::from_utf8(header.value).ok())
            .and_then(|value| value.trim().parse::<usize>().ok())
            .ok_or(FrameError::NoContentLength)?
    };
    let length = head.saturating_add(body);
    Ok((buffer.len() >= length).then_some(Frame { status, length }))
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        content-length: 13\r\n\r\n{\"text\":\"hi\"}";

    #[test]
    fn request_has_every_header() {
        assert_eq!(
            encode_request("127.0.0.1:8080", "/oneapi/v0/echo/bench", "t0k"),
            b"GET /oneapi/v0/echo/bench HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\
              accept: application/json\r\nauthorization: Bearer t0k\r\n\r\n"
        );
    }

    #[test]
    fn response_framed_by_content_length() {
        assert_eq!(
            frame_response(OK),
            Ok(Some(Frame {
                status: 200,
                length: OK.len()
            }))
        );
    }

    #[test]
    fn response_missing_body_bytes_is_incomplete() {
        assert_eq!(frame_response(&OK[..OK.len() - 1]), Ok(None));
    }

    #[test]
    fn response_missing_head_bytes_is_incomplete() {
        assert_eq!(frame_response(&OK[..20]), Ok(None));
    }

    #[test]
    fn only_the_first_of_two_responses_is_framed() {
        let two = [OK, OK].concat();
        assert_eq!(
            frame_response(&two),
            Ok(Some(Frame {
                status: 200,
                length: OK.len()
            }))
        );
    }

    #[test]
    fn status_of_an_error_response_is_kept() {
        let response = b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(
            frame_response(response),
            Ok(Some(Frame {
                status: 401,
                length: response.len()
            }))
        );
    }

    #[test]
    fn no_content_response_has_no_body() {
        let response = b"HTTP/1.1 204 No Content\r\n\r\n";
        assert_eq!(
            frame_response(response),
            Ok(Some(Frame {
                status: 204,
                length: response.len()
            }))
        );
    }

    #[test]
    fn chunked_body_is_rejected() {
        let response = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
        assert_eq!(frame_response(response), Err(FrameError::NoContentLength));
    }

    #[test]
    fn malformed_head_is_rejected() {
        assert_eq!(
            frame_response(b"HTTP/1.1 2x0 OK\r\n\r\n"),
            Err(FrameError::Head(httparse::Error::Status))
        );
    }

    /// Writes `reply` for each request on every connection, closing a connection after
    /// `limit` requests; returns the address.
    fn serve(limit: usize, reply: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                thread::spawn(move || {
                    // Only the end of a request head matters, so the server keeps the last
                    // three bytes of what it read and looks for `\r\n\r\n` across chunks.
                    let mut tail = Vec::with_capacity(64 * 1024 + 3);
                    let mut answered = 0;
                    let mut chunk = vec![0; 64 * 1024];
                    while answered < limit {
                        let Ok(count) = stream.read(&mut chunk) else {
                            return;
                        };
                        if count == 0 {
                            return;
                        }
                        tail.extend_from_slice(&chunk[..count]);
                        while let Some(end) = tail.windows(4).position(|w| w == b"\r\n\r\n") {
                            tail.drain(..end + 4);
                            if answered == limit || stream.write_all(reply).is_err() {
                                return;
                            }
                            answered += 1;
                        }
                        let keep = tail.len().min(3);
                        tail.drain(..tail.len() - keep);
                    }
                });
            }
        });
        address
    }

    /// Runs `total` starts at 4,000 per second over 4 connections to `address`, each request
    /// with `token`.
    fn drive(address: &str, token: &str, total: u64) -> Driver {
        let connections = (0..4)
            .map(|_| {
                let stream = TcpStream::connect(address).unwrap();
                stream.set_nonblocking(true).unwrap();
                Connection::new(stream)
            })
            .collect();
        let request = encode_request(address, "/", token);
        let interval = Duration::from_micros(250);
        let mut driver = Driver::new(connections, request, interval, total).unwrap();
        driver.run(Instant::now()).unwrap();
        driver
    }

    /// Two responses in one write.
    const TWO_RESPONSES: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}\
                                   HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";

    /// Returns the responses, the non-2xx responses and the unanswered starts of a run.
    fn counts(driver: &Driver) -> (usize, u64, u64) {
        (driver.latencies_ms.len(), driver.non_2xx, driver.unanswered)
    }

    #[test]
    fn every_start_gets_a_latency() {
        let driver = drive(&serve(usize::MAX, OK), "t0k", 400);
        assert_eq!(counts(&driver), (400, 0, 0));
    }

    #[test]
    fn closed_connection_starts_are_unanswered() {
        // Each of the 4 connections responds to 10 of its 100 starts, then closes.
        let driver = drive(&serve(10, OK), "t0k", 400);
        assert_eq!(counts(&driver), (40, 0, 360));
    }

    #[test]
    fn error_status_is_counted() {
        let reply = b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}";
        let driver = drive(&serve(usize::MAX, reply), "t0k", 400);
        assert_eq!(counts(&driver), (400, 400, 0));
    }

    #[test]
    fn interim_response_is_skipped() {
        let reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let driver = drive(&serve(usize::MAX, reply), "t0k", 400);
        assert_eq!(counts(&driver), (400, 0, 0));
    }

    #[test]
    fn second_response_breaks_connection() {
        // Every request gets two responses, so each connection fails after its first one.
        let driver = drive(&serve(usize::MAX, TWO_RESPONSES), "t0k", 400);
        assert_eq!(counts(&driver), (4, 0, 396));
    }

    #[test]
    fn reset_after_two_responses_ends_run() {
        // The server writes two responses and closes with the rest of the request unread,
        // which resets the connection.
        let driver = drive(&serve(1, TWO_RESPONSES), "t0k", 400);
        assert_eq!(counts(&driver), (4, 0, 396));
    }

    /// Options for a run of one second against `url`.
    fn options(url: &str, rate: f64) -> Options {
        Options {
            url: url.to_owned(),
            token: "t0k".to_owned(),
            rate,
            duration: Duration::from_secs(1),
            connections: 1,
        }
    }

    #[test]
    fn rate_out_of_range_is_rejected() {
        for rate in [1e-20, 1e9, 0.0, f64::NAN] {
            let error = run(&options("http://127.0.0.1:9/", rate)).unwrap_err();
            assert!(error.to_string().starts_with("--rate"), "{rate}: {error}");
        }
    }

    #[test]
    fn url_with_user_information_is_rejected() {
        let error = run(&options("http://user:pw@127.0.0.1:9/", 10.0)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "http://user:pw@127.0.0.1:9/ has user information, which this driver does not send"
        );
    }

    #[test]
    fn request_larger_than_socket_buffer_is_sent() {
        // An 8 MiB request does not fit in a loopback socket's send buffer, so each one is
        // written in parts as the server reads it.
        let token = "t".repeat(8 << 20);
        let driver = drive(&serve(usize::MAX, OK), &token, 8);
        assert_eq!(counts(&driver), (8, 0, 0));
    }
}
