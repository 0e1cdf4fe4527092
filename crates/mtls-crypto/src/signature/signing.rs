//! Private signing keys, loaded from DER.

use core::fmt;

use p256::pkcs8::DecodePrivateKey as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;

use super::{RsaPrivateKey, SignatureAlgorithm, SignatureHasher, Signer, VerifyingKey};
use crate::error::{Error, Result};
use crate::rand::{RngAdapter, SecureRandom};

enum Inner {
    Rsa(RsaPrivateKey),
    // `ecdsa::SigningKey` zeroizes its scalar on drop.
    EcdsaP256(p256::ecdsa::SigningKey),
    EcdsaP384(p384::ecdsa::SigningKey),
}

/// A private key that signs ServerKeyExchange / CertificateVerify: RSA
/// (2048 bits or more), ECDSA P-256 or ECDSA P-384.
pub struct SigningKey {
    inner: Inner,
}

impl SigningKey {
    /// Decodes a PKCS#8 `PrivateKeyInfo` (RFC 5208) holding an RSA, a P-256
    /// or a P-384 key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        if let Ok(key) = rsa::PrivateKey::from_pkcs8_der(der) {
            return Ok(Self {
                inner: Inner::Rsa(RsaPrivateKey::new(key)?),
            });
        }
        if let Ok(secret) = p256::SecretKey::from_pkcs8_der(der) {
            return Ok(Self {
                inner: Inner::EcdsaP256(secret.into()),
            });
        }
        // Each curve crate checks the named-curve OID (RFC 5915 3), so a P-256 key is
        // never mistaken for P-384 or the other way round.
        match p384::SecretKey::from_pkcs8_der(der) {
            Ok(secret) => Ok(Self {
                inner: Inner::EcdsaP384(secret.into()),
            }),
            Err(_) => Err(classify_pkcs8_failure(der)),
        }
    }

    /// Decodes a PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|_| Error::InvalidKeyEncoding)?;
        Ok(Self {
            inner: Inner::Rsa(RsaPrivateKey::new(key)?),
        })
    }

    /// Decodes a SEC1 `ECPrivateKey` (RFC 5915) on P-256 or P-384.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self> {
        if let Ok(secret) = p256::SecretKey::from_sec1_der(der) {
            return Ok(Self {
                inner: Inner::EcdsaP256(secret.into()),
            });
        }
        let secret = p384::SecretKey::from_sec1_der(der).map_err(|_| Error::InvalidKeyEncoding)?;
        Ok(Self {
            inner: Inner::EcdsaP384(secret.into()),
        })
    }

    /// Decodes a private key in any of the three DER forms above, as found in
    /// PEM files labelled `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`.
    /// A too-small RSA key is reported as [`Error::KeyTooSmall`].
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let pkcs8 = Self::from_pkcs8_der(der);
        if matches!(pkcs8, Ok(_) | Err(Error::KeyTooSmall)) {
            return pkcs8;
        }
        let pkcs1 = Self::from_pkcs1_der(der);
        if matches!(pkcs1, Ok(_) | Err(Error::KeyTooSmall)) {
            return pkcs1;
        }
        Self::from_sec1_der(der).or(pkcs8)
    }

    /// The schemes this key can make, in preference order. An ECDSA key lists its own curve's
    /// hash first (P-256: 0x0403, 0x0503, 0x0603; P-384: 0x0503, 0x0403, 0x0603), the
    /// pairing RFC 8446 4.2.3 names, then the other hashes, which TLS 1.2 allows on any curve
    /// (RFC 5246 7.4.1.4.1) and which a peer may be the only ones to offer.
    pub fn schemes(&self) -> &'static [SignatureAlgorithm] {
        match self.inner {
            Inner::Rsa(_) => &SignatureAlgorithm::RSA,
            Inner::EcdsaP256(_) => &SignatureAlgorithm::ECDSA_P256,
            Inner::EcdsaP384(_) => &SignatureAlgorithm::ECDSA_P384,
        }
    }

    /// The RSA key, for the static-RSA key exchange, if this is one.
    pub fn as_rsa(&self) -> Option<&RsaPrivateKey> {
        match &self.inner {
            Inner::Rsa(k) => Some(k),
            Inner::EcdsaP256(_) | Inner::EcdsaP384(_) => None,
        }
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        match &self.inner {
            Inner::Rsa(k) => VerifyingKey::from_rsa(k.public_key()),
            Inner::EcdsaP256(k) => VerifyingKey::from_p256(*k.verifying_key()),
            Inner::EcdsaP384(k) => VerifyingKey::from_p384(*k.verifying_key()),
        }
    }

    /// Signs `message` with `scheme`; see [`Signer::sign`]. The message is hashed with the
    /// scheme's hash, then signed as [`SigningKey::sign_prehashed`] does.
    pub fn sign(
        &self,
        scheme: SignatureAlgorithm,
        message: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        let mut h = SignatureHasher::new(scheme.hash());
        h.update(message);
        self.sign_prehashed(scheme, &h.finish(), rng)
    }

    /// Signs a digest already computed with `scheme`'s hash (a [`SignatureHasher`] fed with
    /// the message): the same signature as [`SigningKey::sign`] over that message. A digest
    /// of another length is [`Error::Internal`].
    ///
    /// [`SignatureHasher`]: super::SignatureHasher
    pub fn sign_prehashed(
        &self,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        use SignatureAlgorithm as S;
        use p256::ecdsa::signature::hazmat::PrehashSigner as _;
        if prehash.len() != scheme.hash().output_len() {
            return Err(Error::Internal);
        }
        let mut rng = RngAdapter(rng);
        match (&self.inner, scheme) {
            (Inner::Rsa(k), S::RsaPkcs1Sha256) => rsa_result(
                k.key
                    .pkcs1v15_sign_prehash_with_rng::<sha2::Sha256, _>(&mut rng, prehash),
            ),
            (Inner::Rsa(k), S::RsaPkcs1Sha384) => rsa_result(
                k.key
                    .pkcs1v15_sign_prehash_with_rng::<sha2::Sha384, _>(&mut rng, prehash),
            ),
            (Inner::Rsa(k), S::RsaPkcs1Sha512) => rsa_result(
                k.key
                    .pkcs1v15_sign_prehash_with_rng::<sha2::Sha512, _>(&mut rng, prehash),
            ),
            // PSS salt length = hash length (RFC 8446 4.2.3), which is what
            // `pss_sign_prehash_with_rng` uses.
            (Inner::Rsa(k), S::RsaPssRsaeSha256) => rsa_result(
                k.key
                    .pss_sign_prehash_with_rng::<sha2::Sha256, _>(&mut rng, prehash),
            ),
            (Inner::Rsa(k), S::RsaPssRsaeSha384) => rsa_result(
                k.key
                    .pss_sign_prehash_with_rng::<sha2::Sha384, _>(&mut rng, prehash),
            ),
            (Inner::Rsa(k), S::RsaPssRsaeSha512) => rsa_result(
                k.key
                    .pss_sign_prehash_with_rng::<sha2::Sha512, _>(&mut rng, prehash),
            ),
            // Any of the three hashes on either curve (RFC 5246 7.4.1.4.1; see `schemes`).
            // The digest becomes an integer as SEC 1 4.1.3 says: a longer one (SHA-384 or
            // SHA-512 on P-256, SHA-512 on P-384) is truncated to the order's bit length, a
            // shorter one (SHA-256 on P-384) is used whole.
            (
                Inner::EcdsaP256(k),
                S::EcdsaSecp256r1Sha256 | S::EcdsaSecp384r1Sha384 | S::EcdsaSecp521r1Sha512,
            ) => {
                // RFC 6979 deterministic nonce (HMAC-SHA-256 over the key and the digest);
                // DER output (RFC 8422 5.4).
                let sig: p256::ecdsa::DerSignature =
                    k.sign_prehash(prehash).map_err(|_| Error::Internal)?;
                Ok(sig.as_bytes().to_vec())
            }
            (
                Inner::EcdsaP384(k),
                S::EcdsaSecp256r1Sha256 | S::EcdsaSecp384r1Sha384 | S::EcdsaSecp521r1Sha512,
            ) => {
                // As for P-256: RFC 6979 nonce (HMAC-SHA-384), DER output (RFC 8422 5.4).
                let sig: p384::ecdsa::DerSignature =
                    k.sign_prehash(prehash).map_err(|_| Error::Internal)?;
                Ok(sig.as_bytes().to_vec())
            }
            _ => Err(Error::SchemeMismatch),
        }
    }
}

/// Maps an RSA signing failure: RNG failures surface as such (the adapter
/// returns our own error through `rsa::Error::Rng`), the rest is internal.
fn rsa_result(r: rsa::Result<Vec<u8>>) -> Result<Vec<u8>> {
    r.map_err(|e| match e {
        rsa::Error::Rng => Error::RandomFailed,
        _ => Error::Internal,
    })
}

/// Tells "not PKCS#8 at all" from "PKCS#8 of a kind we do not support".
fn classify_pkcs8_failure(der: &[u8]) -> Error {
    match rsa::pkcs8::PrivateKeyInfoRef::try_from(der) {
        Ok(_) => Error::UnsupportedKeyType,
        Err(_) => Error::InvalidKeyEncoding,
    }
}

impl Signer for SigningKey {
    fn schemes(&self) -> &[SignatureAlgorithm] {
        SigningKey::schemes(self)
    }

    fn sign(
        &self,
        scheme: SignatureAlgorithm,
        message: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        SigningKey::sign(self, scheme, message, rng)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("schemes", &self.schemes())
            .finish_non_exhaustive()
    }
}
