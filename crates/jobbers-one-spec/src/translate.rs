//! Translation of OpenAPI 3.0 schema objects into standalone JSON Schema (draft 2020-12).
//!
//! Draft 2020-12 is the target because `unevaluatedProperties` sees through `allOf`, `anyOf`,
//! `oneOf` and `$ref`, which is what closing an object built by composition needs: a plain
//! `additionalProperties: false` on each `allOf` member would reject the other members'
//! properties.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::error::SchemaError;
use crate::pointer;

/// Format of the document's dates, `2018-07-12 10:09:24`, checked by its pattern alone.
pub const JOBBERS_DATETIME_FORMAT: &str = "jobbers-datetime";
/// Pattern applied to `jobbers-datetime` strings whose schema declares none.
pub const JOBBERS_DATETIME_PATTERN: &str =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$";
/// Format of strings made of decimal digits only.
pub const DIGITS_FORMAT: &str = "digits";
/// Pattern applied to `digits` strings whose schema declares none.
pub const DIGITS_PATTERN: &str = "^[0-9]+$";

const SCHEMAS_PREFIX: &str = "#/components/schemas/";

/// Schema keywords copied unchanged from OpenAPI 3.0 to JSON Schema.
const COPIED_KEYWORDS: &[&str] = &[
    "title",
    "description",
    "default",
    "multipleOf",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
];

/// Which translation of a component schema a `$ref` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Variant {
    /// Unknown properties allowed at the top level of the schema.
    Open,
    /// Unknown properties rejected at the top level of the schema.
    Closed,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Open => "open",
            Variant::Closed => "closed",
        }
    }
}

/// Translates the OpenAPI schema `schema`, found at `at` in `document`, into a standalone JSON
/// Schema whose `$defs` hold every component schema it refers to.
///
/// With `closed`, every object schema that lists `properties` or composes others (`allOf`,
/// `anyOf`, `oneOf`) and sets no `additionalProperties` rejects unknown properties. A bare
/// `type: object` stays free-form, because OpenAPI uses it for maps of any keys.
pub fn to_json_schema(
    document: &Value,
    schema: &Value,
    at: &str,
    closed: bool,
) -> Result<Value, SchemaError> {
    let mut translator = Translator {
        schemas: document
            .pointer("/components/schemas")
            .and_then(Value::as_object),
        closed,
        requested: BTreeSet::new(),
        queue: VecDeque::new(),
    };
    let mut root = translator.schema(schema, at, true)?;

    // Translate the component schemas the root refers to, and the ones those refer to.
    let mut definitions: Map<String, Value> = Map::new();
    while let Some((name, variant)) = translator.queue.pop_front() {
        let component_pointer = pointer::join("/components/schemas", &name);
        let component = &translator.schemas.expect("queued names exist")[&name];
        let translated =
            translator.schema(component, &component_pointer, variant == Variant::Closed)?;
        definitions
            .entry(variant.name())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("variant entries are objects")
            .insert(name, translated);
    }

    let root_object = match root {
        Value::Object(ref mut object) => object,
        _ => unreachable!("translated schemas are objects"),
    };
    root_object.insert(
        "$schema".to_owned(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    if !definitions.is_empty() {
        root_object.insert("$defs".to_owned(), Value::Object(definitions));
    }
    Ok(root)
}

struct Translator<'a> {
    schemas: Option<&'a Map<String, Value>>,
    closed: bool,
    requested: BTreeSet<(String, Variant)>,
    queue: VecDeque<(String, Variant)>,
}

impl Translator<'_> {
    /// Translates one schema object; `close_here` is false for composition members, whose
    /// unknown properties the composing schema judges.
    fn schema(&mut self, node: &Value, at: &str, close_here: bool) -> Result<Value, SchemaError> {
        let object = match node {
            Value::Object(object) => object,
            Value::Bool(_) => return Ok(node.clone()),
            _ => {
                return Err(SchemaError::Invalid {
                    pointer: at.to_owned(),
                    message: "a schema must be an object".to_owned(),
                });
            }
        };
        let variant = if self.closed && close_here {
            Variant::Closed
        } else {
            Variant::Open
        };

        // OpenAPI 3.0 ignores the siblings of a `$ref`.
        if let Some(reference) = object.get("$ref") {
            return self.reference(reference, &pointer::join(at, "$ref"), variant);
        }

        let mut out = Map::new();
        for keyword in COPIED_KEYWORDS {
            if let Some(value) = object.get(*keyword) {
                out.insert((*keyword).to_owned(), value.clone());
            }
        }
        if let Some(kind) = object.get("type") {
            out.insert("type".to_owned(), kind.clone());
        }
        if let Some(values) = object.get("enum") {
            out.insert("enum".to_owned(), values.clone());
        }

        self.translate_format(object, &mut out);
        translate_bounds(object, &mut out);
        self.translate_subschemas(object, at, &mut out)?;

        let composed = ["allOf", "anyOf", "oneOf"]
            .iter()
            .any(|keyword| object.contains_key(*keyword));
        if variant == Variant::Closed
            && (object.contains_key("properties") || composed)
            && !object.contains_key("additionalProperties")
        {
            out.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
        }

        if object.get("nullable") == Some(&Value::Bool(true)) {
            return Ok(allow_null(out, composed || object.contains_key("not")));
        }
        Ok(Value::Object(out))
    }

    fn reference(
        &mut self,
        reference: &Value,
        at: &str,
        variant: Variant,
    ) -> Result<Value, SchemaError> {
        let text = reference.as_str().unwrap_or_default();
        let Some(escaped_name) = text.strip_prefix(SCHEMAS_PREFIX) else {
            return Err(SchemaError::UnsupportedRef {
                reference: text.to_owned(),
                pointer: at.to_owned(),
            });
        };
        if escaped_name.contains('/') {
            return Err(SchemaError::UnsupportedRef {
                reference: text.to_owned(),
                pointer: at.to_owned(),
            });
        }

        let name = pointer::unescape(escaped_name);
        if !self
            .schemas
            .is_some_and(|schemas| schemas.contains_key(&name))
        {
            return Err(SchemaError::UnresolvedRef {
                reference: text.to_owned(),
                pointer: at.to_owned(),
            });
        }
        if self.requested.insert((name.clone(), variant)) {
            self.queue.push_back((name, variant));
        }
        Ok(json!({ "$ref": format!("#/$defs/{}/{escaped_name}", variant.name()) }))
    }

    fn translate_subschemas(
        &mut self,
        object: &Map<String, Value>,
        at: &str,
        out: &mut Map<String, Value>,
    ) -> Result<(), SchemaError> {
        if let Some(Value::Object(properties)) = object.get("properties") {
            let properties_pointer = pointer::join(at, "properties");
            let mut translated = Map::new();
            for (name, property) in properties {
                let property_pointer = pointer::join(&properties_pointer, name);
                translated.insert(
                    name.clone(),
                    self.schema(property, &property_pointer, true)?,
                );
            }
            out.insert("properties".to_owned(), Value::Object(translated));
        }

        match object.get("additionalProperties") {
            Some(Value::Bool(allowed)) => {
                out.insert("additionalProperties".to_owned(), Value::Bool(*allowed));
            }
            Some(schema) => {
                let schema_pointer = pointer::join(at, "additionalProperties");
                let translated = self.schema(schema, &schema_pointer, true)?;
                out.insert("additionalProperties".to_owned(), translated);
            }
            None => {}
        }

        if let Some(items) = object.get("items") {
            let items_pointer = pointer::join(at, "items");
            out.insert(
                "items".to_owned(),
                self.schema(items, &items_pointer, true)?,
            );
        }

        for keyword in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = object.get(keyword) {
                let list_pointer = pointer::join(at, keyword);
                let mut translated = Vec::new();
                for (index, member) in members.iter().enumerate() {
                    let member_pointer = format!("{list_pointer}/{index}");
                    translated.push(self.schema(member, &member_pointer, false)?);
                }
                out.insert(keyword.to_owned(), Value::Array(translated));
            }
        }

        if let Some(negated) = object.get("not") {
            let not_pointer = pointer::join(at, "not");
            out.insert("not".to_owned(), self.schema(negated, &not_pointer, false)?);
        }
        Ok(())
    }

    /// Replaces the custom string formats by their patterns and range-checks integer formats.
    fn translate_format(&self, object: &Map<String, Value>, out: &mut Map<String, Value>) {
        let Some(format) = object.get("format").and_then(Value::as_str) else {
            return;
        };
        let custom_pattern = match format {
            JOBBERS_DATETIME_FORMAT => Some(JOBBERS_DATETIME_PATTERN),
            DIGITS_FORMAT => Some(DIGITS_PATTERN),
            _ => None,
        };
        if let Some(pattern) = custom_pattern {
            out.entry("pattern").or_insert_with(|| json!(pattern));
            return;
        }

        let range = match format {
            "int32" => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            "int64" => Some((i64::MIN, i64::MAX)),
            _ => None,
        };
        let Some((min, max)) = range else {
            out.insert("format".to_owned(), json!(format));
            return;
        };
        tighten(out, "minimum", min, |current, bound| current >= bound);
        tighten(out, "maximum", max, |current, bound| current <= bound);
    }
}

/// Keeps the existing bound under `keyword` when `keep(existing, bound)`, else sets `bound`.
fn tighten(out: &mut Map<String, Value>, keyword: &str, bound: i64, keep: fn(f64, f64) -> bool) {
    // The `as f64` rounding of the i64 limits only matters for values within 2^10 of them.
    #[allow(clippy::cast_precision_loss)]
    let bound_f64 = bound as f64;
    let existing = out.get(keyword).and_then(Value::as_f64);
    if existing.is_none_or(|current| !keep(current, bound_f64)) {
        out.insert(keyword.to_owned(), json!(bound));
    }
}

/// Translates `minimum`/`maximum` and the boolean `exclusiveMinimum`/`exclusiveMaximum` of
/// OpenAPI 3.0 into the numeric exclusive bounds of JSON Schema 2020-12.
fn translate_bounds(object: &Map<String, Value>, out: &mut Map<String, Value>) {
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        let Some(limit) = object.get(bound) else {
            continue;
        };
        if object.get(exclusive) == Some(&Value::Bool(true)) {
            out.insert(exclusive.to_owned(), limit.clone());
        } else {
            out.insert(bound.to_owned(), limit.clone());
        }
    }
}

/// Makes a translated schema accept `null`: by adding `"null"` to its `type` and `enum` when it
/// is a plain typed schema, else by an `anyOf` with a null branch first.
fn allow_null(mut out: Map<String, Value>, composed: bool) -> Value {
    let plain_type = out.get("type").and_then(Value::as_str).map(str::to_owned);
    match plain_type {
        Some(kind) if !composed => {
            out.insert("type".to_owned(), json!([kind, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
            Value::Object(out)
        }
        _ => json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({
            "components": {"schemas": {
                "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
                "Client": {"allOf": [
                    {"$ref": "#/components/schemas/Address"},
                    {"type": "object", "properties": {"email": {"type": "string"}}}
                ]}
            }}
        })
    }

    #[test]
    fn nullable_type_gains_null() {
        let schema = json!({"type": "string", "nullable": true, "enum": ["a", "b"]});
        let translated = to_json_schema(&document(), &schema, "/x", false).unwrap();
        assert_eq!(translated["type"], json!(["string", "null"]));
        assert_eq!(translated["enum"], json!(["a", "b", null]));
    }

    #[test]
    fn nullable_all_of_is_wrapped() {
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/Address"}], "nullable": true});
        let translated = to_json_schema(&document(), &schema, "/x", false).unwrap();
        assert_eq!(translated["anyOf"][0], json!({"type": "null"}));
        assert_eq!(
            translated["anyOf"][1]["allOf"][0]["$ref"],
            "#/$defs/open/Address"
        );
    }

    #[test]
    fn closed_mode_closes_composing_schema_only() {
        let schema = json!({"$ref": "#/components/schemas/Client"});
        let translated = to_json_schema(&document(), &schema, "/x", true).unwrap();
        let client = &translated["$defs"]["closed"]["Client"];
        assert_eq!(client["unevaluatedProperties"], json!(false));
        assert_eq!(client["allOf"][0]["$ref"], "#/$defs/open/Address");
        assert_eq!(client["allOf"][1].get("unevaluatedProperties"), None);
        assert_eq!(
            translated["$defs"]["open"]["Address"].get("unevaluatedProperties"),
            None
        );
    }

    #[test]
    fn openapi_only_keywords_are_dropped() {
        let schema = json!({
            "type": "string", "readOnly": true, "writeOnly": false, "example": "x",
            "x-internal": 1, "deprecated": true, "xml": {}, "externalDocs": {}
        });
        let translated = to_json_schema(&document(), &schema, "/x", false).unwrap();
        assert_eq!(
            translated,
            json!({"type": "string", "$schema": "https://json-schema.org/draft/2020-12/schema"})
        );
    }

    #[test]
    fn custom_formats_become_patterns() {
        let schema = json!({"type": "string", "format": "jobbers-datetime"});
        let translated = to_json_schema(&document(), &schema, "/x", false).unwrap();
        assert_eq!(translated["pattern"], JOBBERS_DATETIME_PATTERN);
        assert_eq!(translated.get("format"), None);
    }

    #[test]
    fn int32_bounds_keep_tighter_minimum() {
        let schema = json!({"type": "integer", "format": "int32", "minimum": 1});
        let translated = to_json_schema(&document(), &schema, "/x", false).unwrap();
        assert_eq!(translated["minimum"], json!(1));
        assert_eq!(translated["maximum"], json!(i32::MAX));
    }

    #[test]
    fn exclusive_minimum_becomes_numeric() {
        let schema = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        let translated = to_json_schema(&document(), &schema, "/x", false).unwrap();
        assert_eq!(translated["exclusiveMinimum"], json!(0));
        assert_eq!(translated.get("minimum"), None);
    }

    #[test]
    fn dangling_ref_is_an_error() {
        let schema = json!({"$ref": "#/components/schemas/Missing"});
        let error = to_json_schema(&document(), &schema, "/x", false).unwrap_err();
        assert_eq!(
            error.to_string(),
            "$ref `#/components/schemas/Missing` at #/x/$ref does not resolve"
        );
    }
}
