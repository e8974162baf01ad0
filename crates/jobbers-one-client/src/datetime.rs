//! The document's `jobbers-datetime` strings, `2018-07-12 10:09:24`, as a date and time.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike as _, NaiveDateTime, Timelike as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `chrono` format of the wire form `Y-m-d H:i:s`.
const WIRE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A date and time in the Jobbers server's local time, with no offset, sent on the wire as
/// `Y-m-d H:i:s` (`2018-07-12 10:09:24`).
///
/// Decoding accepts exactly the document's pattern, four-digit year and two-digit fields, and
/// a real calendar date, so encoding gives back the wire text byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(NaiveDateTime);

impl DateTime {
    /// Wraps a date and time, which the API reads as the server's local time.
    pub fn new(value: NaiveDateTime) -> Self {
        Self(value)
    }

    /// Returns the date and time, with no offset.
    pub fn naive(self) -> NaiveDateTime {
        self.0
    }
}

impl From<NaiveDateTime> for DateTime {
    fn from(value: NaiveDateTime) -> Self {
        Self(value)
    }
}

impl From<DateTime> for NaiveDateTime {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

/// Error of parsing a string that is not a `Y-m-d H:i:s` date and time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid jobbers-datetime {text:?}: {reason}")]
pub struct ParseDateTimeError {
    text: String,
    reason: &'static str,
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // chrono accepts single-digit months and signed years, which would not encode back to
        // the same text, so the shape `^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`
        // is checked first.
        if !has_wire_shape(text) {
            return Err(ParseDateTimeError {
                text: text.to_owned(),
                reason: "expected the form YYYY-MM-DD HH:MM:SS",
            });
        }
        NaiveDateTime::parse_from_str(text, WIRE_FORMAT)
            .map(Self)
            .map_err(|_| ParseDateTimeError {
                text: text.to_owned(),
                reason: "not a calendar date and time",
            })
    }
}

fn has_wire_shape(text: &str) -> bool {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd:dd";
    text.len() == SHAPE.len()
        && text
            .bytes()
            .zip(SHAPE)
            .all(|(byte, &expected)| match expected {
                b'd' => byte.is_ascii_digit(),
                separator => byte == separator,
            })
}

impl DateTime {
    /// Returns the wire text, written digit by digit, when it is `Y-m-d H:i:s`: a year from 0
    /// to 9999 and no leap second. Other values, which no wire text decodes to, are left to
    /// `chrono`'s formatting. A server sends several dates in each client record, and parsing
    /// the format string for each one took about half of the record's encoding (callgrind).
    fn wire_text(self) -> Option<[u8; 19]> {
        let year = u32::try_from(self.0.year())
            .ok()
            .filter(|year| *year <= 9999)?;
        if self.0.nanosecond() >= 1_000_000_000 {
            return None;
        }
        let mut text = *b"0000-00-00 00:00:00";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[5..7], self.0.month());
        put_digits(&mut text[8..10], self.0.day());
        put_digits(&mut text[11..13], self.0.hour());
        put_digits(&mut text[14..16], self.0.minute());
        put_digits(&mut text[17..19], self.0.second());
        Some(text)
    }
}

/// Writes `value` in decimal into `out`, right-aligned over the `0`s that `out` contains.
fn put_digits(out: &mut [u8], mut value: u32) {
    for byte in out.iter_mut().rev() {
        // A remainder of 10 is a single digit.
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.wire_text() {
            // The wire text is ASCII digits and separators.
            Some(text) => formatter.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?),
            None => write!(formatter, "{}", self.0.format(WIRE_FORMAT)),
        }
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_text_round_trips() {
        for text in [
            "2018-07-12 10:09:24",
            "0999-01-01 00:00:00",
            "2016-02-29 23:59:59",
        ] {
            let parsed: DateTime = text.parse().expect(text);
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for text in [
            "2018-7-12 10:09:24",
            "2018-07-12T10:09:24",
            "+2018-07-12 10:09:24",
            "2018-07-12 10:09:24 ",
            "2018-07-12",
        ] {
            let error = text.parse::<DateTime>().expect_err(text);
            assert_eq!(
                error.reason, "expected the form YYYY-MM-DD HH:MM:SS",
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in [
            "2018-02-30 10:09:24",
            "0000-00-00 00:00:00",
            "2018-07-12 24:00:00",
        ] {
            let error = text.parse::<DateTime>().expect_err(text);
            assert_eq!(error.reason, "not a calendar date and time", "{text}");
        }
    }

    #[test]
    fn years_beyond_four_digits_use_chrono_form() {
        let date = |year| {
            DateTime::new(
                chrono::NaiveDate::from_ymd_opt(year, 1, 2)
                    .unwrap()
                    .and_hms_opt(3, 4, 5)
                    .unwrap(),
            )
        };
        assert_eq!(date(10_000).to_string(), "+10000-01-02 03:04:05");
        assert_eq!(date(-1).to_string(), "-0001-01-02 03:04:05");
        assert_eq!(date(9_999).to_string(), "9999-01-02 03:04:05");
    }

    #[test]
    fn leap_second_shows_as_sixty() {
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap();
        assert_eq!(DateTime::new(leap).to_string(), "2016-12-31 23:59:60");
    }

    #[test]
    fn serde_uses_wire_text() {
        let parsed: DateTime = serde_json::from_str("\"2018-09-03 18:33:43\"").unwrap();
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            "\"2018-09-03 18:33:43\""
        );
    }
}
