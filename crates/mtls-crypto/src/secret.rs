//! Secret values handed between the primitives and the handshake: the ECDHE
//! shared secret and the RSA premaster secret. They are wiped on drop and
//! have neither `Clone` nor `Debug`, so they cannot be copied or logged by
//! accident (docs/ARCHITECTURE.md, "Secrets have no Clone or Debug").

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Largest shared secret any group could produce (P-521: 66 bytes), so the
/// type stays inline and does not change when groups are added.
const MAX_SHARED_SECRET_LEN: usize = 66;

/// The ECDHE shared secret, Z: the premaster secret of an ECDHE suite
/// (RFC 8422 5.10). For P-256 and P-384 it is the x-coordinate (32 and 48
/// bytes) with leading zero bytes kept; for X25519 the 32-byte output
/// (RFC 7748 6.1).
pub struct SharedSecret {
    bytes: [u8; MAX_SHARED_SECRET_LEN],
    len: usize,
}

impl SharedSecret {
    /// Wraps a key exchange's output (at most 66 bytes; longer input is cut): what a
    /// provider's [`KxSession`](crate::provider::KxSession) returns.
    pub fn from_slice(secret: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_SHARED_SECRET_LEN];
        let len = secret.len().min(MAX_SHARED_SECRET_LEN);
        for (dst, src) in bytes.iter_mut().zip(secret) {
            *dst = *src;
        }
        Self { bytes, len }
    }

    /// The secret bytes, to feed the PRF's master secret computation.
    pub fn expose(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for SharedSecret {}

/// Length of the RSA premaster secret (RFC 5246 7.4.7.1).
pub const PRE_MASTER_SECRET_LEN: usize = 48;

/// The 48-byte RSA premaster secret (RFC 5246 7.4.7.1):
/// `ProtocolVersion client_version; opaque random[46];`.
pub struct PreMasterSecret {
    bytes: [u8; PRE_MASTER_SECRET_LEN],
}

impl PreMasterSecret {
    /// Wraps 48 premaster bytes: what a provider's
    /// [`RsaKxProvider`](crate::provider::RsaKxProvider) returns.
    pub fn from_array(bytes: [u8; PRE_MASTER_SECRET_LEN]) -> Self {
        Self { bytes }
    }

    /// The secret bytes, to feed the PRF's master secret computation.
    pub fn expose(&self) -> &[u8; PRE_MASTER_SECRET_LEN] {
        &self.bytes
    }
}

impl Drop for PreMasterSecret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for PreMasterSecret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_secret_keeps_length() {
        let s = SharedSecret::from_slice(&[0, 0, 1, 2]);
        assert_eq!(s.expose(), &[0, 0, 1, 2]);
        let p = PreMasterSecret::from_array([3; 48]);
        assert_eq!(p.expose(), &[3; 48]);
    }
}
