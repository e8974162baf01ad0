//! Hand-written helpers that the generated router calls: decoding of paths and queries,
//! reading of request bodies, checks against the document's schemas, error responses and the
//! layers around the routes.

mod body;
mod checks;
mod decode;
mod layers;
mod response;

pub use body::MAX_BODY_BYTES;
pub(crate) use body::read_json_body;
pub(crate) use checks::{Checks, Schemas};
pub(crate) use decode::bearer_token;
pub(crate) use layers::finish_router;
pub(crate) use response::{json_response, method_not_allowed, unauthorized};
