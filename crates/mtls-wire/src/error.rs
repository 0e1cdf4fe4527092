//! The one error type of the codec: which field failed, what was wrong, and
//! which alert (RFC 5246 7.2.2) the connection should die with.

use core::fmt;

use crate::enums::{AlertDescription, ExtensionType};

/// Why a parser refused its input.
///
/// Each kind maps to exactly one alert through [`WireError::alert`]; the
/// mapping is documented on the variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before the structure did: more bytes may make it parse.
    ///
    /// Returned only by the framing parsers that read from an open-ended
    /// buffer ([`RecordHeader::parse`](crate::record::RecordHeader::parse),
    /// [`parse_records`](crate::record::parse_records),
    /// [`HandshakeHeader::parse`](crate::handshake::HandshakeHeader::parse),
    /// [`HandshakeMessage::parse`](crate::handshake::HandshakeMessage::parse)
    /// and [`Alert::parse`](crate::alert::Alert::parse)), so a reassembler can
    /// tell "wait for the next record" apart from "malformed". Alert if it is
    /// final after all: `decode_error`.
    Truncated,
    /// A length prefix or fixed-size field claims more bytes than the
    /// enclosing, already length-delimited structure holds (RFC 5246 4.3).
    /// Unlike [`ErrorKind::Truncated`], more input cannot fix this.
    /// Alert: `decode_error`.
    LengthMismatch,
    /// Bytes were left over inside a length-delimited structure after its
    /// last field (RFC 5246 7.4.1.2 for hellos, 4.3 in general).
    /// Alert: `decode_error`.
    TrailingBytes,
    /// A vector's byte length lies outside the `<min..max>` of its RFC
    /// definition (RFC 5246 4.3), e.g. an empty `cipher_suites`.
    /// Alert: `decode_error`.
    LengthOutOfRange {
        /// Smallest length the RFC allows, in bytes.
        min: usize,
        /// Largest length the RFC allows, in bytes.
        max: usize,
        /// Length found on the wire, in bytes.
        got: usize,
    },
    /// A vector of fixed-size elements whose byte length is not a multiple of
    /// the element size, e.g. an odd-length `cipher_suites` (RFC 5246 4.3).
    /// Alert: `decode_error`.
    LengthNotMultiple {
        /// Size of one element in bytes.
        unit: usize,
        /// Byte length found on the wire.
        got: usize,
    },
    /// A list holds a number of items the RFC forbids although its byte
    /// length is fine, e.g. a ServerHello ALPN list with two names
    /// (RFC 7301 3.1). Alert: `decode_error`.
    ItemCountOutOfRange {
        /// Fewest items allowed.
        min: usize,
        /// Most items allowed.
        max: usize,
        /// Items found.
        got: usize,
    },
    /// A well-formed value that the RFC forbids in this place, e.g. an
    /// ECParameters `curve_type` other than `named_curve` (RFC 8422 5.4).
    /// Alert: `illegal_parameter`.
    IllegalValue,
    /// The same extension type appears twice in one extensions block
    /// (RFC 5246 7.4.1.4: "There MUST NOT be more than one extension of the
    /// same type"). The RFC names no alert; we send `illegal_parameter`, as
    /// OpenSSL does (`tls_collect_extensions`, ssl/statem/extensions.c) and
    /// BoringSSL does (`ssl_parse_extensions`), because the bytes themselves
    /// are well formed.
    DuplicateExtension,
    /// An extension this crate recognizes, in a message that RFC 8446 4.2's
    /// table does not list it for (e.g. key_share in EncryptedExtensions, or
    /// extended_master_secret in a TLS 1.3 ServerHello). RFC 8446 4.2: the
    /// receiver "MUST abort the handshake with an "illegal_parameter" alert".
    /// Alert: `illegal_parameter`.
    ExtensionNotAllowed {
        /// The extension_type found.
        extension_type: ExtensionType,
    },
    /// A ClientHello whose pre_shared_key extension is not the last one
    /// (RFC 8446 4.2.11: "Servers MUST check that it is the last extension
    /// and otherwise fail the handshake with an "illegal_parameter" alert").
    /// Alert: `illegal_parameter`.
    PreSharedKeyNotLast,
    /// A ServerKeyExchange or ClientKeyExchange body was given to a parser
    /// that was not told the negotiated key exchange
    /// ([`ParseContext::kx`](crate::handshake::ParseContext::kx) is `None`),
    /// or arrived under a key exchange that has no such message (a
    /// ServerKeyExchange under static RSA, RFC 5246 7.4.3). The message came
    /// out of sequence. Alert: `unexpected_message`.
    UnexpectedForKeyExchange,
    /// A record's content is not a message its content type allows: a
    /// ChangeCipherSpec that is not exactly one byte of value 1 (RFC 5246 7.1;
    /// RFC 8446 5 says the same, naming the alert), or a TLS 1.3
    /// `TLSInnerPlaintext` without a non-zero byte, so without a content type
    /// (RFC 8446 5.4). Alert: `unexpected_message`.
    UnexpectedContent,
}

/// A parse failure: the field that failed (e.g. `"ClientHello.session_id"`)
/// and what was wrong with it. Maps to the fatal alert to send (RFC 5246 7.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WireError {
    field: &'static str,
    kind: ErrorKind,
}

impl WireError {
    /// An error for `field` of the given kind.
    pub const fn new(field: &'static str, kind: ErrorKind) -> Self {
        Self { field, kind }
    }

    /// The field that failed, as `Struct.field` in RFC naming.
    pub const fn field(&self) -> &'static str {
        self.field
    }

    /// What was wrong with the field.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// True when the input simply ended early at the framing level and more
    /// bytes may complete it (see [`ErrorKind::Truncated`]).
    pub const fn is_truncated(&self) -> bool {
        matches!(self.kind, ErrorKind::Truncated)
    }

    /// The fatal alert that reports this error to the peer (RFC 5246 7.2.2):
    /// `decode_error` for anything that cannot be decoded (bad lengths,
    /// truncation, trailing bytes), `illegal_parameter` for decodable but
    /// forbidden values, duplicate extensions, extensions in a message RFC 8446
    /// 4.2 does not allow them in and a pre_shared_key that is not last,
    /// `unexpected_message` for a
    /// key-exchange message the context does not allow and a ChangeCipherSpec
    /// that is not the byte 1.
    pub const fn alert(&self) -> AlertDescription {
        match self.kind {
            ErrorKind::Truncated
            | ErrorKind::LengthMismatch
            | ErrorKind::TrailingBytes
            | ErrorKind::LengthOutOfRange { .. }
            | ErrorKind::LengthNotMultiple { .. }
            | ErrorKind::ItemCountOutOfRange { .. } => AlertDescription::DecodeError,
            ErrorKind::IllegalValue
            | ErrorKind::DuplicateExtension
            | ErrorKind::ExtensionNotAllowed { .. }
            | ErrorKind::PreSharedKeyNotLast => AlertDescription::IllegalParameter,
            ErrorKind::UnexpectedForKeyExchange | ErrorKind::UnexpectedContent => {
                AlertDescription::UnexpectedMessage
            }
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("input ended early"),
            Self::LengthMismatch => {
                f.write_str("length exceeds the enclosing length-delimited structure")
            }
            Self::TrailingBytes => f.write_str("trailing bytes after the last field"),
            Self::LengthOutOfRange { min, max, got } => {
                write!(f, "length {got} outside <{min}..{max}>")
            }
            Self::LengthNotMultiple { unit, got } => {
                write!(f, "length {got} is not a multiple of {unit}")
            }
            Self::ItemCountOutOfRange { min, max, got } => {
                write!(f, "{got} items, allowed {min}..={max}")
            }
            Self::IllegalValue => f.write_str("illegal value"),
            Self::DuplicateExtension => f.write_str("extension appears twice"),
            Self::ExtensionNotAllowed { extension_type } => write!(
                f,
                "extension {} not allowed in this message",
                extension_type.to_u16()
            ),
            Self::PreSharedKeyNotLast => f.write_str("pre_shared_key is not the last extension"),
            Self::UnexpectedForKeyExchange => {
                f.write_str("message not valid for the (unknown or negotiated) key exchange")
            }
            Self::UnexpectedContent => f.write_str("not a message this content type carries"),
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

impl std::error::Error for WireError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_and_problem() {
        let e = WireError::new(
            "ClientHello.session_id",
            ErrorKind::LengthOutOfRange {
                min: 0,
                max: 32,
                got: 33,
            },
        );
        assert_eq!(
            e.to_string(),
            "ClientHello.session_id: length 33 outside <0..32>"
        );
        assert_eq!(e.alert(), AlertDescription::DecodeError);
    }

    #[test]
    fn duplicate_extension_is_illegal_parameter() {
        let e = WireError::new("extensions", ErrorKind::DuplicateExtension);
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
        assert!(!e.is_truncated());
    }

    #[test]
    fn rfc8446_4_2_misplaced_extensions_are_illegal_parameter() {
        let e = WireError::new(
            "EncryptedExtensions.extensions",
            ErrorKind::ExtensionNotAllowed {
                extension_type: ExtensionType::KeyShare,
            },
        );
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
        assert_eq!(
            e.to_string(),
            "EncryptedExtensions.extensions: extension 51 not allowed in this message"
        );
        let e = WireError::new("ClientHello.extensions", ErrorKind::PreSharedKeyNotLast);
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
    }
}
