//! The TLS 1.3 key schedule (RFC 8446 section 7): HKDF-Extract, HKDF-Expand-Label,
//! Derive-Secret, and the chain of secrets from the early secret to the resumption master
//! secret, the traffic keys of each secret, the Finished keys and the key update.
//!
//! ```text
//!              0 (or PSK)
//!              |
//!    0 ->  HKDF-Extract = Early Secret ----> binder_key
//!              |
//!        Derive-Secret(., "derived", "")
//!              |
//! (EC)DHE -> HKDF-Extract = Handshake Secret --> {client,server}_handshake_traffic_secret
//!              |
//!        Derive-Secret(., "derived", "")
//!              |
//!    0 ->  HKDF-Extract = Master Secret --> {client,server}_application_traffic_secret_0,
//!                                           exporter_master_secret,
//!                                           resumption_master_secret
//! ```
//!
//! Each stage is its own type ([`EarlySecret`], [`HandshakeSecret`], [`MasterSecret13`]) and
//! consumes the previous one, so a secret cannot be derived from the wrong stage. Every
//! secret ([`Secret`]) is zeroized on drop and has no `Clone` or `Debug`; compare a received
//! Finished only with [`FinishedMac::verify`] (constant time).

use mtls_crypto::CryptoProvider;
use mtls_crypto::hash::HashAlgorithm;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::key_block::TrafficKeys;

/// The largest hash this schedule runs on (SHA-384).
const MAX_HASH_LEN: usize = 48;

/// The TLS 1.3 per-record nonce length (RFC 8446 5.3: `iv_length` is 12 for every AEAD
/// this stack implements).
pub const TLS13_IV_LEN: usize = 12;

/// One secret of the schedule, as long as its hash's output. Zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    #[zeroize(skip)]
    hash: HashAlgorithm,
    bytes: [u8; MAX_HASH_LEN],
    len: usize,
}

impl Secret {
    fn new(hash: HashAlgorithm, value: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_HASH_LEN];
        let len = value.len().min(MAX_HASH_LEN);
        bytes.iter_mut().zip(value).for_each(|(o, b)| *o = *b);
        Self { hash, bytes, len }
    }

    /// Wraps a secret learned elsewhere (a key log line, a stored resumption secret).
    /// Only its first `hash.output_len()` bytes are kept.
    pub fn from_bytes(hash: HashAlgorithm, value: &[u8]) -> Self {
        let n = hash.output_len().min(value.len());
        Self::new(hash, value.get(..n).unwrap_or(value))
    }

    /// The secret's bytes (for a key log line: never log them anywhere else).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The hash this secret belongs to (the suite's).
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// `HKDF-Expand-Label(self, label, context, out.len())` (RFC 8446 7.1).
    pub fn expand_label(
        &self,
        provider: &CryptoProvider,
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) {
        hkdf_expand_label(provider, self.hash, self.as_bytes(), label, context, out);
    }

    /// `Derive-Secret(self, label, transcript_hash)`, with the transcript already hashed
    /// (RFC 8446 7.1).
    pub fn derive(
        &self,
        provider: &CryptoProvider,
        label: &[u8],
        transcript_hash: &[u8],
    ) -> Secret {
        let mut out = [0u8; MAX_HASH_LEN];
        let n = self.hash.output_len().min(MAX_HASH_LEN);
        let (used, _) = out.split_at_mut(n);
        self.expand_label(provider, label, transcript_hash, used);
        let secret = Secret::new(self.hash, used);
        out.zeroize();
        secret
    }

    /// The record key and IV of a traffic secret (RFC 8446 7.3): `key` from "key" with
    /// `key_len` bytes, `iv` from "iv" with 12.
    pub fn traffic_keys(&self, provider: &CryptoProvider, key_len: usize) -> TrafficKeys {
        let mut key = [0u8; 32];
        let mut iv = [0u8; TLS13_IV_LEN];
        let (key_used, _) = key.split_at_mut(key_len.min(32));
        self.expand_label(provider, b"key", &[], key_used);
        self.expand_label(provider, b"iv", &[], &mut iv);
        let keys = TrafficKeys::from_parts(key_used, &iv);
        key.zeroize();
        iv.zeroize();
        keys
    }

    /// The next generation of an application traffic secret, for KeyUpdate (RFC 8446 7.2):
    /// `HKDF-Expand-Label(self, "traffic upd", "", Hash.length)`.
    pub fn next_traffic_secret(&self, provider: &CryptoProvider) -> Secret {
        self.derive(provider, b"traffic upd", &[])
    }

    /// The Finished MAC of a base key (a handshake traffic secret, or the client application
    /// traffic secret for post-handshake authentication) over a transcript hash
    /// (RFC 8446 4.4.4): `HMAC(finished_key, transcript_hash)`, where
    /// `finished_key = HKDF-Expand-Label(self, "finished", "", Hash.length)`.
    pub fn finished_mac(&self, provider: &CryptoProvider, transcript_hash: &[u8]) -> FinishedMac {
        let finished_key = self.derive(provider, b"finished", &[]);
        let mac = provider.mac(self.hash, finished_key.as_bytes(), transcript_hash);
        FinishedMac(Secret::new(self.hash, mac.as_slice()))
    }

    /// A ticket's PSK from the resumption master secret and the ticket's nonce
    /// (RFC 8446 4.6.1): `HKDF-Expand-Label(self, "resumption", nonce, Hash.length)`.
    pub fn resumption_psk(&self, provider: &CryptoProvider, ticket_nonce: &[u8]) -> Secret {
        self.derive(provider, b"resumption", ticket_nonce)
    }
}

/// The `verify_data` of a TLS 1.3 Finished (RFC 8446 4.4.4), as long as the suite's hash.
/// Compare a received one only with [`FinishedMac::verify`].
pub struct FinishedMac(Secret);

impl FinishedMac {
    /// The bytes to put in our own Finished.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// True when `received` equals this MAC, in time independent of where they differ. A
    /// wrong length is refused at once (the length is public).
    pub fn verify(&self, received: &[u8]) -> bool {
        let ours = self.0.as_bytes();
        received.len() == ours.len() && bool::from(ours.ct_eq(received))
    }
}

/// `HKDF-Extract(salt, ikm)` (RFC 5869 2.2): `HMAC-Hash(salt, ikm)`. An empty salt stands for
/// `Hash.length` zero bytes, as RFC 5869 says.
pub fn hkdf_extract(
    provider: &CryptoProvider,
    hash: HashAlgorithm,
    salt: &[u8],
    ikm: &[u8],
) -> Secret {
    let zeros = [0u8; MAX_HASH_LEN];
    let salt = if salt.is_empty() {
        zeros.get(..hash.output_len()).unwrap_or(&zeros)
    } else {
        salt
    };
    let prk = provider.mac(hash, salt, ikm);
    Secret::new(hash, prk.as_slice())
}

/// `HKDF-Expand-Label(secret, label, context, out.len())` (RFC 8446 7.1): HKDF-Expand with
/// the info `HkdfLabel { uint16 length; opaque label<7..255> = "tls13 " + label;
/// opaque context<0..255> }`. `out` is at most 255 hash blocks (every use here is one or two).
pub fn hkdf_expand_label(
    provider: &CryptoProvider,
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) {
    // The HkdfLabel: at most 2 + 1 + 255 + 1 + 255 bytes.
    let mut info = Vec::with_capacity(4 + 6 + label.len() + context.len());
    info.extend_from_slice(&u16::try_from(out.len()).unwrap_or(u16::MAX).to_be_bytes());
    info.push(u8::try_from(6 + label.len()).unwrap_or(u8::MAX));
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(u8::try_from(context.len()).unwrap_or(u8::MAX));
    info.extend_from_slice(context);
    hkdf_expand(provider, hash, secret, &info, out);
}

/// `HKDF-Expand(prk, info, out.len())` (RFC 5869 2.3): T(i) = HMAC(prk, T(i-1) | info | i).
fn hkdf_expand(
    provider: &CryptoProvider,
    hash: HashAlgorithm,
    prk: &[u8],
    info: &[u8],
    out: &mut [u8],
) {
    let mut previous: Option<mtls_crypto::hash::Digest> = None;
    for (i, chunk) in out.chunks_mut(hash.output_len().max(1)).enumerate() {
        let mut mac = provider.hmac(hash, prk);
        if let Some(t) = &previous {
            mac.update(t.as_slice());
        }
        mac.update(info);
        mac.update(&[u8::try_from(i + 1).unwrap_or(u8::MAX)]);
        let t = mac.finish();
        chunk
            .iter_mut()
            .zip(t.as_slice())
            .for_each(|(o, b)| *o = *b);
        previous = Some(t);
    }
}

/// The hash of the empty string under `hash`: the context of every `Derive-Secret(.,
/// "derived", "")`.
fn empty_hash(provider: &CryptoProvider, hash: HashAlgorithm) -> mtls_crypto::hash::Digest {
    provider.digest(hash, &[])
}

/// The first stage: `HKDF-Extract(0, PSK or 0)` (RFC 8446 7.1).
pub struct EarlySecret(Secret);

impl EarlySecret {
    /// The early secret of a full handshake (no PSK: `Hash.length` zeros) or of a PSK
    /// resumption.
    pub fn new(provider: &CryptoProvider, hash: HashAlgorithm, psk: Option<&[u8]>) -> Self {
        let zeros = [0u8; MAX_HASH_LEN];
        let ikm = psk.unwrap_or(zeros.get(..hash.output_len()).unwrap_or(&zeros));
        Self(hkdf_extract(provider, hash, &[], ikm))
    }

    /// The early secret itself (for a key log or a known-answer test; never send it).
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The binder key: "res binder" for a resumption PSK, "ext binder" for an external one
    /// (RFC 8446 7.1); its [`Secret::finished_mac`] over the truncated ClientHello is the
    /// binder (RFC 8446 4.2.11.2).
    pub fn binder_key(&self, provider: &CryptoProvider, resumption: bool) -> Secret {
        let label: &[u8] = if resumption {
            b"res binder"
        } else {
            b"ext binder"
        };
        self.0.derive(
            provider,
            label,
            empty_hash(provider, self.0.hash).as_slice(),
        )
    }

    /// The next stage, with the (EC)DHE shared secret.
    pub fn into_handshake(
        self,
        provider: &CryptoProvider,
        shared_secret: &[u8],
    ) -> HandshakeSecret {
        let salt = self.0.derive(
            provider,
            b"derived",
            empty_hash(provider, self.0.hash).as_slice(),
        );
        HandshakeSecret(hkdf_extract(
            provider,
            self.0.hash,
            salt.as_bytes(),
            shared_secret,
        ))
    }
}

/// The two traffic secrets of one epoch, client's and server's.
pub struct TrafficSecrets {
    /// `client_*_traffic_secret`.
    pub client: Secret,
    /// `server_*_traffic_secret`.
    pub server: Secret,
}

/// The second stage: `HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE)`.
pub struct HandshakeSecret(Secret);

impl HandshakeSecret {
    /// The handshake secret itself (for a known-answer test; never send it).
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The handshake traffic secrets, over `Hash(ClientHello..ServerHello)` (RFC 8446 7.1).
    pub fn traffic(&self, provider: &CryptoProvider, hello_hash: &[u8]) -> TrafficSecrets {
        TrafficSecrets {
            client: self.0.derive(provider, b"c hs traffic", hello_hash),
            server: self.0.derive(provider, b"s hs traffic", hello_hash),
        }
    }

    /// The last stage: `HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0)`.
    pub fn into_master(self, provider: &CryptoProvider) -> MasterSecret13 {
        let hash = self.0.hash;
        let salt = self
            .0
            .derive(provider, b"derived", empty_hash(provider, hash).as_slice());
        let zeros = [0u8; MAX_HASH_LEN];
        MasterSecret13(hkdf_extract(
            provider,
            hash,
            salt.as_bytes(),
            zeros.get(..hash.output_len()).unwrap_or(&zeros),
        ))
    }
}

/// The last stage: the master secret, from which the application traffic, exporter and
/// resumption secrets derive.
pub struct MasterSecret13(Secret);

impl MasterSecret13 {
    /// The master secret itself (for a known-answer test; never send it).
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The first application traffic secrets, over `Hash(ClientHello..server Finished)`.
    pub fn application_traffic(
        &self,
        provider: &CryptoProvider,
        server_finished_hash: &[u8],
    ) -> TrafficSecrets {
        TrafficSecrets {
            client: self
                .0
                .derive(provider, b"c ap traffic", server_finished_hash),
            server: self
                .0
                .derive(provider, b"s ap traffic", server_finished_hash),
        }
    }

    /// `exporter_master_secret`, over `Hash(ClientHello..server Finished)`.
    pub fn exporter(&self, provider: &CryptoProvider, server_finished_hash: &[u8]) -> Secret {
        self.0.derive(provider, b"exp master", server_finished_hash)
    }

    /// `resumption_master_secret`, over `Hash(ClientHello..client Finished)`.
    pub fn resumption(&self, provider: &CryptoProvider, client_finished_hash: &[u8]) -> Secret {
        self.0.derive(provider, b"res master", client_finished_hash)
    }
}
