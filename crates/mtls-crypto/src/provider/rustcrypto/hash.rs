//! SHA-2 and HMAC from the `sha2` and `hmac` crates. With their `zeroize` feature the hash
//! and HMAC states (inner and outer keyed states included) are wiped on drop.

use hmac::{KeyInit as _, Mac as _};
use sha2::Digest as _;

use crate::hash::{Digest, HashAlgorithm};
use crate::provider::{HashContext, HashProvider, HmacContext, HmacProvider};
use crate::signature::SignatureHash;

/// The hash states; forking is a copy of a few hundred bytes.
#[derive(Clone)]
enum HashState {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl HashContext for HashState {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(self.clone())
    }

    fn finish(self: Box<Self>) -> Digest {
        match *self {
            Self::Sha256(h) => Digest::from_output(&h.finalize()),
            Self::Sha384(h) => Digest::from_output(&h.finalize()),
            Self::Sha512(h) => Digest::from_output(&h.finalize()),
        }
    }
}

/// SHA-256, SHA-384, SHA-512 (FIPS 180-4).
pub(crate) struct Sha2;

impl HashProvider for Sha2 {
    fn start(&self, hash: SignatureHash) -> Box<dyn HashContext> {
        Box::new(match hash {
            SignatureHash::Sha256 => HashState::Sha256(sha2::Sha256::new()),
            SignatureHash::Sha384 => HashState::Sha384(sha2::Sha384::new()),
            SignatureHash::Sha512 => HashState::Sha512(sha2::Sha512::new()),
        })
    }

    fn digest(&self, hash: SignatureHash, data: &[u8]) -> Digest {
        match hash {
            SignatureHash::Sha256 => Digest::from_output(&sha2::Sha256::digest(data)),
            SignatureHash::Sha384 => Digest::from_output(&sha2::Sha384::digest(data)),
            SignatureHash::Sha512 => Digest::from_output(&sha2::Sha512::digest(data)),
        }
    }
}

/// `hmac::Hmac` keeps only the precomputed inner/outer hash states, never the raw key.
#[derive(Clone)]
enum HmacState {
    Sha256(hmac::Hmac<sha2::Sha256>),
    Sha384(hmac::Hmac<sha2::Sha384>),
}

impl HmacContext for HmacState {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(m) => m.update(data),
            Self::Sha384(m) => m.update(data),
        }
    }

    fn fork(&self) -> Box<dyn HmacContext> {
        Box::new(self.clone())
    }

    fn finish(self: Box<Self>) -> Digest {
        match *self {
            Self::Sha256(m) => Digest::from_output(&m.finalize().into_bytes()),
            Self::Sha384(m) => Digest::from_output(&m.finalize().into_bytes()),
        }
    }
}

/// HMAC-SHA256 and HMAC-SHA384 (RFC 2104).
pub(crate) struct HmacSha2;

impl HmacProvider for HmacSha2 {
    fn key(&self, alg: HashAlgorithm, key: &[u8]) -> Box<dyn HmacContext> {
        // `new_from_slice` on HMAC accepts every key length, so the error arm cannot
        // happen; falling back to the empty key would still be a valid HMAC, never a panic.
        Box::new(match alg {
            HashAlgorithm::Sha256 => HmacState::Sha256(
                hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
                    .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha256>::new(&Default::default())),
            ),
            HashAlgorithm::Sha384 => HmacState::Sha384(
                hmac::Hmac::<sha2::Sha384>::new_from_slice(key)
                    .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha384>::new(&Default::default())),
            ),
        })
    }

    fn mac(&self, alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Digest {
        // Straight to the concrete type: no state to box.
        fn one_shot<D: hmac::digest::block_api::EagerHash>(key: &[u8], data: &[u8]) -> Digest
        where
            hmac::Hmac<D>: hmac::KeyInit + hmac::Mac,
        {
            match <hmac::Hmac<D> as hmac::KeyInit>::new_from_slice(key) {
                Ok(mut m) => {
                    hmac::Mac::update(&mut m, data);
                    Digest::from_output(&hmac::Mac::finalize(m).into_bytes())
                }
                // Unreachable: HMAC takes keys of any length.
                Err(_) => Digest::from_output(&[]),
            }
        }
        match alg {
            HashAlgorithm::Sha256 => one_shot::<sha2::Sha256>(key, data),
            HashAlgorithm::Sha384 => one_shot::<sha2::Sha384>(key, data),
        }
    }
}
