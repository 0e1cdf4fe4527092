//! Public verification keys, from a certificate's SubjectPublicKeyInfo.

use core::fmt;

use p256::elliptic_curve::sec1::ToSec1Point as _;
use p256::pkcs8::DecodePublicKey as _;
use rsa::pkcs1::{DecodeRsaPublicKey as _, EncodeRsaPublicKey as _};

use super::{RsaPublicKey, SignatureAlgorithm, Verifier};
use crate::error::{Error, Result};
use crate::provider::{CryptoProvider, PublicKeyKind, RawPublicKey, default_provider};

#[derive(Clone, PartialEq, Eq)]
enum Inner {
    Rsa(RsaPublicKey),
    EcdsaP256(p256::ecdsa::VerifyingKey),
    EcdsaP384(p384::ecdsa::VerifyingKey),
}

/// A public key that verifies a peer's ServerKeyExchange or
/// CertificateVerify signature: RSA (2048 bits or more), ECDSA P-256 or
/// ECDSA P-384.
///
/// Parsed and checked once (with RustCrypto) when built; verification runs on a
/// provider ([`VerifyingKey::verify_with`]), which gets the key as parsed here or as its
/// raw `subjectPublicKey` bytes ([`VerifyingKey::raw`]).
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    inner: Inner,
    /// The `subjectPublicKey` bits: a DER `RSAPublicKey` or an uncompressed point.
    raw: Vec<u8>,
}

impl VerifyingKey {
    pub(crate) fn from_rsa(key: RsaPublicKey) -> Self {
        // Encoding a parsed key cannot fail; an empty encoding would only make other
        // providers refuse the key.
        let raw = key
            .key
            .to_pkcs1_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        Self {
            inner: Inner::Rsa(key),
            raw,
        }
    }

    pub(crate) fn from_p256(key: p256::ecdsa::VerifyingKey) -> Self {
        let raw = key.as_affine().to_sec1_point(false).as_bytes().to_vec();
        Self {
            inner: Inner::EcdsaP256(key),
            raw,
        }
    }

    pub(crate) fn from_p384(key: p384::ecdsa::VerifyingKey) -> Self {
        let raw = key.as_affine().to_sec1_point(false).as_bytes().to_vec();
        Self {
            inner: Inner::EcdsaP384(key),
            raw,
        }
    }

    /// Parses a raw certificate key (what rustls-webpki hands over) under the same rules
    /// as [`VerifyingKey::from_spki_der`].
    pub fn from_raw(key: RawPublicKey<'_>) -> Result<Self> {
        match key.kind {
            PublicKeyKind::Rsa => {
                let k = rsa::PublicKey::from_pkcs1_der(key.bytes)
                    .map_err(|_| Error::InvalidKeyEncoding)?;
                Ok(Self::from_rsa(RsaPublicKey::new(k)?))
            }
            PublicKeyKind::EcdsaP256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(key.bytes)
                .map(Self::from_p256)
                .map_err(|_| Error::InvalidKeyEncoding),
            PublicKeyKind::EcdsaP384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(key.bytes)
                .map(Self::from_p384)
                .map_err(|_| Error::InvalidKeyEncoding),
        }
    }

    /// The key as its kind and raw `subjectPublicKey` bytes (a DER `RSAPublicKey`, or an
    /// uncompressed X9.62 point): what a provider parses into its own key type.
    pub fn raw(&self) -> RawPublicKey<'_> {
        let kind = match self.inner {
            Inner::Rsa(_) => PublicKeyKind::Rsa,
            Inner::EcdsaP256(_) => PublicKeyKind::EcdsaP256,
            Inner::EcdsaP384(_) => PublicKeyKind::EcdsaP384,
        };
        RawPublicKey {
            kind,
            bytes: &self.raw,
        }
    }

    /// Decodes a `SubjectPublicKeyInfo` (RFC 5280 4.1.2.7): rsaEncryption
    /// (RFC 8017 A.1) or id-ecPublicKey on secp256r1 or secp384r1 (RFC 5480
    /// 2.1.1.1, named curves only).
    /// RSA-PSS-only keys (id-RSASSA-PSS) are not supported: the schemes here
    /// are the `rsae` ones.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        if let Ok(key) = rsa::PublicKey::from_public_key_der(der) {
            return Ok(Self::from_rsa(RsaPublicKey::new(key)?));
        }
        if let Ok(key) = p256::PublicKey::from_public_key_der(der) {
            return Ok(Self::from_p256(key.into()));
        }
        // The curve crates match the namedCurve parameter against their own OID
        // (secp384r1 = 1.3.132.0.34, RFC 5480 2.1.1.1) and decode the point on that curve.
        if let Ok(key) = p384::PublicKey::from_public_key_der(der) {
            return Ok(Self::from_p384(key.into()));
        }
        match rsa::pkcs8::SubjectPublicKeyInfoRef::try_from(der) {
            Ok(_) => Err(Error::UnsupportedKeyType),
            Err(_) => Err(Error::InvalidKeyEncoding),
        }
    }

    /// The schemes this key can verify. An ECDSA key, on either curve, verifies every ECDSA
    /// scheme (SHA-256, SHA-384, SHA-512): TLS 1.2 does not tie the hash to the curve
    /// (RFC 5246 7.4.1.4.1; RFC 8446 4.2.3 asks TLS 1.2 implementations to accept any
    /// advertised curve).
    pub fn schemes(&self) -> &'static [SignatureAlgorithm] {
        match self.inner {
            Inner::Rsa(_) => &SignatureAlgorithm::RSA,
            Inner::EcdsaP256(_) | Inner::EcdsaP384(_) => &SignatureAlgorithm::ECDSA_VERIFY,
        }
    }

    /// The RSA key, for encrypting a static-RSA premaster, if this is one.
    pub fn as_rsa(&self) -> Option<&RsaPublicKey> {
        match &self.inner {
            Inner::Rsa(k) => Some(k),
            Inner::EcdsaP256(_) | Inner::EcdsaP384(_) => None,
        }
    }

    /// Verifies `signature` over `message` with the
    /// [default provider](crate::provider::default_provider); see [`Verifier::verify`].
    pub fn verify(
        &self,
        scheme: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        self.verify_with(default_provider(), scheme, message, signature)
    }

    /// Verifies `signature` over `message` on `provider`: the message is hashed with the
    /// scheme's hash, then checked as [`VerifyingKey::verify_prehashed_with`] does.
    pub fn verify_with(
        &self,
        provider: &CryptoProvider,
        scheme: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        let prehash = provider.hash.digest(scheme.hash(), message);
        self.verify_prehashed_with(provider, scheme, prehash.as_slice(), signature)
    }

    /// Verifies `signature` over a digest already computed with `scheme`'s hash, with the
    /// [default provider](crate::provider::default_provider): the same outcome as
    /// [`VerifyingKey::verify`] over the message. A digest of another length is
    /// [`Error::Internal`].
    pub fn verify_prehashed(
        &self,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        self.verify_prehashed_with(default_provider(), scheme, prehash, signature)
    }

    /// [`VerifyingKey::verify_prehashed`] on `provider`.
    pub fn verify_prehashed_with(
        &self,
        provider: &CryptoProvider,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        if prehash.len() != scheme.hash().output_len() {
            return Err(Error::Internal);
        }
        if !self.schemes().contains(&scheme) {
            return Err(Error::SchemeMismatch);
        }
        provider
            .signature
            .verify_prehashed(self, scheme, prehash, signature)
    }

    /// The RustCrypto verification behind the default provider.
    pub(crate) fn verify_prehashed_rustcrypto(
        &self,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        use SignatureAlgorithm as S;
        use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
        if prehash.len() != scheme.hash().output_len() {
            return Err(Error::Internal);
        }
        let ok = match (&self.inner, scheme) {
            (Inner::Rsa(k), S::RsaPkcs1Sha256) => k
                .key
                .pkcs1v15_verify_prehash::<sha2::Sha256>(prehash, signature)
                .is_ok(),
            (Inner::Rsa(k), S::RsaPkcs1Sha384) => k
                .key
                .pkcs1v15_verify_prehash::<sha2::Sha384>(prehash, signature)
                .is_ok(),
            (Inner::Rsa(k), S::RsaPkcs1Sha512) => k
                .key
                .pkcs1v15_verify_prehash::<sha2::Sha512>(prehash, signature)
                .is_ok(),
            // Salt length must equal the hash length (RFC 8446 4.2.3); `pss_verify_prehash`
            // enforces exactly that.
            (Inner::Rsa(k), S::RsaPssRsaeSha256) => k
                .key
                .pss_verify_prehash::<sha2::Sha256>(prehash, signature)
                .is_ok(),
            (Inner::Rsa(k), S::RsaPssRsaeSha384) => k
                .key
                .pss_verify_prehash::<sha2::Sha384>(prehash, signature)
                .is_ok(),
            (Inner::Rsa(k), S::RsaPssRsaeSha512) => k
                .key
                .pss_verify_prehash::<sha2::Sha512>(prehash, signature)
                .is_ok(),
            (
                Inner::EcdsaP256(k),
                S::EcdsaSecp256r1Sha256 | S::EcdsaSecp384r1Sha384 | S::EcdsaSecp521r1Sha512,
            ) => {
                // Strict DER (X.690) `Ecdsa-Sig-Value` (RFC 8422 5.4): BER forms, trailing
                // bytes, non-minimal or negative integers and out-of-range r/s are refused
                // before any arithmetic. Any hash (see `schemes`): a SHA-384 or SHA-512
                // digest is truncated to its leftmost 256 bits (SEC 1 4.1.4).
                match p256::ecdsa::DerSignature::try_from(signature) {
                    Ok(sig) => k.verify_prehash(prehash, &sig).is_ok(),
                    Err(_) => false,
                }
            }
            (
                Inner::EcdsaP384(k),
                S::EcdsaSecp256r1Sha256 | S::EcdsaSecp384r1Sha384 | S::EcdsaSecp521r1Sha512,
            ) => {
                // The same strict DER parse as P-256, with r and s checked against the
                // P-384 order. Any hash (see `schemes`): a SHA-256 digest, shorter than the
                // order, is used whole; a SHA-512 one is truncated to 384 bits (SEC 1 4.1.4).
                match p384::ecdsa::DerSignature::try_from(signature) {
                    Ok(sig) => k.verify_prehash(prehash, &sig).is_ok(),
                    Err(_) => false,
                }
            }
            _ => return Err(Error::SchemeMismatch),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

impl Verifier for VerifyingKey {
    fn schemes(&self) -> &[SignatureAlgorithm] {
        VerifyingKey::schemes(self)
    }

    fn verify(&self, scheme: SignatureAlgorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        VerifyingKey::verify(self, scheme, message, signature)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Rsa(k) => f.debug_tuple("VerifyingKey").field(k).finish(),
            Inner::EcdsaP256(_) => f.write_str("VerifyingKey(EcdsaP256)"),
            Inner::EcdsaP384(_) => f.write_str("VerifyingKey(EcdsaP384)"),
        }
    }
}
