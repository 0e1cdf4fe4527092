//! NewSessionTicket (RFC 5077 3.3).
//!
//! ```text
//! struct {
//!     uint32 ticket_lifetime_hint;
//!     opaque ticket<0..2^16-1>;
//! } NewSessionTicket;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, put_opaque};

/// A session ticket issued by the server, `NewSessionTicket` (RFC 5077 3.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NewSessionTicket {
    /// `ticket_lifetime_hint` in seconds; 0 means unspecified.
    pub lifetime_hint: u32,
    /// The opaque ticket, `<0..2^16-1>`.
    pub ticket: Vec<u8>,
}

impl NewSessionTicket {
    /// Parses a NewSessionTicket body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let lifetime_hint = r.u32("NewSessionTicket.ticket_lifetime_hint")?;
        let ticket = r.vector(Prefix::U16, 0, 0xffff, "NewSessionTicket.ticket")?;
        r.finish("NewSessionTicket")?;
        Ok(Self {
            lifetime_hint,
            ticket: ticket.to_vec(),
        })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_u32(self.lifetime_hint);
        put_opaque(out, Prefix::U16, 0xffff, &self.ticket);
    }
}
