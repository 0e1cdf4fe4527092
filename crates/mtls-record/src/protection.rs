//! AEAD record protection for one direction (RFC 5246 6.2.3.3, RFC 5288, RFC 7905), and the
//! state TLS 1.3 protection shares with it (`protection13.rs`, RFC 8446 5.2 - 5.3).
//!
//! TLS 1.2:
//!
//! ```text
//! struct {
//!     opaque nonce_explicit[SecurityParameters.record_iv_length];   -- GCM: 8 bytes; ChaCha: none
//!     aead-ciphered struct { opaque content[TLSCompressed.length]; };
//! } GenericAEADCipher;
//!
//! additional_data = seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length;
//! ```

use mtls_crypto::CryptoProvider;
use mtls_crypto::aead::{AeadAlgorithm, AeadKey, NONCE_LEN};
use mtls_wire::{ContentType, ProtocolVersion};

use zeroize::Zeroize;

use crate::error::RecordError;
use crate::limits::{GCM_EXPLICIT_NONCE_LEN, HEADER_LEN, MAX_PLAINTEXT_LEN, TAG_LEN};

/// Length of `additional_data`: seq_num(8) + type(1) + version(2) + length(2).
const AAD_LEN: usize = 13;

/// How a suite turns the sequence number into a nonce.
pub(crate) enum NonceScheme {
    /// RFC 5288 3: `nonce = salt(4, from the key block) || nonce_explicit(8, in the record)`.
    /// We send the sequence number as `nonce_explicit`, so a nonce never repeats under a key.
    Gcm { salt: [u8; 4] },
    /// `nonce = IV(12) XOR (0^32 || seq_num(64))`, nothing in the record: RFC 7905 2 (TLS 1.2
    /// ChaCha20-Poly1305) and RFC 8446 5.3 (every TLS 1.3 AEAD).
    Xor { iv: [u8; NONCE_LEN] },
}

/// The shared half of both directions: key, nonce scheme, sequence number, record format.
pub(crate) struct DirectionState {
    pub(crate) key: AeadKey,
    pub(crate) scheme: NonceScheme,
    /// Next sequence number; starts at 0 with every new key (RFC 5246 6.1, RFC 8446 5.3).
    pub(crate) seq: u64,
    /// TLS 1.3 records (RFC 8446 5.2): TLSInnerPlaintext, the header as additional data.
    pub(crate) tls13: bool,
}

impl Drop for DirectionState {
    /// The AEAD key wipes itself; the salt or IV is key material too (RFC 8446 7.3 derives
    /// it from the traffic secret).
    fn drop(&mut self) {
        match &mut self.scheme {
            NonceScheme::Gcm { salt } => salt.zeroize(),
            NonceScheme::Xor { iv } => iv.zeroize(),
        }
    }
}

impl DirectionState {
    fn new(
        provider: &CryptoProvider,
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        let key = provider.aead_key(algorithm, key)?;
        let scheme = match algorithm {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => NonceScheme::Gcm {
                salt: iv
                    .try_into()
                    .map_err(|_| mtls_crypto::Error::InvalidKeyLength)?,
            },
            AeadAlgorithm::ChaCha20Poly1305 => NonceScheme::Xor {
                iv: iv
                    .try_into()
                    .map_err(|_| mtls_crypto::Error::InvalidKeyLength)?,
            },
        };
        Ok(Self {
            key,
            scheme,
            seq: 0,
            tls13: false,
        })
    }

    /// TLS 1.3 protection (RFC 8446 5.3): the 12-byte IV XOR the sequence number for every
    /// AEAD.
    pub(crate) fn new_tls13(
        provider: &CryptoProvider,
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        let iv: [u8; NONCE_LEN] = iv
            .try_into()
            .map_err(|_| mtls_crypto::Error::InvalidKeyLength)?;
        Ok(Self {
            key: provider.aead_key(algorithm, key)?,
            scheme: NonceScheme::Xor { iv },
            seq: 0,
            tls13: true,
        })
    }

    /// Bytes between the header and the ciphertext: the GCM explicit nonce, or nothing.
    fn explicit_len(&self) -> usize {
        match self.scheme {
            NonceScheme::Gcm { .. } => GCM_EXPLICIT_NONCE_LEN,
            NonceScheme::Xor { .. } => 0,
        }
    }

    /// Takes the current sequence number and advances it; refuses the last value so that the
    /// counter can never wrap (RFC 5246 6.1: "Sequence numbers ... MUST NOT wrap"; RFC 8446
    /// 5.3: an implementation that would wrap "MUST either rekey ... or terminate the
    /// connection").
    pub(crate) fn next_seq(&mut self) -> Result<u64, RecordError> {
        let seq = self.seq;
        self.seq = seq.checked_add(1).ok_or(RecordError::SequenceExhausted)?;
        if self.seq == u64::MAX {
            return Err(RecordError::SequenceExhausted);
        }
        Ok(seq)
    }
}

/// `seq_num + type + version + length` (RFC 5246 6.2.3.3), where length is the plaintext's.
fn additional_data(
    seq: u64,
    typ: ContentType,
    version: ProtocolVersion,
    len: usize,
) -> [u8; AAD_LEN] {
    let mut aad = [0u8; AAD_LEN];
    let (s, rest) = aad.split_at_mut(8);
    s.copy_from_slice(&seq.to_be_bytes());
    let (t, rest) = rest.split_at_mut(1);
    t.copy_from_slice(&[typ.to_u8()]);
    let (v, l) = rest.split_at_mut(2);
    v.copy_from_slice(&version.to_u16().to_be_bytes());
    // len <= 2^14 + 2048 always fits; saturate rather than truncate if a caller lies.
    l.copy_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
    aad
}

/// `IV XOR (0^32 || seq_num)` (RFC 7905 2, RFC 8446 5.3).
pub(crate) fn xor_nonce(iv: &[u8; NONCE_LEN], seq: u64) -> [u8; NONCE_LEN] {
    let mut nonce = *iv;
    let (_, low) = nonce.split_at_mut(NONCE_LEN - 8);
    low.iter_mut()
        .zip(seq.to_be_bytes())
        .for_each(|(n, s)| *n ^= s);
    nonce
}

fn gcm_nonce(salt: &[u8; 4], explicit: [u8; 8]) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    let (s, e) = nonce.split_at_mut(4);
    s.copy_from_slice(salt);
    e.copy_from_slice(&explicit);
    nonce
}

/// Protects outgoing records for one direction (our write key): TLS 1.2 records
/// ([`RecordEncrypter::new`]) or TLS 1.3 records ([`RecordEncrypter::tls13`]), through the
/// same [`seal_in_place`](RecordEncrypter::seal_in_place) and
/// [`seal_to`](RecordEncrypter::seal_to).
pub struct RecordEncrypter {
    pub(crate) state: DirectionState,
}

impl RecordEncrypter {
    /// A sealer for `algorithm` with this direction's write key and fixed IV (the GCM salt of
    /// 4 bytes, or the ChaCha20-Poly1305 IV of 12), as split from the key block
    /// (RFC 5246 6.3), on the default crypto provider. The sequence number starts at 0.
    pub fn new(
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        Self::with_provider(mtls_crypto::default_provider(), algorithm, key, iv)
    }

    /// [`RecordEncrypter::new`] with the AEAD of `provider`: one virtual call per record.
    pub fn with_provider(
        provider: &CryptoProvider,
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        Ok(Self {
            state: DirectionState::new(provider, algorithm, key, iv)?,
        })
    }

    /// Bytes before the plaintext in a sealed record: header plus explicit nonce (TLS 1.3:
    /// the header alone).
    pub fn prefix_len(&self) -> usize {
        HEADER_LEN + self.state.explicit_len()
    }

    /// Bytes after the plaintext in a sealed record: the tag (TLS 1.3: the inner content type
    /// byte, then the tag; no padding).
    pub fn suffix_len(&self) -> usize {
        if self.state.tls13 {
            1 + TAG_LEN
        } else {
            TAG_LEN
        }
    }

    /// True for TLS 1.3 protection ([`RecordEncrypter::tls13`]).
    pub fn is_tls13(&self) -> bool {
        self.state.tls13
    }

    /// The sequence number the next record will carry.
    pub fn sequence_number(&self) -> u64 {
        self.state.seq
    }

    /// Seals one record in place. `record` is laid out as
    /// `[prefix_len() bytes to fill | plaintext | suffix_len() bytes to fill]`; this writes
    /// the header, the explicit nonce and the tag around the plaintext and encrypts it.
    /// No copy, no allocation: the zero-copy path for callers that own their buffers.
    ///
    /// TLS 1.3 (RFC 8446 5.2): the header is always application_data and {3, 3} (`version`
    /// is not used), `typ` goes into the first suffix byte as the inner content type, and
    /// plaintext and type are sealed together.
    pub fn seal_in_place(
        &mut self,
        typ: ContentType,
        version: ProtocolVersion,
        record: &mut [u8],
    ) -> Result<(), RecordError> {
        if self.state.tls13 {
            return self.seal13(typ, 0, record);
        }
        self.seal_record(typ, version, None, record)
    }

    /// Appends one sealed record carrying `plaintext` to `out`, encrypting straight from
    /// `plaintext` into `out` (no intermediate copy). With `out` reused across records this
    /// allocates nothing once its capacity has grown to a record.
    ///
    /// TLS 1.3: as [`RecordEncrypter::seal_in_place`]; the plaintext is copied into its place
    /// in `out` and sealed there with the content type after it (the AEAD reads one
    /// contiguous inner plaintext), still without an intermediate buffer.
    pub fn seal_to(
        &mut self,
        typ: ContentType,
        version: ProtocolVersion,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        if self.state.tls13 {
            return self.seal13_to(typ, plaintext, 0, out);
        }
        let start = out.len();
        out.resize(start + self.prefix_len() + plaintext.len() + TAG_LEN, 0);
        let result = match out.get_mut(start..) {
            Some(record) => self.seal_record(typ, version, Some(plaintext), record),
            None => Err(RecordError::SealFailed),
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Seals `record` (laid out as for [`RecordEncrypter::seal_in_place`]): its own middle
    /// part in place, or `plaintext` (of that length) encrypted into it.
    fn seal_record(
        &mut self,
        typ: ContentType,
        version: ProtocolVersion,
        plaintext: Option<&[u8]>,
        record: &mut [u8],
    ) -> Result<(), RecordError> {
        let (prefix, body, tag_out) = self.split(record)?;
        let (nonce, aad) = self.begin(typ, version, body.len(), prefix)?;
        let key = &self.state.key;
        let tag = match plaintext {
            None => key.seal_in_place_detached(&nonce, &aad, body),
            Some(p) => key.seal_detached_to(&nonce, &aad, p, body),
        }
        .map_err(|_| RecordError::SealFailed)?;
        tag_out.copy_from_slice(&tag);
        Ok(())
    }

    /// Splits a record buffer into prefix (header, explicit nonce), body and tag.
    #[allow(clippy::type_complexity)]
    fn split<'a>(
        &self,
        record: &'a mut [u8],
    ) -> Result<(&'a mut [u8], &'a mut [u8], &'a mut [u8]), RecordError> {
        let prefix_len = self.prefix_len();
        let plaintext_len = record
            .len()
            .checked_sub(prefix_len + TAG_LEN)
            .ok_or(RecordError::SealFailed)?;
        if plaintext_len > MAX_PLAINTEXT_LEN {
            return Err(RecordError::RecordOverflow {
                len: plaintext_len,
                max: MAX_PLAINTEXT_LEN,
            });
        }
        let (prefix, rest) = record.split_at_mut(prefix_len);
        let (body, tag) = rest.split_at_mut(plaintext_len);
        Ok((prefix, body, tag))
    }

    /// Takes the next sequence number, writes the header and the explicit nonce into
    /// `prefix`, and returns the nonce and additional data for a plaintext of `len` bytes.
    fn begin(
        &mut self,
        typ: ContentType,
        version: ProtocolVersion,
        len: usize,
        prefix: &mut [u8],
    ) -> Result<([u8; NONCE_LEN], [u8; AAD_LEN]), RecordError> {
        let seq = self.state.next_seq()?;
        let aad = additional_data(seq, typ, version, len);
        let wire_len = u16::try_from(prefix.len() - HEADER_LEN + len + TAG_LEN)
            .map_err(|_| RecordError::SealFailed)?;
        let (header, explicit) = prefix.split_at_mut(HEADER_LEN);
        header.copy_from_slice(&{
            let mut h = [0u8; HEADER_LEN];
            h[0] = typ.to_u8();
            h[1..3].copy_from_slice(&version.to_u16().to_be_bytes());
            h[3..5].copy_from_slice(&wire_len.to_be_bytes());
            h
        });
        let nonce = match &self.state.scheme {
            NonceScheme::Gcm { salt } => {
                let e = seq.to_be_bytes();
                explicit.copy_from_slice(&e);
                gcm_nonce(salt, e)
            }
            NonceScheme::Xor { iv } => xor_nonce(iv, seq),
        };
        Ok((nonce, aad))
    }
}

/// Authenticates and decrypts incoming records for one direction (the peer's write key):
/// TLS 1.2 records ([`RecordDecrypter::new`], [`RecordDecrypter::open_in_place`]) or TLS 1.3
/// records ([`RecordDecrypter::tls13`], [`RecordDecrypter::open_tls13_in_place`]).
pub struct RecordDecrypter {
    pub(crate) state: DirectionState,
}

impl RecordDecrypter {
    /// An opener for `algorithm` with the peer's write key and fixed IV (RFC 5246 6.3), on
    /// the default crypto provider.
    pub fn new(
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        Self::with_provider(mtls_crypto::default_provider(), algorithm, key, iv)
    }

    /// [`RecordDecrypter::new`] with the AEAD of `provider`.
    pub fn with_provider(
        provider: &CryptoProvider,
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        Ok(Self {
            state: DirectionState::new(provider, algorithm, key, iv)?,
        })
    }

    /// The sequence number the next record must carry.
    pub fn sequence_number(&self) -> u64 {
        self.state.seq
    }

    /// True for TLS 1.3 protection ([`RecordDecrypter::tls13`]).
    pub fn is_tls13(&self) -> bool {
        self.state.tls13
    }

    /// Opens the fragment of one protected record in place and returns the range of
    /// `fragment` that holds the plaintext.
    ///
    /// The additional data uses our own count of records, never anything the peer sent, so a
    /// replayed, dropped or reordered record fails authentication (RFC 5246 6.2.3.3). Any
    /// failure is [`RecordError::BadRecordMac`], with the buffer wiped by the AEAD.
    ///
    /// TLS 1.2 only: a TLS 1.3 decrypter refuses with [`RecordError::ProtectionMismatch`]
    /// (use [`RecordDecrypter::open_tls13_in_place`], which also returns the inner type).
    pub fn open_in_place(
        &mut self,
        typ: ContentType,
        version: ProtocolVersion,
        fragment: &mut [u8],
    ) -> Result<core::ops::Range<usize>, RecordError> {
        if self.state.tls13 {
            return Err(RecordError::ProtectionMismatch);
        }
        let explicit_len = self.state.explicit_len();
        let Some(plaintext_len) = fragment.len().checked_sub(explicit_len + TAG_LEN) else {
            return Err(RecordError::BadRecordMac);
        };
        // The plaintext length is public (record length minus overhead): refuse an oversized
        // fragment before spending a decryption on it (RFC 5246 6.2.3).
        if plaintext_len > MAX_PLAINTEXT_LEN {
            return Err(RecordError::RecordOverflow {
                len: plaintext_len,
                max: MAX_PLAINTEXT_LEN,
            });
        }
        let seq = self.state.next_seq()?;
        let aad = additional_data(seq, typ, version, plaintext_len);
        let (explicit, sealed) = fragment.split_at_mut(explicit_len);
        let nonce = match &self.state.scheme {
            NonceScheme::Gcm { salt } => {
                // RFC 5288 3: the receiver takes nonce_explicit from the record as sent.
                let explicit: [u8; 8] = (&*explicit)
                    .try_into()
                    .map_err(|_| RecordError::BadRecordMac)?;
                gcm_nonce(salt, explicit)
            }
            NonceScheme::Xor { iv } => xor_nonce(iv, seq),
        };
        self.state
            .key
            .open_in_place(&nonce, &aad, sealed)
            .map_err(|_| RecordError::BadRecordMac)?;
        Ok(explicit_len..explicit_len + plaintext_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7905_2_chacha_nonce_xors_the_padded_sequence_number() {
        let iv = [0xffu8; 12];
        let n = xor_nonce(&iv, 0x0102_0304_0506_0708);
        assert_eq!(
            n,
            [
                0xff, 0xff, 0xff, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7
            ]
        );
    }

    #[test]
    fn rfc5246_6_2_3_3_additional_data_layout() {
        let aad = additional_data(
            5,
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            0x1234,
        );
        assert_eq!(aad, [0, 0, 0, 0, 0, 0, 0, 5, 23, 3, 3, 0x12, 0x34]);
    }

    #[test]
    fn rfc5246_6_1_sequence_number_never_wraps() {
        let mut e = RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &[1; 16], &[2; 4]).unwrap();
        e.state.seq = u64::MAX - 2;
        let mut out = Vec::new();
        e.seal_to(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            b"x",
            &mut out,
        )
        .unwrap();
        let err = e
            .seal_to(
                ContentType::ApplicationData,
                ProtocolVersion::TLSv1_2,
                b"x",
                &mut out,
            )
            .unwrap_err();
        assert_eq!(err, RecordError::SequenceExhausted);
    }
}
