//! Extension code points (RFC 5246 7.4.1.4; RFC 8422; RFC 8446 4.2).

codepoint_enum! {
    /// `ExtensionType` (RFC 5246 7.4.1.4; IANA "TLS ExtensionType Values").
    pub enum ExtensionType: u16, to_u16 {
        /// server_name(0), RFC 6066 3.
        ServerName = 0,
        /// max_fragment_length(1), RFC 6066 4.
        MaxFragmentLength = 1,
        /// status_request(5), RFC 6066 8.
        StatusRequest = 5,
        /// supported_groups(10), RFC 8422 5.1.1 (formerly elliptic_curves).
        SupportedGroups = 10,
        /// ec_point_formats(11), RFC 8422 5.1.2.
        EcPointFormats = 11,
        /// signature_algorithms(13), RFC 5246 7.4.1.4.1.
        SignatureAlgorithms = 13,
        /// use_srtp(14), RFC 5764.
        UseSrtp = 14,
        /// heartbeat(15), RFC 6520.
        Heartbeat = 15,
        /// application_layer_protocol_negotiation(16), RFC 7301.
        Alpn = 16,
        /// signed_certificate_timestamp(18), RFC 6962.
        SignedCertificateTimestamp = 18,
        /// padding(21), RFC 7685.
        Padding = 21,
        /// encrypt_then_mac(22), RFC 7366.
        EncryptThenMac = 22,
        /// extended_master_secret(23), RFC 7627.
        ExtendedMasterSecret = 23,
        /// session_ticket(35), RFC 5077.
        SessionTicket = 35,
        /// pre_shared_key(41), RFC 8446.
        PreSharedKey = 41,
        /// early_data(42), RFC 8446.
        EarlyData = 42,
        /// supported_versions(43), RFC 8446 4.2.1.
        SupportedVersions = 43,
        /// cookie(44), RFC 8446.
        Cookie = 44,
        /// psk_key_exchange_modes(45), RFC 8446.
        PskKeyExchangeModes = 45,
        /// certificate_authorities(47), RFC 8446.
        CertificateAuthorities = 47,
        /// post_handshake_auth(49), RFC 8446.
        PostHandshakeAuth = 49,
        /// signature_algorithms_cert(50), RFC 8446.
        SignatureAlgorithmsCert = 50,
        /// key_share(51), RFC 8446.
        KeyShare = 51,
        /// renegotiation_info(0xff01), RFC 5746 3.2.
        RenegotiationInfo = 0xff01,
    }
}

codepoint_enum! {
    /// `NamedGroup` / `NamedCurve` (RFC 8422 5.1.1, RFC 8446 4.2.7).
    pub enum NamedGroup: u16, to_u16 {
        /// secp256r1(23), NIST P-256.
        Secp256r1 = 23,
        /// secp384r1(24), NIST P-384.
        Secp384r1 = 24,
        /// secp521r1(25), NIST P-521.
        Secp521r1 = 25,
        /// x25519(29), RFC 7748.
        X25519 = 29,
        /// x448(30), RFC 7748.
        X448 = 30,
    }
}

codepoint_enum! {
    /// `ECPointFormat` (RFC 8422 5.1.2; only uncompressed remains in use).
    pub enum ECPointFormat: u8, to_u8 {
        /// uncompressed(0).
        Uncompressed = 0,
        /// ansiX962_compressed_prime(1), deprecated.
        AnsiX962CompressedPrime = 1,
        /// ansiX962_compressed_char2(2), deprecated.
        AnsiX962CompressedChar2 = 2,
    }
}

codepoint_enum! {
    /// `PskKeyExchangeMode` of psk_key_exchange_modes (RFC 8446 4.2.9).
    pub enum PskKeyExchangeMode: u8, to_u8 {
        /// psk_ke(0): PSK-only key establishment.
        PskKe = 0,
        /// psk_dhe_ke(1): PSK with (EC)DHE key establishment.
        PskDheKe = 1,
    }
}

codepoint_enum! {
    /// `SignatureScheme` (RFC 8446 4.2.3). In TLS 1.2 the same two bytes are the
    /// `SignatureAndHashAlgorithm { HashAlgorithm hash; SignatureAlgorithm
    /// signature; }` pair of RFC 5246 7.4.1.4.1; RFC 8446 chose its values to
    /// coincide. Variants carry the RFC 8446 names.
    #[allow(non_camel_case_types)]
    pub enum SignatureScheme: u16, to_u16 {
        /// sha1 + rsa (0x0201), legacy.
        RSA_PKCS1_SHA1 = 0x0201,
        /// sha1 + ecdsa (0x0203), legacy.
        ECDSA_SHA1 = 0x0203,
        /// sha256 + rsa (0x0401).
        RSA_PKCS1_SHA256 = 0x0401,
        /// sha256 + ecdsa (0x0403); P-256 in TLS 1.3.
        ECDSA_SECP256R1_SHA256 = 0x0403,
        /// sha384 + rsa (0x0501).
        RSA_PKCS1_SHA384 = 0x0501,
        /// sha384 + ecdsa (0x0503); P-384 in TLS 1.3.
        ECDSA_SECP384R1_SHA384 = 0x0503,
        /// sha512 + rsa (0x0601).
        RSA_PKCS1_SHA512 = 0x0601,
        /// sha512 + ecdsa (0x0603); P-521 in TLS 1.3.
        ECDSA_SECP521R1_SHA512 = 0x0603,
        /// RSASSA-PSS with an rsaEncryption key, SHA-256 (0x0804), RFC 8446 4.2.3.
        RSA_PSS_RSAE_SHA256 = 0x0804,
        /// RSASSA-PSS with an rsaEncryption key, SHA-384 (0x0805).
        RSA_PSS_RSAE_SHA384 = 0x0805,
        /// RSASSA-PSS with an rsaEncryption key, SHA-512 (0x0806).
        RSA_PSS_RSAE_SHA512 = 0x0806,
        /// Ed25519 (0x0807), RFC 8422.
        ED25519 = 0x0807,
        /// Ed448 (0x0808), RFC 8422.
        ED448 = 0x0808,
        /// RSASSA-PSS with an RSASSA-PSS key, SHA-256 (0x0809).
        RSA_PSS_PSS_SHA256 = 0x0809,
        /// RSASSA-PSS with an RSASSA-PSS key, SHA-384 (0x080a).
        RSA_PSS_PSS_SHA384 = 0x080a,
        /// RSASSA-PSS with an RSASSA-PSS key, SHA-512 (0x080b).
        RSA_PSS_PSS_SHA512 = 0x080b,
    }
}

impl SignatureScheme {
    /// The scheme's name as RFC 8446 4.2.3 spells it (`ecdsa_secp256r1_sha256`,
    /// `rsa_pss_rsae_sha256`; the legacy TLS 1.2 pairs as `rsa_pkcs1_sha1`, `ecdsa_sha1`);
    /// `None` for a code point not listed here.
    pub const fn rfc_name(self) -> Option<&'static str> {
        Some(match self {
            Self::RSA_PKCS1_SHA1 => "rsa_pkcs1_sha1",
            Self::ECDSA_SHA1 => "ecdsa_sha1",
            Self::RSA_PKCS1_SHA256 => "rsa_pkcs1_sha256",
            Self::ECDSA_SECP256R1_SHA256 => "ecdsa_secp256r1_sha256",
            Self::RSA_PKCS1_SHA384 => "rsa_pkcs1_sha384",
            Self::ECDSA_SECP384R1_SHA384 => "ecdsa_secp384r1_sha384",
            Self::RSA_PKCS1_SHA512 => "rsa_pkcs1_sha512",
            Self::ECDSA_SECP521R1_SHA512 => "ecdsa_secp521r1_sha512",
            Self::RSA_PSS_RSAE_SHA256 => "rsa_pss_rsae_sha256",
            Self::RSA_PSS_RSAE_SHA384 => "rsa_pss_rsae_sha384",
            Self::RSA_PSS_RSAE_SHA512 => "rsa_pss_rsae_sha512",
            Self::ED25519 => "ed25519",
            Self::ED448 => "ed448",
            Self::RSA_PSS_PSS_SHA256 => "rsa_pss_pss_sha256",
            Self::RSA_PSS_PSS_SHA384 => "rsa_pss_pss_sha384",
            Self::RSA_PSS_PSS_SHA512 => "rsa_pss_pss_sha512",
            Self::Unknown(_) => return None,
        })
    }
}

impl SignatureScheme {
    /// The TLS 1.2 `HashAlgorithm` byte of the pair (RFC 5246 7.4.1.4.1).
    pub const fn hash_byte(self) -> u8 {
        let [hash, _] = self.to_u16().to_be_bytes();
        hash
    }

    /// The TLS 1.2 `SignatureAlgorithm` byte of the pair (RFC 5246 7.4.1.4.1).
    pub const fn signature_byte(self) -> u8 {
        let [_, sig] = self.to_u16().to_be_bytes();
        sig
    }
}
