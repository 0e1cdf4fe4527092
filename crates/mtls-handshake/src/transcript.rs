//! The handshake transcript: every handshake message as sent or received, in order.

use mtls_crypto::{Digest, Hash, HashAlgorithm};

/// The messages of this handshake, kept two ways: the raw bytes, because a CertificateVerify
/// signs "all handshake messages sent or received" with the signature scheme's own hash
/// (RFC 5246 7.4.8), which may differ from the PRF hash; and a running PRF hash, forked at
/// each point the protocol needs one (EMS session hash, each Finished).
///
/// HelloRequest is never added (RFC 5246 7.4.1.1), nor ChangeCipherSpec (not a handshake
/// message).
///
/// The raw bytes are kept only while a CertificateVerify may still be signed or checked:
/// [`Transcript::release_raw`] drops them (a few KiB per handshake, the largest part of a
/// connection's heap between flights; mtls-bench's peak rows) and from then on only the
/// running hash is fed.
pub struct Transcript {
    raw: Vec<u8>,
    keep_raw: bool,
    hash: Option<Hash>,
}

impl Default for Transcript {
    fn default() -> Self {
        Self {
            raw: Vec::new(),
            keep_raw: true,
            hash: None,
        }
    }
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
        if self.keep_raw {
            self.raw.extend_from_slice(message);
        }
        if let Some(h) = &mut self.hash {
            h.update(message);
        }
    }

    /// All messages so far, for CertificateVerify. Empty after [`Transcript::release_raw`].
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Stops keeping the raw messages, once no CertificateVerify will need them. Call it only
    /// after [`Transcript::start_hash`]: from here on the running hash is the transcript.
    pub fn release_raw(&mut self) {
        if self.hash.is_some() {
            self.keep_raw = false;
            self.raw = Vec::new();
        }
    }

    /// True while the raw messages are kept.
    pub fn keeps_raw(&self) -> bool {
        self.keep_raw
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releasing_the_raw_messages_leaves_the_prf_hash_unchanged() {
        let (mut kept, mut released) = (Transcript::default(), Transcript::default());
        for t in [&mut kept, &mut released] {
            t.add(b"client hello");
            t.start_hash(HashAlgorithm::Sha256);
            t.add(b"server hello");
        }
        released.release_raw();
        assert!(released.raw().is_empty() && !released.keeps_raw());
        for t in [&mut kept, &mut released] {
            t.add(b"finished");
        }
        assert!(
            released.raw().is_empty(),
            "nothing is buffered after the release"
        );
        assert_eq!(kept.raw(), b"client helloserver hellofinished");
        assert_eq!(kept.current_hash(), released.current_hash());
        assert_eq!(kept.hash_with(b"x"), released.hash_with(b"x"));
    }

    #[test]
    fn raw_messages_are_kept_until_the_hash_has_started() {
        let mut t = Transcript::default();
        t.add(b"client hello");
        // Before the suite is known the raw bytes are the only transcript.
        t.release_raw();
        assert!(t.keeps_raw());
        assert_eq!(t.raw(), b"client hello");
    }
}
