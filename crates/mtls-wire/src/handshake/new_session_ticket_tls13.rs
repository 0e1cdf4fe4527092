//! NewSessionTicket in TLS 1.3 (RFC 8446 4.6.1).

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, put_opaque};
use crate::extensions::{ExtensionContext, Extensions};

/// A resumption ticket sent after the handshake, `NewSessionTicket`
/// (RFC 8446 4.6.1).
///
/// ```text
/// struct {
///     uint32 ticket_lifetime;
///     uint32 ticket_age_add;
///     opaque ticket_nonce<0..255>;
///     opaque ticket<1..2^16-1>;
///     Extension extensions<0..2^16-2>;
/// } NewSessionTicket;
/// ```
///
/// The 7-day cap on `ticket_lifetime` and what to do with the ticket are the
/// handshake's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NewSessionTicketTls13 {
    /// Lifetime in seconds from issue.
    pub ticket_lifetime: u32,
    /// Added to the ticket age in the client's `obfuscated_ticket_age`.
    pub ticket_age_add: u32,
    /// Per-ticket value for deriving the PSK, `<0..255>`.
    pub ticket_nonce: Vec<u8>,
    /// The PSK identity the client will offer, `<1..2^16-1>`.
    pub ticket: Vec<u8>,
    /// The extensions (early_data's `max_early_data_size` is the one RFC
    /// 8446 4.2 allows), `<0..2^16-2>` bytes.
    pub extensions: Extensions,
}

impl NewSessionTicketTls13 {
    /// Parses a TLS 1.3 NewSessionTicket body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let ticket_lifetime = r.u32("NewSessionTicket.ticket_lifetime")?;
        let ticket_age_add = r.u32("NewSessionTicket.ticket_age_add")?;
        let nonce = r.vector(Prefix::U8, 0, 255, "NewSessionTicket.ticket_nonce")?;
        let ticket = r.vector(Prefix::U16, 1, 0xffff, "NewSessionTicket.ticket")?;
        let extensions = Extensions::read(&mut r, ExtensionContext::NewSessionTicket)?;
        r.finish("NewSessionTicket")?;
        Ok(Self {
            ticket_lifetime,
            ticket_age_add,
            ticket_nonce: nonce.to_vec(),
            ticket: ticket.to_vec(),
            extensions,
        })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_u32(self.ticket_lifetime);
        out.put_u32(self.ticket_age_add);
        put_opaque(out, Prefix::U8, 255, &self.ticket_nonce);
        put_opaque(out, Prefix::U16, 0xffff, &self.ticket);
        self.extensions.encode_block(out, 0xfffe);
    }
}
