//! A local Jobbers One sandbox that behaves like the real API: it keeps state in memory and
//! enforces the API's rules.
//!
//! [`domain::Sandbox`] holds the state and the rules with no HTTP; [`seed`] loads the data set
//! it starts from.

#![forbid(unsafe_code)]

pub mod clock;
pub mod countries;
pub mod dates;
pub mod domain;
pub mod seed;
