//! SHA-2 and HMAC from the `sha2` and `hmac` crates. With their `zeroize` feature the hash
//! and HMAC states (inner and outer keyed states included) are wiped on drop.
//!
//! [`Hash`](crate::Hash), [`Hmac`](crate::Hmac) and
//! [`SignatureHasher`](crate::signature::SignatureHasher) hold these states inline, without a
//! box, when a provider's table is one of the statics below (recognised by address): the
//! transcript and the PRF fork them many times per handshake.

use hmac::{KeyInit as _, Mac as _};
use sha2::Digest as _;

use crate::hash::{Digest, HashAlgorithm};
use crate::provider::{HashContext, HashProvider, HmacContext, HmacProvider};
use crate::signature::SignatureHash;

/// The hash states; forking is a copy of a few hundred bytes.
#[derive(Clone)]
pub(crate) enum HashState {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl HashState {
    pub(crate) fn new(hash: SignatureHash) -> Self {
        match hash {
            SignatureHash::Sha256 => Self::Sha256(sha2::Sha256::new()),
            SignatureHash::Sha384 => Self::Sha384(sha2::Sha384::new()),
            SignatureHash::Sha512 => Self::Sha512(sha2::Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    pub(crate) fn finish(self) -> Digest {
        match self {
            Self::Sha256(h) => Digest::from_output(&h.finalize()),
            Self::Sha384(h) => Digest::from_output(&h.finalize()),
            Self::Sha512(h) => Digest::from_output(&h.finalize()),
        }
    }
}

impl HashContext for HashState {
    fn update(&mut self, data: &[u8]) {
        HashState::update(self, data);
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(self.clone())
    }

    fn finish(self: Box<Self>) -> Digest {
        HashState::finish(*self)
    }
}

/// SHA-256, SHA-384, SHA-512 (FIPS 180-4).
pub(crate) struct Sha2 {
    /// Not zero-sized, so that the static has an address of its own.
    _unique: u8,
}

/// The RustCrypto hash table.
pub(crate) static HASH: Sha2 = Sha2 { _unique: 0 };

impl HashProvider for Sha2 {
    fn start(&self, hash: SignatureHash) -> Box<dyn HashContext> {
        Box::new(HashState::new(hash))
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
pub(crate) enum HmacState {
    Sha256(hmac::Hmac<sha2::Sha256>),
    Sha384(hmac::Hmac<sha2::Sha384>),
}

impl HmacState {
    pub(crate) fn new(alg: HashAlgorithm, key: &[u8]) -> Self {
        // `new_from_slice` on HMAC accepts every key length, so the error arm cannot
        // happen; falling back to the empty key would still be a valid HMAC, never a panic.
        match alg {
            HashAlgorithm::Sha256 => Self::Sha256(
                hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
                    .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha256>::new(&Default::default())),
            ),
            HashAlgorithm::Sha384 => Self::Sha384(
                hmac::Hmac::<sha2::Sha384>::new_from_slice(key)
                    .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha384>::new(&Default::default())),
            ),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(m) => m.update(data),
            Self::Sha384(m) => m.update(data),
        }
    }

    pub(crate) fn finish(self) -> Digest {
        match self {
            Self::Sha256(m) => Digest::from_output(&m.finalize().into_bytes()),
            Self::Sha384(m) => Digest::from_output(&m.finalize().into_bytes()),
        }
    }
}

impl HmacContext for HmacState {
    fn update(&mut self, data: &[u8]) {
        HmacState::update(self, data);
    }

    fn fork(&self) -> Box<dyn HmacContext> {
        Box::new(self.clone())
    }

    fn finish(self: Box<Self>) -> Digest {
        HmacState::finish(*self)
    }
}

/// HMAC-SHA256 and HMAC-SHA384 (RFC 2104).
pub(crate) struct HmacSha2 {
    /// Not zero-sized, so that the static has an address of its own.
    _unique: u8,
}

/// The RustCrypto HMAC table.
pub(crate) static HMAC: HmacSha2 = HmacSha2 { _unique: 0 };

impl HmacProvider for HmacSha2 {
    fn key(&self, alg: HashAlgorithm, key: &[u8]) -> Box<dyn HmacContext> {
        Box::new(HmacState::new(alg, key))
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

/// True when `table` is [`HASH`].
pub(crate) fn is_hash(table: &dyn HashProvider) -> bool {
    core::ptr::addr_eq(table, &HASH)
}

/// True when `table` is [`HMAC`].
pub(crate) fn is_hmac(table: &dyn HmacProvider) -> bool {
    core::ptr::addr_eq(table, &HMAC)
}
