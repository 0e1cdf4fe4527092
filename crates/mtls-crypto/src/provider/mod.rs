//! The crypto provider boundary: one [`CryptoProvider`] value carries every primitive the
//! stack uses (hashes, HMAC, AEADs, key exchange groups, signing and verifying, the static
//! RSA premaster, randomness), as `&'static dyn` tables. The layers above take a provider
//! from their configuration and reach the primitives only through it, so that a faster
//! backend is a configuration choice.
//!
//! | provider | where | what |
//! |---|---|---|
//! | [`rustcrypto::PROVIDER`] | always; [`default_provider`] | the RustCrypto crates |
//! | `aws_lc::PROVIDER` | feature `aws-lc` | AWS-LC (aws-lc-rs), RustCrypto where it measured faster or where AWS-LC lacks the operation |
//!
//! The types that callers hold ([`Hash`](struct@Hash), [`Hmac`], [`AeadKey`], [`KeyExchange`],
//! [`SigningKey`], [`VerifyingKey`], [`SignatureHasher`]) are the same whatever the provider;
//! a provider only supplies what runs inside them. Their provider-less constructors
//! (`Hash::new`, `AeadKey::new`, ...) use [`default_provider`].
//!
//! Costs: one virtual call per operation (per record for the AEAD) and one allocation per
//! AEAD key (per connection), never per record. Hash and HMAC states of the RustCrypto tables
//! (which the AWS-LC provider uses too) are held inline, so the transcript's and the PRF's
//! forks are copies; another provider's are boxed, one allocation per state or fork.
//!
//! ```
//! use mtls_crypto::aead::AeadAlgorithm;
//! use mtls_crypto::provider::{self, CryptoProvider};
//! use mtls_crypto::HashAlgorithm;
//!
//! # fn main() -> Result<(), mtls_crypto::Error> {
//! let provider: &'static CryptoProvider = provider::default_provider();
//! let key = provider.aead_key(AeadAlgorithm::Aes128Gcm, &[7; 16])?;
//! let mut record = b"hello".to_vec();
//! let tag = key.seal_in_place_detached(&[0; 12], b"", &mut record)?;
//! assert_eq!(tag.len(), 16);
//! assert_eq!(provider.digest(HashAlgorithm::Sha256, b"abc").as_slice().len(), 32);
//! assert_eq!(provider.name, "rustcrypto");
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "aws-lc")]
pub mod aws_lc;
pub mod rustcrypto;

use core::fmt;

use crate::aead::{AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN};
use crate::error::Result;
use crate::hash::{Digest, Hash, HashAlgorithm, HashInner};
use crate::hmac::Hmac;
use crate::kx::{KeyExchange, NamedGroup};
use crate::rand::SecureRandom;
use crate::secret::{PreMasterSecret, SharedSecret};
use crate::signature::{
    RsaPrivateKey, RsaPublicKey, SignatureAlgorithm, SignatureHash, SignatureHasher, SigningKey,
    VerifyingKey,
};

/// Every primitive of the stack, from one backend (or a mix: a provider may take any table
/// from another, as the aws-lc provider takes RustCrypto's hashes).
///
/// Providers are `'static` values compared by address ([`CryptoProvider::same`]); the
/// configurations of the layers above hold a `&'static CryptoProvider`.
pub struct CryptoProvider {
    /// A short name for logs and `--version` lines, e.g. `"rustcrypto"`, `"aws-lc-rs"`.
    pub name: &'static str,
    /// SHA-256, SHA-384 (PRF, transcript, EMS) and SHA-512 (signatures).
    pub hash: &'static dyn HashProvider,
    /// HMAC-SHA256 and HMAC-SHA384 (the PRF, RFC 5246 5).
    pub hmac: &'static dyn HmacProvider,
    /// AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (record protection).
    pub aead: &'static dyn AeadProvider,
    /// X25519, secp256r1, secp384r1 (ECDHE).
    pub kx: &'static dyn KxProvider,
    /// Signing and verifying for every [`SignatureAlgorithm`], and certificate signatures.
    pub signature: &'static dyn SignatureProvider,
    /// The static RSA premaster, both sides (RFC 5246 7.4.7.1).
    pub rsa_kx: &'static dyn RsaKxProvider,
    /// The default random source of connections configured with this provider.
    pub random: &'static dyn RandomSource,
}

/// The provider used when none is configured: RustCrypto ([`rustcrypto::PROVIDER`]), also
/// when a faster one is compiled in.
pub fn default_provider() -> &'static CryptoProvider {
    &rustcrypto::PROVIDER
}

/// Every provider compiled into this build, the default first: what tests run each case
/// through.
pub fn compiled_in() -> &'static [&'static CryptoProvider] {
    COMPILED_IN
}

static COMPILED_IN: &[&CryptoProvider] = &[
    &rustcrypto::PROVIDER,
    #[cfg(feature = "aws-lc")]
    &aws_lc::PROVIDER,
];

impl CryptoProvider {
    /// True when `self` and `other` are the same provider value.
    pub fn same(&self, other: &CryptoProvider) -> bool {
        core::ptr::eq(self, other)
    }

    /// An empty running hash.
    pub fn hash(&self, alg: HashAlgorithm) -> Hash {
        Hash::from_inner(alg, HashInner::start(self.hash, alg.into()))
    }

    /// The hash of `data`.
    pub fn digest(&self, alg: HashAlgorithm, data: &[u8]) -> Digest {
        self.hash.digest(alg.into(), data)
    }

    /// An empty running hash for signatures (SHA-512 included).
    pub fn signature_hasher(&self, hash: SignatureHash) -> SignatureHasher {
        SignatureHasher::from_inner(hash, HashInner::start(self.hash, hash))
    }

    /// A keyed HMAC.
    pub fn hmac(&self, alg: HashAlgorithm, key: &[u8]) -> Hmac {
        Hmac::keyed(self.hmac, alg, key)
    }

    /// The HMAC of `data` under `key`.
    pub fn mac(&self, alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Digest {
        self.hmac.mac(alg, key, data)
    }

    /// An expanded AEAD key; a key of the wrong length is
    /// [`Error::InvalidKeyLength`](crate::Error::InvalidKeyLength).
    pub fn aead_key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<AeadKey> {
        if key.len() != alg.key_len() {
            return Err(crate::Error::InvalidKeyLength);
        }
        Ok(AeadKey::from_cipher(alg, self.aead.key(alg, key)?))
    }

    /// A fresh ephemeral key in `group`, its private key drawn from `rng`.
    pub fn start_key_exchange(
        &self,
        group: NamedGroup,
        rng: &mut dyn SecureRandom,
    ) -> Result<KeyExchange> {
        Ok(KeyExchange::from_session(self.kx.start(group, rng)?))
    }

    /// The client's static RSA premaster and its encryption to `server_key`
    /// (RFC 5246 7.4.7.1; see [`crate::rsa_kx::encrypt_premaster`]).
    pub fn encrypt_premaster(
        &self,
        rng: &mut dyn SecureRandom,
        server_key: &RsaPublicKey,
        client_version: [u8; 2],
    ) -> Result<(PreMasterSecret, Vec<u8>)> {
        self.rsa_kx
            .encrypt_premaster(rng, server_key, client_version)
    }

    /// The server's static RSA premaster, without an error path (RFC 5246 7.4.7.1; see
    /// [`crate::rsa_kx::decrypt_premaster`]).
    pub fn decrypt_premaster(
        &self,
        key: &RsaPrivateKey,
        rng: &mut dyn SecureRandom,
        client_version: [u8; 2],
        ciphertext: &[u8],
    ) -> PreMasterSecret {
        self.rsa_kx
            .decrypt_premaster(key, rng, client_version, ciphertext)
    }

    /// This provider's random source as a [`SecureRandom`] (8 bytes; a connection's default
    /// generator).
    pub fn rng(&'static self) -> ProviderRng {
        ProviderRng(self)
    }
}

impl fmt::Debug for CryptoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CryptoProvider").field(&self.name).finish()
    }
}

/// A provider's random source, as a [`SecureRandom`] for the APIs that take one.
#[derive(Clone, Copy, Debug)]
pub struct ProviderRng(&'static CryptoProvider);

impl SecureRandom for ProviderRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        self.0.random.fill(buf)
    }
}

/// SHA-2 hash functions.
pub trait HashProvider: Send + Sync {
    /// An empty running hash.
    fn start(&self, hash: SignatureHash) -> Box<dyn HashContext>;

    /// The hash of `data` (override to skip the allocation of a context).
    fn digest(&self, hash: SignatureHash, data: &[u8]) -> Digest {
        let mut ctx = self.start(hash);
        ctx.update(data);
        ctx.finish()
    }
}

/// A running hash.
pub trait HashContext: Send + Sync {
    /// Absorbs `data`.
    fn update(&mut self, data: &[u8]);
    /// A copy of the running state (the transcript is read mid-handshake and goes on).
    fn fork(&self) -> Box<dyn HashContext>;
    /// The digest (32, 48 or 64 bytes).
    fn finish(self: Box<Self>) -> Digest;
}

/// HMAC over the PRF hashes (RFC 2104).
pub trait HmacProvider: Send + Sync {
    /// A keyed HMAC; any key length is valid (RFC 2104 2).
    fn key(&self, alg: HashAlgorithm, key: &[u8]) -> Box<dyn HmacContext>;

    /// The HMAC of `data` under `key` (override to skip the allocation of a context).
    fn mac(&self, alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Digest {
        let mut ctx = self.key(alg, key);
        ctx.update(data);
        ctx.finish()
    }
}

/// A keyed HMAC computation. Implementations wipe key material on drop.
pub trait HmacContext: Send + Sync {
    /// Absorbs `data`.
    fn update(&mut self, data: &[u8]);
    /// A copy of the keyed (and possibly partly fed) state, without re-keying.
    fn fork(&self) -> Box<dyn HmacContext>;
    /// The MAC.
    fn finish(self: Box<Self>) -> Digest;
}

/// AEAD ciphers (RFC 5116).
pub trait AeadProvider: Send + Sync {
    /// Expands `key` (its length already checked against `alg`).
    fn key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadCipher>>;
}

/// One expanded AEAD key. Implementations wipe round keys on drop. [`AeadKey`] checks
/// lengths and zeroes the buffer of a failed open around these calls.
pub trait AeadCipher: Send + Sync {
    /// Encrypts `buf` in place and returns the tag.
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]>;

    /// Encrypts `plaintext` into `out` (the same length) and returns the tag. The default
    /// copies, then seals in place; override where the backend reads and writes apart.
    fn seal_to(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        out.copy_from_slice(plaintext);
        self.seal_in_place(nonce, aad, out)
    }

    /// Authenticates `ciphertext` with `tag` and decrypts it in place; any failure is
    /// [`Error::DecryptFailed`](crate::Error::DecryptFailed).
    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        ciphertext: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<()>;
}

/// Ephemeral (EC)DH groups (RFC 8422).
pub trait KxProvider: Send + Sync {
    /// A fresh key pair in `group`. The private key is read from `rng` (a scalar for the
    /// NIST curves, retried while out of range; 32 bytes for X25519), so that the same
    /// generator output gives the same key under every provider.
    fn start(&self, group: NamedGroup, rng: &mut dyn SecureRandom) -> Result<Box<dyn KxSession>>;
}

/// One side of an ephemeral key exchange in progress. [`KeyExchange`] has already checked
/// the peer value's length and form (uncompressed points only, RFC 8422 5.4) before
/// [`KxSession::complete`].
pub trait KxSession: Send + Sync {
    /// The group.
    fn group(&self) -> NamedGroup;
    /// Our public value as it goes on the wire.
    fn public_key(&self) -> &[u8];
    /// The shared secret with the peer's value, consuming the private key: an invalid
    /// point is [`Error::InvalidPeerPublicKey`](crate::Error::InvalidPeerPublicKey), an
    /// all-zero X25519 result
    /// [`Error::NonContributoryKeyExchange`](crate::Error::NonContributoryKeyExchange).
    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret>;
}

/// The kind of a raw public key (the `subjectPublicKey` of a certificate's
/// SubjectPublicKeyInfo, RFC 5280 4.1.2.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublicKeyKind {
    /// rsaEncryption: the bytes are a DER `RSAPublicKey` (RFC 8017 A.1.1).
    Rsa,
    /// id-ecPublicKey on secp256r1: an X9.62 point (RFC 5480 2.2).
    EcdsaP256,
    /// id-ecPublicKey on secp384r1: an X9.62 point.
    EcdsaP384,
}

/// A public key as certificates carry it, before any parsing.
#[derive(Clone, Copy, Debug)]
pub struct RawPublicKey<'a> {
    /// Which kind of key.
    pub kind: PublicKeyKind,
    /// The `subjectPublicKey` bits.
    pub bytes: &'a [u8],
}

/// Signature verification and signing backends for [`SignatureAlgorithm`]s.
///
/// Policy is the same under every provider: RSA keys of 2048 to 8192 bits, PSS salt equal
/// to the hash length with MGF1 on the same hash, strict DER ECDSA signatures, the digest
/// truncated to the curve order (SEC 1 4.1.4) when the scheme's hash is longer.
pub trait SignatureProvider: Send + Sync {
    /// Verifies `signature` over `prehash`, the scheme's hash of the message, with a key
    /// already parsed and checked by [`VerifyingKey`]. A scheme the key cannot make is
    /// [`Error::SchemeMismatch`](crate::Error::SchemeMismatch); any other failure
    /// [`Error::InvalidSignature`](crate::Error::InvalidSignature).
    fn verify_prehashed(
        &self,
        key: &VerifyingKey,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<()>;

    /// Verifies `signature` over `message` with a raw certificate key (what rustls-webpki
    /// hands over): a key that does not parse or fails the size policy is an error like a
    /// bad signature.
    fn verify_raw(
        &self,
        key: RawPublicKey<'_>,
        scheme: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()>;

    /// This backend's signer for `key`, built once and kept by the key; `Ok(None)` leaves
    /// every scheme of this key to the key's own RustCrypto implementation.
    fn signer(&self, key: &SigningKey) -> Result<Option<Box<dyn ProviderSigner>>>;
}

/// A private key bound to a backend.
pub trait ProviderSigner: Send + Sync {
    /// Signs `prehash` (the scheme's hash of the message); `Ok(None)` when this backend does
    /// not make `scheme` with this key, which then falls back to RustCrypto.
    fn sign_prehashed(
        &self,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        rng: &mut dyn SecureRandom,
    ) -> Result<Option<Vec<u8>>>;
}

/// The static RSA key exchange (RFC 5246 7.4.7.1). Decryption has no error path: every
/// ciphertext yields a 48-byte premaster (docs/SECURITY.md, "Static RSA key exchange").
pub trait RsaKxProvider: Send + Sync {
    /// Makes and encrypts the client's premaster (RSAES-PKCS1-v1_5, RFC 8017 7.2.1).
    fn encrypt_premaster(
        &self,
        rng: &mut dyn SecureRandom,
        server_key: &RsaPublicKey,
        client_version: [u8; 2],
    ) -> Result<(PreMasterSecret, Vec<u8>)>;

    /// Recovers the premaster, or a random one, in constant time over the padding.
    fn decrypt_premaster(
        &self,
        key: &RsaPrivateKey,
        rng: &mut dyn SecureRandom,
        client_version: [u8; 2],
        ciphertext: &[u8],
    ) -> PreMasterSecret;
}

/// A process-wide cryptographically secure random source.
pub trait RandomSource: Send + Sync {
    /// Fills `buf` entirely.
    fn fill(&self, buf: &mut [u8]) -> Result<()>;
}
