//! The record layer's error type, each kind mapped to its alert (RFC 5246 7.2.2, RFC 8446 6.2).

use core::fmt;

use mtls_wire::{AlertDescription, WireError};

/// What went wrong in the record layer. The connection that sees one of these is dead;
/// [`RecordError::alert`] says which fatal alert to send first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordError {
    /// A record whose content type we do not implement (RFC 5246 6: "If a TLS implementation
    /// receives an unexpected record type, it MUST send an unexpected_message alert").
    UnknownContentType(u8),
    /// A record version whose major byte is not 3, or that differs from the negotiated version
    /// once one is set. Alert `protocol_version`.
    BadVersion(u16),
    /// A record longer than the limit for its state: 2^14 plaintext, 2^14 + 2048 protected
    /// (RFC 5246 6.2.1, 6.2.3), or a fragment that decrypts to more than 2^14 bytes.
    /// Alert `record_overflow`.
    RecordOverflow {
        /// Length found, in bytes.
        len: usize,
        /// Largest length allowed in this state.
        max: usize,
    },
    /// A zero-length handshake, alert or ChangeCipherSpec fragment (RFC 5246 6.2.1:
    /// "Implementations MUST NOT send zero-length fragments of Handshake, Alert, or
    /// ChangeCipherSpec content types"). Alert `decode_error`.
    EmptyRecord,
    /// More consecutive empty application-data records than
    /// [`MAX_CONSECUTIVE_EMPTY_RECORDS`](crate::MAX_CONSECUTIVE_EMPTY_RECORDS).
    /// Alert `unexpected_message`.
    TooManyEmptyRecords,
    /// Authentication of a protected record failed: forged, altered, replayed or reordered
    /// (RFC 5246 6.2.3.3). Alert `bad_record_mac`.
    BadRecordMac,
    /// A record of another content type, or a ChangeCipherSpec, arrived while a handshake
    /// message was only partly received. Alert `unexpected_message`.
    InterleavedRecord,
    /// A handshake message whose header announces more than the configured maximum.
    /// Alert `illegal_parameter` (as OpenSSL's "excessive message size").
    HandshakeMessageTooLarge {
        /// Announced length, header included.
        len: usize,
        /// Configured maximum.
        max: usize,
    },
    /// A ClientHello whose header announces more than the largest its fields allow
    /// (RFC 5246 7.4.1.2; [`MAX_CLIENT_HELLO_LEN`](crate::MAX_CLIENT_HELLO_LEN) with the
    /// header): it cannot decode, so it is refused from the header. Alert `decode_error`.
    ClientHelloTooLarge {
        /// Announced length, header included.
        len: usize,
        /// Largest length a ClientHello can have, header included.
        max: usize,
    },
    /// Application data before record protection was in place (the handshake is not done).
    /// Alert `unexpected_message`.
    UnprotectedApplicationData,
    /// TLS 1.2: an application_data record, empty or not, between the peer's
    /// ChangeCipherSpec and its Finished, which must follow it at once (RFC 5246 7.1).
    /// Alert `unexpected_message`.
    ApplicationDataBeforeFinished,
    /// An alert or ChangeCipherSpec record that does not decode.
    Malformed(WireError),
    /// The 64-bit sequence number is used up (RFC 5246 6.1: it "MUST NOT wrap"). The
    /// connection must be closed (or rekeyed, which TLS 1.2 without renegotiation cannot).
    /// Alert `internal_error` where one can still be sent.
    SequenceExhausted,
    /// The caller read past a ChangeCipherSpec without installing the new keys: a bug in the
    /// code driving the record layer, never a peer's doing. Alert `internal_error`.
    KeysNotInstalled,
    /// The AEAD refused to seal (cannot happen with valid keys). Alert `internal_error`.
    SealFailed,
    /// TLS 1.3: a record whose outer type is not application_data (nor a plaintext
    /// change_cipher_spec) once the peer's keys are installed (RFC 8446 5.2: "any record
    /// ... other than ... change_cipher_spec ... MUST be protected"). Alert
    /// `unexpected_message`.
    UnexpectedOuterType(u8),
    /// TLS 1.3: a change_cipher_spec that is not the single byte 0x01, or one inside a
    /// protected record (RFC 8446 5: "An implementation which receives any other
    /// change_cipher_spec value or which receives a protected change_cipher_spec record MUST
    /// abort the handshake with an unexpected_message alert"). Alert `unexpected_message`.
    UnexpectedChangeCipherSpec,
    /// TLS 1.3: a protected record whose content is empty and whose type is handshake or
    /// alert (RFC 8446 5.1: "Implementations MUST NOT send zero-length fragments of Handshake
    /// types, even if those fragments contain padding"; an alert is two bytes). Only
    /// application data may be empty (RFC 8446 5.4). Alert `unexpected_message`.
    EmptyProtectedFragment(u8),
    /// TLS 1.3: new read keys while a handshake message is partly received or the current
    /// record still holds handshake messages (RFC 8446 5.1: "Handshake messages MUST NOT span
    /// key changes ... they MUST all align with a record boundary"). Alert
    /// `unexpected_message`.
    HandshakeSpansKeyChange,
    /// An operation the installed protection does not have: a TLS 1.2 open on TLS 1.3 keys or
    /// the reverse, padding under TLS 1.2, a protected change_cipher_spec under TLS 1.3. A bug
    /// in the code driving the record layer, never a peer's doing. Alert `internal_error`.
    ProtectionMismatch,
}

impl RecordError {
    /// The fatal alert that reports this error to the peer.
    pub fn alert(&self) -> AlertDescription {
        match self {
            Self::UnknownContentType(_)
            | Self::TooManyEmptyRecords
            | Self::InterleavedRecord
            | Self::UnprotectedApplicationData
            | Self::ApplicationDataBeforeFinished
            | Self::UnexpectedOuterType(_)
            | Self::UnexpectedChangeCipherSpec
            | Self::EmptyProtectedFragment(_)
            | Self::HandshakeSpansKeyChange => AlertDescription::UnexpectedMessage,
            Self::BadVersion(_) => AlertDescription::ProtocolVersion,
            Self::RecordOverflow { .. } => AlertDescription::RecordOverflow,
            Self::EmptyRecord | Self::ClientHelloTooLarge { .. } => AlertDescription::DecodeError,
            Self::BadRecordMac => AlertDescription::BadRecordMac,
            Self::HandshakeMessageTooLarge { .. } => AlertDescription::IllegalParameter,
            Self::Malformed(e) => e.alert(),
            Self::SequenceExhausted
            | Self::KeysNotInstalled
            | Self::SealFailed
            | Self::ProtectionMismatch => AlertDescription::InternalError,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownContentType(t) => write!(f, "record of unknown content type {t}"),
            Self::BadVersion(v) => write!(f, "record version {v:#06x} is not acceptable"),
            Self::RecordOverflow { len, max } => {
                write!(f, "record of {len} bytes exceeds the limit of {max}")
            }
            Self::EmptyRecord => {
                write!(f, "zero-length handshake, alert or ChangeCipherSpec record")
            }
            Self::TooManyEmptyRecords => {
                write!(f, "too many empty application data records in a row")
            }
            Self::BadRecordMac => write!(f, "record authentication failed (bad_record_mac)"),
            Self::InterleavedRecord => {
                write!(
                    f,
                    "record interleaved with a partly received handshake message"
                )
            }
            Self::HandshakeMessageTooLarge { len, max } => {
                write!(
                    f,
                    "handshake message of {len} bytes exceeds the limit of {max}"
                )
            }
            Self::ClientHelloTooLarge { len, max } => {
                write!(
                    f,
                    "ClientHello handshake message of {len} bytes exceeds the {max} its fields allow"
                )
            }
            Self::UnprotectedApplicationData => {
                write!(
                    f,
                    "application data before the handshake protected the connection"
                )
            }
            Self::ApplicationDataBeforeFinished => write!(
                f,
                "application data between ChangeCipherSpec and Finished (RFC 5246 7.1)"
            ),
            Self::Malformed(e) => write!(f, "malformed record: {e}"),
            Self::SequenceExhausted => write!(f, "record sequence number exhausted"),
            Self::KeysNotInstalled => {
                write!(
                    f,
                    "read past ChangeCipherSpec without installing the new keys"
                )
            }
            Self::SealFailed => write!(f, "record encryption failed"),
            Self::UnexpectedOuterType(t) => write!(
                f,
                "TLS 1.3 record of outer type {t} where only protected application_data may come"
            ),
            Self::UnexpectedChangeCipherSpec => write!(
                f,
                "TLS 1.3 change_cipher_spec that is protected or not the single byte 1"
            ),
            Self::EmptyProtectedFragment(t) => {
                write!(f, "zero-length protected record of content type {t}")
            }
            Self::HandshakeSpansKeyChange => {
                write!(f, "handshake message spans a TLS 1.3 key change")
            }
            Self::ProtectionMismatch => write!(
                f,
                "record operation of the other TLS version than the installed keys"
            ),
        }
    }
}

impl std::error::Error for RecordError {}

impl From<WireError> for RecordError {
    fn from(e: WireError) -> Self {
        Self::Malformed(e)
    }
}
