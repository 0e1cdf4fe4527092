//! Signatures for ServerKeyExchange (RFC 5246 7.4.3), CertificateVerify
//! (RFC 5246 7.4.8) and, later, certificates: RSA PKCS#1 v1.5, RSA-PSS with
//! rsaEncryption keys, and ECDSA over P-256 and P-384 with SHA-256, SHA-384 or
//! SHA-512 on either curve, as TLS 1.2 allows (RFC 5246 7.4.1.4.1: an ECDSA code
//! point names the hash, not the curve).

mod prehash;
mod rsa;
mod signing;
mod verifying;

pub use self::prehash::SignatureHasher;
pub use self::rsa::{RsaPrivateKey, RsaPublicKey};
pub use self::signing::SigningKey;
pub use self::verifying::VerifyingKey;

use crate::error::Result;
use crate::hash::HashAlgorithm;
use crate::rand::SecureRandom;

/// Smallest RSA modulus accepted anywhere, in bits (below 2048 bits RSA is refused as too weak, as NIST SP 800-131A does).
pub const MIN_RSA_BITS: u32 = 2048;

/// A signature scheme, by its TLS `SignatureScheme` code point
/// (RFC 8446 4.2.3; in TLS 1.2 the same two bytes are the
/// `SignatureAndHashAlgorithm` of RFC 5246 7.4.1.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// `rsa_pkcs1_sha256` (0x0401).
    RsaPkcs1Sha256,
    /// `rsa_pkcs1_sha384` (0x0501).
    RsaPkcs1Sha384,
    /// `rsa_pkcs1_sha512` (0x0601).
    RsaPkcs1Sha512,
    /// `rsa_pss_rsae_sha256` (0x0804): PSS, MGF1 with the same hash, salt = 32.
    RsaPssRsaeSha256,
    /// `rsa_pss_rsae_sha384` (0x0805): salt = 48.
    RsaPssRsaeSha384,
    /// `rsa_pss_rsae_sha512` (0x0806): salt = 64.
    RsaPssRsaeSha512,
    /// `ecdsa_secp256r1_sha256` (0x0403); signatures are DER `Ecdsa-Sig-Value`.
    EcdsaSecp256r1Sha256,
    /// `ecdsa_secp384r1_sha384` (0x0503); signatures are DER `Ecdsa-Sig-Value`.
    EcdsaSecp384r1Sha384,
    /// `ecdsa_secp521r1_sha512` (0x0603) in TLS 1.3's registry; in TLS 1.2 the same two bytes
    /// are sha512 + ecdsa (RFC 5246 7.4.1.4.1), ECDSA with SHA-512 on any curve: here on
    /// P-256 and P-384 keys (P-521 keys are not supported). Signatures are DER
    /// `Ecdsa-Sig-Value`.
    EcdsaSecp521r1Sha512,
}

/// Digest used by a [`SignatureAlgorithm`]. SHA-512 appears here only; the
/// PRF never uses it, so it is not a [`HashAlgorithm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureHash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl SignatureHash {
    /// The same hash as a PRF [`HashAlgorithm`], where there is one.
    pub const fn as_hash_algorithm(self) -> Option<HashAlgorithm> {
        match self {
            Self::Sha256 => Some(HashAlgorithm::Sha256),
            Self::Sha384 => Some(HashAlgorithm::Sha384),
            Self::Sha512 => None,
        }
    }
}

impl From<HashAlgorithm> for SignatureHash {
    fn from(alg: HashAlgorithm) -> Self {
        match alg {
            HashAlgorithm::Sha256 => Self::Sha256,
            HashAlgorithm::Sha384 => Self::Sha384,
        }
    }
}

impl SignatureAlgorithm {
    /// Every supported scheme, in our preference order (PSS before PKCS#1).
    pub const ALL: [SignatureAlgorithm; 9] = [
        Self::EcdsaSecp256r1Sha256,
        Self::EcdsaSecp384r1Sha384,
        Self::EcdsaSecp521r1Sha512,
        Self::RsaPssRsaeSha256,
        Self::RsaPssRsaeSha384,
        Self::RsaPssRsaeSha512,
        Self::RsaPkcs1Sha256,
        Self::RsaPkcs1Sha384,
        Self::RsaPkcs1Sha512,
    ];

    /// The schemes an RSA key can make, in preference order.
    pub(crate) const RSA: [SignatureAlgorithm; 6] = [
        Self::RsaPssRsaeSha256,
        Self::RsaPssRsaeSha384,
        Self::RsaPssRsaeSha512,
        Self::RsaPkcs1Sha256,
        Self::RsaPkcs1Sha384,
        Self::RsaPkcs1Sha512,
    ];

    /// The schemes a P-256 key can make, in preference order: SHA-256 first, the pairing
    /// RFC 8446 4.2.3 names, then SHA-384 and SHA-512, for TLS 1.2 peers that offer only
    /// those (RFC 5246 7.4.1.4.1: the code point names the hash, not the curve).
    pub(crate) const ECDSA_P256: [SignatureAlgorithm; 3] = [
        Self::EcdsaSecp256r1Sha256,
        Self::EcdsaSecp384r1Sha384,
        Self::EcdsaSecp521r1Sha512,
    ];

    /// The schemes a P-384 key can make, in preference order: SHA-384 first, the pairing
    /// RFC 8446 4.2.3 names, then SHA-256 and SHA-512 (as for P-256).
    pub(crate) const ECDSA_P384: [SignatureAlgorithm; 3] = [
        Self::EcdsaSecp384r1Sha384,
        Self::EcdsaSecp256r1Sha256,
        Self::EcdsaSecp521r1Sha512,
    ];

    /// The schemes an ECDSA public key on either curve verifies: every ECDSA hash. In TLS 1.2
    /// an ECDSA code point names a hash only (RFC 5246 7.4.1.4.1), and RFC 8446 4.2.3 asks
    /// TLS 1.2 implementations to accept a signature on any curve they advertised: peers do
    /// sign 0x0403 with P-384 keys and 0x0503 with P-256 keys.
    pub(crate) const ECDSA_VERIFY: [SignatureAlgorithm; 3] = [
        Self::EcdsaSecp256r1Sha256,
        Self::EcdsaSecp384r1Sha384,
        Self::EcdsaSecp521r1Sha512,
    ];

    /// The TLS code point.
    pub const fn to_u16(self) -> u16 {
        match self {
            Self::RsaPkcs1Sha256 => 0x0401,
            Self::RsaPkcs1Sha384 => 0x0501,
            Self::RsaPkcs1Sha512 => 0x0601,
            Self::EcdsaSecp256r1Sha256 => 0x0403,
            Self::EcdsaSecp384r1Sha384 => 0x0503,
            Self::EcdsaSecp521r1Sha512 => 0x0603,
            Self::RsaPssRsaeSha256 => 0x0804,
            Self::RsaPssRsaeSha384 => 0x0805,
            Self::RsaPssRsaeSha512 => 0x0806,
        }
    }

    /// The scheme for a TLS code point, if supported.
    pub const fn from_u16(code: u16) -> Option<Self> {
        Some(match code {
            0x0401 => Self::RsaPkcs1Sha256,
            0x0501 => Self::RsaPkcs1Sha384,
            0x0601 => Self::RsaPkcs1Sha512,
            0x0403 => Self::EcdsaSecp256r1Sha256,
            0x0503 => Self::EcdsaSecp384r1Sha384,
            0x0603 => Self::EcdsaSecp521r1Sha512,
            0x0804 => Self::RsaPssRsaeSha256,
            0x0805 => Self::RsaPssRsaeSha384,
            0x0806 => Self::RsaPssRsaeSha512,
            _ => return None,
        })
    }

    /// The digest the scheme signs with.
    pub const fn hash(self) -> SignatureHash {
        match self {
            Self::RsaPkcs1Sha256 | Self::RsaPssRsaeSha256 | Self::EcdsaSecp256r1Sha256 => {
                SignatureHash::Sha256
            }
            Self::RsaPkcs1Sha384 | Self::RsaPssRsaeSha384 | Self::EcdsaSecp384r1Sha384 => {
                SignatureHash::Sha384
            }
            Self::RsaPkcs1Sha512 | Self::RsaPssRsaeSha512 | Self::EcdsaSecp521r1Sha512 => {
                SignatureHash::Sha512
            }
        }
    }
}

/// Something that can sign handshake messages with a private key (a local
/// key here; an HSM could implement it too).
pub trait Signer {
    /// The schemes this key can produce, in preference order.
    fn schemes(&self) -> &[SignatureAlgorithm];

    /// Signs `message` (hashing it with the scheme's digest). `rng` supplies
    /// the PSS salt and RSA blinding; ECDSA nonces are deterministic
    /// (RFC 6979), so replays with the same seed give the same bytes.
    fn sign(
        &self,
        scheme: SignatureAlgorithm,
        message: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>>;
}

/// Something that can verify a peer's signature with a public key.
pub trait Verifier {
    /// The schemes this key can verify.
    fn schemes(&self) -> &[SignatureAlgorithm];

    /// Verifies `signature` over `message`. Any failure, including a scheme
    /// the key cannot do, is an error (alert `decrypt_error` /
    /// `illegal_parameter`).
    fn verify(&self, scheme: SignatureAlgorithm, message: &[u8], signature: &[u8]) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_round_trip() {
        for s in SignatureAlgorithm::ALL {
            assert_eq!(SignatureAlgorithm::from_u16(s.to_u16()), Some(s));
        }
        // rsa_pss_pss_sha256 and ed25519 are not supported.
        assert_eq!(SignatureAlgorithm::from_u16(0x0809), None);
        assert_eq!(SignatureAlgorithm::from_u16(0x0807), None);
        // 0x0603: sha512 + ecdsa in TLS 1.2 (RFC 5246 7.4.1.4.1), on any curve.
        assert_eq!(
            SignatureAlgorithm::from_u16(0x0603),
            Some(SignatureAlgorithm::EcdsaSecp521r1Sha512)
        );
        assert_eq!(
            SignatureAlgorithm::EcdsaSecp521r1Sha512.hash(),
            SignatureHash::Sha512
        );
        // sha1 + ecdsa (0x0203) is not.
        assert_eq!(SignatureAlgorithm::from_u16(0x0203), None);
        assert_eq!(SignatureAlgorithm::EcdsaSecp384r1Sha384.to_u16(), 0x0503);
        assert_eq!(
            SignatureAlgorithm::EcdsaSecp384r1Sha384.hash(),
            SignatureHash::Sha384
        );
        assert_eq!(
            SignatureHash::Sha384.as_hash_algorithm(),
            Some(HashAlgorithm::Sha384)
        );
        assert_eq!(SignatureHash::Sha512.as_hash_algorithm(), None);
    }
}
