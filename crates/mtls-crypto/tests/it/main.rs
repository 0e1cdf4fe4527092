//! The integration tests of mtls-crypto in one test binary (docs/ARCHITECTURE.md, "Tests"),
//! one module per subject.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod differential;
mod rsa_kx;
mod signatures;
mod wycheproof;
