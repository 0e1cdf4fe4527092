//! Record-layer code points (RFC 5246 6.2.1).

codepoint_enum! {
    /// `ContentType` of a TLSPlaintext record (RFC 5246 6.2.1; heartbeat RFC 6520).
    pub enum ContentType: u8, to_u8 {
        /// change_cipher_spec(20).
        ChangeCipherSpec = 20,
        /// alert(21).
        Alert = 21,
        /// handshake(22).
        Handshake = 22,
        /// application_data(23).
        ApplicationData = 23,
        /// heartbeat(24), RFC 6520.
        Heartbeat = 24,
    }
}

codepoint_enum! {
    /// `ProtocolVersion { uint8 major, minor }` as one `uint16` (RFC 5246 6.2.1, A.1).
    pub enum ProtocolVersion: u16, to_u16 {
        /// SSL 2.0 (only seen in ancient ClientHellos).
        SSLv2 = 0x0200,
        /// SSL 3.0 (RFC 6101).
        SSLv3 = 0x0300,
        /// TLS 1.0 (RFC 2246).
        TLSv1_0 = 0x0301,
        /// TLS 1.1 (RFC 4346).
        TLSv1_1 = 0x0302,
        /// TLS 1.2 (RFC 5246).
        TLSv1_2 = 0x0303,
        /// TLS 1.3 (RFC 8446).
        TLSv1_3 = 0x0304,
    }
}
