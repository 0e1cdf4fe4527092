//! Test support for the mtls crates, in one place that every crate's tests (and mtls-bench
//! and the fuzz targets) depend on, so that no test reaches into another crate's folder.
//!
//! - [`fixtures`]: the test PKI as DER compiled in ([`fixture`], [`chain`], [`key`],
//!   [`certified`]), the same PKI as PEM files for real peers ([`pki`]), and the handshakes
//!   captured from other implementations ([`vectors_dir`]).
//! - [`verifiers`]: certificate verifiers for tests of everything but certificate validation
//!   ([`TrustAll`], [`AcceptServer`], [`TestClientVerifier`], [`ExpectLeaf`], [`AcceptClient`]).
//! - [`pump()`]: the one in-memory byte pump between two ends of a connection ([`Side`]):
//!   facade connections, or sans-IO handshakes behind the record layer
//!   ([`RecordEndpoint`], [`Driven`]).
//! - [`process`]: real peers as child processes (openssl, gnutls, python, the `mtls`
//!   binary), killed by their PID on drop, with bounded waits; a missing peer binary fails
//!   the test ([`require`]), it never skips.
//! - [`split_flight`]: a client that sends its second flight record by record, for the
//!   refusal tests of `mtls` and `mtls-cli`.
//! - [`MemoryKeyLog`] and [`key_log_lines`], to compare our key log with a real peer's.
//! - [`hello`]: ClientHellos grown to a length, or to the largest one (RFC 5246 7.4.1.2).
//!
//! Not published: test code panics where a test should fail.
//!
//! A mutual handshake between two facade connections in memory, then data:
//!
//! ```
//! use std::io::{Read, Write};
//! use std::sync::Arc;
//! use mtls::{ClientAuthPolicy, ClientConfig, ClientConnection, ServerConfig, ServerConnection};
//! use mtls_testkit::{TrustAll, chain, key, pump_ok};
//!
//! let server = ServerConfig::builder()
//!     .certificate(chain("server-ecdsa"), key("server-ecdsa"))
//!     .client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll))
//!     .build()
//!     .unwrap();
//! let client = ClientConfig::builder(Arc::new(TrustAll))
//!     .client_certificate(chain("client-rsa"), key("client-rsa"))
//!     .build()
//!     .unwrap();
//! let mut c = ClientConnection::new(&client, "localhost").unwrap();
//! let mut s = ServerConnection::new(&server).unwrap();
//! c.writer().write_all(b"ping").unwrap();
//! pump_ok(&mut c, &mut s);
//! assert!(!c.is_handshaking() && !s.is_handshaking());
//! let mut got = [0u8; 4];
//! s.reader().read_exact(&mut got).unwrap();
//! assert_eq!(&got, b"ping");
//! ```
#![forbid(unsafe_code)]
// Test support: a failed expectation is a panic, as in the tests themselves (clippy.toml
// exempts only `#[test]` code from these lints).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod fixtures;
pub mod hello;
mod keylog;
mod local_server;
pub mod process;
pub mod pump;
mod record_endpoint;
pub mod split_flight;
pub mod verifiers;

pub use fixtures::{certified, chain, fixture, key, leaf, pki, vectors_dir};
pub use keylog::{MemoryKeyLog, TLS13_KEY_LOG_LABELS, key_log_lines, tls13_key_log_lines};
pub use local_server::LocalServer;
pub use process::{
    IO_TIMEOUT, Peer, TEST_TIMEOUT, TempDir, TempFile, connect, free_port, require, run_gnutls_cli,
    run_s_client, spawn_openssl_client, start_gnutls_serv, start_openssl_server, start_s_server,
    start_s_server_env,
};
pub use pump::{Side, deliver, pump, pump_ok};
pub use record_endpoint::{Driven, RecordEndpoint, Tamper};
pub use verifiers::{
    AcceptClient, AcceptServer, ExpectLeaf, TestClientVerifier, TrustAll, ca_subject,
};
