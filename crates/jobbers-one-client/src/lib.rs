//! Rust client of the Jobbers One partner API, generated at build time by progenitor from
//! the OpenAPI document `openapi/jobbers-one.yaml`.
//!
//! - [`types`] contains one type for each component schema of the document, such as
//!   [`types::Client`] and [`types::StockOfPasses`], with dates as [`DateTime`] and ids
//!   sent as strings of digits as [`DigitString`].
//! - [`Client`] has one builder method for each operation, named after its `operationId`.
//! - [`Session`] runs those operations with a bearer token that it requests and renews.
//! - [`Error`] is the failure of a call, with the HTTP status and the decoded error body.
//!
//! Every path parameter is percent-encoded so that the server, which decodes paths the PHP
//! way (`+` is a space), receives exactly the caller's string.
//!
//! The crate enables no TLS backend of reqwest, so that the application chooses one. To call
//! production (`https://www.jobbers.com`), enable one in the application's own manifest, for
//! example `reqwest = { version = "0.13", features = ["rustls"] }`. The local sandbox
//! (`cargo run -p jobbers-one-mock`) is plain HTTP and needs none.
//!
//! The example runs as written against a fresh sandbox:
//!
//! ```no_run
//! use jobbers_one_client::{Session, types};
//!
//! # async fn run() -> Result<(), jobbers_one_client::Error> {
//! let session = Session::new("http://127.0.0.1:8080", "demo-key", "demo-secret")?;
//!
//! // The first call requests a bearer token; later calls reuse it.
//! let enterprise = session
//!     .call(async |client| client.get_current_enterprise().send().await)
//!     .await?;
//! println!("enterprise {}", enterprise.data.enterprise_id.value());
//!
//! let new_client = types::CreateClientRequest::builder()
//!     .email("new.member+1@example.org")
//!     .first_name("prenom")
//!     .last_name("nom")
//!     .phone_prefix("+33")
//!     .phone("987654321")
//!     .address("1 rue de l'Exemple")
//!     .zip_code("75015")
//!     .city("Paris")
//!     .country("FR")
//!     .cgu(true)
//!     .optin(false);
//! let created = session
//!     .call(async |client| client.create_client().body(new_client.clone()).send().await)
//!     .await?;
//!
//! let pass = types::AssignPassRequest::builder()
//!     .email(created.data.email.as_str())
//!     .stock_id(52)
//!     .payment_reference("payment_reference_01");
//! let assigned = session
//!     .call(async |client| client.assign_pass().body(pass.clone()).send().await)
//!     .await?;
//! println!("subscribed until {}", assigned.data.end_subscription_date);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod datetime;
mod digits;
pub mod error;
mod hooks;
mod path;
mod session;
mod stats;

/// The code that progenitor generates from the document, included from `OUT_DIR`. Its
/// doc comments come from the document's descriptions, which clippy's Markdown lints do not
/// read as this crate's docs.
#[allow(clippy::all)]
mod generated {
    /// The progenitor-client runtime with `encode_path` replaced by this crate's, which also
    /// encodes `+`, `@` and `\`. The generated file imports `encode_path` at its top level
    /// with `use progenitor_client::{encode_path, …}`, where this module shadows the crate of
    /// that name. Its nested modules use other items of the crate only.
    mod progenitor_client {
        pub use crate::path::encode_path;
        pub use ::progenitor_client::*;
    }

    include!(concat!(env!("OUT_DIR"), "/jobbers_one.rs"));
}

pub use datetime::{DateTime, ParseDateTimeError};
pub use digits::{DigitString, ParseDigitStringError};
pub use error::Error;
pub use generated::{ByteStream, Client, ClientInfo, ResponseValue, builder, prelude, types};
pub use hooks::CallContext;
pub use path::encode_path;
pub use session::{GeneratedError, Session};
