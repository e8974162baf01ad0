//! Source of the current time, injectable so that tests expire tokens and passes without sleeping.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use chrono::{Local, NaiveDateTime, TimeDelta};

/// Source of the current time as a local date and time with no offset, the way the API shows dates.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Returns the current local date and time.
    fn now(&self) -> NaiveDateTime;
}

/// The machine's clock, in its local time zone.
///
/// NOTE: a local time without offset jumps back by an hour when daylight saving time ends, so a
/// token or a login link can then stay valid up to an hour longer than its delay.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Returns the time with its fraction of a second. Dates on the wire drop the fraction
    /// when they are formatted, but a token's expiry counts from the exact moment of its last
    /// use, so that it never expires early.
    fn now(&self) -> NaiveDateTime {
        Local::now().naive_local()
    }
}

/// A clock that moves only when a test sets or advances it.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<NaiveDateTime>,
}

impl ManualClock {
    /// Creates a clock stopped at `start`.
    pub fn new(start: NaiveDateTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward (or back, for a negative delta) by `delta`.
    pub fn advance(&self, delta: TimeDelta) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += delta;
    }

    /// Sets the clock to `instant`.
    pub fn set(&self, instant: NaiveDateTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = instant;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    use super::*;

    #[test]
    fn system_clock_keeps_fraction_of_second() {
        // One read in a thousand lands on a whole second at most by chance.
        let fractional = (0..1000).any(|_| SystemClock.now().nanosecond() != 0);
        assert!(fractional);
    }
}
