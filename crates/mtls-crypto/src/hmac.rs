//! HMAC-SHA256 and HMAC-SHA384 (RFC 2104), the building block of the TLS 1.2
//! PRF's P_hash (RFC 5246 5).

use core::fmt;

use hmac::{KeyInit as _, Mac as _};

use crate::hash::{Digest, HashAlgorithm};

/// The keyed state of one of the two HMACs. `hmac::Hmac` keeps only the
/// precomputed inner/outer hash states, never the raw key; with the
/// `zeroize` feature of `hmac`/`sha2` enabled those states are wiped on drop.
#[derive(Clone)]
enum State {
    Sha256(hmac::Hmac<sha2::Sha256>),
    Sha384(hmac::Hmac<sha2::Sha384>),
}

/// A keyed HMAC computation (RFC 2104) over SHA-256 or SHA-384.
///
/// Keying costs two compression-function calls; [`Hmac::fork`] copies the
/// keyed state so the PRF's P_hash (RFC 5246 5) keys once and computes every
/// A(i) and output block from copies. No `Debug` of the key state.
pub struct Hmac {
    state: State,
}

impl Hmac {
    /// Keys an HMAC. Any key length is valid (RFC 2104 2: longer keys are
    /// hashed first, shorter ones zero-padded).
    pub fn new(alg: HashAlgorithm, key: &[u8]) -> Self {
        // `new_from_slice` on HMAC accepts every key length, so the error arm
        // cannot happen; falling back to the empty key would still be a valid
        // HMAC, never a panic.
        let state = match alg {
            HashAlgorithm::Sha256 => State::Sha256(
                hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
                    .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha256>::new(&Default::default())),
            ),
            HashAlgorithm::Sha384 => State::Sha384(
                hmac::Hmac::<sha2::Sha384>::new_from_slice(key)
                    .unwrap_or_else(|_| hmac::Hmac::<sha2::Sha384>::new(&Default::default())),
            ),
        };
        Self { state }
    }

    /// Which hash this HMAC uses.
    pub fn algorithm(&self) -> HashAlgorithm {
        match self.state {
            State::Sha256(_) => HashAlgorithm::Sha256,
            State::Sha384(_) => HashAlgorithm::Sha384,
        }
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Sha256(m) => m.update(data),
            State::Sha384(m) => m.update(data),
        }
    }

    /// A copy of the keyed (and possibly partly fed) state, without re-keying.
    pub fn fork(&self) -> Hmac {
        Hmac {
            state: self.state.clone(),
        }
    }

    /// Finishes the MAC.
    pub fn finish(self) -> Digest {
        match self.state {
            State::Sha256(m) => Digest::from_output(&m.finalize().into_bytes()),
            State::Sha384(m) => Digest::from_output(&m.finalize().into_bytes()),
        }
    }

    /// One-shot HMAC of `data` under `key`.
    pub fn mac(alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Digest {
        // Straight to the concrete type: no enum state to build and move.
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

impl fmt::Debug for Hmac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hmac")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: &Digest) -> String {
        d.as_slice().iter().map(|b| format!("{b:02x}")).collect()
    }

    // RFC 4231 test case 2 (key "Jefe").
    #[test]
    fn rfc4231_case2() {
        let data = b"what do ya want for nothing?";
        assert_eq!(
            hex(&Hmac::mac(HashAlgorithm::Sha256, b"Jefe", data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&Hmac::mac(HashAlgorithm::Sha384, b"Jefe", data)),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
             8e2240ca5e69e2c78b3239ecfab21649"
        );
    }

    // RFC 4231 test case 6: a 131-byte key, longer than the block, is hashed first.
    #[test]
    fn rfc4231_case6_long_key() {
        let key = [0xaa; 131];
        assert_eq!(
            hex(&Hmac::mac(
                HashAlgorithm::Sha256,
                &key,
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn fork_reuses_key() {
        let mut m = Hmac::new(HashAlgorithm::Sha384, b"key");
        let base = m.fork();
        m.update(b"one");
        let mut other = base.fork();
        other.update(b"two");
        assert_eq!(m.finish(), Hmac::mac(HashAlgorithm::Sha384, b"key", b"one"));
        assert_eq!(
            other.finish(),
            Hmac::mac(HashAlgorithm::Sha384, b"key", b"two")
        );
        assert_eq!(base.algorithm(), HashAlgorithm::Sha384);
        assert!(!format!("{base:?}").contains("key"));
    }
}
