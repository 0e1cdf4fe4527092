//! What the sans-IO state machines take in and give out.

use mtls_crypto::CryptoProvider;
use mtls_crypto::aead::AeadAlgorithm;
use mtls_prf::TrafficKeys;
use mtls_wire::alert::Alert;

/// Something the peer sent, as the record layer delivers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// One whole handshake message, 4-byte header included, exactly as received.
    Handshake(&'a [u8]),
    /// A ChangeCipherSpec record (RFC 5246 7.1), or a TLS 1.3 middlebox-compatibility one
    /// (RFC 8446 D.4; the record layer checked its one byte).
    ChangeCipherSpec,
}

/// Which record protection a [`KeyChange`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordProtection {
    /// TLS 1.2 AEAD records (RFC 5246 6.2.3.3): explicit nonce for AES-GCM (RFC 5288), the
    /// header's type and length in the additional data.
    Tls12,
    /// TLS 1.3 records (RFC 8446 5.2): TLSInnerPlaintext (content, type, padding) sealed
    /// with nonce = IV XOR sequence number; outer type application_data.
    Tls13,
}

/// New record protection for one direction: derived from the key block (RFC 5246 6.3), or
/// from a TLS 1.3 traffic secret (RFC 8446 7.3). Build a record encrypter or decrypter from
/// it; the sequence number starts at 0. Zeroized on drop (the keys are).
pub struct KeyChange {
    /// The suite's AEAD.
    pub algorithm: AeadAlgorithm,
    /// Key and IV: the fixed IV (4-byte GCM salt or 12-byte ChaCha20 IV) for TLS 1.2, the
    /// 12-byte IV for TLS 1.3.
    pub keys: TrafficKeys,
    /// The record format the keys protect.
    pub protection: RecordProtection,
    /// The configuration's crypto provider, whose AEAD protects the records
    /// (`mtls_record::RecordEncrypter::with_provider`).
    pub provider: &'static CryptoProvider,
}

impl std::fmt::Debug for KeyChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyChange")
            .field("algorithm", &self.algorithm)
            .field("protection", &self.protection)
            .field("provider", &self.provider.name)
            .finish_non_exhaustive()
    }
}

/// One thing for the connection to do, in order.
#[derive(Debug)]
pub enum Action {
    /// Write this handshake message (header included) as handshake records.
    SendHandshake(Vec<u8>),
    /// Write a ChangeCipherSpec record (still under the old protection; in TLS 1.3 the
    /// middlebox-compatibility one, RFC 8446 D.4, always in plaintext).
    SendChangeCipherSpec,
    /// From now on, seal outgoing records with these keys (sequence number 0).
    InstallWriteKeys(KeyChange),
    /// From now on, open incoming records with these keys (sequence number 0).
    InstallReadKeys(KeyChange),
    /// Send this alert (a warning: fatal alerts come as errors).
    SendAlert(Alert),
    /// The handshake is complete; application data may flow.
    Complete,
    /// A TLS 1.3 post-handshake authentication ended (RFC 8446 4.6.2): the summary's peer
    /// certificates and identity now say what the client sent (or that it sent none).
    PeerAuthenticated,
}

/// What the application asks of an established TLS 1.3 connection (RFC 8446 4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostHandshakeRequest {
    /// Server: send a CertificateRequest now (RFC 8446 4.6.2). The client must have offered
    /// post_handshake_auth.
    RequestClientCertificate,
    /// Either side: send KeyUpdate and re-key our direction (RFC 8446 4.6.3); with
    /// `request_peer`, ask the peer to update its own (update_requested).
    UpdateKeys {
        /// Send `update_requested` rather than `update_not_requested`.
        request_peer: bool,
    },
}
