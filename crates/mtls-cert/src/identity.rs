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

    /// The identity as bytes, for a server's sealed session ticket, so that a resumption
    /// does not parse the leaf again: the subject (u16 length), notAfter (u64), then the DNS
    /// names (u8 count, each u8 length), IP addresses (u8 count, each u8 length 4 or 16) and
    /// URIs (u8 count, each u16 length). `None` if a field does not fit.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(64 + self.subject.len());
        let put16 = |out: &mut Vec<u8>, b: &[u8]| -> Option<()> {
            out.extend_from_slice(&u16::try_from(b.len()).ok()?.to_be_bytes());
            out.extend_from_slice(b);
            Some(())
        };
        let put8 = |out: &mut Vec<u8>, b: &[u8]| -> Option<()> {
            out.push(u8::try_from(b.len()).ok()?);
            out.extend_from_slice(b);
            Some(())
        };
        put16(&mut out, self.subject.as_bytes())?;
        out.extend_from_slice(&self.not_after.to_be_bytes());
        out.push(u8::try_from(self.dns_names.len()).ok()?);
        for name in &self.dns_names {
            put8(&mut out, name.as_bytes())?;
        }
        out.push(u8::try_from(self.ip_addresses.len()).ok()?);
        for ip in &self.ip_addresses {
            match ip {
                IpAddr::V4(v4) => put8(&mut out, &v4.octets())?,
                IpAddr::V6(v6) => put8(&mut out, &v6.octets())?,
            }
        }
        out.push(u8::try_from(self.uris.len()).ok()?);
        for uri in &self.uris {
            put16(&mut out, uri.as_bytes())?;
        }
        Some(out)
    }

    /// An identity written by [`to_bytes`](Self::to_bytes), all of `bytes`; `None` for
    /// anything else. Only a server's own sealed ticket is read this way: the bytes say who
    /// the peer is, so they must come from where only a verified identity was written.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut r = bytes;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = r.split_at_checked(n)?;
            r = tail;
            Some(head)
        };
        fn text(b: &[u8]) -> Option<String> {
            String::from_utf8(b.to_vec()).ok()
        }
        let len16 = |b: &[u8]| -> Option<usize> {
            Some(usize::from(u16::from_be_bytes(b.try_into().ok()?)))
        };
        let n = len16(take(2)?)?;
        let subject = text(take(n)?)?;
        let not_after = u64::from_be_bytes(take(8)?.try_into().ok()?);
        let mut dns_names = Vec::new();
        for _ in 0..*take(1)?.first()? {
            let n = usize::from(*take(1)?.first()?);
            dns_names.push(text(take(n)?)?);
        }
        let mut ip_addresses = Vec::new();
        for _ in 0..*take(1)?.first()? {
            let n = usize::from(*take(1)?.first()?);
            let octets = take(n)?;
            ip_addresses.push(match n {
                4 => IpAddr::from(<[u8; 4]>::try_from(octets).ok()?),
                16 => IpAddr::from(<[u8; 16]>::try_from(octets).ok()?),
                _ => return None,
            });
        }
        let mut uris = Vec::new();
        for _ in 0..*take(1)?.first()? {
            let n = len16(take(2)?)?;
            uris.push(text(take(n)?)?);
        }
        if !r.is_empty() {
            return None;
        }
        Some(Self::new(subject, dns_names, ip_addresses, uris, not_after))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod bytes_tests {
    use super::*;

    #[test]
    fn an_identity_comes_back_from_its_bytes_and_nothing_else_is_read() {
        let id = PeerIdentity::new(
            "CN=client,O=Example".into(),
            vec!["a.example".into(), "b.example".into()],
            vec!["10.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
            vec!["spiffe://example.org/client".into()],
            1_900_000_000,
        );
        let bytes = id.to_bytes().unwrap();
        assert_eq!(PeerIdentity::from_bytes(&bytes).unwrap(), id);
        for cut in 0..bytes.len() {
            assert!(PeerIdentity::from_bytes(&bytes[..cut]).is_none(), "{cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(PeerIdentity::from_bytes(&longer).is_none());
    }
}
