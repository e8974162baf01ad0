//! Generates the client from the OpenAPI document with progenitor, into `OUT_DIR`.
//!
//! Two files come out: `jobbers_one.rs`, the progenitor client (types, builders and the
//! `Client`), and `operations.rs`, a table of every operation's path template and whether it
//! sends a bearer token, which the request hooks read.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl};
use schemars::schema::{InstanceType, SchemaObject, StringValidation};
use serde_json::Value;

const DOCUMENT: &str = "../../openapi/jobbers-one.yaml";

/// A string format of the document that maps to a Rust type of this crate.
struct Conversion {
    format: &'static str,
    pattern: &'static str,
    rust_type: &'static str,
}

/// The document's custom string formats. typify 0.8 matches a schema to a conversion only
/// when the whole schema, descriptions aside, is equal, so the pattern must be the one the
/// document declares. `check_conversions` fails the build when a schema with one of these
/// formats has any other shape.
const CONVERSIONS: &[Conversion] = &[
    Conversion {
        format: "jobbers-datetime",
        pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
        rust_type: "crate::DateTime",
    },
    Conversion {
        format: "digits",
        pattern: "^[0-9]+$",
        rust_type: "crate::DigitString",
    },
];

/// Schema keywords that a converted schema may carry besides `type`, `format` and `pattern`.
/// typify ignores descriptions when it matches, and it turns `nullable` into an `Option` of
/// the converted type.
const KEYWORDS_IGNORED_BY_CONVERSION: &[&str] = &["description", "nullable", "deprecated"];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    let document_path = manifest_dir.join(DOCUMENT);
    println!("cargo:rerun-if-changed={}", document_path.display());

    let text = fs::read_to_string(&document_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", document_path.display()));
    let raw: Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid YAML: {error}", document_path.display()));
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "{} is not an OpenAPI 3.0 document: {error}",
            document_path.display()
        )
    });

    check_conversions(&raw, "#");

    let client = generate_client(&spec);
    write(&out_dir.join("jobbers_one.rs"), &client);

    let operations = operation_table(&raw);
    write(&out_dir.join("operations.rs"), &operations);
}

fn generate_client(spec: &openapiv3::OpenAPI) -> String {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_inner_type(quote_path("crate::hooks::CallContext"))
        // `crate::hooks` implements the hooks; a build without them fails to compile.
        .with_hooks(HooksMode::Expected);
    // typify would wrap the nullable enum `NullableGender` in a newtype around a second
    // gender enum. An `Option` of the request side's `Gender` has the same wire format.
    settings.with_replacement(
        "NullableGender",
        "::std::option::Option<crate::types::Gender>",
        std::iter::empty(),
    );
    for conversion in CONVERSIONS {
        settings.with_conversion(
            conversion_schema(conversion),
            conversion.rust_type,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }

    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(spec)
        .unwrap_or_else(|error| panic!("progenitor cannot generate the client: {error}"));
    let file: syn::File = syn::parse2(tokens).expect("progenitor emits valid Rust");
    prettyplease::unparse(&file)
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a Rust path is a valid token stream")
}

/// Returns the schema that typify compares with each schema of the document, descriptions
/// aside.
fn conversion_schema(conversion: &Conversion) -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some(conversion.format.to_owned()),
        string: Some(Box::new(StringValidation {
            pattern: Some(conversion.pattern.to_owned()),
            ..StringValidation::default()
        })),
        ..SchemaObject::default()
    }
}

/// Fails the build when a schema uses a converted format with a shape that typify would not
/// match, because such a field would silently become a plain string.
fn check_conversions(value: &Value, pointer: &str) {
    match value {
        Value::Object(map) => {
            let format = map.get("format").and_then(Value::as_str);
            if let Some(conversion) = CONVERSIONS.iter().find(|c| Some(c.format) == format) {
                check_conversion_shape(map, pointer, conversion);
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                check_conversions(child, &format!("{pointer}/{escaped}"));
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_conversions(child, &format!("{pointer}/{index}"));
            }
        }
        _ => {}
    }
}

fn check_conversion_shape(
    map: &serde_json::Map<String, Value>,
    pointer: &str,
    conversion: &Conversion,
) {
    let format = conversion.format;
    if map.get("type").and_then(Value::as_str) != Some("string") {
        panic!("schema at {pointer} has format {format} but is not `type: string`");
    }
    if map.get("pattern").and_then(Value::as_str) != Some(conversion.pattern) {
        panic!(
            "schema at {pointer} has format {format} but its pattern is not '{}': \
             use that pattern, or change the conversion in build.rs",
            conversion.pattern
        );
    }
    let allowed = ["type", "format", "pattern"];
    for key in map.keys() {
        if !allowed.contains(&key.as_str())
            && !KEYWORDS_IGNORED_BY_CONVERSION.contains(&key.as_str())
        {
            panic!(
                "schema at {pointer} has format {format} and the keyword `{key}`, \
                 so typify would not map it to {}",
                conversion.rust_type
            );
        }
    }
}

/// Renders the `OPERATIONS` table: operationId, path template and whether the
/// operation sends a bearer token (the document's top-level `security` unless the operation
/// sets its own).
fn operation_table(raw: &Value) -> String {
    let sends_bearer_by_default = security_is_required(raw.get("security"));
    let mut rows = String::new();
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .expect("the document has paths");
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for operation in item.values() {
            let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let sends_bearer = match operation.get("security") {
                Some(security) => security_is_required(Some(security)),
                None => sends_bearer_by_default,
            };
            writeln!(
                rows,
                "    Operation {{ operation_id: {operation_id:?}, \
                 path_template: {template:?}, sends_bearer: {sends_bearer} }},"
            )
            .expect("writing to a String cannot fail");
        }
    }
    format!(
        "/// Every operation of the document, sorted by path template, then by method.\n\
         pub const OPERATIONS: &[Operation] = &[\n{rows}];\n"
    )
}

/// Returns whether a `security` list requires a credential: `[]` and a list holding an empty
/// requirement `{}` make it optional.
fn security_is_required(security: Option<&Value>) -> bool {
    match security.and_then(Value::as_array) {
        None => false,
        Some(requirements) => {
            !requirements.is_empty()
                && requirements
                    .iter()
                    .all(|requirement| requirement.as_object().is_some_and(|r| !r.is_empty()))
        }
    }
}

fn write(path: &Path, contents: &str) {
    fs::write(path, contents)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}
