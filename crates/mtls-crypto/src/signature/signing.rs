//! Private signing keys, loaded from DER.

use core::fmt;
use std::sync::RwLock;

use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use zeroize::Zeroizing;

use super::{RsaPrivateKey, SignatureAlgorithm, Signer, VerifyingKey};
use crate::error::{Error, Result};
use crate::provider::{CryptoProvider, ProviderSigner, PublicKeyKind, default_provider};
use crate::rand::{RngAdapter, SecureRandom};

enum Inner {
    Rsa(RsaPrivateKey),
    // `ecdsa::SigningKey` zeroizes its scalar on drop.
    EcdsaP256(p256::ecdsa::SigningKey),
    EcdsaP384(p384::ecdsa::SigningKey),
}

/// The backends this key has been bound to, by provider address: `None` where a provider
/// leaves the key to RustCrypto.
type Bound = Vec<(usize, Option<Box<dyn ProviderSigner>>)>;

/// A private key that signs ServerKeyExchange / CertificateVerify: RSA
/// (2048 bits or more), ECDSA P-256 or ECDSA P-384.
///
/// Loaded and checked with RustCrypto, which also does the static RSA premaster decryption
/// ([`SigningKey::as_rsa`]) and every signature the default provider makes. Signing on
/// another provider ([`SigningKey::sign_with`]) binds the key to that provider's backend
/// once, on first use, and keeps the binding: a key loaded anywhere signs with whichever
/// provider a configuration names.
pub struct SigningKey {
    inner: Inner,
    bound: RwLock<Bound>,
}

impl SigningKey {
    /// Decodes a PKCS#8 `PrivateKeyInfo` (RFC 5208) holding an RSA, a P-256
    /// or a P-384 key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        if let Ok(key) = rsa::PrivateKey::from_pkcs8_der(der) {
            return Ok(Self {
                inner: Inner::Rsa(RsaPrivateKey::new(key)?),
                bound: RwLock::default(),
            });
        }
        if let Ok(secret) = p256::SecretKey::from_pkcs8_der(der) {
            return Ok(Self {
                inner: Inner::EcdsaP256(secret.into()),
                bound: RwLock::default(),
            });
        }
        // Each curve crate checks the named-curve OID (RFC 5915 3), so a P-256 key is
        // never mistaken for P-384 or the other way round.
        match p384::SecretKey::from_pkcs8_der(der) {
            Ok(secret) => Ok(Self {
                inner: Inner::EcdsaP384(secret.into()),
                bound: RwLock::default(),
            }),
            Err(_) => Err(classify_pkcs8_failure(der)),
        }
    }

    /// Decodes a PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|_| Error::InvalidKeyEncoding)?;
        Ok(Self {
            inner: Inner::Rsa(RsaPrivateKey::new(key)?),
            bound: RwLock::default(),
        })
    }

    /// Decodes a SEC1 `ECPrivateKey` (RFC 5915) on P-256 or P-384.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self> {
        if let Ok(secret) = p256::SecretKey::from_sec1_der(der) {
            return Ok(Self {
                inner: Inner::EcdsaP256(secret.into()),
                bound: RwLock::default(),
            });
        }
        let secret = p384::SecretKey::from_sec1_der(der).map_err(|_| Error::InvalidKeyEncoding)?;
        Ok(Self {
            inner: Inner::EcdsaP384(secret.into()),
            bound: RwLock::default(),
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

    /// Which kind of key this is.
    pub fn kind(&self) -> PublicKeyKind {
        match self.inner {
            Inner::Rsa(_) => PublicKeyKind::Rsa,
            Inner::EcdsaP256(_) => PublicKeyKind::EcdsaP256,
            Inner::EcdsaP384(_) => PublicKeyKind::EcdsaP384,
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

    /// Signs `message` with `scheme` with the
    /// [default provider](crate::provider::default_provider); see [`Signer::sign`].
    pub fn sign(
        &self,
        scheme: SignatureAlgorithm,
        message: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        self.sign_with(default_provider(), scheme, message, rng)
    }

    /// Signs `message` with `scheme` on `provider`: the message is hashed with the scheme's
    /// hash, then signed as [`SigningKey::sign_prehashed_with`] does.
    pub fn sign_with(
        &self,
        provider: &'static CryptoProvider,
        scheme: SignatureAlgorithm,
        message: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        let prehash = provider.hash.digest(scheme.hash(), message);
        self.sign_prehashed_with(provider, scheme, prehash.as_slice(), rng)
    }

    /// Signs a digest already computed with `scheme`'s hash (a [`SignatureHasher`] fed with
    /// the message), with the [default provider](crate::provider::default_provider): the
    /// same signature as [`SigningKey::sign`] over that message. A digest of another length
    /// is [`Error::Internal`].
    ///
    /// [`SignatureHasher`]: super::SignatureHasher
    pub fn sign_prehashed(
        &self,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        self.sign_prehashed_with(default_provider(), scheme, prehash, rng)
    }

    /// [`SigningKey::sign_prehashed`] on `provider`: its backend signs where it makes
    /// `scheme` with this key, RustCrypto where it does not (e.g. ECDSA P-256 with SHA-384
    /// on AWS-LC).
    pub fn sign_prehashed_with(
        &self,
        provider: &'static CryptoProvider,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Vec<u8>> {
        if prehash.len() != scheme.hash().output_len() {
            return Err(Error::Internal);
        }
        if !self.schemes().contains(&scheme) {
            return Err(Error::SchemeMismatch);
        }
        if !provider.same(default_provider()) {
            self.bind(provider)?;
            let bound = self.bound.read().map_err(|_| Error::Internal)?;
            let signer = bound
                .iter()
                .find(|(p, _)| *p == provider_id(provider))
                .and_then(|(_, s)| s.as_ref());
            if let Some(signer) = signer
                && let Some(signature) = signer.sign_prehashed(scheme, prehash, rng)?
            {
                return Ok(signature);
            }
        }
        self.sign_prehashed_rustcrypto(scheme, prehash, rng)
    }

    /// Binds this key to `provider`'s backend now rather than at its first signature (a
    /// configuration does this when it is built). Binding twice does nothing.
    pub fn bind(&self, provider: &'static CryptoProvider) -> Result<()> {
        let id = provider_id(provider);
        if self
            .bound
            .read()
            .map_err(|_| Error::Internal)?
            .iter()
            .any(|(p, _)| *p == id)
        {
            return Ok(());
        }
        let signer = provider.signature.signer(self)?;
        let mut bound = self.bound.write().map_err(|_| Error::Internal)?;
        if !bound.iter().any(|(p, _)| *p == id) {
            bound.push((id, signer));
        }
        Ok(())
    }

    /// The key as a PKCS#8 `PrivateKeyInfo` (RFC 5208), wiped on drop: what a provider
    /// parses into its own key type when the key is bound to it.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let doc = match &self.inner {
            Inner::Rsa(k) => k.key.to_pkcs8_der(),
            Inner::EcdsaP256(k) => p256::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_der(),
            Inner::EcdsaP384(k) => p384::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_der(),
        }
        .map_err(|_| Error::Internal)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The RustCrypto signature behind the default provider, and every provider's fallback.
    fn sign_prehashed_rustcrypto(
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

/// A provider's identity in [`SigningKey`]'s bindings: its address (providers are statics).
fn provider_id(provider: &'static CryptoProvider) -> usize {
    core::ptr::from_ref(provider) as usize
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
