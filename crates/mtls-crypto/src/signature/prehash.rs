//! Running hashes for signatures over a message that arrives piece by piece: a TLS 1.2
//! CertificateVerify signs every handshake message so far with the scheme's own hash
//! (RFC 5246 7.4.8), so the handshake can feed the messages as they pass instead of keeping
//! them all for a one-shot signature.

use super::SignatureHash;
use crate::hash::HashInner;
use crate::provider::default_provider;

/// A running [`SignatureHash`] on a provider's hash
/// ([`CryptoProvider::signature_hasher`](crate::provider::CryptoProvider::signature_hasher));
/// [`SignatureHasher::finish`] gives the digest that
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
pub struct SignatureHasher {
    hash: SignatureHash,
    ctx: HashInner,
}

impl SignatureHasher {
    /// An empty running hash, with the [default provider](crate::provider::default_provider).
    pub fn new(hash: SignatureHash) -> Self {
        default_provider().signature_hasher(hash)
    }

    pub(crate) fn from_inner(hash: SignatureHash, ctx: HashInner) -> Self {
        Self { hash, ctx }
    }

    /// Which hash this is.
    pub fn hash(&self) -> SignatureHash {
        self.hash
    }

    /// Feeds more of the message.
    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    /// The digest of everything fed so far; the hasher can go on being fed.
    pub fn finish(&self) -> Vec<u8> {
        self.ctx.fork().finish().as_slice().to_vec()
    }
}

impl Clone for SignatureHasher {
    fn clone(&self) -> Self {
        Self {
            hash: self.hash,
            ctx: self.ctx.fork(),
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
