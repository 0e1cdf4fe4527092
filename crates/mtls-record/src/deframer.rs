//! Turns a byte stream that arrives in arbitrary chunks into whole records (RFC 5246 6.2.1).

use std::ops::Range;

use mtls_wire::ContentType;
use mtls_wire::record::RecordHeader;

use crate::error::RecordError;
use crate::limits::{
    HEADER_LEN, MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, MAX_RECORD_LEN, MAX_TLS13_CIPHERTEXT_LEN,
};

/// The buffer's size at the first read: a handshake flight's records usually fit.
pub const INITIAL_LEN: usize = 4096;

/// One complete record in the deframer's buffer: its header and where its fragment lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSpan {
    /// The validated header.
    pub header: RecordHeader,
    /// Position of the fragment in the deframer's buffer.
    pub fragment: Range<usize>,
}

/// A receive buffer of at most one maximum-size record (2^14 + 2048 + 5 bytes).
///
/// It accepts bytes only while they may still be part of the next record, so a peer can never
/// make it hold more than one record: that is the memory bound of the read side (plus the
/// handshake reassembly buffer, see [`HandshakeJoiner`](crate::HandshakeJoiner)).
///
/// The buffer starts empty and grows on demand (4 KiB at the first read, then to the
/// length the next record's header announces), never beyond one maximum-size record: a
/// connection that only ever sees handshake-sized records does not pay for 18 KiB up front
/// (mtls-bench's heap rows; rustls grows its buffer the same way).
pub struct Deframer {
    buf: Vec<u8>,
    /// Start of unconsumed bytes.
    start: usize,
    /// End of received bytes.
    end: usize,
    /// Bytes of the record handed out last, consumed at the next call.
    pending_discard: usize,
    /// TLS 1.3 header rules: see [`Deframer::set_tls13`].
    tls13: bool,
}

impl Default for Deframer {
    fn default() -> Self {
        Self::new()
    }
}

impl Deframer {
    /// An empty deframer with its one-record buffer.
    pub fn new() -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            end: 0,
            pending_discard: 0,
            tls13: false,
        }
    }

    /// Checks headers by the TLS 1.3 rules (RFC 8446 5.1, 5.2): the record version is not
    /// looked at (legacy_record_version "MUST be ignored for all purposes"), a protected
    /// record may be 2^14 + 256 bytes long, and zero-length records are left to the reader.
    pub fn set_tls13(&mut self, on: bool) {
        self.tls13 = on;
    }

    /// Bytes received and not yet handed out as records.
    pub fn buffered(&self) -> usize {
        self.end - self.start - self.pending_discard
    }

    /// True when no bytes are held.
    pub fn is_empty(&self) -> bool {
        self.buffered() == 0
    }

    fn discard_pending(&mut self) {
        self.start += self.pending_discard;
        self.pending_discard = 0;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Frees the buffer if it holds nothing (it is allocated again by the next read).
    pub fn release_if_empty(&mut self) {
        self.discard_pending();
        if self.start == self.end {
            self.buf = Vec::new();
            self.start = 0;
            self.end = 0;
        }
    }

    /// Shrinks the buffer to exactly the bytes it holds (none: freed). A read offers
    /// `INITIAL_LEN` bytes of room because it cannot know what will come; a handshake flight
    /// is usually smaller, and the room left over would be held while the flight is processed
    /// (signatures checked and made): that room is what this gives back. The next read grows
    /// the buffer again, so a caller fits it only while records are few (the handshake).
    pub fn fit(&mut self) {
        self.discard_pending();
        self.compact();
        self.buf.truncate(self.end);
        self.buf.shrink_to_fit();
    }

    /// Moves unconsumed bytes to the front so that a whole record fits after them.
    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
    }

    /// Bytes from `start` that the next record needs: its whole length once its header is
    /// here (capped at the maximum), else [`INITIAL_LEN`].
    fn wanted_len(&self) -> usize {
        match self.buf.get(self.start + 3..self.start + HEADER_LEN) {
            Some(&[hi, lo]) if self.end - self.start >= HEADER_LEN => (HEADER_LEN
                + usize::from(u16::from_be_bytes([hi, lo])))
            .clamp(INITIAL_LEN, MAX_RECORD_LEN),
            _ => INITIAL_LEN,
        }
    }

    /// Room left for incoming bytes (growing the buffer if the next record needs it).
    pub fn space(&mut self) -> &mut [u8] {
        self.discard_pending();
        let wanted = self.wanted_len();
        if self.buf.len() < wanted {
            self.compact();
            // Exactly what the record needs: `resize` alone may double the capacity, past the
            // one-record bound this buffer promises.
            self.buf.reserve_exact(wanted - self.buf.len());
            self.buf.resize(wanted, 0);
        }
        if self.buf.len() - self.end < self.buf.len().min(MAX_RECORD_LEN) / 2 {
            self.compact();
        }
        self.buf.get_mut(self.end..).unwrap_or_default()
    }

    /// Declares that `n` bytes were written into [`Deframer::space`].
    pub fn filled(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// Copies as much of `data` as fits and returns how many bytes were taken; the caller
    /// offers the rest again after taking records out.
    pub fn push(&mut self, data: &[u8]) -> usize {
        let mut taken = 0;
        // Twice at most: once the header is in, the buffer may grow to the whole record.
        loop {
            let rest = data.get(taken..).unwrap_or_default();
            let space = self.space();
            let n = space.len().min(rest.len());
            if n == 0 {
                return taken;
            }
            space
                .iter_mut()
                .zip(rest)
                .for_each(|(dst, src)| *dst = *src);
            self.filled(n);
            taken += n;
        }
    }

    /// Reads from `rd` into the buffer once (for blocking or non-blocking sockets).
    pub fn read_from(&mut self, rd: &mut dyn std::io::Read) -> std::io::Result<usize> {
        let space = self.space();
        if space.is_empty() {
            return Ok(0);
        }
        let n = rd.read(space)?;
        self.filled(n);
        Ok(n)
    }

    /// The next complete record, if one has fully arrived.
    ///
    /// The header is checked as soon as its 5 bytes are here, before the fragment is buffered:
    /// known content type, major version 3, and a length within the limit of the current
    /// state (`protected`: 2^14 + 2048, else 2^14; RFC 5246 6.2.1 - 6.2.3). In TLS 1.3 mode
    /// ([`Deframer::set_tls13`]): any version, and 2^14 + 256 when protected.
    pub fn next_record(&mut self, protected: bool) -> Result<Option<RecordSpan>, RecordError> {
        self.discard_pending();
        let Some(available) = self.buf.get(self.start..self.end) else {
            return Ok(None);
        };
        if available.len() < HEADER_LEN {
            return Ok(None);
        }
        let (header, _) = RecordHeader::parse(available)?;
        check_header(&header, protected, self.tls13)?;
        let total = HEADER_LEN + usize::from(header.length);
        if available.len() < total {
            if self.buf.len() - self.start < total {
                self.compact();
            }
            return Ok(None);
        }
        let fragment = self.start + HEADER_LEN..self.start + total;
        self.pending_discard = total;
        Ok(Some(RecordSpan { header, fragment }))
    }

    /// The buffer a [`RecordSpan`] points into, for in-place decryption.
    pub fn buffer_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// The buffer a [`RecordSpan`] points into.
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }
}

fn check_header(header: &RecordHeader, protected: bool, tls13: bool) -> Result<(), RecordError> {
    match header.content_type {
        ContentType::ChangeCipherSpec
        | ContentType::Alert
        | ContentType::Handshake
        | ContentType::ApplicationData => {}
        other => return Err(RecordError::UnknownContentType(other.to_u8())),
    }
    // RFC 5246 6.2.1 and Appendix E.1: any {3, x}; the very first ClientHello record may carry
    // {3, 1} or even {3, 0}. Exact version checks happen once a version is negotiated.
    // RFC 8446 5.1: in TLS 1.3 the version is not checked at all.
    let version = header.version.to_u16();
    if version >> 8 != 3 && !tls13 {
        return Err(RecordError::BadVersion(version));
    }
    let max = match (protected, tls13) {
        (false, _) => MAX_PLAINTEXT_LEN,
        (true, false) => MAX_CIPHERTEXT_LEN,
        // RFC 8446 5.2: "The length MUST NOT exceed 2^14 + 256 bytes".
        (true, true) => MAX_TLS13_CIPHERTEXT_LEN,
    };
    let len = usize::from(header.length);
    if len > max {
        return Err(RecordError::RecordOverflow { len, max });
    }
    if len == 0 && header.content_type != ContentType::ApplicationData && !protected && !tls13 {
        return Err(RecordError::EmptyRecord);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![typ, 3, 3];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn one_byte_at_a_time() {
        let mut bytes = record(22, b"hello");
        bytes.extend(record(21, &[1, 0]));
        let mut d = Deframer::new();
        let mut got = Vec::new();
        for b in &bytes {
            assert_eq!(d.push(std::slice::from_ref(b)), 1);
            while let Some(span) = d.next_record(false).unwrap() {
                got.push((span.header.content_type, d.buffer()[span.fragment].to_vec()));
            }
        }
        assert_eq!(
            got,
            vec![
                (ContentType::Handshake, b"hello".to_vec()),
                (ContentType::Alert, vec![1, 0])
            ]
        );
        assert!(d.is_empty());
    }

    #[test]
    fn rfc5246_6_2_1_plaintext_length_checked_from_the_header_alone() {
        let mut d = Deframer::new();
        d.push(&[23, 3, 3, 0x40, 0x01]); // 2^14 + 1, no body yet
        assert_eq!(
            d.next_record(false),
            Err(RecordError::RecordOverflow {
                len: 16385,
                max: 16384
            })
        );
    }

    #[test]
    fn rfc5246_6_2_3_ciphertext_length_limit() {
        let mut d = Deframer::new();
        d.push(&[23, 3, 3, 0x48, 0x01]); // 2^14 + 2048 + 1
        assert_eq!(
            d.next_record(true),
            Err(RecordError::RecordOverflow {
                len: 18433,
                max: 18432
            })
        );
        let mut d = Deframer::new();
        d.push(&[23, 3, 3, 0x48, 0x00]);
        assert_eq!(d.next_record(true), Ok(None));
    }

    #[test]
    fn rfc5246_6_unknown_content_type_is_unexpected_message() {
        let mut d = Deframer::new();
        d.push(&[24, 3, 3, 0, 1, 0]);
        let e = d.next_record(false).unwrap_err();
        assert_eq!(e, RecordError::UnknownContentType(24));
        assert_eq!(e.alert(), mtls_wire::AlertDescription::UnexpectedMessage);
    }

    #[test]
    fn rfc5246_e_1_record_major_version_must_be_3() {
        let mut d = Deframer::new();
        d.push(&[22, 2, 0, 0, 1, 0]);
        assert_eq!(d.next_record(false), Err(RecordError::BadVersion(0x0200)));
        let mut d = Deframer::new();
        d.push(&record(22, b"x")[..]);
        d.buffer_mut()[2] = 1; // {3, 1}: allowed for the first ClientHello
        assert!(d.next_record(false).unwrap().is_some());
    }

    #[test]
    fn rfc5246_6_2_1_zero_length_handshake_alert_ccs_refused() {
        for typ in [20, 21, 22] {
            let mut d = Deframer::new();
            d.push(&record(typ, b""));
            assert_eq!(
                d.next_record(false),
                Err(RecordError::EmptyRecord),
                "type {typ}"
            );
        }
    }

    #[test]
    fn rfc8446_5_1_and_5_2_tls13_headers() {
        // Any version; 2^14 + 256 when protected; empty records left to the reader.
        let mut d = Deframer::new();
        d.set_tls13(true);
        d.push(&[23, 0, 0, 0, 1, 9]);
        assert!(d.next_record(true).unwrap().is_some());
        let mut d = Deframer::new();
        d.set_tls13(true);
        d.push(&[23, 3, 3, 0x41, 0x01]);
        assert_eq!(
            d.next_record(true),
            Err(RecordError::RecordOverflow {
                len: 16641,
                max: 16640
            })
        );
        let mut d = Deframer::new();
        d.set_tls13(true);
        d.push(&[23, 3, 3, 0x40, 0x01]);
        assert!(matches!(
            d.next_record(false),
            Err(RecordError::RecordOverflow { .. })
        ));
        let mut d = Deframer::new();
        d.set_tls13(true);
        d.push(&record(20, b""));
        assert!(d.next_record(false).unwrap().is_some());
    }

    #[test]
    fn grows_to_the_announced_record_and_releases_when_empty() {
        let mut d = Deframer::new();
        assert!(d.buffer().is_empty());
        let rec = record(23, &[7u8; 10_000]);
        assert_eq!(d.push(&rec), rec.len());
        assert!(d.buffer().len() >= rec.len() && d.buffer().len() <= MAX_RECORD_LEN);
        let span = d.next_record(true).unwrap().unwrap();
        assert_eq!(span.fragment.len(), 10_000);
        d.release_if_empty();
        assert!(d.buffer().is_empty());
        // Partly received: kept.
        d.push(&rec[..100]);
        d.release_if_empty();
        assert_eq!(d.buffered(), 100);
    }

    #[test]
    fn fit_keeps_exactly_the_bytes_held_and_grows_again() {
        let mut d = Deframer::new();
        let rec = record(22, &[7u8; 300]);
        d.push(&rec[..200]);
        d.fit();
        assert_eq!(d.buf.capacity(), 200, "a partial record, held exactly");
        // The rest still arrives: the buffer grows back on demand.
        assert_eq!(d.push(&rec[200..]), rec.len() - 200);
        d.fit();
        assert_eq!(d.buf.capacity(), rec.len());
        let span = d.next_record(false).unwrap().unwrap();
        assert_eq!(d.buffer().get(span.fragment), Some(&[7u8; 300][..]));
        // Once the record is consumed, nothing is held.
        d.fit();
        assert_eq!(d.buf.capacity(), 0);
        assert!(d.is_empty());
    }

    #[test]
    fn never_buffers_more_than_one_record() {
        let mut d = Deframer::new();
        let big = vec![0u8; 100_000];
        let taken = d.push(&big);
        assert!(taken <= MAX_RECORD_LEN);
    }
}
