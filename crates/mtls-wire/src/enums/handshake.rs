//! Handshake code points (RFC 5246 7.4, A.4, A.5).

codepoint_enum! {
    /// `HandshakeType` (RFC 5246 7.4; new_session_ticket RFC 5077 3.3; TLS 1.3 types RFC 8446 4).
    pub enum HandshakeType: u8, to_u8 {
        /// hello_request(0).
        HelloRequest = 0,
        /// client_hello(1).
        ClientHello = 1,
        /// server_hello(2).
        ServerHello = 2,
        /// hello_verify_request(3), DTLS (RFC 6347).
        HelloVerifyRequest = 3,
        /// new_session_ticket(4), RFC 5077 3.3.
        NewSessionTicket = 4,
        /// end_of_early_data(5), TLS 1.3.
        EndOfEarlyData = 5,
        /// encrypted_extensions(8), TLS 1.3.
        EncryptedExtensions = 8,
        /// certificate(11).
        Certificate = 11,
        /// server_key_exchange(12).
        ServerKeyExchange = 12,
        /// certificate_request(13).
        CertificateRequest = 13,
        /// server_hello_done(14).
        ServerHelloDone = 14,
        /// certificate_verify(15).
        CertificateVerify = 15,
        /// client_key_exchange(16).
        ClientKeyExchange = 16,
        /// finished(20).
        Finished = 20,
        /// certificate_url(21), RFC 6066 5.
        CertificateUrl = 21,
        /// certificate_status(22), RFC 6066 8.
        CertificateStatus = 22,
        /// key_update(24), TLS 1.3.
        KeyUpdate = 24,
        /// message_hash(254), TLS 1.3 transcript placeholder.
        MessageHash = 254,
    }
}

codepoint_enum! {
    /// `CipherSuite` (RFC 5246 A.5; GCM RFC 5288 / RFC 5289; ChaCha20 RFC 7905;
    /// SCSVs RFC 5746 3.3 and RFC 7507; TLS 1.3 suites RFC 8446 B.4).
    /// Variants carry the IANA names.
    #[allow(non_camel_case_types)]
    pub enum CipherSuite: u16, to_u16 {
        /// TLS_NULL_WITH_NULL_NULL, the initial state (RFC 5246 A.5).
        TLS_NULL_WITH_NULL_NULL = 0x0000,
        /// RFC 5288.
        TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009C,
        /// RFC 5288.
        TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009D,
        /// Signalling value meaning "secure renegotiation supported" (RFC 5746 3.3).
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF,
        /// TLS 1.3 (RFC 8446 B.4).
        TLS13_AES_128_GCM_SHA256 = 0x1301,
        /// TLS 1.3 (RFC 8446 B.4).
        TLS13_AES_256_GCM_SHA384 = 0x1302,
        /// TLS 1.3 (RFC 8446 B.4).
        TLS13_CHACHA20_POLY1305_SHA256 = 0x1303,
        /// Signalling value for a fallback retry (RFC 7507).
        TLS_FALLBACK_SCSV = 0x5600,
        /// RFC 5289.
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B,
        /// RFC 5289.
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xC02C,
        /// RFC 5289.
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xC02F,
        /// RFC 5289.
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xC030,
        /// RFC 7905.
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA8,
        /// RFC 7905.
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA9,
    }
}

codepoint_enum! {
    /// `CompressionMethod` (RFC 5246 7.4.1.2; only null is defined for use).
    pub enum CompressionMethod: u8, to_u8 {
        /// null(0).
        Null = 0,
    }
}

codepoint_enum! {
    /// `ClientCertificateType` of a CertificateRequest (RFC 5246 7.4.4; ECDSA
    /// types RFC 8422 5.5).
    pub enum ClientCertificateType: u8, to_u8 {
        /// rsa_sign(1).
        RsaSign = 1,
        /// dss_sign(2).
        DssSign = 2,
        /// rsa_fixed_dh(3).
        RsaFixedDh = 3,
        /// dss_fixed_dh(4).
        DssFixedDh = 4,
        /// rsa_ephemeral_dh_RESERVED(5).
        RsaEphemeralDh = 5,
        /// dss_ephemeral_dh_RESERVED(6).
        DssEphemeralDh = 6,
        /// fortezza_dms_RESERVED(20).
        FortezzaDms = 20,
        /// ecdsa_sign(64), RFC 8422 5.5.
        EcdsaSign = 64,
        /// rsa_fixed_ecdh(65), RFC 4492 5.5.
        RsaFixedEcdh = 65,
        /// ecdsa_fixed_ecdh(66), RFC 4492 5.5.
        EcdsaFixedEcdh = 66,
    }
}
