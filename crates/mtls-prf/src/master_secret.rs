//! The master secret (RFC 5246 section 8.1) and the extended master secret (RFC 7627 section 4).

use mtls_crypto::CryptoProvider;
use mtls_crypto::hash::HashAlgorithm;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::prf::prf;

/// Length of the TLS 1.2 master secret in bytes (RFC 5246 section 8.1).
pub const MASTER_SECRET_LEN: usize = 48;

/// The 48-byte TLS 1.2 master secret (RFC 5246 section 8.1). Zeroized on drop; no `Clone`, no `Debug`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MasterSecret([u8; MASTER_SECRET_LEN]);

impl MasterSecret {
    /// Wraps stored master secret bytes, e.g. from a session cache entry being resumed.
    pub fn from_bytes(bytes: [u8; MASTER_SECRET_LEN]) -> Self {
        Self(bytes)
    }

    /// The secret bytes: for the key schedule, a session cache, or an NSS key log line.
    pub fn as_bytes(&self) -> &[u8; MASTER_SECRET_LEN] {
        &self.0
    }
}

/// `master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]`
/// (RFC 5246 section 8.1). Used only when the peers did not negotiate extended master secret.
pub fn master_secret(
    provider: &CryptoProvider,
    alg: HashAlgorithm,
    pre_master_secret: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> MasterSecret {
    let mut out = MasterSecret([0u8; MASTER_SECRET_LEN]);
    prf(
        provider,
        alg,
        pre_master_secret,
        b"master secret",
        &[client_random, server_random],
        &mut out.0,
    );
    out
}

/// `master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]`
/// (RFC 7627 section 4). `session_hash` is the hash of the handshake messages from
/// ClientHello up to and including ClientKeyExchange (RFC 7627 section 3), which binds the
/// master secret to this handshake and defeats the triple handshake attack.
pub fn extended_master_secret(
    provider: &CryptoProvider,
    alg: HashAlgorithm,
    pre_master_secret: &[u8],
    session_hash: &[u8],
) -> MasterSecret {
    let mut out = MasterSecret([0u8; MASTER_SECRET_LEN]);
    prf(
        provider,
        alg,
        pre_master_secret,
        b"extended master secret",
        &[session_hash],
        &mut out.0,
    );
    out
}
