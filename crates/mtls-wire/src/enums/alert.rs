//! Alert code points (RFC 5246 7.2, RFC 8446 6).

codepoint_enum! {
    /// `AlertLevel` (RFC 5246 7.2).
    pub enum AlertLevel: u8, to_u8 {
        /// warning(1).
        Warning = 1,
        /// fatal(2).
        Fatal = 2,
    }
}

codepoint_enum! {
    /// `AlertDescription`: every code of RFC 5246 7.2 and RFC 8446 6, plus
    /// the RFC 6066 / RFC 7301 / RFC 7507 additions.
    pub enum AlertDescription: u8, to_u8 {
        /// close_notify(0), RFC 5246 7.2.1.
        CloseNotify = 0,
        /// unexpected_message(10).
        UnexpectedMessage = 10,
        /// bad_record_mac(20).
        BadRecordMac = 20,
        /// decryption_failed_RESERVED(21).
        DecryptionFailed = 21,
        /// record_overflow(22).
        RecordOverflow = 22,
        /// decompression_failure(30).
        DecompressionFailure = 30,
        /// handshake_failure(40).
        HandshakeFailure = 40,
        /// no_certificate_RESERVED(41), SSLv3 only.
        NoCertificate = 41,
        /// bad_certificate(42).
        BadCertificate = 42,
        /// unsupported_certificate(43).
        UnsupportedCertificate = 43,
        /// certificate_revoked(44).
        CertificateRevoked = 44,
        /// certificate_expired(45).
        CertificateExpired = 45,
        /// certificate_unknown(46).
        CertificateUnknown = 46,
        /// illegal_parameter(47).
        IllegalParameter = 47,
        /// unknown_ca(48).
        UnknownCa = 48,
        /// access_denied(49).
        AccessDenied = 49,
        /// decode_error(50).
        DecodeError = 50,
        /// decrypt_error(51).
        DecryptError = 51,
        /// export_restriction_RESERVED(60).
        ExportRestriction = 60,
        /// protocol_version(70).
        ProtocolVersion = 70,
        /// insufficient_security(71).
        InsufficientSecurity = 71,
        /// internal_error(80).
        InternalError = 80,
        /// inappropriate_fallback(86), RFC 7507.
        InappropriateFallback = 86,
        /// user_canceled(90).
        UserCanceled = 90,
        /// no_renegotiation(100), RFC 5246 7.2.2 (reserved in TLS 1.3).
        NoRenegotiation = 100,
        /// missing_extension(109), RFC 8446 6.2.
        MissingExtension = 109,
        /// unsupported_extension(110), RFC 5246 7.4.1.4 / RFC 8446 6.2.
        UnsupportedExtension = 110,
        /// certificate_unobtainable(111), RFC 6066 (reserved in TLS 1.3).
        CertificateUnobtainable = 111,
        /// unrecognized_name(112), RFC 6066 3.
        UnrecognizedName = 112,
        /// bad_certificate_status_response(113), RFC 6066 8.
        BadCertificateStatusResponse = 113,
        /// bad_certificate_hash_value(114), RFC 6066 (reserved in TLS 1.3).
        BadCertificateHashValue = 114,
        /// unknown_psk_identity(115), RFC 4279 / RFC 8446 6.2.
        UnknownPskIdentity = 115,
        /// certificate_required(116), RFC 8446 6.2.
        CertificateRequired = 116,
        /// no_application_protocol(120), RFC 7301 3.2.
        NoApplicationProtocol = 120,
    }
}

impl AlertDescription {
    /// The alert's name as the RFCs spell it (`handshake_failure`, `unknown_ca`,
    /// `decryption_failed_RESERVED`); `None` for a code no RFC defines.
    pub const fn rfc_name(self) -> Option<&'static str> {
        Some(match self {
            Self::CloseNotify => "close_notify",
            Self::UnexpectedMessage => "unexpected_message",
            Self::BadRecordMac => "bad_record_mac",
            Self::DecryptionFailed => "decryption_failed_RESERVED",
            Self::RecordOverflow => "record_overflow",
            Self::DecompressionFailure => "decompression_failure",
            Self::HandshakeFailure => "handshake_failure",
            Self::NoCertificate => "no_certificate_RESERVED",
            Self::BadCertificate => "bad_certificate",
            Self::UnsupportedCertificate => "unsupported_certificate",
            Self::CertificateRevoked => "certificate_revoked",
            Self::CertificateExpired => "certificate_expired",
            Self::CertificateUnknown => "certificate_unknown",
            Self::IllegalParameter => "illegal_parameter",
            Self::UnknownCa => "unknown_ca",
            Self::AccessDenied => "access_denied",
            Self::DecodeError => "decode_error",
            Self::DecryptError => "decrypt_error",
            Self::ExportRestriction => "export_restriction_RESERVED",
            Self::ProtocolVersion => "protocol_version",
            Self::InsufficientSecurity => "insufficient_security",
            Self::InternalError => "internal_error",
            Self::InappropriateFallback => "inappropriate_fallback",
            Self::UserCanceled => "user_canceled",
            Self::NoRenegotiation => "no_renegotiation",
            Self::MissingExtension => "missing_extension",
            Self::UnsupportedExtension => "unsupported_extension",
            Self::CertificateUnobtainable => "certificate_unobtainable",
            Self::UnrecognizedName => "unrecognized_name",
            Self::BadCertificateStatusResponse => "bad_certificate_status_response",
            Self::BadCertificateHashValue => "bad_certificate_hash_value",
            Self::UnknownPskIdentity => "unknown_psk_identity",
            Self::CertificateRequired => "certificate_required",
            Self::NoApplicationProtocol => "no_application_protocol",
            Self::Unknown(_) => return None,
        })
    }

    /// True for the alerts that are fatal whatever level they are sent at: those RFC 5246
    /// 7.2.2 says are "always fatal" (or "a fatal error", handshake_failure), the two
    /// reserved codes that earlier versions called always fatal (decryption_failed,
    /// export_restriction) and inappropriate_fallback (RFC 7507 2). A receiver treats one
    /// of these sent at the warning level as fatal.
    pub const fn is_always_fatal(self) -> bool {
        matches!(
            self,
            Self::UnexpectedMessage
                | Self::BadRecordMac
                | Self::DecryptionFailed
                | Self::RecordOverflow
                | Self::DecompressionFailure
                | Self::HandshakeFailure
                | Self::IllegalParameter
                | Self::UnknownCa
                | Self::AccessDenied
                | Self::DecodeError
                | Self::DecryptError
                | Self::ExportRestriction
                | Self::ProtocolVersion
                | Self::InsufficientSecurity
                | Self::InternalError
                | Self::InappropriateFallback
                | Self::UnsupportedExtension
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_names_are_the_rfcs_spelling() {
        assert_eq!(
            AlertDescription::HandshakeFailure.rfc_name(),
            Some("handshake_failure")
        );
        assert_eq!(AlertDescription::UnknownCa.rfc_name(), Some("unknown_ca"));
        assert_eq!(
            AlertDescription::CloseNotify.rfc_name(),
            Some("close_notify")
        );
        assert_eq!(AlertDescription::from(255).rfc_name(), None);
        // Every named code has a name.
        for code in 0..=255u8 {
            let a = AlertDescription::from(code);
            assert_eq!(
                a.rfc_name().is_some(),
                !matches!(a, AlertDescription::Unknown(_))
            );
        }
    }

    #[test]
    fn rfc5246_7_2_2_always_fatal_alerts() {
        for d in [
            10u8, 20, 21, 22, 30, 40, 47, 48, 49, 50, 51, 60, 70, 71, 80, 86, 110,
        ] {
            assert!(AlertDescription::from(d).is_always_fatal(), "{d}");
        }
        // Warnings may carry these (RFC 5246 7.2.2 leaves the level to the sender).
        for d in [0u8, 41, 42, 43, 44, 45, 46, 90, 100, 112, 255] {
            assert!(!AlertDescription::from(d).is_always_fatal(), "{d}");
        }
    }
}
