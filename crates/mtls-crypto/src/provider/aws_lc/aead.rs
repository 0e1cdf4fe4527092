//! AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 on AWS-LC (AES-NI/VAES with CLMUL,
//! AVX2 ChaCha20). AWS-LC wipes the expanded key when it frees it.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};

use crate::aead::{AeadAlgorithm, NONCE_LEN, TAG_LEN};
use crate::error::{Error, Result};
use crate::provider::{AeadCipher, AeadProvider};

/// The three record AEADs.
pub(super) struct Aeads;

impl AeadProvider for Aeads {
    fn key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadCipher>> {
        let algorithm = match alg {
            AeadAlgorithm::Aes128Gcm => &aead::AES_128_GCM,
            AeadAlgorithm::Aes256Gcm => &aead::AES_256_GCM,
            AeadAlgorithm::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
        };
        let key = UnboundKey::new(algorithm, key).map_err(|_| Error::InvalidKeyLength)?;
        Ok(Box::new(Key(LessSafeKey::new(key))))
    }
}

/// The record layer makes each nonce from the sequence number (RFC 5288 3, RFC 7905 2), so
/// the nonce-per-call API is the one to use.
struct Key(LessSafeKey);

fn tag_array(tag: aead::Tag) -> Result<[u8; TAG_LEN]> {
    tag.as_ref().try_into().map_err(|_| Error::EncryptFailed)
}

impl AeadCipher for Key {
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        let tag = self
            .0
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), buf)
            .map_err(|_| Error::EncryptFailed)?;
        tag_array(tag)
    }

    fn seal_to(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        // Out of place: the plaintext is read where it lies and never copied first.
        let mut tag = [0u8; TAG_LEN];
        self.0
            .seal_out_of_place_scatter(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                plaintext,
                out,
                &[],
                &mut tag,
            )
            .map_err(|_| Error::EncryptFailed)?;
        Ok(tag)
    }

    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        ciphertext: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<()> {
        self.0
            .open_in_place_separate_tag(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                tag,
                ciphertext,
            )
            .map(|_| ())
            .map_err(|_| Error::DecryptFailed)
    }
}
