//! The integration tests of mtls-record in one test binary (docs/ARCHITECTURE.md, "Tests"),
//! one module per subject.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod after_change_cipher_spec;
mod captures;
mod captures_tampered;
mod openssl_captures;
mod protection;
mod reader;
mod reassembly_captures;
mod tls13_captures;
mod tls13_oracle;
mod tls13_protection;
mod tls13_rules;
