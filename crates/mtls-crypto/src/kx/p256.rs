//! ECDHE over secp256r1 (RFC 8422 5.10), with the peer point validated
//! against invalid-curve attacks (research/security.md 2.11).

use p256::elliptic_curve::sec1::ToSec1Point as _;

use super::{ActiveKeyExchange, NamedGroup};
use crate::error::{Error, Result};
use crate::rand::SecureRandom;
use crate::secret::SharedSecret;

/// Length of an uncompressed SEC1 P-256 point: 0x04 || x || y.
const POINT_LEN: usize = 65;

/// An ephemeral P-256 key pair awaiting the peer's point.
pub struct P256KeyExchange {
    // `SecretKey` zeroizes itself on drop.
    secret: p256::SecretKey,
    public: [u8; POINT_LEN],
}

impl P256KeyExchange {
    /// Draws a private scalar from `rng`: 32 bytes read as a big-endian
    /// integer, retried if it is zero or not below the group order
    /// (rejection sampling, FIPS 186-5 A.2.2; a retry has probability
    /// about 2^-32). Because the scalar *is* the RNG output, a test can
    /// inject a known private key.
    pub fn generate(rng: &mut dyn SecureRandom) -> Result<Self> {
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        for _ in 0..64 {
            rng.fill(bytes.as_mut())?;
            if let Ok(secret) = p256::SecretKey::from_bytes(&(*bytes).into()) {
                let point = secret.public_key().to_sec1_point(false);
                let public: [u8; POINT_LEN] =
                    point.as_bytes().try_into().map_err(|_| Error::Internal)?;
                return Ok(Self { secret, public });
            }
        }
        Err(Error::RandomFailed)
    }

    /// Parses and validates a peer's ECPoint (RFC 8422 5.4): exactly 65
    /// bytes, uncompressed form (RFC 8422 5.1.2 deprecates the others),
    /// canonical coordinates on the curve. The identity cannot be encoded
    /// in this form; P-256 has cofactor 1, so every such point is in the
    /// prime-order group.
    fn parse_peer(peer: &[u8]) -> Result<p256::PublicKey> {
        if peer.len() != POINT_LEN || peer.first() != Some(&0x04) {
            return Err(Error::InvalidPeerPublicKey);
        }
        p256::PublicKey::from_sec1_bytes(peer).map_err(|_| Error::InvalidPeerPublicKey)
    }
}

impl ActiveKeyExchange for P256KeyExchange {
    fn group(&self) -> NamedGroup {
        NamedGroup::Secp256r1
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self, peer_public_key: &[u8]) -> Result<SharedSecret> {
        let peer = Self::parse_peer(peer_public_key)?;
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), peer.as_affine());
        // The premaster is the x-coordinate as a fixed 32-byte string,
        // leading zeros included (RFC 8422 5.10, IEEE 1363 FE2OSP).
        Ok(SharedSecret::from_slice(shared.raw_secret_bytes()))
    }
}

impl core::fmt::Debug for P256KeyExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("P256KeyExchange").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rand::DeterministicRng;

    fn fresh(seed: u8) -> P256KeyExchange {
        P256KeyExchange::generate(&mut DeterministicRng::from_seed([seed; 32])).unwrap()
    }

    #[test]
    fn refuses_bad_points() {
        let good = fresh(2).public_key().to_vec();
        // Identity (SEC1 encodes it as the single byte 0x00).
        assert_eq!(
            fresh(1).complete(&[0x00]).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Compressed form of a valid point.
        let mut compressed = vec![0x02 | (good[64] & 1)];
        compressed.extend_from_slice(&good[1..33]);
        assert!(p256::PublicKey::from_sec1_bytes(&compressed).is_ok());
        assert_eq!(
            fresh(1).complete(&compressed).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Off the curve: change y.
        let mut off = good.clone();
        off[64] ^= 1;
        assert_eq!(
            fresh(1).complete(&off).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Wrong lengths and prefix.
        assert_eq!(
            fresh(1).complete(&good[..64]).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        let mut long = good.clone();
        long.push(0);
        assert_eq!(
            fresh(1).complete(&long).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        assert_eq!(
            fresh(1).complete(&[]).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        let mut hybrid = good.clone();
        hybrid[0] = 0x06 | (good[64] & 1);
        assert_eq!(
            fresh(1).complete(&hybrid).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // All-zero coordinates with the 0x04 prefix.
        let mut zeros = [0u8; 65];
        zeros[0] = 4;
        assert_eq!(
            fresh(1).complete(&zeros).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        assert_eq!(
            Error::InvalidPeerPublicKey.alert().as_str(),
            "illegal_parameter"
        );
        // And the valid point works.
        assert!(fresh(1).complete(&good).is_ok());
    }

    #[test]
    fn shared_secret_keeps_leading_zero() {
        // About 1 in 256 exchanges has a leading zero byte in x; search a
        // bounded number of deterministic seeds for one.
        let peer = fresh(0xee);
        let peer_pub = peer.public_key().to_vec();
        let mut found = false;
        for i in 0u32..4096 {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&i.to_be_bytes());
            let ours = P256KeyExchange::generate(&mut DeterministicRng::from_seed(seed)).unwrap();
            let secret = ours.complete(&peer_pub).unwrap();
            assert_eq!(secret.expose().len(), 32);
            if secret.expose()[0] == 0 {
                found = true;
                break;
            }
        }
        assert!(found, "no leading-zero secret within the bound");
    }
}
