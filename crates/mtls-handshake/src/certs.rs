//! Certificates and keys as the handshake sees them, and the traits through which it chooses
//! its own certificate and judges the peer's (the real verifiers live in `mtls-pki`).

use std::fmt;
use std::sync::Arc;

use mtls_crypto::signature::{SignatureAlgorithm, SigningKey, VerifyingKey};
use mtls_wire::{AlertDescription, CipherSuite, ClientCertificateType, SignatureScheme};
use x509_cert::der::{Decode, Encode};

pub use mtls_wire::handshake::{CertificateDer, DistinguishedName};

use crate::error::HandshakeError;
use crate::suites::AuthKeyType;

/// A certificate chain (leaf first) with the private key of the leaf.
pub struct CertifiedKey {
    /// The chain to send: leaf first, then intermediates (RFC 5246 7.4.2).
    pub chain: Vec<CertificateDer>,
    /// The leaf's private key.
    pub key: SigningKey,
    /// The leaf's DNS names (subjectAltName dNSName entries, lowercase), for SNI selection.
    dns_names: Vec<String>,
}

impl CertifiedKey {
    /// Pairs a chain with its key; refuses an empty chain or a key that does not match the
    /// leaf's public key (a misconfiguration that would otherwise surface as the peer's
    /// `decrypt_error`).
    pub fn new(chain: Vec<CertificateDer>, key: SigningKey) -> Result<Self, HandshakeError> {
        let leaf = chain
            .first()
            .ok_or_else(|| HandshakeError::internal("certificate chain is empty"))?;
        // One parse of the leaf serves both its key and its names.
        let parsed = parse_certificate(leaf)?;
        let public = public_key_of(&parsed)?;
        // Prove the pair matches by a signature: the key types expose no public-key equality.
        let scheme =
            key.schemes().first().copied().ok_or_else(|| {
                HandshakeError::internal("the private key can sign with no scheme")
            })?;
        let probe = b"mtls: does this key belong to this certificate?";
        let signature = key
            .sign(scheme, probe, &mut mtls_crypto::OsRng)
            .map_err(|e| HandshakeError::internal(format!("signing with the key failed: {e}")))?;
        if public.verify(scheme, probe, &signature).is_err() {
            return Err(HandshakeError::internal(
                "the private key does not belong to the leaf certificate",
            ));
        }
        let dns_names = dns_names_of(&parsed);
        Ok(Self {
            chain,
            key,
            dns_names,
        })
    }

    /// The DNS names the leaf is issued for (from subjectAltName).
    pub fn dns_names(&self) -> &[String] {
        &self.dns_names
    }

    /// True when the leaf names `host` exactly or by a `*.` wildcard for one label
    /// (RFC 6125 6.4.3). Only for picking among our own certificates by SNI; the client does
    /// the real name check with its verifier.
    pub fn matches_name(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.dns_names.iter().any(|n| {
            n == &host
                || n.strip_prefix("*.").is_some_and(|suffix| {
                    host.split_once('.')
                        .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix)
                })
        })
    }

    /// RSA or ECDSA: which suites this key can authenticate.
    pub fn key_type(&self) -> AuthKeyType {
        key_type_of(self.key.schemes())
    }
}

impl fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertifiedKey")
            .field("chain_len", &self.chain.len())
            .field("key_type", &self.key_type())
            .finish_non_exhaustive()
    }
}

/// The scheme to sign with: one `key` can make, `ours` allows and the peer `offered`. An
/// ECDSA key prefers its own curve's hash (RFC 8446 4.2.3 pairs them; a P-384 key signing
/// SHA-256 would throw away half its strength); otherwise our configured order decides.
pub(crate) fn choose_scheme(
    key: &SigningKey,
    ours: &[SignatureAlgorithm],
    offered: &[SignatureScheme],
) -> Option<SignatureAlgorithm> {
    let usable = |s: &SignatureAlgorithm| {
        key.schemes().contains(s)
            && ours.contains(s)
            && offered.contains(&SignatureScheme::from(s.to_u16()))
    };
    let natural = match key_type_of(key.schemes()) {
        AuthKeyType::Ecdsa => key.schemes().first().copied().filter(usable),
        AuthKeyType::Rsa => None,
    };
    natural.or_else(|| ours.iter().copied().find(usable))
}

/// ECDSA on any curve we sign with (P-256 or P-384) authenticates ECDHE_ECDSA suites
/// (RFC 8422 5.1: the suite names the signature algorithm, not the curve); anything else
/// is RSA.
pub(crate) fn key_type_of(schemes: &[SignatureAlgorithm]) -> AuthKeyType {
    let ecdsa = schemes.iter().any(|s| {
        matches!(
            s,
            SignatureAlgorithm::EcdsaSecp256r1Sha256 | SignatureAlgorithm::EcdsaSecp384r1Sha384
        )
    });
    if ecdsa {
        AuthKeyType::Ecdsa
    } else {
        AuthKeyType::Rsa
    }
}

/// Parses a DER certificate (parsing only: trust decisions are the verifier's).
fn parse_certificate(cert: &CertificateDer) -> Result<x509_cert::Certificate, HandshakeError> {
    x509_cert::Certificate::from_der(cert.as_bytes()).map_err(|e| {
        HandshakeError::new(
            AlertDescription::BadCertificate,
            format!("certificate does not parse: {e}"),
        )
    })
}

/// The dNSName entries of a certificate's subjectAltName, lowercase; empty when it has none
/// (selection then falls back to key type only).
fn dns_names_of(parsed: &x509_cert::Certificate) -> Vec<String> {
    use x509_cert::ext::pkix::SubjectAltName;
    use x509_cert::ext::pkix::name::GeneralName;
    let Ok(Some((_, san))) = parsed.tbs_certificate().get_extension::<SubjectAltName>() else {
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

/// The public key in a parsed certificate's SubjectPublicKeyInfo.
fn public_key_of(parsed: &x509_cert::Certificate) -> Result<VerifyingKey, HandshakeError> {
    let spki = parsed
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| HandshakeError::new(AlertDescription::BadCertificate, format!("{e}")))?;
    VerifyingKey::from_spki_der(&spki).map_err(|e| {
        let alert = match e {
            mtls_crypto::Error::InvalidKeyEncoding => AlertDescription::BadCertificate,
            _ => AlertDescription::UnsupportedCertificate,
        };
        HandshakeError::new(alert, format!("certificate public key: {e}"))
    })
}

/// Reads the public key out of a DER certificate (its SubjectPublicKeyInfo). Parsing only:
/// trust decisions are the verifier's.
pub fn leaf_public_key(cert: &CertificateDer) -> Result<VerifyingKey, HandshakeError> {
    public_key_of(&parse_certificate(cert)?)
}

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

/// Judges the server's chain on the client side: trust, validity at `now`, and the name.
pub trait ServerCertVerifier: Send + Sync {
    /// `chain` is leaf first; `server_name` is what the client connected to (DNS name or IP
    /// address text), `now` is seconds since the Unix epoch.
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer],
        server_name: Option<&str>,
        now: u64,
    ) -> Result<(), CertificateError>;
}

/// Judges the client's chain on the server side.
pub trait ClientCertVerifier: Send + Sync {
    /// The distinguished names of the acceptable roots, sent in CertificateRequest
    /// (RFC 5246 7.4.4 `certificate_authorities`). May be empty.
    fn root_hint_subjects(&self) -> Vec<DistinguishedName>;

    /// `chain` is leaf first; `now` is seconds since the Unix epoch. Also called again on
    /// resumption, so that an expired or no longer trusted client is not let back in.
    fn verify_client_cert(
        &self,
        chain: &[CertificateDer],
        now: u64,
    ) -> Result<(), CertificateError>;

    /// Until when (seconds since the Unix epoch) a successful verification of `chain` by this
    /// verifier stays true, so that a resumption before then may skip re-verifying it; `None`
    /// (the default) re-verifies on every resumption. Return a time only if nothing but the
    /// clock can change the verdict (e.g. the earliest notAfter in the chain, with no CRLs).
    fn verified_until(&self, chain: &[CertificateDer]) -> Option<u64> {
        let _ = chain;
        None
    }
}

/// What a server knows from a ClientHello when it picks its certificate.
#[derive(Debug)]
pub struct ClientHelloInfo<'a> {
    /// The SNI host name, if the client sent one (RFC 6066 3).
    pub server_name: Option<&'a str>,
    /// The client's signature_algorithms (RFC 5246 7.4.1.4.1).
    pub signature_schemes: &'a [SignatureScheme],
    /// The client's cipher suites.
    pub cipher_suites: &'a [CipherSuite],
}

/// Picks the server's certificate for a handshake (several chains may be held, e.g. an RSA
/// and an ECDSA one). Called once per candidate suite with the key type the suite needs.
pub trait ResolvesServerCert: Send + Sync {
    /// A chain and key of `key_type` fit for this ClientHello, or `None`.
    fn resolve(
        &self,
        hello: &ClientHelloInfo<'_>,
        key_type: AuthKeyType,
    ) -> Option<Arc<CertifiedKey>>;
}

/// A list of chains: among those of the wanted key type whose key can sign with one of the
/// client's signature algorithms, the first issued for the SNI name wins, else the first
/// (as OpenSSL and nginx pick between an RSA and an ECDSA certificate).
impl ResolvesServerCert for Vec<Arc<CertifiedKey>> {
    fn resolve(
        &self,
        hello: &ClientHelloInfo<'_>,
        key_type: AuthKeyType,
    ) -> Option<Arc<CertifiedKey>> {
        let fits = |c: &&Arc<CertifiedKey>| {
            c.key_type() == key_type
                && c.key.schemes().iter().any(|s| {
                    hello
                        .signature_schemes
                        .contains(&SignatureScheme::from(s.to_u16()))
                })
        };
        let by_name = hello
            .server_name
            .and_then(|name| self.iter().filter(fits).find(|c| c.matches_name(name)));
        by_name
            .or_else(|| self.iter().find(fits))
            .or_else(|| self.iter().find(|c| c.key_type() == key_type))
            .cloned()
    }
}

/// What a client learns from a CertificateRequest when it picks its certificate.
#[derive(Debug)]
pub struct CertificateRequestInfo<'a> {
    /// The CA names the server accepts (may be empty: any).
    pub ca_names: &'a [DistinguishedName],
    /// The signature schemes the server accepts for CertificateVerify.
    pub signature_schemes: &'a [SignatureScheme],
    /// The certificate types the server accepts.
    pub certificate_types: &'a [ClientCertificateType],
}

/// Picks the client's certificate when the server asks for one; `None` sends an empty
/// Certificate (RFC 5246 7.4.6).
pub trait ResolvesClientCert: Send + Sync {
    /// A chain and key that fits the request, or `None`.
    fn resolve(&self, request: &CertificateRequestInfo<'_>) -> Option<Arc<CertifiedKey>>;
}

/// One client certificate, offered whenever its key can sign with a requested scheme and its
/// type is requested.
impl ResolvesClientCert for Arc<CertifiedKey> {
    fn resolve(&self, request: &CertificateRequestInfo<'_>) -> Option<Arc<CertifiedKey>> {
        let wanted_type = match self.key_type() {
            AuthKeyType::Rsa => ClientCertificateType::RsaSign,
            AuthKeyType::Ecdsa => ClientCertificateType::EcdsaSign,
        };
        let type_ok = request.certificate_types.contains(&wanted_type);
        let scheme_ok = self.key.schemes().iter().any(|s| {
            request
                .signature_schemes
                .contains(&SignatureScheme::from(s.to_u16()))
        });
        (type_ok && scheme_ok).then(|| Arc::clone(self))
    }
}
