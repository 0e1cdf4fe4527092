//! Mutual TLS 1.2 for Rust services.
//!
//! `mtls` composes the layered crates of this workspace into the API most users want:
//! [`ServerConfig`] / [`ClientConfig`] builders, sans-IO [`ServerConnection`] /
//! [`ClientConnection`] (read_tls, process_new_packets, write_tls, reader, writer), and a
//! blocking [`Stream`] / [`StreamOwned`] over any `Read + Write` transport.
#![forbid(unsafe_code)]

mod config;
mod conn;
mod connection;
mod error;
mod keylog;
mod stream;

pub use config::{ClientConfig, ClientConfigBuilder, ServerConfig, ServerConfigBuilder};
pub use conn::{ConnectionCommon, IoState, Reader, Writer};
pub use connection::{ClientConnection, ServerConnection};
pub use error::Error;
pub use keylog::KeyLogFile;
pub use stream::{Stream, StreamOwned, complete_io};

pub use mtls_crypto::kx::NamedGroup;
pub use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
pub use mtls_handshake::sequence::Kind as HandshakeKind;
pub use mtls_handshake::suites::{self, SupportedSuite};
pub use mtls_handshake::{
    CertificateDer, CertificateError, ClientAuthPolicy, ClientCertVerifier, DistinguishedName,
    HandshakeSummary, KeyLog, ServerCertVerifier, TimeProvider,
};
pub use mtls_wire::{AlertDescription, ProtocolVersion};
