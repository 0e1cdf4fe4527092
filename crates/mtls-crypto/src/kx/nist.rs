//! ECDHE over the NIST prime curves secp256r1 and secp384r1 (RFC 8422 5.1.1 code points 23
//! and 24, 5.10), with the peer point validated against invalid-curve attacks
//! (docs/SECURITY.md, "Invalid curve points"). One implementation for both: the curves
//! differ only in size.

use p256::elliptic_curve::sec1::{FromSec1Point, ModulusSize, Sec1Point, ToSec1Point};
use p256::elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytes, FieldBytesSize};
use p256::elliptic_curve::{PublicKey, SecretKey};

use super::{ActiveKeyExchange, NamedGroup};
use crate::error::{Error, Result};
use crate::rand::SecureRandom;
use crate::secret::SharedSecret;

/// A NIST curve we do ECDHE on, with its TLS group.
pub trait NistCurve: CurveArithmetic {
    /// The TLS NamedGroup.
    const GROUP: NamedGroup;
}

impl NistCurve for p256::NistP256 {
    const GROUP: NamedGroup = NamedGroup::Secp256r1;
}

impl NistCurve for p384::NistP384 {
    const GROUP: NamedGroup = NamedGroup::Secp384r1;
}

/// An ephemeral key pair on curve `C` awaiting the peer's point.
pub struct NistKeyExchange<C: NistCurve>
where
    FieldBytesSize<C>: ModulusSize,
{
    // `SecretKey` zeroizes itself on drop.
    secret: SecretKey<C>,
    /// Our point, uncompressed (RFC 8422 5.4).
    public: Sec1Point<C>,
}

/// ECDHE on secp256r1.
pub type P256KeyExchange = NistKeyExchange<p256::NistP256>;

/// ECDHE on secp384r1.
pub type P384KeyExchange = NistKeyExchange<p384::NistP384>;

impl<C: NistCurve> NistKeyExchange<C>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    /// Length of an uncompressed SEC1 point: 0x04 || x || y (65 bytes on P-256, 97 on P-384).
    const POINT_LEN: usize =
        1 + 2 * <FieldBytesSize<C> as p256::elliptic_curve::array::typenum::Unsigned>::USIZE;

    /// Draws a private scalar from `rng`: a field-sized big-endian integer, retried if it is
    /// zero or not below the group order (rejection sampling, FIPS 186-5 A.2.2; a retry has
    /// probability about 2^-32 on P-256, 2^-194 on P-384). Because the scalar *is* the RNG
    /// output, a test can inject a known private key.
    pub fn generate(rng: &mut dyn SecureRandom) -> Result<Self> {
        let mut bytes = zeroize::Zeroizing::new(FieldBytes::<C>::default());
        for _ in 0..64 {
            rng.fill(bytes.as_mut_slice())?;
            if let Ok(secret) = SecretKey::<C>::from_bytes(&bytes) {
                let public = secret.public_key().to_sec1_point(false);
                return Ok(Self { secret, public });
            }
        }
        Err(Error::RandomFailed)
    }

    /// Parses and validates a peer's ECPoint (RFC 8422 5.4): exactly the uncompressed length,
    /// uncompressed form (RFC 8422 5.1.2 deprecates the others), canonical coordinates on the
    /// curve. The identity cannot be encoded in this form; both curves have cofactor 1, so
    /// every such point is in the prime-order group.
    fn parse_peer(peer: &[u8]) -> Result<PublicKey<C>> {
        if peer.len() != Self::POINT_LEN || peer.first() != Some(&0x04) {
            return Err(Error::InvalidPeerPublicKey);
        }
        PublicKey::<C>::from_sec1_bytes(peer).map_err(|_| Error::InvalidPeerPublicKey)
    }
}

impl<C: NistCurve> ActiveKeyExchange for NistKeyExchange<C>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    fn group(&self) -> NamedGroup {
        C::GROUP
    }

    fn public_key(&self) -> &[u8] {
        self.public.as_bytes()
    }

    fn complete(self, peer_public_key: &[u8]) -> Result<SharedSecret> {
        let peer = Self::parse_peer(peer_public_key)?;
        let shared = p256::elliptic_curve::ecdh::diffie_hellman(
            self.secret.to_nonzero_scalar(),
            peer.as_affine(),
        );
        // The premaster is the x-coordinate as a fixed field-sized string, leading zeros
        // included (RFC 8422 5.10, IEEE 1363 FE2OSP).
        Ok(SharedSecret::from_slice(shared.raw_secret_bytes()))
    }
}

impl<C: NistCurve> core::fmt::Debug for NistKeyExchange<C>
where
    FieldBytesSize<C>: ModulusSize,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NistKeyExchange")
            .field("group", &C::GROUP)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rand::DeterministicRng;

    fn fresh<C: NistCurve>(seed: u8) -> NistKeyExchange<C>
    where
        FieldBytesSize<C>: ModulusSize,
        AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    {
        NistKeyExchange::<C>::generate(&mut DeterministicRng::from_seed([seed; 32])).unwrap()
    }

    /// RFC 8422 5.4: our point is uncompressed, of the curve's length.
    #[test]
    fn rfc8422_5_4_public_key_is_uncompressed() {
        let kx = fresh::<p256::NistP256>(3);
        assert_eq!(kx.public_key().len(), 65);
        assert_eq!(kx.public_key()[0], 0x04);
        assert!(p256::PublicKey::from_sec1_bytes(kx.public_key()).is_ok());
        let kx = fresh::<p384::NistP384>(3);
        assert_eq!(kx.public_key().len(), 97);
        assert_eq!(kx.public_key()[0], 0x04);
        assert!(p384::PublicKey::from_sec1_bytes(kx.public_key()).is_ok());
    }

    /// RFC 8422 5.4 (docs/SECURITY.md, "Invalid curve points"): the peer point must be an
    /// uncompressed point on the curve, else `illegal_parameter`. `other` is a valid point of the other curve.
    fn refuses_bad_points_on<C: NistCurve>(other: &[u8])
    where
        FieldBytesSize<C>: ModulusSize,
        AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    {
        let len = NistKeyExchange::<C>::POINT_LEN;
        let good = fresh::<C>(2).public_key().to_vec();
        let refused = |point: &[u8]| {
            assert_eq!(
                fresh::<C>(1).complete(point).err(),
                Some(Error::InvalidPeerPublicKey),
                "{point:02x?}"
            );
        };
        // Identity (SEC1 encodes it as the single byte 0x00).
        refused(&[0x00]);
        // Compressed form of a valid point.
        let mut compressed = vec![0x02 | (good[len - 1] & 1)];
        compressed.extend_from_slice(&good[1..1 + (len - 1) / 2]);
        assert!(PublicKey::<C>::from_sec1_bytes(&compressed).is_ok());
        refused(&compressed);
        // Off the curve: change y.
        let mut off = good.clone();
        off[len - 1] ^= 1;
        refused(&off);
        // Wrong lengths and prefix.
        refused(&good[..len - 1]);
        let mut long = good.clone();
        long.push(0);
        refused(&long);
        refused(&[]);
        let mut hybrid = good.clone();
        hybrid[0] = 0x06 | (good[len - 1] & 1);
        refused(&hybrid);
        // The other curve's point is the wrong length for this group.
        refused(other);
        // All-zero coordinates with the 0x04 prefix.
        let mut zeros = vec![0u8; len];
        zeros[0] = 4;
        refused(&zeros);
        // Coordinates not below the field prime (all ones).
        let mut big = vec![0xffu8; len];
        big[0] = 4;
        refused(&big);
        assert_eq!(
            Error::InvalidPeerPublicKey.alert().as_str(),
            "illegal_parameter"
        );
        // And the valid point works.
        assert!(fresh::<C>(1).complete(&good).is_ok());
    }

    #[test]
    fn refuses_bad_points() {
        let p256_point = fresh::<p256::NistP256>(2).public_key().to_vec();
        let p384_point = fresh::<p384::NistP384>(2).public_key().to_vec();
        refuses_bad_points_on::<p256::NistP256>(&p384_point);
        refuses_bad_points_on::<p384::NistP384>(&p256_point);
    }

    /// RFC 8422 5.10: the premaster is x as a field-sized string, leading zero bytes kept.
    fn keeps_leading_zero_on<C: NistCurve>(field_len: usize)
    where
        FieldBytesSize<C>: ModulusSize,
        AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    {
        // About 1 in 256 exchanges has a leading zero byte in x; search a bounded number of
        // deterministic seeds for one.
        let peer_pub = fresh::<C>(0xee).public_key().to_vec();
        let mut found = false;
        for i in 0u32..4096 {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&i.to_be_bytes());
            let ours =
                NistKeyExchange::<C>::generate(&mut DeterministicRng::from_seed(seed)).unwrap();
            let secret = ours.complete(&peer_pub).unwrap();
            assert_eq!(secret.expose().len(), field_len);
            if secret.expose()[0] == 0 {
                found = true;
                break;
            }
        }
        assert!(found, "no leading-zero secret within the bound");
    }

    #[test]
    fn shared_secret_keeps_leading_zero() {
        keeps_leading_zero_on::<p256::NistP256>(32);
        keeps_leading_zero_on::<p384::NistP384>(48);
    }
}
