//! The integration tests of mtls-prf in one test binary (docs/ARCHITECTURE.md, "Tests").

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod prf_vectors;
mod rfc8448;
