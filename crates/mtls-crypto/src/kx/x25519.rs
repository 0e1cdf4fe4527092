//! ECDHE over X25519 (RFC 7748, RFC 8422 5.11).

use super::{ActiveKeyExchange, NamedGroup};
use crate::error::{Error, Result};
use crate::rand::SecureRandom;
use crate::secret::SharedSecret;

/// Length of an X25519 public value and of its output.
const KEY_LEN: usize = 32;

/// An ephemeral X25519 key pair awaiting the peer's public value.
pub struct X25519KeyExchange {
    // `StaticSecret` is x25519-dalek's "from bytes" secret (the ephemeral
    // type only takes a rand_core RNG); it is used once here and zeroizes
    // itself on drop.
    secret: x25519_dalek::StaticSecret,
    public: [u8; KEY_LEN],
}

impl X25519KeyExchange {
    /// Draws 32 random bytes as the private key (clamped at use, RFC 7748 5).
    pub fn generate(rng: &mut dyn SecureRandom) -> Result<Self> {
        let mut bytes = zeroize::Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(bytes.as_mut())?;
        let secret = x25519_dalek::StaticSecret::from(*bytes);
        let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
        Ok(Self { secret, public })
    }
}

impl ActiveKeyExchange for X25519KeyExchange {
    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self, peer_public_key: &[u8]) -> Result<SharedSecret> {
        let peer: [u8; KEY_LEN] = peer_public_key
            .try_into()
            .map_err(|_| Error::InvalidPeerPublicKey)?;
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(peer));
        // A low-order peer point yields all zeros; RFC 8422 5.11 and RFC 7748
        // 6.1 require refusing it (checked in constant time by the crate).
        if !shared.was_contributory() {
            return Err(Error::NonContributoryKeyExchange);
        }
        Ok(SharedSecret::from_slice(shared.as_bytes()))
    }
}

impl core::fmt::Debug for X25519KeyExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("X25519KeyExchange").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rand::DeterministicRng;

    fn fresh() -> X25519KeyExchange {
        X25519KeyExchange::generate(&mut DeterministicRng::from_seed([5; 32])).unwrap()
    }

    #[test]
    fn rfc7748_6_1_vector() {
        // Alice's private key and Bob's public key from RFC 7748 6.1.
        let alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let bob_pub = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let mut rng = FixedRng(alice.clone());
        let kx = X25519KeyExchange::generate(&mut rng).unwrap();
        assert_eq!(
            kx.public_key(),
            &hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")[..]
        );
        let z = kx.complete(&bob_pub).unwrap();
        assert_eq!(
            z.expose(),
            &hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")[..]
        );
    }

    #[test]
    fn refuses_low_order_and_wrong_length() {
        // u = 0 and u = 1 are low-order points: the output is all zeros.
        let mut one = [0u8; 32];
        one[0] = 1;
        for low in [[0u8; 32], one] {
            assert_eq!(
                fresh().complete(&low).err(),
                Some(Error::NonContributoryKeyExchange)
            );
        }
        assert_eq!(
            Error::NonContributoryKeyExchange.alert().as_str(),
            "illegal_parameter"
        );
        assert_eq!(
            fresh().complete(&[9; 31]).err(),
            Some(Error::InvalidPeerPublicKey)
        );
        assert_eq!(
            fresh().complete(&[9; 33]).err(),
            Some(Error::InvalidPeerPublicKey)
        );
    }

    struct FixedRng(Vec<u8>);
    impl SecureRandom for FixedRng {
        fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
            let n = buf.len();
            buf.copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(())
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }
}
