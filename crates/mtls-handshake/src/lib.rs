//! Sans-IO TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446) handshakes with client authentication.
//!
//! [`ClientHandshake`] and [`ServerHandshake`] take what the peer sent, one handshake message
//! or ChangeCipherSpec at a time ([`Input`]), and return what to do, in order ([`Action`]):
//! messages to send, key changes for the record layer, warning alerts, completion. They never
//! touch a socket or a record; errors carry the fatal alert to send ([`HandshakeError`]).
//!
//! The message flow of every handshake kind is one table, [`sequence::SEQUENCES`]. TLS 1.2:
//! full handshakes with ECDHE or static RSA key exchange, each without client
//! authentication, with a client certificate, or with an empty client Certificate; and the
//! abbreviated handshake that resumes a session, by id or by session ticket ([`ticket`], RFC
//! 5077); each also with a NewSessionTicket when the server issues one. TLS 1.3: the full
//! handshake (ECDHE on X25519, P-256 or P-384) without client authentication, with a client
//! certificate or with an empty one, each also after a HelloRetryRequest (RFC 8446 4.1.4);
//! resumption with a ticket's PSK and (EC)DHE (RFC 8446 2.2), with or without a
//! HelloRetryRequest; and the post-handshake client authentication (RFC 8446 4.6.2). Both
//! state machines
//! follow the table and refuse anything else with `unexpected_message` before a handler sees
//! it; each message then has one straight-line handler that checks it and chooses its alert.
//!
//! The version is negotiated from the configurations' `versions` (RFC 8446 4.2.1; TLS 1.2
//! only by default). An established TLS 1.3 connection stays alive for KeyUpdate (RFC 8446
//! 4.6.3) and post-handshake authentication: [`Endpoint::post_handshake`] asks for them,
//! [`Endpoint::handle`] answers the peer's, except the KeyUpdate a peer asks for: a record
//! layer calls [`Endpoint::before_application_data`] before each application data record it
//! sends (and [`Endpoint::application_data_received`] for each it receives), which sends it.
//!
//! Depend on this crate alone to run TLS handshakes over your own transport or record layer
//! (a QUIC-like experiment, a test harness driving handshakes message by message, a fuzzer).
//! Most users want the `mtls` facade, which adds the record layer and I/O.
//!
//! ```
//! use mtls_handshake::sequence::{
//!     Fact, Flow, Kind, Msg, Next, Side, Step, FULL_ECDHE_CLIENT_CERT, TLS13,
//! };
//!
//! // The spec's handshake, as the table spells it.
//! let names: Vec<String> = FULL_ECDHE_CLIENT_CERT.iter().map(|s| s.to_string()).collect();
//! assert_eq!(names[0], "client ClientHello");
//! assert_eq!(names[8], "client CertificateVerify");
//!
//! // A flow narrows as messages arrive: a CertificateRequest rules out kinds without
//! // client authentication.
//! let mut flow = Flow::new();
//! for step in &FULL_ECDHE_CLIENT_CERT[..5] {
//!     assert!(flow.advance(*step));
//! }
//! assert!(flow.candidates().iter().all(|k| k.requests_client_cert()));
//! assert_eq!(flow.next(Side::Server), Next::Send(Msg::ServerHelloDone));
//! // A message out of sequence is refused.
//! assert!(!flow.advance(Step { from: Side::Client, msg: Msg::Finished }));
//!
//! // TLS 1.3 (RFC 8446 2): what the server decided at the ClientHello leaves one kind, and
//! // its whole flight follows.
//! let mut flow = Flow::new();
//! assert!(flow.advance(TLS13[0]));
//! assert!(flow.learn(Fact::Tls13(true)) && flow.learn(Fact::HelloRetry(false)));
//! assert!(flow.learn(Fact::Resumption(false)) && flow.learn(Fact::ClientAuth(false)));
//! assert_eq!(flow.kind(), Some(Kind::Tls13));
//! assert_eq!(flow.next(Side::Server), Next::Send(Msg::ServerHello));
//! ```
#![forbid(unsafe_code)]

mod action;
pub mod certs;
mod client;
mod client_identity;
pub mod client_store;
mod codec;
mod common;
mod config;
mod endpoint;
mod error;
mod key_update;
mod keys;
pub mod replay;
pub mod sequence;
mod server;
pub mod session;
pub mod suites;
pub mod ticket;
mod tls13;
mod trace;
mod transcript;

pub use action::{Action, Input, KeyChange, PostHandshakeRequest, RecordProtection};
pub use certs::{
    CertificateDer, CertificateError, CertificateRequestInfo, CertifiedKey, ClientCertVerifier,
    ClientHelloInfo, DistinguishedName, KeyError, ResolvesClientCert, ResolvesServerCert,
    ServerCertVerifier,
};
pub use client::{ClientHandshake, ClientState};
pub use client_store::{
    ClientSessionStore, DEFAULT_TLS13_TICKETS_PER_KEY, InMemoryClientSessionStore, SessionKey,
};
pub use common::{HandshakeSummary, MAX_REFUSED_RENEGOTIATIONS};
pub use config::{
    AuthorizeClient, ClientAuthPolicy, ClientAuthorization, ClientConfig, DEFAULT_GROUPS,
    DEFAULT_MAX_CA_NAMES_LEN, DEFAULT_SIGNATURE_SCHEMES, DEFAULT_TLS13_TICKETS, DEFAULT_VERSIONS,
    FixedClock, KeyLog, ServerConfig, SuitePreference, SystemClock, TimeProvider,
};
pub use endpoint::{Endpoint, Handshake};
pub use error::HandshakeError;
pub use key_update::MAX_KEY_UPDATES_IN_A_ROW;
pub use replay::{DEFAULT_REPLAY_CAPACITY, TicketReplayGuard};
pub use server::{FirstClientHello, ServerHandshake, ServerState};
pub use session::{
    DEFAULT_MAX_PEER_CHAIN_BYTES, DEFAULT_SESSION_CACHE_BYTES, InMemorySessionCache,
    ServerSessionCache, StoredSession, Tls13Session,
};
pub use suites::{AuthKeyType, NegotiatedSuite, SupportedSuite, Tls13Suite};
pub use ticket::{TicketKey, TicketKeys, Ticketer};
pub use transcript::Transcript;

/// Alert descriptions (RFC 5246 7.2), for verifiers that build a [`CertificateError::Other`].
pub use mtls_wire::AlertDescription;
