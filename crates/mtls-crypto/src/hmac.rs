//! HMAC-SHA256 and HMAC-SHA384 (RFC 2104), the building block of the TLS 1.2
//! PRF's P_hash (RFC 5246 5).

use core::fmt;

use crate::hash::{Digest, HashAlgorithm};
use crate::provider::rustcrypto::hash::{HmacState, is_hmac};
use crate::provider::{HmacContext, HmacProvider, default_provider};

/// A keyed HMAC state from a provider's table: RustCrypto's inline (the PRF forks it twice
/// per output block, and a fork is then a copy), any other provider's boxed.
#[allow(clippy::large_enum_variant)]
enum HmacInner {
    RustCrypto(HmacState),
    Boxed(Box<dyn HmacContext>),
}

/// A keyed HMAC computation (RFC 2104) over SHA-256 or SHA-384, on a provider's
/// implementation ([`CryptoProvider::hmac`](crate::provider::CryptoProvider::hmac)).
///
/// Keying costs two compression-function calls; [`Hmac::fork`] copies the
/// keyed state so the PRF's P_hash (RFC 5246 5) keys once and computes every
/// A(i) and output block from copies. No `Debug` of the key state, which the
/// provider wipes on drop.
pub struct Hmac {
    alg: HashAlgorithm,
    ctx: HmacInner,
}

impl Hmac {
    /// Keys an HMAC with the [default provider](crate::provider::default_provider). Any key
    /// length is valid (RFC 2104 2: longer keys are hashed first, shorter ones zero-padded).
    pub fn new(alg: HashAlgorithm, key: &[u8]) -> Self {
        default_provider().hmac(alg, key)
    }

    pub(crate) fn keyed(table: &dyn HmacProvider, alg: HashAlgorithm, key: &[u8]) -> Self {
        let ctx = if is_hmac(table) {
            HmacInner::RustCrypto(HmacState::new(alg, key))
        } else {
            HmacInner::Boxed(table.key(alg, key))
        };
        Self { alg, ctx }
    }

    /// Which hash this HMAC uses.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.ctx {
            HmacInner::RustCrypto(m) => m.update(data),
            HmacInner::Boxed(m) => m.update(data),
        }
    }

    /// A copy of the keyed (and possibly partly fed) state, without re-keying (and without
    /// an allocation on the RustCrypto HMAC).
    pub fn fork(&self) -> Hmac {
        let ctx = match &self.ctx {
            HmacInner::RustCrypto(m) => HmacInner::RustCrypto(m.clone()),
            HmacInner::Boxed(m) => HmacInner::Boxed(m.fork()),
        };
        Hmac { alg: self.alg, ctx }
    }

    /// Finishes the MAC.
    pub fn finish(self) -> Digest {
        match self.ctx {
            HmacInner::RustCrypto(m) => m.finish(),
            HmacInner::Boxed(m) => m.finish(),
        }
    }

    /// One-shot HMAC of `data` under `key`, with the
    /// [default provider](crate::provider::default_provider).
    pub fn mac(alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Digest {
        default_provider().mac(alg, key, data)
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
        hex::encode(d.as_slice())
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
