//! The AWS-LC provider (feature `aws-lc`), through aws-lc-rs: AEADs, key exchange and
//! signatures on AWS-LC's assembly; SHA-2, HMAC and the static RSA premaster from the
//! RustCrypto provider (docs/ARCHITECTURE.md, "Crypto providers": RustCrypto's SHA-NI
//! hashing measured as fast or faster here, and AWS-LC's PKCS#1 v1.5 decryption has no
//! implicit rejection, so the RFC 5246 7.4.7.1 path stays the one in [`crate::rsa_kx`]).
//!
//! Differences a caller can see, none on the wire:
//! - ECDSA signatures use AWS-LC's randomized nonces, not RFC 6979: replaying a handshake
//!   from a [`DeterministicRng`](crate::DeterministicRng) seed gives the same messages
//!   except those signatures. PSS salts come from AWS-LC's generator too.
//! - ECDSA P-256 with SHA-384 or SHA-512, and P-384 with SHA-256 or SHA-512 (TLS 1.2
//!   allows any ECDSA hash on any curve) are signed by RustCrypto: AWS-LC signs only a
//!   curve's own hash. It verifies every pairing.
//!
//! The key exchange reads its private keys from the caller's generator like the RustCrypto
//! provider, so the same generator output gives the same key shares under both.

mod aead;
mod signature;

use aws_lc_rs::agreement::{self, UnparsedPublicKey};
use zeroize::Zeroizing;

use super::{CryptoProvider, KxProvider, KxSession, RandomSource, rustcrypto};
use crate::error::{Error, Result};
use crate::kx::NamedGroup;
use crate::rand::SecureRandom;
use crate::secret::SharedSecret;

/// The AWS-LC provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    name: "aws-lc-rs",
    hash: rustcrypto::PROVIDER.hash,
    hmac: rustcrypto::PROVIDER.hmac,
    aead: &aead::Aeads,
    kx: &Groups,
    signature: &signature::Signatures,
    rsa_kx: rustcrypto::PROVIDER.rsa_kx,
    random: &AwsLcRandom,
};

/// AWS-LC's generator (CTR-DRBG seeded from the OS).
struct AwsLcRandom;

impl RandomSource for AwsLcRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        aws_lc_rs::rand::fill(buf).map_err(|_| Error::RandomFailed)
    }
}

/// X25519, secp256r1 and secp384r1 on AWS-LC.
struct Groups;

/// Attempts at drawing a NIST scalar below the group order (as the RustCrypto provider).
const SCALAR_ATTEMPTS: usize = 64;

impl KxProvider for Groups {
    fn start(&self, group: NamedGroup, rng: &mut dyn SecureRandom) -> Result<Box<dyn KxSession>> {
        let (alg, len) = algorithm(group);
        let mut scalar = Zeroizing::new([0u8; 48]);
        let bytes = scalar.get_mut(..len).ok_or(Error::Internal)?;
        // The private key is the generator's output, as in the RustCrypto provider: 32
        // bytes for X25519 (clamped by AWS-LC), a big-endian scalar for the NIST curves,
        // drawn again while zero or not below the order.
        for _ in 0..SCALAR_ATTEMPTS {
            rng.fill(bytes)?;
            if let Ok(key) = agreement::PrivateKey::from_private_key(alg, bytes) {
                let public = key.compute_public_key().map_err(|_| Error::Internal)?;
                return Ok(Box::new(Session {
                    group,
                    public: public.as_ref().to_vec(),
                    key,
                }));
            }
            if group == NamedGroup::X25519 {
                break;
            }
        }
        Err(Error::RandomFailed)
    }
}

fn algorithm(group: NamedGroup) -> (&'static agreement::Algorithm, usize) {
    match group {
        NamedGroup::X25519 => (&agreement::X25519, 32),
        NamedGroup::Secp256r1 => (&agreement::ECDH_P256, 32),
        NamedGroup::Secp384r1 => (&agreement::ECDH_P384, 48),
    }
}

/// An ephemeral key pair; AWS-LC wipes the private key when it frees it.
struct Session {
    group: NamedGroup,
    key: agreement::PrivateKey,
    public: Vec<u8>,
}

impl KxSession for Session {
    fn group(&self) -> NamedGroup {
        self.group
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret> {
        let (alg, _) = algorithm(self.group);
        // AWS-LC checks NIST points against the curve (RFC 8422 5.11) and refuses an
        // all-zero X25519 result (RFC 7748 6.1); the length and form were checked already,
        // so an X25519 failure can only be a low-order point.
        let refused = if self.group == NamedGroup::X25519 {
            Error::NonContributoryKeyExchange
        } else {
            Error::InvalidPeerPublicKey
        };
        agreement::agree(
            &self.key,
            UnparsedPublicKey::new(alg, peer_public_key),
            refused,
            |z| Ok(SharedSecret::from_slice(z)),
        )
    }
}
