//! The handshake transcript: every handshake message as sent or received, in order.

use mtls_crypto::signature::{SignatureHash, SignatureHasher};
use mtls_crypto::{CryptoProvider, Digest, Hash, HashAlgorithm};

/// What the transcript keeps for a CertificateVerify, which signs "all handshake messages
/// sent or received" with the signature scheme's own hash (RFC 5246 7.4.8), which may differ
/// from the PRF hash.
enum ForSignature {
    /// The raw messages, while the hash a CertificateVerify would use is not known yet.
    Raw(Vec<u8>),
    /// A running hash for each hash a CertificateVerify may still use: the client's one
    /// chosen scheme, or every hash among the schemes the server's CertificateRequest
    /// offered (the server learns which only when the CertificateVerify arrives).
    Hashes(Vec<SignatureHasher>),
    /// Nothing: no CertificateVerify will be signed or checked any more.
    Done,
}

/// The messages of this handshake: a running PRF hash, forked at each point the protocol
/// needs one (EMS session hash, each Finished), and what a CertificateVerify needs.
///
/// The raw bytes are kept only until the CertificateVerify hashes are known (the client's
/// CertificateRequest, the server's ClientHello) and dropped when no CertificateVerify can
/// come; they were the largest part of a connection's heap between flights (mtls-bench's
/// peak rows). rustls and Go keep the raw messages to the end of a client-authenticated
/// handshake instead.
///
/// HelloRequest is never added (RFC 5246 7.4.1.1), nor ChangeCipherSpec (not a handshake
/// message).
pub struct Transcript {
    /// Whose hashes run the transcript.
    provider: &'static CryptoProvider,
    state: State,
}

/// Before the suite is known only the raw messages exist; from then on a running PRF hash.
// Not boxed: a handshake spends nearly all its life in `Hashed`, which the old layout (an
// `Option<Hash>` beside the raw bytes) held inline too; boxing would add an allocation.
#[allow(clippy::large_enum_variant)]
enum State {
    /// The raw messages, before [`Transcript::start_hash`].
    Unhashed(Vec<u8>),
    /// The running PRF hash and what a CertificateVerify may still need.
    Hashed {
        hash: Hash,
        for_signature: ForSignature,
    },
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new(mtls_crypto::default_provider())
    }
}

impl Transcript {
    /// An empty transcript whose hashes run on `provider`.
    pub fn new(provider: &'static CryptoProvider) -> Self {
        Self {
            provider,
            state: State::Unhashed(Vec::new()),
        }
    }

    /// Starts the running hash once the suite (hence the PRF hash) is known; the raw
    /// messages stay for a CertificateVerify until [`Transcript::start_signature_hashes`] or
    /// [`Transcript::end_signature_transcript`]. Does nothing if already started.
    pub fn start_hash(&mut self, alg: HashAlgorithm) {
        if let State::Unhashed(raw) = &mut self.state {
            let mut hash = self.provider.hash(alg);
            hash.update(raw);
            let raw = std::mem::take(raw);
            self.state = State::Hashed {
                hash,
                for_signature: ForSignature::Raw(raw),
            };
        }
    }

    /// Appends one handshake message, header included.
    pub fn add(&mut self, message: &[u8]) {
        match &mut self.state {
            State::Unhashed(raw) => raw.extend_from_slice(message),
            State::Hashed {
                hash,
                for_signature,
            } => {
                hash.update(message);
                match for_signature {
                    ForSignature::Raw(raw) => raw.extend_from_slice(message),
                    ForSignature::Hashes(hashers) => {
                        hashers.iter_mut().for_each(|h| h.update(message))
                    }
                    ForSignature::Done => {}
                }
            }
        }
    }

    /// From here on keeps, for a CertificateVerify, only running hashes of these kinds (fed
    /// with everything so far) instead of the raw messages. Does nothing before
    /// [`Transcript::start_hash`] (the PRF hash still needs the raw messages) or once the
    /// raw messages are gone.
    pub fn start_signature_hashes(&mut self, hashes: impl IntoIterator<Item = SignatureHash>) {
        let State::Hashed { for_signature, .. } = &mut self.state else {
            return;
        };
        let ForSignature::Raw(raw) = for_signature else {
            return;
        };
        let mut hashers: Vec<SignatureHasher> = Vec::new();
        for hash in hashes {
            if hashers.iter().all(|h| h.hash() != hash) {
                let mut h = self.provider.signature_hasher(hash);
                h.update(raw);
                hashers.push(h);
            }
        }
        *for_signature = ForSignature::Hashes(hashers);
    }

    /// Keeps nothing more for a CertificateVerify: none will be signed or checked (no
    /// CertificateRequest, an empty client Certificate, resumption, or it is done). Does
    /// nothing before [`Transcript::start_hash`].
    pub fn end_signature_transcript(&mut self) {
        if let State::Hashed { for_signature, .. } = &mut self.state {
            *for_signature = ForSignature::Done;
        }
    }

    /// The digest a CertificateVerify with a scheme of hash `hash` signs: every message so
    /// far. `None` if that hash is not kept (no scheme that uses it was offered, or no
    /// CertificateVerify can come any more).
    pub fn signature_digest(&self, hash: SignatureHash) -> Option<Vec<u8>> {
        let raw_digest = |raw: &[u8]| {
            let mut h = self.provider.signature_hasher(hash);
            h.update(raw);
            h.finish()
        };
        match &self.state {
            State::Unhashed(raw) => Some(raw_digest(raw)),
            State::Hashed { for_signature, .. } => match for_signature {
                ForSignature::Raw(raw) => Some(raw_digest(raw)),
                ForSignature::Hashes(hashers) => hashers
                    .iter()
                    .find(|h| h.hash() == hash)
                    .map(SignatureHasher::finish),
                ForSignature::Done => None,
            },
        }
    }

    /// A copy of the running hash as it stands, for the TLS 1.3 post-handshake exchanges,
    /// whose transcripts each continue the handshake's through the client's Finished (RFC
    /// 8446 4.4.1). The copy keeps nothing for a TLS 1.2 CertificateVerify.
    pub fn fork(&self) -> Transcript {
        let state = match &self.state {
            State::Unhashed(raw) => State::Unhashed(raw.clone()),
            State::Hashed { hash, .. } => State::Hashed {
                hash: hash.fork(),
                for_signature: ForSignature::Done,
            },
        };
        Transcript {
            provider: self.provider,
            state,
        }
    }

    /// After a HelloRetryRequest (RFC 8446 4.4.1): the first ClientHello, the only message
    /// so far, is replaced by the synthetic message_hash message carrying its hash under
    /// `alg`, the suite's hash.
    pub fn replace_with_message_hash(&mut self, alg: HashAlgorithm) {
        let first = self.current_hash(alg);
        let message = mtls_wire::handshake::HandshakeMessage::message_hash(first.as_slice());
        let mut hash = self.provider.hash(alg);
        hash.update(message.raw());
        self.state = State::Hashed {
            hash,
            for_signature: ForSignature::Done,
        };
    }

    /// Bytes held for a CertificateVerify (raw messages), for tests and measurements.
    pub fn raw_len(&self) -> usize {
        match &self.state {
            State::Unhashed(raw)
            | State::Hashed {
                for_signature: ForSignature::Raw(raw),
                ..
            } => raw.len(),
            State::Hashed { .. } => 0,
        }
    }

    /// The PRF hash of everything so far (Finished, RFC 5246 7.4.9), with `prf`, the hash of
    /// the negotiated suite (which [`Transcript::start_hash`] was given, if it was called).
    pub fn current_hash(&self, prf: HashAlgorithm) -> Digest {
        self.hash_with(prf, &[])
    }

    /// The PRF hash of everything so far plus `next`, without adding it: the EMS session
    /// hash covers the ClientKeyExchange being processed (RFC 7627 3).
    pub fn hash_with(&self, prf: HashAlgorithm, next: &[u8]) -> Digest {
        let mut h = match &self.state {
            State::Unhashed(raw) => {
                let mut h = self.provider.hash(prf);
                h.update(raw);
                h
            }
            State::Hashed { hash, .. } => hash.fork(),
        };
        h.update(next);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(hash: SignatureHash, data: &[u8]) -> Vec<u8> {
        let mut h = SignatureHasher::new(hash);
        h.update(data);
        h.finish()
    }

    /// RFC 5246 7.4.8: the CertificateVerify digest covers every message so far, whether the
    /// transcript still holds them raw or switched to running hashes part way.
    #[test]
    fn rfc5246_7_4_8_signature_digest_is_the_same_raw_or_running() {
        let (mut raw, mut running) = (Transcript::default(), Transcript::default());
        for t in [&mut raw, &mut running] {
            t.add(b"client hello");
            t.start_hash(HashAlgorithm::Sha256);
            t.add(b"server hello");
        }
        running.start_signature_hashes([
            SignatureHash::Sha256,
            SignatureHash::Sha512,
            SignatureHash::Sha256,
        ]);
        assert_eq!(running.raw_len(), 0, "no raw bytes once hashes run");
        for t in [&mut raw, &mut running] {
            t.add(b"certificate");
        }
        let all = b"client helloserver hellocertificate";
        for hash in [SignatureHash::Sha256, SignatureHash::Sha512] {
            assert_eq!(raw.signature_digest(hash), Some(digest(hash, all)));
            assert_eq!(running.signature_digest(hash), Some(digest(hash, all)));
        }
        // A hash no offered scheme uses is not kept.
        assert_eq!(running.signature_digest(SignatureHash::Sha384), None);
        // The PRF hash does not depend on any of this.
        assert_eq!(
            raw.current_hash(HashAlgorithm::Sha256),
            running.current_hash(HashAlgorithm::Sha256)
        );

        running.end_signature_transcript();
        assert_eq!(running.signature_digest(SignatureHash::Sha256), None);
        running.add(b"finished");
        raw.add(b"finished");
        assert_eq!(
            raw.current_hash(HashAlgorithm::Sha256),
            running.current_hash(HashAlgorithm::Sha256)
        );
        assert_eq!(
            raw.hash_with(HashAlgorithm::Sha256, b"x"),
            running.hash_with(HashAlgorithm::Sha256, b"x")
        );
    }

    #[test]
    fn raw_messages_are_kept_until_the_prf_hash_has_started() {
        let mut t = Transcript::default();
        t.add(b"client hello");
        // Before the suite is known the raw bytes are the only transcript.
        t.start_signature_hashes([SignatureHash::Sha256]);
        t.end_signature_transcript();
        assert_eq!(t.raw_len(), 12);
        t.start_hash(HashAlgorithm::Sha256);
        let mut h = Hash::new(HashAlgorithm::Sha256);
        h.update(b"client hello");
        assert_eq!(t.current_hash(HashAlgorithm::Sha256), h.finish());
    }
}
