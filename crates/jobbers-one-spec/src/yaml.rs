//! Strict YAML loading into a `serde_json::Value` that keeps the source line of every node.
//!
//! Plain scalars resolve by the YAML 1.2 core schema (`null`, `true`, `12`, `1.5`); quoted and
//! block scalars are strings. Duplicate keys, non-scalar keys, several documents in one stream,
//! values JSON cannot hold (`.inf`, `.nan`) and tags outside the core schema are rejected.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, StrInput, Tag};
use serde_json::{Map, Number, Value};

use crate::error::LoadError;
use crate::pointer;

/// Source lines of the nodes of a loaded document, keyed by JSON pointer.
///
/// The line of an object member is the line of its key, because that is where a reader looks
/// for it, even when the value starts on a later line. Lines are 1-based.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    lines: HashMap<String, usize>,
}

impl SourceMap {
    /// Returns the line of the node at `pointer`, if that node exists.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        self.lines.get(pointer).copied()
    }

    /// Returns the line of the node at `pointer` or, when it does not exist, of its nearest
    /// existing ancestor, or 1 when no ancestor has a line.
    pub fn nearest_line(&self, pointer: &str) -> usize {
        let mut current = Some(pointer);
        while let Some(candidate) = current {
            if let Some(line) = self.line(candidate) {
                return line;
            }
            current = pointer::parent(candidate);
        }
        1
    }
}

/// Parses one YAML document into a JSON value and the line of each of its nodes.
pub fn parse(source: &str) -> Result<(Value, SourceMap), LoadError> {
    let mut builder = Builder {
        parser: Parser::new(StrInput::new(source)),
        lines: SourceMap::default(),
        anchors: HashMap::new(),
    };
    let value = builder.stream()?;
    Ok((value, builder.lines))
}

struct Builder<'input> {
    parser: Parser<'input, StrInput<'input>>,
    lines: SourceMap,
    anchors: HashMap<usize, Value>,
}

impl<'input> Builder<'input> {
    fn next(&mut self) -> Result<(Event<'input>, Span), LoadError> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => Err(LoadError::Syntax {
                line: error.marker().line(),
                message: error.info().to_owned(),
            }),
            None => Err(LoadError::Syntax {
                line: 1,
                message: "unexpected end of input".to_owned(),
            }),
        }
    }

    fn stream(&mut self) -> Result<Value, LoadError> {
        // StreamStart, then DocumentStart, or StreamEnd for an empty stream.
        self.next()?;
        let (event, _) = self.next()?;
        if !matches!(event, Event::DocumentStart(_)) {
            return Err(LoadError::Empty);
        }

        let (event, span) = self.next()?;
        let value = self.node(event, span, String::new(), span.start.line())?;

        self.next()?; // DocumentEnd
        let (event, span) = self.next()?;
        if matches!(event, Event::DocumentStart(_)) {
            return Err(LoadError::MultipleDocuments {
                line: span.start.line(),
            });
        }
        Ok(value)
    }

    /// Builds the node that starts with `event`, recording `line` for `at`.
    fn node(
        &mut self,
        event: Event<'input>,
        span: Span,
        at: String,
        line: usize,
    ) -> Result<Value, LoadError> {
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref(), span.start.line())?;
                self.lines.lines.insert(at, line);
                (value, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq", span.start.line())?;
                self.lines.lines.insert(at.clone(), line);
                (self.sequence(&at)?, anchor)
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map", span.start.line())?;
                self.lines.lines.insert(at.clone(), line);
                (self.mapping(&at)?, anchor)
            }
            Event::Alias(anchor) => {
                let value = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or(LoadError::Syntax {
                        line: span.start.line(),
                        message: "alias to an unknown anchor".to_owned(),
                    })?;
                self.lines.lines.insert(at, line);
                return Ok(value);
            }
            other => {
                return Err(LoadError::Syntax {
                    line: span.start.line(),
                    message: format!("unexpected YAML event {other:?}"),
                });
            }
        };

        // Anchor id 0 means the node has no anchor.
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        Ok(value)
    }

    fn sequence(&mut self, at: &str) -> Result<Value, LoadError> {
        let mut items = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd) {
                return Ok(Value::Array(items));
            }
            let item_pointer = format!("{at}/{}", items.len());
            items.push(self.node(event, span, item_pointer, span.start.line())?);
        }
    }

    fn mapping(&mut self, at: &str) -> Result<Value, LoadError> {
        let mut members = Map::new();
        let mut key_lines: HashMap<String, usize> = HashMap::new();
        loop {
            let (event, span) = self.next()?;
            let key_line = span.start.line();
            let key = match event {
                Event::MappingEnd => return Ok(Value::Object(members)),
                Event::Scalar(text, ..) => text.into_owned(),
                _ => {
                    return Err(LoadError::NonScalarKey {
                        line: key_line,
                        pointer: at.to_owned(),
                    });
                }
            };

            if let Some(&first_line) = key_lines.get(&key) {
                return Err(LoadError::DuplicateKey {
                    line: key_line,
                    key,
                    first_line,
                    pointer: at.to_owned(),
                });
            }
            key_lines.insert(key.clone(), key_line);

            let (event, span) = self.next()?;
            let member_pointer = pointer::join(at, &key);
            let value = self.node(event, span, member_pointer, key_line)?;
            members.insert(key, value);
        }
    }
}

fn check_collection_tag(tag: Option<&Tag>, expected: &str, line: usize) -> Result<(), LoadError> {
    match tag {
        None => Ok(()),
        Some(tag) if tag.is_yaml_core_schema() && tag.suffix == expected => Ok(()),
        Some(tag) => Err(LoadError::UnsupportedTag {
            line,
            tag: tag.to_string(),
        }),
    }
}

/// Resolves a scalar by its tag or, for an untagged plain scalar, by the YAML 1.2 core schema.
fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    line: usize,
) -> Result<Value, LoadError> {
    let invalid = |expected: &str| LoadError::InvalidScalar {
        line,
        text: text.to_string(),
        expected: expected.to_owned(),
    };

    let Some(tag) = tag else {
        if style != ScalarStyle::Plain {
            return Ok(Value::String(text.to_string()));
        }
        return resolve_plain(text, line);
    };
    if !tag.is_yaml_core_schema() {
        return Err(LoadError::UnsupportedTag {
            line,
            tag: tag.to_string(),
        });
    }

    match tag.suffix.as_str() {
        "str" => Ok(Value::String(text.to_string())),
        "null" => resolve_null(text).ok_or_else(|| invalid("null")),
        "bool" => resolve_bool(text).ok_or_else(|| invalid("a boolean")),
        "int" => resolve_int(text).ok_or_else(|| invalid("an integer")),
        "float" => match resolve_int(text) {
            Some(Value::Number(number)) => number
                .as_f64()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| invalid("a float")),
            _ => resolve_float(text, line)?.ok_or_else(|| invalid("a float")),
        },
        _ => Err(LoadError::UnsupportedTag {
            line,
            tag: tag.to_string(),
        }),
    }
}

fn resolve_plain(text: &str, line: usize) -> Result<Value, LoadError> {
    if let Some(value) = resolve_null(text)
        .or_else(|| resolve_bool(text))
        .or_else(|| resolve_int(text))
    {
        return Ok(value);
    }
    Ok(resolve_float(text, line)?.unwrap_or_else(|| Value::String(text.to_owned())))
}

fn resolve_null(text: &str) -> Option<Value> {
    matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Value::Null)
}

fn resolve_bool(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

fn resolve_int(text: &str) -> Option<Value> {
    let (radix, digits) = if let Some(octal) = text.strip_prefix("0o") {
        (8, octal)
    } else if let Some(hex) = text.strip_prefix("0x") {
        (16, hex)
    } else {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let number = if let Ok(signed) = text.parse::<i64>() {
            Number::from(signed)
        } else if let Ok(large) = text.trim_start_matches('+').parse::<u64>() {
            Number::from(large)
        } else {
            Number::from_f64(text.parse::<f64>().ok()?)?
        };
        return Some(Value::Number(number));
    };
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(digits, radix)
        .ok()
        .map(|number| Value::Number(number.into()))
}

/// Resolves a core-schema float; `Ok(None)` when `text` is not one.
fn resolve_float(text: &str, line: usize) -> Result<Option<Value>, LoadError> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Err(LoadError::InvalidScalar {
            line,
            text: text.to_owned(),
            expected: "a finite number, because JSON has no infinity or NaN".to_owned(),
        });
    }

    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let mantissa_ok = mantissa.bytes().any(|byte| byte.is_ascii_digit())
        && mantissa.bytes().filter(|&byte| byte == b'.').count() <= 1
        && mantissa
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'.');
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
    });
    if !mantissa_ok || !exponent_ok {
        return Ok(None);
    }

    Ok(text
        .trim_start_matches('+')
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_scalars_follow_core_schema() {
        let (value, _) = parse(
            "a: null\nb: ~\nc: true\nd: 12\ne: -1.5\nf: 0x1F\ng: '12'\nh: 2018-07-12\ni: 1e3\nj:\n",
        )
        .unwrap();
        assert_eq!(
            value,
            json!({"a": null, "b": null, "c": true, "d": 12, "e": -1.5, "f": 31,
                   "g": "12", "h": "2018-07-12", "i": 1000.0, "j": null})
        );
    }

    #[test]
    fn lines_are_recorded_per_pointer() {
        let source = "paths:\n  /a/{b}:\n    get:\n      tags:\n        - x\n        - y\n";
        let (_, lines) = parse(source).unwrap();
        assert_eq!(lines.line(""), Some(1));
        assert_eq!(lines.line("/paths"), Some(1));
        assert_eq!(lines.line("/paths/~1a~1{b}"), Some(2));
        assert_eq!(lines.line("/paths/~1a~1{b}/get"), Some(3));
        assert_eq!(lines.line("/paths/~1a~1{b}/get/tags/1"), Some(6));
        assert_eq!(lines.nearest_line("/paths/~1a~1{b}/get/responses/200"), 3);
    }

    #[test]
    fn duplicate_key_is_rejected() {
        let error = parse("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 4: duplicate key `c` in #/b, first defined on line 3"
        );
        assert_eq!(error.line(), Some(4));
    }

    #[test]
    fn numeric_keys_stay_strings() {
        let (value, _) = parse("responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(value, json!({"responses": {"200": {"description": "ok"}}}));
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let (value, _) = parse("a: &x {b: 1}\nc: *x\n").unwrap();
        assert_eq!(value, json!({"a": {"b": 1}, "c": {"b": 1}}));
    }

    #[test]
    fn second_document_is_rejected() {
        let error = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(matches!(error, LoadError::MultipleDocuments { line: 2 }));
    }

    #[test]
    fn custom_tag_is_rejected() {
        let error = parse("a: !thing 1\n").unwrap_err();
        assert!(matches!(error, LoadError::UnsupportedTag { line: 1, .. }));
    }

    #[test]
    fn infinity_is_rejected() {
        let error = parse("a: .inf\n").unwrap_err();
        assert!(matches!(error, LoadError::InvalidScalar { line: 1, .. }));
    }

    #[test]
    fn syntax_error_has_line() {
        let error = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(error, LoadError::Syntax { .. }));
    }

    #[test]
    fn core_tags_are_applied() {
        let (value, _) = parse("a: !!str 12\nb: !!float 3\n").unwrap();
        assert_eq!(value, json!({"a": "12", "b": 3.0}));
    }
}
