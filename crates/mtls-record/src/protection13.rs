//! TLS 1.3 record protection (RFC 8446 5.2 - 5.4): the constructors and the TLS 1.3 sealing and
//! opening of [`RecordEncrypter`] and [`RecordDecrypter`].
//!
//! ```text
//! struct {
//!     opaque content[TLSPlaintext.length];
//!     ContentType type;
//!     uint8 zeros[length_of_padding];
//! } TLSInnerPlaintext;
//!
//! struct {
//!     ContentType opaque_type = application_data; /* 23 */
//!     ProtocolVersion legacy_record_version = 0x0303; /* TLS v1.2 */
//!     uint16 length;
//!     opaque encrypted_record[TLSCiphertext.length];
//! } TLSCiphertext;
//!
//! nonce           = iv XOR (0^32 || seq_num)                       (5.3)
//! additional_data = opaque_type || legacy_record_version || length  (5.2)
//! ```

use core::ops::Range;

use mtls_crypto::CryptoProvider;
use mtls_crypto::aead::AeadAlgorithm;
use mtls_wire::ContentType;
use mtls_wire::record::{InnerPlaintext, RecordHeader};

use crate::error::RecordError;
use crate::limits::{
    HEADER_LEN, MAX_PLAINTEXT_LEN, MAX_TLS13_CIPHERTEXT_LEN, MAX_TLS13_INNER_PLAINTEXT_LEN, TAG_LEN,
};
use crate::protection::{DirectionState, NonceScheme, RecordDecrypter, RecordEncrypter, xor_nonce};

/// The outer header of a protected TLS 1.3 record (RFC 8446 5.2): application_data, {3, 3}
/// and the length of the encrypted record, which is also the additional data.
fn outer_header(encrypted_len: usize) -> Result<[u8; HEADER_LEN], RecordError> {
    let len = u16::try_from(encrypted_len).map_err(|_| RecordError::SealFailed)?;
    let [hi, lo] = len.to_be_bytes();
    Ok([ContentType::ApplicationData.to_u8(), 3, 3, hi, lo])
}

/// The additional data of a received record: its header as it came, the version included
/// (RFC 8446 5.2: `opaque_type || legacy_record_version || length`; the version is ignored
/// for every purpose but it is authenticated).
fn received_header(header: &RecordHeader, encrypted_len: usize) -> [u8; HEADER_LEN] {
    let [v1, v2] = header.version.to_u16().to_be_bytes();
    // encrypted_len <= 2^14 + 256 here.
    let [hi, lo] = u16::try_from(encrypted_len)
        .unwrap_or(u16::MAX)
        .to_be_bytes();
    [header.content_type.to_u8(), v1, v2, hi, lo]
}

impl DirectionState {
    /// The nonce of the next record (RFC 8446 5.3), taking its sequence number.
    fn next_tls13_nonce(&mut self) -> Result<[u8; 12], RecordError> {
        let seq = self.next_seq()?;
        match &self.scheme {
            NonceScheme::Xor { iv } => Ok(xor_nonce(iv, seq)),
            NonceScheme::Gcm { .. } => Err(RecordError::ProtectionMismatch),
        }
    }
}

impl RecordEncrypter {
    /// A TLS 1.3 sealer (RFC 8446 5.2, 5.3) for `algorithm` with a traffic secret's write key
    /// and 12-byte IV (RFC 8446 7.3: `mtls_prf::tls13::Secret::traffic_keys`), on
    /// `provider`'s AEAD. The sequence number starts at 0: build a new one for every key
    /// change and KeyUpdate.
    pub fn tls13(
        provider: &CryptoProvider,
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        Ok(Self {
            state: DirectionState::new_tls13(provider, algorithm, key, iv)?,
        })
    }

    /// TLS 1.3 only: appends one record carrying `plaintext` of type `typ` followed by
    /// `padding` zero bytes inside the encryption (RFC 8446 5.4), to hide the content's
    /// length. Content and padding together may not exceed 2^14 bytes.
    pub fn seal_padded_to(
        &mut self,
        typ: ContentType,
        plaintext: &[u8],
        padding: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        if !self.state.tls13 {
            return Err(RecordError::ProtectionMismatch);
        }
        self.seal13_to(typ, plaintext, padding, out)
    }

    /// Appends `[header | plaintext | typ | padding zeros | tag]` to `out`: the plaintext is
    /// copied into its place once and sealed there.
    pub(crate) fn seal13_to(
        &mut self,
        typ: ContentType,
        plaintext: &[u8],
        padding: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        check_inner_len(plaintext.len(), padding)?;
        let start = out.len();
        out.resize(
            start + HEADER_LEN + plaintext.len() + 1 + padding + TAG_LEN,
            0,
        );
        let result = match out.get_mut(start..) {
            Some(record) => {
                if let Some(body) = record.get_mut(HEADER_LEN..HEADER_LEN + plaintext.len()) {
                    body.copy_from_slice(plaintext);
                }
                self.seal13(typ, padding, record)
            }
            None => Err(RecordError::SealFailed),
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Seals `record`, laid out as `[5 to fill | content | 1 + padding + 16 to fill]`, in
    /// place: writes the header, the type byte and the zeros, encrypts content, type and
    /// padding together and writes the tag.
    pub(crate) fn seal13(
        &mut self,
        typ: ContentType,
        padding: usize,
        record: &mut [u8],
    ) -> Result<(), RecordError> {
        // A content type of 0 would read back as padding; a change_cipher_spec is never
        // protected in TLS 1.3 (RFC 8446 5, D.4).
        if typ.to_u8() == 0 || typ == ContentType::ChangeCipherSpec {
            return Err(RecordError::ProtectionMismatch);
        }
        let content_len = record
            .len()
            .checked_sub(HEADER_LEN + 1 + padding + TAG_LEN)
            .ok_or(RecordError::SealFailed)?;
        check_inner_len(content_len, padding)?;
        let (header, rest) = record.split_at_mut(HEADER_LEN);
        let (inner, tag_out) = rest.split_at_mut(content_len + 1 + padding);
        header.copy_from_slice(&outer_header(inner.len() + TAG_LEN)?);
        if let Some((type_byte, zeros)) = inner
            .get_mut(content_len..)
            .and_then(|tail| tail.split_first_mut())
        {
            *type_byte = typ.to_u8();
            zeros.fill(0);
        }
        let nonce = self.state.next_tls13_nonce()?;
        let tag = self
            .state
            .key
            .seal_in_place_detached(&nonce, header, inner)
            .map_err(|_| RecordError::SealFailed)?;
        tag_out.copy_from_slice(&tag);
        Ok(())
    }
}

impl RecordDecrypter {
    /// A TLS 1.3 opener (RFC 8446 5.2, 5.3) for `algorithm` with the peer's traffic key and
    /// 12-byte IV, on `provider`'s AEAD. The sequence number starts at 0: build a new one for
    /// every key change and KeyUpdate.
    pub fn tls13(
        provider: &CryptoProvider,
        algorithm: AeadAlgorithm,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, mtls_crypto::Error> {
        Ok(Self {
            state: DirectionState::new_tls13(provider, algorithm, key, iv)?,
        })
    }

    /// Opens one TLS 1.3 record in place and returns its real content type and the range of
    /// `fragment` (the record's body, `header.length` bytes) that holds the content, with the
    /// type and the zero padding after it stripped (RFC 8446 5.4).
    ///
    /// Checked in this order, the lengths before any decryption:
    /// - the outer type must be application_data (RFC 8446 5.2), else
    ///   [`RecordError::UnexpectedOuterType`] (`unexpected_message`);
    /// - the encrypted record at most 2^14 + 256 bytes (5.2) and the inner plaintext at most
    ///   2^14 + 1 (5.4), else [`RecordError::RecordOverflow`] (`record_overflow`);
    /// - authentication, with the header as received as additional data and our own count of
    ///   records in the nonce, else [`RecordError::BadRecordMac`] (`bad_record_mac`; the
    ///   buffer is wiped);
    /// - a non-zero byte must remain once the padding is stripped, else `unexpected_message`
    ///   (5.4).
    ///
    /// The legacy_record_version is not checked (RFC 8446 5.1). The content type is returned
    /// as found (zero-length content included): what each type may be is the reader's rule.
    /// Padding is stripped by a scan from the end, so its time depends on the padding's
    /// length, which RFC 8446 5.4 accepts. A TLS 1.2 decrypter refuses with
    /// [`RecordError::ProtectionMismatch`].
    pub fn open_tls13_in_place(
        &mut self,
        header: RecordHeader,
        fragment: &mut [u8],
    ) -> Result<(ContentType, Range<usize>), RecordError> {
        if !self.state.tls13 {
            return Err(RecordError::ProtectionMismatch);
        }
        if header.content_type != ContentType::ApplicationData {
            return Err(RecordError::UnexpectedOuterType(
                header.content_type.to_u8(),
            ));
        }
        let len = fragment.len();
        if len > MAX_TLS13_CIPHERTEXT_LEN {
            return Err(RecordError::RecordOverflow {
                len,
                max: MAX_TLS13_CIPHERTEXT_LEN,
            });
        }
        let Some(inner_len) = len.checked_sub(TAG_LEN) else {
            return Err(RecordError::BadRecordMac);
        };
        if inner_len > MAX_TLS13_INNER_PLAINTEXT_LEN {
            return Err(RecordError::RecordOverflow {
                len: inner_len,
                max: MAX_TLS13_INNER_PLAINTEXT_LEN,
            });
        }
        let aad = received_header(&header, len);
        let seq = self.state.seq;
        let nonce = self.state.next_tls13_nonce()?;
        let Ok(inner) = self.state.key.open_in_place(&nonce, &aad, fragment) else {
            // A record that does not open does not count: the next one is expected at the
            // same sequence number (only a server skipping declined early data goes on,
            // RFC 8446 4.2.10; anywhere else this error ends the connection).
            self.state.seq = seq;
            return Err(RecordError::BadRecordMac);
        };
        let parsed = InnerPlaintext::parse(inner)?;
        Ok((parsed.content_type, 0..parsed.content.len()))
    }
}

/// Content plus padding may not exceed 2^14 bytes (RFC 8446 5.4: the whole TLSInnerPlaintext
/// at most 2^14 + 1 with the type).
fn check_inner_len(content_len: usize, padding: usize) -> Result<(), RecordError> {
    let len = content_len.saturating_add(padding);
    if len > MAX_PLAINTEXT_LEN {
        return Err(RecordError::RecordOverflow {
            len: len.saturating_add(1),
            max: MAX_TLS13_INNER_PLAINTEXT_LEN,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtls_crypto::default_provider;

    #[test]
    fn rfc8446_5_2_outer_header_is_application_data_3_3_and_the_length() {
        assert_eq!(outer_header(0x1234).unwrap(), [23, 3, 3, 0x12, 0x34]);
        assert!(outer_header(70_000).is_err());
    }

    #[test]
    fn rfc8446_5_3_sequence_number_never_wraps() {
        let p = default_provider();
        let mut e =
            RecordEncrypter::tls13(p, AeadAlgorithm::Aes128Gcm, &[1; 16], &[2; 12]).unwrap();
        e.state.seq = u64::MAX - 2;
        let mut out = Vec::new();
        e.seal_padded_to(ContentType::ApplicationData, b"x", 0, &mut out)
            .unwrap();
        let n = out.len();
        assert_eq!(
            e.seal_padded_to(ContentType::ApplicationData, b"x", 0, &mut out),
            Err(RecordError::SequenceExhausted)
        );
        assert_eq!(out.len(), n, "nothing appended");
    }
}
