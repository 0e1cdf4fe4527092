//! The handshake message header (RFC 5246 7.4).

use bytes::BufMut;

use crate::codec::{Reader, Result, put_u24};
use crate::enums::HandshakeType;

/// The 4-byte header in front of every handshake message (RFC 5246 7.4).
///
/// ```text
/// struct {
///     HandshakeType msg_type;    /* handshake type */
///     uint24 length;             /* bytes in message */
///     select (HandshakeType) { ... } body;
/// } Handshake;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandshakeHeader {
    /// `msg_type`.
    pub typ: HandshakeType,
    /// Body length; a `uint24` on the wire, so at most 2^24-1.
    pub length: u32,
}

impl HandshakeHeader {
    /// Size of the header on the wire.
    pub const LEN: usize = 4;
    /// Largest body length a `uint24` can express.
    pub const MAX_LENGTH: u32 = 0x00ff_ffff;

    /// Parses the header from the front of `input`, returning the rest.
    /// Fewer than 4 bytes is [`ErrorKind::Truncated`](crate::ErrorKind::Truncated).
    pub fn parse(input: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::framing(input);
        let typ = HandshakeType::read(&mut r, "Handshake.msg_type")?;
        let length = r.u24("Handshake.length")?;
        Ok((Self { typ, length }, r.rest()))
    }

    /// Writes the header. `length` above 2^24-1 is a caller bug; only its low
    /// 24 bits are written.
    pub fn encode(&self, out: &mut impl BufMut) {
        debug_assert!(self.length <= Self::MAX_LENGTH);
        self.typ.encode(out);
        put_u24(out, self.length);
    }
}
