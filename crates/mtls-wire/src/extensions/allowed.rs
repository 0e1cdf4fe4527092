//! Which extension may appear in which message: the "TLS 1.3" column of the
//! table in RFC 8446 4.2.
//!
//! ```text
//! +--------------------------------------------------+-------------+
//! | Extension                                        |     TLS 1.3 |
//! +--------------------------------------------------+-------------+
//! | server_name [RFC6066]                            |      CH, EE |
//! | max_fragment_length [RFC6066]                    |      CH, EE |
//! | status_request [RFC6066]                         |  CH, CR, CT |
//! | supported_groups [RFC7919]                       |      CH, EE |
//! | signature_algorithms (RFC 8446)                  |      CH, CR |
//! | use_srtp [RFC5764]                               |      CH, EE |
//! | heartbeat [RFC6520]                              |      CH, EE |
//! | application_layer_protocol_negotiation [RFC7301] |      CH, EE |
//! | signed_certificate_timestamp [RFC6962]           |  CH, CR, CT |
//! | client_certificate_type [RFC7250]                |      CH, EE |
//! | server_certificate_type [RFC7250]                |      CH, EE |
//! | padding [RFC7685]                                |          CH |
//! | key_share (RFC 8446)                             | CH, SH, HRR |
//! | pre_shared_key (RFC 8446)                        |      CH, SH |
//! | psk_key_exchange_modes (RFC 8446)                |          CH |
//! | early_data (RFC 8446)                            | CH, EE, NST |
//! | cookie (RFC 8446)                                |     CH, HRR |
//! | supported_versions (RFC 8446)                    | CH, SH, HRR |
//! | certificate_authorities (RFC 8446)               |      CH, CR |
//! | oid_filters (RFC 8446)                           |          CR |
//! | post_handshake_auth (RFC 8446)                   |          CH |
//! | signature_algorithms_cert (RFC 8446)             |      CH, CR |
//! +--------------------------------------------------+-------------+
//! ```
//!
//! CH = ClientHello, SH = ServerHello, EE = EncryptedExtensions,
//! CT = Certificate, CR = CertificateRequest, NST = NewSessionTicket,
//! HRR = HelloRetryRequest.
//!
//! RFC 8446 4.2: "If an implementation receives an extension which it
//! recognizes and which is not specified for the message in which it
//! appears, it MUST abort the handshake with an "illegal_parameter" alert."
//! Recognized here: every row of the table, by code point, whether or not
//! this crate decodes its body; and the TLS 1.2 extensions this crate
//! decodes (ec_point_formats, extended_master_secret, session_ticket,
//! renegotiation_info), which TLS 1.3 does not use: a ClientHello may carry
//! them (it may also offer TLS 1.2), no TLS 1.3 message may. Any other code
//! point (GREASE, extensions of later RFCs) is allowed everywhere and kept as
//! [`Extension::Unknown`](super::Extension::Unknown).
//!
//! A ServerHello is parsed before the version is known: its
//! supported_versions extension says. So in a ServerHello only the
//! extensions RFC 8446 itself defines are held to the table up front (none of
//! them exists in TLS 1.2); the whole SH column applies once the block
//! selects TLS 1.3 (see [`Extensions`](super::Extensions)). A TLS 1.2
//! ServerHello keeps the rules of RFC 5246 7.4.1.4, which the handshake
//! enforces (only what the client offered).

use super::ExtensionContext;
use crate::enums::ExtensionType;

const CH: u8 = 1;
const SH: u8 = 1 << 1;
const HRR: u8 = 1 << 2;
const EE: u8 = 1 << 3;
const CR: u8 = 1 << 4;
const CT: u8 = 1 << 5;
const NST: u8 = 1 << 6;

/// The messages of the table row of `typ`, or `None` when the table has no
/// row for it and this crate does not recognize it.
const fn column(typ: u16) -> Option<u8> {
    Some(match typ {
        // server_name, max_fragment_length, supported_groups, use_srtp,
        // heartbeat, ALPN, client_certificate_type, server_certificate_type.
        0 | 1 | 10 | 14 | 15 | 16 | 19 | 20 => CH | EE,
        // status_request, signed_certificate_timestamp.
        5 | 18 => CH | CR | CT,
        // signature_algorithms, certificate_authorities, signature_algorithms_cert.
        13 | 47 | 50 => CH | CR,
        // padding, psk_key_exchange_modes, post_handshake_auth.
        21 | 45 | 49 => CH,
        // key_share, supported_versions.
        51 | 43 => CH | SH | HRR,
        // pre_shared_key.
        41 => CH | SH,
        // early_data.
        42 => CH | EE | NST,
        // cookie.
        44 => CH | HRR,
        // oid_filters.
        48 => CR,
        // TLS 1.2 only: ec_point_formats, extended_master_secret,
        // session_ticket, renegotiation_info.
        11 | 23 | 35 | 0xff01 => CH,
        _ => return None,
    })
}

/// True for the code points RFC 8446 defines, which exist only in TLS 1.3.
const fn defined_by_rfc8446(typ: u16) -> bool {
    matches!(typ, 41..=45 | 47..=51)
}

impl ExtensionContext {
    const fn bit(self) -> u8 {
        match self {
            Self::ClientHello => CH,
            Self::ServerHello => SH,
            Self::HelloRetryRequest => HRR,
            Self::EncryptedExtensions => EE,
            Self::CertificateRequest => CR,
            Self::Certificate => CT,
            Self::NewSessionTicket => NST,
        }
    }

    /// RFC 8446 4.2's table: may an extension of type `typ` appear in this
    /// message of a TLS 1.3 handshake? True for a code point the table does
    /// not list and this crate does not recognize (see the module doc).
    pub const fn tls13_allows(self, typ: ExtensionType) -> bool {
        match column(typ.to_u16()) {
            Some(messages) => messages & self.bit() != 0,
            None => true,
        }
    }

    /// What the parsers enforce for each extension as they read it:
    /// [`tls13_allows`](Self::tls13_allows), except in a ServerHello, which may
    /// be TLS 1.2: there only the extensions RFC 8446 defines are checked
    /// (e.g. cookie is refused, extended_master_secret is not).
    pub const fn allows(self, typ: ExtensionType) -> bool {
        match self {
            Self::ServerHello if !defined_by_rfc8446(typ.to_u16()) => true,
            _ => self.tls13_allows(typ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [ExtensionContext; 7] = [
        ExtensionContext::ClientHello,
        ExtensionContext::ServerHello,
        ExtensionContext::HelloRetryRequest,
        ExtensionContext::EncryptedExtensions,
        ExtensionContext::CertificateRequest,
        ExtensionContext::Certificate,
        ExtensionContext::NewSessionTicket,
    ];

    #[test]
    fn rfc8446_4_2_every_row_of_the_table() {
        use ExtensionContext as C;
        // (code point, the messages of its row), transcribed from RFC 8446 4.2.
        let rows: [(u16, &[C]); 22] = [
            (0, &[C::ClientHello, C::EncryptedExtensions]),
            (1, &[C::ClientHello, C::EncryptedExtensions]),
            (5, &[C::ClientHello, C::CertificateRequest, C::Certificate]),
            (10, &[C::ClientHello, C::EncryptedExtensions]),
            (13, &[C::ClientHello, C::CertificateRequest]),
            (14, &[C::ClientHello, C::EncryptedExtensions]),
            (15, &[C::ClientHello, C::EncryptedExtensions]),
            (16, &[C::ClientHello, C::EncryptedExtensions]),
            (18, &[C::ClientHello, C::CertificateRequest, C::Certificate]),
            (19, &[C::ClientHello, C::EncryptedExtensions]),
            (20, &[C::ClientHello, C::EncryptedExtensions]),
            (21, &[C::ClientHello]),
            (51, &[C::ClientHello, C::ServerHello, C::HelloRetryRequest]),
            (41, &[C::ClientHello, C::ServerHello]),
            (45, &[C::ClientHello]),
            (
                42,
                &[C::ClientHello, C::EncryptedExtensions, C::NewSessionTicket],
            ),
            (44, &[C::ClientHello, C::HelloRetryRequest]),
            (43, &[C::ClientHello, C::ServerHello, C::HelloRetryRequest]),
            (47, &[C::ClientHello, C::CertificateRequest]),
            (48, &[C::CertificateRequest]),
            (49, &[C::ClientHello]),
            (50, &[C::ClientHello, C::CertificateRequest]),
        ];
        for (typ, messages) in rows {
            for ctx in ALL {
                assert_eq!(
                    ctx.tls13_allows(ExtensionType::from(typ)),
                    messages.contains(&ctx),
                    "{typ} in {ctx:?}"
                );
            }
        }
    }

    #[test]
    fn tls12_extensions_only_in_hellos() {
        for typ in [11u16, 23, 35, 0xff01] {
            let typ = ExtensionType::from(typ);
            assert!(ExtensionContext::ClientHello.allows(typ));
            assert!(ExtensionContext::ServerHello.allows(typ));
            assert!(!ExtensionContext::ServerHello.tls13_allows(typ));
            assert!(!ExtensionContext::EncryptedExtensions.allows(typ));
            assert!(!ExtensionContext::HelloRetryRequest.allows(typ));
        }
    }

    #[test]
    fn unknown_code_points_are_allowed_everywhere() {
        for typ in [0x0a0au16, 28, 46, 0xfe0d, 0xffff] {
            for ctx in ALL {
                assert!(ctx.allows(ExtensionType::from(typ)), "{typ} in {ctx:?}");
            }
        }
    }

    #[test]
    fn server_hello_of_either_version_refuses_only_rfc8446_extensions() {
        let sh = ExtensionContext::ServerHello;
        for typ in [0u16, 16, 21] {
            assert!(sh.allows(ExtensionType::from(typ)));
            assert!(!sh.tls13_allows(ExtensionType::from(typ)));
        }
        for typ in [42u16, 44, 45, 47, 48, 49, 50] {
            assert!(!sh.allows(ExtensionType::from(typ)), "{typ}");
        }
        for typ in [41u16, 43, 51] {
            assert!(sh.allows(ExtensionType::from(typ)), "{typ}");
        }
    }
}
