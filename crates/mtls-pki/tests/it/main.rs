//! The integration tests of mtls-pki in one test binary (docs/ARCHITECTURE.md, "Tests"), one
//! module per subject; `common` makes test PKIs.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod load;
mod verify;
