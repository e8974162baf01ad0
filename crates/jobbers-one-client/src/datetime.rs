//! The document's `jobbers-datetime` strings, `2018-07-12 10:09:24`, as a date and time.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
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

impl fmt::Display for DateTime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0.format(WIRE_FORMAT))
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
    fn serde_uses_wire_text() {
        let parsed: DateTime = serde_json::from_str("\"2018-09-03 18:33:43\"").unwrap();
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            "\"2018-09-03 18:33:43\""
        );
    }
}
