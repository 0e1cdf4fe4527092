//! What a handshake parser must know beyond the bytes.

use crate::enums::CipherSuite;

/// The key exchange method of the negotiated suite, which fixes the format of
/// ServerKeyExchange and ClientKeyExchange (RFC 5246 7.4.3, 7.4.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyExchangeAlgorithm {
    /// ECDHE_ECDSA or ECDHE_RSA (RFC 8422).
    Ecdhe,
    /// Static RSA: the client encrypts the premaster secret (RFC 5246 7.4.7.1).
    Rsa,
}

impl KeyExchangeAlgorithm {
    /// The key exchange of `suite`, for the TLS 1.2 suites this crate names;
    /// `None` for anything else (SCSVs, TLS 1.3 suites, unknown values).
    pub fn of(suite: CipherSuite) -> Option<Self> {
        match suite {
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            | CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            | CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            | CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
            | CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
            | CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => Some(Self::Ecdhe),
            CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256
            | CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384 => Some(Self::Rsa),
            _ => None,
        }
    }
}

/// Connection state a TLS 1.2 handshake parser needs: the negotiated key
/// exchange, known after ServerHello (RFC 5246 7.4.3, 7.4.7).
///
/// With `kx: None`, ServerKeyExchange and ClientKeyExchange bodies are
/// refused with [`ErrorKind::UnexpectedForKeyExchange`](crate::ErrorKind::UnexpectedForKeyExchange);
/// every other message parses.
///
/// TLS 1.3 bodies need no such state: once TLS 1.3 is negotiated, parse with
/// [`HandshakeMessage::parse_tls13`](super::HandshakeMessage::parse_tls13)
/// (or [`HandshakePayload::parse_tls13`](super::HandshakePayload::parse_tls13)),
/// which reads the TLS 1.3 Certificate, CertificateRequest and
/// NewSessionTicket and the messages only TLS 1.3 has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ParseContext {
    /// The negotiated key exchange, once known.
    pub kx: Option<KeyExchangeAlgorithm>,
}

impl ParseContext {
    /// A context before key exchange is negotiated.
    pub const fn new() -> Self {
        Self { kx: None }
    }

    /// A context for the given key exchange.
    pub const fn with_kx(kx: KeyExchangeAlgorithm) -> Self {
        Self { kx: Some(kx) }
    }
}
