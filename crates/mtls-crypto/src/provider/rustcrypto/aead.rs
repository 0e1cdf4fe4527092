//! AES-GCM (`aes-gcm`) and ChaCha20-Poly1305 (`chacha20poly1305`). Each type wipes its
//! round keys on drop (the crates' `zeroize` feature).

use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{AeadInOut as _, KeyInit as _};

use crate::aead::{AeadAlgorithm, NONCE_LEN, TAG_LEN};
use crate::error::{Error, Result};
use crate::provider::{AeadCipher, AeadProvider};

/// The expanded cipher state, boxed once per key by [`crate::aead::AeadKey`].
#[allow(clippy::large_enum_variant)]
enum Cipher {
    Aes128Gcm(aes_gcm::Aes128Gcm),
    Aes256Gcm(aes_gcm::Aes256Gcm),
    ChaCha20Poly1305(chacha20poly1305::ChaCha20Poly1305),
}

/// The three record AEADs.
pub(crate) struct Aeads;

impl AeadProvider for Aeads {
    fn key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadCipher>> {
        let bad = |_| Error::InvalidKeyLength;
        Ok(Box::new(match alg {
            AeadAlgorithm::Aes128Gcm => {
                Cipher::Aes128Gcm(aes_gcm::Aes128Gcm::new_from_slice(key).map_err(bad)?)
            }
            AeadAlgorithm::Aes256Gcm => {
                Cipher::Aes256Gcm(aes_gcm::Aes256Gcm::new_from_slice(key).map_err(bad)?)
            }
            AeadAlgorithm::ChaCha20Poly1305 => Cipher::ChaCha20Poly1305(
                chacha20poly1305::ChaCha20Poly1305::new_from_slice(key).map_err(bad)?,
            ),
        }))
    }
}

impl Cipher {
    fn seal(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: InOutBuf<'_, '_, u8>,
    ) -> Result<[u8; TAG_LEN]> {
        let tag = match self {
            Self::Aes128Gcm(c) => c.encrypt_inout_detached(nonce.into(), aad, buf),
            Self::Aes256Gcm(c) => c.encrypt_inout_detached(nonce.into(), aad, buf),
            Self::ChaCha20Poly1305(c) => c.encrypt_inout_detached(nonce.into(), aad, buf),
        }
        .map_err(|_| Error::EncryptFailed)?;
        Ok(tag.into())
    }
}

impl AeadCipher for Cipher {
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        self.seal(nonce, aad, buf.into())
    }

    fn seal_to(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        // In/out buffers: the plaintext is read where it lies and never copied first.
        let buf = InOutBuf::new(plaintext, out).map_err(|_| Error::EncryptFailed)?;
        self.seal(nonce, aad, buf)
    }

    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        ct: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<()> {
        match self {
            Self::Aes128Gcm(c) => {
                c.decrypt_inout_detached(nonce.into(), aad, ct.into(), tag.into())
            }
            Self::Aes256Gcm(c) => {
                c.decrypt_inout_detached(nonce.into(), aad, ct.into(), tag.into())
            }
            Self::ChaCha20Poly1305(c) => {
                c.decrypt_inout_detached(nonce.into(), aad, ct.into(), tag.into())
            }
        }
        .map_err(|_| Error::DecryptFailed)
    }
}
