//! Who a peer is, as its leaf certificate says: read once, when the handshake receives the
//! chain, so that an application never parses DER to learn whom it talks to.

use std::net::IpAddr;

use rustls_pki_types::CertificateDer;

use crate::error::KeyError;
use crate::x509::Parsed;

/// The names in a peer's leaf certificate: subject, subjectAltName DNS names, IP addresses
/// and URIs (SPIFFE IDs among them), and the end of its validity.
///
/// What a connection hands out as the peer's identity was verified by the configured
/// verifier; a chain accepted without verification (a server's `ClientAuthPolicy::Request`)
/// is only ever shown as a claim (see the facade's `unverified_peer_identity`).
///
/// ```
/// use mtls_cert::PeerIdentity;
/// use rcgen::{CertificateParams, KeyPair, SanType};
///
/// // A client certificate with a DNS name and a SPIFFE ID, made here with rcgen.
/// let mut params = CertificateParams::new(vec!["billing.internal".to_string()])?;
/// params.subject_alt_names.push(SanType::URI("spiffe://example.org/billing".try_into()?));
/// let cert = params.self_signed(&KeyPair::generate()?)?;
///
/// let id = PeerIdentity::from_leaf(cert.der())?;
/// assert_eq!(id.dns_names(), ["billing.internal"]);
/// assert_eq!(id.spiffe_id(), Some("spiffe://example.org/billing"));
/// assert!(id.ip_addresses().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerIdentity {
    subject: String,
    dns_names: Vec<String>,
    ip_addresses: Vec<IpAddr>,
    uris: Vec<String>,
    not_after: u64,
}

impl PeerIdentity {
    /// Reads the identity out of a leaf certificate (parsing only: whether to trust it is the
    /// verifier's decision).
    pub fn from_leaf(leaf: &CertificateDer<'_>) -> Result<Self, KeyError> {
        Ok(Parsed::new(leaf)?.identity())
    }

    pub(crate) fn new(
        subject: String,
        dns_names: Vec<String>,
        ip_addresses: Vec<IpAddr>,
        uris: Vec<String>,
        not_after: u64,
    ) -> Self {
        Self {
            subject,
            dns_names,
            ip_addresses,
            uris,
            not_after,
        }
    }

    /// The subject's distinguished name as an RFC 4514 string (`CN=client,O=Example`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The subjectAltName dNSName entries, lowercase, in certificate order.
    pub fn dns_names(&self) -> &[String] {
        &self.dns_names
    }

    /// The subjectAltName iPAddress entries.
    pub fn ip_addresses(&self) -> &[IpAddr] {
        &self.ip_addresses
    }

    /// The subjectAltName uniformResourceIdentifier entries, as written.
    pub fn uris(&self) -> &[String] {
        &self.uris
    }

    /// The SPIFFE ID: the one URI SAN of a SPIFFE X.509-SVID, with the `spiffe` scheme.
    /// `None` when there is no such URI, or more than one URI (an SVID has exactly one).
    pub fn spiffe_id(&self) -> Option<&str> {
        match self.uris.as_slice() {
            [only]
                if only
                    .get(..9)
                    .is_some_and(|s| s.eq_ignore_ascii_case("spiffe://")) =>
            {
                Some(only)
            }
            _ => None,
        }
    }

    /// The end of the leaf's validity (notAfter), in seconds since the Unix epoch.
    pub fn not_after(&self) -> u64 {
        self.not_after
    }
}
