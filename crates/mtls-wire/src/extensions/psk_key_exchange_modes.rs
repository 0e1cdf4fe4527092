//! psk_key_exchange_modes (RFC 8446 4.2.9).
//!
//! ```text
//! enum { psk_ke(0), psk_dhe_ke(1), (255) } PskKeyExchangeMode;
//!
//! struct {
//!     PskKeyExchangeMode ke_modes<1..255>;
//! } PskKeyExchangeModes;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::PskKeyExchangeMode;

const FIELD: &str = "PskKeyExchangeModes.ke_modes";

/// Parses the extension_data.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<PskKeyExchangeMode>> {
    let mut r = Reader::delimited(data);
    let body = r.vector(Prefix::U8, 1, 255, FIELD)?;
    r.finish("psk_key_exchange_modes")?;
    items(body, |r| PskKeyExchangeMode::read(r, FIELD))
}

/// Writes the extension_data.
pub(crate) fn encode(modes: &[PskKeyExchangeMode], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U8, 255, |b| {
        for m in modes {
            m.encode(b);
        }
    });
}
