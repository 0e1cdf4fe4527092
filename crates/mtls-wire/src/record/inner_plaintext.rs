//! `TLSInnerPlaintext` (RFC 8446 5.2): the plaintext of a protected TLS 1.3
//! record, its real content type and padding inside.
//!
//! ```text
//! struct {
//!     opaque content[TLSPlaintext.length];
//!     ContentType type;
//!     uint8 zeros[length_of_padding];
//! } TLSInnerPlaintext;
//! ```
//!
//! Only the encoding: the record layer decrypts, checks the 2^14 + 1 byte
//! limit (RFC 8446 5.4, `record_overflow`) and what content types it takes.

use bytes::BufMut;

use crate::codec::Result;
use crate::enums::ContentType;
use crate::error::{ErrorKind, WireError};

/// A decrypted TLS 1.3 record split into content, type and padding
/// (RFC 8446 5.2, 5.4), borrowing the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InnerPlaintext<'a> {
    /// The content: a handshake, alert or application_data fragment.
    pub content: &'a [u8],
    /// The real content type: the last non-zero byte. Never 0 when parsed.
    pub content_type: ContentType,
    /// Number of zero bytes of padding after the type.
    pub padding: usize,
}

impl<'a> InnerPlaintext<'a> {
    /// Splits a decrypted record: the type is the last non-zero byte, the
    /// zeros after it are padding, the bytes before it are the content
    /// (RFC 8446 5.4).
    ///
    /// All zeros (the empty plaintext included) has no type: RFC 8446 5.4
    /// "If a receiving implementation does not find a non-zero octet in the
    /// cleartext, it MUST terminate the connection with an
    /// "unexpected_message" alert", so it is [`ErrorKind::UnexpectedContent`].
    pub fn parse(plaintext: &'a [u8]) -> Result<Self> {
        let Some(type_at) = plaintext.iter().rposition(|&b| b != 0) else {
            return Err(WireError::new(
                "TLSInnerPlaintext.type",
                ErrorKind::UnexpectedContent,
            ));
        };
        let (content, rest) = plaintext.split_at(type_at);
        let (typ, zeros) = rest.split_first().ok_or(WireError::new(
            "TLSInnerPlaintext.type",
            ErrorKind::UnexpectedContent,
        ))?;
        Ok(Self {
            content,
            content_type: ContentType::from(*typ),
            padding: zeros.len(),
        })
    }

    /// Bytes the encoding takes: content, type byte, padding.
    pub fn len(&self) -> usize {
        self.content.len() + 1 + self.padding
    }

    /// Never true: the type byte is always there.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes content, type and `padding` zeros. A `content_type` of 0 is a
    /// caller bug (the record would read back with another type or none).
    pub fn encode(&self, out: &mut impl BufMut) {
        debug_assert_ne!(self.content_type.to_u8(), 0, "content type 0");
        out.put_slice(self.content);
        self.content_type.encode(out);
        out.put_bytes(0, self.padding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AlertDescription;

    #[test]
    fn rfc8446_5_2_split_and_join() {
        let bytes = [b'h', b'i', 23, 0, 0, 0];
        let inner = InnerPlaintext::parse(&bytes).unwrap();
        assert_eq!(inner.content, b"hi");
        assert_eq!(inner.content_type, ContentType::ApplicationData);
        assert_eq!(inner.padding, 3);
        assert_eq!(inner.len(), bytes.len());
        let mut out = Vec::new();
        inner.encode(&mut out);
        assert_eq!(out, bytes);
    }

    #[test]
    fn rfc8446_5_4_zeros_in_content_stay_content() {
        let bytes = [0, 0, 22, 0];
        let inner = InnerPlaintext::parse(&bytes).unwrap();
        assert_eq!(inner.content, [0, 0]);
        assert_eq!(inner.content_type, ContentType::Handshake);
        assert_eq!(inner.padding, 1);
        // An empty content with no padding: the type alone.
        let inner = InnerPlaintext::parse(&[21]).unwrap();
        assert!(inner.content.is_empty());
        assert_eq!(inner.content_type, ContentType::Alert);
    }

    #[test]
    fn rfc8446_5_4_no_non_zero_byte_is_unexpected_message() {
        for bytes in [&[][..], &[0], &[0; 100]] {
            let e = InnerPlaintext::parse(bytes).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnexpectedContent);
            assert_eq!(e.field(), "TLSInnerPlaintext.type");
            assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
        }
    }
}
