//! Hello extensions (RFC 5246 7.4.1.4) and the extensions block of
//! ClientHello / ServerHello.
//!
//! ```text
//! struct {
//!     ExtensionType extension_type;
//!     opaque extension_data<0..2^16-1>;
//! } Extension;
//!
//! select (extensions_present) {
//!     case false:
//!         struct {};
//!     case true:
//!         Extension extensions<0..2^16-1>;
//! };
//! ```
//!
//! Some extensions have a different body in ClientHello and ServerHello
//! (server_name, ALPN, supported_versions), so parsing takes an
//! [`ExtensionContext`]. Extensions this crate does not model are kept as
//! [`Extension::Unknown`] with their raw bytes.

mod alpn;
mod ec_point_formats;
mod renegotiation_info;
mod server_name;
mod signature_algorithms;
mod supported_groups;
mod supported_versions;

use std::collections::BTreeSet;

use bytes::BufMut;

pub use alpn::ProtocolName;
pub use server_name::ServerName;

use crate::codec::{Prefix, Reader, Result, check_len, items, put_prefixed};
use crate::enums::{ECPointFormat, ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme};
use crate::error::{ErrorKind, WireError};

pub(crate) use signature_algorithms::{
    encode as encode_signature_schemes, read_list as read_signature_schemes,
};

/// Which message an extensions block belongs to; decides the body format of
/// extensions whose format differs per message (RFC 8446 4.2.1, RFC 6066 3,
/// RFC 7301 3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionContext {
    /// Sent by the client in ClientHello.
    ClientHello,
    /// Sent by the server in ServerHello.
    ServerHello,
}

/// One hello extension (RFC 5246 7.4.1.4), decoded when this crate models its type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Extension {
    /// server_name (RFC 6066 3): the names in a ClientHello; empty in a
    /// ServerHello, whose extension_data is empty.
    ServerName(Vec<ServerName>),
    /// supported_groups (RFC 8422 5.1.1), `<2..2^16-1>`.
    SupportedGroups(Vec<NamedGroup>),
    /// ec_point_formats (RFC 8422 5.1.2), `<1..2^8-1>`.
    EcPointFormats(Vec<ECPointFormat>),
    /// signature_algorithms (RFC 5246 7.4.1.4.1), `<2..2^16-2>`.
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// application_layer_protocol_negotiation (RFC 7301 3.1), `<2..2^16-1>`;
    /// exactly one name in a ServerHello.
    Alpn(Vec<ProtocolName>),
    /// extended_master_secret (RFC 7627 5.1), empty extension_data.
    ExtendedMasterSecret,
    /// renegotiation_info (RFC 5746 3.2): `renegotiated_connection<0..255>`.
    RenegotiationInfo(Vec<u8>),
    /// session_ticket (RFC 5077 3.2): the whole extension_data is the ticket
    /// (empty to ask for one, and always empty in a ServerHello).
    SessionTicket(Vec<u8>),
    /// supported_versions in a ClientHello (RFC 8446 4.2.1): `versions<2..254>`.
    SupportedVersions(Vec<ProtocolVersion>),
    /// supported_versions in a ServerHello (RFC 8446 4.2.1): `selected_version`.
    SelectedVersion(ProtocolVersion),
    /// Any other extension type, with its raw extension_data. Using a type
    /// that one of the variants above models encodes fine but parses back as
    /// that variant.
    Unknown(u16, Vec<u8>),
}

impl Extension {
    /// The extension_type of this extension.
    pub fn typ(&self) -> ExtensionType {
        match self {
            Self::ServerName(_) => ExtensionType::ServerName,
            Self::SupportedGroups(_) => ExtensionType::SupportedGroups,
            Self::EcPointFormats(_) => ExtensionType::EcPointFormats,
            Self::SignatureAlgorithms(_) => ExtensionType::SignatureAlgorithms,
            Self::Alpn(_) => ExtensionType::Alpn,
            Self::ExtendedMasterSecret => ExtensionType::ExtendedMasterSecret,
            Self::RenegotiationInfo(_) => ExtensionType::RenegotiationInfo,
            Self::SessionTicket(_) => ExtensionType::SessionTicket,
            Self::SupportedVersions(_) | Self::SelectedVersion(_) => {
                ExtensionType::SupportedVersions
            }
            Self::Unknown(t, _) => ExtensionType::from(*t),
        }
    }

    /// Parses one `Extension` (type, length, data) from the front of `r`.
    fn read(r: &mut Reader<'_>, ctx: ExtensionContext) -> Result<Self> {
        let typ = ExtensionType::read(r, "Extension.extension_type")?;
        let data = r.vector(Prefix::U16, 0, 0xffff, "Extension.extension_data")?;
        Self::parse_data(typ, data, ctx)
    }

    /// Decodes the extension_data of an extension of type `typ`.
    pub fn parse_data(typ: ExtensionType, data: &[u8], ctx: ExtensionContext) -> Result<Self> {
        use ExtensionContext as C;
        Ok(match typ {
            ExtensionType::ServerName => Self::ServerName(server_name::parse(data, ctx)?),
            ExtensionType::SupportedGroups => Self::SupportedGroups(supported_groups::parse(data)?),
            ExtensionType::EcPointFormats => Self::EcPointFormats(ec_point_formats::parse(data)?),
            ExtensionType::SignatureAlgorithms => {
                Self::SignatureAlgorithms(signature_algorithms::parse(data)?)
            }
            ExtensionType::Alpn => Self::Alpn(alpn::parse(data, ctx)?),
            ExtensionType::ExtendedMasterSecret => {
                // RFC 7627 5.1: "The "extension_data" field of this extension
                // is empty."
                check_len(data.len(), 0, 0, "extended_master_secret")?;
                Self::ExtendedMasterSecret
            }
            ExtensionType::RenegotiationInfo => {
                Self::RenegotiationInfo(renegotiation_info::parse(data)?)
            }
            ExtensionType::SessionTicket => Self::SessionTicket(data.to_vec()),
            ExtensionType::SupportedVersions => match ctx {
                C::ClientHello => Self::SupportedVersions(supported_versions::parse_list(data)?),
                C::ServerHello => Self::SelectedVersion(supported_versions::parse_selected(data)?),
            },
            other => Self::Unknown(other.to_u16(), data.to_vec()),
        })
    }

    /// Writes the extension: type, length, data.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.typ().encode(out);
        put_prefixed(out, Prefix::U16, 0xffff, |b| self.encode_data(b));
    }

    /// Writes only the extension_data.
    pub fn encode_data(&self, out: &mut impl BufMut) {
        match self {
            Self::ServerName(names) => server_name::encode(names, out),
            Self::SupportedGroups(groups) => supported_groups::encode(groups, out),
            Self::EcPointFormats(formats) => ec_point_formats::encode(formats, out),
            Self::SignatureAlgorithms(schemes) => signature_algorithms::encode(schemes, out),
            Self::Alpn(names) => alpn::encode(names, out),
            Self::ExtendedMasterSecret => {}
            Self::RenegotiationInfo(v) => renegotiation_info::encode(v, out),
            Self::SessionTicket(v) | Self::Unknown(_, v) => out.put_slice(v),
            Self::SupportedVersions(versions) => supported_versions::encode_list(versions, out),
            Self::SelectedVersion(v) => v.encode(out),
        }
    }
}

/// The extensions block of a ClientHello or ServerHello (RFC 5246 7.4.1.2,
/// 7.4.1.3, 7.4.1.4), remembering whether the block was present at all.
///
/// RFC 5246 7.4.1.2 lets a hello end right after compression_methods; that
/// is different on the wire (and in the transcript) from an empty block
/// `00 00`. `omitted` keeps the difference so that re-encoding is exact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Extensions {
    /// The extensions in wire order; no two of one type (RFC 5246 7.4.1.4).
    pub list: Vec<Extension>,
    /// The block was absent. Honoured by `encode` only when `list` is empty.
    pub omitted: bool,
}

impl Extensions {
    /// A present block holding `list`.
    pub fn new(list: Vec<Extension>) -> Self {
        Self {
            list,
            omitted: false,
        }
    }

    /// No block at all: the hello ends after compression_methods.
    pub fn omitted() -> Self {
        Self {
            list: Vec::new(),
            omitted: true,
        }
    }

    /// Parses `input` as the tail of a hello after compression_methods (or
    /// compression_method): empty input is an omitted block, otherwise a
    /// `uint16`-prefixed block that must fill the input exactly.
    pub fn parse(input: &[u8], ctx: ExtensionContext) -> Result<Self> {
        let mut r = Reader::delimited(input);
        let exts = Self::read(&mut r, ctx)?;
        r.finish("extensions")?;
        Ok(exts)
    }

    /// Reads the optional block at the end of a hello.
    pub(crate) fn read(r: &mut Reader<'_>, ctx: ExtensionContext) -> Result<Self> {
        if r.is_empty() {
            return Ok(Self::omitted());
        }
        let block = r.vector(Prefix::U16, 0, 0xffff, "extensions")?;
        let list = items(block, |r| Extension::read(r, ctx))?;
        // RFC 5246 7.4.1.4: "There MUST NOT be more than one extension of the
        // same type." Checked over every type, known or not. The set grows
        // by one entry per extension, and each extension took >= 4 bytes.
        let mut seen = BTreeSet::new();
        for ext in &list {
            if !seen.insert(ext.typ().to_u16()) {
                return Err(WireError::new("extensions", ErrorKind::DuplicateExtension));
            }
        }
        Ok(Self::new(list))
    }

    /// Writes the block: nothing if omitted and empty, else the
    /// `uint16`-prefixed list.
    pub fn encode(&self, out: &mut impl BufMut) {
        if self.omitted && self.list.is_empty() {
            return;
        }
        put_prefixed(out, Prefix::U16, 0xffff, |b| {
            for ext in &self.list {
                ext.encode(b);
            }
        });
    }

    /// The extension of type `typ`, if present.
    pub fn get(&self, typ: ExtensionType) -> Option<&Extension> {
        self.list.iter().find(|e| e.typ() == typ)
    }

    /// True when an extension of type `typ` is present.
    pub fn contains(&self, typ: ExtensionType) -> bool {
        self.get(typ).is_some()
    }

    /// The extensions in wire order.
    pub fn iter(&self) -> core::slice::Iter<'_, Extension> {
        self.list.iter()
    }

    /// Number of extensions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when there are no extensions (block omitted or empty).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The first host_name of server_name (RFC 6066 3), if any.
    pub fn server_name(&self) -> Option<&[u8]> {
        match self.get(ExtensionType::ServerName)? {
            Extension::ServerName(names) => names.iter().find_map(|n| match n {
                ServerName::HostName(h) => Some(h.as_slice()),
                ServerName::Unknown(..) => None,
            }),
            _ => None,
        }
    }

    /// The ALPN protocol names (RFC 7301 3.1), if the extension is present.
    pub fn alpn(&self) -> Option<&[ProtocolName]> {
        match self.get(ExtensionType::Alpn)? {
            Extension::Alpn(names) => Some(names),
            _ => None,
        }
    }

    /// True when extended_master_secret is present (RFC 7627 5.1).
    pub fn has_ems(&self) -> bool {
        self.contains(ExtensionType::ExtendedMasterSecret)
    }

    /// The supported_groups list (RFC 8422 5.1.1), if present.
    pub fn supported_groups(&self) -> Option<&[NamedGroup]> {
        match self.get(ExtensionType::SupportedGroups)? {
            Extension::SupportedGroups(v) => Some(v),
            _ => None,
        }
    }

    /// The ec_point_formats list (RFC 8422 5.1.2), if present.
    pub fn ec_point_formats(&self) -> Option<&[ECPointFormat]> {
        match self.get(ExtensionType::EcPointFormats)? {
            Extension::EcPointFormats(v) => Some(v),
            _ => None,
        }
    }

    /// The signature_algorithms list (RFC 5246 7.4.1.4.1), if present.
    pub fn signature_algorithms(&self) -> Option<&[SignatureScheme]> {
        match self.get(ExtensionType::SignatureAlgorithms)? {
            Extension::SignatureAlgorithms(v) => Some(v),
            _ => None,
        }
    }

    /// The renegotiated_connection of renegotiation_info (RFC 5746 3.2), if present.
    pub fn renegotiation_info(&self) -> Option<&[u8]> {
        match self.get(ExtensionType::RenegotiationInfo)? {
            Extension::RenegotiationInfo(v) => Some(v),
            _ => None,
        }
    }

    /// The session_ticket data (RFC 5077 3.2), if the extension is present.
    pub fn session_ticket(&self) -> Option<&[u8]> {
        match self.get(ExtensionType::SessionTicket)? {
            Extension::SessionTicket(v) => Some(v),
            _ => None,
        }
    }

    /// The ClientHello supported_versions list (RFC 8446 4.2.1), if present.
    pub fn supported_versions(&self) -> Option<&[ProtocolVersion]> {
        match self.get(ExtensionType::SupportedVersions)? {
            Extension::SupportedVersions(v) => Some(v),
            _ => None,
        }
    }

    /// The ServerHello selected_version (RFC 8446 4.2.1), if present.
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        match self.get(ExtensionType::SupportedVersions)? {
            Extension::SelectedVersion(v) => Some(*v),
            _ => None,
        }
    }
}

impl<'a> IntoIterator for &'a Extensions {
    type Item = &'a Extension;
    type IntoIter = core::slice::Iter<'a, Extension>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl From<Vec<Extension>> for Extensions {
    fn from(list: Vec<Extension>) -> Self {
        Self::new(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8], ctx: ExtensionContext) -> Extensions {
        let exts = Extensions::parse(bytes, ctx).unwrap();
        let mut out = Vec::new();
        exts.encode(&mut out);
        assert_eq!(out, bytes);
        exts
    }

    #[test]
    fn omitted_and_empty_blocks_differ() {
        let none = round_trip(&[], ExtensionContext::ClientHello);
        assert!(none.omitted);
        let empty = round_trip(&[0, 0], ExtensionContext::ClientHello);
        assert!(!empty.omitted && empty.is_empty());
    }

    #[test]
    fn client_hello_extensions() {
        let bytes = hex_bytes(
            "0032\
             0000000e000c0000096c6f63616c686f7374\
             000a00040002001d\
             000b00020100\
             0017 0000\
             ff01 0001 00\
             0010 0005 0003 026832",
        );
        let exts = round_trip(&bytes, ExtensionContext::ClientHello);
        assert_eq!(exts.server_name(), Some(&b"localhost"[..]));
        assert_eq!(exts.supported_groups(), Some(&[NamedGroup::X25519][..]));
        assert_eq!(
            exts.ec_point_formats(),
            Some(&[ECPointFormat::Uncompressed][..])
        );
        assert!(exts.has_ems());
        assert_eq!(exts.renegotiation_info(), Some(&[][..]));
        assert_eq!(exts.alpn(), Some(&[ProtocolName(b"h2".to_vec())][..]));
    }

    #[test]
    fn server_hello_forms() {
        let bytes = hex_bytes("000e 0000 0000 002b 0002 0304 0017 0000");
        let exts = round_trip(&bytes, ExtensionContext::ServerHello);
        assert_eq!(
            exts.get(ExtensionType::ServerName),
            Some(&Extension::ServerName(vec![]))
        );
        assert_eq!(exts.selected_version(), Some(ProtocolVersion::TLSv1_3));
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        hex::decode(s).unwrap()
    }
}
