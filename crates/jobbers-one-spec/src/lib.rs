//! Loading of the Jobbers One OpenAPI document and translation of its schemas to JSON Schema.
