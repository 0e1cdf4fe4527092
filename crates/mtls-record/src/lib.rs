//! The TLS record layer for AEAD cipher suites: TLS 1.2 (RFC 5246 section 6) and TLS 1.3
//! (RFC 8446 section 5).
//!
//! - [`RecordReader`]: bytes from the peer, in chunks of any size, become [`Inbound`] events:
//!   whole handshake messages (reassembled across records, several per record), ChangeCipherSpec,
//!   alerts and decrypted application data. Every header is checked before its fragment is
//!   buffered (content type, version, 2^14 / 2^14 + 2048 length limits; TLS 1.3: no version
//!   check, 2^14 + 256). In TLS 1.3 mode ([`RecordReader::set_tls13`]) it applies RFC 8446 5:
//!   the inner content type, padding, the compatibility ChangeCipherSpec, and no handshake
//!   message across a key change ([`RecordReader::install_tls13_decrypter`]).
//! - [`RecordWriter`]: outgoing payloads become records of at most the maximum fragment length,
//!   sealed once keys are installed (TLS 1.3 records with a TLS 1.3 encrypter).
//! - [`RecordEncrypter`] / [`RecordDecrypter`]: AEAD protection for one direction, in place on
//!   caller-owned buffers. TLS 1.2 ([`RecordEncrypter::new`]): AES-GCM with the RFC 5288
//!   explicit nonce (the sequence number) and ChaCha20-Poly1305 with the RFC 7905 nonce (IV
//!   XOR sequence number). TLS 1.3 ([`RecordEncrypter::tls13`]): every AEAD with the nonce IV
//!   XOR sequence number, the record header as additional data and the content type inside
//!   (TLSInnerPlaintext, RFC 8446 5.2 - 5.4), optionally padded
//!   ([`RecordEncrypter::seal_padded_to`]).
//!
//! Depend on this crate alone to decrypt or produce TLS records when you already have the
//! keys: a passive decryptor fed from an NSS key log (TLS 1.2: the key block from `mtls-prf`;
//! TLS 1.3: each logged traffic secret's key and IV from `mtls_prf::tls13`), a
//! TLS-terminating middlebox with its own handshake, or a fuzzer of the record layer. The
//! handshake decides when to install keys.
//!
//! Memory: the read side holds at most one record (2^14 + 2048 + 5 bytes, grown on demand)
//! plus one handshake message under reassembly (capped by default at 64 KiB, and a ClientHello
//! at the 131 400 bytes its fields allow). No per-record heap
//! allocation once a connection is running, and no payload copy that can be avoided: records
//! are opened in place, application data and handshake messages lying whole in one record are
//! handed out as slices of the receive buffer (only a message spanning records is joined),
//! and sealing encrypts from the caller's bytes straight into the output (TLS 1.3: the
//! plaintext is copied once into its place in the output and sealed there, with its type).
//!
//! TLS 1.2:
//!
//! ```
//! use mtls_crypto::aead::AeadAlgorithm;
//! use mtls_record::{Inbound, RecordDecrypter, RecordEncrypter, RecordReader, RecordWriter};
//! use mtls_wire::ContentType;
//!
//! let (key, salt) = ([0x11u8; 16], [0x22u8; 4]);
//! let mut writer = RecordWriter::new();
//! writer.install_encrypter(RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &key, &salt)?);
//! let mut wire = Vec::new();
//! writer.write(ContentType::ApplicationData, b"ping", &mut wire)?;
//!
//! let mut reader = RecordReader::new();
//! reader.install_decrypter(RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &key, &salt)?);
//! // Bytes may arrive in any chunks; here, one at a time.
//! let mut got = None;
//! for byte in &wire {
//!     reader.push(std::slice::from_ref(byte));
//!     if let Some(Inbound::ApplicationData(data)) = reader.next_event()? {
//!         got = Some(data.to_vec());
//!     }
//! }
//! assert_eq!(got.as_deref(), Some(&b"ping"[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! TLS 1.3, with the keys of a traffic secret (`mtls_prf::tls13::Secret::traffic_keys`):
//!
//! ```
//! use mtls_crypto::{aead::AeadAlgorithm, default_provider};
//! use mtls_record::{Inbound, RecordDecrypter, RecordEncrypter, RecordReader, RecordWriter};
//! use mtls_wire::ContentType;
//!
//! let (provider, alg) = (default_provider(), AeadAlgorithm::Aes128Gcm);
//! let (key, iv) = ([0x11u8; 16], [0x22u8; 12]);
//! let mut writer = RecordWriter::new();
//! writer.install_encrypter(RecordEncrypter::tls13(provider, alg, &key, &iv)?);
//! let mut wire = Vec::new();
//! writer.write(ContentType::ChangeCipherSpec, &[1], &mut wire)?; // stays plaintext (D.4)
//! writer.write(ContentType::Handshake, &[20, 0, 0, 1, 0xaa], &mut wire)?;
//! assert_eq!(wire[..6], [20, 3, 3, 0, 1, 1]);
//! assert_eq!(wire[6..9], [23, 3, 3]); // outer type application_data (RFC 8446 5.2)
//!
//! let mut reader = RecordReader::new();
//! reader.install_tls13_decrypter(RecordDecrypter::tls13(provider, alg, &key, &iv)?)?;
//! reader.push(&wire);
//! assert_eq!(reader.next_event()?, Some(Inbound::ChangeCipherSpec)); // keys unchanged
//! assert_eq!(reader.next_event()?, Some(Inbound::Handshake(&[20, 0, 0, 1, 0xaa][..])));
//! // A Finished or KeyUpdate read: the next keys go in at this record boundary.
//! assert!(!reader.handshake_pending());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod deframer;
mod error;
mod joiner;
mod limits;
mod protection;
mod protection13;
mod reader;
mod writer;

pub use deframer::{Deframer, RecordSpan};
pub use error::RecordError;
pub use joiner::HandshakeJoiner;
pub use limits::{
    DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN, GCM_EXPLICIT_NONCE_LEN, HEADER_LEN, MAX_CIPHERTEXT_LEN,
    MAX_CLIENT_HELLO_BODY_LEN, MAX_CLIENT_HELLO_LEN, MAX_CONSECUTIVE_EMPTY_RECORDS,
    MAX_PLAINTEXT_LEN, MAX_RECORD_LEN, MAX_TLS13_CIPHERTEXT_LEN, MAX_TLS13_INNER_PLAINTEXT_LEN,
    TAG_LEN,
};
pub use protection::{RecordDecrypter, RecordEncrypter};
pub use reader::{Inbound, RecordReader};
pub use writer::RecordWriter;
