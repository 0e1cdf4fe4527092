//! renegotiation_info (RFC 5746 3.2).
//!
//! ```text
//! struct {
//!     opaque renegotiated_connection<0..255>;
//! } RenegotiationInfo;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, put_opaque};

/// Parses the extension_data of renegotiation_info.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<u8>> {
    let mut r = Reader::delimited(data);
    let v = r.vector(
        Prefix::U8,
        0,
        255,
        "RenegotiationInfo.renegotiated_connection",
    )?;
    r.finish("renegotiation_info")?;
    Ok(v.to_vec())
}

/// Writes the extension_data.
pub(crate) fn encode(v: &[u8], out: &mut impl BufMut) {
    put_opaque(out, Prefix::U8, 255, v);
}
