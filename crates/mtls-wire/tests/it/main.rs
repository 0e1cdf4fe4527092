//! The integration tests of mtls-wire in one test binary (docs/ARCHITECTURE.md, "Tests"), one
//! module per subject; `common` has the hex helper and the proptest strategies.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bounds;
mod common;
mod fixtures;
mod no_panic_props;
mod roundtrip_props;
mod tls13_rules;
mod vectors;
mod vectors_tls13;
