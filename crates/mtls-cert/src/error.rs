//! Why a peer's chain was refused ([`CertificateError`], each with its alert), and why a
//! certificate's key could not be read or a chain and key do not pair ([`KeyError`]).

use std::fmt;

use mtls_wire::AlertDescription;

/// Why a certificate chain was refused, each reason with its alert (RFC 5246 7.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateError {
    /// Not issued by a trusted CA: `unknown_ca`.
    UnknownIssuer,
    /// Corrupt, or signed wrongly: `bad_certificate`.
    BadCertificate,
    /// Outside its validity period: `certificate_expired`.
    Expired,
    /// Revoked by a CRL: `certificate_revoked`.
    Revoked,
    /// A key or algorithm we do not support: `unsupported_certificate`.
    UnsupportedCertificate,
    /// Not valid for the name we connected to: `bad_certificate`.
    NotValidForName(String),
    /// Lacks the extended key usage this role needs: `unsupported_certificate`.
    InvalidPurpose,
    /// Valid, but policy refuses this peer: `access_denied`.
    AccessDenied,
    /// Anything else, with the alert to send.
    Other(AlertDescription, String),
}

impl CertificateError {
    /// The alert this refusal sends.
    pub fn alert(&self) -> AlertDescription {
        match self {
            Self::UnknownIssuer => AlertDescription::UnknownCa,
            Self::BadCertificate | Self::NotValidForName(_) => AlertDescription::BadCertificate,
            Self::Expired => AlertDescription::CertificateExpired,
            Self::Revoked => AlertDescription::CertificateRevoked,
            Self::UnsupportedCertificate | Self::InvalidPurpose => {
                AlertDescription::UnsupportedCertificate
            }
            Self::AccessDenied => AlertDescription::AccessDenied,
            Self::Other(alert, _) => *alert,
        }
    }
}

impl std::error::Error for CertificateError {}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownIssuer => write!(f, "certificate not issued by a trusted CA"),
            Self::BadCertificate => write!(f, "certificate is malformed or badly signed"),
            Self::Expired => write!(f, "certificate is expired or not yet valid"),
            Self::Revoked => write!(f, "certificate is revoked"),
            Self::UnsupportedCertificate => {
                write!(f, "certificate uses an unsupported key or algorithm")
            }
            Self::NotValidForName(n) => write!(f, "certificate not valid for name {n}"),
            Self::InvalidPurpose => write!(
                f,
                "certificate not valid for this purpose (extended key usage)"
            ),
            Self::AccessDenied => write!(f, "certificate refused by policy"),
            Self::Other(_, s) => f.write_str(s),
        }
    }
}

/// Why a certificate's public key could not be read, or why a chain and a private key do not
/// form a [`CertifiedKey`](crate::CertifiedKey).
///
/// Read off a peer's certificate, [`alert`](Self::alert) is the alert to refuse it with;
/// from a local chain and key it is a configuration mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The chain holds no certificate.
    EmptyChain,
    /// The private key does not belong to the leaf certificate: its signature does not
    /// verify under the leaf's public key.
    KeyDoesNotMatch,
    /// The private key cannot sign (it offers no scheme, or signing failed).
    CannotSign(String),
    /// The certificate is not well-formed X.509 DER, or its public key does not decode.
    BadCertificate(String),
    /// The certificate's public key is of a type or size this stack does not use.
    UnsupportedKey(mtls_crypto::Error),
    /// The certificate's keyUsage extension does not allow the key this use (RFC 5280
    /// 4.2.1.3): no digitalSignature for a key that must verify a signature, no
    /// keyEncipherment for a static RSA key.
    KeyUsage(crate::x509::KeyUse),
}

impl KeyError {
    /// The alert for a peer's certificate that fails this way: `bad_certificate` for one
    /// that does not parse, `unsupported_certificate` for a key we do not use or whose
    /// keyUsage forbids what we do with it, and
    /// `internal_error` for the local failures (no chain, no matching key).
    pub fn alert(&self) -> AlertDescription {
        match self {
            Self::BadCertificate(_) => AlertDescription::BadCertificate,
            Self::UnsupportedKey(_) | Self::KeyUsage(_) => AlertDescription::UnsupportedCertificate,
            Self::EmptyChain | Self::KeyDoesNotMatch | Self::CannotSign(_) => {
                AlertDescription::InternalError
            }
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyChain => f.write_str("certificate chain is empty"),
            Self::KeyDoesNotMatch => {
                f.write_str("the private key does not belong to the leaf certificate")
            }
            Self::CannotSign(detail) | Self::BadCertificate(detail) => f.write_str(detail),
            Self::UnsupportedKey(e) => write!(f, "certificate public key: {e}"),
            Self::KeyUsage(crate::x509::KeyUse::Signature) => f.write_str(
                "the certificate's keyUsage lacks digitalSignature: its key may not verify a signature (RFC 5280 4.2.1.3, RFC 8446 4.4.2.2)",
            ),
            Self::KeyUsage(crate::x509::KeyUse::Encipherment) => f.write_str(
                "the certificate's keyUsage lacks keyEncipherment: its key may not encrypt a static RSA premaster secret (RFC 5246 7.4.2)",
            ),
        }
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::UnsupportedKey(e) => Some(e),
            _ => None,
        }
    }
}
