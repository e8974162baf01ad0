//! Dates as the API writes them: `Y-m-d H:i:s` in local time with no offset.

use std::borrow::Cow;
use std::fmt;

use chrono::{Months, NaiveDateTime, TimeDelta};
use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject, StringValidation};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `strftime` format of every date on the wire.
pub const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The regular expression that a date on the wire matches.
pub const PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$";

/// Formats `instant` as `Y-m-d H:i:s`.
pub fn format(instant: NaiveDateTime) -> String {
    instant.format(FORMAT).to_string()
}

/// Parses a `Y-m-d H:i:s` date.
pub fn parse(text: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    NaiveDateTime::parse_from_str(text, FORMAT)
}

/// A date in a data set file, written as `Y-m-d H:i:s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WireDateTime(pub NaiveDateTime);

impl Serialize for WireDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.format(FORMAT))
    }
}

impl<'de> Deserialize<'de> for WireDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        parse(&text).map(WireDateTime).map_err(|error| {
            serde::de::Error::custom(format_args!(
                "invalid date `{text}`: {error}; expected `Y-m-d H:i:s` such as `2018-07-12 10:09:24`"
            ))
        })
    }
}

impl JsonSchema for WireDateTime {
    fn schema_name() -> String {
        "DateTime".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("jobbers-datetime".to_owned()),
            string: Some(Box::new(StringValidation {
                pattern: Some(PATTERN.to_owned()),
                ..StringValidation::default()
            })),
            metadata: Some(Box::new(schemars::schema::Metadata {
                description: Some("A local date and time as `Y-m-d H:i:s`.".to_owned()),
                ..Default::default()
            })),
            ..SchemaObject::default()
        }
        .into()
    }
}

impl fmt::Display for WireDateTime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0.format(FORMAT))
    }
}

/// Unit of a stock's `duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DurationType {
    Day,
    Month,
    Year,
}

impl DurationType {
    /// Returns the name of the unit on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "DAY",
            Self::Month => "MONTH",
            Self::Year => "YEAR",
        }
    }
}

/// Adds `duration` units to `start`, with calendar months: one month after January 31 is the
/// last day of February. Returns `None` past the range of dates that chrono represents.
pub fn add_duration(
    start: NaiveDateTime,
    duration: u32,
    duration_type: DurationType,
) -> Option<NaiveDateTime> {
    match duration_type {
        DurationType::Day => start.checked_add_signed(TimeDelta::try_days(i64::from(duration))?),
        DurationType::Month => start.checked_add_months(Months::new(duration)),
        DurationType::Year => start.checked_add_months(Months::new(duration.checked_mul(12)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        parse(text).expect("test date")
    }

    #[test]
    fn format_round_trips() {
        let text = "2018-07-12 10:09:24";
        assert_eq!(format(at(text)), text);
    }

    #[test]
    fn month_after_january_31_is_end_of_february() {
        let end = add_duration(at("2024-01-31 12:00:00"), 1, DurationType::Month);
        assert_eq!(end, Some(at("2024-02-29 12:00:00")));
    }

    #[test]
    fn year_after_february_29_is_february_28() {
        let end = add_duration(at("2024-02-29 08:00:00"), 1, DurationType::Year);
        assert_eq!(end, Some(at("2025-02-28 08:00:00")));
    }

    #[test]
    fn days_are_added_as_24_hours() {
        let end = add_duration(at("2018-12-31 23:59:59"), 2, DurationType::Day);
        assert_eq!(end, Some(at("2019-01-02 23:59:59")));
    }

    #[test]
    fn huge_duration_overflows_to_none() {
        assert_eq!(
            add_duration(at("2018-01-01 00:00:00"), u32::MAX, DurationType::Year),
            None
        );
    }
}
