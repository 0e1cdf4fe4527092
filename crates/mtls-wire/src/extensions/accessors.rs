//! Typed getters on an [`Extensions`] block, one per modelled extension.

use super::{Extension, Extensions, KeyShareEntry, OfferedPsks, ProtocolName, ServerName};
use crate::enums::{
    ECPointFormat, ExtensionType, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};
use crate::handshake::DistinguishedName;

impl Extensions {
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

    /// The signature_algorithms list (RFC 5246 7.4.1.4.1, RFC 8446 4.2.3), if present.
    pub fn signature_algorithms(&self) -> Option<&[SignatureScheme]> {
        match self.get(ExtensionType::SignatureAlgorithms)? {
            Extension::SignatureAlgorithms(v) => Some(v),
            _ => None,
        }
    }

    /// The signature_algorithms_cert list (RFC 8446 4.2.3), if present.
    pub fn signature_algorithms_cert(&self) -> Option<&[SignatureScheme]> {
        match self.get(ExtensionType::SignatureAlgorithmsCert)? {
            Extension::SignatureAlgorithmsCert(v) => Some(v),
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

    /// The ServerHello / HelloRetryRequest selected_version (RFC 8446 4.2.1), if present.
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        match self.get(ExtensionType::SupportedVersions)? {
            Extension::SelectedVersion(v) => Some(*v),
            _ => None,
        }
    }

    /// The ClientHello key_share `client_shares` (RFC 8446 4.2.8), if present.
    pub fn key_shares(&self) -> Option<&[KeyShareEntry]> {
        match self.get(ExtensionType::KeyShare)? {
            Extension::KeyShare(v) => Some(v),
            _ => None,
        }
    }

    /// The ServerHello key_share `server_share` (RFC 8446 4.2.8), if present.
    pub fn server_key_share(&self) -> Option<&KeyShareEntry> {
        match self.get(ExtensionType::KeyShare)? {
            Extension::ServerKeyShare(v) => Some(v),
            _ => None,
        }
    }

    /// The HelloRetryRequest key_share `selected_group` (RFC 8446 4.2.8), if present.
    pub fn selected_group(&self) -> Option<NamedGroup> {
        match self.get(ExtensionType::KeyShare)? {
            Extension::SelectedGroup(v) => Some(*v),
            _ => None,
        }
    }

    /// The ClientHello pre_shared_key `OfferedPsks` (RFC 8446 4.2.11), if present.
    pub fn pre_shared_key(&self) -> Option<&OfferedPsks> {
        match self.get(ExtensionType::PreSharedKey)? {
            Extension::PreSharedKey(v) => Some(v),
            _ => None,
        }
    }

    /// The ServerHello pre_shared_key `selected_identity` (RFC 8446 4.2.11), if present.
    pub fn selected_identity(&self) -> Option<u16> {
        match self.get(ExtensionType::PreSharedKey)? {
            Extension::SelectedIdentity(v) => Some(*v),
            _ => None,
        }
    }

    /// The psk_key_exchange_modes `ke_modes` (RFC 8446 4.2.9), if present.
    pub fn psk_key_exchange_modes(&self) -> Option<&[PskKeyExchangeMode]> {
        match self.get(ExtensionType::PskKeyExchangeModes)? {
            Extension::PskKeyExchangeModes(v) => Some(v),
            _ => None,
        }
    }

    /// True when early_data is present in its empty ClientHello /
    /// EncryptedExtensions form (RFC 8446 4.2.10).
    pub fn has_early_data(&self) -> bool {
        matches!(
            self.get(ExtensionType::EarlyData),
            Some(Extension::EarlyData)
        )
    }

    /// The NewSessionTicket early_data `max_early_data_size` (RFC 8446 4.2.10), if present.
    pub fn max_early_data_size(&self) -> Option<u32> {
        match self.get(ExtensionType::EarlyData)? {
            Extension::MaxEarlyDataSize(v) => Some(*v),
            _ => None,
        }
    }

    /// The cookie (RFC 8446 4.2.2), if present.
    pub fn cookie(&self) -> Option<&[u8]> {
        match self.get(ExtensionType::Cookie)? {
            Extension::Cookie(v) => Some(v),
            _ => None,
        }
    }

    /// The certificate_authorities names (RFC 8446 4.2.4), if present.
    pub fn certificate_authorities(&self) -> Option<&[DistinguishedName]> {
        match self.get(ExtensionType::CertificateAuthorities)? {
            Extension::CertificateAuthorities(v) => Some(v),
            _ => None,
        }
    }

    /// True when post_handshake_auth is present (RFC 8446 4.2.6).
    pub fn has_post_handshake_auth(&self) -> bool {
        self.contains(ExtensionType::PostHandshakeAuth)
    }
}
