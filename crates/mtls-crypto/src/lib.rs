//! # mtls-crypto
//!
//! The cryptographic primitives a TLS 1.2 and 1.3 stack needs, behind a provider
//! boundary ([`provider::CryptoProvider`]) with the RustCrypto crates inside by
//! default and AWS-LC with the `aws-lc` feature, and nothing TLS-stateful: no
//! sequence numbers, no transcript, no negotiation. Part of mtls, a mutual-TLS
//! 1.2 stack; the record and handshake crates build on it and take their
//! provider from their configuration.
//!
//! | module | what | RFC |
//! |---|---|---|
//! | [`hash`] | SHA-256/384, running and forkable (transcript hash) | 5246 7.4.9 |
//! | [`hmac`] | HMAC-SHA256/384, forkable keyed state (PRF) | 2104, 5246 5 |
//! | [`aead`] | AES-128/256-GCM, ChaCha20-Poly1305, in place | 5288, 7905 |
//! | [`kx`] | ephemeral ECDHE on X25519, P-256 and P-384 | 8422 |
//! | [`signature`] | RSA PKCS#1 v1.5 / PSS, ECDSA P-256 and P-384 with SHA-256/384/512; DER keys | 5246 7.4.1.4.1, 8446 4.2.3 |
//! | [`rsa_kx`] | static RSA premaster, with the 7.4.7.1 countermeasure | 5246 7.4.7.1 |
//! | [`rand`] | one randomness trait; OS and deterministic sources | |
//! | [`provider`] | the provider boundary: RustCrypto (default), AWS-LC (`aws-lc`) | |
//! | [`secret`] | zeroize-on-drop secrets without `Clone`/`Debug` | |
//!
//! Depend on it alone when you need these primitives with TLS 1.2's exact
//! rules already applied (uncompressed-only P-256 / P-384 points, all-zero X25519
//! refused, PSS salt = hash length, strict DER ECDSA, RSA >= 2048 bits, a
//! Bleichenbacher-safe premaster decryption) but bring your own protocol
//! code, e.g. to verify recorded handshakes or build test tools.
//!
//! Every error maps to the TLS alert it should end a connection with
//! ([`Error::alert`]).
//!
//! ```
//! use mtls_crypto::aead::{AeadAlgorithm, AeadKey};
//! use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
//! use mtls_crypto::rand::DeterministicRng;
//! use mtls_crypto::{Hash, HashAlgorithm, Hmac};
//!
//! # fn main() -> Result<(), mtls_crypto::Error> {
//! let mut rng = DeterministicRng::from_seed([7; 32]); // `OsRng` in production
//! let client = KeyExchange::start(NamedGroup::X25519, &mut rng)?;
//! let server = KeyExchange::start(NamedGroup::X25519, &mut rng)?;
//! let server_public = server.public_key().to_vec();
//! let z_server = server.complete(client.public_key())?;
//! let z_client = client.complete(&server_public)?;
//! assert_eq!(z_client.expose(), z_server.expose());
//!
//! // A toy key derivation, then one sealed and opened record payload.
//! let key = Hmac::mac(HashAlgorithm::Sha256, z_client.expose(), b"key");
//! let aead = AeadKey::new(AeadAlgorithm::ChaCha20Poly1305, key.as_slice())?;
//! let nonce = [0u8; 12];
//! let mut record = b"hello".to_vec();
//! let tag = aead.seal_in_place_detached(&nonce, b"aad", &mut record)?;
//! record.extend_from_slice(&tag);
//! assert_eq!(aead.open_in_place(&nonce, b"aad", &mut record)?, b"hello");
//!
//! let transcript = Hash::digest(HashAlgorithm::Sha256, b"ClientHello...");
//! assert_eq!(transcript.as_slice().len(), 32);
//! # Ok(())
//! # }
//! ```

pub mod aead;
pub mod error;
pub mod hash;
pub mod hmac;
pub mod kx;
pub mod provider;
pub mod rand;
pub mod rsa_kx;
pub mod secret;
pub mod signature;

pub use crate::error::{AlertDescription, Error, Result};
pub use crate::hash::{Digest, Hash, HashAlgorithm};
pub use crate::hmac::Hmac;
pub use crate::provider::{CryptoProvider, default_provider};
pub use crate::rand::{DeterministicRng, OsRng, SecureRandom};
pub use crate::secret::{PreMasterSecret, SharedSecret};
