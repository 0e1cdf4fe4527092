//! SHA-256 and SHA-384: the hash functions TLS 1.2 uses for the handshake
//! transcript (RFC 5246 7.4.9), the PRF (RFC 5246 5) and the extended master
//! secret session hash (RFC 7627 3).

use core::fmt;

use crate::provider::rustcrypto::hash::{HashState, is_hash};
use crate::provider::{HashContext, HashProvider, default_provider};
use crate::signature::SignatureHash;

/// Largest output of any supported hash (SHA-512, which only signatures use), in bytes.
pub const MAX_OUTPUT_LEN: usize = 64;

/// A hash function a TLS 1.2 cipher suite names as its PRF hash (RFC 5246 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256 (FIPS 180-4), 32-byte output.
    Sha256,
    /// SHA-384 (FIPS 180-4), 48-byte output.
    Sha384,
}

impl HashAlgorithm {
    /// Output length in bytes: 32 for SHA-256, 48 for SHA-384.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
        }
    }
}

/// A hash or HMAC output, stored inline (no allocation) and sized by the
/// algorithm that produced it.
///
/// Equality is constant time, because a `Digest` is what Finished
/// verify_data and MACs are compared as (RFC 5246 7.4.9).
#[derive(Clone)]
pub struct Digest {
    bytes: [u8; MAX_OUTPUT_LEN],
    len: usize,
}

impl Digest {
    /// Builds a digest from an output slice of at most [`MAX_OUTPUT_LEN`] bytes (longer
    /// input is truncated): what a provider's hash and HMAC return.
    pub fn from_output(out: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_OUTPUT_LEN];
        let len = out.len().min(MAX_OUTPUT_LEN);
        if let (Some(dst), Some(src)) = (bytes.get_mut(..len), out.get(..len)) {
            dst.copy_from_slice(src);
        }
        Self { bytes, len }
    }

    /// The output bytes (32, 48 or 64 of them).
    pub fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for Digest {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq as _;
        // Lengths are public (they follow from the algorithm); contents are not.
        self.as_slice().ct_eq(other.as_slice()).into()
    }
}

impl Eq for Digest {}

impl Drop for Digest {
    // HMAC outputs are PRF intermediates and keys (RFC 5246 5), so wipe them.
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        self.bytes.zeroize();
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", hex::encode(self.as_slice()))
    }
}

/// A running hash state from a provider's table: RustCrypto's inline (the transcript and
/// the signature hashes fork it several times per handshake, and a fork is then a copy),
/// any other provider's boxed.
#[allow(clippy::large_enum_variant)]
pub(crate) enum HashInner {
    RustCrypto(HashState),
    Boxed(Box<dyn HashContext>),
}

impl HashInner {
    pub(crate) fn start(table: &dyn HashProvider, hash: SignatureHash) -> Self {
        if is_hash(table) {
            Self::RustCrypto(HashState::new(hash))
        } else {
            Self::Boxed(table.start(hash))
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::RustCrypto(h) => h.update(data),
            Self::Boxed(h) => h.update(data),
        }
    }

    pub(crate) fn fork(&self) -> Self {
        match self {
            Self::RustCrypto(h) => Self::RustCrypto(h.clone()),
            Self::Boxed(h) => Self::Boxed(h.fork()),
        }
    }

    pub(crate) fn finish(self) -> Digest {
        match self {
            Self::RustCrypto(h) => h.finish(),
            Self::Boxed(h) => h.finish(),
        }
    }
}

/// A running hash, e.g. the handshake transcript hash (RFC 5246 7.4.9),
/// which must be read mid-handshake (CertificateVerify, Finished) and still
/// continue: see [`Hash::fork`]. The state is the provider's
/// ([`CryptoProvider::hash`](crate::provider::CryptoProvider::hash)).
pub struct Hash {
    alg: HashAlgorithm,
    ctx: HashInner,
}

impl Hash {
    /// Starts an empty hash with the [default provider](crate::provider::default_provider).
    pub fn new(alg: HashAlgorithm) -> Self {
        default_provider().hash(alg)
    }

    pub(crate) fn from_inner(alg: HashAlgorithm, ctx: HashInner) -> Self {
        Self { alg, ctx }
    }

    /// Which hash this is.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    /// A copy of the running state (no allocation on the RustCrypto hashes), so the
    /// transcript hash can be finished for Finished / CertificateVerify while the original
    /// keeps absorbing messages.
    pub fn fork(&self) -> Hash {
        Hash {
            alg: self.alg,
            ctx: self.ctx.fork(),
        }
    }

    /// Finishes the hash.
    pub fn finish(self) -> Digest {
        self.ctx.finish()
    }

    /// One-shot hash of `data` with the [default provider](crate::provider::default_provider).
    pub fn digest(alg: HashAlgorithm, data: &[u8]) -> Digest {
        default_provider().digest(alg, data)
    }
}

impl Clone for Hash {
    fn clone(&self) -> Self {
        self.fork()
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hash")
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

    // FIPS 180-4 / NIST CSRC example "abc".
    const ABC_256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const ABC_384: &str = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                           8086072ba1e7cc2358baeca134c825a7";

    #[test]
    fn known_answers() {
        assert_eq!(hex(&Hash::digest(HashAlgorithm::Sha256, b"abc")), ABC_256);
        assert_eq!(hex(&Hash::digest(HashAlgorithm::Sha384, b"abc")), ABC_384);
        assert_eq!(
            Hash::digest(HashAlgorithm::Sha256, b"").as_slice().len(),
            32
        );
        assert_eq!(Hash::digest(HashAlgorithm::Sha384, b"").as_ref().len(), 48);
    }

    #[test]
    fn fork_keeps_running_state() {
        for alg in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
            let mut h = Hash::new(alg);
            assert_eq!(h.algorithm(), alg);
            h.update(b"a");
            let early = h.fork();
            h.update(b"bc");
            assert_eq!(early.finish(), Hash::digest(alg, b"a"));
            assert_eq!(h.finish(), Hash::digest(alg, b"abc"));
        }
    }

    #[test]
    fn digest_equality_and_debug() {
        let a = Hash::digest(HashAlgorithm::Sha256, b"x");
        let b = Hash::digest(HashAlgorithm::Sha256, b"y");
        assert_ne!(a, b);
        assert_ne!(a, Hash::digest(HashAlgorithm::Sha384, b"x"));
        assert!(format!("{a:?}").starts_with("Digest("));
    }
}
