//! End-to-end tests of the generated router: raw HTTP/1.1 requests over TCP to a server on
//! `127.0.0.1:0`, with exact checks of status, headers and body.

mod auth;
mod bodies;
mod common;
mod cors;
mod parameters;
mod robustness;
mod routing;
