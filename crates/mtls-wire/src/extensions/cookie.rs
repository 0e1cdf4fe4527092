//! cookie (RFC 8446 4.2.2).
//!
//! ```text
//! struct {
//!     opaque cookie<1..2^16-1>;
//! } Cookie;
//! ```
//!
//! Sent by the server in a HelloRetryRequest and echoed by the client in its
//! second ClientHello.

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, put_opaque};

/// Parses the extension_data.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<u8>> {
    let mut r = Reader::delimited(data);
    let cookie = r.vector(Prefix::U16, 1, 0xffff, "Cookie.cookie")?;
    r.finish("cookie")?;
    Ok(cookie.to_vec())
}

/// Writes the extension_data.
pub(crate) fn encode(cookie: &[u8], out: &mut impl BufMut) {
    put_opaque(out, Prefix::U16, 0xffff, cookie);
}
