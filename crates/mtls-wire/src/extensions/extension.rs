//! One extension (RFC 5246 7.4.1.4, RFC 8446 4.2): its type and its body,
//! decoded for the types this crate models.

use bytes::BufMut;

use super::{
    ExtensionContext, KeyShareEntry, OfferedPsks, ProtocolName, ServerName, alpn,
    certificate_authorities, cookie, early_data, ec_point_formats, key_share, pre_shared_key,
    psk_key_exchange_modes, renegotiation_info, server_name, signature_algorithms,
    supported_groups, supported_versions,
};
use crate::codec::{Prefix, Reader, Result, check_len, put_prefixed};
use crate::enums::{
    ECPointFormat, ExtensionType, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};
use crate::error::{ErrorKind, WireError};
use crate::handshake::DistinguishedName;

/// One extension (RFC 5246 7.4.1.4, RFC 8446 4.2), decoded when this crate
/// models its type.
///
/// Where one code point has different bodies in different messages, each
/// body has its own variant (e.g. [`Extension::KeyShare`],
/// [`Extension::ServerKeyShare`], [`Extension::SelectedGroup`] for key_share
/// in ClientHello, ServerHello and HelloRetryRequest); the
/// [`ExtensionContext`] a block is parsed in picks one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Extension {
    /// server_name (RFC 6066 3): the names in a ClientHello; empty in a
    /// ServerHello or EncryptedExtensions, whose extension_data is empty.
    ServerName(Vec<ServerName>),
    /// supported_groups (RFC 8422 5.1.1, RFC 8446 4.2.7), `<2..2^16-1>`.
    SupportedGroups(Vec<NamedGroup>),
    /// ec_point_formats (RFC 8422 5.1.2), `<1..2^8-1>`.
    EcPointFormats(Vec<ECPointFormat>),
    /// signature_algorithms (RFC 5246 7.4.1.4.1, RFC 8446 4.2.3), `<2..2^16-2>`.
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// application_layer_protocol_negotiation (RFC 7301 3.1), `<2..2^16-1>`;
    /// exactly one name in a ServerHello or EncryptedExtensions.
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
    /// supported_versions in a ServerHello or HelloRetryRequest (RFC 8446
    /// 4.2.1): `selected_version`.
    SelectedVersion(ProtocolVersion),
    /// key_share in a ClientHello (RFC 8446 4.2.8): `client_shares<0..2^16-1>`.
    KeyShare(Vec<KeyShareEntry>),
    /// key_share in a ServerHello (RFC 8446 4.2.8): `server_share`.
    ServerKeyShare(KeyShareEntry),
    /// key_share in a HelloRetryRequest (RFC 8446 4.2.8): `selected_group`.
    SelectedGroup(NamedGroup),
    /// pre_shared_key in a ClientHello (RFC 8446 4.2.11): `OfferedPsks`.
    PreSharedKey(OfferedPsks),
    /// pre_shared_key in a ServerHello (RFC 8446 4.2.11): `selected_identity`.
    SelectedIdentity(u16),
    /// psk_key_exchange_modes (RFC 8446 4.2.9): `ke_modes<1..255>`.
    PskKeyExchangeModes(Vec<PskKeyExchangeMode>),
    /// early_data in a ClientHello or EncryptedExtensions (RFC 8446 4.2.10):
    /// empty extension_data.
    EarlyData,
    /// early_data in a NewSessionTicket (RFC 8446 4.2.10): `max_early_data_size`.
    MaxEarlyDataSize(u32),
    /// cookie (RFC 8446 4.2.2): `opaque cookie<1..2^16-1>`.
    Cookie(Vec<u8>),
    /// certificate_authorities (RFC 8446 4.2.4): `authorities<3..2^16-1>`.
    CertificateAuthorities(Vec<DistinguishedName>),
    /// post_handshake_auth (RFC 8446 4.2.6): empty extension_data.
    PostHandshakeAuth,
    /// signature_algorithms_cert (RFC 8446 4.2.3), `<2..2^16-2>`.
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
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
            Self::KeyShare(_) | Self::ServerKeyShare(_) | Self::SelectedGroup(_) => {
                ExtensionType::KeyShare
            }
            Self::PreSharedKey(_) | Self::SelectedIdentity(_) => ExtensionType::PreSharedKey,
            Self::PskKeyExchangeModes(_) => ExtensionType::PskKeyExchangeModes,
            Self::EarlyData | Self::MaxEarlyDataSize(_) => ExtensionType::EarlyData,
            Self::Cookie(_) => ExtensionType::Cookie,
            Self::CertificateAuthorities(_) => ExtensionType::CertificateAuthorities,
            Self::PostHandshakeAuth => ExtensionType::PostHandshakeAuth,
            Self::SignatureAlgorithmsCert(_) => ExtensionType::SignatureAlgorithmsCert,
            Self::Unknown(t, _) => ExtensionType::from(*t),
        }
    }

    /// Parses one `Extension` (type, length, data) from the front of `r`.
    pub(crate) fn read(r: &mut Reader<'_>, ctx: ExtensionContext) -> Result<Self> {
        let typ = ExtensionType::read(r, "Extension.extension_type")?;
        let data = r.vector(Prefix::U16, 0, 0xffff, "Extension.extension_data")?;
        Self::parse_data(typ, data, ctx)
    }

    /// Decodes the extension_data of an extension of type `typ` found in the
    /// message `ctx`.
    ///
    /// A type that [`ExtensionContext::allows`] refuses in `ctx` is
    /// [`ErrorKind::ExtensionNotAllowed`] (RFC 8446 4.2), before its data is
    /// looked at.
    pub fn parse_data(typ: ExtensionType, data: &[u8], ctx: ExtensionContext) -> Result<Self> {
        use ExtensionContext as C;
        if !ctx.allows(typ) {
            return Err(WireError::new(
                ctx.field(),
                ErrorKind::ExtensionNotAllowed {
                    extension_type: typ,
                },
            ));
        }
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
                C::ServerHello | C::HelloRetryRequest => {
                    Self::SelectedVersion(supported_versions::parse_selected(data)?)
                }
                _ => Self::SupportedVersions(supported_versions::parse_list(data)?),
            },
            ExtensionType::KeyShare => match ctx {
                C::ServerHello => Self::ServerKeyShare(key_share::parse_server_share(data)?),
                C::HelloRetryRequest => Self::SelectedGroup(key_share::parse_selected_group(data)?),
                _ => Self::KeyShare(key_share::parse_client_shares(data)?),
            },
            ExtensionType::PreSharedKey => match ctx {
                C::ServerHello => Self::SelectedIdentity(pre_shared_key::parse_selected(data)?),
                _ => Self::PreSharedKey(pre_shared_key::parse_offered(data)?),
            },
            ExtensionType::PskKeyExchangeModes => {
                Self::PskKeyExchangeModes(psk_key_exchange_modes::parse(data)?)
            }
            ExtensionType::EarlyData => match ctx {
                C::NewSessionTicket => Self::MaxEarlyDataSize(early_data::parse_max_size(data)?),
                _ => {
                    early_data::parse_empty(data)?;
                    Self::EarlyData
                }
            },
            ExtensionType::Cookie => Self::Cookie(cookie::parse(data)?),
            ExtensionType::CertificateAuthorities => {
                Self::CertificateAuthorities(certificate_authorities::parse(data)?)
            }
            ExtensionType::PostHandshakeAuth => {
                // RFC 8446 4.2.6: "The "extension_data" field of the
                // "post_handshake_auth" extension is zero length."
                check_len(data.len(), 0, 0, "post_handshake_auth")?;
                Self::PostHandshakeAuth
            }
            ExtensionType::SignatureAlgorithmsCert => {
                Self::SignatureAlgorithmsCert(signature_algorithms::parse_cert(data)?)
            }
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
            Self::SignatureAlgorithms(schemes) | Self::SignatureAlgorithmsCert(schemes) => {
                signature_algorithms::encode(schemes, out);
            }
            Self::Alpn(names) => alpn::encode(names, out),
            Self::ExtendedMasterSecret | Self::EarlyData | Self::PostHandshakeAuth => {}
            Self::RenegotiationInfo(v) => renegotiation_info::encode(v, out),
            Self::SessionTicket(v) | Self::Unknown(_, v) => out.put_slice(v),
            Self::SupportedVersions(versions) => supported_versions::encode_list(versions, out),
            Self::SelectedVersion(v) => v.encode(out),
            Self::KeyShare(shares) => key_share::encode_client_shares(shares, out),
            Self::ServerKeyShare(entry) => entry.encode(out),
            Self::SelectedGroup(group) => group.encode(out),
            Self::PreSharedKey(offered) => offered.encode(out),
            Self::SelectedIdentity(i) => out.put_u16(*i),
            Self::PskKeyExchangeModes(modes) => psk_key_exchange_modes::encode(modes, out),
            Self::MaxEarlyDataSize(n) => out.put_u32(*n),
            Self::Cookie(c) => cookie::encode(c, out),
            Self::CertificateAuthorities(names) => certificate_authorities::encode(names, out),
        }
    }
}
