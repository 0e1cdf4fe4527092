//! Mutual TLS for Rust services: TLS 1.3 and TLS 1.2, client certificates both ways.
//!
//! `mtls` composes the layered crates of this workspace into the API most users want:
//! [`ServerConfig`] / [`ClientConfig`] builders, sans-IO [`ServerConnection`] /
//! [`ClientConnection`] (read_tls, process_new_packets, write_tls, reader, writer), and a
//! blocking [`Stream`] / [`StreamOwned`] over any `Read + Write` transport. Certificates are
//! loaded and verified by [`pki`] (rustls-webpki path validation on mtls-crypto signatures).
//!
//! The cryptography runs on the configuration's crypto provider ([`provider`]): RustCrypto
//! by default, AWS-LC (several times faster) with this crate's `aws-lc` feature and
//! `.crypto_provider(&mtls::provider::aws_lc::PROVIDER)` on a builder.
//!
//! Configurations speak TLS 1.3 and TLS 1.2 (1.3 preferred; `versions(...)` on a builder pins
//! one). In TLS 1.3 a server may also ask for the client's certificate after the handshake
//! ([`ServerConnection::request_client_certificate`], with
//! `ServerConfigBuilder::client_auth_post_handshake`), either side may re-key
//! ([`ConnectionCommon::send_key_update`]), and a server with a ticketer resumes clients by
//! ticket, re-checking their identity against today's policy.
//!
//! Depend on this crate to put mutual TLS between two services; depend on the layers
//! (`mtls-wire`, `mtls-record`, `mtls-handshake`, ...) only to build something else on them.
//!
//! A server that requires client certificates and a client that presents one, talking over
//! an in-memory pipe (a `TcpStream` works the same through [`StreamOwned`]):
//!
//! ```
//! use std::io::{Read, Write};
//! use mtls::pki::{certs_from_pem, private_key_from_pem, RootStore};
//! use mtls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};
//!
//! # // A throwaway CA and leaves made with rcgen (a real deployment reads its PEM files).
//! # use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
//! # let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
//! # ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
//! # let ca_key = KeyPair::generate()?;
//! # let ca = ca_params.self_signed(&ca_key)?.pem().into_bytes();
//! # let issuer = Issuer::new(ca_params, ca_key);
//! # let leaf = |name: &str| -> Result<(Vec<u8>, Vec<u8>), rcgen::Error> {
//! #     let key = KeyPair::generate()?;
//! #     let cert = CertificateParams::new(vec![name.to_string()])?.signed_by(&key, &issuer)?;
//! #     Ok((cert.pem().into_bytes(), key.serialize_pem().into_bytes()))
//! # };
//! # let ((server_pem, server_key), (client_pem, client_key)) = (leaf("localhost")?, leaf("client")?);
//! let server = ServerConfig::builder()
//!     .certificate(certs_from_pem(&server_pem)?, private_key_from_pem(&server_key)?)
//!     .client_auth_required(RootStore::from_pem(&ca)?)
//!     .build()?;
//! let client = ClientConfig::with_roots(RootStore::from_pem(&ca)?)
//!     .client_certificate(certs_from_pem(&client_pem)?, private_key_from_pem(&client_key)?)
//!     .build()?;
//!
//! let mut s = ServerConnection::new(&server)?;
//! let mut c = ClientConnection::new(&client, "localhost")?;
//! c.writer().write_all(b"hello")?;
//! while c.is_handshaking() || s.is_handshaking() || c.wants_write() || s.wants_write() {
//!     let mut wire = Vec::new();
//!     c.write_tls(&mut wire)?;
//!     s.read_tls(&mut &wire[..])?;
//!     s.process_new_packets()?;
//!     let mut wire = Vec::new();
//!     s.write_tls(&mut wire)?;
//!     c.read_tls(&mut &wire[..])?;
//!     c.process_new_packets()?;
//! }
//! let mut got = [0u8; 5];
//! s.reader().read_exact(&mut got)?;
//! assert_eq!(&got, b"hello");
//! // The server knows who the client is.
//! assert_eq!(s.peer_certificates().map(|c| c.len()), Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod acceptor;
mod config;
mod conn;
mod connection;
mod error;
mod keylog;
mod observe;
mod stream;
mod ticket_file;
mod trace;

pub use config::{ClientConfig, ClientConfigBuilder, ServerConfig, ServerConfigBuilder};
pub use conn::{ConnectionCommon, IoState, Reader, UnverifiedIdentity, Writer};
pub use connection::{ClientConnection, ServerConnection};
pub use error::{ConfigCause, ConfigError, Error};
pub use keylog::KeyLogFile;
pub use observe::ConnectionObserver;
pub use stream::{
    HalfClose, LINGER_BYTES, LINGER_TIME, Stream, StreamOwned, complete_io, linger_close,
};
pub use ticket_file::TicketKeyFile;

/// The server side: connections, configurations, and choosing a configuration after the
/// ClientHello ([`server::Acceptor`]).
pub mod server {
    pub use crate::acceptor::{AcceptError, Accepted, Acceptor, ClientHello};
    pub use crate::config::{ServerConfig, ServerConfigBuilder};
    pub use crate::connection::ServerConnection;
}

/// Certificate and key loading, root stores, CRLs and the webpki verifiers.
pub use mtls_pki as pki;

/// The certificate, key and server-name types of the rustls ecosystem (rustls-pki-types),
/// re-exported so that users never line up its version by hand.
pub use rustls_pki_types as pki_types;

// Every type that appears in a public signature of this crate is reachable from here: a
// user depends on `mtls` alone.
pub use mtls_cert::{
    AuthKeyType, CertificateDer, CertificateError, CertificateRequestInfo, CertifiedKey,
    ClientCertVerifier, ClientHelloInfo, DistinguishedName, KeyError, PeerIdentity,
    ResolvesClientCert, ResolvesServerCert, ServerCertVerifier,
};
/// The primitives and the provider traits of mtls-crypto, for writing a provider of your own.
pub use mtls_crypto as crypto;
pub use mtls_crypto::CryptoProvider;
pub use mtls_crypto::kx::NamedGroup;
/// Crypto providers: RustCrypto ([`provider::default_provider`]) and, with this crate's
/// `aws-lc` feature, AWS-LC (`provider::aws_lc::PROVIDER`); a configuration takes one with
/// `crypto_provider` on its builder.
pub use mtls_crypto::provider;
pub use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
pub use mtls_crypto::{DeterministicRng, OsRng, SecureRandom};
pub use mtls_handshake::sequence::Kind as HandshakeKind;
pub use mtls_handshake::suites::{self, NegotiatedSuite, SupportedSuite, Tls13Suite};
pub use mtls_handshake::{
    AuthorizeClient, ClientAuthPolicy, ClientAuthorization, ClientSessionStore,
    DEFAULT_MAX_PEER_CHAIN_BYTES, DEFAULT_SESSION_CACHE_BYTES, DEFAULT_TLS13_TICKETS_PER_KEY,
    FixedClock, HandshakeSummary, InMemoryClientSessionStore, InMemorySessionCache, KeyLog,
    MAX_KEY_UPDATES_IN_A_ROW, ServerSessionCache, SessionKey, StoredSession, SystemClock,
    TicketKey, TicketKeys, TicketReplayGuard, Ticketer, TimeProvider, Tls13Session,
};
pub use mtls_wire::{AlertDescription, CipherSuite, ProtocolVersion, SignatureScheme};
