//! The integration tests of mtls-handshake in one test binary (docs/ARCHITECTURE.md,
//! "Tests"), one module per subject; `common` is the in-memory harness, `interop` the
//! blocking driver for real peers.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bleichenbacher;
mod common;
mod determinism;
mod extended_master_secret;
mod full_handshakes;
mod gnutls_interop;
mod hostile_peer;
mod hostile_renegotiation;
mod hostile_signatures;
mod interop;
mod negotiation;
mod openssl_interop;
mod pairs;
mod resumption_refusals;
mod rules;
mod tampering;
mod tls13_common;
mod tls13_handshakes;
mod tls13_hostile;
mod tls13_psk_ke;
mod tls13_resumption;
