//! Extensions (RFC 5246 7.4.1.4, RFC 8446 4.2): the extensions block of a
//! message and each extension.
//!
//! ```text
//! struct {
//!     ExtensionType extension_type;
//!     opaque extension_data<0..2^16-1>;
//! } Extension;
//!
//! select (extensions_present) {        /* a TLS 1.2 hello */
//!     case false:
//!         struct {};
//!     case true:
//!         Extension extensions<0..2^16-1>;
//! };
//! ```
//!
//! Some extensions have a different body in different messages (server_name,
//! ALPN, supported_versions, key_share, pre_shared_key, early_data), and RFC
//! 8446 4.2 says which extension may appear in which message, so parsing
//! takes an [`ExtensionContext`]. Extensions this crate does not model are
//! kept as [`Extension::Unknown`] with their raw bytes.

mod accessors;
mod allowed;
mod alpn;
mod block;
mod certificate_authorities;
mod cookie;
mod early_data;
mod ec_point_formats;
mod extension;
mod key_share;
mod pre_shared_key;
mod psk_key_exchange_modes;
mod renegotiation_info;
mod server_name;
mod signature_algorithms;
mod supported_groups;
mod supported_versions;

pub use alpn::ProtocolName;
pub use block::Extensions;
pub use extension::Extension;
pub use key_share::KeyShareEntry;
pub use pre_shared_key::{OfferedPsks, PskIdentity};
pub use server_name::ServerName;

pub(crate) use signature_algorithms::{
    encode as encode_signature_schemes, read_list as read_signature_schemes,
};

/// Which message an extensions block belongs to. It decides the body format
/// of extensions whose format differs per message (RFC 8446 4.2.1, 4.2.8,
/// 4.2.10, 4.2.11; RFC 6066 3; RFC 7301 3.1) and which extensions may appear
/// at all (RFC 8446 4.2; [`ExtensionContext::allows`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionContext {
    /// Sent by the client in ClientHello (TLS 1.2 or 1.3).
    ClientHello,
    /// Sent by the server in ServerHello (TLS 1.2 or 1.3; RFC 8446 4.1.3).
    ServerHello,
    /// Sent by the server in a HelloRetryRequest: a ServerHello with the
    /// special random (RFC 8446 4.1.3, 4.1.4).
    HelloRetryRequest,
    /// TLS 1.3 EncryptedExtensions (RFC 8446 4.3.1).
    EncryptedExtensions,
    /// TLS 1.3 CertificateRequest (RFC 8446 4.3.2).
    CertificateRequest,
    /// One CertificateEntry of a TLS 1.3 Certificate (RFC 8446 4.4.2).
    Certificate,
    /// TLS 1.3 NewSessionTicket (RFC 8446 4.6.1).
    NewSessionTicket,
}

impl ExtensionContext {
    /// True for the hellos, whose block may be omitted (RFC 5246 7.4.1.2).
    pub const fn is_hello(self) -> bool {
        matches!(
            self,
            Self::ClientHello | Self::ServerHello | Self::HelloRetryRequest
        )
    }

    /// The field an error about this message's extensions names, e.g.
    /// `EncryptedExtensions.extensions`.
    pub const fn field(self) -> &'static str {
        match self {
            Self::ClientHello => "ClientHello.extensions",
            Self::ServerHello => "ServerHello.extensions",
            Self::HelloRetryRequest => "HelloRetryRequest.extensions",
            Self::EncryptedExtensions => "EncryptedExtensions.extensions",
            Self::CertificateRequest => "CertificateRequest.extensions",
            Self::Certificate => "CertificateEntry.extensions",
            Self::NewSessionTicket => "NewSessionTicket.extensions",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::enums::{ECPointFormat, ExtensionType, NamedGroup, ProtocolVersion};

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
        // TLS 1.2: server_name is empty.
        let bytes = hex_bytes("0008 0000 0000 0017 0000");
        let exts = round_trip(&bytes, ExtensionContext::ServerHello);
        assert_eq!(
            exts.get(ExtensionType::ServerName),
            Some(&Extension::ServerName(vec![]))
        );
        // TLS 1.3 (RFC 8446 4.2.1): supported_versions is selected_version,
        // and server_name may not come along (RFC 8446 4.2).
        let bytes = hex_bytes("000c 002b 0002 0304 0033 0002 001d");
        let e = Extensions::parse(&bytes, ExtensionContext::ServerHello).unwrap_err();
        assert_eq!(e.field(), "KeyShareEntry.key_exchange");
        let bytes = hex_bytes("000f 002b 0002 0304 0033 0005 001d 0001 09");
        let exts = round_trip(&bytes, ExtensionContext::ServerHello);
        assert_eq!(exts.selected_version(), Some(ProtocolVersion::TLSv1_3));
        assert_eq!(
            exts.server_key_share().map(|k| k.group),
            Some(NamedGroup::X25519)
        );
        let bytes = hex_bytes("000a 0000 0000 002b 0002 0304");
        let e = Extensions::parse(&bytes, ExtensionContext::ServerHello).unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::ExtensionNotAllowed {
                extension_type: ExtensionType::ServerName
            }
        );
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        hex::decode(s).unwrap()
    }
}
