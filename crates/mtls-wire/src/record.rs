//! The record header (RFC 5246 6.2.1, RFC 8446 5.1), a splitter for a
//! stream of records, and the TLS 1.3 inner plaintext (RFC 8446 5.2).
//!
//! The codec only frames: the 2^14 / 2^14+2048 length limits of RFC 5246
//! 6.2.1-6.2.3 (2^14+256 for a TLS 1.3 ciphertext, RFC 8446 5.2) depend on
//! whether the record is protected, which is the record layer's knowledge,
//! so they are enforced there.

mod inner_plaintext;

pub use inner_plaintext::InnerPlaintext;

use bytes::BufMut;

use crate::codec::{Reader, Result};
use crate::enums::{ContentType, ProtocolVersion};

/// The 5-byte header of a `TLSPlaintext` / `TLSCiphertext` record (RFC 5246 6.2.1).
///
/// ```text
/// struct {
///     ContentType type;
///     ProtocolVersion version;
///     uint16 length;
///     opaque fragment[TLSPlaintext.length];
/// } TLSPlaintext;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordHeader {
    /// The higher-level protocol the fragment belongs to.
    pub content_type: ContentType,
    /// The record-layer version (any value parses; policy is elsewhere).
    pub version: ProtocolVersion,
    /// Length of the fragment that follows, in bytes.
    pub length: u16,
}

impl RecordHeader {
    /// Size of the header on the wire.
    pub const LEN: usize = 5;

    /// Parses the 5-byte header from the front of `input` and returns it with
    /// the bytes after it (the fragment and anything beyond).
    ///
    /// Fewer than 5 bytes is [`ErrorKind::Truncated`](crate::ErrorKind::Truncated).
    pub fn parse(input: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::framing(input);
        let content_type = ContentType::read(&mut r, "TLSPlaintext.type")?;
        let version = ProtocolVersion::read(&mut r, "TLSPlaintext.version")?;
        let length = r.u16("TLSPlaintext.length")?;
        Ok((
            Self {
                content_type,
                version,
                length,
            },
            r.rest(),
        ))
    }

    /// Writes the 5-byte header.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.content_type.encode(out);
        self.version.encode(out);
        out.put_u16(self.length);
    }
}

/// Splits a byte stream into consecutive records: each header with its
/// fragment (`length` bytes after it).
///
/// The whole input must be whole records; a header or fragment cut off at
/// the end is [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) with the
/// field saying which. Used by the `record_stream` fuzz target and by
/// analyzers that hold a captured stream. The output is bounded by the input:
/// every entry consumes at least 5 bytes.
pub fn parse_records(input: &[u8]) -> Result<Vec<(RecordHeader, &[u8])>> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let (header, after) = RecordHeader::parse(rest)?;
        let mut r = Reader::framing(after);
        let fragment = r.take(usize::from(header.length), "TLSPlaintext.fragment")?;
        out.push((header, fragment));
        rest = r.rest();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn header_round_trip() {
        let bytes = [0x16, 0x03, 0x03, 0x00, 0x2a, 0xff];
        let (h, rest) = RecordHeader::parse(&bytes).unwrap();
        assert_eq!(h.content_type, ContentType::Handshake);
        assert_eq!(h.version, ProtocolVersion::TLSv1_2);
        assert_eq!(h.length, 42);
        assert_eq!(rest, [0xff]);
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(out, bytes[..5]);
    }

    #[test]
    fn short_header_is_truncated() {
        let e = RecordHeader::parse(&[0x16, 0x03, 0x03, 0x00]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Truncated);
    }

    #[test]
    fn stream_splits_and_reports_cut_fragment() {
        let bytes = [0x15, 3, 3, 0, 2, 1, 0, 0x14, 3, 3, 0, 1, 1];
        let recs = parse_records(&bytes).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].1, [1, 0]);
        assert_eq!(recs[1].0.content_type, ContentType::ChangeCipherSpec);
        let e = parse_records(&bytes[..12]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Truncated);
        assert_eq!(e.field(), "TLSPlaintext.fragment");
    }
}
