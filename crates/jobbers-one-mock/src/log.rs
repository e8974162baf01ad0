//! The mock's log line format, one event per line:
//!
//! ```text
//! 2026-12-04T21:46:03.123456Z  INFO jobbers_one_server::runtime::layers: request finished method=GET path=/oneapi/v0/echo/{text} status=200 latency_ms=0.085
//! ```
//!
//! UTC time with microseconds, level, target, message, then the fields as `name=value`. A
//! value that is empty or contains a space, a quote, an `=` or a control character is written
//! quoted with Rust string escapes, so one event is always one line and a field cannot pose
//! as another. Control characters in the message are escaped the same way.
//!
//! The mock writes a line for every request, so the format is built to be cheap: the date and
//! time down to the second are formatted once a second per thread, and plain values are
//! copied as they are. `tracing-subscriber`'s default format escapes values one character at
//! a time, which cost a third of the mock's instructions per request.
//!
//! [`BufferedWriter`] collects the lines in memory and a thread of its own writes them in blocks: under load, one
//! system call carries hundreds of lines instead of one each. A line waits at most
//! [`FLUSH_INTERVAL`] before it is written.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::DateTime;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// Formats events as described in the [module documentation](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct LineFormat;

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        write_timestamp(&mut writer, SystemTime::now())?;
        writer.write_str(match *metadata.level() {
            tracing::Level::ERROR => " ERROR ",
            tracing::Level::WARN => "  WARN ",
            tracing::Level::INFO => "  INFO ",
            tracing::Level::DEBUG => " DEBUG ",
            tracing::Level::TRACE => " TRACE ",
        })?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                writer.write_str(span.name())?;
                writer.write_char(':')?;
            }
        }
        writer.write_str(metadata.target())?;
        writer.write_char(':')?;

        // The buffers of the thread are reused from event to event; a `Debug` impl that logs
        // while it is formatted gets buffers of its own.
        let write_fields = |fields: &mut Fields, writer: &mut Writer<'_>| {
            fields.clear();
            event.record(fields);
            fields.result?;
            if !fields.message.is_empty() {
                writer.write_char(' ')?;
                writer.write_str(&fields.message)?;
            }
            writer.write_str(&fields.rest)?;
            writer.write_char('\n')
        };
        FIELDS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut fields) => write_fields(&mut fields, &mut writer),
            Err(_) => write_fields(&mut Fields::new(), &mut writer),
        })
    }
}

thread_local! {
    static FIELDS: RefCell<Fields> = RefCell::new(Fields::new());
}

/// The message and the other fields of one event, each already formatted.
struct Fields {
    message: String,
    rest: String,
    result: fmt::Result,
}

impl Fields {
    fn new() -> Self {
        Self {
            message: String::new(),
            rest: String::new(),
            result: Ok(()),
        }
    }

    fn clear(&mut self) {
        self.message.clear();
        self.rest.clear();
        self.result = Ok(());
    }

    fn push_name(&mut self, field: &Field) {
        self.rest.push(' ');
        self.rest.push_str(field.name());
        self.rest.push('=');
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            push_escaped(&mut self.message, value);
        } else {
            self.push_name(field);
            push_value(&mut self.rest, value);
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push_name(field);
        self.result = self.result.and(write!(self.rest, "{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push_name(field);
        self.result = self.result.and(write!(self.rest, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push_name(field);
        self.rest.push_str(if value { "true" } else { "false" });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let start = self.message.len();
            self.result = self.result.and(write!(self.message, "{value:?}"));
            escape_from(&mut self.message, start, false);
        } else {
            self.push_name(field);
            let start = self.rest.len();
            self.result = self.result.and(write!(self.rest, "{value:?}"));
            escape_from(&mut self.rest, start, true);
        }
    }
}

/// Appends `value`, quoted and escaped when it needs to be.
fn push_value(line: &mut String, value: &str) {
    if needs_quotes(value) {
        quote(line, value);
    } else {
        line.push_str(value);
    }
}

/// Appends `text` with its control characters escaped.
fn push_escaped(line: &mut String, text: &str) {
    if text.chars().any(char::is_control) {
        for c in text.chars() {
            if c.is_control() {
                line.extend(c.escape_debug());
            } else {
                line.push(c);
            }
        }
    } else {
        line.push_str(text);
    }
}

/// Escapes the part of `line` from `start` on: as a value (quoted when it needs to be) when
/// `value` is true, as a message (control characters only) otherwise.
fn escape_from(line: &mut String, start: usize, value: bool) {
    let written = &line[start..];
    let rewrite = if value {
        needs_quotes(written)
    } else {
        written.chars().any(char::is_control)
    };
    if rewrite {
        let written = line.split_off(start);
        if value {
            quote(line, &written);
        } else {
            push_escaped(line, &written);
        }
    }
}

fn needs_quotes(value: &str) -> bool {
    // In ASCII, the control characters and the white space are the bytes up to the space,
    // and DEL.
    let special_ascii = |byte: u8| byte <= b' ' || byte == 0x7f || byte == b'"' || byte == b'=';
    value.is_empty()
        || value.bytes().any(special_ascii)
        || (!value.is_ascii() && value.chars().any(|c| c.is_control() || c.is_whitespace()))
}

fn quote(line: &mut String, value: &str) {
    line.push('"');
    line.extend(value.escape_debug());
    line.push('"');
}

thread_local! {
    /// The last second formatted on this thread, and its text up to the seconds.
    static LAST_SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

/// Returns the current time as [`write_timestamp`] writes it.
fn timestamp_now() -> String {
    let mut text = String::new();
    // Writing to a `String` cannot fail.
    let _ = write_timestamp(&mut Writer::new(&mut text), SystemTime::now());
    text
}

/// Writes `now` as `2026-12-04T21:46:03.123456Z`.
fn write_timestamp(writer: &mut Writer<'_>, now: SystemTime) -> fmt::Result {
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    LAST_SECOND.with_borrow_mut(|(last, text)| {
        if *last != seconds {
            text.clear();
            let datetime = i64::try_from(seconds)
                .ok()
                .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
                .unwrap_or_default();
            write!(text, "{}", datetime.format("%Y-%m-%dT%H:%M:%S"))?;
            *last = seconds;
        }
        writer.write_str(text)
    })?;
    let micros = since_epoch.subsec_micros();
    let mut digits = [b'0'; 6];
    let mut rest = micros;
    for digit in digits.iter_mut().rev() {
        // `rest % 10` is a single decimal digit.
        *digit = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
    }
    writer.write_char('.')?;
    // Six ASCII digits are valid UTF-8.
    writer.write_str(std::str::from_utf8(&digits).unwrap_or("000000"))?;
    writer.write_char('Z')
}

/// Maximum time a log line waits in [`BufferedWriter`]'s buffer.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(100);

/// Bytes of waiting lines that wake the writer thread before [`FLUSH_INTERVAL`] ends.
const WAKE_BYTES: usize = 64 * 1024;

/// Bytes of waiting lines beyond which new lines are dropped and counted, so that a destination
/// that blocks (a full pipe that no process reads, a disk busy writing back) costs neither
/// unbounded memory nor the requests' time. At the mock's full rate of about 80,000 requests
/// a second, this is some 80 ms of lines.
const MAX_PENDING_BYTES: usize = 1024 * 1024;

/// Capacity that each of the two buffers keeps between batches: the largest batch, with room
/// for the line that crosses [`MAX_PENDING_BYTES`].
const BUFFER_CAPACITY: usize = MAX_PENDING_BYTES + WAKE_BYTES;

/// A log destination shared by all threads. Logging threads append their lines to a buffer in
/// memory, and a thread of its own writes the buffer to the destination: every
/// [`FLUSH_INTERVAL`], as soon as 64 KiB are waiting, and when the [`FlushOnDrop`]
/// guard is dropped. A request never waits for the destination, which the kernel can hold for
/// milliseconds while it writes back a large log file. Past [`MAX_PENDING_BYTES`] of waiting
/// lines, new lines are dropped, and the writer thread reports how many with a `WARN` line.
#[derive(Debug, Clone)]
pub struct BufferedWriter {
    shared: Arc<Shared>,
}

/// The state that logging threads and the writer thread share.
#[derive(Debug, Default)]
struct Shared {
    state: Mutex<Pending>,
    /// Wakes the writer thread.
    ready: Condvar,
}

/// Lines not yet handed to the writer thread.
#[derive(Debug, Default)]
struct Pending {
    bytes: Vec<u8>,
    /// Lines dropped since the writer thread last reported a count.
    dropped: u64,
    closing: bool,
}

impl Shared {
    /// Locks the buffer. A thread that panicked while holding the lock left at worst a
    /// partial line, so the buffer is used anyway.
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl BufferedWriter {
    /// Starts the thread that writes to `destination`. Keep the guard until the program
    /// ends: dropping it writes what is left.
    ///
    /// # Errors
    ///
    /// Fails when the thread cannot be started.
    pub fn new<W: Write + Send + 'static>(destination: W) -> io::Result<(Self, FlushOnDrop)> {
        Self::with_flush_interval(destination, FLUSH_INTERVAL)
    }

    /// Returns [`BufferedWriter::new`] with another maximum wait.
    ///
    /// # Errors
    ///
    /// Fails when the thread cannot be started.
    pub fn with_flush_interval<W: Write + Send + 'static>(
        mut destination: W,
        interval: Duration,
    ) -> io::Result<(Self, FlushOnDrop)> {
        let shared = Arc::new(Shared::default());
        shared.lock().bytes = resident_buffer();
        let for_thread = Arc::clone(&shared);
        let (finished, done) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("jobbers-one-mock-log".to_owned())
            .spawn(move || {
                // Dropped when the thread ends, so the guard's receiver reports a disconnection.
                let _finished = finished;
                write_until_closed(&for_thread, &mut destination, interval);
            })?;
        let guard = FlushOnDrop {
            shared: Arc::clone(&shared),
            thread: Some(thread),
            done,
        };
        Ok((Self { shared }, guard))
    }
}

/// Returns an empty buffer of [`BUFFER_CAPACITY`] bytes whose pages are already resident, so
/// the mock's memory does not grow by up to 2 MiB the first time the destination falls far
/// behind. The fill byte is a space, because the allocator may serve a request for zeros with
/// pages that were never written.
fn resident_buffer() -> Vec<u8> {
    let mut buffer = Vec::with_capacity(BUFFER_CAPACITY);
    buffer.resize(BUFFER_CAPACITY, b' ');
    // Keeps the compiler from dropping the writes, which nothing reads.
    std::hint::black_box(&mut buffer);
    buffer.clear();
    buffer
}

/// Hands the waiting lines to `destination` until the guard closes the writer. Two buffers
/// take turns, so no line is copied twice and no allocation happens once both have grown.
fn write_until_closed(shared: &Shared, destination: &mut impl Write, interval: Duration) {
    let mut batch = resident_buffer();
    loop {
        let closing = {
            // The predicate also keeps a spurious wake-up from writing a batch early.
            let mut pending = shared
                .ready
                .wait_timeout_while(shared.lock(), interval, |pending| {
                    !pending.closing && pending.bytes.len() < WAKE_BYTES
                })
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            std::mem::swap(&mut pending.bytes, &mut batch);
            if pending.dropped > 0 {
                // The report goes after the lines that were kept, in the same format.
                let report = format!(
                    "{}  WARN jobbers_one_mock::log: log lines dropped because the log \
                     destination was too slow dropped={}\n",
                    timestamp_now(),
                    pending.dropped
                );
                batch.extend_from_slice(report.as_bytes());
                pending.dropped = 0;
            }
            pending.closing
        };
        if !batch.is_empty() {
            // A log that cannot be written has nowhere to report the failure.
            let _ = destination.write_all(&batch);
            let _ = destination.flush();
            batch.clear();
            // A single huge line may have grown the buffer. Its memory is returned, so the
            // buffers stay the same size under any load.
            batch.shrink_to(BUFFER_CAPACITY);
        }
        if closing {
            return;
        }
    }
}

impl<'a> MakeWriter<'a> for BufferedWriter {
    type Writer = LockedBuffer<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        let pending = self.shared.lock();
        if pending.bytes.len() >= WAKE_BYTES {
            self.shared.ready.notify_one();
        }
        LockedBuffer(pending)
    }
}

/// [`BufferedWriter`]'s buffer, locked for one event.
#[derive(Debug)]
pub struct LockedBuffer<'a>(MutexGuard<'a, Pending>);

impl Write for LockedBuffer<'_> {
    /// Appends `bytes`, one whole event, or counts it as dropped when the buffer is full.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.0.bytes.len() >= MAX_PENDING_BYTES {
            self.0.dropped += 1;
        } else {
            self.0.bytes.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Maximum time that dropping [`FlushOnDrop`] waits for the last lines to be written. A
/// destination that blocks longer (a full pipe that no process reads) loses them, so that the
/// process can still exit.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Closes [`BufferedWriter`] when dropped: its thread writes what is left and ends, or is left
/// behind after [`CLOSE_TIMEOUT`] when the destination blocks.
#[derive(Debug)]
pub struct FlushOnDrop {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
    done: mpsc::Receiver<()>,
}

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.ready.notify_one();
        if let Err(mpsc::RecvTimeoutError::Timeout) = self.done.recv_timeout(CLOSE_TIMEOUT) {
            return;
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    /// Runs `log` under a subscriber with [`LineFormat`] and returns the line it wrote,
    /// without the timestamp, after checking the timestamp's shape.
    fn logged(log: impl FnOnce()) -> String {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .event_format(LineFormat)
            .with_max_level(tracing::Level::TRACE)
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, log);
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let (timestamp, rest) = text.split_at(27);
        assert_eq!(timestamp.len(), 27, "{text}");
        assert_eq!(&timestamp[4..5], "-", "{text}");
        assert_eq!(&timestamp[10..11], "T", "{text}");
        assert_eq!(&timestamp[19..20], ".", "{text}");
        assert_eq!(&timestamp[26..], "Z", "{text}");
        rest.to_owned()
    }

    #[test]
    fn request_line() {
        let line = logged(|| {
            tracing::info!(
                target: "requests",
                method = %"GET",
                path = "/oneapi/v0/echo/{text}",
                status = 200_u16,
                "request finished"
            );
        });
        assert_eq!(
            line,
            "  INFO requests: request finished method=GET path=/oneapi/v0/echo/{text} status=200\n"
        );
    }

    #[test]
    fn values_with_spaces_quotes_or_newlines_are_quoted() {
        let line = logged(|| {
            tracing::warn!(
                target: "t",
                spaced = "a b",
                quoted = %"say \"hi\"",
                broken = "one\ntwo",
                empty = "",
                equals = "a=b",
                "m"
            );
        });
        assert_eq!(
            line,
            "  WARN t: m spaced=\"a b\" quoted=\"say \\\"hi\\\"\" broken=\"one\\ntwo\" empty=\"\" equals=\"a=b\"\n"
        );
    }

    #[test]
    fn non_ascii_values() {
        let line = logged(|| {
            tracing::info!(target: "t", city = "Besançon", separated = "a\u{2028}b", "m");
        });
        assert_eq!(
            line,
            "  INFO t: m city=Besançon separated=\"a\\u{2028}b\"\n"
        );
    }

    #[test]
    fn control_characters_in_the_message_are_escaped() {
        let line = logged(|| {
            let text = "first\nsecond\u{1b}[31m";
            tracing::error!(target: "t", "bad input: {text}");
        });
        assert_eq!(line, " ERROR t: bad input: first\\nsecond\\u{1b}[31m\n");
    }

    #[test]
    fn numbers_and_booleans() {
        let line = logged(|| {
            tracing::debug!(target: "t", count = 3_u64, delta = -2_i64, ok = true, ratio = 0.5);
        });
        assert_eq!(line, " DEBUG t: count=3 delta=-2 ok=true ratio=0.5\n");
    }

    #[test]
    fn timestamp_in_utc_with_microseconds() {
        let at = UNIX_EPOCH + Duration::new(1_796_420_763, 4_560_000);
        let mut text = String::new();
        write_timestamp(&mut Writer::new(&mut text), at).unwrap();
        assert_eq!(text, "2026-12-04T21:46:03.004560Z");
    }

    #[test]
    fn timestamp_of_the_same_second_reuses_its_date() {
        let at = UNIX_EPOCH + Duration::new(1_796_420_763, 999_999_000);
        let mut first = String::new();
        write_timestamp(&mut Writer::new(&mut first), at).unwrap();
        let mut next = String::new();
        write_timestamp(&mut Writer::new(&mut next), at + Duration::from_micros(1)).unwrap();
        assert_eq!(first, "2026-12-04T21:46:03.999999Z");
        assert_eq!(next, "2026-12-04T21:46:04.000000Z");
    }

    #[test]
    fn lines_wait_in_the_buffer() {
        let captured = Captured::default();
        let (writer, _guard) =
            BufferedWriter::with_flush_interval(captured.clone(), Duration::from_secs(3600))
                .unwrap();
        writer.make_writer().write_all(b"one line\n").unwrap();
        assert!(captured.0.lock().unwrap().is_empty());
    }

    #[test]
    fn timer_writes_buffered_lines() {
        let captured = Captured::default();
        let (writer, _guard) =
            BufferedWriter::with_flush_interval(captured.clone(), Duration::from_millis(10))
                .unwrap();
        writer.make_writer().write_all(b"one line\n").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while captured.0.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(captured.0.lock().unwrap().as_slice(), b"one line\n");
    }

    #[test]
    fn dropping_the_guard_writes_what_is_left() {
        let captured = Captured::default();
        let (writer, guard) =
            BufferedWriter::with_flush_interval(captured.clone(), Duration::from_secs(3600))
                .unwrap();
        writer.make_writer().write_all(b"last line\n").unwrap();
        drop(guard);
        assert_eq!(captured.0.lock().unwrap().as_slice(), b"last line\n");
    }

    /// Polls until `captured` contains `expected` bytes or ten seconds pass, and returns how
    /// many it contains.
    fn wait_for(captured: &Captured, expected: usize) -> usize {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let len = captured.0.lock().unwrap().len();
            if len >= expected || std::time::Instant::now() >= deadline {
                return len;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn full_buffer_wakes_writer() {
        let captured = Captured::default();
        let (writer, _guard) =
            BufferedWriter::with_flush_interval(captured.clone(), Duration::from_secs(3600))
                .unwrap();
        let line = [b'x'; 1000];
        let lines = WAKE_BYTES / line.len() + 2;
        for _ in 0..lines {
            writer.make_writer().write_all(&line).unwrap();
        }
        // The last line wakes the writer thread, which takes every line written before it.
        assert!(wait_for(&captured, (lines - 1) * line.len()) >= (lines - 1) * line.len());
    }

    #[test]
    fn full_buffer_counts_dropped_lines() {
        let shared = Shared::default();
        let line = [b'x'; 1000];
        let kept = MAX_PENDING_BYTES.div_ceil(line.len());
        for _ in 0..kept + 7 {
            LockedBuffer(shared.lock()).write_all(&line).unwrap();
        }
        let pending = shared.lock();
        assert_eq!(pending.bytes.len(), kept * line.len());
        assert_eq!(pending.dropped, 7);
    }

    /// A destination that blocks every write while the test holds its gate.
    struct Gated {
        gate: Arc<Mutex<()>>,
        captured: Captured,
    }

    impl io::Write for Gated {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let _open = self.gate.lock().unwrap();
            self.captured.write(bytes)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn blocked_destination_never_blocks_logging() {
        let gate = Arc::new(Mutex::new(()));
        let captured = Captured::default();
        let closed = gate.lock().unwrap();
        let (writer, guard) = BufferedWriter::with_flush_interval(
            Gated {
                gate: Arc::clone(&gate),
                captured: captured.clone(),
            },
            Duration::from_millis(1),
        )
        .unwrap();
        let mut line = vec![b'x'; 999];
        line.push(b'\n');
        let lines = 3 * MAX_PENDING_BYTES / line.len();
        for _ in 0..lines {
            writer.make_writer().write_all(&line).unwrap();
        }

        // Every line was accepted while the destination was blocked. The kept ones and the
        // reports come out once it opens. The writer thread may take a batch after the first
        // drops, so a report can also stand between kept lines.
        drop(closed);
        drop(guard);
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let kept = text.lines().filter(|text| text.starts_with('x')).count();
        let reports: Vec<&str> = text.lines().filter(|text| !text.starts_with('x')).collect();
        let dropped: usize = reports
            .iter()
            .map(|report| {
                report
                    .rsplit_once(" dropped=")
                    .and_then(|(_, count)| count.parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("not a drop report: {report}"))
            })
            .sum();

        assert!(!reports.is_empty());
        for report in &reports {
            assert!(
                report.contains(" WARN jobbers_one_mock::log: log lines dropped"),
                "{report}"
            );
        }
        assert!(text.lines().last().unwrap().contains(" dropped="));
        assert_eq!(kept + dropped, lines);
        assert!(dropped > 0);
    }

    #[test]
    fn blocked_destination_does_not_hold_exit() {
        let gate = Arc::new(Mutex::new(()));
        let closed = gate.lock().unwrap();
        let (writer, guard) = BufferedWriter::with_flush_interval(
            Gated {
                gate: Arc::clone(&gate),
                captured: Captured::default(),
            },
            Duration::from_millis(1),
        )
        .unwrap();
        writer.make_writer().write_all(b"stuck line\n").unwrap();

        let started = std::time::Instant::now();
        drop(guard);
        let waited = started.elapsed();
        drop(closed);

        assert!(waited >= CLOSE_TIMEOUT, "{waited:?}");
        assert!(
            waited < CLOSE_TIMEOUT + Duration::from_secs(5),
            "{waited:?}"
        );
    }
}
