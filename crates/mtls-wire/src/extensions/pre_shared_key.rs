//! pre_shared_key (RFC 8446 4.2.11).
//!
//! ```text
//! struct {
//!     opaque identity<1..2^16-1>;
//!     uint32 obfuscated_ticket_age;
//! } PskIdentity;
//!
//! opaque PskBinderEntry<32..255>;
//!
//! struct {
//!     PskIdentity identities<7..2^16-1>;
//!     PskBinderEntry binders<33..2^16-1>;
//! } OfferedPsks;
//!
//! struct {
//!     select (Handshake.msg_type) {
//!         case client_hello: OfferedPsks;
//!         case server_hello: uint16 selected_identity;
//!     };
//! } PreSharedKeyExtension;
//! ```
//!
//! In a ClientHello it must be the last extension (RFC 8446 4.2.11); the
//! extensions block checks that
//! ([`ErrorKind::PreSharedKeyNotLast`](crate::ErrorKind::PreSharedKeyNotLast)).
//! That there is one binder per identity, that the binders verify and that
//! `selected_identity` is in range is the handshake's (RFC 8446 4.2.11,
//! 4.2.11.2).

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};

/// One offered PSK: its label and the obfuscated age of the ticket it names,
/// `PskIdentity` (RFC 8446 4.2.11).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PskIdentity {
    /// The label: a ticket (RFC 8446 4.6.1) or an external PSK's name, `<1..2^16-1>`.
    pub identity: Vec<u8>,
    /// The ticket's age in milliseconds plus `ticket_age_add`, mod 2^32;
    /// 0 for an external PSK.
    pub obfuscated_ticket_age: u32,
}

/// The ClientHello form of pre_shared_key: identities and one binder each,
/// `OfferedPsks` (RFC 8446 4.2.11).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OfferedPsks {
    /// The offered PSKs in preference order, `<7..2^16-1>` bytes.
    pub identities: Vec<PskIdentity>,
    /// The binders (HMACs over the truncated ClientHello, RFC 8446 4.2.11.2),
    /// each `PskBinderEntry<32..255>`, the list `<33..2^16-1>` bytes.
    pub binders: Vec<Vec<u8>>,
}

impl OfferedPsks {
    /// Bytes the `binders` vector takes on the wire, its 2-byte length
    /// included.
    ///
    /// pre_shared_key is the last extension of a ClientHello and `binders`
    /// its last field, so the "partial ClientHello" the binders are computed
    /// over (RFC 8446 4.2.11.2) is the ClientHello message, header included,
    /// without its last `binders_len()` bytes.
    pub fn binders_len(&self) -> usize {
        2 + self.binders.iter().map(|b| 1 + b.len()).sum::<usize>()
    }

    /// Writes the `binders` vector alone (length prefix included): the bytes
    /// that end a ClientHello offering these PSKs.
    pub fn encode_binders(&self, out: &mut impl BufMut) {
        put_prefixed(out, Prefix::U16, 0xffff, |b| {
            for binder in &self.binders {
                put_opaque(b, Prefix::U8, 255, binder);
            }
        });
    }

    /// Writes the whole `OfferedPsks`.
    pub fn encode(&self, out: &mut impl BufMut) {
        put_prefixed(out, Prefix::U16, 0xffff, |b| {
            for id in &self.identities {
                put_opaque(b, Prefix::U16, 0xffff, &id.identity);
                b.put_u32(id.obfuscated_ticket_age);
            }
        });
        self.encode_binders(out);
    }
}

/// Parses the ClientHello form.
pub(crate) fn parse_offered(data: &[u8]) -> Result<OfferedPsks> {
    let mut r = Reader::delimited(data);
    let ids = r.vector(Prefix::U16, 7, 0xffff, "OfferedPsks.identities")?;
    let binders = r.vector(Prefix::U16, 33, 0xffff, "OfferedPsks.binders")?;
    r.finish("pre_shared_key")?;
    let identities = items(ids, |r| {
        let identity = r.vector(Prefix::U16, 1, 0xffff, "PskIdentity.identity")?;
        let obfuscated_ticket_age = r.u32("PskIdentity.obfuscated_ticket_age")?;
        Ok(PskIdentity {
            identity: identity.to_vec(),
            obfuscated_ticket_age,
        })
    })?;
    let binders = items(binders, |r| {
        r.vector(Prefix::U8, 32, 255, "PskBinderEntry")
            .map(<[u8]>::to_vec)
    })?;
    Ok(OfferedPsks {
        identities,
        binders,
    })
}

/// Parses the ServerHello form: `selected_identity`.
pub(crate) fn parse_selected(data: &[u8]) -> Result<u16> {
    let mut r = Reader::delimited(data);
    let v = r.u16("PreSharedKeyExtension.selected_identity")?;
    r.finish("pre_shared_key")?;
    Ok(v)
}
