//! A certificate chain with the private key of its leaf, and the kind of key it is.

use std::fmt;

use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use rustls_pki_types::CertificateDer;

use crate::error::KeyError;
use crate::x509::Parsed;

/// Which kind of certificate key authenticates an endpoint: what a TLS 1.2 cipher suite
/// names (ECDHE_RSA or ECDHE_ECDSA) and what a CertificateRequest's certificate types ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthKeyType {
    /// An RSA key (ECDHE_RSA signs with it; static RSA decrypts with it).
    Rsa,
    /// An ECDSA key, P-256 or P-384 (ECDHE_ECDSA).
    Ecdsa,
}

impl AuthKeyType {
    /// The kind of a key that signs with `schemes`: ECDSA on any curve we sign with (P-256 or
    /// P-384) authenticates ECDHE_ECDSA suites (RFC 8422 5.1: the suite names the signature
    /// algorithm, not the curve); anything else is RSA.
    pub fn from_schemes(schemes: &[SignatureAlgorithm]) -> Self {
        let ecdsa = schemes.iter().any(|s| {
            matches!(
                s,
                SignatureAlgorithm::EcdsaSecp256r1Sha256 | SignatureAlgorithm::EcdsaSecp384r1Sha384
            )
        });
        if ecdsa { Self::Ecdsa } else { Self::Rsa }
    }
}

/// A certificate chain (leaf first) with the private key of the leaf.
pub struct CertifiedKey {
    /// The chain to send: leaf first, then intermediates (RFC 5246 7.4.2).
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's private key.
    pub key: SigningKey,
    /// The leaf's DNS names (subjectAltName dNSName entries, lowercase), for SNI selection.
    dns_names: Vec<String>,
}

impl CertifiedKey {
    /// Pairs a chain with its key; refuses an empty chain ([`KeyError::EmptyChain`]), a leaf
    /// that does not parse, and a key that does not match the leaf's public key
    /// ([`KeyError::KeyDoesNotMatch`]: a misconfiguration that would otherwise surface as
    /// the peer's `decrypt_error`).
    pub fn new(chain: Vec<CertificateDer<'static>>, key: SigningKey) -> Result<Self, KeyError> {
        let leaf = chain.first().ok_or(KeyError::EmptyChain)?;
        // One parse of the leaf serves both its key and its names.
        let parsed = Parsed::new(leaf)?;
        let public = parsed.public_key()?;
        // Prove the pair matches by a signature: the key types expose no public-key equality.
        let scheme = key.schemes().first().copied().ok_or_else(|| {
            KeyError::CannotSign("the private key can sign with no scheme".into())
        })?;
        let probe = b"mtls: does this key belong to this certificate?";
        let signature = key
            .sign(scheme, probe, &mut mtls_crypto::OsRng)
            .map_err(|e| KeyError::CannotSign(format!("signing with the key failed: {e}")))?;
        if public.verify(scheme, probe, &signature).is_err() {
            return Err(KeyError::KeyDoesNotMatch);
        }
        let dns_names = parsed.dns_names();
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
        AuthKeyType::from_schemes(self.key.schemes())
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
