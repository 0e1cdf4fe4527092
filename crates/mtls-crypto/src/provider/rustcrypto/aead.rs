//! AES-GCM (`aes-gcm`) and ChaCha20-Poly1305 (`chacha20poly1305`). Each type wipes its
//! round keys on drop (the crates' `zeroize` feature).

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{AeadInOut, KeyInit};

use crate::aead::{AeadAlgorithm, NONCE_LEN, TAG_LEN};
use crate::error::{Error, Result};
use crate::provider::{AeadCipher, AeadProvider};

/// One expanded cipher state, boxed once per key by [`crate::aead::AeadKey`] at its own size:
/// an enum of the three would take the largest's (AES-256-GCM, 1 104 bytes) for every key,
/// where an AES-128-GCM state is 848 bytes and a ChaCha20-Poly1305 one 32.
struct Cipher<C>(C);

/// The three record AEADs.
pub(crate) struct Aeads;

/// What [`Cipher`] needs of a RustCrypto AEAD: a 12-byte nonce and a 16-byte tag (the
/// record layer's, RFC 5116 5.1 and RFC 8439 2.8).
trait RecordAead: AeadInOut<NonceSize = U12, TagSize = U16> + KeyInit + Send + Sync + 'static {}

impl<C: AeadInOut<NonceSize = U12, TagSize = U16> + KeyInit + Send + Sync + 'static> RecordAead
    for C
{
}

fn boxed<C: RecordAead>(key: &[u8]) -> Result<Box<dyn AeadCipher>> {
    let cipher = C::new_from_slice(key).map_err(|_| Error::InvalidKeyLength)?;
    Ok(Box::new(Cipher(cipher)))
}

impl AeadProvider for Aeads {
    fn key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadCipher>> {
        match alg {
            AeadAlgorithm::Aes128Gcm => boxed::<aes_gcm::Aes128Gcm>(key),
            AeadAlgorithm::Aes256Gcm => boxed::<aes_gcm::Aes256Gcm>(key),
            AeadAlgorithm::ChaCha20Poly1305 => boxed::<chacha20poly1305::ChaCha20Poly1305>(key),
        }
    }
}

impl<C: RecordAead> Cipher<C> {
    fn seal(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: InOutBuf<'_, '_, u8>,
    ) -> Result<[u8; TAG_LEN]> {
        let tag = self
            .0
            .encrypt_inout_detached(nonce.into(), aad, buf)
            .map_err(|_| Error::EncryptFailed)?;
        Ok(tag.into())
    }
}

impl<C: RecordAead> AeadCipher for Cipher<C> {
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
        self.0
            .decrypt_inout_detached(nonce.into(), aad, ct.into(), tag.into())
            .map_err(|_| Error::DecryptFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key's box holds that algorithm's state only, not the largest of the three.
    #[test]
    fn each_key_is_boxed_at_its_own_size() {
        let size = |alg, key: &[u8]| std::mem::size_of_val(&*Aeads.key(alg, key).unwrap());
        assert_eq!(
            size(AeadAlgorithm::Aes128Gcm, &[1; 16]),
            std::mem::size_of::<aes_gcm::Aes128Gcm>()
        );
        assert_eq!(
            size(AeadAlgorithm::Aes256Gcm, &[1; 32]),
            std::mem::size_of::<aes_gcm::Aes256Gcm>()
        );
        assert_eq!(
            size(AeadAlgorithm::ChaCha20Poly1305, &[1; 32]),
            std::mem::size_of::<chacha20poly1305::ChaCha20Poly1305>()
        );
    }
}
