//! server_name (RFC 6066 3).
//!
//! ```text
//! struct {
//!     NameType name_type;
//!     select (name_type) {
//!         case host_name: HostName;
//!     } name;
//! } ServerName;
//!
//! enum { host_name(0), (255) } NameType;
//!
//! opaque HostName<1..2^16-1>;
//!
//! struct {
//!     ServerName server_name_list<1..2^16-1>
//! } ServerNameList;
//! ```
//!
//! In a ServerHello the extension_data is empty (RFC 6066 3: "the
//! "extension_data" field of this extension SHALL be empty"), and so in the
//! EncryptedExtensions that carries the server's answer in TLS 1.3 (RFC 8446
//! 4.3.1).

use bytes::BufMut;

use super::ExtensionContext;
use crate::codec::{Prefix, Reader, Result, check_len, items, put_opaque, put_prefixed};
use crate::error::{ErrorKind, WireError};

/// One entry of a `ServerNameList` (RFC 6066 3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServerName {
    /// `host_name(0)`: a DNS hostname, ASCII without a trailing dot (not
    /// validated here; the handshake layer checks it).
    HostName(Vec<u8>),
    /// Another name type. RFC 6066 3 requires every future name type to
    /// begin with a 16-bit length, so its data is kept as `opaque<0..2^16-1>`.
    Unknown(u8, Vec<u8>),
}

impl ServerName {
    /// `NameType` host_name.
    pub const HOST_NAME: u8 = 0;

    /// The `NameType` byte.
    pub fn name_type(&self) -> u8 {
        match self {
            Self::HostName(_) => Self::HOST_NAME,
            Self::Unknown(t, _) => *t,
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let name_type = r.u8("ServerName.name_type")?;
        if name_type == Self::HOST_NAME {
            let name = r.vector(Prefix::U16, 1, 0xffff, "ServerName.HostName")?;
            Ok(Self::HostName(name.to_vec()))
        } else {
            let data = r.vector(Prefix::U16, 0, 0xffff, "ServerName.name")?;
            Ok(Self::Unknown(name_type, data.to_vec()))
        }
    }

    fn encode(&self, out: &mut impl BufMut) {
        out.put_u8(self.name_type());
        match self {
            Self::HostName(name) | Self::Unknown(_, name) => {
                put_opaque(out, Prefix::U16, 0xffff, name);
            }
        }
    }
}

/// Parses the extension_data of server_name.
pub(crate) fn parse(data: &[u8], ctx: ExtensionContext) -> Result<Vec<ServerName>> {
    if matches!(
        ctx,
        ExtensionContext::ServerHello | ExtensionContext::EncryptedExtensions
    ) {
        check_len(data.len(), 0, 0, "server_name")?;
        return Ok(Vec::new());
    }
    let mut r = Reader::delimited(data);
    let body = r.vector(Prefix::U16, 1, 0xffff, "ServerNameList.server_name_list")?;
    r.finish("server_name")?;
    let names = items(body, ServerName::read)?;
    // RFC 6066 3: "The ServerNameList MUST NOT contain more than one name of
    // the same name_type." A table per NameType keeps this linear: a 64 KiB
    // list holds ~20000 names, too many for a pairwise check.
    let mut seen = [false; 256];
    for name in &names {
        let slot = seen.get_mut(usize::from(name.name_type()));
        match slot {
            Some(s) if !*s => *s = true,
            _ => {
                return Err(WireError::new(
                    "ServerNameList.server_name_list",
                    ErrorKind::IllegalValue,
                ));
            }
        }
    }
    Ok(names)
}

/// Writes the extension_data: the list, or nothing when the list is empty
/// (the ServerHello form).
pub(crate) fn encode(names: &[ServerName], out: &mut impl BufMut) {
    if names.is_empty() {
        return;
    }
    put_prefixed(out, Prefix::U16, 0xffff, |b| {
        for n in names {
            n.encode(b);
        }
    });
}
