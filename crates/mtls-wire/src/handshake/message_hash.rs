//! The synthetic message_hash message of a HelloRetryRequest transcript
//! (RFC 8446 4.4.1).
//!
//! ```text
//! Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
//!     Hash(message_hash ||        /* Handshake type */
//!          00 00 Hash.length  ||  /* Handshake message length (bytes) */
//!          Hash(ClientHello1) ||  /* Hash of ClientHello1 */
//!          HelloRetryRequest  || ... || Mn)
//! ```
//!
//! Never sent: after a HelloRetryRequest both sides replace the first
//! ClientHello in the transcript with this message. Its body is the hash,
//! kept as bytes ([`HandshakePayload::MessageHash`](super::HandshakePayload::MessageHash));
//! the hash function is the handshake's.

use super::{HandshakeMessage, HandshakePayload};

impl HandshakeMessage {
    /// The message_hash message (type 254, RFC 8446 4.4.1) wrapping
    /// `client_hello1_hash`, the hash of the first ClientHello: the bytes
    /// that stand for that ClientHello in the transcript after a
    /// HelloRetryRequest.
    pub fn message_hash(client_hello1_hash: &[u8]) -> Self {
        Self::new(HandshakePayload::MessageHash(client_hello1_hash.to_vec()))
    }
}
