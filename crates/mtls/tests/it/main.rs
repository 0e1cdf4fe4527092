//! The integration tests of mtls in one test binary (docs/ARCHITECTURE.md, "Tests"), one
//! module per subject; `peers` is the machinery of the real-peer tests. The memory bound
//! (`tests/memory_bound.rs`) is a binary of its own: it counts every heap byte of its
//! process with a global allocator.

// Test code: a failed expectation is a panic (shared modules included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod acceptor;
mod close_notify;
mod concurrency;
mod config_errors;
mod connections;
mod fatal_alert_sessions;
mod fuzz_corpus_replay;
mod gnutls_facade;
mod gnutls_tls13;
mod identity;
mod key_updates;
mod key_usage;
mod observer;
mod openssl_facade;
mod openssl_p384;
mod openssl_tls13;
mod openssl_tls13_cookie;
mod openssl_tls13_post_handshake;
mod openssl_tls13_psk_ke;
mod openssl_tls13_resumption;
mod p384;
mod peers;
mod pki_handshake;
mod providers;
mod python_interop;
mod python_tls13;
mod record_rules;
mod refusals;
mod rustls_interop;
mod rustls_tickets;
mod rustls_tls13;
mod session_store;
mod ticket_file;
mod tickets;
mod tls12_configs;
mod tls13;
mod tls13_client_alerts;
mod tls13_resumption;

/// Everything `conn` has to send, as bytes (the records a test then hands to the peer, splits or
/// checks).
pub(crate) fn drain_wire(conn: &mut mtls::ConnectionCommon) -> Vec<u8> {
    let mut wire = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut wire).unwrap();
    }
    wire
}
