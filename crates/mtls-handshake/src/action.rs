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
    /// A ChangeCipherSpec record (RFC 5246 7.1).
    ChangeCipherSpec,
}

/// New record protection for one direction, derived from the key block (RFC 5246 6.3).
/// Build a record encrypter or decrypter from it. Zeroized on drop (the keys are).
pub struct KeyChange {
    /// The suite's AEAD.
    pub algorithm: AeadAlgorithm,
    /// Key and fixed IV.
    pub keys: TrafficKeys,
    /// The configuration's crypto provider, whose AEAD protects the records
    /// (`mtls_record::RecordEncrypter::with_provider`).
    pub provider: &'static CryptoProvider,
}

impl std::fmt::Debug for KeyChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyChange")
            .field("algorithm", &self.algorithm)
            .field("provider", &self.provider.name)
            .finish_non_exhaustive()
    }
}

/// One thing for the connection to do, in order.
#[derive(Debug)]
pub enum Action {
    /// Write this handshake message (header included) as handshake records.
    SendHandshake(Vec<u8>),
    /// Write a ChangeCipherSpec record (still under the old protection).
    SendChangeCipherSpec,
    /// From now on, seal outgoing records with these keys (sequence number 0).
    InstallWriteKeys(KeyChange),
    /// From now on, open incoming records with these keys (sequence number 0).
    InstallReadKeys(KeyChange),
    /// Send this alert (a warning: fatal alerts come as errors).
    SendAlert(Alert),
    /// The handshake is complete; application data may flow.
    Complete,
}
