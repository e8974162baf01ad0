//! The document's `digits` strings, ids sent as strings of decimal digits (`"20"`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An id that the wire carries as a string of decimal digits, such as `enterprise_id: "20"`.
///
/// [`value`](Self::value) gives the number. The original text is kept, leading zeros
/// included, so encoding gives back exactly the wire form that was decoded. Two values are
/// equal when their texts are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DigitString {
    text: String,
    value: u64,
}

impl DigitString {
    /// Returns the number that the digits spell.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// Returns the text as it is sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<u64> for DigitString {
    fn from(value: u64) -> Self {
        Self {
            text: value.to_string(),
            value,
        }
    }
}

/// Error of parsing a string that is not a string of decimal digits fitting in a `u64`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid digit string {text:?}: {reason}")]
pub struct ParseDigitStringError {
    text: String,
    reason: &'static str,
}

impl FromStr for DigitString {
    type Err = ParseDigitStringError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| ParseDigitStringError {
            text: text.to_owned(),
            reason,
        };
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(error("expected one or more digits 0-9"));
        }
        // NOTE: the document's pattern `^[0-9]+$` has no upper bound, but ids above u64::MAX
        // are rejected here so that `value()` needs no error case.
        let value = text
            .parse::<u64>()
            .map_err(|_| error("the number is larger than u64::MAX"))?;
        Ok(Self {
            text: text.to_owned(),
            value,
        })
    }
}

impl TryFrom<&str> for DigitString {
    type Error = ParseDigitStringError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for DigitString {
    type Error = ParseDigitStringError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl fmt::Display for DigitString {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl Serialize for DigitString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DigitString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_leading_zeros() {
        let id: DigitString = "007".parse().unwrap();
        assert_eq!(id.value(), 7);
        assert_eq!(id.to_string(), "007");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"007\"");
    }

    #[test]
    fn from_number_spells_digits() {
        let id = DigitString::from(20);
        assert_eq!(id.as_str(), "20");
        assert_eq!(id, "20".parse().unwrap());
    }

    #[test]
    fn rejects_non_digits() {
        for text in ["", "-1", "+1", "1.0", " 1", "１"] {
            let error = text.parse::<DigitString>().expect_err(text);
            assert_eq!(error.reason, "expected one or more digits 0-9", "{text:?}");
        }
    }

    #[test]
    fn rejects_numbers_above_u64() {
        let error = "18446744073709551616"
            .parse::<DigitString>()
            .expect_err("u64::MAX + 1");
        assert_eq!(error.reason, "the number is larger than u64::MAX");
    }

    #[test]
    fn decodes_json_string_only() {
        assert!(serde_json::from_str::<DigitString>("20").is_err());
        let id: DigitString = serde_json::from_str("\"20\"").unwrap();
        assert_eq!(id.value(), 20);
    }
}
