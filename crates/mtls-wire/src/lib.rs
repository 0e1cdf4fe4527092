//! The TLS 1.2 wire format as plain Rust types.
//!
//! `mtls-wire` is the codec layer of mtls: record headers, alerts,
//! ChangeCipherSpec, every handshake message of a (mutual-auth) TLS 1.2
//! handshake and the hello extensions, each with a parser over `&[u8]`
//! (built on nom) and an encoder into any [`bytes::BufMut`]. It has no
//! crypto, no state and no I/O.
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
//! - every length prefix and vector bound of RFC 5246 and the extension RFCs
//!   is enforced, and bytes left over inside a length-delimited structure are
//!   an error;
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
//! # Layout
//!
//! - [`record`]: the 5-byte record header and a record-stream splitter.
//! - [`alert`], [`ChangeCipherSpec`]: the two one-line protocols.
//! - [`handshake`]: [`HandshakeMessage`](handshake::HandshakeMessage) and one
//!   module per message body.
//! - [`extensions`]: the hello extensions block and each extension.
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
    SignatureScheme,
};
pub use error::{ErrorKind, WireError};
