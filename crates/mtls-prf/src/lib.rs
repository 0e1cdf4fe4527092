//! TLS 1.2 key derivation (RFC 5246 sections 5, 6.3, 7.4.9 and 8.1; RFC 7627) and the TLS 1.3
//! key schedule ([`tls13`], RFC 8446 section 7).
//!
//! For TLS 1.2 this crate turns a premaster secret into everything a connection keys with:
//! the PRF itself ([`prf`], P_SHA256 / P_SHA384), the master secret ([`master_secret`]) or
//! extended master secret ([`extended_master_secret`]), the key block split into per-direction
//! write keys and IVs ([`key_block`]), and the Finished `verify_data` with a constant-time check
//! ([`verify_data`], [`VerifyData::verify`]).
//!
//! For TLS 1.3 ([`tls13`]) it runs HKDF-Extract and HKDF-Expand-Label (RFC 8446 7.1) through the
//! chain of secrets, one type per stage ([`tls13::EarlySecret`] -> [`tls13::HandshakeSecret`] ->
//! [`tls13::MasterSecret13`]): the handshake and application traffic secrets, their record key
//! and IV ([`tls13::Secret::traffic_keys`], RFC 8446 7.3), the next generation for KeyUpdate
//! ([`tls13::Secret::next_traffic_secret`], 7.2), the Finished MAC and PSK binders
//! ([`tls13::Secret::finished_mac`], 4.4.4 and 4.2.11.2), the exporter and resumption master
//! secrets and a ticket's PSK ([`tls13::Secret::resumption_psk`], 4.6.1). It is checked byte for
//! byte against RFC 8448's traces (sections 3 and 4).
//!
//! Depend on it alone when you need a TLS key schedule without a TLS stack: a passive
//! decryptor that reads an NSS key log (a 1.3 log line is a traffic secret: wrap it with
//! [`tls13::Secret::from_bytes`] and take its keys), a test harness that checks another
//! implementation's keys, or a protocol that reuses the TLS PRF or HKDF-Expand-Label. It uses
//! only `mtls-crypto` (HMAC, SHA-2), on the provider each function is given
//! (`mtls_crypto::default_provider()` for RustCrypto).
//!
//! Every secret output ([`MasterSecret`], [`TrafficKeys`], [`tls13::Secret`]) is zeroized on
//! drop and has no `Clone` or `Debug`.
//!
//! TLS 1.2:
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
//!
//! TLS 1.3 (TLS_AES_128_GCM_SHA256):
//!
//! ```
//! use mtls_crypto::default_provider;
//! use mtls_crypto::hash::{HashAlgorithm, HashAlgorithm::Sha256};
//! use mtls_prf::tls13::{EarlySecret, Secret};
//!
//! let provider = default_provider();
//! let shared_secret = [5u8; 32]; // the (EC)DHE output
//! let hello_hash = provider.digest(Sha256, b"ClientHello..ServerHello");
//! let handshake = EarlySecret::new(provider, Sha256, None).into_handshake(provider, &shared_secret);
//! let secrets = handshake.traffic(provider, hello_hash.as_slice());
//! let server_keys = secrets.server.traffic_keys(provider, 16); // RFC 8446 7.3
//! assert_eq!((server_keys.key().len(), server_keys.iv().len()), (16, 12));
//!
//! // The server's Finished over Hash(ClientHello..CertificateVerify) (RFC 8446 4.4.4).
//! let transcript = provider.digest(Sha256, b"ClientHello..CertificateVerify");
//! let finished = secrets.server.finished_mac(provider, transcript.as_slice());
//! assert!(finished.verify(finished.as_bytes()));
//!
//! // A passive decryptor: a key log line's secret, then the next generation after KeyUpdate.
//! let logged = Secret::from_bytes(HashAlgorithm::Sha256, &[9u8; 32]);
//! let keys = logged.traffic_keys(provider, 16);
//! let next = logged.next_traffic_secret(provider).traffic_keys(provider, 16); // RFC 8446 7.2
//! assert_ne!(keys.key(), next.key());
//!
//! let master = handshake.into_master(provider);
//! let finished_hash = provider.digest(Sha256, b"ClientHello..server Finished");
//! let application = master.application_traffic(provider, finished_hash.as_slice());
//! assert_eq!(application.client.as_bytes().len(), 32);
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
