//! supported_versions (RFC 8446 4.2.1). TLS 1.2 does not negotiate with it,
//! but TLS 1.3 clients send it, so it must parse.
//!
//! ```text
//! struct {
//!     select (Handshake.msg_type) {
//!         case client_hello:
//!              ProtocolVersion versions<2..254>;
//!
//!         case server_hello: /* and HelloRetryRequest */
//!              ProtocolVersion selected_version;
//!     };
//! } SupportedVersions;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::ProtocolVersion;

const LIST: &str = "SupportedVersions.versions";

/// Parses the ClientHello form.
pub(crate) fn parse_list(data: &[u8]) -> Result<Vec<ProtocolVersion>> {
    let mut r = Reader::delimited(data);
    let body = r.vector_of(Prefix::U8, 2, 2, 254, LIST)?;
    r.finish("supported_versions")?;
    items(body, |r| ProtocolVersion::read(r, LIST))
}

/// Parses the ServerHello form.
pub(crate) fn parse_selected(data: &[u8]) -> Result<ProtocolVersion> {
    let mut r = Reader::delimited(data);
    let v = ProtocolVersion::read(&mut r, "SupportedVersions.selected_version")?;
    r.finish("supported_versions")?;
    Ok(v)
}

/// Writes the ClientHello form.
pub(crate) fn encode_list(versions: &[ProtocolVersion], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U8, 254, |b| {
        for v in versions {
            v.encode(b);
        }
    });
}
