//! # mtls-pki
//!
//! Certificates and keys for mtls, a mutual-TLS stack:
//!
//! - **Loading**: certificate chains, private keys and CRLs from PEM (RFC 7468) or DER
//!   files, through `rustls-pki-types`: [`load_certs`], [`load_private_key`] (PKCS#8,
//!   PKCS#1 RSA, SEC1 EC), [`load_certified_key`], [`load_crls`], and in-memory variants
//!   ([`certs_from_pem`], [`private_key_from_pem`], ...). Errors name the file and say what
//!   was wrong with it ([`PkiError`]): `no certificate found in chain.pem`,
//!   `key.pem: the key is RSA-1024; at least 2048 bits needed`,
//!   `key.pem holds an encrypted key; ...`.
//! - **Trust**: a [`RootStore`] of CA certificates, and two verifiers built on
//!   `rustls-webpki` (RFC 5280 path validation) whose signature checks run on
//!   `mtls-crypto` ([`algorithms`]): [`WebPkiServerVerifier`] (serverAuth EKU, DNS name or
//!   IP address, validity, CRLs) and [`WebPkiClientVerifier`] (clientAuth EKU, validity,
//!   CRLs, and the CA names for CertificateRequest, RFC 5246 7.4.4).
//!
//! Each refusal is a [`CertificateError`](mtls_cert::CertificateError) carrying the
//! TLS alert it ends the handshake with (RFC 5246 7.2.2): unknown issuer → `unknown_ca`,
//! malformed or badly signed → `bad_certificate`, outside its validity → `certificate_expired`,
//! revoked → `certificate_revoked`, wrong name → `bad_certificate`, wrong extended key
//! usage or unsupported algorithm → `unsupported_certificate`, no CRL from the issuer or a
//! CRL past its nextUpdate (refused by default, RFC 5280 6.3.3) → `certificate_unknown`.
//!
//! Depend on it alone to check certificates and keys the way an mtls endpoint would
//! without running a handshake: a deployment tool that validates a server's files before a
//! reload, a CLI that explains why a client certificate is refused, or a test harness that
//! feeds `ServerConfig`/`ClientConfig` of `mtls-handshake`. Most users get it through the
//! `mtls` facade.
//!
//! It depends on `mtls-crypto` (keys and signatures) and on `mtls-cert`, the certificate
//! layer: the verifier traits it implements, [`CertificateError`](mtls_cert::CertificateError),
//! [`CertifiedKey`](mtls_cert::CertifiedKey) and the reading of a certificate's notAfter. It
//! does not depend on the handshake, the wire codec or the PRF (docs/ARCHITECTURE.md,
//! "Allowed dependency edges"). Certificates are rustls-pki-types'
//! [`CertificateDer`](rustls_pki_types::CertificateDer).
//!
//! ```
//! use mtls_cert::{CertificateError, ClientCertVerifier, ServerCertVerifier};
//! use mtls_pki::{RootStore, WebPkiClientVerifier, WebPkiServerVerifier, certs_from_pem};
//!
//! # const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
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
//! # const SERVER_PEM: &str = "-----BEGIN CERTIFICATE-----
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
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A P-256 test CA and a server certificate for `localhost` / 127.0.0.1 it issued
//! // (valid 2026-11-28 .. 2036-11-25); in production: RootStore::load("ca.pem")?
//! let roots = RootStore::from_pem(CA_PEM.as_bytes())?;
//! let chain = certs_from_pem(SERVER_PEM.as_bytes())?;
//! let now = 1_800_000_000; // seconds since the Unix epoch (2027-01-15)
//!
//! let verifier = WebPkiServerVerifier::new(roots.clone());
//! assert_eq!(verifier.verify_server_cert(&chain, Some("localhost"), now), Ok(()));
//! assert_eq!(verifier.verify_server_cert(&chain, Some("127.0.0.1"), now), Ok(()));
//!
//! let refused = verifier.verify_server_cert(&chain, Some("example.com"), now);
//! assert_eq!(refused, Err(CertificateError::NotValidForName("example.com".into())));
//! let expired = verifier.verify_server_cert(&chain, Some("localhost"), 2_200_000_000);
//! assert_eq!(expired.unwrap_err().alert().to_u8(), 45); // certificate_expired
//!
//! // On a server: the CA names for CertificateRequest are the roots' subjects; a
//! // serverAuth-only certificate is no client certificate.
//! let clients = WebPkiClientVerifier::new(roots);
//! assert_eq!(clients.root_hint_subjects().len(), 1);
//! assert_eq!(
//!     clients.verify_client_cert(&chain, now),
//!     Err(CertificateError::InvalidPurpose)
//! );
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

pub mod algorithms;
mod crl;
mod error;
mod load;
mod roots;
mod shape;
mod verify;

pub use crate::crl::{Crl, crls_from_bytes, crls_from_pem, load_crls};
pub use crate::error::{PkiError, PkiErrorKind};
pub use crate::load::{
    certs_from_bytes, certs_from_pem, load_certified_key, load_certs, load_private_key,
    private_key_from_bytes, private_key_from_der, private_key_from_key_der, private_key_from_pem,
};
pub use crate::roots::RootStore;
pub use crate::verify::{WebPkiClientVerifier, WebPkiServerVerifier};
