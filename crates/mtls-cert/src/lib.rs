//! # mtls-cert
//!
//! The certificate layer of mtls, a mutual-TLS stack (TLS 1.2 and 1.3): what the handshake
//! (`mtls-handshake`) and the PKI crate (`mtls-pki`) both need to talk about certificates,
//! and nothing more.
//!
//! - **Certified keys**: a chain with the private key of its leaf, checked to belong
//!   together ([`CertifiedKey`], [`KeyError`]), and its kind ([`AuthKeyType`]).
//! - **Judging the peer**: the verifier traits a handshake calls ([`ServerCertVerifier`],
//!   [`ClientCertVerifier`]) and why a chain was refused, each reason with the TLS alert it
//!   ends the handshake with ([`CertificateError`], RFC 5246 7.2.2).
//! - **Choosing our own certificate**: the resolver traits ([`ResolvesServerCert`],
//!   [`ResolvesClientCert`]) with what they are asked ([`ClientHelloInfo`],
//!   [`CertificateRequestInfo`]), implemented for a list of chains and for one chain.
//! - **Reading a certificate** ([`x509`]): its public key, its dNSName entries and its
//!   notAfter. This is the stack's one X.509 parser (x509-cert, parsing only); path
//!   validation is rustls-webpki's, in `mtls-pki`.
//!
//! Certificates are rustls-pki-types' [`CertificateDer`], as everywhere in mtls.
//!
//! Depend on this crate alone to plug your own trust decisions into mtls (pinning, a
//! private CA service, a policy engine) without pulling in rustls-webpki and the CRL code:
//! implement [`ServerCertVerifier`] or [`ClientCertVerifier`] and hand it to a
//! `ClientConfig` or `ServerConfig`. `mtls-pki` implements the same traits with webpki; most
//! users get both through the `mtls` facade.
//!
//! ```
//! use std::sync::Arc;
//! use mtls_cert::pki_types::pem::PemObject;
//! use mtls_cert::pki_types::PrivateKeyDer;
//! use mtls_cert::{
//!     AuthKeyType, CertificateDer, CertificateError, CertifiedKey, KeyError,
//!     ServerCertVerifier, SigningKey, x509,
//! };
//!
//! /// Trusts exactly one server certificate (pinning), whatever its issuer.
//! struct Pinned(CertificateDer<'static>);
//!
//! impl ServerCertVerifier for Pinned {
//!     fn verify_server_cert(
//!         &self,
//!         chain: &[CertificateDer<'_>],
//!         _server_name: Option<&str>,
//!         _now: u64,
//!     ) -> Result<(), CertificateError> {
//!         match chain.first() {
//!             Some(leaf) if *leaf == self.0 => Ok(()),
//!             _ => Err(CertificateError::UnknownIssuer),
//!         }
//!     }
//! }
//!
//! # const SERVER_PEM: &[u8] = b"-----BEGIN CERTIFICATE-----
//! # MIIBsjCCAVigAwIBAgIUdkiR02exh8Rlj/b7Bwfg4FC5VxMwCgYIKoZIzj0EAwIw
//! # FzEVMBMGA1UEAwwMbXRscyB0ZXN0IENBMB4XDTI2MTEyODAwMzYyN1oXDTM2MTEy
//! # NTAwMzYyN1owFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZI
//! # zj0DAQcDQgAE7GauTNPQQEVcDkerCBbGOVE8NjqjyunrH+m1BajqKnjCkeESNvQZ
//! # KOHZ8gbKf6VpnJv73r3Wyx2KpP63mYh8nqOBhDCBgTAaBgNVHREEEzARgglsb2Nh
//! # bGhvc3SHBH8AAAEwEwYDVR0lBAwwCgYIKwYBBQUHAwEwDgYDVR0PAQH/BAQDAgeA
//! # MB0GA1UdDgQWBBR9pUOc0RMU+LSghhsvuYBbj+CgsjAfBgNVHSMEGDAWgBSTRTFw
//! # lyKsJFr/uR4fsxmYKJ3ggTAKBggqhkjOPQQDAgNIADBFAiEAyBqm+hp4djKx3JSz
//! # S4gctD9N+n7d7iXhw/Vm6WrIr0kCIHcBE3fixm/4Pv31JhP91YRjcTdGsdhlG47R
//! # 0NcbAZ1h
//! # -----END CERTIFICATE-----
//! # ";
//! # const SERVER_KEY: &[u8] = b"-----BEGIN PRIVATE KEY-----
//! # MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeMCByf6H23xbuKf4
//! # eCnYbOl6Upv281/jB/ep9AH53+ihRANCAATsZq5M09BARVwOR6sIFsY5UTw2OqPK
//! # 6esf6bUFqOoqeMKR4RI29Bko4dnyBsp/pWmcm/vevdbLHYqk/reZiHye
//! # -----END PRIVATE KEY-----
//! # ";
//! # const CA_PEM: &[u8] = b"-----BEGIN CERTIFICATE-----
//! # MIIBkzCCATmgAwIBAgIUQPxkqNrrlho1HKAvWL4xUHXT9REwCgYIKoZIzj0EAwIw
//! # FzEVMBMGA1UEAwwMbXRscyB0ZXN0IENBMB4XDTI2MTEyODAwMzYyN1oXDTM2MTEy
//! # NTAwMzYyN1owFzEVMBMGA1UEAwwMbXRscyB0ZXN0IENBMFkwEwYHKoZIzj0CAQYI
//! # KoZIzj0DAQcDQgAEqlQPvVmqm/prAExkIWoaqWDVeHIDNXYXGbB3z4fR7I0Ivlgj
//! # GZjvJwZeJ0ByHPQWjpOMOTQ4q3kPjUyqnXGcC6NjMGEwHQYDVR0OBBYEFJNFMXCX
//! # IqwkWv+5Hh+zGZgoneCBMB8GA1UdIwQYMBaAFJNFMXCXIqwkWv+5Hh+zGZgoneCB
//! # MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0gA
//! # MEUCIQC0K3la3alN1u1/Oq2IXsgzz6vdR9zjohXH+xFrjpZcAgIgN6cgtFbIc3NM
//! # dZ7/Cv6pXbcsNtiImPftlXOkOe82/qw=
//! # -----END CERTIFICATE-----
//! # ";
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A P-256 server certificate for `localhost` and its key (PEM, e.g. from files).
//! let leaf = CertificateDer::from_pem_slice(SERVER_PEM)?;
//! let key_der = PrivateKeyDer::from_pem_slice(SERVER_KEY)?;
//!
//! // What the certificate itself says (parsing only: no trust decision).
//! assert_eq!(x509::dns_names(&leaf)?, ["localhost"]);
//! assert_eq!(x509::not_after(&leaf)?, 2_111_186_187); // 2036-11-25T00:36:27Z
//!
//! // A chain and its key, checked to belong together.
//! let certified = CertifiedKey::new(vec![leaf.clone()], SigningKey::from_der(key_der.secret_der())?)?;
//! assert_eq!(certified.key_type(), AuthKeyType::Ecdsa);
//! assert!(certified.matches_name("LOCALHOST."));
//!
//! // The same key with the CA's certificate is a misconfiguration, caught here.
//! let ca = CertificateDer::from_pem_slice(CA_PEM)?;
//! let wrong = CertifiedKey::new(vec![ca.clone()], SigningKey::from_der(key_der.secret_der())?);
//! assert_eq!(wrong.unwrap_err(), KeyError::KeyDoesNotMatch);
//!
//! // The pinning verifier, as a handshake would call it.
//! let verifier: Arc<dyn ServerCertVerifier> = Arc::new(Pinned(leaf.clone()));
//! assert_eq!(verifier.verify_server_cert(&[leaf], Some("localhost"), 0), Ok(()));
//! let refused = verifier.verify_server_cert(&[ca], Some("localhost"), 0).unwrap_err();
//! assert_eq!(refused.alert().to_u8(), 48); // unknown_ca
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod error;
mod identity;
mod key;
mod resolve;
mod verify;
pub mod x509;

#[cfg(test)]
mod tests;

pub use crate::error::{CertificateError, KeyError};
pub use crate::identity::PeerIdentity;
pub use crate::key::{AuthKeyType, CertifiedKey};
pub use crate::resolve::{
    CertificateRequestInfo, ClientHelloInfo, ResolvesClientCert, ResolvesServerCert,
};
pub use crate::verify::{ClientCertVerifier, ServerCertVerifier};

/// The certificate, key and server-name types of the rustls ecosystem (rustls-pki-types).
pub use rustls_pki_types as pki_types;
pub use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};

/// The wire types the traits speak: alerts (for [`CertificateError::Other`]), CA names,
/// signature schemes, cipher suites and certificate types.
pub use mtls_wire::handshake::DistinguishedName;
pub use mtls_wire::{AlertDescription, CipherSuite, ClientCertificateType, SignatureScheme};

/// The keys a [`CertifiedKey`] holds and [`x509::public_key`] reads.
pub use mtls_crypto::signature::{SignatureAlgorithm, SigningKey, VerifyingKey};
