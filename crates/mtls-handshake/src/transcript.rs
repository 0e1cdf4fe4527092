//! The handshake transcript: every handshake message as sent or received, in order.

use mtls_crypto::{Digest, Hash, HashAlgorithm};

/// The messages of this handshake, kept two ways: the raw bytes, because a CertificateVerify
/// signs "all handshake messages sent or received" with the signature scheme's own hash
/// (RFC 5246 7.4.8), which may differ from the PRF hash; and a running PRF hash, forked at
/// each point the protocol needs one (EMS session hash, each Finished).
///
/// HelloRequest is never added (RFC 5246 7.4.1.1), nor ChangeCipherSpec (not a handshake
/// message).
#[derive(Default)]
pub struct Transcript {
    raw: Vec<u8>,
    hash: Option<Hash>,
}

impl Transcript {
    /// Starts the running hash once the suite (hence the PRF hash) is known.
    pub fn start_hash(&mut self, alg: HashAlgorithm) {
        let mut h = Hash::new(alg);
        h.update(&self.raw);
        self.hash = Some(h);
    }

    /// Appends one handshake message, header included.
    pub fn add(&mut self, message: &[u8]) {
        self.raw.extend_from_slice(message);
        if let Some(h) = &mut self.hash {
            h.update(message);
        }
    }

    /// All messages so far, for CertificateVerify.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The PRF hash of everything so far (Finished, RFC 5246 7.4.9). `None` before
    /// [`Transcript::start_hash`].
    pub fn current_hash(&self) -> Option<Digest> {
        self.hash.as_ref().map(|h| h.fork().finish())
    }

    /// The PRF hash of everything so far plus `next`, without adding it: the EMS session
    /// hash covers the ClientKeyExchange being processed (RFC 7627 3).
    pub fn hash_with(&self, next: &[u8]) -> Option<Digest> {
        self.hash.as_ref().map(|h| {
            let mut f = h.fork();
            f.update(next);
            f.finish()
        })
    }
}
