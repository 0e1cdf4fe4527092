//! What the stack reads out of a certificate itself: the public key, what its keyUsage
//! allows the key for, the dNSName entries and the notAfter. Parsing only, with x509-cert (the one X.509 parser of the stack): whether a
//! certificate is to be trusted is a verifier's decision (rustls-webpki in `mtls-pki`).

use std::net::IpAddr;

use mtls_crypto::signature::VerifyingKey;
use rustls_pki_types::CertificateDer;
use x509_cert::der::{Decode, Encode};

use crate::error::KeyError;

/// A parsed certificate, so that one parse can serve several readings.
pub(crate) struct Parsed(x509_cert::Certificate);

impl Parsed {
    /// Parses a DER certificate.
    pub(crate) fn new(cert: &CertificateDer<'_>) -> Result<Self, KeyError> {
        x509_cert::Certificate::from_der(cert.as_ref())
            .map(Self)
            .map_err(|e| KeyError::BadCertificate(format!("certificate does not parse: {e}")))
    }

    /// The public key of its SubjectPublicKeyInfo.
    pub(crate) fn public_key(&self) -> Result<VerifyingKey, KeyError> {
        let spki = self
            .0
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|e| KeyError::BadCertificate(e.to_string()))?;
        VerifyingKey::from_spki_der(&spki).map_err(|e| match e {
            mtls_crypto::Error::InvalidKeyEncoding => {
                KeyError::BadCertificate(format!("certificate public key: {e}"))
            }
            _ => KeyError::UnsupportedKey(e),
        })
    }

    /// Whether its keyUsage extension allows `key_use` (RFC 5280 4.2.1.3): yes when there is
    /// none; [`KeyError::KeyUsage`] when the bit is missing, [`KeyError::BadCertificate`]
    /// when the extension does not parse or comes twice.
    pub(crate) fn allows(&self, key_use: KeyUse) -> Result<(), KeyError> {
        use x509_cert::ext::pkix::KeyUsage;
        let usage = match self.0.tbs_certificate().get_extension::<KeyUsage>() {
            Ok(None) => return Ok(()),
            Ok(Some((_, usage))) => usage,
            Err(e) => {
                return Err(KeyError::BadCertificate(format!(
                    "certificate keyUsage does not parse, or comes twice: {e}"
                )));
            }
        };
        let allowed = match key_use {
            KeyUse::Signature => usage.digital_signature(),
            KeyUse::Encipherment => usage.key_encipherment(),
        };
        if allowed {
            Ok(())
        } else {
            Err(KeyError::KeyUsage(key_use))
        }
    }

    /// The dNSName entries of its subjectAltName, lowercase; empty when it has none.
    pub(crate) fn dns_names(&self) -> Vec<String> {
        use x509_cert::ext::pkix::SubjectAltName;
        use x509_cert::ext::pkix::name::GeneralName;
        let Ok(Some((_, san))) = self.0.tbs_certificate().get_extension::<SubjectAltName>() else {
            return Vec::new();
        };
        san.0
            .iter()
            .filter_map(|name| match name {
                GeneralName::DnsName(dns) => Some(dns.as_str().to_ascii_lowercase()),
                _ => None,
            })
            .collect()
    }

    /// Its subject and subjectAltName names, and its notAfter.
    pub(crate) fn identity(&self) -> crate::PeerIdentity {
        use x509_cert::ext::pkix::SubjectAltName;
        use x509_cert::ext::pkix::name::GeneralName;
        let (mut dns_names, mut ip_addresses, mut uris) = (Vec::new(), Vec::new(), Vec::new());
        if let Ok(Some((_, san))) = self.0.tbs_certificate().get_extension::<SubjectAltName>() {
            for name in &san.0 {
                match name {
                    GeneralName::DnsName(dns) => dns_names.push(dns.as_str().to_ascii_lowercase()),
                    GeneralName::UniformResourceIdentifier(uri) => uris.push(uri.to_string()),
                    GeneralName::IpAddress(ip) => {
                        let ip = match ip.as_bytes() {
                            &[a, b, c, d] => Some(IpAddr::from([a, b, c, d])),
                            b => <[u8; 16]>::try_from(b).ok().map(IpAddr::from),
                        };
                        ip_addresses.extend(ip);
                    }
                    _ => {}
                }
            }
        }
        crate::PeerIdentity::new(
            self.0.tbs_certificate().subject().to_string(),
            dns_names,
            ip_addresses,
            uris,
            self.not_after(),
        )
    }

    /// Its notAfter, in seconds since the Unix epoch.
    pub(crate) fn not_after(&self) -> u64 {
        self.0
            .tbs_certificate()
            .validity()
            .not_after
            .to_unix_duration()
            .as_secs()
    }
}

/// The public key in a DER certificate's SubjectPublicKeyInfo: what a peer's
/// ServerKeyExchange or CertificateVerify signature is checked with. A certificate that does
/// not parse is [`KeyError::BadCertificate`]; a key of a type or size the stack does not
/// use (P-521, Ed25519, RSA under 2048 bits, ...) is [`KeyError::UnsupportedKey`].
pub fn public_key(cert: &CertificateDer<'_>) -> Result<VerifyingKey, KeyError> {
    Parsed::new(cert)?.public_key()
}

/// The DNS names a certificate is issued for: its subjectAltName dNSName entries,
/// lowercase, in order (none if it has no subjectAltName). Never the subject's common name.
pub fn dns_names(cert: &CertificateDer<'_>) -> Result<Vec<String>, KeyError> {
    Ok(Parsed::new(cert)?.dns_names())
}

/// The subject's and the issuer's distinguished names as RFC 4514 strings
/// (`CN=client,O=Example`, `CN=Issuing CA,O=Example`), from one parse, as
/// [`PeerIdentity::subject`](crate::PeerIdentity::subject) writes the subject.
pub fn subject_and_issuer(cert: &CertificateDer<'_>) -> Result<(String, String), KeyError> {
    let parsed = Parsed::new(cert)?;
    let tbs = parsed.0.tbs_certificate();
    Ok((tbs.subject().to_string(), tbs.issuer().to_string()))
}

/// The end of a certificate's validity period (notAfter, RFC 5280 4.1.2.5), in seconds
/// since the Unix epoch.
pub fn not_after(cert: &CertificateDer<'_>) -> Result<u64, KeyError> {
    Ok(Parsed::new(cert)?.not_after())
}

/// What the handshake does with a peer leaf's key, which the leaf's keyUsage extension (when
/// present) must allow (RFC 5280 4.2.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// Verify a signature: a CertificateVerify (RFC 8446 4.4.2.2, RFC 5246 7.4.8) or an ECDHE
    /// ServerKeyExchange (RFC 5246 7.4.2, 7.4.3). Needs digitalSignature.
    Signature,
    /// Encrypt the premaster secret of TLS 1.2 static RSA (RFC 5246 7.4.2, 7.4.7.1). Needs
    /// keyEncipherment.
    Encipherment,
}

/// A leaf's public key and its identity, from one parse, for a key that verifies signatures
/// (every peer leaf but a static RSA server's): [`read_leaf_for`] with [`KeyUse::Signature`].
pub fn read_leaf(
    leaf: &CertificateDer<'_>,
) -> Result<(VerifyingKey, crate::PeerIdentity), KeyError> {
    read_leaf_for(leaf, KeyUse::Signature)
}

/// A leaf's public key and its identity, from one parse: what the handshake reads from a
/// peer's leaf when the chain arrives. A keyUsage extension that does not allow `key_use` is
/// [`KeyError::KeyUsage`] (`unsupported_certificate`): path validation (rustls-webpki)
/// checks extended key usage only, so this is where the key's use is checked.
pub fn read_leaf_for(
    leaf: &CertificateDer<'_>,
    key_use: KeyUse,
) -> Result<(VerifyingKey, crate::PeerIdentity), KeyError> {
    let parsed = Parsed::new(leaf)?;
    parsed.allows(key_use)?;
    Ok((parsed.public_key()?, parsed.identity()))
}
