//! Handshake message reassembly across records (RFC 5246 6.2.1: "multiple client messages of
//! the same ContentType MAY be coalesced into a single TLSPlaintext record, or a single
//! message MAY be fragmented across several records").

use std::ops::Range;

use mtls_wire::HandshakeType;

use crate::error::RecordError;
use crate::limits::{
    DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN, HANDSHAKE_HEADER_LEN, MAX_CLIENT_HELLO_LEN,
};

/// The caps on handshake message lengths, header included, by message type.
#[derive(Clone, Copy, Debug)]
struct MessageCaps {
    /// Every message (ClientHello too when `client_hello` is `None`).
    max: usize,
    /// A ClientHello's own cap: the largest its fields allow.
    client_hello: Option<usize>,
}

impl MessageCaps {
    /// 64 KiB, and a ClientHello as large as its fields allow (RFC 5246 7.4.1.2).
    const DEFAULT: Self = Self {
        max: DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN,
        client_hello: Some(MAX_CLIENT_HELLO_LEN),
    };

    /// One cap for every type.
    const fn uniform(max: usize) -> Self {
        Self {
            max,
            client_hello: None,
        }
    }

    /// The length, header included, that a handshake message header announces, or the error
    /// that refuses it.
    fn check(&self, [typ, a, b, c]: [u8; HANDSHAKE_HEADER_LEN]) -> Result<usize, RecordError> {
        let len = HANDSHAKE_HEADER_LEN + usize::from_be_bytes([0, 0, 0, 0, 0, a, b, c]);
        match self.client_hello {
            Some(max) if typ == HandshakeType::ClientHello.to_u8() => {
                if len > max {
                    return Err(RecordError::ClientHelloTooLarge { len, max });
                }
            }
            _ => {
                if len > self.max {
                    return Err(RecordError::HandshakeMessageTooLarge { len, max: self.max });
                }
            }
        }
        Ok(len)
    }
}

/// Joins handshake record fragments into whole handshake messages (header included), in order.
///
/// Memory bound: at most one maximum-size message plus one record fragment is ever held,
/// because a message whose header announces more than the cap for its type is refused as soon
/// as its four header bytes are here.
pub struct HandshakeJoiner {
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    start: usize,
    /// Bytes of the message handed out last, consumed at the next call.
    pending_discard: usize,
    caps: MessageCaps,
}

impl Default for HandshakeJoiner {
    /// A joiner with the default caps: a ClientHello may be as large as its fields allow,
    /// [`MAX_CLIENT_HELLO_LEN`](crate::MAX_CLIENT_HELLO_LEN) bytes (refused beyond that with
    /// [`RecordError::ClientHelloTooLarge`], `decode_error`); every other message
    /// [`DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN`](crate::DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN)
    /// ([`RecordError::HandshakeMessageTooLarge`], `illegal_parameter`).
    fn default() -> Self {
        Self::with_caps(MessageCaps::DEFAULT)
    }
}

impl HandshakeJoiner {
    /// A joiner that refuses messages longer than `max_message_len` bytes, header included,
    /// whatever their type (ClientHello included; [`HandshakeJoiner::default`] gives a
    /// ClientHello its own cap).
    pub fn new(max_message_len: usize) -> Self {
        Self::with_caps(MessageCaps::uniform(max_message_len))
    }

    fn with_caps(caps: MessageCaps) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            pending_discard: 0,
            caps,
        }
    }

    /// The length, header included, that a handshake message header announces, or the error
    /// that refuses it under this joiner's caps.
    pub(crate) fn check_header(
        &self,
        header: [u8; HANDSHAKE_HEADER_LEN],
    ) -> Result<usize, RecordError> {
        self.caps.check(header)
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
        self.reserve_for(fragment);
        self.buf.extend_from_slice(fragment);
    }

    /// Makes room for `fragment`: by doubling, as `Vec` would, but never past the end of the
    /// message being joined once its header is here (and within the caps), so that a message
    /// of the cap takes its own size and not up to twice (when the messages before it were
    /// taken out, as the reader does before every push). Nothing is reserved beyond what the
    /// peer has sent or the doubling of it: an announced length alone allocates nothing.
    fn reserve_for(&mut self, fragment: &[u8]) {
        let len = self.buf.len();
        let want = len + fragment.len();
        if want <= self.buf.capacity() {
            return;
        }
        let mut target = want.max(self.buf.capacity().saturating_mul(2));
        // `buf` starts at a message boundary: the header is its first four bytes, here or in
        // the fragment.
        let mut header = [0u8; HANDSHAKE_HEADER_LEN];
        let mut known = 0;
        for (slot, b) in header.iter_mut().zip(self.buf.iter().chain(fragment)) {
            *slot = *b;
            known += 1;
        }
        if known == HANDSHAKE_HEADER_LEN
            && let Ok(end) = self.caps.check(header)
            && end > len
        {
            target = target.min(end.max(want));
        }
        self.buf.reserve_exact(target - len);
    }

    fn check_announced_len(&self) -> Result<Option<usize>, RecordError> {
        let Some(&[typ, a, b, c]) = self.buf.get(self.start..self.start + HANDSHAKE_HEADER_LEN)
        else {
            return Ok(None);
        };
        self.caps.check([typ, a, b, c]).map(Some)
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
    fn a_message_of_the_cap_takes_its_size_not_twice() {
        // The largest ClientHello, in 1-byte pieces and in 16 KiB pieces one byte off the
        // message: the buffer grows to the message (plus, at most, the piece that crosses it).
        let hello = msg(1, &vec![0; crate::MAX_CLIENT_HELLO_BODY_LEN]);
        for size in [1, 16384] {
            let mut j = HandshakeJoiner::default();
            let mut stream = hello.clone();
            stream.extend(msg(11, &[0; 100]));
            let mut got = 0;
            for piece in stream.chunks(size) {
                j.push(piece).unwrap();
                assert!(
                    j.buf.capacity() <= hello.len() + size,
                    "{}",
                    j.buf.capacity()
                );
                // Messages are taken out as they complete, as the reader does.
                got += drain(&mut j).len();
            }
            assert_eq!(got, 2);
        }
        // A header alone reserves nothing for the body it announces.
        let mut j = HandshakeJoiner::default();
        j.push(&hello[..4]).unwrap();
        assert!(j.buf.capacity() < 64, "{}", j.buf.capacity());
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
