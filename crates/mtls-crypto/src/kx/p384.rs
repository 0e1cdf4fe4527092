//! ECDHE over secp384r1 (RFC 8422 5.1.1 code point 24, 5.10), with the peer
//! point validated against invalid-curve attacks exactly as for P-256
//! (research/security.md 2.11).

use p384::elliptic_curve::sec1::ToSec1Point as _;

use super::{ActiveKeyExchange, NamedGroup};
use crate::error::{Error, Result};
use crate::rand::SecureRandom;
use crate::secret::SharedSecret;

/// Length of an uncompressed SEC1 P-384 point: 0x04 || x || y (RFC 8422 5.4).
const POINT_LEN: usize = 97;

/// Length of a P-384 scalar and of a field element (the premaster secret).
const SCALAR_LEN: usize = 48;

/// An ephemeral P-384 key pair awaiting the peer's point.
pub struct P384KeyExchange {
    // `SecretKey` zeroizes itself on drop.
    secret: p384::SecretKey,
    public: [u8; POINT_LEN],
}

impl P384KeyExchange {
    /// Draws a private scalar from `rng`: 48 bytes read as a big-endian
    /// integer, retried if it is zero or not below the group order
    /// (rejection sampling, FIPS 186-5 A.2.2; a retry has probability
    /// about 2^-194). Because the scalar *is* the RNG output, a test can
    /// inject a known private key.
    pub fn generate(rng: &mut dyn SecureRandom) -> Result<Self> {
        let mut bytes = zeroize::Zeroizing::new([0u8; SCALAR_LEN]);
        for _ in 0..64 {
            rng.fill(bytes.as_mut())?;
            if let Ok(secret) = p384::SecretKey::from_bytes(&(*bytes).into()) {
                let point = secret.public_key().to_sec1_point(false);
                let public: [u8; POINT_LEN] =
                    point.as_bytes().try_into().map_err(|_| Error::Internal)?;
                return Ok(Self { secret, public });
            }
        }
        Err(Error::RandomFailed)
    }

    /// Parses and validates a peer's ECPoint (RFC 8422 5.4): exactly 97
    /// bytes, uncompressed form (RFC 8422 5.1.2 deprecates the others),
    /// canonical coordinates on the curve. The identity cannot be encoded
    /// in this form; P-384 has cofactor 1, so every such point is in the
    /// prime-order group.
    fn parse_peer(peer: &[u8]) -> Result<p384::PublicKey> {
        if peer.len() != POINT_LEN || peer.first() != Some(&0x04) {
            return Err(Error::InvalidPeerPublicKey);
        }
        p384::PublicKey::from_sec1_bytes(peer).map_err(|_| Error::InvalidPeerPublicKey)
    }
}

impl ActiveKeyExchange for P384KeyExchange {
    fn group(&self) -> NamedGroup {
        NamedGroup::Secp384r1
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self, peer_public_key: &[u8]) -> Result<SharedSecret> {
        let peer = Self::parse_peer(peer_public_key)?;
        let shared = p384::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), peer.as_affine());
        // The premaster is the x-coordinate as a fixed 48-byte string,
        // leading zeros included (RFC 8422 5.10, IEEE 1363 FE2OSP).
        Ok(SharedSecret::from_slice(shared.raw_secret_bytes()))
    }
}

impl core::fmt::Debug for P384KeyExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("P384KeyExchange").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rand::DeterministicRng;

    fn fresh(seed: u8) -> P384KeyExchange {
        P384KeyExchange::generate(&mut DeterministicRng::from_seed([seed; 32])).unwrap()
    }

    #[test]
    fn rfc8422_5_4_public_key_is_uncompressed_97_bytes() {
        let kx = fresh(3);
        assert_eq!(kx.public_key().len(), POINT_LEN);
        assert_eq!(kx.public_key()[0], 0x04);
        assert!(p384::PublicKey::from_sec1_bytes(kx.public_key()).is_ok());
    }

    /// RFC 8422 5.4 / research/security.md 2.11: the peer point must be an
    /// uncompressed point on the curve, else `illegal_parameter`.
    #[test]
    fn refuses_bad_points() {
        let good = fresh(2).public_key().to_vec();
        // Identity (SEC1 encodes it as the single byte 0x00).
        assert_eq!(
            fresh(1).complete(&[0x00]).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Compressed form of a valid point.
        let mut compressed = vec![0x02 | (good[96] & 1)];
        compressed.extend_from_slice(&good[1..49]);
        assert!(p384::PublicKey::from_sec1_bytes(&compressed).is_ok());
        assert_eq!(
            fresh(1).complete(&compressed).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Off the curve: change y.
        let mut off = good.clone();
        off[96] ^= 1;
        assert_eq!(
            fresh(1).complete(&off).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Wrong lengths and prefix.
        assert_eq!(
            fresh(1).complete(&good[..96]).err(),
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
        hybrid[0] = 0x06 | (good[96] & 1);
        assert_eq!(
            fresh(1).complete(&hybrid).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // A P-256 point (65 bytes) is the wrong length for this group.
        let p256_point =
            super::super::P256KeyExchange::generate(&mut DeterministicRng::from_seed([2; 32]))
                .unwrap()
                .public_key()
                .to_vec();
        assert_eq!(
            fresh(1).complete(&p256_point).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // All-zero coordinates with the 0x04 prefix.
        let mut zeros = [0u8; POINT_LEN];
        zeros[0] = 4;
        assert_eq!(
            fresh(1).complete(&zeros).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        // Coordinates not below the field prime (x = y = 2^384 - 1).
        let mut big = [0xffu8; POINT_LEN];
        big[0] = 4;
        assert_eq!(
            fresh(1).complete(&big).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        assert_eq!(
            Error::InvalidPeerPublicKey.alert().as_str(),
            "illegal_parameter"
        );
        // And the valid point works.
        assert!(fresh(1).complete(&good).is_ok());
    }

    /// RFC 8422 5.10: the premaster is x as a 48-byte string, leading zero
    /// bytes kept.
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
            let ours = P384KeyExchange::generate(&mut DeterministicRng::from_seed(seed)).unwrap();
            let secret = ours.complete(&peer_pub).unwrap();
            assert_eq!(secret.expose().len(), SCALAR_LEN);
            if secret.expose()[0] == 0 {
                found = true;
                break;
            }
        }
        assert!(found, "no leading-zero secret within the bound");
    }
}
