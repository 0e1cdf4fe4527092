//! CertificateVerify (RFC 5246 7.4.8, RFC 8446 4.4.3).
//!
//! ```text
//! struct {
//!      digitally-signed struct {
//!          opaque handshake_messages[handshake_messages_length];
//!      }
//! } CertificateVerify;                       /* TLS 1.2 */
//!
//! struct {
//!     SignatureScheme algorithm;
//!     opaque signature<0..2^16-1>;
//! } CertificateVerify;                       /* TLS 1.3 */
//! ```
//!
//! In both versions this is exactly one [`DigitallySigned`] on the wire; the
//! signed content (the transcript so far, and in TLS 1.3 the context string
//! and padding of RFC 8446 4.4.3) and which schemes are acceptable are the
//! handshake layer's business.
//! [`HandshakePayload::CertificateVerify`](super::HandshakePayload::CertificateVerify)
//! therefore holds a `DigitallySigned` directly.

use super::DigitallySigned;
use crate::codec::Result;

/// Parses a CertificateVerify body.
pub(crate) fn parse(body: &[u8]) -> Result<DigitallySigned> {
    DigitallySigned::parse(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SignatureScheme;

    #[test]
    fn parse_and_encode() {
        let body = [0x04, 0x03, 0x00, 0x02, 0xaa, 0xbb];
        let ds = parse(&body).unwrap();
        assert_eq!(ds.scheme, SignatureScheme::ECDSA_SECP256R1_SHA256);
        assert_eq!(ds.signature, [0xaa, 0xbb]);
        let mut out = Vec::new();
        ds.encode(&mut out);
        assert_eq!(out, body);
    }
}
