//! key_share (RFC 8446 4.2.8).
//!
//! ```text
//! struct {
//!     NamedGroup group;
//!     opaque key_exchange<1..2^16-1>;
//! } KeyShareEntry;
//!
//! struct {
//!     KeyShareEntry client_shares<0..2^16-1>;
//! } KeyShareClientHello;
//!
//! struct {
//!     NamedGroup selected_group;
//! } KeyShareHelloRetryRequest;
//!
//! struct {
//!     KeyShareEntry server_share;
//! } KeyShareServerHello;
//! ```
//!
//! Only the encoding is checked here. The rules on the contents (at most one
//! share per group, each for a group of supported_groups, in the same order;
//! the server's share for a group the client offered) are the handshake's:
//! RFC 8446 4.2.8 lets a server check them ("Servers MAY check for violations
//! of these rules") and makes the client check the server's.

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};
use crate::enums::NamedGroup;

/// One key share: a group and the sender's public value for it,
/// `KeyShareEntry` (RFC 8446 4.2.8).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyShareEntry {
    /// The group of the key.
    pub group: NamedGroup,
    /// The public value (RFC 8446 4.2.8.2: the uncompressed SEC1 point for
    /// the NIST curves, 32 or 56 bytes for X25519/X448), `<1..2^16-1>`; not
    /// validated here.
    pub key_exchange: Vec<u8>,
}

impl KeyShareEntry {
    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let group = NamedGroup::read(r, "KeyShareEntry.group")?;
        let key = r.vector(Prefix::U16, 1, 0xffff, "KeyShareEntry.key_exchange")?;
        Ok(Self {
            group,
            key_exchange: key.to_vec(),
        })
    }

    /// Writes group and `uint16`-prefixed key_exchange.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.group.encode(out);
        put_opaque(out, Prefix::U16, 0xffff, &self.key_exchange);
    }
}

/// Parses the ClientHello form: `client_shares<0..2^16-1>`.
pub(crate) fn parse_client_shares(data: &[u8]) -> Result<Vec<KeyShareEntry>> {
    let mut r = Reader::delimited(data);
    let body = r.vector(Prefix::U16, 0, 0xffff, "KeyShareClientHello.client_shares")?;
    r.finish("key_share")?;
    items(body, KeyShareEntry::read)
}

/// Parses the ServerHello form: one `server_share`.
pub(crate) fn parse_server_share(data: &[u8]) -> Result<KeyShareEntry> {
    let mut r = Reader::delimited(data);
    let entry = KeyShareEntry::read(&mut r)?;
    r.finish("key_share")?;
    Ok(entry)
}

/// Parses the HelloRetryRequest form: `selected_group`.
pub(crate) fn parse_selected_group(data: &[u8]) -> Result<NamedGroup> {
    let mut r = Reader::delimited(data);
    let group = NamedGroup::read(&mut r, "KeyShareHelloRetryRequest.selected_group")?;
    r.finish("key_share")?;
    Ok(group)
}

/// Writes the ClientHello form.
pub(crate) fn encode_client_shares(shares: &[KeyShareEntry], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U16, 0xffff, |b| {
        for s in shares {
            s.encode(b);
        }
    });
}
