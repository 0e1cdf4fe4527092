//! The integration tests of the `mtls` command in one test binary (docs/ARCHITECTURE.md,
//! "Tests"), one module per subject; `support` is their scaffolding.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod certs_from_ca;
mod cli;
mod demo13;
mod diagnose;
mod diagnose_openssl;
mod hostile;
mod idle;
mod inspect;
mod support;
mod testpki;
mod tickets;
mod tls13;
mod verbose;
mod verify;
