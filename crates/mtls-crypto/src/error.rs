//! The crate's single error type and the TLS alert each error should end the
//! connection with (RFC 5246 7.2).

use core::fmt;

/// A TLS alert description (RFC 5246 7.2.2), limited to the ones a
/// cryptographic failure can call for. The wire crate has the full registry;
/// the handshake crate maps this onto it by [`AlertDescription::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertDescription {
    /// `bad_record_mac` (20): a record failed AEAD authentication.
    BadRecordMac,
    /// `bad_certificate` (42): a certificate key could not be decoded.
    BadCertificate,
    /// `unsupported_certificate` (43): a certificate key of a type or size we refuse.
    UnsupportedCertificate,
    /// `illegal_parameter` (47): a peer value (ECDH point, signature scheme) is invalid.
    IllegalParameter,
    /// `decrypt_error` (51): a signature did not verify (RFC 5246 7.2.2).
    DecryptError,
    /// `internal_error` (80): a local failure (RNG, misconfigured key).
    InternalError,
}

impl AlertDescription {
    /// The alert's code point (RFC 5246 7.2, RFC 8446 6).
    pub const fn code(self) -> u8 {
        match self {
            Self::BadRecordMac => 20,
            Self::BadCertificate => 42,
            Self::UnsupportedCertificate => 43,
            Self::IllegalParameter => 47,
            Self::DecryptError => 51,
            Self::InternalError => 80,
        }
    }

    /// The alert's name as the RFC spells it, e.g. `"illegal_parameter"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadRecordMac => "bad_record_mac",
            Self::BadCertificate => "bad_certificate",
            Self::UnsupportedCertificate => "unsupported_certificate",
            Self::IllegalParameter => "illegal_parameter",
            Self::DecryptError => "decrypt_error",
            Self::InternalError => "internal_error",
        }
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in this crate. Variants carry no secret data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// An AEAD key of the wrong length for its algorithm.
    InvalidKeyLength,
    /// AEAD open failed: wrong tag, or the input is shorter than a tag.
    /// The caller's buffer has been zeroed.
    DecryptFailed,
    /// AEAD seal failed (input longer than the algorithm allows).
    EncryptFailed,
    /// The peer's ECDHE public value is malformed: wrong length, not an
    /// uncompressed point, off the curve, or the identity (RFC 8422 5.4, 5.11).
    InvalidPeerPublicKey,
    /// The X25519 result is all zeros: the peer sent a low-order point
    /// (RFC 7748 6.1, RFC 8422 5.11).
    NonContributoryKeyExchange,
    /// A signature did not verify, or is not strictly encoded.
    InvalidSignature,
    /// The signature scheme does not fit the key (e.g. ECDSA with an RSA key).
    SchemeMismatch,
    /// A key in DER could not be decoded.
    InvalidKeyEncoding,
    /// A key of a type this crate does not support (only RSA, P-256 and P-384).
    UnsupportedKeyType,
    /// An RSA key under 2048 bits.
    KeyTooSmall,
    /// The random number generator failed.
    RandomFailed,
    /// An operation of an underlying crate failed for a local reason.
    Internal,
}

impl Error {
    /// The alert to end the connection with when this error comes from a
    /// peer's input (RFC 5246 7.2.2).
    pub const fn alert(self) -> AlertDescription {
        match self {
            Self::DecryptFailed => AlertDescription::BadRecordMac,
            Self::InvalidPeerPublicKey
            | Self::NonContributoryKeyExchange
            | Self::SchemeMismatch => AlertDescription::IllegalParameter,
            Self::InvalidSignature => AlertDescription::DecryptError,
            Self::InvalidKeyEncoding => AlertDescription::BadCertificate,
            Self::UnsupportedKeyType | Self::KeyTooSmall => {
                AlertDescription::UnsupportedCertificate
            }
            Self::InvalidKeyLength | Self::EncryptFailed | Self::RandomFailed | Self::Internal => {
                AlertDescription::InternalError
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msg = match self {
            Self::InvalidKeyLength => "AEAD key has the wrong length",
            Self::DecryptFailed => "AEAD authentication failed",
            Self::EncryptFailed => "AEAD encryption failed",
            Self::InvalidPeerPublicKey => "invalid peer key exchange public value",
            Self::NonContributoryKeyExchange => "X25519 shared secret is all zeros",
            Self::InvalidSignature => "signature verification failed",
            Self::SchemeMismatch => "signature scheme does not match the key",
            Self::InvalidKeyEncoding => "key could not be decoded",
            Self::UnsupportedKeyType => "unsupported key type",
            Self::KeyTooSmall => "RSA key smaller than 2048 bits",
            Self::RandomFailed => "random number generator failed",
            Self::Internal => "internal cryptographic error",
        };
        f.write_str(msg)
    }
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
