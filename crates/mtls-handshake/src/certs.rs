//! Certificates and keys as the handshake sees them. The types and traits are the
//! certificate layer's (`mtls-cert`), re-exported here so that `mtls_handshake::X` paths keep
//! working; the real verifiers live in `mtls-pki`. What is the handshake's own is choosing the
//! signature scheme for a key.

use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_wire::SignatureScheme;

pub use mtls_cert::x509::{KeyUse, public_key as leaf_public_key, read_leaf, read_leaf_for};
pub use mtls_cert::{
    AuthKeyType, CertificateDer, CertificateError, CertificateRequestInfo, CertifiedKey,
    ClientCertVerifier, ClientHelloInfo, DistinguishedName, KeyError, PeerIdentity,
    ResolvesClientCert, ResolvesServerCert, ServerCertVerifier,
};

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

/// RSA or ECDSA, from the schemes a key signs with (see [`AuthKeyType::from_schemes`]).
pub(crate) fn key_type_of(schemes: &[SignatureAlgorithm]) -> AuthKeyType {
    AuthKeyType::from_schemes(schemes)
}
