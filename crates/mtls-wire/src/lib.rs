//! The TLS 1.2 and TLS 1.3 wire formats as plain Rust types.
//!
//! `mtls-wire` is the codec layer of mtls: record headers, the TLS 1.3
//! inner plaintext, alerts, ChangeCipherSpec, every handshake message of a
//! (mutual-auth) TLS 1.2 handshake (RFC 5246) and of TLS 1.3 (RFC 8446:
//! HelloRetryRequest, EncryptedExtensions, the 1.3 Certificate,
//! CertificateRequest and NewSessionTicket, KeyUpdate, EndOfEarlyData and
//! the synthetic message_hash), and the extensions of both, each with a
//! parser over `&[u8]` (built on nom) and an encoder into any
//! [`bytes::BufMut`]. It has no crypto, no state and no I/O.
//!
//! Depend on it alone when you need to read or write TLS bytes without
//! running a connection: a TLS-aware proxy or load balancer that routes on
//! SNI or ALPN, a traffic analyzer or fingerprinter, a test-vector generator,
//! or a fuzzer for some other TLS stack. The rest of mtls (record layer,
//! handshake state machines) builds on exactly this API.
//!
//! Guarantees, for any input:
//! - parsers never panic, never loop, and allocate at most in proportion to
//!   the input;
//! - every length prefix and vector bound of RFC 5246, RFC 8446 and the
//!   extension RFCs is enforced, and bytes left over inside a
//!   length-delimited structure are an error;
//! - an extension in a message RFC 8446 4.2 does not allow it in, a
//!   pre_shared_key that is not the last ClientHello extension and a
//!   KeyUpdate other than 0 or 1 are refused with `illegal_parameter`;
//!   everything else that is policy (which versions, suites, groups, ...)
//!   is left to the handshake;
//! - errors name the field and map to the alert to send ([`WireError::alert`]);
//! - for canonical input, encoding what was parsed gives back the same bytes.
//!
//! Parsing a whole message from a buffer tells "need more bytes"
//! ([`ErrorKind::Truncated`]) apart from "malformed", so a reassembler can
//! wait for the next record.
//!
//! # Example
//!
//! Parse a ClientHello, inspect it, and re-encode it:
//!
//! ```
//! use mtls_wire::handshake::{HandshakeMessage, HandshakePayload, ParseContext};
//! use mtls_wire::{CipherSuite, ProtocolVersion};
//!
//! // Header: client_hello(1), uint24 length 0x45.
//! let mut bytes = vec![0x01, 0x00, 0x00, 0x45];
//! bytes.extend_from_slice(&[0x03, 0x03]); // client_version TLS 1.2
//! bytes.extend_from_slice(&[0x11; 32]); // random
//! bytes.push(0x00); // empty session_id
//! bytes.extend_from_slice(&[0x00, 0x04, 0xc0, 0x2b, 0x00, 0xff]); // 2 suites
//! bytes.extend_from_slice(&[0x01, 0x00]); // compression: null
//! bytes.extend_from_slice(&[0x00, 0x18]); // extensions block, 24 bytes
//! bytes.extend_from_slice(&[0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b]);
//! bytes.extend_from_slice(b"example.com"); // server_name
//! bytes.extend_from_slice(&[0x00, 0x17, 0x00, 0x00]); // extended_master_secret
//!
//! let (msg, rest) = HandshakeMessage::parse(&bytes, &ParseContext::new())?;
//! assert!(rest.is_empty());
//! assert_eq!(msg.raw(), &bytes[..]); // what the transcript hashes
//!
//! let HandshakePayload::ClientHello(hello) = msg.payload() else {
//!     panic!("not a ClientHello");
//! };
//! assert_eq!(hello.client_version, ProtocolVersion::TLSv1_2);
//! assert_eq!(
//!     hello.cipher_suites,
//!     [
//!         CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
//!         CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
//!     ]
//! );
//! assert_eq!(hello.extensions.server_name(), Some(&b"example.com"[..]));
//! assert!(hello.extensions.has_ems());
//!
//! // Re-encode from the typed value: byte for byte the same.
//! let again = HandshakeMessage::new(HandshakePayload::ClientHello(hello.clone()));
//! let mut out = Vec::new();
//! again.encode(&mut out);
//! assert_eq!(out, bytes);
//!
//! // A cut-off message asks for more input rather than failing hard.
//! let err = HandshakeMessage::parse(&bytes[..40], &ParseContext::new()).unwrap_err();
//! assert!(err.is_truncated());
//! # Ok::<(), mtls_wire::WireError>(())
//! ```
//!
//! # TLS 1.3
//!
//! Certificate, CertificateRequest and NewSessionTicket have other bodies in
//! TLS 1.3, so once TLS 1.3 is negotiated messages are parsed with
//! [`HandshakeMessage::parse_tls13`](handshake::HandshakeMessage::parse_tls13).
//! The hellos are the same in both versions; a HelloRetryRequest is a
//! ServerHello with a special random:
//!
//! ```
//! use mtls_wire::handshake::{
//!     HELLO_RETRY_REQUEST_RANDOM, HandshakeMessage, HandshakePayload, KeyUpdateRequest,
//!     ParseContext,
//! };
//! use mtls_wire::NamedGroup;
//!
//! let mut hrr = vec![0x02, 0x00, 0x00, 0x34, 0x03, 0x03];
//! hrr.extend_from_slice(&HELLO_RETRY_REQUEST_RANDOM);
//! hrr.extend_from_slice(&[0x00, 0x13, 0x01, 0x00]); // session id, suite, compression
//! hrr.extend_from_slice(&[0x00, 0x0c]); // extensions block, 12 bytes
//! hrr.extend_from_slice(&[0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]); // supported_versions: TLS 1.3
//! hrr.extend_from_slice(&[0x00, 0x33, 0x00, 0x02, 0x00, 0x17]); // key_share: secp256r1
//!
//! let (msg, _) = HandshakeMessage::parse(&hrr, &ParseContext::new())?;
//! let HandshakePayload::ServerHello(sh) = msg.payload() else {
//!     panic!("not a ServerHello");
//! };
//! assert!(sh.is_hello_retry_request());
//! assert_eq!(sh.extensions.selected_group(), Some(NamedGroup::Secp256r1));
//!
//! // A KeyUpdate asking the peer to update too; any value but 0 and 1 is refused.
//! let (msg, _) = HandshakeMessage::parse_tls13(&[0x18, 0x00, 0x00, 0x01, 0x01])?;
//! assert_eq!(
//!     msg.payload(),
//!     &HandshakePayload::KeyUpdate(KeyUpdateRequest::UpdateRequested)
//! );
//! assert!(HandshakeMessage::parse_tls13(&[0x18, 0x00, 0x00, 0x01, 0x02]).is_err());
//! # Ok::<(), mtls_wire::WireError>(())
//! ```
//!
//! # Layout
//!
//! - [`record`]: the 5-byte record header, a record-stream splitter, and the
//!   TLS 1.3 [`InnerPlaintext`](record::InnerPlaintext) (content, type,
//!   padding).
//! - [`alert`], [`ChangeCipherSpec`]: the two one-line protocols.
//! - [`handshake`]: [`HandshakeMessage`](handshake::HandshakeMessage) and one
//!   module per message body (the TLS 1.3 bodies that differ are the
//!   `...Tls13` types), the HelloRetryRequest random and the downgrade
//!   sentinels (RFC 8446 4.1.3).
//! - [`extensions`]: the extensions block of every message, each extension,
//!   and which may appear where
//!   ([`ExtensionContext`](extensions::ExtensionContext), RFC 8446 4.2).
//! - Code points ([`CipherSuite`], [`SignatureScheme`], ...) at the crate root,
//!   each with an `Unknown` variant so that any value round-trips.

#![forbid(unsafe_code)]

mod enums;

pub mod alert;
mod change_cipher_spec;
mod codec;
mod error;
pub mod extensions;
pub mod handshake;
pub mod record;

pub use change_cipher_spec::ChangeCipherSpec;
pub use codec::Result;
pub use enums::{
    AlertDescription, AlertLevel, CipherSuite, ClientCertificateType, CompressionMethod,
    ContentType, ECPointFormat, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion,
    PskKeyExchangeMode, SignatureScheme,
};
pub use error::{ErrorKind, WireError};
