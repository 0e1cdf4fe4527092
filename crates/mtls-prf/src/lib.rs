//! TLS 1.2 key derivation (RFC 5246 sections 5, 6.3, 7.4.9 and 8.1; RFC 7627) and the TLS 1.3
//! key schedule ([`tls13`], RFC 8446 section 7).
//!
//! This crate turns a premaster secret into everything a TLS 1.2 connection keys with:
//! the PRF itself ([`prf`], P_SHA256 / P_SHA384), the master secret ([`master_secret`]) or
//! extended master secret ([`extended_master_secret`]), the key block split into per-direction
//! write keys and IVs ([`key_block`]), and the Finished `verify_data` with a constant-time check
//! ([`verify_data`], [`VerifyData::verify`]).
//!
//! Depend on it alone when you need the TLS 1.2 key schedule without a TLS stack: a passive
//! decryptor that reads an NSS key log, a test harness that checks another implementation's
//! keys, or a protocol that reuses the TLS PRF. It uses only `mtls-crypto` (HMAC, SHA-2), on
//! the provider each function is given (`mtls_crypto::default_provider()` for RustCrypto).
//!
//! Every secret output ([`MasterSecret`], [`TrafficKeys`]) is zeroized on drop and has no
//! `Clone` or `Debug`.
//!
//! ```
//! use mtls_crypto::default_provider;
//! use mtls_crypto::hash::HashAlgorithm;
//! use mtls_prf::{extended_master_secret, key_block, verify_data, KeyBlockLayout, Sender};
//!
//! let provider = default_provider();
//! let premaster = [7u8; 48];
//! let session_hash = [1u8; 32]; // Hash(ClientHello .. ClientKeyExchange), RFC 7627 section 3
//! let master = extended_master_secret(provider, HashAlgorithm::Sha256, &premaster, &session_hash);
//!
//! let (client_random, server_random) = ([2u8; 32], [3u8; 32]);
//! let keys = key_block(
//!     provider,
//!     HashAlgorithm::Sha256,
//!     &master,
//!     &client_random,
//!     &server_random,
//!     KeyBlockLayout::AES_128_GCM,
//! );
//! assert_eq!(keys.client_write.key().len(), 16);
//! assert_eq!(keys.client_write.iv().len(), 4); // RFC 5288 salt
//!
//! let transcript_hash = [9u8; 32];
//! let ours = verify_data(provider, HashAlgorithm::Sha256, &master, Sender::Client, &transcript_hash);
//! assert!(ours.verify(ours.as_bytes()));
//! assert!(!ours.verify(&[0u8; 12]));
//! ```
#![forbid(unsafe_code)]

mod finished;
mod key_block;
mod master_secret;
mod prf;
pub mod tls13;

pub use finished::{Sender, VERIFY_DATA_LEN, VerifyData, verify_data};
pub use key_block::{KeyBlock, KeyBlockLayout, TrafficKeys, key_block};
pub use master_secret::{MASTER_SECRET_LEN, MasterSecret, extended_master_secret, master_secret};
pub use prf::prf;
