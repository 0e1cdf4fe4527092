//! application_layer_protocol_negotiation (RFC 7301 3.1).
//!
//! ```text
//! opaque ProtocolName<1..2^8-1>;
//!
//! struct {
//!     ProtocolName protocol_name_list<2..2^16-1>
//! } ProtocolNameList;
//! ```
//!
//! In a ServerHello "the "ProtocolNameList" MUST contain exactly one
//! "ProtocolName"" (RFC 7301 3.1); in TLS 1.3 the server's answer moves to
//! EncryptedExtensions (RFC 8446 4.3.1), with the same rule.

use bytes::BufMut;

use super::ExtensionContext;
use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};
use crate::error::{ErrorKind, WireError};

/// An ALPN protocol identifier such as `h2` or `http/1.1`, `opaque ProtocolName<1..2^8-1>` (RFC 7301 3.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolName(pub Vec<u8>);

impl ProtocolName {
    /// The identifier bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<&[u8]> for ProtocolName {
    fn from(v: &[u8]) -> Self {
        Self(v.to_vec())
    }
}

impl From<Vec<u8>> for ProtocolName {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

const LIST: &str = "ProtocolNameList.protocol_name_list";

/// Parses the extension_data of ALPN.
pub(crate) fn parse(data: &[u8], ctx: ExtensionContext) -> Result<Vec<ProtocolName>> {
    let mut r = Reader::delimited(data);
    let body = r.vector(Prefix::U16, 2, 0xffff, LIST)?;
    r.finish("application_layer_protocol_negotiation")?;
    let names = items(body, |r| {
        r.vector(Prefix::U8, 1, 0xff, "ProtocolName")
            .map(ProtocolName::from)
    })?;
    let server = matches!(
        ctx,
        ExtensionContext::ServerHello | ExtensionContext::EncryptedExtensions
    );
    if server && names.len() != 1 {
        return Err(WireError::new(
            LIST,
            ErrorKind::ItemCountOutOfRange {
                min: 1,
                max: 1,
                got: names.len(),
            },
        ));
    }
    Ok(names)
}

/// Writes the extension_data.
pub(crate) fn encode(names: &[ProtocolName], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U16, 0xffff, |b| {
        for n in names {
            put_opaque(b, Prefix::U8, 0xff, &n.0);
        }
    });
}
