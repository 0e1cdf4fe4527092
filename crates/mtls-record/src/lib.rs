//! The TLS 1.2 record layer (RFC 5246 section 6) for AEAD cipher suites.
//!
//! - [`RecordReader`]: bytes from the peer, in chunks of any size, become [`Inbound`] events:
//!   whole handshake messages (reassembled across records, several per record), ChangeCipherSpec,
//!   alerts and decrypted application data. Every header is checked before its fragment is
//!   buffered (content type, version, 2^14 / 2^14 + 2048 length limits).
//! - [`RecordWriter`]: outgoing payloads become records of at most the maximum fragment length,
//!   sealed once keys are installed.
//! - [`RecordEncrypter`] / [`RecordDecrypter`]: AEAD protection for one direction, AES-GCM
//!   with the RFC 5288 explicit nonce (the sequence number) and ChaCha20-Poly1305 with the
//!   RFC 7905 nonce (IV XOR sequence number), in place on caller-owned buffers.
//!
//! Depend on this crate alone to decrypt or produce TLS 1.2 records when you already have the
//! keys: a passive decryptor fed from an NSS key log, a TLS-terminating middlebox with its own
//! handshake, or a fuzzer of the record layer. Keys come from the key block (`mtls-prf`); the
//! handshake decides when to install them.
//!
//! Memory: the read side holds at most one record (2^14 + 2048 + 5 bytes, grown on demand)
//! plus one handshake message under reassembly (capped by default at 64 KiB, and a ClientHello
//! at the 131 400 bytes its fields allow). No per-record heap
//! allocation once a connection is running, and no payload copy that can be avoided: records
//! are opened in place, application data and handshake messages lying whole in one record are
//! handed out as slices of the receive buffer (only a message spanning records is joined),
//! and sealing encrypts from the caller's bytes straight into the output.
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
