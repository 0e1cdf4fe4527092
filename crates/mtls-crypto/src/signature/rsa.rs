//! RSA key newtypes: the size policy (>= 2048 bits) is enforced once, when a
//! key is built, and the rest of the crate only sees checked keys.

use core::fmt;

use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::MIN_RSA_BITS;
use crate::error::{Error, Result};

/// An RSA private key of at least 2048 bits: signs (PKCS#1 v1.5, PSS) and
/// decrypts the static-RSA premaster secret (RFC 5246 7.4.7.1).
/// The inner key zeroizes itself on drop. No `Clone`, no `Debug` of secrets.
pub struct RsaPrivateKey {
    pub(crate) key: rsa::PrivateKey,
    /// Secret used only if the RNG fails while decrypting a premaster, to
    /// derive a per-ciphertext fallback instead of returning an error
    /// (see `rsa_kx`). SHA-256 over a label and the private exponent.
    pub(crate) fallback_key: Zeroizing<[u8; 32]>,
}

impl RsaPrivateKey {
    pub(crate) fn new(key: rsa::PrivateKey) -> Result<Self> {
        if key.n().as_ref().bit_width() < MIN_RSA_BITS {
            return Err(Error::KeyTooSmall);
        }
        let d = Zeroizing::new(key.d().to_be_bytes());
        let mut h = sha2::Sha256::new();
        h.update(b"mtls rsa premaster fallback key");
        h.update(&*d);
        let fallback_key = Zeroizing::new(h.finalize().into());
        Ok(Self { key, fallback_key })
    }

    /// Modulus length in bytes (k in RFC 8017): the length of every
    /// signature and premaster ciphertext made with this key.
    pub fn modulus_len(&self) -> usize {
        self.key.size()
    }

    /// The matching public key.
    pub fn public_key(&self) -> RsaPublicKey {
        RsaPublicKey {
            key: self.key.to_public_key(),
        }
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("bits", &self.key.n().as_ref().bit_width())
            .finish_non_exhaustive()
    }
}

/// An RSA public key of at least 2048 bits, from a certificate's
/// SubjectPublicKeyInfo with the rsaEncryption OID (RFC 8017 A.1).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    pub(crate) key: rsa::PublicKey,
}

impl RsaPublicKey {
    pub(crate) fn new(key: rsa::PublicKey) -> Result<Self> {
        if key.n().as_ref().bit_width() < MIN_RSA_BITS {
            return Err(Error::KeyTooSmall);
        }
        Ok(Self { key })
    }

    /// Modulus length in bytes (k in RFC 8017).
    pub fn modulus_len(&self) -> usize {
        self.key.size()
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.key.n().as_ref().bit_width())
            .finish()
    }
}
