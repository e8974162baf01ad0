//! Server side of the Jobbers One partner API, generated from the OpenAPI document at build
//! time.
//!
//! Implement [`JobbersOneApi`], one method per operationId, and serve [`router`]: the router
//! checks every request against the document (bearer token, path and query parameters,
//! request body) before it calls a method, and sends every response, errors included, as
//! `application/json;charset=utf-8`. The wire types are those of the client crate, re-exported
//! as [`types`], so client and server share one set.
//!
//! Decisions the document leaves open:
//! - A `POST` with a request body and no `Content-Type` is read as JSON. A `Content-Type` other
//!   than `application/json` (with an optional `charset=utf-8`) is rejected with `422`, because
//!   the document does not list `415`.
//! - An empty request body where one is required is not JSON, so it is rejected with `422`.
//! - Errors of a `400` are one entry per field, sorted by `source`.
//! - The CORS preflight (`OPTIONS`) gets `204 No Content`, the one response without a JSON
//!   body. Every origin is allowed, because partners authenticate with a bearer header and not
//!   with cookies.

#![forbid(unsafe_code)]

mod runtime;

pub use jobbers_one_client::types;
pub use runtime::MAX_BODY_BYTES;

/// The trait, call and response types and router generated from the document. The response
/// enums carry their bodies unboxed, as the trait's contract has them, and each is built once
/// per request, so the size difference between their variants costs nothing that matters.
#[allow(clippy::large_enum_variant)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/jobbers_one_api.rs"));
}

pub use generated::*;
