//! Handshake message reassembly across records (RFC 5246 6.2.1: "multiple client messages of
//! the same ContentType MAY be coalesced into a single TLSPlaintext record, or a single
//! message MAY be fragmented across several records").

use std::ops::Range;

use crate::error::RecordError;
use crate::limits::{DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN, HANDSHAKE_HEADER_LEN};

/// Joins handshake record fragments into whole handshake messages (header included), in order.
///
/// Memory bound: at most one maximum-size message plus one record fragment is ever held,
/// because a message whose header announces more than the cap is refused as soon as its four
/// header bytes are here.
pub struct HandshakeJoiner {
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    start: usize,
    /// Bytes of the message handed out last, consumed at the next call.
    pending_discard: usize,
    max_message_len: usize,
}

impl Default for HandshakeJoiner {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN)
    }
}

impl HandshakeJoiner {
    /// A joiner that refuses messages longer than `max_message_len` bytes, header included.
    pub fn new(max_message_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            pending_discard: 0,
            max_message_len,
        }
    }

    fn discard_pending(&mut self) {
        self.start += self.pending_discard;
        self.pending_discard = 0;
        if self.start >= self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
    }

    /// Frees the buffer if it holds nothing (it is allocated again by the next push).
    pub fn release_if_empty(&mut self) {
        if self.buffered() == 0 {
            self.buf = Vec::new();
        }
    }

    /// True when part of a message is buffered: then only more handshake records may follow
    /// (anything else is [`RecordError::InterleavedRecord`]).
    pub fn has_partial(&mut self) -> bool {
        self.discard_pending();
        self.buf.len() > self.start
    }

    /// Bytes held: messages not yet handed out plus a partial one.
    pub fn buffered(&mut self) -> usize {
        self.discard_pending();
        self.buf.len() - self.start
    }

    /// Adds the plaintext fragment of one handshake record.
    pub fn push(&mut self, fragment: &[u8]) -> Result<(), RecordError> {
        self.push_unchecked(fragment);
        // Check the announced length now, so a huge claim is refused before we buffer more.
        self.check_announced_len()?;
        Ok(())
    }

    /// Adds bytes without checking the announced length now; [`HandshakeJoiner::next_message`]
    /// checks it. For bytes that already passed a record's checks.
    pub fn push_unchecked(&mut self, fragment: &[u8]) {
        self.discard_pending();
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(fragment);
    }

    fn check_announced_len(&self) -> Result<Option<usize>, RecordError> {
        let Some(header) = self.buf.get(self.start..self.start + HANDSHAKE_HEADER_LEN) else {
            return Ok(None);
        };
        let body_len = header
            .iter()
            .skip(1)
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        let len = HANDSHAKE_HEADER_LEN + body_len;
        if len > self.max_message_len {
            return Err(RecordError::HandshakeMessageTooLarge {
                len,
                max: self.max_message_len,
            });
        }
        Ok(Some(len))
    }

    /// The position of the next complete message in [`HandshakeJoiner::buffer`], if one is here.
    pub fn next_message(&mut self) -> Result<Option<Range<usize>>, RecordError> {
        self.discard_pending();
        let Some(len) = self.check_announced_len()? else {
            return Ok(None);
        };
        if self.buf.len() - self.start < len {
            return Ok(None);
        }
        let range = self.start..self.start + len;
        self.pending_discard = len;
        Ok(Some(range))
    }

    /// The buffer that [`HandshakeJoiner::next_message`] ranges point into.
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(typ: u8, body: &[u8]) -> Vec<u8> {
        let len = body.len() as u32;
        let mut m = vec![typ, (len >> 16) as u8, (len >> 8) as u8, len as u8];
        m.extend_from_slice(body);
        m
    }

    fn drain(j: &mut HandshakeJoiner) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(r) = j.next_message().unwrap() {
            out.push(j.buffer()[r].to_vec());
        }
        out
    }

    #[test]
    fn rfc5246_6_2_1_several_messages_in_one_record() {
        let mut j = HandshakeJoiner::default();
        let mut rec = msg(2, b"server hello");
        rec.extend(msg(11, b"cert"));
        rec.extend(msg(14, b""));
        j.push(&rec).unwrap();
        assert_eq!(
            drain(&mut j),
            vec![msg(2, b"server hello"), msg(11, b"cert"), msg(14, b"")]
        );
        assert!(!j.has_partial());
    }

    #[test]
    fn rfc5246_6_2_1_one_message_over_one_byte_records() {
        let m = msg(1, &[7u8; 300]);
        let mut j = HandshakeJoiner::default();
        for (i, b) in m.iter().enumerate() {
            j.push(std::slice::from_ref(b)).unwrap();
            let got = drain(&mut j);
            if i + 1 < m.len() {
                assert!(got.is_empty());
                assert!(j.has_partial());
            } else {
                assert_eq!(got, vec![m.clone()]);
            }
        }
    }

    #[test]
    fn oversized_message_refused_from_its_header() {
        let mut j = HandshakeJoiner::new(1000);
        let e = j.push(&[11, 0x01, 0x00, 0x00]).unwrap_err();
        assert_eq!(
            e,
            RecordError::HandshakeMessageTooLarge {
                len: 65540,
                max: 1000
            }
        );
        assert_eq!(e.alert(), mtls_wire::AlertDescription::IllegalParameter);
    }
}
