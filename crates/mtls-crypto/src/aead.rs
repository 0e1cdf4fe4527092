//! AEAD record protection (RFC 5246 6.2.3.3): AES-128-GCM and AES-256-GCM
//! (RFC 5288) and ChaCha20-Poly1305 (RFC 7905), in place on the record
//! layer's buffer. Nonce construction and sequence numbers belong to the
//! record layer; this module only takes the final 12-byte nonce.

use core::fmt;

use crate::error::{Error, Result};
use crate::provider::{AeadCipher, default_provider};

/// Length of every supported AEAD nonce (RFC 5116 3.2: N_MIN = N_MAX = 12).
pub const NONCE_LEN: usize = 12;
/// Length of every supported AEAD tag (RFC 5116 5.1, RFC 8439 2.8).
pub const TAG_LEN: usize = 16;

/// An AEAD algorithm a TLS 1.2 cipher suite can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AeadAlgorithm {
    /// AES-128 in GCM mode (RFC 5116 5.1, RFC 5288).
    Aes128Gcm,
    /// AES-256 in GCM mode (RFC 5116 5.2, RFC 5288).
    Aes256Gcm,
    /// ChaCha20-Poly1305 (RFC 8439 2.8, RFC 7905).
    ChaCha20Poly1305,
}

impl AeadAlgorithm {
    /// Key length in bytes (the `enc_key_length` of RFC 5246 6.3).
    pub const fn key_len(self) -> usize {
        match self {
            Self::Aes128Gcm => 16,
            Self::Aes256Gcm | Self::ChaCha20Poly1305 => 32,
        }
    }

    /// Nonce length in bytes (always [`NONCE_LEN`]).
    pub const fn nonce_len(self) -> usize {
        NONCE_LEN
    }

    /// Tag length in bytes (always [`TAG_LEN`]).
    pub const fn tag_len(self) -> usize {
        TAG_LEN
    }
}

/// An AEAD key for one direction of a connection (the client or server
/// `write_key` of RFC 5246 6.3), expanded once by a provider
/// ([`CryptoProvider::aead_key`](crate::provider::CryptoProvider::aead_key)) and used for
/// every record: one virtual call per record, no allocation. No `Clone`, no `Debug` of the
/// key; the provider wipes the expanded key on drop.
pub struct AeadKey {
    algorithm: AeadAlgorithm,
    cipher: Box<dyn AeadCipher>,
}

impl AeadKey {
    /// Expands `key` with the [default provider](crate::provider::default_provider); a key
    /// of the wrong length for `algorithm` is an error.
    pub fn new(algorithm: AeadAlgorithm, key: &[u8]) -> Result<Self> {
        default_provider().aead_key(algorithm, key)
    }

    pub(crate) fn from_cipher(algorithm: AeadAlgorithm, cipher: Box<dyn AeadCipher>) -> Self {
        Self { algorithm, cipher }
    }

    /// Which algorithm this key is for.
    pub fn algorithm(&self) -> AeadAlgorithm {
        self.algorithm
    }

    /// Encrypts `buf` in place and returns the tag, which the record layer
    /// writes after the ciphertext (RFC 5246 6.2.3.3).
    pub fn seal_in_place_detached(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        self.cipher.seal_in_place(nonce, aad, buf)
    }

    /// Encrypts `plaintext` into `out` (same length) and returns the tag: sealing straight
    /// from the caller's data into the record buffer, without first copying it there (where
    /// the provider can; see [`AeadCipher::seal_to`]).
    pub fn seal_detached_to(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        if plaintext.len() != out.len() {
            return Err(Error::EncryptFailed);
        }
        self.cipher.seal_to(nonce, aad, plaintext, out)
    }

    /// Authenticates and decrypts `buf_with_tag` (ciphertext followed by the
    /// 16-byte tag) in place, returning the plaintext part of the buffer.
    ///
    /// On failure the whole buffer is zeroed, so no unauthenticated plaintext
    /// is ever exposed to the caller, and the error is
    /// [`Error::DecryptFailed`] (alert `bad_record_mac`, RFC 5246 7.2.2),
    /// also for input shorter than a tag.
    pub fn open_in_place<'a>(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf_with_tag: &'a mut [u8],
    ) -> Result<&'a mut [u8]> {
        let Some(ct_len) = buf_with_tag.len().checked_sub(TAG_LEN) else {
            buf_with_tag.fill(0);
            return Err(Error::DecryptFailed);
        };
        let (ct, tag) = buf_with_tag.split_at_mut(ct_len);
        let tag: &[u8; TAG_LEN] = match (&*tag).try_into() {
            Ok(t) => t,
            Err(_) => return Err(Error::DecryptFailed),
        };
        match self.cipher.open_in_place(nonce, aad, ct, tag) {
            Ok(()) => Ok(ct),
            Err(_) => {
                // Backends check the tag before decrypting, but do not all promise it; zero
                // the buffer either way.
                ct.fill(0);
                Err(Error::DecryptFailed)
            }
        }
    }
}

impl fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AeadKey")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALGS: [AeadAlgorithm; 3] = [
        AeadAlgorithm::Aes128Gcm,
        AeadAlgorithm::Aes256Gcm,
        AeadAlgorithm::ChaCha20Poly1305,
    ];

    #[test]
    fn wrong_key_length_is_an_error() {
        for alg in ALGS {
            assert_eq!(
                AeadKey::new(alg, &[0; 31]).unwrap_err(),
                Error::InvalidKeyLength
            );
            assert!(AeadKey::new(alg, &vec![0; alg.key_len()]).is_ok());
        }
    }

    #[test]
    fn round_trip_and_failed_open_zeroes_buffer() {
        for alg in ALGS {
            let key = AeadKey::new(alg, &vec![0x42; alg.key_len()]).unwrap();
            assert_eq!(key.algorithm(), alg);
            let nonce = [7u8; 12];
            let pt = b"attack at dawn, bring snacks".to_vec();
            let mut buf = pt.clone();
            let tag = key
                .seal_in_place_detached(&nonce, b"hdr", &mut buf)
                .unwrap();
            assert_ne!(buf, pt);
            buf.extend_from_slice(&tag);
            let mut good = buf.clone();
            assert_eq!(
                key.open_in_place(&nonce, b"hdr", &mut good).unwrap(),
                &pt[..]
            );

            // Wrong AAD, flipped tag bit, flipped ciphertext bit: all fail and
            // leave only zeros behind.
            for variant in 0..3 {
                let mut bad = buf.clone();
                let aad: &[u8] = if variant == 0 { b"hdx" } else { b"hdr" };
                if variant == 1 {
                    *bad.last_mut().unwrap() ^= 1;
                }
                if variant == 2 {
                    bad[0] ^= 1;
                }
                assert_eq!(
                    key.open_in_place(&nonce, aad, &mut bad),
                    Err(Error::DecryptFailed)
                );
                assert!(
                    bad[..pt.len()].iter().all(|&b| b == 0),
                    "{alg:?} variant {variant}"
                );
            }

            let mut short = [1u8; 15];
            assert_eq!(
                key.open_in_place(&nonce, b"", &mut short),
                Err(Error::DecryptFailed)
            );
            assert_eq!(short, [0; 15]);
        }
    }
}
