//! Running hashes for signatures over a message that arrives piece by piece: a TLS 1.2
//! CertificateVerify signs every handshake message so far with the scheme's own hash
//! (RFC 5246 7.4.8), so the handshake can feed the messages as they pass instead of keeping
//! them all for a one-shot signature.

use sha2::Digest as _;

use super::SignatureHash;
use crate::hash::{Hash, HashAlgorithm};

/// The PRF's SHA-256 / SHA-384 running hash ([`Hash`]), plus SHA-512, which only signatures
/// use.
#[derive(Clone)]
enum State {
    Prf(Hash),
    Sha512(sha2::Sha512),
}

/// A running [`SignatureHash`]; [`SignatureHasher::finish`] gives the digest that
/// [`SigningKey::sign_prehashed`](super::SigningKey::sign_prehashed) and
/// [`VerifyingKey::verify_prehashed`](super::VerifyingKey::verify_prehashed) take.
///
/// ```
/// use mtls_crypto::signature::{SignatureHash, SignatureHasher};
///
/// let mut h = SignatureHasher::new(SignatureHash::Sha384);
/// h.update(b"client hello");
/// h.update(b"server hello");
/// assert_eq!(h.finish().len(), 48);
/// ```
#[derive(Clone)]
pub struct SignatureHasher {
    state: State,
}

impl SignatureHasher {
    /// An empty running hash.
    pub fn new(hash: SignatureHash) -> Self {
        let state = match hash.as_hash_algorithm() {
            Some(alg) => State::Prf(Hash::new(alg)),
            None => State::Sha512(sha2::Sha512::new()),
        };
        Self { state }
    }

    /// Which hash this is.
    pub fn hash(&self) -> SignatureHash {
        match &self.state {
            State::Prf(h) => match h.algorithm() {
                HashAlgorithm::Sha256 => SignatureHash::Sha256,
                HashAlgorithm::Sha384 => SignatureHash::Sha384,
            },
            State::Sha512(_) => SignatureHash::Sha512,
        }
    }

    /// Feeds more of the message.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Prf(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far; the hasher can go on being fed.
    pub fn finish(&self) -> Vec<u8> {
        match &self.state {
            State::Prf(h) => h.fork().finish().as_ref().to_vec(),
            State::Sha512(h) => h.clone().finalize().to_vec(),
        }
    }
}

impl SignatureHash {
    /// The digest length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}
