//! The Finished message's `verify_data` (RFC 5246 section 7.4.9).

use mtls_crypto::CryptoProvider;
use mtls_crypto::hash::HashAlgorithm;
use subtle::ConstantTimeEq;

use crate::master_secret::MasterSecret;
use crate::prf::prf;

/// `verify_data_length` for every TLS 1.2 cipher suite this stack implements (RFC 5246 7.4.9).
pub const VERIFY_DATA_LEN: usize = 12;

/// Which side sent a Finished message; it picks the PRF label (RFC 5246 section 7.4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// "client finished"
    Client,
    /// "server finished"
    Server,
}

impl Sender {
    fn label(self) -> &'static [u8] {
        match self {
            Sender::Client => b"client finished",
            Sender::Server => b"server finished",
        }
    }
}

/// The 12-byte `verify_data` of a Finished message (RFC 5246 section 7.4.9).
///
/// Compare a received value only with [`VerifyData::verify`], which runs in constant time.
/// `Debug` is deliberately not derived: verify_data is sent in the clear only inside an
/// encrypted record and says something about the master secret.
pub struct VerifyData([u8; VERIFY_DATA_LEN]);

impl VerifyData {
    /// The bytes to put in our own Finished message.
    pub fn as_bytes(&self) -> &[u8; VERIFY_DATA_LEN] {
        &self.0
    }

    /// True when `received` equals this verify_data, in time independent of where they differ.
    ///
    /// A length other than 12 is refused at once: the length is public (it is the length of the
    /// Finished message on the wire), the content is not.
    pub fn verify(&self, received: &[u8]) -> bool {
        received.len() == VERIFY_DATA_LEN && bool::from(self.0.ct_eq(received))
    }
}

/// `verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]`
/// (RFC 5246 section 7.4.9). `handshake_hash` covers every handshake message up to, not
/// including, this Finished; the hash is the PRF hash of the suite.
pub fn verify_data(
    provider: &CryptoProvider,
    alg: HashAlgorithm,
    master: &MasterSecret,
    sender: Sender,
    handshake_hash: &[u8],
) -> VerifyData {
    let mut out = [0u8; VERIFY_DATA_LEN];
    prf(
        provider,
        alg,
        master.as_bytes(),
        sender.label(),
        &[handshake_hash],
        &mut out,
    );
    VerifyData(out)
}
