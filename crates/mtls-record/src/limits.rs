//! The record layer's size limits (RFC 5246 6.2.1 - 6.2.3, RFC 8446 5.1 - 5.4) and this
//! crate's defaults.

/// Largest `TLSPlaintext.length` (and decrypted fragment): 2^14 bytes (RFC 5246 6.2.1).
pub const MAX_PLAINTEXT_LEN: usize = 1 << 14;

/// Largest `TLSCiphertext.length`: 2^14 + 2048 bytes (RFC 5246 6.2.3).
pub const MAX_CIPHERTEXT_LEN: usize = MAX_PLAINTEXT_LEN + 2048;

/// Record header length: type, version, length (RFC 5246 6.2.1).
pub const HEADER_LEN: usize = 5;

/// Handshake message header length: msg_type(1) + uint24 length (RFC 5246 7.4).
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// Largest record on the wire, header included: what the receive buffer is sized for.
pub const MAX_RECORD_LEN: usize = HEADER_LEN + MAX_CIPHERTEXT_LEN;

/// Default cap on one handshake message other than ClientHello, header included. Large enough
/// for certificate chains of several RSA-4096 certificates; a peer claiming more is refused
/// before we buffer it.
pub const DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN: usize = 64 * 1024;

/// The largest ClientHello body its fields allow (RFC 5246 7.4.1.2): client_version (2),
/// random (32), session_id (1 + 32), cipher_suites (2 + 65534), compression_methods
/// (1 + 255) and extensions (2 + 65535): 131 396 bytes.
pub const MAX_CLIENT_HELLO_BODY_LEN: usize =
    2 + 32 + (1 + 32) + (2 + 65534) + (1 + 255) + (2 + 65535);

/// Default cap on a ClientHello, header included: the largest its fields allow
/// ([`MAX_CLIENT_HELLO_BODY_LEN`] + 4). A header announcing more cannot be a ClientHello
/// that decodes, and is refused with `decode_error` before any of its body is buffered.
pub const MAX_CLIENT_HELLO_LEN: usize = HANDSHAKE_HEADER_LEN + MAX_CLIENT_HELLO_BODY_LEN;

/// How many empty application-data records in a row we accept before calling it a denial of
/// service (as OpenSSL's `MAX_EMPTY_RECORDS`): they cost a decryption each and carry nothing.
pub const MAX_CONSECUTIVE_EMPTY_RECORDS: u32 = 32;

/// GCM explicit nonce length in the record (RFC 5288 3: `nonce_explicit`, 8 bytes).
pub const GCM_EXPLICIT_NONCE_LEN: usize = 8;

/// AEAD tag length for every suite we implement (RFC 5116, RFC 8439).
pub const TAG_LEN: usize = 16;

/// Largest TLS 1.3 `TLSCiphertext.length`: 2^14 + 256 bytes (RFC 8446 5.2: "The length MUST
/// NOT exceed 2^14 + 256 bytes. An endpoint that receives a record that exceeds this length
/// MUST terminate the connection with a "record_overflow" alert").
pub const MAX_TLS13_CIPHERTEXT_LEN: usize = MAX_PLAINTEXT_LEN + 256;

/// Largest TLS 1.3 `TLSInnerPlaintext` (content, type and padding): 2^14 + 1 bytes (RFC 8446
/// 5.4: "the full encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 octets").
pub const MAX_TLS13_INNER_PLAINTEXT_LEN: usize = MAX_PLAINTEXT_LEN + 1;
